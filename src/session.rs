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
    /// When these tokens arrived, seconds since the epoch (absent in values
    /// stored by earlier versions): with `expires_at`, the access token's
    /// lifetime, which bounds the refresh leeway.
    pub obtained_at: Option<f64>,
}

/// The shortest wait between two refreshes, in seconds: half the access
/// token's lifetime, within these bounds, so that no token lifetime and no
/// leeway can make refreshes follow each other without pause.
pub const MIN_REFRESH_INTERVAL: f64 = 1.0;
/// See [`MIN_REFRESH_INTERVAL`].
pub const MAX_REFRESH_INTERVAL: f64 = 5.0;

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
            obtained_at: Some(now),
        }
    }

    /// The set with another refresh token (the rotated one of a response
    /// whose other tokens were refused: the old one is spent).
    pub fn with_refresh_token(&self, refresh_token: &str) -> TokenSet {
        TokenSet { refresh_token: Some(refresh_token.to_owned()), ..self.clone() }
    }

    /// The access token's lifetime in seconds, when known.
    pub fn lifetime(&self) -> Option<f64> {
        self.obtained_at.map(|t| (self.expires_at - t).max(0.0))
    }

    /// `leeway` bounded by half the access token's lifetime, so a token
    /// shorter than the leeway is not due for refresh as soon as it
    /// arrives.
    pub fn effective_leeway(&self, leeway: f64) -> f64 {
        self.lifetime().map_or(leeway, |l| leeway.min(l / 2.0))
    }

    /// True when fewer than `leeway` seconds (see
    /// [`effective_leeway`](Self::effective_leeway)) of the access token
    /// remain.
    pub fn needs_refresh(&self, now: f64, leeway: f64) -> bool {
        now >= self.expires_at - self.effective_leeway(leeway)
    }

    /// When a refresh is due, seconds since the epoch.
    pub fn refresh_due_at(&self, leeway: f64) -> f64 {
        self.expires_at - self.effective_leeway(leeway)
    }

    /// The shortest wait between the refresh that brought these tokens and
    /// the next one: half their lifetime, from [`MIN_REFRESH_INTERVAL`] to
    /// [`MAX_REFRESH_INTERVAL`].
    pub fn refresh_floor(&self) -> f64 {
        self.lifetime().map_or(MAX_REFRESH_INTERVAL, |l| (l / 2.0).clamp(MIN_REFRESH_INTERVAL, MAX_REFRESH_INTERVAL))
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
        if let Some(t) = self.obtained_at {
            m.insert("obtained_at".into(), t.into());
        }
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
            obtained_at: match m.get("obtained_at") {
                None => None,
                Some(v) => Some(v.as_f64().filter(|t| t.is_finite()).ok_or_else(|| corrupt("\"obtained_at\" must be a number"))?),
            },
        };
        // (an OAuth 2.0 access token may be opaque; an ID token is a JWT)
        if set.id_token.as_ref().is_some_and(|t| t.split('.').count() != 3) {
            return Err(corrupt("the ID token is not a compact JWT"));
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
        let s = TokenSet::merge(None, &resp(Some("r"), None, Some(200.0)), 1e12, "u", 0.0);
        assert!(!s.needs_refresh(139.0, 60.0));
        assert!(s.needs_refresh(140.0, 60.0));
        assert!(!s.needs_refresh(199.0, 0.0));
        assert!(s.needs_refresh(200.0, 0.0));
    }

    #[test]
    fn the_leeway_is_at_most_half_the_lifetime_and_refreshes_keep_a_floor() {
        // a 10-second token with the default 60-second leeway is due after 5 s, not at once
        let s = TokenSet::merge(None, &resp(Some("r"), None, Some(10.0)), 1e12, "u", 1000.0);
        assert_eq!(s.effective_leeway(60.0), 5.0);
        assert!(!s.needs_refresh(1004.9, 60.0));
        assert!(s.needs_refresh(1005.0, 60.0));
        assert_eq!(s.refresh_due_at(60.0), 1005.0);
        assert_eq!(s.refresh_floor(), 5.0);
        // a 1-hour token keeps the whole leeway
        let long = TokenSet::merge(None, &resp(Some("r"), None, Some(3600.0)), 1e12, "u", 0.0);
        assert_eq!((long.effective_leeway(60.0), long.refresh_floor()), (60.0, MAX_REFRESH_INTERVAL));
        // a token that arrives expired (or with no lifetime) is due, but the
        // floor still spaces refreshes out
        let dead = TokenSet::merge(None, &resp(Some("r"), None, Some(0.0)), 1e12, "u", 50.0);
        assert!(dead.needs_refresh(50.0, 60.0));
        assert_eq!(dead.refresh_floor(), MIN_REFRESH_INTERVAL);
        // values stored before obtained_at existed keep the plain leeway
        let old = TokenSet { obtained_at: None, ..s.clone() };
        assert_eq!(old.effective_leeway(60.0), 60.0);
        assert_eq!(TokenSet::from_stored(&old.to_stored()).unwrap(), old);
    }

    #[test]
    fn a_rotated_refresh_token_can_replace_the_old_one_alone() {
        let s = TokenSet::merge(None, &resp(Some("r1"), Some("i.d.1"), Some(60.0)), 1e12, "u", 0.0);
        let kept = s.with_refresh_token("r2");
        assert_eq!((kept.refresh_token.as_deref(), kept.access_token.as_str(), kept.id_token.as_deref()), (Some("r2"), "a.b.c", Some("i.d.1")));
    }

    #[test]
    fn stored_round_trip_and_corruption() {
        let s = TokenSet::merge(None, &resp(Some("r"), Some("x.y.z"), Some(100.0)), 1e12, "user-1", 0.5);
        assert_eq!(TokenSet::from_stored(&s.to_stored()).unwrap(), s);
        let no_refresh = TokenSet { refresh_token: None, id_token: None, ..s.clone() };
        assert_eq!(TokenSet::from_stored(&no_refresh.to_stored()).unwrap(), no_refresh);
        for bad in ["", "null", "{", "[]", r#"{"v":2}"#, r#"{"v":1,"access_token":"a.b.c"}"#,
                    r#"{"v":1,"access_token":"abc","id_token":"i.d","refresh_token":null,"expires_at":1,"sub":"u"}"#,
                    r#"{"v":1,"access_token":"abc","id_token":null,"refresh_token":null,"expires_at":1,"sub":"u","obtained_at":"0"}"#,
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
