//! The HMRC CTC Traders API profile (issue 14) with a real node: the same movements through the
//! native API and `/customs/transits`, HMRC's ids, links, message types, bodies, version
//! negotiation, error shapes, and HMRC's semantics (`202`, the outcome as a message).

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::common::{cc007c, corridor, start, TestNode, CORRIDOR_JSON};

const V2: &str = "application/vnd.hmrc.2.0+json";

impl TestNode {
    /// A call to the profile as `user` with `Accept: accept`, and a body of `content_type`.
    async fn hmrc(
        &self,
        user: &str,
        method: Method,
        path: &str,
        accept: &str,
        body: Option<(&str, String)>,
    ) -> (StatusCode, String) {
        let mut req = self
            .client
            .request(method, format!("{}/customs/transits{path}", self.base))
            .bearer_auth(self.token(user))
            .header("Accept", accept);
        if let Some((ct, b)) = body {
            req = req.header("Content-Type", ct).body(b);
        }
        let res = req.send().await.unwrap();
        (res.status(), res.text().await.unwrap())
    }

    async fn hmrc_json(
        &self,
        user: &str,
        method: Method,
        path: &str,
        body: Option<(&str, String)>,
    ) -> (StatusCode, Value) {
        let (status, text) = self.hmrc(user, method, path, V2, body).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn a_departure_is_the_same_through_the_native_api_and_the_profile() {
    let node = start().await;
    // Lodged through the profile (HMRC JSON body): 202, HMRC's ids and links.
    let (status, body) = node
        .hmrc_json(
            "silkway",
            Method::POST,
            "/movements/departures",
            Some(("application/json", CORRIDOR_JSON.to_string())),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let d = body["departureId"].as_str().unwrap().to_string();
    assert_eq!(d.len(), 16);
    assert!(d.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(
        body["_links"]["self"]["href"],
        format!("/customs/transits/movements/departures/{d}")
    );
    assert_eq!(
        body["_links"]["self"]["href"]
            .as_str()
            .unwrap()
            .split('/')
            .nth(5),
        Some(d.as_str())
    );
    let m015 = body["messageId"].as_str().unwrap().to_string();
    // … and the same movement through the native API.
    let (_, list) = node.get("silkway", "/movements/departures").await;
    let native = list["movements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"].as_str().unwrap().replace('-', "").starts_with(&d))
        .expect("the profile's departure in the native list")
        .clone();
    assert_eq!(native["state"], "Accepted");
    let (status, one) = node
        .hmrc_json(
            "silkway",
            Method::GET,
            &format!("/movements/departures/{d}/"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "trailing slash: {one}");
    assert_eq!(one["movementReferenceNumber"], native["mrn"]);
    assert_eq!(one["localReferenceNumber"], native["lrn"]);
    assert_eq!(one["enrollmentEORINumber"], "KZ840000123456");
    // Its messages: IE015 then IE028, with HMRC ids; one with its body as XML.
    let (_, msgs) = node
        .hmrc_json(
            "silkway",
            Method::GET,
            &format!("/movements/departures/{d}/messages"),
            None,
        )
        .await;
    let types: Vec<&str> = msgs["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["type"].as_str().unwrap())
        .collect();
    assert_eq!(types[0], "IE015");
    assert!(types.contains(&"IE028"), "{types:?}");
    assert_eq!(msgs["totalCount"], types.len());
    assert_eq!(msgs["messages"][0]["id"], m015);
    let (_, first) = node
        .hmrc(
            "silkway",
            Method::GET,
            &format!("/movements/departures/{d}/messages/{m015}"),
            "application/vnd.hmrc.2.1+json-xml",
            None,
        )
        .await;
    let first: Value = serde_json::from_str(&first).unwrap();
    assert!(
        first["body"].as_str().unwrap().contains("CC015C"),
        "{first}"
    );
    let (status, xml) = node
        .hmrc(
            "silkway",
            Method::GET,
            &format!("/movements/departures/{d}/messages/{m015}/body"),
            "application/vnd.hmrc.2.0+xml",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml.starts_with('<') && xml.contains("CC015C"), "{xml}");
    // Lodged natively: listed by the profile.
    let id = node.lodge_ok("silkway", &corridor("HMRC-NATIVE")).await;
    let (_, list) = node
        .hmrc_json(
            "silkway",
            Method::GET,
            "/movements/departures?localReferenceNumber=HMRC-NATIVE",
            None,
        )
        .await;
    assert_eq!(list["totalCount"], 1, "{list}");
    assert!(id
        .replace('-', "")
        .starts_with(list["departures"][0]["id"].as_str().unwrap()));
    // Another trader sees neither.
    let (status, err) = node
        .hmrc_json(
            "caspian",
            Method::GET,
            &format!("/movements/departures/{d}"),
            None,
        )
        .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("NOT_FOUND")),
        "{err}"
    );
}

#[tokio::test]
async fn the_profile_answers_as_hmrc_does() {
    let node = start().await;
    // Version negotiation.
    let (status, text) = node
        .hmrc(
            "silkway",
            Method::GET,
            "/movements/departures",
            "application/json",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap()["code"],
        "NOT_ACCEPTABLE"
    );
    let (status, _) = node
        .hmrc(
            "silkway",
            Method::GET,
            "/movements/departures",
            "application/vnd.hmrc.2.1+json",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // A body over 4 MiB: 413 in HMRC's JSON shape (and in the native API's own).
    let huge = "<".repeat(cats_web::MAX_BODY_BYTES + 1);
    let (status, err) = node
        .hmrc_json(
            "silkway",
            Method::POST,
            "/movements/departures",
            Some(("application/xml", huge.clone())),
        )
        .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            Some("REQUEST_ENTITY_TOO_LARGE")
        ),
        "{err}"
    );
    let res = node
        .client
        .post(format!("{}/movements/departures", node.base))
        .bearer_auth(node.token("silkway"))
        .header("Content-Type", "application/xml")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "PAYLOAD_TOO_LARGE"
    );
    // A body that is not a CC015C: SCHEMA_VALIDATION with validationErrors.
    let broken = corridor("HMRC-BAD").replace("<grossMass>", "<grossMass>x");
    let (status, err) = node
        .hmrc_json(
            "silkway",
            Method::POST,
            "/movements/departures",
            Some(("application/xml", broken)),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert_eq!(err["code"], "SCHEMA_VALIDATION");
    assert!(
        err["validationErrors"][0]["schemaPath"].is_string(),
        "{err}"
    );
    // Another content type; the empty body of the large-message upload.
    let (status, err) = node
        .hmrc_json(
            "silkway",
            Method::POST,
            "/movements/departures",
            Some(("text/plain", "x".into())),
        )
        .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("UNSUPPORTED_MEDIA_TYPE")
        )
    );
    let (status, err) = node
        .hmrc_json(
            "silkway",
            Method::POST,
            "/movements/departures",
            Some(("application/xml", String::new())),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["message"].as_str().unwrap().contains("upload"), "{err}");
    // A rejected declaration is accepted (202) and its IE056 follows in the messages.
    let rejected = corridor("HMRC-REJ").replace("25KZ0000SRI000010", "25KZ0000SRI000020");
    let (status, body) = node
        .hmrc_json(
            "silkway",
            Method::POST,
            "/movements/departures",
            Some(("application/xml", rejected)),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let d = body["departureId"].as_str().unwrap();
    let (_, msgs) = node
        .hmrc_json(
            "silkway",
            Method::GET,
            &format!("/movements/departures/{d}/messages"),
            None,
        )
        .await;
    assert!(
        msgs["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["type"] == "IE056"),
        "{msgs}"
    );
    // An arrival for an MRN nobody knows: 202, an arrival of its own with the IE057 (code 90).
    let (status, body) = node
        .hmrc_json(
            "silkway",
            Method::POST,
            "/movements/arrivals",
            Some((
                "application/xml",
                cc007c("24XI000081E0CZHGJ3", "GEPTI001", "0"),
            )),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let a = body["arrivalId"].as_str().unwrap().to_string();
    let (status, arrival) = node
        .hmrc_json(
            "silkway",
            Method::GET,
            &format!("/movements/arrivals/{a}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{arrival}");
    assert_eq!(arrival["movementReferenceNumber"], "24XI000081E0CZHGJ3");
    let (_, msgs) = node
        .hmrc_json(
            "silkway",
            Method::GET,
            &format!("/movements/arrivals/{a}/messages"),
            None,
        )
        .await;
    let types: Vec<&str> = msgs["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["IE007", "IE057"]);
    let rejection = msgs["messages"][1]["id"].as_str().unwrap();
    let (status, xml) = node
        .hmrc(
            "silkway",
            Method::GET,
            &format!("/movements/arrivals/{a}/messages/{rejection}/body"),
            "application/vnd.hmrc.2.0+xml",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        xml.contains("CC057C") && xml.contains("<errorCode>90</errorCode>"),
        "{xml}"
    );
    let (_, list) = node
        .hmrc_json("silkway", Method::GET, "/movements/arrivals/", None)
        .await;
    assert_eq!(list["totalCount"], 1, "{list}");
    // The native API still answers 404 UNKNOWN_MRN for the same message.
    let (status, _) = node
        .post_message(
            "silkway",
            "/movements/arrivals",
            &cc007c("24XI000081E0CZHGJ3", "GEPTI001", "0"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Unknown ids.
    let (status, err) = node
        .hmrc_json(
            "silkway",
            Method::GET,
            "/movements/departures/0123456789abcdef",
            None,
        )
        .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("NOT_FOUND"))
    );
}

#[tokio::test]
async fn the_guarantee_balance_answers_as_hmrcs_balance_api() {
    let node = start().await;
    let ask = |user: &'static str, grn: &'static str, accept: &'static str, body: &'static str| {
        let node = &node;
        async move {
            let res = node
                .client
                .post(format!("{}/customs/guarantees/{grn}/balance", node.base))
                .bearer_auth(node.token(user))
                .header("Accept", accept)
                .header("Content-Type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            (
                res.status(),
                res.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let (status, b) = ask(
        "silkway",
        "25KZ0000SRI000010",
        V2,
        r#"{"accessCode": "1111"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["balance"].to_string(), "1000000.00", "{b}");
    assert_eq!(
        b["_links"]["self"]["href"],
        "/customs/guarantees/25KZ0000SRI000010/balance"
    );
    // A wrong code and another trader's guarantee get the same answer.
    let (status, wrong) = ask(
        "silkway",
        "25KZ0000SRI000010",
        V2,
        r#"{"accessCode": "9999"}"#,
    )
    .await;
    let (status2, other) = ask(
        "silkway",
        "25KZ0000SRI000020",
        V2,
        r#"{"accessCode": "2222"}"#,
    )
    .await;
    assert_eq!(
        (status, status2),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
    assert_eq!(wrong, other);
    let (status, err) = ask("silkway", "25KZ0000SRI000010", V2, r#"{}"#).await;
    assert_eq!(
        (status, err["message"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("The access code was not supplied.")
        )
    );
    let (status, err) = ask(
        "silkway",
        "25KZ0000SRI000010",
        "application/json",
        r#"{"accessCode": "1111"}"#,
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::NOT_ACCEPTABLE, Some("ACCEPT_HEADER_INVALID"))
    );
    let (status, _) = ask("silkway", "NOT-A-GRN", V2, r#"{"accessCode": "1111"}"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// HMRC-shaped push notifications through a webhook in HMRC's format: the POST answers carry its
/// id as `boxId`, and each NCTS message to the trader is pushed with `messageUri`,
/// `notificationType`, `eoriNumber`, `departureId`, `messageId` and `messageBody`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn messages_are_pushed_in_hmrcs_shape() {
    let node = start().await;
    let hook = crate::notify_kit::Receiver::webhook().await;
    let (status, created) = node
        .call_json(
            "silkway",
            Method::POST,
            "/webhooks",
            Some(serde_json::json!({"url": hook.url(), "format": "hmrc"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["format"], "hmrc");
    hook.got.lock().unwrap().secret = Some(created["secret"].as_str().unwrap().to_string());
    let (status, err) = node
        .call_json(
            "silkway",
            Method::POST,
            "/webhooks",
            Some(serde_json::json!({"url": hook.url(), "format": "xml"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    let _stop = crate::notify::spawn_worker(&node, None);
    let (status, body) = node
        .hmrc_json(
            "silkway",
            Method::POST,
            "/movements/departures",
            Some(("application/xml", corridor("HMRC-PUSH"))),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["boxId"], created["id"], "{body}");
    let d = body["departureId"].as_str().unwrap().to_string();
    crate::notify_kit::wait_until(15, "the push of the IE028", || !hook.bodies().is_empty()).await;
    let pushed = hook.bodies()[0].clone();
    let (_, msgs) = node
        .hmrc_json(
            "silkway",
            Method::GET,
            &format!("/movements/departures/{d}/messages"),
            None,
        )
        .await;
    let ie028 = msgs["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["type"] == "IE028")
        .expect("an IE028")
        .clone();
    assert_eq!(pushed["notificationType"], "MESSAGE_RECEIVED", "{pushed}");
    assert_eq!(pushed["departureId"], d.as_str());
    assert_eq!(pushed["messageId"], ie028["id"]);
    assert_eq!(pushed["messageUri"], ie028["_links"]["self"]["href"]);
    assert_eq!(pushed["eoriNumber"], "KZ840000123456");
    assert!(
        pushed["messageBody"].as_str().unwrap().contains("CC028C"),
        "{pushed}"
    );
    assert!(hook.refused().is_empty());
    // The pushed URI answers.
    let uri = pushed["messageUri"]
        .as_str()
        .unwrap()
        .trim_start_matches("/customs/transits")
        .to_string();
    let (status, one) = node.hmrc_json("silkway", Method::GET, &uri, None).await;
    assert_eq!(status, StatusCode::OK, "{one}");
}
