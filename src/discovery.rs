//! OpenID Connect discovery (OpenID Connect Discovery 1.0 §4) and the
//! Cotter preset's URLs.

use crate::prelude::*;

use crate::error::FetchError;
use crate::json;
use crate::json::Value;

/// The URL of an issuer's OpenID configuration: the issuer with any
/// trailing `/` removed, then `/.well-known/openid-configuration`.
pub fn configuration_url(issuer: &str) -> String {
    format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'))
}

/// The parts of an OpenID configuration edgetoken uses.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Configuration {
    /// The issuer, equal to the one asked for.
    pub issuer: String,
    /// Where the JWK Set is.
    pub jwks_uri: String,
    /// The token endpoint, if the issuer has one.
    pub token_endpoint: Option<String>,
    /// The whole document as JSON text.
    pub json: String,
}

fn invalid(detail: impl Into<String>) -> FetchError {
    FetchError::Invalid { detail: detail.into() }
}

/// Parses a configuration document and checks that its `issuer` is exactly
/// `expected_issuer` (§4.3: otherwise the document must not be used).
pub fn parse_configuration(text: &str, expected_issuer: &str) -> Result<Configuration, FetchError> {
    let doc = json::parse_object(text).map_err(|e| invalid(format!("not a JSON object: {e}")))?;
    let string = |name: &str| -> Result<Option<String>, FetchError> {
        match doc.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(format!("\"{name}\" must be a string"))),
        }
    };
    let issuer = string("issuer")?.ok_or_else(|| invalid("no \"issuer\""))?;
    if issuer != expected_issuer {
        return Err(invalid(format!(
            "\"issuer\" is {}, expected {}", json::quote(&issuer), json::quote(expected_issuer)
        )));
    }
    let jwks_uri = string("jwks_uri")?.ok_or_else(|| invalid("no \"jwks_uri\""))?;
    let https_or_loopback = |u: &str| {
        u.starts_with("https://") || u.starts_with("http://127.0.0.1") || u.starts_with("http://localhost") || u.starts_with("http://[::1]")
    };
    if !https_or_loopback(&jwks_uri) {
        return Err(invalid("\"jwks_uri\" must be an https URL (or http on loopback)"));
    }
    Ok(Configuration {
        issuer,
        jwks_uri,
        token_endpoint: string("token_endpoint")?,
        json: text.to_owned(),
    })
}

/// Cotter's issuer and API base.
pub const COTTER_BASE: &str = "https://www.cotter.app";

/// Cotter's JWK Set URL under an API base: `{base}/api/v0/token/jwks`.
pub fn cotter_jwks_url(base: &str) -> String {
    format!("{}/api/v0/token/jwks", base.trim_end_matches('/'))
}

/// Cotter's refresh endpoint for an API key: `{base}/api/v0/token/{api_key_id}`.
pub fn cotter_token_url(base: &str, api_key_id: &str) -> String {
    format!("{}/api/v0/token/{api_key_id}", base.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(configuration_url("https://id.example"), "https://id.example/.well-known/openid-configuration");
        assert_eq!(configuration_url("https://id.example/tenant/"), "https://id.example/tenant/.well-known/openid-configuration");
        assert_eq!(cotter_jwks_url(COTTER_BASE), "https://www.cotter.app/api/v0/token/jwks");
        assert_eq!(cotter_jwks_url("http://127.0.0.1:9/"), "http://127.0.0.1:9/api/v0/token/jwks");
        assert_eq!(cotter_token_url(COTTER_BASE, "k-1"), "https://www.cotter.app/api/v0/token/k-1");
    }

    #[test]
    fn configuration_checks() {
        let doc = r#"{"issuer":"https://id.example","jwks_uri":"https://id.example/jwks","token_endpoint":"https://id.example/token","extra":[1]}"#;
        let c = parse_configuration(doc, "https://id.example").unwrap();
        assert_eq!(c.jwks_uri, "https://id.example/jwks");
        assert_eq!(c.token_endpoint.as_deref(), Some("https://id.example/token"));
        // the issuer must match exactly, trailing slash included
        assert!(parse_configuration(doc, "https://id.example/").is_err());
        assert!(parse_configuration(doc, "https://evil.example").is_err());
        for bad in [
            r#"{"jwks_uri":"https://id.example/jwks"}"#,
            r#"{"issuer":"https://id.example"}"#,
            r#"{"issuer":"https://id.example","jwks_uri":5}"#,
            r#"{"issuer":"https://id.example","jwks_uri":"http://id.example/jwks"}"#,
            r#"{"issuer":"https://id.example","jwks_uri":"https://id.example/jwks","issuer":"https://id.example"}"#,
            "[]",
        ] {
            assert_eq!(parse_configuration(bad, "https://id.example").unwrap_err().kind(), "invalid", "{bad}");
        }
        let local = r#"{"issuer":"http://127.0.0.1:5","jwks_uri":"http://127.0.0.1:5/jwks"}"#;
        assert_eq!(parse_configuration(local, "http://127.0.0.1:5").unwrap().token_endpoint, None);
    }
}
