//! The API tokens page (issue 15) in a real Chromium (`CATS_E2E=1`): a new token shown once,
//! working on the API; revoked from the page, refused at once. Screenshots in English and
//! Russian; axe-core on every state of the page.

use std::time::Duration;

use chrono::Utc;
use fantoccini::Locator;
use reqwest::StatusCode;

use cats_app::Actor;

use crate::browser::{accessible, axe_source, browser, driver, enabled, shot, sign_in, visit};
use crate::common::start;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_token_is_issued_once_and_revoked_from_the_page() {
    if !enabled() {
        return;
    }
    let node = start().await;
    cats_app::accounts::set_password(
        &node.app,
        &Actor::System("e2e".into()),
        "silkway",
        "browser test 2026",
        Utc::now(),
    )
    .await
    .unwrap();
    let axe = axe_source();
    let driver = driver().await;
    for lang in ["en", "ru"] {
        let client = browser(&driver, lang).await;
        sign_in(&node, &client, "silkway", "browser test 2026").await;
        visit(
            &client,
            &node,
            "/ui/tokens",
            Locator::Id("tokens"),
            &format!("tokens-{lang}"),
            &axe,
        )
        .await;
        client
            .find(Locator::Id("label"))
            .await
            .unwrap()
            .send_keys(&format!("ERP <script>alert(1)</script> {lang}"))
            .await
            .unwrap();
        client
            .find(Locator::Css(
                "form[action='/ui/tokens'] button[type=submit]",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let token = client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Id("new-token"))
            .await
            .expect("the token, once")
            .text()
            .await
            .unwrap();
        shot(&client, &format!("tokens-issued-{lang}")).await;
        accessible(&client, &axe, "/ui/tokens (issued)").await;
        // The label is shown as text, not run.
        let page = client.source().await.unwrap();
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        let api = |t: &str| {
            node.client
                .get(format!("{}/tokens", node.base))
                .bearer_auth(t.to_string())
                .send()
        };
        assert_eq!(api(&token).await.unwrap().status(), StatusCode::OK);
        // Revoked from the page: refused at once.
        client
            .goto(&format!("{}/ui/tokens", node.base))
            .await
            .unwrap();
        assert!(
            client.find(Locator::Id("new-token")).await.is_err(),
            "shown once only"
        );
        let id: String = token_id(&node, &token).await;
        client
            .find(Locator::Css(&format!(
                "form[action='/ui/tokens/{id}/revoke'] button"
            )))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("p.notice"))
            .await
            .unwrap();
        shot(&client, &format!("tokens-revoked-{lang}")).await;
        assert_eq!(
            api(&token).await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
        client.close().await.unwrap();
    }
}

/// The public id of `token` (the first 16 hexadecimal digits of its SHA-256).
async fn token_id(node: &crate::common::TestNode, token: &str) -> String {
    node.app
        .store()
        .token(&cats_app::auth::hash_token(token))
        .await
        .unwrap()
        .unwrap()
        .id()
        .to_string()
}
