//! JWT Claims Set validation (RFC 7519 §4.1), after the signature verified.
//!
//! Semantics follow jose's `jwtVerify` options, with stricter defaults:
//! `exp` is always required, and registered claims of the wrong JSON type
//! are rejected with reason `invalid` even when no option asks about them.

use crate::prelude::*;
use crate::text::cat;

use crate::error::{ClaimError, ClaimReason, OptionsError};
use crate::token::Header;
use crate::json::{Map, Value};

/// What a token's claims must satisfy. Build with [`VerifyOptions::at`]; the
/// current time is always given, never read from a clock.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct VerifyOptions {
    /// Accepted `iss` values; empty means not checked.
    pub issuer: Vec<String>,
    /// Accepted audiences; the token's `aud` (string or array) must contain
    /// at least one. Empty means not checked.
    pub audience: Vec<String>,
    /// Required `sub`, if any.
    pub subject: Option<String>,
    /// Required `typ` header: the same media type, ASCII case ignored, with
    /// `application/` implied for a value without a `/` (RFC 7515 §4.1.9).
    pub typ: Option<String>,
    /// Seconds of allowed clock skew for `exp`, `nbf` and `iat`.
    pub clock_tolerance: f64,
    /// Claims that must be present, in addition to `exp` (always required)
    /// and those implied by `issuer`, `audience`, `subject`, `max_token_age`.
    pub required_claims: Vec<String>,
    /// Maximum age in seconds measured from `iat` (which becomes required).
    pub max_token_age: Option<f64>,
    /// The current time, in seconds since the Unix epoch.
    pub now: i64,
}

impl VerifyOptions {
    /// Options with nothing but the current time set.
    pub fn at(now: i64) -> VerifyOptions {
        VerifyOptions {
            issuer: Vec::new(),
            audience: Vec::new(),
            subject: None,
            typ: None,
            clock_tolerance: 0.0,
            required_claims: Vec::new(),
            max_token_age: None,
            now,
        }
    }

    /// Checks the options themselves (finite, non-negative durations).
    pub fn validate(&self) -> Result<(), OptionsError> {
        let seconds_ok = |v: f64| v.is_finite() && v >= 0.0;
        if !seconds_ok(self.clock_tolerance) {
            return Err(OptionsError {
                option: "clockTolerance",
                detail: "must be a finite, non-negative number of seconds",
            });
        }
        if let Some(age) = self.max_token_age {
            if !seconds_ok(age) {
                return Err(OptionsError {
                    option: "maxTokenAge",
                    detail: "must be a finite, non-negative number of seconds",
                });
            }
        }
        Ok(())
    }
}

fn fail(claim: &str, reason: ClaimReason, message: &str) -> ClaimError {
    ClaimError {
        claim: claim.to_owned(),
        reason,
        expired: false,
        message: message.to_owned(),
        payload: None,
    }
}

fn expired(claim: &str, message: &str) -> ClaimError {
    ClaimError {
        claim: claim.to_owned(),
        reason: ClaimReason::CheckFailed,
        expired: true,
        message: message.to_owned(),
        payload: None,
    }
}

// Whether two `typ` values name the same media type: ASCII case ignored,
// and `application/` implied for a value without a `/` (RFC 7515 §4.1.9),
// so "JWT" is "application/jwt" but "text/plain" is not
// "application/text/plain".
fn same_typ(a: &str, b: &str) -> bool {
    let slash = |t: &str| t.bytes().any(|b| b == b'/');
    match (slash(a), slash(b)) {
        (true, false) => implied(a, b),
        (false, true) => implied(b, a),
        _ => a.eq_ignore_ascii_case(b),
    }
}

// Whether `full` is `application/` followed by `short`, ASCII case ignored.
fn implied(full: &str, short: &str) -> bool {
    let (p, t) = full.as_bytes().split_at_checked(12).unwrap_or_default();
    p.eq_ignore_ascii_case(b"application/") && t.eq_ignore_ascii_case(short.as_bytes())
}

/// Checks the JSON types of registered claims that are present.
fn check_types(claims: &Map) -> Result<(), ClaimError> {
    for name in &["iss", "sub", "jti"] {
        if let Some(v) = claims.get(name) {
            if !v.is_string() {
                return Err(fail(name, ClaimReason::Invalid, &cat!("\"", name, "\" claim must be a string")));
            }
        }
    }
    if let Some(aud) = claims.get("aud") {
        let ok = match aud {
            Value::String(_) => true,
            Value::Array(items) => items.iter().all(Value::is_string),
            _ => false,
        };
        if !ok {
            return Err(fail("aud", ClaimReason::Invalid, "\"aud\" claim must be a string or an array of strings"));
        }
    }
    for name in &["exp", "nbf", "iat"] {
        if let Some(v) = claims.get(name) {
            if !v.is_number() {
                return Err(fail(name, ClaimReason::Invalid, &cat!("\"", name, "\" claim must be a number")));
            }
        }
    }
    Ok(())
}

/// The registered claims of a claims set, found in one pass over it when a
/// token is first verified, so the checks of a repeat token (see
/// [`revalidate`]) look nothing up: the times as numbers, and where `iss`,
/// `sub` and `aud` are among the members.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Registered {
    exp: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
    iss: Option<usize>,
    sub: Option<usize>,
    aud: Option<usize>,
}

impl Registered {
    /// The registered claims of `claims` (times that are not numbers count
    /// as absent: [`validate`] rejects those before it reads this).
    pub fn of(claims: &Map) -> Registered {
        let mut r = Registered::default();
        for (i, (name, value)) in claims.iter().enumerate() {
            match name {
                "exp" => r.exp = value.as_f64(),
                "nbf" => r.nbf = value.as_f64(),
                "iat" => r.iat = value.as_f64(),
                "iss" => r.iss = Some(i),
                "sub" => r.sub = Some(i),
                "aud" => r.aud = Some(i),
                _ => {}
            }
        }
        r
    }
}

/// Validates `claims` (and the `typ` header) against `opts`.
pub fn validate(header: &Header, claims: &Map, opts: &VerifyOptions) -> Result<(), ClaimError> {
    check_typ(header, opts)?;
    check_types(claims)?;
    check(claims, &Registered::of(claims), opts)
}

/// [`validate`] for claims that passed it before, with what
/// [`Registered::of`] found in them: the same checks in the same order,
/// less the JSON types of the registered claims, which cannot have changed.
/// A repeat token's checks.
pub fn revalidate(header: &Header, claims: &Map, registered: &Registered, opts: &VerifyOptions) -> Result<(), ClaimError> {
    check_typ(header, opts)?;
    check(claims, registered, opts)
}

fn check_typ(header: &Header, opts: &VerifyOptions) -> Result<(), ClaimError> {
    if let Some(want) = &opts.typ {
        if !header.typ().is_some_and(|t| same_typ(t, want)) {
            return Err(fail("typ", ClaimReason::CheckFailed, "unexpected \"typ\" JWT header value"));
        }
    }
    Ok(())
}

// Every check after the types: required claims, then values, then times.
fn check(claims: &Map, r: &Registered, opts: &VerifyOptions) -> Result<(), ClaimError> {
    let implied = [
        ("exp", r.exp.is_some()),
        ("iss", opts.issuer.is_empty() || r.iss.is_some()),
        ("sub", opts.subject.is_none() || r.sub.is_some()),
        ("aud", opts.audience.is_empty() || r.aud.is_some()),
        ("iat", opts.max_token_age.is_none() || r.iat.is_some()),
    ];
    let absent = match implied.iter().find(|(_, ok)| !ok) {
        Some((name, _)) => Some(*name),
        None => opts.required_claims.iter().find(|n| !claims.contains_key(n)).map(String::as_str),
    };
    if let Some(name) = absent {
        return Err(fail(name, ClaimReason::Missing, &cat!("missing required \"", name, "\" claim")));
    }

    let text = |at: Option<usize>| at.and_then(|i| claims.value_at(i)).and_then(Value::as_str);
    if !opts.issuer.is_empty() {
        let iss = text(r.iss);
        if !iss.is_some_and(|i| opts.issuer.iter().any(|w| w == i)) {
            return Err(fail("iss", ClaimReason::CheckFailed, "unexpected \"iss\" claim value"));
        }
    }
    if let Some(want) = &opts.subject {
        if text(r.sub) != Some(want.as_str()) {
            return Err(fail("sub", ClaimReason::CheckFailed, "unexpected \"sub\" claim value"));
        }
    }
    if !opts.audience.is_empty() {
        let accepted = |a: &Value| a.as_str().is_some_and(|a| opts.audience.iter().any(|w| w == a));
        let ok = match r.aud.and_then(|i| claims.value_at(i)) {
            Some(Value::Array(items)) => items.iter().any(accepted),
            Some(one) => accepted(one),
            None => false,
        };
        if !ok {
            return Err(fail("aud", ClaimReason::CheckFailed, "unexpected \"aud\" claim value"));
        }
    }

    let now = opts.now as f64;
    let tol = opts.clock_tolerance;
    if let Some(nbf) = r.nbf {
        if nbf > now + tol {
            return Err(fail("nbf", ClaimReason::CheckFailed, "\"nbf\" claim timestamp check failed"));
        }
    }
    if let Some(exp) = r.exp {
        if exp <= now - tol {
            return Err(expired("exp", "\"exp\" claim timestamp check failed"));
        }
    }
    if let (Some(max_age), Some(iat)) = (opts.max_token_age, r.iat) {
        let age = now - iat;
        if age - tol > max_age {
            return Err(expired("iat", "\"iat\" claim timestamp check failed (too far in the past)"));
        }
        if age < -tol {
            return Err(fail("iat", ClaimReason::CheckFailed, "\"iat\" claim timestamp check failed (it should be in the past)"));
        }
    }
    Ok(())
}
