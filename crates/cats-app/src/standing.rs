//! What the registers say about parties and guarantees on a day, as the business rules and the
//! ledger need it: the holder's registration (CATS007) and AEO status, the insurers in good
//! standing (CATS023), the reference exchange rates (CATS021, CATS022) and the AEO share.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use cats_domain::declaration::Cc015c;
use cats_domain::ids::{CurrencyCode, Declared, Eori, Grn};
use cats_domain::ledger::Guarantee;
use cats_domain::reference::Catalog;
use cats_domain::registry::registration::{standing as standing_of, Standing};
use cats_domain::rules::{HolderRegistration, RuleContext};

use crate::app::App;
use crate::error::AppError;
use crate::store::RegistrationFilter;

/// What `party`'s registrations allow on `day` (nothing for an unknown party).
pub async fn standing(app: &App, party: &Eori, day: NaiveDate) -> Result<Standing, AppError> {
    let filter = RegistrationFilter {
        party: Some(party.clone()),
        ..RegistrationFilter::default()
    };
    let registrations = app.store().registrations(&filter).await?;
    Ok(standing_of(&registrations, day))
}

/// Whether `party` is an AEO on `day`, when the node's policy grants AEO benefits at all (no
/// lookup otherwise: the answer would change nothing).
pub async fn aeo_benefits_apply(app: &App, party: &Eori, day: NaiveDate) -> Result<bool, AppError> {
    let aeo = &app.risk_policy().aeo;
    if aeo.share_for(true).is_none() && aeo.factor_for(true).is_none() {
        return Ok(false);
    }
    Ok(standing(app, party, day).await?.aeo)
}

/// The holder as rule CATS007 sees it on `day`: its kind, and whether an approved AEO or
/// authorised trader registration is valid then. `None` for a party CATS does not know.
pub async fn holder_registration(
    app: &App,
    holder: &Eori,
    day: NaiveDate,
) -> Result<Option<HolderRegistration>, AppError> {
    let Some(party) = app.store().party(holder).await? else {
        return Ok(None);
    };
    let s = standing(app, holder, day).await?;
    Ok(Some(HolderRegistration {
        identification_number: party.identification_number,
        kind: party.kind,
        active: s.trader,
        aeo: s.aeo,
    }))
}

/// Everything besides the declaration and the catalogue that the rules read on a day.
#[derive(Debug, Clone, Default)]
pub struct RuleInputs {
    /// The holder's registration.
    pub holder: Option<HolderRegistration>,
    /// Guarantees named in the declaration that exist, by GRN.
    pub guarantees: HashMap<Grn, Guarantee>,
    /// Reference exchange rates from the declared currencies to those guarantees' currencies.
    pub rates: HashMap<(CurrencyCode, CurrencyCode), Decimal>,
    /// Insurers of those guarantees in good standing (CATS023).
    pub active_insurers: HashSet<Eori>,
    /// The AEO share the policy grants the holder, if any.
    pub aeo_share: Option<Decimal>,
}

impl RuleInputs {
    /// Look up what the rules need for `d` on `day`.
    pub async fn load(app: &App, d: &Cc015c, day: NaiveDate) -> Result<Self, AppError> {
        let mut inputs = RuleInputs::default();
        let holder = d
            .holder_of_the_transit_procedure
            .identification_number
            .as_ref()
            .and_then(Declared::valid);
        if let Some(holder) = holder {
            inputs.holder = holder_registration(app, holder, day).await?;
        }
        inputs.aeo_share = app
            .risk_policy()
            .aeo
            .share_for(inputs.holder.as_ref().is_some_and(|h| h.aeo));
        let mut insurers_seen = HashSet::new();
        for reference in d
            .guarantee
            .iter()
            .flat_map(|g| g.guarantee_reference.iter())
        {
            let Some(grn) = reference.grn.as_ref().and_then(Declared::valid) else {
                continue;
            };
            // A guarantee held by a peer node (ICE): as that node registers it (CD200C).
            let held_by = app
                .topology()
                .and_then(|t| crate::ice::guarantee::holder_of(t, grn).cloned());
            if let (Some(peer), None) = (held_by, inputs.guarantees.get(grn)) {
                let check = crate::ice::query::GuaranteeCheck {
                    grn: grn.clone(),
                    access_code: reference.access_code.clone().unwrap_or_default(),
                    holder: holder.cloned(),
                    day,
                };
                let Some((g, good)) =
                    crate::ice::query::check_guarantee(app, &peer, &check).await?
                else {
                    continue;
                };
                if good {
                    inputs.active_insurers.insert(g.insurer.clone());
                }
                insurers_seen.insert(g.insurer.clone());
                rate_for(app, &mut inputs, reference, &g, day).await?;
                inputs.guarantees.insert(grn.clone(), g);
                continue;
            }
            let found = match inputs.guarantees.get(grn) {
                Some(g) => g.clone(),
                None => match app.store().guarantee(grn).await? {
                    Some(g) => g,
                    None => continue,
                },
            };
            if insurers_seen.insert(found.insurer.clone())
                && standing(app, &found.insurer, day).await?.insurer
            {
                inputs.active_insurers.insert(found.insurer.clone());
            }
            rate_for(app, &mut inputs, reference, &found, day).await?;
            inputs.guarantees.insert(grn.clone(), found);
        }
        Ok(inputs)
    }

    /// The rule context on `day` with these inputs.
    pub fn context<'a>(
        &'a self,
        catalog: &'a Catalog,
        day: NaiveDate,
        lrn_in_use: bool,
    ) -> RuleContext<'a> {
        RuleContext {
            catalog,
            today: day,
            holder: self.holder.clone(),
            guarantees: &self.guarantees,
            lrn_in_use,
            rates: &self.rates,
            active_insurers: &self.active_insurers,
            aeo_share: self.aeo_share,
        }
    }
}

/// Add to `inputs` the reference exchange rate on `day` from the currency declared in
/// `reference` to guarantee `g`'s, when they differ (CATS021).
async fn rate_for(
    app: &App,
    inputs: &mut RuleInputs,
    reference: &cats_domain::declaration::GuaranteeReference,
    g: &Guarantee,
    day: NaiveDate,
) -> Result<(), AppError> {
    let declared = reference.currency.as_ref().and_then(Declared::valid);
    if let Some(&c) = declared.filter(|c| **c != g.currency()) {
        let key = (c, g.currency());
        if let std::collections::hash_map::Entry::Vacant(slot) = inputs.rates.entry(key) {
            if let Some(r) = app.store().exchange_rate(c, g.currency(), day).await? {
                slot.insert(r.rate);
            }
        }
    }
    Ok(())
}
