//! The administrators' ICE page (`/ui/admin/ice`, issue 12) at a node of a three-node network,
//! in a real Chromium (`CATS_E2E=1`): the peers with their delivery figures, a peer's announced
//! maintenance window, the latest messages; screenshots in English and Russian, axe-core.

use chrono::Utc;
use fantoccini::Locator;
use reqwest::StatusCode;

use cats_app::Actor;
use cats_domain::risk::RiskPolicy;

use crate::browser::{accessible, axe_source, browser, driver, enabled, shot, sign_in_at};
use crate::ice::{released, CORRIDOR};
use crate::ice_guarantee::alat_poti;
use crate::ice_kit::IceNetwork;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn administrators_see_the_network_on_the_ice_page() {
    if !enabled() {
        return;
    }
    let net = IceNetwork::start(CORRIDOR).await;
    released(&net, "ICE-PAGE-1").await;
    let ge = net.node("GE");
    let (status, _) = net
        .call(
            net.client
                .post(format!("{}/admin/ice/unavailability", ge.base()))
                .bearer_auth(&ge.tokens["admin"])
                .json(&serde_json::json!({
                    "from": Utc::now() + chrono::Duration::hours(2),
                    "to": Utc::now() + chrono::Duration::hours(4),
                    "reason": "upgrade to CATS 1.1"
                })),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    // A movement leaving Alat on Caspian's Kazakh guarantee (chain guarantee), released.
    let (status, body) = net
        .lodge("AZ", "caspian", &alat_poti("ICE-PAGE-2", "15000.00"))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let chained = body["id"].as_str().unwrap().to_string();
    net.customs("AZ", "officer.az", &chained, "release", "AZALA001")
        .await;
    net.wait_movement("AZ", "officer.az", &chained, 20, "released", |m| {
        m["state"] == "ReleasedForTransit"
    })
    .await;
    for (name, user) in [("KZ", "admin"), ("AZ", "officer.az")] {
        let app = net.node(name).db.open(RiskPolicy::default()).await.app;
        cats_app::accounts::set_password(
            &app,
            &Actor::System("e2e".into()),
            user,
            "browser test 2026",
            Utc::now(),
        )
        .await
        .unwrap();
    }
    let kz = net.node("KZ");
    let az = net.node("AZ");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let axe = axe_source();
    let driver = driver().await;
    for lang in ["en", "ru"] {
        let client = browser(&driver, lang).await;
        sign_in_at(&kz.base(), &client, "admin", "browser test 2026").await;
        client
            .goto(&format!("{}/ui/admin/ice", kz.base()))
            .await
            .unwrap();
        let table = client
            .find(Locator::Css("main table"))
            .await
            .expect("the peers' table");
        let text = table.text().await.unwrap();
        assert!(text.contains("AZ") && text.contains("GE"), "{text}");
        assert!(text.contains("upgrade to CATS 1.1"), "GE's window: {text}");
        let body = client
            .find(Locator::Css("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(body.contains("CD050C"), "the ATRs sent: {body}");
        shot(&client, &format!("admin-ice-{lang}")).await;
        accessible(&client, &axe, "/ui/admin/ice").await;
        client.close().await.unwrap();
        // The officer at Alat sees where the guarantee is held and what was reserved there.
        let client = browser(&driver, lang).await;
        sign_in_at(&az.base(), &client, "officer.az", "browser test 2026").await;
        client
            .goto(&format!("{}/ui/movements/{chained}", az.base()))
            .await
            .unwrap();
        let facts = client
            .find(Locator::Css("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            facts.contains("25KZ0000SRI000020 · KZ ·"),
            "the guarantee held at KZ: {facts}"
        );
        client
            .execute("window.scrollBy(0, 420)", vec![])
            .await
            .unwrap();
        shot(&client, &format!("officer-ice-chain-movement-{lang}")).await;
        accessible(&client, &axe, "/ui/movements/{id}").await;
        client.close().await.unwrap();
    }
}
