//! The web pages over HTTP, signing in: CSRF, the lock after failed sign-ins, sessions ending on
//! sign-out, disabling and password changes, languages, and the security headers. The helpers
//! here (a cookie-keeping client, signing in) serve `pages_work.rs` too.

use chrono::Utc;
use reqwest::header::{CONTENT_SECURITY_POLICY, LOCATION, X_CONTENT_TYPE_OPTIONS};
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};

use cats_app::Actor;

use crate::common::{start, TestNode};

/// A browser-like client: keeps cookies, does not follow redirects (so they can be checked).
pub(crate) fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client")
}

/// The CSRF token of the first form of `html`.
pub(crate) fn csrf_of(html: &str) -> String {
    let at = html
        .find(r#"name="csrf" value=""#)
        .expect("a form with a CSRF token")
        + r#"name="csrf" value=""#.len();
    html[at..].split('"').next().expect("token").to_string()
}

/// Give `user` this password (as an administrator would).
pub(crate) async fn set_password(node: &TestNode, user: &str, password: &str) {
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
pub(crate) async fn sign_in(
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

pub(crate) async fn home(node: &TestNode, client: &Client) -> reqwest::Response {
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
    // no inline script: the one script is htmx, from this node
    assert_eq!(
        html.matches("<script").count(),
        html.matches(r#"<script src="/ui/assets/htmx.min.js" defer></script>"#)
            .count(),
        "no inline script on the page"
    );
    let js = reqwest::get(format!("{}/ui/assets/htmx.min.js", node.base))
        .await
        .unwrap();
    assert_eq!(
        js.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
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
