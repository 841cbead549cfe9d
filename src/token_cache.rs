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

use crate::prelude::*;

use crate::claims::VerifyOptions;
use crate::error::Error;
use crate::es256::PublicKey;
use crate::verify::{self, VerifiedJwt};

/// Most entries kept.
pub const MAX_ENTRIES: usize = 1024;
/// Most bytes kept (tokens plus decoded header and claims).
pub const MAX_BYTES: usize = 4 * 1024 * 1024;

// Index slots: a power of two, at least twice MAX_ENTRIES, so probe runs
// stay short (load at most one half).
const INDEX_SLOTS: usize = 2 * MAX_ENTRIES;

#[derive(Debug)]
struct Entry {
    token: String,
    hash: u64,
    id: u32,
    jwt: VerifiedJwt,
    key: PublicKey,
    exp: Option<f64>,
    bytes: usize,
    // neighbours in the recency list (NIL at the ends)
    newer: u16,
    older: u16,
}

const NIL: u16 = u16::MAX;

/// The cache of one key set.
///
/// Entries live in slots; an open-addressing index (linear probing,
/// backward-shift deletion) maps a token's hash to its slot, and a doubly
/// linked list through the slots orders them by last use, so a hit, an
/// insert and an eviction each cost O(1). Only verified tokens are ever
/// inserted, so the index holds at most [`MAX_ENTRIES`] tokens an issuer
/// signed; a lookup probes at most the index's length.
#[derive(Debug)]
pub struct TokenCache {
    slots: Vec<Option<Entry>>,
    free: Vec<u16>,
    // slot + 1 per index position; 0 is empty. Allocated on first insert.
    index: Vec<u16>,
    newest: u16,
    oldest: u16,
    len: usize,
    next_id: u32,
    bytes: usize,
    // when expired entries were last swept out (seconds)
    swept_at: f64,
    // (id, slot) of the newest entry: `by_id` right after an insert
    last_insert: (u32, usize),
    hits: u64,
    misses: u64,
}

impl Default for TokenCache {
    fn default() -> Self {
        TokenCache {
            slots: Vec::new(),
            free: Vec::new(),
            index: Vec::new(),
            newest: NIL,
            oldest: NIL,
            len: 0,
            next_id: 0,
            bytes: 0,
            swept_at: f64::NEG_INFINITY,
            last_insert: (u32::MAX, usize::MAX),
            hits: 0,
            misses: 0,
        }
    }
}

// A fast non-cryptographic hash of the token, 8 bytes at a time.
fn hash(token: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let bytes = token.as_bytes();
    let mut h = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap_or_default());
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    for b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(*b)).wrapping_mul(K);
    }
    // fold the high bits, which the multiply mixes best, into the low ones
    h ^ (h >> 29) ^ (h >> 47)
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

    fn home(h: u64) -> usize {
        h as usize & (INDEX_SLOTS - 1)
    }

    // The index position and slot of `token`, if cached.
    fn find(&self, token: &str) -> Option<(usize, usize)> {
        self.find_hashed(token, hash(token))
    }

    // `find` for a token whose hash is `h`.
    fn find_hashed(&self, token: &str, h: u64) -> Option<(usize, usize)> {
        if self.index.is_empty() {
            return None;
        }
        let mut pos = Self::home(h);
        for _ in 0..INDEX_SLOTS {
            let slot = usize::from(*self.index.get(pos)?).checked_sub(1)?;
            if let Some(Some(e)) = self.slots.get(slot) {
                if e.hash == h && crate::text::same(&e.token, token) {
                    return Some((pos, slot));
                }
            }
            pos = (pos + 1) & (INDEX_SLOTS - 1);
        }
        None
    }

    fn entry(&self, token: &str) -> Option<&Entry> {
        let (_, slot) = self.find(token)?;
        self.slots.get(slot)?.as_ref()
    }

    /// The entry id of a cached token: stable while the entry lives, never
    /// reused by another token while the cache lives (ids wrap after 2^32).
    pub fn id_of(&self, token: &str) -> Option<u32> {
        self.entry(token).map(|e| e.id)
    }

    /// The verified token of an entry id: immediate for the newest entry
    /// (asked right after it was added), a scan otherwise.
    pub fn by_id(&self, id: u32) -> Option<&VerifiedJwt> {
        if let Some(e) = self.slots.get(self.last_insert.1).and_then(Option::as_ref).filter(|e| e.id == id) {
            return Some(&e.jwt);
        }
        for e in self.slots.iter().flatten() {
            if e.id == id {
                return Some(&e.jwt);
            }
        }
        None
    }

    /// Like [`TokenCache::lookup`] but answers the entry id, in one index
    /// lookup on a hit: the repeat-token fast path.
    pub fn lookup_id(&mut self, token: &str, opts: &VerifyOptions) -> Option<Result<u32, Error>> {
        self.hit(token, opts).map(|(_, verdict)| verdict)
    }

    // A hit's slot and verdict: the entry becomes the most recently used,
    // its claims are validated with `opts`, and an expired one is dropped.
    fn hit(&mut self, token: &str, opts: &VerifyOptions) -> Option<(usize, Result<u32, Error>)> {
        let (pos, slot) = self.find(token)?;
        self.touch(slot);
        let e = self.slots.get(slot)?.as_ref()?;
        let verdict = verify::revalidate_jwt(&e.jwt, opts).map(|()| e.id);
        self.hits = self.hits.wrapping_add(1);
        if let Err(err) = &verdict {
            if err.code() == "ERR_JWT_EXPIRED" {
                self.remove_at(pos, slot);
            }
        }
        Some((slot, verdict))
    }

    /// True when `token` has an entry.
    pub fn contains(&self, token: &str) -> bool {
        self.find(token).is_some()
    }

    /// Looks `token` up. `Some(result)` on a hit: the claims re-validated
    /// with `opts`; a token that has expired is dropped and its error
    /// returned. `None` on a miss.
    pub fn lookup(&mut self, token: &str, opts: &VerifyOptions) -> Option<Result<&VerifiedJwt, Error>> {
        match self.hit(token, opts)? {
            (slot, Ok(_)) => self.slots.get(slot)?.as_ref().map(|e| Ok(&e.jwt)),
            (_, Err(e)) => Some(Err(e)),
        }
    }

    /// Remembers a token whose signature verified with `key`; returns the
    /// stored result (`None` cannot happen: eviction always leaves room).
    pub fn insert(&mut self, token: &str, jwt: VerifiedJwt, key: &PublicKey, now: f64) -> Option<&VerifiedJwt> {
        let bytes = token.len() + jwt.header.json.len() + jwt.claims_json.len();
        self.misses = self.misses.wrapping_add(1);
        let exp = jwt.claims.get("exp").and_then(crate::json::Value::as_f64);
        let h = hash(token);
        if let Some((pos, slot)) = self.find_hashed(token, h) {
            self.remove_at(pos, slot);
        }
        self.evict(now, bytes);
        if self.index.is_empty() {
            self.index = vec![0; INDEX_SLOTS];
        }
        let mut pos = Self::home(h);
        let mut probes = 0;
        while self.index.get(pos).is_some_and(|s| *s != 0) {
            pos = (pos + 1) & (INDEX_SLOTS - 1);
            probes += 1;
            if probes == INDEX_SLOTS {
                return None;
            }
        }
        let slot = match self.free.pop() {
            Some(free) => usize::from(free),
            None => {
                self.slots.push(None);
                self.slots.len() - 1
            }
        };
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        *self.index.get_mut(pos)? = u16::try_from(slot + 1).ok()?;
        self.bytes += bytes;
        self.len += 1;
        let entry = Entry { token: token.to_owned(), hash: h, id, jwt, key: key.clone(), exp, bytes, newer: NIL, older: NIL };
        *self.slots.get_mut(slot)? = Some(entry);
        self.link_newest(slot);
        self.last_insert = (id, slot);
        Some(&self.slots.get(slot)?.as_ref()?.jwt)
    }

    /// Drops entries whose key is not among `keys` (after a key set changed).
    pub fn retain_keys(&mut self, keys: &[&PublicKey]) {
        self.retain(|e| keys.contains(&&e.key));
    }

    /// Counters.
    pub fn stats(&self) -> CacheStats {
        CacheStats { entries: self.len, bytes: self.bytes, hits: self.hits, misses: self.misses }
    }

    fn remove(&mut self, token: &str) {
        if let Some((pos, slot)) = self.find(token) {
            self.remove_at(pos, slot);
        }
    }

    // Empties `slot` (indexed at `pos`) and closes the gap in the probe
    // run: later entries that could sit earlier move back (backward shift).
    fn remove_at(&mut self, pos: usize, slot: usize) {
        self.unlink(slot);
        if let Some(e) = self.slots.get_mut(slot).and_then(Option::take) {
            self.bytes -= e.bytes;
            self.len -= 1;
            if let Ok(free) = u16::try_from(slot) {
                self.free.push(free);
            }
        }
        let mask = INDEX_SLOTS - 1;
        let mut hole = pos;
        let mut next = (pos + 1) & mask;
        for _ in 1..INDEX_SLOTS {
            let s = self.index.get(next).copied().unwrap_or(0);
            if s == 0 {
                break;
            }
            let h = self.slots.get(usize::from(s) - 1).and_then(Option::as_ref).map_or(0, |e| e.hash);
            let home = Self::home(h);
            // the entry at `next` may move to `hole` unless its home lies
            // (cyclically) after the hole and at or before `next`
            let stays = if hole <= next { hole < home && home <= next } else { hole < home || home <= next };
            if !stays {
                crate::json::swap(&mut self.index, hole, next);
                hole = next;
            }
            next = (next + 1) & mask;
        }
        if let Some(at) = self.index.get_mut(hole) {
            *at = 0;
        }
    }

    fn retain(&mut self, keep: impl Fn(&Entry) -> bool) {
        let mut doomed = Vec::new();
        for e in self.slots.iter().flatten() {
            if !keep(e) {
                doomed.push(e.token.clone());
            }
        }
        for token in doomed {
            self.remove(&token);
        }
    }

    // Makes room for `incoming` bytes: expired entries first (a day past
    // exp covers any sane clock tolerance; swept at most once a minute),
    // then the least recently used.
    fn evict(&mut self, now: f64, incoming: usize) {
        let full = |c: &TokenCache| c.len + 1 > MAX_ENTRIES || c.bytes + incoming > MAX_BYTES;
        if !full(self) {
            return;
        }
        if now - self.swept_at >= 60.0 {
            self.swept_at = now;
            self.retain(|e| e.exp.is_none_or(|exp| now < exp + 86_400.0));
        }
        while full(self) {
            let before = self.len;
            let oldest = usize::from(self.oldest);
            if let Some(pos) = self.position_of(oldest) {
                self.remove_at(pos, oldest);
            }
            if self.len == before {
                break;
            }
        }
    }

    // The index position that points at `slot`.
    fn position_of(&self, slot: usize) -> Option<usize> {
        let h = self.slots.get(slot)?.as_ref()?.hash;
        let want = u16::try_from(slot + 1).ok()?;
        let mut pos = Self::home(h);
        for _ in 0..INDEX_SLOTS {
            match self.index.get(pos).copied()? {
                0 => return None,
                s if s == want => return Some(pos),
                _ => pos = (pos + 1) & (INDEX_SLOTS - 1),
            }
        }
        None
    }

    fn entry_at(&mut self, slot: u16) -> Option<&mut Entry> {
        self.slots.get_mut(usize::from(slot))?.as_mut()
    }

    // Makes `slot` the most recently used.
    fn link_newest(&mut self, slot: usize) {
        let Ok(s) = u16::try_from(slot) else { return };
        let old_newest = self.newest;
        if let Some(e) = self.entry_at(s) {
            e.newer = NIL;
            e.older = old_newest;
        }
        if let Some(e) = self.entry_at(old_newest) {
            e.newer = s;
        }
        self.newest = s;
        if self.oldest == NIL {
            self.oldest = s;
        }
    }

    // Takes `slot` out of the recency list.
    fn unlink(&mut self, slot: usize) {
        let Some((newer, older)) = self.slots.get(slot).and_then(Option::as_ref).map(|e| (e.newer, e.older)) else {
            return;
        };
        match self.entry_at(newer) {
            Some(e) => e.older = older,
            None => self.newest = older,
        }
        match self.entry_at(older) {
            Some(e) => e.newer = newer,
            None => self.oldest = newer,
        }
    }

    fn touch(&mut self, slot: usize) {
        if usize::from(self.newest) != slot {
            self.unlink(slot);
            self.link_newest(slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::Header;
    use std::collections::HashMap;

    fn jwt(exp: i64) -> VerifiedJwt {
        let claims_json = format!(r#"{{"exp":{exp}}}"#);
        let claims = crate::json::parse_object(&claims_json).unwrap();
        let header = Header::decode(&crate::b64::encode(br#"{"alg":"ES256"}"#)).unwrap();
        VerifiedJwt { header, claims_json, registered: crate::claims::Registered::of(&claims), claims }
    }

    fn key() -> PublicKey {
        let x = crate::b64::decode("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU").unwrap();
        let y = crate::b64::decode("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0").unwrap();
        PublicKey::from_coordinates(&x, &y).unwrap()
    }

    // Every entry is found through the index at its own slot, and the
    // counts agree.
    fn check_invariants(c: &TokenCache) {
        let mut live = 0;
        for (slot, e) in c.slots.iter().enumerate() {
            if let Some(e) = e {
                live += 1;
                assert_eq!(c.find(&e.token).map(|(_, s)| s), Some(slot), "{}", e.token);
            }
        }
        assert_eq!(live, c.len);
        assert_eq!(c.index.iter().filter(|s| **s != 0).count(), c.len);
        assert!(c.len <= MAX_ENTRIES);
        assert_eq!(c.bytes, c.slots.iter().flatten().map(|e| e.bytes).sum::<usize>());
        assert_eq!(c.free.len(), c.slots.iter().filter(|s| s.is_none()).count());
        // the recency list runs through every entry, linked both ways
        let (mut at, mut newer, mut walked) = (c.newest, NIL, 0);
        while at != NIL {
            let e = c.slots[usize::from(at)].as_ref().unwrap();
            assert_eq!(e.newer, newer);
            (newer, at) = (at, e.older);
            walked += 1;
            assert!(walked <= c.len);
        }
        assert_eq!((walked, c.oldest), (c.len, newer));
    }

    #[test]
    fn index_agrees_with_a_model_through_inserts_and_removals() {
        let (k, mut c, mut model) = (key(), TokenCache::new(), HashMap::new());
        let mut rng = 0x1234_5678_9abc_def1u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        // 1000 distinct tokens (< MAX_ENTRIES): nothing is evicted, so the
        // model is exact
        for step in 0..30_000 {
            let n = next() % 1000;
            let token = format!("t{n}.{}", "x".repeat((n % 40) as usize));
            match next() % 3 {
                0 => {
                    assert!(c.insert(&token, jwt(2_000_000_000), &k, 1_700_000_000.0).is_some());
                    let id = c.id_of(&token).unwrap();
                    assert_eq!(c.by_id(id).map(|j| &j.claims_json), Some(&jwt(2_000_000_000).claims_json));
                    model.insert(token.clone(), id);
                }
                1 => {
                    c.remove(&token);
                    model.remove(&token);
                }
                _ => assert_eq!(c.id_of(&token), model.get(&token).copied(), "{token}"),
            }
            if step % 1000 == 0 {
                check_invariants(&c);
                for (t, id) in &model {
                    assert_eq!(c.id_of(t), Some(*id));
                    assert!(c.by_id(*id).is_some());
                }
            }
        }
        check_invariants(&c);
        assert_eq!(c.len, model.len());
    }

    #[test]
    fn the_least_recently_used_goes_first() {
        let (k, mut c) = (key(), TokenCache::new());
        let opts = VerifyOptions::at(1_700_000_000);
        for i in 0..MAX_ENTRIES {
            c.insert(&format!("t{i}"), jwt(2_000_000_000), &k, 1_700_000_000.0).unwrap();
        }
        // t0 and t5 are used again; t1 is now the oldest, then t2, t3, t4, t6
        assert!(c.lookup_id("t0", &opts).unwrap().is_ok());
        assert!(c.lookup_id("t5", &opts).unwrap().is_ok());
        for (i, gone) in [(0, "t1"), (1, "t2"), (2, "t3"), (3, "t4"), (4, "t6")] {
            c.insert(&format!("new{i}"), jwt(2_000_000_000), &k, 1_700_000_000.0).unwrap();
            assert!(!c.contains(gone), "{gone} evicted");
            assert_eq!(c.len, MAX_ENTRIES);
        }
        assert!(c.contains("t0") && c.contains("t5") && c.contains("t7"));
        check_invariants(&c);
        // expired entries go before live ones, however recently used
        let mut c = TokenCache::new();
        c.insert("old", jwt(1_000), &k, 1_700_000_000.0).unwrap();
        for i in 1..MAX_ENTRIES {
            c.insert(&format!("t{i}"), jwt(2_000_000_000), &k, 1_700_000_000.0).unwrap();
        }
        c.insert("next", jwt(2_000_000_000), &k, 1_700_000_000.0).unwrap();
        assert!(!c.contains("old") && c.contains("t1"));
        check_invariants(&c);
    }

    #[test]
    fn eviction_keeps_the_index_consistent() {
        let (k, mut c) = (key(), TokenCache::new());
        for i in 0..5000 {
            let token = format!("token-{i}");
            c.insert(&token, jwt(2_000_000_000), &k, 1_700_000_000.0).unwrap();
            if i % 7 == 0 {
                // touched entries survive eviction longer
                c.lookup_id("token-0", &VerifyOptions::at(1_700_000_000));
            }
            if i % 500 == 0 {
                check_invariants(&c);
            }
        }
        check_invariants(&c);
        assert_eq!(c.len, MAX_ENTRIES);
        assert!(c.contains("token-0"), "the recently used entry stays");
        assert!(c.contains("token-4999") && !c.contains("token-1"));
        // retain_keys with another key drops everything
        c.retain_keys(&[]);
        check_invariants(&c);
        assert_eq!(c.stats().entries, 0);
    }
}
