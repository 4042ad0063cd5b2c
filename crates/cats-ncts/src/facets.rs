//! Leaf checks: the lexical space of the built-in type and every facet of a simple type, with
//! the semantics libxml2 (`xmllint`) applies, so that CATS and `xmllint` agree on a verdict.

use crate::schema::{pattern_regex, Base, SimpleType};

/// True when `text` (already whitespace-normalized for `st.base`) is a valid value of `st`.
pub(crate) fn is_valid(st: &SimpleType, text: &str) -> bool {
    let lexical_ok = match st.base {
        Base::Decimal => decimal_digits(text).is_some_and(|(total, fraction)| {
            st.total_digits.is_none_or(|t| total <= t)
                && st.fraction_digits.is_none_or(|f| fraction <= f)
        }),
        Base::Integer => is_integer(text) && in_range(st, text),
        Base::Date => is_date(text),
        Base::DateTime => is_date_time(text),
        Base::Token | Base::NormalizedString | Base::String => lengths_ok(st, text),
    };
    lexical_ok
        && st
            .patterns
            .iter()
            .all(|group| group.iter().any(|&i| pattern_regex(i).is_match(text)))
        && (st.enumeration.is_empty() || st.enumeration.contains(&text))
}

fn lengths_ok(st: &SimpleType, text: &str) -> bool {
    let n = u32::try_from(text.chars().count()).unwrap_or(u32::MAX);
    st.length.is_none_or(|l| n == l)
        && st.min_length.is_none_or(|l| n >= l)
        && st.max_length.is_none_or(|l| n <= l)
}

/// Significant digits (total, after the point) of an `xs:decimal` lexical form, or `None` if
/// `text` is not one. Leading zeros of the integer part and trailing zeros of the fraction do
/// not count, as in XML Schema's value space (`1.1000000` has 2 digits, 1 after the point).
pub(crate) fn decimal_digits(text: &str) -> Option<(u32, u32)> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let total = (int.len() + frac.len()).max(1);
    Some((u32::try_from(total).ok()?, u32::try_from(frac.len()).ok()?))
}

fn is_integer(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit())
}

fn in_range(st: &SimpleType, text: &str) -> bool {
    if st.min_inclusive.is_none() && st.max_inclusive.is_none() {
        return true;
    }
    let Ok(v) = text.strip_prefix('+').unwrap_or(text).parse::<i128>() else {
        return false;
    };
    st.min_inclusive.is_none_or(|m| v >= i128::from(m))
        && st.max_inclusive.is_none_or(|m| v <= i128::from(m))
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `YYYY-MM-DD` with a real calendar day; year 0000 does not exist in XML Schema 1.0.
fn is_date(text: &str) -> bool {
    let mut parts = text.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    if y.len() < 4 || m.len() != 2 || d.len() != 2 {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(y), digits(m), digits(d)) else {
        return false;
    };
    if year == 0 || !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    day <= days
}

/// `YYYY-MM-DDThh:mm:ss[.fff]`; `24:00:00` is accepted as libxml2 does.
fn is_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once('T') else {
        return false;
    };
    if !is_date(date) {
        return false;
    }
    let (hms, frac) = match time.split_once('.') {
        Some((_, f)) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => return false,
        Some((hms, f)) => (hms, f),
        None => (time, ""),
    };
    let mut parts = hms.split(':');
    let (Some(h), Some(m), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    if h.len() != 2 || m.len() != 2 || s.len() != 2 {
        return false;
    }
    let (Some(h), Some(m), Some(s)) = (digits(h), digits(m), digits(s)) else {
        return false;
    };
    let frac_zero = frac.bytes().all(|b| b == b'0');
    (h < 24 && m < 60 && s < 60) || (h == 24 && m == 0 && s == 0 && frac_zero)
}

/// True when `text` is a JSON number without exponent (what the HMRC JSON form carries).
pub(crate) fn is_plain_json_number(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let int_ok = int == "0"
        || (!int.is_empty() && !int.starts_with('0') && int.bytes().all(|b| b.is_ascii_digit()));
    let frac_ok = frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    int_ok && frac_ok
}

/// The JSON spelling of a valid `xs:decimal` lexical form (`+5` → `5`, `.5` → `0.5`, `5.` → `5`,
/// `007` → `7`); the numeric value is unchanged.
pub(crate) fn canonical_json_number(text: &str) -> Option<String> {
    decimal_digits(text)?;
    let negative = text.starts_with('-');
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let int = int.trim_start_matches('0');
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_digits_follow_the_value_space() {
        assert_eq!(decimal_digits("1.1000000"), Some((2, 1)));
        assert_eq!(decimal_digits("1234567890123456.0"), Some((16, 0)));
        assert_eq!(decimal_digits("-4"), Some((1, 0)));
        assert_eq!(decimal_digits("0"), Some((1, 0)));
        assert_eq!(decimal_digits("."), None);
        assert_eq!(decimal_digits("1e5"), None);
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("0000-01-01"));
        assert!(is_date_time("2022-07-02T24:00:00"));
        assert!(!is_date_time("2022-07-02T23:59:60"));
        assert!(!is_date_time("2022-02-30T03:11:04"));
    }

    #[test]
    fn json_numbers() {
        assert!(is_plain_json_number("0.5"));
        assert!(is_plain_json_number("-12"));
        assert!(!is_plain_json_number("007"));
        assert!(!is_plain_json_number("+5"));
        assert!(!is_plain_json_number("1e5"));
        assert_eq!(canonical_json_number(".5").as_deref(), Some("0.5"));
        assert_eq!(canonical_json_number("+007.").as_deref(), Some("7"));
    }
}
