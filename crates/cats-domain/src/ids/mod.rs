//! Identifiers that validate when parsed ("parse, don't validate"): a value of any type here is
//! well-formed, so code that holds one never checks it again.
//!
//! Every type has `parse(&str) -> Result<Self, IdError>`, `as_str()`, `Display`, `FromStr`, and
//! serde as a plain string (deserializing validates). Shapes follow DOMAIN.md section 5, the NCTS
//! Phase 5 data formats, ISO 6346 (check digits, container numbers), ISO 3166-1 (countries) and
//! ISO 4217 (currencies).

mod access_code;
mod check_digit;
mod container;
mod country;
mod currency;
mod declared;
mod eori;
mod error;
mod grn;
mod hs;
mod lrn;
mod money;
mod mrn;
mod node;
mod office;
mod procedure;
#[cfg(feature = "openapi")]
mod schema;

pub use access_code::AccessCode;
pub use check_digit::check_digit;
pub use container::ContainerNumber;
pub use country::{CountryCode, ISO_3166_ALPHA2};
pub use currency::{CurrencyCode, ISO_4217_CURRENCIES};
pub use declared::Declared;
pub use eori::Eori;
pub use error::{IdError, IdKind};
pub use grn::Grn;
pub use hs::HsCode;
pub use lrn::Lrn;
pub use money::Money;
pub use mrn::Mrn;
pub use node::NodeId;
pub use office::OfficeRef;
pub use procedure::ProcedureLetter;

/// Implements `Display`, `FromStr`, `AsRef<str>`, `TryFrom<&str>` and serde (as a plain string,
/// validated on the way in) for an identifier type with `parse` and `as_str`.
macro_rules! string_id {
    ($ty:ident) => {
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::ids::IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl ::std::convert::TryFrom<&str> for $ty {
            type Error = $crate::ids::IdError;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::parse(s)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Self::parse(&text).map_err(::serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_id;

/// Implements `Borrow<str>` (maps and sets keyed by the identifier are looked up with a plain
/// `&str`: it hashes, compares and orders as its text) and comparison with `str` for an
/// identifier that is not a secret.
macro_rules! text_key {
    ($($ty:ident),*) => {
        $(
            impl ::std::borrow::Borrow<str> for $ty {
                fn borrow(&self) -> &str {
                    self.as_str()
                }
            }

            impl PartialEq<str> for $ty {
                fn eq(&self, other: &str) -> bool {
                    self.as_str() == other
                }
            }

            impl PartialEq<&str> for $ty {
                fn eq(&self, other: &&str) -> bool {
                    self.as_str() == *other
                }
            }

            impl PartialEq<String> for $ty {
                fn eq(&self, other: &String) -> bool {
                    self.as_str() == other
                }
            }

            impl PartialEq<$ty> for str {
                fn eq(&self, other: &$ty) -> bool {
                    self == other.as_str()
                }
            }

            impl PartialEq<$ty> for &str {
                fn eq(&self, other: &$ty) -> bool {
                    *self == other.as_str()
                }
            }

            impl PartialEq<$ty> for String {
                fn eq(&self, other: &$ty) -> bool {
                    self == other.as_str()
                }
            }
        )*
    };
}

text_key!(
    ContainerNumber,
    CountryCode,
    CurrencyCode,
    Eori,
    Grn,
    HsCode,
    Lrn,
    Mrn,
    OfficeRef
);

/// What a character position of a fixed-layout identifier accepts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CharClass {
    /// `0-9`.
    Digit,
    /// `A-Z`.
    Upper,
    /// `A-Z`, `0-9`.
    UpperAlnum,
}

impl CharClass {
    fn accepts(self, c: char) -> bool {
        match self {
            Self::Digit => c.is_ascii_digit(),
            Self::Upper => c.is_ascii_uppercase(),
            Self::UpperAlnum => c.is_ascii_uppercase() || c.is_ascii_digit(),
        }
    }
}

/// One run of positions of a fixed layout: `len` characters of `class`, described as `what`
/// (shown to the trader, e.g. "an uppercase letter A-Z (country code)").
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment {
    pub len: usize,
    pub class: CharClass,
    pub what: &'static str,
}

/// Checks `s` against a fixed layout: exact length, then each character in turn. On success `s`
/// is pure ASCII, so byte offsets equal character positions.
pub(crate) fn check_layout(kind: IdKind, s: &str, layout: &[Segment]) -> Result<(), IdError> {
    let expected: usize = layout.iter().map(|seg| seg.len).sum();
    let actual = s.chars().count();
    if actual == 0 {
        return Err(IdError::Empty { kind });
    }
    if actual != expected {
        return Err(IdError::WrongLength {
            kind,
            expected,
            actual,
        });
    }
    let classes = layout
        .iter()
        .flat_map(|seg| std::iter::repeat_n(seg, seg.len));
    for ((index, c), seg) in s.chars().enumerate().zip(classes) {
        if !seg.class.accepts(c) {
            return Err(IdError::InvalidCharacter {
                kind,
                position: index + 1,
                found: c,
                expected: seg.what,
            });
        }
    }
    Ok(())
}

/// Checks the last character of `s` against the ISO 6346 check digit of the rest. Callers check
/// the layout first, so `s` is `[0-9A-Z]*` ending in a digit.
pub(crate) fn verify_check_digit(kind: IdKind, s: &str) -> Result<(), IdError> {
    let (body, last) = s.split_at(s.len() - 1);
    let found = last.as_bytes()[0].wrapping_sub(b'0');
    match check_digit(body) {
        Some(computed) if computed == found => Ok(()),
        Some(computed) => Err(IdError::CheckDigit {
            kind,
            found,
            computed,
            over: body.len(),
        }),
        // Unreachable after the layout check; report the first character ISO 6346 cannot value.
        None => Err(body
            .chars()
            .enumerate()
            .find(|(_, c)| !c.is_ascii_uppercase() && !c.is_ascii_digit())
            .map_or(IdError::Empty { kind }, |(index, found)| {
                IdError::InvalidCharacter {
                    kind,
                    position: index + 1,
                    found,
                    expected: "an uppercase letter A-Z or digit 0-9",
                }
            })),
    }
}

/// Converts a calendar year (2000..=2099) into the two digits MRNs and GRNs start with.
pub(crate) fn two_digit_year(year: i32) -> Result<String, IdError> {
    if (2000..=2099).contains(&year) {
        Ok(format!("{:02}", year - 2000))
    } else {
        Err(IdError::YearOutOfRange { year })
    }
}

/// Strategies shared by the property tests of the submodules.
#[cfg(test)]
pub(crate) mod testing {
    use proptest::prelude::*;

    /// `[0-9A-Z]` as a sample set.
    pub const ALNUM: &[char] = &[
        '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H',
        'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z',
    ];

    /// Any assigned country code.
    pub fn country() -> impl Strategy<Value = super::CountryCode> {
        prop::sample::select(super::ISO_3166_ALPHA2)
            .prop_map(|c| super::CountryCode::parse(c).unwrap())
    }

    /// ISO 6346 value of each character, as an index into this table (`?` marks the skipped
    /// multiples of 11); an oracle written independently of `check_digit`.
    const VALUES: &str = "0123456789A?BCDEFGHIJK?LMNOPQRSTU?VWXYZ";

    /// The ISO 6346 weighted sum mod 11 (before 10 becomes 0); `s` must be `[0-9A-Z]*`.
    pub fn remainder(s: &str) -> usize {
        let value = |c: char| VALUES.find(c).expect("[0-9A-Z]");
        // 2^10 = 1024 = 1 (mod 11), so the weights repeat every 10 positions.
        s.chars()
            .enumerate()
            .map(|(i, c)| value(c) * (1 << (i % 10)))
            .sum::<usize>()
            % 11
    }

    /// Whether `a` and `b` have the same ISO 6346 check digit (remainders equal, or 0 and 10).
    pub fn same_check_digit(a: &str, b: &str) -> bool {
        remainder(a) % 10 == remainder(b) % 10
    }

    /// Whether the remainder of `s` is 0 or 10, the two written as check digit `0`.
    pub fn zero_or_ten(s: &str) -> bool {
        matches!(remainder(s), 0 | 10)
    }

    /// Whether `c` and `d` have ISO 6346 values congruent mod 11 (e.g. `1` and `B`, `A` and `K`):
    /// swapping one for the other never changes the weighted sum.
    pub fn congruent(c: char, d: char) -> bool {
        VALUES.find(c).expect("[0-9A-Z]") % 11 == VALUES.find(d).expect("[0-9A-Z]") % 11
    }

    /// Replaces the character at byte `index` of an ASCII string.
    pub fn replace_at(s: &str, index: usize, c: char) -> String {
        let mut out = String::with_capacity(s.len());
        out.push_str(&s[..index]);
        out.push(c);
        out.push_str(&s[index + 1..]);
        out
    }
}
