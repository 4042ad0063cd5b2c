//! Adding imported lists to a catalogue: what is already there wins.

use std::collections::HashMap;

use cats_domain::reference::{Catalog, HsEntry, Location, Office};

/// What a merge did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeCounts {
    /// Entries added to the catalogue.
    pub added: usize,
    /// Entries left out because the catalogue already had one with the same key (or the same key
    /// came earlier in the input).
    pub kept_existing: usize,
}

/// Add imported offices beside those already in the catalogue, keyed by reference number.
///
/// An office already present wins: the demo offices (`KZALA001`, …) of [`crate::shipped_catalog`]
/// are never replaced by an imported office with the same reference, and of two imported offices
/// with the same reference the first is kept.
pub fn merge_offices(
    catalog: &mut Catalog,
    offices: impl IntoIterator<Item = Office>,
) -> MergeCounts {
    merge(&mut catalog.offices, offices, |o| o.reference.clone())
}

/// Add imported HS entries (typically the 6-digit subheadings of [`crate::import_hs_csv`]), keyed
/// by code. Chapters and headings already present keep their shipped description.
///
/// Once a heading has subheadings in the catalogue, [`Catalog::hs_code_exists`] accepts only those:
/// after merging the HS CSV, `870399` exists and `870398` does not.
pub fn merge_hs(catalog: &mut Catalog, entries: impl IntoIterator<Item = HsEntry>) -> MergeCounts {
    merge(&mut catalog.hs, entries, |e| e.code.clone())
}

/// Add imported UN/LOCODE locations, keyed by UN/LOCODE; locations already present win.
pub fn merge_locations(
    catalog: &mut Catalog,
    locations: impl IntoIterator<Item = Location>,
) -> MergeCounts {
    merge(&mut catalog.locations, locations, |l| l.unlocode.clone())
}

fn merge<K: std::hash::Hash + Eq, T>(
    map: &mut HashMap<K, T>,
    items: impl IntoIterator<Item = T>,
    key: impl Fn(&T) -> K,
) -> MergeCounts {
    let mut counts = MergeCounts::default();
    for item in items {
        match map.entry(key(&item)) {
            std::collections::hash_map::Entry::Occupied(_) => counts.kept_existing += 1,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(item);
                counts.added += 1;
            }
        }
    }
    counts
}

/// Which official list a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficialList {
    /// The EU customs office list (CS/RD2 XML export in a zip).
    CustomsOffices,
    /// The HS nomenclature CSV (`section,hscode,description,parent,level`).
    Hs,
    /// One country's UN/LOCODE CSV.
    UnLocode,
}

/// What an import did: entries read from the file, and the merge's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportCounts {
    /// Entries read.
    pub read: usize,
    /// Added and kept.
    pub merged: MergeCounts,
}

/// Read the official list `kind` from the file at `path` and merge it into `catalog` (entries
/// already there win, as with `cats reference import`). Errors: the file is not that list.
pub fn import_into(
    catalog: &mut Catalog,
    kind: OfficialList,
    path: &std::path::Path,
) -> Result<ImportCounts, crate::ReferenceError> {
    Ok(match kind {
        OfficialList::CustomsOffices => {
            let offices = crate::import_customs_office_list(path)?;
            let read = offices.len();
            ImportCounts {
                read,
                merged: merge_offices(catalog, offices),
            }
        }
        OfficialList::Hs => {
            let entries = crate::import_hs_csv(path)?;
            let read = entries.len();
            ImportCounts {
                read,
                merged: merge_hs(catalog, entries),
            }
        }
        OfficialList::UnLocode => {
            let locations = crate::import_unlocode_csv(path)?;
            let read = locations.len();
            ImportCounts {
                read,
                merged: merge_locations(catalog, locations),
            }
        }
    })
}
