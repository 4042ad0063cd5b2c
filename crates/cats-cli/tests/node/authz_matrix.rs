//! The authorisation matrix (issue 15), built from the router's own route table: every route is
//! called anonymously and as each role, the trader and the insurer reaching for another party's
//! movement, contract, registration and token. A route without an entry here fails the test, as
//! does an entry without a route.
//!
//! Personas: `anon` (no token), `owner` (silkway, whose movement, contract, registration,
//! webhook and token the paths name), `trader` (caspian, another trader), `insurer` (kura, an
//! insurer not of silkway's guarantee), `officer` (officer.kz, the office of departure's
//! country, risk analyst), `admin`. Requests with a body send `{}`.
//!
//! Checked for every route and persona: no `5xx`; anonymous calls to a route needing a token get
//! `401`; a persona not listed for a route never gets a `2xx`; and for reads (`GET`) a listed
//! persona does get one.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use cats_web::routes::{operations, Method};

use crate::common::{corridor, start, TestNode};

const PERSONAS: [(&str, Option<&str>); 6] = [
    ("anon", None),
    ("trader", Some("caspian")),
    ("insurer", Some("kura")),
    ("officer", Some("officer.kz")),
    ("admin", Some("admin")),
    ("owner", Some("silkway")),
];

/// Who may get a `2xx`, by `METHOD path`: `all` is every persona, anonymous included; `~role`
/// may succeed but is not exercised by this probe (a body of `{}`, or an id with nothing behind
/// it), so only the refusals of everyone else are checked. A plain role on a `GET` must succeed.
const MATRIX: &[(&str, &str)] = &[
    ("DELETE /tokens/{id}", "~owner admin"),
    (
        "DELETE /reports/saved/{id}",
        "~trader ~insurer ~officer ~admin ~owner",
    ),
    ("DELETE /webhooks/{id}", "owner"),
    ("GET /admin/ice", "admin"),
    ("GET /admin/notifications", "admin"),
    ("GET /api/openapi.json", "all"),
    ("GET /claims", "trader insurer officer owner"),
    ("GET /claims/{id}", "~owner ~officer"),
    ("GET /contracts", "trader insurer officer owner"),
    ("GET /contracts/{id}", "officer owner"),
    ("GET /events", "trader insurer owner"),
    ("GET /exchange-rates", "all"),
    ("GET /guarantees/{grn}", "officer owner"),
    ("GET /guarantees/{grn}/balance", "~owner ~officer"),
    ("GET /health", "all"),
    ("GET /health/ready", "all"),
    ("GET /ice/fallback", "officer admin"),
    ("GET /ice/movements/{mrn}", "~officer"),
    ("GET /metrics", "all"),
    ("GET /movements/arrivals", "trader officer owner"),
    ("GET /movements/arrivals/{id}", "~owner ~officer"),
    ("GET /movements/arrivals/{id}/messages", "~owner ~officer"),
    (
        "GET /movements/arrivals/{id}/messages/{messageId}",
        "~owner ~officer",
    ),
    ("GET /movements/departures", "trader officer owner"),
    ("GET /movements/departures/{id}", "officer owner"),
    ("GET /movements/departures/{id}/audit", "officer"),
    ("GET /movements/departures/{id}/controls", "officer owner"),
    (
        "GET /movements/departures/{id}/controls/{number}/attachments/{attachmentId}",
        "~officer",
    ),
    ("GET /movements/departures/{id}/messages", "officer owner"),
    (
        "GET /movements/departures/{id}/messages/{messageId}",
        "officer owner",
    ),
    ("GET /movements/departures/{id}/tad", "officer owner"),
    ("GET /notifications", "trader insurer owner"),
    ("GET /notifications/deliveries", "trader insurer owner"),
    ("GET /notifications/deliveries/{id}", "~owner"),
    ("GET /notifications/preferences", "trader insurer owner"),
    ("GET /parties/{id}", "officer owner"),
    ("GET /reference/countries", "all"),
    ("GET /reference/currencies", "all"),
    ("GET /reference/hs", "all"),
    ("GET /reference/offices", "all"),
    ("GET /reference/offices/{code}", "all"),
    ("GET /reference/restricted-goods", "all"),
    ("GET /registrations", "trader insurer officer owner"),
    ("GET /registrations/{id}", "officer owner"),
    (
        "GET /registrations/{id}/documents/{documentId}",
        "~owner ~officer",
    ),
    ("GET /reports", "trader insurer officer admin owner"),
    ("GET /reports/kpi", "trader insurer officer admin owner"),
    ("GET /reports/saved", "trader insurer officer admin owner"),
    (
        "GET /reports/saved/{id}",
        "~trader ~insurer ~officer ~admin ~owner",
    ),
    (
        "GET /reports/{name}",
        "~trader ~insurer ~officer ~admin ~owner",
    ),
    ("GET /risk/feedback", "officer"),
    ("GET /risk/profiles", "officer"),
    ("GET /risk/profiles/{id}", "~officer"),
    ("GET /support", "trader insurer officer admin owner"),
    ("GET /support/{id}", "owner admin"),
    ("GET /tokens", "trader insurer officer admin owner"),
    ("GET /webhooks", "trader insurer owner"),
    ("GET /webhooks/{id}", "owner"),
    ("POST /admin/ice/available", "~admin"),
    ("POST /admin/ice/peers/{node}/retry", "~admin"),
    ("POST /admin/ice/unavailability", "~admin"),
    ("POST /admin/restricted-goods", "~admin"),
    ("POST /admin/users", "~admin"),
    ("POST /claims/{id}/actions/{action}", "~officer"),
    ("POST /contracts", "~insurer"),
    ("POST /contracts/{id}/access-code", "~owner"),
    ("POST /contracts/{id}/actions/{action}", "~officer"),
    ("POST /exchange-rates", "~admin"),
    ("POST /guarantees/queries", "~owner ~officer"),
    ("POST /ice/fallback", "~officer"),
    ("POST /movements/arrivals", "~owner ~trader"),
    ("POST /movements/arrivals/{id}/messages", "~owner"),
    ("POST /movements/departures", "~owner ~trader"),
    ("POST /movements/departures/{id}/amendment", "~owner"),
    ("POST /movements/departures/{id}/cancellation", "~owner"),
    (
        "POST /movements/departures/{id}/controls/{number}/attachments",
        "~officer",
    ),
    (
        "POST /movements/departures/{id}/customs/arrival",
        "~officer",
    ),
    (
        "POST /movements/departures/{id}/customs/cancellation-decision",
        "~officer",
    ),
    (
        "POST /movements/departures/{id}/customs/control-decision",
        "~officer",
    ),
    (
        "POST /movements/departures/{id}/customs/control-result",
        "~officer",
    ),
    ("POST /movements/departures/{id}/customs/entry", "~officer"),
    ("POST /movements/departures/{id}/customs/exit", "~officer"),
    (
        "POST /movements/departures/{id}/customs/goods-release",
        "~officer",
    ),
    (
        "POST /movements/departures/{id}/customs/incident",
        "~officer",
    ),
    (
        "POST /movements/departures/{id}/customs/recovery",
        "~officer",
    ),
    (
        "POST /movements/departures/{id}/customs/release",
        "~officer",
    ),
    (
        "POST /movements/departures/{id}/customs/resolve-discrepancies",
        "~officer",
    ),
    (
        "POST /movements/departures/{id}/customs/{action}",
        "~officer",
    ),
    ("POST /movements/departures/{id}/messages", "~owner"),
    (
        "POST /movements/departures/{id}/recovery-answer",
        "~officer",
    ),
    (
        "POST /movements/departures/{id}/recovery-requests",
        "~officer",
    ),
    ("POST /notifications/deliveries/{id}/resend", "~owner"),
    ("POST /notifications/read", "trader insurer owner"),
    ("POST /registrations", "~owner ~trader ~insurer"),
    ("POST /registrations/{id}/actions/{action}", "~officer"),
    ("POST /registrations/{id}/documents", "~owner"),
    (
        "POST /reports/custom",
        "~trader ~insurer ~officer ~admin ~owner",
    ),
    (
        "POST /reports/saved",
        "~trader ~insurer ~officer ~admin ~owner",
    ),
    ("POST /risk/profiles", "~officer"),
    ("POST /risk/profiles/{id}/retirement", "~officer"),
    ("POST /risk/profiles/{id}/share", "~officer"),
    ("POST /risk/profiles/{id}/versions", "~officer"),
    ("POST /support", "~trader ~insurer ~officer ~owner"),
    ("POST /support/{id}/close", "~owner ~admin"),
    ("POST /support/{id}/messages", "~owner ~admin"),
    ("POST /tokens", "trader insurer officer admin owner"),
    ("POST /webhooks", "~owner ~trader ~insurer"),
    ("PUT /notifications/preferences", "trader insurer owner"),
];

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Put => "PUT",
        Method::Delete => "DELETE",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_route_answers_each_role_as_the_matrix_says() {
    let node = start().await;
    let ids = fixtures(&node).await;
    let mut observed: BTreeMap<String, Vec<(String, u16)>> = BTreeMap::new();
    let mut calls = 0;
    for (persona, user) in PERSONAS {
        for (op, _) in operations() {
            let key = format!("{} {}", method_name(op.method), op.path);
            let path = ids
                .iter()
                .fold(op.path.to_string(), |p, (k, v)| p.replace(k, v));
            let url = format!("{}{path}", node.base);
            let mut req = match op.method {
                Method::Get => node.client.get(&url),
                Method::Post => node.client.post(&url).json(&json!({})),
                Method::Put => node.client.put(&url).json(&json!({})),
                Method::Delete => node.client.delete(&url),
            };
            if let Some(u) = user {
                req = req.bearer_auth(node.token(u));
            }
            if path == "/events" {
                req = req.timeout(std::time::Duration::from_millis(500));
            }
            let status = match req.send().await {
                Ok(r) => r.status().as_u16(),
                Err(e) if e.is_timeout() => 200,
                Err(e) => panic!("{key} as {persona}: {e}"),
            };
            calls += 1;
            observed
                .entry(key)
                .or_default()
                .push((persona.to_string(), status));
        }
    }
    let mut table = String::new();
    for (key, row) in &observed {
        table.push_str(&format!("{key:<70}"));
        for (p, s) in row {
            table.push_str(&format!(" {p}={s}"));
        }
        table.push('\n');
    }
    println!("{table}");
    let mut problems = Vec::new();
    let matrix: BTreeMap<&str, &str> = MATRIX.iter().copied().collect();
    for (key, row) in &observed {
        let Some(allowed) = matrix.get(key.as_str()) else {
            problems.push(format!("{key}: no entry in the matrix"));
            continue;
        };
        let allowed: Vec<&str> = allowed.split_whitespace().collect();
        let auth = operations()
            .iter()
            .find(|(op, _)| format!("{} {}", method_name(op.method), op.path) == *key)
            .map(|(op, _)| op.auth)
            .unwrap();
        for (persona, status) in row {
            let tilde = format!("~{persona}");
            let must = allowed.contains(&"all") || allowed.contains(&persona.as_str());
            let may = must || allowed.contains(&tilde.as_str());
            let ok = (200..300).contains(status);
            if *status >= 500 {
                problems.push(format!("{key} as {persona}: {status}"));
            }
            if persona == "anon" && auth && *status != 401 {
                problems.push(format!("{key} anonymous: {status}, not 401"));
            }
            if ok && !may {
                problems.push(format!("{key} as {persona}: {status}, not allowed"));
            }
            if !ok && must && key.starts_with("GET ") {
                problems.push(format!("{key} as {persona}: {status}, allowed but refused"));
            }
        }
    }
    for key in matrix.keys() {
        if !observed.contains_key(*key) {
            problems.push(format!("{key}: in the matrix but not a route"));
        }
    }
    println!(
        "authorisation matrix: {} routes × {} personas = {calls} calls",
        observed.len(),
        PERSONAS.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Silkway's movement (lodged and released), one of its messages, its contract, registration,
/// webhook and a token of its own: the ids the paths name.
async fn fixtures(node: &TestNode) -> Vec<(&'static str, String)> {
    let id = node.lodge_ok("silkway", &corridor("AUTHZ-1")).await;
    let released = node
        .customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    let mrn = released["mrn"].as_str().unwrap().to_string();
    let (_, messages) = node
        .get("silkway", &format!("/movements/departures/{id}/messages"))
        .await;
    let message = messages["messages"][0]["id"].as_str().unwrap().to_string();
    let (_, registrations) = node.get("silkway", "/registrations").await;
    let registration = registrations["registrations"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, contracts) = node.get("silkway", "/contracts").await;
    let contract = contracts["contracts"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, hook) = node
        .send(
            node.client
                .post(format!("{}/webhooks", node.base))
                .bearer_auth(node.token("silkway"))
                .json(&json!({"url": "http://127.0.0.1:9/hook"})),
        )
        .await;
    let webhook = hook["id"].as_str().unwrap().to_string();
    let (_, token) = node
        .send(
            node.client
                .post(format!("{}/tokens", node.base))
                .bearer_auth(node.token("silkway"))
                .json(&json!({"label": "authz"})),
        )
        .await;
    let token: Value = token;
    let token = token["id"].as_str().unwrap().to_string();
    let (_, request) = node
        .send(
            node.client
                .post(format!("{}/support", node.base))
                .bearer_auth(node.token("silkway"))
                .json(&json!({"subject": "authz", "text": "authz", "page": format!("/ui/movements/{id}")})),
        )
        .await;
    let request = request["id"].as_str().unwrap().to_string();
    let none = uuid::Uuid::new_v4().to_string();
    // Longest names first, so that `{id}` does not eat `{idX}`.
    vec![
        ("{messageId}", message),
        ("{attachmentId}", none.clone()),
        ("{documentId}", none.clone()),
        ("{number}", "1".into()),
        ("{grn}", "25KZ0000SRI000010".into()),
        ("{code}", "KZHOR001".into()),
        ("{mrn}", mrn),
        ("{node}", "AZ".into()),
        ("/customs/{action}", "/customs/release".into()),
        (
            "/claims/{id}/actions/{action}",
            format!("/claims/{none}/actions/pay"),
        ),
        ("{action}", "approve".into()),
        // Per resource: a path's `{id}` by its prefix (below).
        ("/webhooks/{id}", format!("/webhooks/{webhook}")),
        ("/deliveries/{id}", format!("/deliveries/{none}")),
        (
            "/registrations/{id}",
            format!("/registrations/{registration}"),
        ),
        ("/contracts/{id}", format!("/contracts/{contract}")),
        ("/claims/{id}", format!("/claims/{none}")),
        ("/parties/{id}", "/parties/KZ840000123456".into()),
        ("/risk/profiles/{id}", "/risk/profiles/P-0001".into()),
        ("/tokens/{id}", format!("/tokens/{token}")),
        ("/support/{id}", format!("/support/{request}")),
        ("{id}", id),
    ]
}
