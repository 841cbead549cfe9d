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
    /// Required `typ` header, compared as jose does (case-insensitive, with
    /// an `application/` prefix ignored).
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
                detail: "must be a finite, non-negative number of seconds".to_owned(),
            });
        }
        if let Some(age) = self.max_token_age {
            if !seconds_ok(age) {
                return Err(OptionsError {
                    option: "maxTokenAge",
                    detail: "must be a finite, non-negative number of seconds".to_owned(),
                });
            }
        }
        Ok(())
    }
}

fn fail(claim: &str, reason: ClaimReason, message: String) -> ClaimError {
    ClaimError {
        claim: claim.to_owned(),
        reason,
        expired: false,
        message,
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

fn normalize_typ(t: &str) -> String {
    let lower = t.to_ascii_lowercase();
    match lower.strip_prefix("application/") {
        Some(rest) => rest.to_owned(),
        None => lower,
    }
}

/// Checks the JSON types of registered claims that are present.
fn check_types(claims: &Map) -> Result<(), ClaimError> {
    for name in ["iss", "sub", "jti"] {
        if let Some(v) = claims.get(name) {
            if !v.is_string() {
                return Err(fail(name, ClaimReason::Invalid, cat!("\"", name, "\" claim must be a string")));
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
            return Err(fail("aud", ClaimReason::Invalid, "\"aud\" claim must be a string or an array of strings".to_owned()));
        }
    }
    for name in ["exp", "nbf", "iat"] {
        if let Some(v) = claims.get(name) {
            if !v.is_number() {
                return Err(fail(name, ClaimReason::Invalid, cat!("\"", name, "\" claim must be a number")));
            }
        }
    }
    Ok(())
}

fn number(claims: &Map, name: &str) -> Option<f64> {
    claims.get(name).and_then(Value::as_f64)
}

/// Validates `claims` (and the `typ` header) against `opts`.
pub fn validate(header: &Header, claims: &Map, opts: &VerifyOptions) -> Result<(), ClaimError> {
    if let Some(want) = &opts.typ {
        let ok = header.typ().is_some_and(|t| normalize_typ(t) == normalize_typ(want));
        if !ok {
            return Err(fail("typ", ClaimReason::CheckFailed, "unexpected \"typ\" JWT header value".to_owned()));
        }
    }
    check_types(claims)?;

    let implied = [
        Some("exp"),
        (!opts.issuer.is_empty()).then_some("iss"),
        opts.subject.is_some().then_some("sub"),
        (!opts.audience.is_empty()).then_some("aud"),
        opts.max_token_age.is_some().then_some("iat"),
    ];
    let required = implied.into_iter().flatten().chain(opts.required_claims.iter().map(String::as_str));
    for name in required {
        if !claims.contains_key(name) {
            return Err(fail(name, ClaimReason::Missing, cat!("missing required \"", name, "\" claim")));
        }
    }

    if !opts.issuer.is_empty() {
        let iss = claims.get("iss").and_then(Value::as_str);
        if !iss.is_some_and(|i| opts.issuer.iter().any(|w| w == i)) {
            return Err(fail("iss", ClaimReason::CheckFailed, "unexpected \"iss\" claim value".to_owned()));
        }
    }
    if let Some(want) = &opts.subject {
        if claims.get("sub").and_then(Value::as_str) != Some(want.as_str()) {
            return Err(fail("sub", ClaimReason::CheckFailed, "unexpected \"sub\" claim value".to_owned()));
        }
    }
    if !opts.audience.is_empty() {
        let accepted = |a: &Value| a.as_str().is_some_and(|a| opts.audience.iter().any(|w| w == a));
        let ok = match claims.get("aud") {
            Some(Value::Array(items)) => items.iter().any(accepted),
            Some(one) => accepted(one),
            None => false,
        };
        if !ok {
            return Err(fail("aud", ClaimReason::CheckFailed, "unexpected \"aud\" claim value".to_owned()));
        }
    }

    let now = opts.now as f64;
    let tol = opts.clock_tolerance;
    if let Some(nbf) = number(claims, "nbf") {
        if nbf > now + tol {
            return Err(fail("nbf", ClaimReason::CheckFailed, "\"nbf\" claim timestamp check failed".to_owned()));
        }
    }
    if let Some(exp) = number(claims, "exp") {
        if exp <= now - tol {
            return Err(expired("exp", "\"exp\" claim timestamp check failed"));
        }
    }
    if let (Some(max_age), Some(iat)) = (opts.max_token_age, number(claims, "iat")) {
        let age = now - iat;
        if age - tol > max_age {
            return Err(expired("iat", "\"iat\" claim timestamp check failed (too far in the past)"));
        }
        if age < -tol {
            return Err(fail("iat", ClaimReason::CheckFailed, "\"iat\" claim timestamp check failed (it should be in the past)".to_owned()));
        }
    }
    Ok(())
}
