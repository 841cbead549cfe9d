//! jose's `jwtVerify` options → [`VerifyOptions`] (and the remote key
//! set's options), with an `ERR_OPTIONS_INVALID` naming the option for
//! anything malformed. The verification options arrive as JSON made by the
//! JS wrapper, so the verify-only build reads no JS objects at all.

use crate::prelude::*;

use crate::claims::VerifyOptions;
use crate::duration;
use crate::error::OptionsError;
use crate::json::{self, Value};
use js_sys::Date;
#[cfg(feature = "remote")]
use js_sys::{Array, Reflect};
#[cfg(feature = "remote")]
use wasm_bindgen::{JsCast, JsValue};

fn bad(option: &'static str, detail: &'static str) -> OptionsError {
    OptionsError { option, detail }
}

#[cfg(feature = "remote")]
fn get(options: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(options, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined())
}

// A string (when `one_allowed`) or an array of strings.
fn strings(v: &Value, option: &'static str, one_allowed: bool) -> Result<Vec<String>, OptionsError> {
    if let (true, Some(s)) = (one_allowed, v.as_str()) {
        return Ok(vec![s.to_owned()]);
    }
    let what = if one_allowed { "must be a string or an array of strings" } else { "must be an array of strings" };
    let items = v.as_array().ok_or_else(|| bad(option, what))?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(item.as_str().ok_or_else(|| bad(option, what))?.to_owned());
    }
    Ok(out)
}

// An allow-list (`issuer`, `audience`): a string or a non-empty array of
// non-empty strings. An empty list or string (an unset environment
// variable, say) would turn the check off, so it is an error instead.
fn allow_list(v: &Value, option: &'static str) -> Result<Vec<String>, OptionsError> {
    let list = strings(v, option, true)?;
    if list.is_empty() {
        return Err(bad(option, "must not be an empty array (that would accept any value)"));
    }
    if list.iter().any(String::is_empty) {
        return Err(bad(option, "must not be an empty string"));
    }
    Ok(list)
}

fn string(v: &Value, option: &'static str) -> Result<String, OptionsError> {
    v.as_str().map(str::to_owned).ok_or_else(|| bad(option, "must be a string"))
}

// Seconds, from a number or a duration string such as "30s".
fn seconds_of(secs: Option<f64>, option: &'static str) -> Result<f64, OptionsError> {
    secs.filter(|s| s.is_finite() && *s >= 0.0).ok_or_else(|| {
        bad(option, "must be a non-negative number of seconds or a string such as \"30s\" or \"5 minutes\"")
    })
}

fn seconds(v: &Value, option: &'static str) -> Result<f64, OptionsError> {
    let secs = match v {
        Value::Number(n) => Some(n.as_f64()),
        Value::String(s) => duration::parse_seconds(s),
        _ => None,
    };
    seconds_of(secs, option)
}

/// A duration option given as a JS value: seconds, or a string such as
/// "30s".
#[cfg(feature = "remote")]
pub fn seconds_value(v: &JsValue, option: &'static str) -> Result<f64, OptionsError> {
    let secs = match (v.as_f64(), v.as_string()) {
        (Some(n), _) => Some(n),
        (None, Some(s)) => duration::parse_seconds(&s),
        (None, None) => None,
    };
    seconds_of(secs, option)
}

/// jose's `jwtVerify` options → [`VerifyOptions`], and whether
/// `currentDate` fixed the time (else it is the clock's, now). `text` is
/// the JSON the JS wrapper makes of the options object (`optionsText` in
/// core.js): jose's option names only, read as properties, `currentDate`
/// as its time in ms (null unless a valid Date), and any value JSON cannot
/// hold as null, which every option rejects. `None`: no options.
pub fn verify_options(text: Option<String>) -> Result<(VerifyOptions, bool), OptionsError> {
    let Some(text) = text else {
        return Ok((VerifyOptions::at(now_seconds(Date::now())), false));
    };
    let options = json::parse(&text).ok();
    let options = options.as_ref().and_then(Value::as_object).ok_or_else(|| bad("options", "must be an object"))?;
    let fixed = options.get("currentDate");
    let now = match fixed {
        None => Date::now(),
        Some(d) => d.as_f64().filter(|t| t.is_finite()).ok_or_else(|| bad("currentDate", "must be a valid Date"))?,
    };
    let mut o = VerifyOptions::at(now_seconds(now));
    if let Some(v) = options.get("algorithms") {
        let algs = strings(v, "algorithms", false)?;
        if algs.is_empty() || algs.iter().any(|a| a != "ES256") {
            return Err(bad("algorithms", "only [\"ES256\"] is supported"));
        }
    }
    if let Some(v) = options.get("issuer") {
        o.issuer = allow_list(v, "issuer")?;
    }
    if let Some(v) = options.get("audience") {
        o.audience = allow_list(v, "audience")?;
    }
    if let Some(v) = options.get("subject") {
        o.subject = Some(string(v, "subject")?);
    }
    if let Some(v) = options.get("typ") {
        let typ = string(v, "typ")?;
        if typ.is_empty() {
            return Err(bad("typ", "must not be empty"));
        }
        o.typ = Some(typ);
    }
    if let Some(v) = options.get("clockTolerance") {
        o.clock_tolerance = seconds(v, "clockTolerance")?;
    }
    if let Some(v) = options.get("maxTokenAge") {
        o.max_token_age = Some(seconds(v, "maxTokenAge")?);
    }
    if let Some(v) = options.get("requiredClaims") {
        o.required_claims = strings(v, "requiredClaims", false)?;
    }
    Ok((o, fixed.is_some()))
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
    get(options, option).map(|v| millis_of(&v, option)).transpose()
}

#[cfg(feature = "remote")]
fn millis_of(v: &JsValue, option: &'static str) -> Result<f64, OptionsError> {
    match v.as_f64() {
        Some(ms) if ms.is_finite() && ms >= 0.0 => Ok(ms),
        _ => Err(bad(option, "must be a non-negative number of milliseconds")),
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
    // (read once: a getter runs once)
    if let Some(v) = get(options, "cacheMaxAge") {
        // as in jose, Infinity: keys that never go stale
        policy.cache_max_age = if v.as_f64() == Some(f64::INFINITY) { f64::INFINITY } else { secs(millis_of(&v, "cacheMaxAge")?) };
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
        // 0 (as jose accepts) times out at once
        if ms > 600_000.0 {
            return Err(bad("timeoutDuration", "must be between 0 and 600000 milliseconds"));
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
