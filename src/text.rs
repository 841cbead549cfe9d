//! Messages without `core::fmt`. Error messages are built by concatenating
//! pieces with `cat!` (crate-private): the verify-only wasm then holds
//! no formatting machinery at all (no `core::fmt` code, no function table
//! for its dynamic calls). The `Display` impls write the same text.

use crate::prelude::*;

/// A piece of a message: text, or an integer written in decimal.
pub trait Piece {
    /// Appends the piece to `out`.
    fn push_to(&self, out: &mut String);
}

impl Piece for str {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for char {
    fn push_to(&self, out: &mut String) {
        out.push(*self);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn push_to(&self, out: &mut String) {
        (**self).push_to(out);
    }
}

// n in decimal.
fn push_decimal(n: u64, out: &mut String) {
    // the largest power of ten not above n (1 for 0), then digit by digit
    // (checked_div: unit is never 0, and no division panic is compiled in)
    let mut unit = 1u64;
    while n.checked_div(unit).unwrap_or(0) >= 10 {
        unit *= 10;
    }
    while let Some(q) = n.checked_div(unit) {
        out.push(char::from(b'0' + (q % 10) as u8));
        unit /= 10;
    }
}

macro_rules! unsigned_piece {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn push_to(&self, out: &mut String) {
                push_decimal(*self as u64, out);
            }
        }
    )*};
}
unsigned_piece!(u16, u32, u64, usize);

impl Piece for i64 {
    fn push_to(&self, out: &mut String) {
        if *self < 0 {
            out.push('-');
        }
        push_decimal(self.unsigned_abs(), out);
    }
}

/// Whether two strings are equal, compared eight bytes at a time (the
/// `memcmp` wasm builds get goes byte by byte, through a call): the token
/// cache compares whole tokens, and claims are looked up by name.
pub fn same(a: &str, b: &str) -> bool {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    while let (Some((p, rest_a)), Some((q, rest_b))) = (a.split_first_chunk::<8>(), b.split_first_chunk::<8>()) {
        if u64::from_le_bytes(*p) != u64::from_le_bytes(*q) {
            return false;
        }
        (a, b) = (rest_a, rest_b);
    }
    while let (Some((p, rest_a)), Some((q, rest_b))) = (a.split_first(), b.split_first()) {
        if p != q {
            return false;
        }
        (a, b) = (rest_a, rest_b);
    }
    true
}

/// Concatenates pieces ([`Piece`]: `&str`, `String`, `char` and integers)
/// into a new `String`.
macro_rules! cat {
    ($($piece:expr),+ $(,)?) => {{
        let mut out = $crate::prelude::String::new();
        $( $crate::text::Piece::push_to(&$piece, &mut out); )+
        out
    }};
}
pub(crate) use cat;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_read_as_format_would_write_them() {
        for n in [0u64, 1, 9, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(cat!(n), n.to_string());
            assert_eq!(cat!("<", n as usize, ">"), format!("<{n}>"));
        }
        for n in [0i64, -1, 7, -10, i64::MIN, i64::MAX] {
            assert_eq!(cat!(n), n.to_string());
        }
        let owned = String::from("two");
        assert!(same("", "") && same("exp", "exp") && same("0123456789abcdef!", "0123456789abcdef!"));
        for (a, b) in [("exp", "ex"), ("exp", "exq"), ("0123456789abcdef!", "0123456789abcdef?"), ("01234567x9", "0123456789")] {
            assert!(!same(a, b) && !same(b, a), "{a} {b}");
        }
        assert_eq!(cat!("one ", owned, ' ', &owned, " ", 3u16, 'x'), "one two two 3x");
    }
}
