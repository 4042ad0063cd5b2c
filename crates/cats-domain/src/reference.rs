//! The reference data catalogue that business rules and risk selection read.
//!
//! The catalogue is plain data: the `cats-reference` crate builds it from the files shipped in the
//! project (`data/reference/`) and from the official lists it imports (EU customs office list,
//! HS nomenclature, UN/LOCODE); the store keeps it. Every fact carries its `source`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::ids::{CountryCode, CurrencyCode, OfficeRef};

/// Role of a customs office, with the code of the EU customs office list (CS/RD2 role codes).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum OfficeRole {
    /// DEP: office of departure.
    Dep,
    /// DES: office of destination.
    Des,
    /// TRA: office of transit (entry into a country).
    Tra,
    /// EXT: office of exit for transit (leaving a country).
    Ext,
    /// GUA: guarantee office.
    Gua,
    /// ENQ: enquiry office.
    Enq,
    /// REC: recovery office.
    Rec,
}

impl OfficeRole {
    /// Parse a CS/RD2 role code (`DEP`, `DES`, `TRA`, `EXT`, `GUA`, `ENQ`, `REC`); other codes give `None`.
    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "DEP" => Self::Dep,
            "DES" => Self::Des,
            "TRA" => Self::Tra,
            "EXT" => Self::Ext,
            "GUA" => Self::Gua,
            "ENQ" => Self::Enq,
            "REC" => Self::Rec,
            _ => return None,
        })
    }

    /// The CS/RD2 role code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Dep => "DEP",
            Self::Des => "DES",
            Self::Tra => "TRA",
            Self::Ext => "EXT",
            Self::Gua => "GUA",
            Self::Enq => "ENQ",
            Self::Rec => "REC",
        }
    }
}

/// A customs office (DOMAIN.md section 3).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Office {
    /// Customs office reference number, `[A-Z]{2}[A-Z0-9]{6}`.
    pub reference: OfficeRef,
    /// Names by language (ISO 639-1 code, e.g. `en`, `ru`, `kk`).
    pub names: BTreeMap<String, String>,
    /// ISO 3166-1 alpha-2 country.
    pub country: CountryCode,
    /// UN/LOCODE of the office's place, e.g. `KZALA`.
    pub unlocode: Option<String>,
    /// IANA time zone, e.g. `Asia/Almaty`.
    pub time_zone: String,
    /// Roles the office holds.
    pub roles: BTreeSet<OfficeRole>,
    /// First day the office is valid (inclusive), if bounded.
    pub valid_from: Option<NaiveDate>,
    /// Last day the office is valid (inclusive), if bounded.
    pub valid_to: Option<NaiveDate>,
    /// Where the fact comes from.
    pub source: String,
}

impl Office {
    /// The office's IANA time zone (`time_zone`); UTC when the name is not a known zone (the
    /// importers refuse such names, so this is a safety net for hand-made catalogues).
    pub fn zone(&self) -> Tz {
        self.time_zone.parse().unwrap_or(Tz::UTC)
    }

    /// The calendar day at the office at instant `at`: the day NCTS messages carry for what
    /// happens there (a release at Almaty at 01:00 on 3 March, 20:00 UTC on 2 March, is 3 March).
    pub fn local_day(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone()).date_naive()
    }

    /// The English name, or the first name known, or the reference number.
    pub fn name(&self) -> &str {
        self.names
            .get("en")
            .or_else(|| self.names.values().next())
            .map(String::as_str)
            .unwrap_or(self.reference.as_str())
    }

    /// Whether the office holds `role`.
    pub fn has_role(&self, role: OfficeRole) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the office is valid on `day`.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|from| day >= from) && self.valid_to.is_none_or(|to| day <= to)
    }
}

/// A country (ISO 3166-1) with names in several languages.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code.
    pub code: CountryCode,
    /// Names by language (ISO 639-1): `en`, `ru`, and the national language where known.
    pub names: BTreeMap<String, String>,
    /// Whether the country takes part in CATS (a route country may only be one of these).
    pub participating: bool,
    /// Whether the country is a CAREC member.
    pub carec: bool,
    /// Where the fact comes from.
    pub source: String,
}

/// A currency (ISO 4217).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Currency {
    /// ISO 4217 alphabetic code, e.g. `USD`.
    pub code: CurrencyCode,
    /// English name.
    pub name: String,
    /// Number of minor-unit digits (2 for USD).
    pub minor_unit: u8,
    /// Where the fact comes from.
    pub source: String,
}

/// An entry of the Harmonized System nomenclature: chapter (2 digits), heading (4) or subheading (6).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HsEntry {
    /// 2, 4 or 6 digits.
    pub code: String,
    /// English description.
    pub description: String,
    /// Where the fact comes from.
    pub source: String,
}

/// What the CATS restricted goods list says of goods under an HS prefix.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Restriction {
    /// Barred from CATS transit.
    Prohibited,
    /// Needs an individual guarantee (not a comprehensive one).
    IndividualGuarantee,
    /// Always selected for control.
    AlwaysControlled,
}

/// One entry of the CATS restricted goods list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestrictedGoods {
    /// HS prefix: a chapter (2 digits), heading (4) or subheading (6).
    pub hs_prefix: String,
    /// What applies.
    pub restriction: Restriction,
    /// Why, in words an officer or trader can read.
    pub reason: String,
    /// Where the fact comes from.
    pub source: String,
}

/// A UN/LOCODE location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Five characters: country (2) + location (3), e.g. `KZAAU`.
    pub unlocode: String,
    /// Name without diacritics.
    pub name: String,
    /// UN/LOCODE function classifier string, e.g. `12-4----`.
    pub function: String,
    /// Where the fact comes from.
    pub source: String,
}

/// The whole reference catalogue, in memory. Built by `cats-reference`, read by rules and risk.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    /// Offices by reference number (looked up with a `&str` too).
    pub offices: HashMap<OfficeRef, Office>,
    /// Countries by ISO code.
    pub countries: HashMap<CountryCode, Country>,
    /// Currencies by ISO code.
    pub currencies: HashMap<CurrencyCode, Currency>,
    /// HS chapters, headings and subheadings by code.
    pub hs: HashMap<String, HsEntry>,
    /// The restricted goods list.
    pub restricted: Vec<RestrictedGoods>,
    /// UN/LOCODE locations by code.
    pub locations: HashMap<String, Location>,
}

impl Catalog {
    /// The office with this reference number (an [`OfficeRef`] or its text).
    pub fn office(&self, reference: &(impl AsRef<str> + ?Sized)) -> Option<&Office> {
        self.offices.get(reference.as_ref())
    }

    /// The time zone of `office`, UTC for an office the catalogue does not know.
    pub fn zone_of(&self, office: &(impl AsRef<str> + ?Sized)) -> Tz {
        self.office(office).map_or(Tz::UTC, Office::zone)
    }

    /// The calendar day at `office` at instant `at` ([`Office::local_day`]); the UTC day for an
    /// office the catalogue does not know.
    pub fn local_day(&self, office: &(impl AsRef<str> + ?Sized), at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone_of(office)).date_naive()
    }

    /// Whether the country (a [`CountryCode`] or its text) takes part in CATS.
    pub fn is_participating(&self, country: &(impl AsRef<str> + ?Sized)) -> bool {
        self.countries
            .get(country.as_ref())
            .is_some_and(|c| c.participating)
    }

    /// Whether a 6-digit HS subheading code is known.
    ///
    /// When 6-digit subheadings have been imported for its heading, the code must be one of them;
    /// otherwise a code is accepted when its 4-digit heading exists (issue 2, item 10).
    pub fn hs_code_exists(&self, code: &str) -> bool {
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        if self.hs.contains_key(code) {
            return true;
        }
        let heading = &code[..4];
        if !self.hs.contains_key(heading) {
            return false;
        }
        !self
            .hs
            .keys()
            .any(|k| k.len() == 6 && k.starts_with(heading))
    }

    /// The restricted goods entries whose prefix matches the HS code, most specific first.
    pub fn restrictions_for(&self, hs_code: &str) -> Vec<&RestrictedGoods> {
        let mut found: Vec<&RestrictedGoods> = self
            .restricted
            .iter()
            .filter(|r| hs_code.starts_with(&r.hs_prefix))
            .collect();
        found.sort_by_key(|r| std::cmp::Reverse(r.hs_prefix.len()));
        found
    }
}
