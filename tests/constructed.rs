//! Constructed ES256 signatures on both sides of every boundary of the
//! signature check, as JWS tokens with their JWKs (tests/vectors/
//! constructed.json, which the Node suite also runs through the package and
//! checks against Node's own `crypto.verify`):
//!
//! - x(R) in [n, p) with r = x(R) − n (valid, and its high-S twin); the wrap
//!   candidate r = x(R) + (p − n) (invalid); r = p − n with x(R) = 0
//!   (invalid: a `<=` for `<` in the final x-coordinate check accepts it);
//!   R = ∞ (invalid);
//! - valid signatures whose verification doubles or passes through infinity,
//!   in the table path (keys ±G, u1·G + partial u2·Q sums meeting the last
//!   window's point) and in the window path (equal leading nibbles);
//! - (r, s) at 0, 1, n−1, n, n+1, p−n±1, p−1, p and 2²⁵⁶−1, for the keys G,
//!   −G and another, and valid ones at those values where a point has them.
//!
//! A signature with a chosen R needs no discrete logarithm: fix R, the
//! message (so e) and s, set r = x(R) mod n, u1 = e/s, u2 = r/s, and take
//! the key Q = u2⁻¹(R − u1·G). Every expectation is p256's verifier's; this
//! test fails if the file differs from what it makes (write it anew with
//! `EDGETOKEN_WRITE_VECTORS=1`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

use edgetoken::b64;
use edgetoken::es256::PublicKey;
use p256::elliptic_curve::ops::Reduce;
use p256::elliptic_curve::sec1::{FromEncodedPoint, ToEncodedPoint};
use p256::elliptic_curve::{Field, PrimeField};
use p256::{AffinePoint, EncodedPoint, FieldBytes, ProjectivePoint, Scalar, U256};
use sha2::{Digest, Sha256};

type Bytes = [u8; 32];

const P: Bytes = hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
const N: Bytes = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");

const fn hex(s: &str) -> Bytes {
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = nibble(b[2 * i]) << 4 | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(c: u8) -> u8 {
    if c <= b'9' { c - b'0' } else { c - b'a' + 10 }
}

fn add(a: &Bytes, b: &Bytes) -> Bytes {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in (0..32).rev() {
        let v = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = v as u8;
        carry = v >> 8;
    }
    out
}

fn sub(a: &Bytes, b: &Bytes) -> Bytes {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut v = i16::from(a[i]) - i16::from(b[i]) - borrow;
        borrow = i16::from(v < 0);
        if v < 0 {
            v += 256;
        }
        out[i] = v as u8;
    }
    out
}

fn small(v: u8) -> Bytes {
    let mut out = [0u8; 32];
    out[31] = v;
    out
}

fn scalar(b: &Bytes) -> Option<Scalar> {
    Option::from(Scalar::from_repr(FieldBytes::from(*b)))
}

fn bytes(s: &Scalar) -> Bytes {
    s.to_repr().into()
}

fn x_of(p: &AffinePoint) -> Bytes {
    let e = p.to_encoded_point(false);
    (*e.x().unwrap()).into()
}

// The point with this x (and even y), if there is one.
fn point_with_x(x: &Bytes) -> Option<AffinePoint> {
    let mut enc = vec![0x02];
    enc.extend_from_slice(x);
    let ep = EncodedPoint::from_bytes(&enc).ok()?;
    Option::from(AffinePoint::from_encoded_point(&ep))
}

const HEADER_KID: &str = r#"{"alg":"ES256","kid":"#;

struct Case {
    name: String,
    kid: String,
    token: String,
    valid: bool,
}

struct Maker {
    keys: Vec<(String, AffinePoint)>,
    cases: Vec<Case>,
}

impl Maker {
    fn key(&mut self, q: &AffinePoint) -> String {
        if let Some((kid, _)) = self.keys.iter().find(|(_, k)| k == q) {
            return kid.clone();
        }
        let kid = format!("c{}", self.keys.len());
        self.keys.push((kid.clone(), *q));
        kid
    }

    // The signing input for a case: its kid in the header, its name and
    // `nonce` in the claims (a far `exp`, so jwtVerify takes it).
    fn input(kid: &str, name: &str, nonce: u32) -> String {
        let header = format!(r#"{HEADER_KID}"{kid}"}}"#);
        let payload = format!(r#"{{"sub":{},"n":{nonce},"exp":4102444800}}"#, serde_json::to_string(name).unwrap());
        format!("{}.{}", b64::encode(header.as_bytes()), b64::encode(payload.as_bytes()))
    }

    fn e(input: &str) -> Scalar {
        <Scalar as Reduce<U256>>::reduce_bytes(&Sha256::digest(input.as_bytes()))
    }

    // Adds a case: `r || s` as given, over `input`, for `q`; its validity is
    // p256's verdict, which must be `expect`.
    fn push(&mut self, name: &str, q: &AffinePoint, nonce: u32, r: &Bytes, s: &Bytes, expect: bool) {
        let kid = self.key(q);
        let input = Self::input(&kid, name, nonce);
        let mut sig = r.to_vec();
        sig.extend_from_slice(s);
        let valid = reference(q, input.as_bytes(), &sig);
        assert_eq!(valid, expect, "{name}: p256 says {valid}");
        self.cases.push(Case { name: name.to_owned(), kid, token: format!("{input}.{}", b64::encode(&sig)), valid });
    }

    // A signature with R chosen: the key is made to fit (see the module
    // doc); `r` may be overridden (then it no longer matches R). `None`
    // when the construction degenerates (u2 = 0, or the key at infinity).
    fn chosen_r(&mut self, name: &str, rp: &AffinePoint, s: &Scalar, r_override: Option<&Bytes>, expect: bool) -> Option<AffinePoint> {
        let r_bytes = match r_override {
            Some(r) => *r,
            None => bytes(&<Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(x_of(rp)))),
        };
        let r = scalar(&r_bytes)?;
        // the kid is the key's, which is not known yet: use a placeholder
        // kid for e, then the key's own (the kid is in the signed header)
        let nonce = self.cases.len() as u32;
        let kid = format!("c{}", self.keys.len());
        let input = Self::input(&kid, name, nonce);
        let e = Self::e(&input);
        let w: Scalar = Option::from(s.invert())?;
        let (u1, u2) = (e * w, r * w);
        let u2_inv: Scalar = Option::from(u2.invert())?;
        let q = ((ProjectivePoint::from(*rp) - ProjectivePoint::GENERATOR * u1) * u2_inv).to_affine();
        if q == AffinePoint::IDENTITY || self.keys.iter().any(|(_, k)| *k == q) {
            return None;
        }
        self.push(name, &q, nonce, &r_bytes, &bytes(s), expect);
        Some(q)
    }

    // A standard signature by private key `d` with nonce `k`.
    fn signed(&mut self, name: &str, d: &Scalar, k: &Scalar, nonce: u32) -> (Scalar, Scalar, Scalar) {
        let q = (ProjectivePoint::GENERATOR * d).to_affine();
        let kid = self.key(&q);
        let e = Self::e(&Self::input(&kid, name, nonce));
        let r = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(x_of(&(ProjectivePoint::GENERATOR * k).to_affine())));
        let s = Option::<Scalar>::from(k.invert()).unwrap() * (e + r * d);
        (e, r, s)
    }
}

fn reference(q: &AffinePoint, message: &[u8], sig: &[u8]) -> bool {
    use p256::ecdsa::{signature::Verifier, Signature, VerifyingKey};
    let vk = VerifyingKey::from_affine(*q).unwrap();
    Signature::from_slice(sig).is_ok_and(|sig| vk.verify(message, &sig).is_ok())
}

// The signed base-2^9 digits the table path uses (least significant first).
fn digits9(k: &Scalar) -> Vec<i32> {
    let b = bytes(k);
    let bit = |i: usize| if i < 256 { (b[31 - i / 8] >> (i % 8)) & 1 } else { 0 };
    let mut out = Vec::new();
    let mut carry = 0;
    for w in 0..29 {
        let raw: i32 = (0..9).map(|j| i32::from(bit(w * 9 + j)) << j).sum::<i32>() + carry;
        let (d, c) = if raw > 256 { (raw - 512, 1) } else { (raw, 0) };
        out.push(d);
        carry = c;
    }
    out
}

fn make() -> Maker {
    let mut m = Maker { keys: Vec::new(), cases: Vec::new() };
    let s0 = Scalar::from(0x1234_5678u64);
    let g = ProjectivePoint::GENERATOR.to_affine();
    let neg_g = (-ProjectivePoint::GENERATOR).to_affine();

    // x(R) in [n, p): r = x(R) − n, valid, and its high-S twin
    let rp = (0u8..=255).find_map(|t| point_with_x(&add(&N, &small(t)))).unwrap();
    let q = m.chosen_r("x(R) >= n, r = x(R) - n", &rp, &s0, None, true).unwrap();
    let (last_input, r) = {
        let c = m.cases.last().unwrap();
        let parts: Vec<&str> = c.token.split('.').collect();
        (format!("{}.{}", parts[0], parts[1]), b64::decode(parts[2]).unwrap())
    };
    let mut twin = r[..32].to_vec();
    twin.extend_from_slice(&bytes(&-s0));
    assert!(reference(&q, last_input.as_bytes(), &twin));
    let kid = m.key(&q);
    m.cases.push(Case { name: "x(R) >= n, high-S twin".into(), kid, token: format!("{last_input}.{}", b64::encode(&twin)), valid: true });

    // the wrap candidates: r = x(R) + (p − n) for an R with x(R) < n, and the
    // same shift for the R above (invalid)
    let p_minus_n = sub(&P, &N);
    let seven = (ProjectivePoint::GENERATOR * Scalar::from(7u64)).to_affine();
    m.chosen_r("wrap: r = x(R) + (p - n)", &seven, &s0, Some(&add(&x_of(&seven), &p_minus_n)), false).unwrap();
    m.chosen_r("wrap: r = x(R) - n + (p - n), x(R) >= n", &rp, &s0, Some(&add(&sub(&x_of(&rp), &N), &p_minus_n)), false).unwrap();
    // r = p − n with x(R) = 0, on the curve as (0, ±√b): invalid
    let zero = point_with_x(&[0u8; 32]).expect("(0, √b) is on P-256");
    m.chosen_r("r = p - n, x(R) = 0", &zero, &s0, Some(&p_minus_n), false).unwrap();
    m.chosen_r("r = p - n - 1, x(R) = 0", &zero, &s0, Some(&sub(&p_minus_n, &small(1))), false).unwrap();
    // R = ∞: Q = −(u1/u2)·G, so u1·G + u2·Q is the point at infinity
    {
        let name = "R = infinity";
        let r = Scalar::from(0xabcdefu64);
        let nonce = m.cases.len() as u32;
        let kid = format!("c{}", m.keys.len());
        let e = Maker::e(&Maker::input(&kid, name, nonce));
        let q = (ProjectivePoint::GENERATOR * -(e * Option::<Scalar>::from(r.invert()).unwrap())).to_affine();
        m.push(name, &q, nonce, &bytes(&r), &bytes(&s0), false);
    }

    // valid signatures whose check doubles or passes through infinity
    let two_252 = Scalar::from(2u64).pow_vartime(&[252u64]);
    for (key_name, d) in [("G", Scalar::ONE), ("-G", -Scalar::ONE)] {
        // table path: u1·G, then u2·Q window by window; with Q = ±G and the
        // nonce k = u1 ± u2 set to (1 or 2)·D·2^252, the sum before the last
        // window (D·2^252 times Q, D the top digit of u2) is ∞ (pass
        // through) or that very point (doubling) once D matches
        for (what, times) in [("passes through infinity", 1u64), ("doubles", 2)] {
            let name = format!("table path {what}, key {key_name}");
            let found = (1u64..=16).find_map(|dd| {
                let k = d * two_252 * Scalar::from(dd * times);
                (0..400u32).find_map(|nonce| {
                    let (e, r, s) = m.signed(&name, &d, &k, nonce);
                    let w = Option::<Scalar>::from(s.invert()).unwrap();
                    let (u1, u2) = (e * w, r * w);
                    let top = digits9(&u2)[28];
                    // the Q-part sum before the last window is u1 + d·(u2 − top·2^252)
                    let before = u1 + d * (u2 - two_252 * Scalar::from(top.unsigned_abs() as u64) * if top < 0 { -Scalar::ONE } else { Scalar::ONE });
                    let last = d * two_252 * Scalar::from(top.unsigned_abs() as u64) * if top < 0 { -Scalar::ONE } else { Scalar::ONE };
                    let hit = if times == 1 { bool::from(before.is_zero()) } else { before == last && !bool::from(last.is_zero()) };
                    hit.then_some((nonce, r, s))
                })
            });
            let (nonce, r, s) = found.unwrap_or_else(|| panic!("{name}: none found"));
            let q = if d == Scalar::ONE { g } else { neg_g };
            m.push(&name, &q, nonce, &bytes(&r), &bytes(&s), true);
        }
        // window path (most significant nibble first, u1's digit then
        // u2's): equal leading nibbles make the second addition a doubling
        // (Q = G) or a pass through infinity (Q = −G)
        let name = format!("window path, equal leading nibbles, key {key_name}");
        let (nonce, r, s) = (0..2000u32)
            .find_map(|nonce| {
                // (a large nonce: with a small one u2 ≈ −u1 for Q = G)
                let k = <Scalar as Reduce<U256>>::reduce_bytes(&Sha256::digest(nonce.to_be_bytes()));
                let (e, r, s) = m.signed(&name, &d, &k, nonce);
                let w = Option::<Scalar>::from(s.invert()).unwrap();
                let (a, b) = (bytes(&(e * w)), bytes(&(r * w)));
                let lead = |x: &Bytes| x.iter().flat_map(|b| [b >> 4, b & 15]).position(|n| n != 0);
                let same = lead(&a) == lead(&b) && lead(&a).is_some_and(|i| (a[i / 2] >> (4 * (1 - i % 2))) & 15 == (b[i / 2] >> (4 * (1 - i % 2))) & 15);
                same.then_some((nonce, r, s))
            })
            .unwrap();
        let q = if d == Scalar::ONE { g } else { neg_g };
        m.push(&name, &q, nonce, &bytes(&r), &bytes(&s), true);
    }

    // the boundary values of r and s
    let values: Vec<(&str, Bytes)> = vec![
        ("0", [0u8; 32]),
        ("1", small(1)),
        ("n-1", sub(&N, &small(1))),
        ("n", N),
        ("n+1", add(&N, &small(1))),
        ("p-n-1", sub(&p_minus_n, &small(1))),
        ("p-n", p_minus_n),
        ("p-n+1", add(&p_minus_n, &small(1))),
        ("p-1", sub(&P, &small(1))),
        ("p", P),
        ("2^256-1", [0xffu8; 32]),
    ];
    let other = (ProjectivePoint::GENERATOR * Scalar::from(0x5eed_5eedu64)).to_affine();
    for (key_name, q) in [("G", g), ("-G", neg_g), ("other", other)] {
        for (rn, r) in &values {
            for (sn, s) in &values {
                let name = format!("r = {rn}, s = {sn}, key {key_name}");
                let nonce = m.cases.len() as u32;
                m.push(&name, &q, nonce, r, s, false);
            }
        }
    }
    // and valid where a point has x(R) = r or r + n, for s = 1 and n − 1
    let in_range = |b: &Bytes| scalar(b).is_some_and(|s| !bool::from(s.is_zero()));
    for (rn, r) in values.iter().filter(|(_, r)| in_range(r)) {
        for (sn, s) in values.iter().filter(|(_, s)| in_range(s)) {
            let s = scalar(s).unwrap();
            for (how, x) in [("x(R) = r", *r), ("x(R) = r + n", add(r, &N))] {
                if x >= P || (how == "x(R) = r + n" && add(r, &N) < *r) {
                    continue;
                }
                for rp in [point_with_x(&x)].into_iter().flatten() {
                    let name = format!("valid: r = {rn}, s = {sn}, {how}");
                    m.chosen_r(&name, &rp, &s, Some(r), true);
                }
            }
        }
    }
    m
}

fn to_json(m: &Maker) -> String {
    use serde_json::json;
    let keys: Vec<_> = m
        .keys
        .iter()
        .map(|(kid, q)| {
            let e = q.to_encoded_point(false);
            json!({ "kty": "EC", "crv": "P-256", "kid": kid, "x": b64::encode(e.x().unwrap()), "y": b64::encode(e.y().unwrap()) })
        })
        .collect();
    let cases: Vec<_> = m.cases.iter().map(|c| json!({ "name": c.name, "kid": c.kid, "token": c.token, "valid": c.valid })).collect();
    let doc = json!({
        "about": "Constructed ES256 signatures at the boundaries of the signature check (made by tests/constructed.rs; expectations are p256's verifier's)",
        "keys": keys,
        "cases": cases,
    });
    serde_json::to_string_pretty(&doc).unwrap() + "\n"
}

const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/constructed.json");

#[test]
fn constructed_cases_match_the_file_and_both_paths_agree_with_p256() {
    let m = make();
    let text = to_json(&m);
    if std::env::var_os("EDGETOKEN_WRITE_VECTORS").is_some() {
        std::fs::write(FILE, &text).unwrap();
    }
    let stored = std::fs::read_to_string(FILE).expect("tests/vectors/constructed.json (EDGETOKEN_WRITE_VECTORS=1 writes it)");
    assert!(stored == text, "tests/vectors/constructed.json differs from what tests/constructed.rs makes");
    let (mut valid, mut invalid) = (0, 0);
    for c in &m.cases {
        let (_, q) = m.keys.iter().find(|(kid, _)| *kid == c.kid).unwrap();
        let e = q.to_encoded_point(false);
        let key = PublicKey::from_coordinates(e.x().unwrap(), e.y().unwrap()).unwrap();
        let (input, sig) = c.token.rsplit_once('.').unwrap();
        let sig = b64::decode(sig).unwrap();
        assert_eq!(key.verify_windowed(input.as_bytes(), &sig), c.valid, "{} (window path)", c.name);
        assert_eq!(key.verify_table(input.as_bytes(), &sig), c.valid, "{} (table path)", c.name);
        // and through the whole JWS check
        let set = edgetoken::JwkSet::from_json(&format!(
            r#"{{"keys":[{{"kty":"EC","crv":"P-256","kid":"{}","x":"{}","y":"{}"}}]}}"#,
            c.kid,
            b64::encode(e.x().unwrap()),
            b64::encode(e.y().unwrap())
        ))
        .unwrap();
        let verdict = edgetoken::compact_verify(&c.token, &set);
        assert_eq!(verdict.is_ok(), c.valid, "{} (compact_verify: {:?})", c.name, verdict.err());
        if c.valid { valid += 1 } else { invalid += 1 }
    }
    assert!(valid >= 15 && invalid >= 300, "{valid} valid, {invalid} invalid cases");
}
