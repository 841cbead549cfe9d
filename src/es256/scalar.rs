//! Inversion modulo the group order n, for the s of a signature: public, so
//! variable time is fine. Kaliski's almost-inverse (binary, shifts and
//! additions on 64-bit limbs: wasm's widest native integers) gives
//! a⁻¹·2^k; one multiplication by 2^(−k) finishes. It is several times
//! faster in wasm than the generic constant-time-minded inversion, and the
//! tests check it against `p256`'s.

use p256::elliptic_curve::ff::PrimeField;
use p256::elliptic_curve::ops::Invert;
use p256::{FieldBytes, Scalar};
use std::sync::OnceLock;

type Limbs = [u64; 5];

const N: Limbs = [0xf3b9_cac2_fc63_2551, 0xbce6_faad_a717_9e84, 0xffff_ffff_ffff_ffff, 0xffff_ffff_0000_0000, 0];

/// `a` as little-endian 64-bit limbs, with a fifth limb of zero for
/// carries (also how the tables read a scalar's digits).
pub fn limbs(a: &Scalar) -> [u64; 5] {
    let bytes: [u8; 32] = a.to_repr().into();
    let mut out = [0u64; 5];
    for (limb, chunk) in out.iter_mut().zip(bytes.rchunks_exact(8)) {
        *limb = u64::from_be_bytes(chunk.try_into().unwrap_or_default());
    }
    out
}

fn to_scalar(a: &Limbs) -> Option<Scalar> {
    let mut bytes = [0u8; 32];
    for (chunk, limb) in bytes.rchunks_exact_mut(8).zip(a) {
        chunk.copy_from_slice(&limb.to_be_bytes());
    }
    Option::from(Scalar::from_repr(FieldBytes::from(bytes)))
}

fn is_zero(a: &Limbs) -> bool {
    a.iter().all(|l| *l == 0)
}

fn is_even(a: &Limbs) -> bool {
    a.first().is_some_and(|l| l & 1 == 0)
}

fn shr1(a: &mut Limbs) {
    let mut carry = 0u64;
    for limb in a.iter_mut().rev() {
        let next = *limb << 63;
        *limb = (*limb >> 1) | carry;
        carry = next;
    }
}

fn shl1(a: &mut Limbs) {
    let mut carry = 0u64;
    for limb in a.iter_mut() {
        let next = *limb >> 63;
        *limb = (*limb << 1) | carry;
        carry = next;
    }
}

// a += b
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

fn greater(a: &Limbs, b: &Limbs) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x > y;
        }
    }
    false
}

// 2^(−512) mod n, computed once.
static INV_2_512: OnceLock<Option<Scalar>> = OnceLock::new();

/// a⁻¹ mod n; `None` for 0.
pub fn invert(a: &Scalar) -> Option<Scalar> {
    let mut v = limbs(a);
    if is_zero(&v) {
        return None;
    }
    // Kaliski: keeps u·s + v·r = n and ends with r = −a⁻¹·2^k (mod n)
    let mut u = N;
    let (mut r, mut s) = ([0u64; 5], [1u64, 0, 0, 0, 0]);
    let mut k = 0u32;
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
            return Option::from(a.invert_vartime());
        }
    }
    if u != [1, 0, 0, 0, 0] {
        return None;
    }
    // r < 2n: bring it below n, then a⁻¹·2^k = n − r
    let mut reduced = r;
    if sub(&mut reduced, &N) {
        reduced = r;
    }
    let mut almost = N;
    sub(&mut almost, &reduced);
    let almost = if almost == N { Scalar::ZERO } else { to_scalar(&almost)? };
    // a⁻¹ = almost · 2^(−k) = almost · 2^(512−k) · 2^(−512)
    let inv_2_512 = (*INV_2_512.get_or_init(|| {
        let half: Option<Scalar> = Scalar::from(2u64).invert().into();
        half.map(|h| (0..9).fold(h, |acc, _| acc.square()))
    }))?;
    let mut pow = [0u64; 5];
    let e = 512 - k as usize;
    if let Some(limb) = pow.get_mut(e / 64) {
        *limb = 1 << (e % 64);
    }
    // 2^(512−k) ≤ 2^256: at 2^256 (k = 256) it is 2 · 2^255
    let pow = if e == 256 {
        let mut half = [0u64; 5];
        if let Some(limb) = half.get_mut(3) {
            *limb = 1 << 63;
        }
        to_scalar(&half)?.double()
    } else {
        to_scalar(&pow)?
    };
    Some(almost * pow * inv_2_512)
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::elliptic_curve::ops::Reduce;
    use p256::U256;

    #[test]
    fn agrees_with_p256() {
        let mut x = 0x1234_5678_9abc_def1u64;
        let mut cases = vec![Scalar::ONE, -Scalar::ONE, Scalar::from(2u64), Scalar::from(3u64), -Scalar::from(2u64)];
        for shift in [1u64, 63, 64] {
            cases.push(Scalar::from(1u64 << (shift % 64)) * Scalar::from(2u64));
        }
        for _ in 0..3000 {
            let mut b = [0u8; 32];
            for byte in &mut b {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *byte = x as u8;
            }
            cases.push(<Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(b)));
        }
        for a in cases {
            let want: Option<Scalar> = a.invert_vartime().into();
            assert_eq!(invert(&a), want, "{a:?}");
            assert_eq!(invert(&a).map(|i| i * a), Some(Scalar::ONE));
        }
        assert_eq!(invert(&Scalar::ZERO), None);
    }
}
