//! What a movement reserves on a guarantee: the amount to be covered converted into the
//! guarantee's currency at a reference exchange rate, and reduced for AEO holders when the node's
//! policy grants that benefit (issue 5).

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::ids::{CurrencyCode, Grn, Money};
use crate::movement::GuaranteeUse;

/// A reference exchange rate, maintained by the node's administrator: one unit of `from` is
/// `rate` units of `to`, on every day from `valid_from` to `valid_to` (inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRate {
    /// ISO 4217 currency converted from (the declaration's).
    pub from: CurrencyCode,
    /// ISO 4217 currency converted to (the guarantee's).
    pub to: CurrencyCode,
    /// First day the rate applies.
    pub valid_from: NaiveDate,
    /// Last day the rate applies.
    pub valid_to: NaiveDate,
    /// Units of `to` per unit of `from`; positive, at most 10 decimals.
    pub rate: Decimal,
}

impl ExchangeRate {
    /// Whether the rate applies on `day`.
    pub fn applies_on(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && day <= self.valid_to
    }

    /// Check a rate as given: two different currencies, a period, a positive rate with at most
    /// 10 decimals. Returns the problem, if any.
    pub fn check(&self) -> Result<(), String> {
        if self.from == self.to {
            return Err(format!(
                "from {} and to {} must be two different ISO 4217 codes",
                self.from, self.to
            ));
        }
        if self.valid_from > self.valid_to {
            return Err(format!(
                "validFrom {} is after validTo {}",
                self.valid_from, self.valid_to
            ));
        }
        if self.rate <= Decimal::ZERO || self.rate.normalize().scale() > 10 {
            return Err(format!(
                "rate must be positive with at most 10 decimals, got {}",
                self.rate
            ));
        }
        Ok(())
    }
}

/// `amount × rate`, rounded to 2 decimals half away from zero.
pub fn convert(amount: Decimal, rate: Decimal) -> Option<Decimal> {
    amount
        .checked_mul(rate)
        .map(|a| a.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

/// How one guarantee reference of a declaration is covered. Serialized (in the release's
/// customs message) as `{grn, declaredAmount, declaredCurrency, rate, aeoShare, amount,
/// currency}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "CoverageWire")]
pub struct Coverage {
    /// Guarantee reference number (17 characters, ISO 6346 check digit).
    pub grn: Grn,
    /// Amount to be covered as declared, in the declared currency.
    pub declared: Money,
    /// Reference exchange rate used (declared currency → guarantee currency), when they differ.
    pub rate: Option<Decimal>,
    /// Share of the amount reserved for an AEO holder (e.g. 0.5), when the benefit applied.
    pub aeo_share: Option<Decimal>,
    /// Amount reserved, in the guarantee's currency, 2 decimals.
    pub amount: Money,
}

/// The serde form of [`Coverage`].
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CoverageWire {
    grn: Grn,
    declared_amount: Decimal,
    declared_currency: CurrencyCode,
    rate: Option<Decimal>,
    aeo_share: Option<Decimal>,
    amount: Decimal,
    currency: CurrencyCode,
}

impl From<Coverage> for CoverageWire {
    fn from(c: Coverage) -> Self {
        Self {
            grn: c.grn,
            declared_amount: c.declared.amount(),
            declared_currency: c.declared.currency(),
            rate: c.rate,
            aeo_share: c.aeo_share,
            amount: c.amount.amount(),
            currency: c.amount.currency(),
        }
    }
}

/// Why an amount to be covered cannot be expressed in the guarantee's currency (rule CATS021).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoverError {
    /// The currencies differ and no reference exchange rate applies on the day.
    #[error("no reference exchange rate {from}→{to} for the day")]
    NoRate {
        /// The declaration's currency.
        from: CurrencyCode,
        /// The guarantee's currency.
        to: CurrencyCode,
    },
    /// The converted amount does not fit NCTS n..16,2.
    #[error("amount {0} is too large")]
    TooLarge(Decimal),
}

/// The coverage of `used` on a guarantee in `currency`: converted at `rate` when the currencies
/// differ, then reduced to `aeo_share` (0 < share < 1) for an AEO holder.
///
/// Errors: the currencies differ and no rate is given (rule CATS021), or the amount overflows.
pub fn cover(
    used: &GuaranteeUse,
    currency: CurrencyCode,
    rate: Option<Decimal>,
    aeo_share: Option<Decimal>,
) -> Result<Coverage, CoverError> {
    let declared = used.amount.amount();
    let too_large = || CoverError::TooLarge(declared);
    let (converted, rate) = if used.amount.currency() == currency {
        (Some(declared), None)
    } else {
        let r = rate.ok_or(CoverError::NoRate {
            from: used.amount.currency(),
            to: currency,
        })?;
        (convert(declared, r), Some(r))
    };
    let converted = converted.ok_or_else(too_large)?;
    let share = aeo_share.filter(|s| *s > Decimal::ZERO && *s < Decimal::ONE);
    let amount = match share {
        Some(s) => convert(converted, s).ok_or_else(too_large)?,
        None => converted,
    };
    Ok(Coverage {
        grn: used.grn.clone(),
        declared: used.amount.clone(),
        rate,
        aeo_share: share,
        amount: Money::new(amount, currency).map_err(|_| too_large())?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used(amount: &str, currency: &str) -> GuaranteeUse {
        GuaranteeUse {
            grn: Grn::parse("25KZ0000SRI000010").unwrap(),
            amount: Money::new(amount.parse().unwrap(), cur(currency)).unwrap(),
        }
    }

    fn cur(code: &str) -> CurrencyCode {
        CurrencyCode::parse(code).unwrap()
    }

    #[test]
    fn converts_then_reduces() {
        let c = cover(&used("25000.00", "USD"), cur("USD"), None, None).unwrap();
        assert_eq!(c.amount.amount(), "25000.00".parse::<Decimal>().unwrap());
        let c = cover(
            &used("1000000.00", "KZT"),
            cur("USD"),
            Some("0.0019".parse().unwrap()),
            Some("0.5".parse().unwrap()),
        )
        .unwrap();
        assert_eq!(c.amount.amount().to_string(), "950.00");
        assert_eq!(c.rate, Some("0.0019".parse().unwrap()));
        assert!(cover(&used("1.00", "KZT"), cur("USD"), None, None)
            .unwrap_err()
            .to_string()
            .contains("KZT→USD"));
        // A share of 1 (no benefit) is not recorded.
        let c = cover(&used("10.01", "USD"), cur("USD"), None, Some(Decimal::ONE)).unwrap();
        assert_eq!(c.aeo_share, None);
        let c = cover(
            &used("0.01", "USD"),
            cur("USD"),
            None,
            Some("0.5".parse().unwrap()),
        )
        .unwrap();
        assert_eq!(c.amount.amount().to_string(), "0.01");
    }

    #[test]
    fn rates_are_checked() {
        let r = ExchangeRate {
            from: cur("KZT"),
            to: cur("USD"),
            valid_from: "2026-01-01".parse().unwrap(),
            valid_to: "2026-01-31".parse().unwrap(),
            rate: "0.0019".parse().unwrap(),
        };
        assert!(r.check().is_ok());
        assert!(r.applies_on("2026-01-31".parse().unwrap()));
        assert!(!r.applies_on("2026-02-01".parse().unwrap()));
        let mut bad = r.clone();
        bad.to = cur("KZT");
        assert!(bad.check().is_err());
        bad = r;
        bad.rate = Decimal::ZERO;
        assert!(bad.check().is_err());
    }
}
