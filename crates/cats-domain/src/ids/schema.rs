//! JSON schemas of the identifiers (feature `openapi`): each is a string with the pattern and
//! an example of its definition, so that an OpenAPI document says what a field takes.

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

use super::{
    ContainerNumber, CountryCode, CurrencyCode, Eori, Grn, HsCode, Lrn, Money, Mrn, NodeId,
    OfficeRef,
};

macro_rules! string_schema {
    ($($ty:ident: $pattern:expr, $example:literal, $what:literal;)*) => {
        $(
            impl utoipa::PartialSchema for $ty {
                fn schema() -> RefOr<Schema> {
                    let mut s = ObjectBuilder::new()
                        .schema_type(Type::String)
                        .description(Some($what))
                        .examples([$example]);
                    if let Some(p) = $pattern {
                        s = s.pattern(Some(p));
                    }
                    RefOr::T(Schema::Object(s.build()))
                }
            }

            impl utoipa::ToSchema for $ty {}
        )*
    };
}

string_schema! {
    OfficeRef: Some("^[A-Z]{2}[A-Z0-9]{6}$"), "KZHOR001",
        "Customs office reference number (an8): ISO 3166 country + 6 alphanumerics.";
    CountryCode: Some("^[A-Z]{2}$"), "KZ", "ISO 3166-1 alpha-2 country code.";
    NodeId: Some("^[A-Z0-9+_-]{1,32}$"), "KZ", "ICE node id.";
    CurrencyCode: Some("^[A-Z]{3}$"), "USD", "ISO 4217 alphabetic currency code.";
    Eori: Some("^[A-Z]{2}[A-Z0-9]{1,15}$"), "KZ840000123456",
        "EORI number or national taxpayer identification number (TIN).";
    Grn: Some("^[0-9]{2}[A-Z]{2}[A-Z0-9]{12}[0-9]$"), "25KZ0000SRI000010",
        "Guarantee reference number (17 characters, ISO 6346 check digit).";
    Mrn: Some("^[0-9]{2}[A-Z]{2}[A-Z0-9]{12}[JKLM][0-9]$"), "25KZHOR001000001J8",
        "Movement reference number (18 characters, ISO 6346 check digit).";
    Lrn: None::<&str>, "LRN-2025-000123",
        "Local reference number: the holder's own, 1 to 22 characters, no surrounding spaces.";
    HsCode: Some("^[0-9]{6}$"), "850440", "Harmonized System subheading code (6 digits).";
    ContainerNumber: Some("^[A-Z]{3}[UJZ][0-9]{7}$"), "MSCU1234566",
        "Container number (ISO 6346, with check digit).";
}

impl utoipa::PartialSchema for Money {
    fn schema() -> RefOr<Schema> {
        let amount = ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("Decimal amount, 2 places at most"))
            .examples(["25000.00"]);
        let currency = ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[A-Z]{3}$"))
            .description(Some("ISO 4217 currency"))
            .examples(["USD"]);
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .description(Some("An amount of money in an ISO 4217 currency."))
                .property("amount", amount)
                .property("currency", currency)
                .required("amount")
                .required("currency")
                .build(),
        ))
    }
}

impl utoipa::ToSchema for Money {}
