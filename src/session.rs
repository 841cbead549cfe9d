//! The token set a session holds, and its rules: where a sign-in's tokens
//! come from, how a refresh response merges in (a missing `refresh_token`
//! keeps the old one), when to refresh, and what a stored value must look
//! like (anything else is corrupt and discarded, never trusted).

use crate::prelude::*;

use crate::json;
use crate::refresh::{parse_refresh_response, Profile, RefreshError, TokenResponse};
use crate::json::{Map, Value};

/// The version tag of the stored format.
pub const STORED_VERSION: u64 = 1;

/// The tokens of a signed-in session.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenSet {
    /// The access token.
    pub access_token: String,
    /// The ID token, if the issuer sent one.
    pub id_token: Option<String>,
    /// The refresh token, if any.
    pub refresh_token: Option<String>,
    /// When the access token expires, seconds since the epoch.
    pub expires_at: f64,
    /// The signed-in user (`sub` of the verified tokens).
    pub sub: String,
}

/// A session value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorruptValue {
    /// What was wrong.
    pub detail: String,
}

impl CorruptValue {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        "ERR_SESSION_STORAGE_CORRUPT"
    }
}

/// Reads the tokens of a sign-in: Cotter's auth payload (`{ oauth_token:
/// {…}, user, email }`) or a bare token response.
pub fn login_tokens(text: &str) -> Result<TokenResponse, RefreshError> {
    let doc = json::parse_object(text).map_err(|e| RefreshError::InvalidResponse { detail: format!("not a JSON object: {e}") })?;
    let inner = match doc.get("oauth_token") {
        Some(Value::Object(t)) => t.to_json(),
        Some(_) => return Err(RefreshError::InvalidResponse { detail: "\"oauth_token\" must be an object".to_owned() }),
        None => text.to_owned(),
    };
    // The profile only matters for error bodies; a 200 parses the same.
    let any = Profile::OAuth2 { endpoint: String::new(), client_id: String::new() };
    parse_refresh_response(&any, 200, None, inner.as_bytes())
}

impl TokenSet {
    /// The set after a sign-in or refresh whose tokens verified. `access_exp`
    /// is the verified access token's `exp`; `old` is the set it replaces.
    /// A response without `refresh_token` (or `id_token`) keeps the old one.
    pub fn merge(old: Option<&TokenSet>, response: &TokenResponse, access_exp: f64, sub: &str, now: f64) -> TokenSet {
        let by_expires_in = response.expires_in.map(|s| now + s);
        TokenSet {
            access_token: response.access_token.clone(),
            id_token: response.id_token.clone().or_else(|| old.and_then(|o| o.id_token.clone())),
            refresh_token: response.refresh_token.clone().or_else(|| old.and_then(|o| o.refresh_token.clone())),
            expires_at: by_expires_in.map_or(access_exp, |t| t.min(access_exp)),
            sub: sub.to_owned(),
        }
    }

    /// True when fewer than `leeway` seconds of the access token remain.
    pub fn needs_refresh(&self, now: f64, leeway: f64) -> bool {
        now >= self.expires_at - leeway
    }

    /// The stored form (JSON).
    pub fn to_stored(&self) -> String {
        let mut m = Map::new();
        m.insert("v".into(), STORED_VERSION.into());
        m.insert("access_token".into(), self.access_token.clone().into());
        m.insert("id_token".into(), self.id_token.clone().map_or(Value::Null, Value::from));
        m.insert("refresh_token".into(), self.refresh_token.clone().map_or(Value::Null, Value::from));
        m.insert("expires_at".into(), self.expires_at.into());
        m.insert("sub".into(), self.sub.clone().into());
        m.to_json()
    }

    /// Reads a stored value; anything but exactly the stored form is corrupt.
    pub fn from_stored(text: &str) -> Result<TokenSet, CorruptValue> {
        let corrupt = |detail: &str| CorruptValue { detail: detail.to_owned() };
        let m = json::parse_object(text).map_err(|e| CorruptValue { detail: e })?;
        if m.get("v").and_then(Value::as_u64) != Some(STORED_VERSION) {
            return Err(corrupt("unknown version"));
        }
        let string = |k: &str| m.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
        let nullable = |k: &str| -> Result<Option<String>, CorruptValue> {
            match m.get(k) {
                Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
                _ => Err(corrupt(&format!("\"{k}\" must be a string or null"))),
            }
        };
        let set = TokenSet {
            access_token: string("access_token").ok_or_else(|| corrupt("no access_token"))?,
            id_token: nullable("id_token")?,
            refresh_token: nullable("refresh_token")?,
            expires_at: m.get("expires_at").and_then(Value::as_f64).filter(|t| t.is_finite()).ok_or_else(|| corrupt("no expires_at"))?,
            sub: string("sub").ok_or_else(|| corrupt("no sub"))?,
        };
        if set.access_token.split('.').count() != 3 || set.id_token.as_ref().is_some_and(|t| t.split('.').count() != 3) {
            return Err(corrupt("tokens are not compact JWTs"));
        }
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(refresh: Option<&str>, id: Option<&str>, expires_in: Option<f64>) -> TokenResponse {
        TokenResponse {
            access_token: "a.b.c".into(),
            id_token: id.map(Into::into),
            refresh_token: refresh.map(Into::into),
            expires_in,
            auth_method: None,
        }
    }

    #[test]
    fn merge_keeps_the_old_refresh_and_id_tokens_when_omitted() {
        let first = TokenSet::merge(None, &resp(Some("r1"), Some("i.d.1"), Some(3600.0)), 5000.0, "u", 1000.0);
        assert_eq!((first.refresh_token.as_deref(), first.expires_at), (Some("r1"), 4600.0));
        let second = TokenSet::merge(Some(&first), &resp(None, None, None), 9000.0, "u", 2000.0);
        assert_eq!(second.refresh_token.as_deref(), Some("r1"));
        assert_eq!(second.id_token.as_deref(), Some("i.d.1"));
        assert_eq!(second.expires_at, 9000.0, "falls back to the access token's exp");
        let rotated = TokenSet::merge(Some(&second), &resp(Some("r2"), Some("i.d.2"), Some(60.0)), 9000.0, "u", 3000.0);
        assert_eq!((rotated.refresh_token.as_deref(), rotated.id_token.as_deref(), rotated.expires_at), (Some("r2"), Some("i.d.2"), 3060.0));
    }

    #[test]
    fn refresh_leeway() {
        let s = TokenSet::merge(None, &resp(Some("r"), None, Some(100.0)), 1e12, "u", 0.0);
        assert!(!s.needs_refresh(39.0, 60.0));
        assert!(s.needs_refresh(40.0, 60.0));
        assert!(s.needs_refresh(100.0, 0.0));
    }

    #[test]
    fn stored_round_trip_and_corruption() {
        let s = TokenSet::merge(None, &resp(Some("r"), Some("x.y.z"), Some(100.0)), 1e12, "user-1", 0.5);
        assert_eq!(TokenSet::from_stored(&s.to_stored()).unwrap(), s);
        let no_refresh = TokenSet { refresh_token: None, id_token: None, ..s.clone() };
        assert_eq!(TokenSet::from_stored(&no_refresh.to_stored()).unwrap(), no_refresh);
        for bad in ["", "null", "{", "[]", r#"{"v":2}"#, r#"{"v":1,"access_token":"a.b.c"}"#,
                    r#"{"v":1,"access_token":"abc","id_token":null,"refresh_token":null,"expires_at":1,"sub":"u"}"#,
                    r#"{"v":1,"access_token":"a.b.c","id_token":5,"refresh_token":null,"expires_at":1,"sub":"u"}"#,
                    r#"{"v":1,"access_token":"a.b.c","id_token":null,"refresh_token":null,"expires_at":"1","sub":"u"}"#] {
            assert_eq!(TokenSet::from_stored(bad).unwrap_err().code(), "ERR_SESSION_STORAGE_CORRUPT", "{bad}");
        }
    }

    #[test]
    fn login_payloads() {
        let payload = r#"{"email":"a@b.co","oauth_token":{"access_token":"a.b.c","id_token":"i.d.t","refresh_token":"1:x","expires_in":3600,"token_type":"Bearer","auth_method":"OTP"},"user":{"ID":"u"}}"#;
        let t = login_tokens(payload).unwrap();
        assert_eq!((t.refresh_token.as_deref(), t.auth_method.as_deref()), (Some("1:x"), Some("OTP")));
        assert_eq!(login_tokens(r#"{"access_token":"a.b.c"}"#).unwrap().access_token, "a.b.c");
        assert_eq!(login_tokens(r#"{"oauth_token":"x"}"#).unwrap_err().code(), "ERR_REFRESH_INVALID_RESPONSE");
        assert_eq!(login_tokens(r#"{"user":{}}"#).unwrap_err().code(), "ERR_REFRESH_INVALID_RESPONSE");
    }
}
