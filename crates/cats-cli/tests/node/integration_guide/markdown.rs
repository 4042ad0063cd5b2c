//! Reading the guide: its chapters in the order of `SUMMARY.md`, their fenced code blocks and
//! the `<!-- guide-test: … -->` directives (HTML comments, not shown to readers) between them.

use std::path::{Path, PathBuf};

/// Where the integration guide's chapters are (`CATS_GUIDE_DIR` overrides it, to try a draft
/// without rebuilding the manual the node embeds).
pub fn guide_dir() -> PathBuf {
    match std::env::var("CATS_GUIDE_DIR") {
        Ok(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/manual/en/src/integration"),
    }
}

/// The chapters of the guide (`integration/….md`) in the order `SUMMARY.md` lists them, with
/// their text. Panics when a chapter file is not listed, or a listed one is missing.
pub fn chapters() -> Vec<(String, String)> {
    let dir = guide_dir();
    let summary = std::fs::read_to_string(dir.join("../SUMMARY.md")).expect("SUMMARY.md");
    let listed: Vec<String> = summary
        .lines()
        .filter_map(|l| l.split("](integration/").nth(1))
        .filter_map(|rest| rest.split(')').next())
        .map(str::to_string)
        .collect();
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("the guide's directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    on_disk.sort();
    let unlisted: Vec<&String> = on_disk.iter().filter(|f| !listed.contains(f)).collect();
    assert!(
        unlisted.is_empty(),
        "chapters of the integration guide not in SUMMARY.md (so not in the book): {unlisted:?}"
    );
    listed
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(dir.join(&f))
                .unwrap_or_else(|e| panic!("integration/{f} is listed in SUMMARY.md: {e}"));
            (f, text)
        })
        .collect()
}

/// A fenced code block.
#[derive(Debug, Clone)]
pub struct Block {
    /// `file:line` of its opening fence.
    pub at: String,
    /// The first word of its info string (`http`, `python`, `sh`, `text` …).
    pub lang: String,
    /// Its content.
    pub text: String,
}

/// What a chapter holds, in order.
#[derive(Debug, Clone)]
pub enum Item {
    /// A fenced code block.
    Block(Block),
    /// `<!-- guide-test: WORDS -->`: the words, at `file:line`.
    Directive(String, String),
}

/// The blocks and directives of chapter `file`.
pub fn items(file: &str, text: &str) -> Vec<Item> {
    let mut out = Vec::new();
    let mut open: Option<(String, String, Vec<&str>)> = None;
    for (n, line) in text.lines().enumerate() {
        let at = format!("{file}:{}", n + 1);
        let fence = line.trim_start().starts_with("```");
        match &mut open {
            Some((start, lang, body)) => {
                if fence && line.trim() == "```" {
                    out.push(Item::Block(Block {
                        at: start.clone(),
                        lang: lang.clone(),
                        text: body.join("\n"),
                    }));
                    open = None;
                } else {
                    body.push(line);
                }
            }
            None if fence => {
                let info = line.trim().trim_start_matches('`');
                let lang = info
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .next()
                    .unwrap_or_default();
                open = Some((at, lang.to_string(), Vec::new()));
            }
            None => {
                if let Some(rest) = line.trim().strip_prefix("<!-- guide-test:") {
                    let words = rest.trim_end_matches("-->").trim().to_string();
                    out.push(Item::Directive(at, words));
                }
            }
        }
    }
    assert!(open.is_none(), "{file}: a code block is not closed");
    out
}

/// An HTTP message as the guide writes it: start line, headers, body.
#[derive(Debug, Clone)]
pub struct Http {
    /// `POST /path HTTP/1.1` or `HTTP/1.1 202 Accepted`.
    pub start: String,
    /// Headers in order.
    pub headers: Vec<(String, String)>,
    /// The body after the empty line (may be empty).
    pub body: String,
}

impl Http {
    /// Parse a block of the guide.
    pub fn parse(text: &str) -> Http {
        let mut lines = text.lines();
        let start = lines.next().unwrap_or_default().trim().to_string();
        let mut headers = Vec::new();
        for line in lines.by_ref() {
            if line.trim().is_empty() {
                break;
            }
            let (k, v) = line.split_once(':').unwrap_or((line, ""));
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
        let body = lines.collect::<Vec<_>>().join("\n");
        Http {
            start,
            headers,
            body: body.trim_end().to_string(),
        }
    }

    /// Whether it is an answer (`HTTP/1.1 …`).
    pub fn is_response(&self) -> bool {
        self.start.starts_with("HTTP/")
    }

    /// A header's value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Split a command line as a POSIX shell would for the simple cases the guide uses (words,
/// double and single quotes).
pub fn shell_words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, c) if c.is_whitespace() => {
                if any || !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            (None, c) => word.push(c),
        }
    }
    if any || !word.is_empty() {
        out.push(word);
    }
    out
}

/// One example of the guide, ready to run.
#[derive(Debug, Clone)]
pub enum Step {
    /// A request and its documented answer.
    Exchange(Http, Http),
    /// A webhook delivery the receiver must have got.
    Delivery(Http),
    /// A verification snippet, run with the secret captured under this name.
    Verifier(String, Block),
    /// A `cats` command and its documented output.
    Cli(Block, Block),
    /// The node's time-limit check, so many days ahead (not an example).
    DaysPass(i64),
}

/// A step with where it is.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The chapter's file name.
    pub chapter: String,
    /// `file:line`.
    pub at: String,
    /// What to do.
    pub step: Step,
}

/// Every step of every chapter, in order; or where the guide's examples are not well made.
pub fn plan(chapters: &[(String, String)]) -> Result<Vec<Planned>, Vec<String>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (file, text) in chapters {
        let items = items(file, text);
        let block = |i: usize| match items.get(i) {
            Some(Item::Block(b)) => Some(b.clone()),
            _ => None,
        };
        let mut i = 0;
        while i < items.len() {
            let (at, step) = match &items[i] {
                Item::Directive(at, words) => {
                    let w: Vec<&str> = words.split_whitespace().collect();
                    let step = match w.as_slice() {
                        ["delivery"] => block(i + 1)
                            .filter(|b| b.lang == "http")
                            .map(|b| (1, Step::Delivery(Http::parse(&b.text))))
                            .ok_or("`delivery` is not followed by an http block"),
                        ["verifier", secret] => block(i + 1)
                            .map(|b| (1, Step::Verifier(secret.to_string(), b)))
                            .ok_or("`verifier` is not followed by a code block"),
                        ["cli"] => match (block(i + 1), block(i + 2)) {
                            (Some(c), Some(o)) if c.lang == "sh" && o.lang == "text" => {
                                Ok((2, Step::Cli(c, o)))
                            }
                            _ => Err("`cli` is not followed by an sh block and a text block"),
                        },
                        ["days", "pass", n] => n
                            .parse()
                            .map(|n| (0, Step::DaysPass(n)))
                            .map_err(|_| "`days pass N` needs a number"),
                        _ => Err("unknown directive"),
                    };
                    (at.clone(), step)
                }
                Item::Block(b) if b.lang == "http" => {
                    let request = Http::parse(&b.text);
                    let answer = block(i + 1)
                        .filter(|n| n.lang == "http")
                        .map(|n| Http::parse(&n.text))
                        .filter(Http::is_response);
                    let step = match answer {
                        _ if request.is_response() => Err("an answer without its request"),
                        Some(answer) => Ok((1, Step::Exchange(request, answer))),
                        None => Err("a request without its answer (the next http block)"),
                    };
                    (b.at.clone(), step)
                }
                Item::Block(_) => {
                    i += 1;
                    continue;
                }
            };
            match step {
                Ok((skip, step)) => {
                    out.push(Planned {
                        chapter: file.clone(),
                        at,
                        step,
                    });
                    i += skip;
                }
                Err(e) => problems.push(format!("{at}: {e}")),
            }
            i += 1;
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}
