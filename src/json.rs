//! JSON values: read with serde_json, held in document order, written
//! back compactly. Tokens, JWK Sets and token responses are all the crate
//! reads.
//!
//! Strictness: duplicate member names are rejected at every depth, escaped
//! spellings included (RFC 7515 §5.2 allows rejecting them; a parser that
//! keeps the last one and another that keeps the first would read the same
//! token differently): serde_json's own `Value` keeps the last, so a
//! `Deserialize` of the crate's notes them. serde_json rejects the rest:
//! strings must be valid Unicode (no lone surrogate escapes), numbers must
//! fit an `f64` (`1e400` is an error), and nesting deeper than
//! [`MAX_DEPTH`] is an error, not a stack overflow.
//!
//! Numbers are `f64`s. Integers up to 2^53 are exact, and so are decimals
//! whose significant digits form an integer up to 2^53 with a power of ten
//! within ±22 (serde_json computes them with one correctly rounded
//! operation: `1700000000.25` is exact); other numbers are within a unit or
//! so in the last place. The time claims of real tokens are integers.

use crate::prelude::*;
use crate::text::cat;

use core::cell::Cell;
use core::ops::Index;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The deepest nesting of arrays and objects accepted (serde_json's
/// recursion limit).
pub const MAX_DEPTH: usize = 127;

/// A JSON number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    value: f64,
}

impl Number {
    /// The value as an `f64`.
    pub fn as_f64(&self) -> f64 {
        self.value
    }

    /// A number from an integer (exact for |n| ≤ 2^53).
    pub fn from_i64(n: i64) -> Number {
        Number { value: n as f64 }
    }

    /// A number from a finite `f64`; `None` for NaN and infinities, which
    /// JSON cannot hold.
    pub fn from_f64(v: f64) -> Option<Number> {
        v.is_finite().then_some(Number { value: v })
    }

    // Integers up to 2^53 digit by digit (and -0 as `-0`); other values in
    // the shortest text that reads back the same (zmij, as serde_json).
    fn write(self, out: &mut String) {
        let v = self.value;
        if v == 0.0 && v.is_sign_negative() {
            out.push_str("-0");
        } else if crate::num::is_integer(v) && v.abs() <= 9_007_199_254_740_992.0 {
            crate::text::Piece::push_to(&(v as i64), out);
        } else {
            out.push_str(zmij::Buffer::new().format_finite(v));
        }
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
        Value::Number(n) => n.write(out),
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
    // Runs of bytes that need no escape are copied whole; every escaped
    // character is ASCII, so the runs end on character boundaries.
    let mut run = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let (escape, hex) = match b {
            b'"' => ("\\\"", false),
            b'\\' => ("\\\\", false),
            b'\n' => ("\\n", false),
            b'\r' => ("\\r", false),
            b'\t' => ("\\t", false),
            0..=0x1f => ("\\u00", true),
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or(""));
        out.push_str(escape);
        if hex {
            out.push(char::from(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0')));
            out.push(char::from(HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0')));
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or(""));
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

/// Parses `text` as one JSON value (surrounding whitespace allowed), with
/// serde_json; duplicate member names at any depth are an error.
pub fn parse(text: &str) -> Result<Value, String> {
    let duplicate = Cell::new(None);
    let mut reader = serde_json::Deserializer::from_str(text);
    let value = Seed { duplicate: &duplicate }.deserialize(&mut reader).and_then(|v| reader.end().map(|()| v));
    match (value, duplicate.into_inner()) {
        (Err(e), _) => Err(describe(&e)),
        (Ok(_), Some(name)) => Err(cat!("duplicate member name ", quote(&name))),
        (Ok(v), None) => Ok(v),
    }
}

/// Parses a JSON number literal (the whole of `text`) to its value; `None`
/// if it is not one or does not fit an `f64`.
pub fn parse_number(text: &str) -> Option<f64> {
    // (the whole text: no whitespace around it, which `parse` allows)
    let padded = |b: Option<&u8>| b.is_some_and(u8::is_ascii_whitespace);
    let bytes = text.as_bytes();
    if padded(bytes.first()) || padded(bytes.last()) {
        return None;
    }
    match parse(text) {
        Ok(Value::Number(n)) => Some(n.value),
        _ => None,
    }
}

// serde_json's error, described without its `Display` (which would bring
// the formatting machinery into the verify-only wasm).
fn describe(e: &serde_json::Error) -> String {
    let what = match e.classify() {
        serde_json::error::Category::Eof => "unexpected end of JSON",
        _ => "invalid JSON",
    };
    cat!(what, " at line ", e.line(), ", column ", e.column())
}

// Reads any JSON value into a `Value`. A duplicate member name is not an
// error of serde's (`de::Error::custom` formats its message): the first
// one found is noted in `duplicate`, and `parse` reports it once the text
// has been read.
#[derive(Clone, Copy)]
struct Seed<'a> {
    duplicate: &'a Cell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(Number { value: n as f64 }))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(Number { value: n as f64 }))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(Number { value: v }))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = items.next_element_seed(self)? {
            out.push(item);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut members = Vec::new();
        while let Some(name) = access.next_key_seed(Name)? {
            let value = access.next_value_seed(self)?;
            members.push((name, value));
        }
        if let Some(name) = duplicate(&members) {
            let first = self.duplicate.take();
            self.duplicate.set(first.or_else(|| Some(name.to_owned())));
        }
        Ok(Value::Object(Map { members }))
    }
}

// A member name.
struct Name;

impl<'de> DeserializeSeed<'de> for Name {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Name {
    type Value = String;
    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a member name")
    }
    fn visit_str<E>(self, s: &str) -> Result<String, E> {
        Ok(s.to_owned())
    }
    fn visit_string<E>(self, s: String) -> Result<String, E> {
        Ok(s)
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
        // every integer up to 2^53 is exact, and is written as an integer
        for n in [0i64, 1, -1, 42, 1_700_000_000, 9_007_199_254_740_992, -9_007_199_254_740_992] {
            let text = Value::from(n).to_json();
            assert_eq!(text, n.to_string());
            assert_eq!(parse_number(&text), Some(n as f64));
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
        // numbers are written by value: integers as integers, the rest in
        // the shortest text that reads back the same
        let m = parse_object(r#"{"x":1.50e+2,"y":1700000000.25,"z":1e300,"w":-0.000001,"v":1e20}"#).unwrap();
        assert_eq!(m.to_json(), r#"{"x":150,"y":1700000000.25,"z":1e+300,"w":-1e-6,"v":1e+20}"#);
        assert_eq!(parse_object(&m.to_json()).unwrap(), m);
    }

    #[test]
    fn quoted_strings_read_back() {
        // every ASCII character alone, at either end and in the middle of
        // other text, and beside multi-byte characters
        for c in (0u8..0x80).map(char::from).chain(['é', '😀', '\u{2028}']) {
            for s in [c.to_string(), format!("{c}ab"), format!("ab{c}"), format!("é{c}{c}😀")] {
                let quoted = quote(&s);
                assert_eq!(parse(&quoted).unwrap(), Value::String(s.clone()), "{s:?} quoted as {quoted}");
                assert!(quoted.bytes().all(|b| b >= 0x20), "{quoted:?}");
            }
        }
        assert_eq!(quote("\t\r\u{1f}\"x\\"), r#""\t\r\u001f\"x\\""#);
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
