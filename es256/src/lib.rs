//! The ES256 primitive: ECDSA over P-256 with SHA-256, signatures as raw
//! 64-byte `r || s` (RFC 7518 §3.4). The field arithmetic ([`field`]),
//! SHA-256 ([`sha256`]) and the arithmetic mod n ([`scalar`]) are the
//! crate's own, written for wasm; RustCrypto `p256` is the reference they
//! are tested against.
//!
//! [`PublicKey::verify`] computes u1·G + u2·Q with fixed-base tables (see
//! [`table`]): G's and each key's, built once a key has verified enough
//! signatures for its table to pay off ([`TABLE_AFTER_USES`]); until then
//! (so a cold start or a short-lived worker builds nothing large), and for
//! keys past the table budget, by 4-bit windows.
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
pub mod sha256;
pub mod sync;
pub mod table;

// What the standard prelude would bring, from `alloc` (the tests use the
// rest of it).
mod prelude {
    pub use alloc::vec;
    pub use alloc::vec::Vec;
    #[cfg(test)]
    pub use alloc::string::String;
}

use scalar::Scalar;
use crate::sync::{Lock, Once};
use alloc::sync::Arc;
use core::sync::atomic::{AtomicU32, Ordering};
use table::{Affine, Builder, Table};

static GENERATOR: Once<Table> = Once::new();
static GENERATOR_BUILDER: Lock<Option<Builder>> = Lock::new(None);

/// Table windows built per verification while tables are being built (29
/// make a table): about a millisecond of work once the code is optimized,
/// so no verification pays for a whole table.
pub const WINDOWS_PER_VERIFICATION: usize = 5;

/// A P-256 public key, checked to be a valid point on the curve.
#[derive(Debug, Clone)]
pub struct PublicKey {
    point: Affine,
    sec1: [u8; 65],
    // Built a few windows per verification once the key has verified
    // TABLE_AFTER_USES signatures, shared by clones; `None` inside when the
    // table budget was spent.
    table: Arc<Once<Option<Table>>>,
    builder: Arc<Lock<Option<Builder>>>,
    uses: Arc<AtomicU32>,
}

/// Verifications with a key before its table is built. Building both
/// tables (G's once per process) is about 13 ms of work in wasm, and each
/// table verification then saves about 0.14 ms against the windowed path,
/// so the tables pay for themselves after some 90 verifications. Sixteen
/// windowed verifications first cost a key that verifies many tokens about
/// 2 ms more, and spare a page or an isolate that verifies only a few
/// tokens the whole 13 ms.
pub const TABLE_AFTER_USES: u32 = 16;

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.point == other.point
    }
}
impl Eq for PublicKey {}

// Steps the builder in `slot` (starting one with `start`) by up to
// `windows`, and hands `publish` the table once complete, or `None` when no
// builder can start (the key-table budget is spent). The windows built.
fn advance(
    slot: &Lock<Option<Builder>>,
    start: impl FnOnce() -> Option<Builder>,
    windows: usize,
    publish: impl FnOnce(Option<Table>),
) -> usize {
    slot.with(|slot| {
        if slot.is_none() {
            *slot = start();
            if slot.is_none() {
                publish(None);
                return 0;
            }
        }
        let built = slot.as_mut().and_then(|b| b.step(windows)).unwrap_or(0);
        if slot.as_ref().is_some_and(Builder::is_complete) {
            publish(slot.take().and_then(Builder::finish));
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
            table: Arc::new(Once::new()),
            builder: Arc::new(Lock::new(None)),
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
        let tables_ready = GENERATOR.get().is_some() && self.table.get().is_some();
        if !tables_ready && self.uses.fetch_add(1, Ordering::Relaxed) >= TABLE_AFTER_USES {
            self.build_tables(WINDOWS_PER_VERIFICATION);
        }
        self.verify_with_tables_built(message, signature)
    }

    /// Verifies through the fixed-base tables, finishing them now if
    /// needed, or by windows when the table budget is spent.
    pub fn verify_table(&self, message: &[u8], signature: &[u8]) -> bool {
        self.build_tables(usize::MAX);
        self.verify_with_tables_built(message, signature)
    }

    // Through the tables when both are complete, else by windows.
    fn verify_with_tables_built(&self, message: &[u8], signature: &[u8]) -> bool {
        match (GENERATOR.get(), self.table.get()) {
            (Some(g), Some(Some(q))) if g.is_usable() => self.check(message, signature, |u1, u2, r| table::verify(g, q, u1, u2, r)),
            _ => self.verify_windowed(message, signature),
        }
    }

    /// Whether this key's table is built (and G's).
    pub fn has_table(&self) -> bool {
        GENERATOR.get().is_some() && matches!(self.table.get(), Some(Some(_)))
    }

    // Builds up to `windows` table windows: G's table first, then this
    // key's; a finished table is published for every later verification.
    fn build_tables(&self, windows: usize) {
        let mut left = windows;
        if GENERATOR.get().is_none() {
            left -= advance(&GENERATOR_BUILDER, Builder::generator, left, |t| {
                GENERATOR.set(t.unwrap_or_else(Table::generator));
            });
        }
        if left > 0 && self.table.get().is_none() {
            advance(&self.builder, || Builder::for_key(&self.point), left, |t| {
                self.table.set(t);
            });
        }
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
        let z = Scalar::reduce_bytes(&sha256::digest(message));
        let Some(w) = s.invert() else { return false };
        combine(&z.multiply(&w), &r.multiply(&w), &r).unwrap_or(false)
    }
}
