//! Importer for one country's UN/LOCODE list as a CSV file (UNECE UN/LOCODE via the open
//! datasets).

use std::path::Path;

use cats_domain::reference::Location;

use crate::error::ReferenceError;
use crate::validate::is_unlocode;

/// Header the UN/LOCODE CSV must have.
const UNLOCODE_HEADER: [&str; 11] = [
    "country",
    "location",
    "name",
    "nameWoDiacritics",
    "subdivision",
    "status",
    "function",
    "iata",
    "lat",
    "lon",
    "geocoded",
];

/// Import every location of a UN/LOCODE CSV (one country per file, e.g. `KZ.csv`).
///
/// Reads `country,location,name,nameWoDiacritics,subdivision,status,function,iata,lat,lon,geocoded`
/// (exactly that header; a UTF-8 BOM is allowed). Each row gives a [`Location`] with `unlocode` =
/// `country` + `location` (must be `[A-Z]{2}[A-Z0-9]{3}`), `name` = `nameWoDiacritics` (or `name`
/// when that is empty), `function` = the 8-character function classifier string as given (e.g.
/// `12-4----`: 1 sea port, 2 rail, 3 road, 4 airport, 5 postal, 6 multimodal, 7 fixed installation,
/// 8 inland water, B border crossing), and `source` = `UNECE UN/LOCODE via open datasets
/// (<file name>)`. The other columns (subdivision, status, IATA code, coordinates) are not kept.
/// Rows come back in file order.
///
/// Errors: [`ReferenceError::Io`] when the file cannot be opened, [`ReferenceError::Csv`] with the
/// line for malformed CSV, [`ReferenceError::Record`] with the line for a wrong header or a
/// malformed code.
pub fn import_unlocode_csv(path: impl AsRef<Path>) -> Result<Vec<Location>, ReferenceError> {
    let path = path.as_ref();
    let mut reader = crate::csv_util::open_csv(path)?;
    crate::csv_util::check_header(path, &mut reader, &UNLOCODE_HEADER)?;
    let file_name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let source = format!("UNECE UN/LOCODE via open datasets ({file_name})");
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|error| crate::csv_util::csv_error(path, error))?;
        let line = row.position().map_or(0, |p| p.line());
        let unlocode = format!("{}{}", &row[0], &row[1]);
        if !is_unlocode(&unlocode) {
            return Err(ReferenceError::Record {
                path: path.to_path_buf(),
                record: format!("line {line}"),
                message: format!("UN/LOCODE {unlocode:?} is not [A-Z]{{2}}[A-Z0-9]{{3}}"),
            });
        }
        let name = if row[3].is_empty() { &row[2] } else { &row[3] };
        out.push(Location {
            unlocode,
            name: name.to_string(),
            function: row[6].to_string(),
            source: source.clone(),
        });
    }
    Ok(out)
}
