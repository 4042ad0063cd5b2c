//! `cats serve` as a server (issue 15), each test with real processes on 127.0.0.1: HTTPS with
//! HTTP/2 and the security headers; rate limits answering `429` with `Retry-After`; a request
//! time-out; and a graceful shutdown on SIGTERM that finishes the request in flight.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;

use crate::common::corridor;

struct Serve {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `cats serve` on a fresh SQLite node with `args` and `env`, once its port accepts connections.
async fn serve(args: &[&str], env: &[(&str, &str)], dir: tempfile::TempDir) -> Serve {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cats"))
        .args(["serve", "--data-dir"])
        .arg(dir.path())
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(args)
        .env("CATS_LOG", "warn")
        .env_remove("CATS_DATABASE_URL")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.path().join("serve.log")).unwrap())
        .spawn()
        .expect("start cats serve");
    for _ in 0..300 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            && dir.path().join("demo-tokens.txt").exists()
        {
            return Serve { child, port, dir };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("cats serve did not start");
}

/// Lodge the corridor declaration with this LRN at the node serving `base`.
async fn lodge(client: &reqwest::Client, base: &str, token: &str, lrn: &str) -> reqwest::Response {
    client
        .post(format!("{base}/movements/departures"))
        .bearer_auth(token)
        .header("Content-Type", "application/xml")
        .body(corridor(lrn))
        .send()
        .await
        .unwrap()
}

/// The demo token of `user` that the node wrote at its first start.
fn demo_token(dir: &Path, user: &str) -> String {
    let text = std::fs::read_to_string(dir.join("demo-tokens.txt")).unwrap();
    text.lines()
        .find_map(|l| {
            let mut parts = l.split_whitespace();
            (parts.next() == Some(user)).then(|| parts.last().unwrap().to_string())
        })
        .unwrap_or_else(|| panic!("no token for {user} in {text}"))
}

#[tokio::test]
async fn https_serves_http2_with_hsts_and_the_security_headers() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("tls");
    let out = Command::new(env!("CARGO_BIN_EXE_cats"))
        .args(["ice", "keygen", "--node", "KZ", "--dir"])
        .arg(&keys)
        .output()
        .unwrap();
    assert!(out.status.success());
    let (cert, key) = (keys.join("node.crt"), keys.join("node.key"));
    let node = serve(
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
        &[],
        dir,
    )
    .await;
    let client = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(
            reqwest::Certificate::from_pem(&std::fs::read(&cert).unwrap()).unwrap(),
        )
        .build()
        .unwrap();
    let base = format!("https://localhost:{}", node.port);
    let res = client.get(format!("{base}/health")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.version(), reqwest::Version::HTTP_2);
    let h = res.headers();
    assert_eq!(h["strict-transport-security"], "max-age=31536000");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    let page = client
        .get(format!("{base}/ui/sign-in"))
        .send()
        .await
        .unwrap();
    let csp = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
    assert!(!csp.contains("unsafe-inline"));
    // A token works over HTTPS as over HTTP.
    let token = demo_token(node.dir.path(), "silkway");
    let res = client
        .get(format!("{base}/movements/departures"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // Plain HTTP to the HTTPS port gets no answer.
    let plain = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{}/health", node.port))
        .send()
        .await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
    println!("HTTPS: HTTP/2, HSTS, nosniff, Referrer-Policy, CSP checked");
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after_and_change_nothing() {
    let node = serve(
        &[],
        &[
            ("CATS_RATE_SIGN_IN_PER_MINUTE", "3"),
            ("CATS_RATE_ANONYMOUS_PER_MINUTE", "5"),
            ("CATS_RATE_TOKEN_PER_MINUTE", "8"),
        ],
        tempfile::tempdir().unwrap(),
    )
    .await;
    let base = format!("http://127.0.0.1:{}", node.port);
    let client = reqwest::Client::new();
    // Guessing tokens: five tries from this address, then 429.
    let mut statuses = Vec::new();
    for i in 0..6 {
        let res = client
            .get(format!("{base}/movements/departures"))
            .bearer_auth(format!("guess-{i}"))
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            let wait: u64 = res.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&wait), "{wait}");
            let body: serde_json::Value = res.json().await.unwrap();
            assert_eq!(body["code"], "TOO_MANY_REQUESTS");
        }
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429]);
    // A valid token has its own budget: eight lodgings, the ninth refused and not lodged.
    let token = demo_token(node.dir.path(), "silkway");
    let mut accepted = 0;
    let mut refused = 0;
    for i in 0..9 {
        let res = lodge(&client, &base, &token, &format!("RATE-{i}")).await;
        match res.status() {
            StatusCode::ACCEPTED => accepted += 1,
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("{other}: {}", res.text().await.unwrap()),
        }
    }
    assert_eq!((accepted, refused), (8, 1));
    // Sign-in attempts: three from this address, then 429.
    let mut sign_in = Vec::new();
    for _ in 0..4 {
        let res = client
            .post(format!("{base}/ui/sign-in"))
            .form(&[("username", "silkway"), ("password", "wrong")])
            .send()
            .await
            .unwrap();
        sign_in.push(res.status().as_u16());
    }
    assert_ne!(sign_in[2], 429, "{sign_in:?}");
    assert_eq!(sign_in[3], 429, "{sign_in:?}");
    // Nothing the refused request carried was kept.
    let store = cats_store::open(
        &cats_store::Database::Sqlite(node.dir.path().join("cats.db")),
        &Default::default(),
    )
    .await
    .unwrap();
    let holder = cats_domain::ids::Eori::parse("KZ840000123456").unwrap();
    for (lrn, kept) in [("RATE-7", true), ("RATE-8", false)] {
        let lrn = cats_domain::ids::Lrn::parse(lrn).unwrap();
        assert_eq!(
            store.lrn_in_use(&holder, &lrn).await.unwrap(),
            kept,
            "{lrn}"
        );
    }
    println!(
        "rate limits: token guesses {statuses:?}; lodgings {accepted} accepted, {refused} refused with 429; sign-in {sign_in:?}"
    );
}

/// Write an HTTP/1.1 request with a body of `len` bytes, of which only `first` now.
fn start_request(port: u16, body: &[u8], first: usize, token: &str) -> std::net::TcpStream {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "POST /movements/departures HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(&body[..first]).unwrap();
    s.flush().unwrap();
    s
}

fn status_line(s: &mut std::net::TcpStream) -> String {
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer.lines().next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_slow_body_times_out_and_sigterm_finishes_the_request_in_flight() {
    let mut node = serve(
        &[],
        &[("CATS_BODY_TIMEOUT_SECONDS", "2")],
        tempfile::tempdir().unwrap(),
    )
    .await;
    let token = demo_token(node.dir.path(), "silkway");
    let body = corridor("DRAIN-1").into_bytes();
    // A body that stops coming: 408 after the time-out.
    let mut stalled = start_request(node.port, &body, 100, &token);
    let line = status_line(&mut stalled);
    assert!(line.contains(" 408"), "{line}");
    // Half a lodging sent, then SIGTERM: no new connections, but this request completes.
    let mut in_flight = start_request(node.port, &body, body.len() / 2, &token);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let killed = Command::new("kill")
        .args(["-TERM", &node.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", node.port)).is_err(),
        "still accepting after SIGTERM"
    );
    in_flight.write_all(&body[body.len() / 2..]).unwrap();
    let line = status_line(&mut in_flight);
    assert!(line.contains(" 202"), "{line}");
    let mut exited = None;
    for _ in 0..100 {
        if let Some(s) = node.child.try_wait().unwrap() {
            exited = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let status = exited.expect("cats serve exits after draining");
    assert!(status.success(), "{status}");
    let log = std::fs::read_to_string(node.dir.path().join("serve.log")).unwrap();
    assert!(log.contains("stopped"), "{log}");
    // The lodging acknowledged during the shutdown is in the database.
    let store = cats_store::open(
        &cats_store::Database::Sqlite(node.dir.path().join("cats.db")),
        &Default::default(),
    )
    .await
    .unwrap();
    let holder = cats_domain::ids::Eori::parse("KZ840000123456").unwrap();
    let lrn = cats_domain::ids::Lrn::parse("DRAIN-1").unwrap();
    assert!(store.lrn_in_use(&holder, &lrn).await.unwrap());
    println!("slow body: 408; SIGTERM: the request in flight answered 202 and was kept; {status}");
}

#[tokio::test]
async fn readiness_and_metrics_tell_how_the_node_runs() {
    let node = serve(&[], &[], tempfile::tempdir().unwrap()).await;
    let base = format!("http://127.0.0.1:{}", node.port);
    let client = reqwest::Client::new();
    let res = client
        .get(format!("{base}/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let ready: serde_json::Value = res.json().await.unwrap();
    assert_eq!(ready["status"], "ready", "{ready}");
    let names: Vec<&str> = ready["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["database", "migrations", "ice", "notifications"]);
    let token = demo_token(node.dir.path(), "silkway");
    for i in 0..3 {
        let res = lodge(&client, &base, &token, &format!("METRICS-{i}")).await;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
    }
    let res = client.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = res.text().await.unwrap();
    let line = |prefix: &str| {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in\n{text}"))
            .to_string()
    };
    let lodged = line(
        "cats_http_requests_total{method=\"POST\",route=\"/movements/departures\",status=\"202\"}",
    );
    assert!(lodged.ends_with(" 3"), "{lodged}");
    line(
        "cats_http_request_duration_seconds_bucket{method=\"POST\",route=\"/movements/departures\"",
    );
    line("cats_db_connections{state=\"open\"}");
    line("cats_notification_deliveries{status=\"parked\"} 0");
    assert_eq!(line("cats_ready "), "cats_ready 1");
    // A database whose schema is not this build's: not ready, saying why.
    let db = node.dir.path().join("cats.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let res = client
        .get(format!("{base}/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let ready: serde_json::Value = res.json().await.unwrap();
    let migrations = ready["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "migrations")
        .unwrap()
        .clone();
    assert_eq!(migrations["ok"], false, "{ready}");
    println!("readiness: {}; metrics: {lodged}", migrations["detail"]);
}

#[tokio::test]
async fn no_secret_reaches_the_log_even_at_debug_level() {
    let node = serve(
        &[],
        &[
            ("CATS_LOG", "debug"),
            ("CATS_NOTIFY_FIRST_RETRY_SECONDS", "1"),
        ],
        tempfile::tempdir().unwrap(),
    )
    .await;
    let base = format!("http://127.0.0.1:{}", node.port);
    let client = reqwest::Client::new();
    let token = demo_token(node.dir.path(), "silkway");
    // A webhook to a closed port (its deliveries fail and are retried), a lodging that
    // notifies it, and a new token: three secrets the node handles.
    let hook: serde_json::Value = client
        .post(format!("{base}/webhooks"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"url": format!("http://127.0.0.1:{}/hook", free_port())}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = hook["secret"].as_str().unwrap().to_string();
    assert_eq!(
        lodge(&client, &base, &token, "LOG-1").await.status(),
        StatusCode::ACCEPTED
    );
    let made: serde_json::Value = client
        .post(format!("{base}/tokens"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"label": "log test"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new_token = made["token"].as_str().unwrap().to_string();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let db = node.dir.path().join("cats.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    let key: String = sqlx::query_scalar("SELECT value FROM node_secrets")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    let log = std::fs::read_to_string(node.dir.path().join("serve.log")).unwrap();
    assert!(log.lines().count() > 20, "a debug log was written");
    for (what, s) in [
        ("the webhook secret", secret.as_str()),
        ("the node's draw key", key.as_str()),
        ("a bearer token", token.as_str()),
        ("a new token", new_token.as_str()),
    ] {
        assert!(!log.contains(s), "{what} is in the log");
    }
    println!(
        "log: {} lines at debug level, no secret in them",
        log.lines().count()
    );
}

/// A connection that has been served once and stays open (keep-alive), holding its place.
fn served_and_kept(port: u16) -> std::net::TcpStream {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    while !String::from_utf8_lossy(&got).contains("\"ok\"}") {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "closed before its answer");
        got.extend_from_slice(&buf[..n]);
    }
    s
}

#[tokio::test]
async fn connections_past_the_cap_are_closed_at_once() {
    let node = serve(
        &[],
        &[("CATS_MAX_CONNECTIONS", "2")],
        tempfile::tempdir().unwrap(),
    )
    .await;
    let ask = |s: &mut std::net::TcpStream| -> String {
        let _ =
            s.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        status_line(s)
    };
    // Two connections, each served once and kept open, take the two places.
    let first = served_and_kept(node.port);
    let second = served_and_kept(node.port);
    let mut third = std::net::TcpStream::connect(("127.0.0.1", node.port)).unwrap();
    let refused = ask(&mut third);
    assert!(
        refused.is_empty(),
        "a third connection was served: {refused}"
    );
    // One closes: its place is free again, once the node has seen it close.
    drop(first);
    let mut served = String::new();
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut next = std::net::TcpStream::connect(("127.0.0.1", node.port)).unwrap();
        served = ask(&mut next);
        if !served.is_empty() {
            break;
        }
    }
    assert!(served.contains(" 200"), "{served}");
    drop(second);
    println!(
        "connections: 2 allowed; the third closed unanswered; after one closed, the next served"
    );
}
