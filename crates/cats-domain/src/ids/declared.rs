//! An identifier as a message declared it: typed when it parses, the text and the reason when it
//! does not.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use super::IdError;

/// An identifier field of an incoming message (a CC015C's LRN, offices, EORIs, GRNs and
/// currencies; a CC007C's office): [`Declared::Valid`] holds the validated identifier;
/// [`Declared::Invalid`] keeps the text exactly as declared with the [`IdError`] that refused it,
/// so the business rule that owns the element reports it with its rule id and pointer, and a
/// refused message is stored and shown as the trader sent it.
///
/// Serde is a plain string both ways (deserializing never fails on the text: the XSD checks the
/// form first, the rules check the rest), so stored declarations and the JSON form do not change.
/// It dereferences to the declared text; [`Declared::valid`] gives the typed value.
///
/// `T` is one of the identifier types of this module (`Lrn`, `OfficeRef`, `Eori`, `Grn`,
/// `CurrencyCode` …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Declared<T> {
    /// A well-formed identifier.
    Valid(T),
    /// Text that is not a well-formed identifier of this kind.
    Invalid {
        /// The text as declared.
        text: String,
        /// Why it is refused.
        error: IdError,
    },
}

impl<T: FromStr<Err = IdError> + AsRef<str>> Declared<T> {
    /// Reads `text`: [`Declared::Valid`] when it parses, else [`Declared::Invalid`] with the text
    /// kept as given.
    pub fn parse(text: &str) -> Self {
        match T::from_str(text) {
            Ok(value) => Self::Valid(value),
            Err(error) => Self::Invalid {
                text: text.to_owned(),
                error,
            },
        }
    }

    /// The text as declared.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Valid(value) => value.as_ref(),
            Self::Invalid { text, .. } => text,
        }
    }
}

impl<T> Declared<T> {
    /// The identifier, if well formed.
    pub fn valid(&self) -> Option<&T> {
        match self {
            Self::Valid(value) => Some(value),
            Self::Invalid { .. } => None,
        }
    }

    /// The identifier, or why the declared text is not one.
    pub fn checked(&self) -> Result<&T, &IdError> {
        match self {
            Self::Valid(value) => Ok(value),
            Self::Invalid { error, .. } => Err(error),
        }
    }
}

impl<T: FromStr<Err = IdError> + AsRef<str>> Deref for Declared<T> {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl<T: FromStr<Err = IdError> + AsRef<str>> AsRef<str> for Declared<T> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl<T: FromStr<Err = IdError> + AsRef<str>> fmt::Display for Declared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl<T: FromStr<Err = IdError> + AsRef<str>> From<&str> for Declared<T> {
    fn from(text: &str) -> Self {
        Self::parse(text)
    }
}

impl<T: FromStr<Err = IdError> + AsRef<str>> From<String> for Declared<T> {
    fn from(text: String) -> Self {
        Self::parse(&text)
    }
}

impl<T: FromStr<Err = IdError> + AsRef<str>> PartialEq<str> for Declared<T> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl<T: FromStr<Err = IdError> + AsRef<str>> PartialEq<&str> for Declared<T> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl<T: FromStr<Err = IdError> + AsRef<str>> PartialEq<String> for Declared<T> {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl<T: FromStr<Err = IdError> + AsRef<str>> serde::Serialize for Declared<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de, T: FromStr<Err = IdError> + AsRef<str>> serde::Deserialize<'de> for Declared<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(Self::parse(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{Grn, OfficeRef};

    #[test]
    fn a_well_formed_text_is_typed_and_an_ill_formed_one_kept_with_its_reason() {
        let good: Declared<OfficeRef> = "KZHOR001".into();
        assert_eq!(good.valid().map(OfficeRef::as_str), Some("KZHOR001"));
        let bad: Declared<OfficeRef> = "QQHOR001".into();
        assert_eq!(bad.as_str(), "QQHOR001");
        assert!(bad.valid().is_none());
        assert_eq!(
            bad.checked().unwrap_err(),
            &OfficeRef::parse("QQHOR001").unwrap_err()
        );
    }

    #[test]
    fn serde_is_the_declared_text_both_ways() {
        for text in ["25KZ0000SRI00001X", "not a grn", ""] {
            let json = serde_json::to_string(text).unwrap();
            let read: Declared<Grn> = serde_json::from_str(&json).unwrap();
            assert_eq!(read, text);
            assert_eq!(serde_json::to_string(&read).unwrap(), json);
        }
    }
}
