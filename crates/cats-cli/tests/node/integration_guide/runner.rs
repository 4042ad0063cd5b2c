//! Running the guide's examples: a webhook receiver on 127.0.0.1, the requests sent over HTTP,
//! the answers compared with the documented ones, deliveries, snippets and commands.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;

use super::markdown::{self, Block, Http};
use super::matching::{
    self, fill, match_json, match_prefix, match_text, match_xml, parse_xml, Binds,
};
use crate::common::TestNode;

/// A request the webhook receiver got.
#[derive(Debug, Clone)]
pub struct Delivered {
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// What the receiver got, shared with the test.
pub type Got = Arc<Mutex<Vec<Delivered>>>;

async fn receive(
    State(got): State<Got>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let headers = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    got.lock().unwrap().push(Delivered {
        path: uri.path().to_string(),
        headers,
        body: body.to_vec(),
    });
    StatusCode::NO_CONTENT
}

/// A webhook receiver on 127.0.0.1 keeping every request as received; its URL.
pub async fn receiver(got: Got) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/cats-hook", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .route("/cats-hook", axum::routing::post(receive))
        .with_state(got);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// The state of a run through the guide.
pub struct Runner<'a> {
    /// The node under test.
    pub node: &'a TestNode,
    /// Placeholders' values: fixed ones and those captured so far.
    pub binds: Binds,
    /// What the webhook receiver got.
    pub got: Got,
    /// The delivery the last `delivery` example matched.
    pub delivery: Option<Delivered>,
    /// `METHOD /path` of every request run.
    pub called: Vec<(String, String)>,
    /// The example being run (its ordinal in the guide), for the dump.
    pub ordinal: usize,
    /// Print every answer (`CATS_GUIDE_DUMP=1`).
    pub dump: bool,
    /// Where snippets are written to be run.
    pub dir: tempfile::TempDir,
}

/// An answer as received.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Compare documented headers and body with what came (an answer, or a delivery).
fn compare(
    doc: &Http,
    headers: &[(String, String)],
    body: &[u8],
    binds: &mut Binds,
) -> Result<(), String> {
    for (name, template) in &doc.headers {
        let Some((_, actual)) = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) else {
            return Err(format!("header {name}: documented but missing"));
        };
        let plain = actual.split(';').next().unwrap_or_default().trim();
        if !(match_text(template, actual, binds) || match_text(template, plain, binds)) {
            return Err(format!(
                "header {name}: documented {template:?}, the node says {actual:?}"
            ));
        }
    }
    let doc_body = doc.body.trim();
    if doc_body.is_empty() {
        return Ok(());
    }
    let kind = doc.header("Content-Type").unwrap_or_default();
    let text = String::from_utf8_lossy(body);
    if kind.contains("json")
        || (kind.is_empty() && (doc_body.starts_with('{') || doc_body.starts_with('[')))
    {
        let documented: Value = serde_json::from_str(&matching::quote_bare_placeholders(doc_body))
            .map_err(|e| format!("the documented JSON does not parse: {e}"))?;
        let actual: Value = serde_json::from_slice(body)
            .map_err(|e| format!("the node's body is not JSON: {e}"))?;
        match_json(&documented, &actual, "$", binds)
    } else if kind.contains("xml") || (kind.is_empty() && doc_body.starts_with('<')) {
        let documented = parse_xml(doc_body).map_err(|e| format!("the documented XML: {e}"))?;
        let actual = parse_xml(&text).map_err(|e| format!("the node's XML: {e}"))?;
        match_xml(&documented, &actual, "", binds)
    } else if match_prefix(doc_body, &text, binds) {
        Ok(())
    } else {
        Err(format!(
            "the body does not start as documented:\n{doc_body}"
        ))
    }
}

impl Runner<'_> {
    async fn send(
        &self,
        method: &str,
        target: &str,
        headers: &[(String, String)],
        body: String,
    ) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut req = self
            .node
            .client
            .request(method, format!("{}{target}", self.node.base));
        let stream = headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("accept") && v.contains("event-stream"));
        for (k, v) in headers {
            req = req.header(k.as_str(), v.as_str());
        }
        if !body.is_empty() {
            req = req.body(body);
        }
        let mut res = req.send().await.expect("the request is sent");
        let status = res.status().as_u16();
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
            .collect();
        let mut bytes = Vec::new();
        if stream {
            // A stream never ends: its first event (within two seconds) is the answer.
            let until = Instant::now() + Duration::from_secs(2);
            while let Ok(Ok(Some(chunk))) =
                tokio::time::timeout(until.saturating_duration_since(Instant::now()), res.chunk())
                    .await
            {
                bytes.extend_from_slice(&chunk);
                if bytes.windows(2).any(|w| w == b"\n\n") {
                    break;
                }
            }
        } else {
            bytes = res.bytes().await.expect("the body").to_vec();
        }
        Answer {
            status,
            headers,
            body: bytes,
        }
    }

    /// Run a request of the guide and compare the answer; a `GET` is asked again for up to five
    /// seconds while it differs (deliveries and the time-limit check run in the background).
    pub async fn exchange(&mut self, request: &Http, doc: &Http) -> Result<(), String> {
        let start = fill(&request.start, &self.binds)?;
        let mut words = start.split_whitespace();
        let (method, target) = (
            words.next().unwrap_or_default(),
            words.next().unwrap_or_default(),
        );
        let headers = request
            .headers
            .iter()
            .map(|(k, v)| Ok((k.clone(), fill(v, &self.binds)?)))
            .collect::<Result<Vec<_>, String>>()?;
        let body = fill(&request.body, &self.binds)?;
        let expected: u16 = doc
            .start
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or("the answer's status line has no status")?;
        let until = Instant::now() + Duration::from_secs(5);
        loop {
            let answer = self.send(method, target, &headers, body.clone()).await;
            if self.dump {
                eprintln!(
                    "---- #{} {start}\n{} {:?}\n{}\n",
                    self.ordinal,
                    answer.status,
                    answer.headers,
                    pretty(&answer)
                );
            }
            let mut tried = self.binds.clone();
            let verdict = if answer.status != expected {
                Err(format!("status {}, documented {expected}", answer.status))
            } else {
                compare(doc, &answer.headers, &answer.body, &mut tried)
            };
            match verdict {
                Ok(()) => {
                    self.binds = tried;
                    break;
                }
                Err(_) if method == "GET" && Instant::now() < until => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => {
                    return Err(format!(
                        "{start}: {e}\n---- the node answered {}:\n{}",
                        answer.status,
                        pretty(&answer)
                    ))
                }
            }
        }
        let path = target.split('?').next().unwrap_or_default().to_string();
        self.called.push((method.to_string(), path));
        Ok(())
    }

    /// A webhook delivery the receiver must have got (within ten seconds).
    pub async fn delivery(&mut self, doc: &Http) -> Result<(), String> {
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            let got = self.got.lock().unwrap().clone();
            let mut last = String::from("nothing was delivered");
            for d in got.iter().rev() {
                let mut tried = self.binds.clone();
                let start = format!("POST {} HTTP/1.1", d.path);
                let verdict = if match_text(&doc.start, &start, &mut tried) {
                    compare(doc, &d.headers, &d.body, &mut tried)
                } else {
                    Err(format!("documented {:?}, received {start:?}", doc.start))
                };
                match verdict {
                    Ok(()) => {
                        if self.dump {
                            eprintln!(
                                "---- DELIVERY {start}\n{:?}\n{}\n",
                                d.headers,
                                String::from_utf8_lossy(&d.body)
                            );
                        }
                        self.binds = tried;
                        self.delivery = Some(d.clone());
                        return Ok(());
                    }
                    Err(e) => last = format!("{e}\n{}", String::from_utf8_lossy(&d.body)),
                }
            }
            if Instant::now() > until {
                return Err(format!("no delivery as documented; the latest: {last}"));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Run a verification snippet on the last delivery: it must accept it and refuse it
    /// tampered, signed with another secret, too old, or with a malformed header.
    pub fn verifier(&self, secret_name: &str, block: &Block) -> Result<(), String> {
        let d = self.delivery.as_ref().ok_or("no delivery to verify yet")?;
        let secret = matching::text_of(
            self.binds
                .get(secret_name)
                .ok_or(format!("{{{{{secret_name}}}}} has no value"))?,
        );
        let header = d
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("cats-signature"))
            .map(|(_, v)| v.clone())
            .ok_or("the delivery has no CATS-Signature")?;
        let (program, file) = match block.lang.as_str() {
            "python" => ("python3", "verify_cats.py"),
            "sh" => ("sh", "verify_cats.sh"),
            other => return Err(format!("no way to run a {other} snippet")),
        };
        if block.lang == "sh"
            && std::process::Command::new("openssl")
                .arg("version")
                .output()
                .is_err()
        {
            eprintln!("SKIPPED the shell verifier: openssl is not on PATH");
            return Ok(());
        }
        let path = self.dir.path().join(file);
        std::fs::write(&path, &block.text).unwrap();
        let run = |secret: &str, header: &str, body: &[u8]| -> (bool, String) {
            use std::io::Write;
            let mut child = std::process::Command::new(program)
                .arg(&path)
                .arg(header)
                .env("CATS_WEBHOOK_SECRET", secret)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("{program} (needed for the guide's snippet): {e}"));
            child.stdin.take().unwrap().write_all(body).unwrap();
            let out = child.wait_with_output().unwrap();
            let said = String::from_utf8_lossy(&out.stdout).trim().to_string();
            (
                out.status.success(),
                format!("{said}{}", String::from_utf8_lossy(&out.stderr)),
            )
        };
        let mut tampered = d.body.clone();
        let at = tampered
            .iter()
            .position(|b| b.is_ascii_digit())
            .unwrap_or(0);
        tampered[at] = if tampered[at] == b'9' {
            b'8'
        } else {
            tampered[at] + 1
        };
        let stale =
            cats_app::notify::signature(&secret, chrono::Utc::now().timestamp() - 600, &d.body);
        let cases: [(&str, &str, &str, &[u8], bool); 5] = [
            ("the genuine delivery", &secret, &header, &d.body, true),
            ("a tampered body", &secret, &header, &tampered, false),
            ("another secret", "whsec_0000", &header, &d.body, false),
            (
                "a signature ten minutes old",
                &secret,
                &stale,
                &d.body,
                false,
            ),
            ("a malformed header", &secret, "v1=zz", &d.body, false),
        ];
        for (what, secret, header, body, valid) in cases {
            let (ok, said) = run(secret, header, body);
            let want = if valid { "valid" } else { "invalid" };
            if ok != valid || said.lines().next() != Some(want) {
                return Err(format!(
                    "{} on {what}: exit {}, printed {said:?}; the guide says {want}",
                    block.at,
                    if ok { 0 } else { 1 }
                ));
            }
        }
        Ok(())
    }

    /// Run a `cats` command of the guide on the node's data, its output matched to `doc`.
    pub fn cli(&mut self, command: &Block, doc: &Block) -> Result<(), String> {
        let line = fill(command.text.trim(), &self.binds)?;
        let words = markdown::shell_words(&line);
        if words.first().map(String::as_str) != Some("cats") {
            return Err(format!("{}: not a cats command", command.at));
        }
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cats"));
        cmd.args(&words[1..])
            .arg("--data-dir")
            .arg(&self.node.location.data_dir)
            .env("CATS_LOG", "warn")
            .env_remove("CATS_DATABASE_URL");
        if let cats_store::Database::Postgres(url) = &self.node.location.database {
            cmd.arg("--database-url").arg(url);
        }
        let out = cmd.output().expect("run cats");
        let stdout = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !out.status.success() || !match_text(doc.text.trim(), &stdout, &mut self.binds) {
            return Err(format!(
                "{line}: printed {stdout:?} ({})",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(())
    }
}

fn pretty(answer: &Answer) -> String {
    serde_json::from_slice::<Value>(&answer.body)
        .map(|v| serde_json::to_string_pretty(&v).unwrap())
        .unwrap_or_else(|_| answer.text().chars().take(6000).collect())
}
