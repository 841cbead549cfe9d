//! Strict base64url (RFC 7515 §2): URL-safe alphabet, no padding, no
//! whitespace, and canonical trailing bits, so each byte string has exactly
//! one accepted encoding.

use crate::prelude::*;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn sextet(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Decodes canonical unpadded base64url; `None` for anything else.
pub fn decode(input: &str) -> Option<Vec<u8>> {
    let bytes = input.as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3 + 2);
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        for c in chunk {
            acc = (acc << 6) | sextet(*c)?;
        }
        match chunk.len() {
            4 => out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]),
            // 3 characters: 18 bits for 2 bytes, the low 2 bits must be 0
            3 if acc & 0b11 == 0 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
            // 2 characters: 12 bits for 1 byte, the low 4 bits must be 0
            2 if acc & 0b1111 == 0 => out.push((acc >> 4) as u8),
            _ => return None,
        }
    }
    Some(out)
}

/// Encodes as unpadded base64url.
pub fn encode(bytes: &[u8]) -> String {
    let char_at = |i: u32| char::from(ALPHABET.get(i as usize & 63).copied().unwrap_or(b'A'));
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let acc = chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(char_at(acc >> (18 - 6 * i)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
