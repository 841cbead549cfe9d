//! Arithmetic modulo the P-256 prime p = 2^256 − 2^224 + 2^192 + 2^96 − 1,
//! written for WebAssembly: eight 32-bit limbs, products as 64-bit
//! integers (wasm's `i64.mul`), and the prime's special form for reduction
//! (FIPS 186-4 D.2.3: a 512-bit product folds back with additions and
//! subtractions of its 32-bit words, no multiplications). Montgomery
//! multiplication on the same limbs, as a generic implementation does it,
//! costs twice the multiplications.
//!
//! Values are kept fully reduced (in [0, p)), so equality is limb equality.
//! The code branches on the values: it is for verification, where every
//! input (signature, message, public key) is public. The tests check every
//! operation against `p256`'s own field element.

/// An element of the P-256 base field, as eight little-endian 32-bit limbs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fe([u32; 8]);

const P: [u32; 8] = [0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0, 0, 0, 1, 0xffff_ffff];

// a − b over 8 limbs; the borrow out.
fn sub_limbs(a: &[u32; 8], b: &[u32; 8]) -> ([u32; 8], bool) {
    let mut out = [0u32; 8];
    let mut borrow = 0i64;
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        let v = i64::from(*x) - i64::from(*y) + borrow;
        *o = v as u32;
        borrow = v >> 32;
    }
    (out, borrow != 0)
}

// a + b over 8 limbs; the carry out.
fn add_limbs(a: &[u32; 8], b: &[u32; 8]) -> ([u32; 8], bool) {
    let mut out = [0u32; 8];
    let mut carry = 0u64;
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        let v = u64::from(*x) + u64::from(*y) + carry;
        *o = v as u32;
        carry = v >> 32;
    }
    (out, carry != 0)
}

// The value in [0, 2p) as one in [0, p). p's top word is all ones, so a
// value whose top word is not is already below p (all but 2^−32 of them).
fn reduce_once(v: [u32; 8]) -> [u32; 8] {
    if v.last().is_some_and(|top| *top != u32::MAX) {
        return v;
    }
    let (d, borrow) = sub_limbs(&v, &P);
    if borrow {
        v
    } else {
        d
    }
}

impl Fe {
    /// 0.
    pub const ZERO: Fe = Fe([0; 8]);
    /// 1.
    pub const ONE: Fe = Fe([1, 0, 0, 0, 0, 0, 0, 0]);

    /// The element of a 32-byte big-endian encoding; `None` unless below p.
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<Fe> {
        let mut limbs = [0u32; 8];
        for (limb, chunk) in limbs.iter_mut().zip(bytes.rchunks_exact(4)) {
            *limb = u32::from_be_bytes(chunk.try_into().ok()?);
        }
        let (_, borrow) = sub_limbs(&limbs, &P);
        borrow.then_some(Fe(limbs))
    }

    /// The 32-byte big-endian encoding.
    pub fn to_bytes(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (chunk, limb) in out.rchunks_exact_mut(4).zip(self.0) {
            chunk.copy_from_slice(&limb.to_be_bytes());
        }
        out
    }

    /// Whether this is 0.
    pub fn is_zero(&self) -> bool {
        self.0 == [0; 8]
    }

    /// self + other.
    pub fn add(&self, other: &Fe) -> Fe {
        let (sum, carry) = add_limbs(&self.0, &other.0);
        if carry {
            // sum + 2^256 − p fits 256 bits and is below p
            Fe(sub_limbs(&sum, &P).0)
        } else {
            Fe(reduce_once(sum))
        }
    }

    /// self − other.
    pub fn sub(&self, other: &Fe) -> Fe {
        let (d, borrow) = sub_limbs(&self.0, &other.0);
        if borrow {
            Fe(add_limbs(&d, &P).0)
        } else {
            Fe(d)
        }
    }

    /// 2·self.
    pub fn double(&self) -> Fe {
        self.add(self)
    }

    /// −self.
    pub fn neg(&self) -> Fe {
        Fe::ZERO.sub(self)
    }

    /// self · other.
    pub fn multiply(&self, other: &Fe) -> Fe {
        // Column sums of the 64 products, low and high 32-bit halves added
        // to their own columns: no carry chain between products (each
        // column stays below 2^36), and the reduction takes the columns
        // uncarried. Written out so every sum lives in a register.
        const M: u64 = 0xffff_ffff;
        let [a0, a1, a2, a3, a4, a5, a6, a7] = self.0.map(u64::from);
        let [b0, b1, b2, b3, b4, b5, b6, b7] = other.0.map(u64::from);
        let [mut c0, mut c1, mut c2, mut c3, mut c4, mut c5, mut c6, mut c7, mut c8, mut c9, mut c10, mut c11, mut c12, mut c13, mut c14, mut c15] = [0u64; 16];
        let p = a0 * b0;
        c0 += p & M;
        c1 += p >> 32;
        let p = a0 * b1;
        c1 += p & M;
        c2 += p >> 32;
        let p = a0 * b2;
        c2 += p & M;
        c3 += p >> 32;
        let p = a0 * b3;
        c3 += p & M;
        c4 += p >> 32;
        let p = a0 * b4;
        c4 += p & M;
        c5 += p >> 32;
        let p = a0 * b5;
        c5 += p & M;
        c6 += p >> 32;
        let p = a0 * b6;
        c6 += p & M;
        c7 += p >> 32;
        let p = a0 * b7;
        c7 += p & M;
        c8 += p >> 32;
        let p = a1 * b0;
        c1 += p & M;
        c2 += p >> 32;
        let p = a1 * b1;
        c2 += p & M;
        c3 += p >> 32;
        let p = a1 * b2;
        c3 += p & M;
        c4 += p >> 32;
        let p = a1 * b3;
        c4 += p & M;
        c5 += p >> 32;
        let p = a1 * b4;
        c5 += p & M;
        c6 += p >> 32;
        let p = a1 * b5;
        c6 += p & M;
        c7 += p >> 32;
        let p = a1 * b6;
        c7 += p & M;
        c8 += p >> 32;
        let p = a1 * b7;
        c8 += p & M;
        c9 += p >> 32;
        let p = a2 * b0;
        c2 += p & M;
        c3 += p >> 32;
        let p = a2 * b1;
        c3 += p & M;
        c4 += p >> 32;
        let p = a2 * b2;
        c4 += p & M;
        c5 += p >> 32;
        let p = a2 * b3;
        c5 += p & M;
        c6 += p >> 32;
        let p = a2 * b4;
        c6 += p & M;
        c7 += p >> 32;
        let p = a2 * b5;
        c7 += p & M;
        c8 += p >> 32;
        let p = a2 * b6;
        c8 += p & M;
        c9 += p >> 32;
        let p = a2 * b7;
        c9 += p & M;
        c10 += p >> 32;
        let p = a3 * b0;
        c3 += p & M;
        c4 += p >> 32;
        let p = a3 * b1;
        c4 += p & M;
        c5 += p >> 32;
        let p = a3 * b2;
        c5 += p & M;
        c6 += p >> 32;
        let p = a3 * b3;
        c6 += p & M;
        c7 += p >> 32;
        let p = a3 * b4;
        c7 += p & M;
        c8 += p >> 32;
        let p = a3 * b5;
        c8 += p & M;
        c9 += p >> 32;
        let p = a3 * b6;
        c9 += p & M;
        c10 += p >> 32;
        let p = a3 * b7;
        c10 += p & M;
        c11 += p >> 32;
        let p = a4 * b0;
        c4 += p & M;
        c5 += p >> 32;
        let p = a4 * b1;
        c5 += p & M;
        c6 += p >> 32;
        let p = a4 * b2;
        c6 += p & M;
        c7 += p >> 32;
        let p = a4 * b3;
        c7 += p & M;
        c8 += p >> 32;
        let p = a4 * b4;
        c8 += p & M;
        c9 += p >> 32;
        let p = a4 * b5;
        c9 += p & M;
        c10 += p >> 32;
        let p = a4 * b6;
        c10 += p & M;
        c11 += p >> 32;
        let p = a4 * b7;
        c11 += p & M;
        c12 += p >> 32;
        let p = a5 * b0;
        c5 += p & M;
        c6 += p >> 32;
        let p = a5 * b1;
        c6 += p & M;
        c7 += p >> 32;
        let p = a5 * b2;
        c7 += p & M;
        c8 += p >> 32;
        let p = a5 * b3;
        c8 += p & M;
        c9 += p >> 32;
        let p = a5 * b4;
        c9 += p & M;
        c10 += p >> 32;
        let p = a5 * b5;
        c10 += p & M;
        c11 += p >> 32;
        let p = a5 * b6;
        c11 += p & M;
        c12 += p >> 32;
        let p = a5 * b7;
        c12 += p & M;
        c13 += p >> 32;
        let p = a6 * b0;
        c6 += p & M;
        c7 += p >> 32;
        let p = a6 * b1;
        c7 += p & M;
        c8 += p >> 32;
        let p = a6 * b2;
        c8 += p & M;
        c9 += p >> 32;
        let p = a6 * b3;
        c9 += p & M;
        c10 += p >> 32;
        let p = a6 * b4;
        c10 += p & M;
        c11 += p >> 32;
        let p = a6 * b5;
        c11 += p & M;
        c12 += p >> 32;
        let p = a6 * b6;
        c12 += p & M;
        c13 += p >> 32;
        let p = a6 * b7;
        c13 += p & M;
        c14 += p >> 32;
        let p = a7 * b0;
        c7 += p & M;
        c8 += p >> 32;
        let p = a7 * b1;
        c8 += p & M;
        c9 += p >> 32;
        let p = a7 * b2;
        c9 += p & M;
        c10 += p >> 32;
        let p = a7 * b3;
        c10 += p & M;
        c11 += p >> 32;
        let p = a7 * b4;
        c11 += p & M;
        c12 += p >> 32;
        let p = a7 * b5;
        c12 += p & M;
        c13 += p >> 32;
        let p = a7 * b6;
        c13 += p & M;
        c14 += p >> 32;
        let p = a7 * b7;
        c14 += p & M;
        c15 += p >> 32;
        Fe(reduce_signed(&[c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15].map(|c| c as i64)))
    }

    /// self².
    pub fn square(&self) -> Fe {
        // The 28 cross products once (doubled below) and the 8 squares, as
        // column sums like `multiply`.
        const M: u64 = 0xffff_ffff;
        let [a0, a1, a2, a3, a4, a5, a6, a7] = self.0.map(u64::from);
        let [c0, mut c1, mut c2, mut c3, mut c4, mut c5, mut c6, mut c7, mut c8, mut c9, mut c10, mut c11, mut c12, mut c13, mut c14, c15] = [0u64; 16];
        let p = a0 * a1;
        c1 += p & M;
        c2 += p >> 32;
        let p = a0 * a2;
        c2 += p & M;
        c3 += p >> 32;
        let p = a0 * a3;
        c3 += p & M;
        c4 += p >> 32;
        let p = a0 * a4;
        c4 += p & M;
        c5 += p >> 32;
        let p = a0 * a5;
        c5 += p & M;
        c6 += p >> 32;
        let p = a0 * a6;
        c6 += p & M;
        c7 += p >> 32;
        let p = a0 * a7;
        c7 += p & M;
        c8 += p >> 32;
        let p = a1 * a2;
        c3 += p & M;
        c4 += p >> 32;
        let p = a1 * a3;
        c4 += p & M;
        c5 += p >> 32;
        let p = a1 * a4;
        c5 += p & M;
        c6 += p >> 32;
        let p = a1 * a5;
        c6 += p & M;
        c7 += p >> 32;
        let p = a1 * a6;
        c7 += p & M;
        c8 += p >> 32;
        let p = a1 * a7;
        c8 += p & M;
        c9 += p >> 32;
        let p = a2 * a3;
        c5 += p & M;
        c6 += p >> 32;
        let p = a2 * a4;
        c6 += p & M;
        c7 += p >> 32;
        let p = a2 * a5;
        c7 += p & M;
        c8 += p >> 32;
        let p = a2 * a6;
        c8 += p & M;
        c9 += p >> 32;
        let p = a2 * a7;
        c9 += p & M;
        c10 += p >> 32;
        let p = a3 * a4;
        c7 += p & M;
        c8 += p >> 32;
        let p = a3 * a5;
        c8 += p & M;
        c9 += p >> 32;
        let p = a3 * a6;
        c9 += p & M;
        c10 += p >> 32;
        let p = a3 * a7;
        c10 += p & M;
        c11 += p >> 32;
        let p = a4 * a5;
        c9 += p & M;
        c10 += p >> 32;
        let p = a4 * a6;
        c10 += p & M;
        c11 += p >> 32;
        let p = a4 * a7;
        c11 += p & M;
        c12 += p >> 32;
        let p = a5 * a6;
        c11 += p & M;
        c12 += p >> 32;
        let p = a5 * a7;
        c12 += p & M;
        c13 += p >> 32;
        let p = a6 * a7;
        c13 += p & M;
        c14 += p >> 32;
        let cross = [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15];
        let squares = [a0 * a0, a1 * a1, a2 * a2, a3 * a3, a4 * a4, a5 * a5, a6 * a6, a7 * a7];
        let mut t = [0i64; 16];
        for (k, (o, c)) in t.iter_mut().zip(cross).enumerate() {
            let sq = squares.get(k / 2).copied().unwrap_or(0);
            let diag = if k % 2 == 0 { sq & M } else { sq >> 32 };
            *o = ((c << 1) + diag) as i64;
        }
        Fe(reduce_signed(&t))
    }
}

// t (512 bits, 16 words) mod p.
#[cfg(test)]
fn reduce_wide(t: &[u32; 16]) -> [u32; 8] {
    reduce_with(|i| i64::from(t.get(i).copied().unwrap_or(0)))
}

// Σ t[k]·2^(32k) mod p, for words t[k] of magnitude below 2^36, by FIPS
// 186-4 D.2.3: with c0 … c15 the words, t ≡ s1 + 2·s2 + 2·s3 + s4 + s5 −
// s6 − s7 − s8 − s9, each s a 256-bit number made of the c's. The formula
// is linear, so it holds for words that are not yet carried.
#[inline(always)]
fn reduce_signed(t: &[i64; 16]) -> [u32; 8] {
    reduce_with(|i| t.get(i).copied().unwrap_or(0))
}

// The reduction over word `c(i)`, inlined into each caller so the words
// stay where the caller has them.
#[inline(always)]
fn reduce_with(c: impl Fn(usize) -> i64) -> [u32; 8] {
    // per result word (least significant first), the signed sum
    let mut acc: [i64; 8] = [
        c(0) + c(8) + c(9) - c(11) - c(12) - c(13) - c(14),
        c(1) + c(9) + c(10) - c(12) - c(13) - c(14) - c(15),
        c(2) + c(10) + c(11) - c(13) - c(14) - c(15),
        c(3) + 2 * (c(11) + c(12)) + c(13) - c(15) - c(8) - c(9),
        c(4) + 2 * (c(12) + c(13)) + c(14) - c(9) - c(10),
        c(5) + 2 * (c(13) + c(14)) + c(15) - c(10) - c(11),
        c(6) + 3 * c(14) + 2 * c(15) + c(13) - c(8) - c(9),
        c(7) + 3 * c(15) + c(8) - c(10) - c(11) - c(12) - c(13),
    ];
    // 2^256 ≡ 2^224 − 2^192 − 2^96 + 1 (mod p). The top word's own
    // overflow q (acc[7] = q·2^32 + rest) is folded in before carrying, so
    // what carries out below is almost always 0 and the loop rarely runs.
    let [a0, _, _, a3, _, _, a6, a7] = &mut acc;
    let q = *a7 >> 32;
    *a7 = (*a7 - (q << 32)) + q;
    *a6 -= q;
    *a3 -= q;
    *a0 += q;
    let mut words = [0u32; 8];
    let mut carry = propagate(&acc, &mut words);
    // Fold what carried out until none is left (two rounds at most: |carry|
    // < 2^12 adds less than 2^236, so the next carry is −1, 0 or 1, and the
    // one after is 0).
    for _ in 0..4 {
        if carry == 0 {
            break;
        }
        let mut fold = [0i64; 8];
        for (f, w) in fold.iter_mut().zip(words) {
            *f = i64::from(w);
        }
        let [f0, _, _, f3, _, _, f6, f7] = &mut fold;
        *f0 += carry;
        *f3 -= carry;
        *f6 -= carry;
        *f7 += carry;
        carry = propagate(&fold, &mut words);
    }
    reduce_once(words)
}

// Carries the signed per-word sums into 32-bit words; the signed carry out.
fn propagate(acc: &[i64; 8], words: &mut [u32; 8]) -> i64 {
    let mut carry = 0i64;
    for (w, a) in words.iter_mut().zip(acc) {
        let v = a + carry;
        *w = v as u32;
        carry = v >> 32;
    }
    carry
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;
    use super::*;
    use p256::{FieldBytes, FieldElement};

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
        out.push(Fe([0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0, 0, 0, 0]));
        out.push(Fe([0, 0, 0, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0, 0xffff_fffe]));
        while out.len() < 400 {
            if let Some(f) = Fe::from_bytes(&rng.bytes()) {
                out.push(f);
            }
        }
        out
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

    // Any 512-bit value, reduced, against Horner's rule in p256's field;
    // words drawn from the extremes reach every carry and fold path.
    #[test]
    fn wide_reduction_of_extreme_words() {
        let two32 = FieldElement::from_u64(1 << 32);
        let mut rng = Rng(7);
        let picks = [0u32, 1, 2, 0x7fff_ffff, 0x8000_0000, 0xffff_fffe, 0xffff_ffff];
        for round in 0..20_000 {
            let mut t = [0u32; 16];
            for w in &mut t {
                let r = rng.bytes();
                *w = if r[0] % 4 == 0 { u32::from_le_bytes([r[1], r[2], r[3], r[4]]) } else { picks[usize::from(r[5]) % picks.len()] };
            }
            let want = t.iter().rev().fold(FieldElement::ZERO, |acc, w| acc * two32 + FieldElement::from_u64(u64::from(*w)));
            assert_eq!(Fe(reduce_wide(&t)), ours(&want), "round {round}: {t:x?}");
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
