//! An insurer's new insurance contract: the submission form, with every problem beside its
//! field, through the same use case as `POST /contracts` (`CATS023` when the insurer is not an
//! active authorised insurer).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;

use cats_app::auth::{Role, User};
use cats_app::registers::contracts;
use cats_app::{Actor, App, AppError};

use super::chrome::{csrf_refused, error_page, render, to_sign_in, Chrome, Visitor};
use super::contract::back;
use super::movements::app_error;

/// The submission form page.
#[derive(Template)]
#[template(path = "contract_new.html")]
struct NewContractPage {
    chrome: Chrome,
    form: NewContractForm,
    /// Participating countries: code, name, checked.
    countries: Vec<(String, String, bool)>,
    currencies: Vec<(String, String)>,
    /// Errors by field (`policyNumber`, `holder` …) and the summary.
    errors: Vec<(String, String)>,
}

impl NewContractPage {
    /// The errors about `field`.
    fn errors_of(&self, field: &str) -> Vec<&str> {
        self.errors
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, e)| e.as_str())
            .collect()
    }
}

/// What the insurer typed (every field as text, to show it again).
#[derive(Debug, Default)]
pub struct NewContractForm {
    csrf: String,
    policy_number: String,
    holder: String,
    reference_amount: String,
    currency: String,
    valid_from: String,
    valid_to: String,
    indemnity: String,
}

fn new_page(
    app: &App,
    visitor: &Visitor,
    status: StatusCode,
    form: NewContractForm,
    chosen: &[String],
    errors: Vec<(String, String)>,
) -> Response {
    let t = &visitor.t;
    let catalog = app.catalog();
    let lists = super::std_view::lists(&catalog, t);
    let mut countries: Vec<(String, String, bool)> = catalog
        .countries
        .values()
        .filter(|c| c.participating)
        .map(|c| {
            let name = c
                .names
                .get(t.lang())
                .or_else(|| c.names.get("en"))
                .cloned()
                .unwrap_or_default();
            let code = c.code.to_string();
            let checked = chosen.contains(&code);
            (code, name, checked)
        })
        .collect();
    countries.sort();
    let page = NewContractPage {
        chrome: visitor.chrome(t.get("contract-new")),
        form,
        countries,
        currencies: lists.currencies,
        errors,
    };
    render(visitor, status, &page)
}

fn insurer(visitor: &Visitor) -> Result<User, Box<Response>> {
    match visitor.user() {
        None => Err(Box::new(to_sign_in())),
        Some(u) if u.role == Role::Insurer => Ok(u.clone()),
        Some(_) => Err(Box::new(error_page(
            visitor,
            StatusCode::FORBIDDEN,
            visitor.t.get("not-allowed"),
        ))),
    }
}

/// `GET /ui/contracts/new`: an insurer's form for a new insurance contract.
pub async fn new(State(app): State<App>, visitor: Visitor) -> Response {
    if let Err(r) = insurer(&visitor) {
        return *r;
    }
    let form = NewContractForm {
        currency: "USD".into(),
        ..NewContractForm::default()
    };
    new_page(&app, &visitor, StatusCode::OK, form, &[], Vec::new())
}

/// `POST /ui/contracts/new`: submit the contract (`POST /contracts`'s use case); the new
/// contract's page, or the form with every problem beside its field (`CATS023` when the insurer
/// is not an active authorised insurer).
pub async fn submit(
    State(app): State<App>,
    visitor: Visitor,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let user = match insurer(&visitor) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let mut countries: Vec<String> = Vec::new();
    let mut form = NewContractForm::default();
    for (k, v) in pairs {
        let slot = match k.as_str() {
            "countries" => {
                countries.push(v);
                continue;
            }
            "csrf" => &mut form.csrf,
            "policy_number" => &mut form.policy_number,
            "holder" => &mut form.holder,
            "reference_amount" => &mut form.reference_amount,
            "currency" => &mut form.currency,
            "valid_from" => &mut form.valid_from,
            "valid_to" => &mut form.valid_to,
            "indemnity" => &mut form.indemnity,
            _ => continue,
        };
        *slot = v;
    }
    if !visitor.csrf_ok(&form.csrf) {
        return csrf_refused(&visitor);
    }
    let t = &visitor.t;
    let mut errors = Vec::new();
    let amount = form
        .reference_amount
        .trim()
        .replace([' ', '\u{a0}'], "")
        .replace(',', ".");
    let amount = match amount.parse::<rust_decimal::Decimal>() {
        Ok(a) => Some(a),
        Err(_) => {
            errors.push(("referenceAmount".into(), t.get("contract-amount-invalid")));
            None
        }
    };
    let day = |text: &str, field: &str, errors: &mut Vec<(String, String)>| {
        chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| errors.push((field.into(), t.get("contract-day-invalid"))))
            .ok()
    };
    let from = day(&form.valid_from, "validFrom", &mut errors);
    let to = day(&form.valid_to, "validTo", &mut errors);
    let (Some(amount), Some(valid_from), Some(valid_to), true) =
        (amount, from, to, errors.is_empty())
    else {
        return new_page(
            &app,
            &visitor,
            StatusCode::BAD_REQUEST,
            form,
            &countries,
            errors,
        );
    };
    let submission = contracts::Submission {
        policy_number: form.policy_number.trim().to_string(),
        holder: form.holder.trim().to_string(),
        reference_amount: amount,
        currency: form.currency.trim().to_uppercase(),
        valid_from,
        valid_to,
        countries: countries.clone(),
        indemnity: form.indemnity.trim().to_string(),
    };
    match contracts::submit(&app, &Actor::User(user), submission, Utc::now()).await {
        Ok(c) => back(c.id),
        Err(AppError::Malformed { errors, .. }) => {
            let errors = errors
                .into_iter()
                .map(|b| (b.pointer.trim_start_matches('/').to_string(), b.reason))
                .collect();
            new_page(
                &app,
                &visitor,
                StatusCode::BAD_REQUEST,
                form,
                &countries,
                errors,
            )
        }
        Err(AppError::Rule { rule_id, message }) => new_page(
            &app,
            &visitor,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            &countries,
            vec![(String::new(), format!("{rule_id}: {message}"))],
        ),
        Err(e) => app_error(&visitor, e),
    }
}
