//! What release reserves on each guarantee of a movement: the amount to be covered converted
//! into the guarantee's currency at the reference exchange rate of the day of release, reduced to
//! the AEO share when the holder is an AEO on that day and the policy grants the benefit
//! (issue 5). The rate and the share are kept with the reservation.

use chrono::NaiveDate;
use serde_json::{json, Value};

use cats_domain::coverage::{cover, Coverage};
use cats_domain::ledger::Unusable;
use cats_domain::movement::Movement;

use crate::app::App;
use crate::error::AppError;
use crate::standing::aeo_benefits_apply;
use crate::store::{LedgerOp, ReserveBasis, StoreError};

/// The reservations of one release.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// One `Reserve` per guarantee reference, in the declaration's order.
    pub ops: Vec<LedgerOp>,
    /// How each amount was computed.
    pub coverage: Vec<Coverage>,
    /// Whether the holder is an AEO on the day.
    pub aeo: bool,
}

impl Plan {
    /// The release's customs message part: `coverage` (grn, declaredAmount, declaredCurrency,
    /// rate, aeoShare, amount, currency) and, when an AEO benefit applied, `aeoBenefits`
    /// (`reserveShare`, and `randomRateFactor` of the risk selection at departure).
    pub fn record(&self, movement: &Movement) -> Value {
        let mut v = json!({ "coverage": self.coverage });
        let share = self.coverage.iter().find_map(|c| c.aeo_share);
        let factor = movement
            .risk
            .iter()
            .find(|s| s.office == movement.office_of_departure)
            .and_then(|s| s.aeo_factor);
        if self.aeo && (share.is_some() || factor.is_some()) {
            v["aeoBenefits"] = json!({
                "holder": movement.holder,
                "reserveShare": share,
                "randomRateFactor": factor,
            });
        }
        v
    }

    /// A line for the audit log: `reserved 12500.00 USD on GRN (declared 25000.00 USD, AEO
    /// share 0.5)`.
    pub fn describe(&self) -> String {
        self.coverage
            .iter()
            .map(|c| {
                let mut how = vec![format!(
                    "declared {} {}",
                    c.declared.amount(),
                    c.declared.currency()
                )];
                if let Some(r) = c.rate {
                    how.push(format!("rate {r}"));
                }
                if let Some(s) = c.aeo_share {
                    how.push(format!("AEO share {s}"));
                }
                format!(
                    "reserved {} {} on {} ({})",
                    c.amount.amount(),
                    c.amount.currency(),
                    c.grn,
                    how.join(", ")
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Plan the reservations of `movement` released on `day`.
///
/// Errors: [`StoreError::NotUsable`] (as [`AppError::Store`]) when a declared currency has no
/// reference exchange rate to the guarantee's on the day (CATS021); the release then fails as
/// when the amount is not available.
pub async fn plan(app: &App, movement: &Movement, day: NaiveDate) -> Result<Plan, AppError> {
    let aeo = aeo_benefits_apply(app, &movement.holder, day).await?;
    let share = app.risk_policy().aeo.share_for(aeo);
    let mut out = Plan {
        ops: Vec::new(),
        coverage: Vec::new(),
        aeo,
    };
    // Guarantees held by peer nodes reserve there (chain guarantee, CD203C).
    let held_here = movement
        .guarantees
        .iter()
        .filter(|g| crate::ice::guarantee::held_here(app, &g.grn));
    for used in held_here {
        let g = app
            .store()
            .guarantee(&used.grn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("guarantee {}", used.grn)))?;
        let declared = used.amount.currency();
        let rate = if declared == g.currency() {
            None
        } else {
            app.store()
                .exchange_rate(declared, g.currency(), day)
                .await?
                .map(|r| r.rate)
        };
        let c =
            cover(used, g.currency(), rate, share).map_err(|problem| StoreError::NotUsable {
                grn: used.grn.clone(),
                why: Unusable::Coverage { problem, day },
            })?;
        out.ops.push(LedgerOp::Reserve {
            grn: c.grn.clone(),
            amount_minor: c.amount.to_minor_units(),
            basis: ReserveBasis {
                declared_minor: Some(c.declared.to_minor_units()),
                declared_currency: Some(c.declared.currency()),
                rate: c.rate,
                aeo_share: c.aeo_share,
            },
        });
        out.coverage.push(c);
    }
    Ok(out)
}
