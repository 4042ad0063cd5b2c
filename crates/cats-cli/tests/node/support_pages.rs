//! Support requests in a real Chromium (`CATS_E2E=1`, issue 18), in English and in Russian:
//! Silk Way's trader opens a movement's page, follows "Ask for support" in the header, sees the
//! movement named on the form and sends; the administrator, signed in in another browser
//! session, sees the request counted in the menu and listed, opens and answers it; the trader
//! sees the notification (the unread count goes up), follows it to the thread and reads the
//! answer, which clears the menu's count. axe-core on every page; the manual's screenshots
//! (`support-form`, `support-admin-list`, `support-answer`) in each language.

use std::time::Duration;

use chrono::Utc;
use fantoccini::{Client, Locator};

use cats_app::Actor;

use crate::browser::{
    accessible, axe_source, browser, driver, enabled, manual_shot, shot, sign_in,
};
use crate::common::{corridor, start};

const PASSWORD: &str = "browser test 2026";

async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

async fn wait_for(client: &Client, css: &str) {
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
}

/// Scroll to the top of the page (the header with its links in the picture).
async fn top(client: &Client) {
    client
        .execute("window.scrollTo(0, 0)", vec![])
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_request_from_a_movement_page_is_answered_in_the_browser() {
    if !enabled() {
        return;
    }
    let axe = axe_source();
    let driver = driver().await;
    for lang in ["en", "ru"] {
        let ru = lang == "ru";
        // A node of its own per language: the manual's pictures show that language only.
        let node = start().await;
        for user in ["silkway", "admin"] {
            cats_app::accounts::set_password(
                &node.app,
                &Actor::System("e2e".into()),
                user,
                PASSWORD,
                Utc::now(),
            )
            .await
            .unwrap();
        }
        let movement = node
            .lodge_ok("silkway", &corridor(&format!("SUPPORT-E2E-{lang}")))
            .await;
        let (_, m) = node
            .get("silkway", &format!("/movements/departures/{movement}"))
            .await;
        let mrn = m["mrn"].as_str().unwrap().to_string();

        // The trader, on the movement's page, asks for support from the header.
        let trader = browser(&driver, lang).await;
        sign_in(&node, &trader, "silkway", PASSWORD).await;
        trader
            .goto(&format!("{}/ui/movements/{movement}", node.base))
            .await
            .unwrap();
        let unread_before: u32 = text_of(&trader, "#unread-count").await.parse().unwrap();
        trader
            .find(Locator::Css(
                "header .help-links a[href^='/ui/support/new']",
            ))
            .await
            .expect("the header's support link")
            .click()
            .await
            .unwrap();
        wait_for(&trader, "#attached-movement").await;
        assert_eq!(
            text_of(&trader, "h1").await,
            if ru {
                "Новое обращение в поддержку"
            } else {
                "New support request"
            }
        );
        let named = text_of(&trader, "#attached-movement").await;
        assert_eq!(named, format!("MRN {mrn}"), "the movement on the form");
        assert_eq!(
            text_of(&trader, "#attached-page").await,
            format!("/ui/movements/{movement}")
        );
        accessible(&trader, &axe, "/ui/support/new").await;
        // Sent empty: refused, each problem beside its field, the attachments kept.
        trader
            .find(Locator::Id("send"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&trader, ".error-summary").await;
        for id in ["#subject-error", "#text-error"] {
            assert!(!text_of(&trader, id).await.is_empty(), "{id}");
        }
        assert_eq!(
            text_of(&trader, "#attached-movement").await,
            format!("MRN {mrn}")
        );
        accessible(&trader, &axe, "/ui/support/new (refused)").await;
        shot(&trader, &format!("trader-support-refused-{lang}")).await;
        let (subject, question) = if ru {
            (
                "Пломба не принята",
                "Таможенный орган отправления не принял номер пломбы KZ-SEAL-1. Что делать?",
            )
        } else {
            (
                "Seal number refused",
                "The office of departure did not accept seal KZ-SEAL-1. What should I do?",
            )
        };
        trader
            .find(Locator::Id("subject"))
            .await
            .unwrap()
            .send_keys(subject)
            .await
            .unwrap();
        trader
            .find(Locator::Id("text"))
            .await
            .unwrap()
            .send_keys(question)
            .await
            .unwrap();
        top(&trader).await;
        manual_shot(&trader, lang, "support-form").await;
        trader
            .find(Locator::Id("send"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&trader, "p.notice").await;
        let url = trader.current_url().await.unwrap();
        let id = url
            .path()
            .strip_prefix("/ui/support/")
            .expect("the request's page")
            .to_string();
        assert!(text_of(&trader, "#thread").await.contains(question));
        assert_eq!(
            text_of(&trader, "#request-movement").await,
            format!("MRN {mrn}")
        );
        accessible(&trader, &axe, "/ui/support/{id} (sent)").await;

        // The administrator, in another session, sees it counted and listed, and answers.
        let admin = browser(&driver, lang).await;
        sign_in(&node, &admin, "admin", PASSWORD).await;
        assert_eq!(text_of(&admin, "#support-count").await, "1", "one waiting");
        admin
            .find(Locator::Css("nav.main-nav a[href='/ui/support']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&admin, "#support-requests").await;
        let row = text_of(&admin, "#support-requests tbody tr:first-child").await;
        assert!(row.contains(subject) && row.contains(&mrn), "{row}");
        assert!(row.contains("silkway"), "{row}");
        accessible(&admin, &axe, "/ui/support (admin)").await;
        manual_shot(&admin, lang, "support-admin-list").await;
        admin
            .find(Locator::Css(&format!(
                "#support-requests a[href='/ui/support/{id}']"
            )))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&admin, "#thread").await;
        assert!(text_of(&admin, "#thread").await.contains(question));
        assert_eq!(
            text_of(&admin, "#request-movement").await,
            format!("MRN {mrn}"),
            "named, not linked: the administrator does not open movements"
        );
        accessible(&admin, &axe, "/ui/support/{id} (admin)").await;
        let answer = if ru {
            "Замените пломбу и зарегистрируйте новую в таможенном органе отправления."
        } else {
            "Replace the seal and record the new one at the office of departure."
        };
        admin
            .find(Locator::Id("text"))
            .await
            .unwrap()
            .send_keys(answer)
            .await
            .unwrap();
        admin
            .find(Locator::Id("send"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&admin, "#thread li.from-support").await;
        assert_eq!(text_of(&admin, "#support-count").await, "0", "answered");
        admin.close().await.unwrap();

        // The trader hears of it, follows the notification and reads the answer.
        trader
            .goto(&format!("{}/ui/notifications", node.base))
            .await
            .unwrap();
        wait_for(&trader, "#inbox").await;
        accessible(&trader, &axe, "/ui/notifications").await;
        shot(&trader, &format!("trader-support-notification-{lang}")).await;
        let unread_after: u32 = text_of(&trader, "#unread-count").await.parse().unwrap();
        assert_eq!(unread_after, unread_before + 1, "the answer's notification");
        assert_eq!(text_of(&trader, "#support-count").await, "1");
        trader
            .find(Locator::Css(&format!("#inbox a[href='/ui/support/{id}']")))
            .await
            .expect("the notification links to the request")
            .click()
            .await
            .unwrap();
        wait_for(&trader, "#thread li.from-support").await;
        let thread = text_of(&trader, "#thread").await;
        assert!(thread.contains(answer), "{thread}");
        assert_eq!(
            text_of(&trader, "#support-count").await,
            "0",
            "opening the request clears the count"
        );
        accessible(&trader, &axe, "/ui/support/{id} (answered)").await;
        trader
            .execute("document.querySelector('main h1').scrollIntoView()", vec![])
            .await
            .unwrap();
        manual_shot(&trader, lang, "support-answer").await;
        trader.close().await.unwrap();
    }
}
