//! The trader's Single Transit Document pages over HTTP: drafts kept per company, rows added and
//! removed, errors beside their fields (structure and business rules, with rule ids), lodging,
//! amending and asking to cancel.

use std::collections::BTreeMap;

use reqwest::{Client, StatusCode};

use crate::common::{corridor, start, TestNode};
use crate::pages::{browser, csrf_of, set_password, sign_in};

/// The corridor declaration as the form's fields (what a trader would type).
pub(crate) fn corridor_fields(lrn: &str) -> BTreeMap<String, String> {
    let (_, value) = cats_ncts::parse_cc015c(corridor(lrn).as_bytes(), cats_ncts::Format::Xml)
        .expect("the corridor declaration");
    let mut fields = cats_web::pages::std_form::fields_of(&value);
    for header in [
        "messageSender",
        "messageRecipient",
        "preparationDateAndTime",
        "messageIdentification",
        "messageType",
    ] {
        fields.remove(&format!("/CC015C/{header}"));
    }
    // the fixture's dates are of 2025: the estimated arrival would be in the past (R0005)
    fields.remove("/CC015C/CustomsOfficeOfTransitDeclared[1]/arrivalDateAndTimeEstimated");
    fields.remove("/CC015C/TransitOperation/limitDate");
    fields
}

async fn signed_in(node: &TestNode, user: &str) -> Client {
    set_password(node, user, "a good password 1").await;
    let client = browser();
    let res = sign_in(node, &client, user, "a good password 1").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    client
}

async fn page(node: &TestNode, client: &Client, path: &str) -> (StatusCode, String) {
    let res = client
        .get(format!("{}{path}", node.base))
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

/// Post the form at `path` with `op`, the draft id and the fields; status, `Location`, body.
async fn post_form(
    node: &TestNode,
    client: &Client,
    path: &str,
    op: &str,
    draft: &str,
    fields: &BTreeMap<String, String>,
) -> (StatusCode, String, String) {
    let (_, html) = page(node, client, "/ui/declarations/new").await;
    let csrf = csrf_of(&html);
    let mut form: Vec<(String, String)> = vec![
        ("csrf".into(), csrf),
        ("op".into(), op.into()),
        ("draft".into(), draft.into()),
    ];
    form.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
    let res = client
        .post(format!("{}{path}", node.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location, res.text().await.unwrap())
}

fn draft_id(location: &str) -> String {
    location
        .trim_start_matches("/ui/declarations/")
        .split(['?', '#'])
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_trader_keeps_drafts_that_only_its_company_sees() {
    let node = start().await;
    let silkway = signed_in(&node, "silkway").await;
    let (status, html) = page(&node, &silkway, "/ui/declarations/new").await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        r#"name="/CC015C/TransitOperation/LRN""#,
        r#"name="/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/Commodity/descriptionOfGoods""#,
        r#"list="offices""#,
        r#"<option value="KZHOR001">"#,
        // the holder is the signed-in trader's company, not typed in
        r#"value="KZ840000123456" readonly"#,
    ] {
        assert!(html.contains(expected), "{expected} missing");
    }
    let mut fields = BTreeMap::new();
    fields.insert(
        "/CC015C/TransitOperation/LRN".to_string(),
        "DRAFT-1".to_string(),
    );
    let (status, location, _) =
        post_form(&node, &silkway, "/ui/declarations", "save", "", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.ends_with("?saved"), "{location}");
    let id = draft_id(&location);
    let (_, html) = page(&node, &silkway, &location).await;
    assert!(html.contains(r#"value="DRAFT-1""#) && html.contains("The draft is saved"));
    let (_, list) = page(&node, &silkway, "/ui/declarations").await;
    assert!(list.contains("DRAFT-1"), "{list}");

    // a row added: a second house consignment, and the page opens at it
    let (status, location, _) = post_form(
        &node,
        &silkway,
        "/ui/declarations",
        "add:/CC015C/Consignment/HouseConsignment|grossMass",
        &id,
        &fields,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        location.ends_with("#f-CC015C-Consignment-HouseConsignment-2-"),
        "{location}"
    );
    let (_, html) = page(&node, &silkway, &location).await;
    assert!(html.contains(r#"name="/CC015C/Consignment/HouseConsignment[2]/grossMass""#));

    // another company's trader, an insurer and an officer do not see it
    let caspian = signed_in(&node, "caspian").await;
    let (status, _) = page(&node, &caspian, &format!("/ui/declarations/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = page(&node, &caspian, "/ui/declarations").await;
    assert!(!list.contains("DRAFT-1"));
    let officer = signed_in(&node, "officer.kz").await;
    let (status, _) = page(&node, &officer, "/ui/declarations").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // thrown away
    let (status, location, _) =
        post_form(&node, &silkway, "/ui/declarations", "delete", &id, &fields).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/ui/declarations")
    );
    let (status, _) = page(&node, &silkway, &format!("/ui/declarations/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn errors_are_shown_beside_their_fields_and_a_complete_declaration_is_lodged() {
    let node = start().await;
    let silkway = signed_in(&node, "silkway").await;

    // structure: a description too long, a gross mass that is not a number; nothing lodged
    let mut fields = corridor_fields("FORM-1");
    let description =
        "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[2]/Commodity/descriptionOfGoods";
    fields.insert(description.into(), "x".repeat(513));
    fields.insert("/CC015C/Consignment/grossMass".into(), "heavy".into());
    let (status, _, html) =
        post_form(&node, &silkway, "/ui/declarations", "lodge", "", &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let beside = |html: &str, pointer: &str, text: &str| {
        let id = pointer
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>();
        let at = html
            .find(&format!(r#"<label for="f{id}">"#))
            .unwrap_or_else(|| panic!("no field {pointer}"));
        let field = &html[at..at + html[at..].find("</div>").unwrap()];
        assert!(field.contains(text), "{pointer}: {field}");
    };
    beside(
        &html,
        description,
        "descriptionOfGoods must be text of 1 to 512 characters",
    );
    beside(&html, "/CC015C/Consignment/grossMass", "grossMass must be");
    assert!(html.contains("error-summary"));
    let (_, list) = node
        .get("silkway", "/movements/departures?lrn=FORM-1")
        .await;
    assert_eq!(list["totalCount"], 0, "nothing lodged: {list}");

    // an office of departure in a country this node does not serve: beside that field, nothing
    // lodged
    let mut fields = corridor_fields("FORM-0");
    let departure = "/CC015C/CustomsOfficeOfDeparture/referenceNumber";
    fields.insert(departure.into(), "FRPAR001".into());
    let (status, _, html) =
        post_form(&node, &silkway, "/ui/declarations", "lodge", "", &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    beside(&html, departure, "does not serve NTA.FR");
    let (_, list) = node
        .get("silkway", "/movements/departures?lrn=FORM-0")
        .await;
    assert_eq!(list["totalCount"], 0, "nothing lodged: {list}");

    // a business rule: an office of transit that does not exist; rejected with the rule id
    let mut fields = corridor_fields("FORM-2");
    let transit = "/CC015C/CustomsOfficeOfTransitDeclared[1]/referenceNumber";
    fields.insert(transit.into(), "AZXXX999".into());
    let (status, _, html) =
        post_form(&node, &silkway, "/ui/declarations", "lodge", "", &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("The office of departure rejected the declaration"));
    beside(&html, transit, "AZXXX999");
    assert!(html.contains("See the rejection (CC056C)"));

    // complete: lodged and accepted, the draft is gone, the movement page offers amendment
    let fields = corridor_fields("FORM-3");
    let (status, location, _) =
        post_form(&node, &silkway, "/ui/declarations", "save", "", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let draft = draft_id(&location);
    let (status, location, html) = post_form(
        &node,
        &silkway,
        "/ui/declarations",
        "lodge",
        &draft,
        &fields,
    )
    .await;
    let summary = html.split("error-summary").nth(1).unwrap_or_default();
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "{}",
        &summary[..summary.len().min(3000)]
    );
    assert!(location.starts_with("/ui/movements/"), "{location}");
    let (_, html) = page(&node, &silkway, &location).await;
    assert!(
        html.contains("FORM-3") && html.contains("Accepted"),
        "{html}"
    );
    assert!(html.contains("Amend the declaration"));
    // the declaration read back, group by group, offices with their names
    for expected in [
        "Declaration (CC015C)",
        "Consignment › House consignment 1 › Goods item 2",
        "Wooden office furniture (desks and cabinets)",
        "CSQU3054383",
        "KZ-SEAL-000451",
        "AZALA001 Alat, Baku International Sea Trade Port",
        "1 – comprehensive guarantee",
    ] {
        assert!(html.contains(expected), "{expected} missing");
    }
    let (status, _) = page(&node, &silkway, &format!("/ui/declarations/{draft}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the lodged draft is deleted");

    // amended: the gross mass changes, the movement keeps its LRN
    let amend = format!("{location}/amend");
    let (status, html) = page(&node, &silkway, &amend).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"value="FORM-3""#), "{html}");
    assert!(html.contains(r#"value="18450.500""#), "{html}");
    let mut amended = fields.clone();
    amended.insert("/CC015C/Consignment/grossMass".into(), "18460.5".into());
    amended.insert(
        "/CC015C/Consignment/HouseConsignment[1]/grossMass".into(),
        "18460.5".into(),
    );
    let (status, to, _) = post_form(&node, &silkway, &amend, "lodge", "", &amended).await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, location.as_str())
    );

    // cancelled on request: the request is in the history
    let (_, html) = page(&node, &silkway, &location).await;
    let csrf = csrf_of(&html);
    let res = silkway
        .post(format!("{}{location}/cancel", node.base))
        .form(&[("csrf", csrf.as_str()), ("reason", "the buyer withdrew")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&node, &silkway, &location).await;
    assert!(html.contains("<td>CC014C</td>"), "{html}");
}
