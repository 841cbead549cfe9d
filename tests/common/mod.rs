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

/// The reference ES256 verifier: `p256`'s own ECDSA, given the key's SEC1
/// point and the raw 64-byte `r || s`.
pub fn reference(key: &edgetoken::es256::PublicKey, message: &[u8], signature: &[u8]) -> bool {
    use p256::ecdsa::{signature::Verifier, VerifyingKey};
    let vk = VerifyingKey::from_sec1_bytes(&key.to_sec1()).unwrap();
    signature.len() == 64 && Signature::from_slice(signature).is_ok_and(|sig| vk.verify(message, &sig).is_ok())
}

/// A deterministic generator (xorshift64*), so failures reproduce.
pub struct Rng(pub u64);
impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
