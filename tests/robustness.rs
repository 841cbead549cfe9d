//! No input panics the core: mutations of a valid token and random strings
//! all end in `Ok` or a coded `Err`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

mod common;
use edgetoken::jwk::JwkSet;
use edgetoken::token::{decode_claims_unverified, decode_header_unverified};
use edgetoken::{compact_verify, jwt_verify, VerifyOptions};

use common::Rng;

fn exercise(token: &str, keys: &JwkSet) {
    let opts = VerifyOptions::at(1_700_000_000);
    for r in [
        compact_verify(token, keys).map(|_| ()),
        jwt_verify(token, keys, &opts).map(|_| ()),
        decode_header_unverified(token).map(|_| ()).map_err(Into::into),
        decode_claims_unverified(token).map(|_| ()).map_err(Into::into),
    ] {
        if let Err(e) = r {
            assert!(e.code().starts_with("ERR_"));
            assert!(!e.to_string().is_empty());
        }
    }
}

#[test]
fn mutated_tokens_never_panic() {
    let keys = common::keys("k");
    let good = common::jwt(r#"{"exp":1800000000,"sub":"u","aud":["a"]}"#);
    assert!(jwt_verify(&good, &keys, &VerifyOptions::at(1_700_000_000)).is_ok());
    let alphabet: Vec<char> = "ABCxyz019-_.=+/ {}\"\\\u{0}é€😀".chars().collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut accepted = 0;
    for _ in 0..20_000 {
        let mut chars: Vec<char> = good.chars().collect();
        for _ in 0..=rng.below(3) {
            match rng.below(4) {
                0 if !chars.is_empty() => { let i = rng.below(chars.len()); chars.remove(i); }
                1 => { let i = rng.below(chars.len() + 1); chars.insert(i, alphabet[rng.below(alphabet.len())]); }
                2 if !chars.is_empty() => { let i = rng.below(chars.len()); chars[i] = alphabet[rng.below(alphabet.len())]; }
                _ => { let n = rng.below(chars.len() + 1); chars.truncate(n); }
            }
        }
        let t: String = chars.into_iter().collect();
        exercise(&t, &keys);
        if compact_verify(&t, &keys).is_ok() {
            accepted += 1;
            assert_eq!(t, good, "a modified token verified");
        }
    }
    assert!(accepted < 20_000);
}

#[test]
fn random_strings_and_key_sets_never_panic() {
    let mut rng = Rng(42);
    let keys = common::keys("k");
    let pieces = ["{", "}", "[", "]", "\"keys\"", ":", ",", "\"kty\"", "\"EC\"", "\"crv\"", "\"P-256\"",
                  "\"x\"", "\"y\"", "\"AAAA\"", "null", "1e999", "-0", "\"\\ud800\"", "\"d\""];
    for _ in 0..5_000 {
        let n = rng.below(30);
        let s: String = (0..n).map(|_| pieces[rng.below(pieces.len())]).collect();
        let _ = JwkSet::from_json(&s);
        exercise(&s, &keys);
        let dotted = format!("{s}.{s}.{s}");
        exercise(&dotted, &keys);
    }
}
