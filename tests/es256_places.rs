//! Which keys get the fixed-base tables when more keys compete than there
//! are places (`MAX_KEY_TABLES`): the keys in use end up with them, a key
//! that went quiet (with a finished table or a half-built one) gives its
//! place up after `COLD_AFTER` verifications, and keys used in turn keep
//! theirs. Its own test binary, so no other test's keys take places.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

use edgetoken::es256::table::MAX_KEY_TABLES;
use edgetoken::es256::{PublicKey, COLD_AFTER, TABLE_AFTER_USES};
use p256::ecdsa::{signature::Signer, Signature, SigningKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;

struct Key {
    seed: u8,
    pk: PublicKey,
    sigs: Vec<Vec<u8>>,
}

fn key(seed: u8) -> Key {
    let sk = SigningKey::from_slice(&[seed; 32]).unwrap();
    let p = sk.verifying_key().as_affine().to_encoded_point(false);
    let pk = PublicKey::from_coordinates(p.x().unwrap(), p.y().unwrap()).unwrap();
    // a few signatures to cycle through (signing is the slow part natively)
    let sigs = (0..4u8).map(|i| { let s: Signature = sk.sign(&[seed, i]); s.to_bytes().to_vec() }).collect();
    Key { seed, pk, sigs }
}

// The message signature `i` of `k` signs.
fn message_of(k: &Key, i: usize) -> [u8; 2] {
    [k.seed, i as u8]
}

// One verification of `k`, checked, with a tampered one (which must fail)
// every few calls.
fn use_key(k: &Key, round: usize) {
    let i = round % k.sigs.len();
    assert!(k.pk.verify(&message_of(k, i), &k.sigs[i]), "a valid signature verifies");
    if round % 5 == 0 {
        let mut bad = k.sigs[i].clone();
        bad[50] ^= 1;
        assert!(!k.pk.verify(&message_of(k, i), &bad), "a tampered signature fails");
    }
}

#[test]
fn the_hottest_keys_end_up_with_the_tables() {
    assert_eq!(MAX_KEY_TABLES, 8);
    let keys: Vec<Key> = (1..=14u8).map(key).collect();
    // 14 keys in turn: eight get places and build their tables; all are
    // hot, so none takes another's place
    let rounds = TABLE_AFTER_USES as usize + 20;
    for round in 0..rounds {
        for k in &keys {
            use_key(k, round);
        }
    }
    let with_tables = keys.iter().filter(|k| k.pk.has_table()).count();
    assert_eq!(with_tables, MAX_KEY_TABLES, "every place is used");
    let holders: Vec<bool> = keys.iter().map(|k| k.pk.has_table()).collect();
    for round in 0..10 {
        for k in &keys {
            use_key(k, round);
        }
    }
    assert_eq!(keys.iter().map(|k| k.pk.has_table()).collect::<Vec<_>>(), holders, "keys used in turn keep their places");

    // then eight of them hot, among them keys that had no table: once the
    // others have been idle for COLD_AFTER verifications, the hot ones take
    // their places
    let hot: Vec<&Key> = keys.iter().enumerate().filter(|(i, _)| i % 14 >= 6).map(|(_, k)| k).collect();
    assert_eq!(hot.len(), 8);
    assert!(hot.iter().any(|k| !k.pk.has_table()), "some hot keys start without a table");
    let rounds = (COLD_AFTER as usize).div_ceil(hot.len()) + 20;
    for round in 0..rounds {
        for k in &hot {
            use_key(k, round);
        }
    }
    assert!(hot.iter().all(|k| k.pk.has_table()), "every hot key has its table");
    assert!(keys[..6].iter().all(|k| !k.pk.has_table()), "the idle keys gave theirs up");

    // a key whose table was half built when it went quiet holds no place
    // for long either
    let quiet = key(40);
    for round in 0..TABLE_AFTER_USES as usize + 2 {
        use_key(&quiet, round);
    }
    assert!(!quiet.pk.has_table(), "half built");
    let others: Vec<Key> = (50..58u8).map(key).collect();
    drop(keys); // the places of dropped keys are free at once
    let rounds = (COLD_AFTER as usize).div_ceil(others.len()) + TABLE_AFTER_USES as usize + 20;
    for round in 0..rounds {
        for k in &others {
            use_key(k, round);
        }
    }
    assert!(others.iter().all(|k| k.pk.has_table()), "the quiet key's builder did not hold its place");
    assert!(!quiet.pk.has_table());
    // and verify_table takes a place whatever the others' use
    let forced = key(60);
    let i = 0;
    assert!(forced.pk.verify_table(&message_of(&forced, i), &forced.sigs[i]));
    assert!(forced.pk.has_table());
    assert_eq!(others.iter().filter(|k| k.pk.has_table()).count(), MAX_KEY_TABLES - 1);
}
