//! The JS boundary: the only code that knows about `wasm_bindgen` and
//! `js_sys`. It turns JS values into core inputs, core errors into JS errors
//! with a stable `code`, and reads the clock (`Date.now()`) when the caller
//! gives no `currentDate`. It never touches `window`, so the same build runs
//! in a page, a worker and Node.
//!
//! Results cross as JSON text (parsed by the JS wrapper with `JSON.parse`),
//! so payloads arrive as plain objects with the number semantics of every
//! other JS JWT library.

use crate::prelude::*;

#[cfg(feature = "remote")]
mod discover;
mod errors;
#[cfg(feature = "remote")]
mod fetch;
mod options;
#[cfg(feature = "remote")]
mod remote;
#[cfg(feature = "remote")]
mod session;

use crate::text::cat;
use crate::error::Error;
use crate::{json, jwk, token, verify};
use errors::{to_js_error, JsResult};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;

// talc: a fraction of dlmalloc's code in the binary, and faster.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// A validated JWK Set, holding only keys usable for ES256 verification.
#[wasm_bindgen]
pub struct KeySet {
    inner: jwk::JwkSet,
    // Shared with the verifiers made from this set (createVerifier, and
    // jwtVerify's per-options verifiers).
    cache: alloc::rc::Rc<core::cell::RefCell<crate::token_cache::TokenCache>>,
}

#[wasm_bindgen]
impl KeySet {
    /// Parses a JWK Set from its JSON text.
    #[wasm_bindgen(constructor)]
    pub fn new(jwks_json: &str) -> JsResult<KeySet> {
        jwk::JwkSet::from_json(jwks_json)
            .map(|inner| KeySet { inner, cache: Default::default() })
            .map_err(|e| to_js_error(&e.into()))
    }

    /// How many usable keys the set holds.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.keys().len()
    }

    /// The entries left out, as the JSON of `[{ index, kid, reason }]`
    /// (no `kid` for an entry without one).
    pub fn skipped(&self) -> String {
        let mut out = String::from("[");
        for (i, s) in self.inner.skipped().iter().enumerate() {
            out.push_str(if i == 0 { "{\"index\":" } else { ",{\"index\":" });
            out.push_str(&cat!(s.index));
            if let Some(kid) = &s.kid {
                out.push_str(",\"kid\":");
                json::write_string(kid, &mut out);
            }
            out.push_str(",\"reason\":");
            json::write_string(s.reason.message(), &mut out);
            out.push('}');
        }
        out.push(']');
        out
    }
}

/// Verifies a compact JWS; returns `[protectedHeaderJson, payloadBytes]`.
/// Of the options only `algorithms` applies (and must allow ES256 alone).
#[wasm_bindgen(js_name = compactVerify)]
pub fn compact_verify(token: &str, keys: &KeySet, options: Option<String>) -> JsResult<Array> {
    options::verify_options(options).map_err(|e| to_js_error(&e.into()))?;
    let jws = verify::compact_verify(token, &keys.inner).map_err(|e| to_js_error(&e))?;
    let payload = Uint8Array::from(jws.payload.as_slice());
    Ok(Array::of2(&jws.header.json.into(), &payload.into()))
}

/// Decodes a token without verifying anything: `part` 0 answers the
/// protected header's JSON, 1 the claims' JSON (which must be an object).
#[wasm_bindgen]
pub fn decode(token: &str, part: u32) -> JsResult<String> {
    let decoded = if part == 0 {
        token::decode_header_unverified(token).map(|h| h.json)
    } else {
        token::decode_claims_unverified(token).map(|(json, _)| json)
    };
    decoded.map_err(|e| to_js_error(&e.into()))
}

/// Cotter's URLs under an API base: `[jwksUrl, tokenEndpoint]`.
#[cfg(feature = "remote")]
#[wasm_bindgen(js_name = cotterUrls)]
pub fn cotter_urls(base: &str, api_key_id: &str) -> Array {
    Array::of2(
        &crate::discovery::cotter_jwks_url(base).into(),
        &crate::discovery::cotter_token_url(base, api_key_id).into(),
    )
}

/// Repeat-token cache counters of a key set, as the JSON of
/// `[entries, bytes, hits, misses]`.
#[wasm_bindgen(js_name = keySetCacheStats)]
pub fn key_set_cache_stats(keys: &KeySet) -> String {
    let s = keys.cache.borrow().stats();
    cat!("[", s.entries, ",", s.bytes, ",", s.hits, ",", s.misses, "]")
}

/// A key set and verification options bound once (`createVerifier`): the
/// options are parsed once, and a repeat token costs a cache lookup and the
/// claim checks, answered with an entry id the JS side maps to its parse.
#[wasm_bindgen]
pub struct Verifier {
    keys: jwk::JwkSet,
    // (in a cell: `verify` takes `&self`, so JS code it calls may use this
    // verifier too)
    opts: core::cell::RefCell<crate::claims::VerifyOptions>,
    fixed_now: bool,
    cache: alloc::rc::Rc<core::cell::RefCell<crate::token_cache::TokenCache>>,
}

#[wasm_bindgen]
impl Verifier {
    /// Binds `keys` (copied) and `options` (jose's names, as the JSON of
    /// `optionsText` in core.js).
    #[wasm_bindgen(constructor)]
    pub fn new(keys: &KeySet, options: Option<String>) -> JsResult<Verifier> {
        let (opts, fixed_now) = options::verify_options(options).map_err(|e| to_js_error(&e.into()))?;
        opts.validate().map_err(|e| to_js_error(&e.into()))?;
        Ok(Verifier { keys: keys.inner.clone(), opts: opts.into(), fixed_now, cache: keys.cache.clone() })
    }

    /// Verifies the token the JS side wrote into the first `len` bytes of
    /// the input buffer (see `inputBuffer`; a `len` past the buffer is a
    /// token over the size cap) at `now_ms` (the clock, `Date.now()`, read
    /// by the JS side before it wrote the token: reading it calls JS, which
    /// could write another token); returns its cache entry id (see `json`).
    pub fn verify(&self, now_ms: f64, len: usize) -> JsResult<u32> {
        let now = (!self.fixed_now).then(|| crate::num::floor(now_ms / 1000.0));
        with_input(len, |token| {
            let mut opts = self.opts.try_borrow_mut().ok()?;
            if let Some(now) = now {
                opts.now = now;
            }
            let mut cache = self.cache.try_borrow_mut().ok()?;
            Some(match cache.lookup_id(token, &opts) {
                Some(hit) => hit,
                None => verify::jwt_verify_into_cache(token, &self.keys, &opts, &mut cache),
            })
        })
    }

    /// `[protectedHeaderJson, payloadJson]` of an entry id.
    pub fn json(&self, id: u32) -> JsResult<Array> {
        entry_json(&self.cache, id)
    }
}

/// `[protectedHeaderJson, payloadJson]` of a cache entry id. (The texts
/// are copied out before any JS is called, so JS code that calls
/// edgetoken again finds the cache free.)
fn entry_json(tokens: &core::cell::RefCell<crate::token_cache::TokenCache>, id: u32) -> JsResult<Array> {
    let texts = tokens.try_borrow().ok().and_then(|t| t.by_id(id).map(|jwt| (jwt.header.json.clone(), jwt.claims_json.clone())));
    let (header, claims) = texts.ok_or_else(|| errors::coded("ERR_JOSE_GENERIC", "unknown cache entry"))?;
    Ok(Array::of2(&JsValue::from(header), &JsValue::from(claims)))
}

// Where the JS side writes tokens as UTF-8 (with `TextEncoder.encodeInto`,
// straight into the wasm memory), so a token crosses without an allocation
// or a copy loop in JS.
static INPUT: crate::es256::sync::Lock<Vec<u8>> = crate::es256::sync::Lock::new(Vec::new());

/// Runs `f` on the token the JS side wrote into the first `len` bytes of
/// the input buffer, then turns its error into a JS error. `len` is the
/// token's full length in bytes, which is past the buffer for a token over
/// the size cap: that is `TokenTooLarge`.
///
/// `f` must not call into JS: JS code could verify another token, writing
/// it into the buffer while `f` reads this one. So the clock is read before,
/// and errors become JS errors after. `f` answers `None` when the state it
/// needs is in use (edgetoken was called from JS code it called), and so
/// does this buffer's lock: that call fails instead of waiting forever.
fn with_input<T>(len: usize, f: impl FnOnce(&str) -> Option<Result<T, Error>>) -> JsResult<T> {
    if len > token::MAX_TOKEN_BYTES {
        let e = crate::error::ParseError::TooLarge { max: token::MAX_TOKEN_BYTES, actual: len };
        return Err(to_js_error(&e.into()));
    }
    let outcome = INPUT.try_with(|buf| buf.get(..len).and_then(|b| core::str::from_utf8(b).ok()).and_then(f));
    match outcome.flatten() {
        Some(result) => result.map_err(|e| to_js_error(&e)),
        None => Err(errors::coded("ERR_JOSE_GENERIC", "the token buffer is in use (a nested call) or not UTF-8")),
    }
}

/// Makes the input buffer `len` bytes long and answers its offset in the
/// wasm memory: the JS side writes a token there for `Verifier.verify`
/// (and `RemoteVerifier.hit`).
/// It moves only when `len` changes.
#[wasm_bindgen(js_name = inputBuffer)]
pub fn input_buffer(len: usize) -> usize {
    INPUT
        .with(|buf| {
            if buf.len() != len {
                *buf = vec![0; len];
            }
            buf.as_ptr() as usize
        })
        .unwrap_or_default()
}
