//! Tokens already verified, so a repeat token (every API call of a session
//! sends the same one) skips the signature check.
//!
//! - Keyed by the exact, full token string: never by signature or `kid`
//!   alone, so nothing but the same bytes can hit.
//! - Only the signature verdict is reused. The claims are validated again on
//!   every hit with the caller's current options and time, so `exp`, `nbf`,
//!   `maxTokenAge` and any option change are always honoured.
//! - Bounded in entries and bytes, least recently used evicted first; an
//!   entry is dropped once its token has expired (plus the largest
//!   tolerance seen), and when its key leaves the key set.

use crate::claims::VerifyOptions;
use crate::error::Error;
use crate::es256::PublicKey;
use crate::verify::{self, VerifiedJwt};
use std::collections::HashMap;

/// Most entries kept.
pub const MAX_ENTRIES: usize = 1024;
/// Most bytes kept (tokens plus decoded header and claims).
pub const MAX_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug)]
struct Entry {
    id: u32,
    jwt: VerifiedJwt,
    key: PublicKey,
    exp: Option<f64>,
    bytes: usize,
    last_used: u64,
}

/// The cache of one key set.
#[derive(Debug, Default)]
pub struct TokenCache {
    entries: HashMap<String, Entry>,
    by_id: HashMap<u32, String>,
    next_id: u32,
    bytes: usize,
    clock: u64,
    hits: u64,
    misses: u64,
}

/// Counters, for inspection and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    /// Entries held.
    pub entries: usize,
    /// Bytes held.
    pub bytes: usize,
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Tokens verified in full and added (first sightings).
    pub misses: u64,
}

impl TokenCache {
    /// An empty cache.
    pub fn new() -> TokenCache {
        TokenCache::default()
    }

    /// The entry id of a cached token: stable while the entry lives, never
    /// reused by another token while the cache lives (ids wrap after 2^32).
    pub fn id_of(&self, token: &str) -> Option<u32> {
        self.entries.get(token).map(|e| e.id)
    }

    /// The verified token of an entry id.
    pub fn by_id(&self, id: u32) -> Option<&VerifiedJwt> {
        self.by_id.get(&id).and_then(|t| self.entries.get(t)).map(|e| &e.jwt)
    }

    /// Like [`TokenCache::lookup`] but answers the entry id, in one hash
    /// lookup on a hit: the repeat-token fast path.
    pub fn lookup_id(&mut self, token: &str, opts: &VerifyOptions) -> Option<Result<u32, Error>> {
        self.clock = self.clock.wrapping_add(1);
        let clock = self.clock;
        let e = self.entries.get_mut(token)?;
        self.hits = self.hits.wrapping_add(1);
        e.last_used = clock;
        match verify::validate_jwt(&e.jwt, opts) {
            Ok(()) => Some(Ok(e.id)),
            Err(err) => {
                if err.code() == "ERR_JWT_EXPIRED" {
                    self.remove(token);
                }
                Some(Err(err))
            }
        }
    }

    /// True when `token` has an entry.
    pub fn contains(&self, token: &str) -> bool {
        self.entries.contains_key(token)
    }

    /// Looks `token` up. `Some(result)` on a hit: the claims re-validated
    /// with `opts`; a token that has expired is dropped and its error
    /// returned. `None` on a miss.
    pub fn lookup(&mut self, token: &str, opts: &VerifyOptions) -> Option<Result<&VerifiedJwt, Error>> {
        self.clock = self.clock.wrapping_add(1);
        let clock = self.clock;
        let verdict = match self.entries.get_mut(token) {
            None => return None,
            Some(e) => {
                e.last_used = clock;
                verify::validate_jwt(&e.jwt, opts)
            }
        };
        self.hits = self.hits.wrapping_add(1);
        match verdict {
            Ok(()) => self.entries.get(token).map(|e| Ok(&e.jwt)),
            Err(e) => {
                if e.code() == "ERR_JWT_EXPIRED" {
                    self.remove(token);
                }
                Some(Err(e))
            }
        }
    }

    /// Remembers a token whose signature verified with `key`; returns the
    /// stored result.
    pub fn insert(&mut self, token: &str, jwt: VerifiedJwt, key: &PublicKey, now: f64) -> &VerifiedJwt {
        let bytes = token.len() + jwt.header.json.len() + jwt.claims_json.len();
        self.clock = self.clock.wrapping_add(1);
        self.misses = self.misses.wrapping_add(1);
        let exp = jwt.claims.get("exp").and_then(crate::json::Value::as_f64);
        self.remove(token);
        self.evict(now, bytes);
        self.bytes += bytes;
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        self.by_id.insert(id, token.to_owned());
        let entry = Entry { id, jwt, key: key.clone(), exp, bytes, last_used: self.clock };
        &self.entries.entry(token.to_owned()).or_insert(entry).jwt
    }

    /// Drops entries whose key is not among `keys` (after a key set changed).
    pub fn retain_keys(&mut self, keys: &[&PublicKey]) {
        let before = self.entries.len();
        self.entries.retain(|_, e| keys.contains(&&e.key));
        if self.entries.len() != before {
            self.reindex();
        }
    }

    /// Counters.
    pub fn stats(&self) -> CacheStats {
        CacheStats { entries: self.entries.len(), bytes: self.bytes, hits: self.hits, misses: self.misses }
    }

    fn remove(&mut self, token: &str) {
        if let Some(e) = self.entries.remove(token) {
            self.bytes -= e.bytes;
            self.by_id.remove(&e.id);
        }
    }

    // After a bulk `retain`: recount bytes and rebuild the id index.
    fn reindex(&mut self) {
        self.bytes = self.entries.values().map(|e| e.bytes).sum();
        self.by_id = self.entries.iter().map(|(t, e)| (e.id, t.clone())).collect();
    }

    // Makes room for `incoming` bytes: expired entries first (a day past
    // exp covers any sane clock tolerance), then the least recently used.
    fn evict(&mut self, now: f64, incoming: usize) {
        let full = |c: &TokenCache| c.entries.len() + 1 > MAX_ENTRIES || c.bytes + incoming > MAX_BYTES;
        if !full(self) {
            return;
        }
        self.entries.retain(|_, e| e.exp.is_none_or(|exp| now < exp + 86_400.0));
        self.reindex();
        while full(self) {
            let oldest = self.entries.iter().min_by_key(|(_, e)| e.last_used).map(|(k, _)| k.clone());
            match oldest {
                Some(k) => self.remove(&k),
                None => break,
            }
        }
    }
}
