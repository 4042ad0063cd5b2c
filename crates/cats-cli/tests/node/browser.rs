//! The pages in a real browser: headless Chromium driven through chromedriver (WebDriver, with
//! fantoccini). Runs when `CATS_E2E=1` (CI sets it and installs `chromium` and
//! `chromium-driver`); skipped with a note otherwise. Saves a screenshot of every page it visits
//! under `target/screenshots/`, named `ROLE-PAGE-LANG.png`.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use cats_app::Actor;

use crate::common::{corridor, start, TestNode};

pub(crate) fn enabled() -> bool {
    if std::env::var("CATS_E2E").as_deref() == Ok("1") {
        return true;
    }
    eprintln!("browser tests skipped: set CATS_E2E=1 (needs chromium and chromium-driver)");
    false
}

/// chromedriver on a free port of 127.0.0.1, stopped when dropped.
pub(crate) struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub(crate) async fn driver() -> Driver {
    let port = free_port();
    let mut child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian package chromium-driver) on the PATH");
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Driver { child, url };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("chromedriver did not start on port {port}");
}

pub(crate) async fn browser(driver: &Driver, lang: &str) -> Client {
    // WebDriver is plain HTTP on 127.0.0.1, but the client is built with rustls
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", format!("--lang={lang}")],
            "prefs": { "intl.accept_languages": lang },
        }),
    );
    ClientBuilder::rustls()
        .expect("rustls")
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

fn shots_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    dir
}

pub(crate) async fn shot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(shots_dir().join(format!("{name}.png")), png).expect("screenshot written");
}

/// A screenshot that a manual shows (`docs/manual/{lang}/src/screens/{name}.png`): always written
/// to `target/screenshots/manual/{lang}/`, and into the manual itself when
/// `CATS_MANUAL_SCREENS=1`, so that the manuals' pictures are refreshed by running the browser
/// tests (`docs/manual/README.md`). `manual_screens.rs` checks that every picture a
/// manual shows is one a test takes.
pub(crate) async fn manual_shot(client: &Client, lang: &str, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    let dir = shots_dir().join("manual").join(lang);
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    std::fs::write(dir.join(format!("{name}.png")), &png).expect("screenshot written");
    if std::env::var("CATS_MANUAL_SCREENS").as_deref() == Ok("1") {
        let manual = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs/manual")
            .join(lang)
            .join("src/screens");
        std::fs::create_dir_all(&manual).expect("the manual's screens directory");
        std::fs::write(manual.join(format!("{name}.png")), &png).expect("screenshot written");
    }
}

/// The axe-core script: `CATS_AXE_JS`, else `target/npm/node_modules/axe-core/axe.min.js`
/// (`.ci/run` installs it there with npm).
pub(crate) fn axe_source() -> String {
    let path = std::env::var("CATS_AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/npm/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core not found at {} ({e}): run `npm install --prefix target/npm axe-core@4`",
            path.display()
        )
    })
}

/// Run axe-core on the page shown; fails on any serious or critical violation.
pub(crate) async fn accessible(client: &Client, axe: &str, page: &str) {
    let script = format!(
        "{axe}\n;const done = arguments[arguments.length - 1];\
         axe.run(document, {{ resultTypes: ['violations'] }}).then(r => done(r.violations\
           .filter(v => v.impact === 'serious' || v.impact === 'critical')\
           .map(v => ({{ id: v.id, impact: v.impact, help: v.help,\
                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')) }}))));"
    );
    let found = client
        .execute_async(&script, vec![])
        .await
        .expect("axe-core ran");
    let violations = found.as_array().cloned().unwrap_or_default();
    assert!(
        violations.is_empty(),
        "{page}: serious or critical accessibility violations: {}",
        serde_json::to_string_pretty(&violations).unwrap_or_default()
    );
}

/// Go to `path`, wait for `found`, take the screenshot `name` and check the page with axe-core.
pub(crate) async fn visit(
    client: &Client,
    node: &TestNode,
    path: &str,
    found: Locator<'_>,
    name: &str,
    axe: &str,
) {
    client.goto(&format!("{}{path}", node.base)).await.unwrap();
    client
        .find(found)
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    shot(client, name).await;
    accessible(client, axe, path).await;
}

pub(crate) async fn sign_in(node: &TestNode, client: &Client, user: &str, password: &str) {
    sign_in_at(&node.base, client, user, password).await;
}

/// Sign in at the node serving `base` (`http://127.0.0.1:PORT`).
pub(crate) async fn sign_in_at(base: &str, client: &Client, user: &str, password: &str) {
    type_credentials(base, client, user, password).await;
    client
        .find(Locator::Css("main form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_url(&format!("{base}/ui/home").parse().expect("url"))
        .await
        .expect("the home page");
}

/// Open the sign-in page of the node serving `base` and type the user name and the password,
/// without signing in yet.
pub(crate) async fn type_credentials(base: &str, client: &Client, user: &str, password: &str) {
    client.goto(&format!("{base}/")).await.unwrap();
    client
        .find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    client
        .find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
}

pub(crate) fn url(node: &TestNode, path: &str) -> url::Url {
    format!("{}{path}", node.base).parse().expect("url")
}

pub(crate) async fn heading(client: &Client) -> String {
    client
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn every_role_signs_in_and_sees_its_pages_in_english_and_russian() {
    if !enabled() {
        return;
    }
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("E2E-1")).await;
    node.customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    let users = [
        ("silkway", "trader"),
        ("officer.kz", "officer"),
        ("steppe", "insurer"),
        ("admin", "admin"),
    ];
    for (user, _) in users {
        cats_app::accounts::set_password(
            &node.app,
            &Actor::System("e2e".into()),
            user,
            "browser test 2026",
            Utc::now(),
        )
        .await
        .unwrap();
    }
    let driver = driver().await;
    let axe = axe_source();
    for lang in ["en", "ru"] {
        let client = browser(&driver, lang).await;
        client.goto(&format!("{}/", node.base)).await.unwrap();
        shot(&client, &format!("anonymous-sign-in-{lang}")).await;
        accessible(&client, &axe, "sign-in").await;
        for (user, role) in users {
            sign_in(&node, &client, user, "browser test 2026").await;
            let title = heading(&client).await;
            assert_eq!(
                title,
                if lang == "ru" {
                    "Главная"
                } else {
                    "Home"
                },
                "{user}"
            );
            shot(&client, &format!("{role}-home-{lang}")).await;
            accessible(&client, &axe, "home").await;
            if matches!(role, "trader" | "officer") {
                client
                    .goto(&format!("{}/ui/movements", node.base))
                    .await
                    .unwrap();
                let cell = client
                    .find(Locator::LinkText("E2E-1"))
                    .await
                    .expect("the movement in the list");
                shot(&client, &format!("{role}-movements-{lang}")).await;
                accessible(&client, &axe, "movements").await;
                cell.click().await.unwrap();
                let h1 = heading(&client).await;
                assert!(h1.contains("KZHOR") || h1.contains("E2E-1"), "{h1}");
                shot(&client, &format!("{role}-movement-{lang}")).await;
                accessible(&client, &axe, "movement").await;
            }
            if role == "officer" {
                let found = Locator::Css("table.matrix");
                visit(
                    &client,
                    &node,
                    "/ui/risk",
                    found,
                    &format!("officer-risk-{lang}"),
                    &axe,
                )
                .await;
                let found = Locator::Id("decide");
                visit(
                    &client,
                    &node,
                    "/ui/queue",
                    found,
                    &format!("officer-queue-{lang}"),
                    &axe,
                )
                .await;
            }
            if matches!(role, "trader" | "insurer") {
                let found = Locator::Css("main h1");
                visit(
                    &client,
                    &node,
                    "/ui/contracts",
                    found,
                    &format!("{role}-contracts-{lang}"),
                    &axe,
                )
                .await;
                let found = Locator::Css("main h1");
                visit(
                    &client,
                    &node,
                    "/ui/notifications",
                    found,
                    &format!("{role}-notifications-{lang}"),
                    &axe,
                )
                .await;
            }
            if role != "admin" {
                let found = Locator::Css("main h1");
                visit(
                    &client,
                    &node,
                    "/ui/registrations",
                    found,
                    &format!("{role}-registrations-{lang}"),
                    &axe,
                )
                .await;
            }
            if role == "trader" {
                let found = Locator::Css("main a.button");
                visit(
                    &client,
                    &node,
                    "/ui/declarations",
                    found,
                    &format!("trader-declarations-{lang}"),
                    &axe,
                )
                .await;
            }
            if role == "admin" {
                let found = Locator::Css("form[action='/ui/admin/reference/rates']");
                visit(
                    &client,
                    &node,
                    "/ui/admin/reference",
                    found,
                    &format!("admin-reference-{lang}"),
                    &axe,
                )
                .await;
                let found = Locator::Css("form[action='/ui/admin/users']");
                visit(
                    &client,
                    &node,
                    "/ui/admin/users",
                    found,
                    &format!("admin-users-{lang}"),
                    &axe,
                )
                .await;
            }
            client
                .find(Locator::Css("header form[action='/ui/sign-out'] button"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            client.wait().for_url(&url(&node, "/")).await.unwrap();
        }
        client.close().await.unwrap();
    }
    // switching the language with the switch on the page
    let client = browser(&driver, "en").await;
    sign_in(&node, &client, "silkway", "browser test 2026").await;
    for (lang, expected) in [("ka", "მთავარი"), ("ru", "Главная")] {
        client
            .find(Locator::Css(&format!(
                "#lang-select option[value='{lang}']"
            )))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .find(Locator::Css("form.lang button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .wait()
            .for_element(Locator::Css(&format!("html[lang='{lang}']")))
            .await
            .unwrap();
        assert_eq!(heading(&client).await, expected);
        shot(&client, &format!("trader-home-switched-{lang}")).await;
    }
    client.close().await.unwrap();
}

#[tokio::test]
async fn every_demo_user_signs_in_with_its_password() {
    if !enabled() {
        return;
    }
    let node = start().await;
    let demo = cats_reference::demo_data().expect("demo data");
    let driver = driver().await;
    let client = browser(&driver, "en").await;
    for u in &demo.users {
        let password = format!("{} demo 2026", u.username);
        cats_app::accounts::set_password(
            &node.app,
            &Actor::System("e2e".into()),
            &u.username,
            &password,
            Utc::now(),
        )
        .await
        .unwrap();
        sign_in(&node, &client, &u.username, &password).await;
        assert_eq!(heading(&client).await, "Home", "{}", u.username);
        let who = client
            .find(Locator::Css("header .who"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(who.contains(&u.username), "{who}");
        client
            .find(Locator::Css("header form[action='/ui/sign-out'] button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client.wait().for_url(&url(&node, "/")).await.unwrap();
    }
    client.close().await.unwrap();
}
