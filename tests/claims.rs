//! Every claim rule at its boundary, through `jwt_verify` on signed tokens.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

mod common;
use common::{jwt, keys, sign};
use edgetoken::error::{ClaimReason, Error};
use edgetoken::{jwt_verify, VerifyOptions};

const NOW: i64 = 1_700_000_000;

fn check(payload: &str, opts: &VerifyOptions) -> Result<(), Error> {
    jwt_verify(&jwt(payload), &keys("k"), opts).map(|_| ())
}

fn opts() -> VerifyOptions {
    VerifyOptions::at(NOW)
}

fn claim_err(r: Result<(), Error>) -> (String, ClaimReason, &'static str) {
    match r {
        Err(e @ Error::Claim(_)) => {
            let code = e.code();
            let Error::Claim(c) = e else { unreachable!() };
            (c.claim, c.reason, code)
        }
        other => panic!("expected a claim error, got {other:?}"),
    }
}

const FAILED: &str = "ERR_JWT_CLAIM_VALIDATION_FAILED";
const EXPIRED: &str = "ERR_JWT_EXPIRED";

#[test]
fn exp_boundary_and_tolerance() {
    let at = |exp: i64| format!(r#"{{"exp":{exp}}}"#);
    assert!(check(&at(NOW + 1), &opts()).is_ok());
    assert_eq!(claim_err(check(&at(NOW), &opts())), ("exp".into(), ClaimReason::CheckFailed, EXPIRED));
    let mut o = opts();
    o.clock_tolerance = 30.0;
    assert!(check(&at(NOW - 29), &o).is_ok());
    assert_eq!(claim_err(check(&at(NOW - 30), &o)).2, EXPIRED);
    // fractional NumericDate
    assert!(check(r#"{"exp":1700000000.5}"#, &opts()).is_ok());
}

#[test]
fn exp_is_always_required() {
    assert_eq!(claim_err(check("{}", &opts())), ("exp".into(), ClaimReason::Missing, FAILED));
    let mut o = opts();
    o.required_claims = vec!["jti".into()];
    assert_eq!(claim_err(check(r#"{"jti":"x"}"#, &o)).0, "exp");
    assert_eq!(claim_err(check(&format!(r#"{{"exp":{}}}"#, NOW + 9), &o)), ("jti".into(), ClaimReason::Missing, FAILED));
    assert!(check(&format!(r#"{{"exp":{},"jti":"x"}}"#, NOW + 9), &o).is_ok());
}

#[test]
fn nbf_boundary_and_tolerance() {
    let at = |nbf: i64| format!(r#"{{"exp":{},"nbf":{nbf}}}"#, NOW + 100);
    assert!(check(&at(NOW), &opts()).is_ok());
    assert_eq!(claim_err(check(&at(NOW + 1), &opts())), ("nbf".into(), ClaimReason::CheckFailed, FAILED));
    let mut o = opts();
    o.clock_tolerance = 5.0;
    assert!(check(&at(NOW + 5), &o).is_ok());
    assert_eq!(claim_err(check(&at(NOW + 6), &o)).0, "nbf");
}

#[test]
fn issuer_exact_match() {
    let mut o = opts();
    o.issuer = vec!["https://www.cotter.app".into()];
    let p = |iss: &str| format!(r#"{{"exp":{},"iss":"{iss}"}}"#, NOW + 9);
    assert!(check(&p("https://www.cotter.app"), &o).is_ok());
    for bad in ["https://www.cotter.app/", "https://WWW.cotter.app", "https://evil"] {
        assert_eq!(claim_err(check(&p(bad), &o)), ("iss".into(), ClaimReason::CheckFailed, FAILED), "{bad}");
    }
    assert_eq!(claim_err(check(&format!(r#"{{"exp":{}}}"#, NOW + 9), &o)), ("iss".into(), ClaimReason::Missing, FAILED));
    o.issuer.push("https://other".into());
    assert!(check(&p("https://other"), &o).is_ok());
}

#[test]
fn audience_string_or_list() {
    let mut o = opts();
    o.audience = vec!["api-1".into(), "api-2".into()];
    let p = |aud: &str| format!(r#"{{"exp":{},"aud":{aud}}}"#, NOW + 9);
    assert!(check(&p(r#""api-1""#), &o).is_ok());
    assert!(check(&p(r#""api-2""#), &o).is_ok());
    assert!(check(&p(r#"["x","api-2"]"#), &o).is_ok());
    assert_eq!(claim_err(check(&p(r#""api-3""#), &o)), ("aud".into(), ClaimReason::CheckFailed, FAILED));
    assert_eq!(claim_err(check(&p(r#"[]"#), &o)).1, ClaimReason::CheckFailed);
    assert_eq!(claim_err(check(&p(r#"["API-1"]"#), &o)).1, ClaimReason::CheckFailed);
    assert_eq!(claim_err(check(&format!(r#"{{"exp":{}}}"#, NOW + 9), &o)).1, ClaimReason::Missing);
    // not checked when no audience is configured
    assert!(check(&p(r#""anything""#), &opts()).is_ok());
}

#[test]
fn subject() {
    let mut o = opts();
    o.subject = Some("user-1".into());
    assert!(check(&format!(r#"{{"exp":{},"sub":"user-1"}}"#, NOW + 9), &o).is_ok());
    assert_eq!(claim_err(check(&format!(r#"{{"exp":{},"sub":"user-2"}}"#, NOW + 9), &o)), ("sub".into(), ClaimReason::CheckFailed, FAILED));
    assert_eq!(claim_err(check(&format!(r#"{{"exp":{}}}"#, NOW + 9), &o)).1, ClaimReason::Missing);
}

#[test]
fn max_token_age_boundary() {
    let mut o = opts();
    o.max_token_age = Some(3600.0);
    let p = |iat: i64| format!(r#"{{"exp":{},"iat":{iat}}}"#, NOW + 9);
    assert!(check(&p(NOW - 3600), &o).is_ok());
    assert_eq!(claim_err(check(&p(NOW - 3601), &o)), ("iat".into(), ClaimReason::CheckFailed, EXPIRED));
    assert!(check(&p(NOW), &o).is_ok());
    assert_eq!(claim_err(check(&p(NOW + 1), &o)), ("iat".into(), ClaimReason::CheckFailed, FAILED));
    assert_eq!(claim_err(check(&format!(r#"{{"exp":{}}}"#, NOW + 9), &o)), ("iat".into(), ClaimReason::Missing, FAILED));
    o.clock_tolerance = 10.0;
    assert!(check(&p(NOW - 3610), &o).is_ok());
    assert!(check(&p(NOW + 10), &o).is_ok());
    assert_eq!(claim_err(check(&p(NOW - 3611), &o)).2, EXPIRED);
    // without maxTokenAge a future iat is not checked (as in jose)
    assert!(check(&p(NOW + 1000), &opts()).is_ok());
}

#[test]
fn typ_header() {
    let token = |typ: &str| sign(&format!(r#"{{"alg":"ES256","kid":"k","typ":{typ}}}"#), &format!(r#"{{"exp":{}}}"#, NOW + 9));
    let mut o = opts();
    o.typ = Some("at+jwt".into());
    let run = |t: String, o: &VerifyOptions| jwt_verify(&t, &keys("k"), o).map(|_| ());
    assert!(run(token(r#""at+jwt""#), &o).is_ok());
    assert!(run(token(r#""application/AT+JWT""#), &o).is_ok());
    assert_eq!(claim_err(run(token(r#""JWT""#), &o)), ("typ".into(), ClaimReason::CheckFailed, FAILED));
    assert_eq!(claim_err(run(token("1"), &o)).0, "typ");
    assert_eq!(claim_err(run(sign(r#"{"alg":"ES256","kid":"k"}"#, &format!(r#"{{"exp":{}}}"#, NOW + 9)), &o)).0, "typ");
    assert!(run(token(r#""anything""#), &opts()).is_ok());
    // RFC 7515 §4.1.9: `application/` is implied only for a value without a `/`
    for (header, option, same) in [
        ("text/plain", "application/text/plain", false),
        ("application/text/plain", "text/plain", false),
        ("application/jwt", "JWT", true),
        ("jwt", "application/JWT", true),
        ("text/plain", "TEXT/PLAIN", true),
        ("at+jwt", "at+jwt+x", false),
    ] {
        o.typ = Some(option.into());
        let result = run(token(&format!("\"{header}\"")), &o);
        assert_eq!(result.is_ok(), same, "typ {header:?} against option {option:?}");
    }
}

#[test]
fn wrong_typed_registered_claims_are_invalid() {
    let e = NOW + 9;
    let cases = [
        (format!(r#"{{"exp":"{e}"}}"#), "exp"),
        (format!(r#"{{"exp":{e},"nbf":"0"}}"#), "nbf"),
        (format!(r#"{{"exp":{e},"iat":null}}"#), "iat"),
        (format!(r#"{{"exp":{e},"iss":1}}"#), "iss"),
        (format!(r#"{{"exp":{e},"sub":{{}}}}"#), "sub"),
        (format!(r#"{{"exp":{e},"jti":true}}"#), "jti"),
        (format!(r#"{{"exp":{e},"aud":1}}"#), "aud"),
        (format!(r#"{{"exp":{e},"aud":["a",2]}}"#), "aud"),
        (r#"{"exp":true}"#.to_owned(), "exp"),
    ];
    for (payload, claim) in cases {
        assert_eq!(claim_err(check(&payload, &opts())), (claim.into(), ClaimReason::Invalid, FAILED), "{payload}");
    }
}

#[test]
fn payload_must_be_a_json_object() {
    for payload in ["[]", "\"s\"", "1", "", "{", r#"{"exp":1,"exp":2}"#] {
        let e = jwt_verify(&jwt(payload), &keys("k"), &opts()).unwrap_err();
        assert_eq!(e.code(), "ERR_JWT_INVALID", "{payload:?}");
    }
}

#[test]
fn options_are_validated() {
    let p = format!(r#"{{"exp":{}}}"#, NOW + 9);
    let mut o = opts();
    o.clock_tolerance = -1.0;
    assert_eq!(check(&p, &o).unwrap_err().code(), "ERR_OPTIONS_INVALID");
    let mut o = opts();
    o.max_token_age = Some(f64::NAN);
    assert_eq!(check(&p, &o).unwrap_err().code(), "ERR_OPTIONS_INVALID");
}

#[test]
fn claims_are_checked_only_after_the_signature() {
    // A forged token with expired claims reports the signature, not the claims.
    let good = jwt(r#"{"exp":1}"#);
    let (input, sig) = good.rsplit_once('.').unwrap();
    let mut sig_bytes = edgetoken::b64::decode(sig).unwrap();
    sig_bytes[10] ^= 1;
    let forged = format!("{input}.{}", edgetoken::b64::encode(&sig_bytes));
    assert_eq!(jwt_verify(&forged, &keys("k"), &opts()).unwrap_err().code(), "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
    assert_eq!(jwt_verify(&good, &keys("k"), &opts()).unwrap_err().code(), "ERR_JWT_EXPIRED");
}

// A repeat token's checks (`revalidate`, with what `Registered::of` found
// when the token was first verified) answer exactly what the full checks
// answer, error and order of errors included, over random well-typed
// claim sets, headers, options and times.
#[test]
fn revalidate_agrees_with_validate() {
    use edgetoken::claims::{revalidate, validate, Registered};
    use edgetoken::token::Header;
    // xorshift: the same cases on every run
    let state = std::cell::Cell::new(0x9e37_79b9_7f4a_7c15_u64);
    let pick = |n: usize| {
        let mut x = state.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        state.set(x);
        (x % n as u64) as usize
    };
    let headers: Vec<Header> = [r#"{"alg":"ES256"}"#, r#"{"alg":"ES256","typ":"JWT"}"#,
        r#"{"alg":"ES256","typ":"Application/jwt"}"#, r#"{"alg":"ES256","typ":"at+jwt"}"#]
        .iter()
        .map(|h| Header::decode(&edgetoken::b64::encode(h.as_bytes())).unwrap())
        .collect();
    let choices: [(&str, &[&str]); 7] = [
        ("exp", &["1699999990", "1700000000", "1700000010", "1700000000.5"]),
        ("nbf", &["1699999995", "1700000005"]),
        ("iat", &["1699999900", "1700000050"]),
        ("iss", &[r#""a""#, r#""b""#]),
        ("sub", &[r#""s""#, r#""t""#]),
        ("aud", &[r#""x""#, r#"["x","y"]"#, r#"["z"]"#, "[]"]),
        ("jti", &[r#""j""#]),
    ];
    let (mut passed, mut failed) = (0, 0);
    for _ in 0..20_000 {
        let mut members: Vec<String> = choices
            .iter()
            .filter_map(|(name, values)| {
                let i = pick(values.len() + 1);
                values.get(i).map(|v| format!(r#""{name}":{v}"#))
            })
            .collect();
        let turn = pick(members.len().max(1));
        members.rotate_left(turn);
        let json = format!("{{{}}}", members.join(","));
        let claims = edgetoken::json::parse_object(&json).unwrap();
        let mut o = opts();
        if pick(2) == 0 { o.issuer = vec!["a".into()]; }
        if pick(2) == 0 { o.audience = vec!["x".into(), "w".into()]; }
        if pick(2) == 0 { o.subject = Some("s".into()); }
        if pick(2) == 0 { o.max_token_age = Some(60.0); }
        if pick(2) == 0 { o.clock_tolerance = 10.0; }
        if pick(3) == 0 { o.required_claims = vec!["jti".into()]; }
        if pick(2) == 0 { o.typ = Some(["JWT", "application/JWT", "at+JWT"][pick(3)].into()); }
        let header = &headers[pick(headers.len())];
        let full = validate(header, &claims, &o);
        assert_eq!(revalidate(header, &claims, &Registered::of(&claims), &o), full, "{json} {o:?}");
        if full.is_ok() { passed += 1 } else { failed += 1 }
    }
    // both outcomes are well covered
    assert!(passed > 500 && failed > 500, "{passed} passed, {failed} failed");
}
