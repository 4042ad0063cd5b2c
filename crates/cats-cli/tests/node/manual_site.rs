//! The manuals served under `/help` (issue 18): every link and picture of both books resolves on a
//! real node (the link check `.ci/run` fails on), nothing is fetched from elsewhere, and every
//! page of the interface links to its chapter in the manual of the user's language.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use reqwest::header::{CONTENT_SECURITY_POLICY, LOCATION};
use reqwest::StatusCode;
use url::Url;

use crate::common::start;
use crate::pages::{browser, csrf_of, set_password, sign_in};

/// Every value of `attr="…"` in `html`.
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&needle) {
        rest = &rest[at + needle.len()..];
        if let Some(end) = rest.find('"') {
            out.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

/// The chapters a book's `SUMMARY.md` lists, as site paths (`trader/lodge.html`).
fn summary_chapters(lang: &str) -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/manual/");
    let text = std::fs::read_to_string(format!("{path}{lang}/src/SUMMARY.md")).unwrap();
    text.lines()
        .filter_map(|l| l.split("](").nth(1))
        .filter_map(|l| l.split(')').next())
        .filter(|p| p.ends_with(".md"))
        .map(|p| {
            if p == "index.md" {
                String::new()
            } else {
                p.replace(".md", ".html")
            }
        })
        .collect()
}

#[tokio::test]
async fn every_link_and_picture_of_both_manuals_resolves_and_nothing_comes_from_elsewhere() {
    let node = start().await;
    let client = reqwest::Client::new();
    let base = Url::parse(&format!("{}/", node.base)).unwrap();
    let mut queue: VecDeque<Url> = VecDeque::new();
    for lang in ["en", "ru"] {
        for chapter in summary_chapters(lang) {
            queue.push_back(base.join(&format!("help/{lang}/{chapter}")).unwrap());
        }
    }
    let listed = queue.len();
    assert!(listed > 40, "both SUMMARY.md list their chapters: {listed}");
    // page -> its ids; every link seen: (from, to)
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut links: Vec<(String, Url)> = Vec::new();
    let mut broken: Vec<String> = Vec::new();
    let mut foreign: BTreeSet<String> = BTreeSet::new();
    while let Some(page) = queue.pop_front() {
        let mut key = page.clone();
        key.set_fragment(None);
        if !seen.insert(key.to_string()) {
            continue;
        }
        let res = client.get(key.clone()).send().await.unwrap();
        if res.status() != StatusCode::OK {
            broken.push(format!("{key}: {}", res.status()));
            continue;
        }
        let html_page = res
            .headers()
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap().starts_with("text/html"));
        if html_page {
            assert!(
                res.headers().get(CONTENT_SECURITY_POLICY).is_some(),
                "{key} is sent with a Content-Security-Policy"
            );
        }
        let body = res.text().await.unwrap_or_default();
        if !html_page {
            continue;
        }
        ids.insert(
            key.to_string(),
            attribute_values(&body, "id")
                .into_iter()
                .map(str::to_string)
                .collect(),
        );
        for (attr, value) in attribute_values(&body, "href")
            .into_iter()
            .map(|v| ("href", v))
            .chain(
                attribute_values(&body, "src")
                    .into_iter()
                    .map(|v| ("src", v)),
            )
        {
            let value = value.replace("&amp;", "&");
            if value.starts_with("mailto:") || value.starts_with("javascript:") {
                continue;
            }
            let Ok(target) = key.join(&value) else {
                broken.push(format!("{key}: {attr}=\"{value}\" is not a URL"));
                continue;
            };
            if target.host() != key.host() || target.port() != key.port() {
                foreign.insert(format!("{key}: {attr}=\"{value}\""));
                continue;
            }
            let path = target.path().to_string();
            // only the manuals are crawled; links into the node's pages are checked below
            if path.starts_with("/help/") {
                links.push((key.to_string(), target.clone()));
                queue.push_back(target);
            } else if !(path == "/" || path.starts_with("/ui/") || path.starts_with("/api/")) {
                broken.push(format!(
                    "{key}: {attr}=\"{value}\" leaves the manuals for {path}"
                ));
            }
        }
    }
    for (from, to) in &links {
        if let Some(fragment) = to.fragment() {
            let mut page = to.clone();
            page.set_fragment(None);
            let fragment = url::form_urlencoded::parse(format!("x={fragment}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            if let Some(known) = ids.get(page.as_str()) {
                if !fragment.is_empty() && !known.contains(&fragment) {
                    broken.push(format!("{from}: {to} names no element of that page"));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken links in the manuals:\n{}",
        broken.join("\n")
    );
    // External links would fail on a node without the internet, and pictures or scripts from
    // elsewhere would leak who reads what: the manuals link only to themselves.
    let loaded: Vec<_> = foreign.iter().filter(|l| l.contains(" src=")).collect();
    assert!(loaded.is_empty(), "resources from elsewhere: {loaded:?}");
    assert!(
        foreign.is_empty(),
        "links out of the node (the manuals must read offline): {foreign:#?}"
    );
    assert!(seen.len() > listed, "pages and their assets were crawled");
}

#[tokio::test]
async fn every_page_links_to_its_chapter_in_the_manual_of_the_users_language() {
    let node = start().await;
    // before signing in: the sign-in page, in the browser's language
    let anonymous = browser();
    let page = anonymous
        .get(format!("{}/", node.base))
        .header("Accept-Language", "ru")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("href=\"/help/ru/getting-started.html\""),
        "the sign-in page links to the Russian manual"
    );
    let client = browser();
    set_password(&node, "silkway", "manual test 2026").await;
    let res = sign_in(&node, &client, "silkway", "manual test 2026").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let pages = [
        ("/ui/home", "trader/index.html"),
        ("/ui/declarations/new", "trader/lodge.html"),
        ("/ui/movements", "trader/follow.html"),
        ("/ui/reports", "reports.html"),
        ("/ui/notifications", "trader/notifications.html"),
    ];
    for lang in ["en", "ru", "kk", "ka"] {
        let home = client
            .get(format!("{}/ui/home", node.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let res = client
            .post(format!("{}/ui/language", node.base))
            .form(&[
                ("csrf", csrf_of(&home).as_str()),
                ("lang", lang),
                ("back", "/ui/home"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "language {lang}");
        let book = if matches!(lang, "ru" | "kk") {
            "ru"
        } else {
            "en"
        };
        for (path, chapter) in pages {
            let html = client
                .get(format!("{}{path}", node.base))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let link = format!("/help/{book}/{chapter}");
            assert!(
                html.contains(&format!("href=\"{link}\"")),
                "{path} in {lang} links to {link}"
            );
            let res = client
                .get(format!("{}{link}", node.base))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{link}");
            assert!(
                html.contains("href=\"/ui/support/new?page="),
                "{path}: support"
            );
        }
        // /help?page=… goes to the chapter in the user's language
        let res = client
            .get(format!("{}/help?page=/ui/queue", node.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.headers()[LOCATION],
            format!("/help/{book}/officer/queue.html").as_str()
        );
    }
    // an officer's movement page opens the officer's chapter, not the trader's
    let officer = browser();
    set_password(&node, "officer.kz", "manual test 2026").await;
    sign_in(&node, &officer, "officer.kz", "manual test 2026").await;
    let html = officer
        .get(format!("{}/ui/movements", node.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("href=\"/help/en/officer/release.html\""),
        "the officer's movements link to the officer's manual"
    );
    // a page that is not in the manuals: 404 (`..` is refused by cats-help's own test)
    for path in [
        "/help/de/",
        "/help/en/nothing.html",
        "/help/en/screens/none.png",
    ] {
        let res = client
            .get(format!("{}{path}", node.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
}
