//! Test kit for notifications (issue 13): real receivers on 127.0.0.1 that can be stopped and
//! started again on the same port: a webhook receiver that checks every `CATS-Signature` (as a
//! receiver must: HMAC-SHA256 over `t.body`, at most five minutes old) and counts each
//! `CATS-Event-Id`; an SMS gateway that keeps what it is sent; and a real SMTP server (aiosmtpd,
//! from PyPI, `python3 -m aiosmtpd`) writing a Maildir.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::Value;

/// A port free now on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// What a receiver got.
#[derive(Default)]
pub struct Received {
    /// Signing secret to check with (webhooks).
    pub secret: Option<String>,
    /// Accepted requests: event id → how many times, in order of first arrival.
    pub counts: HashMap<String, usize>,
    /// Accepted bodies, in order.
    pub bodies: Vec<Value>,
    /// Requests refused for a bad signature, with why.
    pub refused: Vec<String>,
}

/// A receiver on a fixed port that can be stopped and restarted.
pub struct Receiver {
    pub addr: SocketAddr,
    pub got: Arc<Mutex<Received>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    verify: bool,
}

async fn accept(
    State((got, verify)): State<(Arc<Mutex<Received>>, bool)>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let header = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let id = header("cats-event-id");
    let mut got = got.lock().unwrap();
    if verify {
        let secret = got.secret.clone().unwrap_or_default();
        let checked = cats_app::notify::verify_signature(
            &secret,
            &header("cats-signature"),
            &body,
            chrono::Utc::now(),
            chrono::Duration::minutes(5),
        );
        if let Err(e) = checked {
            got.refused.push(format!("{id}: {e}"));
            return StatusCode::UNAUTHORIZED;
        }
        let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        // CATS's body names the event as the headers do; HMRC's body has no such fields.
        let hmrc = parsed.get("notificationType").is_some();
        if !hmrc
            && (parsed["id"] != id.as_str() || parsed["type"] != header("cats-event-type").as_str())
        {
            got.refused
                .push(format!("{id}: headers and body disagree: {parsed}"));
            return StatusCode::BAD_REQUEST;
        }
    }
    *got.counts.entry(id).or_default() += 1;
    got.bodies
        .push(serde_json::from_slice(&body).unwrap_or(Value::Null));
    StatusCode::NO_CONTENT
}

impl Receiver {
    /// A webhook receiver (checks signatures) on a free port, started.
    pub async fn webhook() -> Receiver {
        Self::new(true).await
    }

    /// An SMS gateway (no signature) on a free port, started.
    pub async fn sms_gateway() -> Receiver {
        Self::new(false).await
    }

    async fn new(verify: bool) -> Receiver {
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let mut r = Receiver {
            addr,
            got: Arc::default(),
            stop: None,
            task: None,
            verify,
        };
        r.start().await;
        r
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    /// Listen again (same port).
    pub async fn start(&mut self) {
        let listener = loop {
            match tokio::net::TcpListener::bind(self.addr).await {
                Ok(l) => break l,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        let app = Router::new()
            .route("/hook", post(accept))
            .with_state((self.got.clone(), self.verify));
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.stop = Some(tx);
        self.task = Some(tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        }));
    }

    /// Stop listening: connections are refused until [`Self::start`].
    pub async fn stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            t.abort();
            let _ = t.await;
        }
    }

    /// Event id → count.
    pub fn counts(&self) -> HashMap<String, usize> {
        self.got.lock().unwrap().counts.clone()
    }

    /// Bodies accepted.
    pub fn bodies(&self) -> Vec<Value> {
        self.got.lock().unwrap().bodies.clone()
    }

    /// Requests refused.
    pub fn refused(&self) -> Vec<String> {
        self.got.lock().unwrap().refused.clone()
    }
}

/// A real SMTP server: aiosmtpd writing every message into a Maildir.
pub struct Smtp {
    pub port: u16,
    pub maildir: PathBuf,
    child: Option<Child>,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Whether `python3 -m aiosmtpd` is there. Without it the SMTP tests skip with a message;
/// `.ci/run` installs it and sets `CATS_REQUIRE_SMTP=1`, which makes its absence a failure.
pub fn smtp_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok && std::env::var("CATS_REQUIRE_SMTP").is_ok_and(|v| v == "1") {
        panic!(
            "CATS_REQUIRE_SMTP=1 but python3 -m aiosmtpd is not available (pip install aiosmtpd)"
        );
    }
    ok
}

impl Smtp {
    /// Start aiosmtpd on a free port writing to `dir/Maildir`.
    pub async fn start(dir: &Path) -> Smtp {
        let mut s = Smtp {
            port: free_port(),
            maildir: dir.join("Maildir"),
            child: None,
        };
        s.restart().await;
        s
    }

    /// `smtp://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Start it again on the same port (after [`Self::kill`]).
    pub async fn restart(&mut self) {
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{}", self.port),
                "-c",
                "aiosmtpd.handlers.Mailbox",
                self.maildir.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("aiosmtpd did not start on port {}", self.port);
    }

    /// Stop it (SIGKILL): connections are refused.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Every message received: (Message-ID, To, Subject, body).
    pub fn messages(&self) -> Vec<(String, String, String, String)> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(dir) = std::fs::read_dir(self.maildir.join(sub)) else {
                continue;
            };
            for f in dir.flatten() {
                let text = std::fs::read_to_string(f.path()).unwrap_or_default();
                let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
                let header = |name: &str| {
                    head.lines()
                        .find(|l| l.to_ascii_lowercase().starts_with(&format!("{name}:")))
                        .map(|l| l[name.len() + 1..].trim().to_string())
                        .unwrap_or_default()
                };
                out.push((
                    header("message-id"),
                    header("to"),
                    header("subject"),
                    body.to_string(),
                ));
            }
        }
        out
    }
}

/// Wait until `done` holds (checked every 100 ms), at most `secs` seconds; panics with `what`.
pub async fn wait_until(secs: u64, what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..secs * 10 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out after {secs} s waiting for {what}");
}
