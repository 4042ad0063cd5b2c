//! One insurance contract (comprehensive guarantee) as its insurer, its holder and officers see
//! it: reference amount, running total and available amount with a bar, usage per MRN, claims
//! with the insurer's and officers' answers, every step; and the steps each may take (officers
//! approve, reject, suspend, reinstate, revoke; the insurer cancels), through the same use cases
//! as `GET /contracts/{id}`, `POST /contracts/{id}/actions/{action}` and
//! `POST /claims/{id}/actions/{action}`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use chrono_tz::Tz;
use serde::Deserialize;
use uuid::Uuid;

use cats_app::auth::{Role, User};
use cats_app::registers::claims;
use cats_app::registers::contracts::{self, ContractAction, ContractView};
use cats_app::{Actor, App};
use cats_domain::ids::{Money, OfficeRef};
use cats_domain::ledger::{GuaranteeStatus, ReservationStatus};
use cats_domain::reference::OfficeRole;
use cats_domain::registry::ClaimStep;

use super::chrome::{csrf_refused, error_page, render, to_sign_in, Chrome, Visitor};
use super::forms::refusal;
use super::i18n::Tr;
use super::movements::{app_error, office_label};

/// A labelled value.
pub struct Fact {
    label: String,
    value: String,
}

/// One use of the guarantee by a movement.
pub struct UsageRow {
    mrn: String,
    amount: String,
    status: String,
    locked: String,
    released: String,
}

/// One claim, with the answers the visitor may give.
pub struct ClaimRow {
    id: Uuid,
    mrn: String,
    amount: String,
    status: String,
    answer: String,
    raised: String,
    /// The insurer may contest or pay it.
    insurer_answers: bool,
    /// An officer may waive it.
    officer_waives: bool,
}

/// One step of the contract's history.
pub struct StepRow {
    when: String,
    who: String,
    what: String,
}

/// The contract page.
#[derive(Template)]
#[template(path = "contract.html")]
struct ContractPage {
    chrome: Chrome,
    id: Uuid,
    heading: String,
    facts: Vec<Fact>,
    /// Running total as a share of the reference amount, 0 to 100 (for the bar).
    used_percent: u32,
    used_text: String,
    usage: Vec<UsageRow>,
    claims: Vec<ClaimRow>,
    history: Vec<StepRow>,
    /// Steps the visitor may take: action and its label; whether it needs a reason or an office.
    steps: Vec<(&'static str, String)>,
    /// Offices of the officer's country that may approve (the guarantee office rule).
    offices: Vec<(String, String)>,
    /// The holder sets the access code (approved: the first, which puts the contract in force;
    /// active: a new one, with the current).
    access_code: Option<AccessCodeForm>,
    error: Option<String>,
}

/// What the holder's access code form asks.
pub struct AccessCodeForm {
    /// A code is set already: the current one is asked for.
    change: bool,
}

fn money_of(t: &Tr, minor: i64, like: &Money) -> String {
    Money::from_minor_units(minor, like.currency())
        .map(|m| t.money(&m))
        .unwrap_or_else(|_| minor.to_string())
}

/// The steps on a contract in `status` that `user` may take.
fn steps_for(t: &Tr, user: &User, status: GuaranteeStatus) -> Vec<(&'static str, String)> {
    use GuaranteeStatus as S;
    let names: &[&'static str] = match (user.role, status) {
        (Role::Officer, S::Submitted) => &["approve", "reject"],
        (Role::Officer, S::Approved | S::Active) => &["suspend", "revoke"],
        (Role::Officer, S::Suspended) => &["reinstate", "revoke"],
        (Role::Insurer, S::Submitted | S::Approved | S::Active | S::Suspended) => &["cancel"],
        _ => &[],
    };
    names
        .iter()
        .map(|n| (*n, t.get(&format!("contract-step-{n}"))))
        .collect()
}

async fn page(
    app: &App,
    visitor: &Visitor,
    id: Uuid,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let Some(user) = visitor.user().cloned() else {
        return to_sign_in();
    };
    if user.role == Role::Admin {
        return error_page(visitor, StatusCode::FORBIDDEN, visitor.t.get("not-allowed"));
    }
    let view: ContractView = match contracts::show(app, &Actor::User(user.clone()), id).await {
        Ok(v) => v,
        Err(e) => return app_error(visitor, e),
    };
    let zone: Tz = super::company::user_zone(app, &user).await;
    let t = &visitor.t;
    let catalog = app.catalog();
    let c = &view.contract;
    let reference = &c.reference_amount;
    let fact = |key: &str, value: String| Fact {
        label: t.get(key),
        value,
    };
    let mut facts = vec![
        fact("contracts-policy", c.policy_number.clone()),
        fact(
            "contract-grn",
            c.grn.as_ref().map_or_else(|| "—".into(), |g| g.to_string()),
        ),
        fact(
            "col-state",
            t.get(&format!("guarantee-{}", c.status.as_str())),
        ),
        fact("movement-holder", c.holder.to_string()),
        fact("role-insurer", c.insurer.to_string()),
        fact("contracts-amount", t.money(reference)),
    ];
    let (mut used_percent, mut used_text) = (0, String::new());
    if let Some(g) = &view.guarantee {
        facts.push(fact(
            "contract-running-total",
            money_of(t, g.running_total_minor, reference),
        ));
        facts.push(fact(
            "contract-available",
            money_of(t, g.available_minor(), reference),
        ));
        let total = reference.to_minor_units().max(1);
        used_percent =
            u32::try_from((g.running_total_minor.max(0) * 100 / total).min(100)).unwrap_or(100);
        used_text = t.arg2(
            "contract-used",
            ("percent", used_percent),
            ("amount", money_of(t, g.running_total_minor, reference)),
        );
    }
    facts.push(fact(
        "contracts-period",
        format!("{} – {}", t.day(c.valid_from), t.day(c.valid_to)),
    ));
    facts.push(fact(
        "contract-countries",
        c.countries
            .iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    ));
    facts.push(fact("contract-indemnity", c.indemnity.clone()));
    if let Some(o) = &c.office {
        facts.push(fact("contract-office", office_label(&catalog, t, o)));
    }
    if let Some(r) = &c.reason {
        facts.push(fact("contract-reason", r.clone()));
    }
    let usage = view
        .usage
        .iter()
        .map(|r| UsageRow {
            mrn: r.mrn.as_ref().map_or_else(|| "—".into(), |m| m.to_string()),
            amount: money_of(t, r.amount_minor, reference),
            status: t.get(match r.status {
                ReservationStatus::Reserved => "usage-reserved",
                ReservationStatus::Credited => "usage-credited",
                ReservationStatus::Claimed => "usage-claimed",
            }),
            locked: t.time(r.reserved_at, zone),
            released: r
                .closed_at
                .map_or_else(|| "—".into(), |at| t.time(at, zone)),
        })
        .collect();
    let claims = view
        .claims
        .iter()
        .map(|cl| ClaimRow {
            id: cl.id,
            mrn: cl
                .mrn
                .as_ref()
                .map_or_else(|| "—".into(), |m| m.to_string()),
            amount: t.money(&cl.amount),
            status: t.get(&format!("claim-{}", cl.status.as_str())),
            answer: cl.answer.clone().unwrap_or_default(),
            raised: t.time(cl.raised_at, zone),
            insurer_answers: user.role == Role::Insurer && cl.status.is_open(),
            officer_waives: user.role == Role::Officer && cl.status.is_open(),
        })
        .collect();
    let history = view
        .history
        .iter()
        .map(|h| StepRow {
            when: t.time(h.at, zone),
            who: h.actor.clone(),
            what: h.detail.clone(),
        })
        .collect();
    let offices = match (user.role, user.office_country) {
        (Role::Officer, Some(country)) => {
            // the guarantee office rule (cats_app::registers::grn): offices with the guarantee
            // role where the country lists some, else every office of the country
            let gua = catalog
                .offices
                .values()
                .any(|o| o.country == country && o.has_role(OfficeRole::Gua));
            let mut list: Vec<(String, String)> = catalog
                .offices
                .values()
                .filter(|o| o.country == country && (!gua || o.has_role(OfficeRole::Gua)))
                .map(|o| {
                    (
                        o.reference.to_string(),
                        office_label(&catalog, t, &o.reference),
                    )
                })
                .collect();
            list.sort();
            list
        }
        _ => Vec::new(),
    };
    let heading = t.arg("contract-title", "policy", &c.policy_number);
    let page = ContractPage {
        chrome: visitor.chrome(heading.clone()),
        id,
        heading,
        facts,
        used_percent,
        used_text,
        usage,
        claims,
        history,
        steps: steps_for(t, &user, c.status),
        offices,
        access_code: match (user.is_of(&c.holder), c.status) {
            (true, GuaranteeStatus::Approved) => Some(AccessCodeForm { change: false }),
            (true, GuaranteeStatus::Active) => Some(AccessCodeForm { change: true }),
            _ => None,
        },
        error,
    };
    render(visitor, status, &page)
}

/// `GET /ui/contracts/{id}`.
pub async fn show(State(app): State<App>, visitor: Visitor, Path(id): Path<Uuid>) -> Response {
    page(&app, &visitor, id, StatusCode::OK, None).await
}

/// The step forms of the contract page.
#[derive(Debug, Deserialize)]
pub struct StepForm {
    csrf: String,
    action: String,
    #[serde(default)]
    office: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    reference: String,
    /// For a claim's answer: the claim.
    #[serde(default)]
    claim: Option<Uuid>,
}

pub(super) fn back(id: Uuid) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("/ui/contracts/{id}"))],
    )
        .into_response()
}

/// `POST /ui/contracts/{id}/actions`: a step on the contract (`action` approve with `office`;
/// reject, suspend, revoke, cancel with `reason`; reinstate), or an answer to one of its claims
/// (`claim` with `action` contest or waive with `reason`, pay with `reference`).
pub async fn act(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<Uuid>,
    axum::Form(form): axum::Form<StepForm>,
) -> Response {
    let Some(user) = visitor.user().cloned() else {
        return to_sign_in();
    };
    if !visitor.csrf_ok(&form.csrf) {
        return csrf_refused(&visitor);
    }
    let t = &visitor.t;
    let actor = Actor::User(user);
    let reason = form.reason.trim().to_string();
    let now = Utc::now();
    let done = if let Some(claim) = form.claim {
        let step = match form.action.as_str() {
            "contest" => ClaimStep::Contest { reason },
            "pay" => ClaimStep::Pay {
                reference: form.reference.trim().to_string(),
            },
            "waive" => ClaimStep::Waive { reason },
            _ => {
                let why = t.get("action-unknown");
                return page(&app, &visitor, id, StatusCode::BAD_REQUEST, Some(why)).await;
            }
        };
        claims::answer(&app, &actor, claim, step, now)
            .await
            .map(|_| ())
    } else {
        let step = match form.action.as_str() {
            "approve" => match OfficeRef::parse(&form.office) {
                Ok(office) => ContractAction::Approve { office },
                Err(_) => {
                    let why = t.get("action-no-office");
                    return page(&app, &visitor, id, StatusCode::BAD_REQUEST, Some(why)).await;
                }
            },
            "reject" => ContractAction::Reject { reason },
            "suspend" => ContractAction::Suspend { reason },
            "revoke" => ContractAction::Revoke { reason },
            "cancel" => ContractAction::Cancel { reason },
            "reinstate" => ContractAction::Reinstate,
            _ => {
                let why = t.get("action-unknown");
                return page(&app, &visitor, id, StatusCode::BAD_REQUEST, Some(why)).await;
            }
        };
        contracts::act(&app, &actor, id, step, now)
            .await
            .map(|_| ())
    };
    match done {
        Ok(()) => back(id),
        Err(e) => match refusal(t, &e) {
            Some((status, why)) => page(&app, &visitor, id, status, Some(why)).await,
            None => app_error(&visitor, e),
        },
    }
}

/// The holder's access code form.
#[derive(Debug, Deserialize)]
pub struct AccessCodeSubmission {
    csrf: String,
    access_code: String,
    #[serde(default)]
    current_access_code: String,
}

/// `POST /ui/contracts/{id}/access-code`: the holder sets the access code (the first puts an
/// approved contract in force; a change needs the current one), as `POST
/// /contracts/{id}/access-code`. The code is kept hashed and never shown.
pub async fn access_code(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<Uuid>,
    axum::Form(form): axum::Form<AccessCodeSubmission>,
) -> Response {
    let Some(user) = visitor.user().cloned() else {
        return to_sign_in();
    };
    if !visitor.csrf_ok(&form.csrf) {
        return csrf_refused(&visitor);
    }
    let current = Some(form.current_access_code.trim()).filter(|c| !c.is_empty());
    let actor = Actor::User(user);
    let done = cats_app::registers::access_code::set(
        &app,
        &actor,
        id,
        form.access_code.trim(),
        current,
        Utc::now(),
    )
    .await;
    match done {
        Ok(_) => back(id),
        Err(e) => match refusal(&visitor.t, &e) {
            Some((status, why)) => page(&app, &visitor, id, status, Some(why)).await,
            None => app_error(&visitor, e),
        },
    }
}
