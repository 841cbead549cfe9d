//! Strict base64url (RFC 7515 §2): URL-safe alphabet, no padding, no
//! whitespace, and canonical trailing bits, so each byte string has exactly
//! one accepted encoding.

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

const STRICT: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// Decodes canonical unpadded base64url; `None` for anything else.
pub fn decode(input: &str) -> Option<Vec<u8>> {
    STRICT.decode(input).ok()
}

/// Encodes as unpadded base64url.
pub fn encode(bytes: &[u8]) -> String {
    STRICT.encode(bytes)
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
    }
}
