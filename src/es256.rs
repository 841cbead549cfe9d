//! The ES256 primitive: ECDSA over P-256 with SHA-256, signatures as raw
//! 64-byte `r || s` (RFC 7518 §3.4), on RustCrypto `p256`.

use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};

/// A P-256 public key, checked to be a valid point on the curve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

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
        VerifyingKey::from_sec1_bytes(&sec1).ok().map(PublicKey)
    }

    /// Verifies `signature` (raw `r || s`) over `message`. Any other
    /// signature length, `r` or `s` outside `[1, n-1]`, or a mismatch is
    /// `false`. High-S signatures are accepted: JWS does not forbid them.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        if signature.len() != 64 {
            return false;
        }
        match Signature::from_slice(signature) {
            Ok(sig) => self.0.verify(message, &sig).is_ok(),
            Err(_) => false,
        }
    }
}
