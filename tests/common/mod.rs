//! Test helpers: sign tokens with the RFC 7515 A.3 private key.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

use edgetoken::b64;
use edgetoken::JwkSet;
use p256::ecdsa::{signature::Signer, Signature, SigningKey};

pub const D: &str = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
pub const X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
pub const Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";

pub fn keys(kid: &str) -> JwkSet {
    JwkSet::from_json(&format!(r#"{{"keys":[{{"kty":"EC","crv":"P-256","kid":"{kid}","x":"{X}","y":"{Y}"}}]}}"#)).unwrap()
}

/// Signs raw header and payload JSON texts as a compact JWS.
pub fn sign(header: &str, payload: &str) -> String {
    let key = SigningKey::from_slice(&b64::decode(D).unwrap()).unwrap();
    let input = format!("{}.{}", b64::encode(header.as_bytes()), b64::encode(payload.as_bytes()));
    let sig: Signature = key.sign(input.as_bytes());
    format!("{input}.{}", b64::encode(&sig.to_bytes()))
}

/// Signs `payload` with a normal ES256 header carrying kid "k".
pub fn jwt(payload: &str) -> String {
    sign(r#"{"alg":"ES256","kid":"k","typ":"JWT"}"#, payload)
}
