//! The one error type of this crate.

use std::path::PathBuf;

use thiserror::Error;

/// What went wrong while loading reference data.
///
/// Every variant names the file it was reading and, where the format has one, the line or the
/// record, so that an operator can open the file at the right place.
#[derive(Debug, Error)]
pub enum ReferenceError {
    /// A shipped file (`data/reference/*.json`, embedded in the crate) is not valid JSON or does not
    /// have the documented shape; the message from `serde_json` carries the line and column.
    #[error("shipped reference file data/reference/{file}: {error}")]
    ShippedJson {
        /// File name under `data/reference/`, e.g. `countries.json`.
        file: &'static str,
        /// The JSON error, with line and column.
        #[source]
        error: serde_json::Error,
    },

    /// A shipped file parsed but one of its records breaks a rule of the format (bad code, unknown
    /// country, duplicate key, …).
    #[error("shipped reference file data/reference/{file}, record {record}: {message}")]
    ShippedRecord {
        /// File name under `data/reference/`.
        file: &'static str,
        /// The record's key (code, reference number, username, GRN), or its index.
        record: String,
        /// What is wrong.
        message: String,
    },

    /// A file could not be opened or read.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The IO error.
        #[source]
        error: std::io::Error,
    },

    /// A zip archive could not be read, or holds no entry of the expected kind.
    #[error("{}: zip archive: {message}", path.display())]
    Zip {
        /// The archive.
        path: PathBuf,
        /// What is wrong (the zip library's message or the missing entry).
        message: String,
    },

    /// The XML inside an archive is malformed.
    #[error("{}: XML entry {entry}, byte {position}: {message}", path.display())]
    Xml {
        /// The archive (or XML file).
        path: PathBuf,
        /// The entry name inside the archive.
        entry: String,
        /// Byte offset in the uncompressed XML where the reader stopped.
        position: u64,
        /// The XML reader's message.
        message: String,
    },

    /// A record of an imported list is well-formed XML or CSV but its content is not usable.
    #[error("{}: {record}: {message}", path.display())]
    Record {
        /// The file.
        path: PathBuf,
        /// Where: `line N` for CSV, `office N (REFERENCE)` for the customs office list.
        record: String,
        /// What is wrong.
        message: String,
    },

    /// A CSV file could not be parsed.
    #[error("{}: line {line}: {error}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line of the record where parsing failed (0 when unknown).
        line: u64,
        /// The CSV error.
        #[source]
        error: csv::Error,
    },
}
