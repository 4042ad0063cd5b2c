//! The transit accompanying document (TAD, issue 17) from a real node: refused before release,
//! a PDF once released for the holder's traders and the officers of the route's countries (not
//! for another trader, an officer off the route or an insurer), in the language asked for, from
//! the API and from the movement's page. Read back with the Debian tools: `pdftotext` finds the
//! MRN, the office of departure, the holder and the GRN; `pdftoppm` at 300 dpi and `zbarimg`
//! decode the barcode to exactly the MRN.
//!
//! Without `pdftotext`, `pdftoppm` or `zbarimg` (poppler-utils, zbar-tools) those checks are
//! skipped with a message, unless `CATS_REQUIRE_PDF_TOOLS=1`. `CATS_KEEP_TAD=DIR` keeps the
//! English and Russian TADs as `DIR/tad-en.pdf` and `DIR/tad-ru.pdf`.

use std::path::{Path, PathBuf};
use std::process::Command;

use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_DISPOSITION, CONTENT_TYPE};
use reqwest::StatusCode;

use crate::common::{corridor, start, TestNode};
use crate::pages::{browser, set_password, sign_in};

/// `GET /movements/departures/{id}/tad` as `user`, in `lang` if given.
async fn fetch(node: &TestNode, user: &str, id: &str, lang: Option<&str>) -> reqwest::Response {
    let mut req = node
        .client
        .get(format!("{}/movements/departures/{id}/tad", node.base))
        .bearer_auth(node.token(user));
    if let Some(lang) = lang {
        req = req.header(ACCEPT_LANGUAGE, lang);
    }
    req.send().await.expect("request")
}

/// A PDF answer's bytes, after checking its type and file name.
async fn pdf_of(res: reqwest::Response, mrn: &str, disposition: &str) -> Vec<u8> {
    assert_eq!(res.status(), StatusCode::OK);
    let header = |name| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header(CONTENT_TYPE), "application/pdf");
    assert_eq!(
        header(CONTENT_DISPOSITION),
        format!("{disposition}; filename=\"TAD-{mrn}.pdf\"")
    );
    let bytes = res.bytes().await.expect("body").to_vec();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    bytes
}

#[tokio::test]
async fn the_tad_of_a_released_movement_carries_its_content_and_its_mrn_barcode() {
    let node = start().await;
    let id = node.lodge_ok("silkway", &corridor("TAD-1")).await;
    // The holder's trader and an officer of the office of departure's country, signed in.
    let trader = browser();
    let officer = browser();
    for (client, user) in [(&trader, "silkway"), (&officer, "officer.kz")] {
        set_password(&node, user, "a long test password").await;
        sign_in(&node, client, user, "a long test password").await;
    }
    let link = format!("href=\"/ui/movements/{id}/tad\"");

    // Before release there is no TAD: no link on the page, 409 from the page and the API (with
    // the structured error).
    for client in [&trader, &officer] {
        let (status, page) = page_of(&node, client, &format!("/ui/movements/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!page.contains(&link), "no TAD before release");
        let (status, _) = page_of(&node, client, &format!("/ui/movements/{id}/tad")).await;
        assert_eq!(status, StatusCode::CONFLICT);
    }
    let res = fetch(&node, "silkway", &id, None).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "CONFLICT", "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("released for transit")),
        "{body}"
    );

    let released = node
        .customs_ok("officer.kz", &id, "release", "KZHOR001")
        .await;
    let mrn = released["mrn"].as_str().unwrap().to_string();

    // The holder's trader, in English by default.
    let en = pdf_of(fetch(&node, "silkway", &id, None).await, &mrn, "inline").await;
    // Officers of the countries on the route have it too, in their language.
    let ka = pdf_of(
        fetch(&node, "officer.ge", &id, Some("ka-GE, en;q=0.5")).await,
        &mrn,
        "inline",
    )
    .await;
    // Another trader, an insurer and an officer of a country off the route do not see it.
    for user in ["caspian", "kura", "officer.tm"] {
        let res = fetch(&node, user, &id, None).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{user}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["code"], "NOT_FOUND", "{user}: {body}");
    }
    // Without a token: 401.
    let res = node
        .client
        .get(format!("{}/movements/departures/{id}/tad", node.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let ru = pdf_of(
        fetch(&node, "silkway", &id, Some("ru")).await,
        &mrn,
        "inline",
    )
    .await;

    // From the movement's page, for the trader and the officer: the link, and the download
    // in the user's language.
    let mut from_pages = Vec::new();
    for client in [&trader, &officer] {
        let (status, page) = page_of(&node, client, &format!("/ui/movements/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&link), "the movement page links the TAD");
        let res = client
            .get(format!("{}/ui/movements/{id}/tad", node.base))
            .send()
            .await
            .unwrap();
        from_pages.push(pdf_of(res, &mrn, "attachment").await);
    }
    let (_, page) = page_of(&node, &trader, &format!("/ui/movements/{id}")).await;
    assert!(
        page.contains("Print the TAD (PDF)"),
        "in the trader's language"
    );

    if let Some(dir) = std::env::var_os("CATS_KEEP_TAD") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("tad-en.pdf"), &en).unwrap();
        std::fs::write(dir.join("tad-ru.pdf"), &ru).unwrap();
        std::fs::write(dir.join("tad-ka.pdf"), &ka).unwrap();
    }

    let Some(tools) = pdf_tools() else {
        return;
    };
    let text = tools.text(&en);
    for expected in [
        mrn.as_str(),
        "KZHOR001",
        "Khorgos Gateway Logistics LLP",
        "25KZ0000SRI000010",
        "Transit accompanying document",
        "Customs office of departure",
        "GEPTI001",
        "CSQU3054383",
        "KZ-SEAL-000451",
        "Static converters",
        "850440",
        "Page 1 / 1",
    ] {
        assert!(
            text.contains(expected),
            "{expected} not in the TAD:\n{text}"
        );
    }
    assert_eq!(tools.barcode(&en), mrn, "the barcode is the MRN");
    let text = tools.text(&ru);
    for expected in [
        "Транзитный сопроводительный документ",
        "Таможня отправления",
        "Срок таможенного транзита",
        mrn.as_str(),
        "Khorgos Gateway Logistics LLP",
    ] {
        assert!(
            text.contains(expected),
            "{expected} not in the TAD:\n{text}"
        );
    }
    assert!(!text.contains("Customs office of departure"));
    assert_eq!(tools.barcode(&ru), mrn);
    let text = tools.text(&ka);
    assert!(text.contains("სატრანზიტო თანმხლები დოკუმენტი"), "{text}");
    for pdf in &from_pages {
        assert!(tools.text(pdf).contains(mrn.as_str()));
    }
}

/// A page as a signed-in browser gets it: status and body.
async fn page_of(node: &TestNode, client: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let res = client
        .get(format!("{}{path}", node.base))
        .send()
        .await
        .expect("page");
    (res.status(), res.text().await.unwrap_or_default())
}

/// The Debian tools that read a PDF back, when installed.
struct PdfTools {
    dir: tempfile::TempDir,
}

/// The tools, or `None` with a message when one is missing (a failure with
/// `CATS_REQUIRE_PDF_TOOLS=1`).
fn pdf_tools() -> Option<PdfTools> {
    let missing: Vec<&str> = ["pdftotext", "pdftoppm", "zbarimg"]
        .into_iter()
        .filter(|tool| !on_path(tool))
        .collect();
    if missing.is_empty() {
        return Some(PdfTools {
            dir: tempfile::tempdir().expect("temporary directory"),
        });
    }
    let message = format!(
        "TAD read-back skipped: {} not installed (apt-get install poppler-utils zbar-tools)",
        missing.join(", ")
    );
    assert!(
        std::env::var("CATS_REQUIRE_PDF_TOOLS").as_deref() != Ok("1"),
        "{message}, and CATS_REQUIRE_PDF_TOOLS=1"
    );
    eprintln!("{message}");
    None
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
}

fn run(command: &mut Command) -> String {
    let out = command.output().expect("the tool runs");
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

impl PdfTools {
    fn write(&self, pdf: &[u8]) -> PathBuf {
        let path = self.dir.path().join(format!(
            "tad-{}.pdf",
            std::fs::read_dir(self.dir.path()).unwrap().count()
        ));
        std::fs::write(&path, pdf).unwrap();
        path
    }

    /// The PDF's text (`pdftotext`, in reading order), its runs of white space (a label
    /// wrapped over two lines) as one space.
    fn text(&self, pdf: &[u8]) -> String {
        let path = self.write(pdf);
        run(Command::new("pdftotext").arg(&path).arg("-"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// What `zbarimg` reads from the first page rendered at 300 dpi: every barcode's data, one
    /// a line; the test expects exactly one.
    fn barcode(&self, pdf: &[u8]) -> String {
        let path = self.write(pdf);
        let png = path.with_extension("");
        run(Command::new("pdftoppm")
            .args(["-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile"])
            .arg(&path)
            .arg(&png));
        let image: &Path = &png.with_extension("png");
        let out = run(Command::new("zbarimg").args(["--raw", "-q"]).arg(image));
        let codes: Vec<&str> = out.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(codes.len(), 1, "one barcode: {codes:?}");
        codes[0].to_string()
    }
}
