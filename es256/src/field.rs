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

// a − b over 8 limbs; the borrow out. Word by word, then carried.
#[inline(always)]
fn sub_limbs(a: &[u32; 8], b: &[u32; 8]) -> ([u32; 8], bool) {
    let ([a0, a1, a2, a3, a4, a5, a6, a7], [b0, b1, b2, b3, b4, b5, b6, b7]) = (signed(*a), signed(*b));
    let mut out = [0u32; 8];
    let carry = propagate(&[a0 - b0, a1 - b1, a2 - b2, a3 - b3, a4 - b4, a5 - b5, a6 - b6, a7 - b7], &mut out);
    (out, carry != 0)
}

// a + b over 8 limbs; the carry out.
#[inline(always)]
fn add_limbs(a: &[u32; 8], b: &[u32; 8]) -> ([u32; 8], bool) {
    let ([a0, a1, a2, a3, a4, a5, a6, a7], [b0, b1, b2, b3, b4, b5, b6, b7]) = (signed(*a), signed(*b));
    let mut out = [0u32; 8];
    let carry = propagate(&[a0 + b0, a1 + b1, a2 + b2, a3 + b3, a4 + b4, a5 + b5, a6 + b6, a7 + b7], &mut out);
    (out, carry != 0)
}

// The value in [0, 2p) as one in [0, p). p's top word is all ones, so a
// value whose top word is not is already below p (all but 2^−32 of them).
#[inline(always)]
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
        let [a0, a1, a2, a3, a4, a5, a6, a7] = widen(self.0);
        let [b0, b1, b2, b3, b4, b5, b6, b7] = widen(other.0);
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
        Fe(reduce([c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15]))
    }

    /// self².
    pub fn square(&self) -> Fe {
        // The 28 cross products once (doubled below) and the 8 squares, as
        // column sums like `multiply`.
        const M: u64 = 0xffff_ffff;
        let [a0, a1, a2, a3, a4, a5, a6, a7] = widen(self.0);
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
        // the squares' halves on the diagonal: a_i² into columns 2i, 2i+1
        let (s0, s1, s2, s3) = (a0 * a0, a1 * a1, a2 * a2, a3 * a3);
        let (s4, s5, s6, s7) = (a4 * a4, a5 * a5, a6 * a6, a7 * a7);
        Fe(reduce([
            (c0 << 1) + (s0 & M), (c1 << 1) + (s0 >> 32), (c2 << 1) + (s1 & M), (c3 << 1) + (s1 >> 32),
            (c4 << 1) + (s2 & M), (c5 << 1) + (s2 >> 32), (c6 << 1) + (s3 & M), (c7 << 1) + (s3 >> 32),
            (c8 << 1) + (s4 & M), (c9 << 1) + (s4 >> 32), (c10 << 1) + (s5 & M), (c11 << 1) + (s5 >> 32),
            (c12 << 1) + (s6 & M), (c13 << 1) + (s6 >> 32), (c14 << 1) + (s7 & M), (c15 << 1) + (s7 >> 32),
        ]))
    }
}

// t (512 bits, 16 words) mod p.
#[cfg(test)]
fn reduce_wide(t: &[u32; 16]) -> [u32; 8] {
    reduce(t.map(u64::from))
}

// Σ c_k·2^(32k) mod p, for words c_k below 2^36, by FIPS 186-4 D.2.3:
// t ≡ s1 + 2·s2 + 2·s3 + s4 + s5 − s6 − s7 − s8 − s9, each s a 256-bit
// number made of the c's. The formula is linear, so it holds for words
// that are not yet carried. Inlined into the two callers.
#[inline(always)]
fn reduce(c: [u64; 16]) -> [u32; 8] {
    let [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15] = c;
    let (c0, c1, c2, c3, c4, c5, c6, c7) = (c0 as i64, c1 as i64, c2 as i64, c3 as i64, c4 as i64, c5 as i64, c6 as i64, c7 as i64);
    let (c8, c9, c10, c11, c12, c13, c14, c15) = (c8 as i64, c9 as i64, c10 as i64, c11 as i64, c12 as i64, c13 as i64, c14 as i64, c15 as i64);
    // per result word (least significant first), the signed sum
    let a0 = c0 + c8 + c9 - c11 - c12 - c13 - c14;
    let a1 = c1 + c9 + c10 - c12 - c13 - c14 - c15;
    let a2 = c2 + c10 + c11 - c13 - c14 - c15;
    let a3 = c3 + 2 * (c11 + c12) + c13 - c15 - c8 - c9;
    let a4 = c4 + 2 * (c12 + c13) + c14 - c9 - c10;
    let a5 = c5 + 2 * (c13 + c14) + c15 - c10 - c11;
    let a6 = c6 + 3 * c14 + 2 * c15 + c13 - c8 - c9;
    let a7 = c7 + 3 * c15 + c8 - c10 - c11 - c12 - c13;
    // 2^256 ≡ 2^224 − 2^192 − 2^96 + 1 (mod p). The top word's own
    // overflow q (a7 = q·2^32 + rest) is folded in before carrying, so
    // what carries out below is almost always 0 and the loop rarely runs.
    let q = a7 >> 32;
    let mut acc = [a0 + q, a1, a2, a3 - q, a4, a5, a6 - q, (a7 - (q << 32)) + q];
    let mut words = [0u32; 8];
    let mut carry = propagate(&acc, &mut words);
    // Fold what carried out until none is left (two rounds at most: |carry|
    // < 2^12 adds less than 2^236, so the next carry is −1, 0 or 1, and the
    // one after is 0).
    for _ in 0..4 {
        if carry == 0 {
            break;
        }
        let [w0, w1, w2, w3, w4, w5, w6, w7] = signed(words);
        acc = [w0 + carry, w1, w2, w3 - carry, w4, w5, w6 - carry, w7 + carry];
        carry = propagate(&acc, &mut words);
    }
    reduce_once(words)
}

// The limbs as 64-bit integers. Here and below written out: a `map` or a
// loop over limbs goes through memory when the build optimizes for size.
#[inline(always)]
fn widen(a: [u32; 8]) -> [u64; 8] {
    let [a0, a1, a2, a3, a4, a5, a6, a7] = a;
    [a0 as u64, a1 as u64, a2 as u64, a3 as u64, a4 as u64, a5 as u64, a6 as u64, a7 as u64]
}

// The limbs as signed 64-bit integers.
#[inline(always)]
fn signed(a: [u32; 8]) -> [i64; 8] {
    let [a0, a1, a2, a3, a4, a5, a6, a7] = a;
    [a0 as i64, a1 as i64, a2 as i64, a3 as i64, a4 as i64, a5 as i64, a6 as i64, a7 as i64]
}

// Carries the signed per-word sums into 32-bit words; the signed carry out.
#[inline(always)]
fn propagate(acc: &[i64; 8], words: &mut [u32; 8]) -> i64 {
    let [a0, a1, a2, a3, a4, a5, a6, a7] = *acc;
    let v0 = a0;
    let v1 = a1 + (v0 >> 32);
    let v2 = a2 + (v1 >> 32);
    let v3 = a3 + (v2 >> 32);
    let v4 = a4 + (v3 >> 32);
    let v5 = a5 + (v4 >> 32);
    let v6 = a6 + (v5 >> 32);
    let v7 = a7 + (v6 >> 32);
    *words = [v0 as u32, v1 as u32, v2 as u32, v3 as u32, v4 as u32, v5 as u32, v6 as u32, v7 as u32];
    v7 >> 32
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
