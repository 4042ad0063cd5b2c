//! The manuals' pictures (issue 18): every `screens/NAME.png` a chapter of either book shows
//! exists in that book's `screens/` and is one a browser test takes ([`MANUAL_SHOTS`] of the
//! walkthrough, [`SUPPORT_SHOTS`] of the support pages), so that running the browser tests with
//! `CATS_MANUAL_SCREENS=1` refreshes every one of them. No browser needed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::manual_walkthrough::{MANUAL_SHOTS, SUPPORT_SHOTS};

fn manual_src(lang: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../docs/manual/{lang}/src"))
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("the manual's sources") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// Every `screens/NAME.png` a chapter refers to, with the path as written.
fn pictures(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("screens/") {
        let start = from + at;
        from = start + "screens/".len();
        let Some(end) = text[from..].find(".png") else {
            continue;
        };
        let name = &text[from..from + end];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            continue;
        }
        // the path as written: back to the `(` of the Markdown link or image
        let written_from = text[..start].rfind('(').map_or(start, |i| i + 1);
        out.push((
            name.to_string(),
            text[written_from..from + end + ".png".len()].to_string(),
        ));
    }
    out
}

#[test]
fn manual_screens_are_taken() {
    let known: BTreeSet<&str> = MANUAL_SHOTS.iter().chain(SUPPORT_SHOTS).copied().collect();
    let mut shown = 0;
    for lang in ["en", "ru"] {
        let src = manual_src(lang);
        let mut chapters = Vec::new();
        markdown_files(&src, &mut chapters);
        assert!(!chapters.is_empty(), "{lang}: no chapters");
        for chapter in chapters {
            let text = std::fs::read_to_string(&chapter).unwrap();
            let at = chapter.strip_prefix(&src).unwrap().display().to_string();
            for (name, written) in pictures(&text) {
                shown += 1;
                assert!(
                    known.contains(name.as_str()),
                    "{lang}/{at} shows screens/{name}.png, which no test takes (MANUAL_SHOTS, SUPPORT_SHOTS)"
                );
                let file = src.join("screens").join(format!("{name}.png"));
                assert!(
                    file.is_file(),
                    "{lang}/{at} shows {name}.png, missing from {}: run the test that takes it (the walkthrough; support-*: the support test) with CATS_E2E=1 CATS_MANUAL_SCREENS=1",
                    file.display()
                );
                // written relative to the chapter's folder, as mdBook resolves it
                let resolved = chapter.parent().unwrap().join(&written);
                assert!(
                    resolved.is_file(),
                    "{lang}/{at}: {written} does not lead to the picture from the chapter's folder"
                );
            }
        }
    }
    assert!(shown > 0, "the manuals show no screenshots");
}
