//! Risk selection, first version (issue 2, item 7): the restricted goods list, simple profiles on HS
//! code prefix and country, and a per-office random selection rate. The random draw is a keyed
//! MAC of the MRN and the office ([`draw`]): a serving node keys it with its own secret
//! ([`DrawKey`], issue 15), so that nothing a trader can see tells the outcome; a replay keys it
//! with a seed ([`DrawKey::from_seed`]) so that it can be reproduced. AEO benefits (issue 5) are part of the policy: a lower random selection rate for
//! AEO holders, and a reduced share of the amount to be covered reserved on their guarantee.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use hmac::{Hmac, Mac};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ids::{CountryCode, Eori, HsCode, Mrn, OfficeRef};
use crate::movement::{ControlRecord, ControlResultCode, ControlType};
use crate::reference::{Catalog, Restriction};

/// A risk profile: fires when every criterion it sets matches the declaration (issue 6, item 1).
///
/// Every criterion is optional: an empty list or an absent bound sets nothing. The first version's
/// `hs_prefix` and `country` are still read (policy files written for issue 2 keep working).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RiskProfile {
    /// Stable id, e.g. `P-0001`.
    pub id: String,
    /// What the profile is about, for officers.
    pub description: String,
    /// HS code prefix (2 to 6 digits) any item must start with, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hs_prefix: Option<String>,
    /// HS code prefixes: any item must start with one of them, if any are given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hs_prefixes: Vec<String>,
    /// ISO 3166 country that must be the country of dispatch, of destination, or of routing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    /// The country of dispatch must be one of these, if any are given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries_of_dispatch: Vec<CountryCode>,
    /// The country of destination must be one of these, if any are given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries_of_destination: Vec<CountryCode>,
    /// One of the countries of routing must be one of these, if any are given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries_of_routing: Vec<CountryCode>,
    /// The holder's identification number must be one of these, if any are given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holders: Vec<Eori>,
    /// The holder's AEO status must be this, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aeo: Option<bool>,
    /// Declared value per kg of gross mass must be at least this, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value_per_kg: Option<f64>,
    /// Declared value per kg of gross mass must be below this, if set (undervaluation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value_per_kg: Option<f64>,
    /// Gross mass in kg must be at least this, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_mass_kg: Option<f64>,
    /// Gross mass in kg must be below this, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_mass_kg: Option<f64>,
    /// Whether an item must be (true) or must not be (false) on the restricted goods list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restricted_goods: Option<bool>,
    /// Control to propose when it fires.
    #[serde(default)]
    pub control_type: ControlType,
    /// A score instead of a control: the scores of the profiles that fire add up, and the
    /// movement is selected when the sum reaches the policy's `score_threshold`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u32>,
    /// First day the profile applies, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// Last day the profile applies, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    /// Offices where it applies; empty means every office (unless `office_countries` is set).
    #[serde(default)]
    pub offices: Vec<OfficeRef>,
    /// Countries whose offices it applies at; empty means every country.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub office_countries: Vec<CountryCode>,
}

/// The secret key of the random draw (32 bytes): a serving node's own, made at its first start
/// and kept in its database (issue 15), or derived from a seed for a reproducible replay. Its
/// `Debug` shows nothing of it.
#[derive(Clone, PartialEq, Eq)]
pub struct DrawKey([u8; 32]);

impl DrawKey {
    /// A key of these 32 bytes (a node's secret).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The key a replay draws with: SHA-256 of `"cats-risk-seed:{seed}"`. Anyone who knows the
    /// seed can compute every draw, so a serving node never uses it.
    pub fn from_seed(seed: u64) -> Self {
        Self(Sha256::digest(format!("cats-risk-seed:{seed}").as_bytes()).into())
    }
}

impl std::fmt::Debug for DrawKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DrawKey(…)")
    }
}

/// How selection works on a node: profiles, random rates and the key of the random draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskPolicy {
    /// Seed of a replay's random draw (`cats replay --seed N`); a serving node draws with its own
    /// secret key ([`RiskPolicy::key`]) instead.
    pub seed: u64,
    /// The key of the random draw: the node's secret, set when the node opens. `None`: the
    /// seed's key ([`DrawKey::from_seed`]), as in a replay. Never read from or written to the
    /// policy file.
    #[serde(skip)]
    pub key: Option<DrawKey>,
    /// Share of movements selected at random at an office, 0.0 to 1.0, unless overridden.
    pub default_rate: f64,
    /// Per-office random selection rates.
    #[serde(default)]
    pub office_rates: BTreeMap<OfficeRef, f64>,
    /// Risk profiles.
    #[serde(default)]
    pub profiles: Vec<RiskProfile>,
    /// Benefits of AEO holders; none unless the policy grants them.
    #[serde(default)]
    pub aeo: AeoBenefits,
    /// Sum of the scores of the scoring profiles that fire at or above which a movement is
    /// selected.
    #[serde(default = "default_score_threshold")]
    pub score_threshold: u32,
}

fn default_score_threshold() -> u32 {
    100
}

impl Default for RiskPolicy {
    fn default() -> Self {
        Self {
            seed: 2025,
            key: None,
            default_rate: 0.05,
            office_rates: BTreeMap::new(),
            profiles: Vec::new(),
            aeo: AeoBenefits::default(),
            score_threshold: default_score_threshold(),
        }
    }
}

/// What an AEO holder (an active AEO registration on the day) gains, as configured in the risk
/// policy (`"aeo": {"reserve_share": "0.50", "random_rate_factor": 0.5}`). The defaults, 1 and
/// 1, grant nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AeoBenefits {
    /// Share of the amount to be covered that is reserved on the guarantee at release, in
    /// (0, 1]; e.g. `0.50` reserves half. Written as a JSON string (exact decimal).
    #[serde(with = "rust_decimal::serde::str")]
    pub reserve_share: Decimal,
    /// Factor applied to the random selection rate at every office, in [0, 1]; e.g. `0.5`
    /// halves it.
    pub random_rate_factor: f64,
}

impl Default for AeoBenefits {
    fn default() -> Self {
        Self {
            reserve_share: Decimal::ONE,
            random_rate_factor: 1.0,
        }
    }
}

impl AeoBenefits {
    /// The reduced share for a holder, when it is an AEO and the policy reduces it.
    pub fn share_for(&self, aeo: bool) -> Option<Decimal> {
        (aeo && self.reserve_share > Decimal::ZERO && self.reserve_share < Decimal::ONE)
            .then_some(self.reserve_share)
    }

    /// The random-rate factor for a holder, when it is an AEO and the policy lowers the rate.
    pub fn factor_for(&self, aeo: bool) -> Option<f64> {
        (aeo && (0.0..1.0).contains(&self.random_rate_factor)).then_some(self.random_rate_factor)
    }
}

/// The facts of a declaration that selection reads.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskFacts {
    /// 6-digit HS subheading codes of the items.
    pub hs_codes: Vec<HsCode>,
    /// Countries of dispatch, destination and routing.
    pub countries: Vec<CountryCode>,
    /// Whether the holder is an AEO on the day (AEO benefits apply).
    pub aeo: bool,
    /// Country of dispatch (consignment level), if given.
    pub country_of_dispatch: Option<CountryCode>,
    /// Country of destination (consignment level), if given.
    pub country_of_destination: Option<CountryCode>,
    /// Countries of routing, in order.
    pub countries_of_routing: Vec<CountryCode>,
    /// Holder identification number.
    pub holder: Eori,
    /// Gross mass in kg, if known.
    pub gross_mass_kg: Option<f64>,
    /// Declared value (the amount to be covered, the only value a CC015C carries) per kg of
    /// gross mass, if both are known.
    pub value_per_kg: Option<f64>,
    /// The day selection runs, for the profiles' validity windows; none ignores them.
    pub day: Option<NaiveDate>,
}

impl RiskFacts {
    /// Facts of a holder's declaration with nothing else known (add what is known).
    pub fn of_holder(holder: Eori) -> Self {
        Self {
            hs_codes: Vec::new(),
            countries: Vec::new(),
            aeo: false,
            country_of_dispatch: None,
            country_of_destination: None,
            countries_of_routing: Vec::new(),
            holder,
            gross_mass_kg: None,
            value_per_kg: None,
            day: None,
        }
    }
}

/// The result of selection at one office, kept in the movement's history.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Selection {
    /// Office where selection ran.
    pub office: OfficeRef,
    /// Whether the movement is selected for control.
    pub selected: bool,
    /// Control proposed, when selected.
    pub control_type: Option<ControlType>,
    /// Why, in words (restricted goods, profiles, random draw).
    pub reasons: Vec<String>,
    /// Ids of the profiles that fired.
    pub profiles: Vec<String>,
    /// The random draw in [0, 1) and the rate it was compared with.
    pub draw: f64,
    /// Random selection rate at this office.
    pub rate: f64,
    /// The seed the draw was keyed with, in a replay; `None` when the node's secret key was used
    /// (which is never shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The AEO factor applied to the office's rate (`rate` is already multiplied by it), when
    /// the AEO benefit applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aeo_factor: Option<f64>,
    /// Sum of the scores of the scoring profiles that fired.
    #[serde(default)]
    pub score: u32,
    /// Mutual recognition: the upstream control recognised here instead of a random selection
    /// (office, control type, result), when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recognised: Option<RecognisedControl>,
}

/// A satisfactory control done upstream and recognised at a later office.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecognisedControl {
    /// Office that did the control.
    pub office: OfficeRef,
    /// Type of that control.
    pub control_type: ControlType,
    /// Its result (A1, A2 or A3).
    pub result: ControlResultCode,
}

/// Whether a control result is satisfactory (A1, A2, A3), and so recognised downstream.
pub fn satisfactory(result: ControlResultCode) -> bool {
    !matches!(result, ControlResultCode::B1)
}

/// Selection at `office` with mutual recognition (issue 6, item 2): when the movement would be
/// selected only by the random draw and a satisfactory control was done at another office
/// upstream (`upstream`, oldest first), that control is recognised and the movement is not
/// selected; the selection keeps the draw and says which control was recognised. A local
/// profile or the restricted goods list always selects, recognised control or not.
pub fn select_recognising(
    policy: &RiskPolicy,
    catalog: &Catalog,
    office: &OfficeRef,
    mrn: &Mrn,
    facts: &RiskFacts,
    upstream: &[ControlRecord],
) -> Selection {
    let mut s = select(policy, catalog, office, mrn, facts);
    // Selected by the draw (it is the last reason pushed) and by nothing else.
    let random_only = s.selected && s.draw < s.rate && s.reasons.len() == 1;
    if !random_only {
        return s;
    }
    let Some(c) = upstream
        .iter()
        .rev()
        .find(|c| &c.office != office && satisfactory(c.result))
    else {
        return s;
    };
    s.selected = false;
    s.control_type = None;
    s.reasons = vec![format!(
        "random selection (draw {:.4} below rate {:.2}) waived: {:?} control at {} ({:?}) recognised",
        s.draw, s.rate, c.control_type, c.office, c.result
    )];
    s.recognised = Some(RecognisedControl {
        office: c.office.clone(),
        control_type: c.control_type,
        result: c.result,
    });
    s
}

/// The random draw in [0, 1) for the movement `mrn` at `office`: the first 53 bits of
/// HMAC-SHA256 (RFC 2104) under `key` of `"{mrn}:{office}"`. The same key, MRN and office give
/// the same draw; without the key it cannot be computed.
pub fn draw(key: &DrawKey, mrn: &Mrn, office: &OfficeRef) -> f64 {
    let mut mac = Hmac::<Sha256>::new_from_slice(&key.0).expect("HMAC takes a key of any length");
    mac.update(format!("{mrn}:{office}").as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

fn any_in<T: PartialEq>(list: &[T], value: Option<&T>) -> bool {
    list.is_empty() || value.is_some_and(|v| list.contains(v))
}

fn within(value: Option<f64>, min: Option<f64>, max: Option<f64>) -> bool {
    if min.is_none() && max.is_none() {
        return true;
    }
    value.is_some_and(|v| min.is_none_or(|m| v >= m) && max.is_none_or(|m| v < m))
}

/// Whether `profile` fires on `facts` at `office` (no restricted goods list: see
/// [`profile_fires_with`]).
pub fn profile_fires(profile: &RiskProfile, facts: &RiskFacts, office: &OfficeRef) -> bool {
    profile_fires_with(profile, facts, office, &Catalog::default())
}

/// Whether `profile` fires on `facts` at `office`, reading the restricted goods list of `catalog`.
pub fn profile_fires_with(
    profile: &RiskProfile,
    facts: &RiskFacts,
    office: &OfficeRef,
    catalog: &Catalog,
) -> bool {
    let office_ok = profile.offices.is_empty() || profile.offices.contains(office);
    let office_country_ok = any_in(&profile.office_countries, Some(&office.country()));
    let hs_ok = profile.hs_prefix.as_ref().is_none_or(|p| {
        facts
            .hs_codes
            .iter()
            .any(|c| c.as_str().starts_with(p.as_str()))
    });
    let hs_list_ok = profile.hs_prefixes.is_empty()
        || facts.hs_codes.iter().any(|c| {
            profile
                .hs_prefixes
                .iter()
                .any(|p| c.as_str().starts_with(p.as_str()))
        });
    let country_ok = profile
        .country
        .as_ref()
        .is_none_or(|c| facts.countries.iter().any(|x| x == c));
    let dispatch_ok = any_in(
        &profile.countries_of_dispatch,
        facts.country_of_dispatch.as_ref(),
    );
    let destination_ok = any_in(
        &profile.countries_of_destination,
        facts.country_of_destination.as_ref(),
    );
    let routing_ok = profile.countries_of_routing.is_empty()
        || facts
            .countries_of_routing
            .iter()
            .any(|c| profile.countries_of_routing.contains(c));
    let holder_ok = any_in(&profile.holders, Some(&facts.holder));
    let aeo_ok = profile.aeo.is_none_or(|a| a == facts.aeo);
    let value_ok = within(
        facts.value_per_kg,
        profile.min_value_per_kg,
        profile.max_value_per_kg,
    );
    let mass_ok = within(
        facts.gross_mass_kg,
        profile.min_mass_kg,
        profile.max_mass_kg,
    );
    let restricted_ok = profile.restricted_goods.is_none_or(|want| {
        let on_list = facts
            .hs_codes
            .iter()
            .any(|c| !catalog.restrictions_for(c.as_str()).is_empty());
        on_list == want
    });
    let valid_ok = facts.day.is_none_or(|d| {
        profile.valid_from.is_none_or(|f| d >= f) && profile.valid_to.is_none_or(|t| d <= t)
    });
    office_ok
        && office_country_ok
        && hs_ok
        && hs_list_ok
        && country_ok
        && dispatch_ok
        && destination_ok
        && routing_ok
        && holder_ok
        && aeo_ok
        && value_ok
        && mass_ok
        && restricted_ok
        && valid_ok
}

/// Run selection for the movement `mrn` at `office`.
pub fn select(
    policy: &RiskPolicy,
    catalog: &Catalog,
    office: &OfficeRef,
    mrn: &Mrn,
    facts: &RiskFacts,
) -> Selection {
    let mut reasons = Vec::new();
    let mut control_type = None;
    for code in &facts.hs_codes {
        for r in catalog.restrictions_for(code.as_str()) {
            if r.restriction == Restriction::AlwaysControlled {
                reasons.push(format!(
                    "restricted goods list: HS {} ({}) is always controlled",
                    code, r.reason
                ));
                control_type.get_or_insert(ControlType::Physical);
            }
        }
    }
    let mut fired = Vec::new();
    let mut score = 0u32;
    let mut scored = Vec::new();
    for p in &policy.profiles {
        if profile_fires_with(p, facts, office, catalog) {
            fired.push(p.id.clone());
            match p.score {
                Some(s) => {
                    score = score.saturating_add(s);
                    scored.push(p);
                }
                None => {
                    reasons.push(format!("profile {}: {}", p.id, p.description));
                    control_type.get_or_insert(p.control_type);
                }
            }
        }
    }
    if !scored.is_empty() && score >= policy.score_threshold {
        let ids: Vec<&str> = scored.iter().map(|p| p.id.as_str()).collect();
        reasons.push(format!(
            "score {score} reaches the threshold {} (profiles {})",
            policy.score_threshold,
            ids.join(", ")
        ));
        control_type.get_or_insert(scored[0].control_type);
    }
    let base = policy
        .office_rates
        .get(office)
        .copied()
        .unwrap_or(policy.default_rate);
    let aeo_factor = policy.aeo.factor_for(facts.aeo);
    let rate = base * aeo_factor.unwrap_or(1.0);
    let (key, seed) = match &policy.key {
        Some(k) => (k.clone(), None),
        None => (DrawKey::from_seed(policy.seed), Some(policy.seed)),
    };
    let d = draw(&key, mrn, office);
    if d < rate {
        let aeo = aeo_factor.map_or_else(String::new, |f| {
            format!(", AEO: office rate {base:.2} × {f}")
        });
        let keyed = seed.map_or_else(|| "node key".to_string(), |s| format!("seed {s}"));
        reasons.push(format!(
            "random selection: draw {d:.4} below rate {rate:.2} ({keyed}{aeo})"
        ));
        control_type.get_or_insert(ControlType::Documentary);
    }
    Selection {
        office: office.clone(),
        selected: !reasons.is_empty(),
        control_type,
        reasons,
        profiles: fired,
        draw: d,
        rate,
        seed,
        aeo_factor,
        score,
        recognised: None,
    }
}

#[cfg(test)]
mod tests;
