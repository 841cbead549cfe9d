//! The ES256 primitive: ECDSA over P-256 with SHA-256, signatures as raw
//! 64-byte `r || s` (RFC 7518 §3.4), on RustCrypto `p256`.
//!
//! [`PublicKey::verify`] computes u1·G + u2·Q with fixed-base tables (see
//! [`table`]): G's is built once, each key's after a few verifications.
//! [`PublicKey::verify_reference`] is the plain `p256` verifier, kept as the
//! reference the tables are tested against.

pub mod table;

use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::elliptic_curve::ops::{Invert, Reduce};
use p256::{Scalar, U256};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use table::Table;

static GENERATOR: OnceLock<Table> = OnceLock::new();

/// A P-256 public key, checked to be a valid point on the curve.
#[derive(Debug, Clone)]
pub struct PublicKey {
    key: VerifyingKey,
    // Built once the key has verified a few signatures (a table costs a
    // few milliseconds, a plain verification under one), shared by clones;
    // `None` inside when the table budget was spent.
    table: Arc<OnceLock<Option<Table>>>,
    uses: Arc<AtomicU32>,
}

/// Verifications with a key before its table is built.
pub const TABLE_AFTER_USES: u32 = 3;

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for PublicKey {}

impl PublicKey {
    /// Builds a key from its affine coordinates (32 bytes each, big-endian).
    /// `None` if either is not 32 bytes or the point is not on the curve.
    pub fn from_coordinates(x: &[u8], y: &[u8]) -> Option<PublicKey> {
        if x.len() != 32 || y.len() != 32 {
            return None;
        }
        let mut sec1 = [0u8; 65];
        sec1[0] = 0x04;
        sec1.get_mut(1..33)?.copy_from_slice(x);
        sec1.get_mut(33..65)?.copy_from_slice(y);
        let key = VerifyingKey::from_sec1_bytes(&sec1).ok()?;
        Some(PublicKey { key, table: Arc::new(OnceLock::new()), uses: Arc::new(AtomicU32::new(0)) })
    }

    /// Verifies `signature` (raw `r || s`) over `message`. Any other
    /// signature length, `r` or `s` outside `[1, n-1]`, or a mismatch is
    /// `false`. High-S signatures are accepted: JWS does not forbid them.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        if self.table.get().is_none() && self.uses.fetch_add(1, Ordering::Relaxed) < TABLE_AFTER_USES {
            return self.verify_reference(message, signature);
        }
        self.verify_table(message, signature)
    }

    /// Verifies through the fixed-base tables (building them now if
    /// needed), or the reference when the table budget is spent.
    pub fn verify_table(&self, message: &[u8], signature: &[u8]) -> bool {
        let Some(sig) = parse(signature) else { return false };
        let table = self.table.get_or_init(|| Table::for_key(self.key.as_affine()));
        let Some(q) = table else { return self.key.verify(message, &sig).is_ok() };
        let g = GENERATOR.get_or_init(Table::generator);
        let (r, s) = sig.split_scalars();
        let z = <Scalar as Reduce<U256>>::reduce_bytes(&Sha256::digest(message));
        let w = *s.invert_vartime();
        match table::verify(g, q, &(z * w), &(*r * w), &r) {
            Some(ok) => ok,
            None => self.key.verify(message, &sig).is_ok(),
        }
    }

    /// The plain `p256` verifier: the reference for [`PublicKey::verify`].
    pub fn verify_reference(&self, message: &[u8], signature: &[u8]) -> bool {
        parse(signature).is_some_and(|sig| self.key.verify(message, &sig).is_ok())
    }
}

fn parse(signature: &[u8]) -> Option<Signature> {
    if signature.len() != 64 {
        return None;
    }
    Signature::from_slice(signature).ok()
}
