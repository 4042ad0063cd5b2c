//! What a notification row keeps of its text and link (ADR 0022).
//!
//! A movement's notification says `events::movement_text(event, reference)` and links to
//! `events::link(subject, subject_id)`, both made from columns the row has anyway: about a
//! hundred bytes a notification, eleven notifications a written-off movement. The row keeps
//! either only where it differs from what those functions make of its other columns, and says
//! in `derived` which it left out, so that a notification reads back byte for byte; rows written
//! before migration 0025 (`derived` 0) keep both.

use cats_app::notify::events::{link, movement_text};
use cats_app::store::Notification;

/// `derived` bit: the text was left out, it is [`movement_text`] of the event and reference.
const TEXT: i64 = 1;
/// `derived` bit: the link was left out, it is [`link`] of the subject and its id.
const LINK: i64 = 2;

/// The text and link a row keeps for `n`, and its `derived` bits.
pub(crate) fn stored(n: &Notification) -> (&str, &str, i64) {
    let mut derived = 0;
    let text = if n.subject == "movement" && n.text == movement_text(n.event, &n.reference) {
        derived |= TEXT;
        ""
    } else {
        n.text.as_str()
    };
    let link_kept = if n.link == link(&n.subject, n.subject_id) {
        derived |= LINK;
        ""
    } else {
        n.link.as_str()
    };
    (text, link_kept, derived)
}

/// `n` as read from a row with `derived` bits: what was left out made again.
pub(crate) fn restore(mut n: Notification, derived: i64) -> Notification {
    if derived & TEXT != 0 {
        n.text = movement_text(n.event, &n.reference);
    }
    if derived & LINK != 0 {
        n.link = link(&n.subject, n.subject_id);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use cats_app::notify::EventType;
    use chrono::Utc;
    use uuid::Uuid;

    fn movement_notification() -> Notification {
        let subject_id = Uuid::new_v4();
        let reference = "26KZHOR001000008J3".to_string();
        Notification {
            id: Uuid::new_v4(),
            party: "KZ840000123456".parse().expect("EORI"),
            at: Utc::now(),
            event: EventType::Released,
            subject: "movement".into(),
            subject_id,
            text: movement_text(EventType::Released, &reference),
            link: link("movement", subject_id),
            reference,
            message_id: None,
            status: "ReleasedForTransit".into(),
        }
    }

    #[test]
    fn a_movement_notification_keeps_neither_and_reads_back_whole() {
        let n = movement_notification();
        let (text, link_kept, derived) = stored(&n);
        assert_eq!((text, link_kept, derived), ("", "", TEXT | LINK));
        let back = restore(
            Notification {
                text: String::new(),
                link: String::new(),
                ..n.clone()
            },
            derived,
        );
        assert_eq!(back, n);
    }

    #[test]
    fn what_differs_is_kept_as_it_is() {
        // An empty text or link, other wording, another subject: each kept byte for byte.
        for n in [
            Notification {
                text: String::new(),
                link: String::new(),
                ..movement_notification()
            },
            Notification {
                text: "26KZHOR001000008J3: worded by an older node".into(),
                link: "/ui/movements/elsewhere".into(),
                ..movement_notification()
            },
            Notification {
                subject: "registration".into(),
                ..movement_notification()
            },
        ] {
            let (text, link_kept, derived) = stored(&n);
            let row = Notification {
                text: text.to_string(),
                link: link_kept.to_string(),
                ..n.clone()
            };
            assert_eq!(restore(row, derived), n, "{n:?}");
        }
    }
}
