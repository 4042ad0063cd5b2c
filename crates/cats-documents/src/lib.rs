//! Documents CATS renders (issue 17): the transit accompanying document (TAD) as PDF with the
//! MRN as a Code 128 barcode ([`tad`]), report exports as CSV, XLSX and PDF ([`export`]), and
//! charts as SVG for pages and PDFs ([`chart`]). Rendering only: the caller gives the data and
//! the labels in the user's language. Fonts (DejaVu Sans, covering Latin, Cyrillic and Georgian)
//! are embedded in every PDF.

#![warn(missing_docs)]

pub mod chart;
pub mod export;
pub mod pdf;
pub mod tad;

pub use pdf::{Canvas, DocumentError, Weight};
