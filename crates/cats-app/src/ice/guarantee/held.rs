//! The node holding a guarantee (chain guarantee): the use a node of departure asks for
//! (CD203C), reserved on a copy of the movement and answered (CD205C), and its end (CD204C
//! cancelled, CD209C credited or claimed).

use uuid::Uuid;

use cats_domain::coverage::cover;
use cats_domain::ledger::Unusable;

use crate::app::App;
use crate::error::AppError;
use crate::ice::applied::{
    commit, copy_for, correlated, departed_from_sender, held_here, Applying, NewCopy,
};
use crate::ice::messages::{GuaranteeUseEnd, GuaranteeUseRequest, GuaranteeUseResponse, UseEnd};
use crate::ice::receive::{nack, Applied, Inbound};
use crate::ice::route::out_message;
use crate::ice::{IceType, Topology};
use crate::store::{LedgerOp, MovementRecord, ReserveBasis, StoreError};

/// CD203C at the node holding the guarantee: check it (CATS016 exists, CATS017 access code,
/// CATS020 holder; CATS018 and CATS022 as the reservation checks them), reserve the amount to
/// be covered (converted at the reference rate of the day, reduced to the AEO share) on a copy
/// of the movement, and answer with CD205C, accepted or refused.
pub(crate) async fn use_request(
    app: &App,
    topology: &Topology,
    msg: &Inbound,
    content: GuaranteeUseRequest,
) -> Result<Applied, AppError> {
    if let Err(r) = correlated(msg, &content.mrn) {
        return Ok(Err(r));
    }
    if let Err(r) = held_here(topology, &content.grn)
        .and_then(|_| departed_from_sender(topology, msg, &content.movement))
    {
        return Ok(Err(r));
    }
    let new = NewCopy {
        movement: &content.movement,
        declaration: &content.declaration,
        lodged_at: content.lodged_at,
    };
    let (copy, expected_version) = match copy_for(app, msg, content.movement_id, new).await? {
        Ok(found) => found,
        Err(r) => return Ok(Err(r)),
    };
    let reserved = app
        .store()
        .reservations(&content.grn)
        .await?
        .into_iter()
        .find(|r| r.movement_id == content.movement_id);
    let planned = match reserved {
        // The same use asked again (a new message id): the answer stands, nothing is reserved twice.
        Some(r) => Err(format!(
            "CATS022: guarantee {} already has a use for MRN {} ({:?})",
            content.grn, content.mrn, r.status
        )),
        None => plan_use(app, &content).await?,
    };
    let mut answer = GuaranteeUseResponse {
        mrn: content.mrn.clone(),
        movement_id: content.movement_id,
        grn: content.grn.clone(),
        accepted: false,
        amount_minor: None,
        currency: None,
        reason: None,
    };
    let answer_with = |ledger: Vec<LedgerOp>, answer: &GuaranteeUseResponse, detail: String| {
        let record = copy.clone();
        let answer = answer.clone();
        async move {
            let out = out_message(
                &msg.sender,
                IceType::Cd205c,
                &answer.mrn,
                &answer,
                Uuid::new_v4(),
            )
            .map_err(|e| StoreError::corrupt(e.to_string()))?;
            let applying = Applying {
                kind: IceType::Cd203c,
                record,
                expected_version,
                detail,
                action: "ice.guarantee_use",
                at: msg.received_at,
                ledger,
                out: vec![out],
                attachments: vec![],
            };
            commit(app, &topology.node, msg, applying).await
        }
    };
    let refused = match planned {
        Ok((op, amount_minor, currency)) => {
            let mut accepted = answer.clone();
            accepted.accepted = true;
            accepted.amount_minor = Some(amount_minor);
            accepted.currency = Some(currency);
            let detail = format!(
                "CD203C from node {}: reserved {} {currency} on {} for MRN {} (CD205C accepted)",
                msg.sender,
                cats_domain::ledger::from_minor(amount_minor),
                content.grn,
                content.mrn
            );
            match answer_with(vec![op], &accepted, detail).await {
                Ok(receipt) => return Ok(Ok(receipt)),
                Err(StoreError::Insufficient {
                    grn,
                    requested_minor,
                    available_minor,
                }) => format!(
                    "CATS022: guarantee {grn}: {} to be covered, only {} available",
                    cats_domain::ledger::from_minor(requested_minor),
                    cats_domain::ledger::from_minor(available_minor)
                ),
                Err(StoreError::NotUsable { grn, why }) => {
                    format!("{}: guarantee {grn}: {why}", why.rule_id())
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(reason) => reason,
    };
    answer.reason = Some(refused.clone());
    let detail = format!(
        "CD203C from node {} for MRN {}: refused (CD205C): {refused}",
        msg.sender, content.mrn
    );
    Ok(Ok(answer_with(vec![], &answer, detail).await?))
}

/// The reservation a CD203C asks for, or why it is refused (with the rule id).
async fn plan_use(
    app: &App,
    content: &GuaranteeUseRequest,
) -> Result<Result<(LedgerOp, i64, cats_domain::ids::CurrencyCode), String>, AppError> {
    let grn = &content.grn;
    let Some(g) = app.store().guarantee(grn).await? else {
        return Ok(Err(format!("CATS016: guarantee {grn} does not exist")));
    };
    if !g.access_code_matches(&content.access_code) {
        return Ok(Err(format!(
            "CATS017: the access code does not match guarantee {grn}"
        )));
    }
    if g.holder != content.movement.holder {
        return Ok(Err(format!(
            "CATS020: guarantee {grn} does not cover holder {}",
            content.movement.holder
        )));
    }
    let used = cats_domain::movement::GuaranteeUse {
        grn: grn.clone(),
        amount: cats_domain::ids::Money::new(content.amount, content.currency)
            .map_err(|e| AppError::Invalid(format!("CD203C amount: {e}")))?,
    };
    let rate = if content.currency == g.currency() {
        None
    } else {
        app.store()
            .exchange_rate(content.currency, g.currency(), content.day)
            .await?
            .map(|r| r.rate)
    };
    let c = match cover(&used, g.currency(), rate, content.aeo_share) {
        Ok(c) => c,
        Err(problem) => {
            let why = Unusable::Coverage {
                problem,
                day: content.day,
            };
            return Ok(Err(format!("{}: guarantee {grn}: {why}", why.rule_id())));
        }
    };
    let amount_minor = c.amount.to_minor_units();
    Ok(Ok((
        LedgerOp::Reserve {
            grn: grn.clone(),
            amount_minor,
            basis: ReserveBasis {
                declared_minor: Some(c.declared.to_minor_units()),
                declared_currency: Some(c.declared.currency()),
                rate: c.rate,
                aeo_share: c.aeo_share,
            },
        },
        amount_minor,
        g.currency(),
    )))
}

/// CD204C and CD209C at the node holding the guarantee: credit the use back (cancelled,
/// written off) or turn it into a claim (recovery), on the copy of the movement.
pub(crate) async fn use_end(
    app: &App,
    topology: &Topology,
    msg: &Inbound,
    kind: IceType,
    content: GuaranteeUseEnd,
) -> Result<Applied, AppError> {
    if let Err(r) = correlated(msg, &content.mrn) {
        return Ok(Err(r));
    }
    let expected = match content.end {
        UseEnd::Cancelled => IceType::Cd204c,
        UseEnd::Credited | UseEnd::Claimed => IceType::Cd209c,
    };
    if expected != kind {
        return Ok(Err((
            "CD917C",
            nack(12, format!("{kind} does not carry a use {:?}", content.end)),
        )));
    }
    let copy = app
        .store()
        .movement(content.movement_id)
        .await?
        .filter(|r| r.movement.home.as_ref() == Some(&msg.sender));
    let Some(copy) = copy else {
        let why = format!(
            "no use of a guarantee for MRN {} from node {}",
            content.mrn, msg.sender
        );
        return Ok(Err(("CD906C", nack(90, why))));
    };
    let (op, what) = match content.end {
        UseEnd::Cancelled => (LedgerOp::Credit, "use cancelled, amount available again"),
        UseEnd::Credited => (LedgerOp::Credit, "written off, amount credited back"),
        UseEnd::Claimed => (LedgerOp::Claim, "recovery, the reservation becomes a claim"),
    };
    let detail = format!(
        "{kind} from node {} for MRN {} on {}: {what}",
        msg.sender, content.mrn, content.grn
    );
    let applying = Applying {
        kind,
        record: MovementRecord {
            version: copy.version + 1,
            updated_at: content.at.max(copy.updated_at),
            ..copy.clone()
        },
        expected_version: Some(copy.version),
        detail,
        action: "ice.guarantee_use",
        at: msg.received_at,
        ledger: vec![op],
        out: vec![],
        attachments: vec![],
    };
    Ok(Ok(commit(app, &topology.node, msg, applying).await?))
}
