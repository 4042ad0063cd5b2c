//! The transit accompanying document (TAD, issue 17) of a released movement, as PDF:
//! `GET /movements/departures/{id}/tad` (bearer token, language from `Accept-Language`) and
//! `GET /ui/movements/{id}/tad` (the pages, in the user's language).
//!
//! The TAD carries the content of the movement's release for transit message (CC029C): the one
//! sent to the holder, as stored in the movement's history; for a movement whose CC029C this
//! node does not keep (a copy of a peer's movement) it is built again the same way
//! ([`cats_app::messages::build`]). Office and country names come from the reference catalogue
//! in the user's language; everything else is printed as declared. Who may have it is who may
//! see the movement (the holder's traders, officers of a country on its route); it exists once
//! the movement is released for transit.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde_json::Value;
use uuid::Uuid;

use cats_app::messages::{build, OutContext};
use cats_app::store::{Direction, MovementRecord, StoredMessage};
use cats_app::{query, Actor, App, AppError};
use cats_documents::tad::{
    Label, Tad, TadControl, TadCountry, TadDocument, TadEquipment, TadGuarantee, TadItem,
    TadLabels, TadMeans, TadOffice, TadPackage, TadParty,
};
use cats_domain::ids::{CountryCode, Declared, Mrn, OfficeRef};
use cats_domain::movement::MovementState;
use cats_domain::reference::Catalog;

use crate::error::ApiError;
use crate::pages::i18n::{negotiate, Tr};
use crate::principal::Principal;

/// A TAD ready to send: its file name (`TAD-<MRN>.pdf`) and the PDF.
#[derive(Debug)]
pub struct TadFile {
    /// `TAD-24KZ…L7.pdf`.
    pub filename: String,
    /// The PDF's bytes.
    pub pdf: Vec<u8>,
}

/// Why there is no TAD.
#[derive(Debug)]
pub enum TadError {
    /// The movement is unknown or not visible to the user, or the store failed.
    App(AppError),
    /// Not released for transit (yet): its state.
    NotReleased(MovementState),
    /// The PDF could not be written.
    Render(String),
}

impl From<TadError> for ApiError {
    fn from(e: TadError) -> Self {
        match e {
            TadError::App(e) => e.into(),
            TadError::NotReleased(state) => ApiError::new(
                StatusCode::CONFLICT,
                "CONFLICT",
                format!(
                    "the TAD exists once the movement is released for transit; the movement is {}",
                    state.as_str()
                ),
            ),
            TadError::Render(reason) => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                format!("the TAD could not be written: {reason}"),
            ),
        }
    }
}

/// `GET /movements/departures/{id}/tad`: the TAD as `application/pdf` (inline, named
/// `TAD-<MRN>.pdf`), its labels in the first language of `Accept-Language` CATS has (English
/// otherwise). `404` for a movement the user may not see, `409` before release.
pub async fn download(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let t = negotiate(None, None, accept);
    let file = tad_file(&app, &who.actor(), id, &t).await?;
    Ok(pdf_response(file, "inline"))
}

/// The TAD as an answer: `Content-Type: application/pdf`, `Content-Disposition: DISPOSITION;
/// filename="TAD-<MRN>.pdf"` (`inline` or `attachment`), not cached by shared caches.
pub fn pdf_response(file: TadFile, disposition: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("{disposition}; filename=\"{}\"", file.filename),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        file.pdf,
    )
        .into_response()
}

/// The TAD of movement `id` as `actor` sees it, labelled in `t`'s language. Errors:
/// [`TadError::App`] (`NotFound` for a movement the actor may not see), [`TadError::NotReleased`],
/// [`TadError::Render`].
pub async fn tad_file(app: &App, actor: &Actor, id: Uuid, t: &Tr) -> Result<TadFile, TadError> {
    let (record, messages) = query::movement_messages(app, actor, id)
        .await
        .map_err(TadError::App)?;
    let m = &record.movement;
    let (Some(_), Some(mrn)) = (m.released_at, m.mrn.clone()) else {
        return Err(TadError::NotReleased(m.state));
    };
    let catalog = app.catalog();
    let release = release_message(&record, &messages, &catalog);
    let tad = tad_of(&record, &release, mrn, &catalog, t.lang());
    let filename = format!("TAD-{}.pdf", tad.mrn);
    let t = t.clone();
    let pdf = tokio::task::spawn_blocking(move || render(&tad, &t))
        .await
        .map_err(|e| TadError::Render(e.to_string()))?
        .map_err(|e| TadError::Render(e.to_string()))?;
    Ok(TadFile { filename, pdf })
}

/// The TAD written with `t`'s labels.
fn render(tad: &Tad, t: &Tr) -> Result<Vec<u8>, cats_documents::DocumentError> {
    let labels = TadLabels {
        text: &|l: Label| t.get(&format!("tad-{}", l.key())),
        page: &|x, n| {
            t.args(
                "tad-page",
                &[("page", x.to_string()), ("pages", n.to_string())],
            )
        },
        day: &|d| t.day(d),
    };
    cats_documents::tad::pdf(tad, &labels, t.lang())
}

/// The body of the movement's CC029C (without its `n1:CC029C` root key): the last one sent, or
/// built from the movement and its declaration when the history has none.
fn release_message(
    record: &MovementRecord,
    messages: &[StoredMessage],
    catalog: &Catalog,
) -> Value {
    let stored = messages
        .iter()
        .rev()
        .filter(|msg| msg.direction == Direction::Outbound && msg.message_type == "CC029C")
        .find_map(|msg| serde_json::from_str::<Value>(&msg.body).ok());
    let message = stored.unwrap_or_else(|| {
        let m = &record.movement;
        let ctx = OutContext {
            movement: m,
            declaration: &record.declaration,
            now: m.released_at.unwrap_or(record.updated_at),
            lodged_at: record.created_at,
            office: None,
            failures: &[],
            control_type: None,
            text: None,
            correlation: None,
            catalog: Some(catalog),
        };
        build("CC029C", &ctx).1
    });
    match message {
        Value::Object(mut root) => root.remove("n1:CC029C").unwrap_or(Value::Object(root)),
        other => other,
    }
}

/// A child's text: a JSON string, or a number as written (`18450.500`).
fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A repeated group's entries (an array, or a single object).
fn list<'a>(v: &'a Value, key: &str) -> Vec<&'a Value> {
    match v.get(key) {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(o @ Value::Object(_)) => vec![o],
        _ => Vec::new(),
    }
}

fn day(v: &Value, key: &str) -> Option<NaiveDate> {
    text(v, key).and_then(|d| NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok())
}

/// What the TAD needs of the catalogue: names in the user's language.
struct Names<'a> {
    catalog: &'a Catalog,
    lang: &'a str,
}

impl Names<'_> {
    fn office(&self, reference: OfficeRef) -> TadOffice {
        let name = self.catalog.office(&reference).map(|o| {
            o.names
                .get(self.lang)
                .or_else(|| o.names.get("en"))
                .cloned()
                .unwrap_or_else(|| o.name().to_string())
        });
        TadOffice { reference, name }
    }

    /// The offices of group `key` in `v`, or `fallback` when none is well formed.
    fn offices(&self, v: &Value, key: &str, fallback: &[OfficeRef]) -> Vec<TadOffice> {
        let declared: Vec<OfficeRef> = list(v, key)
            .into_iter()
            .filter_map(|o| text(o, "referenceNumber")?.parse().ok())
            .collect();
        let offices = if declared.is_empty() {
            fallback.to_vec()
        } else {
            declared
        };
        offices.into_iter().map(|o| self.office(o)).collect()
    }

    fn country(&self, code: String) -> TadCountry {
        let name = CountryCode::parse(&code)
            .ok()
            .and_then(|c| self.catalog.countries.get(&c))
            .and_then(|c| c.names.get(self.lang).or_else(|| c.names.get("en")))
            .cloned();
        TadCountry { code, name }
    }
}

/// A party of the message: name, identification number, address lines.
fn party(v: Option<&Value>) -> Option<TadParty> {
    let v = v?;
    let id = text(v, "identificationNumber").or_else(|| text(v, "TIRHolderIdentificationNumber"));
    let mut address = Vec::new();
    if let Some(a) = v.get("Address") {
        address.extend(text(a, "streetAndNumber"));
        let city: Vec<String> = [text(a, "postcode"), text(a, "city")]
            .into_iter()
            .flatten()
            .collect();
        if !city.is_empty() {
            address.push(city.join(" "));
        }
        address.extend(text(a, "country"));
    }
    let p = TadParty {
        name: text(v, "name"),
        id: id.map(|i| Declared::parse(&i)),
        address,
    };
    (!p.is_empty()).then_some(p)
}

fn means(v: &Value) -> TadMeans {
    TadMeans {
        type_of_identification: text(v, "typeOfIdentification"),
        identification: text(v, "identificationNumber"),
        nationality: text(v, "nationality"),
    }
}

fn documents(v: &Value) -> Vec<TadDocument> {
    [
        "PreviousDocument",
        "SupportingDocument",
        "TransportDocument",
    ]
    .iter()
    .flat_map(|key| list(v, key))
    .filter_map(|d| {
        Some(TadDocument {
            kind: text(d, "type").unwrap_or_default(),
            reference: text(d, "referenceNumber")?,
        })
    })
    .collect()
}

fn item(v: &Value) -> TadItem {
    let commodity = v.get("Commodity").unwrap_or(&Value::Null);
    let code = commodity.get("CommodityCode").unwrap_or(&Value::Null);
    let hs_code = text(code, "harmonizedSystemSubHeadingCode").map(|hs| {
        match text(code, "combinedNomenclatureCode") {
            Some(cn) => format!("{hs} {cn}"),
            None => hs,
        }
    });
    let measure = commodity.get("GoodsMeasure").unwrap_or(&Value::Null);
    TadItem {
        number: text(v, "declarationGoodsItemNumber")
            .or_else(|| text(v, "goodsItemNumber"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0),
        description: text(commodity, "descriptionOfGoods").unwrap_or_default(),
        hs_code,
        packages: list(v, "Packaging")
            .into_iter()
            .map(|p| TadPackage {
                kind: text(p, "typeOfPackages").unwrap_or_default(),
                number: text(p, "numberOfPackages").and_then(|n| n.parse().ok()),
                marks: text(p, "shippingMarks"),
            })
            .collect(),
        gross_mass_kg: text(measure, "grossMass"),
        net_mass_kg: text(measure, "netMass"),
    }
}

/// The TAD's content from the CC029C body `cc`, with names in `lang`.
fn tad_of(record: &MovementRecord, cc: &Value, mrn: Mrn, catalog: &Catalog, lang: &str) -> Tad {
    let m = &record.movement;
    let names = Names { catalog, lang };
    let op = cc.get("TransitOperation").unwrap_or(&Value::Null);
    let consignment = cc.get("Consignment").unwrap_or(&Value::Null);
    let houses = list(consignment, "HouseConsignment");
    let one = |key: &str, fallback: &OfficeRef| {
        names
            .offices(cc, key, std::slice::from_ref(fallback))
            .into_iter()
            .next()
            .unwrap_or_else(|| names.office(fallback.clone()))
    };
    let guarantees = list(cc, "Guarantee")
        .into_iter()
        .flat_map(|g| {
            let kind = text(g, "guaranteeType").unwrap_or_default();
            let other = text(g, "otherGuaranteeReference");
            let refs = list(g, "GuaranteeReference");
            let mut out: Vec<TadGuarantee> = refs
                .iter()
                .filter_map(|r| text(r, "GRN"))
                .map(|grn| TadGuarantee {
                    guarantee_type: kind.clone(),
                    grn: Some(Declared::parse(&grn)),
                    other_reference: None,
                })
                .collect();
            if out.is_empty() {
                out.push(TadGuarantee {
                    guarantee_type: kind,
                    grn: None,
                    other_reference: other,
                });
            }
            out
        })
        .collect();
    // The time limit for arrival: the office of departure's day of the time limit set at
    // release, else the declared limit date (as the CC029C's ControlResult/date).
    let time_limit = m
        .time_limit
        .map(|at| catalog.local_day(&m.office_of_departure, at))
        .or(m.limit_date);
    let control_result = cc.get("ControlResult").and_then(|c| {
        Some(TadControl {
            code: text(c, "code")?,
            controlled_by: text(c, "controlledBy").and_then(|o| o.parse().ok()),
        })
    });
    let representative = cc.get("Representative").and_then(|r| party(Some(r)));
    Tad {
        lrn: text(op, "LRN").unwrap_or_else(|| m.lrn.to_string()),
        mrn,
        declaration_type: text(op, "declarationType").unwrap_or_default(),
        additional_declaration_type: text(op, "additionalDeclarationType"),
        acceptance_date: day(op, "declarationAcceptanceDate"),
        release_date: day(op, "releaseDate"),
        office_of_departure: one("CustomsOfficeOfDeparture", &m.office_of_departure),
        offices_of_transit: names.offices(
            cc,
            "CustomsOfficeOfTransitDeclared",
            &m.offices_of_transit,
        ),
        offices_of_exit: names.offices(
            cc,
            "CustomsOfficeOfExitForTransitDeclared",
            &m.offices_of_exit,
        ),
        office_of_destination: one(
            "CustomsOfficeOfDestinationDeclared",
            &m.office_of_destination,
        ),
        holder: party(cc.get("HolderOfTheTransitProcedure")).unwrap_or_else(|| TadParty {
            id: Some(Declared::Valid(m.holder.clone())),
            ..TadParty::default()
        }),
        representative,
        consignor: party(consignment.get("Consignor")),
        consignee: party(consignment.get("Consignee")),
        guarantees,
        country_of_dispatch: text(consignment, "countryOfDispatch").map(|c| names.country(c)),
        country_of_destination: text(consignment, "countryOfDestination").map(|c| names.country(c)),
        countries_of_routing: list(consignment, "CountryOfRoutingOfConsignment")
            .into_iter()
            .filter_map(|c| text(c, "country"))
            .map(|c| names.country(c))
            .collect(),
        time_limit,
        control_result,
        departure_transport: list(consignment, "DepartureTransportMeans")
            .into_iter()
            .chain(
                houses
                    .iter()
                    .flat_map(|h| list(h, "DepartureTransportMeans")),
            )
            .map(means)
            .collect(),
        border_transport: list(consignment, "ActiveBorderTransportMeans")
            .into_iter()
            .map(means)
            .collect(),
        inland_mode: text(consignment, "inlandModeOfTransport"),
        border_mode: text(consignment, "modeOfTransportAtTheBorder"),
        container_indicator: text(consignment, "containerIndicator").map(|c| c == "1"),
        equipment: list(consignment, "TransportEquipment")
            .into_iter()
            .map(|e| TadEquipment {
                container: text(e, "containerIdentificationNumber"),
                seals: list(e, "Seal")
                    .into_iter()
                    .filter_map(|s| text(s, "identifier"))
                    .collect(),
            })
            .collect(),
        documents: std::iter::once(consignment)
            .chain(houses.iter().copied())
            .flat_map(documents)
            .collect(),
        gross_mass_kg: text(consignment, "grossMass"),
        items: houses
            .iter()
            .flat_map(|h| list(h, "ConsignmentItem"))
            .map(item)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn every_label_of_the_tad_is_in_every_language() {
        for lang in crate::pages::i18n::LANGUAGES {
            let t = Tr::new(lang);
            for label in Label::ALL {
                let key = format!("tad-{}", label.key());
                let text = t.try_get(&key);
                assert!(
                    text.as_ref().is_some_and(|s| !s.is_empty() && *s != key),
                    "{lang}: {key}"
                );
            }
            let page = t.args("tad-page", &[("page", "2".into()), ("pages", "7".into())]);
            assert!(page.contains("2 / 7"), "{lang}: {page}");
            for key in ["tad-link", "tad-not-released"] {
                assert!(t.try_get(key).is_some(), "{lang}: {key}");
            }
        }
        assert_eq!(
            Tr::new("ru").get("tad-office-departure"),
            "Таможня отправления"
        );
    }

    #[test]
    fn a_cc029c_gives_the_tad_its_content() {
        let cc: Value = serde_json::from_str(
            r#"{"TransitOperation": {"LRN": "L-1", "MRN": "24GB000246J8NY33L7", "declarationType": "T1", "additionalDeclarationType": "A", "declarationAcceptanceDate": "2025-03-10", "releaseDate": "2025-03-11"},
                "CustomsOfficeOfDeparture": {"referenceNumber": "KZHOR001"},
                "CustomsOfficeOfDestinationDeclared": {"referenceNumber": "GEPTI001"},
                "CustomsOfficeOfTransitDeclared": [{"sequenceNumber": 1, "referenceNumber": "AZALA001"}],
                "HolderOfTheTransitProcedure": {"identificationNumber": "KZ840000123456", "name": "Khorgos Gateway Logistics LLP", "Address": {"streetAndNumber": "Dostyk street 12", "postcode": "041309", "city": "Khorgos", "country": "KZ"}},
                "ControlResult": {"code": "A2", "date": "2025-03-24", "controlledBy": "KZHOR001"},
                "Guarantee": [{"sequenceNumber": 1, "guaranteeType": "1", "GuaranteeReference": [{"sequenceNumber": 1, "GRN": "25KZ0000SRI000010"}]}],
                "Consignment": {"countryOfDispatch": "KZ", "containerIndicator": "1", "grossMass": 18450.500,
                  "TransportEquipment": [{"sequenceNumber": 1, "containerIdentificationNumber": "CSQU3054383", "numberOfSeals": 1, "Seal": [{"sequenceNumber": 1, "identifier": "KZ-SEAL-9"}]}],
                  "HouseConsignment": [{"sequenceNumber": 1, "ConsignmentItem": [{"goodsItemNumber": 1, "declarationGoodsItemNumber": 7, "Commodity": {"descriptionOfGoods": "Static converters", "CommodityCode": {"harmonizedSystemSubHeadingCode": "850440"}, "GoodsMeasure": {"grossMass": 10250.750}}, "Packaging": [{"sequenceNumber": 1, "typeOfPackages": "PX", "numberOfPackages": 20}]}]}]}}"#,
        )
        .unwrap();
        let catalog = cats_reference::shipped_catalog().unwrap();
        let movement = cats_domain::rules::DeclarationFacts {
            lrn: "L-1".parse().unwrap(),
            holder: "KZ840000123456".parse().unwrap(),
            office_of_departure: "KZHOR001".parse().unwrap(),
            office_of_destination: "GEPTI001".parse().unwrap(),
            offices_of_transit: vec!["AZALA001".parse().unwrap()],
            offices_of_exit: vec![],
            countries_of_routing: vec![],
            itinerary: vec![],
            guarantees: vec![],
            hs_codes: vec![],
            limit_date: NaiveDate::from_ymd_opt(2025, 3, 24),
            security: None,
            dispatch_destination: vec![],
            pre_lodged: false,
            country_of_dispatch: None,
            country_of_destination: None,
            gross_mass: Default::default(),
        }
        .movement(MovementState::ReleasedForTransit, None);
        let record = MovementRecord {
            id: Uuid::nil(),
            version: 1,
            movement,
            declaration: std::sync::Arc::new(serde_json::json!({})),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let mrn: Mrn = "24GB000246J8NY33L7".parse().unwrap();
        let tad = tad_of(&record, &cc, mrn, &catalog, "ru");
        assert_eq!(tad.lrn, "L-1");
        assert_eq!(tad.release_date, NaiveDate::from_ymd_opt(2025, 3, 11));
        assert_eq!(tad.office_of_departure.reference.as_str(), "KZHOR001");
        assert!(tad.office_of_departure.name.is_some());
        assert_eq!(tad.offices_of_transit.len(), 1);
        assert_eq!(
            tad.holder.name.as_deref(),
            Some("Khorgos Gateway Logistics LLP")
        );
        assert_eq!(
            tad.holder.id.as_ref().map(|i| i.as_str()),
            Some("KZ840000123456")
        );
        assert_eq!(
            tad.holder.address,
            ["Dostyk street 12", "041309 Khorgos", "KZ"]
        );
        assert_eq!(
            tad.guarantees[0].grn.as_ref().map(|g| g.as_str()),
            Some("25KZ0000SRI000010")
        );
        assert_eq!(
            tad.control_result.as_ref().map(|c| c.code.as_str()),
            Some("A2")
        );
        assert_eq!(
            tad.country_of_dispatch
                .as_ref()
                .and_then(|c| c.name.as_deref()),
            Some("Казахстан")
        );
        assert_eq!(tad.equipment[0].seals, ["KZ-SEAL-9"]);
        assert_eq!(tad.gross_mass_kg.as_deref(), Some("18450.500"));
        assert_eq!(tad.items.len(), 1);
        assert_eq!(tad.items[0].number, 7);
        assert_eq!(tad.items[0].gross_mass_kg.as_deref(), Some("10250.750"));
        assert_eq!(tad.total_packages(), 20);
        assert_eq!(tad.time_limit, NaiveDate::from_ymd_opt(2025, 3, 24));
    }
}
