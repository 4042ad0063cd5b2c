//! `cats demo training` (issue 18): a real `cats` process seeds a training node for two trainees,
//! and every exercise of `docs/manual/*/src/training/` starts where the manuals say: each
//! trainee's movements `TRAINnn-A` … `TRAINnn-F` in the states the table of the training chapter
//! gives. Then the officer's exercises are done over the API as a trainee would do them on the
//! pages, and the node shows what the exercises say it shows afterwards.

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use cats_cli::training::{lrn, STARTS};

struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Trainer {
    base: String,
    tokens: BTreeMap<String, String>,
    client: reqwest::Client,
}

impl Trainer {
    async fn send(&self, user: &str, req: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let res = req.bearer_auth(&self.tokens[user]).send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// The movement with this LRN, as `user` sees it.
    async fn movement(&self, user: &str, lrn: &str) -> Value {
        let (status, list) = self
            .send(
                user,
                self.client
                    .get(format!("{}/movements/departures?lrn={lrn}", self.base)),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let found = list["movements"].as_array().expect("movements");
        assert_eq!(found.len(), 1, "{lrn}: {list}");
        let id = found[0]["id"].as_str().unwrap();
        let (_, m) = self
            .send(
                user,
                self.client
                    .get(format!("{}/movements/departures/{id}", self.base)),
            )
            .await;
        m
    }

    async fn act(
        &self,
        officer: &str,
        m: &Value,
        action: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let id = m["id"].as_str().unwrap();
        self.send(
            officer,
            self.client
                .post(format!(
                    "{}/movements/departures/{id}/customs/{action}",
                    self.base
                ))
                .json(&body),
        )
        .await
    }
}

#[tokio::test]
async fn the_training_node_starts_every_exercise_where_the_manuals_say() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("training");
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_cats"))
        .args(["demo", "training", "--trainees", "2", "--data-dir"])
        .arg(&data)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("CATS_LOG", "warn")
        .env_remove("CATS_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("cats demo training");
    let mut process = Process(child);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..600 {
        if let Some(status) = process.0.try_wait().unwrap() {
            panic!("cats demo training exited {status} (its error is above)");
        }
        if let Ok(res) = client.get(format!("{base}/health/ready")).send().await {
            if res.status() == StatusCode::OK {
                ready = true;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(ready, "the training node serves within two minutes");
    let tokens: BTreeMap<String, String> = std::fs::read_to_string(data.join("demo-tokens.txt"))
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(u, t)| (u.to_string(), t.trim().to_string()))
        .collect();
    assert!(data.join("demo-passwords.txt").exists());
    let sheet = std::fs::read_to_string(data.join("training.txt")).unwrap();
    let t = Trainer {
        base,
        tokens,
        client,
    };

    // Every trainee's movements, in the states of the training chapter's table, in both manuals.
    let manuals = ["en", "ru"].map(|lang| {
        std::fs::read_to_string(format!(
            "{}/../../docs/manual/{lang}/src/training/index.md",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    });
    for trainee in 1..=2 {
        for start in &STARTS {
            let lrn = lrn(trainee, start.letter);
            let m = t.movement("silkway", &lrn).await;
            assert_eq!(m["state"], start.state, "{lrn}: {m}");
            assert!(sheet.contains(&lrn), "training.txt lists {lrn}");
            if trainee == 1 {
                for manual in &manuals {
                    let row = manual
                        .lines()
                        .find(|l| l.starts_with(&format!("| `{lrn}`")))
                        .unwrap_or_else(|| panic!("the training chapter has a row for {lrn}"));
                    assert!(!row.is_empty());
                }
            }
        }
    }
    // Trader 3: the rejection (CC056C) names rule CATS012.
    let rejected = t.movement("silkway", "TRAIN01-F").await;
    let id = rejected["id"].as_str().unwrap();
    let (_, list) = t
        .send(
            "silkway",
            t.client
                .get(format!("{}/movements/departures/{id}/messages", t.base)),
        )
        .await;
    let cc056c = list["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["messageType"] == "CC056C")
        .unwrap_or_else(|| panic!("a CC056C: {list}"));
    let href = cc056c["_links"]["self"]["href"].as_str().unwrap();
    let (status, message) = t
        .send("silkway", t.client.get(format!("{}{href}", t.base)))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(message.to_string().contains("CATS012"), "{message}");

    // Officer 2: release TRAIN01-A (with the reason if CATS selected it).
    let a = t.movement("officer.kz", "TRAIN01-A").await;
    let (status, released) = t
        .act(
            "officer.kz",
            &a,
            "release",
            json!({"office": "KZHOR001", "overrideReason": "training: released without the control"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{released}");
    assert_eq!(released["state"], "ReleasedForTransit");

    // Officer 3: TRAIN01-B is selected; release without control or reason is refused, then
    // control decision, result A1, release.
    let b = t.movement("officer.kz", "TRAIN01-B").await;
    let (status, refused) = t
        .act("officer.kz", &b, "release", json!({"office": "KZHOR001"}))
        .await;
    assert!(status.is_client_error(), "{status} {refused}");
    let (status, body) = t
        .act(
            "officer.kz",
            &b,
            "control-decision",
            json!({"office": "KZHOR001", "controlType": "documentary"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = t
        .act(
            "officer.kz",
            &b,
            "control-result",
            json!({"office": "KZHOR001", "result": "A1", "controlType": "documentary"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = t
        .act("officer.kz", &b, "release", json!({"office": "KZHOR001"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "ReleasedForTransit");

    // Officer 4: exit of TRAIN01-C at Aktau; still released for transit.
    let c = t.movement("officer.kz", "TRAIN01-C").await;
    let (status, body) = t
        .act("officer.kz", &c, "exit", json!({"office": "KZAAU001"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "ReleasedForTransit");

    // Officer 5: goods release of TRAIN01-D at Poti writes it off.
    let d = t.movement("officer.ge", "TRAIN01-D").await;
    let (status, body) = t
        .act(
            "officer.ge",
            &d,
            "goods-release",
            json!({"office": "GEPTI001"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "WrittenOff");

    // Trainee 2's movements are untouched by trainee 1's exercises.
    let a2 = t.movement("silkway", "TRAIN02-A").await;
    assert_eq!(a2["state"], "Accepted");
}
