//! HTTP described as data: what a fetched JSON document must look like, and
//! the `Cache-Control` rules. The JS boundary does the I/O and hands the
//! pieces here, so every rule is tested natively.

use crate::prelude::*;

use crate::error::FetchError;

/// The largest response body read, in bytes (a JWK Set or an OpenID
/// configuration). Reading stops as soon as a body passes it.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// A received response, after the body was read (within the cap).
#[derive(Debug, Clone, Copy)]
pub struct Response<'a> {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
    /// The `Cache-Control` header, if any.
    pub cache_control: Option<&'a str>,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<&'a str>,
    /// The body bytes.
    pub body: &'a [u8],
}

/// True when a `Content-Type` names JSON: `application/json` or any
/// `…+json` type (such as `application/jwk-set+json`), parameters ignored.
pub fn is_json_content_type(content_type: &str) -> bool {
    let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

impl Response<'_> {
    /// Checks status 200, a JSON content type (when one is given), and
    /// UTF-8; returns the body text.
    pub fn json_text(&self) -> Result<&str, FetchError> {
        if self.status != 200 {
            return Err(FetchError::Http { status: self.status });
        }
        if let Some(ct) = self.content_type {
            if !is_json_content_type(ct) {
                return Err(FetchError::ContentType { actual: ct.to_owned() });
            }
        }
        if self.body.len() > MAX_BODY_BYTES {
            return Err(FetchError::TooLarge { max: MAX_BODY_BYTES });
        }
        core::str::from_utf8(self.body).map_err(|_| FetchError::Invalid {
            detail: "response body is not UTF-8".to_owned(),
        })
    }

    /// The `max-age` of the `Cache-Control` header, in seconds. `no-store`
    /// and `no-cache` count as 0. `None` when the header says nothing usable.
    pub fn max_age(&self) -> Option<u64> {
        let header = self.cache_control?;
        let mut max_age = None;
        for directive in header.split(',') {
            let (name, value) = match directive.split_once('=') {
                Some((n, v)) => (n.trim(), Some(v.trim().trim_matches('"'))),
                None => (directive.trim(), None),
            };
            let name = name.to_ascii_lowercase();
            match (name.as_str(), value) {
                ("no-store" | "no-cache", _) => return Some(0),
                ("max-age", Some(v)) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => {
                    // RFC 9111 §1.2.2: overflowing delta-seconds mean "very large".
                    max_age = Some(v.parse::<u64>().unwrap_or(u64::MAX));
                }
                _ => {}
            }
        }
        max_age
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp<'a>(status: u16, ct: Option<&'a str>, cc: Option<&'a str>, body: &'a [u8]) -> Response<'a> {
        Response { status, content_type: ct, cache_control: cc, retry_after: None, body }
    }

    #[test]
    fn content_types() {
        for ok in ["application/json", "Application/JSON; charset=utf-8", "application/jwk-set+json", " application/json "] {
            assert!(is_json_content_type(ok), "{ok}");
        }
        for bad in ["text/html", "text/plain", "application/xml", "", "json", "text/json+html", "application/jsonp"] {
            assert!(!is_json_content_type(bad), "{bad}");
        }
    }

    #[test]
    fn json_text_rules() {
        assert_eq!(resp(200, None, None, b"{}").json_text(), Ok("{}"));
        assert_eq!(resp(200, Some("application/json"), None, b"{}").json_text(), Ok("{}"));
        assert_eq!(resp(500, Some("application/json"), None, b"{}").json_text(), Err(FetchError::Http { status: 500 }));
        assert_eq!(resp(204, None, None, b"").json_text().unwrap_err().code(), "ERR_JWKS_HTTP_ERROR");
        assert_eq!(resp(200, Some("text/html"), None, b"<html>").json_text().unwrap_err().code(), "ERR_JWKS_INVALID");
        assert_eq!(resp(200, None, None, &[0xff]).json_text().unwrap_err().code(), "ERR_JWKS_INVALID");
        let big = vec![b' '; MAX_BODY_BYTES + 1];
        assert_eq!(resp(200, None, None, &big).json_text().unwrap_err().code(), "ERR_JWKS_TOO_LARGE");
    }

    #[test]
    fn cache_control_max_age() {
        let ma = |cc: &str| resp(200, None, Some(cc), b"").max_age();
        assert_eq!(ma("max-age=1"), Some(1));
        assert_eq!(ma("public, max-age=600, must-revalidate"), Some(600));
        assert_eq!(ma("Max-Age=\"30\""), Some(30));
        assert_eq!(ma("s-maxage=10"), None);
        assert_eq!(ma("no-store"), Some(0));
        assert_eq!(ma("max-age=60, no-cache"), Some(0));
        assert_eq!(ma("max-age=-1"), None);
        assert_eq!(ma("max-age=1.5"), None);
        assert_eq!(ma("max-age="), None);
        assert_eq!(ma("max-age=99999999999999999999999"), Some(u64::MAX));
        assert_eq!(resp(200, None, None, b"").max_age(), None);
    }
}
