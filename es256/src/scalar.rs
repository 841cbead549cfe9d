//! Arithmetic modulo the group order n, for the scalars of a verification
//! (the signature's r and s and the message hash): RustCrypto `p256`'s
//! `Scalar` (0.14), behind the few operations the verifier needs, with the
//! little-endian limbs the tables read digits from. Its variable-time
//! inversion (crypto-bigint's safegcd) takes about 6 µs in wasm under
//! Node, against 18–23 µs for p256 0.13's (`make bench`, which ends with
//! the arithmetic alone).

use p256::elliptic_curve::ops::Reduce;
use p256::elliptic_curve::{Field, PrimeField};
use p256::{FieldBytes, U256};

/// An integer modulo n, fully reduced (in [0, n)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scalar(p256::Scalar);

impl Scalar {
    /// 0.
    pub const ZERO: Scalar = Scalar(p256::Scalar::ZERO);
    /// 1.
    pub const ONE: Scalar = Scalar(p256::Scalar::ONE);

    /// The scalar of a 32-byte big-endian encoding; `None` unless below n.
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<Scalar> {
        Option::from(p256::Scalar::from_repr(FieldBytes::from(*bytes))).map(Scalar)
    }

    /// A 32-byte big-endian integer reduced mod n (as ECDSA takes a hash).
    pub fn reduce_bytes(bytes: &[u8; 32]) -> Scalar {
        Scalar(<p256::Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(*bytes)))
    }

    /// The 32-byte big-endian encoding.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_repr().into()
    }

    /// The value as little-endian 64-bit limbs, with a fifth limb of zero
    /// (how the tables read a scalar's digits).
    pub fn limbs(&self) -> [u64; 5] {
        // (p256's scalar holds the integer itself, in crypto-bigint's
        // words: 32 bits on wasm32, 64 elsewhere)
        const BITS: usize = p256::elliptic_curve::bigint::Word::BITS as usize;
        let mut limbs = [0u64; 5];
        for (i, word) in U256::from(self.0).as_words().iter().enumerate() {
            if let Some(limb) = limbs.get_mut(i * BITS / 64) {
                #[allow(clippy::useless_conversion)] // (a u64 already, but for wasm32)
                let word = u64::from(*word);
                *limb |= word << (i * BITS % 64);
            }
        }
        limbs
    }

    /// Whether this is 0.
    pub fn is_zero(&self) -> bool {
        bool::from(self.0.is_zero())
    }

    /// self · other mod n.
    pub fn multiply(&self, other: &Scalar) -> Scalar {
        Scalar(self.0 * other.0)
    }

    /// self⁻¹ mod n; `None` for 0. (Variable time: every scalar here is
    /// public.)
    pub fn invert(&self) -> Option<Scalar> {
        Option::from(self.0.invert_vartime()).map(Scalar)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_ranges_and_limbs() {
        let n_minus_1 = (-p256::Scalar::ONE).to_repr();
        let mut n = n_minus_1;
        n[31] += 1;
        assert!(Scalar::from_bytes(&n.into()).is_none(), "n is out of range");
        assert!(Scalar::from_bytes(&[0xff; 32]).is_none());
        let top = Scalar::from_bytes(&n_minus_1.into()).unwrap();
        assert_eq!(Scalar::reduce_bytes(&n.into()), Scalar::ZERO, "n reduces to 0");
        assert_eq!(top.to_bytes(), <[u8; 32]>::from(n_minus_1));
        assert_eq!(top.limbs()[3], 0xffff_ffff_0000_0000);
        assert_eq!(top.limbs()[0], 0xf3b9_cac2_fc63_2550);
        assert_eq!(top.multiply(&top), Scalar::ONE, "(−1)² = 1");
        assert_eq!(top.invert(), Some(top));
        assert_eq!(Scalar::ZERO.invert(), None);
        assert!(Scalar::ZERO.is_zero() && !Scalar::ONE.is_zero());
    }
}
