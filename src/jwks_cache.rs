//! The remote JWK Set cache as a state machine, driven by `now` and fetch
//! results. It decides; the JS boundary fetches.
//!
//! - Fresh keys (younger than `Cache-Control: max-age`, clamped, or the
//!   fallback `cache_max_age`) are used as they are.
//! - A token whose `kid` is unknown triggers a refetch, unless the last
//!   successful fetch was less than `cooldown` ago. Then bad tokens cannot
//!   make the library hammer the issuer.
//! - Expired keys are refetched before use. If the refetch fails, the last
//!   good keys keep serving for `stale_if_error` past their expiry. Meanwhile
//!   a refresh runs in the background, at most once per backoff, started by
//!   any verification (repeat tokens included), and nobody waits for it; a
//!   token with an unknown `kid` refetches in the foreground (as after
//!   expiry, the cooldown does not hold back an expired set).
//! - After a failed fetch, the next attempt waits for a backoff: 1 s, 2 s,
//!   4 s… up to [`NO_KEYS_MAX_BACKOFF`] while no keys are usable (the
//!   callers fail until a fetch succeeds, so they try again soon), and up
//!   to `cooldown` while stale keys serve. A `Retry-After` the issuer sent
//!   lengthens the wait, up to [`MAX_RETRY_AFTER`]. Until then callers get
//!   the error at once instead of each waiting for a timeout, and one fetch
//!   at a time is made however many tokens arrive.

use crate::prelude::*;

use crate::error::{Error, FetchError, KeySetError};
use crate::http::Response;
use crate::jwk::{Jwk, JwkSet};

/// The longest wait between two fetches while no keys are usable, unless
/// the issuer's `Retry-After` asks for more (seconds).
pub const NO_KEYS_MAX_BACKOFF: f64 = 5.0;

/// The longest `Retry-After` honoured (seconds).
pub const MAX_RETRY_AFTER: f64 = 300.0;

/// The cache's knobs, in seconds.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CachePolicy {
    /// How long keys stay fresh when the response has no usable
    /// `Cache-Control: max-age` (jose's `cacheMaxAge`; default 600).
    /// Infinite: keys never go stale, whatever the response says (as
    /// jose's `cacheMaxAge: Infinity`).
    pub cache_max_age: f64,
    /// The smallest `max-age` honoured (default 1).
    pub min_max_age: f64,
    /// The largest `max-age` honoured (default 86 400).
    pub max_max_age: f64,
    /// After a successful fetch, no refetch for an unknown `kid` for this
    /// long (jose's `cooldownDuration`; default 30).
    pub cooldown: f64,
    /// How long past their expiry the last good keys keep serving while
    /// refetches fail (default 3600).
    pub stale_if_error: f64,
}

impl Default for CachePolicy {
    fn default() -> Self {
        CachePolicy {
            cache_max_age: 600.0,
            min_max_age: 1.0,
            max_max_age: 86_400.0,
            cooldown: 30.0,
            stale_if_error: 3600.0,
        }
    }
}

impl CachePolicy {
    /// Checks every knob is finite and non-negative, and the clamp is ordered.
    pub fn validate(&self) -> Result<(), crate::error::OptionsError> {
        let named = [
            ("cacheMaxAge", self.cache_max_age),
            ("minCacheMaxAge", self.min_max_age),
            ("maxCacheMaxAge", self.max_max_age),
            ("cooldownDuration", self.cooldown),
            ("staleIfError", self.stale_if_error),
        ];
        for (option, v) in named {
            let infinite_ok = option == "cacheMaxAge" && v == f64::INFINITY;
            if !((v.is_finite() || infinite_ok) && v >= 0.0) {
                return Err(crate::error::OptionsError {
                    option,
                    detail: "must be a finite, non-negative number of seconds",
                });
            }
        }
        if self.min_max_age > self.max_max_age {
            return Err(crate::error::OptionsError {
                option: "minCacheMaxAge",
                detail: "must not exceed maxCacheMaxAge",
            });
        }
        Ok(())
    }
}

/// A cached key set, as exported for another isolate (for example into KV).
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// The JWK Set document exactly as fetched.
    pub jwks_json: String,
    /// When it was fetched, in seconds since the epoch.
    pub fetched_at: f64,
    /// Until when it is fresh, in seconds since the epoch.
    pub expires_at: f64,
}

#[derive(Debug, Clone)]
struct Cached {
    set: JwkSet,
    snapshot: Snapshot,
}

#[derive(Debug, Clone)]
struct Failure {
    error: FetchError,
    at: f64,
    consecutive: u32,
    /// The issuer's `Retry-After`, in seconds.
    retry_after: Option<f64>,
}

/// What to do for a token, as decided by [`JwksCache::plan`].
#[derive(Debug)]
pub enum Plan<'a> {
    /// Verify with this key.
    Use(&'a Jwk),
    /// Verify with this (stale) key now, and start a background refetch
    /// that nobody waits for.
    UseAndRefresh(&'a Jwk),
    /// Fetch (or join the fetch in flight), then call `plan` again with
    /// `may_fetch = false`.
    Fetch,
}

/// The cache's state, for inspection and monitoring.
#[derive(Debug, Clone, PartialEq)]
pub struct CacheState {
    /// Keys are present and younger than their max-age (jose's `fresh`).
    pub fresh: bool,
    /// A refetch for an unknown `kid` is held back (jose's `coolingDown`).
    pub cooling_down: bool,
    /// Keys are past their max-age but still served because refetching
    /// fails (stale-if-error).
    pub serving_stale: bool,
    /// Usable keys held.
    pub keys: usize,
    /// When the keys were fetched.
    pub fetched_at: Option<f64>,
    /// Until when they are fresh.
    pub expires_at: Option<f64>,
    /// The most recent fetch failure since the last success, and when.
    pub last_error: Option<(FetchError, f64)>,
}

/// The cache for one JWK Set URL.
#[derive(Debug, Clone)]
pub struct JwksCache {
    policy: CachePolicy,
    current: Option<Cached>,
    failure: Option<Failure>,
    refresh_started: Option<f64>,
}

impl JwksCache {
    /// An empty cache.
    pub fn new(policy: CachePolicy) -> JwksCache {
        JwksCache { policy, current: None, failure: None, refresh_started: None }
    }

    /// The policy in force.
    pub fn policy(&self) -> &CachePolicy {
        &self.policy
    }

    fn fresh(&self, now: f64) -> bool {
        self.current.as_ref().is_some_and(|c| now < c.snapshot.expires_at)
    }

    fn cooling_down(&self, now: f64) -> bool {
        self.current
            .as_ref()
            .is_some_and(|c| now < c.snapshot.fetched_at + self.policy.cooldown)
    }

    /// The wait after the latest failure: 1 s, 2 s, 4 s… up to
    /// [`NO_KEYS_MAX_BACKOFF`] with no usable keys, or up to the cooldown
    /// while stale keys serve; at least the `Retry-After` (capped).
    fn backoff(&self, now: f64) -> f64 {
        let n = self.failure.as_ref().map_or(1, |f| f.consecutive);
        let exp = n.saturating_sub(1).min(30);
        let cap = if self.usable(now) { self.policy.cooldown.max(1.0) } else { NO_KEYS_MAX_BACKOFF };
        let wait = f64::from(1u32 << exp).min(cap);
        let asked = self.failure.as_ref().and_then(|f| f.retry_after).map_or(0.0, |r| r.min(MAX_RETRY_AFTER));
        wait.max(asked)
    }

    /// Keys that may be used at `now` without a fetch: fresh, or stale but
    /// serving through an outage within the grace period.
    fn usable(&self, now: f64) -> bool {
        self.current.as_ref().is_some_and(|c| {
            now < c.snapshot.expires_at
                || (self.failure.as_ref().is_some_and(|f| f.at >= c.snapshot.fetched_at) && self.within_grace(c, now))
        })
    }

    fn backing_off(&self, now: f64) -> bool {
        self.failure.as_ref().is_some_and(|f| now < f.at + self.backoff(now))
    }

    /// Records that a background refresh ([`Plan::UseAndRefresh`]) started,
    /// so another is not started within the backoff even if this one never
    /// reports back (a runtime may cancel it).
    pub fn refresh_started(&mut self, now: f64) {
        self.refresh_started = Some(now);
    }

    fn within_grace(&self, c: &Cached, now: f64) -> bool {
        now < c.snapshot.expires_at + self.policy.stale_if_error
    }

    fn last_error(&self) -> Error {
        match &self.failure {
            Some(f) => Error::Fetch(f.error.clone()),
            None => Error::KeySet(KeySetError::Invalid { detail: "no JWK Set fetched yet".to_owned() }),
        }
    }

    /// Decides what to do for a token with this `kid`. With `may_fetch`
    /// false (after a fetch completed), it never answers [`Plan::Fetch`].
    pub fn plan(&self, now: f64, kid: Option<&str>, may_fetch: bool) -> Result<Plan<'_>, Error> {
        let Some(c) = &self.current else {
            return if may_fetch && !self.backing_off(now) { Ok(Plan::Fetch) } else { Err(self.last_error()) };
        };
        if now < c.snapshot.expires_at {
            return match c.set.select(kid) {
                Ok(k) => Ok(Plan::Use(k)),
                Err(KeySetError::NoMatchingKey { .. } | KeySetError::KeyInvalid { .. })
                    if may_fetch && !self.cooling_down(now) && !self.backing_off(now) =>
                {
                    Ok(Plan::Fetch)
                }
                Err(e) => Err(e.into()),
            };
        }
        // Stale. Serving it needs a failed refetch (an outage) and grace left.
        let outage = self.failure.as_ref().is_some_and(|f| f.at >= c.snapshot.fetched_at);
        if outage && self.within_grace(c, now) {
            let key = match c.set.select(kid) {
                Ok(key) => key,
                // a key the stale set lacks may be in the issuer's new one
                Err(KeySetError::NoMatchingKey { .. } | KeySetError::KeyInvalid { .. })
                    if may_fetch && !self.backing_off(now) =>
                {
                    return Ok(Plan::Fetch);
                }
                Err(e) => return Err(e.into()),
            };
            return Ok(if may_fetch && self.refresh_due(now) { Plan::UseAndRefresh(key) } else { Plan::Use(key) });
        }
        if may_fetch && !self.backing_off(now) {
            return Ok(Plan::Fetch);
        }
        Err(self.last_error())
    }

    /// Records a fetch that produced a response (within the body cap).
    /// Returns the error the fetch amounts to, if any.
    pub fn on_response(&mut self, now: f64, response: &Response<'_>) -> Result<(), FetchError> {
        let result = response.json_text().and_then(|text| {
            let set = JwkSet::from_json(text).map_err(|e| FetchError::Invalid { detail: e.to_string() })?;
            let max_age = match response.max_age() {
                _ if self.policy.cache_max_age == f64::INFINITY => f64::INFINITY,
                // (not `clamp`: its panic for unordered bounds, which
                // `validate` rules out, would bring the float formatting
                // of its message into the wasm)
                Some(secs) => (secs as f64).max(self.policy.min_max_age).min(self.policy.max_max_age),
                None => self.policy.cache_max_age,
            };
            Ok(Cached {
                set,
                snapshot: Snapshot { jwks_json: text.to_owned(), fetched_at: now, expires_at: now + max_age },
            })
        });
        match result {
            Ok(cached) => {
                self.current = Some(cached);
                self.failure = None;
                Ok(())
            }
            Err(e) => {
                let retry_after = crate::refresh::retry_after_seconds(response.retry_after);
                self.on_failure_after(now, e.clone(), retry_after);
                Err(e)
            }
        }
    }

    /// Records a fetch that failed before a usable response (timeout,
    /// network, body too large, cross-origin redirect).
    pub fn on_failure(&mut self, now: f64, error: FetchError) {
        self.on_failure_after(now, error, None);
    }

    /// [`on_failure`](Self::on_failure), with the seconds the issuer asked
    /// to wait (its `Retry-After`).
    pub fn on_failure_after(&mut self, now: f64, error: FetchError, retry_after: Option<f64>) {
        let consecutive = self.failure.as_ref().map_or(1, |f| f.consecutive.saturating_add(1));
        let retry_after = retry_after.filter(|r| r.is_finite() && *r >= 0.0);
        self.failure = Some(Failure { error, at: now, consecutive, retry_after });
    }

    /// True when stale keys are serving through an outage and a background
    /// refresh is due: none is under way (started within the backoff) and
    /// the backoff after the last failure has passed. A caller that answers
    /// from its own cache of verified tokens (a repeat token) asks this, so
    /// repeat tokens alone keep the set recovering; it then calls
    /// [`refresh_started`](Self::refresh_started) and fetches.
    pub fn refresh_due(&self, now: f64) -> bool {
        // (asked on every repeat token: fresh keys answer at the first test)
        self.serving_stale(now)
            && !self.backing_off(now)
            && !self.refresh_started.is_some_and(|t| now < t + self.backoff(now))
    }

    // Keys past their max-age, still served through an outage.
    fn serving_stale(&self, now: f64) -> bool {
        !self.fresh(now) && self.usable(now)
    }

    /// Forgets freshness so the next `plan` fetches (jose's `reload()`
    /// without the wait). Keys stay available as stale keys.
    pub fn invalidate(&mut self, now: f64) {
        if let Some(c) = &mut self.current {
            c.snapshot.expires_at = c.snapshot.expires_at.min(now);
        }
        self.failure = None;
    }

    /// The cached key set for another isolate, if any.
    pub fn export(&self) -> Option<Snapshot> {
        self.current.as_ref().map(|c| c.snapshot.clone())
    }

    /// Adopts a key set exported elsewhere, unless the cache already holds a
    /// newer one. The snapshot must parse to a usable key set, must not be
    /// fetched in the future, and must expire after it was fetched.
    pub fn import(&mut self, now: f64, snapshot: Snapshot) -> Result<(), Error> {
        let sane = snapshot.fetched_at.is_finite()
            && snapshot.expires_at.is_finite()
            && snapshot.fetched_at <= now + 60.0
            && snapshot.expires_at >= snapshot.fetched_at;
        if !sane {
            return Err(KeySetError::Invalid { detail: "cache snapshot has impossible times".to_owned() }.into());
        }
        let set = JwkSet::from_json(&snapshot.jwks_json)?;
        let newer = self.current.as_ref().is_none_or(|c| snapshot.fetched_at > c.snapshot.fetched_at);
        if newer {
            self.current = Some(Cached { set, snapshot });
        }
        Ok(())
    }

    /// True when the held keys may be used now without fetching: fresh, or
    /// stale but serving through an outage within the grace period.
    pub fn keys_usable(&self, now: f64) -> bool {
        self.usable(now)
    }

    /// The usable keys held, if any.
    pub fn keys(&self) -> Vec<&crate::es256::PublicKey> {
        self.current.as_ref().map_or_else(Vec::new, |c| c.set.keys().iter().map(|k| &k.key).collect())
    }

    /// The state, for inspection.
    pub fn state(&self, now: f64) -> CacheState {
        let serving_stale = self.serving_stale(now);
        CacheState {
            fresh: self.fresh(now),
            cooling_down: self.cooling_down(now),
            serving_stale,
            keys: self.current.as_ref().map_or(0, |c| c.set.keys().len()),
            fetched_at: self.current.as_ref().map(|c| c.snapshot.fetched_at),
            expires_at: self.current.as_ref().map(|c| c.snapshot.expires_at),
            last_error: self.failure.as_ref().map(|f| (f.error.clone(), f.at)),
        }
    }
}
