//! Arithmetic modulo the P-256 prime p = 2^256 − 2^224 + 2^192 + 2^96 − 1:
//! fiat-crypto's generated code (`p256_32`, formally verified by
//! construction), in the Montgomery domain, behind the few operations the
//! point formulas need. Eight 32-bit limbs suit wasm, whose widest native
//! product is 64 bits.
//!
//! fiat-crypto keeps values fully reduced (in [0, p)), so equality is limb
//! equality, in the Montgomery domain as outside it. The tests check every
//! operation against `p256`'s own field element.

use fiat_crypto::p256_32 as fiat;
use fiat::fiat_p256_montgomery_domain_field_element as Mont;

/// An element of the P-256 base field, as the limbs of fiat-crypto's
/// Montgomery domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fe([u32; 8]);

/// p, big-endian.
const P_BYTES: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
];

// R² mod p (R = 2^256), little-endian limbs: a · R² · R⁻¹ = a · R, so one
// multiplication takes a value into the Montgomery domain, and one by 1
// out of it (one copy of fiat-crypto's multiplication in the binary
// instead of three specialised routines; the tests check both against
// fiat_p256_to_montgomery and fiat_p256_from_montgomery).
const R2: Fe = Fe([3, 0, 0xffff_ffff, 0xffff_ffff - 4, 0xffff_ffff - 1, 0xffff_ffff, 0xffff_ffff - 2, 4]);
const PLAIN_ONE: Fe = Fe([1, 0, 0, 0, 0, 0, 0, 0]);

impl Fe {
    /// 0.
    pub const ZERO: Fe = Fe([0; 8]);
    /// 1 (R mod p, in the Montgomery domain).
    pub const ONE: Fe = {
        let mut one = Mont([0; 8]);
        fiat::fiat_p256_set_one(&mut one);
        Fe(one.0)
    };

    /// The element of a 32-byte big-endian encoding; `None` unless below p.
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<Fe> {
        if *bytes >= P_BYTES {
            return None;
        }
        let mut le = *bytes;
        le.reverse();
        let mut plain = [0; 8];
        fiat::fiat_p256_from_bytes(&mut plain, &le);
        Some(Fe(plain).multiply(&R2))
    }

    /// The 32-byte big-endian encoding.
    pub fn to_bytes(&self) -> [u8; 32] {
        let plain = self.multiply(&PLAIN_ONE);
        let mut out = [0u8; 32];
        fiat::fiat_p256_to_bytes(&mut out, &plain.0);
        out.reverse();
        out
    }

    /// Whether this is 0.
    pub fn is_zero(&self) -> bool {
        let mut nonzero = 0;
        fiat::fiat_p256_nonzero(&mut nonzero, &self.0);
        nonzero == 0
    }

    /// self + other.
    pub fn add(&self, other: &Fe) -> Fe {
        let mut out = Mont([0; 8]);
        fiat::fiat_p256_add(&mut out, &Mont(self.0), &Mont(other.0));
        Fe(out.0)
    }

    /// self − other.
    pub fn sub(&self, other: &Fe) -> Fe {
        let mut out = Mont([0; 8]);
        fiat::fiat_p256_sub(&mut out, &Mont(self.0), &Mont(other.0));
        Fe(out.0)
    }

    /// 2·self.
    pub fn double(&self) -> Fe {
        self.add(self)
    }

    /// −self.
    pub fn neg(&self) -> Fe {
        let mut out = Mont([0; 8]);
        fiat::fiat_p256_opp(&mut out, &Mont(self.0));
        Fe(out.0)
    }

    /// self · other.
    pub fn multiply(&self, other: &Fe) -> Fe {
        let mut out = Mont([0; 8]);
        fiat::fiat_p256_mul(&mut out, &Mont(self.0), &Mont(other.0));
        Fe(out.0)
    }

    /// self², by fiat-crypto's multiplication: its squaring is a second
    /// copy of the carry chains (about 4.8 KB of wasm) and was no faster
    /// here (107 ns against 111 ns for a multiplication).
    pub fn square(&self) -> Fe {
        let mut out = Mont([0; 8]);
        fiat::fiat_p256_mul(&mut out, &Mont(self.0), &Mont(self.0));
        Fe(out.0)
    }
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;
    use super::*;
    use fiat::fiat_p256_non_montgomery_domain_field_element as Plain;
    use p256_13::{FieldBytes, FieldElement};

    struct Rng(u64);
    impl Rng {
        fn bytes(&mut self) -> [u8; 32] {
            let mut out = [0u8; 32];
            for b in &mut out {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                *b = self.0 as u8;
            }
            out
        }
    }

    fn theirs(f: &Fe) -> FieldElement {
        FieldElement::from_bytes(&FieldBytes::from(f.to_bytes())).unwrap()
    }

    fn ours(f: &FieldElement) -> Fe {
        Fe::from_bytes(&f.to_bytes().into()).unwrap()
    }

    // Random elements, and the edges: 0, 1, p − 1, p − 2, 2^255, words of
    // all ones and zeros.
    fn samples() -> Vec<Fe> {
        let mut rng = Rng(0x0123_4567_89ab_cdef);
        let mut out = vec![Fe::ZERO, Fe::ONE, Fe::ONE.neg(), Fe::ONE.neg().sub(&Fe::ONE)];
        let mut top = [0u8; 32];
        top[0] = 0x80;
        out.push(Fe::from_bytes(&top).unwrap());
        let mut words = [0u8; 32];
        words[16..].fill(0xff);
        out.push(Fe::from_bytes(&words).unwrap());
        let mut words = [0u8; 32];
        words[..4].copy_from_slice(&[0xff, 0xff, 0xff, 0xfe]);
        words[8..20].fill(0xff);
        out.push(Fe::from_bytes(&words).unwrap());
        while out.len() < 400 {
            if let Some(f) = Fe::from_bytes(&rng.bytes()) {
                out.push(f);
            }
        }
        out
    }

    #[test]
    fn constants_are_fiat_crypto_s() {
        let mut one = fiat::fiat_p256_montgomery_domain_field_element([0; 8]);
        fiat::fiat_p256_set_one(&mut one);
        assert_eq!(Fe::ONE.0, one.0);
        assert_eq!(theirs(&Fe::ONE), FieldElement::ONE);
        assert_eq!(theirs(&Fe::ZERO), FieldElement::ZERO);
        assert!(Fe::ZERO.is_zero() && !Fe::ONE.is_zero());
    }

    #[test]
    fn into_and_out_of_the_montgomery_domain_as_fiat_crypto_does() {
        for f in samples() {
            let mut plain = Plain([0; 8]);
            fiat::fiat_p256_from_montgomery(&mut plain, &Mont(f.0));
            assert_eq!(f.multiply(&PLAIN_ONE).0, plain.0);
            let mut mont = Mont([0; 8]);
            fiat::fiat_p256_to_montgomery(&mut mont, &plain);
            assert_eq!(Fe(plain.0).multiply(&R2).0, mont.0);
            assert_eq!(mont.0, f.0);
        }
    }

    #[test]
    fn encoding_round_trips_and_rejects_p_and_above() {
        for f in samples() {
            assert_eq!(Fe::from_bytes(&f.to_bytes()), Some(f));
        }
        let p: [u8; 32] = theirs(&Fe::ONE.neg()).add(&FieldElement::ONE).to_bytes().into();
        assert_eq!(p, [0u8; 32], "p − 1 + 1 wraps to 0");
        let mut p_bytes = Fe::ONE.neg().to_bytes();
        p_bytes[31] += 1;
        assert_eq!(Fe::from_bytes(&p_bytes), None, "p itself");
        assert_eq!(Fe::from_bytes(&[0xff; 32]), None);
    }

    #[test]
    fn every_operation_agrees_with_p256() {
        let s = samples();
        for (i, a) in s.iter().enumerate() {
            let ta = theirs(a);
            assert_eq!(a.square(), ours(&ta.square()), "square {i}");
            assert_eq!(a.neg(), ours(&ta.neg()), "neg {i}");
            assert_eq!(a.double(), ours(&ta.double()), "double {i}");
            for (j, b) in s.iter().enumerate().step_by(7) {
                let tb = theirs(b);
                assert_eq!(a.multiply(b), ours(&ta.multiply(&tb)), "mul {i} {j}");
                assert_eq!(a.add(b), ours(&ta.add(&tb)), "add {i} {j}");
                assert_eq!(a.sub(b), ours(&ta.sub(&tb)), "sub {i} {j}");
            }
        }
    }

    #[test]
    fn long_chains_agree() {
        let mut rng = Rng(99);
        let (mut a, mut ta) = (Fe::ONE, FieldElement::ONE);
        for _ in 0..20_000 {
            let b = loop {
                if let Some(b) = Fe::from_bytes(&rng.bytes()) {
                    break b;
                }
            };
            let tb = theirs(&b);
            a = a.multiply(&b).square().sub(&b).add(&a.double());
            ta = ta.multiply(&tb).square().sub(&tb).add(&ta.double());
            assert_eq!(a, ours(&ta));
        }
        assert!(!bool::from(ta.is_zero()));
    }
}
