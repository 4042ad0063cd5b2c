//! The demo parties, users and guarantees (`data/reference/demo.json`, sections `parties`, `users`,
//! `guarantees`). The demo offices of the same file go into the catalogue
//! ([`crate::shipped_catalog`]).
//!
//! Source: "CATS demo data (issue 2)", fixed by the product owner. Companies, identification
//! numbers, GRNs and access codes are fictitious; the GRNs carry valid check digits.

use std::collections::{HashMap, HashSet};

use cats_domain::ids::{CountryCode, CurrencyCode};
use cats_domain::reference::{Country, Currency};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::validate::{is_alnum, is_upper_alnum};

/// What a party is: a trader (holder of the transit procedure) or an insurer (guarantor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// Trader: AEO or authorised trader, holder of the transit procedure (`"trader"`).
    Trader,
    /// Authorised insurer or bank giving comprehensive guarantees (`"insurer"`).
    Insurer,
}

/// Role of a user account (DOMAIN.md section 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserRole {
    /// Acts for a trader party (`"trader"`).
    Trader,
    /// Acts for an insurer party (`"insurer"`).
    Insurer,
    /// Customs officer, scoped to the offices of one country (`"officer"`).
    Officer,
    /// Administrator of the node (`"admin"`).
    Admin,
}

/// A demo company.
///
/// JSON shape: `{"id": "silkway", "name": "Silk Way Logistics LLP", "identification_number":
/// "KZ840000123456", "kind": "trader", "status": "AEO", "country": "KZ"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoParty {
    /// Username-like key, e.g. `silkway`; users and guarantees refer to the party by it.
    pub id: String,
    /// Company name.
    pub name: String,
    /// Identification number (EORI/TIN-like: country + national number), e.g. `KZ840000123456`.
    pub identification_number: String,
    /// Trader or insurer.
    pub kind: PartyKind,
    /// Registration status: `AEO`, `authorised trader` or `authorised insurer`.
    pub status: String,
    /// ISO 3166-1 alpha-2 country of establishment.
    pub country: String,
}

/// A demo user account.
///
/// JSON shape: `{"username": "officer.kz", "role": "officer", "party": null, "offices_country":
/// "KZ"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoUser {
    /// Login name, e.g. `silkway`, `officer.kz`, `admin`.
    pub username: String,
    /// What the user may do.
    pub role: UserRole,
    /// The party (a [`DemoParty::id`]) a trader or insurer user acts for; `None` for officers and
    /// the administrator.
    pub party: Option<String>,
    /// Officer scope: every office of this country (ISO 3166-1 alpha-2); `None` for other roles.
    pub offices_country: Option<String>,
    /// Risk-analyst permission (officers): maintains the risk profiles.
    #[serde(default)]
    pub risk_analyst: bool,
}

/// A demo comprehensive guarantee (insurance contract, DOMAIN.md section 7).
///
/// JSON shape: `{"grn": "25KZ0000SRI000010", "insurer": "steppe", "holder": "silkway",
/// "reference_amount": "1000000.00", "currency": "USD", "access_code": "1111", "valid_from":
/// "2025-01-01", "valid_to": "2027-12-31", "countries": ["KZ", "AZ", "GE", "TM", "UZ"]}`; the
/// amount is a JSON string so that no binary floating point touches it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoGuarantee {
    /// Guarantee reference number, 17 characters with check digit.
    pub grn: String,
    /// The insurer party's id.
    pub insurer: String,
    /// The holder (trader) party's id.
    pub holder: String,
    /// Reference (insured) amount, two decimals.
    #[serde(with = "rust_decimal::serde::str")]
    pub reference_amount: Decimal,
    /// ISO 4217 currency of the amount.
    pub currency: String,
    /// Secret access code, 4 alphanumerics.
    pub access_code: String,
    /// First day of the policy period (inclusive).
    pub valid_from: NaiveDate,
    /// Last day of the policy period (inclusive).
    pub valid_to: NaiveDate,
    /// Countries (ISO 3166-1 alpha-2) where the guarantee is valid.
    pub countries: Vec<String>,
}

/// The demo parties, users and guarantees, as [`crate::demo_data`] returns them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoData {
    /// 5 parties: traders `silkway`, `caspian`, `kartli`; insurers `steppe`, `kura`.
    pub parties: Vec<DemoParty>,
    /// 11 users: one per party, `officer.kz|az|ge|tm|uz`, `admin`.
    pub users: Vec<DemoUser>,
    /// 3 guarantees.
    pub guarantees: Vec<DemoGuarantee>,
}

impl DemoData {
    /// The party with this id.
    pub fn party(&self, id: &str) -> Option<&DemoParty> {
        self.parties.iter().find(|p| p.id == id)
    }

    /// The user with this username.
    pub fn user(&self, username: &str) -> Option<&DemoUser> {
        self.users.iter().find(|u| u.username == username)
    }

    /// The guarantee with this GRN.
    pub fn guarantee(&self, grn: &str) -> Option<&DemoGuarantee> {
        self.guarantees.iter().find(|g| g.grn == grn)
    }
}

/// Check the demo data against itself and the shipped countries and currencies (the rules are
/// listed on [`crate::demo_data`]); on failure, the offending record's key and what is wrong.
pub(crate) fn check_demo(
    data: &DemoData,
    countries: &HashMap<CountryCode, Country>,
    currencies: &HashMap<CurrencyCode, Currency>,
) -> Result<(), (String, String)> {
    let bad = |record: &str, message: String| (record.to_string(), message);

    let mut kinds = HashMap::new();
    for p in &data.parties {
        if kinds.insert(p.id.as_str(), p.kind).is_some() {
            return Err(bad(&p.id, "duplicate party id".into()));
        }
        if !countries.contains_key(p.country.as_str()) {
            return Err(bad(&p.id, format!("unknown country {}", p.country)));
        }
        let status_ok = match p.kind {
            PartyKind::Trader => ["AEO", "authorised trader"].contains(&p.status.as_str()),
            PartyKind::Insurer => p.status == "authorised insurer",
        };
        if !status_ok {
            return Err(bad(
                &p.id,
                format!("status {:?} does not fit {:?}", p.status, p.kind),
            ));
        }
    }
    let mut usernames = HashSet::new();
    for u in &data.users {
        if !usernames.insert(u.username.as_str()) {
            return Err(bad(&u.username, "duplicate username".into()));
        }
        let party_kind = u.party.as_deref().map(|id| kinds.get(id).copied());
        let ok = match u.role {
            UserRole::Trader => party_kind == Some(Some(PartyKind::Trader)),
            UserRole::Insurer => party_kind == Some(Some(PartyKind::Insurer)),
            UserRole::Officer => {
                party_kind.is_none()
                    && u.offices_country
                        .as_ref()
                        .is_some_and(|c| countries.get(c.as_str()).is_some_and(|c| c.participating))
            }
            UserRole::Admin => party_kind.is_none() && u.offices_country.is_none(),
        };
        let scoped = u.offices_country.is_some() == (u.role == UserRole::Officer);
        if !ok || !scoped {
            return Err(bad(
                &u.username,
                format!("party or office scope does not fit role {:?}", u.role),
            ));
        }
    }
    for g in &data.guarantees {
        if kinds.get(g.insurer.as_str()) != Some(&PartyKind::Insurer) {
            return Err(bad(
                &g.grn,
                format!("insurer {} is not an insurer party", g.insurer),
            ));
        }
        if kinds.get(g.holder.as_str()) != Some(&PartyKind::Trader) {
            return Err(bad(
                &g.grn,
                format!("holder {} is not a trader party", g.holder),
            ));
        }
        if !currencies.contains_key(g.currency.as_str()) {
            return Err(bad(&g.grn, format!("unknown currency {}", g.currency)));
        }
        if let Some(c) = g
            .countries
            .iter()
            .find(|c| !countries.get(c.as_str()).is_some_and(|c| c.participating))
        {
            return Err(bad(
                &g.grn,
                format!("country {c} does not take part in CATS"),
            ));
        }
        if g.grn.len() != 17 || !is_upper_alnum(&g.grn) {
            return Err(bad(
                &g.grn,
                "GRN must be 17 upper-case alphanumerics".into(),
            ));
        }
        if g.access_code.len() != 4 || !is_alnum(&g.access_code) {
            return Err(bad(&g.grn, "access code must be 4 alphanumerics".into()));
        }
        if g.reference_amount <= rust_decimal::Decimal::ZERO || g.reference_amount.scale() > 2 {
            return Err(bad(
                &g.grn,
                "reference amount must be positive with at most 2 decimals".into(),
            ));
        }
        if g.valid_from > g.valid_to {
            return Err(bad(&g.grn, "valid_from is after valid_to".into()));
        }
    }
    Ok(())
}
