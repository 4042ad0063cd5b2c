//! The officer's forms on the movement page: a control decided with the documents asked for, a
//! control record with findings and seals (refused without findings on a B1, with the rule id),
//! a photo attached to it, an incident en route, and the decision on the holder's request to
//! cancel.

use reqwest::{Client, StatusCode};

use crate::common::{corridor, start, TestNode};
use crate::pages::{browser, csrf_of, set_password, sign_in};

async fn signed_in(node: &TestNode, user: &str) -> Client {
    set_password(node, user, "a good password 1").await;
    let client = browser();
    sign_in(node, &client, user, "a good password 1").await;
    client
}

async fn html(client: &Client, url: &str) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

/// Post `fields` (with the page's CSRF token) to the movement's customs form.
async fn act(client: &Client, page: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let csrf = csrf_of(&html(client, page).await);
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let res = client
        .post(format!("{page}/customs"))
        .form(&form)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn an_officer_records_a_control_with_findings_seals_and_a_photo() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("CTRL-1")).await;
    let officer = signed_in(&node, "officer.kz").await;
    let page = format!("{}/ui/movements/{id}", node.base);
    let (status, _) = act(
        &officer,
        &page,
        &[
            ("action", "control-decision"),
            ("office", "KZHOR001"),
            ("control_type", "physical"),
            ("document_type", "n380"),
            ("document_description", "the commercial invoice"),
            ("document_type", ""),
            ("document_description", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, decision) = node
        .get(
            "officer.kz",
            &format!("/movements/departures/{id}/messages"),
        )
        .await;
    assert!(decision.to_string().contains("CC060C"), "{decision}");

    // B1 without a finding: refused with the rule id, nothing recorded
    let (status, body) = act(
        &officer,
        &page,
        &[
            ("action", "control-result"),
            ("office", "KZHOR001"),
            ("control_type", "physical"),
            ("result", "B1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("CATS024"), "{body}");

    // A2 with a finding, a seal checked and one replaced; empty rows are not recorded
    let (status, body) = act(
        &officer,
        &page,
        &[
            ("action", "control-result"),
            ("office", "KZHOR001"),
            ("control_type", "physical"),
            ("result", "A2"),
            ("remarks", "minor difference in packages"),
            ("finding_kind", "quantity"),
            ("finding_description", "two pallets more than declared"),
            ("finding_item", "1"),
            ("finding_declared", "20 PX"),
            ("finding_found", "22 PX"),
            ("finding_kind", ""),
            ("finding_description", ""),
            ("finding_item", ""),
            ("finding_declared", ""),
            ("finding_found", ""),
            ("seal_id", "KZ-SEAL-000451"),
            ("seal_condition", "intact"),
            ("seal_new", ""),
            ("seal_id", "KZ-SEAL-000452"),
            ("seal_condition", "intact"),
            ("seal_new", "KZ-SEAL-000999"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let shown = html(&officer, &page).await;
    for expected in [
        "Control record 1",
        "two pallets more than declared (20 PX → 22 PX)",
        "goods item 1",
        "KZ-SEAL-000451: intact",
        "seal KZ-SEAL-000452 replaced by KZ-SEAL-000999",
        "minor difference in packages",
    ] {
        assert!(shown.contains(expected), "{expected} missing");
    }
    let (_, controls) = node
        .get(
            "officer.kz",
            &format!("/movements/departures/{id}/controls"),
        )
        .await;
    assert_eq!(
        controls["controls"][0]["findings"][0]["kind"], "quantity",
        "{controls}"
    );

    // a photo of the control, as a browser uploads a file
    let boundary = "cats-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"pallets.txt\"\r\n\
         Content-Type: text/plain\r\n\r\n22 pallets counted\r\n--{boundary}--\r\n",
        csrf_of(&shown)
    );
    let res = officer
        .post(format!("{page}/controls/1/attachments"))
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let shown = html(&officer, &page).await;
    let link = shown
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.contains("/attachments/"))
        .expect("the attachment's link")
        .to_string();
    assert_eq!(
        html(&officer, &format!("{}{link}", node.base)).await,
        "22 pallets counted"
    );
    // the holder sees the record, not the attachment
    let trader = signed_in(&node, "silkway").await;
    let seen = html(&trader, &page).await;
    assert!(seen.contains("two pallets more than declared") && !seen.contains("pallets.txt"));

    // released, then an incident en route at the office of exit
    let (status, _) = act(
        &officer,
        &page,
        &[("action", "release"), ("office", "KZHOR001")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = act(
        &officer,
        &page,
        &[
            ("action", "incident"),
            ("office", "KZAAU001"),
            ("text", "trailer changed after an accident near Aktau"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, m) = node
        .get("officer.kz", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(
        m["incidents"][0]["text"],
        "trailer changed after an accident near Aktau"
    );
}

#[tokio::test]
async fn an_officer_decides_the_holders_request_to_cancel() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("CTRL-2")).await;
    let page = format!("{}/ui/movements/{id}", node.base);
    let trader = signed_in(&node, "silkway").await;
    let csrf = csrf_of(&html(&trader, &page).await);
    let res = trader
        .post(format!("{page}/cancel"))
        .form(&[("csrf", csrf.as_str()), ("reason", "the buyer withdrew")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let officer = signed_in(&node, "officer.kz").await;
    let shown = html(&officer, &page).await;
    assert!(shown.contains("The holder asked to cancel the declaration"));
    let (status, _) = act(
        &officer,
        &page,
        &[
            ("action", "cancellation-decision"),
            ("office", "KZHOR001"),
            ("accept", "yes"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let shown = html(&trader, &page).await;
    assert!(shown.contains("Invalidated"), "{shown}");
}

#[tokio::test]
async fn an_officer_scoped_to_some_offices_acts_only_there() {
    let node = start().await;
    // an office not of the country, or unknown, is refused with the reason
    for bad in ["AZALA001", "KZXXX999"] {
        let (status, body) = node
            .send(
                node.client
                    .post(format!("{}/admin/users", node.base))
                    .bearer_auth(node.token("admin"))
                    .json(&serde_json::json!({
                        "username": "exit.aktau", "role": "officer",
                        "officeCountry": "KZ", "offices": [bad],
                    })),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let (status, body) = node
        .send(
            node.client
                .post(format!("{}/admin/users", node.base))
                .bearer_auth(node.token("admin"))
                .json(&serde_json::json!({
                    "username": "exit.aktau", "role": "officer",
                    "officeCountry": "KZ", "offices": ["KZAAU001"],
                })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["user"]["offices"], serde_json::json!(["KZAAU001"]));
    let token = body["token"].as_str().unwrap().to_string();
    let id = node.lodge_ok("silkway", &corridor("SCOPE-1")).await;
    // not at the office of departure: refused
    let (status, _) = node
        .send(
            node.client
                .post(format!(
                    "{}/movements/departures/{id}/customs/release",
                    node.base
                ))
                .bearer_auth(&token)
                .json(&serde_json::json!({"office": "KZHOR001"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    node.customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    // at its own office: the exit
    let (status, body) = node
        .send(
            node.client
                .post(format!(
                    "{}/movements/departures/{id}/customs/exit",
                    node.base
                ))
                .bearer_auth(&token)
                .json(&serde_json::json!({"office": "KZAAU001"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // the page names its offices and offers only them
    let officer = signed_in(&node, "exit.aktau").await;
    let page = html(&officer, &format!("{}/ui/movements/{id}", node.base)).await;
    assert!(page.contains("Offices KZAAU001"), "{page}");
    assert!(!page.contains(r#"<option value="KZHOR001">"#));
}
