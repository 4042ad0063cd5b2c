//! A whole movement done in a real browser (CATS_E2E=1): a trader fills in the Single Transit
//! Document, adds rows, is shown an error beside its field, corrects it and lodges; an officer
//! decides a control, records its result and releases; the trader sees the new state and the
//! timeline. Screenshots in English and Russian under `target/screenshots/`.

use chrono::Utc;
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};

use cats_app::Actor;

use crate::browser::{accessible, axe_source, browser, driver, enabled, heading, shot, sign_in};
use crate::common::{start, TestNode};
use crate::pages_declare::corridor_fields;

const PASSWORD: &str = "browser test 2026";

/// Click `button` (a form's submit button) and wait until what it sent has come back: the next
/// page, or the form swapped in place by htmx; either way the button clicked goes stale.
pub(crate) async fn submit(client: &Client, button: Element) {
    button.click().await.unwrap();
    for _ in 0..400 {
        if button.tag_name().await.is_err() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    client
        .wait()
        .for_element(Locator::Css("main h1"))
        .await
        .unwrap();
}

/// Click the submit button whose value starts with `value` and wait for the next page.
async fn press(client: &Client, value: &str) {
    let button = client
        .find(Locator::Css(&format!("button[value^=\"{value}\"]")))
        .await
        .unwrap_or_else(|e| panic!("button {value}: {e}"));
    submit(client, button).await;
}

/// Type `value` into the form field named `name` (choose it in a select); `false` when the form
/// has no such field.
pub(crate) async fn fill(client: &Client, name: &str, value: &str) -> bool {
    let Ok(field) = client
        .find(Locator::Css(&format!("[name=\"{name}\"]")))
        .await
    else {
        return false;
    };
    if field.attr("readonly").await.unwrap().is_some() {
        return true;
    }
    let tag = field.tag_name().await.unwrap();
    if tag == "select" {
        field
            .find(Locator::Css(&format!("option[value=\"{value}\"]")))
            .await
            .unwrap_or_else(|e| panic!("{name} has no option {value}: {e}"))
            .click()
            .await
            .unwrap();
    } else {
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }
    true
}

/// The trader lodges the corridor declaration through the form; the movement page's path.
async fn lodge_through_the_form(node: &TestNode, client: &Client, lang: &str, lrn: &str) -> String {
    let axe = axe_source();
    client
        .goto(&format!("{}/ui/declarations/new", node.base))
        .await
        .unwrap();
    shot(client, &format!("trader-declare-{lang}")).await;
    accessible(client, &axe, "declare").await;
    client
        .execute(
            "document.getElementById('f-CC015C-Consignment-HouseConsignment-1-').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    shot(client, &format!("trader-declare-goods-{lang}")).await;
    // rows are added in place (htmx): the page is not loaded again, and the address becomes the
    // draft's
    client
        .execute("window.catsMarker = 'still here'; return 1", vec![])
        .await
        .unwrap();
    // the rows the corridor declaration has beyond the first of each
    for add in [
        "add:/CC015C/CustomsOfficeOfTransitDeclared|",
        "add:/CC015C/CustomsOfficeOfExitForTransitDeclared|",
        "add:/CC015C/Consignment/TransportEquipment[1]/Seal|",
        "add:/CC015C/Consignment/CountryOfRoutingOfConsignment|",
        "add:/CC015C/Consignment/CountryOfRoutingOfConsignment|",
        "add:/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem|",
    ] {
        press(client, add).await;
    }
    let marker = client
        .execute("return window.catsMarker || null", vec![])
        .await
        .unwrap();
    assert_eq!(
        marker,
        serde_json::json!("still here"),
        "a row added reloaded the page"
    );
    let path = client.current_url().await.unwrap().path().to_string();
    assert!(
        path.starts_with("/ui/declarations/") && !path.ends_with("/new"),
        "{path}"
    );
    let mut fields = corridor_fields(lrn);
    let gross = "/CC015C/Consignment/grossMass";
    fields.insert(gross.into(), "heavy".into());
    let mut typed = 0;
    for (name, value) in &fields {
        if fill(client, name, value).await {
            typed += 1;
        }
    }
    assert!(typed > 60, "only {typed} fields typed");
    press(client, "lodge").await;
    // the error is beside its field, and listed at the top
    let error = client
        .find(Locator::Css(".field.has-error .field-error"))
        .await
        .expect("an error beside a field");
    assert!(error.text().await.unwrap().contains("heavy"));
    let invalid = client
        .find(Locator::Css("[aria-invalid=true]"))
        .await
        .unwrap();
    assert_eq!(invalid.attr("name").await.unwrap().as_deref(), Some(gross));
    client
        .find(Locator::Css(".error-summary a"))
        .await
        .expect("the error summary");
    shot(client, &format!("trader-declare-errors-{lang}")).await;
    client
        .execute(
            "document.querySelector('.field.has-error').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await
        .unwrap();
    shot(client, &format!("trader-declare-error-beside-field-{lang}")).await;
    accessible(client, &axe, "declare with errors").await;
    fill(client, gross, "18450.500").await;
    press(client, "lodge").await;
    let path = client.current_url().await.unwrap().path().to_string();
    assert!(path.starts_with("/ui/movements/"), "{path}");
    path
}

#[tokio::test]
async fn a_movement_lodged_decided_controlled_and_released_in_the_browser() {
    if !enabled() {
        return;
    }
    let node = start().await;
    for user in ["silkway", "officer.kz", "steppe"] {
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
    let axe = axe_source();
    for lang in ["en", "ru"] {
        let lrn = format!("E2E-FORM-{lang}");
        let trader = browser(&driver, lang).await;
        sign_in(&node, &trader, "silkway", PASSWORD).await;
        let movement = lodge_through_the_form(&node, &trader, lang, &lrn).await;
        let accepted = if lang == "ru" {
            "Принята"
        } else {
            "Accepted"
        };
        let summary = trader
            .find(Locator::Css("dl.facts"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            summary.contains(&lrn) && summary.contains(accepted),
            "{summary}"
        );
        shot(&trader, &format!("trader-lodged-{lang}")).await;

        let officer = browser(&driver, lang).await;
        sign_in(&node, &officer, "officer.kz", PASSWORD).await;
        officer
            .goto(&format!("{}{movement}", node.base))
            .await
            .unwrap();
        // the declaration read back, opened
        officer
            .find(Locator::Css("details.declaration summary"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        officer
            .execute(
                "document.querySelector('details.declaration').scrollIntoView()",
                vec![],
            )
            .await
            .unwrap();
        shot(&officer, &format!("officer-declaration-{lang}")).await;
        accessible(&officer, &axe, "movement with the declaration open").await;
        let decide = "form:has(input[value='control-decision'])";
        officer
            .find(Locator::Css(&format!("{decide} option[value='physical']")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let button = officer
            .find(Locator::Css(&format!("{decide} button")))
            .await
            .unwrap();
        submit(&officer, button).await;
        let record = "form:has(input[value='control-result'])";
        officer
            .find(Locator::Css(&format!("{record} option[value='A1']")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let button = officer
            .find(Locator::Css(&format!("{record} button")))
            .await
            .unwrap();
        submit(&officer, button).await;
        officer
            .find(Locator::Css("#action option[value='release']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let button = officer
            .find(Locator::Css("form:has(#action) button"))
            .await
            .unwrap();
        submit(&officer, button).await;
        officer.find(Locator::Css("main h1")).await.unwrap();
        shot(&officer, &format!("officer-released-{lang}")).await;
        officer
            .execute(
                "document.getElementById('control-1').scrollIntoView()",
                vec![],
            )
            .await
            .unwrap();
        shot(&officer, &format!("officer-control-record-{lang}")).await;
        accessible(&officer, &axe, "movement released").await;
        officer.close().await.unwrap();

        trader
            .goto(&format!("{}{movement}", node.base))
            .await
            .unwrap();
        let summary = trader
            .find(Locator::Css("dl.facts"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let released = if lang == "ru" {
            "Выпущена для транзита"
        } else {
            "Released for transit"
        };
        assert!(summary.contains(released), "{summary}");
        let timeline = trader
            .find(Locator::Css("main table"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for message in ["CC015C", "CC928C", "CC028C", "CC060C", "CC029C"] {
            assert!(timeline.contains(message), "{message} missing: {timeline}");
        }
        assert!(!heading(&trader).await.is_empty());
        shot(&trader, &format!("trader-released-{lang}")).await;
        let mrn = summary
            .lines()
            .find_map(|l| {
                l.split_whitespace()
                    .find(|w| w.len() == 18 && w.starts_with("26KZ"))
            })
            .expect("the MRN in the summary")
            .to_string();
        // on a tablet (820 × 1180): the same pages, their sections stacked
        trader.set_window_size(820, 1180).await.unwrap();
        trader
            .goto(&format!("{}{movement}", node.base))
            .await
            .unwrap();
        shot(&trader, &format!("trader-movement-tablet-{lang}")).await;
        trader
            .goto(&format!("{}/ui/declarations/new", node.base))
            .await
            .unwrap();
        shot(&trader, &format!("trader-declare-tablet-{lang}")).await;
        accessible(&trader, &axe, "declare on a tablet").await;
        trader.close().await.unwrap();

        // the insurer sees the running total rise: the MRN in the usage of Silk Way's contract
        let insurer = browser(&driver, lang).await;
        sign_in(&node, &insurer, "steppe", PASSWORD).await;
        insurer
            .goto(&format!("{}/ui/contracts", node.base))
            .await
            .unwrap();
        shot(&insurer, &format!("insurer-contracts-list-{lang}")).await;
        insurer
            .find(Locator::XPath(
                "//tr[td[contains(., '25KZ0000SRI000010')]]//a",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let usage = insurer
            .find(Locator::Css("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(usage.contains(&mrn), "{mrn} not in the usage: {usage}");
        let meter = insurer
            .find(Locator::Id("usage-meter"))
            .await
            .unwrap()
            .attr("value")
            .await
            .unwrap();
        assert_ne!(meter.as_deref(), Some("0"), "the running total rose");
        shot(&insurer, &format!("insurer-contract-{lang}")).await;
        accessible(&insurer, &axe, "contract").await;
        insurer
            .goto(&format!("{}/ui/contracts/new", node.base))
            .await
            .unwrap();
        shot(&insurer, &format!("insurer-contract-new-{lang}")).await;
        accessible(&insurer, &axe, "new contract").await;
        insurer.close().await.unwrap();
    }
}
