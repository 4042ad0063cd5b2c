//! Lodging a declaration (CC015C) at the office of departure, and amending it (CC013C analogue).

use chrono::{DateTime, Datelike, Utc};
use serde_json::Value;

use cats_domain::declaration::Cc015c;
use cats_domain::ids::{Mrn, OfficeRef, ProcedureLetter};
use cats_domain::movement::MovementState;
use cats_domain::risk;
use cats_domain::rules::{self, DeclarationFacts, RuleFailure};
use cats_ncts::Format;

use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::{AppError, BodyError};
use crate::history::{audit, inbound, outbound, Extra};
use crate::standing::RuleInputs;
use crate::store::{Change, MovementRecord, StoreError};

/// What lodging produced: the stored movement (accepted, rejected, or guarantee not valid), and
/// the business-rule failures when rejected.
#[derive(Debug, Clone)]
pub struct Lodged {
    /// The movement as stored.
    pub record: MovementRecord,
    /// Every business-rule failure (empty unless `Rejected`), as listed in the CC056C.
    pub failures: Vec<RuleFailure>,
}

/// Read and structurally validate a CC015C body. Errors: every structural problem (HTTP 400).
pub fn parse_declaration(body: &[u8], format: Format) -> Result<(Cc015c, Value), AppError> {
    cats_ncts::parse_cc015c(body, format).map_err(|errors| AppError::Malformed {
        message_type: "CC015C".into(),
        errors: errors
            .into_iter()
            .map(|e| BodyError {
                pointer: e.pointer,
                reason: e.reason,
            })
            .collect(),
    })
}

fn content_type(format: Format) -> &'static str {
    match format {
        Format::Xml => "application/xml",
        Format::Json => "application/json",
    }
}

/// Allocate an MRN: year, country of the office of departure, the office's 6 characters and a
/// 6-digit serial per office and year, the procedure letter from the security indicator, and the
/// ISO 6346 check digit.
async fn allocate_mrn(
    app: &App,
    office: &OfficeRef,
    security: Option<u8>,
    now: DateTime<Utc>,
) -> Result<Mrn, AppError> {
    let serial = app.store().next_mrn_serial(office, now.year()).await?;
    let body = format!("{}{:06}", &office.as_str()[2..], serial % 1_000_000);
    let procedure =
        ProcedureLetter::from_security(security.unwrap_or(0)).unwrap_or(ProcedureLetter::J);
    Mrn::allocate(now.year(), &office.country(), &body, procedure)
        .map_err(|e| AppError::Invalid(e.to_string()))
}

/// The typed facts of a declaration that passed its structure. Errors: every identifier the
/// movement keeps that does not parse ([`AppError::Malformed`], HTTP 400, nothing stored): an
/// office whose first two letters are not an ISO 3166 country, a holder identification number
/// that is not an EORI/TIN, an LRN with control characters.
pub fn typed_facts(declaration: &Cc015c, message_type: &str) -> Result<DeclarationFacts, AppError> {
    rules::facts(declaration).map_err(|bad| AppError::Malformed {
        message_type: message_type.into(),
        errors: bad
            .into_iter()
            .map(|b| BodyError {
                pointer: b.pointer,
                reason: b.reason,
            })
            .collect(),
    })
}

/// A message addressed to a national transit authority this node does not serve is refused at the
/// door, before anything is stored: `messageRecipient` must be `NTA.` and a country taking part in
/// CATS ([`AppError::NotServed`], naming the recipients served). (A recipient of another CATS
/// country than the office of departure's is business rule CATS006.)
fn refuse_foreign_recipient(app: &App, recipient: &str) -> Result<(), AppError> {
    let catalog = app.catalog();
    // In an ICE network, the countries this node hosts; stand-alone, every participating one.
    let hosts = |code: &str| match app.topology() {
        Some(t) => t.hosted.iter().any(|c| c.as_str() == code),
        None => true,
    };
    let served = recipient
        .strip_prefix("NTA.")
        .is_some_and(|c| catalog.is_participating(c) && hosts(c));
    if served {
        return Ok(());
    }
    let mut countries: Vec<String> = catalog
        .countries
        .values()
        .filter(|c| c.participating && hosts(c.code.as_str()))
        .map(|c| format!("NTA.{}", c.code))
        .collect();
    countries.sort();
    Err(AppError::NotServed {
        recipient: recipient.to_string(),
        served: countries,
    })
}

/// Lodge a declaration: validate it, run every business rule, and store the movement as
/// `Rejected` (CC056C), `Accepted` (CC928C, CC028C) or `GuaranteeNotValid` (CC055C).
///
/// Errors: [`AppError::Malformed`] for a body that is not a well-formed CC015C (nothing stored);
/// [`AppError::NotServed`] for a recipient this node does not serve; [`AppError::Forbidden`] when
/// a user other than the holder's trader lodges.
pub async fn lodge(
    app: &App,
    actor: &Actor,
    body: &[u8],
    format: Format,
    now: DateTime<Utc>,
) -> Result<Lodged, AppError> {
    let (declaration, value) = parse_declaration(body, format)?;
    refuse_foreign_recipient(app, &declaration.message_recipient)?;
    let facts = typed_facts(&declaration, "CC015C")?;
    if let Some(user) = actor.user() {
        if user.role != Role::Trader {
            return Err(AppError::Forbidden(
                "only a trader (holder of the transit procedure) may lodge a declaration".into(),
            ));
        }
        if !user.is_of(&facts.holder) {
            return Err(AppError::Forbidden(format!(
                "you may lodge only as holder {}, not {}",
                user.party.as_ref().map_or("-", |p| p.as_str()),
                facts.holder
            )));
        }
    }
    // The declaration inside its message wrapper, taken out of it (not copied: a declaration
    // is thousands of JSON nodes), and shared with the record that is stored.
    let content = std::sync::Arc::new(match value {
        Value::Object(mut wrapper) => match wrapper.remove("n1:CC015C") {
            Some(inner) => inner,
            None => Value::Object(wrapper),
        },
        other => other,
    });
    let raw = String::from_utf8_lossy(body).into_owned();
    // A declaration with the same LRN committed between our check and our insert: decide again,
    // and the rules now reject it (CATS014).
    let retry = |e: &AppError| {
        matches!(
            e,
            AppError::Store(StoreError::DuplicateLrn { .. } | StoreError::Conflict)
        )
    };
    let raw = &raw;
    let declaration = &declaration;
    let content = &content;
    crate::retry::retrying(retry, || async move {
        lodge_once(app, actor, declaration, content, raw, format, now).await
    })
    .await
}

async fn lodge_once(
    app: &App,
    actor: &Actor,
    declaration: &Cc015c,
    content: &std::sync::Arc<Value>,
    raw: &str,
    format: Format,
    now: DateTime<Utc>,
) -> Result<Lodged, AppError> {
    app.refresh_restricted_goods().await?;
    let catalog = app.catalog();
    let facts = typed_facts(declaration, "CC015C")?;
    // "On the day" (validity of offices, registrations, guarantees, rates) is the office of
    // departure's local day.
    let day = catalog.local_day(&facts.office_of_departure, now);
    let inputs = RuleInputs::load(app, declaration, day).await?;
    let lrn_in_use = app.store().lrn_in_use(&facts.holder, &facts.lrn).await?;
    let ctx = inputs.context(&catalog, day, lrn_in_use);
    let aeo = inputs.holder.as_ref().is_some_and(|h| h.aeo);
    let failures = rules::check_declaration(declaration, &ctx);
    let id = crate::new_row_id();
    let mut messages = vec![inbound("CC015C", content_type(format), raw, now)];
    let correlation = declaration.message_identification.clone();
    // Dates in the answers are the office of departure's local day.
    let extra = Extra {
        catalog: Some(&catalog),
        ..Default::default()
    };
    let (movement, audit_detail) = if !failures.is_empty() {
        let m = facts.movement(MovementState::Rejected, None);
        messages.push(outbound(
            &m,
            content,
            now,
            now,
            "CC056C",
            &failures,
            Some(&correlation),
            Some(&extra),
        ));
        let ids: Vec<&str> = failures.iter().map(|f| f.rule_id.as_str()).collect();
        (m, format!("rejected: {}", ids.join(", ")))
    } else {
        let mrn = allocate_mrn(app, &facts.office_of_departure, facts.security, now).await?;
        let shortfalls = rules::shortfalls_with(declaration, &ctx);
        let state = if shortfalls.is_empty() {
            MovementState::Accepted
        } else {
            MovementState::GuaranteeNotValid
        };
        let mut m = facts.movement(state, Some(mrn.clone()));
        let mut risk_facts = facts.risk_facts();
        risk_facts.aeo = aeo;
        risk_facts.day = Some(day);
        let policy = crate::risk_profiles::policy_now(app).await?;
        let selection = risk::select(&policy, &catalog, &m.office_of_departure, &mrn, &risk_facts);
        m.risk.push(selection.clone());
        messages.push(outbound(
            &m,
            content,
            now,
            now,
            "CC928C",
            &[],
            Some(&correlation),
            Some(&extra),
        ));
        messages.push(outbound(
            &m,
            content,
            now,
            now,
            "CC028C",
            &[],
            Some(&correlation),
            Some(&extra),
        ));
        if !shortfalls.is_empty() {
            messages.push(outbound(
                &m,
                content,
                now,
                now,
                "CC055C",
                &shortfalls,
                Some(&correlation),
                Some(&extra),
            ));
        }
        let benefits = match (selection.aeo_factor, ctx.aeo_share) {
            (None, None) => String::new(),
            (factor, share) => format!(
                "; AEO benefits: random selection rate × {}, {} of the amount to be covered reserved",
                factor.map_or_else(|| "1".to_string(), |f| f.to_string()),
                share.map_or_else(|| "all".to_string(), |s| s.to_string())
            ),
        };
        let detail = format!(
            "accepted as {mrn}, state {state}; risk at {}: {}{benefits}",
            m.office_of_departure,
            if selection.selected {
                selection.reasons.join("; ")
            } else {
                format!(
                    "not selected (draw {:.4}, rate {:.2}, {})",
                    selection.draw,
                    selection.rate,
                    selection
                        .seed
                        .map_or_else(|| "node key".to_string(), |s| format!("seed {s}"))
                )
            }
        );
        (m, detail)
    };
    let record = MovementRecord {
        id,
        version: 1,
        movement,
        declaration: std::sync::Arc::clone(content),
        created_at: now,
        updated_at: now,
    };
    let change = Change {
        record: record.clone(),
        expected_version: None,
        messages,
        ledger: vec![],
        audit: vec![audit(actor, "lodge", Some(id), now, audit_detail)],
        attachments: vec![],
        ice_out: vec![],
        ice_in: None,
        notifications: Vec::new(),
    };
    app.commit(change).await?;
    Ok(Lodged { record, failures })
}
