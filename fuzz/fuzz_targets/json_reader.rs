//! Any bytes through the JSON reader (HMRC's shape) and the structural validation: an answer,
//! never a crash or a hang.
#![no_main]

use cats_ncts::{read, Format, Limits, MessageType};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    for expected in [
        MessageType::CC015C,
        MessageType::CC007C,
        MessageType::CC013C,
    ] {
        let _ = read(data, Format::Json, expected, &limits);
    }
    let _ = cats_ncts::parse_cc015c(data, Format::Json);
});
