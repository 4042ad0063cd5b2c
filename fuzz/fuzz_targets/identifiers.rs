//! Any text through every identifier parser (MRN, LRN, GRN, EORI, office, country, currency, HS
//! code, container number, access code): an identifier or an error, never a crash; and an
//! identifier that parses prints back to text that parses to the same identifier.
#![no_main]

use cats_domain::ids::{
    AccessCode, ContainerNumber, CountryCode, CurrencyCode, Eori, Grn, HsCode, Lrn, Mrn, OfficeRef,
};
use libfuzzer_sys::fuzz_target;

macro_rules! round_trip {
    ($t:ty, $s:expr) => {
        if let Ok(id) = <$t>::parse($s) {
            let again = <$t>::parse(&id.to_string()).expect("an identifier's text parses");
            assert_eq!(again, id);
        }
    };
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    round_trip!(Mrn, s);
    round_trip!(Lrn, s);
    round_trip!(Grn, s);
    round_trip!(Eori, s);
    round_trip!(OfficeRef, s);
    round_trip!(CountryCode, s);
    round_trip!(CurrencyCode, s);
    round_trip!(HsCode, s);
    round_trip!(ContainerNumber, s);
    let _ = AccessCode::parse(s);
});
