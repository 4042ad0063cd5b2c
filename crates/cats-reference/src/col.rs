//! Importer for the EU customs office list (CS/RD2 reference data export, "COL").
//!
//! The export is a zip holding one XML file (e.g. `COL-Generic-20241105.xml`, 55 MB). Its root
//! `RDEntityList` holds several `RDEntity name="…"` lists (countries, holidays, regions, roles,
//! UN/LOCODEs, …); only `RDEntity name="CustomsOffices"` is read. Each office is one `RDEntry`:
//!
//! ```xml
//! <ns1:RDEntry>
//!   <ns2:RDEntryStatus><ns3:state>valid</ns3:state><ns3:activeFrom>2020-03-23</ns3:activeFrom></ns2:RDEntryStatus>
//!   <ns2:dataItem name="ReferenceNumber">AD000001</ns2:dataItem>
//!   <ns2:dataItem name="CountryCode">AD</ns2:dataItem>
//!   <ns2:dataItem name="UnLocodeId">ALV</ns2:dataItem>           <!-- optional, 3 characters -->
//!   <ns2:dataGroup name="CustomsOfficeLsd">                        <!-- one per language -->
//!     <ns2:dataItem name="LanguageCode">EN</ns2:dataItem>
//!     <ns2:dataItem name="CustomsOfficeUsualName">CUSTOMS OFFICE SANT JULIÀ DE LÒRIA</ns2:dataItem>
//!   </ns2:dataGroup>
//!   <ns2:dataGroup name="CustomsOfficeTimetable"> … <ns2:dataGroup name="CustomsOfficeTimetableLine">
//!     <ns2:dataGroup name="CustomsOfficeRoleTrafficCompetence">
//!       <ns2:dataItem name="Role">DEP</ns2:dataItem><ns2:dataItem name="TrafficType">R</ns2:dataItem>
//!   </ns2:dataGroup> … </ns2:dataGroup></ns2:dataGroup>
//! </ns1:RDEntry>
//! ```
//!
//! The file is streamed (zip inflate → quick-xml pull parser); no DOM is built and the XML is never
//! held in memory as a whole.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use cats_domain::ids::{CountryCode, OfficeRef};
use cats_domain::reference::{Office, OfficeRole};
use chrono::NaiveDate;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::error::ReferenceError;
use crate::timezone::time_zone_for_country;
use crate::validate::{is_office_reference, is_upper_alnum};

/// Import every customs office of an EU customs office list export (CS/RD2 zip, one XML inside).
///
/// For each `RDEntry` of `RDEntity name="CustomsOffices"` whose `RDEntryStatus/state` is `valid`
/// (entries in any other state are withdrawn and skipped), one [`Office`]:
///
/// - `reference`: `ReferenceNumber` (must be `[A-Z]{2}[A-Z0-9]{6}`, else an error naming the entry);
/// - `country`: `CountryCode` (`XI` is Northern Ireland, kept as given);
/// - `names`: `CustomsOfficeUsualName` of each `CustomsOfficeLsd` group, keyed by its
///   `LanguageCode` lower-cased (`EN` → `en`, `UK` → `uk` Ukrainian); the list's `GR` (Greek in
///   Latin transliteration, beside `EL`) becomes `el-Latn`; the first name per language wins;
/// - `unlocode`: country + `UnLocodeId` when the latter is 3 upper-case alphanumerics (the country
///   part of an `XI` office is `GB`), else `None`; most offices have none;
/// - `roles`: every `CustomsOfficeRoleTrafficCompetence/Role` of every timetable line and season
///   that [`OfficeRole::from_code`] knows (DEP, DES, TRA, EXT, GUA, ENQ, REC); the list's other
///   roles (EXP, ENT, AUT, …) are ignored, so an office may have no role;
/// - `valid_from` / `valid_to`: `RDEntryStatus/activeFrom` / `activeTo` (`YYYY-MM-DD`);
/// - `time_zone`: the file has none; [`crate::time_zone_for_country`] gives the country's main IANA zone;
/// - `source`: `EU customs office list (CS/RD2 export), <zip file name>`.
///
/// Offices come back in file order; duplicates are not removed ([`crate::merge_offices`] keeps
/// the first). The 5 November 2024 export yields 4,136 offices in 38 countries.
///
/// Errors: [`ReferenceError::Io`] / [`ReferenceError::Zip`] for the archive (also when it holds no
/// `.xml` entry), [`ReferenceError::Xml`] with the byte offset for malformed XML,
/// [`ReferenceError::Record`] naming the entry's ordinal and reference number for a missing
/// reference number or country or a bad date.
pub fn import_customs_office_list(
    zip_path: impl AsRef<Path>,
) -> Result<Vec<Office>, ReferenceError> {
    let path = zip_path.as_ref();
    let file = File::open(path).map_err(|error| ReferenceError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let zip_err = |e: zip::result::ZipError| ReferenceError::Zip {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(zip_err)?;
    let index = (0..archive.len())
        .find(|&i| {
            archive
                .name_for_index(i)
                .is_some_and(|n| n.to_ascii_lowercase().ends_with(".xml"))
        })
        .ok_or_else(|| ReferenceError::Zip {
            path: path.to_path_buf(),
            message: "no .xml entry".into(),
        })?;
    let entry = archive.by_index(index).map_err(zip_err)?;
    let entry_name = entry.name().to_string();
    let file_name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let source = format!("EU customs office list (CS/RD2 export), {file_name}");

    let mut reader = Reader::from_reader(BufReader::with_capacity(1 << 16, entry));
    reader.config_mut().trim_text(true);
    let mut parser = Parser {
        source,
        ..Parser::default()
    };
    let mut buf = Vec::with_capacity(4096);
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| ReferenceError::Xml {
                path: path.to_path_buf(),
                entry: entry_name.clone(),
                position: reader.error_position(),
                message: e.to_string(),
            })?;
        let step = match event {
            Event::Start(e) => parser.start(&e),
            Event::End(e) => parser.end(e.local_name().as_ref()),
            Event::Text(t) if parser.field != Field::None => {
                let text = t.unescape().map_err(|e| e.to_string());
                text.map(|s| parser.text.push_str(&s))
            }
            Event::Eof => break,
            _ => Ok(()),
        };
        step.map_err(|message| ReferenceError::Record {
            path: path.to_path_buf(),
            record: parser.record_label(),
            message,
        })?;
        buf.clear();
    }
    Ok(parser.offices)
}

/// Which text the parser is collecting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Field {
    #[default]
    None,
    State,
    ActiveFrom,
    ActiveTo,
    Reference,
    Country,
    UnLocode,
    Language,
    Name,
    Role,
}

/// The kind of `dataGroup` the parser is inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Lsd,
    RoleCompetence,
    Other,
}

/// One office being read.
#[derive(Debug, Default)]
struct Entry {
    reference: String,
    country: String,
    unlocode_id: String,
    state: String,
    active_from: String,
    active_to: String,
    names: BTreeMap<String, String>,
    roles: BTreeSet<OfficeRole>,
    language: String,
    name: String,
}

/// Pull-parser state.
#[derive(Debug, Default)]
struct Parser {
    source: String,
    in_offices: bool,
    entries_seen: usize,
    entry: Option<Entry>,
    groups: Vec<Group>,
    field: Field,
    text: String,
    offices: Vec<Office>,
}

impl Parser {
    /// `office N (REFERENCE)` for error messages.
    fn record_label(&self) -> String {
        match self.entry.as_ref().filter(|e| !e.reference.is_empty()) {
            Some(e) => format!("office {} ({})", self.entries_seen, e.reference),
            None => format!("office {}", self.entries_seen),
        }
    }

    fn start(&mut self, e: &BytesStart<'_>) -> Result<(), String> {
        let local = e.local_name();
        let local = local.as_ref();
        if local == b"RDEntity" {
            self.in_offices = name_attr(e)?.as_deref() == Some(b"CustomsOffices".as_slice());
            return Ok(());
        }
        if !self.in_offices {
            return Ok(());
        }
        match local {
            b"RDEntry" => {
                self.entries_seen += 1;
                self.entry = Some(Entry::default());
                self.groups.clear();
            }
            b"dataGroup" => self.groups.push(match name_attr(e)?.as_deref() {
                Some(b"CustomsOfficeLsd") => Group::Lsd,
                Some(b"CustomsOfficeRoleTrafficCompetence") => Group::RoleCompetence,
                _ => Group::Other,
            }),
            b"dataItem" => {
                let name = name_attr(e)?;
                self.field = match (self.groups.last(), name.as_deref()) {
                    (None, Some(b"ReferenceNumber")) => Field::Reference,
                    (None, Some(b"CountryCode")) => Field::Country,
                    (None, Some(b"UnLocodeId")) => Field::UnLocode,
                    (Some(Group::Lsd), Some(b"LanguageCode")) => Field::Language,
                    (Some(Group::Lsd), Some(b"CustomsOfficeUsualName")) => Field::Name,
                    (Some(Group::RoleCompetence), Some(b"Role")) => Field::Role,
                    _ => Field::None,
                };
            }
            b"state" => self.field = Field::State,
            b"activeFrom" => self.field = Field::ActiveFrom,
            b"activeTo" => self.field = Field::ActiveTo,
            _ => {}
        }
        if self.field != Field::None {
            self.text.clear();
        }
        Ok(())
    }

    fn end(&mut self, local: &[u8]) -> Result<(), String> {
        if local == b"RDEntity" {
            self.in_offices = false;
            return Ok(());
        }
        let Some(entry) = self.entry.as_mut() else {
            return Ok(());
        };
        let field = std::mem::take(&mut self.field);
        let text = self.text.trim().to_string();
        match field {
            Field::None => {}
            Field::State => entry.state = text,
            Field::ActiveFrom => entry.active_from = text,
            Field::ActiveTo => entry.active_to = text,
            Field::Reference => entry.reference = text,
            Field::Country => entry.country = text,
            Field::UnLocode => entry.unlocode_id = text,
            Field::Language => entry.language = text,
            Field::Name => entry.name = text,
            Field::Role => entry.roles.extend(OfficeRole::from_code(&text)),
        }
        if local == b"dataGroup" && self.groups.pop() == Some(Group::Lsd) {
            let language = language_key(&std::mem::take(&mut entry.language));
            let name = std::mem::take(&mut entry.name);
            if !language.is_empty() && !name.is_empty() {
                entry.names.entry(language).or_insert(name);
            }
        } else if local == b"RDEntry" {
            let office = self.finish()?;
            self.entry = None;
            self.offices.extend(office);
        }
        Ok(())
    }

    /// Turn the entry just closed into an office (`None` when its state is not `valid`).
    fn finish(&mut self) -> Result<Option<Office>, String> {
        let Some(entry) = self.entry.as_mut() else {
            return Ok(None);
        };
        if !is_office_reference(&entry.reference) {
            return Err(format!(
                "ReferenceNumber {:?} is not [A-Z]{{2}}[A-Z0-9]{{6}}",
                entry.reference
            ));
        }
        if entry.country.len() != 2 || !entry.country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!(
                "CountryCode {:?} is not two upper-case letters",
                entry.country
            ));
        }
        if entry.state != "valid" {
            return Ok(None);
        }
        let reference = OfficeRef::parse(&entry.reference)
            .map_err(|e| format!("ReferenceNumber {:?}: {e}", entry.reference))?;
        let country = CountryCode::parse(&entry.country)
            .map_err(|e| format!("CountryCode {:?}: {e}", entry.country))?;
        let date = |what: &str, s: &str| -> Result<Option<NaiveDate>, String> {
            if s.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|e| format!("{what} {s:?}: {e}"))
        };
        let valid_from = date("activeFrom", &entry.active_from)?;
        let valid_to = date("activeTo", &entry.active_to)?;
        let unlocode =
            (entry.unlocode_id.len() == 3 && is_upper_alnum(&entry.unlocode_id)).then(|| {
                let country = if entry.country == "XI" {
                    "GB"
                } else {
                    entry.country.as_str()
                };
                format!("{country}{}", entry.unlocode_id)
            });
        Ok(Some(Office {
            reference,
            names: std::mem::take(&mut entry.names),
            time_zone: time_zone_for_country(&entry.country).to_string(),
            country,
            unlocode,
            roles: std::mem::take(&mut entry.roles),
            valid_from,
            valid_to,
            source: self.source.clone(),
        }))
    }
}

/// The raw value of the element's `name` attribute (borrowed from the event; no allocation).
fn name_attr<'a>(e: &'a BytesStart<'_>) -> Result<Option<Cow<'a, [u8]>>, String> {
    let attr = e.try_get_attribute("name").map_err(|e| e.to_string())?;
    Ok(attr.map(|a| a.value))
}

/// The catalogue's language key for a CS/RD2 `LanguageCode`.
fn language_key(code: &str) -> String {
    match code {
        "GR" => "el-Latn".to_string(),
        other => other.to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_keys() {
        assert_eq!(language_key("EN"), "en");
        assert_eq!(language_key("UK"), "uk");
        assert_eq!(language_key("GR"), "el-Latn");
    }
}
