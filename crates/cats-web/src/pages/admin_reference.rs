//! The administrator's reference data: exchange rates (set one, as `POST /exchange-rates`), the
//! CATS restricted goods list (add and remove entries, as `POST /admin/restricted-goods`), and
//! what the catalogue holds: customs offices with their roles and time zones, countries and
//! whether they take part in CATS (the route countries), with how to import the official lists.

use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use cats_app::auth::Role;
use cats_app::registers::rates;
use cats_app::restricted::{self, Entry};
use cats_app::{Actor, App, AppError};
use cats_domain::coverage::ExchangeRate;
use cats_domain::ids::CurrencyCode;
use cats_domain::reference::Restriction;

use super::chrome::{csrf_refused, error_page, render, to_sign_in, Chrome, Visitor};
use super::i18n::Tr;
use super::movements::app_error;

/// The page.
#[derive(Template)]
#[template(path = "admin_reference.html")]
struct ReferencePage {
    chrome: Chrome,
    /// From, to, rate, validity, set by.
    rates: Vec<(String, String, String, String, String)>,
    /// HS prefix, restriction, reason, source.
    restricted: Vec<(String, String, String, String)>,
    restrictions: Vec<(&'static str, String)>,
    /// Reference, name, country, roles, time zone.
    offices: Vec<(String, String, String, String, String)>,
    /// Code, name, takes part in CATS, CAREC member.
    countries: Vec<(String, String, bool, bool)>,
    /// Companies: EORI/TIN, name, kind, country, registration status, may act.
    parties: Vec<(String, String, String, String, String, bool)>,
    currencies: Vec<(String, String)>,
    error: Option<String>,
    /// What an import did.
    notice: Option<String>,
}

fn restriction_key(r: Restriction) -> &'static str {
    match r {
        Restriction::Prohibited => "prohibited",
        Restriction::IndividualGuarantee => "individual_guarantee",
        Restriction::AlwaysControlled => "always_controlled",
    }
}

fn restriction_name(t: &Tr, r: Restriction) -> String {
    t.get(&format!("restriction-{}", restriction_key(r)))
}

async fn page(app: &App, visitor: &Visitor, status: StatusCode, error: Option<String>) -> Response {
    page_with(app, visitor, status, error, None).await
}

async fn page_with(
    app: &App,
    visitor: &Visitor,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let t = &visitor.t;
    let list = match rates::list(app).await {
        Ok(l) => l,
        Err(e) => return app_error(visitor, e),
    };
    let rates = list
        .iter()
        .map(|r| {
            (
                r.rate.from.to_string(),
                r.rate.to.to_string(),
                r.rate.rate.to_string(),
                format!("{} – {}", t.day(r.rate.valid_from), t.day(r.rate.valid_to)),
                r.set_by.clone(),
            )
        })
        .collect();
    let parties = match app.store().parties().await {
        Ok(list) => list
            .into_iter()
            .map(|p| {
                (
                    p.identification_number.to_string(),
                    p.name,
                    t.get(&format!("role-{}", p.kind)),
                    p.country.to_string(),
                    if p.status.is_empty() {
                        "—".into()
                    } else {
                        p.status
                    },
                    p.active,
                )
            })
            .collect(),
        Err(e) => return app_error(visitor, e.into()),
    };
    let catalog = app.catalog();
    let restricted = catalog
        .restricted
        .iter()
        .map(|g| {
            (
                g.hs_prefix.clone(),
                restriction_name(t, g.restriction),
                g.reason.clone(),
                g.source.clone(),
            )
        })
        .collect();
    let lang = t.lang();
    let mut offices: Vec<(String, String, String, String, String)> = catalog
        .offices
        .values()
        .map(|o| {
            let name = o.names.get(lang).map_or_else(|| o.name(), String::as_str);
            let roles = o
                .roles
                .iter()
                .map(|r| format!("{r:?}").to_uppercase())
                .collect::<Vec<_>>()
                .join(" ");
            (
                o.reference.to_string(),
                name.to_string(),
                o.country.to_string(),
                roles,
                o.time_zone.clone(),
            )
        })
        .collect();
    offices.sort();
    let mut countries: Vec<(String, String, bool, bool)> = catalog
        .countries
        .values()
        .filter(|c| c.participating || c.carec)
        .map(|c| {
            let name = c
                .names
                .get(lang)
                .or_else(|| c.names.get("en"))
                .cloned()
                .unwrap_or_default();
            (c.code.to_string(), name, c.participating, c.carec)
        })
        .collect();
    countries.sort();
    let lists = super::std_view::lists(&catalog, t);
    let page = ReferencePage {
        chrome: visitor.chrome(t.get("reference-title")),
        rates,
        restricted,
        restrictions: [
            Restriction::Prohibited,
            Restriction::IndividualGuarantee,
            Restriction::AlwaysControlled,
        ]
        .into_iter()
        .map(|r| (restriction_key(r), restriction_name(t, r)))
        .collect(),
        offices,
        countries,
        parties,
        currencies: lists.currencies,
        error,
        notice,
    };
    render(visitor, status, &page)
}

fn admin(visitor: &Visitor) -> Option<Response> {
    match visitor.user() {
        None => Some(to_sign_in()),
        Some(u) if u.role == Role::Admin => None,
        Some(_) => Some(error_page(
            visitor,
            StatusCode::FORBIDDEN,
            visitor.t.get("not-allowed"),
        )),
    }
}

/// `GET /ui/admin/reference`.
pub async fn show(State(app): State<App>, visitor: Visitor) -> Response {
    if let Some(r) = admin(&visitor) {
        return r;
    }
    page(&app, &visitor, StatusCode::OK, None).await
}

fn back() -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, "/ui/admin/reference")],
    )
        .into_response()
}

async fn refused(app: &App, visitor: &Visitor, e: AppError) -> Response {
    match super::forms::refusal(&visitor.t, &e) {
        Some((status, why)) => page(app, visitor, status, Some(why)).await,
        None => app_error(visitor, e),
    }
}

/// The exchange rate form.
#[derive(Debug, Deserialize)]
pub struct RateForm {
    csrf: String,
    from: String,
    to: String,
    rate: String,
    valid_from: String,
    valid_to: String,
}

/// `POST /ui/admin/reference/rates`: set an exchange rate (units of `to` per unit of `from`).
pub async fn set_rate(
    State(app): State<App>,
    visitor: Visitor,
    axum::Form(form): axum::Form<RateForm>,
) -> Response {
    if let Some(r) = admin(&visitor) {
        return r;
    }
    if !visitor.csrf_ok(&form.csrf) {
        return csrf_refused(&visitor);
    }
    let day = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let parsed = (
        CurrencyCode::parse(form.from.trim().to_uppercase().as_str()),
        CurrencyCode::parse(form.to.trim().to_uppercase().as_str()),
        form.rate.trim().replace(',', ".").parse(),
        day(&form.valid_from),
        day(&form.valid_to),
    );
    let (Ok(from), Ok(to), Ok(rate), Some(valid_from), Some(valid_to)) = parsed else {
        let why = visitor.t.get("rate-invalid");
        return page(&app, &visitor, StatusCode::BAD_REQUEST, Some(why)).await;
    };
    let rate = ExchangeRate {
        from,
        to,
        valid_from,
        valid_to,
        rate,
    };
    let actor = Actor::User(visitor.user().cloned().expect("an administrator"));
    match rates::set(&app, &actor, rate, Utc::now()).await {
        Ok(_) => back(),
        Err(e) => refused(&app, &visitor, e).await,
    }
}

/// The route country form: a country, and whether it takes part in CATS (`yes`/`no`).
#[derive(Debug, Deserialize)]
pub struct CountryForm {
    csrf: String,
    country: String,
    participating: String,
}

/// `POST /ui/admin/reference/countries`: a country takes part in CATS, or no longer does.
pub async fn set_country(
    State(app): State<App>,
    visitor: Visitor,
    axum::Form(form): axum::Form<CountryForm>,
) -> Response {
    if let Some(r) = admin(&visitor) {
        return r;
    }
    if !visitor.csrf_ok(&form.csrf) {
        return csrf_refused(&visitor);
    }
    let Ok(country) = cats_domain::ids::CountryCode::parse(&form.country) else {
        let why = visitor.t.get("action-unknown");
        return page(&app, &visitor, StatusCode::BAD_REQUEST, Some(why)).await;
    };
    let actor = Actor::User(visitor.user().cloned().expect("an administrator"));
    let participating = form.participating == "yes";
    match cats_app::route_countries::set_participating(
        &app,
        &actor,
        country,
        participating,
        Utc::now(),
    )
    .await
    {
        Ok(()) => back(),
        Err(e) => refused(&app, &visitor, e).await,
    }
}

/// The restricted goods forms: add an entry, or remove the entry of `hs_prefix`.
#[derive(Debug, Deserialize)]
pub struct RestrictedForm {
    csrf: String,
    op: String,
    hs_prefix: String,
    #[serde(default)]
    restriction: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    source: String,
}

/// `POST /ui/admin/reference/restricted`: add an entry to the restricted goods list, or remove
/// one; the whole list is replaced in one step, as with the API.
pub async fn restricted(
    State(app): State<App>,
    visitor: Visitor,
    axum::Form(form): axum::Form<RestrictedForm>,
) -> Response {
    if let Some(r) = admin(&visitor) {
        return r;
    }
    if !visitor.csrf_ok(&form.csrf) {
        return csrf_refused(&visitor);
    }
    let prefix = form.hs_prefix.trim().to_string();
    let mut entries: Vec<Entry> = app
        .catalog()
        .restricted
        .iter()
        .filter(|g| g.hs_prefix != prefix || form.op == "add")
        .map(|g| Entry {
            hs_prefix: g.hs_prefix.clone(),
            restriction: g.restriction,
            reason: g.reason.clone(),
            source: Some(g.source.clone()),
        })
        .collect();
    if form.op == "add" {
        let Ok(restriction) =
            serde_json::from_value::<Restriction>(serde_json::json!(form.restriction))
        else {
            let why = visitor.t.get("action-unknown");
            return page(&app, &visitor, StatusCode::BAD_REQUEST, Some(why)).await;
        };
        entries.push(Entry {
            hs_prefix: prefix,
            restriction,
            reason: form.reason.trim().to_string(),
            source: Some(form.source.trim().to_string()).filter(|s| !s.is_empty()),
        });
    }
    let actor = Actor::User(visitor.user().cloned().expect("an administrator"));
    match restricted::set(&app, &actor, entries, Utc::now()).await {
        Ok(_) => back(),
        Err(e) => refused(&app, &visitor, e).await,
    }
}

/// Largest official list file the page takes, in bytes (32 MiB).
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;

/// `POST /ui/admin/reference/import` (multipart: `csrf`, `kind` = `offices`, `hs` or `unlocode`,
/// `file`): import an official list into the reference data, as `cats reference import` does
/// (entries already there win); what it read, added and kept is shown, and audited.
pub async fn import(
    State(app): State<App>,
    visitor: Visitor,
    mut parts: axum::extract::Multipart,
) -> Response {
    use cats_reference::OfficialList;
    if let Some(r) = admin(&visitor) {
        return r;
    }
    let t = &visitor.t;
    let (mut csrf, mut kind, mut file) = (String::new(), String::new(), None);
    while let Ok(Some(part)) = parts.next_field().await {
        match part.name() {
            Some("csrf") => csrf = part.text().await.unwrap_or_default(),
            Some("kind") => kind = part.text().await.unwrap_or_default(),
            Some("file") => match part.bytes().await {
                Ok(b) if !b.is_empty() => file = Some(b),
                Ok(_) => {}
                Err(_) => {
                    let why = t.get("import-too-big");
                    return page(&app, &visitor, StatusCode::PAYLOAD_TOO_LARGE, Some(why)).await;
                }
            },
            _ => {}
        }
    }
    if !visitor.csrf_ok(&csrf) {
        return csrf_refused(&visitor);
    }
    let list = match kind.as_str() {
        "offices" => OfficialList::CustomsOffices,
        "hs" => OfficialList::Hs,
        "unlocode" => OfficialList::UnLocode,
        _ => {
            let why = t.get("action-unknown");
            return page(&app, &visitor, StatusCode::BAD_REQUEST, Some(why)).await;
        }
    };
    let Some(bytes) = file else {
        let why = t.get("registration-document-missing");
        return page(&app, &visitor, StatusCode::BAD_REQUEST, Some(why)).await;
    };
    // The importers read files: the upload goes to a temporary file, removed when done.
    let mut catalog = (*app.catalog()).clone();
    let done = tokio::task::spawn_blocking(move || {
        let mut tmp = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
        std::io::Write::write_all(&mut tmp, &bytes).map_err(|e| e.to_string())?;
        cats_reference::import_into(&mut catalog, list, tmp.path())
            .map(|counts| (catalog, counts))
            .map_err(|e| e.to_string())
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    let (catalog, counts) = match done {
        Ok(found) => found,
        Err(why) => {
            let why = t.arg("action-refused", "why", why);
            return page(&app, &visitor, StatusCode::BAD_REQUEST, Some(why)).await;
        }
    };
    let saved = async {
        app.store().save_catalog(&catalog).await?;
        let actor = Actor::User(visitor.user().cloned().expect("an administrator"));
        let detail = format!(
            "imported {kind}: {} read, {} added, {} kept",
            counts.read, counts.merged.added, counts.merged.kept_existing
        );
        let entry = cats_app::history::audit(&actor, "reference.import", None, Utc::now(), detail);
        app.store().audit(&[entry]).await?;
        app.reload_catalog().await
    };
    if let Err(e) = saved.await {
        return app_error(&visitor, e.into());
    }
    let notice = t.arg2(
        "import-done",
        ("read", counts.read),
        (
            "added",
            format!("{} / {}", counts.merged.added, counts.merged.kept_existing),
        ),
    );
    page_with(&app, &visitor, StatusCode::OK, None, Some(notice)).await
}
