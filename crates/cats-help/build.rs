//! Builds the manuals with mdBook (`docs/manual/{en,ru}`) into `OUT_DIR/book/{lang}` and writes
//! `OUT_DIR/files.rs`: every file of both sites as `(path, bytes)`, embedded with
//! `include_bytes!`. A chapter listed in `SUMMARY.md` that is missing, or a book that does not
//! build, fails the build with mdBook's error.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let manuals = manifest.join("../../docs/manual");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-changed={}", manuals.display());
    let mut files = Vec::new();
    for lang in ["en", "ru"] {
        let root = manuals.join(lang);
        let target = out.join("book").join(lang);
        let _ = std::fs::remove_dir_all(&target);
        let mut book = mdbook_driver::MDBook::load(&root)
            .unwrap_or_else(|e| panic!("the {lang} manual ({}): {e:#}", root.display()));
        book.config.build.build_dir = target.clone();
        book.build()
            .unwrap_or_else(|e| panic!("building the {lang} manual: {e:#}"));
        collect(&target, &target, lang, &mut files);
    }
    files.sort();
    let mut code = String::from("/// Every file of the built manuals: (`lang/path`, bytes).\npub static FILES: &[(&str, &[u8])] = &[\n");
    for (name, path) in &files {
        writeln!(
            code,
            "    ({name:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n");
    std::fs::write(out.join("files.rs"), code).expect("write files.rs");
}

/// Every file under `dir`, named `lang/relative/path` with `/` separators.
fn collect(root: &Path, dir: &Path, lang: &str, files: &mut Vec<(String, PathBuf)>) {
    for entry in std::fs::read_dir(dir).expect("read the built book") {
        let path = entry.expect("read the built book").path();
        if path.is_dir() {
            collect(root, &path, lang, files);
        } else {
            let rel = path.strip_prefix(root).expect("under the book");
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((format!("{lang}/{rel}"), path));
        }
    }
}
