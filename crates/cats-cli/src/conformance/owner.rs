//! The scenarios of the node of departure (`cats conformance --self` only, where the kit can
//! lodge and release at the node it tests): release sends the anticipated records, the crossing,
//! exit and arrival notifications and the destination control results come back, and the node
//! writes off and credits the guarantee.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde_json::{json, Value};

use cats_app::{act, lodge, Actor, App};
use cats_domain::ids::{Grn, Mrn, NodeId};
use cats_domain::movement::{Action, MovementState};
use cats_ice::envelope::{sign, verify, MESSAGES_PATH, SIGNATURE_HEADER};

use super::kit::{receipt, Kit, Signing};
use super::Report;

/// What the kit's own endpoint received from the target (envelopes whose signature verified).
#[derive(Clone)]
pub struct Inbox {
    me: NodeId,
    key: SigningKey,
    target_key: VerifyingKey,
    /// The envelopes, in order of arrival.
    pub received: Arc<Mutex<Vec<Value>>>,
}

impl Inbox {
    /// An endpoint for `me` accepting what `target_key` signed.
    pub fn new(me: NodeId, key: SigningKey, target_key: VerifyingKey) -> Self {
        Self {
            me,
            key,
            target_key,
            received: Arc::default(),
        }
    }

    /// The router of the kit's endpoint.
    pub fn router(self) -> axum::Router {
        axum::Router::new()
            .route(MESSAGES_PATH, axum::routing::post(accept))
            .with_state(self)
    }

    fn types(&self, mrn: &Mrn) -> Vec<String> {
        self.received
            .lock()
            .expect("inbox lock")
            .iter()
            .filter(|e| e["correlation"] == mrn.as_str())
            .filter_map(|e| e["messageType"].as_str().map(str::to_string))
            .collect()
    }
}

async fn accept(
    axum::extract::State(inbox): axum::extract::State<Inbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let now = Utc::now();
    if verify(
        signature,
        &body,
        &inbox.target_key,
        now,
        chrono::Duration::minutes(5),
    )
    .is_err()
    {
        return (StatusCode::UNAUTHORIZED, "bad signature").into_response();
    }
    let Ok(envelope) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "not JSON").into_response();
    };
    let problems = cats_ice::schema::check_envelope(&envelope);
    let text = receipt(&inbox.me, &envelope, &body, now);
    if problems.is_empty() {
        let mut received = inbox.received.lock().expect("inbox lock");
        if !received
            .iter()
            .any(|e| e["messageId"] == envelope["messageId"])
        {
            received.push(envelope);
        }
    } else {
        tracing::warn!(?problems, "conformance kit: a message failing its schema");
        return (StatusCode::BAD_REQUEST, problems.join("; ")).into_response();
    }
    let header = sign(&inbox.key, now.timestamp(), text.as_bytes());
    (
        StatusCode::OK,
        [(SIGNATURE_HEADER, header)],
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        text,
    )
        .into_response()
}

/// The corridor declaration from Aktau (KZAAU001) to Tbilisi (GETBS001) through Alat
/// (AZALA001, transit), Qazax (AZQAZ001, exit) and Red Bridge (GERBR001, transit).
fn aktau_tbilisi(lrn: &str) -> Value {
    let text = include_str!("../../../cats-ncts/tests/fixtures/cc015c-corridor.json");
    let mut d: Value = serde_json::from_str(text).expect("fixture");
    let root = &mut d["n1:CC015C"];
    root["TransitOperation"]["LRN"] = json!(lrn);
    root["CustomsOfficeOfDeparture"]["referenceNumber"] = json!("KZAAU001");
    root["CustomsOfficeOfDestinationDeclared"]["referenceNumber"] = json!("GETBS001");
    root["CustomsOfficeOfExitForTransitDeclared"] =
        json!([{"sequenceNumber": 1, "referenceNumber": "AZQAZ001"}]);
    root["Consignment"]["ActiveBorderTransportMeans"][0]["customsOfficeAtBorderReferenceNumber"] =
        json!("AZALA001");
    d
}

async fn wait(what: impl Fn() -> bool) -> bool {
    for _ in 0..200 {
        if what() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// The next envelope from the kit about `mrn` (its sequence numbers counted in `sequence`).
fn next_request(kit: &Kit, mrn: &Mrn, sequence: &mut i64, kind: &str, content: Value) -> Value {
    *sequence += 1;
    kit.envelope(kind, mrn.as_str(), *sequence, content)
}

/// Lodge and release at `target` (the node under test, hosting KZ), then play the peers hosting
/// AZ and GE through `kit`.
pub async fn departure(
    target: &App,
    kit: &Kit,
    inbox: &Inbox,
    report: &mut Report,
) -> anyhow::Result<()> {
    let actor = Actor::System("conformance".into());
    let lrn = format!("CK-{}", Utc::now().timestamp() % 10_000_000);
    let body = aktau_tbilisi(&lrn).to_string();
    let lodged = lodge::lodge(
        target,
        &actor,
        body.as_bytes(),
        cats_ncts::Format::Json,
        Utc::now(),
    )
    .await?;
    let id = lodged.record.id;
    let Some(mrn) = lodged.record.movement.mrn.clone() else {
        anyhow::bail!("the sample declaration was rejected: {:?}", lodged.failures);
    };
    let release = Action::Release {
        office: "KZAAU001".parse()?,
        override_reason: Some("conformance kit".into()),
    };
    act::act(target, &actor, id, release, &Value::Null, Utc::now()).await?;
    let records = wait(|| {
        let mut t = inbox.types(&mrn);
        t.sort();
        t == ["CD001C", "CD050C", "CD050C", "CD160C"]
    })
    .await;
    report.add(
        "release sends the AAR, an ATR per office of transit and the exit record, signed",
        if records {
            Ok(())
        } else {
            Err(format!("received {:?}", inbox.types(&mrn)))
        },
    );
    let mut sequence = 0;
    let act = |action: &str, office: &str| {
        json!({"mrn": mrn, "movementId": id, "at": Utc::now(), "officer": "conformance.kit",
               "action": {"action": action, "office": office}})
    };

    let mut all_accepted = Ok(());
    for (kind, action, office) in [
        ("CD118C", "entry", "AZALA001"),
        ("CD168C", "exit", "AZQAZ001"),
        ("CD118C", "entry", "GERBR001"),
    ] {
        let a = kit
            .send(
                &next_request(kit, &mrn, &mut sequence, kind, act(action, office)),
                Signing::Proper,
            )
            .await?;
        if a.receipt_status() != Some("accepted") || !a.receipt_problems.is_empty() {
            all_accepted = Err(format!("{kind} at {office}: {}", a.describe()));
        }
    }
    let record = target.store().movement(id).await?;
    let passages = record.as_ref().map_or(0, |r| r.movement.passages.len());
    report.add(
        "crossing (CD118C) and exit (CD168C) notifications applied at departure",
        all_accepted.and_then(|_| {
            (passages == 3)
                .then_some(())
                .ok_or(format!("{passages} passages recorded, 3 expected"))
        }),
    );
    let updates = wait(|| inbox.types(&mrn).iter().filter(|t| *t == "CA003C").count() >= 3).await;
    report.add(
        "every change sent back to the copies (CA003C)",
        if updates {
            Ok(())
        } else {
            Err(format!("received {:?}", inbox.types(&mrn)))
        },
    );
    let incident = json!({
        "mrn": mrn, "movementId": id, "at": Utc::now(), "officer": "conformance.kit",
        "action": {"action": "incident", "office": "AZALA001",
                   "text": "conformance kit: trailer damaged, goods moved to another truck"},
    });
    let envelope = next_request(kit, &mrn, &mut sequence, "CD180C", incident);
    let a = kit.send(&envelope, Signing::Proper).await?;
    let incidents = target
        .store()
        .movement(id)
        .await?
        .map_or(0, |r| r.movement.incidents.len());
    let forwarded = wait(|| inbox.types(&mrn).iter().any(|t| t == "CD181C")).await;
    report.add(
        "incident (CD180C): applied at departure, forwarded to the copies (CD181C)",
        if a.receipt_status() == Some("accepted") && incidents == 1 && forwarded {
            Ok(())
        } else {
            Err(format!(
                "{}; {incidents} incident(s); received {:?}",
                a.describe(),
                inbox.types(&mrn)
            ))
        },
    );
    let question = kit.envelope(
        "CD027C",
        &cats_app::ice::query::question_correlation(),
        1,
        json!({ "mrn": mrn }),
    );
    let q = kit.send(&question, Signing::Proper).await?;
    report.add(
        "movement query (CD027C): the movement in the signed receipt (CD038C)",
        if q.body["answer"]["known"] == true
            && q.body["answer"]["movement"]["state"] == "ReleasedForTransit"
            && q.receipt_problems.is_empty()
        {
            Ok(())
        } else {
            Err(q.describe())
        },
    );
    // The goods turn up at an office off the declared route (Poti): its node asks for the
    // record, as an office of transit (route change) and as an office of destination (diversion).
    for (kind, answer, name) in [
        (
            "CD114C",
            "CD115C",
            "route change (CD114C): the record comes back (CD115C)",
        ),
        (
            "CD002C",
            "CD003C",
            "diversion (CD002C): the record comes back (CD003C)",
        ),
    ] {
        let request = json!({"mrn": mrn, "office": "GEPTI001", "at": Utc::now()});
        let envelope = next_request(kit, &mrn, &mut sequence, kind, request);
        let a = kit.send(&envelope, Signing::Proper).await?;
        let back = wait(|| inbox.types(&mrn).iter().any(|t| t == answer)).await;
        report.add(
            name,
            if a.receipt_status() == Some("accepted") && back {
                Ok(())
            } else {
                Err(format!(
                    "{}; received {:?}",
                    a.describe(),
                    inbox.types(&mrn)
                ))
            },
        );
    }
    let stranger =
        super::scenarios::sample(&"GETBS001".parse()?, &"KZAAU001".parse()?, 999_999)?.mrn;
    let unknown = kit
        .send(
            &kit.envelope(
                "CD002C",
                stranger.as_str(),
                1,
                json!({"mrn": stranger, "office": "GEPTI001", "at": Utc::now()}),
            ),
            Signing::Proper,
        )
        .await?;
    report.add(
        "an AAR request for an MRN the node does not know: CD906C 90",
        match unknown.refusal() {
            Some((k, 90)) if k == "CD906C" => Ok(()),
            _ => Err(unknown.describe()),
        },
    );
    let foreign = kit
        .send(
            &next_request(kit, &mrn, &mut sequence, "CD118C", act("entry", "KZAAU001")),
            Signing::Proper,
        )
        .await?;
    report.add(
        "an action at an office the sender does not host: CD906C 12",
        match foreign.refusal() {
            Some((k, 12)) if k == "CD906C" => Ok(()),
            _ => Err(foreign.describe()),
        },
    );
    for (kind, action) in [("CD006C", "arrival"), ("CD018C", "goods_release")] {
        kit.send(
            &next_request(kit, &mrn, &mut sequence, kind, act(action, "GETBS001")),
            Signing::Proper,
        )
        .await?;
    }
    let record = target.store().movement(id).await?;
    let grn = Grn::parse("25KZ0000SRI000010")?;
    let exposure = target
        .store()
        .guarantee(&grn)
        .await?
        .map_or(-1, |g| g.running_total_minor);
    let state = record.map(|r| r.movement.state);
    report.add(
        "arrival advice and destination control results: written off, guarantee credited",
        if state == Some(MovementState::WrittenOff) && exposure == 0 {
            Ok(())
        } else {
            Err(format!(
                "state {state:?}, exposure {exposure} (minor units)"
            ))
        },
    );
    let late = kit
        .send(
            &next_request(kit, &mrn, &mut sequence, "CD118C", act("entry", "AZALA001")),
            Signing::Proper,
        )
        .await?;
    report.add(
        "a step after write-off: CD906C 92 (out of sequence)",
        match late.refusal() {
            Some((k, 92)) if k == "CD906C" => Ok(()),
            _ => Err(late.describe()),
        },
    );
    Ok(())
}
