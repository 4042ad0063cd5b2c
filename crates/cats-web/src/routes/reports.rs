//! Reports' and the KPI dashboard's operations (issue 17), part of the one route table.

use axum::routing::{delete, get, post, MethodRouter};
use cats_app::App;

use super::{schema_of, Body, Method, Operation};
use crate::handlers::reports as r;

/// The reports' operations with their handlers.
pub fn operations() -> Vec<(Operation, MethodRouter<App>)> {
    vec![
        (
            op!(Get "/reports", "reports", "everyone with a token", true, Body::None,
            "The standard reports the caller may see (name, title, kind: management or statistical, href) and the custom reports saved by or shared with the caller.",
            [(200, "reports, saved")]).report(),
            get(r::index),
        ),
        (
            op!(Get "/reports/kpi", "reports", "everyone with a token (traders and insurers: their own data; officers: their country; admin: the node or ?country=)", true, Body::None,
            "The four KPIs over a period (?from=&to=, default the last 30 days) and ?country=: adherenceRate (arrived by the time limit among released movements whose outcome is known), controlEfficiency (findings caught / control rate, customs only), communicationEfficiency (messages acknowledged within 60 s: ICE to peers, webhooks to traders), downtimeSeconds (from the node's own run records), each with its inputs, and their trend per day, week or month. ?format=csv|xlsx|pdf gives the trend.",
            [(200, "the KPIs"), (400, "a day, country or format that does not parse"), (403, "another country than the officer's; ?country= from a trader or insurer")]).report(),
            get(r::kpi),
        ),
        (
            op!(Get "/reports/saved", "reports", "everyone with a token", true, Body::None,
            "The custom reports saved by or shared with the caller, newest first.",
            [(200, "saved")]).report(),
            get(r::list_saved),
        ),
        (
            op!(Post "/reports/saved", "reports", "everyone with a token", true, Body::Schema(schema_of::<r::SaveReport>),
            "Save a custom report (name, definition: dimensions, measures, filters), private or shared with the caller's company (traders, insurers), office (officers with an office scope) or country (officers); with id, replace one of the caller's.",
            [(201, "the saved report"), (400, "a name, definition or sharing refused"), (404, "an id that is not the caller's")]).report(),
            post(r::save),
        ),
        (
            op!(Get "/reports/saved/{id}", "reports", "its owner, and those it is shared with", true, Body::None,
            "Run a saved custom report over ?from=&to=; ?format=json|csv|xlsx|pdf.",
            [(200, "the report"), (404, "unknown or not shared with the caller")]).report(),
            get(r::run_saved),
        ),
        (
            op!(Delete "/reports/saved/{id}", "reports", "its owner", true, Body::None,
            "Delete a saved custom report.",
            [(204, "deleted"), (404, "unknown or not the caller's")]).report(),
            delete(r::delete_saved),
        ),
        (
            op!(Post "/reports/custom", "reports", "everyone with a token (on its own scope)", true, Body::Schema(schema_of::<cats_domain::reports::cube::Definition>),
            "Run a custom report: one to three dimensions (month, week, day, route, country-pair, office-of-departure, office-of-destination, country-of-departure, country-of-destination, hs-chapter, transport-mode, state, holder), measures (movements, released, arrived, arrived-in-time, overdue, adherence-rate, controls, findings, hit-rate, transit-mean-hours, transit-median-hours, transit-p90-hours) and filters (country, office, state, hsChapter, transportMode) over the movements lodged in ?from=&to=; ?format=json|csv|xlsx|pdf.",
            [(200, "the report"), (400, "a definition that does not hold together")]).report(),
            post(r::custom),
        ),
        (
            op!(Get "/reports/{name}", "reports", "management and statistical reports: everyone on its own scope; waiting, workload-officers, workload-offices, controls, profile-hits, ice-latency: customs only", true, Body::None,
            "A report by name: by-state, overdue, waiting, exposure, workload-officers, workload-offices, volumes (?by=route|country-pair|hs-chapter|transport-mode&per=day|week|month), transit-times, controls, profile-hits, rejections, ice-latency; over ?from=&to= and ?country= (administrators; officers their own); ?format=json|csv|xlsx|pdf.",
            [(200, "the report"), (400, "a day, country, by, per or format that does not parse"), (403, "a customs report asked by a trader or insurer, or another country"), (404, "no such report")]).report(),
            get(r::report),
        ),
    ]
}
