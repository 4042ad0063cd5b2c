//! Any bytes through the XML reader and the structural validation of every message type CATS
//! takes: an answer (the document or its errors), never a crash or a hang. And the streaming
//! check is never more lenient than the full reading: a message it proves valid is one the full
//! reading accepts, with the same value.
#![no_main]

use cats_ncts::{
    proves_valid, read, read_xml, validate, validate_xml, Format, Limits, MessageType,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    for expected in [
        MessageType::CC015C,
        MessageType::CC007C,
        MessageType::CC013C,
    ] {
        let result = read(data, Format::Xml, expected, &limits);
        assert_eq!(validate_xml(data, expected, &limits).is_ok(), result.is_ok());
        if proves_valid(data, expected, &limits) {
            // The full reading alone: the tree (order, shape), then the value's validation.
            let full = read_xml(data, expected, &limits).expect("proven valid, refused by the tree reading");
            assert!(validate(expected, &full).is_empty(), "proven valid, refused by the validation");
            assert_eq!(result.ok(), Some(full), "the streaming value differs");
        }
    }
    let _ = cats_ncts::parse_cc015c(data, Format::Xml);
});
