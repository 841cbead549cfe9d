//! Fixed-base tables for ES256 verification.
//!
//! Verifying needs R = u1·G + u2·Q. G is fixed forever and each JWKS key Q
//! for hours, so both get tables of their multiples: for window i and digit
//! j, the affine point j·2^(9i)·P, j = 1 … 256. A scalar is recoded into
//! 29 signed 9-bit digits in [−256, 256], and a scalar multiplication is
//! then one mixed addition per non-zero digit (a negative digit adds the
//! point with y negated) and no doublings: at most 58 additions per
//! verification. The arithmetic is in XYZZ coordinates (X/ZZ, Y/ZZZ) over
//! [`Fe`], with the exceptional cases of mixed addition (infinity, equal
//! points, opposite points) handled explicitly. Tables are normalised with
//! a single batched inversion. The final check compares X with r·ZZ (or
//! (r+n)·ZZ), so verification needs no field inversion.
//!
//! Scalars here are public (signature and hash), so variable-time table
//! lookups leak nothing secret. The tests check everything against `p256`'s
//! own scalar multiplication and ECDSA verifier.

use super::field::Fe;
use super::scalar::Scalar;
use crate::prelude::*;
use crate::sync::Once;

/// Window width of the tables, in bits.
pub const WINDOW_BITS: usize = 9;
/// Windows per scalar: signed digits need one bit more than the scalar's 256.
pub const WINDOWS: usize = 257usize.div_ceil(WINDOW_BITS);
/// Points per window: the multiples 1 … 2^(w−1).
pub const PER_WINDOW: usize = 1 << (WINDOW_BITS - 1);

/// The most key tables (built or being built) alive at once (each 29 ×
/// 256 points, about 464 KiB); past it, keys verify without one, unless
/// one of those keys went cold (see `PublicKey`).
pub const MAX_KEY_TABLES: usize = 8;

// p − n for P-256: x(R) mod n == r also when x(R) == r + n, possible only
// when r < p − n.
const P_MINUS_N: [u8; 32] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x43, 0x19, 0x05, 0x53, 0x58, 0xe8, 0x61, 0x7b, 0x0c, 0x46,
    0x35, 0x3d, 0x03, 0x9c, 0xda, 0xae,
];
const N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6,
    0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

fn fe(bytes: &[u8; 32]) -> Option<Fe> {
    Fe::from_bytes(bytes)
}

// The curve's b, and the generator G (FIPS 186-4 D.1.2.3).
const B: [u8; 32] = [
    0x5a, 0xc6, 0x35, 0xd8, 0xaa, 0x3a, 0x93, 0xe7, 0xb3, 0xeb, 0xbd, 0x55, 0x76, 0x98, 0x86, 0xbc, 0x65, 0x1d,
    0x06, 0xb0, 0xcc, 0x53, 0xb0, 0xf6, 0x3b, 0xce, 0x3c, 0x3e, 0x27, 0xd2, 0x60, 0x4b,
];
const GX: [u8; 32] = [
    0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03,
    0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
];
const GY: [u8; 32] = [
    0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce,
    0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5,
];

/// An affine point on P-256 (never the point at infinity).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Affine {
    x: Fe,
    y: Fe,
}

impl Affine {
    /// The point with big-endian coordinates `x`, `y`, if both are below p
    /// and y² = x³ − 3x + b.
    pub fn from_coordinates(x: &[u8; 32], y: &[u8; 32]) -> Option<Affine> {
        let (x, y) = (fe(x)?, fe(y)?);
        let rhs = x.square().multiply(&x).sub(&x.double().add(&x)).add(&fe(&B)?);
        (y.square() == rhs).then_some(Affine { x, y })
    }

    /// The generator G.
    pub fn generator() -> Option<Affine> {
        Affine::from_coordinates(&GX, &GY)
    }
}

/// A point in XYZZ coordinates: x = X/ZZ, y = Y/ZZZ, with ZZ³ = ZZZ²;
/// ZZ = 0 is the point at infinity. Its mixed addition takes 8M + 2S and 6
/// field additions, where Xyzz's takes 7M + 4S and 13: in a build
/// optimized for size each field addition is a call, so this is faster.
#[derive(Clone, Copy)]
struct Xyzz {
    x: Fe,
    y: Fe,
    zz: Fe,
    zzz: Fe,
}

impl Xyzz {
    const INFINITY: Xyzz = Xyzz { x: Fe::ONE, y: Fe::ONE, zz: Fe::ZERO, zzz: Fe::ZERO };

    fn from_affine(p: &Affine) -> Xyzz {
        Xyzz { x: p.x, y: p.y, zz: Fe::ONE, zzz: Fe::ONE }
    }

    fn is_infinity(&self) -> bool {
        self.zz.is_zero()
    }

    // dbl-2008-s-1, with M = 3·X² + a·ZZ² = 3·(X − ZZ)·(X + ZZ) for a = −3.
    fn double(&self) -> Xyzz {
        if self.is_infinity() || self.y.is_zero() {
            return Xyzz::INFINITY;
        }
        let u = self.y.double();
        let v = u.square();
        let w = u.multiply(&v);
        let s = self.x.multiply(&v);
        let t = self.x.sub(&self.zz).multiply(&self.x.add(&self.zz));
        let m = t.double().add(&t);
        let x3 = m.square().sub(&s.double());
        let y3 = m.multiply(&s.sub(&x3)).sub(&w.multiply(&self.y));
        Xyzz { x: x3, y: y3, zz: v.multiply(&self.zz), zzz: w.multiply(&self.zzz) }
    }

    // madd-2008-s, with the exceptional cases.
    fn add_affine(&self, q: &Affine) -> Xyzz {
        if self.is_infinity() {
            return Xyzz::from_affine(q);
        }
        let p = q.x.multiply(&self.zz).sub(&self.x);
        let r = q.y.multiply(&self.zzz).sub(&self.y);
        if p.is_zero() {
            // same x: the same point (double it) or its opposite (infinity)
            return if r.is_zero() { self.double() } else { Xyzz::INFINITY };
        }
        let pp = p.square();
        let ppp = p.multiply(&pp);
        let q1 = self.x.multiply(&pp);
        let x3 = r.square().sub(&ppp).sub(&q1.double());
        let y3 = r.multiply(&q1.sub(&x3)).sub(&self.y.multiply(&ppp));
        Xyzz { x: x3, y: y3, zz: self.zz.multiply(&pp), zzz: self.zzz.multiply(&ppp) }
    }
}

// XYZZ → affine for many points with one inversion (Montgomery's trick on
// ZZ·ZZZ: its inverse t gives 1/ZZ = t·ZZZ and 1/ZZZ = t·ZZ). None if any
// point is at infinity.
fn normalize(points: &[Xyzz]) -> Option<Vec<Affine>> {
    let mut prefix = Vec::with_capacity(points.len());
    let mut acc = Fe::ONE;
    for p in points {
        if p.is_infinity() {
            return None;
        }
        prefix.push(acc);
        acc = acc.multiply(&p.zz.multiply(&p.zzz));
    }
    let mut inv = invert(&acc)?;
    let mut out = vec![Affine { x: Fe::ZERO, y: Fe::ZERO }; points.len()];
    for ((p, before), slot) in points.iter().zip(prefix.iter()).zip(out.iter_mut()).rev() {
        let t = inv.multiply(before);
        inv = inv.multiply(&p.zz.multiply(&p.zzz));
        *slot = Affine { x: p.x.multiply(&t.multiply(&p.zzz)), y: p.y.multiply(&t.multiply(&p.zz)) };
    }
    Some(out)
}

// p − 2, little-endian 64-bit limbs: a^(p−2) = a⁻¹ (Fermat). A plain
// square-and-multiply loop: a fraction of the code of an addition chain,
// and inversions here are one per table or per windowed verification.
const P_MINUS_2: [u64; 4] = [0xffff_ffff_ffff_fffd, 0x0000_0000_ffff_ffff, 0, 0xffff_ffff_0000_0001];

fn invert(a: &Fe) -> Option<Fe> {
    if a.is_zero() {
        return None;
    }
    let mut acc = Fe::ONE;
    for limb in P_MINUS_2.iter().rev() {
        for bit in (0..64).rev() {
            acc = acc.square();
            if (limb >> bit) & 1 == 1 {
                acc = acc.multiply(a);
            }
        }
    }
    Some(acc)
}

/// Multiples of one point, for fixed-base scalar multiplication.
pub struct Table {
    points: Vec<Affine>,
}

impl core::fmt::Debug for Table {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Table").field("points", &self.points.len()).finish()
    }
}

/// `k` as signed base-2^9 digits in [−256, 256], least significant first:
/// k = Σ d_i·2^(9i).
pub fn signed_digits(k: &Scalar) -> [i32; WINDOWS] {
    let limbs = k.limbs();
    let mut out = [0i32; WINDOWS];
    let mut carry = 0i32;
    for (i, d) in out.iter_mut().enumerate() {
        let (at, shift) = ((i * WINDOW_BITS) / 64, (i * WINDOW_BITS) % 64);
        let mut bits = limbs.get(at).copied().unwrap_or(0) >> shift;
        if shift + WINDOW_BITS > 64 {
            bits |= limbs.get(at + 1).copied().unwrap_or(0) << (64 - shift);
        }
        let raw = (bits & ((1 << WINDOW_BITS) - 1)) as i32 + carry;
        // raw is in [0, 512]: above 256 it becomes raw − 512 and carries 1
        (*d, carry) = if raw > PER_WINDOW as i32 { (raw - 2 * PER_WINDOW as i32, 1) } else { (raw, 0) };
    }
    out
}

/// A table under construction, a few windows at a time: spread over
/// several verifications, no single one pays for a whole table (a Workers
/// request has a CPU budget). (Which keys may have tables, at most
/// [`MAX_KEY_TABLES`] at a time, is the key's business: see `PublicKey`.)
#[derive(Debug)]
pub struct Builder {
    // the windows built so far, as a table under construction
    table: Table,
    base: Affine,
}

impl Builder {
    /// A builder for G's table.
    pub fn generator() -> Option<Builder> {
        Some(Builder { table: Table::empty(), base: Affine::generator()? })
    }

    /// A builder for a key's table.
    pub fn for_key(q: &Affine) -> Builder {
        Builder { table: Table::empty(), base: *q }
    }

    /// Whether every window is built.
    pub fn is_complete(&self) -> bool {
        self.table.is_usable()
    }

    /// Builds up to `windows` more windows; the number built. `None` if a
    /// point came out at infinity (impossible for a point of prime order).
    pub fn step(&mut self, windows: usize) -> Option<usize> {
        let mut built = 0;
        while built < windows && !self.is_complete() {
            let mut acc = Xyzz::from_affine(&self.base);
            let mut window = Vec::with_capacity(PER_WINDOW + 1);
            window.push(acc);
            for _ in 1..PER_WINDOW {
                acc = acc.add_affine(&self.base);
                window.push(acc);
            }
            // the next window's base: 2^9 · base = 2 · (256 · base)
            window.push(acc.double());
            let mut affine = normalize(&window)?;
            self.base = affine.pop()?;
            self.table.points.extend(affine);
            built += 1;
        }
        Some(built)
    }

    /// The finished table (`None` unless complete).
    pub fn finish(self) -> Option<Table> {
        self.is_complete().then_some(self.table)
    }

    fn complete(mut self) -> Option<Table> {
        self.step(WINDOWS)?;
        self.finish()
    }
}

impl Table {
    /// The table of the generator, built now.
    pub fn generator() -> Table {
        Builder::generator().and_then(Builder::complete).unwrap_or_else(Table::empty)
    }

    /// A table for a key, built now (`None` only if a point came out at
    /// infinity, impossible for a point of prime order).
    pub fn for_key(q: &Affine) -> Option<Table> {
        Builder::for_key(q).complete()
    }

    fn empty() -> Table {
        Table { points: Vec::with_capacity(WINDOWS * PER_WINDOW) }
    }

    /// Whether the table has all its points (G's always does).
    pub fn is_usable(&self) -> bool {
        self.points.len() >= WINDOWS * PER_WINDOW
    }

    // acc + k·P, or None if the table is empty.
    fn add_multiple(&self, mut acc: Xyzz, k: &Scalar) -> Option<Xyzz> {
        if self.points.is_empty() {
            return None;
        }
        for (window, d) in signed_digits(k).iter().enumerate() {
            if *d == 0 {
                continue;
            }
            let p = self.points.get(window * PER_WINDOW + d.unsigned_abs() as usize - 1)?;
            acc = if *d > 0 { acc.add_affine(p) } else { acc.add_affine(&Affine { x: p.x, y: p.y.neg() }) };
        }
        Some(acc)
    }
}

/// Checks r == x(u1·G + u2·Q) mod n with the tables. `None` when a table is
/// unusable (empty).
pub fn verify(g: &Table, q: &Table, u1: &Scalar, u2: &Scalar, r: &Scalar) -> Option<bool> {
    let point = q.add_multiple(g.add_multiple(Xyzz::INFINITY, u1)?, u2)?;
    check_x(&point, r)
}

/// Like [`verify`] for a key without a table, and without G's big table
/// (so the first verifications after a cold start build nothing large):
/// u1·G + u2·Q by interleaved 4-bit windows over 1·P … 15·P of each point
/// (256 doublings, at most 128 additions).
pub fn verify_windowed(q: &Affine, u1: &Scalar, u2: &Scalar, r: &Scalar) -> Option<bool> {
    let g = G_MULTIPLES.get_or_init(|| Affine::generator().and_then(|g| multiples(&g))).as_deref()?;
    let point = mul2_windowed(g, &multiples(q)?, u1, u2)?;
    check_x(&point, r)
}

// 1·G … 15·G, computed once.
static G_MULTIPLES: Once<Option<Vec<Affine>>> = Once::new();

// 1·P … 15·P, affine.
fn multiples(p: &Affine) -> Option<Vec<Affine>> {
    let mut out = Vec::with_capacity(15);
    let mut acc = Xyzz::from_affine(p);
    out.push(acc);
    for _ in 1..15 {
        acc = acc.add_affine(p);
        out.push(acc);
    }
    normalize(&out)
}

// a·P + b·Q with 4-bit windows, most significant first; `p` and `q` hold
// 1·P … 15·P and 1·Q … 15·Q.
fn mul2_windowed(p: &[Affine], q: &[Affine], a: &Scalar, b: &Scalar) -> Option<Xyzz> {
    let mut acc = Xyzz::INFINITY;
    for (byte_a, byte_b) in a.to_bytes().iter().zip(b.to_bytes().iter()) {
        for shift in [4u8, 0] {
            for _ in 0..4 {
                acc = acc.double();
            }
            for (digit, table) in [((byte_a >> shift) & 0x0f, p), ((byte_b >> shift) & 0x0f, q)] {
                if digit != 0 {
                    acc = acc.add_affine(table.get(usize::from(digit) - 1)?);
                }
            }
        }
    }
    Some(acc)
}

// r == x(point) mod n, without inverting ZZ: X == r·ZZ (or (r+n)·ZZ).
fn check_x(point: &Xyzz, r: &Scalar) -> Option<bool> {
    if point.is_infinity() {
        return Some(false);
    }
    let r_bytes = r.to_bytes();
    let r_fe = fe(&r_bytes)?;
    if point.x == r_fe.multiply(&point.zz) {
        return Some(true);
    }
    // x(R) may be r + n when that is still below p
    Some(r_bytes < P_MINUS_N && point.x == r_fe.add(&fe(&N)?).multiply(&point.zz))
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256_13::elliptic_curve::ops::Reduce;
    use p256_13::elliptic_curve::sec1::ToEncodedPoint;
    use p256_13::{AffinePoint, FieldBytes, ProjectivePoint, Scalar as P256Scalar, U256};

    // the crate's scalar of p256's, for the arithmetic the tests do with p256
    fn own(k: &P256Scalar) -> Scalar {
        Scalar::from_bytes(&k.to_bytes().into()).unwrap()
    }

    impl Affine {
        fn from_point(p: &AffinePoint) -> Option<Affine> {
            let e = p.to_encoded_point(false);
            Affine::from_coordinates(&(*e.x()?).into(), &(*e.y()?).into())
        }
    }

    #[test]
    fn inversion_matches_p256() {
        for seed in 1..20u64 {
            let b: [u8; 32] = scalar(seed).to_bytes().into();
            let a = fe(&b).unwrap();
            let theirs = p256_13::FieldElement::from_bytes(&FieldBytes::from(b)).unwrap().invert().unwrap();
            assert_eq!(invert(&a).map(|i| i.to_bytes()), Some(theirs.to_bytes().into()));
            assert_eq!(invert(&a).unwrap().multiply(&a), Fe::ONE);
        }
        assert_eq!(invert(&Fe::ZERO), None);
        assert_eq!(invert(&Fe::ONE), Some(Fe::ONE));
    }

    #[test]
    fn generator_and_curve_check() {
        assert_eq!(Affine::generator(), Affine::from_point(&ProjectivePoint::GENERATOR.to_affine()));
        // off the curve: G with y + 1
        let mut y = GY;
        y[31] ^= 1;
        assert_eq!(Affine::from_coordinates(&GX, &y), None);
        // coordinates ≥ p are refused
        assert_eq!(Affine::from_coordinates(&[0xff; 32], &GY), None);
    }

    #[test]
    fn curve_check_agrees_with_p256() {
        use p256_13::elliptic_curve::sec1::FromEncodedPoint;
        let theirs = |x: &[u8; 32], y: &[u8; 32]| -> bool {
            let e = p256_13::EncodedPoint::from_affine_coordinates(&(*x).into(), &(*y).into(), false);
            AffinePoint::from_encoded_point(&e).is_some().into()
        };
        // p itself: out of range as a coordinate
        let mut p_bytes = [0xffu8; 32];
        p_bytes[4..20].fill(0);
        p_bytes[7] = 1;
        let mut cases = vec![(GX, GY), ([0; 32], [0; 32]), (p_bytes, GY), (GX, p_bytes), ([0xff; 32], [0xff; 32])];
        for k in 1..40u64 {
            let e = (ProjectivePoint::GENERATOR * scalar(k)).to_affine().to_encoded_point(false);
            let (x, y): ([u8; 32], [u8; 32]) = ((*e.x().unwrap()).into(), (*e.y().unwrap()).into());
            cases.push((x, y));
            // the negation (p − y) is on the curve too; a flipped bit of
            // either coordinate is not
            let minus_y = (-p256_13::FieldElement::from_bytes(&y.into()).unwrap()).to_bytes().into();
            cases.push((x, minus_y));
            let (mut bx, mut by) = (x, y);
            bx[(k % 32) as usize] ^= 1 << (k % 8);
            by[(k * 7 % 32) as usize] ^= 1 << (k % 5);
            cases.push((bx, y));
            cases.push((x, by));
            cases.push((scalar(k * 31).to_bytes().into(), scalar(k * 17).to_bytes().into()));
        }
        for (x, y) in cases {
            assert_eq!(Affine::from_coordinates(&x, &y).is_some(), theirs(&x, &y), "{x:02x?} {y:02x?}");
        }
    }

    #[test]
    fn windowed_multiples_match_p256() {
        let q_point = (ProjectivePoint::GENERATOR * scalar(77)).to_affine();
        let q = Affine::from_point(&q_point).unwrap();
        let qm = multiples(&q).unwrap();
        let gm = multiples(&Affine::generator().unwrap()).unwrap();
        for k in [P256Scalar::ONE, -P256Scalar::ONE, P256Scalar::from(15u64), P256Scalar::from(16u64), scalar(3), scalar(4)] {
            let want = Affine::from_point(&(ProjectivePoint::from(q_point) * k).to_affine()).unwrap();
            assert_eq!(x_of(&mul2_windowed(&gm, &qm, &Scalar::ZERO, &own(&k)).unwrap()), want.x);
            // a·G + b·Q against p256
            let j = scalar(11) * k;
            let want = Affine::from_point(&(ProjectivePoint::GENERATOR * j + ProjectivePoint::from(q_point) * k).to_affine()).unwrap();
            assert_eq!(x_of(&mul2_windowed(&gm, &qm, &own(&j), &own(&k)).unwrap()), want.x);
        }
        assert!(mul2_windowed(&gm, &qm, &Scalar::ZERO, &Scalar::ZERO).unwrap().is_infinity());
    }

    fn scalar(seed: u64) -> P256Scalar {
        let mut b = [0u8; 32];
        let mut x = seed;
        for byte in &mut b {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *byte = x as u8;
        }
        <P256Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(b))
    }

    fn x_of(j: &Xyzz) -> Fe {
        let a = normalize(&[*j]).unwrap();
        a[0].x
    }

    #[test]
    fn table_multiples_match_p256() {
        let g = Table::generator();
        assert_eq!(g.points.len(), 29 * 256);
        let q_point = (ProjectivePoint::GENERATOR * scalar(99)).to_affine();
        let q = Table::for_key(&Affine::from_point(&q_point).unwrap()).unwrap();
        assert_eq!(q.points.len(), 29 * 256);
        for seed in 1..40u64 {
            let k = scalar(seed);
            let want_g = Affine::from_point(&(ProjectivePoint::GENERATOR * k).to_affine()).unwrap();
            assert_eq!(x_of(&g.add_multiple(Xyzz::INFINITY, &own(&k)).unwrap()), want_g.x);
            let want_q = Affine::from_point(&(ProjectivePoint::from(q_point) * k).to_affine()).unwrap();
            assert_eq!(x_of(&q.add_multiple(Xyzz::INFINITY, &own(&k)).unwrap()), want_q.x);
        }
        // edge scalars: 1, n−1 (the negation), 2^255-ish, digits at ±256
        // and runs of ones that carry through every window
        let mut ones = [0xffu8; 32];
        ones[0] = 0x7f;
        let at_256 = P256Scalar::from(256u64) + P256Scalar::from(256u64 << 9) + P256Scalar::from(257u64 << 18);
        for k in [P256Scalar::ONE, -P256Scalar::ONE, scalar(7) + scalar(8), at_256, P256Scalar::from(511u64),
                  <P256Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(ones))] {
            let want = Affine::from_point(&(ProjectivePoint::GENERATOR * k).to_affine()).unwrap();
            assert_eq!(x_of(&g.add_multiple(Xyzz::INFINITY, &own(&k)).unwrap()), want.x);
        }
        // zero gives infinity
        assert!(g.add_multiple(Xyzz::INFINITY, &Scalar::ZERO).unwrap().is_infinity());
    }

    #[test]
    fn signed_digits_recompose_the_scalar() {
        for seed in 1..200u64 {
            let k = scalar(seed);
            let digits = signed_digits(&own(&k));
            assert!(digits.iter().all(|d| d.unsigned_abs() as usize <= PER_WINDOW));
            let mut sum = P256Scalar::ZERO;
            for d in digits.iter().rev() {
                sum *= P256Scalar::from(512u64);
                sum = if *d >= 0 { sum + P256Scalar::from(d.unsigned_abs() as u64) } else { sum - P256Scalar::from(d.unsigned_abs() as u64) };
            }
            assert_eq!(sum, k, "seed {seed}");
        }
    }

    #[test]
    fn built_a_few_windows_at_a_time_is_the_same_table() {
        let q = Affine::from_point(&(ProjectivePoint::GENERATOR * scalar(3)).to_affine()).unwrap();
        let whole = Table::for_key(&q).unwrap();
        let mut b = Builder::for_key(&q);
        let mut steps = 0;
        while !b.is_complete() {
            assert!(b.step(4).unwrap() <= 4);
            steps += 1;
        }
        assert_eq!(steps, WINDOWS.div_ceil(4));
        assert_eq!(b.step(4), Some(0));
        let stepped = b.finish().unwrap();
        assert!(stepped.is_usable() && whole.is_usable());
        assert_eq!(stepped.points, whole.points);
        // an unfinished builder gives no table
        let mut partial = Builder::generator().unwrap();
        partial.step(3).unwrap();
        assert!(partial.finish().is_none());
    }

    #[test]
    fn exceptional_additions() {
        let g = Affine::from_point(&ProjectivePoint::GENERATOR.to_affine()).unwrap();
        let p = Xyzz::from_affine(&g);
        // P + P doubles, P + (−P) is infinity
        let two = Affine::from_point(&(ProjectivePoint::GENERATOR + ProjectivePoint::GENERATOR).to_affine()).unwrap();
        assert_eq!(x_of(&p.add_affine(&g)), two.x);
        let neg = Affine { x: g.x, y: g.y.neg() };
        assert!(p.add_affine(&neg).is_infinity());
        // u1·G + u2·Q where the two halves cancel: verify answers, and false
        let q = Table::for_key(&g).unwrap();
        let gt = Table::generator();
        let k = scalar(5);
        assert_eq!(verify(&gt, &q, &own(&k), &own(&(-k)), &Scalar::ONE), Some(false));
        assert_eq!(verify_windowed(&g, &own(&k), &own(&(-k)), &Scalar::ONE), Some(false));
    }
}
