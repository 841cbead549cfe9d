//! The fixed-base table verifier and the windowed one agree with the plain p256 verifier on
//! random keys, messages and signatures, including high-S signatures,
//! tampered signatures and edge scalars.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

mod common;
use edgetoken::es256::PublicKey;
use p256::ecdsa::{signature::Signer, Signature, SigningKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for b in &mut out {
            *b = self.next() as u8;
        }
        out
    }
}

// n - s for a 32-byte big-endian s (the high-S twin of a signature).
fn negate(s: &[u8]) -> Vec<u8> {
    const N: [u8; 32] = [0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51];
    let mut out = vec![0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = i16::from(N[i]) - i16::from(s[i]) - borrow;
        borrow = i16::from(d < 0);
        if d < 0 {
            d += 256;
        }
        out[i] = d as u8;
    }
    out
}

#[test]
fn tables_agree_with_the_reference_on_random_signatures() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let (mut valid, mut checked) = (0, 0);
    for _ in 0..40 {
        let Ok(sk) = SigningKey::from_slice(&rng.bytes::<32>()) else { continue };
        let point = sk.verifying_key().as_affine().to_encoded_point(false);
        let key = PublicKey::from_coordinates(point.x().unwrap(), point.y().unwrap()).unwrap();
        for _ in 0..5 {
            let msg = rng.bytes::<48>();
            let sig: Signature = sk.sign(&msg);
            let raw = sig.to_bytes().to_vec();
            let high_s = [&raw[..32], &negate(&raw[32..])[..]].concat();
            let mut flipped = raw.clone();
            flipped[(rng.next() % 64) as usize] ^= 1 << (rng.next() % 8);
            let mut other_msg = msg;
            other_msg[0] ^= 0x80;
            for (m, s) in [(&msg[..], &raw), (&msg[..], &high_s), (&msg[..], &flipped), (&other_msg[..], &raw)] {
                let reference = common::reference(&key, m, s);
                assert_eq!(key.verify_table(m, s), reference);
                assert_eq!(key.verify_windowed(m, s), reference);
                assert_eq!(key.verify(m, s), reference);
                valid += usize::from(reference);
                checked += 1;
            }
        }
    }
    // every untouched signature and its high-S twin verify; the rest do not
    assert!(checked >= 600, "{checked}");
    assert!(valid >= checked / 2 - 5 && valid <= checked / 2 + 5, "{valid} of {checked}");
}

#[test]
fn edge_scalars_and_the_budget() {
    let sk = SigningKey::from_slice(&[1u8; 32]).unwrap();
    let point = sk.verifying_key().as_affine().to_encoded_point(false);
    let key = PublicKey::from_coordinates(point.x().unwrap(), point.y().unwrap()).unwrap();
    let mut one = [0u8; 64];
    one[31] = 1;
    one[63] = 1;
    for sig in [[0u8; 64], one, [0xffu8; 64]] {
        assert_eq!(key.verify_table(b"m", &sig), common::reference(&key, b"m", &sig));
        assert!(!key.verify_windowed(b"m", &sig));
        assert!(!key.verify_table(b"m", &sig));
    }
    // far more keys than the table budget: all still verify (the rest without tables)
    for i in 0..(edgetoken::es256::table::MAX_KEY_TABLES + 4) {
        let sk = SigningKey::from_slice(&[i as u8 + 2; 32]).unwrap();
        let p = sk.verifying_key().as_affine().to_encoded_point(false);
        let k = PublicKey::from_coordinates(p.x().unwrap(), p.y().unwrap()).unwrap();
        let sig: Signature = sk.sign(b"budget");
        assert!(k.verify_table(b"budget", &sig.to_bytes()));
    }
}

#[test]
fn tables_are_built_a_few_windows_per_verification() {
    use edgetoken::es256::{TABLE_AFTER_USES, WINDOWS_PER_VERIFICATION};
    let sk = SigningKey::from_slice(&[0x42u8; 32]).unwrap();
    let point = sk.verifying_key().as_affine().to_encoded_point(false);
    let key = PublicKey::from_coordinates(point.x().unwrap(), point.y().unwrap()).unwrap();
    let (after, per_table) = (TABLE_AFTER_USES as usize, 29usize.div_ceil(WINDOWS_PER_VERIFICATION));
    let mut calls = 0;
    let mut ready_after = None;
    // two verifications per round, enough rounds for both tables
    let rounds = (after + 2 * per_table).div_ceil(2) + 2;
    for i in 0..rounds {
        let msg = i.to_le_bytes();
        let sig: Signature = sk.sign(&msg);
        let mut bad = sig.to_bytes().to_vec();
        bad[40] ^= 4;
        // every verification answers right while the tables grow
        for (s, want) in [(sig.to_bytes().to_vec(), true), (bad, false)] {
            assert_eq!(key.verify(&msg, &s), want, "{i}");
            calls += 1;
            if ready_after.is_none() && key.has_table() {
                ready_after = Some(calls);
            }
        }
    }
    // the key's table takes per_table verifications of building after its
    // first TABLE_AFTER_USES; G's (shared with other tests) at most as many
    // again
    let ready_after = ready_after.expect("the tables get built");
    assert!((after + per_table..=after + 2 * per_table).contains(&ready_after), "{ready_after}");
    let sig: Signature = sk.sign(b"done");
    assert!(key.verify_table(b"done", &sig.to_bytes()));
}
