//! Splitting and decoding a compact JWS without trusting any of it.
//!
//! [`UntrustedToken::parse`] checks the shape (three segments, canonical
//! base64url, a JSON-object header, a 64-byte signature) and nothing about
//! who made it. Only [`crate::verify`] turns one into trusted data.

use crate::prelude::*;
use crate::text::cat;

use crate::b64;
use crate::error::{ParseError, Part};
use crate::json;
use crate::json::{Map, Value};

/// The largest token accepted, in bytes. Real access and ID tokens are 1–2
/// KiB; the cap keeps hostile input from costing memory and time.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// The one algorithm this library verifies.
pub const ES256: &str = "ES256";

/// A decoded protected header. Values are as the token says: untrusted until
/// the signature verifies.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The header exactly as decoded (valid UTF-8 JSON, no duplicate names).
    pub json: String,
    /// The parsed members.
    pub members: Map,
}

impl Header {
    /// Decodes a header segment.
    pub fn decode(segment: &str) -> Result<Header, ParseError> {
        if segment.is_empty() {
            return Err(ParseError::EmptySegment(Part::Header));
        }
        let bytes = b64::decode(segment).ok_or(ParseError::Base64(Part::Header))?;
        let json = String::from_utf8(bytes).map_err(|_| ParseError::Utf8(Part::Header))?;
        let members = json::parse_object(&json).map_err(|detail| ParseError::Json {
            part: Part::Header,
            detail,
        })?;
        Ok(Header { json, members })
    }

    /// The `kid`, if present. Errors if it is not a string.
    pub fn kid(&self) -> Result<Option<&str>, ParseError> {
        self.string_param("kid")
    }

    /// The `typ`, if present and a string.
    pub fn typ(&self) -> Option<&str> {
        self.members.get("typ").and_then(Value::as_str)
    }

    fn string_param(&self, name: &'static str) -> Result<Option<&str>, ParseError> {
        match self.members.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(ParseError::HeaderParam { name }),
        }
    }

    /// Checks the header asks for exactly what this library does: `alg`
    /// ES256, no critical extensions, the payload base64url-encoded. Header
    /// parameters that point at keys (`jku`, `x5u`, `jwk`, `x5c`) are
    /// ignored: keys come only from the verifier's key set.
    pub fn check_es256(&self) -> Result<(), ParseError> {
        match self.members.get("alg") {
            None => return Err(ParseError::MissingAlg),
            Some(Value::String(alg)) if alg == ES256 => {}
            Some(Value::String(alg)) => {
                return Err(ParseError::AlgNotAllowed {
                    expected: ES256,
                    actual: alg.clone(),
                })
            }
            Some(_) => return Err(ParseError::HeaderParam { name: "alg" }),
        }
        self.kid()?;
        if let Some(crit) = self.members.get("crit") {
            let names = match crit {
                Value::Array(items) if !items.is_empty() => items,
                _ => return Err(ParseError::HeaderParam { name: "crit" }),
            };
            if names.iter().any(|n| !n.is_string()) {
                return Err(ParseError::HeaderParam { name: "crit" });
            }
            let mut list = String::new();
            for name in names.iter().filter_map(Value::as_str) {
                if !list.is_empty() {
                    list.push_str(", ");
                }
                crate::json::write_string(name, &mut list);
            }
            return Err(ParseError::Unsupported {
                detail: cat!("critical header extension(s) ", list, " not supported"),
            });
        }
        match self.members.get("b64") {
            None | Some(Value::Bool(true)) => Ok(()),
            Some(_) => Err(ParseError::Unsupported {
                detail: "unencoded payload (\"b64\") is not supported".to_owned(),
            }),
        }
    }
}

/// A compact JWS split and decoded, not verified.
#[derive(Debug, Clone)]
pub struct UntrustedToken<'t> {
    /// The decoded protected header.
    pub header: Header,
    /// `BASE64URL(header) '.' BASE64URL(payload)`: the bytes that were signed.
    pub signing_input: &'t str,
    /// The decoded payload bytes (not yet authenticated).
    pub payload: Vec<u8>,
    /// The decoded signature bytes. For ES256 these must be the 64-byte
    /// `r || s`; [`UntrustedToken::es256_signature`] checks that after the
    /// header's `alg` is known.
    pub signature: Vec<u8>,
}

/// Splits a compact JWS into its three segments, checking the size cap.
pub fn split(token: &str) -> Result<[&str; 3], ParseError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(ParseError::TooLarge {
            max: MAX_TOKEN_BYTES,
            actual: token.len(),
        });
    }
    // the first two dots, and the number of segments
    let (mut dots, mut found) = ([0usize; 2], 1usize);
    for (i, b) in token.bytes().enumerate() {
        if b == b'.' {
            if let Some(dot) = dots.get_mut(found - 1) {
                *dot = i;
            }
            found += 1;
        }
    }
    let [first, second] = dots;
    match (found, token.get(..first), token.get(first + 1..second), token.get(second + 1..)) {
        (3, Some(h), Some(p), Some(s)) => Ok([h, p, s]),
        _ => Err(ParseError::Segments { found }),
    }
}

impl<'t> UntrustedToken<'t> {
    /// Splits and decodes a compact JWS. Checks shape only.
    ///
    /// ```
    /// use edgetoken::token::UntrustedToken;
    /// let t = UntrustedToken::parse("eyJhbGciOiJFUzI1NiJ9.e30.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").unwrap();
    /// assert_eq!(t.header.members["alg"], "ES256");
    /// assert_eq!(t.payload, b"{}");
    /// ```
    pub fn parse(token: &'t str) -> Result<UntrustedToken<'t>, ParseError> {
        let [h, p, s] = split(token)?;
        let header = Header::decode(h)?;
        let payload = b64::decode(p).ok_or(ParseError::Base64(Part::Payload))?;
        if s.is_empty() {
            return Err(ParseError::EmptySegment(Part::Signature));
        }
        let signature = b64::decode(s).ok_or(ParseError::Base64(Part::Signature))?;
        let signing_input = token
            .get(..h.len() + 1 + p.len())
            .ok_or(ParseError::Segments { found: 0 })?;
        Ok(UntrustedToken {
            header,
            signing_input,
            payload,
            signature,
        })
    }

    /// The signature as ES256's raw `r || s`, which must be exactly 64 bytes
    /// (RFC 7518 §3.4).
    pub fn es256_signature(&self) -> Result<&[u8; 64], ParseError> {
        self.signature
            .as_slice()
            .try_into()
            .map_err(|_| ParseError::SignatureLength {
                actual: self.signature.len(),
            })
    }
}

/// Decodes a JWT's claims without verifying anything (jose's `decodeJwt`).
/// The token must still be a well-formed compact JWS.
pub fn decode_claims_unverified(token: &str) -> Result<(String, Map), ParseError> {
    let [h, p, _] = split(token)?;
    Header::decode(h)?;
    let bytes = b64::decode(p).ok_or(ParseError::Base64(Part::Payload))?;
    parse_claims(bytes)
}

/// Parses payload bytes as a JWT Claims Set (a JSON object).
pub fn parse_claims(bytes: Vec<u8>) -> Result<(String, Map), ParseError> {
    let text = String::from_utf8(bytes).map_err(|_| ParseError::PayloadNotClaims {
        detail: "not UTF-8".to_owned(),
    })?;
    let map = json::parse_object(&text).map_err(|detail| ParseError::PayloadNotClaims { detail })?;
    Ok((text, map))
}

/// Decodes a token's protected header without verifying anything (jose's
/// `decodeProtectedHeader`).
pub fn decode_header_unverified(token: &str) -> Result<Header, ParseError> {
    let [h, _, _] = split(token)?;
    Header::decode(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(header: &str, payload: &str, sig_len: usize) -> String {
        format!(
            "{}.{}.{}",
            b64::encode(header.as_bytes()),
            b64::encode(payload.as_bytes()),
            b64::encode(&vec![1u8; sig_len])
        )
    }

    #[test]
    fn parses_a_well_formed_token() {
        let t = tok(r#"{"alg":"ES256","kid":"k1"}"#, r#"{"sub":"u"}"#, 64);
        let u = UntrustedToken::parse(&t).unwrap();
        assert_eq!(u.header.kid().unwrap(), Some("k1"));
        assert_eq!(u.payload, br#"{"sub":"u"}"#);
        assert_eq!(u.es256_signature().unwrap(), &[1u8; 64]);
        assert_eq!(u.signing_input, t.rsplit_once('.').unwrap().0);
        u.header.check_es256().unwrap();
    }

    #[test]
    fn segment_count() {
        for (bad, found) in [("", 1), ("a", 1), ("a.b", 2), ("a.b.c.d", 4), ("a.b.c.d.e", 5), ("....", 5), ("é.ü", 2)] {
            assert_eq!(UntrustedToken::parse(bad).unwrap_err(), ParseError::Segments { found }, "{bad:?}");
            assert_eq!(split(bad).unwrap_err(), ParseError::Segments { found }, "{bad:?}");
        }
        assert_eq!(split("ab.c.déf").unwrap(), ["ab", "c", "déf"]);
        assert_eq!(split("..").unwrap(), ["", "", ""]);
    }

    #[test]
    fn size_cap() {
        let big = "a".repeat(MAX_TOKEN_BYTES + 1);
        let e = UntrustedToken::parse(&big).unwrap_err();
        assert_eq!(e.code(), "ERR_TOKEN_TOO_LARGE");
        // exactly at the cap is a shape error, not a size error
        let at = "a".repeat(MAX_TOKEN_BYTES);
        assert_eq!(UntrustedToken::parse(&at).unwrap_err().code(), "ERR_JWS_INVALID");
    }

    #[test]
    fn signature_must_be_64_bytes() {
        for len in [0usize, 1, 63, 65, 72, 128] {
            let t = tok(r#"{"alg":"ES256"}"#, "{}", len);
            let e = UntrustedToken::parse(&t).and_then(|u| u.es256_signature().map(|_| ())).unwrap_err();
            // (jose's code for a signature that does not verify)
            assert_eq!(e.code(), "ERR_JWS_SIGNATURE_VERIFICATION_FAILED", "{len}");
        }
    }

    #[test]
    fn header_must_be_a_json_object_without_duplicates() {
        for h in ["[]", "\"x\"", "{", r#"{"alg":"ES256","alg":"ES256"}"#] {
            let e = UntrustedToken::parse(&tok(h, "{}", 64)).unwrap_err();
            assert!(matches!(e, ParseError::Json { part: Part::Header, .. }), "{h}: {e:?}");
        }
        let bad_utf8 = format!("{}.e30.{}", b64::encode(&[0x7b, 0xff, 0x7d]), b64::encode(&[0; 64]));
        assert_eq!(UntrustedToken::parse(&bad_utf8).unwrap_err(), ParseError::Utf8(Part::Header));
    }

    #[test]
    fn non_canonical_base64_in_any_segment() {
        let good = tok(r#"{"alg":"ES256"}"#, "{}", 64);
        let [h, p, s] = split(&good).unwrap();
        for t in [
            format!("{h}=.{p}.{s}"),
            format!("{h}.{p}=.{s}"),
            format!("{h}.{p}.{s}="),
            format!("{h}.{p} .{s}"),
            format!("{h}.{p}.{}", s.replace('A', "+")),
        ] {
            assert_eq!(UntrustedToken::parse(&t).unwrap_err().code(), "ERR_JWS_INVALID", "{t}");
        }
    }

    #[test]
    fn header_rules() {
        let check = |h: &str| Header::decode(&b64::encode(h.as_bytes())).unwrap().check_es256();
        assert_eq!(check(r#"{"alg":"ES256","typ":"JWT","kid":"a"}"#), Ok(()));
        assert_eq!(check(r#"{"typ":"JWT"}"#), Err(ParseError::MissingAlg));
        assert_eq!(check(r#"{"alg":"none"}"#).unwrap_err().code(), "ERR_JOSE_ALG_NOT_ALLOWED");
        assert_eq!(check(r#"{"alg":"HS256"}"#).unwrap_err().code(), "ERR_JOSE_ALG_NOT_ALLOWED");
        assert_eq!(check(r#"{"alg":"es256"}"#).unwrap_err().code(), "ERR_JOSE_ALG_NOT_ALLOWED");
        assert_eq!(check(r#"{"alg":["ES256"]}"#), Err(ParseError::HeaderParam { name: "alg" }));
        assert_eq!(check(r#"{"alg":"ES256","kid":7}"#), Err(ParseError::HeaderParam { name: "kid" }));
        assert_eq!(check(r#"{"alg":"ES256","crit":["exp"],"exp":1}"#).unwrap_err().code(), "ERR_JOSE_NOT_SUPPORTED");
        assert_eq!(check(r#"{"alg":"ES256","crit":[]}"#).unwrap_err().code(), "ERR_JWS_INVALID");
        assert_eq!(check(r#"{"alg":"ES256","crit":"b64"}"#).unwrap_err().code(), "ERR_JWS_INVALID");
        assert_eq!(check(r#"{"alg":"ES256","b64":false}"#).unwrap_err().code(), "ERR_JOSE_NOT_SUPPORTED");
        assert_eq!(check(r#"{"alg":"ES256","b64":true}"#), Ok(()));
        // key-pointing parameters are ignored, never used
        assert_eq!(check(r#"{"alg":"ES256","jku":"https://evil","x5u":"https://evil","jwk":{},"x5c":[]}"#), Ok(()));
    }

    #[test]
    fn unverified_decoders() {
        let t = tok(r#"{"alg":"ES256"}"#, r#"{"sub":"u"}"#, 64);
        assert_eq!(decode_header_unverified(&t).unwrap().members["alg"], "ES256");
        assert_eq!(decode_claims_unverified(&t).unwrap().1["sub"], "u");
        let not_claims = tok(r#"{"alg":"ES256"}"#, "[1]", 64);
        assert_eq!(decode_claims_unverified(&not_claims).unwrap_err().code(), "ERR_JWT_INVALID");
    }
}
