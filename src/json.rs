//! JSON objects parsed strictly: RFC 8259 syntax (serde_json), and duplicate
//! member names rejected at every depth (RFC 7515 §5.2 allows rejecting them;
//! a parser that keeps the last one and another that keeps the first would
//! read the same token differently).

use core::fmt;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parses `text` as a JSON object, rejecting duplicate member names anywhere.
/// The error string is for people.
pub fn parse_object(text: &str) -> Result<Map<String, Value>, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Strict.deserialize(&mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(format!("expected a JSON object, found {}", kind(&other))),
    }
}

/// A short name of a JSON value's type, for messages.
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[derive(Clone, Copy)]
struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number is not finite"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Strict)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "duplicate member name {key:?}"
                )));
            }
            let value = access.next_value_seed(Strict)?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
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
    }

    #[test]
    fn rejects_non_objects_and_bad_json() {
        for bad in ["[]", "1", "\"s\"", "null", "", "{", "{}x", "{'a':1}", "{\"a\":1,}", "{\"a\":1e400}"] {
            assert!(parse_object(bad).is_err(), "{bad:?}");
        }
        assert!(parse_object(" {} \n").is_ok());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse_object(&deep).is_err());
    }
}
