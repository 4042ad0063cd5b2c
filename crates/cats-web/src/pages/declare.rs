//! The trader's Single Transit Document pages: the form (new, a saved draft, or an amendment of
//! a lodged movement), its drafts, and lodging through the same use cases as the API
//! (`POST /movements/departures`, `…/amendment`), so that the page shows the same errors, rule
//! ids and reasons, each beside its field.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use uuid::Uuid;

use cats_app::auth::{Role, User};
use cats_app::{drafts, lodge, Actor, App, AppError};
use cats_domain::movement::MovementState;
use cats_ncts::Format;

use super::chrome::{csrf_refused, error_page, render, to_sign_in, Chrome, Visitor};
use super::movements::app_error;
use super::std_form::{self, ROOT};
use super::std_view::{self, FormError, FormView, Lists, Part};

/// One saved draft in the list.
pub struct DraftRow {
    href: String,
    lrn: String,
    saved: String,
    saved_by: String,
}

/// The drafts page.
#[derive(Template)]
#[template(path = "drafts.html")]
struct DraftsPage {
    chrome: Chrome,
    rows: Vec<DraftRow>,
}

/// The form page.
#[derive(Template)]
#[template(path = "declare.html")]
struct DeclarePage {
    chrome: Chrome,
    /// Where the form posts.
    action: String,
    /// The draft's id, when saved.
    draft: String,
    /// An amendment of a lodged movement (no drafts).
    amending: bool,
    form: FormView,
    lists: Lists,
    /// A notice (saved).
    notice: Option<String>,
    /// An error about the whole declaration, and the rejected movement's page when there is one.
    problem: Option<String>,
    rejected: Option<String>,
}

/// The signed-in trader of a company, if that is who is visiting.
pub(super) fn trader(visitor: &Visitor) -> Option<User> {
    visitor
        .user()
        .filter(|u| u.role == Role::Trader && u.party.is_some())
        .cloned()
}

/// The answer to anyone else: the sign-in page, or `403`.
pub(super) fn not_a_trader(visitor: &Visitor) -> Response {
    if visitor.user().is_none() {
        return to_sign_in();
    }
    error_page(visitor, StatusCode::FORBIDDEN, visitor.t.get("not-allowed"))
}

pub(super) fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

/// `GET /ui/declarations`: the company's drafts, and a new declaration.
pub async fn list(State(app): State<App>, visitor: Visitor) -> Response {
    let Some(user) = trader(&visitor) else {
        return not_a_trader(&visitor);
    };
    let zone = super::company::user_zone(&app, &user).await;
    let list = match drafts::list(&app, &Actor::User(user)).await {
        Ok(l) => l,
        Err(e) => return app_error(&visitor, e),
    };
    let t = &visitor.t;
    let rows = list
        .into_iter()
        .map(|d| DraftRow {
            href: format!("/ui/declarations/{}", d.id),
            lrn: if d.lrn.is_empty() {
                "—".into()
            } else {
                d.lrn
            },
            saved: t.time(d.updated_at, zone),
            saved_by: d.saved_by,
        })
        .collect();
    let page = DraftsPage {
        chrome: visitor.chrome(t.get("drafts-title")),
        rows,
    };
    render(&visitor, StatusCode::OK, &page)
}

/// What a new declaration starts with: the usual codes, and the holder's own name and country.
async fn defaults(app: &App, user: &User) -> BTreeMap<String, String> {
    let mut fields: BTreeMap<String, String> = [
        ("TransitOperation/declarationType", "T1"),
        ("TransitOperation/additionalDeclarationType", "A"),
        ("TransitOperation/security", "0"),
        ("TransitOperation/reducedDatasetIndicator", "0"),
        ("TransitOperation/bindingItinerary", "0"),
        ("Guarantee[1]/guaranteeType", "1"),
        ("Consignment/containerIndicator", "0"),
        ("Consignment/LocationOfGoods/typeOfLocation", "A"),
        ("Consignment/LocationOfGoods/qualifierOfIdentification", "V"),
    ]
    .into_iter()
    .map(|(k, v)| (format!("{ROOT}/{k}"), v.to_string()))
    .collect();
    if let Some(party) = match &user.party {
        Some(p) => app.store().party(p).await.ok().flatten(),
        None => None,
    } {
        let holder = format!("{ROOT}/HolderOfTheTransitProcedure");
        fields.insert(format!("{holder}/name"), party.name);
        fields.insert(
            format!("{holder}/Address/country"),
            party.country.to_string(),
        );
        fields.insert(
            format!("{ROOT}/Consignment/countryOfDispatch"),
            party.country.to_string(),
        );
    }
    fields
}

pub(super) struct Shown<'a> {
    pub(super) action: String,
    pub(super) draft: Option<Uuid>,
    pub(super) amending: bool,
    pub(super) fields: &'a BTreeMap<String, String>,
    pub(super) errors: &'a [FormError],
    pub(super) notice: Option<String>,
    pub(super) problem: Option<String>,
    pub(super) rejected: Option<String>,
}

pub(super) fn form_page(
    app: &App,
    visitor: &Visitor,
    user: &User,
    status: StatusCode,
    s: Shown,
) -> Response {
    let t = &visitor.t;
    let holder = user
        .party
        .as_ref()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let title = if s.amending {
        t.get("amend-title")
    } else {
        t.get("declare-title")
    };
    let page = DeclarePage {
        chrome: visitor.chrome(title),
        action: s.action,
        draft: s.draft.map(|d| d.to_string()).unwrap_or_default(),
        amending: s.amending,
        form: std_view::form_view(t, s.fields, s.errors, &holder),
        lists: std_view::lists(&app.catalog(), t),
        notice: s.notice,
        problem: s.problem,
        rejected: s.rejected,
    };
    render(visitor, status, &page)
}

/// `GET /ui/declarations/new`: an empty Single Transit Document.
pub async fn new(State(app): State<App>, visitor: Visitor) -> Response {
    let Some(user) = trader(&visitor) else {
        return not_a_trader(&visitor);
    };
    let fields = defaults(&app, &user).await;
    let shown = Shown {
        action: "/ui/declarations".into(),
        draft: None,
        amending: false,
        fields: &fields,
        errors: &[],
        notice: None,
        problem: None,
        rejected: None,
    };
    form_page(&app, &visitor, &user, StatusCode::OK, shown)
}

/// `GET /ui/declarations/{id}`: a saved draft (`?saved` after saving it). Asked by htmx (a row
/// added or removed in place), the answer also tells the browser the draft's address
/// (`HX-Push-Url`).
pub async fn draft(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<Uuid>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    headers: axum::http::HeaderMap,
) -> Response {
    let Some(user) = trader(&visitor) else {
        return not_a_trader(&visitor);
    };
    let draft = match drafts::get(&app, &Actor::User(user.clone()), id).await {
        Ok(d) => d,
        Err(e) => return app_error(&visitor, e),
    };
    let saved = query.is_some_and(|q| q.split('&').any(|p| p == "saved"));
    let shown = Shown {
        action: "/ui/declarations".into(),
        draft: Some(id),
        amending: false,
        fields: &draft.fields,
        errors: &[],
        notice: saved.then(|| visitor.t.get("draft-saved")),
        problem: None,
        rejected: None,
    };
    let mut page = form_page(&app, &visitor, &user, StatusCode::OK, shown);
    if headers.contains_key("hx-request") {
        if let Ok(url) = header::HeaderValue::from_str(&format!("/ui/declarations/{id}")) {
            page.headers_mut().insert("hx-push-url", url);
        }
    }
    page
}

/// What the form posts: the CSRF token, the draft's id, what to do, and the fields.
pub(super) struct Posted {
    pub(super) csrf: String,
    pub(super) draft: Option<Uuid>,
    pub(super) op: String,
    pub(super) fields: BTreeMap<String, String>,
}

pub(super) fn posted(pairs: Vec<(String, String)>) -> Posted {
    let mut p = Posted {
        csrf: String::new(),
        draft: None,
        op: String::new(),
        fields: BTreeMap::new(),
    };
    for (k, v) in pairs {
        match k.as_str() {
            "csrf" => p.csrf = v,
            "draft" => p.draft = v.parse().ok(),
            "op" => p.op = v,
            _ if k.starts_with(ROOT) => {
                p.fields.insert(k, v);
            }
            _ => {}
        }
    }
    p
}

/// Apply an "add a row" (`add:GROUP|FIELD`) or "remove a row" (`remove:ROW`) button; whether
/// `op` was one, and the id of the part to scroll to.
pub(super) fn apply_row_op(op: &str, fields: &mut BTreeMap<String, String>) -> Option<String> {
    if let Some(spec) = op.strip_prefix("add:") {
        let (group, first) = spec.split_once('|')?;
        if !group.starts_with(ROOT) {
            return None;
        }
        std_form::add_row(fields, group, first);
        let n = std_form::rows(fields, group);
        return Some(std_view::html_id(&format!("{group}[{n}]")));
    }
    let row = op.strip_prefix("remove:")?;
    if !row.starts_with(ROOT) {
        return None;
    }
    std_form::remove_row(fields, row);
    let group = row.rsplit_once('[').map_or(row, |(g, _)| g);
    Some(std_view::html_id(&format!("{group}[1]")))
}

/// The declaration of the form as the JSON body the API takes.
pub(super) fn body_of(fields: &BTreeMap<String, String>, user: &User) -> Vec<u8> {
    let holder = user
        .party
        .as_ref()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let now = Utc::now();
    let prepared = now.format("%Y-%m-%dT%H:%M:%S").to_string();
    let message_id = format!("CATSUI{}", &Uuid::new_v4().simple().to_string()[..20]);
    let mut fields = fields.clone();
    for v in fields.values_mut() {
        // `datetime-local` gives minutes; NCTS dates and times carry seconds.
        if v.len() == 16 && v.as_bytes().get(10) == Some(&b'T') {
            v.push_str(":00");
        }
    }
    std_form::declaration(&fields, &holder, &prepared, &message_id)
        .to_string()
        .into_bytes()
}

/// The errors of a refused lodging, by pointer; or the page for an error that is not about the
/// declaration.
pub(super) fn lodging_errors(t: &super::i18n::Tr, e: AppError) -> Result<Vec<FormError>, AppError> {
    match e {
        AppError::Malformed { errors, .. } => Ok(errors
            .into_iter()
            .map(|b| FormError {
                message: structural(t, &b.reason),
                pointer: b.pointer,
            })
            .collect()),
        // the recipient is the country of the office of departure: the trader chose that office
        AppError::NotServed { recipient, served } => Ok(vec![FormError {
            pointer: "/CC015C/CustomsOfficeOfDeparture/referenceNumber".into(),
            message: t.arg2(
                "form-not-served",
                ("recipient", recipient),
                ("served", served.join(", ")),
            ),
        }]),
        other => Err(other),
    }
}

/// A structural error in the visitor's language: a missing element is "required"; a value
/// against the XSD's facets says what it must be (the facets in the visitor's words) and what
/// was typed; any other keeps the validator's reason after "not valid". In English, the
/// validator's own words (they name the element).
fn structural(t: &super::i18n::Tr, reason: &str) -> String {
    if reason.ends_with("is required but missing") {
        return t.get("form-required");
    }
    if t.lang() == "en" {
        return reason.to_string();
    }
    // "NAME must be DESCRIPTION; got VALUE": the description in the visitor's language
    let facets = reason
        .split_once(" must be ")
        .and_then(|(_, rest)| rest.rsplit_once("; got "))
        .and_then(|(what, got)| Some((t.try_get(&xsd_key(what))?, got)));
    match facets {
        Some((what, got)) => t.arg2("form-must-be", ("what", what), ("got", got)),
        None => t.arg("form-invalid", "why", reason),
    }
}

/// The message key of an XSD facet description (`xsd-` and the FNV-1a 32-bit hash of its
/// text): every simple type's description of the NCTS schema tables has one in each locale.
pub fn xsd_key(description: &str) -> String {
    let hash = description.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    format!("xsd-{hash:08x}")
}

/// The business-rule failures of a rejection, each as its rule id, the rule in the visitor's
/// language (other than English) and the reason the rule gave.
pub(super) fn failures(t: &super::i18n::Tr, lodged: &lodge::Lodged) -> Vec<FormError> {
    lodged
        .failures
        .iter()
        .map(|f| FormError {
            pointer: f.pointer.clone(),
            message: t.rule(&f.rule_id, &f.reason),
        })
        .collect()
}

/// `POST /ui/declarations`: save the draft, add or remove a row, lodge, or throw the draft away.
pub async fn submit(
    State(app): State<App>,
    visitor: Visitor,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let Some(user) = trader(&visitor) else {
        return not_a_trader(&visitor);
    };
    let mut p = posted(pairs);
    if !visitor.csrf_ok(&p.csrf) {
        return csrf_refused(&visitor);
    }
    let actor = Actor::User(user.clone());
    let now = Utc::now();
    if p.op == "delete" {
        if let Some(id) = p.draft {
            if let Err(e) = drafts::delete(&app, &actor, id).await {
                return app_error(&visitor, e);
            }
        }
        return see_other("/ui/declarations");
    }
    let anchor = apply_row_op(&p.op, &mut p.fields);
    // Whatever else happens, what was typed is kept.
    let draft = match drafts::save(&app, &actor, p.draft, p.fields.clone(), now).await {
        Ok(d) => d,
        Err(AppError::Invalid(why)) => {
            let shown = Shown {
                action: "/ui/declarations".into(),
                draft: p.draft,
                amending: false,
                fields: &p.fields,
                errors: &[],
                notice: None,
                problem: Some(why),
                rejected: None,
            };
            return form_page(&app, &visitor, &user, StatusCode::BAD_REQUEST, shown);
        }
        Err(e) => return app_error(&visitor, e),
    };
    if let Some(anchor) = anchor {
        return see_other(&format!("/ui/declarations/{}#{anchor}", draft.id));
    }
    if p.op != "lodge" {
        return see_other(&format!("/ui/declarations/{}?saved", draft.id));
    }
    let body = body_of(&p.fields, &user);
    let outcome = lodge::lodge(&app, &actor, &body, Format::Json, now).await;
    let (errors, rejected) = match outcome {
        Ok(lodged) if lodged.record.movement.state != MovementState::Rejected => {
            if let Err(e) = drafts::delete(&app, &actor, draft.id).await {
                tracing::warn!(error = %e, "a lodged declaration's draft was not deleted");
            }
            return see_other(&format!("/ui/movements/{}", lodged.record.id));
        }
        Ok(lodged) => (
            failures(&visitor.t, &lodged),
            Some(format!("/ui/movements/{}", lodged.record.id)),
        ),
        Err(e) => match lodging_errors(&visitor.t, e) {
            Ok(errors) => (errors, None),
            Err(e) => return app_error(&visitor, e),
        },
    };
    let problem = if rejected.is_some() {
        visitor.t.get("declare-rejected")
    } else {
        visitor.t.get("declare-malformed")
    };
    let shown = Shown {
        action: "/ui/declarations".into(),
        draft: Some(draft.id),
        amending: false,
        fields: &p.fields,
        errors: &errors,
        notice: None,
        problem: Some(problem),
        rejected,
    };
    form_page(
        &app,
        &visitor,
        &user,
        StatusCode::UNPROCESSABLE_ENTITY,
        shown,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use cats_ncts::schema::ComplexType;

    fn descriptions(ty: &ComplexType, out: &mut std::collections::BTreeSet<&'static str>) {
        for e in ty.children {
            match (e.simple(), e.complex()) {
                (Some(st), _) => {
                    out.insert(st.description);
                }
                (None, Some(ct)) => descriptions(ct, out),
                _ => {}
            }
        }
    }

    #[test]
    fn every_facet_description_of_the_cc015c_has_its_words() {
        let mut all = std::collections::BTreeSet::new();
        descriptions(cats_ncts::MessageType::CC015C.root(), &mut all);
        let t = super::super::i18n::Tr::new("ru");
        for d in all {
            assert!(
                t.try_get(&xsd_key(d)).is_some(),
                "no {} for {d:?}",
                xsd_key(d)
            );
        }
        let shown = structural(
            &t,
            "grossMass must be a positive decimal with at most 16 digits, 6 after the point; got \"heavy\"",
        );
        assert!(
            shown.contains("\"heavy\"") && !shown.contains("positive decimal"),
            "{shown}"
        );
        let en = super::super::i18n::Tr::new("en");
        assert_eq!(
            structural(&en, "LRN is required but missing"),
            "This field is required."
        );
    }
}
