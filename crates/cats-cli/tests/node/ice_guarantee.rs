//! The chain guarantee over ICE (issue 12): Caspian Forwarding's guarantee is registered in
//! Kazakhstan (25KZ…, held by node KZ) and used for movements leaving Alat (node AZ). The use is
//! asked for at release (CD203C) and answered (CD205C), the write-off credits it (CD209C); the
//! running total stays on node KZ, so a second movement that would overdraw it is refused there
//! although node AZ's own register would have let it through.

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::caspian;
use crate::ice::{offices, CORRIDOR};
use crate::ice_kit::IceNetwork;

const GRN: &str = "25KZ0000SRI000020";

/// Caspian's corridor declaration leaving Alat (AZALA001) for Poti (GEPTI001), through the
/// office of exit Qazax (AZQAZ001) and the office of transit Red Bridge (GERBR001).
pub(crate) fn alat_poti(lrn: &str, amount: &str) -> String {
    let xml = caspian(lrn, amount)
        .replace("NTA.KZ", "NTA.AZ")
        .replace(
            "<referenceNumber>KZHOR001</referenceNumber>",
            "<referenceNumber>AZALA001</referenceNumber>",
        )
        .replace(
            "<customsOfficeAtBorderReferenceNumber>KZAAU001</customsOfficeAtBorderReferenceNumber>",
            "<customsOfficeAtBorderReferenceNumber>AZQAZ001</customsOfficeAtBorderReferenceNumber>",
        );
    // Alat is the office of departure now, Aktau is off the route.
    let xml = crate::ice_kit::cut(
        &xml,
        "<CustomsOfficeOfTransitDeclared>\n    <sequenceNumber>1</sequenceNumber>",
        "</CustomsOfficeOfTransitDeclared>",
    );
    let xml = crate::ice_kit::cut(
        &xml,
        "<CustomsOfficeOfExitForTransitDeclared>\n    <sequenceNumber>1</sequenceNumber>",
        "</CustomsOfficeOfExitForTransitDeclared>",
    );
    xml.replacen(
        "<sequenceNumber>2</sequenceNumber>\n    <referenceNumber>GERBR001</referenceNumber>",
        "<sequenceNumber>1</sequenceNumber>\n    <referenceNumber>GERBR001</referenceNumber>",
        1,
    )
    .replacen(
        "<sequenceNumber>2</sequenceNumber>\n    <referenceNumber>AZQAZ001</referenceNumber>",
        "<sequenceNumber>1</sequenceNumber>\n    <referenceNumber>AZQAZ001</referenceNumber>",
        1,
    )
}

/// The guarantee's balance at node `name`, as Caspian sees it.
async fn balance(net: &IceNetwork, name: &str) -> Value {
    let n = net.node(name);
    let (status, g) = net
        .call(
            net.client
                .get(format!("{}/guarantees/{GRN}/balance", n.base()))
                .bearer_auth(&n.tokens["caspian"])
                .header("X-Access-Code", "2222"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{g}");
    g
}

/// Lodge at Alat: the answer.
async fn lodge(net: &IceNetwork, xml: &str) -> (StatusCode, Value) {
    net.lodge("AZ", "caspian", xml).await
}

/// Lodge at Alat (accepted): the movement id.
async fn accepted(net: &IceNetwork, lrn: &str, amount: &str) -> String {
    let (status, body) = lodge(net, &alat_poti(lrn, amount)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["state"], "Accepted", "{body}");
    body["id"].as_str().unwrap().to_string()
}

/// Ask for the release at Alat: the answer.
async fn release(net: &IceNetwork, id: &str) -> Value {
    let (status, body) = net
        .customs("AZ", "officer.az", id, "release", "AZALA001")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_guarantee_held_by_another_node_is_checked_used_and_credited_there_never_overdrawn() {
    let mut net = IceNetwork::start(CORRIDOR).await;
    // Two declarations checked against the guarantee at KZ (CD200C) while nothing is reserved:
    // both fit.
    let id = accepted(&net, "ICE-CHAIN-1", "60000.00").await;
    let second = accepted(&net, "ICE-CHAIN-2", "60000.00").await;
    // A wrong access code is refused by what KZ answers (CATS017).
    let wrong = alat_poti("ICE-CHAIN-3", "100.00").replace(
        "<accessCode>2222</accessCode>",
        "<accessCode>9999</accessCode>",
    );
    let (status, body) = lodge(&net, &wrong).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["state"], "Rejected", "{body}");
    assert!(body.to_string().contains("CATS017"), "{body}");

    let answer = release(&net, &id).await;
    // The release waits for Kazakhstan's answer.
    assert_eq!(answer["state"], "Accepted", "{answer}");
    assert_eq!(answer["releasePending"], true, "{answer}");
    assert_eq!(answer["remoteGuarantees"][0]["node"], "KZ", "{answer}");
    assert_eq!(answer["remoteGuarantees"][0]["status"], "requested");
    let m = net
        .wait_movement("AZ", "officer.az", &id, 20, "release after CD205C", |m| {
            m["state"] == "ReleasedForTransit"
        })
        .await;
    assert_eq!(m["remoteGuarantees"][0]["status"], "accepted", "{m}");
    assert!(m.get("releasePending").is_none(), "{m}");
    let g = balance(&net, "KZ").await;
    assert_eq!(g["exposure"], "60000.00", "reserved at KZ: {g}");
    // Asked at Alat, the balance is Kazakhstan's (CD200C, CD201C with the usage).
    let g = balance(&net, "AZ").await;
    assert_eq!(g["exposure"], "60000.00", "the running total at KZ: {g}");
    assert_eq!(g["usage"][0]["status"], "reserved", "{g}");
    let mrn = g["usage"][0]["mrn"].as_str().unwrap_or_default();
    assert!(mrn.starts_with("26AZALA001"), "{g}");

    // The second no longer fits what KZ holds: its use is refused there.
    release(&net, &second).await;
    let m = net
        .wait_movement("AZ", "officer.az", &second, 20, "release refused", |m| {
            m["state"] == "GuaranteeNotValid"
        })
        .await;
    assert_eq!(m["remoteGuarantees"][0]["status"], "refused", "{m}");
    let reason = m["remoteGuarantees"][0]["reason"]
        .as_str()
        .unwrap_or_default();
    assert!(reason.starts_with("CATS022"), "{m}");
    let g = balance(&net, "KZ").await;
    assert_eq!(g["exposure"], "60000.00", "not overdrawn: {g}");
    let (_, messages) = net
        .get(
            "AZ",
            "caspian",
            &format!("/movements/departures/{second}/messages"),
        )
        .await;
    assert!(
        messages.to_string().contains("CC055C"),
        "the holder hears the guarantee is not valid: {messages}"
    );
    // A third is checked against KZ's running total at lodging (CATS022, CC055C at once).
    let (_, body) = lodge(&net, &alat_poti("ICE-CHAIN-4", "60000.00")).await;
    assert_eq!(body["state"], "GuaranteeNotValid", "{body}");

    // The first goes on to Poti; the write-off at Alat credits the guarantee at KZ.
    for (node, officer, action, office) in [
        ("AZ", "officer.az", "exit", "AZQAZ001"),
        ("GE", "officer.ge", "entry", "GERBR001"),
    ] {
        if node == "GE" {
            net.wait_movement(node, officer, &id, 20, "record at Red Bridge", |m| {
                m["state"] == "ReleasedForTransit"
            })
            .await;
        }
        let (status, body) = net.customs(node, officer, &id, action, office).await;
        assert_eq!(status, StatusCode::OK, "{action} at {office}: {body}");
    }
    net.wait_movement("AZ", "officer.az", &id, 20, "both passages", |m| {
        offices(m).len() == 2
    })
    .await;
    for action in ["arrival", "goods-release"] {
        let (status, body) = net
            .customs("GE", "officer.ge", &id, action, "GEPTI001")
            .await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
        if action == "arrival" {
            net.wait_movement("GE", "officer.ge", &id, 20, "arrived", |m| {
                m["state"] == "Arrived"
            })
            .await;
        }
    }
    let m = net
        .wait_movement("AZ", "officer.az", &id, 20, "write-off at Alat", |m| {
            m["state"] == "WrittenOff"
        })
        .await;
    assert_eq!(m["remoteGuarantees"][0]["status"], "credited", "{m}");
    let mut g = Value::Null;
    for _ in 0..200 {
        g = balance(&net, "KZ").await;
        if g["exposure"] == "0.00" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(g["exposure"], "0.00", "credited at KZ (CD209C): {g}");
    let usage = g["usage"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        usage.len(),
        1,
        "one use, the refused one never reserved: {g}"
    );
    assert_eq!(usage[0]["status"], "credited", "{g}");
    // The copy at KZ follows the movement (CA003C) to its write-off.
    net.wait_movement("KZ", "caspian", &id, 20, "KZ's copy written off", |m| {
        m["state"] == "WrittenOff" && m["home"] == "AZ"
    })
    .await;
    // Without KZ, a declaration on its guarantee cannot be checked: 503, nothing kept.
    net.kill("KZ");
    let (status, body) = lodge(&net, &alat_poti("ICE-CHAIN-5", "10.00")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["code"], "PEER_UNAVAILABLE", "{body}");
    assert_eq!(body["node"], "KZ", "{body}");
    let (_, list) = net.get("AZ", "caspian", "/movements/departures").await;
    assert!(!list.to_string().contains("ICE-CHAIN-5"), "{list}");
}
