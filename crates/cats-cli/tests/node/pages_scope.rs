//! Role scoping on every page: each demo role gets what its scope allows and nothing more (the
//! same scoping as the API, enforced on the server), and nobody who is not signed in gets any page.

use reqwest::{Client, StatusCode};

use crate::common::{corridor, start, TestNode};
use crate::pages::{browser, set_password, sign_in};

const OK: u16 = 200;
const NO: u16 = 403;
const NONE: u16 = 404;

async fn as_user(node: &TestNode, user: &str) -> Client {
    set_password(node, user, "a good password 1").await;
    let client = browser();
    let res = sign_in(node, &client, user, "a good password 1").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{user} signs in");
    client
}

#[tokio::test]
async fn every_page_answers_each_role_as_its_scope_allows() {
    let node = start().await;
    let movement = node.lodge_ok("silkway", &corridor("SCOPE-PAGES")).await;
    let (_, contracts) = node.get("silkway", "/contracts").await;
    let contract = contracts["contracts"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let users = [
        "silkway",
        "caspian",
        "steppe",
        "kura",
        "officer.kz",
        "officer.az",
        "officer.tm",
        "admin",
    ];
    // page, then the status for each user above, in order
    let table: Vec<(String, [u16; 8])> = vec![
        ("/ui/home".into(), [OK, OK, OK, OK, OK, OK, OK, OK]),
        ("/ui/queue".into(), [NO, NO, NO, NO, OK, OK, OK, NO]),
        ("/ui/declarations".into(), [OK, OK, NO, NO, NO, NO, NO, NO]),
        (
            "/ui/declarations/new".into(),
            [OK, OK, NO, NO, NO, NO, NO, NO],
        ),
        ("/ui/movements".into(), [OK, OK, NO, NO, OK, OK, OK, NO]),
        (
            format!("/ui/movements/{movement}"),
            [OK, NONE, NO, NO, OK, OK, NONE, NO],
        ),
        (
            format!("/ui/movements/{movement}/amend"),
            [OK, NONE, NO, NO, NO, NO, NO, NO],
        ),
        ("/ui/contracts".into(), [OK, OK, OK, OK, OK, OK, OK, NO]),
        ("/ui/contracts/new".into(), [NO, NO, OK, OK, NO, NO, NO, NO]),
        (
            format!("/ui/contracts/{contract}"),
            [OK, NONE, OK, NONE, OK, OK, OK, NO],
        ),
        ("/ui/registrations".into(), [OK, OK, OK, OK, OK, OK, OK, NO]),
        ("/ui/notifications".into(), [OK, OK, OK, OK, NO, NO, NO, NO]),
        ("/ui/risk".into(), [NO, NO, NO, NO, OK, NO, NO, NO]),
        ("/ui/admin/users".into(), [NO, NO, NO, NO, NO, NO, NO, OK]),
        ("/ui/admin/ice".into(), [NO, NO, NO, NO, NO, NO, NO, OK]),
        (
            "/ui/admin/reference".into(),
            [NO, NO, NO, NO, NO, NO, NO, OK],
        ),
    ];
    let mut wrong = Vec::new();
    for (i, user) in users.iter().enumerate() {
        let client = as_user(&node, user).await;
        for (page, expected) in &table {
            let res = client
                .get(format!("{}{page}", node.base))
                .send()
                .await
                .unwrap();
            if res.status().as_u16() != expected[i] {
                wrong.push(format!(
                    "{user} {page}: {} (want {})",
                    res.status().as_u16(),
                    expected[i]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // nobody signed in: the sign-in page for every page
    let anonymous = browser();
    for (page, _) in &table {
        let res = anonymous
            .get(format!("{}{page}", node.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{page}");
        assert_eq!(res.headers()["location"], "/", "{page}");
    }
}
