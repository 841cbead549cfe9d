//! Durations given as jose-style strings (`"30s"`, `"5 minutes"`, `"1.5h"`).

// Seconds per unit, and the unit's names.
const UNITS: [(f64, &[&str]); 6] = [
    (1.0, &["s", "sec", "secs", "second", "seconds"]),
    (60.0, &["m", "min", "mins", "minute", "minutes"]),
    (3600.0, &["h", "hr", "hrs", "hour", "hours"]),
    (86_400.0, &["d", "day", "days"]),
    (604_800.0, &["w", "week", "weeks"]),
    (31_557_600.0, &["y", "yr", "yrs", "year", "years"]),
];

/// Parses a non-negative duration into seconds: a number, optional space,
/// and a unit (`s`/`sec`/`secs`/`second`/`seconds`, `m`/`min`/`mins`/
/// `minute`/`minutes`, `h`/`hr`/`hrs`/`hour`/`hours`, `d`/`day`/`days`,
/// `w`/`week`/`weeks`, `y`/`yr`/`yrs`/`year`/`years`; case-insensitive).
/// A year is 365.25 days, as in jose. The result is rounded to whole seconds.
///
/// ```
/// use edgetoken::duration::parse_seconds;
/// assert_eq!(parse_seconds("30s"), Some(30.0));
/// assert_eq!(parse_seconds("2 hours"), Some(7200.0));
/// assert_eq!(parse_seconds("-5s"), None);
/// ```
pub fn parse_seconds(text: &str) -> Option<f64> {
    let split = text.bytes().position(|b| !(b.is_ascii_digit() || b == b'.')).unwrap_or(text.len());
    let (number, rest) = (text.get(..split)?, text.get(split..)?);
    let unit = rest.strip_prefix(" ").unwrap_or(rest);
    // (Bytes, not chars: the number is ASCII, and char patterns would
    // bring UTF-8 decoding along.)
    let bytes = number.as_bytes();
    let valid_number = !bytes.is_empty()
        && bytes.first() != Some(&b'.')
        && bytes.last() != Some(&b'.')
        && bytes.iter().filter(|b| **b == b'.').count() <= 1;
    if !valid_number {
        return None;
    }
    // A JSON number but for leading zeros, which jose's durations allow:
    // all but the one before a '.' (or the end) are dropped.
    let zeros = bytes.iter().take_while(|b| **b == b'0').count();
    let keep_one = zeros > 0 && matches!(bytes.get(zeros), None | Some(b'.'));
    let value = crate::json::parse_number(number.get(zeros.saturating_sub(usize::from(keep_one))..)?)?;
    let (scale, _) = UNITS.iter().find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(unit)))?;
    let seconds = crate::num::round(value * scale);
    seconds.is_finite().then_some(seconds)
}

#[cfg(test)]
mod tests {
    use super::parse_seconds;

    #[test]
    fn units_and_forms() {
        let cases = [
            ("0s", 0.0), ("1 second", 1.0), ("45secs", 45.0), ("2m", 120.0),
            ("1.5 minutes", 90.0), ("1h", 3600.0), ("3 HRS", 10_800.0),
            ("1d", 86_400.0), ("2 weeks", 1_209_600.0), ("1y", 31_557_600.0),
            ("0.4s", 0.0), ("0.5s", 1.0), ("007s", 7.0), ("00.5 h", 1800.0),
        ];
        for (text, want) in cases {
            assert_eq!(parse_seconds(text), Some(want), "{text}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for bad in ["", "s", "30", "30 ", "30  s", " 30s", "-30s", "+30s", "30 s ago",
                    "30x", ".5s", "5.s", "1.2.3s", "1e3s", "30s ", "NaNs", "infs"] {
            assert_eq!(parse_seconds(bad), None, "{bad:?}");
        }
    }
}
