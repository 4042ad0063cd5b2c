//! Test kit of the registers: JSON calls with any token, new users, applications, contracts.

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{corridor, TestNode};

impl TestNode {
    /// A JSON call with a raw token (`None`: no body).
    pub async fn call(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        self.send(req).await
    }

    /// POST JSON as a demo user.
    pub async fn post(&self, user: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(self.token(user), Method::POST, path, Some(body))
            .await
    }

    /// Create a user as the demo administrator; returns its token.
    pub async fn new_user(
        &self,
        username: &str,
        role: &str,
        party: Option<(&str, &str, &str)>,
    ) -> String {
        let mut body = json!({ "username": username, "role": role });
        if let Some((id, name, country)) = party {
            body["party"] = json!({ "identificationNumber": id, "name": name, "country": country });
        }
        let (status, v) = self.post("admin", "/admin/users", body).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        v["token"].as_str().expect("token").to_string()
    }

    /// Apply to `register` for the company `id` with `token`; returns the registration id.
    pub async fn apply(&self, token: &str, register: &str, id: &str, name: &str) -> String {
        let body = json!({
            "register": register, "name": name, "address": "Abay 10, Almaty",
            "identificationNumber": id, "country": "KZ",
            "contact": { "name": "Compliance desk", "email": "desk@example.kz" },
        });
        let (status, v) = self
            .call(token, Method::POST, "/registrations", Some(body))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        assert_eq!(v["status"], "submitted");
        v["id"].as_str().expect("id").to_string()
    }

    /// An officer's step on a registration; asserts 200.
    pub async fn registration_step(
        &self,
        officer: &str,
        id: &str,
        action: &str,
        body: Value,
    ) -> Value {
        let (status, v) = self
            .post(
                officer,
                &format!("/registrations/{id}/actions/{action}"),
                body,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{action}: {v}");
        v
    }

    /// Submit a contract with `token` for `holder` of `amount` USD valid today to `days` ahead,
    /// in the demo route countries; returns the contract id.
    pub async fn submit_contract(
        &self,
        token: &str,
        holder: &str,
        amount: &str,
        days: i64,
    ) -> String {
        let today = Utc::now().date_naive();
        let body = json!({
            "policyNumber": format!("POL-{holder}-{amount}"), "holder": holder,
            "referenceAmount": amount, "currency": "USD",
            "validFrom": today, "validTo": today + Duration::days(days),
            "countries": ["KZ", "AZ", "GE", "TM", "UZ"],
            "indemnity": "payment within 30 days of a customs demand",
        });
        let (status, v) = self
            .call(token, Method::POST, "/contracts", Some(body))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        assert_eq!(v["status"], "submitted");
        v["id"].as_str().expect("id").to_string()
    }

    /// A step on a contract as a demo user.
    pub async fn contract_step(
        &self,
        user: &str,
        id: &str,
        action: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        self.post(user, &format!("/contracts/{id}/actions/{action}"), body)
            .await
    }

    /// Approve contract `id` at KZHOR001 (officer.kz); returns the GRN.
    pub async fn approve_contract(&self, id: &str) -> String {
        let (status, v) = self
            .contract_step("officer.kz", id, "approve", json!({ "office": "KZHOR001" }))
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "approved");
        v["grn"].as_str().expect("grn").to_string()
    }

    /// The contract as `token` sees it.
    pub async fn contract(&self, token: &str, id: &str) -> Value {
        let (status, v) = self
            .call(token, Method::GET, &format!("/contracts/{id}"), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        v
    }

    /// The contract of a demo GRN, as an officer sees it.
    pub async fn contract_id_of(&self, grn: &str) -> String {
        let (_, list) = self.get("officer.kz", "/contracts").await;
        list["contracts"]
            .as_array()
            .expect("contracts")
            .iter()
            .find(|c| c["grn"] == grn)
            .and_then(|c| c["id"].as_str())
            .expect("contract of the GRN")
            .to_string()
    }
}

/// The corridor declaration for holder `holder` on guarantee `grn` with access code `code`.
pub fn declaration_for(lrn: &str, holder: &str, grn: &str, code: &str) -> String {
    corridor(lrn)
        .replace("KZ840000123456", holder)
        .replace("25KZ0000SRI000010", grn)
        .replace(
            "<accessCode>1111</accessCode>",
            &format!("<accessCode>{code}</accessCode>"),
        )
}

/// The rule ids of a lodging's answer.
pub fn rule_ids(answer: &Value) -> Vec<String> {
    answer["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|f| f["ruleId"].as_str().or(f["rule_id"].as_str()))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
