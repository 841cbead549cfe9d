//! The remote JWKS cache policy, transition by transition, with a fake clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

mod common;
use edgetoken::error::{Error, FetchError};
use edgetoken::http::Response;
use edgetoken::jwks_cache::{CachePolicy, JwksCache, Plan, Snapshot, MAX_RETRY_AFTER, NO_KEYS_MAX_BACKOFF};

fn jwks(kids: &[&str]) -> String {
    let keys: Vec<String> = kids
        .iter()
        .map(|k| format!(r#"{{"kty":"EC","crv":"P-256","kid":"{k}","x":"{}","y":"{}"}}"#, common::X, common::Y))
        .collect();
    format!(r#"{{"keys":[{}]}}"#, keys.join(","))
}

fn ok(cache: &mut JwksCache, now: f64, body: &str, cc: Option<&str>) {
    let r = Response { status: 200, content_type: Some("application/json"), cache_control: cc, retry_after: None, body: body.as_bytes() };
    cache.on_response(now, &r).unwrap();
}

fn plan(cache: &JwksCache, now: f64, kid: &str) -> &'static str {
    match cache.plan(now, Some(kid), true) {
        Ok(Plan::Use(_)) => "use",
        Ok(Plan::UseAndRefresh(_)) => "use+refresh",
        Ok(Plan::Fetch) => "fetch",
        Err(e) => e.code(),
    }
}

fn after_fetch(cache: &JwksCache, now: f64, kid: &str) -> &'static str {
    match cache.plan(now, Some(kid), false) {
        Ok(Plan::Use(_)) => "use",
        Ok(Plan::UseAndRefresh(_)) => panic!("background refresh after a fetch"),
        Ok(Plan::Fetch) => panic!("fetch requested with may_fetch = false"),
        Err(e) => e.code(),
    }
}

const T0: f64 = 1_700_000_000.0;

#[test]
fn cold_cache_fetches_then_uses() {
    let mut c = JwksCache::new(CachePolicy::default());
    assert_eq!(plan(&c, T0, "a"), "fetch");
    ok(&mut c, T0, &jwks(&["a"]), None);
    assert_eq!(plan(&c, T0 + 1.0, "a"), "use");
    let s = c.state(T0 + 1.0);
    assert!(s.fresh);
    assert_eq!((s.keys, s.fetched_at, s.expires_at), (1, Some(T0), Some(T0 + 600.0)));
}

#[test]
fn max_age_is_honoured_and_clamped_and_falls_back_to_cache_max_age() {
    let mut c = JwksCache::new(CachePolicy::default());
    ok(&mut c, T0, &jwks(&["a"]), Some("max-age=1"));
    assert_eq!(plan(&c, T0 + 0.99, "a"), "use");
    assert_eq!(plan(&c, T0 + 1.0, "a"), "fetch");

    ok(&mut c, T0, &jwks(&["a"]), None);
    assert_eq!(plan(&c, T0 + 599.0, "a"), "use");
    assert_eq!(plan(&c, T0 + 600.0, "a"), "fetch");

    // clamped to the floor and the ceiling
    ok(&mut c, T0, &jwks(&["a"]), Some("no-store"));
    assert_eq!(c.state(T0).expires_at, Some(T0 + 1.0));
    ok(&mut c, T0, &jwks(&["a"]), Some("max-age=31536000"));
    assert_eq!(c.state(T0).expires_at, Some(T0 + 86_400.0));

    let mut p = CachePolicy::default();
    p.min_max_age = 60.0;
    p.max_max_age = 120.0;
    let mut c = JwksCache::new(p);
    ok(&mut c, T0, &jwks(&["a"]), Some("max-age=1"));
    assert_eq!(c.state(T0).expires_at, Some(T0 + 60.0));
}

#[test]
fn unknown_kid_refetches_once_then_cools_down() {
    let mut c = JwksCache::new(CachePolicy::default());
    ok(&mut c, T0, &jwks(&["a"]), None);
    // inside the cooldown: no refetch, the answer is "no matching key"
    assert_eq!(plan(&c, T0 + 29.0, "b"), "ERR_JWKS_NO_MATCHING_KEY");
    assert!(c.state(T0 + 29.0).cooling_down);
    // after it: one refetch, which brings the new key (rotation)
    assert_eq!(plan(&c, T0 + 30.0, "b"), "fetch");
    ok(&mut c, T0 + 30.0, &jwks(&["a", "b"]), None);
    assert_eq!(after_fetch(&c, T0 + 30.0, "b"), "use");
    // still unknown after a refetch: an error, and the cooldown starts again
    assert_eq!(after_fetch(&c, T0 + 30.0, "zz"), "ERR_JWKS_NO_MATCHING_KEY");
    assert_eq!(plan(&c, T0 + 31.0, "zz"), "ERR_JWKS_NO_MATCHING_KEY");
}

#[test]
fn failure_on_a_cold_cache_backs_off_exponentially_up_to_a_few_seconds() {
    let mut c = JwksCache::new(CachePolicy::default());
    c.on_failure(T0, FetchError::Timeout { after_ms: 5000 });
    assert_eq!(after_fetch(&c, T0, "a"), "ERR_JWKS_TIMEOUT");
    assert_eq!(plan(&c, T0 + 0.5, "a"), "ERR_JWKS_TIMEOUT");
    assert_eq!(plan(&c, T0 + 1.0, "a"), "fetch");
    c.on_failure(T0 + 1.0, FetchError::Http { status: 500 });
    assert_eq!(plan(&c, T0 + 2.9, "a"), "ERR_JWKS_HTTP_ERROR");
    assert_eq!(plan(&c, T0 + 3.0, "a"), "fetch");
    for i in 0..10 {
        c.on_failure(T0 + 100.0 * f64::from(i), FetchError::Network { detail: "refused".into() });
    }
    // with no usable keys every caller fails until a fetch succeeds, so
    // the backoff stops growing at NO_KEYS_MAX_BACKOFF (not the cooldown)
    let last = T0 + 900.0;
    assert_eq!(NO_KEYS_MAX_BACKOFF, 5.0);
    assert_eq!(plan(&c, last + 4.9, "a"), "ERR_JWKS_FETCH_FAILED");
    assert_eq!(plan(&c, last + 5.0, "a"), "fetch");
    ok(&mut c, last + 5.0, &jwks(&["a"]), None);
    assert_eq!(c.state(last + 5.0).last_error, None);
}

fn status(c: &mut JwksCache, now: f64, code: u16, retry_after: Option<&str>) {
    let r = Response { status: code, content_type: None, cache_control: None, retry_after, body: b"" };
    assert_eq!(c.on_response(now, &r).unwrap_err().code(), "ERR_JWKS_HTTP_ERROR");
}

#[test]
fn retry_after_lengthens_the_wait_up_to_a_cap() {
    let mut c = JwksCache::new(CachePolicy::default());
    status(&mut c, T0, 503, Some("20"));
    assert_eq!(plan(&c, T0 + 19.9, "a"), "ERR_JWKS_HTTP_ERROR");
    assert_eq!(plan(&c, T0 + 20.0, "a"), "fetch");
    // capped at MAX_RETRY_AFTER; a date or garbage is ignored
    status(&mut c, T0 + 20.0, 429, Some("99999999"));
    assert_eq!(plan(&c, T0 + 20.0 + MAX_RETRY_AFTER - 0.1, "a"), "ERR_JWKS_HTTP_ERROR");
    assert_eq!(plan(&c, T0 + 20.0 + MAX_RETRY_AFTER, "a"), "fetch");
    let mut c = JwksCache::new(CachePolicy::default());
    status(&mut c, T0, 503, Some("Wed, 21 Oct 2015 07:28:00 GMT"));
    assert_eq!(plan(&c, T0 + 1.0, "a"), "fetch");
    // never shorter than the backoff
    let mut c = JwksCache::new(CachePolicy::default());
    status(&mut c, T0, 503, None);
    status(&mut c, T0 + 1.0, 503, None);
    status(&mut c, T0 + 3.0, 503, Some("0"));
    assert_eq!(plan(&c, T0 + 6.9, "a"), "ERR_JWKS_HTTP_ERROR");
    assert_eq!(plan(&c, T0 + 7.0, "a"), "fetch");
}

#[test]
fn stale_keys_recover_when_the_issuer_comes_back_rotated() {
    let mut c = JwksCache::new(CachePolicy::default());
    ok(&mut c, T0, &jwks(&["a"]), Some("max-age=1"));
    assert_eq!(plan(&c, T0 + 1.0, "a"), "fetch");
    status(&mut c, T0 + 1.0, 503, None);
    assert!(c.state(T0 + 1.0).serving_stale);
    // repeat tokens answered from a verdict cache ask whether a refresh is due
    assert!(!c.refresh_due(T0 + 1.5), "within the backoff");
    assert!(c.refresh_due(T0 + 2.0));
    c.refresh_started(T0 + 2.0);
    assert!(!c.refresh_due(T0 + 2.5), "one under way");
    status(&mut c, T0 + 2.0, 503, None);
    assert!(!c.refresh_due(T0 + 3.9));
    assert!(c.refresh_due(T0 + 4.0));
    // a kid the stale set lacks refetches in the foreground once the backoff passed,
    // inside the cooldown of the last success or not
    assert!(c.state(T0 + 3.0).cooling_down);
    assert_eq!(plan(&c, T0 + 3.0, "b"), "ERR_JWKS_NO_MATCHING_KEY");
    assert_eq!(plan(&c, T0 + 4.0, "b"), "fetch");
    ok(&mut c, T0 + 4.0, &jwks(&["b"]), Some("max-age=60"));
    assert_eq!(after_fetch(&c, T0 + 4.0, "b"), "use");
    assert!(!c.state(T0 + 4.0).serving_stale);
    assert!(!c.refresh_due(T0 + 5.0), "fresh again");
    // while stale keys serve, the backoff grows up to the cooldown
    let mut c = JwksCache::new(CachePolicy::default());
    ok(&mut c, T0, &jwks(&["a"]), Some("max-age=1"));
    for i in 0..10 {
        status(&mut c, T0 + 1.0 + 100.0 * f64::from(i), 503, None);
    }
    let last = T0 + 901.0;
    assert!(c.state(last).serving_stale);
    assert!(!c.refresh_due(last + 29.9));
    assert!(c.refresh_due(last + 30.0));
}

#[test]
fn an_infinite_cache_max_age_never_goes_stale() {
    let mut p = CachePolicy::default();
    p.cache_max_age = f64::INFINITY;
    p.validate().unwrap();
    let mut c = JwksCache::new(p);
    ok(&mut c, T0, &jwks(&["a"]), Some("max-age=1"));
    assert_eq!(plan(&c, T0 + 1e9, "a"), "use");
    assert!(c.state(T0 + 1e9).fresh);
    let mut p = CachePolicy::default();
    p.cooldown = f64::INFINITY;
    assert!(p.validate().is_err(), "only cacheMaxAge may be infinite");
}

#[test]
fn stale_if_error_serves_the_last_good_keys_for_the_grace_period() {
    let mut p = CachePolicy::default();
    p.stale_if_error = 100.0;
    let mut c = JwksCache::new(p);
    ok(&mut c, T0, &jwks(&["a"]), Some("max-age=10"));
    // expired: the first caller waits for a refetch
    assert_eq!(plan(&c, T0 + 10.0, "a"), "fetch");
    c.on_failure(T0 + 10.0, FetchError::Timeout { after_ms: 5000 });
    // the refetch failed: serve stale, and say so
    assert_eq!(after_fetch(&c, T0 + 10.0, "a"), "use");
    let s = c.state(T0 + 10.0);
    assert!(s.serving_stale && !s.fresh);
    assert_eq!(s.last_error.unwrap().0.code(), "ERR_JWKS_TIMEOUT");
    // during the backoff: stale keys, no fetch; after it: stale keys and a background refresh
    assert_eq!(plan(&c, T0 + 10.5, "a"), "use");
    assert_eq!(plan(&c, T0 + 11.0, "a"), "use+refresh");
    // a refresh that started and never reported back holds others off for the backoff
    c.refresh_started(T0 + 11.0);
    assert_eq!(plan(&c, T0 + 11.5, "a"), "use");
    assert_eq!(plan(&c, T0 + 12.0, "a"), "use+refresh");
    c.on_failure(T0 + 11.0, FetchError::Http { status: 503 });
    assert_eq!(plan(&c, T0 + 109.9, "a"), "use+refresh");
    // past the grace period: the error
    assert_eq!(plan(&c, T0 + 110.0, "a"), "fetch");
    c.on_failure(T0 + 110.0, FetchError::Http { status: 503 });
    assert_eq!(after_fetch(&c, T0 + 110.0, "a"), "ERR_JWKS_HTTP_ERROR");
    assert!(!c.state(T0 + 110.0).serving_stale);
    // recovery
    assert_eq!(plan(&c, T0 + 200.0, "a"), "fetch");
    ok(&mut c, T0 + 200.0, &jwks(&["a"]), None);
    assert_eq!(plan(&c, T0 + 200.0, "a"), "use");
}

#[test]
fn a_bad_response_is_a_failure_and_keeps_the_old_keys() {
    let mut c = JwksCache::new(CachePolicy::default());
    ok(&mut c, T0, &jwks(&["a"]), Some("max-age=10"));
    let cases: [(Response<'_>, &str); 5] = [
        (Response { status: 500, content_type: None, cache_control: None, retry_after: None, body: b"" }, "ERR_JWKS_HTTP_ERROR"),
        (Response { status: 200, content_type: Some("text/html"), cache_control: None, retry_after: None, body: b"<p>" }, "ERR_JWKS_INVALID"),
        (Response { status: 200, content_type: None, cache_control: None, retry_after: None, body: b"{not json" }, "ERR_JWKS_INVALID"),
        (Response { status: 200, content_type: None, cache_control: None, retry_after: None, body: br#"{"keys":[]}"# }, "ERR_JWKS_INVALID"),
        (Response { status: 200, content_type: None, cache_control: None, retry_after: None, body: br#"{"keys":[{"kty":"RSA"}]}"# }, "ERR_JWKS_INVALID"),
    ];
    for (i, (r, code)) in cases.iter().enumerate() {
        let now = T0 + 10.0 + 100.0 * i as f64;
        assert_eq!(c.on_response(now, r).unwrap_err().code(), *code);
        assert_eq!(c.state(now).keys, 1, "old keys kept");
    }
}

#[test]
fn invalidate_forces_a_refetch_but_keeps_keys_for_stale_if_error() {
    let mut c = JwksCache::new(CachePolicy::default());
    ok(&mut c, T0, &jwks(&["a"]), None);
    c.invalidate(T0 + 5.0);
    assert!(!c.state(T0 + 5.0).fresh);
    assert_eq!(plan(&c, T0 + 5.0, "a"), "fetch");
    c.on_failure(T0 + 5.0, FetchError::Network { detail: "down".into() });
    assert_eq!(after_fetch(&c, T0 + 5.0, "a"), "use");
}

#[test]
fn export_and_import_snapshots() {
    let mut a = JwksCache::new(CachePolicy::default());
    assert_eq!(a.export(), None);
    ok(&mut a, T0, &jwks(&["a"]), Some("max-age=300"));
    let snap = a.export().unwrap();
    assert_eq!((snap.fetched_at, snap.expires_at), (T0, T0 + 300.0));

    let mut b = JwksCache::new(CachePolicy::default());
    b.import(T0 + 10.0, snap.clone()).unwrap();
    assert_eq!(plan(&b, T0 + 10.0, "a"), "use");
    assert_eq!(plan(&b, T0 + 300.0, "a"), "fetch", "keeps the original expiry");
    // an older snapshot does not replace a newer cache
    ok(&mut b, T0 + 400.0, &jwks(&["b"]), None);
    b.import(T0 + 400.0, snap.clone()).unwrap();
    assert_eq!(plan(&b, T0 + 400.0, "b"), "use");

    let bad = |s: Snapshot| JwksCache::new(CachePolicy::default()).import(T0, s).unwrap_err();
    assert!(matches!(bad(Snapshot { fetched_at: T0 + 3600.0, ..snap.clone() }), Error::KeySet(_)));
    assert!(matches!(bad(Snapshot { expires_at: T0 - 1.0, ..snap.clone() }), Error::KeySet(_)));
    assert!(matches!(bad(Snapshot { fetched_at: f64::NAN, ..snap.clone() }), Error::KeySet(_)));
    assert_eq!(bad(Snapshot { jwks_json: "{}".into(), ..snap }).code(), "ERR_JWKS_INVALID");
}

#[test]
fn policy_validation() {
    assert!(CachePolicy::default().validate().is_ok());
    let mut p = CachePolicy::default();
    p.cooldown = -1.0;
    assert_eq!(p.validate().unwrap_err().option, "cooldownDuration");
    let mut p = CachePolicy::default();
    p.min_max_age = 10.0;
    p.max_max_age = 5.0;
    assert_eq!(p.validate().unwrap_err().code(), "ERR_OPTIONS_INVALID");
}
