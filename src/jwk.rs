//! JWKs and JWK Sets (RFC 7517), kept only when usable for ES256 signature
//! verification, and key selection for a token.

use crate::prelude::*;
use crate::text::cat;

use crate::b64;
use crate::error::{JwkError, KeySetError};
use crate::es256::PublicKey;
use crate::json;
use crate::json::{Map, Value};

/// The largest JWK Set document accepted, in bytes.
pub const MAX_JWKS_BYTES: usize = 256 * 1024;
/// The most entries a JWK Set's `keys` array may hold.
pub const MAX_KEYS: usize = 100;

/// An EC P-256 public key usable for ES256 verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jwk {
    /// The key id, if the JWK has one.
    pub kid: Option<String>,
    /// The validated public key.
    pub key: PublicKey,
}

fn malformed(detail: impl Into<String>) -> JwkError {
    JwkError::Malformed { detail: detail.into() }
}

fn opt_str<'a>(m: &'a Map, name: &str) -> Result<Option<&'a str>, JwkError> {
    match m.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(malformed(cat!("JWK member \"", name, "\" must be a string"))),
    }
}

impl Jwk {
    /// Parses one JWK from JSON text.
    pub fn from_json(text: &str) -> Result<Jwk, JwkError> {
        let map = json::parse_object(text).map_err(malformed)?;
        Jwk::from_map(&map)
    }

    /// Validates one JWK object: `kty` EC, `crv` P-256, 32-byte `x`/`y` on
    /// the curve, no private part, and `use`/`key_ops`/`alg` (when present)
    /// allowing ES256 signature verification.
    pub fn from_map(m: &Map) -> Result<Jwk, JwkError> {
        let not_for = |detail: String| JwkError::NotForEs256 { detail };
        let kty = opt_str(m, "kty")?.ok_or_else(|| malformed("JWK has no \"kty\""))?;
        if kty != "EC" {
            return Err(not_for(cat!("kty ", json::quote(kty), " is not EC")));
        }
        let crv = opt_str(m, "crv")?.ok_or_else(|| malformed("EC JWK has no \"crv\""))?;
        if crv != "P-256" {
            return Err(not_for(cat!("crv ", json::quote(crv), " is not P-256")));
        }
        if let Some(alg) = opt_str(m, "alg")? {
            if alg != "ES256" {
                return Err(not_for(cat!("alg ", json::quote(alg), " is not ES256")));
            }
        }
        if let Some(u) = opt_str(m, "use")? {
            if u != "sig" {
                return Err(not_for(cat!("use ", json::quote(u), " is not \"sig\"")));
            }
        }
        if let Some(ops) = m.get("key_ops") {
            let ops = ops
                .as_array()
                .ok_or_else(|| malformed("JWK \"key_ops\" must be an array"))?;
            if ops.iter().any(|o| !o.is_string()) {
                return Err(malformed("JWK \"key_ops\" must hold strings"));
            }
            // RFC 7517 §4.3: "Duplicate key operation values MUST NOT be present"
            if ops.iter().enumerate().any(|(i, o)| ops.get(..i).is_some_and(|seen| seen.iter().any(|s| s.as_str() == o.as_str()))) {
                return Err(malformed("JWK \"key_ops\" holds a value twice"));
            }
            if !ops.iter().any(|o| o == "verify") {
                return Err(not_for("key_ops does not include \"verify\"".to_owned()));
            }
        }
        let kid = opt_str(m, "kid")?.map(str::to_owned);
        if m.contains_key("d") {
            return Err(JwkError::PrivateKey);
        }
        let coord = |name: &str| -> Result<Vec<u8>, JwkError> {
            let s = opt_str(m, name)?
                .ok_or_else(|| malformed(cat!("EC JWK has no \"", name, "\"")))?;
            let bytes = b64::decode(s).ok_or_else(|| JwkError::BadPoint {
                detail: cat!("\"", name, "\" is not canonical base64url"),
            })?;
            if bytes.len() != 32 {
                return Err(JwkError::BadPoint {
                    detail: cat!("\"", name, "\" is ", bytes.len(), " bytes, P-256 needs 32"),
                });
            }
            Ok(bytes)
        };
        let (x, y) = (coord("x")?, coord("y")?);
        let key = PublicKey::from_coordinates(&x, &y).ok_or_else(|| JwkError::BadPoint {
            detail: "(x, y) is not a point on P-256".to_owned(),
        })?;
        Ok(Jwk { kid, key })
    }
}

/// A key that was left out of a set, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedKey {
    /// Its index in the `keys` array.
    pub index: usize,
    /// Its `kid`, if it had a string one.
    pub kid: Option<String>,
    /// Why it is not usable.
    pub reason: JwkError,
}

/// A JWK Set holding only keys usable for ES256 verification. Other keys
/// (RSA, other curves, encryption keys, broken keys) are skipped, not fatal,
/// and listed in [`JwkSet::skipped`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwkSet {
    keys: Vec<Jwk>,
    skipped: Vec<SkippedKey>,
}

fn invalid(detail: impl Into<String>) -> KeySetError {
    KeySetError::Invalid { detail: detail.into() }
}

impl JwkSet {
    /// Parses a JWK Set document (`{"keys":[…]}`). Fails if the document is
    /// too large, is not a JSON object with a `keys` array, holds more than
    /// [`MAX_KEYS`] entries, or has no usable ES256 key.
    ///
    /// ```
    /// let set = edgetoken::jwk::JwkSet::from_json(r#"{"keys":[
    ///   {"kty":"EC","crv":"P-256","kid":"a",
    ///    "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    ///    "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
    ///   {"kty":"RSA","n":"AQAB","e":"AQAB"}]}"#).unwrap();
    /// assert_eq!(set.keys().len(), 1);
    /// assert_eq!(set.skipped().len(), 1);
    /// ```
    pub fn from_json(text: &str) -> Result<JwkSet, KeySetError> {
        if text.len() > MAX_JWKS_BYTES {
            return Err(invalid(cat!("document is ", text.len(), " bytes, more than the ", MAX_JWKS_BYTES, "-byte limit")));
        }
        let doc = json::parse_object(text).map_err(invalid)?;
        let entries = match doc.get("keys") {
            Some(Value::Array(entries)) => entries,
            Some(_) => return Err(invalid("\"keys\" must be an array")),
            None => return Err(invalid("no \"keys\" member")),
        };
        if entries.len() > MAX_KEYS {
            return Err(invalid(cat!(entries.len(), " keys, more than the limit of ", MAX_KEYS)));
        }
        let mut keys = Vec::new();
        let mut skipped = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            let result = match entry {
                Value::Object(m) => Jwk::from_map(m),
                _ => Err(malformed("JWK must be a JSON object")),
            };
            match result {
                Ok(k) => keys.push(k),
                Err(reason) => skipped.push(SkippedKey {
                    index,
                    kid: entry.get("kid").and_then(Value::as_str).map(str::to_owned),
                    reason,
                }),
            }
        }
        if keys.is_empty() {
            let why = skipped
                .first()
                .map(|s| cat!(" (first skipped key: ", s.reason.message(), ")"))
                .unwrap_or_default();
            return Err(invalid(cat!("no key usable for ES256 verification among ", entries.len(), " entries", why)));
        }
        Ok(JwkSet { keys, skipped })
    }

    /// The usable keys.
    pub fn keys(&self) -> &[Jwk] {
        &self.keys
    }

    /// The entries left out, with reasons.
    pub fn skipped(&self) -> &[SkippedKey] {
        &self.skipped
    }

    /// Picks the one key for a token. With a `kid`, the keys with that exact
    /// `kid`; without one, every key. Exactly one must match.
    pub fn select(&self, kid: Option<&str>) -> Result<&Jwk, KeySetError> {
        let (mut first, mut count) = (None, 0);
        for k in &self.keys {
            if kid.is_none() || k.kid.as_deref() == kid {
                first = first.or(Some(k));
                count += 1;
            }
        }
        match (first, count) {
            (Some(k), 1) => Ok(k),
            (Some(_), count) => Err(KeySetError::MultipleMatchingKeys {
                kid: kid.map(str::to_owned),
                count,
            }),
            (None, _) => {
                // A broken key the token names is worth reporting as such.
                let broken = kid.and_then(|kid| {
                    self.skipped.iter().find(|s| {
                        s.kid.as_deref() == Some(kid)
                            && matches!(s.reason, JwkError::BadPoint { .. } | JwkError::PrivateKey)
                    })
                });
                Err(match (broken, kid) {
                    (Some(s), Some(kid)) => KeySetError::KeyInvalid {
                        kid: kid.to_owned(),
                        reason: s.reason.clone(),
                    },
                    _ => KeySetError::NoMatchingKey { kid: kid.map(str::to_owned) },
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
    const Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
    // Another valid P-256 point (Wycheproof's kid-ec-sign key).
    const X2: &str = "04N0xi21hshyvBp7I167sbE_bXqyqkAPfefdklMO7wY";
    const Y2: &str = "UI8exy-C06a7DUnjIdENkxeFtHM4-l_41LqEw9nVgmw";

    fn key(extra: &str) -> String {
        format!(r#"{{"kty":"EC","crv":"P-256","x":"{X}","y":"{Y}"{extra}}}"#)
    }

    #[test]
    fn accepts_a_plain_p256_key_and_allowed_markings() {
        for extra in ["", r#","use":"sig""#, r#","alg":"ES256""#, r#","key_ops":["verify"]"#,
                      r#","key_ops":["sign","verify"]"#, r#","kid":"k","ext":true"#] {
            Jwk::from_json(&key(extra)).unwrap_or_else(|e| panic!("{extra}: {e}"));
        }
    }

    #[test]
    fn rejects_keys_not_for_es256_verification() {
        for extra in [r#","use":"enc""#, r#","alg":"ES384""#, r#","alg":"RS256""#,
                      r#","key_ops":["encrypt"]"#, r#","key_ops":[]"#] {
            assert!(matches!(Jwk::from_json(&key(extra)), Err(JwkError::NotForEs256 { .. })), "{extra}");
        }
        let rsa = r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#;
        assert!(matches!(Jwk::from_json(rsa), Err(JwkError::NotForEs256 { .. })));
        let p384 = key("").replace("P-256", "P-384");
        assert!(matches!(Jwk::from_json(&p384), Err(JwkError::NotForEs256 { .. })));
    }

    #[test]
    fn rejects_malformed_members() {
        for bad in [
            r#"{"crv":"P-256"}"#.to_owned(),
            r#"{"kty":"EC"}"#.to_owned(),
            r#"{"kty":1}"#.to_owned(),
            key(r#","kid":5"#),
            key(r#","key_ops":"verify""#),
            key(r#","key_ops":[1]"#),
            key(r#","key_ops":["verify","verify"]"#),
            key(r#","key_ops":["verify","sign","verify"]"#),
            key(r#","use":null"#),
            "[]".to_owned(),
        ] {
            assert!(matches!(Jwk::from_json(&bad), Err(JwkError::Malformed { .. })), "{bad}");
        }
    }

    #[test]
    fn rejects_bad_points() {
        let off_curve = key("").replace("I5a0", "I5a1");
        assert!(matches!(Jwk::from_json(&off_curve), Err(JwkError::BadPoint { .. })));
        // 31-byte coordinate
        let short = format!(r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{Y}"}}"#, b64::encode(&[7; 31]));
        assert!(matches!(Jwk::from_json(&short), Err(JwkError::BadPoint { .. })));
        // 33 bytes with a leading zero: not the fixed-length encoding
        let mut x = vec![0u8];
        x.extend(b64::decode(X).unwrap());
        let long = format!(r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{Y}"}}"#, b64::encode(&x));
        assert!(matches!(Jwk::from_json(&long), Err(JwkError::BadPoint { .. })));
        let padded = key("").replace(X, &format!("{X}="));
        assert!(matches!(Jwk::from_json(&padded), Err(JwkError::BadPoint { .. })));
        let no_y = format!(r#"{{"kty":"EC","crv":"P-256","x":"{X}"}}"#);
        assert!(matches!(Jwk::from_json(&no_y), Err(JwkError::Malformed { .. })));
    }

    #[test]
    fn rejects_private_keys() {
        let private = key(r#","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI""#);
        assert_eq!(Jwk::from_json(&private), Err(JwkError::PrivateKey));
    }

    #[test]
    fn set_structure() {
        for bad in ["{}", r#"{"keys":{}}"#, "[]", r#"{"keys":[]}"#, r#"{"keys":[1,"x"]}"#,
                    r#"{"keys":[{"kty":"RSA"}]}"#, "not json"] {
            assert_eq!(JwkSet::from_json(bad).unwrap_err().code(), "ERR_JWKS_INVALID", "{bad}");
        }
        let many = format!(r#"{{"keys":[{}]}}"#, vec![key(""); MAX_KEYS + 1].join(","));
        assert_eq!(JwkSet::from_json(&many).unwrap_err().code(), "ERR_JWKS_INVALID");
        let huge = format!(r#"{{"keys":[{}],"pad":"{}"}}"#, key(""), "x".repeat(MAX_JWKS_BYTES));
        assert_eq!(JwkSet::from_json(&huge).unwrap_err().code(), "ERR_JWKS_INVALID");
        let max = format!(r#"{{"keys":[{}]}}"#, vec![key(""); MAX_KEYS].join(","));
        assert_eq!(JwkSet::from_json(&max).unwrap().keys().len(), MAX_KEYS);
    }

    fn set(entries: &[String]) -> JwkSet {
        JwkSet::from_json(&format!(r#"{{"keys":[{}]}}"#, entries.join(","))).unwrap()
    }

    #[test]
    fn selection_by_kid() {
        let other = format!(r#"{{"kty":"EC","crv":"P-256","x":"{X2}","y":"{Y2}","kid":"b"}}"#);
        let s = set(&[key(r#","kid":"a""#), other.clone()]);
        assert_eq!(s.select(Some("a")).unwrap().kid.as_deref(), Some("a"));
        assert_eq!(s.select(Some("b")).unwrap().kid.as_deref(), Some("b"));
        assert_eq!(s.select(Some("c")).unwrap_err().code(), "ERR_JWKS_NO_MATCHING_KEY");
        // kid is compared exactly
        assert_eq!(s.select(Some("A")).unwrap_err().code(), "ERR_JWKS_NO_MATCHING_KEY");
        // no kid in the token and two candidates
        assert_eq!(s.select(None).unwrap_err().code(), "ERR_JWKS_MULTIPLE_MATCHING_KEYS");
        // no kid and exactly one candidate
        let single = set(&[key(r#","kid":"a""#)]);
        assert!(single.select(None).is_ok());
        // a key without kid never matches a token with one
        let no_kid = set(&[key("")]);
        assert_eq!(no_kid.select(Some("a")).unwrap_err().code(), "ERR_JWKS_NO_MATCHING_KEY");
        assert!(no_kid.select(None).is_ok());
        // duplicate kids are ambiguous
        let dup = set(&[key(r#","kid":"a""#), other.replace("\"b\"", "\"a\"")]);
        assert_eq!(dup.select(Some("a")).unwrap_err().code(), "ERR_JWKS_MULTIPLE_MATCHING_KEYS");
    }

    #[test]
    fn skipped_keys_are_reported_and_a_broken_named_key_is_err_jwk_invalid() {
        let broken = key(r#","kid":"bad""#).replace("I5a0", "I5a1");
        let enc = key(r#","kid":"enc","use":"enc""#);
        let s = set(&[key(r#","kid":"a""#), broken, enc, r#"{"kty":"oct","k":"AA","kid":"h"}"#.to_owned()]);
        assert_eq!(s.keys().len(), 1);
        assert_eq!(s.skipped().iter().map(|k| k.index).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(s.select(Some("bad")).unwrap_err().code(), "ERR_JWK_INVALID");
        assert_eq!(s.select(Some("enc")).unwrap_err().code(), "ERR_JWKS_NO_MATCHING_KEY");
        assert_eq!(s.select(Some("h")).unwrap_err().code(), "ERR_JWKS_NO_MATCHING_KEY");
    }
}
