//! The scenarios every node claiming ICE 1.0 must pass as a receiver (`docs/ice/`): the kit sends
//! anticipated records and updates for a movement departed from one of its offices to an office
//! the target hosts, and checks every answer, including the refusals.

use std::collections::HashMap;

use chrono::Utc;
use serde_json::{json, Value};
use uuid::Uuid;

use cats_domain::ids::{Mrn, OfficeRef, ProcedureLetter};
use cats_domain::movement::MovementState;

use super::kit::{Answer, Kit, Signing};
use super::Report;

/// The corridor declaration the sample movements are made from (content of a CC015C).
const DECLARATION: &str = include_str!("../../../cats-ncts/tests/fixtures/cc015c-corridor.json");

/// A movement departed from the kit's office `from` to the target's office `to`, as released.
pub struct Sample {
    /// Its id.
    pub id: Uuid,
    /// Its MRN.
    pub mrn: Mrn,
    /// The movement as the content of a record carries it.
    pub movement: Value,
    /// The declaration.
    pub declaration: Value,
}

/// A fresh sample movement (`serial` makes its MRN).
pub fn sample(from: &OfficeRef, to: &OfficeRef, serial: u32) -> anyhow::Result<Sample> {
    let (d, declaration) =
        cats_app::lodge::parse_declaration(DECLARATION.as_bytes(), cats_ncts::Format::Json)?;
    let facts =
        cats_domain::rules::facts(&d).map_err(|e| anyhow::anyhow!("sample declaration: {e:?}"))?;
    let body = format!("{}{serial:06}", &from.as_str()[2..]);
    let mrn = Mrn::allocate(2026, &from.country(), &body, ProcedureLetter::J)?;
    let mut m = facts.movement(MovementState::ReleasedForTransit, Some(mrn.clone()));
    m.office_of_departure = from.clone();
    m.office_of_destination = to.clone();
    m.offices_of_transit = vec![];
    m.offices_of_exit = vec![];
    m.released_at = Some(Utc::now());
    m.time_limit = Some(Utc::now() + chrono::Duration::days(14));
    Ok(Sample {
        id: Uuid::new_v4(),
        mrn,
        movement: serde_json::to_value(&m)?,
        // The content of n1:CC015C, as records carry it.
        declaration: declaration.get("n1:CC015C").cloned().unwrap_or(declaration),
    })
}

fn record(s: &Sample, office: &OfficeRef) -> Value {
    json!({
        "mrn": s.mrn, "movementId": s.id, "office": office, "movement": s.movement,
        "declaration": s.declaration, "lodgedAt": Utc::now(),
    })
}

/// Whether `a` is a good receipt with `status` (and, when refused, this refusal).
fn receipt_is(a: &Answer, status: &str, refusal: Option<(&str, i64)>) -> Result<(), String> {
    if a.status != 200 {
        return Err(format!("expected a 200 receipt; {}", a.describe()));
    }
    if !a.receipt_problems.is_empty() {
        return Err(a.receipt_problems.join("; "));
    }
    if a.receipt_status() != Some(status) {
        return Err(format!("expected status {status}; {}", a.describe()));
    }
    if let Some((kind, code)) = refusal {
        if a.refusal() != Some((kind.to_string(), code)) {
            return Err(format!("expected {kind} code {code}; {}", a.describe()));
        }
    }
    Ok(())
}

fn error_is(a: &Answer, status: u16, code: &str) -> Result<(), String> {
    if a.status == status && a.code() == Some(code) {
        Ok(())
    } else {
        Err(format!("expected {status} {code}; {}", a.describe()))
    }
}

/// Run the receiving-side scenarios: the kit's node hosts `from`, the target `to`; `elsewhere`
/// is an office the target does not host and `theirs` one it does as office of departure.
pub async fn receiving(
    kit: &Kit,
    from: &OfficeRef,
    to: &OfficeRef,
    theirs: &OfficeRef,
    report: &mut Report,
) -> anyhow::Result<()> {
    let mut seq: HashMap<String, i64> = HashMap::new();
    let mut next = |mrn: &Mrn| {
        let n = seq.entry(mrn.to_string()).or_insert(0);
        *n += 1;
        *n
    };
    let s = sample(from, to, 1 + (Utc::now().timestamp() % 900_000) as u32)?;
    let m = s.mrn.to_string();

    // 1. An anticipated arrival record is accepted with a signed receipt over its digest.
    let aar = kit.envelope("CD001C", &m, next(&s.mrn), record(&s, to));
    let first = kit.send(&aar, Signing::Proper).await?;
    report.add(
        "anticipated arrival record accepted",
        receipt_is(&first, "accepted", None),
    );

    // 2. The same message again: the original receipt, applied once.
    let again = kit.send(&aar, Signing::Proper).await?;
    report.add(
        "duplicate delivery answered with the original receipt",
        receipt_is(&again, "accepted", None).and_then(|_| {
            (again.text == first.text)
                .then_some(())
                .ok_or_else(|| "the receipt differs from the first one".to_string())
        }),
    );

    // 3. A movement update for the copy.
    let mut moved = s.movement.clone();
    moved["passages"] = json!([]);
    let update = kit.envelope(
        "CA003C",
        &m,
        next(&s.mrn),
        json!({"mrn": s.mrn, "movementId": s.id, "version": 2, "at": Utc::now(), "acknowledged": 0, "movement": moved}),
    );
    report.add(
        "movement update applied to the copy",
        receipt_is(&kit.send(&update, Signing::Proper).await?, "accepted", None),
    );

    // 4. A gap in the sequence: not kept, the sender must send the missing one first.
    let gap = kit.envelope("CA003C", &m, 10, update["content"].clone());
    report.add(
        "out-of-order delivery held back (409 NOT_YET)",
        error_is(&kit.send(&gap, Signing::Proper).await?, 409, "NOT_YET"),
    );

    // 5. A new message reusing a sequence number.
    let reused = kit.envelope("CA003C", &m, 1, update["content"].clone());
    report.add(
        "sequence number reused: CD906C 92",
        receipt_is(
            &kit.send(&reused, Signing::Proper).await?,
            "refused",
            Some(("CD906C", 92)),
        ),
    );

    // 6–10. Signatures and freshness.
    let probe = |kind: &str| kit.envelope(kind, &m, 99, update["content"].clone());
    for (name, signing, code) in [
        (
            "signed by a key that is not the sender's",
            Signing::Stranger,
            "BAD_SIGNATURE",
        ),
        ("tampered after signing", Signing::Tampered, "BAD_SIGNATURE"),
        ("no signature", Signing::None, "BAD_SIGNATURE"),
        (
            "signed an hour ago (expired)",
            Signing::Aged(3600),
            "EXPIRED",
        ),
        ("signed an hour ahead", Signing::Aged(-3600), "EXPIRED"),
    ] {
        let a = kit.send(&probe("CA003C"), signing).await?;
        report.add(&format!("{name}: 401 {code}"), error_is(&a, 401, code));
    }

    // 11. A node that is not a peer.
    let mut stranger = probe("CA003C");
    stranger["sender"] = json!("ZZ-NOT-A-PEER");
    report.add(
        "unknown peer: 401 UNKNOWN_PEER",
        error_is(
            &kit.send(&stranger, Signing::Proper).await?,
            401,
            "UNKNOWN_PEER",
        ),
    );

    // 12. For another node.
    let mut elsewhere_node = probe("CA003C");
    elsewhere_node["recipient"] = json!("ZZ-ELSEWHERE");
    report.add(
        "wrong recipient: 400 WRONG_RECIPIENT",
        error_is(
            &kit.send(&elsewhere_node, Signing::Proper).await?,
            400,
            "WRONG_RECIPIENT",
        ),
    );

    // 13. Not JSON.
    report.add(
        "body that is not JSON: 400 MALFORMED",
        error_is(
            &kit.send_bytes(b"<CD001C/>", Signing::Proper).await?,
            400,
            "MALFORMED",
        ),
    );

    // 14–15. Content failing its schema; a message type that does not exist.
    let s2 = sample(from, to, 1 + (Utc::now().timestamp() % 900_000 + 1) as u32)?;
    let mut broken = record(&s2, to);
    broken.as_object_mut().map(|o| o.remove("movement"));
    let bad = kit.envelope("CD001C", s2.mrn.as_str(), next(&s2.mrn), broken);
    report.add(
        "content failing its schema: CD917C",
        receipt_is(
            &kit.send(&bad, Signing::Proper).await?,
            "refused",
            Some(("CD917C", 12)),
        ),
    );
    let unknown = kit.envelope("CD999C", s2.mrn.as_str(), next(&s2.mrn), record(&s2, to));
    report.add(
        "unknown message type: CD917C",
        receipt_is(
            &kit.send(&unknown, Signing::Proper).await?,
            "refused",
            Some(("CD917C", 12)),
        ),
    );

    // 16. The content's MRN is not the envelope's.
    let s3 = sample(from, to, 1 + (Utc::now().timestamp() % 900_000 + 2) as u32)?;
    let mismatch = kit.envelope("CD001C", s2.mrn.as_str(), next(&s2.mrn), record(&s3, to));
    report.add(
        "MRN not the envelope's correlation: CD906C 93",
        receipt_is(
            &kit.send(&mismatch, Signing::Proper).await?,
            "refused",
            Some(("CD906C", 93)),
        ),
    );

    // 17. A record for an office the target does not host.
    let not_hosted = kit.envelope("CD050C", s3.mrn.as_str(), next(&s3.mrn), record(&s3, from));
    report.add(
        "record for an office the receiver does not host: CD906C 12",
        receipt_is(
            &kit.send(&not_hosted, Signing::Proper).await?,
            "refused",
            Some(("CD906C", 12)),
        ),
    );

    // 18. A record whose office of departure is not the sender's.
    let mut theirs_sample = sample(
        theirs,
        to,
        1 + (Utc::now().timestamp() % 900_000 + 3) as u32,
    )?;
    theirs_sample.movement["office_of_departure"] = json!(theirs);
    let foreign = kit.envelope(
        "CD001C",
        theirs_sample.mrn.as_str(),
        next(&theirs_sample.mrn),
        record(&theirs_sample, to),
    );
    report.add(
        "record for a departure the sender does not host: CD906C 12",
        receipt_is(
            &kit.send(&foreign, Signing::Proper).await?,
            "refused",
            Some(("CD906C", 12)),
        ),
    );

    // 19. An office action about a movement the target did not release.
    let s4 = sample(from, to, 1 + (Utc::now().timestamp() % 900_000 + 4) as u32)?;
    let action = |s: &Sample, office: &OfficeRef, kind: &str| {
        json!({"mrn": s.mrn, "movementId": s.id, "at": Utc::now(), "officer": "conformance.kit",
               "action": {"action": kind, "office": office}})
    };
    let unknown_mrn = kit.envelope(
        "CD118C",
        s4.mrn.as_str(),
        next(&s4.mrn),
        action(&s4, from, "entry"),
    );
    report.add(
        "office action for an unknown movement: CD906C 90",
        receipt_is(
            &kit.send(&unknown_mrn, Signing::Proper).await?,
            "refused",
            Some(("CD906C", 90)),
        ),
    );

    // 20. An office action sent to a node that only holds a copy.
    let on_copy = kit.envelope("CD006C", &m, next(&s.mrn), action(&s, from, "arrival"));
    report.add(
        "office action sent to a copy's holder: CD906C 90",
        receipt_is(
            &kit.send(&on_copy, Signing::Proper).await?,
            "refused",
            Some(("CD906C", 90)),
        ),
    );

    // 21. An update for a copy the target does not hold.
    let no_copy = kit.envelope(
        "CA003C",
        s4.mrn.as_str(),
        next(&s4.mrn),
        json!({"mrn": s4.mrn, "movementId": s4.id, "version": 2, "at": Utc::now(), "acknowledged": 0, "movement": s4.movement}),
    );
    report.add(
        "update for a copy the receiver does not hold: CD906C 90",
        receipt_is(
            &kit.send(&no_copy, Signing::Proper).await?,
            "refused",
            Some(("CD906C", 90)),
        ),
    );
    Ok(())
}
