//! Small checks on codes, shared by the shipped-file loader and the importers.

/// Every byte is an ASCII upper-case letter (and there is at least one).
pub(crate) fn is_upper_alpha(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// Every byte is an ASCII upper-case letter or digit (and there is at least one).
pub(crate) fn is_upper_alnum(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Every byte is an ASCII letter or digit (and there is at least one).
pub(crate) fn is_alnum(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Exactly `len` ASCII digits.
pub(crate) fn is_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// An HS chapter, heading or subheading code: 2, 4 or 6 digits.
pub(crate) fn is_hs_code(s: &str) -> bool {
    matches!(s.len(), 2 | 4 | 6) && s.bytes().all(|b| b.is_ascii_digit())
}

/// A customs office reference number: `[A-Z]{2}[A-Z0-9]{6}`.
pub(crate) fn is_office_reference(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 8 && b[..2].iter().all(u8::is_ascii_uppercase) && is_upper_alnum(s)
}

/// A UN/LOCODE: `[A-Z]{2}[A-Z0-9]{3}`.
pub(crate) fn is_unlocode(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5 && b[..2].iter().all(u8::is_ascii_uppercase) && is_upper_alnum(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert!(is_office_reference("KZALA001"));
        assert!(!is_office_reference("kzALA001"));
        assert!(!is_office_reference("KZALA01"));
        assert!(is_unlocode("KZAAU") && !is_unlocode("KZAA") && !is_unlocode("1ZAAU"));
        assert!(is_hs_code("870323") && is_hs_code("93") && !is_hs_code("870"));
        assert!(is_digits("398", 3) && !is_digits("39", 3));
    }
}
