//! E-mail deliveries through SMTP (lettre), in the user's language, to the address of its
//! account. The `Message-ID` is `<NOTIFICATION_ID.DELIVERY_ID@cats.notifications>`, the same on
//! every retry, so that a mail reader can drop a copy and tell which event it carries.

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use cats_app::notify::store::DueDelivery;

use super::{Outcome, Settings};
use crate::pages::i18n::Tr;

/// The SMTP transport.
pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// A transport to the server at `url` (`smtp://host:port`, `smtps://…`, `?tls=required`).
pub fn transport(url: &str) -> Result<Transport, String> {
    Ok(Transport::from_url(url)
        .map_err(|e| e.to_string())?
        .timeout(Some(super::ATTEMPT_TIMEOUT))
        .build())
}

/// Subject and body of the e-mail of `due`, in its language.
pub fn compose(due: &DueDelivery, public_url: &str) -> (String, String) {
    let t = Tr::new(&due.delivery.language);
    let n = &due.notification;
    let what = t.get(&n.event.message_key());
    let subject = format!("CATS: {what} · {}", n.reference);
    let link = if n.link.is_empty() {
        String::new()
    } else {
        format!("\n{}: {public_url}{}\n", t.get("email-open"), n.link)
    };
    // A register's notification carries details (reasons, amounts, dates) in its English
    // text; a movement's event says all in its name and reference.
    let details = if n.subject == "movement" {
        String::new()
    } else {
        format!("\n{}\n", n.text)
    };
    let body = format!(
        "{}\n\n{what}\n{}: {}\n{}: {}\n{details}{link}\n-- \n{}\n",
        t.get("email-greeting"),
        t.get("email-reference"),
        n.reference,
        t.get("email-when"),
        n.at.format("%Y-%m-%d %H:%M UTC"),
        t.get("email-footer"),
    );
    (subject, body)
}

/// Send the e-mail of `due`.
pub async fn send(transport: &Transport, settings: &Settings, due: &DueDelivery) -> Outcome {
    let (subject, body) = compose(due, &settings.public_url);
    let to: Mailbox = match due.delivery.address.parse() {
        Ok(m) => m,
        Err(e) => return Outcome::failed(format!("address {:?}: {e}", due.delivery.address)),
    };
    let from: Mailbox = match settings.smtp_from.parse() {
        Ok(m) => m,
        Err(e) => return Outcome::failed(format!("CATS_SMTP_FROM: {e}")),
    };
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .message_id(Some(format!(
            "<{}.{}@cats.notifications>",
            due.notification.id, due.delivery.id
        )))
        .header(ContentType::TEXT_PLAIN)
        .body(body);
    let message = match message {
        Ok(m) => m,
        Err(e) => return Outcome::failed(format!("the e-mail could not be built: {e}")),
    };
    match transport.send(message).await {
        Ok(r) => Outcome {
            ok: r.is_positive(),
            status_code: Some(u16::from(r.code())),
            detail: format!("SMTP {}", r.code()),
        },
        Err(e) => Outcome {
            ok: false,
            status_code: e.status().map(u16::from),
            detail: format!("SMTP: {e}"),
        },
    }
}
