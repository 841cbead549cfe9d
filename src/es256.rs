//! The ES256 primitive: ECDSA over P-256 with SHA-256, signatures as raw
//! 64-byte `r || s` (RFC 7518 §3.4). The field arithmetic ([`field`]),
//! SHA-256 ([`sha256`]) and the inversion mod n ([`scalar`]) are the
//! crate's own, written for wasm; the other scalar arithmetic is RustCrypto
//! `p256`'s.
//!
//! [`PublicKey::verify`] computes u1·G + u2·Q with fixed-base tables (see
//! [`table`]): G's and each key's, built once a key has verified a few
//! signatures; until then (so a cold start builds nothing large), and for
//! keys past the table budget, by 4-bit windows.
//! The tests check both paths against `p256`'s own ECDSA verifier, the
//! reference, on every Wycheproof vector and on random signatures.

pub mod field;
pub mod scalar;
pub mod sha256;
pub mod table;

use p256::elliptic_curve::ff::{Field, PrimeField};
use p256::elliptic_curve::ops::Reduce;
use p256::{FieldBytes, Scalar, U256};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use table::{Affine, Table};

static GENERATOR: OnceLock<Table> = OnceLock::new();

/// A P-256 public key, checked to be a valid point on the curve.
#[derive(Debug, Clone)]
pub struct PublicKey {
    point: Affine,
    sec1: [u8; 65],
    // Built once the key has verified a few signatures (a table costs a
    // few milliseconds, a windowed verification under one), shared by
    // clones; `None` inside when the table budget was spent.
    table: Arc<OnceLock<Option<Table>>>,
    uses: Arc<AtomicU32>,
}

/// Verifications with a key before its table is built.
pub const TABLE_AFTER_USES: u32 = 3;

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.point == other.point
    }
}
impl Eq for PublicKey {}

// r and s of a raw signature, each in [1, n−1].
fn parse(signature: &[u8]) -> Option<(Scalar, Scalar)> {
    let scalar = |bytes: &[u8]| -> Option<Scalar> {
        let bytes: [u8; 32] = bytes.try_into().ok()?;
        let k: Option<Scalar> = Scalar::from_repr(FieldBytes::from(bytes)).into();
        k.filter(|k| !bool::from(k.is_zero()))
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
        Some(PublicKey { point, sec1, table: Arc::new(OnceLock::new()), uses: Arc::new(AtomicU32::new(0)) })
    }

    /// The key as an uncompressed SEC1 point (`04 || x || y`).
    pub fn to_sec1(&self) -> [u8; 65] {
        self.sec1
    }

    /// Verifies `signature` (raw `r || s`) over `message`. Any other
    /// signature length, `r` or `s` outside `[1, n-1]`, or a mismatch is
    /// `false`. High-S signatures are accepted: JWS does not forbid them.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        if self.table.get().is_none() && self.uses.fetch_add(1, Ordering::Relaxed) < TABLE_AFTER_USES {
            return self.verify_windowed(message, signature);
        }
        self.verify_table(message, signature)
    }

    /// Verifies through the key's fixed-base table (building it now if
    /// needed), or by windows when the table budget is spent.
    pub fn verify_table(&self, message: &[u8], signature: &[u8]) -> bool {
        let table = self.table.get_or_init(|| Table::for_key(&self.point));
        let Some(q) = table else { return self.verify_windowed(message, signature) };
        let g = GENERATOR.get_or_init(Table::generator);
        self.check(message, signature, |u1, u2, r| table::verify(g, q, u1, u2, r))
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
        let z = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(sha256::digest(message)));
        let Some(w) = scalar::invert(&s) else { return false };
        combine(&(z * w), &(r * w), &r).unwrap_or(false)
    }
}
