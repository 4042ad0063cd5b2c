//! CATS reference data: the files the project ships (`data/reference/*.json`, embedded in this
//! crate), the demo data, and importers for the official lists.
//!
//! - [`shipped_catalog`]: a [`Catalog`] of the shipped facts: countries (CAREC members and
//!   neighbours, with `participating` true exactly for KZ, AZ, GE, TM, UZ), currencies, HS chapters
//!   and headings, the CATS restricted goods list, the UN/LOCODEs of the demo offices and the 16
//!   demo customs offices.
//! - [`demo_data`]: the demo parties, users and guarantees.
//! - Importers, reading the official lists from disk: [`import_customs_office_list`] (EU CS/RD2
//!   customs office list, a zip streamed with quick-xml), [`import_hs_csv`] (HS nomenclature, all
//!   levels), [`import_unlocode_csv`] (one country's UN/LOCODE list).
//! - Merging: [`merge_offices`], [`merge_hs`], [`merge_locations`] add imported entries to a
//!   catalogue; what is already there (the demo offices, the shipped headings) wins.
//!
//! Every fact carries its `source`. The file format, the sources and how `hs.json` is generated
//! are described in `docs/reference-data.md`.
//!
//! ```
//! let mut catalog = cats_reference::shipped_catalog()?;
//! assert!(catalog.office("KZALA001").is_some());
//! assert!(catalog.hs_code_exists("870323")); // heading 8703 is shipped
//! # Ok::<(), cats_reference::ReferenceError>(())
//! ```
//!
//! [`Catalog`]: cats_domain::reference::Catalog

#![warn(missing_docs)]

mod col;
mod csv_util;
mod demo;
mod error;
pub mod format;
mod hs;
mod merge;
mod shipped;
mod timezone;
mod unlocode;
mod validate;

pub use col::import_customs_office_list;
pub use demo::{DemoData, DemoGuarantee, DemoParty, DemoUser, PartyKind, UserRole};
pub use error::ReferenceError;
pub use hs::{import_hs_csv, HS_SOURCE};
pub use merge::{
    import_into, merge_hs, merge_locations, merge_offices, ImportCounts, MergeCounts, OfficialList,
};
pub use shipped::{demo_data, shipped_catalog, shipped_file, SHIPPED_FILES};
pub use timezone::time_zone_for_country;
pub use unlocode::import_unlocode_csv;
