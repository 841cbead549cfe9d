#![doc = include_str!("../README.md")]
// The core needs only `core` and `alloc`: without the `std` feature (the
// verify-only wasm) the binary carries no standard library, and its panic
// handler (never reached: the lints forbid every panicking construct) is a
// trap, with no formatting code behind it.
#![no_std]

extern crate alloc;
#[cfg(any(feature = "std", test))]
#[macro_use]
extern crate std;

pub mod b64;
pub mod claims;
pub mod discovery;
pub mod duration;
pub mod error;
pub mod http;
pub mod json;
pub mod jwk;
#[cfg(feature = "remote")]
pub mod jwks_cache;
pub mod num;
pub mod refresh;
pub mod session;
pub mod text;
pub mod token;
pub mod token_cache;
pub mod verify;

pub use edgetoken_es256 as es256;

// What the standard prelude would bring, from `alloc`.
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec::Vec;
    pub use alloc::{format, vec};
}

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use claims::VerifyOptions;
pub use error::Error;
pub use jwk::JwkSet;
pub use verify::{compact_verify, jwt_verify};

#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
