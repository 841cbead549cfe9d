//! The session's Rust side: the refresh exchange and logout over fetch, and
//! the token-set rules. The JS session object (pkg-template/session.js)
//! orchestrates: storage, events, single flight, cross-tab locks.

use crate::prelude::*;

use super::errors::{coded, set, to_js_error, JsResult};
use super::fetch::{self, Outgoing};
use super::options;
use crate::error::FetchError;
use crate::http::MAX_BODY_BYTES;
use crate::refresh::{self, Profile, RefreshError, TokenResponse};
use crate::session::{self, TokenSet};
use js_sys::{Object, Promise, Reflect};
use crate::json::{Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

fn refresh_error(e: &RefreshError) -> JsValue {
    let js = coded(e.code(), &e.to_string());
    let o = Object::from(js.clone());
    set(&o, "terminal", &e.terminal().into());
    match e {
        RefreshError::Unavailable { status, retry_after, .. } => {
            if let Some(s) = status {
                set(&o, "status", &JsValue::from(*s));
            }
            if let Some(ra) = retry_after {
                set(&o, "retryAfter", &JsValue::from(*ra));
            }
        }
        RefreshError::Failed { status, .. } => set(&o, "status", &JsValue::from(*status)),
        _ => {}
    }
    js
}

fn profile(p: &JsValue) -> JsResult<Profile> {
    let get = |k: &str| Reflect::get(p, &JsValue::from_str(k)).ok().and_then(|v| v.as_string());
    let bad = |detail: &'static str| to_js_error(&crate::error::OptionsError { option: "provider", detail }.into());
    let endpoint = get("tokenEndpoint").ok_or_else(|| bad("needs a tokenEndpoint"))?;
    match get("type").as_deref() {
        Some("cotter") => Ok(Profile::Cotter { endpoint, api_key_id: get("apiKeyId").ok_or_else(|| bad("needs an apiKeyId"))? }),
        Some("oauth2") => Ok(Profile::OAuth2 { endpoint, client_id: get("clientId").ok_or_else(|| bad("needs a clientId"))? }),
        _ => Err(bad("type must be \"cotter\" or \"oauth2\"")),
    }
}

fn response_json(r: &TokenResponse) -> String {
    let mut m = Map::new();
    let opt = |v: &Option<String>| v.clone().map_or(Value::Null, Value::from);
    m.insert("access_token".into(), r.access_token.clone().into());
    m.insert("id_token".into(), opt(&r.id_token));
    m.insert("refresh_token".into(), opt(&r.refresh_token));
    m.insert("expires_in".into(), r.expires_in.map_or(Value::Null, Value::from));
    m.insert("auth_method".into(), opt(&r.auth_method));
    m.to_json()
}

fn response_from_json(text: &str) -> JsResult<TokenResponse> {
    session::login_tokens(text).map_err(|e| refresh_error(&e))
}

/// POSTs the refresh exchange; resolves to the token response's JSON, or
/// rejects with `ERR_REFRESH_*` (`terminal`, `status`, `retryAfter`).
#[wasm_bindgen(js_name = refreshExchange)]
pub fn refresh_exchange(provider: &JsValue, refresh_token: String, timeout_ms: u32) -> Promise {
    let profile = profile(provider);
    future_to_promise(async move {
        let p = profile?;
        let req = p.refresh_request(&refresh_token);
        let out = Outgoing { method: req.method, url: &req.url, headers: &req.headers, body: Some(&req.body) };
        let f = fetch::send(&out, timeout_ms, MAX_BODY_BYTES).await.map_err(|f| {
            let status = None;
            let detail = f.error.to_string();
            let unavailable = |detail| RefreshError::Unavailable { status, retry_after: None, detail };
            let js = refresh_error(&match f.error {
                FetchError::TooLarge { .. } | FetchError::CrossOriginRedirect { .. } => RefreshError::InvalidResponse { detail },
                _ => unavailable(detail),
            });
            if let Some(cause) = f.cause {
                super::errors::set(&js_sys::Object::from(js.clone()), "cause", &cause);
            }
            js
        })?;
        let r = refresh::parse_refresh_response(&p, f.status, f.retry_after.as_deref(), &f.body).map_err(|e| refresh_error(&e))?;
        Ok(JsValue::from(response_json(&r)))
    })
}

/// Exchanges a sign-in's authorization code (see
/// `Profile::code_exchange_request`); resolves to the response's JSON text
/// (Cotter's `get_identity` answer, or a token response), or rejects with
/// `ERR_SIGNIN_EXCHANGE_FAILED` (`status`, and the issuer's `error`).
#[wasm_bindgen(js_name = signInExchange)]
pub fn sign_in_exchange(provider: &JsValue, cotter_url: String, code: String, verifier: String, redirect_uri: String,
    challenge_id: Option<f64>, timeout_ms: u32) -> Promise {
    let profile = profile(provider);
    future_to_promise(async move {
        let p = profile?;
        let challenge = challenge_id.filter(|c| c.is_finite() && *c >= 0.0 && crate::num::is_integer(*c) && *c < 9.0e15).map(|c| c as u64);
        let req = p.code_exchange_request(&cotter_url, &code, &verifier, &redirect_uri, challenge);
        let out = Outgoing { method: req.method, url: &req.url, headers: &req.headers, body: Some(&req.body) };
        let failed = |detail: &str, status: Option<u16>, error: Option<&str>| {
            let js = coded("ERR_SIGNIN_EXCHANGE_FAILED", &format!("the code exchange failed: {detail}"));
            if let Some(s) = status {
                set(&Object::from(js.clone()), "status", &JsValue::from(s));
            }
            if let Some(e) = error {
                set(&Object::from(js.clone()), "error", &JsValue::from_str(e));
            }
            js
        };
        let f = fetch::send(&out, timeout_ms, MAX_BODY_BYTES).await.map_err(|f| {
            let js = failed(&f.error.to_string(), None, None);
            if let Some(cause) = f.cause {
                set(&Object::from(js.clone()), "cause", &cause);
            }
            js
        })?;
        let text = core::str::from_utf8(&f.body).unwrap_or("");
        if f.status != 200 {
            let doc = crate::json::parse_object(text).ok();
            let get = |k: &str| doc.as_ref().and_then(|d| d.get(k)).and_then(Value::as_str).map(str::to_owned);
            let error = get("error");
            let detail = get("error_description").or_else(|| get("msg")).or_else(|| error.clone()).unwrap_or_else(|| format!("HTTP {}", f.status));
            return Err(failed(&detail, Some(f.status), error.as_deref()));
        }
        Ok(JsValue::from_str(text))
    })
}

/// Best-effort logout / revocation; resolves to the HTTP status, or 0 when
/// there is nothing to call or the call failed.
#[wasm_bindgen(js_name = logoutRequest)]
pub fn logout_request(provider: &JsValue, refresh_token: String, revocation_endpoint: Option<String>, timeout_ms: u32) -> Promise {
    let profile = profile(provider);
    future_to_promise(async move {
        let Some(req) = profile?.logout_request(&refresh_token, revocation_endpoint.as_deref()) else {
            return Ok(JsValue::from(0));
        };
        let out = Outgoing { method: req.method, url: &req.url, headers: &req.headers, body: Some(&req.body) };
        let status = fetch::send(&out, timeout_ms, MAX_BODY_BYTES).await.map_or(0, |f| f.status);
        Ok(JsValue::from(status))
    })
}

/// Normalizes a sign-in (Cotter auth payload or token response) to token
/// response JSON.
#[wasm_bindgen(js_name = loginTokens)]
pub fn login_tokens(text: &str) -> JsResult<String> {
    session::login_tokens(text).map(|r| response_json(&r)).map_err(|e| refresh_error(&e))
}

/// The stored token set after verified tokens arrive.
#[wasm_bindgen(js_name = mergeTokens)]
pub fn merge_tokens(old_stored: Option<String>, response: &str, access_exp: f64, sub: &str, now: f64) -> JsResult<String> {
    let old = match old_stored {
        Some(t) => Some(TokenSet::from_stored(&t).map_err(|e| coded(e.code(), &e.detail))?),
        None => None,
    };
    let r = response_from_json(response)?;
    Ok(TokenSet::merge(old.as_ref(), &r, access_exp, sub, now).to_stored())
}

/// Validates a stored value; returns it normalized or throws
/// `ERR_SESSION_STORAGE_CORRUPT`.
#[wasm_bindgen(js_name = parseStored)]
pub fn parse_stored(text: &str) -> JsResult<String> {
    TokenSet::from_stored(text).map(|s| s.to_stored()).map_err(|e| coded(e.code(), &e.detail))
}

/// The stored set with `refresh_token` in place of its own (a rotated one
/// the issuer returned with tokens that were refused).
#[wasm_bindgen(js_name = keepRefreshToken)]
pub fn keep_refresh_token(stored: &str, refresh_token: &str) -> JsResult<String> {
    TokenSet::from_stored(stored).map(|s| s.with_refresh_token(refresh_token).to_stored()).map_err(|e| coded(e.code(), &e.detail))
}

/// When the stored tokens are due for refresh with `leeway` (bounded by
/// half their lifetime), and the shortest wait after the refresh that
/// brought them: `[dueAtSeconds, floorSeconds, obtainedAtSeconds or NaN]`.
#[wasm_bindgen(js_name = refreshTiming)]
pub fn refresh_timing(stored: &str, leeway: f64) -> JsResult<js_sys::Array> {
    let s = TokenSet::from_stored(stored).map_err(|e| coded(e.code(), &e.detail))?;
    Ok(js_sys::Array::of3(
        &s.refresh_due_at(leeway).into(),
        &s.refresh_floor().into(),
        &s.obtained_at.unwrap_or(f64::NAN).into(),
    ))
}

/// True when fewer than `leeway` seconds of the stored access token remain.
#[wasm_bindgen(js_name = needsRefresh)]
pub fn needs_refresh(stored: &str, now: f64, leeway: f64) -> JsResult<bool> {
    TokenSet::from_stored(stored).map(|s| s.needs_refresh(now, leeway)).map_err(|e| coded(e.code(), &e.detail))
}

/// Milliseconds before retry `attempt`, or undefined when retries are used up.
#[wasm_bindgen(js_name = retryDelay)]
pub fn retry_delay(attempt: u32, max_attempts: u32, base_ms: f64, max_ms: f64, retry_after_s: Option<f64>, random: f64) -> Option<f64> {
    refresh::retry_delay(attempt, max_attempts, base_ms / 1000.0, max_ms / 1000.0, retry_after_s, random).map(|s| crate::num::round(s * 1000.0))
}

/// Reads the session options that Rust validates (durations in seconds or
/// jose-style strings). Returns `[refreshLeewaySeconds]`.
#[wasm_bindgen(js_name = sessionLeeway)]
pub fn session_leeway(value: &JsValue) -> JsResult<f64> {
    if value.is_undefined() {
        return Ok(60.0);
    }
    options::seconds_value(value, "refreshLeeway").map_err(|e| to_js_error(&e.into()))
}
