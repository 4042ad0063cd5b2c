//! Notifications (issue 13): what a party hears of, and how it reaches its people.
//!
//! Every change a party cares about becomes a [`Notification`] of an [`EventType`], written in
//! the same transaction as the change (the movement's [`crate::store::Change`], the registers'
//! [`crate::store::RegistryChange`], or the ledger's reservation and claim). In that same
//! transaction the store fans it out ([`fan_out`]) into one [`NewDelivery`] per channel that
//! wants it: each webhook endpoint of the party subscribed to the type, and the e-mail and SMS
//! of each of the party's users whose [`Preference`]s say so. Delivery workers send what is due
//! and record every attempt; a delivery that fails is retried by the [`RetryPolicy`] and parked
//! when the policy gives up, until the party re-sends it.
//!
//! * [`events`]: which events a movement's change makes, and for whom (holder, insurers).
//! * [`webhooks`]: register, list, delete endpoints; their signature ([`signature`]).
//! * [`inbox`]: a user's notifications, read and unread; preferences.
//! * [`deliveries`]: the delivery log, re-sending parked deliveries.

pub mod deliveries;
pub mod events;
pub mod inbox;
pub mod store;
pub mod webhooks;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use cats_domain::ids::Eori;

use crate::store::Notification;

/// What happened, as a stable name (`movement.released`): the `type` of a notification, the
/// `CATS-Event-Type` header of its webhook delivery, and the key of its preferences.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EventType {
    /// The declaration was accepted and an MRN allocated (CC028C).
    #[serde(rename = "movement.mrn_allocated")]
    MrnAllocated,
    /// The declaration, an amendment or a cancellation request was rejected (CC056C).
    #[serde(rename = "movement.rejected")]
    Rejected,
    /// The office of departure decided to control the goods (CC060C).
    #[serde(rename = "movement.control_decision")]
    ControlDecision,
    /// Released for transit (CC029C).
    #[serde(rename = "movement.released")]
    Released,
    /// Not released for transit after the control (CC051C).
    #[serde(rename = "movement.not_released")]
    NotReleased,
    /// The guarantee could not cover the movement at release (CC055C).
    #[serde(rename = "movement.guarantee_not_valid")]
    GuaranteeNotValid,
    /// An amendment was accepted (CC004C).
    #[serde(rename = "movement.amendment_accepted")]
    AmendmentAccepted,
    /// The declaration was invalidated (cancelled) (CC009C).
    #[serde(rename = "movement.invalidated")]
    Invalidated,
    /// The goods passed an office of exit (customs action `exit`, CD168C).
    #[serde(rename = "movement.exit")]
    Exit,
    /// The goods passed an office of transit or entry (customs action `entry`, CD118C).
    #[serde(rename = "movement.entry")]
    Entry,
    /// An incident en route was registered (CC182C, CD180C).
    #[serde(rename = "movement.incident")]
    Incident,
    /// The goods arrived at the office of destination (customs action `arrival`, CD006C).
    #[serde(rename = "movement.arrival")]
    Arrival,
    /// The arrival notification was rejected (CC057C).
    #[serde(rename = "movement.arrival_rejected")]
    ArrivalRejected,
    /// Unloading at an authorised place was permitted (CC043C).
    #[serde(rename = "movement.unloading_permission")]
    UnloadingPermission,
    /// The goods were released at destination (CC025C, CD018C).
    #[serde(rename = "movement.goods_released")]
    GoodsReleased,
    /// Discrepancies were found at destination (CC019C).
    #[serde(rename = "movement.discrepancies")]
    Discrepancies,
    /// The movement was written off and the guarantee's amount credited back (CC045C).
    #[serde(rename = "movement.written_off")]
    WrittenOff,
    /// The time limit passed without arrival: the enquiry is open (CC140C).
    #[serde(rename = "movement.enquiry")]
    Enquiry,
    /// Recovery of the debt was opened (CC035C).
    #[serde(rename = "movement.recovery")]
    Recovery,
    /// A registration (AEO, authorised trader, authorised insurer) changed status.
    #[serde(rename = "registration.status")]
    RegistrationStatus,
    /// An insurance contract changed status (submitted, approved, rejected, suspended …).
    #[serde(rename = "contract.status")]
    ContractStatus,
    /// The access code of a contract's guarantee was set or changed.
    #[serde(rename = "contract.access_code")]
    AccessCode,
    /// The running total of a contract's guarantee crossed 80 % of its reference amount.
    #[serde(rename = "contract.usage_80")]
    Usage80,
    /// The running total of a contract's guarantee reached 100 % of its reference amount.
    #[serde(rename = "contract.usage_100")]
    Usage100,
    /// A claim on a guarantee was raised, contested, paid or waived.
    #[serde(rename = "claim.status")]
    ClaimStatus,
    /// Support answered (or closed) a support request of the company (`/ui/support/{id}`).
    #[serde(rename = "support.answered")]
    SupportAnswered,
}

impl EventType {
    /// Every event type, movements first, in the order the preferences page lists them.
    pub const ALL: [EventType; 26] = [
        Self::MrnAllocated,
        Self::Rejected,
        Self::ControlDecision,
        Self::Released,
        Self::NotReleased,
        Self::GuaranteeNotValid,
        Self::AmendmentAccepted,
        Self::Invalidated,
        Self::Exit,
        Self::Entry,
        Self::Incident,
        Self::Arrival,
        Self::ArrivalRejected,
        Self::UnloadingPermission,
        Self::GoodsReleased,
        Self::Discrepancies,
        Self::WrittenOff,
        Self::Enquiry,
        Self::Recovery,
        Self::RegistrationStatus,
        Self::ContractStatus,
        Self::AccessCode,
        Self::Usage80,
        Self::Usage100,
        Self::ClaimStatus,
        Self::SupportAnswered,
    ];

    /// The stable name (`movement.released`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MrnAllocated => "movement.mrn_allocated",
            Self::Rejected => "movement.rejected",
            Self::ControlDecision => "movement.control_decision",
            Self::Released => "movement.released",
            Self::NotReleased => "movement.not_released",
            Self::GuaranteeNotValid => "movement.guarantee_not_valid",
            Self::AmendmentAccepted => "movement.amendment_accepted",
            Self::Invalidated => "movement.invalidated",
            Self::Exit => "movement.exit",
            Self::Entry => "movement.entry",
            Self::Incident => "movement.incident",
            Self::Arrival => "movement.arrival",
            Self::ArrivalRejected => "movement.arrival_rejected",
            Self::UnloadingPermission => "movement.unloading_permission",
            Self::GoodsReleased => "movement.goods_released",
            Self::Discrepancies => "movement.discrepancies",
            Self::WrittenOff => "movement.written_off",
            Self::Enquiry => "movement.enquiry",
            Self::Recovery => "movement.recovery",
            Self::RegistrationStatus => "registration.status",
            Self::ContractStatus => "contract.status",
            Self::AccessCode => "contract.access_code",
            Self::Usage80 => "contract.usage_80",
            Self::Usage100 => "contract.usage_100",
            Self::ClaimStatus => "claim.status",
            Self::SupportAnswered => "support.answered",
        }
    }

    /// Parse a stable name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// The key of its name in the pages' and e-mails' translations (`event-movement-released`).
    pub fn message_key(self) -> String {
        format!("event-{}", self.as_str().replace(['.', '_'], "-"))
    }

    /// Whether the insurer of the movement's guarantee hears of it too: the events that start,
    /// end or put at risk the guarantee's liability. The holder hears of every movement event.
    pub fn concerns_insurer(self) -> bool {
        matches!(
            self,
            Self::Released
                | Self::GuaranteeNotValid
                | Self::Invalidated
                | Self::Incident
                | Self::WrittenOff
                | Self::Enquiry
                | Self::Recovery
        )
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A way a notification leaves the node. The inbox of the web pages is not a channel: every
/// notification is in it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// A JSON `POST` to an endpoint the party registered, signed with its secret.
    Webhook,
    /// An e-mail, through the node's SMTP server, to the user's address.
    Email,
    /// A text message, through the node's SMS gateway, to the user's phone number.
    Sms,
}

impl Channel {
    /// As stored and in the API (`webhook`, `email`, `sms`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Webhook => "webhook",
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }

    /// Parse a stored channel.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Webhook, Self::Email, Self::Sms]
            .into_iter()
            .find(|c| c.as_str() == s)
    }

    /// Whether a user who set no preference for an event type gets it on this channel: e-mail
    /// yes, SMS no (a text costs money and interrupts).
    pub fn on_by_default(self) -> bool {
        matches!(self, Self::Email | Self::Webhook)
    }
}

/// A user's choice for one event type on one channel (e-mail or SMS). Without one,
/// [`Channel::on_by_default`] applies.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preference {
    /// The event type.
    pub event: EventType,
    /// `email` or `sms`.
    pub channel: Channel,
    /// Whether the user gets it there.
    pub enabled: bool,
}

/// The body of a webhook's deliveries.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    /// CATS's notification (`id`, `type`, `reference`, `link` …; `docs/notifications.md`).
    #[default]
    Cats,
    /// HMRC's push notification (`messageUri`, `notificationType`, `eoriNumber`,
    /// `departureId` or `arrivalId`, `messageId`, `messageBody`), for software written for
    /// HMRC's CTC Traders API: only the notifications that come with an NCTS message.
    Hmrc,
}

impl WebhookFormat {
    /// As stored (`cats`, `hmrc`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cats => "cats",
            Self::Hmrc => "hmrc",
        }
    }

    /// Parse a stored or requested format.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Cats, Self::Hmrc]
            .into_iter()
            .find(|f| f.as_str() == s)
    }
}

/// A webhook endpoint of a party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhook {
    /// Id (UUID).
    pub id: Uuid,
    /// The company whose notifications it receives.
    pub party: Eori,
    /// Where deliveries are posted: `https://…`, or `http://` to a loopback address.
    pub url: String,
    /// The event types it receives; empty: every type.
    pub events: Vec<EventType>,
    /// The body of its deliveries.
    #[serde(default)]
    pub format: WebhookFormat,
    /// The HMAC-SHA256 key of its signatures (`whsec_` and 64 hexadecimal digits). Shown once,
    /// when the endpoint is registered; never logged.
    pub secret: String,
    /// Who registered it.
    pub created_by: String,
    /// When (UTC).
    pub created_at: DateTime<Utc>,
}

impl Webhook {
    /// Whether it receives notification `n`: of a type it subscribed to, and, in HMRC's format,
    /// made from an NCTS message.
    pub fn wants(&self, n: &Notification) -> bool {
        (self.events.is_empty() || self.events.contains(&n.event))
            && (self.format == WebhookFormat::Cats || n.message_id.is_some())
    }
}

/// A user of a party as the fan-out sees it: where it can be reached and what it chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// User name.
    pub username: String,
    /// E-mail address of its account, if any.
    pub email: Option<String>,
    /// Phone number of its account (E.164, `+77010000000`), if any.
    pub phone: Option<String>,
    /// The language of its pages (`en`, `ru` …), for e-mail and SMS texts.
    pub language: Option<String>,
    /// Its preferences.
    pub preferences: Vec<Preference>,
}

impl Recipient {
    /// Whether it wants `event` on `channel`.
    pub fn wants(&self, event: EventType, channel: Channel) -> bool {
        self.preferences
            .iter()
            .find(|p| p.event == event && p.channel == channel)
            .map_or(channel.on_by_default(), |p| p.enabled)
    }
}

/// A delivery to make, written with its notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    /// Id (UUID).
    pub id: Uuid,
    /// The notification it carries.
    pub notification_id: Uuid,
    /// The party notified.
    pub party: Eori,
    /// Channel.
    pub channel: Channel,
    /// The webhook's id, or the user's name.
    pub target: String,
    /// The URL, e-mail address or phone number.
    pub address: String,
    /// Language of the text (e-mail, SMS); `en` when the user chose none.
    pub language: String,
    /// When it is first due (UTC): the notification's time.
    pub due: DateTime<Utc>,
}

/// The deliveries a notification makes: one per subscribed webhook of its party, and one per
/// user and channel (e-mail, SMS) the user wants and has an address for. Registry and movement
/// notifications alike. `recipients` are the users of the notification's party.
pub fn fan_out(
    n: &Notification,
    webhooks: &[Webhook],
    recipients: &[Recipient],
) -> Vec<NewDelivery> {
    let event = n.event;
    let delivery =
        |channel: Channel, target: &str, address: &str, language: Option<&str>| NewDelivery {
            id: crate::new_row_id(),
            notification_id: n.id,
            party: n.party.clone(),
            channel,
            target: target.to_string(),
            address: address.to_string(),
            language: language.unwrap_or("en").to_string(),
            due: n.at,
        };
    let mut out: Vec<NewDelivery> = webhooks
        .iter()
        .filter(|w| w.party == n.party && w.wants(n))
        .map(|w| delivery(Channel::Webhook, &w.id.to_string(), &w.url, None))
        .collect();
    for r in recipients {
        for (channel, address) in [(Channel::Email, &r.email), (Channel::Sms, &r.phone)] {
            if let Some(address) = address.as_deref().filter(|a| !a.is_empty()) {
                if r.wants(event, channel) {
                    out.push(delivery(
                        channel,
                        &r.username,
                        address,
                        r.language.as_deref(),
                    ));
                }
            }
        }
    }
    out
}

/// How long failed deliveries are retried: the first retry after `first`, each next one after
/// twice the last wait but at most `max_interval` apart, for `give_up_after` from the first
/// attempt; then the delivery is parked. Defaults 2 s, 10 minutes, 24 hours
/// (`CATS_NOTIFY_FIRST_RETRY_SECONDS`, `CATS_NOTIFY_MAX_INTERVAL_SECONDS`,
/// `CATS_NOTIFY_GIVE_UP_SECONDS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Wait before the first retry.
    pub first: Duration,
    /// Longest wait between two attempts.
    pub max_interval: Duration,
    /// How long after the first attempt the delivery is parked.
    pub give_up_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            first: Duration::seconds(2),
            max_interval: Duration::minutes(10),
            give_up_after: Duration::hours(24),
        }
    }
}

impl RetryPolicy {
    /// After `attempts` failed attempts (1 or more), the first made at `since`, at `now`: when to
    /// try again, or `None` to park it.
    pub fn next_attempt(
        &self,
        attempts: u32,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let doublings = attempts.saturating_sub(1).min(30);
        let wait = self
            .first
            .checked_mul(1i32 << doublings.min(30))
            .unwrap_or(self.max_interval)
            .min(self.max_interval);
        let next = now + wait;
        (next - since <= self.give_up_after).then_some(next)
    }
}

/// The `CATS-Signature` header of a webhook delivery: `t=UNIX_SECONDS,v1=HEX`, where `HEX` is
/// HMAC-SHA256 (RFC 2104, FIPS 180-4) keyed with the endpoint's secret over
/// `UNIX_SECONDS + "." + body`.
pub fn signature(secret: &str, unix_seconds: i64, body: &[u8]) -> String {
    format!(
        "t={unix_seconds},v1={}",
        hex::encode(mac(secret, unix_seconds, body))
    )
}

fn mac(secret: &str, unix_seconds: i64, body: &[u8]) -> Vec<u8> {
    use hmac::Mac;
    let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    m.update(unix_seconds.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    m.finalize().into_bytes().to_vec()
}

/// Why a `CATS-Signature` is refused by [`verify_signature`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// Not `t=…,v1=…`.
    #[error("the signature header is not t=UNIX_SECONDS,v1=HEX")]
    Malformed,
    /// Older (or newer) than the tolerance.
    #[error("the signature was made {0} s away from now, more than the tolerance")]
    Stale(i64),
    /// The MAC does not match.
    #[error("the signature does not match the body")]
    Mismatch,
}

/// Check a `CATS-Signature` header as a receiver should: well formed, made within `tolerance`
/// of `now` (five minutes is what receivers use), and the MAC matching (compared in constant
/// time).
pub fn verify_signature(
    secret: &str,
    header: &str,
    body: &[u8],
    now: DateTime<Utc>,
    tolerance: Duration,
) -> Result<(), SignatureError> {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", v)) => t = v.trim().parse::<i64>().ok(),
            Some(("v1", v)) => v1 = hex::decode(v.trim()).ok(),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return Err(SignatureError::Malformed);
    };
    let age = now.timestamp() - t;
    if age.abs() > tolerance.num_seconds() {
        return Err(SignatureError::Stale(age));
    }
    use hmac::Mac;
    let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    m.update(t.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    m.verify_slice(&v1).map_err(|_| SignatureError::Mismatch)
}

/// Which threshold of its reference amount a guarantee's running total crossed, going from
/// `before` to `after` (minor units): 100 when it reached the whole amount, 80 when it crossed
/// 80 %, none otherwise.
pub fn usage_crossed(before: i64, after: i64, reference: i64) -> Option<EventType> {
    let reached = |pct: i64| {
        i128::from(before) * 100 < i128::from(reference) * i128::from(pct)
            && i128::from(after) * 100 >= i128::from(reference) * i128::from(pct)
    };
    if reference <= 0 {
        None
    } else if reached(100) {
        Some(EventType::Usage100)
    } else if reached(80) {
        Some(EventType::Usage80)
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
