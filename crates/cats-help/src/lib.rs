//! The CATS/ICE manuals, built from `docs/manual/{en,ru}` with mdBook when this crate is compiled
//! and embedded in the binary (issue 18). The node serves them under `/help/{lang}/`
//! (`cats-web`), and `cats help export --to DIR` writes them out for another web server.
//!
//! Two books: English (`en`: the user manuals, the reference, training, the operations guide
//! and the integration guide) and Russian (`ru`: the user manuals, the reference and training; it
//! links to the English operations and integration guides).

include!(concat!(env!("OUT_DIR"), "/files.rs"));

/// The languages the manuals are written in, as BCP 47 tags.
pub const LANGUAGES: [&str; 2] = ["en", "ru"];

/// The manual for a reader of the pages in `ui_lang` (`en`, `ru`, `kk`, `az`, `ka`): Russian for
/// Russian and Kazakh, English otherwise.
pub fn language_for(ui_lang: &str) -> &'static str {
    match ui_lang {
        "ru" | "kk" => "ru",
        _ => "en",
    }
}

/// One file of the manual `lang` by its path in the site (`trader/lodge.html`; empty or ending
/// in `/`: that directory's `index.html`), with its media type; `None` when there is none.
pub fn file(lang: &str, path: &str) -> Option<(&'static [u8], &'static str)> {
    if !LANGUAGES.contains(&lang) || path.split('/').any(|s| s == "..") {
        return None;
    }
    let path = if path.is_empty() || path.ends_with('/') {
        format!("{lang}/{path}index.html")
    } else {
        format!("{lang}/{path}")
    };
    let at = FILES
        .binary_search_by(|(name, _)| (*name).cmp(path.as_str()))
        .ok()?;
    Some((FILES[at].1, media_type(&path)))
}

/// The media type of a file of the site by its extension.
pub fn media_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "txt" | "md" => "text/plain; charset=utf-8",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// Where the manual helps with a page: a path prefix of the pages (`/ui/declarations`), the role
/// it is for (`trader`, `officer`, `insurer`, `admin`; `None`: anyone), and the chapter. The
/// first that matches wins.
pub const CHAPTERS: [(&str, Option<&str>, &str); 24] = [
    ("/ui/home", Some("trader"), "trader/index.html"),
    ("/ui/home", Some("officer"), "officer/index.html"),
    ("/ui/home", Some("insurer"), "insurer/index.html"),
    ("/ui/home", Some("admin"), "admin/index.html"),
    ("/ui/declarations", None, "trader/lodge.html"),
    ("/ui/queue", None, "officer/queue.html"),
    ("/ui/movements", Some("officer"), "officer/release.html"),
    ("/ui/movements", None, "trader/follow.html"),
    ("/ui/contracts/new", None, "insurer/contracts.html"),
    (
        "/ui/contracts",
        Some("officer"),
        "officer/registers-risk.html",
    ),
    ("/ui/contracts", Some("insurer"), "insurer/claims.html"),
    ("/ui/contracts", None, "trader/guarantees.html"),
    (
        "/ui/registrations",
        Some("officer"),
        "officer/registers-risk.html",
    ),
    ("/ui/registrations", None, "trader/guarantees.html"),
    ("/ui/notifications", None, "trader/notifications.html"),
    ("/ui/webhooks", None, "trader/notifications.html"),
    ("/ui/risk", None, "officer/registers-risk.html"),
    ("/ui/reports", None, "reports.html"),
    ("/ui/admin/users", None, "admin/users.html"),
    ("/ui/admin/reference", None, "admin/reference-ice.html"),
    ("/ui/admin/ice", None, "admin/reference-ice.html"),
    ("/ui/support", Some("admin"), "admin/support.html"),
    ("/ui/support", None, "support.html"),
    ("/ui/tokens", None, "admin/users.html"),
];

/// The chapter of the manual that helps a user of `role` (`trader`, `officer`, `insurer`,
/// `admin`; `None` before signing in) with the page at `ui_path` (`/ui/declarations/new`), as a
/// path in the site (`trader/lodge.html`); getting started for a page it has no chapter for.
pub fn chapter_for(ui_path: &str, role: Option<&str>) -> &'static str {
    CHAPTERS
        .iter()
        .find(|(prefix, for_role, _)| {
            ui_path.starts_with(prefix) && for_role.is_none_or(|r| Some(r) == role)
        })
        .map(|(_, _, chapter)| *chapter)
        .unwrap_or("getting-started.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_manuals_are_embedded_with_their_start_pages() {
        for lang in LANGUAGES {
            let (html, media) = file(lang, "").expect("index.html");
            assert_eq!(media, "text/html; charset=utf-8");
            assert!(std::str::from_utf8(html)
                .unwrap()
                .contains(&format!("lang=\"{lang}\"")));
            assert!(file(lang, "getting-started.html").is_some(), "{lang}");
        }
        assert!(file("de", "").is_none());
        assert!(file("en", "../ru/index.html").is_none());
        assert!(file("en", "no-such-page.html").is_none());
    }

    #[test]
    fn every_chapter_a_page_points_to_exists_in_both_manuals() {
        for (_, _, chapter) in CHAPTERS {
            for lang in LANGUAGES {
                assert!(file(lang, chapter).is_some(), "{lang}/{chapter}");
            }
        }
        assert_eq!(
            chapter_for("/ui/movements/x", Some("officer")),
            "officer/release.html"
        );
        assert_eq!(
            chapter_for("/ui/movements/x", Some("trader")),
            "trader/follow.html"
        );
        assert_eq!(chapter_for("/ui/home", None), "getting-started.html");
        assert_eq!(
            chapter_for("/ui/support/new", Some("admin")),
            "admin/support.html"
        );
        assert_eq!(language_for("kk"), "ru");
        assert_eq!(language_for("ka"), "en");
    }
}
