//! The registers in the pages: the insurer submits a contract (errors beside their fields), an
//! officer approves it at a guarantee office, and everyone concerned sees the running total and
//! the usage per MRN rise when a movement is released on the guarantee; a company applies to a
//! register with a document and an officer approves it.

use reqwest::{Client, StatusCode};

use crate::common::{corridor, start, TestNode};
use crate::pages::{browser, csrf_of, set_password, sign_in};

async fn signed_in(node: &TestNode, user: &str) -> Client {
    set_password(node, user, "a good password 1").await;
    let client = browser();
    sign_in(node, &client, user, "a good password 1").await;
    client
}

async fn text(client: &Client, url: String) -> (StatusCode, String) {
    let res = client.get(url).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

/// The link of the contract list's row that names `what`.
fn contract_link(list: &str, what: &str) -> String {
    list.split("<tr>")
        .find(|row| row.contains(what))
        .and_then(|row| row.split("href=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no contract {what}: {list}"))
        .to_string()
}

#[tokio::test]
async fn the_insurer_sees_the_running_total_rise_and_the_usage_per_mrn() {
    let node = start().await;
    let insurer = signed_in(&node, "steppe").await;
    let (_, list) = text(&insurer, format!("{}/ui/contracts", node.base)).await;
    let page = format!("{}{}", node.base, contract_link(&list, "25KZ0000SRI000010"));
    let (status, html) = text(&insurer, page.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Running total (used now)"));
    assert!(html.contains(r#"<meter id="usage-meter""#) && html.contains(r#"value="0""#));
    assert!(html.contains("No movement has used this guarantee yet."));

    let id = node.lodge_ok("silkway", &corridor("CONTRACT-1")).await;
    let released = node
        .customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    let mrn = released["mrn"].as_str().unwrap().to_string();
    let (_, html) = text(&insurer, page.clone()).await;
    assert!(html.contains(&mrn), "the usage lists the MRN: {html}");
    assert!(html.contains("25,000.00\u{a0}USD"), "{html}");
    assert!(!html.contains(r#"value="0""#), "the bar moved");
    // the holder sees the same figures; another company's trader does not see the contract
    let holder = signed_in(&node, "silkway").await;
    let (status, html) = text(&holder, page.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&mrn));
    let other = signed_in(&node, "caspian").await;
    let (status, _) = text(&other, page).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_insurer_submits_a_contract_and_an_officer_approves_it() {
    let node = start().await;
    let insurer = signed_in(&node, "steppe").await;
    let (status, form) = text(&insurer, format!("{}/ui/contracts/new", node.base)).await;
    assert_eq!(status, StatusCode::OK);
    let post = |fields: Vec<(&'static str, String)>, csrf: String| {
        let mut all = vec![("csrf", csrf)];
        all.extend(fields);
        insurer
            .post(format!("{}/ui/contracts/new", node.base))
            .form(&all)
            .send()
    };
    // every problem beside its field, nothing submitted
    let res = post(
        vec![
            ("policy_number", "".into()),
            ("holder", "KZ840000123456".into()),
            ("reference_amount", "250000".into()),
            ("currency", "USD".into()),
            ("valid_from", "2026-01-01".into()),
            ("valid_to", "2025-01-01".into()),
            ("indemnity", "within 30 days".into()),
        ],
        csrf_of(&form),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"id="policy_number-error""#), "{html}");
    assert!(html.contains("error-summary"));
    assert!(
        html.contains(r#"value="KZ840000123456""#),
        "typed values kept"
    );
    let res = post(
        vec![
            ("policy_number", "STEPPE-2026-7".into()),
            ("holder", "KZ840000123456".into()),
            ("reference_amount", "250 000,00".into()),
            ("currency", "USD".into()),
            ("valid_from", "2026-01-01".into()),
            ("valid_to", "2027-12-31".into()),
            ("indemnity", "within 30 days".into()),
            ("countries", "KZ".into()),
            ("countries", "GE".into()),
        ],
        csrf_of(&html),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = format!(
        "{}{}",
        node.base,
        res.headers()["location"].to_str().unwrap()
    );
    let (_, html) = text(&insurer, page.clone()).await;
    assert!(html.contains("STEPPE-2026-7") && html.contains("250,000.00\u{a0}USD"));
    assert!(html.contains("submitted"));

    let officer = signed_in(&node, "officer.kz").await;
    let (_, queue) = text(&officer, format!("{}/ui/queue", node.base)).await;
    let waiting = queue.split(r#"id="approvals""#).nth(1).unwrap_or_default();
    assert!(
        waiting.contains("STEPPE-2026-7"),
        "the officer's queue lists it: {queue}"
    );
    let (_, html) = text(&officer, page.clone()).await;
    assert!(html.contains(r#"<option value="approve">"#), "{html}");
    let office = html
        .split(r#"id="contract-office" name="office"><option value=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a guarantee office of Kazakhstan")
        .to_string();
    let res = officer
        .post(format!("{page}/actions"))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("action", "approve"),
            ("office", office.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = text(&officer, page.clone()).await;
    assert!(
        html.contains("approved, awaiting the access code"),
        "{html}"
    );
    assert!(
        html.contains("<dt>Guarantee reference number (GRN)</dt><dd>26KZ"),
        "a GRN allocated: {html}"
    );
    // the holder sets the access code: the contract is in force
    let holder = signed_in(&node, "silkway").await;
    let (_, html) = text(&holder, page.clone()).await;
    assert!(html.contains(r#"name="access_code""#) && !html.contains("current_access_code"));
    let res = holder
        .post(format!("{page}/access-code"))
        .form(&[("csrf", csrf_of(&html).as_str()), ("access_code", "7A7B")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = text(&holder, page.clone()).await;
    assert!(html.contains("<dd>active</dd>"), "{html}");
    assert!(
        html.contains("current_access_code"),
        "a change asks for the current code"
    );
    let (_, html) = text(&officer, page.clone()).await;
    // a refused step says why, on the page
    let res = officer
        .post(format!("{page}/actions"))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("action", "suspend"),
            ("reason", ""),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    assert!(res.text().await.unwrap().contains("The action was refused"));
}

#[tokio::test]
async fn a_company_applies_with_a_document_and_an_officer_approves_in_the_pages() {
    let node = start().await;
    let trader = signed_in(&node, "silkway").await;
    let (status, html) = text(&trader, format!("{}/ui/registrations", node.base)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"<option value="aeo">"#) && !html.contains("authorised_insurer"));
    let apply = |name: &'static str, csrf: String| {
        trader
            .post(format!("{}/ui/registrations", node.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("register", "authorised_trader"),
                ("name", name),
                ("address", "Abay 10, Almaty"),
                ("country", "kz"),
                ("contact_name", "Compliance desk"),
                ("contact_email", "desk@example.kz"),
                ("contact_phone", ""),
            ])
            .send()
    };
    // refused with the reason on the page: no name
    let res = apply("", csrf_of(&html)).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("The action was refused") && html.contains("name"),
        "{html}"
    );
    let res = apply("Silk Way Logistics LLP", csrf_of(&html))
        .await
        .unwrap();
    let status = res.status();
    let location = res.headers().get("location").cloned();
    let body = res.text().await.unwrap();
    let why = body.split("registration-error").nth(1).unwrap_or_default();
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "{}",
        &why[..why.len().min(600)]
    );
    let page = format!("{}{}", node.base, location.unwrap().to_str().unwrap());
    let (_, html) = text(&trader, page.clone()).await;
    assert!(html.contains("Silk Way Logistics LLP") && html.contains("submitted"));
    // a document, as a browser sends a file (multipart)
    let boundary = "cats-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"aeo-questionnaire.txt\"\r\n\
         Content-Type: text/plain\r\n\r\nself-assessment questionnaire\r\n--{boundary}--\r\n",
        csrf_of(&html)
    );
    let res = trader
        .post(format!("{page}/documents"))
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = text(&trader, page.clone()).await;
    assert!(html.contains("aeo-questionnaire.txt"), "{html}");

    // the officer sees it, downloads the document and approves
    let officer = signed_in(&node, "officer.kz").await;
    let (_, list) = text(&officer, format!("{}/ui/registrations", node.base)).await;
    assert!(list.contains("Silk Way Logistics LLP"));
    let (_, html) = text(&officer, page.clone()).await;
    let download = html
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.contains("/documents/"))
        .expect("a download link")
        .to_string();
    let (status, bytes) = text(&officer, format!("{}{download}", node.base)).await;
    assert_eq!(
        (status, bytes.as_str()),
        (StatusCode::OK, "self-assessment questionnaire")
    );
    let res = officer
        .post(format!("{page}/actions"))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("action", "approve"),
            ("valid_to", "2029-12-31"),
            ("reason", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = text(&trader, page).await;
    assert!(
        html.contains("approved") && html.contains("2029-12-31"),
        "{html}"
    );
    // the company is told, in its language, with a link to the registration
    let res = trader
        .get(format!("{}/ui/notifications", node.base))
        .header("Accept-Language", "ru")
        .send()
        .await
        .unwrap();
    let notices = res.text().await.unwrap();
    assert!(
        notices.contains("Включение в реестр: одобрено"),
        "{notices}"
    );
    assert!(notices.contains(r#"href="/ui/registrations/"#), "{notices}");
    // another company does not see it
    let other = signed_in(&node, "caspian").await;
    let (_, list) = text(&other, format!("{}/ui/registrations", node.base)).await;
    assert!(!list.contains("Silk Way Logistics LLP"));
}

#[tokio::test]
async fn the_administrator_keeps_rates_and_the_restricted_goods_list() {
    let node = start().await;
    let admin = signed_in(&node, "admin").await;
    let page = format!("{}/ui/admin/reference", node.base);
    let (status, html) = text(&admin, page.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("KZHOR001") && html.contains("Asia/Almaty"),
        "offices listed"
    );
    let res = admin
        .post(format!("{page}/rates"))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("from", "eur"),
            ("to", "USD"),
            ("rate", "1,0825"),
            ("valid_from", "2026-12-01"),
            ("valid_to", "2026-12-31"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, rates) = node.get("admin", "/exchange-rates").await;
    assert!(rates.to_string().contains("1.0825"), "{rates}");
    let (_, html) = text(&admin, page.clone()).await;
    let add = |prefix: &'static str, reason: &'static str, csrf: String| {
        admin
            .post(format!("{page}/restricted"))
            .form(&[
                ("csrf", csrf),
                ("op", "add".into()),
                ("hs_prefix", prefix.into()),
                ("restriction", "always_controlled".into()),
                ("reason", reason.into()),
                ("source", "".into()),
            ])
            .send()
    };
    let res = add("93", "", csrf_of(&html)).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a reason is needed");
    let res = add("930100", "military weapons", csrf_of(&html))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, list) = node.get("admin", "/reference/restricted-goods").await;
    assert!(list.to_string().contains("930100"), "{list}");
    let (_, html) = text(&admin, page.clone()).await;
    let res = admin
        .post(format!("{page}/restricted"))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("op", "remove"),
            ("hs_prefix", "930100"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, list) = node.get("admin", "/reference/restricted-goods").await;
    assert!(!list.to_string().contains("930100"), "{list}");
    // Azerbaijan no longer takes part: a route through it is rejected (CATS005); back again
    let set_country = |yes: &'static str, csrf: String| {
        admin
            .post(format!("{page}/countries"))
            .form(&[
                ("csrf", csrf),
                ("country", "AZ".into()),
                ("participating", yes.into()),
            ])
            .send()
    };
    let (_, html) = text(&admin, page.clone()).await;
    let res = set_country("no", csrf_of(&html)).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, body) = node
        .post_message(
            "silkway",
            "/movements/departures",
            &crate::common::corridor("ROUTE-1"),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(body["state"], "Rejected", "{body}");
    assert!(body.to_string().contains("CATS005"), "{body}");
    let (_, html) = text(&admin, page.clone()).await;
    let res = set_country("yes", csrf_of(&html)).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    node.lodge_ok("silkway", &crate::common::corridor("ROUTE-2"))
        .await;
    // nobody else
    let officer = signed_in(&node, "officer.kz").await;
    let (status, _) = text(&officer, page).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_administrator_imports_an_official_list_from_the_page() {
    let node = start().await;
    let admin = signed_in(&node, "admin").await;
    let page = format!("{}/ui/admin/reference", node.base);
    let upload = |kind: &str, csv: &str, csrf: &str| {
        let boundary = "cats-import-boundary";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"hs.csv\"\r\n\
             Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
        );
        admin
            .post(format!("{page}/import"))
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
    };
    let (_, html) = text(&admin, page.clone()).await;
    // not the list it says: refused with the importer's reason, nothing changed
    let res = upload("hs", "code,name\n99,x\n", &csrf_of(&html))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("The action was refused"));
    let csv =
        "section,hscode,description,parent,level\nXXI,9798,A heading made for this test,97,4\n";
    let res = upload("hs", csv, &csrf_of(&html)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let shown = res.text().await.unwrap();
    assert!(
        shown.contains(r#"id="reference-notice""#)
            && shown.contains("1 read")
            && shown.contains("1 / 0"),
        "{shown}"
    );
    let (_, list) = node
        .send(
            node.client
                .get(format!("{}/reference/hs?prefix=97", node.base)),
        )
        .await;
    assert!(list.to_string().contains("9798"), "{list}");
}
