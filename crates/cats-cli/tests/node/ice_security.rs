//! ICE security (issue 12): replayed, tampered, forged, expired and unknown messages change
//! nothing; over mutual TLS only peers connect, each only for its own envelopes.

use reqwest::StatusCode;
use serde_json::Value;

use crate::ice::{assert_written_off_and_credited, carry_to_tbilisi, released, CORRIDOR};
use crate::ice_kit::IceNetwork;

/// The messages node `name` delivered, newest first (read from its database).
async fn delivered_by(net: &IceNetwork, name: &str) -> Vec<cats_app::store::OutboxEntry> {
    let node = net
        .node(name)
        .db
        .open(cats_domain::risk::RiskPolicy::default())
        .await;
    node.app
        .store()
        .ice_outbox(None, Some(cats_app::store::OutboxStatus::Delivered), 100)
        .await
        .unwrap()
}

/// Post an envelope to node `to` signed with `key` at `t`.
async fn post_signed(
    net: &IceNetwork,
    to: &str,
    body: &[u8],
    signature: String,
) -> (StatusCode, String) {
    let res = net
        .client
        .post(format!("{}/ice/v1/messages", net.node(to).base()))
        .header("Content-Type", "application/json")
        .header("ICE-Signature", signature)
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tampered_replayed_expired_and_unknown_messages_change_nothing() {
    use cats_ice::envelope::{sign, Envelope};
    let net = IceNetwork::start(CORRIDOR).await;
    let id = released(&net, "ICE-HOSTILE-1").await;
    for (node, officer) in [("AZ", "officer.az"), ("GE", "officer.ge")] {
        net.wait_movement(node, officer, &id, 20, "anticipated records", |m| {
            m["state"] == "ReleasedForTransit"
        })
        .await;
    }
    carry_to_tbilisi(&net, &id, 0).await;
    let (_, before) = net
        .get("KZ", "officer.kz", &format!("/movements/departures/{id}"))
        .await;

    // Georgia's delivered destination control results, as Georgia would send them again.
    let delivered = delivered_by(&net, "GE").await;
    let cd018 = delivered
        .iter()
        .find(|e| e.message.message_type == "CD018C")
        .unwrap();
    let sender = cats_domain::ids::NodeId::parse("GE").unwrap();
    let envelope = Envelope::of(cd018, &sender).unwrap();
    let body = serde_json::to_vec(&envelope).unwrap();
    let key = cats_ice::keys::load(&net.node("GE").dir().join("ice/node.key")).unwrap();
    let now = chrono::Utc::now().timestamp();

    // Replayed: answered as a duplicate with the original receipt, applied once.
    let (status, receipt) = post_signed(&net, "KZ", &body, sign(&key, now, &body)).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(
        Some(&receipt),
        cd018.receipt.as_ref(),
        "the original receipt"
    );

    // Tampered after signing.
    let mut tampered = envelope.clone();
    tampered.content["officer"] = "someone.else".into();
    let tampered_body = serde_json::to_vec(&tampered).unwrap();
    let (status, text) = post_signed(&net, "KZ", &tampered_body, sign(&key, now, &body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");
    assert!(text.contains("BAD_SIGNATURE"), "{text}");

    // Signed by a key that is not Georgia's.
    let forged = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let (status, text) = post_signed(&net, "KZ", &body, sign(&forged, now, &body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");

    // Expired: signed ten minutes ago (the window is five).
    let (status, text) = post_signed(&net, "KZ", &body, sign(&key, now - 600, &body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");
    assert!(text.contains("EXPIRED"), "{text}");

    // From a node that is not a peer.
    let mut stranger = envelope.clone();
    stranger.sender = cats_domain::ids::NodeId::parse("XX").unwrap();
    let stranger_body = serde_json::to_vec(&stranger).unwrap();
    let (status, text) =
        post_signed(&net, "KZ", &stranger_body, sign(&key, now, &stranger_body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");
    assert!(text.contains("UNKNOWN_PEER"), "{text}");

    // A new message about a movement Kazakhstan does not know: CD906C code 90, kept.
    let mut unknown = envelope.clone();
    unknown.message_id = uuid::Uuid::new_v4();
    unknown.sequence += 1;
    unknown.content["movementId"] = uuid::Uuid::new_v4().to_string().into();
    let unknown_body = serde_json::to_vec(&unknown).unwrap();
    let (status, text) =
        post_signed(&net, "KZ", &unknown_body, sign(&key, now, &unknown_body)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let receipt: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(receipt["status"], "refused", "{receipt}");
    assert_eq!(receipt["refusal"]["messageType"], "CD906C", "{receipt}");
    assert_eq!(
        receipt["refusal"]["functionalErrors"][0]["code"], 90,
        "{receipt}"
    );
    assert!(cats_ice::schema::check_receipt(&receipt).is_empty());

    // Content failing its schema: CD917C.
    let mut broken = unknown.clone();
    broken.message_id = uuid::Uuid::new_v4();
    broken.sequence += 1;
    broken.content.as_object_mut().unwrap().remove("officer");
    let broken_body = serde_json::to_vec(&broken).unwrap();
    let (status, text) = post_signed(&net, "KZ", &broken_body, sign(&key, now, &broken_body)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let receipt: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(receipt["refusal"]["messageType"], "CD917C", "{receipt}");

    // Out of order: a gap in the sequence is not kept; the sender is told to send the missing one.
    let mut early = broken.clone();
    early.message_id = uuid::Uuid::new_v4();
    early.sequence += 2;
    let early_body = serde_json::to_vec(&early).unwrap();
    let (status, text) = post_signed(&net, "KZ", &early_body, sign(&key, now, &early_body)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    assert!(text.contains("NOT_YET"), "{text}");

    let (_, after) = net
        .get("KZ", "officer.kz", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(before, after, "nothing changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn over_mutual_tls_only_peers_connect() {
    let net = IceNetwork::start_with(CORRIDOR, true).await;
    let id = released(&net, "ICE-MTLS-1").await;
    for (node, officer) in [("AZ", "officer.az"), ("GE", "officer.ge")] {
        net.wait_movement(
            node,
            officer,
            &id,
            20,
            "anticipated records over mTLS",
            |m| m["state"] == "ReleasedForTransit",
        )
        .await;
    }
    carry_to_tbilisi(&net, &id, 0).await;
    assert_written_off_and_credited(&net, &id).await;

    let kz = net.node("KZ");
    // The endpoint is not on the web port any more.
    let (status, _) = net
        .call(
            net.client
                .post(format!("{}/ice/v1/messages", kz.base()))
                .body("{}"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A client that trusts the node but presents no certificate is refused in the handshake.
    let ice = format!("https://127.0.0.1:{}/ice/v1/messages", kz.ice_port.unwrap());
    let cert = std::fs::read(kz.dir().join("ice/node.crt")).unwrap();
    let anonymous = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(&cert).unwrap())
        .build()
        .unwrap();
    assert!(
        anonymous.post(&ice).body("{}").send().await.is_err(),
        "no client certificate"
    );
    // Nor does a certificate of a node that is not a peer get through.
    let stranger = tempfile::tempdir().unwrap();
    cats_ice::keys::generate(stranger.path(), "XX").unwrap();
    let mut pem = std::fs::read(stranger.path().join("node.key")).unwrap();
    pem.extend(std::fs::read(stranger.path().join("node.crt")).unwrap());
    let impostor = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(&cert).unwrap())
        .identity(reqwest::Identity::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    assert!(
        impostor.post(&ice).body("{}").send().await.is_err(),
        "not a peer's certificate"
    );
    // A peer's connection carries only that peer's envelopes: Georgia's message, properly
    // signed by Georgia, over Azerbaijan's connection, is refused.
    let delivered = delivered_by(&net, "GE").await;
    let envelope = cats_ice::envelope::Envelope::of(&delivered[0], &"GE".parse().unwrap()).unwrap();
    let body = serde_json::to_vec(&envelope).unwrap();
    let ge_key = cats_ice::keys::load(&net.node("GE").dir().join("ice/node.key")).unwrap();
    let signature = cats_ice::envelope::sign(&ge_key, chrono::Utc::now().timestamp(), &body);
    let az = net.node("AZ").dir();
    let as_az = cats_ice::tls::client(
        &az.join("ice/node.crt"),
        &az.join("ice/node.key"),
        &[kz.dir().join("ice/node.crt").as_path()],
    )
    .unwrap();
    let res = as_az
        .post(&ice)
        .header("ICE-Signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("CERTIFICATE_MISMATCH"));
}
