//! Delivery of notifications (issue 13): the worker that takes due deliveries from the durable
//! outbox the state changes wrote ([`cats_app::notify`]) and sends them by webhook
//! ([`webhook`]), e-mail through SMTP ([`email`]) and SMS through an HTTP gateway ([`sms`]),
//! records every attempt, retries by the [`RetryPolicy`] and parks what it gives up on.
//!
//! Each delivery is claimed with a lease, so several instances on one PostgreSQL database share
//! the work without sending anything twice; a webhook receiver recognises a retry by the
//! `CATS-Event-Id` header, a mail reader by the `Message-ID`.
//!
//! Configuration (environment): `CATS_SMTP_URL` (`smtp://host:port`, `smtps://…`, or
//! `smtp://…?tls=required`; without it e-mails wait), `CATS_SMTP_FROM`, `CATS_SMS_URL` and
//! `CATS_SMS_TEMPLATE` (without the URL text messages wait), `CATS_PUBLIC_URL` (the node's
//! address in links), `CATS_NOTIFY_FIRST_RETRY_SECONDS`, `CATS_NOTIFY_MAX_INTERVAL_SECONDS`,
//! `CATS_NOTIFY_GIVE_UP_SECONDS`.

pub mod email;
pub mod sms;
pub mod webhook;

use std::time::Instant;

use chrono::{Duration, Utc};

use cats_app::notify::store::{Attempt, DueDelivery, Settle};
use cats_app::notify::{Channel, RetryPolicy};
use cats_app::App;

/// How long a claimed delivery is kept from other workers.
pub const CLAIM_LEASE: Duration = Duration::seconds(60);
/// How long one attempt may take.
pub const ATTEMPT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Where notifications go out, and how failures are retried.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The SMTP server (`CATS_SMTP_URL`); `None`: e-mails wait until one is configured.
    pub smtp_url: Option<String>,
    /// The sender of e-mails (`CATS_SMTP_FROM`, default `CATS <notifications@cats.local>`).
    pub smtp_from: String,
    /// The SMS gateway (`CATS_SMS_URL`); `None`: text messages wait.
    pub sms_url: Option<String>,
    /// The JSON body posted to the gateway, with `{to}` and `{text}` replaced
    /// (`CATS_SMS_TEMPLATE`, default `{"to":"{to}","text":"{text}"}`).
    pub sms_template: String,
    /// The node's address for links in e-mails and webhook bodies (`CATS_PUBLIC_URL`, default
    /// `http://127.0.0.1:8080`).
    pub public_url: String,
    /// Retries.
    pub retry: RetryPolicy,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            smtp_url: None,
            smtp_from: "CATS <notifications@cats.local>".into(),
            sms_url: None,
            sms_template: sms::DEFAULT_TEMPLATE.into(),
            public_url: "http://127.0.0.1:8080".into(),
            retry: RetryPolicy::default(),
        }
    }
}

impl Settings {
    /// From the `CATS_*` variables above. Errors name the variable that does not parse.
    pub fn from_env() -> Result<Self, String> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let secs = |k: &str, default: Duration| -> Result<Duration, String> {
            match var(k) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map(|n| Duration::seconds(i64::from(n)))
                    .ok_or_else(|| format!("{k}: {v:?} is not a whole number of seconds above 0")),
            }
        };
        let d = Self::default();
        let s = Self {
            smtp_url: var("CATS_SMTP_URL"),
            smtp_from: var("CATS_SMTP_FROM").unwrap_or(d.smtp_from),
            sms_url: var("CATS_SMS_URL"),
            sms_template: var("CATS_SMS_TEMPLATE").unwrap_or(d.sms_template),
            public_url: var("CATS_PUBLIC_URL")
                .map(|u| u.trim_end_matches('/').to_string())
                .unwrap_or(d.public_url),
            retry: RetryPolicy {
                first: secs("CATS_NOTIFY_FIRST_RETRY_SECONDS", d.retry.first)?,
                max_interval: secs("CATS_NOTIFY_MAX_INTERVAL_SECONDS", d.retry.max_interval)?,
                give_up_after: secs("CATS_NOTIFY_GIVE_UP_SECONDS", d.retry.give_up_after)?,
            },
        };
        if let Some(u) = &s.smtp_url {
            email::transport(u).map_err(|e| format!("CATS_SMTP_URL: {e}"))?;
        }
        s.smtp_from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| format!("CATS_SMTP_FROM: {e}"))?;
        Ok(s)
    }
}

/// What one attempt got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Whether the receiver accepted it.
    pub ok: bool,
    /// HTTP status or SMTP reply code.
    pub status_code: Option<u16>,
    /// For the delivery log.
    pub detail: String,
}

impl Outcome {
    /// A failure with no code (connection refused, time-out, not configured).
    pub fn failed(detail: impl Into<String>) -> Self {
        Self {
            ok: false,
            status_code: None,
            detail: detail.into(),
        }
    }
}

/// The senders of one worker.
pub struct Senders {
    settings: Settings,
    http: reqwest::Client,
    smtp: Option<email::Transport>,
}

impl Senders {
    /// Senders for `settings`. Errors: an SMTP URL lettre refuses.
    pub fn new(settings: Settings) -> Result<Self, String> {
        let smtp = settings
            .smtp_url
            .as_deref()
            .map(email::transport)
            .transpose()?;
        let http = reqwest::Client::builder()
            .timeout(ATTEMPT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("CATS/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            settings,
            http,
            smtp,
        })
    }

    /// The channels these senders can send on: webhooks always; e-mail with an SMTP server;
    /// SMS with a gateway.
    pub fn channels(&self) -> Vec<Channel> {
        let mut c = vec![Channel::Webhook];
        if self.smtp.is_some() {
            c.push(Channel::Email);
        }
        if self.settings.sms_url.is_some() {
            c.push(Channel::Sms);
        }
        c
    }

    async fn send(&self, app: &App, due: &DueDelivery) -> Outcome {
        match due.delivery.channel {
            Channel::Webhook => match &due.webhook {
                Some(hook) => {
                    let n = &due.notification;
                    // HMRC's shape carries the NCTS message the notification came from.
                    let message = match (hook.format, n.message_id) {
                        (cats_app::notify::WebhookFormat::Hmrc, Some(id)) => app
                            .store()
                            .messages(n.subject_id)
                            .await
                            .ok()
                            .and_then(|all| all.into_iter().find(|m| m.id == id)),
                        _ => None,
                    };
                    webhook::send(&self.http, &self.settings, hook, n, message.as_ref()).await
                }
                None => Outcome::failed("the webhook endpoint was deleted"),
            },
            Channel::Email => match &self.smtp {
                Some(t) => email::send(t, &self.settings, due).await,
                None => Outcome::failed("no SMTP server configured (CATS_SMTP_URL)"),
            },
            Channel::Sms => match &self.settings.sms_url {
                Some(url) => sms::send(&self.http, url, &self.settings, due).await,
                None => Outcome::failed("no SMS gateway configured (CATS_SMS_URL)"),
            },
        }
    }
}

/// Send what is due once: claim up to `batch` deliveries, send them concurrently, settle each.
/// How many were attempted.
pub async fn run_once(
    app: &App,
    senders: &Senders,
    batch: u32,
) -> Result<usize, cats_app::store::StoreError> {
    let due = app
        .store()
        .claim_deliveries(
            Utc::now(),
            app.instance(),
            CLAIM_LEASE,
            batch,
            &senders.channels(),
        )
        .await?;
    let n = due.len();
    // One sequence per receiver (channel and target), in the order claimed, so that a receiver
    // gets a movement's events in order while it answers; the receivers in parallel.
    let mut groups: Vec<Vec<&DueDelivery>> = Vec::new();
    for d in &due {
        let key = (d.delivery.channel, &d.delivery.target);
        match groups
            .iter_mut()
            .find(|g| (g[0].delivery.channel, &g[0].delivery.target) == key)
        {
            Some(g) => g.push(d),
            None => groups.push(vec![d]),
        }
    }
    let attempts = futures_util::future::join_all(groups.into_iter().map(|group| async move {
        let mut out = Vec::with_capacity(group.len());
        for d in group {
            let started = Instant::now();
            let at = Utc::now();
            let outcome = senders.send(app, d).await;
            out.push((d, at, outcome, started.elapsed()));
        }
        out
    }))
    .await
    .into_iter()
    .flatten();
    for (d, at, outcome, took) in attempts {
        let attempt = Attempt {
            delivery_id: d.delivery.id,
            at,
            ok: outcome.ok,
            status_code: outcome.status_code,
            detail: outcome.detail,
            millis: i64::try_from(took.as_millis()).unwrap_or(i64::MAX),
        };
        let next = if attempt.ok {
            Settle::Delivered
        } else if d.delivery.channel == Channel::Webhook && d.webhook.is_none() {
            Settle::Park
        } else {
            let since = d.delivery.first_attempt_at.unwrap_or(at);
            match senders
                .settings
                .retry
                .next_attempt(d.delivery.attempts + 1, since, Utc::now())
            {
                Some(next) => Settle::Retry(next),
                None => Settle::Park,
            }
        };
        if !attempt.ok {
            tracing::warn!(
                delivery = %d.delivery.id,
                channel = d.delivery.channel.as_str(),
                detail = %attempt.detail,
                parked = matches!(next, Settle::Park),
                "notification delivery failed"
            );
        }
        app.store().settle_delivery(&attempt, next).await?;
    }
    Ok(n)
}

/// The worker: sends what is due, then waits until the next notification is written here or a
/// second passes (deliveries written by other instances, retries coming due); until `stop`.
pub async fn run(app: App, senders: Senders, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut changed = app.notifications_changed();
    loop {
        match run_once(&app, &senders, 32).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "notification delivery: the store failed"),
        }
        tokio::select! {
            _ = changed.changed() => {}
            _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}

#[cfg(test)]
mod tests;
