//! Every route of the API in one table, with its documentation. [`crate::router`] is built from
//! this table and [`openapi`] describes it, so no route can exist without being documented.

use axum::routing::{get, post, MethodRouter};
use cats_app::App;
use serde_json::{json, Map, Value};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::RefOr;
use utoipa::ToSchema;

use crate::handlers::{arrivals, controls, customs, departure_messages, departures, reference};
use crate::views;

/// HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// DELETE.
    Delete,
}

impl Method {
    /// Lower-case name, as OpenAPI writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
            Method::Put => "put",
            Method::Delete => "delete",
        }
    }
}

/// What a request body is.
#[derive(Debug, Clone, Copy)]
pub enum Body {
    /// No body.
    None,
    /// An NCTS message, `application/xml` or `application/json` (root `n1:CCnnnC`).
    Ncts(&'static str),
    /// A JSON object.
    Json(&'static str),
    /// Raw bytes of the type the Content-Type names (a document).
    Raw(&'static str),
    /// A JSON object described by a schema derived from its request type ([`schema_of`]).
    Schema(fn() -> Schemas),
}

/// A request type's schema: its name, and every component schema it needs (itself first).
pub type Schemas = (String, Vec<(String, RefOr<Schema>)>);

/// The schema of request type `T` and of the types it refers to, for [`Body::Schema`].
pub fn schema_of<T: ToSchema>() -> Schemas {
    let mut all = vec![(T::name().into_owned(), T::schema())];
    T::schemas(&mut all);
    (T::name().into_owned(), all)
}

/// What a successful answer's body is.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    /// Not described (the OpenAPI test refuses it).
    Unset,
    /// A JSON object whose schema is derived from its view type ([`schema_of`]).
    Json(fn() -> Schemas),
    /// An NCTS message: XML or the HMRC JSON form, by `Accept`.
    Ncts,
    /// The bytes of a stored file, with its Content-Type.
    File,
    /// A PDF document made for the request (`application/pdf`, with a file name).
    Pdf,
    /// The OpenAPI document itself.
    Document,
    /// Server-Sent Events (`text/event-stream`).
    EventStream,
    /// Metrics in the Prometheus text format (`text/plain; version=0.0.4`).
    Metrics,
    /// A report: JSON, or CSV, XLSX or PDF by `?format=` (issue 17).
    Report,
}

/// One documented operation.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// Method.
    pub method: Method,
    /// Path, with `{parameters}`.
    pub path: &'static str,
    /// Tag (area).
    pub tag: &'static str,
    /// What it does.
    pub summary: &'static str,
    /// Who may call it.
    pub who: &'static str,
    /// Whether a bearer token is required.
    pub auth: bool,
    /// Request body.
    pub body: Body,
    /// Answers: status and meaning.
    pub responses: &'static [(u16, &'static str)],
    /// The body of the successful answers.
    pub answer: Answer,
}

impl Operation {
    /// Answers JSON described by view type `T`'s schema.
    pub const fn json(mut self, schemas: fn() -> Schemas) -> Self {
        self.answer = Answer::Json(schemas);
        self
    }

    /// Answers an NCTS message (XML or JSON by `Accept`).
    pub const fn ncts(mut self) -> Self {
        self.answer = Answer::Ncts;
        self
    }

    /// Answers a stored file's bytes.
    pub const fn file(mut self) -> Self {
        self.answer = Answer::File;
        self
    }

    /// Answers a PDF document.
    pub const fn pdf(mut self) -> Self {
        self.answer = Answer::Pdf;
        self
    }

    /// Answers a stream of Server-Sent Events.
    pub const fn event_stream(mut self) -> Self {
        self.answer = Answer::EventStream;
        self
    }

    /// Answers metrics in the Prometheus text format.
    pub const fn metrics(mut self) -> Self {
        self.answer = Answer::Metrics;
        self
    }

    /// Answers a report (JSON, CSV, XLSX or PDF by `?format=`).
    pub const fn report(mut self) -> Self {
        self.answer = Answer::Report;
        self
    }

    /// Answers the OpenAPI document.
    pub const fn document(mut self) -> Self {
        self.answer = Answer::Document;
        self
    }
}

const AUTH_ERRORS: [(u16, &str); 2] = [
    (401, "no or unknown bearer token"),
    (403, "not allowed for this user"),
];

macro_rules! op {
    ($m:ident $path:literal, $tag:literal, $who:literal, $auth:expr, $body:expr, $summary:literal, [$(($code:literal, $what:literal)),* $(,)?]) => {
        Operation { method: Method::$m, path: $path, tag: $tag, summary: $summary, who: $who, auth: $auth, body: $body, responses: &[$(($code, $what)),*], answer: $crate::routes::Answer::Unset }
    };
}

/// The route of customs action `$name`, taking request `$request` (its schema from `$schema`).
macro_rules! customs_op {
    ($name:literal, $request:ty, $schema:ty, $summary:literal) => {
        (
            Operation {
                method: Method::Post,
                path: concat!("/movements/departures/{id}/customs/", $name),
                tag: "customs",
                summary: $summary,
                who: "officer of the acting office's country",
                auth: true,
                body: Body::Schema(schema_of::<$schema>),
                answer: Answer::Json(schema_of::<crate::views::MovementView>),
                responses: &[
                    (200, "the movement"),
                    (400, "a field missing or wrong; a control record or decision breaking CATS024-CATS032 (code RULE_VALIDATION, every failure with ruleId, pointer, reason)"),
                    (404, "unknown or not visible movement"),
                    (409, "out of sequence (errorCode 92) or wrong office"),
                ],
            },
            post(customs::act::<$request>),
        )
    };
}

mod notifications;
mod registers;
mod reports;
mod support;
mod tokens;

/// Every operation with its handler, in the order of the documentation: the movements'
/// and reference data's, then the registers' ([`registers::operations`]).
pub fn operations() -> Vec<(Operation, MethodRouter<App>)> {
    let mut ops = movement_operations();
    ops.extend(registers::operations());
    ops.extend(notifications::operations());
    ops.extend(tokens::operations());
    ops.extend(reports::operations());
    ops.extend(support::operations());
    ops
}

fn movement_operations() -> Vec<(Operation, MethodRouter<App>)> {
    vec![
        (
            op!(Get "/health", "node", "anyone", false, Body::None, "Liveness of the node.", [(200, "ok")]).json(schema_of::<reference::Health>),
            get(reference::health),
        ),
        (
            op!(Get "/health/ready", "node", "anyone", false, Body::None,
            "Readiness: the database answers, its migrations are this build's, the ICE outbox (at most 10,000 waiting, none older than an hour) and the notification queue (at most 10,000 waiting) are within bounds. Each check with ok and detail.",
            [(200, "ready"), (503, "not ready: the same body, with the failing checks")]).json(schema_of::<crate::handlers::node::ReadinessView>),
            get(crate::handlers::node::ready),
        ),
        (
            op!(Get "/metrics", "node", "admin, or any caller on the node's own machine (127.0.0.1, ::1)", false, Body::None,
            "Metrics in the Prometheus text format: requests and latencies per route and status, the database pool, ICE queue depth and lag per peer, notification deliveries by status, readiness.",
            [(200, "the metrics"), (403, "neither an administrator nor on the node's machine")]).metrics(),
            get(crate::handlers::node::metrics),
        ),
        (
            op!(Get "/api/openapi.json", "node", "anyone", false, Body::None, "This OpenAPI document.", [(200, "the document")]).document(),
            get(openapi_handler),
        ),
        (
            op!(Post "/movements/departures", "departures", "trader (holder)", true, Body::Ncts("CC015C declaration (A standard, D pre-lodged)"), "Lodge a declaration.",
            [(202, "accepted (state Accepted, GuaranteeNotValid) or rejected (state Rejected, CC056C); body: id, lrn, mrn, state, errors, _links"), (400, "not a well-formed CC015C: every error with pointer and reason"), (413, "body above 4 MiB"), (415, "not XML or JSON"), (422, "messageRecipient is not a national transit authority this node serves (code RECIPIENT_NOT_SERVED, with recipient and served)")]).json(schema_of::<views::LodgedView>),
            post(departures::lodge),
        ),
        (
            op!(Get "/movements/departures", "departures", "trader (own), officer (offices of its country)", true, Body::None, "List departures; filters lrn/localReferenceNumber, mrn/movementReferenceNumber, movementEORI, state, updatedSince; paging page, count.",
            [(200, "totalCount, page, count, movements, _links"), (400, "unknown state")]).json(schema_of::<views::MovementList>),
            get(departures::list),
        ),
        (
            op!(Get "/movements/departures/{id}", "departures", "trader (own), officer", true, Body::None, "A departure: ids, state, offices, passages, controls, time limit, timestamps.", [(200, "the movement"), (404, "unknown or not visible")]).json(schema_of::<views::MovementView>),
            get(departures::show),
        ),
        (
            op!(Get "/movements/departures/{id}/messages", "departures", "trader (own), officer", true, Body::None, "The movement's history: every message in and out and every customs action.", [(200, "messages with id, messageType, direction, received, _links"), (404, "unknown or not visible")]).json(schema_of::<views::MessageList>),
            get(departures::messages),
        ),
        (
            op!(Post "/movements/departures/{id}/messages", "departures", "trader (holder)", true, Body::Ncts("CC013C amendment, CC014C invalidation request or CC170C presentation notification"), "Send a message about a departure.",
            [(202, "applied or rejected (CC004C, CC056C …)"), (400, "not well-formed, or a type this endpoint does not take"), (409, "out of sequence (errorCode 92)"), (404, "unknown or not visible")]).json(schema_of::<views::ReceivedView>),
            post(departure_messages::post),
        ),
        (
            op!(Get "/movements/departures/{id}/messages/{messageId}", "departures", "trader (own), officer", true, Body::None, "One message, XML or JSON by Accept.", [(200, "the message"), (404, "unknown"), (406, "a customs action asked as XML")]).ncts(),
            get(departures::message),
        ),
        (
            op!(Get "/movements/departures/{id}/tad", "departures", "trader (own), officer", true, Body::None,
            "The transit accompanying document (TAD) of a movement released for transit, as PDF: the content of its CC029C laid out as the NCTS TAD, the MRN as a Code 128 barcode, labels in the first language of Accept-Language CATS has (en, ru, kk, az, ka; else English), data as declared; Content-Disposition names it TAD-<MRN>.pdf.",
            [(200, "the TAD (application/pdf)"), (404, "unknown or not visible"), (409, "not released for transit (yet): the TAD exists once the movement is released")]).pdf(),
            get(crate::tad::download),
        ),
        (
            op!(Post "/movements/departures/{id}/amendment", "departures", "trader (holder)", true, Body::Ncts("CC015C: the whole amended declaration"), "Amend before release.", [(202, "CC004C or CC056C"), (400, "not well-formed"), (409, "out of sequence")]).json(schema_of::<views::LodgedView>),
            post(departures::amend),
        ),
        (
            op!(Post "/movements/departures/{id}/cancellation", "departures", "trader (holder)", true, Body::Schema(schema_of::<departures::CancellationRequest>), "Ask to cancel before release (CC014C analogue).", [(200, "the movement"), (409, "out of sequence")]).json(schema_of::<views::MovementView>),
            post(departures::cancellation),
        ),
        customs_op!("control-decision", customs::ControlDecisionRequest, customs::ControlDecisionRequest, "Decide a control at an office: at departure the holder gets a CC060C (with requestedDocuments, rule CATS032); after release the goods wait at that office for the result."),
        customs_op!("control-result", customs::ControlResultRequest, customs::ControlResultRequest, "Record a control's result (A1, A2, A3, B1) with its findings, seals checked and replaced, and remarks (rules CATS024-CATS031, docs/risk.md)."),
        customs_op!("release", customs::ReleaseRequest, customs::ReleaseRequest, "Release for transit at the office of departure (CC029C); the amount to be covered is reserved on the guarantee. A movement CATS selected for control and released without one needs `overrideReason` (409 without)."),
        customs_op!("exit", customs::Exit, customs::OfficeRequest, "The goods left a country at an office of exit for transit."),
        customs_op!("entry", customs::Entry, customs::OfficeRequest, "The goods entered a country at an office of transit (NCF)."),
        customs_op!("incident", customs::IncidentRequest, customs::IncidentRequest, "An incident en route (CC182C)."),
        customs_op!("arrival", customs::Arrival, customs::OfficeRequest, "Arrival at an office of destination."),
        customs_op!("goods-release", customs::GoodsRelease, customs::OfficeRequest, "Goods released at destination (CC025C); write-off (CC045C) unless a control found discrepancies (CC019C)."),
        customs_op!("resolve-discrepancies", customs::ResolveDiscrepancies, customs::OfficeRequest, "Discrepancies resolved: write-off (CC045C)."),
        customs_op!("cancellation-decision", customs::CancellationDecisionRequest, customs::CancellationDecisionRequest, "Decide on the holder's request to cancel (CC009C); accept invalidates."),
        customs_op!("recovery", customs::Recovery, customs::OfficeRequest, "Open recovery after an enquiry: the reservation becomes a claim on the guarantee (CC035C)."),
        (
            op!(Post "/movements/departures/{id}/customs/{action}", "customs", "officer", true, Body::Json("any"),
            "Any other customs action: refused, naming the actions.", [(404, "no such customs action")]),
            post(customs::unknown),
        ),
        (
            op!(Get "/movements/departures/{id}/controls", "customs", "officer, trader (own: without officer and attachments)", true, Body::None, "The control records, numbered from 1: office, stage, result, controlType, at, findings, seals, remarks, officer, attachments.", [(200, "controls"), (404, "unknown or not visible")]).json(schema_of::<views::ControlList>),
            get(controls::list),
        ),
        (
            op!(Post "/movements/departures/{id}/controls/{number}/attachments", "customs", "officer of the country of the office that recorded the control", true, Body::Raw("a photo or document: application/pdf, image/png, image/jpeg, image/tiff or text/plain, at most 2 MiB; ?filename="),
            "Attach a photo or document to control record {number}; kept with its SHA-256, never changed, in the history and the audit log.",
            [(201, "id, filename, contentType, size, sha256, uploadedAt, uploadedBy, download link"), (400, "type not accepted or content not of that type"), (404, "unknown movement or control record"), (409, "20 attachments already"), (413, "above 2 MiB")]).json(schema_of::<views::AttachmentView>),
            post(controls::upload),
        ),
        (
            op!(Get "/movements/departures/{id}/controls/{number}/attachments/{attachmentId}", "customs", "officer who sees the movement", true, Body::None, "Download a control record's attachment (its Content-Type, Content-Disposition attachment, X-Content-SHA256).", [(200, "the bytes"), (404, "unknown or not visible")]).file(),
            get(controls::download),
        ),
        (
            op!(Get "/movements/departures/{id}/audit", "customs", "officer", true, Body::None, "Who did what to the movement.", [(200, "audit entries")]).json(schema_of::<views::AuditList>),
            get(customs::audit),
        ),
        (
            op!(Post "/movements/arrivals", "arrivals", "trader (holder)", true, Body::Ncts("CC007C arrival notification"), "Notify arrival at the office of destination.",
            [(202, "arrived (CC043C when simplified procedure)"), (400, "not well-formed"), (404, "unknown MRN (errorCode 90, CC057C)"), (409, "not en route (errorCode 92, CC057C)")]).json(schema_of::<views::ReceivedView>),
            post(arrivals::notify),
        ),
        (
            op!(Get "/movements/arrivals", "arrivals", "trader (own), officer", true, Body::None, "List arrivals; filters mrn/movementReferenceNumber, state, updatedSince; paging page, count.", [(200, "arrivals")]).json(schema_of::<views::ArrivalList>),
            get(arrivals::list),
        ),
        (
            op!(Get "/movements/arrivals/{id}", "arrivals", "trader (own), officer", true, Body::None, "An arrival (the movement seen from destination).", [(200, "the arrival"), (404, "unknown or not visible")]).json(schema_of::<views::ArrivalView>),
            get(arrivals::show),
        ),
        (
            op!(Get "/movements/arrivals/{id}/messages", "arrivals", "trader (own), officer", true, Body::None, "The arrival's messages.", [(200, "messages")]).json(schema_of::<views::ArrivalMessageList>),
            get(arrivals::messages),
        ),
        (
            op!(Post "/movements/arrivals/{id}/messages", "arrivals", "trader (holder)", true, Body::Ncts("CC044C unloading remarks"), "Send unloading remarks (simplified procedure).", [(202, "goods released or discrepancies"), (400, "not well-formed"), (409, "out of sequence (CC057C)")]).json(schema_of::<views::ReceivedView>),
            post(arrivals::post_message),
        ),
        (
            op!(Get "/movements/arrivals/{id}/messages/{messageId}", "arrivals", "trader (own), officer", true, Body::None, "One arrival message, XML or JSON by Accept.", [(200, "the message"), (404, "unknown")]).ncts(),
            get(arrivals::message),
        ),
        (
            op!(Get "/guarantees/{grn}", "guarantees", "holder, insurer, officer", true, Body::None, "A guarantee: reference amount, exposure, balance, usage.", [(200, "the guarantee"), (404, "unknown or not visible")]).json(schema_of::<reference::GuaranteeView>),
            get(reference::guarantee),
        ),
        (
            op!(Get "/guarantees/{grn}/balance", "guarantees", "holder, insurer, officer (with X-Access-Code)", true, Body::None, "CC037C content: referenceAmount, currency, exposure, balance, usage {mrn, amount, lockDate, releaseDate}.",
            [(200, "the balance"), (400, "no X-Access-Code header"), (403, "wrong access code"), (404, "unknown or not visible")]).json(schema_of::<cats_app::guarantees::Balance>),
            get(reference::balance),
        ),
        (
            op!(Post "/guarantees/queries", "guarantees", "holder, insurer, officer", true, Body::Ncts("CC034C query on guarantees"), "Query on guarantees, answered with a CC037C (XML or JSON by Accept).", [(200, "the CC037C"), (400, "not a CC034C"), (403, "wrong access code")]).ncts(),
            post(reference::query),
        ),
        (
            op!(Get "/reference/offices", "reference", "anyone", false, Body::None, "Customs offices; filters country, role (DEP, DES, TRA, EXT …).", [(200, "offices")]).json(schema_of::<reference::OfficeList>),
            get(reference::offices),
        ),
        (
            op!(Get "/reference/offices/{code}", "reference", "anyone", false, Body::None, "One customs office.", [(200, "the office"), (404, "unknown")]).json(schema_of::<cats_domain::reference::Office>),
            get(reference::office),
        ),
        (
            op!(Get "/reference/countries", "reference", "anyone", false, Body::None, "Countries (ISO 3166) with names and whether they take part in CATS.", [(200, "countries")]).json(schema_of::<reference::CountryList>),
            get(reference::countries),
        ),
        (
            op!(Get "/reference/currencies", "reference", "anyone", false, Body::None, "Currencies (ISO 4217).", [(200, "currencies")]).json(schema_of::<reference::CurrencyList>),
            get(reference::currencies),
        ),
        (
            op!(Get "/reference/hs", "reference", "anyone", false, Body::None, "HS chapters, or the headings and subheadings under ?prefix=.", [(200, "HS entries")]).json(schema_of::<reference::HsList>),
            get(reference::hs),
        ),
        (
            op!(Get "/reference/restricted-goods", "reference", "anyone", false, Body::None, "The CATS restricted goods list.", [(200, "the list")]).json(schema_of::<reference::RestrictedList>),
            get(reference::restricted),
        ),
    ]
}

/// The `content` of a successful answer, with the schemas it needs added to `components`.
fn answer_content(answer: Answer, components: &mut Map<String, Value>) -> Option<Value> {
    match answer {
        Answer::Unset => None,
        Answer::Json(schemas) => {
            let (name, all) = schemas();
            for (n, schema) in all {
                components.insert(n, serde_json::to_value(schema).unwrap_or(Value::Null));
            }
            Some(
                json!({ "application/json": { "schema": { "$ref": format!("#/components/schemas/{name}") } } }),
            )
        }
        Answer::Ncts => Some(json!({
            "application/xml": { "schema": { "type": "string", "description": "NCTS P5 XML, namespace http://ncts.dgtaxud.ec" } },
            "application/json": { "schema": { "type": "object", "description": "HMRC JSON shape, root key n1:CCnnnC (validated against the NCTS P5 XSDs)" } } })),
        Answer::File => {
            Some(json!({ "*/*": { "schema": { "type": "string", "format": "binary" } } }))
        }
        Answer::Pdf => Some(
            json!({ "application/pdf": { "schema": { "type": "string", "format": "binary", "description": "a PDF document" } } }),
        ),
        Answer::EventStream => Some(json!({ "text/event-stream": { "schema": {
            "type": "object",
            "description": "Each Server-Sent Event: `notification` (data: the inbox item as JSON, id: its seq) or `unread` (data: the count)",
            "properties": {
                "event": { "type": "string", "enum": ["notification", "unread"] },
                "data": { "type": "string" },
                "id": { "type": "string" }
            },
            "required": ["event", "data"] } } })),
        Answer::Document => Some(
            json!({ "application/json": { "schema": { "type": "object", "description": "an OpenAPI 3.1 document" } } }),
        ),
        Answer::Report => Some(json!({
            "application/json": { "schema": { "type": "object",
                "description": "the report (?format=json, the default): name, title, from, to, scope, madeAt, columns (key, kind, label), rows keyed by column, chart; the KPIs: adherenceRate, controlEfficiency, communicationEfficiency, downtimeSeconds with their inputs and trend" } },
            "text/csv": { "schema": { "type": "string", "description": "?format=csv: a header of column keys, UTF-8" } },
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { "schema": { "type": "string", "format": "binary", "description": "?format=xlsx" } },
            "application/pdf": { "schema": { "type": "string", "format": "binary", "description": "?format=pdf: the chart and the table, A4 landscape" } } })),
        Answer::Metrics => Some(json!({ "text/plain": { "schema": { "type": "string",
            "description": "Prometheus text exposition format 0.0.4 (cats_http_requests_total, cats_http_request_duration_seconds, cats_db_connections, cats_ice_pending, cats_ice_oldest_pending_seconds, cats_notification_deliveries, cats_ready)" } } })),
    }
}

fn path_parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
        .collect()
}

/// The OpenAPI 3.1 document of the API, built from [`operations`].
pub fn openapi() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    let mut components: Map<String, Value> = Map::new();
    let (error_name, error_schemas) = schema_of::<crate::error::ErrorBody>();
    for (n, schema) in error_schemas {
        components.insert(n, serde_json::to_value(schema).unwrap_or(Value::Null));
    }
    let error_ref = json!({ "application/json": { "schema": { "$ref": format!("#/components/schemas/{error_name}") } } });
    for (op, _) in operations() {
        let mut responses = Map::new();
        let auth_errors: &[(u16, &str)] = if op.auth { &AUTH_ERRORS } else { &[] };
        for (code, what) in op.responses.iter().chain(auth_errors) {
            let mut response = json!({ "description": what });
            if *code >= 400 {
                response["content"] = error_ref.clone();
            } else if let Some(content) = answer_content(op.answer, &mut components) {
                response["content"] = content;
            }
            responses.insert(code.to_string(), response);
        }
        let mut operation = json!({
            "tags": [op.tag],
            "summary": op.summary,
            "description": format!("Who: {}.", op.who),
            "operationId": format!("{}{}", op.method.as_str(), op.path.replace(['/', '{', '}', '-', '.'], "_")),
            "parameters": path_parameters(op.path),
            "responses": responses,
        });
        if op.auth {
            operation["security"] = json!([{ "bearer": [] }]);
        }
        match op.body {
            Body::None => {}
            Body::Ncts(what) => {
                operation["requestBody"] = json!({ "required": true, "description": what, "content": {
                    "application/xml": { "schema": { "type": "string", "description": "NCTS P5 XML, namespace http://ncts.dgtaxud.ec" } },
                    "application/json": { "schema": { "type": "object", "description": "HMRC JSON shape, root key n1:CCnnnC" } } } });
            }
            Body::Json(what) => {
                operation["requestBody"] = json!({ "required": true, "description": what, "content": { "application/json": { "schema": { "type": "object", "description": what } } } });
            }
            Body::Raw(what) => {
                operation["requestBody"] = json!({ "required": true, "description": what, "content": { "*/*": { "schema": { "type": "string", "format": "binary" } } } });
            }
            Body::Schema(schemas) => {
                let (name, all) = schemas();
                for (n, schema) in all {
                    components.insert(n, serde_json::to_value(schema).unwrap_or(Value::Null));
                }
                operation["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{name}") } } } });
            }
        }
        paths
            .entry(op.path.to_string())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("path item")
            .insert(op.method.as_str().to_string(), operation);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "CATS/ICE node API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "CAREC Advanced Transit System: NCTS P5 messages in the style of the HMRC CTC Traders API. Bodies of NCTS messages are XML (namespace http://ncts.dgtaxud.ec) or the equivalent JSON (root key n1:CCnnnC); answers are JSON unless Accept asks for XML where noted.",
        },
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "a token from `cats token issue USERNAME`" } },
            "schemas": components,
        },
        "paths": paths,
    })
}

async fn openapi_handler() -> axum::Json<Value> {
    axum::Json(openapi())
}
