#![doc = include_str!("../README.md")]

pub mod b64;
pub mod claims;
pub mod discovery;
pub mod duration;
pub mod error;
pub mod es256;
pub mod http;
pub mod json;
pub mod jwk;
pub mod jwks_cache;
pub mod refresh;
pub mod session;
pub mod token;
pub mod token_cache;
pub mod verify;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use claims::VerifyOptions;
pub use error::Error;
pub use jwk::JwkSet;
pub use verify::{compact_verify, jwt_verify};
