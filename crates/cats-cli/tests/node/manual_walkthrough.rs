//! The user manuals tried as a new user would (issue 18), in a real browser (`CATS_E2E=1`), in
//! English and then in Russian: the steps of the trader's and the officer's manuals
//! (`docs/manual/{en,ru}/src/{trader,officer}/`), clicking the menu items, links and buttons the
//! manuals name by their visible text (in the page's language, from the pages' own locale).
//!
//! The trader `silkway` signs in, opens Declare, fills in the Single Transit Document, lodges it,
//! is shown the rule it breaks beside its field, corrects it, lodges it again and reads its MRN;
//! `officer.kz` finds it in the work queue, releases it for transit (deciding a control first
//! when CATS selected it) and records its exit at Aktau; `officer.az` records its entry at Alat
//! and its exit at the Red Bridge; `officer.ge` its entry at the Red Bridge, its arrival at Poti
//! and the release of the goods, which writes it off; the trader sees it written off, its
//! history and its notifications; the insurer `steppe` sees the guarantee's usage and the
//! administrator the users.
//!
//! Each step's picture is taken with [`manual_shot`] under the same name in both languages
//! ([`MANUAL_SHOTS`]): `target/screenshots/manual/{lang}/NAME.png`, and into the manuals'
//! `screens/` with `CATS_MANUAL_SCREENS=1`. `manual_screens.rs` (no browser) checks that
//! every picture the manuals show exists and is one a test takes.

use chrono::Utc;
use fantoccini::{Client, Locator};

use cats_app::Actor;
use cats_web::pages::i18n::Tr;

use crate::browser::{browser, driver, enabled, manual_shot, type_credentials, Driver};
use crate::browser_flow::{fill, submit};
use crate::common::{start_with, TestNode};
use crate::pages_declare::corridor_fields;

/// Every picture the walkthrough takes, in the order it takes them, in each language.
pub(crate) const MANUAL_SHOTS: &[&str] = &[
    "sign-in",
    "trader-home",
    "trader-declarations",
    "declare-form",
    "declare-goods",
    "declare-error",
    "declare-lodged",
    "officer-queue",
    "officer-movement",
    "officer-control-forms",
    "officer-release",
    "officer-released",
    "officer-exit",
    "officer-queue-expected",
    "officer-arrival",
    "officer-goods-release",
    "officer-written-off",
    "trader-movements",
    "trader-written-off",
    "trader-history",
    "trader-notifications",
    "insurer-contracts",
    "insurer-contract",
    "admin-users",
];

/// The pictures the support test takes for the support chapters (`support.md`,
/// `admin/support.md`).
pub(crate) const SUPPORT_SHOTS: &[&str] = &["support-form", "support-admin-list", "support-answer"];

const PASSWORD: &str = "manual walkthrough 2026";

/// One language's walk: its labels and the pictures taken so far.
struct Walk<'a> {
    node: &'a TestNode,
    lang: &'static str,
    t: Tr,
    taken: Vec<&'static str>,
}

impl Walk<'_> {
    /// The label `key` as the pages show it in this language.
    fn label(&self, key: &str) -> String {
        self.t.get(key)
    }

    async fn shot(&mut self, client: &Client, name: &'static str) {
        assert!(
            MANUAL_SHOTS.contains(&name),
            "{name} is not in MANUAL_SHOTS"
        );
        manual_shot(client, self.lang, name).await;
        self.taken.push(name);
    }

    /// Sign in as the manual says: the user name, the password, the Sign in button.
    async fn sign_in(&mut self, client: &Client, user: &str, picture: bool) {
        type_credentials(&self.node.base, client, user, PASSWORD).await;
        if picture {
            self.shot(client, "sign-in").await;
        }
        press(client, &self.label("sign-in-submit")).await;
        assert_eq!(
            client.current_url().await.unwrap().path(),
            "/ui/home",
            "{user} signed in"
        );
    }

    /// Click the menu item `key`.
    async fn menu(&self, client: &Client, key: &str) {
        let text = self.label(key);
        let link = client
            .find(Locator::XPath(&format!(
                "//nav[contains(@class, 'main-nav')]//a[starts-with(normalize-space(), {})]",
                xpath_text(&text)
            )))
            .await
            .unwrap_or_else(|e| panic!("the menu item {text}: {e}"));
        submit(client, link).await;
    }

    /// The value the movement page's summary gives for `key` (`col-mrn`, `col-state`).
    async fn fact(&self, client: &Client, key: &str) -> String {
        client
            .find(Locator::XPath(&format!(
                "//dl[contains(@class, 'facts')]/dt[normalize-space()={}]/following-sibling::dd[1]",
                xpath_text(&self.label(key))
            )))
            .await
            .unwrap_or_else(|e| panic!("{key} in the summary: {e}"))
            .text()
            .await
            .unwrap()
    }

    async fn state_is(&self, client: &Client, state: &str) {
        let shown = self.fact(client, "col-state").await;
        assert_eq!(shown, self.label(&format!("state-{state}")), "the state");
    }

    /// On the movement page, under Customs action: choose the action `key` (`action-exit`) and
    /// the office; `shot`, if given, is taken before Record the action is clicked.
    async fn act(&mut self, client: &Client, key: &str, office: &str, shot: Option<&'static str>) {
        choose(client, "action", &self.label(key)).await;
        client
            .find(Locator::Css(&format!("#office option[value='{office}']")))
            .await
            .unwrap_or_else(|e| panic!("office {office} offered: {e}"))
            .click()
            .await
            .unwrap();
        if let Some(name) = shot {
            scroll_to_heading(client, "h2", &self.label("action-title")).await;
            self.shot(client, name).await;
        }
        press(client, &self.label("action-submit")).await;
        let refused = client.find(Locator::Css("#action-error")).await.ok();
        if let Some(refused) = refused {
            panic!(
                "{key} at {office} refused: {}",
                refused.text().await.unwrap()
            );
        }
    }

    /// Open the movement `lrn` from the officer's work queue, section `section`.
    async fn open_from_queue(&self, client: &Client, section: &str, lrn: &str) {
        let link = client
            .find(Locator::XPath(&format!(
                "//section[@id='{section}']//a[normalize-space()={}]",
                xpath_text(lrn)
            )))
            .await
            .unwrap_or_else(|e| panic!("{lrn} under {section} in the work queue: {e}"));
        submit(client, link).await;
    }

    async fn sign_out(&self, client: &Client) {
        press(client, &self.label("sign-out")).await;
    }
}

/// `text` as an XPath string literal.
fn xpath_text(text: &str) -> String {
    assert!(!text.contains('\''), "{text}");
    format!("'{text}'")
}

/// Click the button that reads `text` and wait for what it sent to come back.
async fn press(client: &Client, text: &str) {
    let button = client
        .find(Locator::XPath(&format!(
            "//button[normalize-space()={}]",
            xpath_text(text)
        )))
        .await
        .unwrap_or_else(|e| panic!("the button {text}: {e}"));
    submit(client, button).await;
}

/// Choose the option that reads `text` in the select `id`.
async fn choose(client: &Client, id: &str, text: &str) {
    client
        .find(Locator::XPath(&format!(
            "//select[@id='{id}']/option[normalize-space()={}]",
            xpath_text(text)
        )))
        .await
        .unwrap_or_else(|e| panic!("{text} in {id}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Scroll the page so that the heading (`h2`, `h3`) reading `text` is at the top.
async fn scroll_to_heading(client: &Client, tag: &str, text: &str) {
    let found = client
        .execute(
            "const h = Array.from(document.querySelectorAll(arguments[0]))\
               .find(h => h.textContent.trim().startsWith(arguments[1]));\
             if (!h) { return false; }\
             h.scrollIntoView({block: 'start'}); window.scrollBy(0, -12); return true;",
            vec![tag.into(), text.into()],
        )
        .await
        .unwrap();
    assert_eq!(found, serde_json::json!(true), "the heading {text}");
}

async fn scroll_to(client: &Client, css: &str) {
    client
        .execute(
            &format!("document.querySelector(\"{css}\").scrollIntoView({{block: 'start'}})"),
            vec![],
        )
        .await
        .unwrap();
}

/// The trader's manual, "Lodge a Single Transit Document": the LRN and the MRN lodged.
async fn trader_lodges(w: &mut Walk<'_>, trader: &Client, lrn: &str) -> String {
    w.sign_in(trader, "silkway", true).await;
    w.shot(trader, "trader-home").await;
    w.menu(trader, "nav-declare").await;
    w.shot(trader, "trader-declarations").await;
    let new = trader
        .find(Locator::LinkText(&w.label("declare-new")))
        .await
        .expect("New Single Transit Document");
    submit(trader, new).await;
    w.shot(trader, "declare-form").await;
    // the rows the example has beyond the first of each, added with their buttons
    for key in [
        "std-add-office-transit",
        "std-add-office-exit",
        "std-add-seal",
        "std-add-routing",
        "std-add-routing",
        "std-add-item",
    ] {
        press(trader, &w.label(key)).await;
    }
    let mut fields = corridor_fields(lrn);
    // the holder is the trader's own company, filled in by CATS
    fields.remove("/CC015C/HolderOfTheTransitProcedure/name");
    // a slip of the finger: the consignment's gross mass below its house consignment's (R0994)
    let gross = "/CC015C/Consignment/grossMass";
    fields.insert(gross.into(), "1845.5".into());
    let mut typed = 0;
    for (name, value) in &fields {
        if fill(trader, name, value).await {
            typed += 1;
        }
    }
    assert!(typed > 60, "only {typed} fields typed");
    scroll_to(
        trader,
        "#f-CC015C-Consignment-HouseConsignment-1--ConsignmentItem-1-",
    )
    .await;
    w.shot(trader, "declare-goods").await;
    press(trader, &w.label("declare-lodge")).await;
    // rejected: the rule beside its field, the form kept
    let error = trader
        .find(Locator::Css(".field.has-error .field-error"))
        .await
        .expect("the rule beside its field");
    assert!(
        error.text().await.unwrap().contains("R0994"),
        "{}",
        error.text().await.unwrap()
    );
    trader
        .execute(
            "document.querySelector('.field.has-error').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await
        .unwrap();
    w.shot(trader, "declare-error").await;
    fill(trader, gross, "18450.500").await;
    press(trader, &w.label("declare-lodge")).await;
    let path = trader.current_url().await.unwrap().path().to_string();
    assert!(path.starts_with("/ui/movements/"), "lodged: {path}");
    w.state_is(trader, "Accepted").await;
    let mrn = w.fact(trader, "col-mrn").await;
    assert!(mrn.len() == 18 && mrn[2..4] == *"KZ", "the MRN: {mrn}");
    scroll_to_heading(trader, "h2", &w.label("movement-summary")).await;
    w.shot(trader, "declare-lodged").await;
    mrn
}

/// The officer's manual, "Control and release for transit" and "Exit, entry, arrival and
/// write-off", at the offices of Kazakhstan.
async fn officer_releases(w: &mut Walk<'_>, officer: &Client, lrn: &str) {
    w.sign_in(officer, "officer.kz", false).await;
    w.menu(officer, "nav-queue").await;
    w.shot(officer, "officer-queue").await;
    w.open_from_queue(officer, "decide", lrn).await;
    w.state_is(officer, "Accepted").await;
    scroll_to_heading(officer, "h2", &w.label("risk-title")).await;
    w.shot(officer, "officer-movement").await;
    let selected = officer.find(Locator::Id("override-reason")).await.is_ok();
    scroll_to_heading(officer, "h3", &w.label("action-control-decision")).await;
    w.shot(officer, "officer-control-forms").await;
    if selected {
        // CATS selected it: decide the control it proposes, then record its result
        choose(officer, "decision-type", &w.label("control-documentary")).await;
        press(officer, &w.label("action-decide")).await;
        w.state_is(officer, "UnderControl").await;
        choose(officer, "result-type", &w.label("control-documentary")).await;
        choose(officer, "result-code", &w.label("result-A1")).await;
        press(officer, &w.label("action-record")).await;
    }
    w.act(
        officer,
        "action-release",
        "KZHOR001",
        Some("officer-release"),
    )
    .await;
    w.state_is(officer, "ReleasedForTransit").await;
    scroll_to_heading(officer, "h2", &w.label("movement-summary")).await;
    w.shot(officer, "officer-released").await;
    w.act(officer, "action-exit", "KZAAU001", Some("officer-exit"))
        .await;
    w.state_is(officer, "ReleasedForTransit").await;
    w.sign_out(officer).await;
}

/// Passage through Azerbaijan and Georgia, arrival at Poti and the write-off.
async fn passage_to_write_off(w: &mut Walk<'_>, officer: &Client, lrn: &str) {
    w.sign_in(officer, "officer.az", false).await;
    w.menu(officer, "nav-queue").await;
    w.shot(officer, "officer-queue-expected").await;
    w.open_from_queue(officer, "expected", lrn).await;
    w.act(officer, "action-entry", "AZALA001", None).await;
    w.act(officer, "action-exit", "AZQAZ001", None).await;
    w.sign_out(officer).await;

    w.sign_in(officer, "officer.ge", false).await;
    w.menu(officer, "nav-queue").await;
    w.open_from_queue(officer, "expected", lrn).await;
    w.act(officer, "action-entry", "GERBR001", None).await;
    w.act(
        officer,
        "action-arrival",
        "GEPTI001",
        Some("officer-arrival"),
    )
    .await;
    w.state_is(officer, "Arrived").await;
    w.act(
        officer,
        "action-goods-release",
        "GEPTI001",
        Some("officer-goods-release"),
    )
    .await;
    w.state_is(officer, "WrittenOff").await;
    scroll_to_heading(officer, "h2", &w.label("movement-summary")).await;
    w.shot(officer, "officer-written-off").await;
    w.sign_out(officer).await;
}

/// The trader's manual, "Follow a movement to write-off".
async fn trader_follows(w: &mut Walk<'_>, trader: &Client, lrn: &str, mrn: &str) {
    w.menu(trader, "nav-movements").await;
    let row = trader
        .find(Locator::XPath(&format!(
            "//tr[td[normalize-space()={}]]",
            xpath_text(mrn)
        )))
        .await
        .expect("the movement in the list");
    assert!(row
        .text()
        .await
        .unwrap()
        .contains(&w.label("state-WrittenOff")));
    w.shot(trader, "trader-movements").await;
    // the LRN of the row with the MRN (the rejected attempt has the same LRN and no MRN)
    let link = row
        .find(Locator::XPath(&format!(
            ".//a[normalize-space()={}]",
            xpath_text(lrn)
        )))
        .await
        .unwrap();
    submit(trader, link).await;
    w.state_is(trader, "WrittenOff").await;
    scroll_to_heading(trader, "h2", &w.label("movement-summary")).await;
    w.shot(trader, "trader-written-off").await;
    let history = trader
        .find(Locator::XPath("//section[h2]/div/table"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for message in ["CC015C", "CC028C", "CC029C", "CC045C"] {
        assert!(
            history.contains(message),
            "{message} in the history: {history}"
        );
    }
    scroll_to_heading(trader, "h2", &w.label("movement-timeline")).await;
    w.shot(trader, "trader-history").await;
    w.menu(trader, "nav-notifications").await;
    let inbox = trader
        .find(Locator::Id("inbox"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(inbox.contains(mrn), "{mrn} in the notifications: {inbox}");
    w.shot(trader, "trader-notifications").await;
    w.sign_out(trader).await;
}

/// The insurer's and the administrator's main pages.
async fn insurer_and_admin(w: &mut Walk<'_>, client: &Client, mrn: &str) {
    w.sign_in(client, "steppe", false).await;
    w.menu(client, "nav-contracts").await;
    w.shot(client, "insurer-contracts").await;
    let contract = client
        .find(Locator::XPath(
            "//tr[td[normalize-space()='25KZ0000SRI000010']]//a",
        ))
        .await
        .unwrap();
    submit(client, contract).await;
    let usage = client
        .find(Locator::XPath("//section[h2]/div/table"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        usage.contains(mrn) && usage.contains(&w.label("usage-credited")),
        "{mrn} credited back: {usage}"
    );
    scroll_to_heading(client, "h2", &w.label("contract-usage")).await;
    w.shot(client, "insurer-contract").await;
    w.sign_out(client).await;
    w.sign_in(client, "admin", false).await;
    w.menu(client, "nav-users").await;
    w.shot(client, "admin-users").await;
    w.sign_out(client).await;
}

async fn walk(node: &TestNode, driver: &Driver, lang: &'static str) {
    let mut w = Walk {
        node,
        lang,
        t: Tr::new(lang),
        taken: Vec::new(),
    };
    let lrn = format!(
        "KZHOR-2026-{}",
        if lang == "en" { "000123" } else { "000124" }
    );
    let trader = browser(driver, lang).await;
    let mrn = trader_lodges(&mut w, &trader, &lrn).await;
    let officer = browser(driver, lang).await;
    officer_releases(&mut w, &officer, &lrn).await;
    passage_to_write_off(&mut w, &officer, &lrn).await;
    trader_follows(&mut w, &trader, &lrn, &mrn).await;
    insurer_and_admin(&mut w, &officer, &mrn).await;
    trader.close().await.unwrap();
    officer.close().await.unwrap();
    assert_eq!(w.taken, MANUAL_SHOTS, "{lang}: the pictures taken");
}

#[tokio::test]
async fn a_new_trader_and_officer_follow_the_manuals_to_write_off() {
    if !enabled() {
        return;
    }
    // the demo node's own risk policy (random selection rates, AEO benefits), so that the pages
    // show what they show on the demo node, and CATS may select the movement for control
    let policy = serde_json::from_str(cats_cli::node::DEFAULT_RISK_POLICY).expect("the policy");
    let node = start_with(policy).await;
    for user in [
        "silkway",
        "officer.kz",
        "officer.az",
        "officer.ge",
        "steppe",
        "admin",
    ] {
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
    let driver = driver().await;
    for lang in ["en", "ru"] {
        walk(&node, &driver, lang).await;
    }
}
