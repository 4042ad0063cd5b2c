//! The ISO 6346 check digit, used by container numbers, MRNs and GRNs.

/// ISO 6346 values of `A`..=`Z`: counting from 10 upwards, skipping the multiples of 11.
const LETTER_VALUES: [u8; 26] = [
    10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 34, 35, 36,
    37, 38,
];

/// ISO 6346 value of a character: digits keep their value, letters per [`LETTER_VALUES`].
/// `None` outside `[0-9A-Z]`.
fn value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(u32::from(c) - u32::from('0')),
        'A'..='Z' => Some(u32::from(
            LETTER_VALUES[(u32::from(c) - u32::from('A')) as usize],
        )),
        _ => None,
    }
}

/// The ISO 6346 check digit of `s` (DOMAIN.md section 5): each character's value (digits keep
/// theirs; A=10, B=12 ... Z=38, skipping multiples of 11) times 2^i for its 0-based position i,
/// summed, mod 11, with 10 written as 0.
///
/// Used over the first 10 characters of a container number (ISO 6346), the first 17 of an MRN and
/// the first 16 of a GRN (NCTS). `None` if a character is not `[0-9A-Z]`.
///
/// ```
/// assert_eq!(cats_domain::ids::check_digit("CSQU305438"), Some(3));
/// assert_eq!(cats_domain::ids::check_digit("csqu305438"), None);
/// ```
pub fn check_digit(s: &str) -> Option<u8> {
    let mut sum = 0u32;
    let mut weight = 1u32; // 2^i mod 11
    for c in s.chars() {
        sum = (sum + value(c)? * weight) % 11;
        weight = weight * 2 % 11;
    }
    // `sum` is below 11, so the digit fits a u8.
    Some(if sum == 10 { 0 } else { sum as u8 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::testing::{remainder, ALNUM};
    use proptest::prelude::*;

    #[test]
    fn letter_values_skip_multiples_of_eleven() {
        let expected = [
            ('A', 10),
            ('B', 12),
            ('C', 13),
            ('D', 14),
            ('E', 15),
            ('F', 16),
            ('G', 17),
            ('H', 18),
            ('I', 19),
            ('J', 20),
            ('K', 21),
            ('L', 23),
            ('M', 24),
            ('N', 25),
            ('O', 26),
            ('P', 27),
            ('Q', 28),
            ('R', 29),
            ('S', 30),
            ('T', 31),
            ('U', 32),
            ('V', 34),
            ('W', 35),
            ('X', 36),
            ('Y', 37),
            ('Z', 38),
        ];
        for (c, v) in expected {
            assert_eq!(value(c), Some(v), "{c}");
        }
        for d in 0..10u32 {
            assert_eq!(value(char::from_digit(d, 10).unwrap()), Some(d));
        }
    }

    #[test]
    fn known_examples() {
        assert_eq!(check_digit("CSQU305438"), Some(3)); // ISO 6346 literature
        assert_eq!(check_digit("MSCU123456"), Some(6));
        assert_eq!(check_digit("24GB000246J8NY33L"), Some(7));
        assert_eq!(check_digit("23GB000246IF9W5YJ"), Some(0)); // remainder 10
        assert_eq!(check_digit("24GB0000010000295"[..16].as_ref()), Some(5));
        assert_eq!(check_digit(""), Some(0));
    }

    #[test]
    fn rejects_characters_outside_the_alphabet() {
        assert_eq!(check_digit("csqu305438"), None);
        assert_eq!(check_digit("CSQU 305438"), None);
        assert_eq!(check_digit("CSQU-305438"), None);
        assert_eq!(check_digit("ÄBC"), None);
    }

    proptest! {
        #[test]
        fn agrees_with_an_independent_table(chars in prop::collection::vec(prop::sample::select(ALNUM), 0..40)) {
            let s: String = chars.into_iter().collect();
            let r = remainder(&s);
            prop_assert_eq!(check_digit(&s), Some((r % 10) as u8));
        }
    }
}
