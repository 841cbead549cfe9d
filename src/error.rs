//! Errors, one enum per phase, each variant with one stable `code()`.
//!
//! The codes are jose's `ERR_*` strings where jose has one, so code that
//! switches on `err.code` moves over unchanged; the JS error classes carry the
//! same string.

use crate::prelude::*;

use crate::text::cat;
use core::fmt;

/// Which part of a compact JWS a parse error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The protected header (first segment).
    Header,
    /// The payload (second segment).
    Payload,
    /// The signature (third segment).
    Signature,
}

impl Part {
    /// The part's name: `header`, `payload` or `signature`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Part::Header => "header",
            Part::Payload => "payload",
            Part::Signature => "signature",
        }
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The token is not a well-formed compact JWS / JWT, or asks for something
/// this library refuses to do. Raised before any key is looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// The token is longer than the size cap.
    TooLarge {
        /// The cap, in bytes.
        max: usize,
        /// The token's length, in bytes.
        actual: usize,
    },
    /// Not exactly three `.`-separated segments.
    Segments {
        /// How many segments there were.
        found: usize,
    },
    /// A segment is empty where content is required.
    EmptySegment(Part),
    /// A segment is not canonical unpadded base64url.
    Base64(Part),
    /// A decoded segment is not UTF-8.
    Utf8(Part),
    /// A decoded segment is not a JSON object, or not valid JSON (including
    /// duplicate member names).
    Json {
        /// Which segment.
        part: Part,
        /// What was wrong, for people (not a stable API).
        detail: String,
    },
    /// The header has no `alg`.
    MissingAlg,
    /// The header's `alg` is not `ES256`.
    AlgNotAllowed {
        /// The algorithm the verifier fixes.
        expected: &'static str,
        /// What the token asked for.
        actual: String,
    },
    /// A header parameter has the wrong JSON type.
    HeaderParam {
        /// The parameter's name.
        name: &'static str,
    },
    /// The header has `crit` naming extensions (or `b64: false`), which this
    /// library does not implement, so it must reject the token (RFC 7515 §4.1.11).
    Unsupported {
        /// What was asked for.
        detail: String,
    },
    /// The signature does not decode to exactly 64 bytes (RFC 7518 §3.4).
    SignatureLength {
        /// Decoded length.
        actual: usize,
    },
    /// The JWS verified but its payload is not a JSON object (JWT only).
    PayloadNotClaims {
        /// What was wrong, for people.
        detail: String,
    },
}

impl ParseError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            ParseError::TooLarge { .. } => "ERR_TOKEN_TOO_LARGE",
            ParseError::AlgNotAllowed { .. } => "ERR_JOSE_ALG_NOT_ALLOWED",
            ParseError::Unsupported { .. } => "ERR_JOSE_NOT_SUPPORTED",
            ParseError::PayloadNotClaims { .. } => "ERR_JWT_INVALID",
            // as jose: a signature of the wrong size is one that does not verify
            ParseError::SignatureLength { .. } | ParseError::EmptySegment(Part::Signature) => {
                "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
            }
            ParseError::Segments { .. }
            | ParseError::EmptySegment(_)
            | ParseError::Base64(_)
            | ParseError::Utf8(_)
            | ParseError::Json { .. }
            | ParseError::MissingAlg
            | ParseError::HeaderParam { .. } => "ERR_JWS_INVALID",
        }
    }
}

impl ParseError {
    /// The error's message (what `Display` writes).
    pub fn message(&self) -> String {
        match self {
            ParseError::TooLarge { max, actual } => {
                cat!("token is ", actual, " bytes, more than the ", max, "-byte limit")
            }
            ParseError::Segments { found } => {
                cat!("compact JWS must have exactly 3 segments separated by '.', found ", found)
            }
            ParseError::EmptySegment(p) => cat!("JWS ", p.as_str(), " segment is empty"),
            ParseError::Base64(p) => cat!("JWS ", p.as_str(), " segment is not canonical unpadded base64url"),
            ParseError::Utf8(p) => cat!("JWS ", p.as_str(), " is not valid UTF-8"),
            ParseError::Json { part, detail } => {
                cat!("JWS ", part.as_str(), " is not a valid JSON object: ", detail)
            }
            ParseError::MissingAlg => "JWS header has no \"alg\"".to_owned(),
            ParseError::AlgNotAllowed { expected, actual } => cat!(
                "\"alg\" (Algorithm) Header Parameter value ",
                crate::json::quote(actual),
                " not allowed (only ",
                expected,
                ")"
            ),
            ParseError::HeaderParam { name } => cat!("JWS header parameter \"", name, "\" has the wrong type"),
            ParseError::Unsupported { detail } => detail.clone(),
            ParseError::SignatureLength { actual } => cat!("ES256 signature must be 64 bytes, found ", actual),
            ParseError::PayloadNotClaims { detail } => {
                cat!("JWT Claims Set must be a top-level JSON object: ", detail)
            }
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// Why a single JWK cannot be used to verify ES256 signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwkError {
    /// Not a JSON object, or a member of the wrong JSON type.
    Malformed {
        /// What was wrong.
        detail: String,
    },
    /// The key is for another key type, curve or algorithm, or is marked as
    /// not for signature verification (`use`, `key_ops`, `alg`).
    NotForEs256 {
        /// What was wrong.
        detail: String,
    },
    /// The key says it is a P-256 key but is broken: wrong coordinate length,
    /// bad base64url, or a point not on the curve.
    BadPoint {
        /// What was wrong.
        detail: String,
    },
    /// The key contains private material (`d`). A key set for verification
    /// must never hold private keys; publishing one means the key is leaked.
    PrivateKey,
}

impl JwkError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        "ERR_JWK_INVALID"
    }
}

impl JwkError {
    /// The error's message (what `Display` writes).
    pub fn message(&self) -> &str {
        match self {
            JwkError::Malformed { detail } | JwkError::NotForEs256 { detail } | JwkError::BadPoint { detail } => {
                detail
            }
            JwkError::PrivateKey => "JWK contains private key material (\"d\"); refusing it",
        }
    }
}

impl fmt::Display for JwkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// The key set is unusable, or has no single key for this token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySetError {
    /// The JWK Set is not a JSON object with a `keys` array, is too large, or
    /// holds no key usable for ES256 verification.
    Invalid {
        /// What was wrong.
        detail: String,
    },
    /// No key in the set matches the token.
    NoMatchingKey {
        /// The token's `kid`, if it had one.
        kid: Option<String>,
    },
    /// More than one key matches and the token does not say which.
    MultipleMatchingKeys {
        /// The token's `kid`, if it had one.
        kid: Option<String>,
        /// How many keys matched.
        count: usize,
    },
    /// The key the token names is in the set but is broken.
    KeyInvalid {
        /// The token's `kid`.
        kid: String,
        /// Why the key was rejected.
        reason: JwkError,
    },
}

impl KeySetError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            KeySetError::Invalid { .. } => "ERR_JWKS_INVALID",
            KeySetError::NoMatchingKey { .. } => "ERR_JWKS_NO_MATCHING_KEY",
            KeySetError::MultipleMatchingKeys { .. } => "ERR_JWKS_MULTIPLE_MATCHING_KEYS",
            KeySetError::KeyInvalid { reason, .. } => reason.code(),
        }
    }
}

impl KeySetError {
    /// The error's message (what `Display` writes).
    pub fn message(&self) -> String {
        match self {
            KeySetError::Invalid { detail } => cat!("invalid JWK Set: ", detail),
            KeySetError::NoMatchingKey { kid: Some(kid) } => {
                cat!("no ES256 key in the JWK Set has kid ", crate::json::quote(kid))
            }
            KeySetError::NoMatchingKey { kid: None } => "no ES256 key in the JWK Set matches the token".to_owned(),
            KeySetError::MultipleMatchingKeys { kid, count } => match kid {
                Some(kid) => cat!(count, " keys in the JWK Set have kid ", crate::json::quote(kid)),
                None => cat!("the token has no kid and the JWK Set has ", count, " candidate keys"),
            },
            KeySetError::KeyInvalid { kid, reason } => {
                cat!("the JWK with kid ", crate::json::quote(kid), " is invalid: ", reason.message())
            }
        }
    }
}

impl fmt::Display for KeySetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// Why a claim check failed (jose's `reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimReason {
    /// A required claim is absent.
    Missing,
    /// The claim is present and well-typed but its value fails the check.
    CheckFailed,
    /// The claim has the wrong JSON type.
    Invalid,
}

impl ClaimReason {
    /// jose's string for this reason.
    pub fn as_str(&self) -> &'static str {
        match self {
            ClaimReason::Missing => "missing",
            ClaimReason::CheckFailed => "check_failed",
            ClaimReason::Invalid => "invalid",
        }
    }
}

/// A claim (or the `typ` header) failed validation after the signature was
/// verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimError {
    /// The claim's name (`"exp"`, `"aud"`, `"typ"`…).
    pub claim: String,
    /// Why it failed.
    pub reason: ClaimReason,
    /// True when the token is too old (`exp` passed, or `iat` older than
    /// `maxTokenAge`): code `ERR_JWT_EXPIRED`.
    pub expired: bool,
    /// What failed, for people.
    pub message: String,
    /// The verified claims as JSON text, when the check ran after the
    /// signature verified (jose's `payload` on the error).
    pub payload: Option<String>,
}

impl ClaimError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        if self.expired {
            "ERR_JWT_EXPIRED"
        } else {
            "ERR_JWT_CLAIM_VALIDATION_FAILED"
        }
    }
}

impl fmt::Display for ClaimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A verification option is out of range or of the wrong type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionsError {
    /// The option's (jose) name.
    pub option: &'static str,
    /// What was wrong.
    pub detail: &'static str,
}

impl OptionsError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        "ERR_OPTIONS_INVALID"
    }
}

impl OptionsError {
    /// The error's message (what `Display` writes).
    pub fn message(&self) -> String {
        cat!("invalid option \"", self.option, "\": ", self.detail)
    }
}

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// Fetching a document (a JWK Set, an OpenID configuration) failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchError {
    /// No complete answer within the timeout.
    Timeout {
        /// The timeout, in milliseconds.
        after_ms: u64,
    },
    /// The request failed before an HTTP answer (DNS, connection, CORS…).
    Network {
        /// What the runtime said.
        detail: String,
    },
    /// The server answered with a status other than 200.
    Http {
        /// The HTTP status.
        status: u16,
    },
    /// The body is larger than the cap.
    TooLarge {
        /// The cap, in bytes.
        max: usize,
    },
    /// The request was redirected to another origin, whose answer is not
    /// trusted.
    CrossOriginRedirect {
        /// The origin it ended at.
        to: String,
    },
    /// The answer's `Content-Type` is not JSON.
    ContentType {
        /// The content type received.
        actual: String,
    },
    /// The body is not the expected document.
    Invalid {
        /// What was wrong.
        detail: String,
    },
}

impl FetchError {
    /// The stable error code when fetching a JWK Set.
    pub fn code(&self) -> &'static str {
        match self {
            FetchError::Timeout { .. } => "ERR_JWKS_TIMEOUT",
            FetchError::Network { .. } => "ERR_JWKS_FETCH_FAILED",
            FetchError::Http { .. } => "ERR_JWKS_HTTP_ERROR",
            FetchError::TooLarge { .. } => "ERR_JWKS_TOO_LARGE",
            FetchError::CrossOriginRedirect { .. } => "ERR_JWKS_CROSS_ORIGIN_REDIRECT",
            FetchError::ContentType { .. } | FetchError::Invalid { .. } => "ERR_JWKS_INVALID",
        }
    }

    /// A short name of the failure, used as `reason` where one code covers
    /// every kind (discovery).
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::Timeout { .. } => "timeout",
            FetchError::Network { .. } => "network",
            FetchError::Http { .. } => "http",
            FetchError::TooLarge { .. } => "too_large",
            FetchError::CrossOriginRedirect { .. } => "redirect",
            FetchError::ContentType { .. } => "content_type",
            FetchError::Invalid { .. } => "invalid",
        }
    }

    /// The HTTP status, for [`FetchError::Http`].
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Http { status } => Some(*status),
            _ => None,
        }
    }
}

impl FetchError {
    /// The error's message (what `Display` writes).
    pub fn message(&self) -> String {
        match self {
            FetchError::Timeout { after_ms } => cat!("no answer within ", after_ms, " ms"),
            FetchError::Network { detail } => cat!("request failed: ", detail),
            FetchError::Http { status } => cat!("expected 200 OK, got HTTP ", status),
            FetchError::TooLarge { max } => cat!("response body is larger than ", max, " bytes"),
            FetchError::CrossOriginRedirect { to } => {
                cat!("redirected to another origin (", to, "); refusing its answer")
            }
            FetchError::ContentType { actual } => {
                cat!("expected a JSON response, got Content-Type ", crate::json::quote(actual))
            }
            FetchError::Invalid { detail } => detail.clone(),
        }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for FetchError {}

/// Any error from verifying a token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The token is malformed or asks for an unsupported feature.
    Parse(ParseError),
    /// No usable key for this token.
    KeySet(KeySetError),
    /// The signature does not verify. Deliberately says nothing more.
    Signature,
    /// A claim failed validation.
    Claim(ClaimError),
    /// The options are invalid.
    Options(OptionsError),
    /// The key set could not be fetched (remote key sets, with the `remote`
    /// feature).
    #[cfg(feature = "remote")]
    Fetch(FetchError),
}

impl Error {
    /// The stable error code, as carried by the JS error's `code`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Parse(e) => e.code(),
            Error::KeySet(e) => e.code(),
            Error::Signature => "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
            Error::Claim(e) => e.code(),
            Error::Options(e) => e.code(),
            #[cfg(feature = "remote")]
            Error::Fetch(e) => e.code(),
        }
    }
}

impl Error {
    /// The error's message (what `Display` writes).
    pub fn message(&self) -> String {
        match self {
            Error::Parse(e) => e.message(),
            Error::KeySet(e) => e.message(),
            Error::Signature => "signature verification failed".to_owned(),
            Error::Claim(e) => e.message.clone(),
            Error::Options(e) => e.message(),
            #[cfg(feature = "remote")]
            Error::Fetch(e) => cat!("JWKS fetch failed: ", e.message()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for Error {}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Self {
        Error::Parse(e)
    }
}
impl From<KeySetError> for Error {
    fn from(e: KeySetError) -> Self {
        Error::KeySet(e)
    }
}
impl From<ClaimError> for Error {
    fn from(e: ClaimError) -> Self {
        Error::Claim(e)
    }
}
#[cfg(feature = "remote")]
impl From<FetchError> for Error {
    fn from(e: FetchError) -> Self {
        Error::Fetch(e)
    }
}
impl From<OptionsError> for Error {
    fn from(e: OptionsError) -> Self {
        Error::Options(e)
    }
}

impl core::error::Error for ParseError {}
impl core::error::Error for JwkError {}
impl core::error::Error for KeySetError {}
impl core::error::Error for ClaimError {}
impl core::error::Error for OptionsError {}
