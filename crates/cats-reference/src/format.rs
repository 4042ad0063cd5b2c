//! The JSON format of the shipped reference files (`data/reference/*.json`).
//!
//! Every file is one JSON object, the *envelope*:
//!
//! ```json
//! {
//!   "format": "cats-reference/countries",
//!   "version": 1,
//!   "description": "what the file holds, in words",
//!   "source": "where the facts come from (applies to every record without its own source)",
//!   "generated_by": "optional: the tool that wrote the file",
//!   "records": [ { "code": "KZ", "...": "...", "source": "optional, overrides the file's" } ]
//! }
//! ```
//!
//! `demo.json` has the same header but, instead of `records`, four sections (`offices`, `parties`,
//! `users`, `guarantees`), each `{ "source": "...", "records": [...] }`. Records reject unknown
//! fields, so a misspelt field is an error and not silently ignored. The full description, with one
//! example per file, is in `docs/reference-data.md`.

use std::collections::{BTreeMap, BTreeSet};

use cats_domain::reference::{OfficeRole, Restriction};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::demo::{DemoGuarantee, DemoParty, DemoUser};

/// Version of the format this crate reads and writes; a file with another `version` is refused.
pub const FORMAT_VERSION: u32 = 1;

/// The envelope of a shipped file holding one list of records of type `R`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShippedFile<R> {
    /// `cats-reference/<kind>`, e.g. `cats-reference/hs`.
    pub format: String,
    /// Format version, [`FORMAT_VERSION`].
    pub version: u32,
    /// What the file holds.
    pub description: String,
    /// Source of every record that does not name its own.
    pub source: String,
    /// The tool that generated the file, when it is generated (`hs.json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_by: Option<String>,
    /// The records.
    pub records: Vec<R>,
}

/// One section of `demo.json`: a source and its records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section<R> {
    /// Source of every record of the section.
    pub source: String,
    /// The records.
    pub records: Vec<R>,
}

/// The whole of `demo.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoFile {
    /// `cats-reference/demo`.
    pub format: String,
    /// Format version, [`FORMAT_VERSION`].
    pub version: u32,
    /// What the file holds.
    pub description: String,
    /// Source of the file as a whole.
    pub source: String,
    /// The 16 demo customs offices.
    pub offices: Section<OfficeRecord>,
    /// The demo parties (traders and insurers).
    pub parties: Section<DemoParty>,
    /// The demo user accounts.
    pub users: Section<DemoUser>,
    /// The demo comprehensive guarantees (insurance contracts).
    pub guarantees: Section<DemoGuarantee>,
}

/// A record of `countries.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountryRecord {
    /// ISO 3166-1 alpha-2, e.g. `KZ`.
    pub code: String,
    /// ISO 3166-1 alpha-3, e.g. `KAZ`.
    pub alpha3: String,
    /// ISO 3166-1 numeric, three digits, e.g. `398`.
    pub numeric: String,
    /// Names by ISO 639-1 language: always `en` and `ru`, plus the national language where known.
    pub names: BTreeMap<String, String>,
    /// CAREC member.
    pub carec: bool,
    /// Takes part in CATS (exactly KZ, AZ, GE, TM, UZ).
    pub participating: bool,
    /// Overrides the file's source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A record of `currencies.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurrencyRecord {
    /// ISO 4217 alphabetic code, e.g. `KZT`.
    pub code: String,
    /// ISO 4217 numeric code, three digits, e.g. `398`.
    pub numeric: String,
    /// English name, e.g. `Tenge`.
    pub name: String,
    /// Number of minor-unit digits.
    pub minor_unit: u8,
    /// Overrides the file's source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A record of `hs.json`: an HS chapter (2 digits) or heading (4 digits).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HsRecord {
    /// 2 or 4 digits.
    pub code: String,
    /// English description.
    pub description: String,
    /// Overrides the file's source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A record of `restricted-goods.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestrictedRecord {
    /// HS prefix of 2, 4 or 6 digits.
    pub hs_prefix: String,
    /// `prohibited`, `individual_guarantee` or `always_controlled`.
    pub restriction: Restriction,
    /// Why, in words an officer or trader can read.
    pub reason: String,
    /// Overrides the file's source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A record of `locations.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocationRecord {
    /// UN/LOCODE, country (2) + location (3), e.g. `KZAAU`.
    pub unlocode: String,
    /// Name without diacritics, as UN/LOCODE spells it.
    pub name: String,
    /// UN/LOCODE function classifier string, e.g. `12-4----`.
    pub function: String,
    /// Overrides the file's source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A customs office record of `demo.json` (the `offices` section).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeRecord {
    /// Customs office reference number, `[A-Z]{2}[A-Z0-9]{6}`, starting with `country`.
    pub reference: String,
    /// Names by ISO 639-1 language; `en` is required.
    pub names: BTreeMap<String, String>,
    /// ISO 3166-1 alpha-2; must be in `countries.json`.
    pub country: String,
    /// UN/LOCODE of the place, or `null`; when given it must be in `locations.json`.
    pub unlocode: Option<String>,
    /// IANA time zone, e.g. `Asia/Almaty`.
    pub time_zone: String,
    /// CS/RD2 role codes, e.g. `["DEP", "DES"]`; at least one.
    pub roles: BTreeSet<OfficeRole>,
    /// First valid day (`YYYY-MM-DD`) or `null`.
    pub valid_from: Option<NaiveDate>,
    /// Last valid day (`YYYY-MM-DD`) or `null`.
    pub valid_to: Option<NaiveDate>,
    /// Overrides the section's source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}
