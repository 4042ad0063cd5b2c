//! The scenarios of the node holding a guarantee (chain guarantee) and of the questions
//! (`cats conformance --self` only, where the kit knows the target's demo guarantees): the check
//! (CD200C), the use (CD203C answered by CD205C), its refusal when it would overdraw, the credit
//! (CD209C), the cancellation (CD204C, CD010C), the status request (CD094C) and the enquiry
//! (CD142C answered by CD143C).

use std::time::Duration;

use chrono::Utc;
use serde_json::{json, Value};

use cats_app::App;
use cats_domain::ids::{Grn, Mrn, OfficeRef};
use cats_domain::movement::MovementState;

use super::kit::{Answer, Kit, Signing};
use super::owner::Inbox;
use super::scenarios::{sample, Sample};
use super::Report;

/// Silk Way's demo guarantee at the target (1,000,000.00 USD, access code 1111).
const GRN: &str = "25KZ0000SRI000010";

/// The content of the first envelope of `kind` received for `mrn`, waiting up to 10 s.
async fn received(inbox: &Inbox, mrn: &Mrn, kind: &str) -> Option<Value> {
    for _ in 0..200 {
        let found = inbox
            .received
            .lock()
            .expect("inbox lock")
            .iter()
            .find(|e| e["correlation"] == mrn.as_str() && e["messageType"] == kind)
            .map(|e| e["content"].clone());
        if found.is_some() {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

async fn exposure(target: &App) -> anyhow::Result<i64> {
    let grn = Grn::parse(GRN)?;
    Ok(target
        .store()
        .guarantee(&grn)
        .await?
        .map_or(-1, |g| g.running_total_minor))
}

fn accepted(a: &Answer) -> Result<(), String> {
    if a.receipt_status() == Some("accepted") && a.receipt_problems.is_empty() {
        Ok(())
    } else {
        Err(a.describe())
    }
}

/// A CD203C for sample `s` (departed from the kit's office, not yet released) for `amount` USD.
fn use_request(s: &Sample, amount: &str) -> Value {
    let mut movement = s.movement.clone();
    movement["state"] = json!("Accepted");
    movement["released_at"] = Value::Null;
    movement["time_limit"] = Value::Null;
    json!({
        "mrn": s.mrn, "movementId": s.id, "grn": GRN, "accessCode": "1111",
        "amount": amount, "currency": "USD", "day": Utc::now().date_naive(),
        "movement": movement, "declaration": s.declaration, "lodgedAt": Utc::now(),
    })
}

/// Play a node of departure using a guarantee the target holds, and ask it questions.
pub async fn guarantee_holder(
    target: &App,
    kit: &Kit,
    inbox: &Inbox,
    from: &OfficeRef,
    report: &mut Report,
) -> anyhow::Result<()> {
    let destination: OfficeRef = "GETBS001".parse()?;
    let question = |kind: &str, content: Value| {
        kit.envelope(
            kind,
            &cats_app::ice::query::question_correlation(),
            1,
            content,
        )
    };
    let check = |code: &str| {
        question(
            "CD200C",
            json!({"grn": GRN, "accessCode": code, "holder": "KZ840000123456",
                   "day": Utc::now().date_naive()}),
        )
    };
    let a = kit.send(&check("1111"), Signing::Proper).await?;
    let answer = &a.body["answer"];
    report.add(
        "guarantee check (CD200C): the CD201C content in the signed receipt",
        accepted(&a).and_then(|_| {
            (answer["known"] == true
                && answer["accessCodeMatches"] == true
                && answer["guarantee"]["currency"] == "USD")
                .then_some(())
                .ok_or_else(|| a.describe())
        }),
    );
    let a = kit.send(&check("9999"), Signing::Proper).await?;
    report.add(
        "guarantee check with a wrong access code: accessCodeMatches false",
        accepted(&a).and_then(|_| {
            (a.body["answer"]["accessCodeMatches"] == false)
                .then_some(())
                .ok_or_else(|| a.describe())
        }),
    );

    let before = exposure(target).await?;
    let used = sample(from, &destination, 900_001)?;
    let a = kit
        .send(
            &kit.envelope(
                "CD203C",
                used.mrn.as_str(),
                1,
                use_request(&used, "25000.00"),
            ),
            Signing::Proper,
        )
        .await?;
    let answer = received(inbox, &used.mrn, "CD205C").await;
    let now = exposure(target).await?;
    report.add(
        "guarantee use (CD203C): reserved at the holder, CD205C accepted",
        accepted(&a).and_then(|_| match &answer {
            Some(c) if c["accepted"] == true && now - before == 2_500_000 => Ok(()),
            other => Err(format!("CD205C {other:?}, exposure {before} → {now}")),
        }),
    );
    let greedy = sample(from, &destination, 900_002)?;
    kit.send(
        &kit.envelope(
            "CD203C",
            greedy.mrn.as_str(),
            1,
            use_request(&greedy, "5000000.00"),
        ),
        Signing::Proper,
    )
    .await?;
    let answer = received(inbox, &greedy.mrn, "CD205C").await;
    let after = exposure(target).await?;
    report.add(
        "a use that would overdraw the guarantee: CD205C refused (CATS022), nothing reserved",
        match &answer {
            Some(c)
                if c["accepted"] == false
                    && c["reason"]
                        .as_str()
                        .is_some_and(|r| r.starts_with("CATS022"))
                    && after == now =>
            {
                Ok(())
            }
            other => Err(format!("CD205C {other:?}, exposure {now} → {after}")),
        },
    );
    let end = |s: &Sample, end: &str| json!({"mrn": s.mrn, "movementId": s.id, "grn": GRN, "end": end, "at": Utc::now()});
    let a = kit
        .send(
            &kit.envelope("CD209C", used.mrn.as_str(), 2, end(&used, "credited")),
            Signing::Proper,
        )
        .await?;
    let credited = exposure(target).await?;
    report.add(
        "credit of the reference amount (CD209C) at write-off: available again",
        accepted(&a).and_then(|_| {
            (credited == before)
                .then_some(())
                .ok_or(format!("exposure {before} → {credited}"))
        }),
    );

    let cancelled = sample(from, &destination, 900_003)?;
    let mrn = cancelled.mrn.as_str();
    kit.send(
        &kit.envelope("CD203C", mrn, 1, use_request(&cancelled, "1000.00")),
        Signing::Proper,
    )
    .await?;
    let a = kit
        .send(
            &kit.envelope("CD204C", mrn, 2, end(&cancelled, "cancelled")),
            Signing::Proper,
        )
        .await?;
    let mut movement = cancelled.movement.clone();
    movement["state"] = json!("Invalidated");
    movement["released_at"] = Value::Null;
    let b = kit
        .send(
            &kit.envelope(
                "CD010C",
                mrn,
                3,
                json!({"mrn": mrn, "movementId": cancelled.id, "version": 3, "at": Utc::now(),
                       "acknowledged": 1, "movement": movement}),
            ),
            Signing::Proper,
        )
        .await?;
    let copy = target.store().movement(cancelled.id).await?;
    let state = copy.map(|c| c.movement.state);
    let left = exposure(target).await?;
    report.add(
        "cancellation (CD204C, CD010C): the use cancelled, the copy invalidated",
        accepted(&a).and(accepted(&b)).and_then(|_| {
            (left == before && state == Some(MovementState::Invalidated))
                .then_some(())
                .ok_or(format!("exposure {before} → {left}, copy {state:?}"))
        }),
    );

    let a = kit
        .send(&question("CD094C", json!({})), Signing::Proper)
        .await?;
    report.add(
        "status request (CD094C): the CD095C content in the signed receipt",
        accepted(&a).and_then(|_| {
            (a.body["answer"]["node"] == kit.target_node.as_str()
                && a.body["answer"]["version"] == "1.0")
                .then_some(())
                .ok_or_else(|| a.describe())
        }),
    );

    // The kit's country decides an AEO registration: the target keeps it (mutual recognition).
    let today = Utc::now().date_naive();
    let registration = json!({
        "id": uuid::Uuid::new_v4(), "version": 1, "party": "AZ1402345678", "register": "aeo",
        "name": "Caspian Forwarding LLC", "address": "Baku", "country": "AZ",
        "contact": {"name": "", "email": ""}, "status": "approved",
        "valid_from": today, "valid_to": today + chrono::Duration::days(365),
        "reason": null, "decided_by": "conformance.kit",
        "submitted_at": Utc::now(), "updated_at": Utc::now(),
    });
    let a = kit
        .send(
            &kit.envelope(
                "CA004C",
                &format!("N-{}", uuid::Uuid::new_v4()),
                1,
                json!({ "registration": registration, "at": Utc::now() }),
            ),
            Signing::Proper,
        )
        .await?;
    let party: cats_domain::ids::Eori = "AZ1402345678".parse()?;
    let aeo = cats_app::standing::standing(target, &party, today)
        .await?
        .aeo;
    report.add(
        "AEO register change (CA004C): kept, the party is an AEO there too",
        accepted(&a).and_then(|_| aeo.then_some(()).ok_or("not an AEO at the target".into())),
    );

    // A risk alert: the target selects with the kit's profile too.
    let alert = json!({
        "profile": {"id": "P-7777", "description": "conformance kit alert", "hs_prefix": "8407",
                    "control_type": "physical"},
        "version": 1, "retired": false, "analyst": "conformance.kit", "at": Utc::now(),
    });
    let a = kit
        .send(
            &kit.envelope("CA005C", &format!("N-{}", uuid::Uuid::new_v4()), 1, alert),
            Signing::Proper,
        )
        .await?;
    let shared = cats_app::ice::risk_alerts::shared_id(&kit.me, "P-7777");
    let policy = cats_app::risk_profiles::policy_now(target).await?;
    report.add(
        "risk alert (CA005C): the profile in force at the target",
        accepted(&a).and_then(|_| {
            policy
                .profiles
                .iter()
                .any(|p| p.id == shared)
                .then_some(())
                .ok_or(format!("no profile {shared} at the target"))
        }),
    );

    // A request for recovery: the target keeps it on a copy for its officers to answer.
    let asked = sample(from, &destination, 900_005)?;
    let mut movement = asked.movement.clone();
    movement["state"] = json!("UnderEnquiry");
    let a = kit
        .send(
            &kit.envelope(
                "CD150C",
                asked.mrn.as_str(),
                1,
                json!({"mrn": asked.mrn, "movementId": asked.id, "country": "KZ",
                       "reason": "conformance kit: goods missing after Aktau", "at": Utc::now(),
                       "movement": movement, "declaration": asked.declaration,
                       "lodgedAt": Utc::now()}),
            ),
            Signing::Proper,
        )
        .await?;
    let kept = target.store().movement(asked.id).await?;
    let requests = kept
        .map(|r| r.movement.recovery_requests)
        .unwrap_or_default();
    report.add(
        "request for recovery (CD150C): kept for the target's officers",
        accepted(&a).and_then(|_| {
            (requests.first().is_some_and(|r| r.country.as_str() == "KZ"))
                .then_some(())
                .ok_or(format!("requests kept: {requests:?}"))
        }),
    );

    // An enquiry about a movement whose record the target has.
    let theirs: OfficeRef = "KZAAU001".parse()?;
    let s = sample(from, &theirs, 900_004)?;
    let record = json!({"mrn": s.mrn, "movementId": s.id, "office": theirs, "movement": s.movement,
                        "declaration": s.declaration, "lodgedAt": Utc::now()});
    kit.send(
        &kit.envelope("CD001C", s.mrn.as_str(), 1, record),
        Signing::Proper,
    )
    .await?;
    let a = kit
        .send(
            &kit.envelope(
                "CD142C",
                s.mrn.as_str(),
                2,
                json!({"mrn": s.mrn, "movementId": s.id, "office": theirs,
                       "timeLimit": Utc::now(), "at": Utc::now()}),
            ),
            Signing::Proper,
        )
        .await?;
    let answer = received(inbox, &s.mrn, "CD143C").await;
    report.add(
        "enquiry (CD142C): what the node knows comes back (CD143C)",
        accepted(&a).and_then(|_| match &answer {
            Some(c) if c["source"] == "copy" && c["arrived"] == false => Ok(()),
            other => Err(format!("CD143C {other:?}")),
        }),
    );
    Ok(())
}
