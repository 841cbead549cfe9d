//! Fixed-base tables for ES256 verification.
//!
//! Verifying needs R = u1·G + u2·Q. G is fixed forever and each JWKS key Q
//! for hours, so both get a table of their multiples: entry (i, j) is
//! j·16^i·P for the 64 four-bit windows i and j in 1..=15, in affine form
//! (normalised once). A scalar multiplication is then at most 64
//! mixed additions and no doublings. The curve arithmetic is `p256`'s own
//! (complete formulas), so identities and equal points need no special
//! cases. Scalars here are public (signature and hash), so variable-time
//! table lookups leak nothing secret.

use p256::elliptic_curve::group::Curve;
use p256::{AffinePoint, ProjectivePoint, Scalar};
use std::sync::atomic::{AtomicUsize, Ordering};

const WINDOWS: usize = 64;
const PER_WINDOW: usize = 15;

/// The most key tables alive at once (each about 61 KiB); past it, keys
/// verify without one.
pub const MAX_KEY_TABLES: usize = 32;

static KEY_TABLES: AtomicUsize = AtomicUsize::new(0);

/// Multiples of one point, for fixed-base scalar multiplication.
pub struct Table {
    points: Vec<AffinePoint>,
    counted: bool,
}

impl core::fmt::Debug for Table {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Table({} points)", self.points.len())
    }
}

impl Drop for Table {
    fn drop(&mut self) {
        if self.counted {
            KEY_TABLES.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

impl Table {
    fn build(p: &ProjectivePoint, counted: bool) -> Table {
        let mut proj = Vec::with_capacity(WINDOWS * PER_WINDOW);
        let mut base = *p;
        for _ in 0..WINDOWS {
            let mut acc = base;
            for _ in 0..PER_WINDOW {
                proj.push(acc);
                acc += base;
            }
            base = acc; // 16 · base
        }
        // One inversion per point: p256 0.13 offers no batch inversion here.
        Table { points: proj.iter().map(Curve::to_affine).collect(), counted }
    }

    /// The table of the generator.
    pub fn generator() -> Table {
        Table::build(&ProjectivePoint::GENERATOR, false)
    }

    /// A table for a key, if the budget allows one.
    pub fn for_key(q: &AffinePoint) -> Option<Table> {
        let taken = KEY_TABLES.fetch_add(1, Ordering::Relaxed);
        if taken >= MAX_KEY_TABLES {
            KEY_TABLES.fetch_sub(1, Ordering::Relaxed);
            return None;
        }
        Some(Table::build(&ProjectivePoint::from(*q), true))
    }

    /// k·P.
    pub fn mul(&self, k: &Scalar) -> ProjectivePoint {
        let mut acc = ProjectivePoint::IDENTITY;
        // big-endian bytes: the last byte holds windows 0 (low nibble) and 1
        for (i, byte) in k.to_bytes().iter().rev().enumerate() {
            for (w, digit) in [(2 * i, byte & 0x0f), (2 * i + 1, byte >> 4)] {
                if digit != 0 {
                    if let Some(p) = self.points.get(w * PER_WINDOW + usize::from(digit) - 1) {
                        acc += p;
                    }
                }
            }
        }
        acc
    }
}
