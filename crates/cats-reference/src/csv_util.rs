//! CSV plumbing shared by the HS and UN/LOCODE importers.

use std::fs::File;
use std::path::Path;

use crate::error::ReferenceError;

/// Open a comma-separated file with a header row; fields are trimmed of surrounding spaces.
pub(crate) fn open_csv(path: &Path) -> Result<csv::Reader<File>, ReferenceError> {
    let file = File::open(path).map_err(|error| ReferenceError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    Ok(csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(file))
}

/// Check that the header is exactly `want` (a leading UTF-8 byte order mark is ignored).
pub(crate) fn check_header(
    path: &Path,
    reader: &mut csv::Reader<File>,
    want: &[&str],
) -> Result<(), ReferenceError> {
    let header = reader.headers().map_err(|e| csv_error(path, e))?;
    let got: Vec<&str> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            }
        })
        .collect();
    if got != want {
        return Err(ReferenceError::Record {
            path: path.to_path_buf(),
            record: "line 1".into(),
            message: format!("header {got:?}, expected {want:?}"),
        });
    }
    Ok(())
}

/// Wrap a CSV error with the file and the line it names.
pub(crate) fn csv_error(path: &Path, error: csv::Error) -> ReferenceError {
    let line = error.position().map_or(0, |p| p.line());
    ReferenceError::Csv {
        path: path.to_path_buf(),
        line,
        error,
    }
}
