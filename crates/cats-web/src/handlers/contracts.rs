//! Insurance contracts and claims.
//!
//! * `POST /contracts` {policyNumber, holder, referenceAmount, currency, validFrom, validTo,
//!   countries, indemnity}; `GET /contracts` (?status, holder, insurer); `GET /contracts/{id}`
//! * `POST /contracts/{id}/actions/{action}`: approve {office}, reject {reason}, suspend
//!   {reason}, reinstate {}, revoke {reason} (officers); cancel {reason} (the insurer)
//! * `POST /contracts/{id}/access-code` {accessCode, currentAccessCode?} (the holder)
//! * `GET /claims` (?status, grn), `GET /claims/{id}`, `POST /claims/{id}/actions/{action}`:
//!   contest {reason}, pay {reference} (the insurer), waive {reason} (officers)

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use cats_app::registers::contracts::{self, ContractAction, Submission};
use cats_app::registers::{access_code, claims};
use cats_app::store::{ClaimFilter, ContractFilter};
use cats_app::App;
use cats_domain::ids::OfficeRef;
use cats_domain::ledger::GuaranteeStatus;
use cats_domain::registry::{ClaimStatus, ClaimStep};

use super::registrations::{bad, body};
use super::{id_filter, NoMatch};
use crate::contract_views as v;
use crate::error::ApiError;
use crate::principal::Principal;
use crate::views;

fn unknown(what: &str, name: &str, known: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        format!("no {what} action {name}; use {known}"),
    )
}

/// `POST /contracts`: the insurer submits a contract. `201` with the contract (status
/// `submitted`); `422` with `ruleId` CATS023 for an insurer not authorised.
pub async fn submit(
    State(app): State<App>,
    who: Principal,
    Json(raw): Json<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let s: Submission = body(raw, "contract")?;
    let c = contracts::submit(&app, &who.actor(), s, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(views::json(&v::contract(&c)))))
}

/// Filters of `GET /contracts`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    status: Option<String>,
    holder: Option<String>,
    insurer: Option<String>,
}

/// `GET /contracts`: an insurer its contracts, a trader those covering it, officers every one.
pub async fn list(
    State(app): State<App>,
    who: Principal,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let status = q
        .status
        .map(|s| GuaranteeStatus::parse(&s).ok_or_else(|| bad(format!("unknown status {s}"))))
        .transpose()?;
    let filter = (|| {
        Ok(ContractFilter {
            insurer: id_filter([q.insurer])?,
            holder: id_filter([q.holder])?,
            status,
        })
    })();
    let list = match filter {
        Ok(filter) => contracts::list(&app, &who.actor(), filter).await?,
        Err(NoMatch) => Vec::new(),
    };
    Ok(Json(views::json(&v::ContractList {
        count: list.len(),
        contracts: list.iter().map(v::contract).collect(),
    })))
}

/// `GET /contracts/{id}`: the contract, running total, available, exposure, usage per MRN,
/// claims, liability end and history.
pub async fn show(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let view = contracts::show(&app, &who.actor(), id).await?;
    Ok(Json(views::json(&v::contract_full(&view))))
}

/// Body of a step on a contract or a claim.
#[derive(utoipa::ToSchema, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StepBody {
    office: Option<String>,
    reason: Option<String>,
    reference: Option<String>,
}

/// `POST /contracts/{id}/actions/{action}`.
pub async fn act(
    State(app): State<App>,
    who: Principal,
    Path((id, action)): Path<(Uuid, String)>,
    Json(raw): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let b: StepBody = body(raw, &format!("body for {action}"))?;
    let reason = || {
        b.reason
            .clone()
            .ok_or_else(|| bad(format!("{action} needs \"reason\"")))
    };
    let step = match action.as_str() {
        "approve" => ContractAction::Approve {
            office: b
                .office
                .as_deref()
                .ok_or_else(|| bad("approve needs \"office\": the guarantee office"))
                .and_then(|o| {
                    OfficeRef::parse(o).map_err(|e| bad(format!("approve: office {o:?}: {e}")))
                })?,
        },
        "reject" => ContractAction::Reject { reason: reason()? },
        "suspend" => ContractAction::Suspend { reason: reason()? },
        "reinstate" => ContractAction::Reinstate,
        "revoke" => ContractAction::Revoke { reason: reason()? },
        "cancel" => ContractAction::Cancel { reason: reason()? },
        other => {
            return Err(unknown(
                "contract",
                other,
                "approve, reject, suspend, reinstate, revoke or cancel",
            ))
        }
    };
    let c = contracts::act(&app, &who.actor(), id, step, Utc::now()).await?;
    Ok(Json(views::json(&v::contract(&c))))
}

/// Body of `POST /contracts/{id}/access-code`.
#[derive(utoipa::ToSchema, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessCodeBody {
    access_code: String,
    current_access_code: Option<String>,
}

/// `POST /contracts/{id}/access-code`: the holder sets the first access code (the contract
/// becomes `active`) or changes it (with the current one). The answer never contains a code.
pub async fn set_access_code(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
    Json(raw): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let b: AccessCodeBody = body(raw, "access code")?;
    let status = access_code::set(
        &app,
        &who.actor(),
        id,
        &b.access_code,
        b.current_access_code.as_deref(),
        Utc::now(),
    )
    .await?;
    Ok(Json(views::json(&v::AccessCodeAnswer {
        id,
        status,
        access_code_set: true,
    })))
}

/// Filters of `GET /claims`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimQuery {
    status: Option<String>,
    grn: Option<String>,
}

/// `GET /claims`: the insurer's claims, the holder's, or every claim for officers.
pub async fn claims_list(
    State(app): State<App>,
    who: Principal,
    Query(q): Query<ClaimQuery>,
) -> Result<Json<Value>, ApiError> {
    let status = q
        .status
        .map(|s| ClaimStatus::parse(&s).ok_or_else(|| bad(format!("unknown status {s}"))))
        .transpose()?;
    let filter = id_filter([q.grn]).map(|grn| ClaimFilter {
        grn,
        status,
        ..ClaimFilter::default()
    });
    let list = match filter {
        Ok(filter) => claims::list(&app, &who.actor(), filter).await?,
        Err(NoMatch) => Vec::new(),
    };
    Ok(Json(views::json(&v::ClaimList {
        count: list.len(),
        claims: list.iter().map(v::claim).collect(),
    })))
}

/// `GET /claims/{id}`: a claim and its history.
pub async fn claim(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let (c, history) = claims::show(&app, &who.actor(), id).await?;
    let mut out = v::claim(&c);
    out.history = Some(history);
    Ok(Json(views::json(&out)))
}

/// `POST /claims/{id}/actions/{action}`: contest, pay (the insurer), waive (officers).
pub async fn claim_act(
    State(app): State<App>,
    who: Principal,
    Path((id, action)): Path<(Uuid, String)>,
    Json(raw): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let b: StepBody = body(raw, &format!("body for {action}"))?;
    let reason = || {
        b.reason
            .clone()
            .ok_or_else(|| bad(format!("{action} needs \"reason\"")))
    };
    let step = match action.as_str() {
        "contest" => ClaimStep::Contest { reason: reason()? },
        "pay" => ClaimStep::Pay {
            reference: b
                .reference
                .clone()
                .ok_or_else(|| bad("pay needs \"reference\": the payment reference"))?,
        },
        "waive" => ClaimStep::Waive { reason: reason()? },
        other => return Err(unknown("claim", other, "contest, pay or waive")),
    };
    let c = claims::answer(&app, &who.actor(), id, step, Utc::now()).await?;
    Ok(Json(views::json(&v::claim(&c))))
}
