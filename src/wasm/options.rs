//! jose's `jwtVerify` options object → [`VerifyOptions`], with an
//! `ERR_OPTIONS_INVALID` naming the option for anything malformed.

use crate::prelude::*;

use crate::claims::VerifyOptions;
use crate::duration;
use crate::error::OptionsError;
use js_sys::{Array, Date, Reflect};
use wasm_bindgen::{JsCast, JsValue};

fn bad(option: &'static str, detail: &str) -> OptionsError {
    OptionsError { option, detail: detail.to_owned() }
}

fn get(options: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(options, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined())
}

fn strings(v: &JsValue, option: &'static str, one_allowed: bool) -> Result<Vec<String>, OptionsError> {
    if one_allowed {
        if let Some(s) = v.as_string() {
            return Ok(vec![s]);
        }
    }
    let what = if one_allowed { "must be a string or an array of strings" } else { "must be an array of strings" };
    let arr = v.dyn_ref::<Array>().ok_or_else(|| bad(option, what))?;
    arr.iter().map(|item| item.as_string().ok_or_else(|| bad(option, what))).collect()
}

fn string(v: &JsValue, option: &'static str) -> Result<String, OptionsError> {
    v.as_string().ok_or_else(|| bad(option, "must be a string"))
}

/// A duration option: seconds, or a string such as "30s".
#[cfg(feature = "remote")]
pub fn seconds_value(v: &JsValue, option: &'static str) -> Result<f64, OptionsError> {
    seconds(v, option)
}

fn seconds(v: &JsValue, option: &'static str) -> Result<f64, OptionsError> {
    let secs = if let Some(n) = v.as_f64() {
        Some(n)
    } else if let Some(s) = v.as_string() {
        duration::parse_seconds(&s)
    } else {
        None
    };
    secs.filter(|s| s.is_finite() && *s >= 0.0).ok_or_else(|| {
        bad(option, "must be a non-negative number of seconds or a string such as \"30s\" or \"5 minutes\"")
    })
}

/// Reads jose's option names from `options` (undefined or an object).
pub fn verify_options(options: &JsValue) -> Result<VerifyOptions, OptionsError> {
    if options.is_undefined() || options.is_null() {
        return Ok(VerifyOptions::at(now_seconds(Date::now())));
    }
    if !options.is_object() {
        return Err(bad("options", "must be an object"));
    }
    let now = match get(options, "currentDate") {
        None => Date::now(),
        Some(d) => {
            let ms = d.dyn_ref::<Date>().map(Date::get_time).filter(|t| t.is_finite());
            ms.ok_or_else(|| bad("currentDate", "must be a valid Date"))?
        }
    };
    let mut o = VerifyOptions::at(now_seconds(now));
    if let Some(v) = get(options, "algorithms") {
        let algs = strings(&v, "algorithms", false)?;
        if algs.is_empty() || algs.iter().any(|a| a != "ES256") {
            return Err(bad("algorithms", "only [\"ES256\"] is supported"));
        }
    }
    if let Some(v) = get(options, "issuer") {
        o.issuer = strings(&v, "issuer", true)?;
    }
    if let Some(v) = get(options, "audience") {
        o.audience = strings(&v, "audience", true)?;
    }
    if let Some(v) = get(options, "subject") {
        o.subject = Some(string(&v, "subject")?);
    }
    if let Some(v) = get(options, "typ") {
        o.typ = Some(string(&v, "typ")?);
    }
    if let Some(v) = get(options, "clockTolerance") {
        o.clock_tolerance = seconds(&v, "clockTolerance")?;
    }
    if let Some(v) = get(options, "maxTokenAge") {
        o.max_token_age = Some(seconds(&v, "maxTokenAge")?);
    }
    if let Some(v) = get(options, "requiredClaims") {
        o.required_claims = strings(&v, "requiredClaims", false)?;
    }
    Ok(o)
}

/// Milliseconds since the epoch → whole seconds, as jose does.
fn now_seconds(ms: f64) -> i64 {
    crate::num::floor(ms / 1000.0)
}

/// `createRemoteJWKSet` options. Durations are milliseconds, as in jose.
#[cfg(feature = "remote")]
pub struct RemoteOptions {
    pub policy: crate::jwks_cache::CachePolicy,
    pub timeout_ms: u32,
    pub headers: Vec<(String, String)>,
}

#[cfg(feature = "remote")]
fn millis(options: &JsValue, option: &'static str) -> Result<Option<f64>, OptionsError> {
    match get(options, option) {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(ms) if ms.is_finite() && ms >= 0.0 => Ok(Some(ms)),
            _ => Err(bad(option, "must be a non-negative number of milliseconds")),
        },
    }
}

/// Reads `cacheMaxAge`, `cooldownDuration`, `timeoutDuration`, `headers`,
/// `minCacheMaxAge`, `maxCacheMaxAge` and `staleIfError`.
#[cfg(feature = "remote")]
pub fn remote_options(options: &JsValue) -> Result<RemoteOptions, OptionsError> {
    let mut policy = crate::jwks_cache::CachePolicy::default();
    let mut out = RemoteOptions { policy: policy.clone(), timeout_ms: 5000, headers: Vec::new() };
    if options.is_undefined() || options.is_null() {
        return Ok(out);
    }
    if !options.is_object() {
        return Err(bad("options", "must be an object"));
    }
    let secs = |ms: f64| ms / 1000.0;
    if let Some(ms) = millis(options, "cacheMaxAge")? {
        policy.cache_max_age = secs(ms);
    }
    if let Some(ms) = millis(options, "cooldownDuration")? {
        policy.cooldown = secs(ms);
    }
    if let Some(ms) = millis(options, "minCacheMaxAge")? {
        policy.min_max_age = secs(ms);
    }
    if let Some(ms) = millis(options, "maxCacheMaxAge")? {
        policy.max_max_age = secs(ms);
    }
    if let Some(ms) = millis(options, "staleIfError")? {
        policy.stale_if_error = secs(ms);
    }
    if let Some(ms) = millis(options, "timeoutDuration")? {
        if !(1.0..=600_000.0).contains(&ms) {
            return Err(bad("timeoutDuration", "must be between 1 and 600000 milliseconds"));
        }
        out.timeout_ms = ms as u32;
    }
    if let Some(h) = get(options, "headers") {
        let entries = js_sys::Object::entries(h.dyn_ref::<js_sys::Object>().ok_or_else(|| bad("headers", "must be an object of strings"))?);
        for pair in entries.iter() {
            let pair: Array = pair.unchecked_into();
            match (pair.get(0).as_string(), pair.get(1).as_string()) {
                (Some(k), Some(v)) => out.headers.push((k, v)),
                _ => return Err(bad("headers", "must be an object of strings")),
            }
        }
    }
    policy.validate()?;
    out.policy = policy;
    Ok(out)
}
