//! Importer for the Harmonized System nomenclature CSV of the open `harmonized-system` dataset
//! (UN Comtrade HS 2022).

use std::path::Path;

use cats_domain::reference::HsEntry;

use crate::error::ReferenceError;
use crate::validate::is_hs_code;

/// Source named on every entry [`import_hs_csv`] returns.
pub const HS_SOURCE: &str = "UN Comtrade HS nomenclature via the open harmonized-system dataset";

/// Header the HS CSV must have.
const HS_HEADER: [&str; 5] = ["section", "hscode", "description", "parent", "level"];

/// Import every chapter (level 2), heading (level 4) and subheading (level 6) of the HS CSV.
///
/// Reads `section,hscode,description,parent,level` (the header must be exactly that; a UTF-8 BOM
/// is allowed). Each row gives an [`HsEntry`] with `code` = `hscode`, `description` trimmed and
/// `source` = [`HS_SOURCE`]. Rows of the pseudo-section `TOTAL` are skipped: the level-5 total and
/// Comtrade's code 99 / 9999 / 999999 "Commodities not specified according to kind", which are not
/// HS nomenclature. The 2022 file gives 96 chapters, 1,228 headings and 5,612 subheadings, in file
/// order.
///
/// Errors: [`ReferenceError::Io`] when the file cannot be opened, [`ReferenceError::Csv`] with the
/// line for malformed CSV, [`ReferenceError::Record`] with the line when the header differs, the
/// level is not 2, 4 or 6, or the code does not have as many digits as its level.
pub fn import_hs_csv(path: impl AsRef<Path>) -> Result<Vec<HsEntry>, ReferenceError> {
    let path = path.as_ref();
    let mut reader = crate::csv_util::open_csv(path)?;
    crate::csv_util::check_header(path, &mut reader, &HS_HEADER)?;
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|error| crate::csv_util::csv_error(path, error))?;
        let line = row.position().map_or(0, |p| p.line());
        let bad = |message: String| ReferenceError::Record {
            path: path.to_path_buf(),
            record: format!("line {line}"),
            message,
        };
        let (section, code, description, level) = (&row[0], &row[1], &row[2], &row[4]);
        if section == "TOTAL" {
            continue;
        }
        let level_ok = matches!(level, "2" | "4" | "6") && level.parse::<usize>() == Ok(code.len());
        if !level_ok || !is_hs_code(code) {
            return Err(bad(format!(
                "code {code:?} at level {level:?}: want 2, 4 or 6 digits matching the level"
            )));
        }
        out.push(HsEntry {
            code: code.to_string(),
            description: description.trim().to_string(),
            source: HS_SOURCE.to_string(),
        });
    }
    Ok(out)
}
