//! Questions a node asks a peer and waits for (the answer travels in the signed receipt, field
//! `answer`): CD200C guarantee check, answered with the CD201C content, and CD094C status
//! request, answered with the CD095C content. A question changes nothing at the peer; it is kept
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

use cats_domain::ids::{CountryCode, CurrencyCode, Eori, Grn, Money, NodeId};
use cats_domain::ledger::{hash_access_code, Guarantee, GuaranteeStatus};

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
    let Some(asker) = app.peer_queries() else {
        return Err(AppError::PeerUnavailable {
            node: peer.to_string(),
            reason: "this node cannot ask its peers (no ICE transport)".into(),
        });
    };
    let content = serde_json::to_value(check)
        .map_err(|e| StoreError::corrupt(format!("CD200C content: {e}")))?;
    let answer = asker.ask(peer, IceType::Cd200c, content).await?;
    let answer: GuaranteeCheckAnswer =
        serde_json::from_value(answer).map_err(|e| AppError::PeerUnavailable {
            node: peer.to_string(),
            reason: format!("its CD201C does not read: {e}"),
        })?;
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
            hash_access_code(check.grn.as_str(), code)
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
            if super::guarantee::holder_of(topology, &check.grn).is_some() {
                return Ok(Err((
                    "CD906C",
                    nack(
                        12,
                        format!(
                            "guarantee {} is not held by node {}",
                            check.grn, topology.node
                        ),
                    ),
                )));
            }
            serde_json::to_value(guarantee_answer(app, &check).await?)
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
        });
    };
    let good = crate::standing::standing(app, &g.insurer, check.day)
        .await?
        .insurer;
    Ok(GuaranteeCheckAnswer {
        grn: check.grn.clone(),
        known: true,
        access_code_matches: g.access_code_matches(&check.access_code),
        insurer_in_good_standing: good,
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
