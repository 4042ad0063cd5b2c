//! The notification pages (issue 13) in a real Chromium (`CATS_E2E=1`): a notification appears on
//! an open page without a reload (Server-Sent Events) and the unread count follows; the inbox
//! marks read; the settings and the webhooks pages (an endpoint registered, its secret shown
//! once, the delivery log). Screenshots in English and Russian; axe-core on every page.

use std::time::Duration;

use chrono::Utc;
use fantoccini::Locator;
use reqwest::Method;
use serde_json::json;

use cats_app::Actor;

use crate::browser::{accessible, axe_source, browser, driver, enabled, shot, sign_in, visit};
use crate::common::{corridor, start};
use crate::notify_kit::Receiver;

/// The unread count the menu shows.
async fn unread(client: &fantoccini::Client) -> i64 {
    client
        .find(Locator::Id("unread-count"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_notification_appears_on_an_open_page_without_a_reload() {
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
    let hook = Receiver::webhook().await;
    let (_, created) = node
        .call_json(
            "silkway",
            Method::POST,
            "/webhooks",
            Some(json!({"url": hook.url()})),
        )
        .await;
    hook.got.lock().unwrap().secret = Some(created["secret"].as_str().unwrap().to_string());
    let stop = crate::notify::spawn_worker(&node, None);
    let axe = axe_source();
    let driver = driver().await;
    for lang in ["en", "ru"] {
        let client = browser(&driver, lang).await;
        sign_in(&node, &client, "silkway", "browser test 2026").await;
        client
            .goto(&format!("{}/ui/movements", node.base))
            .await
            .unwrap();
        let before = unread(&client).await;
        // Give the page's EventSource a moment to connect, then lodge through the API.
        tokio::time::sleep(Duration::from_millis(800)).await;
        let id = node
            .lodge_ok("silkway", &corridor(&format!("LIVE-{lang}")))
            .await;
        let notice = client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css("#live-notices .live-notice"))
            .await
            .expect("a live notice without a reload");
        let text = notice.text().await.unwrap();
        assert!(text.contains("26KZHOR001"), "{text}");
        let link = notice
            .find(Locator::Css("a"))
            .await
            .unwrap()
            .attr("href")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(link, format!("/ui/movements/{id}"));
        for _ in 0..50 {
            if unread(&client).await == before + 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(unread(&client).await, before + 1, "the count follows");
        shot(&client, &format!("notify-live-{lang}")).await;
        accessible(&client, &axe, "/ui/movements (live notice)").await;

        visit(
            &client,
            &node,
            "/ui/notifications",
            Locator::Id("inbox"),
            &format!("notify-inbox-{lang}"),
            &axe,
        )
        .await;
        client
            .find(Locator::Css(
                "main form[action='/ui/notifications/read'] button",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // The answer is a redirect to the inbox, whose menu then counts 0.
        for _ in 0..50 {
            if client.find(Locator::Css("#inbox li.unread")).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(unread(&client).await, 0, "all marked read");
        assert!(client.find(Locator::Css("#inbox li.unread")).await.is_err());

        visit(
            &client,
            &node,
            "/ui/notifications/settings",
            Locator::Id("phone"),
            &format!("notify-settings-{lang}"),
            &axe,
        )
        .await;
        let phone = client.find(Locator::Id("phone")).await.unwrap();
        phone.clear().await.unwrap();
        phone.send_keys("+77010000001").await.unwrap();
        client
            .find(Locator::Css("input[name='sms:movement.released']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .find(Locator::Css("main form button[type=submit]"))
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
            .expect("saved");
        let (_, prefs) = node
            .call_json("silkway", Method::GET, "/notifications/preferences", None)
            .await;
        assert_eq!(prefs["contact"]["phone"], "+77010000001");
        let released = prefs["preferences"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["event"] == "movement.released")
            .unwrap()
            .clone();
        assert_eq!(
            released["sms"],
            lang == "en",
            "toggled by the checkbox: {released}"
        );

        // The webhooks page: the delivery log shows what went to the endpoint; a new endpoint's
        // secret is shown once.
        tokio::time::sleep(Duration::from_millis(500)).await;
        visit(
            &client,
            &node,
            "/ui/webhooks",
            Locator::Id("deliveries"),
            &format!("notify-webhooks-{lang}"),
            &axe,
        )
        .await;
        client
            .find(Locator::Id("url"))
            .await
            .unwrap()
            .send_keys(&format!("http://127.0.0.1:9/{lang}"))
            .await
            .unwrap();
        client
            .find(Locator::Css(
                "input[name=event][value='movement.written_off']",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .find(Locator::Css(
                "form[action='/ui/webhooks'] button[type=submit]",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let secret = client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Id("webhook-secret"))
            .await
            .expect("the secret, once")
            .text()
            .await
            .unwrap();
        assert!(secret.starts_with("whsec_"), "{secret}");
        shot(&client, &format!("notify-webhook-secret-{lang}")).await;
        accessible(&client, &axe, "/ui/webhooks (registered)").await;
        client
            .goto(&format!("{}/ui/webhooks", node.base))
            .await
            .unwrap();
        assert!(
            client.find(Locator::Id("webhook-secret")).await.is_err(),
            "shown once only"
        );
        client.close().await.unwrap();
    }
    assert!(hook.refused().is_empty());
    let _ = stop.send(true);
}
