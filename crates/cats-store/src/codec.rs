//! How the store keeps its large texts (message bodies, movement projections, declarations):
//! compressed, given back byte for byte (issue 16, storage), each row naming its codec.
//!
//! | codec | format |
//! |---|---|
//! | NULL | raw DEFLATE (RFC 1951), no dictionary: message bodies from migration 0020 to 0023 |
//! | 1 | a Zstandard frame (RFC 8878) compressed with dictionary 1 as raw content |
//!
//! A dictionary is text that the compressor may refer back to as if it came before the value.
//! NCTS messages of one type share most of their element names and many values, so one sample of
//! each, given as the dictionary, makes a stored value much smaller than compressing it
//! alone: a written-off movement's messages take 4.5 KB instead of 9.5 KB, and NCTS and HMRC
//! samples that are not in the dictionary 1.2 to 1.4 times less than with DEFLATE
//! (`docs/performance.md`, ADR 0021). The dictionary is prepared once per process and each thread
//! keeps its compression context, so a value costs a few microseconds at [`LEVEL`] 4, about 10 µs
//! for a declaration (DEFLATE with the same dictionary cost about 100 µs, most of it spent loading
//! the dictionary each time).
//!
//! A codec, once shipped, never changes: [`dictionary`] pins each dictionary's SHA-256, and a
//! better dictionary is a new codec number. Dictionaries are made by `tools/dictionary/make.py`
//! from the project's own corridor replay and fixture.

use std::cell::RefCell;
use std::io::Read as _;
use std::sync::OnceLock;

use zstd::bulk::{Compressor, Decompressor};
use zstd::dict::{DecoderDictionary, EncoderDictionary};

use cats_app::store::StoreError;

/// The codec new values are written with.
pub(crate) const CURRENT: i64 = 1;

/// Zstandard's compression level for [`CURRENT`] (the level is not part of the stored format:
/// any level reads back with the same dictionary). Level 4 (ADR 0024): on the corridor replay, a
/// declaration in 10 µs instead of level 9's 33 µs and a message in 3 µs instead of 11, for
/// 19 % and 18 % more bytes; `cats bench lodge` +7–12 %, `cats bench lifecycle` 13.9 → 14.4 KB
/// per written-off movement. Level 9 was ADR 0021's choice.
const LEVEL: i32 = 4;

/// Dictionary 1 (29,650 bytes): the corridor fixture CC015C laid out with line breaks, then a
/// movement projection, a declaration and one stored message of each of the 21 types of the
/// corridor replay.
const DICTIONARY_1: &[u8] = include_bytes!("dictionaries/1.dict");

/// The dictionary of codec `codec`.
///
/// Errors: no such codec ([`StoreError::Corrupt`]: a row written by a later version of CATS, or
/// damaged).
pub(crate) fn dictionary(codec: i64) -> Result<&'static [u8], StoreError> {
    match codec {
        1 => Ok(DICTIONARY_1),
        _ => Err(StoreError::corrupt(format!(
            "a stored value names codec {codec}, which this version of CATS does not have"
        ))),
    }
}

fn encoder_dictionary() -> &'static EncoderDictionary<'static> {
    static PREPARED: OnceLock<EncoderDictionary<'static>> = OnceLock::new();
    PREPARED.get_or_init(|| EncoderDictionary::copy(DICTIONARY_1, LEVEL))
}

fn decoder_dictionary() -> &'static DecoderDictionary<'static> {
    static PREPARED: OnceLock<DecoderDictionary<'static>> = OnceLock::new();
    PREPARED.get_or_init(|| DecoderDictionary::copy(DICTIONARY_1))
}

thread_local! {
    static COMPRESSOR: RefCell<Option<Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<Decompressor<'static>>> = const { RefCell::new(None) };
}

/// `text` as stored with the [`CURRENT`] codec; store [`CURRENT`] with it.
pub(crate) fn compress(text: &str) -> Vec<u8> {
    COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let compressor = match cell.as_mut() {
            Some(c) => c,
            None => cell.insert(
                Compressor::with_prepared_dictionary(encoder_dictionary())
                    .expect("Zstandard allocates a compression context"),
            ),
        };
        compressor
            .compress(text.as_bytes())
            .expect("compressing into memory does not fail")
    })
}

/// The largest value [`decompress`] reads (64 MiB; the largest CC015C, 999 items, is about 1 MB):
/// a damaged frame header cannot make it allocate more.
const MAX_SIZE: usize = 64 << 20;

/// The text [`compress`] stored, read as its row's `codec` says.
///
/// Errors: the bytes are not that codec's compression of UTF-8 text, or the codec is unknown (a
/// damaged database, or one written by a later version of CATS).
pub(crate) fn decompress(stored: &[u8], codec: Option<i64>) -> Result<String, StoreError> {
    let damaged = |e: &dyn std::fmt::Display| {
        StoreError::corrupt(format!("a stored value does not read: {e}"))
    };
    let bytes = match codec {
        None => {
            let mut out = Vec::with_capacity(stored.len() * 4);
            flate2::read::DeflateDecoder::new(stored)
                .read_to_end(&mut out)
                .map_err(|e| damaged(&e))?;
            out
        }
        Some(codec) => {
            // An unknown codec is an error; codec 1's dictionary is the prepared one.
            dictionary(codec)?;
            let size = zstd::zstd_safe::get_frame_content_size(stored)
                .ok()
                .flatten()
                .ok_or_else(|| damaged(&"not a Zstandard frame with its size"))?;
            let size = usize::try_from(size)
                .ok()
                .filter(|&n| n <= MAX_SIZE)
                .ok_or_else(|| damaged(&format!("it says it holds {size} bytes")))?;
            DECOMPRESSOR.with(|cell| {
                let mut cell = cell.borrow_mut();
                let decompressor = match cell.as_mut() {
                    Some(d) => d,
                    None => cell.insert(
                        Decompressor::with_prepared_dictionary(decoder_dictionary())
                            .map_err(|e| damaged(&e))?,
                    ),
                };
                decompressor
                    .decompress(stored, size)
                    .map_err(|e| damaged(&e))
            })?
        }
    };
    String::from_utf8(bytes).map_err(|e| damaged(&e))
}

#[cfg(test)]
mod tests {
    use sha2::{Digest as _, Sha256};

    use super::*;

    const CORRIDOR: &str = include_str!("../../cats-ncts/tests/fixtures/cc015c-corridor.xml");

    #[test]
    fn a_shipped_dictionary_never_changes() {
        // Rows written with codec 1 read back only with these very bytes.
        assert_eq!(
            hex::encode(Sha256::digest(dictionary(1).unwrap())),
            "c6fd7c4d2a9d988b21c84c64d78c5355950dee368cbe13a8a7f946a556248024"
        );
        assert!(dictionary(2).is_err());
    }

    #[test]
    fn values_come_back_byte_for_byte_and_smaller_than_without_a_dictionary() {
        let values = [
            String::new(),
            "x".into(),
            "Грузы: ковры ручной работы\r\nტვირთი — ხალიჩები\u{0}\t".into(),
            CORRIDOR.to_string(),
            CORRIDOR.repeat(40),
        ];
        for value in &values {
            assert_eq!(&decompress(&compress(value), Some(CURRENT)).unwrap(), value);
        }
        let with = compress(CORRIDOR).len();
        let mut plain =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut plain, CORRIDOR.as_bytes()).unwrap();
        let without = plain.finish().unwrap();
        assert!(
            with * 2 < without.len(),
            "the corridor declaration ({} bytes) deflates to {} bytes alone, {with} with the dictionary",
            CORRIDOR.len(),
            without.len()
        );
        // Written before the dictionary: read without one.
        assert_eq!(decompress(&without, None).unwrap(), CORRIDOR);
    }

    #[test]
    fn damaged_values_and_unknown_dictionaries_are_errors() {
        assert!(decompress(b"not deflate at all", Some(CURRENT)).is_err());
        let stored = compress(CORRIDOR);
        assert!(decompress(&stored[..stored.len() / 2], Some(CURRENT)).is_err());
        assert!(decompress(&stored, None).is_err());
        assert!(decompress(&stored, Some(7)).is_err());
    }
}
