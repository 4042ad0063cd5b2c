//! The web pages over HTTP: signing in and out, CSRF, the lock after failed sign-ins, sessions
//! ending on sign-out, disabling and password changes, languages, and the security headers.

use chrono::Utc;
use reqwest::header::{CONTENT_SECURITY_POLICY, LOCATION, X_CONTENT_TYPE_OPTIONS};
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};

use cats_app::Actor;

use crate::common::{start, TestNode};

/// A browser-like client: keeps cookies, does not follow redirects (so they can be checked).
fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client")
}

/// The CSRF token of the first form of `html`.
fn csrf_of(html: &str) -> String {
    let at = html
        .find(r#"name="csrf" value=""#)
        .expect("a form with a CSRF token")
        + r#"name="csrf" value=""#.len();
    html[at..].split('"').next().expect("token").to_string()
}

/// Give `user` this password (as an administrator would).
async fn set_password(node: &TestNode, user: &str, password: &str) {
    cats_app::accounts::set_password(
        &node.app,
        &Actor::System("test".into()),
        user,
        password,
        Utc::now(),
    )
    .await
    .expect("password set");
}

/// Open the sign-in page and post the form; the answer to the POST.
async fn sign_in(
    node: &TestNode,
    client: &Client,
    user: &str,
    password: &str,
) -> reqwest::Response {
    let page = client.get(format!("{}/", node.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csrf = csrf_of(&page.text().await.unwrap());
    client
        .post(format!("{}/ui/sign-in", node.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", user),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
}

async fn home(node: &TestNode, client: &Client) -> reqwest::Response {
    client
        .get(format!("{}/ui/home", node.base))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_sign_in_page_has_its_fields_and_the_security_headers() {
    let node = start().await;
    let res = browser()
        .get(format!("{}/", node.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(res.headers()[X_CONTENT_TYPE_OPTIONS], "nosniff");
    let cookies: Vec<_> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("cats_csrf=")
            && c.contains("HttpOnly")
            && c.contains("SameSite=Lax")),
        "{cookies:?}"
    );
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"name="username""#) && html.contains(r#"name="password""#));
    assert!(html.contains(r#"<label for="username">"#) && html.contains(r#"<html lang="en">"#));
    assert!(!html.contains("<script"), "no script on the page");
    let css = reqwest::get(format!("{}/ui/assets/cats.css", node.base))
        .await
        .unwrap();
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    let missing = reqwest::get(format!("{}/ui/no-such-page", node.base))
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn each_demo_user_signs_in_and_sees_its_home_page() {
    let node = start().await;
    let passwords = cats_cli::node::set_demo_passwords(&node.app)
        .await
        .expect("passwords");
    assert!(passwords.len() >= 5, "{passwords:?}");
    for (user, password) in &passwords {
        let client = browser();
        let res = sign_in(&node, &client, user, password).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{user}");
        assert_eq!(res.headers()[LOCATION], "/ui/home");
        let session = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with("cats_session="))
            .expect("a session cookie");
        assert!(
            session.contains("HttpOnly") && session.contains("SameSite=Lax"),
            "{session}"
        );
        let page = home(&node, &client).await;
        assert_eq!(page.status(), StatusCode::OK, "{user}");
        let html = page.text().await.unwrap();
        assert!(
            html.contains(&format!("Signed in as {user}")),
            "{user}: {html}"
        );
        // `/` now goes to the home page
        let root = client.get(format!("{}/", node.base)).send().await.unwrap();
        assert_eq!(root.headers()[LOCATION], "/ui/home");
    }
    // a page that needs a user, asked for without one, goes to the sign-in page
    let res = home(&node, &browser()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/");
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_and_changes_nothing() {
    let node = start().await;
    set_password(&node, "silkway", "silk road 2025").await;
    let client = browser();
    client.get(format!("{}/", node.base)).send().await.unwrap();
    for csrf in ["", "cats_forged"] {
        let res = client
            .post(format!("{}/ui/sign-in", node.base))
            .form(&[
                ("csrf", csrf),
                ("username", "silkway"),
                ("password", "silk road 2025"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{csrf:?}");
    }
    assert_eq!(
        home(&node, &client).await.status(),
        StatusCode::SEE_OTHER,
        "not signed in"
    );
    // signed in: sign-out without the session's token is refused; the session goes on
    assert_eq!(
        sign_in(&node, &client, "silkway", "silk road 2025")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let res = client
        .post(format!("{}/ui/sign-out", node.base))
        .form(&[("csrf", "cats_forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(home(&node, &client).await.status(), StatusCode::OK);
    // a cross-site language change is refused too
    let res = client
        .post(format!("{}/ui/language", node.base))
        .form(&[("csrf", "x"), ("lang", "ru"), ("back", "/ui/home")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn five_failures_in_a_row_lock_the_account_and_are_audited() {
    let node = start().await;
    set_password(&node, "officer.kz", "khorgos gate 7").await;
    let client = browser();
    for n in 1..=4 {
        let res = sign_in(&node, &client, "officer.kz", "wrong password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {n}");
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("The user name or the password is wrong."));
    }
    let res = sign_in(&node, &client, "officer.kz", "wrong password").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("locked until"));
    // the right password during the lock is refused as well
    let res = sign_in(&node, &client, "officer.kz", "khorgos gate 7").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("locked until"));
    let log = node.app.store().audit_log(None, 50).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "account.locked").count(),
        1,
        "{actions:?}"
    );
    assert!(
        actions.iter().filter(|a| **a == "sign-in.failed").count() >= 6,
        "{actions:?}"
    );
    // unknown users are answered like wrong passwords
    let res = sign_in(&node, &client, "nobody", "whatever it is").await;
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("The user name or the password is wrong."));
    // an administrator's reset lifts the lock
    set_password(&node, "officer.kz", "khorgos gate 8").await;
    assert_eq!(
        sign_in(&node, &client, "officer.kz", "khorgos gate 8")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn signing_out_disabling_and_changing_the_password_end_sessions() {
    let node = start().await;
    set_password(&node, "steppe", "steppe wind 42").await;
    let (first, second) = (browser(), browser());
    for c in [&first, &second] {
        assert_eq!(
            sign_in(&node, c, "steppe", "steppe wind 42").await.status(),
            StatusCode::SEE_OTHER
        );
    }
    // signing out ends this session only
    let csrf = csrf_of(&home(&node, &first).await.text().await.unwrap());
    let res = first
        .post(format!("{}/ui/sign-out", node.base))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[LOCATION], "/");
    assert_eq!(home(&node, &first).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(home(&node, &second).await.status(), StatusCode::OK);
    // changing the password ends the other sessions, not this one
    assert_eq!(
        sign_in(&node, &first, "steppe", "steppe wind 42")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let page = first
        .get(format!("{}/ui/account/password", node.base))
        .send()
        .await
        .unwrap();
    let csrf = csrf_of(&page.text().await.unwrap());
    let change = |current: &'static str, new: &'static str, repeat: &'static str| {
        first
            .post(format!("{}/ui/account/password", node.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("current", current),
                ("new", new),
                ("repeat", repeat),
            ])
            .send()
    };
    assert_eq!(
        change("not it at all", "steppe wind 43", "steppe wind 43")
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        change("steppe wind 42", "short", "short")
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        change("steppe wind 42", "steppe wind 43", "steppe wind 44")
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );
    let res = change("steppe wind 42", "steppe wind 43", "steppe wind 43")
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Your password was changed."));
    assert_eq!(home(&node, &first).await.status(), StatusCode::OK);
    assert_eq!(home(&node, &second).await.status(), StatusCode::SEE_OTHER);
    // disabling the user ends its sessions at once and refuses new ones
    let admin = Actor::System("test admin".into());
    cats_app::accounts::set_disabled(&node.app, &admin, "steppe", true, Utc::now())
        .await
        .unwrap();
    assert_eq!(home(&node, &first).await.status(), StatusCode::SEE_OTHER);
    let res = sign_in(&node, &first, "steppe", "steppe wind 43").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("disabled"));
}

#[tokio::test]
async fn the_language_switch_before_and_after_signing_in() {
    let node = start().await;
    set_password(&node, "kartli", "tbilisi bridge 9").await;
    let client = browser();
    // Accept-Language first
    let html = client
        .get(format!("{}/", node.base))
        .header("accept-language", "ka-GE, en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"<html lang="ka">"#) && html.contains("შესვლა"));
    // the switch before signing in: a cookie
    let res = client
        .post(format!("{}/ui/language", node.base))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("lang", "ru"),
            ("back", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[LOCATION], "/");
    let html = client
        .get(format!("{}/", node.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"<html lang="ru">"#) && html.contains("Имя пользователя"),
        "{html}"
    );
    // signed in, the user's own choice is remembered in its account
    assert_eq!(
        sign_in(&node, &client, "kartli", "tbilisi bridge 9")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let csrf = csrf_of(&home(&node, &client).await.text().await.unwrap());
    client
        .post(format!("{}/ui/language", node.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("lang", "kk"),
            ("back", "https://evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    let other = browser();
    assert_eq!(
        sign_in(&node, &other, "kartli", "tbilisi bridge 9")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let html = home(&node, &other).await.text().await.unwrap();
    assert!(
        html.contains(r#"<html lang="kk">"#) && html.contains("Басты бет"),
        "{html}"
    );
}

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
