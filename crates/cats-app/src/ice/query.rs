//! Questions a node asks a peer and waits for (the answer travels in the signed receipt, field
//! `answer`): CD200C guarantee check, answered with the CD201C content, and CD094C status
//! request, answered with the CD095C content; CD027C movement query, answered with the CD038C
//! content. A question changes nothing at the peer; it is kept
//! in its inbox like every message, so that a repeated question gets the same answer. Each
//! question has its own correlation (`Q-` and a UUID). The transport that asks is the ICE
//! adapter's (`cats-ice`), given to the [`App`] as a [`PeerQueries`].

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use cats_domain::ids::{CountryCode, CurrencyCode, Eori, Grn, Money, Mrn, NodeId};
use cats_domain::ledger::{Guarantee, GuaranteeStatus};

use super::receive::{nack, Applied, Inbound};
use super::{IceType, Topology};
use crate::app::App;
use crate::error::AppError;
use crate::history::audit;
use crate::store::StoreError;

/// What asks a peer a question over ICE and waits for its answer.
pub trait PeerQueries: Send + Sync + 'static {
    /// Ask `peer` a question of `kind` with `content`; the answer (the receipt's `answer`).
    ///
    /// Errors: [`AppError::PeerUnavailable`] when the peer cannot be reached or answers with a
    /// refusal or a receipt that does not verify.
    fn ask<'a>(
        &'a self,
        peer: &'a NodeId,
        kind: IceType,
        content: Value,
    ) -> Pin<Box<dyn Future<Output = Result<Value, AppError>> + Send + 'a>>;
}

/// The correlation of a new question: `Q-` and a UUID.
pub fn question_correlation() -> String {
    format!("Q-{}", Uuid::new_v4())
}

/// Content of CD200C: is guarantee `grn` usable by `holder` with `access_code` on `day`?
/// JSON Schema: `docs/ice/schemas/guarantee-check.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuaranteeCheck {
    /// GRN (17 characters).
    pub grn: Grn,
    /// The access code declared with it (4 characters).
    pub access_code: String,
    /// The holder of the transit procedure (EORI/TIN) declaring it, when declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<Eori>,
    /// The office of departure's local day.
    pub day: NaiveDate,
}

/// Content of CD201C (the answer to CD200C): the guarantee as its node registers it, for the
/// asking node's business rules (CATS016 to CATS023). JSON Schema: in `receipt.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuaranteeCheckAnswer {
    /// GRN (17 characters).
    pub grn: Grn,
    /// Whether the node registers it (CATS016).
    pub known: bool,
    /// Whether the access code matches (CATS017).
    #[serde(default)]
    pub access_code_matches: bool,
    /// Whether its insurer is in good standing on the day (CATS023).
    #[serde(default)]
    pub insurer_in_good_standing: bool,
    /// The guarantee, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guarantee: Option<GuaranteeFacts>,
    /// Its uses (reservations and claims), oldest first, when the access code matches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage: Vec<crate::guarantees::Usage>,
}

/// A guarantee as CD201C gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuaranteeFacts {
    /// Holder it covers (EORI/TIN).
    pub holder: Eori,
    /// Insurer (EORI/TIN).
    pub insurer: Eori,
    /// Reference amount (2 decimals) in `currency`.
    pub reference_amount: Decimal,
    /// ISO 4217.
    pub currency: CurrencyCode,
    /// First day of the policy period.
    pub valid_from: NaiveDate,
    /// Last day (inclusive).
    pub valid_to: NaiveDate,
    /// Countries where it is valid (ISO 3166-1 alpha-2).
    pub countries: Vec<CountryCode>,
    /// `active`, `suspended`, `revoked`, `expired` …
    pub status: String,
    /// Exposure now (open reservations and claims), minor units of `currency`.
    pub running_total_minor: i64,
}

/// Content of CD095C (the answer to CD094C): the node, the specification it speaks, what it
/// hosts, and its clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeStatus {
    /// The answering node.
    pub node: NodeId,
    /// The specification version it speaks (`1.0`).
    pub version: String,
    /// The countries it hosts.
    pub hosted: Vec<CountryCode>,
    /// Its clock (UTC) when it answered.
    pub at: DateTime<Utc>,
    /// Messages waiting in its outbox.
    pub pending: i64,
}

/// Content of CD027C: the movement with this MRN, please. JSON Schema:
/// `docs/ice/schemas/movement-query.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MovementQuery {
    /// MRN (18 characters).
    pub mrn: Mrn,
}

/// Content of CD038C (the answer to CD027C): the movement as it stands at its node of
/// departure, when that node knows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MovementAnswer {
    /// MRN (18 characters).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub mrn: Mrn,
    /// The node that answered (the node of departure).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub node: NodeId,
    /// Whether it knows the MRN.
    pub known: bool,
    /// The movement's id there (UUID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub movement_id: Option<Uuid>,
    /// Its version there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// The movement (state, offices, passages, controls, time limit …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub movement: Option<cats_domain::movement::Movement>,
}

/// An officer asks the node of departure of `mrn` (the country of the MRN) for the movement as
/// it stands there (CD027C, answered with CD038C): for goods presented with a transit
/// accompanying document whose record this node does not have. Answered here when this node
/// is the node of departure.
///
/// Errors: not an officer (403), not in an ICE network (403), the node of departure is not a
/// peer (404), it cannot answer now (503).
pub async fn query_movement(
    app: &App,
    actor: &crate::app::Actor,
    mrn: &Mrn,
) -> Result<MovementAnswer, AppError> {
    if actor
        .user()
        .is_some_and(|u| u.role != crate::auth::Role::Officer)
    {
        return Err(AppError::Forbidden(
            "movements are asked of other nodes by customs officers".into(),
        ));
    }
    let topology = app
        .topology()
        .ok_or_else(|| AppError::Forbidden("this node is not part of an ICE network".into()))?;
    let node = match topology.host_of_country(mrn.country()) {
        super::Host::Here => return movement_answer(app, &topology.node, mrn).await,
        super::Host::Peer(p) => p.clone(),
        super::Host::Unknown => {
            return Err(AppError::NotFound(format!(
                "no node of the network hosts {}, the country of MRN {mrn}",
                mrn.country()
            )))
        }
    };
    let asker = app
        .peer_queries()
        .ok_or_else(|| AppError::PeerUnavailable {
            node: node.to_string(),
            reason: "this node cannot ask its peers (no ICE transport)".into(),
        })?;
    let content = serde_json::to_value(MovementQuery { mrn: mrn.clone() })
        .map_err(|e| StoreError::corrupt(format!("CD027C content: {e}")))?;
    let answer = asker.ask(&node, IceType::Cd027c, content).await?;
    serde_json::from_value(answer).map_err(|e| AppError::PeerUnavailable {
        node: node.to_string(),
        reason: format!("its CD038C does not read: {e}"),
    })
}

/// CD038C for `mrn` from this node's movements (those departed from here).
async fn movement_answer(app: &App, node: &NodeId, mrn: &Mrn) -> Result<MovementAnswer, AppError> {
    let owned = app
        .store()
        .movement_by_mrn(mrn)
        .await?
        .filter(|r| r.movement.home.is_none());
    Ok(MovementAnswer {
        mrn: mrn.clone(),
        node: node.clone(),
        known: owned.is_some(),
        movement_id: owned.as_ref().map(|r| r.id),
        version: owned.as_ref().map(|r| r.version),
        movement: owned.map(|r| r.movement),
    })
}

/// The guarantee `grn` as the node holding it registers it, asked with CD200C, as the rules
/// read it (`Ok(None)`: that node does not know it, CATS016). The access code is checked there:
/// when it does not match, the guarantee comes back with a hash that matches no code (CATS017).
///
/// Errors: [`AppError::PeerUnavailable`] when the node cannot answer (the declaration is then
/// not lodged: nothing changes, the trader sends it again).
pub async fn check_guarantee(
    app: &App,
    peer: &NodeId,
    check: &GuaranteeCheck,
) -> Result<Option<(Guarantee, bool)>, AppError> {
    let answer = ask_guarantee(app, peer, check).await?;
    guarantee_of(peer, check, answer)
}

/// The CD201C answer of `peer` to `check`. Errors as [`check_guarantee`].
pub async fn ask_guarantee(
    app: &App,
    peer: &NodeId,
    check: &GuaranteeCheck,
) -> Result<GuaranteeCheckAnswer, AppError> {
    let Some(asker) = app.peer_queries() else {
        return Err(AppError::PeerUnavailable {
            node: peer.to_string(),
            reason: "this node cannot ask its peers (no ICE transport)".into(),
        });
    };
    let content = serde_json::to_value(check)
        .map_err(|e| StoreError::corrupt(format!("CD200C content: {e}")))?;
    let answer = asker.ask(peer, IceType::Cd200c, content).await?;
    serde_json::from_value(answer).map_err(|e| AppError::PeerUnavailable {
        node: peer.to_string(),
        reason: format!("its CD201C does not read: {e}"),
    })
}

/// The guarantee as the rules read it from a CD201C answer (`None`: unknown there), with
/// whether its insurer is in good standing.
pub fn guarantee_of(
    peer: &NodeId,
    check: &GuaranteeCheck,
    answer: GuaranteeCheckAnswer,
) -> Result<Option<(Guarantee, bool)>, AppError> {
    let (true, Some(f)) = (answer.known, answer.guarantee) else {
        return Ok(None);
    };
    let unreadable = |e: String| AppError::PeerUnavailable {
        node: peer.to_string(),
        reason: format!("its CD201C does not read: {e}"),
    };
    let code = if answer.access_code_matches {
        check.access_code.as_str()
    } else {
        ""
    };
    let g = Guarantee {
        grn: check.grn.clone(),
        holder: f.holder,
        insurer: f.insurer,
        reference_amount: Money::new(f.reference_amount, f.currency)
            .map_err(|e| unreadable(e.to_string()))?,
        valid_from: f.valid_from,
        valid_to: f.valid_to,
        countries: f.countries,
        status: GuaranteeStatus::parse(&f.status)
            .ok_or_else(|| unreadable(format!("status {:?}", f.status)))?,
        access_code_hash: if answer.access_code_matches {
            crate::secrets::new_access_code_hash(check.grn.as_str(), code)
        } else {
            String::new()
        },
        running_total_minor: f.running_total_minor,
        liability_end: None,
    };
    Ok(Some((g, answer.insurer_in_good_standing)))
}

/// Answer a question (CD200C, CD094C) from a peer: the receipt carries the answer.
pub(crate) async fn answer(
    app: &App,
    topology: &Topology,
    msg: &Inbound,
    kind: IceType,
) -> Result<Applied, AppError> {
    let answer = match kind {
        IceType::Cd200c => {
            let check: GuaranteeCheck = match serde_json::from_value(msg.content.clone()) {
                Ok(c) => c,
                Err(e) => return Ok(Err(("CD917C", nack(12, format!("content of {kind}: {e}"))))),
            };
            if let Err(r) = super::applied::held_here(topology, &check.grn) {
                return Ok(Err(r));
            }
            serde_json::to_value(guarantee_answer(app, &check).await?)
        }
        IceType::Cd027c => {
            let query: MovementQuery = match serde_json::from_value(msg.content.clone()) {
                Ok(c) => c,
                Err(e) => return Ok(Err(("CD917C", nack(12, format!("content of {kind}: {e}"))))),
            };
            serde_json::to_value(movement_answer(app, &topology.node, &query.mrn).await?)
        }
        _ => serde_json::to_value(NodeStatus {
            node: topology.node.clone(),
            version: "1.0".into(),
            hosted: topology.hosted.iter().copied().collect(),
            at: Utc::now(),
            pending: app.store().ice_pending().await?,
        }),
    }
    .map_err(|e| StoreError::corrupt(format!("{kind} answer: {e}")))?;
    let mut receipt: Value =
        serde_json::from_str(&super::receive::receipt(&topology.node, msg, None))
            .map_err(|e| StoreError::corrupt(format!("receipt: {e}")))?;
    receipt["answer"] = answer;
    let receipt = receipt.to_string();
    let entry = super::receive::entry(msg, "answered", receipt.clone());
    app.store().ice_record_inbound(&entry, &[]).await?;
    let note = audit(
        &crate::app::Actor::System(format!("ice:{}", msg.sender)),
        "ice.question",
        None,
        msg.received_at,
        format!("{kind} ({}) from node {} answered", kind.name(), msg.sender),
    );
    app.store().audit(&[note]).await?;
    Ok(Ok(receipt))
}

/// CD201C for `check`, from this node's register.
async fn guarantee_answer(
    app: &App,
    check: &GuaranteeCheck,
) -> Result<GuaranteeCheckAnswer, AppError> {
    let Some(g) = app.store().guarantee(&check.grn).await? else {
        return Ok(GuaranteeCheckAnswer {
            grn: check.grn.clone(),
            known: false,
            access_code_matches: false,
            insurer_in_good_standing: false,
            guarantee: None,
            usage: vec![],
        });
    };
    let good = crate::standing::standing(app, &g.insurer, check.day)
        .await?
        .insurer;
    let matches = g.access_code_matches(&check.access_code);
    let usage = if matches {
        crate::guarantees::usage(app, &check.grn).await?
    } else {
        vec![]
    };
    Ok(GuaranteeCheckAnswer {
        grn: check.grn.clone(),
        known: true,
        access_code_matches: matches,
        insurer_in_good_standing: good,
        usage,
        guarantee: Some(GuaranteeFacts {
            holder: g.holder.clone(),
            insurer: g.insurer.clone(),
            reference_amount: g.reference_amount.amount(),
            currency: g.currency(),
            valid_from: g.valid_from,
            valid_to: g.valid_to,
            countries: g.countries.clone(),
            status: g.status.as_str().into(),
            running_total_minor: g.running_total_minor,
        }),
    })
}
