//! Loops of dependent operations, exported to bench/arith.mjs: each takes
//! a count and a seed and answers a word of the result (so nothing is
//! optimized away).
#![no_std]
#![allow(missing_docs)]

use fiat_crypto::p256_32 as fiat;
use fiat::fiat_p256_montgomery_domain_field_element as Mont;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

fn seed_bytes(seed: u32) -> [u8; 32] {
    let mut b = [0x35u8; 32];
    b[0] = 0x1f;
    b[31] = seed as u8;
    b
}

#[no_mangle]
pub extern "C" fn fiat_mul(n: u32, seed: u32) -> u32 {
    let (mut a, b) = (Mont([seed, 7, 7, 7, 7, 7, 7, 1]), Mont([5, 3, 7, 7, 7, 7, 9, 2]));
    for _ in 0..n {
        let mut out = Mont([0; 8]);
        fiat::fiat_p256_mul(&mut out, &a, &b);
        a = out;
    }
    a.0[0]
}

#[no_mangle]
pub extern "C" fn fiat_square(n: u32, seed: u32) -> u32 {
    let mut a = Mont([seed, 7, 7, 7, 7, 7, 7, 1]);
    for _ in 0..n {
        let mut out = Mont([0; 8]);
        fiat::fiat_p256_square(&mut out, &a);
        a = out;
    }
    a.0[0]
}

#[no_mangle]
pub extern "C" fn p256_field_mul(n: u32, seed: u32) -> u32 {
    use p256_13::{FieldBytes, FieldElement};
    let a0 = Option::from(FieldElement::from_bytes(&FieldBytes::from(seed_bytes(seed)))).unwrap_or(FieldElement::ONE);
    let (mut a, b) = (a0, a0.double());
    for _ in 0..n {
        a = a.multiply(&b);
    }
    a.to_bytes()[31] as u32
}

#[no_mangle]
pub extern "C" fn scalar_invert(n: u32, seed: u32) -> u32 {
    use p256::elliptic_curve::ops::Reduce;
    let mut a = <p256::Scalar as Reduce<p256::FieldBytes>>::reduce(&p256::FieldBytes::from(seed_bytes(seed)));
    for _ in 0..n {
        a = Option::from(a.invert_vartime()).unwrap_or(p256::Scalar::ONE) + p256::Scalar::ONE;
    }
    a.to_bytes()[31] as u32
}

#[no_mangle]
pub extern "C" fn scalar_invert_013(n: u32, seed: u32) -> u32 {
    use p256_13::elliptic_curve::ops::{Invert, Reduce};
    let mut a = <p256_13::Scalar as Reduce<p256_13::U256>>::reduce_bytes(&p256_13::FieldBytes::from(seed_bytes(seed)));
    for _ in 0..n {
        a = Option::from(a.invert_vartime()).unwrap_or(p256_13::Scalar::ONE) + p256_13::Scalar::ONE;
    }
    a.to_bytes()[31] as u32
}
