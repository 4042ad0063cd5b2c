//! Risk selection, first version (issue 2, item 7): the restricted goods list, simple profiles on HS
//! code prefix and country, and a per-office random selection rate that is reproducible from a
//! logged seed. AEO benefits (issue 5) are part of the policy: a lower random selection rate for
//! AEO holders, and a reduced share of the amount to be covered reserved on their guarantee.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::movement::ControlType;
use crate::reference::{Catalog, Restriction};

/// A risk profile: fires when every criterion it sets matches the declaration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskProfile {
    /// Stable id, e.g. `P-0001`.
    pub id: String,
    /// What the profile is about, for officers.
    pub description: String,
    /// HS code prefix (2 to 6 digits) any item must start with, if set.
    #[serde(default)]
    pub hs_prefix: Option<String>,
    /// ISO 3166 country that must be the country of dispatch, of destination, or of routing.
    #[serde(default)]
    pub country: Option<String>,
    /// Control to propose when it fires.
    #[serde(default)]
    pub control_type: ControlType,
    /// Offices where it applies; empty means every office.
    #[serde(default)]
    pub offices: Vec<String>,
}

/// How selection works on a node: profiles, random rates and the seed that makes runs reproducible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskPolicy {
    /// Seed of the random selection; logged with every selection.
    pub seed: u64,
    /// Share of movements selected at random at an office, 0.0 to 1.0, unless overridden.
    pub default_rate: f64,
    /// Per-office random selection rates.
    #[serde(default)]
    pub office_rates: BTreeMap<String, f64>,
    /// Risk profiles.
    #[serde(default)]
    pub profiles: Vec<RiskProfile>,
    /// Benefits of AEO holders; none unless the policy grants them.
    #[serde(default)]
    pub aeo: AeoBenefits,
}

impl Default for RiskPolicy {
    fn default() -> Self {
        Self {
            seed: 2025,
            default_rate: 0.05,
            office_rates: BTreeMap::new(),
            profiles: Vec::new(),
            aeo: AeoBenefits::default(),
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RiskFacts {
    /// 6-digit HS subheading codes of the items.
    pub hs_codes: Vec<String>,
    /// Countries of dispatch, destination and routing.
    pub countries: Vec<String>,
    /// Whether the holder is an AEO on the day (AEO benefits apply).
    #[serde(default)]
    pub aeo: bool,
}

/// The result of selection at one office, kept in the movement's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Selection {
    /// Office where selection ran.
    pub office: String,
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
    /// Seed used.
    pub seed: u64,
    /// The AEO factor applied to the office's rate (`rate` is already multiplied by it), when
    /// the AEO benefit applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aeo_factor: Option<f64>,
}

/// A reproducible draw in [0, 1) from the seed, the movement's MRN and the office.
pub fn draw(seed: u64, mrn: &str, office: &str) -> f64 {
    let digest = Sha256::digest(format!("{seed}:{mrn}:{office}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

/// Whether `profile` fires on `facts` at `office`.
pub fn profile_fires(profile: &RiskProfile, facts: &RiskFacts, office: &str) -> bool {
    let office_ok = profile.offices.is_empty() || profile.offices.iter().any(|o| o == office);
    let hs_ok = profile
        .hs_prefix
        .as_ref()
        .is_none_or(|p| facts.hs_codes.iter().any(|c| c.starts_with(p.as_str())));
    let country_ok = profile
        .country
        .as_ref()
        .is_none_or(|c| facts.countries.iter().any(|x| x == c));
    office_ok && hs_ok && country_ok
}

/// Run selection for the movement `mrn` at `office`.
pub fn select(
    policy: &RiskPolicy,
    catalog: &Catalog,
    office: &str,
    mrn: &str,
    facts: &RiskFacts,
) -> Selection {
    let mut reasons = Vec::new();
    let mut control_type = None;
    for code in &facts.hs_codes {
        for r in catalog.restrictions_for(code) {
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
    for p in &policy.profiles {
        if profile_fires(p, facts, office) {
            reasons.push(format!("profile {}: {}", p.id, p.description));
            fired.push(p.id.clone());
            control_type.get_or_insert(p.control_type);
        }
    }
    let base = policy
        .office_rates
        .get(office)
        .copied()
        .unwrap_or(policy.default_rate);
    let aeo_factor = policy.aeo.factor_for(facts.aeo);
    let rate = base * aeo_factor.unwrap_or(1.0);
    let d = draw(policy.seed, mrn, office);
    if d < rate {
        let aeo = aeo_factor.map_or_else(String::new, |f| {
            format!(", AEO: office rate {base:.2} × {f}")
        });
        reasons.push(format!(
            "random selection: draw {d:.4} below rate {rate:.2} (seed {}{aeo})",
            policy.seed
        ));
        control_type.get_or_insert(ControlType::Documentary);
    }
    Selection {
        office: office.to_string(),
        selected: !reasons.is_empty(),
        control_type,
        reasons,
        profiles: fired,
        draw: d,
        rate,
        seed: policy.seed,
        aeo_factor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::RestrictedGoods;

    fn facts(hs: &[&str], countries: &[&str]) -> RiskFacts {
        RiskFacts {
            hs_codes: hs.iter().map(|s| s.to_string()).collect(),
            countries: countries.iter().map(|s| s.to_string()).collect(),
            aeo: false,
        }
    }

    #[test]
    fn draw_is_reproducible_and_in_range() {
        let a = draw(7, "25KZHOR001000001J0", "KZHOR001");
        assert_eq!(a, draw(7, "25KZHOR001000001J0", "KZHOR001"));
        assert_ne!(a, draw(8, "25KZHOR001000001J0", "KZHOR001"));
        assert!((0.0..1.0).contains(&a));
    }

    #[test]
    fn random_rate_holds_over_many_draws() {
        let policy = RiskPolicy {
            default_rate: 0.1,
            ..RiskPolicy::default()
        };
        let catalog = Catalog::default();
        let n = 10_000;
        let hits = (0..n)
            .filter(|i| {
                select(
                    &policy,
                    &catalog,
                    "KZHOR001",
                    &format!("M{i}"),
                    &facts(&[], &[]),
                )
                .selected
            })
            .count();
        let share = hits as f64 / n as f64;
        assert!((share - 0.1).abs() < 0.01, "share {share}");
    }

    #[test]
    fn restricted_and_profiles_fire() {
        let mut catalog = Catalog::default();
        catalog.restricted.push(RestrictedGoods {
            hs_prefix: "2402".into(),
            restriction: Restriction::AlwaysControlled,
            reason: "tobacco".into(),
            source: "test".into(),
        });
        let policy = RiskPolicy {
            default_rate: 0.0,
            profiles: vec![RiskProfile {
                id: "P-1".into(),
                description: "phones from CN".into(),
                hs_prefix: Some("8517".into()),
                country: Some("CN".into()),
                control_type: ControlType::Scanning,
                offices: vec![],
            }],
            ..RiskPolicy::default()
        };
        let s = select(&policy, &catalog, "X", "M", &facts(&["240220"], &["KZ"]));
        assert!(s.selected);
        assert_eq!(s.control_type, Some(ControlType::Physical));
        let s = select(&policy, &catalog, "X", "M", &facts(&["851762"], &["CN"]));
        assert_eq!(s.profiles, ["P-1"]);
        assert_eq!(s.control_type, Some(ControlType::Scanning));
        let s = select(&policy, &catalog, "X", "M", &facts(&["851762"], &["TR"]));
        assert!(!s.selected);
    }

    #[test]
    fn aeo_holders_get_a_lower_random_rate() {
        let policy = RiskPolicy {
            default_rate: 0.2,
            aeo: AeoBenefits {
                reserve_share: "0.5".parse().unwrap(),
                random_rate_factor: 0.25,
            },
            ..RiskPolicy::default()
        };
        let catalog = Catalog::default();
        let mut f = facts(&[], &[]);
        let plain = select(&policy, &catalog, "X", "M", &f);
        assert_eq!((plain.rate, plain.aeo_factor), (0.2, None));
        f.aeo = true;
        let aeo = select(&policy, &catalog, "X", "M", &f);
        assert_eq!((aeo.rate, aeo.aeo_factor), (0.05, Some(0.25)));
        assert_eq!(policy.aeo.share_for(true), Some("0.5".parse().unwrap()));
        assert_eq!(policy.aeo.share_for(false), None);
        assert_eq!(AeoBenefits::default().factor_for(true), None);
    }
}
