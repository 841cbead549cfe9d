//! The crate's JSON reading (serde_json under a `Deserialize` of the
//! crate's) against serde_json's own `Value`: on generated documents and on
//! byte-level mutations of them, both accept the same texts (apart from
//! duplicate names, which only the crate rejects) and read the same values,
//! and what the crate writes reads back the same.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

mod common;
use common::Rng;
use edgetoken::json;

const PIECES: &[&str] = &[
    "0", "-0", "1", "-1", "1700000000", "9007199254740993", "1.5", "0.1", "-2.5e3", "1E2", "1e+2", "25e-1",
    "1e-30", "123456789012345678901234567890", "1.7976931348623157e308", "true", "false", "null", "\"\"",
    "\"a\"", "\"\\u00e9\"", "\"\\ud83d\\ude00\"", "\"\\n\\t\\\"\\\\\\/\"", "\"é😀\"", "[]", "{}",
];

fn gen(rng: &mut Rng, depth: usize, out: &mut String) {
    match if depth > 3 { 0 } else { rng.below(4) } {
        0 | 1 => out.push_str(PIECES[rng.below(PIECES.len())]),
        2 => {
            out.push('[');
            for i in 0..rng.below(4) {
                if i > 0 {
                    out.push(',');
                }
                gen(rng, depth + 1, out);
            }
            out.push(']');
        }
        _ => {
            out.push('{');
            for i in 0..rng.below(4) {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&format!("\"k{i}\":"));
                gen(rng, depth + 1, out);
            }
            out.push('}');
        }
    }
}

const NOISE: &[u8] = b"{}[],:\"\\-+.eE0123456789 \tntfu";

// The same document: the same members, numbers the same f64 (serde_json's
// `Value` tells integers from floats; the crate's does not), or within
// `ulps` units in the last place.
fn same(ours: &json::Value, theirs: &serde_json::Value, ulps: f64) -> bool {
    use serde_json::Value as T;
    match (ours, theirs) {
        (json::Value::Null, T::Null) => true,
        (json::Value::Bool(a), T::Bool(b)) => a == b,
        (json::Value::Number(a), T::Number(b)) => {
            b.as_f64().is_some_and(|b| a.as_f64() == b || (a.as_f64() - b).abs() <= b.abs() * ulps * f64::EPSILON)
        }
        (json::Value::String(a), T::String(b)) => a == b,
        (json::Value::Array(a), T::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y, ulps)),
        (json::Value::Object(a), T::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, x)| b.get(k).is_some_and(|y| same(x, y, ulps)))
        }
        _ => false,
    }
}

fn agree(text: &str) {
    let ours = json::parse(text);
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    match (&ours, &theirs) {
        (Ok(v), Ok(t)) => {
            assert!(same(v, t, 0.0), "{text:?}");
            // what the crate writes reads back as the same value (serde_json
            // reads numbers beyond the exact cases within a unit or so in
            // the last place, so a shortest text may read back one off)
            let back = json::parse(&v.to_json()).unwrap();
            assert!(same(&back, t, 2.0), "{text:?} written as {}", v.to_json());
        }
        (Err(e), Ok(_)) => assert!(e.contains("duplicate member name"), "{text:?}: only the crate rejects it: {e}"),
        (Ok(_), Err(e)) => panic!("{text:?}: only serde_json rejects it: {e}"),
        (Err(_), Err(_)) => {}
    }
}

#[test]
fn generated_documents_and_their_mutations() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for _ in 0..3000 {
        let mut doc = String::new();
        gen(&mut rng, 0, &mut doc);
        agree(&doc);
        for _ in 0..10 {
            let mut bytes = doc.clone().into_bytes();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(bytes.len() + 1);
                match rng.below(3) {
                    0 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    1 if at < bytes.len() => bytes[at] = NOISE[rng.below(NOISE.len())],
                    _ => bytes.insert(at, NOISE[rng.below(NOISE.len())]),
                }
            }
            if let Ok(text) = String::from_utf8(bytes) {
                agree(&text);
            }
        }
    }
}

#[test]
fn numbers_read_the_same_as_serde_json() {
    let mut rng = Rng(42);
    for _ in 0..20_000 {
        let digits = 1 + rng.below(22);
        let mut text: String = (0..digits).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
        if text.len() > 1 && text.starts_with('0') {
            text.replace_range(..1, "1");
        }
        if rng.below(2) == 0 {
            let at = 1 + rng.below(text.len());
            if at < text.len() {
                text.insert(at, '.');
            }
        }
        if rng.below(3) == 0 {
            text.push_str(&format!("e{}", rng.below(60) as i64 - 30));
        }
        let ours = json::parse_number(&text).unwrap();
        let theirs: f64 = text.parse().unwrap();
        // exact in the documented cases, a few ulps otherwise
        assert!(ours == theirs || (ours - theirs).abs() <= theirs.abs() * 4.0 * f64::EPSILON, "{text}: {ours} vs {theirs}");
        let significant = text.split('e').next().unwrap().replace('.', "");
        let exp: i64 = text.split('e').nth(1).map_or(0, |e| e.parse().unwrap());
        let frac = text.split('e').next().unwrap().split('.').nth(1).map_or(0, str::len) as i64;
        if significant.trim_start_matches('0').parse::<u64>().is_ok_and(|m| m <= 1 << 53) && (exp - frac).abs() <= 22 {
            assert_eq!(ours, theirs, "{text} must be exact");
        }
    }
}
