//! An amount of money in a currency.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{CurrencyCode, IdError};

/// A non-negative amount with at most 2 decimal places and at most 14 digits before the decimal
/// point, in an ISO 4217 currency. Serialized as `{"amount":"123.45","currency":"USD"}` (the
/// amount as a string, so no precision is lost); deserializing validates.
///
/// The 2 decimal places are the NCTS amount format, whatever the currency's ISO 4217 minor unit
/// ([`CurrencyCode::minor_units`]); minor units here are hundredths ("cents") in every currency.
///
/// Source: NCTS Phase 5 data format n..16,2 (e.g. GuaranteeReference/amountToBeCovered); ISO 4217.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "MoneyWire", into = "MoneyWire")]
pub struct Money {
    amount: Decimal,
    currency: CurrencyCode,
}

/// The serde form of [`Money`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MoneyWire {
    amount: String,
    currency: CurrencyCode,
}

/// Largest amount allowed: 14 nines before the point, 2 after (n..16,2).
fn max_amount() -> Decimal {
    Decimal::new(9_999_999_999_999_999, 2)
}

impl Money {
    /// An amount in `currency`. Refuses negative amounts, more than 2 significant decimal places
    /// (`1.500` is accepted and kept as `1.50`), and more than 14 digits before the point.
    pub fn new(amount: Decimal, currency: CurrencyCode) -> Result<Money, IdError> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(IdError::NegativeAmount {
                amount: amount.to_string(),
            });
        }
        let places = amount.normalize().scale();
        if places > 2 {
            return Err(IdError::TooManyDecimals {
                amount: amount.to_string(),
                places,
            });
        }
        if amount > max_amount() {
            return Err(IdError::AmountTooLarge {
                amount: amount.to_string(),
            });
        }
        let mut amount = amount;
        amount.set_sign_positive(true); // -0 is 0
        if amount.scale() > 2 {
            amount.rescale(2); // only trailing zeros go
        }
        Ok(Money { amount, currency })
    }

    /// An amount given in hundredths of the currency unit (e.g. cents), e.g. `12345` → `123.45`.
    pub fn from_minor_units(minor: i64, currency: CurrencyCode) -> Result<Money, IdError> {
        Money::new(Decimal::new(minor, 2), currency)
    }

    /// Zero in `currency`.
    pub fn zero(currency: CurrencyCode) -> Money {
        Money {
            amount: Decimal::ZERO,
            currency,
        }
    }

    /// The amount (non-negative, at most 2 decimal places).
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> CurrencyCode {
        self.currency
    }

    /// The amount in hundredths of the currency unit (e.g. cents): `123.45` → `12345`.
    pub fn to_minor_units(&self) -> i64 {
        let mut hundredths = self.amount;
        hundredths.rescale(2);
        // At most 16 digits, so it fits an i64.
        i64::try_from(hundredths.mantissa()).unwrap_or(i64::MAX)
    }

    /// The sum, if both are in the same currency and it stays within n..16,2.
    pub fn checked_add(&self, other: &Money) -> Option<Money> {
        if self.currency != other.currency {
            return None;
        }
        Money::new(self.amount.checked_add(other.amount)?, self.currency).ok()
    }

    /// The difference, if both are in the same currency and it is not negative.
    pub fn checked_sub(&self, other: &Money) -> Option<Money> {
        if self.currency != other.currency {
            return None;
        }
        Money::new(self.amount.checked_sub(other.amount)?, self.currency).ok()
    }
}

impl fmt::Display for Money {
    /// E.g. `123.45 USD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

impl From<Money> for MoneyWire {
    fn from(money: Money) -> Self {
        MoneyWire {
            amount: money.amount.to_string(),
            currency: money.currency,
        }
    }
}

impl TryFrom<MoneyWire> for Money {
    type Error = IdError;

    fn try_from(wire: MoneyWire) -> Result<Self, IdError> {
        let amount = Decimal::from_str_exact(&wire.amount).map_err(|_| IdError::InvalidAmount {
            text: wire.amount.clone(),
        })?;
        Money::new(amount, wire.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn usd() -> CurrencyCode {
        CurrencyCode::parse("USD").unwrap()
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn accepts_amounts_in_the_ncts_format() {
        let m = Money::new(dec("123.45"), usd()).unwrap();
        assert_eq!(
            (m.amount(), m.currency(), m.to_minor_units()),
            (dec("123.45"), usd(), 12345)
        );
        assert_eq!(m.to_string(), "123.45 USD");
        assert_eq!(
            Money::new(dec("1.500"), usd())
                .unwrap()
                .amount()
                .to_string(),
            "1.50"
        );
        assert_eq!(
            Money::new(dec("-0.00"), usd())
                .unwrap()
                .amount()
                .to_string(),
            "0.00"
        );
        assert_eq!(Money::new(dec("7"), usd()).unwrap().to_minor_units(), 700);
        assert_eq!(
            Money::new(dec("99999999999999.99"), usd())
                .unwrap()
                .to_minor_units(),
            9_999_999_999_999_999
        );
    }

    #[test]
    fn refuses_with_a_reason() {
        assert_eq!(
            Money::new(dec("-1.00"), usd()).unwrap_err().to_string(),
            "amount -1.00 is negative; amounts must be zero or more"
        );
        assert_eq!(
            Money::new(dec("1.005"), usd()).unwrap_err().to_string(),
            "amount 1.005 has 3 decimal places; at most 2 are allowed"
        );
        assert_eq!(
            Money::new(dec("100000000000000"), usd()).unwrap_err().to_string(),
            "amount 100000000000000 is too large; at most 14 digits before the decimal point are allowed"
        );
        assert!(Money::from_minor_units(-1, usd()).is_err());
        assert!(Money::from_minor_units(i64::MAX, usd()).is_err());
    }

    #[test]
    fn serde_uses_a_string_amount() {
        let m = Money::new(dec("123.45"), usd()).unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"amount":"123.45","currency":"USD"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        for bad in [
            r#"{"amount":"-1","currency":"USD"}"#,
            r#"{"amount":"1.001","currency":"USD"}"#,
            r#"{"amount":"abc","currency":"USD"}"#,
            r#"{"amount":"1","currency":"XYZ"}"#,
            r#"{"amount":"1"}"#,
        ] {
            assert!(serde_json::from_str::<Money>(bad).is_err(), "{bad}");
        }
        let err =
            serde_json::from_str::<Money>(r#"{"amount":"abc","currency":"USD"}"#).unwrap_err();
        assert!(
            err.to_string()
                .contains("amount \"abc\" is not a decimal number"),
            "{err}"
        );
    }

    #[test]
    fn arithmetic_stays_valid() {
        let a = Money::new(dec("10.50"), usd()).unwrap();
        let b = Money::new(dec("0.75"), usd()).unwrap();
        assert_eq!(a.checked_add(&b).unwrap().to_minor_units(), 1125);
        assert_eq!(a.checked_sub(&b).unwrap().to_minor_units(), 975);
        assert_eq!(b.checked_sub(&a), None);
        let eur = Money::zero(CurrencyCode::parse("EUR").unwrap());
        assert_eq!(a.checked_add(&eur), None);
    }

    proptest! {
        #[test]
        fn minor_units_and_serde_round_trip(minor in 0..=9_999_999_999_999_999i64, code in prop::sample::select(crate::ids::ISO_4217_CURRENCIES)) {
            let currency = CurrencyCode::parse(code.0).unwrap();
            let m = Money::from_minor_units(minor, currency).unwrap();
            prop_assert_eq!(m.to_minor_units(), minor);
            let json = serde_json::to_string(&m).unwrap();
            prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        }
    }
}
