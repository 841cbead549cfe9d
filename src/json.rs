//! A small, strict JSON reader and writer (RFC 8259), written for this
//! crate: tokens, JWK Sets and token responses are all it reads, and a
//! general-purpose JSON library would be most of the wasm binary.
//!
//! Strictness: duplicate member names are rejected at every depth (RFC 7515
//! §5.2 allows rejecting them; a parser that keeps the last one and another
//! that keeps the first would read the same token differently); strings
//! must be valid Unicode (no lone surrogate escapes); numbers must fit an
//! `f64` (`1e400` is an error); nesting is limited to [`MAX_DEPTH`].
//!
//! Numbers keep their source text, which is what [`Value::to_json`] writes
//! back. Their `f64` value is exact when the significant digits form an
//! integer up to 2^53 and the power of ten is within ±22 (Clinger's exact
//! cases: every integer up to 2^53, and decimals such as `1700000000.25`);
//! other numbers convert within a few units in the last place. The time
//! claims of real tokens are integers, and are exact.

use crate::prelude::*;
use crate::text::cat;

use core::ops::Index;

/// The deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 128;

/// A JSON number: its source text and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    text: String,
    value: f64,
}

impl Number {
    /// The value as an `f64`.
    pub fn as_f64(&self) -> f64 {
        self.value
    }

    /// The JSON text of the number.
    pub fn as_text(&self) -> &str {
        &self.text
    }

    /// A number from an integer (exact for |n| ≤ 2^53).
    pub fn from_i64(n: i64) -> Number {
        let mut digits = Vec::new();
        let mut rest = n.unsigned_abs();
        loop {
            digits.push(b'0' + (rest % 10) as u8);
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        let mut text = String::with_capacity(digits.len() + 1);
        if n < 0 {
            text.push('-');
        }
        text.extend(digits.iter().rev().map(|d| char::from(*d)));
        Number { text, value: n as f64 }
    }

    /// A number from a finite `f64`; `None` for NaN and infinities, which
    /// JSON cannot hold.
    pub fn from_f64(v: f64) -> Option<Number> {
        if !v.is_finite() {
            return None;
        }
        if crate::num::is_integer(v) && v.abs() <= 9_007_199_254_740_992.0 {
            return Some(Number::from_i64(v as i64));
        }
        Some(Number { text: format!("{v:?}"), value: v })
    }
}

/// A JSON object: members in document order, names unique.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Map {
    members: Vec<(String, Value)>,
}

impl Map {
    /// An empty object.
    pub fn new() -> Map {
        Map::default()
    }

    /// The member named `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.members.iter().find(|(k, _)| crate::text::same(k, name)).map(|(_, v)| v)
    }

    /// The value of the member at `index`, in document order.
    pub fn value_at(&self, index: usize) -> Option<&Value> {
        self.members.get(index).map(|(_, v)| v)
    }

    /// Whether a member named `name` exists.
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Sets member `name` (replacing an existing one).
    pub fn insert(&mut self, name: String, value: Value) {
        match self.members.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = value,
            None => self.members.push((name, value)),
        }
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether the object has no members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The members in document order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.members.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The object as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_object(self, &mut out);
        out
    }
}

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Map),
}

static NULL: Value = Value::Null;

impl Value {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number's value, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(n.value),
            _ => None,
        }
    }

    /// The number as a `u64`, if this is a non-negative integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        let v = self.as_f64()?;
        (v >= 0.0 && crate::num::is_integer(v) && v <= 9_007_199_254_740_992.0).then_some(v as u64)
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Whether this is a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    /// Whether this is a number.
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    /// The member `name` of an object (`None` for other values).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.as_object().and_then(|m| m.get(name))
    }

    /// A short name of the value's type, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// The value as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_value(self, &mut out);
        out
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(Number::from_i64(n))
    }
}
/// Non-finite values become `null`.
impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Number::from_f64(v).map_or(Value::Null, Value::Number)
    }
}
impl From<u64> for Value {
    fn from(n: u64) -> Value {
        Value::Number(Number::from_i64(i64::try_from(n).unwrap_or(i64::MAX)))
    }
}
impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Object(m)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}
impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}
impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        matches!(self, Value::Bool(b) if b == other)
    }
}
impl PartialEq<f64> for Value {
    fn eq(&self, other: &f64) -> bool {
        self.as_f64() == Some(*other)
    }
}

/// A missing member reads as `null`, as in most JSON libraries.
impl Index<&str> for Map {
    type Output = Value;
    fn index(&self, name: &str) -> &Value {
        self.get(name).unwrap_or(&NULL)
    }
}
/// A missing member (or a non-object) reads as `null`.
impl Index<&str> for Value {
    type Output = Value;
    fn index(&self, name: &str) -> &Value {
        self.get(name).unwrap_or(&NULL)
    }
}
/// A missing item (or a non-array) reads as `null`.
impl Index<usize> for Value {
    type Output = Value;
    fn index(&self, i: usize) -> &Value {
        self.as_array().and_then(|a| a.get(i)).unwrap_or(&NULL)
    }
}

fn write_value(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => out.push_str(&n.text),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(m) => write_object(m, out),
    }
}

fn write_object(m: &Map, out: &mut String) {
    out.push('{');
    for (i, (k, v)) in m.members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(k, out);
        out.push(':');
        write_value(v, out);
    }
    out.push('}');
}

/// Writes `s` as a JSON string literal.
pub fn write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                let b = c as usize;
                out.push(char::from(HEX.get(b >> 4).copied().unwrap_or(b'0')));
                out.push(char::from(HEX.get(b & 15).copied().unwrap_or(b'0')));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `s` as a JSON string literal, for messages that quote untrusted text.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_string(s, &mut out);
    out
}

/// Parses `text` as a JSON object, rejecting duplicate member names anywhere.
/// The error string is for people.
pub fn parse_object(text: &str) -> Result<Map, String> {
    match parse(text)? {
        Value::Object(map) => Ok(map),
        other => Err(cat!("expected a JSON object, found ", other.kind())),
    }
}

/// Parses `text` as one JSON value (surrounding whitespace allowed).
pub fn parse(text: &str) -> Result<Value, String> {
    let mut p = Parser { bytes: text.as_bytes(), pos: 0 };
    p.skip_ws();
    let v = p.value(0)?;
    p.skip_ws();
    if p.pos != p.bytes.len() {
        return Err(p.error("trailing characters"));
    }
    Ok(v)
}

/// Parses a JSON number literal (the whole of `text`) to its value; `None`
/// if it is not one or does not fit an `f64`.
pub fn parse_number(text: &str) -> Option<f64> {
    let mut p = Parser { bytes: text.as_bytes(), pos: 0 };
    let n = p.number().ok()?;
    (p.pos == text.len()).then_some(n.value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> String {
        cat!(what, " at byte ", self.pos)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, b: u8, what: &str) -> Result<(), String> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(what))
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, String> {
        let end = self.pos + word.len();
        if self.bytes.get(self.pos..end) == Some(word.as_bytes()) {
            self.pos = end;
            Ok(v)
        } else {
            Err(self.error("invalid literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        match self.peek() {
            None => Err(self.error("unexpected end of input")),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            Some(_) => Err(self.error("expected a value")),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.next() {
                Some(b',') => {}
                Some(b']') => return Ok(Value::Array(items)),
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        self.pos += 1;
        let mut members: Vec<(String, Value)> = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(Map { members }));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a member name"));
            }
            let name = self.string()?;
            self.skip_ws();
            self.expect(b':', "expected ':'")?;
            self.skip_ws();
            let value = self.value(depth)?;
            members.push((name, value));
            self.skip_ws();
            match self.next() {
                Some(b',') => {}
                Some(b'}') => break,
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
        if let Some(name) = duplicate(&members) {
            return Err(cat!("duplicate member name ", quote(name), " in the object ending at byte ", self.pos));
        }
        Ok(Value::Object(Map { members }))
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.next() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.error("invalid \\u escape")),
            };
            v = v * 16 + u32::from(d);
        }
        Ok(v)
    }

    // The input is a &str, so the bytes between escapes are valid UTF-8.
    fn string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let start = self.pos;
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.pos += 1;
            }
            out.extend_from_slice(self.bytes.get(start..self.pos).unwrap_or_default());
            match self.next() {
                Some(b'"') => break,
                Some(b'\\') => {}
                Some(_) => return Err(self.error("control character in string")),
                None => return Err(self.error("unterminated string")),
            }
            let c = match self.next() {
                Some(b'"') => '"',
                Some(b'\\') => '\\',
                Some(b'/') => '/',
                Some(b'b') => '\u{8}',
                Some(b'f') => '\u{c}',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                Some(b'u') => {
                    let hi = self.hex4()?;
                    let code = if (0xd800..0xdc00).contains(&hi) {
                        if self.next() != Some(b'\\') || self.next() != Some(b'u') {
                            return Err(self.error("lone surrogate in \\u escape"));
                        }
                        let lo = self.hex4()?;
                        if !(0xdc00..0xe000).contains(&lo) {
                            return Err(self.error("lone surrogate in \\u escape"));
                        }
                        0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                    } else {
                        hi
                    };
                    char::from_u32(code).ok_or_else(|| self.error("lone surrogate in \\u escape"))?
                }
                _ => return Err(self.error("invalid escape")),
            };
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
        String::from_utf8(out).map_err(|_| self.error("invalid UTF-8 in string"))
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Number, String> {
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let int_start = self.pos;
        let int_len = self.digits();
        if int_len == 0 || (int_len > 1 && self.bytes.get(int_start) == Some(&b'0')) {
            return Err(self.error("invalid number"));
        }
        let mut frac = (0, 0);
        if self.peek() == Some(b'.') {
            self.pos += 1;
            frac = (self.pos, self.digits());
            if frac.1 == 0 {
                return Err(self.error("invalid number"));
            }
        }
        let mut exp: i64 = 0;
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            let exp_negative = match self.peek() {
                Some(b'-') => {
                    self.pos += 1;
                    true
                }
                Some(b'+') => {
                    self.pos += 1;
                    false
                }
                _ => false,
            };
            let exp_start = self.pos;
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
            for d in self.bytes.get(exp_start..self.pos).unwrap_or_default() {
                exp = (exp * 10 + i64::from(d - b'0')).min(100_000);
            }
            if exp_negative {
                exp = -exp;
            }
        }
        let int = self.bytes.get(int_start..int_start + int_len).unwrap_or_default();
        let frac_digits = self.bytes.get(frac.0..frac.0 + frac.1).unwrap_or_default();
        let value = decimal_to_f64(int, frac_digits, exp);
        if !value.is_finite() {
            return Err(self.error("number out of range"));
        }
        let text = core::str::from_utf8(self.bytes.get(start..self.pos).unwrap_or_default())
            .unwrap_or_default()
            .to_owned();
        Ok(Number { text, value: if negative { -value } else { value } })
    }
}

// A name that occurs twice. Small objects compare every pair; larger ones
// sort the names (heapsort: O(n log n) for hostile documents with many
// members, and a fraction of the code of the standard library's sorts).
fn duplicate(members: &[(String, Value)]) -> Option<&str> {
    if members.len() <= 16 {
        for (i, (a, _)) in members.iter().enumerate() {
            if members.iter().skip(i + 1).any(|(b, _)| a == b) {
                return Some(a);
            }
        }
        return None;
    }
    let mut names: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
    heapsort(&mut names);
    names.windows(2).find(|w| w.first() == w.get(1)).and_then(|w| w.first().copied())
}

fn heapsort(v: &mut [&str]) {
    fn sift_down(v: &mut [&str], mut root: usize, end: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && v.get(child) < v.get(child + 1) {
                child += 1;
            }
            if v.get(root) >= v.get(child) {
                return;
            }
            swap(v, root, child);
            root = child;
        }
    }
    let n = v.len();
    for root in (0..n / 2).rev() {
        sift_down(v, root, n);
    }
    for end in (1..n).rev() {
        swap(v, 0, end);
        sift_down(v, 0, end);
    }
}

/// Swaps two items of `v`; nothing when either index is out of range
/// (`<[T]>::swap` would panic, and bring its panic path into the wasm).
pub(crate) fn swap<T: Copy>(v: &mut [T], a: usize, b: usize) {
    if let (Some(&x), Some(&y)) = (v.get(a), v.get(b)) {
        if let Some(at) = v.get_mut(a) {
            *at = y;
        }
        if let Some(at) = v.get_mut(b) {
            *at = x;
        }
    }
}

// Exact powers of ten as f64 (10^22 is the largest that is exact).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    1e19, 1e20, 1e21, 1e22,
];

fn pow10(e: usize) -> f64 {
    POW10.get(e).copied().unwrap_or(1e22)
}

// digits (integer part, then fraction) × 10^exp. The first 19 significant
// digits are kept (the rest only round); exact in Clinger's cases.
fn decimal_to_f64(int: &[u8], frac: &[u8], exp: i64) -> f64 {
    let mut mantissa: u64 = 0;
    let mut kept = 0;
    let mut scale = exp;
    let mut nonzero_seen = false;
    for (i, d) in int.iter().chain(frac.iter()).enumerate() {
        let in_frac = i >= int.len();
        if *d != b'0' {
            nonzero_seen = true;
        }
        if !nonzero_seen {
            if in_frac {
                scale -= 1;
            }
            continue;
        }
        if kept < 19 {
            mantissa = mantissa * 10 + u64::from(d - b'0');
            kept += 1;
            if in_frac {
                scale -= 1;
            }
        } else if !in_frac {
            scale += 1;
        }
    }
    if mantissa == 0 {
        return 0.0;
    }
    let mut v = mantissa as f64;
    // Apply 10^scale in exact steps; overflow gives infinity, underflow 0.
    let mut rest = scale;
    while rest > 0 {
        let step = rest.min(22);
        v *= pow10(step as usize);
        rest -= step;
        if v.is_infinite() {
            break;
        }
    }
    while rest < 0 {
        let step = (-rest).min(22);
        // Divide while the quotient stays normal; past that, it is 0 anyway.
        v /= pow10(step as usize);
        rest += step;
        if v == 0.0 {
            break;
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_objects() {
        let m = parse_object(r#"{"a":1,"b":[true,null,"x",{"c":1.5}]}"#).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m["b"][3]["c"], 1.5);
        assert_eq!(m["b"][0], true);
        assert_eq!(m["b"][2], "x");
        assert_eq!(m["b"][1], Value::Null);
        assert_eq!(m["missing"], Value::Null);
    }

    #[test]
    fn rejects_duplicates_at_any_depth() {
        let e = parse_object(r#"{"alg":"ES256","alg":"none"}"#).unwrap_err();
        assert!(e.contains("duplicate member name \"alg\""), "{e}");
        assert!(parse_object(r#"{"a":{"b":1,"b":2}}"#).is_err());
        assert!(parse_object(r#"{"a":[{"b":1,"b":2}]}"#).is_err());
        // escapes that decode to the same name are the same name
        assert!(parse_object(r#"{"alg":1,"\u0061lg":2}"#).is_err());
        assert!(parse_object(r#"{"a":{"b":1},"b":2}"#).is_ok());
        // many members: found by sorting, not by comparing every pair
        let many: Vec<String> = (0..20_000).map(|i| format!("\"k{i}\":{i}")).collect();
        assert_eq!(parse_object(&format!("{{{}}}", many.join(","))).unwrap().len(), 20_000);
        let dup = format!("{{{},\"k7\":0}}", many.join(","));
        assert!(parse_object(&dup).unwrap_err().contains("\"k7\""));
    }

    #[test]
    fn rejects_non_objects_and_bad_json() {
        for bad in [
            "[]", "1", "\"s\"", "null", "", "{", "{}x", "{'a':1}", "{\"a\":1,}", "{\"a\":1e400}", "{\"a\":-1e400}",
            "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":1e}", "{\"a\":-}", "{\"a\":NaN}",
            "{\"a\":tru}", "{\"a\":nul}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}",
            "{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"\t\"}", "{\"a\":\"x}", "{a:1}", "{\"a\" 1}", "{\"a\":[1 2]}",
            "{\"a\":\"\\u12\"}", "\u{feff}{}",
        ] {
            assert!(parse_object(bad).is_err(), "{bad:?}");
        }
        assert!(parse_object(" {} \n").is_ok());
        assert!(parse_object("\t{\r\n}").is_ok());
    }

    #[test]
    fn heapsort_sorts() {
        let mut rng = 7u64;
        for len in 0..60 {
            let owned: Vec<String> = (0..len)
                .map(|_| {
                    rng ^= rng << 13;
                    rng ^= rng >> 7;
                    rng ^= rng << 17;
                    format!("k{}", rng % 40)
                })
                .collect();
            let mut v: Vec<&str> = owned.iter().map(String::as_str).collect();
            let mut want = v.clone();
            want.sort();
            heapsort(&mut v);
            assert_eq!(v, want);
        }
    }

    #[test]
    fn strings_decode_escapes() {
        let m = parse_object(r#"{"s":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00é"}"#).unwrap();
        assert_eq!(m["s"], "a\"b\\c/d\u{8}\u{c}\n\r\té😀é");
    }

    #[test]
    fn numbers() {
        let cases: [(&str, f64); 16] = [
            ("0", 0.0), ("-0", -0.0), ("1", 1.0), ("-17", -17.0), ("1700000000", 1_700_000_000.0),
            ("9007199254740993", 9_007_199_254_740_992.0), ("1.5", 1.5), ("0.1", 0.1), ("-2.5e3", -2500.0),
            ("1E2", 100.0), ("1e+2", 100.0), ("25e-1", 2.5), ("1700000000.25", 1_700_000_000.25),
            ("0.000001", 1e-6), ("1e22", 1e22), ("1e-400", 0.0),
        ];
        for (text, want) in cases {
            let got = parse_number(text).unwrap();
            assert_eq!(got.to_bits(), want.to_bits(), "{text}");
        }
        // beyond the exact cases: within a few ulps
        for (text, want) in [("1.7976931348623157e300", 1.797_693_134_862_315_7e300), ("123456789012345678901234567890", 1.234_567_890_123_456_8e29), ("1e-30", 1e-30)] {
            let got = parse_number(text).unwrap();
            assert!((got - want).abs() <= want.abs() * 1e-15, "{text}: {got}");
        }
        for bad in ["", "-", "1e400", "01", "1.", ".1", "1e", "1x", " 1"] {
            assert_eq!(parse_number(bad), None, "{bad:?}");
        }
        // every integer up to 2^53 is exact, and its text round-trips
        for n in [0i64, 1, -1, 42, 1_700_000_000, 9_007_199_254_740_992, -9_007_199_254_740_992] {
            let num = Number::from_i64(n);
            assert_eq!(num.as_text(), n.to_string());
            assert_eq!(parse_number(num.as_text()), Some(n as f64));
        }
    }

    #[test]
    fn writes_json_that_reads_back() {
        let mut m = Map::new();
        m.insert("s".into(), "quote\" back\\ nl\n ctl\u{1} é".into());
        m.insert("n".into(), 1_700_000_000i64.into());
        m.insert("f".into(), 1.25f64.into());
        m.insert("nan".into(), f64::NAN.into());
        m.insert("none".into(), Option::<String>::None.into());
        m.insert("b".into(), true.into());
        m.insert("a".into(), Value::Array(vec![Value::from(1i64), Value::from("x")]));
        let text = m.to_json();
        assert_eq!(text, r#"{"s":"quote\" back\\ nl\n ctl\u0001 é","n":1700000000,"f":1.25,"nan":null,"none":null,"b":true,"a":[1,"x"]}"#);
        assert_eq!(parse_object(&text).unwrap(), m);
        // numbers keep their source text
        let m = parse_object(r#"{"x":1.50e+2}"#).unwrap();
        assert_eq!(m.to_json(), r#"{"x":1.50e+2}"#);
        assert_eq!(m["x"], 150.0);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse_object(&deep).is_err());
        let ok = format!("{{\"a\":{}1{}}}", "[".repeat(MAX_DEPTH - 1), "]".repeat(MAX_DEPTH - 1));
        assert!(parse_object(&ok).is_ok());
        let over = format!("{{\"a\":{}1{}}}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse_object(&over).is_err());
    }
}
