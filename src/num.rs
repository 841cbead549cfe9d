//! Float helpers the crate needs that `core` lacks without the standard
//! library (`floor`, `round` and `trunc` are `std`'s): libm's, the
//! Rust project's port of musl's.

/// Whether `v` is a finite integer.
pub fn is_integer(v: f64) -> bool {
    v.is_finite() && libm::trunc(v) == v
}

/// ⌊v⌋ as an `i64`, saturating at its bounds; 0 for NaN.
pub fn floor(v: f64) -> i64 {
    libm::floor(v) as i64
}

/// `v` rounded to an integer, halves away from zero (`f64::round`).
pub fn round(v: f64) -> f64 {
    libm::round(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agree_with_std() {
        let mut cases = vec![
            0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.49999999999999994, 1e-300, -1e-300, 123.75, -123.75,
            4_503_599_627_370_495.5, 4_503_599_627_370_496.0, 9_007_199_254_740_993.0, 1e300, -1e300,
            9.3e18, -9.3e18, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, f64::MAX, f64::MIN, f64::MIN_POSITIVE,
        ];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            cases.push(f64::from_bits(x));
            cases.push((x % 2_000_000) as f64 / 8.0 - 125_000.0);
        }
        for v in cases {
            assert_eq!(is_integer(v), v.is_finite() && v.fract() == 0.0, "{v:e}");
            assert_eq!(floor(v), v.floor() as i64, "{v:e}");
            let (ours, std) = (round(v), v.round());
            assert!(ours == std || (ours.is_nan() && std.is_nan()), "{v:e}: {ours} {std}");
        }
    }
}
