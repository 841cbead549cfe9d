//! Arithmetic modulo the group order n, for the scalars of a verification:
//! the signature's r and s and the message hash. They are public, so the
//! code branches on them freely.
//!
//! Inversion (of s) is Kaliski's almost-inverse: binary, shifts and
//! additions on 64-bit limbs (wasm's widest native integers), giving
//! a⁻¹·2^k, which two Montgomery multiplications turn into a⁻¹. It is
//! several times faster in wasm than a constant-time-minded inversion.
//! Products are Montgomery multiplications (R = 2^256) on four 64-bit
//! limbs. The tests check every operation against `p256`'s own scalars.

type Limbs = [u64; 5];

/// n as little-endian 64-bit limbs.
const N: [u64; 4] = [0xf3b9_cac2_fc63_2551, 0xbce6_faad_a717_9e84, 0xffff_ffff_ffff_ffff, 0xffff_ffff_0000_0000];

/// n with a fifth limb for carries, for the inversion.
const N5: Limbs = [N[0], N[1], N[2], N[3], 0];

/// −n⁻¹ mod 2^64, for Montgomery reduction.
const N_INV: u64 = 0xccd1_c8aa_ee00_bc4f;

/// 2^512 mod n: a Montgomery multiplication by it undoes one by 1.
const R2: [u64; 4] = [0x8324_4c95_be79_eea2, 0x4699_799c_49bd_6fa6, 0x2845_b239_2b6b_ec59, 0x66e1_2d94_f3d9_5620];

/// An integer modulo n, fully reduced (in [0, n)), as four little-endian
/// 64-bit limbs: equality is limb equality.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scalar([u64; 4]);

// (high, low) words of a·b + c + d (which cannot overflow 128 bits).
fn mac(a: u64, b: u64, c: u64, d: u64) -> (u64, u64) {
    let v = u128::from(a) * u128::from(b) + u128::from(c) + u128::from(d);
    ((v >> 64) as u64, v as u64)
}

// a − b over four limbs; the borrow out.
fn sub4(a: &[u64; 4], b: &[u64; 4]) -> ([u64; 4], bool) {
    let mut out = [0u64; 4];
    let mut borrow = false;
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        let (d1, b1) = x.overflowing_sub(*y);
        let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
        *o = d2;
        borrow = b1 || b2;
    }
    (out, borrow)
}

// a·b·2^(−256) mod n, for a and b below n (CIOS: one limb of b at a
// time, each step adding a multiple of n that clears the low limb, then
// dropping it). The running value stays below 2n.
fn mont(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
    let (mut t, mut top) = ([0u64; 4], 0u64);
    for &bi in b {
        let mut carry = 0;
        for (tj, &aj) in t.iter_mut().zip(a) {
            (carry, *tj) = mac(aj, bi, *tj, carry);
        }
        let high = u128::from(top) + u128::from(carry);
        let m = t[0].wrapping_mul(N_INV);
        let (mut carry, _) = mac(m, N[0], t[0], 0);
        let mut shifted = [0u64; 4];
        for ((s, &tj), &nj) in shifted.iter_mut().zip(t.iter().skip(1)).zip(N.iter().skip(1)) {
            (carry, *s) = mac(m, nj, tj, carry);
        }
        let high = high + u128::from(carry);
        shifted[3] = high as u64;
        top = (high >> 64) as u64;
        t = shifted;
    }
    let (reduced, borrow) = sub4(&t, &N);
    if top != 0 || !borrow {
        reduced
    } else {
        t
    }
}

impl Scalar {
    /// 0.
    pub const ZERO: Scalar = Scalar([0; 4]);
    /// 1.
    pub const ONE: Scalar = Scalar([1, 0, 0, 0]);

    fn limbs_of(bytes: &[u8; 32]) -> [u64; 4] {
        let mut limbs = [0u64; 4];
        for (limb, chunk) in limbs.iter_mut().zip(bytes.rchunks_exact(8)) {
            *limb = u64::from_be_bytes(chunk.try_into().unwrap_or_default());
        }
        limbs
    }

    /// The scalar of a 32-byte big-endian encoding; `None` unless below n.
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<Scalar> {
        let limbs = Self::limbs_of(bytes);
        sub4(&limbs, &N).1.then_some(Scalar(limbs))
    }

    /// A 32-byte big-endian integer reduced mod n (as ECDSA takes a hash).
    pub fn reduce_bytes(bytes: &[u8; 32]) -> Scalar {
        let limbs = Self::limbs_of(bytes);
        // below 2^256 < 2n: one subtraction at most
        match sub4(&limbs, &N) {
            (reduced, false) => Scalar(reduced),
            _ => Scalar(limbs),
        }
    }

    /// The 32-byte big-endian encoding.
    pub fn to_bytes(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (chunk, limb) in out.rchunks_exact_mut(8).zip(self.0) {
            chunk.copy_from_slice(&limb.to_be_bytes());
        }
        out
    }

    /// The value as little-endian 64-bit limbs, with a fifth limb of zero
    /// (how the tables read a scalar's digits).
    pub fn limbs(&self) -> [u64; 5] {
        let [a, b, c, d] = self.0;
        [a, b, c, d, 0]
    }

    /// Whether this is 0.
    pub fn is_zero(&self) -> bool {
        *self == Scalar::ZERO
    }

    /// self · other mod n.
    pub fn multiply(&self, other: &Scalar) -> Scalar {
        Scalar(mont(&mont(&self.0, &other.0), &R2))
    }

    /// self⁻¹ mod n; `None` for 0.
    pub fn invert(&self) -> Option<Scalar> {
        invert(&self.limbs())
    }
}

// The helpers of the inversion loop, inlined into it: it runs some 500
// times per inversion, and a build optimized for size would call each.
#[inline(always)]
fn is_zero(a: &Limbs) -> bool {
    a.iter().all(|l| *l == 0)
}

#[inline(always)]
fn is_even(a: &Limbs) -> bool {
    a.first().is_some_and(|l| l & 1 == 0)
}

#[inline(always)]
fn shr1(a: &mut Limbs) {
    let mut carry = 0u64;
    for limb in a.iter_mut().rev() {
        let next = *limb << 63;
        *limb = (*limb >> 1) | carry;
        carry = next;
    }
}

#[inline(always)]
fn shl1(a: &mut Limbs) {
    let mut carry = 0u64;
    for limb in a.iter_mut() {
        let next = *limb >> 63;
        *limb = (*limb << 1) | carry;
        carry = next;
    }
}

// a += b
#[inline(always)]
fn add(a: &mut Limbs, b: &Limbs) {
    let mut carry = false;
    for (x, y) in a.iter_mut().zip(b) {
        let (s1, c1) = x.overflowing_add(*y);
        let (s2, c2) = s1.overflowing_add(u64::from(carry));
        *x = s2;
        carry = c1 || c2;
    }
}

// a −= b; true on borrow
#[inline(always)]
fn sub(a: &mut Limbs, b: &Limbs) -> bool {
    let mut borrow = false;
    for (x, y) in a.iter_mut().zip(b) {
        let (d1, b1) = x.overflowing_sub(*y);
        let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
        *x = d2;
        borrow = b1 || b2;
    }
    borrow
}

#[inline(always)]
fn greater(a: &Limbs, b: &Limbs) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x > y;
        }
    }
    false
}

// a⁻¹ mod n for 0 < a < n; `None` for 0.
fn invert(a: &Limbs) -> Option<Scalar> {
    let mut v = *a;
    if is_zero(&v) {
        return None;
    }
    // Kaliski: keeps u·s + v·r = n and ends with r = −a⁻¹·2^k (mod n),
    // 256 ≤ k ≤ 512
    let mut u = N5;
    let (mut r, mut s) = ([0u64; 5], [1u64, 0, 0, 0, 0]);
    let mut k = 0usize;
    while !is_zero(&v) {
        if is_even(&u) {
            shr1(&mut u);
            shl1(&mut s);
        } else if is_even(&v) {
            shr1(&mut v);
            shl1(&mut r);
        } else if greater(&u, &v) {
            sub(&mut u, &v);
            shr1(&mut u);
            add(&mut r, &s);
            shl1(&mut s);
        } else {
            sub(&mut v, &u);
            shr1(&mut v);
            add(&mut s, &r);
            shl1(&mut r);
        }
        k += 1;
        if k > 512 {
            return None;
        }
    }
    if u != [1, 0, 0, 0, 0] || k < 256 {
        return None;
    }
    // r < 2n: bring it below n, then a⁻¹·2^k = n − r
    let mut reduced = r;
    if sub(&mut reduced, &N5) {
        reduced = r;
    }
    let mut almost = N5;
    sub(&mut almost, &reduced);
    let [a0, a1, a2, a3, _] = almost;
    let almost = if almost == N5 { [0; 4] } else { [a0, a1, a2, a3] };
    // ·2^(−256), then ·2^(512−k)·2^(−256): a⁻¹·2^(k−256−k+256) = a⁻¹;
    // 2^(512−k) is below n, or 2^256 ≡ 2^256 − n
    let e = 512 - k;
    let mut pow = [0u64; 4];
    if let Some(limb) = pow.get_mut(e / 64) {
        *limb = 1 << (e % 64);
    } else {
        pow = sub4(&[0; 4], &N).0;
    }
    Some(Scalar(mont(&mont(&almost, &Scalar::ONE.0), &pow)))
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;
    use super::*;
    use p256::elliptic_curve::ff::{Field, PrimeField};
    use p256::elliptic_curve::ops::{Invert, Reduce};
    use p256::{FieldBytes, U256};

    fn theirs(a: &Scalar) -> p256::Scalar {
        p256::Scalar::from_repr(FieldBytes::from(a.to_bytes())).unwrap()
    }

    fn cases() -> Vec<[u8; 32]> {
        let mut x = 0x1234_5678_9abc_def1u64;
        let mut out = vec![[0u8; 32], [0xff; 32]];
        // small values, n − small, powers of two and 2^256 − small
        for v in [1u64, 2, 3, 255, u64::MAX] {
            let mut b = [0u8; 32];
            b[24..].copy_from_slice(&v.to_be_bytes());
            out.push(b);
            out.push((-p256::Scalar::from(v)).to_repr().into());
            let mut c = [0xff; 32];
            c[24..].copy_from_slice(&(!v).to_be_bytes());
            out.push(c);
        }
        for bit in [1usize, 63, 64, 128, 200, 255] {
            let mut b = [0u8; 32];
            b[31 - bit / 8] = 1 << (bit % 8);
            out.push(b);
        }
        for _ in 0..3000 {
            let mut b = [0u8; 32];
            for byte in &mut b {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *byte = x as u8;
            }
            out.push(b);
        }
        out
    }

    #[test]
    fn constants() {
        assert_eq!(N[0].wrapping_mul(N_INV), u64::MAX);
        let r2 = (0..512).fold(p256::Scalar::ONE, |acc, _| acc.double());
        assert_eq!(theirs(&Scalar(R2)), r2);
        assert_eq!(Scalar::from_bytes(&theirs(&Scalar::ONE).to_repr().into()), Some(Scalar::ONE));
    }

    #[test]
    fn encoding_and_reduction_agree_with_p256() {
        for b in cases() {
            let want: Option<p256::Scalar> = p256::Scalar::from_repr(FieldBytes::from(b)).into();
            assert_eq!(Scalar::from_bytes(&b).map(|s| theirs(&s)), want);
            let reduced = Scalar::reduce_bytes(&b);
            assert_eq!(theirs(&reduced), <p256::Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(b)));
            assert_eq!(reduced.to_bytes(), <[u8; 32]>::from(theirs(&reduced).to_repr()));
            assert_eq!(reduced.is_zero(), bool::from(theirs(&reduced).is_zero()));
        }
    }

    #[test]
    fn products_and_inverses_agree_with_p256() {
        let all: Vec<Scalar> = cases().iter().map(Scalar::reduce_bytes).collect();
        for (a, b) in all.iter().zip(all.iter().skip(1).chain(all.first())) {
            assert_eq!(theirs(&a.multiply(b)), theirs(a) * theirs(b), "{a:?} {b:?}");
            let want: Option<p256::Scalar> = theirs(a).invert_vartime().into();
            assert_eq!(a.invert().map(|i| theirs(&i)), want, "{a:?}");
            if let Some(i) = a.invert() {
                assert_eq!(i.multiply(a), Scalar::ONE);
            }
        }
        assert_eq!(Scalar::ZERO.invert(), None);
        assert_eq!(Scalar::ONE.invert(), Some(Scalar::ONE));
    }
}
