//! Serde helpers: `rust_decimal::Decimal` as an exact JSON number (serde_json's
//! `arbitrary_precision`), never through `f64`. `25000.00` stays `25000.00`.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

fn to_number(value: &Decimal) -> Result<serde_json::Number, String> {
    serde_json::Number::from_str(&value.to_string()).map_err(|e| e.to_string())
}

fn from_number(number: &serde_json::Number) -> Result<Decimal, String> {
    let text = number.to_string();
    Decimal::from_str_exact(&text).map_err(|e| format!("{text} is not an exact decimal: {e}"))
}

/// `Decimal` as an exact JSON number.
pub(crate) mod required {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        value: &Decimal,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        to_number(value)
            .map_err(serde::ser::Error::custom)?
            .serialize(serializer)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Decimal, D::Error> {
        from_number(&serde_json::Number::deserialize(deserializer)?)
            .map_err(serde::de::Error::custom)
    }
}

/// `Option<Decimal>` as an exact JSON number (use with `default` and `skip_serializing_if`).
pub(crate) mod option {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<Decimal>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => to_number(v)
                .map_err(serde::ser::Error::custom)?
                .serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        match Option::<serde_json::Number>::deserialize(deserializer)? {
            Some(n) => from_number(&n).map(Some).map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}
