//! The repeat-token cache: hits skip the signature, never the claims.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

mod common;
use common::{jwt, keys};
use edgetoken::token_cache::{TokenCache, MAX_ENTRIES};
use edgetoken::verify::jwt_verify_cached;
use edgetoken::VerifyOptions;

const NOW: i64 = 1_700_000_000;

fn verify(cache: &mut TokenCache, token: &str, opts: &VerifyOptions) -> Result<String, &'static str> {
    jwt_verify_cached(token, &keys("k"), opts, cache).map(|j| j.claims_json.clone()).map_err(|e| e.code())
}

#[test]
fn a_repeat_token_hits_and_gives_the_same_result() {
    let mut c = TokenCache::new();
    let t = jwt(&format!(r#"{{"sub":"u","exp":{}}}"#, NOW + 60));
    let first = verify(&mut c, &t, &VerifyOptions::at(NOW)).unwrap();
    assert_eq!((c.stats().hits, c.stats().misses), (0, 1), "first sight: verified in full");
    let second = verify(&mut c, &t, &VerifyOptions::at(NOW)).unwrap();
    assert_eq!(first, second);
    assert_eq!(c.stats().hits, 1);
    assert_eq!(c.stats().entries, 1);
}

#[test]
fn hits_revalidate_time_claims_and_options() {
    let mut c = TokenCache::new();
    let t = jwt(&format!(r#"{{"sub":"u","aud":"a","exp":{}}}"#, NOW + 60));
    verify(&mut c, &t, &VerifyOptions::at(NOW)).unwrap();
    // other options on a hit: checked, not bypassed
    let mut o = VerifyOptions::at(NOW);
    o.audience = vec!["b".into()];
    assert_eq!(verify(&mut c, &t, &o), Err("ERR_JWT_CLAIM_VALIDATION_FAILED"));
    o.audience = vec!["a".into()];
    assert!(verify(&mut c, &t, &o).is_ok());
    // exp passes between two hits: expired, and the entry is gone
    assert_eq!(verify(&mut c, &t, &VerifyOptions::at(NOW + 60)), Err("ERR_JWT_EXPIRED"));
    assert_eq!(c.stats().entries, 0);
}

#[test]
fn only_the_exact_token_hits() {
    let mut c = TokenCache::new();
    let t = jwt(&format!(r#"{{"sub":"u","exp":{}}}"#, NOW + 60));
    verify(&mut c, &t, &VerifyOptions::at(NOW)).unwrap();
    // same signature, another payload: a miss, and the signature fails
    let (h, rest) = t.split_once('.').unwrap();
    let (_, sig) = rest.split_once('.').unwrap();
    let forged = format!("{h}.{}.{sig}", edgetoken::b64::encode(format!(r#"{{"sub":"admin","exp":{}}}"#, NOW + 60).as_bytes()));
    assert_eq!(verify(&mut c, &forged, &VerifyOptions::at(NOW)), Err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"));
    assert_eq!(c.stats().entries, 1);
}

#[test]
fn tokens_failing_their_claims_are_not_cached() {
    let mut c = TokenCache::new();
    let later = jwt(&format!(r#"{{"sub":"u","nbf":{},"exp":{}}}"#, NOW + 30, NOW + 60));
    assert_eq!(verify(&mut c, &later, &VerifyOptions::at(NOW)), Err("ERR_JWT_CLAIM_VALIDATION_FAILED"));
    assert_eq!(c.stats().entries, 0);
    assert!(verify(&mut c, &later, &VerifyOptions::at(NOW + 30)).is_ok());
}

#[test]
fn bounded_least_recently_used() {
    let mut c = TokenCache::new();
    let tokens: Vec<String> = (0..MAX_ENTRIES + 10).map(|i| jwt(&format!(r#"{{"n":{i},"exp":{}}}"#, NOW + 60))).collect();
    for t in &tokens {
        verify(&mut c, t, &VerifyOptions::at(NOW)).unwrap();
        // keep the first token warm
        verify(&mut c, &tokens[0], &VerifyOptions::at(NOW)).unwrap();
    }
    let s = c.stats();
    assert_eq!(s.entries, MAX_ENTRIES);
    assert!(c.contains(&tokens[0]), "recently used survives");
    assert!(!c.contains(&tokens[1]), "least recently used went first");
    assert!(c.contains(tokens.last().unwrap()));
}

#[test]
fn entries_leave_with_their_key() {
    let mut c = TokenCache::new();
    let t = jwt(&format!(r#"{{"exp":{}}}"#, NOW + 60));
    verify(&mut c, &t, &VerifyOptions::at(NOW)).unwrap();
    let other = edgetoken::JwkSet::from_json(r#"{"keys":[{"kty":"EC","crv":"P-256","x":"04N0xi21hshyvBp7I167sbE_bXqyqkAPfefdklMO7wY","y":"UI8exy-C06a7DUnjIdENkxeFtHM4-l_41LqEw9nVgmw"}]}"#).unwrap();
    c.retain_keys(&[&keys("k").keys()[0].key]);
    assert_eq!(c.stats().entries, 1);
    c.retain_keys(&[&other.keys()[0].key]);
    assert_eq!(c.stats().entries, 0);
}
