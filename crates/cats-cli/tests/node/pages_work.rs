//! The web pages over HTTP, at work: movements and their history, the officer's work queue and
//! actions, the administrator's users, contracts and notifications.

use reqwest::StatusCode;

use crate::common::start;
use crate::pages::{browser, csrf_of, home, set_password, sign_in};

#[tokio::test]
async fn traders_and_officers_see_movements_with_their_history_in_local_time() {
    let node = start().await;
    let id = node
        .lodge_ok("silkway", &crate::common::corridor("WEB-1"))
        .await;
    node.customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    set_password(&node, "silkway", "silk road 2025").await;
    set_password(&node, "caspian", "caspian sea 2025").await;
    set_password(&node, "steppe", "steppe wind 42").await;
    set_password(&node, "officer.kz", "khorgos gate 7").await;

    let trader = browser();
    sign_in(&node, &trader, "silkway", "silk road 2025").await;
    let list = trader
        .get(format!("{}/ui/movements", node.base))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::OK);
    let html = list.text().await.unwrap();
    assert!(
        html.contains("WEB-1") && html.contains("Released for transit"),
        "{html}"
    );
    assert!(
        html.contains("KZHOR001") && html.contains("(Asia/Almaty)"),
        "{html}"
    );
    // filters: another state, an MRN that is not well formed
    for query in ["state=WrittenOff", "mrn=not-an-mrn", "lrn=OTHER"] {
        let html = trader
            .get(format!("{}/ui/movements?{query}", node.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !html.contains("WEB-1") && html.contains("No movement matches."),
            "{query}"
        );
    }
    let page = trader
        .get(format!("{}/ui/movements/{id}", node.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    for expected in [
        "CC015C",
        "CC028C",
        "CC029C",
        "release",
        "customs action",
        "Time limit for arrival",
        "(Asia/Almaty)",
    ] {
        assert!(html.contains(expected), "{expected} missing: {html}");
    }
    let href = html
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.contains("/messages/"))
        .expect("a message link")
        .to_string();
    let xml = trader
        .get(format!("{}{href}", node.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        xml.contains("&#60;ncts:CC015C") && xml.contains("messageSender"),
        "{xml}"
    );

    // another trader: not found; an insurer: not for its role
    let other = browser();
    sign_in(&node, &other, "caspian", "caspian sea 2025").await;
    assert_eq!(
        other
            .get(format!("{}/ui/movements/{id}", node.base))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let html = other
        .get(format!("{}/ui/movements", node.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("WEB-1"));
    let insurer = browser();
    sign_in(&node, &insurer, "steppe", "steppe wind 42").await;
    assert_eq!(
        insurer
            .get(format!("{}/ui/movements", node.base))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );

    // the officer of the office of departure sees it, in Russian
    let officer = browser();
    sign_in(&node, &officer, "officer.kz", "khorgos gate 7").await;
    let html = officer
        .get(format!("{}/ui/movements/{id}", node.base))
        .header("accept-language", "ru")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Выпущена для транзита") && html.contains("Таможенный орган отправления"),
        "{html}"
    );
}

/// The password shown once in a notice ending with `: PASSWORD` (or `: PASSWORD.`).
fn shown_password(html: &str) -> String {
    let notice = html.split("class=\"notice\"").nth(1).expect("a notice");
    let text = notice.split("</p>").next().expect("notice text");
    let after = text.rsplit_once(": ").expect("a password").1;
    after
        .split(['.', ' '])
        .next()
        .expect("password")
        .to_string()
}

#[tokio::test]
async fn the_administrator_creates_users_resets_passwords_and_disables_users() {
    let node = start().await;
    set_password(&node, "admin", "admin console 1").await;
    set_password(&node, "silkway", "silk road 2025").await;
    let admin = browser();
    sign_in(&node, &admin, "admin", "admin console 1").await;
    let page = admin
        .get(format!("{}/ui/admin/users", node.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("officer.kz") && html.contains("no password yet"),
        "{html}"
    );
    let csrf = csrf_of(&html);

    // a new trader with a new company: its first password is shown once and works
    let res = admin
        .post(format!("{}/ui/admin/users", node.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "anatolia.clerk"),
            ("role", "trader"),
            ("party_id", "AZ1999888777"),
            ("party_name", "Anatolia Freight"),
            ("party_country", "AZ"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let password = shown_password(&res.text().await.unwrap());
    let clerk = browser();
    assert_eq!(
        sign_in(&node, &clerk, "anatolia.clerk", &password)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    // a bad request changes nothing and says why
    let res = admin
        .post(format!("{}/ui/admin/users", node.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "X"),
            ("role", "officer"),
            ("office_country", "KZ"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("The user was not created"));
    assert!(node.app.store().user("X").await.unwrap().is_none());

    // a reset ends the user's sessions; the new password works, the old one does not
    let trader = browser();
    sign_in(&node, &trader, "silkway", "silk road 2025").await;
    let res = admin
        .post(format!("{}/ui/admin/users/silkway/password", node.base))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    let new_password = shown_password(&res.text().await.unwrap());
    assert_eq!(home(&node, &trader).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        sign_in(&node, &trader, "silkway", "silk road 2025")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&node, &trader, "silkway", &new_password)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // disable, then enable
    for (action, then) in [
        ("disable", StatusCode::SEE_OTHER),
        ("enable", StatusCode::OK),
    ] {
        admin
            .post(format!(
                "{}/ui/admin/users/anatolia.clerk/{action}",
                node.base
            ))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        if action == "enable" {
            sign_in(&node, &clerk, "anatolia.clerk", &password).await;
        }
        assert_eq!(home(&node, &clerk).await.status(), then, "{action}");
    }
    // only the administrator
    assert_eq!(
        trader
            .get(format!("{}/ui/admin/users", node.base))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let res = trader
        .post(format!(
            "{}/ui/admin/users/anatolia.clerk/disable",
            node.base
        ))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

/// The section `id` of a queue page (from its heading to the next section).
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!(r#"<section id="{id}""#))
        .expect("the section");
    let rest = &html[start..];
    &rest[..rest[1..].find("<section").map_or(rest.len(), |i| i + 1)]
}

#[tokio::test]
async fn officers_see_their_work_queue_by_section() {
    let node = start().await;
    let waiting = node
        .lodge_ok("silkway", &crate::common::corridor("Q-WAIT"))
        .await;
    let released = node
        .lodge_ok("silkway", &crate::common::corridor("Q-GONE"))
        .await;
    node.customs_ok("officer.kz", &released, "release", "KZHOR001")
        .await;
    assert_ne!(waiting, released);
    for (user, password) in [
        ("officer.kz", "khorgos gate 7"),
        ("officer.az", "alat port 2025"),
        ("silkway", "silk road 2025"),
    ] {
        set_password(&node, user, password).await;
    }
    let kz = browser();
    sign_in(&node, &kz, "officer.kz", "khorgos gate 7").await;
    let html = kz
        .get(format!("{}/ui/queue", node.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(section(&html, "decide").contains("Q-WAIT"), "{html}");
    assert!(!section(&html, "decide").contains("Q-GONE"));
    // Kazakhstan's office of exit (Aktau) still expects the released movement
    assert!(section(&html, "expected").contains("Q-GONE"), "{html}");
    let az = browser();
    sign_in(&node, &az, "officer.az", "alat port 2025").await;
    let html = az
        .get(format!("{}/ui/queue", node.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(section(&html, "expected").contains("Q-GONE"), "{html}");
    assert!(!html.contains("Q-WAIT"), "not at an Azerbaijani office yet");
    let trader = browser();
    sign_in(&node, &trader, "silkway", "silk road 2025").await;
    assert_eq!(
        trader
            .get(format!("{}/ui/queue", node.base))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_officer_releases_a_movement_from_its_page() {
    let node = start().await;
    let id = node
        .lodge_ok("silkway", &crate::common::corridor("ACT-1"))
        .await;
    set_password(&node, "officer.kz", "khorgos gate 7").await;
    set_password(&node, "silkway", "silk road 2025").await;
    let officer = browser();
    sign_in(&node, &officer, "officer.kz", "khorgos gate 7").await;
    let html = officer
        .get(format!("{}/ui/movements/{id}", node.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"<option value="release">Release for transit</option>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<option value="KZHOR001">"#)
            && !html.contains(r#"<option value="GEPTI001">"#)
    );
    let csrf = csrf_of(&html);
    let post = |action: &'static str, csrf: String| {
        officer
            .post(format!("{}/ui/movements/{id}/customs", node.base))
            .form(&[
                ("csrf", csrf),
                ("action", action.to_string()),
                ("office", "KZHOR001".to_string()),
            ])
            .send()
    };
    assert_eq!(
        post("release", "forged".into()).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    // out of sequence: entry before release, refused with the reason, nothing changed
    let res = post("entry", csrf.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("The action was refused"));
    // decide a physical control, try B1 without findings (refused by its rule), record A1
    let control = |fields: Vec<(&'static str, &'static str)>| {
        let mut form: Vec<(&str, String)> =
            vec![("csrf", csrf.clone()), ("office", "KZHOR001".into())];
        form.extend(fields.into_iter().map(|(k, v)| (k, v.to_string())));
        officer
            .post(format!("{}/ui/movements/{id}/customs", node.base))
            .form(&form)
            .send()
    };
    let res = control(vec![
        ("action", "control-decision"),
        ("control_type", "physical"),
    ])
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = control(vec![
        ("action", "control-result"),
        ("control_type", "physical"),
        ("result", "B1"),
    ])
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("CATS024"));
    let res = control(vec![
        ("action", "control-result"),
        ("control_type", "physical"),
        ("result", "A1"),
        ("remarks", "all as declared"),
    ])
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post("release", csrf.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // the trader sees the new state and the release in the history
    let trader = browser();
    sign_in(&node, &trader, "silkway", "silk road 2025").await;
    let html = trader
        .get(format!("{}/ui/movements/{id}", node.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Released for transit") && html.contains("CC029C"),
        "{html}"
    );
    assert!(
        !html.contains(r#"name="action""#),
        "no customs actions for the trader"
    );
}

#[tokio::test]
async fn insurers_and_holders_see_their_contracts_and_notifications() {
    let node = start().await;
    for (user, password) in [
        ("steppe", "steppe wind 42"),
        ("silkway", "silk road 2025"),
        ("admin", "admin console 1"),
    ] {
        set_password(&node, user, password).await;
    }
    let insurer = browser();
    sign_in(&node, &insurer, "steppe", "steppe wind 42").await;
    let html = insurer
        .get(format!("{}/ui/contracts", node.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("25KZ0000SRI000010") && html.contains("25KZ0000SRI000020"),
        "{html}"
    );
    let holder = browser();
    sign_in(&node, &holder, "silkway", "silk road 2025").await;
    let html = holder
        .get(format!("{}/ui/contracts", node.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("25KZ0000SRI000010") && !html.contains("25KZ0000SRI000020"),
        "{html}"
    );
    let res = holder
        .get(format!("{}/ui/notifications", node.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("<h1>Notifications</h1>"));
    let admin = browser();
    sign_in(&node, &admin, "admin", "admin console 1").await;
    for page in ["contracts", "notifications"] {
        let res = admin
            .get(format!("{}/ui/{page}", node.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{page}");
    }
}
