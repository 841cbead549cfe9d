//! Verification: the only way from an untrusted token to trusted data.
//!
//! Order matters: the header is parsed and checked, the key is selected from
//! the verifier's key set, the signature is checked, and only then is the
//! payload parsed. Unauthenticated input reaches only the header parser.

use crate::prelude::*;

use crate::claims::{self, VerifyOptions};
use crate::error::Error;
use crate::es256::PublicKey;
use crate::jwk::JwkSet;
use crate::token::{self, Header, UntrustedToken};
use crate::token_cache::TokenCache;
use crate::json::Map;

/// A compact JWS whose signature verified. The payload may be any bytes.
#[derive(Debug, Clone)]
pub struct VerifiedJws {
    /// The protected header.
    pub header: Header,
    /// The payload bytes.
    pub payload: Vec<u8>,
}

/// A JWT whose signature and claims verified.
#[derive(Debug, Clone)]
pub struct VerifiedJwt {
    /// The protected header.
    pub header: Header,
    /// The claims, exactly as decoded (a JSON object without duplicates).
    pub claims_json: String,
    /// The parsed claims.
    pub claims: Map,
    /// Where the registered claims are in `claims` (for [`revalidate_jwt`]).
    pub registered: claims::Registered,
}

/// Parses a token and runs every check that needs no key: shape, `alg`
/// ES256, no `crit`, a 64-byte signature.
pub fn parse_es256(token: &str) -> Result<UntrustedToken<'_>, Error> {
    let t = UntrustedToken::parse(token)?;
    t.header.check_es256()?;
    t.es256_signature()?;
    t.header.kid()?;
    Ok(t)
}

/// Verifies a parsed token's signature with one key.
pub fn verify_with(t: UntrustedToken<'_>, key: &PublicKey) -> Result<VerifiedJws, Error> {
    if !key.verify(t.signing_input.as_bytes(), &t.signature) {
        return Err(Error::Signature);
    }
    Ok(VerifiedJws {
        header: t.header,
        payload: t.payload,
    })
}

/// Parses a verified JWS's payload as claims (a JSON object).
pub fn parse_jwt(jws: VerifiedJws) -> Result<VerifiedJwt, Error> {
    let (claims_json, claims) = token::parse_claims(jws.payload)?;
    Ok(VerifiedJwt {
        header: jws.header,
        claims_json,
        registered: claims::Registered::of(&claims),
        claims,
    })
}

/// Validates a verified JWT's claims against `opts`; a failure carries the
/// claims (jose's `payload`).
pub fn validate_jwt(jwt: &VerifiedJwt, opts: &VerifyOptions) -> Result<(), Error> {
    claims::validate(&jwt.header, &jwt.claims, opts).map_err(|e| claim_error(jwt, e))
}

/// [`validate_jwt`] for a JWT that passed it before (a repeat token): see
/// [`claims::revalidate`].
pub fn revalidate_jwt(jwt: &VerifiedJwt, opts: &VerifyOptions) -> Result<(), Error> {
    claims::revalidate(&jwt.header, &jwt.claims, &jwt.registered, opts).map_err(|e| claim_error(jwt, e))
}

fn claim_error(jwt: &VerifiedJwt, mut e: crate::error::ClaimError) -> Error {
    e.payload = Some(jwt.claims_json.clone());
    Error::Claim(e)
}

/// Parses a verified JWS's payload as claims and validates them.
pub fn check_claims(jws: VerifiedJws, opts: &VerifyOptions) -> Result<VerifiedJwt, Error> {
    let jwt = parse_jwt(jws)?;
    validate_jwt(&jwt, opts)?;
    Ok(jwt)
}

/// Verifies a token not in the cache and adds it; returns its entry id.
/// The caller has checked `opts` and looked the token up already.
pub fn jwt_verify_into_cache(token: &str, keys: &JwkSet, opts: &VerifyOptions, cache: &mut TokenCache) -> Result<u32, Error> {
    verify_and_insert(token, keys, opts, cache)?;
    cache.id_of(token).ok_or(Error::Signature)
}

// The full verification of a token the cache does not hold, then storing it.
fn verify_and_insert<'c>(token: &str, keys: &JwkSet, opts: &VerifyOptions, cache: &'c mut TokenCache) -> Result<&'c VerifiedJwt, Error> {
    let t = parse_es256(token)?;
    let key = keys.select(t.header.kid()?)?;
    let jwt = parse_jwt(verify_with(t, &key.key)?)?;
    validate_jwt(&jwt, opts)?;
    cache.insert(token, jwt, &key.key, opts.now as f64).ok_or(Error::Signature)
}

/// Like [`jwt_verify`], remembering verified tokens in `cache` so a repeat
/// token skips the signature (its claims are always validated again).
pub fn jwt_verify_cached<'c>(
    token: &str,
    keys: &JwkSet,
    opts: &VerifyOptions,
    cache: &'c mut TokenCache,
) -> Result<&'c VerifiedJwt, Error> {
    opts.validate()?;
    if cache.contains(token) {
        return cache.lookup(token, opts).unwrap_or(Err(Error::Signature));
    }
    verify_and_insert(token, keys, opts, cache)
}

/// Verifies a compact JWS signed with ES256 by a key from `keys`.
pub fn compact_verify(token: &str, keys: &JwkSet) -> Result<VerifiedJws, Error> {
    let t = parse_es256(token)?;
    let key = keys.select(t.header.kid()?)?;
    verify_with(t, &key.key)
}

/// Verifies a JWT: the JWS signature, then the claims against `opts`.
///
/// ```
/// use edgetoken::{jwk::JwkSet, claims::VerifyOptions, verify::jwt_verify};
/// // RFC 7515 appendix A.3
/// let keys = JwkSet::from_json(r#"{"keys":[{"kty":"EC","crv":"P-256",
///   "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
///   "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#).unwrap();
/// let token = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
/// let mut opts = VerifyOptions::at(1_300_000_000);
/// opts.issuer = vec!["joe".into()];
/// let jwt = jwt_verify(token, &keys, &opts).unwrap();
/// assert_eq!(jwt.claims["http://example.com/is_root"], true);
/// ```
pub fn jwt_verify(token: &str, keys: &JwkSet, opts: &VerifyOptions) -> Result<VerifiedJwt, Error> {
    opts.validate()?;
    check_claims(compact_verify(token, keys)?, opts)
}
