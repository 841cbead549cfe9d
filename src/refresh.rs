//! The refresh-token exchange as data: build the request, classify the
//! response, and the token-set rules a session keeps. No I/O, no clock.
//!
//! Two profiles: Cotter (`POST {base}/api/v0/token/{API_KEY_ID}`, JSON body,
//! `API_KEY_ID` header) and standard OAuth 2.0 (RFC 6749 §6, form-encoded,
//! `client_id`).

use crate::prelude::*;

use crate::json;
use core::fmt;
use crate::json::{Map, Value};

/// Which wire format the issuer speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Profile {
    /// Cotter's API.
    Cotter {
        /// `{base}/api/v0/token/{api_key_id}`.
        endpoint: String,
        /// The API key id, sent as the `API_KEY_ID` header.
        api_key_id: String,
    },
    /// RFC 6749 §6.
    OAuth2 {
        /// The token endpoint (from discovery).
        endpoint: String,
        /// The public client's id.
        client_id: String,
    },
}

/// An HTTP request described as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `POST` or `DELETE`.
    pub method: &'static str,
    /// Absolute URL.
    pub url: String,
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        let mut out = String::with_capacity(s.len());
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(char::from(b)),
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    };
    pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

// A POST of Cotter's API: a JSON body and the `API_KEY_ID` header.
fn cotter_post(url: &str, api_key_id: &str, body: &Map) -> Request {
    Request {
        method: "POST",
        url: url.to_owned(),
        headers: vec![("API_KEY_ID".into(), api_key_id.to_owned()), ("content-type".into(), "application/json".into())],
        body: body.to_json(),
    }
}

// A form-encoded POST (RFC 6749's token and revocation endpoints).
fn form_post(url: &str, pairs: &[(&str, &str)]) -> Request {
    Request {
        method: "POST",
        url: url.to_owned(),
        headers: vec![("content-type".into(), "application/x-www-form-urlencoded".into())],
        body: form_encode(pairs),
    }
}

impl Profile {
    /// The refresh request for `refresh_token`.
    pub fn refresh_request(&self, refresh_token: &str) -> Request {
        match self {
            Profile::Cotter { endpoint, api_key_id } => {
                let mut body = Map::new();
                body.insert("grant_type".into(), "refresh_token".into());
                body.insert("refresh_token".into(), refresh_token.into());
                cotter_post(endpoint, api_key_id, &body)
            }
            Profile::OAuth2 { endpoint, client_id } => {
                form_post(endpoint, &[("grant_type", "refresh_token"), ("refresh_token", refresh_token), ("client_id", client_id)])
            }
        }
    }

    /// The request that exchanges a sign-in's authorization code (with
    /// its PKCE verifier) for tokens: Cotter's `get_identity?oauth_token=true`
    /// at `cotter_url` (JSON, `API_KEY_ID`, the callback's `challenge_id`),
    /// or the token endpoint's `authorization_code` grant (RFC 6749 §4.1.3,
    /// RFC 7636 §4.5).
    pub fn code_exchange_request(&self, cotter_url: &str, code: &str, verifier: &str, redirect_uri: &str, challenge_id: Option<u64>) -> Request {
        match self {
            Profile::Cotter { api_key_id, .. } => {
                let mut body = Map::new();
                body.insert("code_verifier".into(), verifier.into());
                body.insert("authorization_code".into(), code.into());
                if let Some(id) = challenge_id {
                    body.insert("challenge_id".into(), id.into());
                }
                body.insert("redirect_url".into(), redirect_uri.into());
                cotter_post(cotter_url, api_key_id, &body)
            }
            Profile::OAuth2 { endpoint, client_id } => form_post(endpoint, &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
                ("client_id", client_id),
                ("code_verifier", verifier),
            ]),
        }
    }

    /// The logout / revocation request, if the profile has one: Cotter's
    /// `DELETE {endpoint}`, or RFC 7009 revocation at `revocation_endpoint`.
    pub fn logout_request(&self, refresh_token: &str, revocation_endpoint: Option<&str>) -> Option<Request> {
        match self {
            Profile::Cotter { endpoint, api_key_id } => {
                let mut body = Map::new();
                body.insert("refresh_token".into(), refresh_token.into());
                Some(Request { method: "DELETE", ..cotter_post(endpoint, api_key_id, &body) })
            }
            Profile::OAuth2 { client_id, .. } => revocation_endpoint
                .map(|url| form_post(url, &[("token", refresh_token), ("token_type_hint", "refresh_token"), ("client_id", client_id)])),
        }
    }
}

/// A successful token response.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenResponse {
    /// The new access token.
    pub access_token: String,
    /// A new ID token, if sent.
    pub id_token: Option<String>,
    /// A new refresh token, if sent (rotation).
    pub refresh_token: Option<String>,
    /// Seconds the access token lives, if sent.
    pub expires_in: Option<f64>,
    /// Cotter's `auth_method`, if sent.
    pub auth_method: Option<String>,
}

/// Why a refresh did not produce tokens.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RefreshError {
    /// The issuer rejected the refresh token (`invalid_grant`, Cotter's
    /// 400). Terminal: the session is over.
    Rejected {
        /// The issuer's message.
        detail: String,
    },
    /// Worth retrying: network failure, timeout, 408, 429, 5xx.
    Unavailable {
        /// HTTP status, when there was an answer.
        status: Option<u16>,
        /// Seconds the issuer asked to wait (`Retry-After`).
        retry_after: Option<f64>,
        /// What happened.
        detail: String,
    },
    /// Another refusal that retrying will not fix and that says nothing
    /// about the refresh token (a misconfigured client: 401, 403,
    /// `invalid_client`…). The tokens are kept.
    Failed {
        /// HTTP status.
        status: u16,
        /// The issuer's message.
        detail: String,
    },
    /// A 200 whose body is not a usable token response.
    InvalidResponse {
        /// What was wrong.
        detail: String,
    },
}

impl RefreshError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            RefreshError::Rejected { .. } => "ERR_REFRESH_REJECTED",
            RefreshError::Unavailable { .. } => "ERR_REFRESH_UNAVAILABLE",
            RefreshError::Failed { .. } => "ERR_REFRESH_FAILED",
            RefreshError::InvalidResponse { .. } => "ERR_REFRESH_INVALID_RESPONSE",
        }
    }

    /// True when the session must end.
    pub fn terminal(&self) -> bool {
        matches!(self, RefreshError::Rejected { .. })
    }
}

impl fmt::Display for RefreshError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefreshError::Rejected { detail } => write!(f, "the issuer rejected the refresh token: {detail}"),
            RefreshError::Unavailable { status: Some(s), detail, .. } => write!(f, "refresh unavailable (HTTP {s}): {detail}"),
            RefreshError::Unavailable { status: None, detail, .. } => write!(f, "refresh unavailable: {detail}"),
            RefreshError::Failed { status, detail } => write!(f, "refresh refused (HTTP {status}): {detail}"),
            RefreshError::InvalidResponse { detail } => write!(f, "invalid token response: {detail}"),
        }
    }
}

impl core::error::Error for RefreshError {}

/// `Retry-After` as seconds: delta-seconds only (an HTTP-date is ignored:
/// the session has no business trusting the issuer's clock over its own).
pub fn retry_after_seconds(header: Option<&str>) -> Option<f64> {
    let v = header?.trim();
    // digits only: a whole number of seconds, saturating (an integer parse
    // instead of a float one keeps `core`'s float parsing out of the wasm)
    (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())).then(|| v.parse::<u64>().map_or(u64::MAX as f64, |n| n as f64))
}

fn issuer_message(profile: &Profile, body: &[u8]) -> (Option<String>, String) {
    let doc = core::str::from_utf8(body).ok().and_then(|t| json::parse_object(t).ok());
    let get = |k: &str| doc.as_ref().and_then(|d| d.get(k)).and_then(Value::as_str).map(str::to_owned);
    match profile {
        Profile::Cotter { .. } => (None, get("msg").unwrap_or_default()),
        Profile::OAuth2 { .. } => (get("error"), get("error_description").or_else(|| get("error")).unwrap_or_default()),
    }
}

/// Classifies a refresh response.
pub fn parse_refresh_response(
    profile: &Profile,
    status: u16,
    retry_after: Option<&str>,
    body: &[u8],
) -> Result<TokenResponse, RefreshError> {
    if status != 200 {
        let (error, detail) = issuer_message(profile, body);
        let detail = if detail.is_empty() { format!("HTTP {status}") } else { detail };
        return Err(match (profile, status, error.as_deref()) {
            (_, 408 | 425 | 429 | 500..=599, _) => RefreshError::Unavailable {
                status: Some(status),
                retry_after: retry_after_seconds(retry_after),
                detail,
            },
            (Profile::Cotter { .. }, 400, _) | (Profile::OAuth2 { .. }, 400 | 401, Some("invalid_grant")) => {
                RefreshError::Rejected { detail }
            }
            _ => RefreshError::Failed { status, detail },
        });
    }
    let invalid = |detail: &str| RefreshError::InvalidResponse { detail: detail.to_owned() };
    let text = core::str::from_utf8(body).map_err(|_| invalid("not UTF-8"))?;
    let doc = json::parse_object(text).map_err(|e| invalid(&format!("not a JSON object: {e}")))?;
    let opt_str = |k: &str| -> Result<Option<String>, RefreshError> {
        match doc.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            Some(_) => Err(invalid(&format!("\"{k}\" must be a non-empty string"))),
        }
    };
    let access_token = opt_str("access_token")?.ok_or_else(|| invalid("no \"access_token\""))?;
    if let Some(t) = opt_str("token_type")? {
        if !t.eq_ignore_ascii_case("bearer") {
            return Err(invalid("\"token_type\" is not Bearer"));
        }
    }
    let expires_in = match doc.get("expires_in") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_f64().filter(|s| s.is_finite() && *s > 0.0).ok_or_else(|| invalid("\"expires_in\" must be a positive number"))?),
    };
    Ok(TokenResponse {
        access_token,
        id_token: opt_str("id_token")?,
        refresh_token: opt_str("refresh_token")?,
        expires_in,
        auth_method: opt_str("auth_method")?,
    })
}

/// How long to wait before retry number `attempt` (0 for the first retry),
/// or `None` when the retries are used up. Exponential from `base` with
/// full jitter in its upper half (`random` in `[0, 1)`), capped at `max`; a
/// `Retry-After` is honoured up to `max`.
pub fn retry_delay(attempt: u32, max_attempts: u32, base: f64, max: f64, retry_after: Option<f64>, random: f64) -> Option<f64> {
    if attempt >= max_attempts {
        return None;
    }
    let exp = base * f64::from(1u32 << attempt.min(20));
    let jittered = exp.min(max) * (0.5 + random.clamp(0.0, 1.0) / 2.0);
    Some(match retry_after {
        Some(ra) => ra.max(jittered).min(max),
        None => jittered,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cotter() -> Profile {
        Profile::Cotter { endpoint: "http://i/api/v0/token/K".into(), api_key_id: "K".into() }
    }
    fn oauth() -> Profile {
        Profile::OAuth2 { endpoint: "http://i/oauth/token".into(), client_id: "c 1&".into() }
    }

    #[test]
    fn requests() {
        let r = cotter().refresh_request("12:ab\"c");
        assert_eq!(r.method, "POST");
        assert_eq!(r.url, "http://i/api/v0/token/K");
        assert!(r.headers.contains(&("API_KEY_ID".into(), "K".into())));
        assert_eq!(r.body, r#"{"grant_type":"refresh_token","refresh_token":"12:ab\"c"}"#);
        let r = oauth().refresh_request("a+b/c=");
        assert_eq!(r.body, "grant_type=refresh_token&refresh_token=a%2Bb%2Fc%3D&client_id=c+1%26");
        assert_eq!(r.headers[0].1, "application/x-www-form-urlencoded");
        assert_eq!(cotter().logout_request("t", None).unwrap().method, "DELETE");
        assert_eq!(oauth().logout_request("t", None), None);
        let rev = oauth().logout_request("t", Some("http://i/revoke")).unwrap();
        assert_eq!(rev.body, "token=t&token_type_hint=refresh_token&client_id=c+1%26");
    }

    #[test]
    fn successful_responses() {
        let ok = parse_refresh_response(&cotter(), 200, None, br#"{"access_token":"a","id_token":"i","refresh_token":"r","expires_in":3600,"token_type":"Bearer","auth_method":"OTP"}"#).unwrap();
        assert_eq!((ok.refresh_token.as_deref(), ok.expires_in), (Some("r"), Some(3600.0)));
        let minimal = parse_refresh_response(&oauth(), 200, None, br#"{"access_token":"a","token_type":"bearer"}"#).unwrap();
        assert_eq!((minimal.refresh_token, minimal.id_token, minimal.expires_in), (None, None, None));
        for bad in [&br#"{"token_type":"Bearer"}"#[..], br#"{"access_token":""}"#, br#"{"access_token":"a","token_type":"MAC"}"#,
                    br#"{"access_token":"a","expires_in":"3600"}"#, br#"{"access_token":"a","expires_in":-1}"#,
                    br#"{"access_token":"a","refresh_token":5}"#, b"[]", b"<html>", br#"{"access_token":"a","access_token":"b"}"#] {
            assert_eq!(parse_refresh_response(&cotter(), 200, None, bad).unwrap_err().code(), "ERR_REFRESH_INVALID_RESPONSE");
        }
    }

    #[test]
    fn error_classification() {
        let code = |p: &Profile, status, body: &[u8]| parse_refresh_response(p, status, Some("7"), body).unwrap_err();
        let rejected = code(&cotter(), 400, br#"{"msg":"refresh token is not valid","type":""}"#);
        assert_eq!(rejected.code(), "ERR_REFRESH_REJECTED");
        assert!(rejected.terminal());
        assert!(rejected.to_string().contains("refresh token is not valid"));
        assert_eq!(code(&oauth(), 400, br#"{"error":"invalid_grant"}"#).code(), "ERR_REFRESH_REJECTED");
        assert_eq!(code(&oauth(), 400, br#"{"error":"invalid_client"}"#).code(), "ERR_REFRESH_FAILED");
        assert_eq!(code(&oauth(), 401, br#"{"error":"invalid_client"}"#).code(), "ERR_REFRESH_FAILED");
        assert_eq!(code(&cotter(), 401, b"{}").code(), "ERR_REFRESH_FAILED");
        assert!(!code(&cotter(), 401, b"{}").terminal());
        for status in [408, 429, 500, 502, 503, 504] {
            let e = code(&cotter(), status, b"");
            assert_eq!(e.code(), "ERR_REFRESH_UNAVAILABLE", "{status}");
            assert_eq!(e, RefreshError::Unavailable { status: Some(status), retry_after: Some(7.0), detail: format!("HTTP {status}") });
        }
    }

    #[test]
    fn code_exchange_requests() {
        let cotter = Profile::Cotter { endpoint: "https://c/api/v0/token/k".into(), api_key_id: "k".into() };
        let r = cotter.code_exchange_request("https://c/api/v0/verify/get_identity?oauth_token=true", "c1", "v1", "http://localhost:8080", Some(42));
        assert_eq!((r.method, r.url.as_str()), ("POST", "https://c/api/v0/verify/get_identity?oauth_token=true"));
        assert!(r.headers.contains(&("API_KEY_ID".into(), "k".into())));
        let body = crate::json::parse_object(&r.body).unwrap();
        assert_eq!(body.get("challenge_id").and_then(Value::as_u64), Some(42));
        assert_eq!(body.get("authorization_code").and_then(Value::as_str), Some("c1"));
        assert_eq!(body.get("code_verifier").and_then(Value::as_str), Some("v1"));
        let oauth = Profile::OAuth2 { endpoint: "https://i/token".into(), client_id: "app x".into() };
        let r = oauth.code_exchange_request("", "c/1", "v", "http://127.0.0.1:9/cb?a=b", None);
        assert_eq!(r.url, "https://i/token");
        assert_eq!(r.body, "grant_type=authorization_code&code=c%2F1&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb%3Fa%3Db&client_id=app+x&code_verifier=v");
    }

    #[test]
    fn retry_after_and_backoff() {
        assert_eq!(retry_after_seconds(Some("120")), Some(120.0));
        assert_eq!(retry_after_seconds(Some("Wed, 21 Oct 2015 07:28:00 GMT")), None);
        assert_eq!(retry_after_seconds(Some("-1")), None);
        assert_eq!(retry_after_seconds(None), None);
        assert_eq!(retry_after_seconds(Some(" 007 ")), Some(7.0));
        assert_eq!(retry_after_seconds(Some("99999999999999999999999")), Some(u64::MAX as f64));
        assert_eq!(retry_delay(0, 3, 0.5, 10.0, None, 0.0), Some(0.25));
        assert_eq!(retry_delay(0, 3, 0.5, 10.0, None, 1.0), Some(0.5));
        assert_eq!(retry_delay(2, 3, 0.5, 10.0, None, 1.0), Some(2.0));
        assert_eq!(retry_delay(3, 3, 0.5, 10.0, None, 1.0), None);
        assert_eq!(retry_delay(10, 20, 0.5, 10.0, None, 1.0), Some(10.0));
        assert_eq!(retry_delay(0, 3, 0.5, 10.0, Some(4.0), 0.0), Some(4.0));
        assert_eq!(retry_delay(0, 3, 0.5, 10.0, Some(3600.0), 0.0), Some(10.0));
    }
}
