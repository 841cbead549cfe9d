//! The ES256 primitive: ECDSA over P-256 with SHA-256, signatures as raw
//! 64-byte `r || s` (RFC 7518 §3.4). SHA-256 is RustCrypto's `sha2`, the
//! arithmetic mod n ([`scalar`]) RustCrypto `p256`'s, and the field
//! arithmetic ([`field`]) fiat-crypto's formally verified `p256_32`; `p256`
//! (0.13, its own field and ECDSA verifier) is the reference the tests
//! check them against.
//!
//! [`PublicKey::verify`] computes u1·G + u2·Q with fixed-base tables (see
//! [`table`]): G's and each key's, built once a key has verified enough
//! signatures for its table to pay off ([`TABLE_AFTER_USES`]); until then
//! (so a cold start or a short-lived worker builds nothing large), and for
//! keys without one of the [`table::MAX_KEY_TABLES`] places (which go to
//! the keys in use, see [`COLD_AFTER`]), by 4-bit windows.
//! The tests check both paths against `p256`'s own ECDSA verifier, the
//! reference, on every Wycheproof vector and on random signatures.
//!
//! It is a crate of its own: a boundary with its own reference tests, whose
//! release opt-level can be set apart from the rest of edgetoken's (the
//! package builds both at "z"; see the workspace's Cargo.toml). It needs
//! only `core` and `alloc`; the default `std` feature uses `std::sync`'s
//! lock and once-cell, and without it `spin`'s (see [`sync`]).

#![no_std]

extern crate alloc;
#[cfg(any(feature = "std", test))]
#[macro_use]
extern crate std;

pub mod field;
pub mod scalar;
pub mod sync;
pub mod table;

// What the standard prelude would bring, from `alloc` (the tests use the
// rest of it).
mod prelude {
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

use scalar::Scalar;
use crate::sync::{Lock, Once};
use alloc::sync::Arc;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use crate::prelude::*;
use sha2::Digest as _;
use table::{Affine, Builder, Table};

static GENERATOR: Once<Table> = Once::new();
static GENERATOR_BUILDER: Lock<Option<Builder>> = Lock::new(None);

/// Table windows built per verification while tables are being built (29
/// make a table): about a millisecond of work once the code is optimized,
/// so no verification pays for a whole table.
pub const WINDOWS_PER_VERIFICATION: usize = 5;

/// Verifications (of every key) after which a key that has not been used
/// gives up its place among the [`table::MAX_KEY_TABLES`] to a key that
/// needs one: the keys in use end up with the tables, a builder whose key
/// went quiet does not hold its place, and keys used in turn (all hot) do
/// not take each other's.
pub const COLD_AFTER: u64 = 256;

// The key tables, at most MAX_KEY_TABLES: whose, when last used (on
// CLOCK), and the table or its builder. They live here, not in the keys,
// so a place taken back frees its table at once.
struct Place {
    owner: u64,
    last_used: u64,
    table: Building,
}

enum Building {
    Partial(Builder),
    Done(Arc<Table>),
    // (only while a finished builder becomes its table)
    Moving,
}

static PLACES: Lock<Vec<Place>> = Lock::new(Vec::new());
// Verifications so far, of every key: the clock coldness is counted on.
static CLOCK: AtomicU64 = AtomicU64::new(0);
static NEXT_OWNER: AtomicU64 = AtomicU64::new(1);

// A key's identity among the places, shared by its clones; the last one
// dropped gives its place back.
#[derive(Debug)]
struct Owner(u64);

impl Drop for Owner {
    fn drop(&mut self) {
        let id = self.0;
        let _ = PLACES.with(|places| places.retain(|p| p.owner != id));
    }
}

/// A P-256 public key, checked to be a valid point on the curve.
#[derive(Debug, Clone)]
pub struct PublicKey {
    point: Affine,
    sec1: [u8; 65],
    // Its place among the key tables, if it has one, is found by this.
    owner: Arc<Owner>,
    uses: Arc<AtomicU32>,
}

/// Verifications with a key before its table is built. Building both
/// tables (G's once per process) is about 50 ms of work in a new Node
/// process, and each table verification then saves about 0.5 ms against
/// the windowed path, so the tables pay for themselves after some 100
/// verifications. Forty-eight windowed verifications first cost a key that
/// verifies many tokens about 20 ms more, once, and spare a page or an
/// isolate that verifies fewer tokens the whole build: a new Node process
/// verifies its first 50 tokens of a key in about 65 ms with 48 (about
/// 90 ms with 16), its first 100 in about 110 ms (about 100 ms).
pub const TABLE_AFTER_USES: u32 = 48;

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.point == other.point
    }
}
impl Eq for PublicKey {}

// Steps G's builder by up to `windows`, publishing the table once
// complete. The windows built.
fn advance_generator(windows: usize) -> usize {
    GENERATOR_BUILDER
        .with(|slot| {
            if slot.is_none() {
                *slot = Builder::generator();
            }
            let built = slot.as_mut().and_then(|b| b.step(windows)).unwrap_or(0);
            if slot.as_ref().is_some_and(Builder::is_complete) {
                GENERATOR.set(slot.take().and_then(Builder::finish).unwrap_or_else(Table::generator));
            }
            built
        })
        .unwrap_or(0)
}

// r and s of a raw signature, each in [1, n−1].
fn parse(signature: &[u8]) -> Option<(Scalar, Scalar)> {
    let scalar = |bytes: &[u8]| -> Option<Scalar> {
        let bytes: [u8; 32] = bytes.try_into().ok()?;
        Scalar::from_bytes(&bytes).filter(|k| !k.is_zero())
    };
    if signature.len() != 64 {
        return None;
    }
    Some((scalar(signature.get(..32)?)?, scalar(signature.get(32..)?)?))
}

impl PublicKey {
    /// Builds a key from its affine coordinates (32 bytes each, big-endian).
    /// `None` if either is not 32 bytes or the point is not on the curve.
    pub fn from_coordinates(x: &[u8], y: &[u8]) -> Option<PublicKey> {
        let x: &[u8; 32] = x.try_into().ok()?;
        let y: &[u8; 32] = y.try_into().ok()?;
        let point = Affine::from_coordinates(x, y)?;
        let mut sec1 = [0u8; 65];
        sec1[0] = 0x04;
        sec1.get_mut(1..33)?.copy_from_slice(x);
        sec1.get_mut(33..65)?.copy_from_slice(y);
        Some(PublicKey {
            point,
            sec1,
            owner: Arc::new(Owner(NEXT_OWNER.fetch_add(1, Ordering::Relaxed))),
            uses: Arc::new(AtomicU32::new(0)),
        })
    }

    /// The key as an uncompressed SEC1 point (`04 || x || y`).
    pub fn to_sec1(&self) -> [u8; 65] {
        self.sec1
    }

    /// Verifies `signature` (raw `r || s`) over `message`. Any other
    /// signature length, `r` or `s` outside `[1, n-1]`, or a mismatch is
    /// `false`. High-S signatures are accepted: JWS does not forbid them.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let now = CLOCK.fetch_add(1, Ordering::Relaxed);
        let table = if self.uses.fetch_add(1, Ordering::Relaxed) >= TABLE_AFTER_USES {
            self.table(now, WINDOWS_PER_VERIFICATION, false)
        } else {
            None
        };
        self.verify_with(table.as_deref(), message, signature)
    }

    /// Verifies through the fixed-base tables, finishing them now if
    /// needed (taking the place of the least recently used key's when all
    /// are taken), or by windows when none can be had.
    pub fn verify_table(&self, message: &[u8], signature: &[u8]) -> bool {
        let now = CLOCK.fetch_add(1, Ordering::Relaxed);
        let table = self.table(now, usize::MAX, true);
        self.verify_with(table.as_deref(), message, signature)
    }

    // Through the tables when both are complete, else by windows.
    fn verify_with(&self, table: Option<&Table>, message: &[u8], signature: &[u8]) -> bool {
        match (GENERATOR.get(), table) {
            (Some(g), Some(q)) if g.is_usable() && q.is_usable() => {
                self.check(message, signature, |u1, u2, r| table::verify(g, q, u1, u2, r))
            }
            _ => self.verify_windowed(message, signature),
        }
    }

    /// Whether this key's table is built (and G's).
    pub fn has_table(&self) -> bool {
        let id = self.owner.0;
        GENERATOR.get().is_some()
            && PLACES
                .with(|places| places.iter().any(|p| p.owner == id && matches!(p.table, Building::Done(_))))
                .unwrap_or(false)
    }

    // This key's table, once built: builds up to `windows` table windows
    // first (G's table first, then this key's), taking a place for it if
    // there is one free, or one whose key has been cold for COLD_AFTER
    // verifications (any least recently used one when `force`).
    fn table(&self, now: u64, windows: usize, force: bool) -> Option<Arc<Table>> {
        let mut left = windows;
        if GENERATOR.get().is_none() {
            left = left.saturating_sub(advance_generator(left));
        }
        let id = self.owner.0;
        PLACES
            .with(|places| {
                let at = match places.iter().position(|p| p.owner == id) {
                    Some(at) => at,
                    None if left == 0 => return None,
                    None => {
                        let place = Place { owner: id, last_used: now, table: Building::Partial(Builder::for_key(&self.point)) };
                        if places.len() < table::MAX_KEY_TABLES {
                            places.push(place);
                            places.len() - 1
                        } else {
                            let (at, coldest) = places.iter().enumerate().min_by_key(|(_, p)| p.last_used)?;
                            if !force && now.saturating_sub(coldest.last_used) < COLD_AFTER {
                                return None;
                            }
                            *places.get_mut(at)? = place; // frees the cold key's table
                            at
                        }
                    }
                };
                let place = places.get_mut(at)?;
                place.last_used = now;
                if let Building::Partial(builder) = &mut place.table {
                    if left > 0 {
                        builder.step(left)?;
                    }
                }
                if matches!(&place.table, Building::Partial(b) if b.is_complete()) {
                    if let Building::Partial(b) = core::mem::replace(&mut place.table, Building::Moving) {
                        place.table = Building::Done(Arc::new(b.finish()?));
                    }
                }
                match &place.table {
                    Building::Done(t) => Some(t.clone()),
                    Building::Partial(_) | Building::Moving => None,
                }
            })
            .flatten()
    }

    /// Verifies without any big table: u1·G + u2·Q by 4-bit windows.
    pub fn verify_windowed(&self, message: &[u8], signature: &[u8]) -> bool {
        self.check(message, signature, |u1, u2, r| table::verify_windowed(&self.point, u1, u2, r))
    }

    fn check(
        &self,
        message: &[u8],
        signature: &[u8],
        combine: impl FnOnce(&Scalar, &Scalar, &Scalar) -> Option<bool>,
    ) -> bool {
        let Some((r, s)) = parse(signature) else { return false };
        let digest: [u8; 32] = sha2::Sha256::digest(message).into();
        let z = Scalar::reduce_bytes(&digest);
        let Some(w) = s.invert() else { return false };
        combine(&z.multiply(&w), &r.multiply(&w), &r).unwrap_or(false)
    }
}

// The README's example, run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
