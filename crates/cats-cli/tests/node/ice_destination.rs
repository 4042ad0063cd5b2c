//! ICE at destination (issue 12): a passage recorded from paper while the record is missing, and
//! the trader's arrival and unloading remarks at the node of destination, all reach the node of
//! departure.

use reqwest::StatusCode;
use serde_json::Value;

use crate::ice::{assert_written_off_and_credited, carry_to_tbilisi, offices, released, CORRIDOR};
use crate::ice_kit::IceNetwork;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_passage_recorded_from_paper_is_applied_when_the_record_arrives() {
    let mut net = IceNetwork::start(CORRIDOR).await;
    // Azerbaijan's node is down at release, then Kazakhstan's: Alat has no record when the
    // truck comes, only the paper transit accompanying document.
    net.kill("AZ");
    let id = released(&net, "ICE-PAPER-1").await;
    let (_, m) = net
        .get("KZ", "officer.kz", &format!("/movements/departures/{id}"))
        .await;
    let mrn = m["mrn"].as_str().unwrap().to_string();
    net.kill("KZ");
    net.restart("AZ").await;
    let (status, _) = net
        .get("AZ", "officer.az", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no record at Alat yet");
    let (client, base, token) = {
        let az = net.node("AZ");
        (
            net.client.clone(),
            az.base(),
            az.tokens["officer.az"].clone(),
        )
    };
    let paper = |office: &str| {
        client
            .post(format!("{base}/ice/fallback"))
            .bearer_auth(&token)
            .json(&serde_json::json!({
                "mrn": mrn, "passage": "entry", "office": office,
                "remarks": "TAD seen at Alat, seals intact"
            }))
    };
    let (status, pending) = net.call(paper("AZALA001")).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{pending}");
    assert_eq!(pending["status"], "pending");
    // Not for an office of another node, nor by a trader.
    let (status, _) = net.call(paper("GERBR001")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Kazakhstan's node is back: its records reach Alat, the passage is applied and goes home.
    net.restart("KZ").await;
    let m = net
        .wait_movement(
            "KZ",
            "officer.kz",
            &id,
            45,
            "entry at Alat from paper",
            |m| offices(m) == ["AZALA001"],
        )
        .await;
    assert_eq!(m["state"], "ReleasedForTransit");
    let (_, list) = net.get("AZ", "officer.az", "/ice/fallback").await;
    assert_eq!(list["passages"][0]["status"], "applied", "{list}");
    // Now the record is here: a passage is recorded on the movement, not from paper.
    let (status, _) = net.call(paper("AZALA001")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    carry_to_tbilisi(&net, &id, 1).await;
    assert_written_off_and_credited(&net, &id).await;
}

/// POST an NCTS XML message at node `name` as `user`.
async fn post_xml(
    net: &IceNetwork,
    name: &str,
    user: &str,
    path: &str,
    xml: String,
) -> (StatusCode, Value) {
    let n = net.node(name);
    net.call(
        net.client
            .post(format!("{}{path}", n.base()))
            .bearer_auth(&n.tokens[user])
            .header("Content-Type", "application/xml")
            .body(xml),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_traders_arrival_and_unloading_remarks_at_destination_travel_home() {
    let net = IceNetwork::start(CORRIDOR).await;
    let id = released(&net, "ICE-CC044-1").await;
    net.wait_movement("GE", "officer.ge", &id, 20, "AAR at Tbilisi", |m| {
        m["state"] == "ReleasedForTransit"
    })
    .await;
    let (_, m) = net
        .get("KZ", "officer.kz", &format!("/movements/departures/{id}"))
        .await;
    let mrn = m["mrn"].as_str().unwrap().to_string();
    // At the departure node, an arrival at an office hosted in Georgia is refused.
    let (status, _) = post_xml(
        &net,
        "KZ",
        "silkway",
        "/movements/arrivals",
        crate::common::cc007c(&mrn, "GETBS001", "1"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // At Tbilisi's node: CC007C under the simplified procedure (CC043C), then conform CC044C.
    let (status, body) = post_xml(
        &net,
        "GE",
        "silkway",
        "/movements/arrivals",
        crate::common::cc007c(&mrn, "GETBS001", "1"),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    net.wait_movement("KZ", "officer.kz", &id, 20, "CD006C at Aktau", |m| {
        m["state"] == "Arrived"
    })
    .await;
    let (status, body) = post_xml(
        &net,
        "GE",
        "silkway",
        &format!("/movements/arrivals/{id}/messages"),
        crate::common::cc044c(&mrn, "GETBS001", "1", "1"),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    net.wait_movement(
        "KZ",
        "officer.kz",
        &id,
        20,
        "CD018C: written off at Aktau",
        |m| m["state"] == "WrittenOff",
    )
    .await;
    let (_, g) = net
        .get("KZ", "silkway", "/guarantees/25KZ0000SRI000010")
        .await;
    assert_eq!(g["exposure"], "0.00", "{g}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_photo_of_a_control_at_alat_reaches_aktau_with_its_bytes() {
    let net = IceNetwork::start(CORRIDOR).await;
    let id = released(&net, "ICE-PHOTO-1").await;
    net.wait_movement("AZ", "officer.az", &id, 20, "the ATR at Alat", |_| true)
        .await;
    let az = net.node("AZ");
    let (status, body) = net
        .call(
            net.client
                .post(format!(
                    "{}/movements/departures/{id}/customs/control-result",
                    az.base()
                ))
                .bearer_auth(&az.tokens["officer.az"])
                .json(&serde_json::json!({
                    "office": "AZALA001", "result": "A1", "controlType": "documentary",
                    "remarks": "documents checked at the port"
                })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let photo: Vec<u8> = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR a photo taken at Alat"
        .iter()
        .copied()
        .chain(std::iter::repeat_n(7u8, 300_000))
        .collect();
    let (status, meta) = net
        .call(
            net.client
                .post(format!(
                    "{}/movements/departures/{id}/controls/1/attachments?filename=alat.png",
                    az.base()
                ))
                .bearer_auth(&az.tokens["officer.az"])
                .header("Content-Type", "image/png")
                .body(photo.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{meta}");
    // Aktau has the record with the attachment (CA001C, then CA006C) and its bytes.
    let m = net
        .wait_movement("KZ", "officer.kz", &id, 20, "the photo at Aktau", |m| {
            m["controls"][0]["attachments"][0]["id"] == meta["id"]
        })
        .await;
    assert_eq!(m["controls"][0]["office"], "AZALA001", "{m}");
    let kz = net.node("KZ");
    let download = net
        .client
        .get(format!(
            "{}/movements/departures/{id}/controls/1/attachments/{}",
            kz.base(),
            meta["id"].as_str().unwrap()
        ))
        .bearer_auth(&kz.tokens["officer.kz"])
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(
        download.bytes().await.unwrap().to_vec(),
        photo,
        "the same bytes"
    );
}
