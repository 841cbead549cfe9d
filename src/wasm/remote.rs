//! `createRemoteJWKSet`: a JWK Set fetched from a URL and cached by the
//! core's [`JwksCache`] policy.
//!
//! Concurrent verifications that need a fetch share one in-flight request.
//! On workerd a promise created while serving one request must not be
//! awaited by another, so there a request that finds another request's
//! fetch under way waits on its own timers, watching the isolate's cache
//! (plain data) until that fetch completes. It gives up waiting after the
//! fetch timeout and fetches itself, so a cancelled request cannot strand
//! the others.
//!
//! The clock (`Date.now`, a JS call) is read before a cache is borrowed,
//! and errors become JS errors after, so JS code that runs meanwhile finds
//! the caches free.

use crate::prelude::*;

use super::errors::{set, to_js_error, JsResult};
use super::fetch;
use super::options;
use crate::error::Error;
use crate::http::{Response, MAX_BODY_BYTES};
use crate::jwk::Jwk;
use crate::jwks_cache::{JwksCache, Plan, Snapshot};
use crate::verify;
use js_sys::{Array, Date, Object, Promise, Reflect, Uint8Array};
use core::cell::{Cell, RefCell};
use alloc::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, spawn_local, JsFuture};

/// A remote set's `state()` as JS reads it (times in ms since the epoch,
/// `null` when unknown).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct State {
    fresh: bool,
    cooling_down: bool,
    serving_stale: bool,
    keys: u32,
    fetched_at: Option<f64>,
    expires_at: Option<f64>,
    // the last fetch error as the JS `Error` it is, with its `at`
    #[serde(with = "serde_wasm_bindgen::preserve")]
    last_error: JsValue,
}

fn now() -> f64 {
    Date::now() / 1000.0
}

/// Core seconds → whole JS milliseconds.
fn to_ms(seconds: f64) -> f64 {
    crate::num::round(seconds * 1000.0)
}

/// True on Cloudflare Workers / workerd, where promises must not cross requests.
fn on_workerd() -> bool {
    let global = js_sys::global();
    Reflect::get(&global, &JsValue::from_str("navigator"))
        .ok()
        .and_then(|n| Reflect::get(&n, &JsValue::from_str("userAgent")).ok())
        .and_then(|ua| ua.as_string())
        .is_some_and(|ua| ua == "Cloudflare-Workers")
}

struct Remote {
    url: String,
    headers: Vec<(String, String)>,
    timeout_ms: u32,
    share_in_flight: bool,
    cache: RefCell<JwksCache>,
    tokens: RefCell<crate::token_cache::TokenCache>,
    in_flight: RefCell<Option<Promise>>,
    /// workerd: when a request of this isolate started fetching, if one is.
    fetching_since: Cell<Option<f64>>,
    /// Completed fetches, so a waiting request sees that one finished.
    completed: Cell<u64>,
    /// What the runtime threw for the last failed fetch, if it threw: the
    /// `cause` of the errors that failure makes.
    cause: RefCell<Option<JsValue>>,
}

/// A promise resolved after `ms` by a timer created in the caller's context.
fn sleep(ms: i32) -> Promise {
    Promise::new(&mut |resolve, _| {
        let _ = set_timeout(&resolve, ms);
    })
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: i32) -> JsValue;
}

enum Step {
    Use(Jwk),
    Refresh(Jwk),
    Fetch,
}

impl Remote {
    fn step(&self, kid: Option<&str>, may_fetch: bool) -> Result<Step, Error> {
        let t = now();
        let cache = self.cache.borrow();
        Ok(match cache.plan(t, kid, may_fetch)? {
            Plan::Use(k) => Step::Use(k.clone()),
            Plan::UseAndRefresh(k) => Step::Refresh(k.clone()),
            Plan::Fetch => Step::Fetch,
        })
    }

    /// Starts a fetch whose result goes into the cache; the promise always
    /// resolves (the outcome is read from the cache).
    fn start_fetch(self: &Rc<Self>) -> Promise {
        let me = self.clone();
        if self.fetching_since.get().is_none() {
            self.fetching_since.set(Some(now()));
        }
        future_to_promise(async move {
            let result = fetch::get(&me.url, &me.headers, me.timeout_ms, MAX_BODY_BYTES).await;
            let t = now();
            {
                let mut cache = me.cache.borrow_mut();
                match result {
                    Ok(f) => {
                        let r = Response {
                            status: f.status,
                            content_type: f.content_type.as_deref(),
                            cache_control: f.cache_control.as_deref(),
                            retry_after: f.retry_after.as_deref(),
                            body: &f.body,
                        };
                        me.cause.borrow_mut().take();
                        if cache.on_response(t, &r).is_ok() {
                            // Verdicts of keys that left the set go with them.
                            me.tokens.borrow_mut().retain_keys(&cache.keys());
                        }
                    }
                    Err(f) => {
                        *me.cause.borrow_mut() = f.cause;
                        cache.on_failure(t, f.error);
                    }
                }
            }
            if me.share_in_flight {
                me.in_flight.borrow_mut().take();
            }
            me.fetching_since.set(None);
            me.completed.set(me.completed.get().wrapping_add(1));
            Ok(JsValue::UNDEFINED)
        })
    }

    /// workerd: waits (on this request's own timers) for another request's
    /// fetch to complete; fetches itself if none is under way, or if it
    /// takes longer than the timeout.
    /// How long a fetch under way is waited for (or counted as under way):
    /// its timeout, and a second.
    fn fetch_limit(&self) -> f64 {
        f64::from(self.timeout_ms) / 1000.0 + 1.0
    }

    async fn fetch_unshared(self: &Rc<Self>) {
        let seen = self.completed.get();
        let limit = self.fetch_limit();
        while let Some(since) = self.fetching_since.get() {
            if now() - since > limit {
                break;
            }
            let _ = JsFuture::from(sleep(10)).await;
            if self.completed.get() != seen {
                return;
            }
        }
        self.fetching_since.set(Some(now()));
        let _ = JsFuture::from(self.start_fetch()).await;
    }

    /// Waits for a fetch: the one in flight, or a new one.
    async fn fetch(self: &Rc<Self>) {
        if self.share_in_flight {
            let _ = JsFuture::from(self.fetch_promise()).await;
        } else {
            self.fetch_unshared().await;
        }
    }

    /// The shared in-flight fetch, or a new one (runtimes that allow sharing).
    fn fetch_promise(self: &Rc<Self>) -> Promise {
        if !self.share_in_flight {
            return self.start_fetch();
        }
        if let Some(p) = self.in_flight.borrow().as_ref() {
            return p.clone();
        }
        let p = self.start_fetch();
        *self.in_flight.borrow_mut() = Some(p.clone());
        p
    }

    /// Starts a background refresh of stale keys that nobody waits for.
    /// Best effort: on workerd it may be cancelled when this request ends;
    /// the cache then retries later.
    fn refresh_in_background(self: &Rc<Self>, t: f64) {
        if let Ok(mut cache) = self.cache.try_borrow_mut() {
            cache.refresh_started(t);
        } else {
            return;
        }
        let p = self.fetch_promise();
        spawn_local(async move {
            let _ = JsFuture::from(p).await;
        });
    }

    /// A background refresh if stale keys serve and one is due, for a
    /// token answered from the verified-token cache (which `step` never
    /// sees).
    fn refresh_if_due(self: &Rc<Self>, t: f64) {
        if self.cache.try_borrow().is_ok_and(|c| c.refresh_due(t)) {
            self.refresh_in_background(t);
        }
    }

    /// A core error as a JS error, with the runtime's error as `cause` for
    /// a fetch failure that had one.
    fn js_error(&self, e: &Error) -> JsValue {
        let js = to_js_error(e);
        if let (Error::Fetch(_), Ok(cause)) = (e, self.cause.try_borrow()) {
            if let Some(cause) = cause.as_ref() {
                set(&Object::from(js.clone()), "cause", cause);
            }
        }
        js
    }

    /// Whether a fetch is under way (jose's `reloading`).
    fn reloading(&self) -> bool {
        self.fetching_since.get().is_some_and(|since| now() - since <= self.fetch_limit())
    }

    async fn key_for(self: Rc<Self>, kid: Option<String>) -> Result<Jwk, Error> {
        match self.step(kid.as_deref(), true)? {
            Step::Use(k) => Ok(k),
            Step::Refresh(k) => {
                self.refresh_in_background(now());
                Ok(k)
            }
            Step::Fetch => {
                self.fetch().await;
                match self.step(kid.as_deref(), false)? {
                    Step::Use(k) | Step::Refresh(k) => Ok(k),
                    Step::Fetch => Err(Error::KeySet(crate::error::KeySetError::Invalid {
                        detail: "JWK Set still missing after a fetch".to_owned(),
                    })),
                }
            }
        }
    }
}

/// Verifies a token's signature with the key the cache provides; returns
/// the verified JWS and the key.
async fn verified(remote: Rc<Remote>, text: &str) -> Result<(verify::VerifiedJws, Jwk), JsValue> {
    let kid = verify::parse_es256(text).map_err(js_err)?.header.kid().map_err(|e| js_err(e.into()))?.map(str::to_owned);
    let key = match remote.clone().key_for(kid).await {
        Ok(key) => key,
        Err(e) => return Err(remote.js_error(&e)),
    };
    // parsed again: the first parse borrowed `text` across the await
    let jws = verify::verify_with(verify::parse_es256(text).map_err(js_err)?, &key.key).map_err(js_err)?;
    Ok((jws, key))
}

/// A JWK Set fetched from a URL, cached, refetched on rotation.
#[wasm_bindgen]
pub struct RemoteKeySet {
    inner: Rc<Remote>,
}

fn js_err(e: Error) -> JsValue {
    to_js_error(&e)
}

#[wasm_bindgen]
impl RemoteKeySet {
    /// Creates the key set; nothing is fetched until it is needed.
    #[wasm_bindgen(constructor)]
    pub fn new(url: &str, options: &JsValue) -> JsResult<RemoteKeySet> {
        let opts = options::remote_options(options).map_err(|e| js_err(e.into()))?;
        let parsed = web_sys::Url::new(url).map_err(|_| {
            js_err(crate::error::OptionsError { option: "url", detail: "must be an absolute URL" }.into())
        })?;
        if parsed.protocol() != "https:" && parsed.protocol() != "http:" {
            return Err(js_err(
                crate::error::OptionsError { option: "url", detail: "must be an http(s) URL" }.into(),
            ));
        }
        Ok(RemoteKeySet {
            inner: Rc::new(Remote {
                url: parsed.href(),
                headers: opts.headers,
                timeout_ms: opts.timeout_ms,
                share_in_flight: !on_workerd(),
                cache: RefCell::new(JwksCache::new(opts.policy)),
                tokens: RefCell::new(crate::token_cache::TokenCache::new()),
                in_flight: RefCell::new(None),
                fetching_since: Cell::new(None),
                completed: Cell::new(0),
                cause: RefCell::new(None),
            }),
        })
    }

    /// Verifies a JWT; resolves to `[protectedHeaderJson, payloadJson]`.
    /// `options` is the JSON of `optionsText` in core.js.
    #[wasm_bindgen(js_name = jwtVerify)]
    pub fn jwt_verify(&self, token: String, options: Option<String>) -> Promise {
        let prepared = options::verify_options(options).map(|(o, _)| (o, token)).map_err(|e| js_err(e.into()));
        let remote = self.inner.clone();
        future_to_promise(async move {
            let (opts, text) = prepared?;
            opts.validate().map_err(|e| js_err(e.into()))?;
            // A repeat token skips the signature while the keys are usable
            // without a fetch; its claims are validated again either way.
            // (Texts are copied out of the caches before any JS is called,
            // so JS code that calls edgetoken again finds them free.)
            let texts = |jwt: &verify::VerifiedJwt| (jwt.header.json.clone(), jwt.claims_json.clone());
            let answer = |(header, claims): (String, String)| Ok(Array::of2(&header.into(), &claims.into()).into());
            let t = now();
            if remote.cache.try_borrow().is_ok_and(|c| c.keys_usable(t)) {
                let cached = remote.tokens.try_borrow_mut().ok().and_then(|mut tokens| tokens.lookup(&text, &opts).map(|hit| hit.map(texts)));
                if let Some(hit) = cached {
                    remote.refresh_if_due(t);
                    return answer(hit.map_err(js_err)?);
                }
            }
            let (jws, key) = verified(remote.clone(), &text).await?;
            let jwt = verify::parse_jwt(jws).map_err(js_err)?;
            verify::validate_jwt(&jwt, &opts).map_err(js_err)?;
            let t = now();
            let verified_texts = texts(&jwt);
            // remembered when the cache is free (it always is, unless JS
            // code called from here is verifying too)
            if let Ok(mut tokens) = remote.tokens.try_borrow_mut() {
                tokens.insert(&text, jwt, &key.key, t);
            }
            answer(verified_texts)
        })
    }

    /// Verifies a compact JWS; resolves to `[protectedHeaderJson, payloadBytes]`.
    #[wasm_bindgen(js_name = compactVerify)]
    pub fn compact_verify(&self, token: String, options: Option<String>) -> Promise {
        let prepared = options::verify_options(options).map(|_| token).map_err(|e| js_err(e.into()));
        let remote = self.inner.clone();
        future_to_promise(async move {
            let (jws, _) = verified(remote, &prepared?).await?;
            Ok(Array::of2(&jws.header.json.into(), &Uint8Array::from(jws.payload.as_slice()).into()).into())
        })
    }

    /// Refetches now (jose's `reload()`); rejects with the fetch error if
    /// the fetch fails.
    pub fn reload(&self) -> Promise {
        let t = now();
        self.inner.cache.borrow_mut().invalidate(t);
        let remote = self.inner.clone();
        // started now where fetches are shared, so `reloading` says so at once
        let started = remote.share_in_flight.then(|| remote.fetch_promise());
        future_to_promise(async move {
            match started {
                Some(p) => drop(JsFuture::from(p).await),
                None => remote.fetch().await,
            }
            let t = now();
            let state = remote.cache.borrow().state(t);
            match state.last_error {
                Some((e, _)) if !state.fresh => Err(remote.js_error(&e.into())),
                _ => Ok(JsValue::UNDEFINED),
            }
        })
    }

    /// Keys are cached and younger than their max-age.
    #[wasm_bindgen(getter)]
    pub fn fresh(&self) -> bool {
        let t = now();
        self.inner.cache.borrow().state(t).fresh
    }

    /// A fetch of the set is under way (jose's `reloading`).
    #[wasm_bindgen(getter)]
    pub fn reloading(&self) -> bool {
        self.inner.reloading()
    }

    /// A refetch for an unknown `kid` is held back.
    #[wasm_bindgen(getter, js_name = coolingDown)]
    pub fn cooling_down(&self) -> bool {
        let t = now();
        self.inner.cache.borrow().state(t).cooling_down
    }

    /// The cache state: `{ fresh, coolingDown, servingStale, keys,
    /// fetchedAt, expiresAt, lastError }` (times in ms since the epoch).
    pub fn state(&self) -> JsValue {
        let t = now();
        let s = self.inner.cache.borrow().state(t);
        let last_error = match s.last_error {
            Some((e, at)) => {
                let err = self.inner.js_error(&e.into());
                set(&Object::from(err.clone()), "at", &JsValue::from(to_ms(at)));
                err
            }
            None => JsValue::NULL,
        };
        let state = State {
            fresh: s.fresh,
            cooling_down: s.cooling_down,
            serving_stale: s.serving_stale,
            keys: u32::try_from(s.keys).unwrap_or(u32::MAX),
            fetched_at: s.fetched_at.map(to_ms),
            expires_at: s.expires_at.map(to_ms),
            last_error,
        };
        // (plain fields: serializing them cannot fail)
        serde::Serialize::serialize(&state, &serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true))
            .unwrap_or(JsValue::NULL)
    }

    /// The cached set as `[jwksJson, fetchedAtMs, expiresAtMs]`, or undefined.
    #[wasm_bindgen(js_name = exportCache)]
    pub fn export_cache(&self) -> JsValue {
        match self.inner.cache.borrow().export() {
            Some(s) => Array::of3(&s.jwks_json.into(), &to_ms(s.fetched_at).into(), &to_ms(s.expires_at).into()).into(),
            None => JsValue::UNDEFINED,
        }
    }

    /// Adopts an exported set unless the cache holds a newer one.
    #[wasm_bindgen(js_name = importCache)]
    pub fn import_cache(&self, jwks_json: String, fetched_at_ms: f64, expires_at_ms: f64) -> JsResult<()> {
        let snapshot = Snapshot { jwks_json, fetched_at: fetched_at_ms / 1000.0, expires_at: expires_at_ms / 1000.0 };
        let t = now();
        let imported = self.inner.cache.borrow_mut().import(t, snapshot);
        imported.map_err(js_err)
    }
}

/// A remote key set and verification options bound once, for the repeat
/// tokens of `jwtVerify` on a remote set: answered at once, without a
/// promise from the wasm, while the set's keys are usable. Everything else
/// goes through [`RemoteKeySet::jwt_verify`].
#[wasm_bindgen]
pub struct RemoteVerifier {
    remote: Rc<Remote>,
    // (in a cell: `hit` takes `&self`, so JS code it calls may use this
    // verifier too)
    opts: RefCell<crate::claims::VerifyOptions>,
    fixed_now: bool,
}

#[wasm_bindgen]
impl RemoteVerifier {
    /// Binds `set` and `options` (the JSON of `optionsText` in calls.js).
    #[wasm_bindgen(constructor)]
    pub fn new(set: &RemoteKeySet, options: Option<String>) -> JsResult<RemoteVerifier> {
        let (opts, fixed_now) = options::verify_options(options).map_err(|e| js_err(e.into()))?;
        opts.validate().map_err(|e| js_err(e.into()))?;
        Ok(RemoteVerifier { remote: set.inner.clone(), opts: opts.into(), fixed_now })
    }

    /// The token the JS side wrote into the input buffer (`len` bytes; see
    /// `inputBuffer`), if the set's cache holds it and its keys are usable
    /// at `now_ms` without a fetch: its cache entry id once its claims pass
    /// again (their error otherwise). -1 when it must be verified in full.
    /// (`now_ms` is `Date.now()`, read by the JS side before it wrote the
    /// token, as for `Verifier.verify`.)
    pub fn hit(&self, now_ms: f64, len: usize) -> JsResult<f64> {
        let t = now_ms / 1000.0;
        if !t.is_finite() {
            return Ok(-1.0);
        }
        if !self.remote.cache.try_borrow().is_ok_and(|c| c.keys_usable(t)) {
            return Ok(-1.0);
        }
        self.remote.refresh_if_due(t);
        super::with_input(len, |token| {
            let mut opts = self.opts.try_borrow_mut().ok()?;
            if !self.fixed_now {
                opts.now = crate::num::floor(t);
            }
            let mut tokens = self.remote.tokens.try_borrow_mut().ok()?;
            Some(tokens.lookup_id(token, &opts).map_or(Ok(-1.0), |verdict| verdict.map(f64::from)))
        })
    }

    /// `[protectedHeaderJson, payloadJson]` of an entry id.
    pub fn json(&self, id: u32) -> JsResult<Array> {
        super::entry_json(&self.remote.tokens, id)
    }
}
