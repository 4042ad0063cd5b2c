//! The pages' languages: Fluent messages per locale (`crates/cats-web/locales/LANG/main.ftl`,
//! embedded in the binary), the choice of language for a request, and times in a time zone.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

pub use cats_app::accounts::LANGUAGES;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // no Unicode isolation marks around arguments: the pages are HTML, not bidi text
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Translations for one language: `get("key")`, `arg("key", "name", value)`.
#[derive(Debug, Clone)]
pub struct Tr {
    lang: &'static str,
    id: LanguageIdentifier,
}

impl Tr {
    /// The translator for `lang`, one of [`LANGUAGES`] (anything else is English).
    pub fn new(lang: &str) -> Self {
        let lang = LANGUAGES
            .iter()
            .copied()
            .find(|l| *l == lang)
            .unwrap_or("en");
        Self {
            lang,
            id: lang.parse().expect("a language code"),
        }
    }

    /// The language code (`en`, `ru` …).
    pub fn lang(&self) -> &'static str {
        self.lang
    }

    /// The message `key`.
    pub fn get(&self, key: &str) -> String {
        LOCALES.lookup(&self.id, key)
    }

    /// The message `key`, if this language (or English) has it.
    pub fn try_get(&self, key: &str) -> Option<String> {
        let id: &LanguageIdentifier = &self.id;
        LOCALES.try_lookup(id, key)
    }

    /// A business rule's failure: its id, the rule in this language (other than English, where
    /// the locale has it: `rule-ID`) and the reason the rule gave (`R0005: … (…)`).
    pub fn rule(&self, rule_id: &str, reason: &str) -> String {
        let rule = (self.lang != "en")
            .then(|| self.try_get(&format!("rule-{rule_id}")))
            .flatten();
        match rule {
            Some(rule) => format!("{rule_id}: {rule} ({reason})"),
            None => format!("{rule_id}: {reason}"),
        }
    }

    /// The message `key` with one argument.
    pub fn arg(&self, key: &str, name: &'static str, value: impl ToString) -> String {
        let mut args: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        args.insert(Cow::Borrowed(name), FluentValue::from(value.to_string()));
        LOCALES.lookup_with_args(&self.id, key, &args)
    }

    /// The message `key` with any number of arguments.
    pub fn args(&self, key: &str, values: &[(&'static str, String)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = values
            .iter()
            .map(|(n, v)| (Cow::Borrowed(*n), FluentValue::from(v.clone())))
            .collect();
        LOCALES.lookup_with_args(&self.id, key, &args)
    }

    /// The message `key` with two arguments.
    pub fn arg2(
        &self,
        key: &str,
        (n1, v1): (&'static str, impl ToString),
        (n2, v2): (&'static str, impl ToString),
    ) -> String {
        let mut args: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        args.insert(Cow::Borrowed(n1), FluentValue::from(v1.to_string()));
        args.insert(Cow::Borrowed(n2), FluentValue::from(v2.to_string()));
        LOCALES.lookup_with_args(&self.id, key, &args)
    }

    /// A calendar day written for this language (`2026-03-03`, `03.03.2026`).
    pub fn day(&self, day: chrono::NaiveDate) -> String {
        match self.lang {
            "en" => day.format("%Y-%m-%d").to_string(),
            _ => day.format("%d.%m.%Y").to_string(),
        }
    }

    /// A share (0.0 to 1.0) as a percentage with one decimal, written for this language
    /// (`12.5 %`; `12,5 %`).
    pub fn percent(&self, share: f64) -> String {
        format!("{}\u{a0}%", self.number(share * 100.0, 1))
    }

    /// A number with `places` decimals, with the language's decimal separator (`1.25`; `1,25`).
    pub fn number(&self, x: f64, places: usize) -> String {
        let text = format!("{x:.places$}");
        match self.lang {
            "en" => text,
            _ => text.replace('.', ","),
        }
    }

    /// An amount with its ISO 4217 currency, digits grouped as the language does
    /// (`1,000,000.00 USD`; `1 000 000,00 USD` with no-break spaces).
    pub fn money(&self, amount: &cats_domain::ids::Money) -> String {
        let text = format!("{:.2}", amount.amount());
        let (sign, digits) = text
            .strip_prefix('-')
            .map_or(("", text.as_str()), |d| ("-", d));
        let (whole, cents) = digits.split_once('.').unwrap_or((digits, "00"));
        let (group, point) = match self.lang {
            "en" => (",", "."),
            _ => ("\u{a0}", ","),
        };
        let grouped = group_digits(whole, group);
        format!("{sign}{grouped}{point}{cents}\u{a0}{}", amount.currency())
    }

    /// A whole number with its digits grouped as the language does (`10,000`; `10 000` with a
    /// no-break space).
    pub fn count(&self, n: u64) -> String {
        let group = if self.lang == "en" { "," } else { "\u{a0}" };
        group_digits(&n.to_string(), group)
    }

    /// `at` in time zone `zone`, written for this language, with the zone named
    /// (e.g. `06.03.2026 09:41 (Asia/Almaty)`).
    pub fn time(&self, at: DateTime<Utc>, zone: Tz) -> String {
        let local = at.with_timezone(&zone);
        let pattern = match self.lang {
            "en" => "%Y-%m-%d %H:%M",
            _ => "%d.%m.%Y %H:%M",
        };
        format!("{} ({})", local.format(pattern), zone.name())
    }
}

/// `digits` with `group` between every three from the right.
fn group_digits(digits: &str, group: &str) -> String {
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push_str(group);
        }
        grouped.push(c);
    }
    grouped
}

/// The language of a request: the user's own choice, else the `cats_lang` cookie (set by the
/// switch before signing in), else the first language of `Accept-Language` CATS has, else English.
pub fn negotiate(chosen: Option<&str>, cookie: Option<&str>, accept_language: Option<&str>) -> Tr {
    if let Some(lang) = chosen.or(cookie).filter(|l| LANGUAGES.contains(l)) {
        return Tr::new(lang);
    }
    let mut offered: Vec<(f32, usize, &str)> = accept_language
        .unwrap_or_default()
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut bits = part.trim().split(';');
            let tag = bits.next()?.trim();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next()?;
            Some((q, i, primary))
        })
        .collect();
    offered.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let lang = offered
        .iter()
        .map(|(_, _, l)| l.to_ascii_lowercase())
        .find(|l| LANGUAGES.contains(&l.as_str()))
        .unwrap_or_else(|| "en".into());
    Tr::new(&lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(ftl: &str) -> BTreeSet<String> {
        ftl.lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
            .collect()
    }

    #[test]
    fn every_locale_has_every_key_of_english_and_no_other() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        // Every .ftl file of a locale (main.ftl, and one per area such as tad.ftl).
        let read = |lang: &str| {
            let mut all = String::new();
            for entry in std::fs::read_dir(dir.join(lang)).expect("locale directory") {
                let path = entry.expect("locale file").path();
                if path.extension().is_some_and(|e| e == "ftl") {
                    all.push_str(&std::fs::read_to_string(&path).expect("locale file"));
                    all.push('\n');
                }
            }
            all
        };
        let english = keys(&read("en"));
        assert!(english.len() > 40, "{}", english.len());
        for lang in LANGUAGES {
            let these = keys(&read(lang));
            let missing: Vec<_> = english.difference(&these).collect();
            let extra: Vec<_> = these.difference(&english).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{lang}: missing {missing:?}, not in English {extra:?}"
            );
        }
    }

    #[test]
    fn messages_resolve_in_every_language() {
        for lang in LANGUAGES {
            let t = Tr::new(lang);
            let title = t.get("sign-in-title");
            assert!(
                !title.is_empty() && !title.contains("sign-in-title"),
                "{lang}"
            );
            let hello = t.arg("home-welcome", "user", "silkway");
            assert!(hello.contains("silkway"), "{lang}: {hello}");
        }
        assert_eq!(Tr::new("ru").get("sign-in-title"), "Вход");
        assert_eq!(Tr::new("xx").lang(), "en");
    }

    #[test]
    fn the_choice_then_the_cookie_then_accept_language_then_english() {
        assert_eq!(negotiate(Some("ka"), Some("ru"), Some("kk")).lang(), "ka");
        assert_eq!(negotiate(None, Some("ru"), Some("kk")).lang(), "ru");
        assert_eq!(
            negotiate(None, None, Some("de-DE, kk;q=0.8, ru;q=0.9")).lang(),
            "ru"
        );
        assert_eq!(negotiate(None, None, Some("az-Latn-AZ")).lang(), "az");
        assert_eq!(negotiate(None, None, Some("de, fr;q=0.5")).lang(), "en");
        assert_eq!(negotiate(Some("xx"), None, None).lang(), "en");
    }

    #[test]
    fn amounts_and_days_in_the_language_format() {
        let m = cats_domain::ids::Money::new(
            rust_decimal::Decimal::new(100_000_000, 2),
            "USD".parse().unwrap(),
        )
        .unwrap();
        assert_eq!(Tr::new("en").money(&m), "1,000,000.00\u{a0}USD");
        assert_eq!(Tr::new("ru").money(&m), "1\u{a0}000\u{a0}000,00\u{a0}USD");
        let small =
            cats_domain::ids::Money::new(rust_decimal::Decimal::new(25, 1), "EUR".parse().unwrap())
                .unwrap();
        assert_eq!(Tr::new("en").money(&small), "2.50\u{a0}EUR");
        assert_eq!(Tr::new("en").count(10_000), "10,000");
        assert_eq!(Tr::new("ru").count(10_000), "10\u{a0}000");
        assert_eq!(Tr::new("ka").count(999), "999");
        let d = chrono::NaiveDate::from_ymd_opt(2026, 3, 3).unwrap();
        assert_eq!(Tr::new("kk").day(d), "03.03.2026");
    }

    #[test]
    fn times_are_local_with_the_zone_named() {
        let at: DateTime<Utc> = "2026-03-02T20:00:00Z".parse().unwrap();
        let almaty: Tz = "Asia/Almaty".parse().unwrap();
        assert_eq!(
            Tr::new("en").time(at, almaty),
            "2026-03-03 01:00 (Asia/Almaty)"
        );
        assert_eq!(
            Tr::new("ru").time(at, almaty),
            "03.03.2026 01:00 (Asia/Almaty)"
        );
    }
}
