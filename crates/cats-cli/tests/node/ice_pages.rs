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
    let kz = net.node("KZ");
    let app = kz.db.open(RiskPolicy::default()).await.app;
    cats_app::accounts::set_password(
        &app,
        &Actor::System("e2e".into()),
        "admin",
        "browser test 2026",
        Utc::now(),
    )
    .await
    .unwrap();
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
    }
}
