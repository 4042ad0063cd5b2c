//! The reference files shipped in the repository (`data/reference/*.json`), embedded in the crate
//! with `include_str!`, parsed and checked, and turned into a [`Catalog`] and [`DemoData`].

use std::collections::{HashMap, HashSet};

use cats_domain::reference::{
    Catalog, Country, Currency, HsEntry, Location, Office, RestrictedGoods,
};
use serde::de::DeserializeOwned;

use cats_domain::ids::{CountryCode, CurrencyCode, OfficeRef};

use crate::demo::{check_demo, DemoData};
use crate::error::ReferenceError;
use crate::format::{
    CountryRecord, CurrencyRecord, DemoFile, HsRecord, LocationRecord, RestrictedRecord,
    ShippedFile, FORMAT_VERSION,
};
use crate::validate::{is_digits, is_hs_code, is_office_reference, is_unlocode, is_upper_alpha};

/// The shipped files, by name under `data/reference/`, with their text as embedded in the crate.
///
/// Shape: `(file name, JSON text)`; the names are `countries.json`, `currencies.json`, `hs.json`,
/// `restricted-goods.json`, `locations.json`, `demo.json`.
pub const SHIPPED_FILES: &[(&str, &str)] = &[
    (
        COUNTRIES,
        include_str!("../../../data/reference/countries.json"),
    ),
    (
        CURRENCIES,
        include_str!("../../../data/reference/currencies.json"),
    ),
    (HS, include_str!("../../../data/reference/hs.json")),
    (
        RESTRICTED,
        include_str!("../../../data/reference/restricted-goods.json"),
    ),
    (
        LOCATIONS,
        include_str!("../../../data/reference/locations.json"),
    ),
    (DEMO, include_str!("../../../data/reference/demo.json")),
];

const COUNTRIES: &str = "countries.json";
const CURRENCIES: &str = "currencies.json";
const HS: &str = "hs.json";
const RESTRICTED: &str = "restricted-goods.json";
const LOCATIONS: &str = "locations.json";
const DEMO: &str = "demo.json";

/// The embedded text of a shipped file, by its name under `data/reference/` (e.g. `hs.json`).
pub fn shipped_file(name: &str) -> Option<&'static str> {
    SHIPPED_FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// The catalogue built from the shipped files alone, without any import.
///
/// Holds: the 18 countries of `countries.json` (CAREC members and neighbours; `participating` is
/// true exactly for KZ, AZ, GE, TM, UZ), the 22 currencies of `currencies.json`, the 96 HS chapters
/// and 1,228 headings of `hs.json` (no 6-digit subheadings; add them with
/// [`crate::import_hs_csv`] and [`crate::merge_hs`]), the restricted goods list, the 15 UN/LOCODE
/// locations of `locations.json` and the 16 demo customs offices of `demo.json`.
///
/// Every record is checked (codes well formed, no duplicates, offices' countries and UN/LOCODEs
/// known, at least one role, an English name); a broken file gives
/// [`ReferenceError::ShippedJson`] or [`ReferenceError::ShippedRecord`].
pub fn shipped_catalog() -> Result<Catalog, ReferenceError> {
    let countries = load_countries()?;
    let currencies = load_currencies()?;
    let hs = load_hs()?;
    let restricted = load_restricted(&hs)?;
    let locations = load_locations(&countries)?;
    let demo = load_demo()?;
    let offices = load_offices(&demo, &countries, &locations)?;
    Ok(Catalog {
        offices,
        countries,
        currencies,
        hs,
        restricted,
        locations,
    })
}

/// The demo parties, users and guarantees of `demo.json`.
///
/// Checked: ids and usernames unique; a trader's status is `AEO` or `authorised trader`, an
/// insurer's `authorised insurer`; trader and insurer users point at a party of their kind;
/// officers have a participating `offices_country` and no party; the administrator has neither;
/// guarantees name an insurer and a trader party, a shipped currency, participating countries, a
/// 17-character GRN, a 4-alphanumeric access code, a positive amount with at most 2 decimals and
/// `valid_from <= valid_to`.
pub fn demo_data() -> Result<DemoData, ReferenceError> {
    let countries = load_countries()?;
    let currencies = load_currencies()?;
    let demo = load_demo()?;
    let data = DemoData {
        parties: demo.parties.records,
        users: demo.users.records,
        guarantees: demo.guarantees.records,
    };
    check_demo(&data, &countries, &currencies)
        .map_err(|(record, message)| shipped_record(DEMO, &record, message))?;
    Ok(data)
}

fn shipped_record(file: &'static str, record: &str, message: String) -> ReferenceError {
    ReferenceError::ShippedRecord {
        file,
        record: record.to_string(),
        message,
    }
}

fn text(file: &'static str) -> &'static str {
    shipped_file(file).expect("every shipped file name is in SHIPPED_FILES")
}

fn parse<T: DeserializeOwned>(file: &'static str) -> Result<T, ReferenceError> {
    serde_json::from_str(text(file)).map_err(|error| ReferenceError::ShippedJson { file, error })
}

/// Parse a shipped file's envelope and check its `format` and `version`.
fn envelope<R: DeserializeOwned>(
    file: &'static str,
    kind: &str,
) -> Result<ShippedFile<R>, ReferenceError> {
    let parsed: ShippedFile<R> = parse(file)?;
    check_header(file, &parsed.format, parsed.version, kind)?;
    Ok(parsed)
}

fn check_header(
    file: &'static str,
    format: &str,
    version: u32,
    kind: &str,
) -> Result<(), ReferenceError> {
    let want = format!("cats-reference/{kind}");
    if format != want || version != FORMAT_VERSION {
        return Err(shipped_record(
            file,
            "header",
            format!("format {format} version {version}, expected {want} version {FORMAT_VERSION}"),
        ));
    }
    Ok(())
}

fn load_countries() -> Result<HashMap<CountryCode, Country>, ReferenceError> {
    let file: ShippedFile<CountryRecord> = envelope(COUNTRIES, "countries")?;
    let mut out = HashMap::new();
    for r in file.records {
        let well_formed = r.code.len() == 2
            && is_upper_alpha(&r.code)
            && r.alpha3.len() == 3
            && is_upper_alpha(&r.alpha3)
            && is_digits(&r.numeric, 3);
        if !well_formed {
            return Err(shipped_record(
                COUNTRIES,
                &r.code,
                "malformed ISO 3166-1 codes".into(),
            ));
        }
        if !r.names.contains_key("en") || !r.names.contains_key("ru") {
            return Err(shipped_record(
                COUNTRIES,
                &r.code,
                "names need `en` and `ru`".into(),
            ));
        }
        let code = CountryCode::parse(&r.code)
            .map_err(|e| shipped_record(COUNTRIES, &r.code, e.to_string()))?;
        let country = Country {
            code,
            names: r.names,
            participating: r.participating,
            carec: r.carec,
            source: r.source.unwrap_or_else(|| file.source.clone()),
        };
        if out.insert(code, country).is_some() {
            return Err(shipped_record(COUNTRIES, &r.code, "duplicate code".into()));
        }
    }
    Ok(out)
}

fn load_currencies() -> Result<HashMap<CurrencyCode, Currency>, ReferenceError> {
    let file: ShippedFile<CurrencyRecord> = envelope(CURRENCIES, "currencies")?;
    let mut out = HashMap::new();
    for r in file.records {
        if r.code.len() != 3
            || !is_upper_alpha(&r.code)
            || !is_digits(&r.numeric, 3)
            || r.minor_unit > 4
        {
            return Err(shipped_record(
                CURRENCIES,
                &r.code,
                "malformed ISO 4217 entry".into(),
            ));
        }
        let code = CurrencyCode::parse(&r.code)
            .map_err(|e| shipped_record(CURRENCIES, &r.code, e.to_string()))?;
        let currency = Currency {
            code,
            name: r.name,
            minor_unit: r.minor_unit,
            source: r.source.unwrap_or_else(|| file.source.clone()),
        };
        if out.insert(code, currency).is_some() {
            return Err(shipped_record(CURRENCIES, &r.code, "duplicate code".into()));
        }
    }
    Ok(out)
}

fn load_hs() -> Result<HashMap<String, HsEntry>, ReferenceError> {
    let file: ShippedFile<HsRecord> = envelope(HS, "hs")?;
    let mut out = HashMap::new();
    for r in file.records {
        if !(is_hs_code(&r.code) && r.code.len() <= 4) {
            return Err(shipped_record(
                HS,
                &r.code,
                "code must be 2 or 4 digits".into(),
            ));
        }
        if r.code.len() == 4 && !out.contains_key(&r.code[..2]) {
            return Err(shipped_record(
                HS,
                &r.code,
                "heading listed before (or without) its chapter".into(),
            ));
        }
        let entry = HsEntry {
            code: r.code.clone(),
            description: r.description,
            source: r.source.unwrap_or_else(|| file.source.clone()),
        };
        if out.insert(r.code.clone(), entry).is_some() {
            return Err(shipped_record(HS, &r.code, "duplicate code".into()));
        }
    }
    Ok(out)
}

fn load_restricted(hs: &HashMap<String, HsEntry>) -> Result<Vec<RestrictedGoods>, ReferenceError> {
    let file: ShippedFile<RestrictedRecord> = envelope(RESTRICTED, "restricted-goods")?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for r in file.records {
        if !is_hs_code(&r.hs_prefix) || !hs.contains_key(&r.hs_prefix[..2]) {
            return Err(shipped_record(
                RESTRICTED,
                &r.hs_prefix,
                "prefix must be 2, 4 or 6 digits of a known chapter".into(),
            ));
        }
        if !seen.insert((r.hs_prefix.clone(), r.restriction as u8)) {
            return Err(shipped_record(
                RESTRICTED,
                &r.hs_prefix,
                "duplicate entry".into(),
            ));
        }
        out.push(RestrictedGoods {
            hs_prefix: r.hs_prefix,
            restriction: r.restriction,
            reason: r.reason,
            source: r.source.unwrap_or_else(|| file.source.clone()),
        });
    }
    Ok(out)
}

fn load_locations(
    countries: &HashMap<CountryCode, Country>,
) -> Result<HashMap<String, Location>, ReferenceError> {
    let file: ShippedFile<LocationRecord> = envelope(LOCATIONS, "locations")?;
    let mut out = HashMap::new();
    for r in file.records {
        let code = &r.unlocode;
        if !is_unlocode(code) || !countries.contains_key(&code[..2]) {
            return Err(shipped_record(
                LOCATIONS,
                code,
                "UN/LOCODE must be a known country + 3 alphanumerics".into(),
            ));
        }
        let location = Location {
            unlocode: code.clone(),
            name: r.name,
            function: r.function,
            source: r.source.unwrap_or_else(|| file.source.clone()),
        };
        if out.insert(code.clone(), location).is_some() {
            return Err(shipped_record(
                LOCATIONS,
                code,
                "duplicate UN/LOCODE".into(),
            ));
        }
    }
    Ok(out)
}

fn load_demo() -> Result<DemoFile, ReferenceError> {
    let file: DemoFile = parse(DEMO)?;
    check_header(DEMO, &file.format, file.version, "demo")?;
    Ok(file)
}

fn load_offices(
    demo: &DemoFile,
    countries: &HashMap<CountryCode, Country>,
    locations: &HashMap<String, Location>,
) -> Result<HashMap<OfficeRef, Office>, ReferenceError> {
    let mut out = HashMap::new();
    for r in &demo.offices.records {
        let bad = |message: &str| shipped_record(DEMO, &r.reference, message.to_string());
        if !is_office_reference(&r.reference) || !r.reference.starts_with(&r.country) {
            return Err(bad(
                "reference must be [A-Z]{2}[A-Z0-9]{6} starting with the country",
            ));
        }
        if !countries.contains_key(r.country.as_str()) {
            return Err(bad("country not in countries.json"));
        }
        if r.unlocode
            .as_ref()
            .is_some_and(|u| !locations.contains_key(u))
        {
            return Err(bad("UN/LOCODE not in locations.json"));
        }
        if r.roles.is_empty() || !r.names.contains_key("en") || !r.time_zone.contains('/') {
            return Err(bad(
                "needs at least one role, an `en` name and an IANA time zone",
            ));
        }
        let reference = OfficeRef::parse(&r.reference).map_err(|e| bad(&e.to_string()))?;
        let country = CountryCode::parse(&r.country).map_err(|e| bad(&e.to_string()))?;
        let office = Office {
            reference: reference.clone(),
            names: r.names.clone(),
            country,
            unlocode: r.unlocode.clone(),
            time_zone: r.time_zone.clone(),
            roles: r.roles.clone(),
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            source: r
                .source
                .clone()
                .unwrap_or_else(|| demo.offices.source.clone()),
        };
        if out.insert(reference, office).is_some() {
            return Err(bad("duplicate reference"));
        }
    }
    Ok(out)
}
