//! Published test vectors: RFC 7515 appendix A.3 and Project Wycheproof
//! (files in tests/vectors/, see its README for source and licence).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

mod common;
use edgetoken::es256::PublicKey;
use edgetoken::jwk::{Jwk, JwkSet};
use edgetoken::{compact_verify, jwt_verify, VerifyOptions};
use serde_json::Value;
use std::time::{SystemTime, UNIX_EPOCH};

fn load(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex {s}");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// A Wycheproof coordinate (a DER-style integer in hex) as 32 bytes.
fn coord32(s: &str) -> Vec<u8> {
    let mut b = hex(s);
    while b.len() > 32 && b[0] == 0 {
        b.remove(0);
    }
    let mut out = vec![0u8; 32 - b.len()];
    out.extend(b);
    out
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

#[test]
fn rfc7515_a3_verifies_before_exp_and_is_expired_today() {
    let v = load("rfc7515-a3.json");
    let set = JwkSet::from_json(&format!(r#"{{"keys":[{}]}}"#, v["public_jwk"])).unwrap();
    let token = v["token"].as_str().unwrap();
    let exp = v["expected_claims"]["exp"].as_i64().unwrap();

    let jws = compact_verify(token, &set).unwrap();
    assert_eq!(jws.payload, v["expected_payload"].as_str().unwrap().as_bytes());
    // the crate's parse, written back, read by serde_json
    assert_eq!(serde_json::from_str::<Value>(&jws.header.members.to_json()).unwrap(), v["expected_header"]);

    let jwt = jwt_verify(token, &set, &VerifyOptions::at(exp - 1)).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&jwt.claims.to_json()).unwrap(), v["expected_claims"]);

    let err = jwt_verify(token, &set, &VerifyOptions::at(now())).unwrap_err();
    assert_eq!(err.code(), "ERR_JWT_EXPIRED");
    // the boundary: expired exactly at exp
    assert_eq!(jwt_verify(token, &set, &VerifyOptions::at(exp)).unwrap_err().code(), "ERR_JWT_EXPIRED");

    // The private JWK (with "d") is refused as a verification key.
    assert!(JwkSet::from_json(&format!(r#"{{"keys":[{}]}}"#, v["jwk"])).is_err());
}

#[test]
fn wycheproof_ecdsa_p256_sha256_p1363_all_262_agree() {
    let v = load("ecdsa_secp256r1_sha256_p1363_test.json");
    let (mut agree, mut total, mut jwk_groups) = (0, 0, 0);
    for g in v["testGroups"].as_array().unwrap() {
        assert_eq!(g["sha"], "SHA-256");
        let pk = &g["publicKey"];
        let key = PublicKey::from_coordinates(&coord32(pk["wx"].as_str().unwrap()), &coord32(pk["wy"].as_str().unwrap()))
            .expect("every group's key is a valid point");
        if let Some(jwk) = g.get("publicKeyJwk") {
            // the JWK route must produce the same key
            assert_eq!(Jwk::from_json(&jwk.to_string()).unwrap().key, key);
            jwk_groups += 1;
        }
        for t in g["tests"].as_array().unwrap() {
            total += 1;
            let (msg, sig) = (hex(t["msg"].as_str().unwrap()), hex(t["sig"].as_str().unwrap()));
            let ok = key.verify(&msg, &sig);
            // the table path, the windowed path and the plain p256 reference agree on every case
            assert_eq!(key.verify_table(&msg, &sig), ok, "tcId {} table", t["tcId"]);
            assert_eq!(key.verify_windowed(&msg, &sig), ok, "tcId {} windowed", t["tcId"]);
            assert_eq!(common::reference(&key, &msg, &sig), ok, "tcId {} reference", t["tcId"]);
            let want = match t["result"].as_str().unwrap() {
                "valid" => true,
                "invalid" => false,
                other => panic!("tcId {}: unexpected result {other}", t["tcId"]),
            };
            if ok == want {
                agree += 1;
            } else {
                eprintln!("disagree: tcId {} {} {:?}", t["tcId"], t["comment"], t["flags"]);
            }
        }
    }
    assert_eq!((agree, total), (262, 262));
    assert_eq!(jwk_groups, 103);
}

#[test]
fn wycheproof_webcrypto_p256_sha256_agree_and_reject_wrong_sizes() {
    let v = load("ecdsa_webcrypto_test.json");
    let (mut total, mut agree) = (0, 0);
    let mut acceptable_rejected = Vec::new();
    for g in v["testGroups"].as_array().unwrap() {
        if g["key"]["curve"] != "secp256r1" || g["sha"] != "SHA-256" {
            continue;
        }
        let key = Jwk::from_json(&g["jwk"].to_string()).unwrap().key;
        for t in g["tests"].as_array().unwrap() {
            total += 1;
            let (msg, sig) = (hex(t["msg"].as_str().unwrap()), hex(t["sig"].as_str().unwrap()));
            let ok = key.verify_table(&msg, &sig);
            assert_eq!(common::reference(&key, &msg, &sig), ok, "tcId {}", t["tcId"]);
            assert_eq!(key.verify_windowed(&msg, &sig), ok, "tcId {} windowed", t["tcId"]);
            match t["result"].as_str().unwrap() {
                "valid" if ok => agree += 1,
                "invalid" if !ok => agree += 1,
                // RFC 7518 §3.4: an ES256 signature is exactly 64 bytes, so
                // the "acceptable" wrong-size signatures are rejected.
                "acceptable" => {
                    assert!(!ok, "tcId {} should be rejected", t["tcId"]);
                    acceptable_rejected.push(t["tcId"].as_i64().unwrap());
                }
                r => panic!("tcId {} {} ({r}) disagrees", t["tcId"], t["comment"]),
            }
        }
    }
    assert_eq!(total, 219);
    assert_eq!(agree, 215);
    assert_eq!(acceptable_rejected, vec![119, 121, 123, 125]);
}

fn set_from(public: &Value) -> Result<JwkSet, edgetoken::error::KeySetError> {
    if public.get("keys").is_some() {
        JwkSet::from_json(&public.to_string())
    } else {
        JwkSet::from_json(&format!(r#"{{"keys":[{public}]}}"#))
    }
}

#[test]
fn wycheproof_jws_es256_groups_agree() {
    let v = load("json_web_signature_test.json");
    let groups = ["es256", "SpecialCaseEs256", "ec_key_for_encryption"];
    let (mut total, mut valid) = (0, 0);
    for g in v["testGroups"].as_array().unwrap() {
        if !groups.contains(&g["comment"].as_str().unwrap()) {
            continue;
        }
        let set = set_from(&g["public"]);
        for t in g["tests"].as_array().unwrap() {
            total += 1;
            let jws = t["jws"].as_str().unwrap();
            let outcome = match &set {
                Ok(set) => compact_verify(jws, set).map(|v| v.payload),
                Err(e) => Err(edgetoken::Error::KeySet(e.clone())),
            };
            match t["result"].as_str().unwrap() {
                "valid" => {
                    assert_eq!(outcome.unwrap(), b"foo", "tcId {}", t["tcId"]);
                    valid += 1;
                }
                "invalid" => assert!(outcome.is_err(), "tcId {} {} accepted", t["tcId"], t["comment"]),
                r => panic!("unexpected {r}"),
            }
        }
    }
    assert_eq!((total, valid), (41, 2));
}

#[test]
fn wycheproof_jws_es256_rejections_have_the_expected_codes() {
    let v = load("json_web_signature_test.json");
    let mut codes = std::collections::BTreeMap::new();
    for g in v["testGroups"].as_array().unwrap() {
        if g["comment"] != "es256" && g["comment"] != "SpecialCaseEs256" {
            continue;
        }
        let set = set_from(&g["public"]).unwrap();
        for t in g["tests"].as_array().unwrap() {
            if let Err(e) = compact_verify(t["jws"].as_str().unwrap(), &set) {
                codes.insert(t["tcId"].as_i64().unwrap(), e.code());
            }
        }
    }
    // HS256 with the EC key's bytes as an HMAC key: refused by algorithm.
    assert_eq!(codes[&31], "ERR_JOSE_ALG_NOT_ALLOWED");
    // An attacker's embedded "jwk" header is ignored; the real key rejects it.
    assert_eq!(codes[&32], "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
    assert_eq!(codes[&19], "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
    assert_eq!(codes[&30], "ERR_JWS_INVALID");
    // Wrong-length signatures do not verify (jose's code for them).
    assert_eq!(codes[&379], "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
    // r or s out of range: a signature failure, no detail.
    for id in 386..=401 {
        assert_eq!(codes[&id], "ERR_JWS_SIGNATURE_VERIFICATION_FAILED", "tcId {id}");
    }
}

#[test]
fn wycheproof_jwk_ec_groups_all_rejected() {
    let v = load("json_web_key_test.json");
    let groups = ["jws_mixedSymmetryKeyset", "wrong_algorithm", "invalid_algorithm", "invalid_use",
                  "invalid_point", "wrong_curve", "wrong_kty"];
    let mut total = 0;
    for g in v["testGroups"].as_array().unwrap() {
        if !groups.contains(&g["comment"].as_str().unwrap()) {
            continue;
        }
        let keys = if g["public"].is_null() { &g["private"] } else { &g["public"] };
        for t in g["tests"].as_array().unwrap() {
            total += 1;
            assert_eq!(t["result"], "invalid");
            let rejected = match set_from(keys) {
                Err(e) => {
                    assert_eq!(e.code(), "ERR_JWKS_INVALID");
                    true
                }
                Ok(set) => compact_verify(t["jws"].as_str().unwrap(), &set).is_err(),
            };
            assert!(rejected, "{} tcId {} accepted", g["comment"], t["tcId"]);
        }
    }
    assert_eq!(total, 7);
}
