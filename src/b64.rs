//! Strict base64url (RFC 7515 §2) through the `base64` crate's
//! `URL_SAFE_NO_PAD` engine: URL-safe alphabet, no padding, no whitespace,
//! and canonical trailing bits, so each byte string has exactly one
//! accepted encoding.

use crate::prelude::*;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// Decodes canonical unpadded base64url; `None` for anything else.
pub fn decode(input: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(input).ok()
}

/// Encodes as unpadded base64url.
pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    #[test]
    fn round_trips() {
        for len in 0..40u8 {
            let bytes: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37).wrapping_add(250)).collect();
            assert_eq!(decode(&encode(&bytes)), Some(bytes));
        }
    }

    #[test]
    fn rejects_non_canonical_forms() {
        assert_eq!(decode("Zm9v"), Some(b"foo".to_vec()));
        assert_eq!(decode("Zm8"), Some(b"fo".to_vec()));
        // padding
        assert_eq!(decode("Zm8="), None);
        // standard alphabet
        assert_eq!(decode("+/8"), None);
        assert_eq!(decode("-_8"), Some(vec![0xfb, 0xff]));
        // whitespace anywhere
        assert_eq!(decode("Zm 9v"), None);
        assert_eq!(decode("Zm9v\n"), None);
        // non-zero trailing bits: "Zm9" canonical is "Zm8" for "fo"
        assert_eq!(decode("Zm9"), None);
        // impossible length
        assert_eq!(decode("Z"), None);
        assert_eq!(decode("Zm9vY"), None);
        // non-ASCII
        assert_eq!(decode("Zm9vé"), None);
        assert_eq!(decode(""), Some(vec![]));
        // every trailing-bit variant of a 1- and 2-byte tail: only one decodes
        for tail in 0..64u32 {
            let c = char::from(ALPHABET[tail as usize]);
            assert_eq!(decode(&format!("Z{c}")).is_some(), tail & 0b1111 == 0, "Z{c}");
            assert_eq!(decode(&format!("Zm{c}")).is_some(), tail & 0b11 == 0, "Zm{c}");
        }
    }

    #[test]
    fn matches_rfc4648_vectors() {
        for (plain, encoded) in [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")] {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(decode(encoded), Some(plain.as_bytes().to_vec()));
        }
        assert_eq!(encode(&[0xfb, 0xff, 0xfe]), "-__-");
    }
}
