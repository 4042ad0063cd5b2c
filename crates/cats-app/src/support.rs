//! Support requests inside the interface (issue 18): a user asks for support from any page, with
//! the page and the movement it concerns attached; administrators see every request, answer and
//! close them; the requester's company hears of an answer on its notifications.
//!
//! Who sees what: administrators every request; a trader's or insurer's request the users of its
//! company (company data is shared, as drafts are); an officer's request that officer alone.
//! Anyone else gets "not found", so that a request's existence does not leak.
//!
//! The steps: the requester's side adds to the thread (the request is `open` again) or closes
//! it; an administrator answers (`answered`) or closes it. Nothing is added to a closed request
//! ([`AppError::Refused`], HTTP 409). Every step is in the audit log; an administrator's answer
//! or close makes a [`EventType::SupportAnswered`] notification for a company requester, in the
//! same transaction.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::act::load_visible;
use crate::app::{Actor, App};
use crate::auth::{Role, User};
use crate::error::{AppError, BodyError};
use crate::notify::EventType;
use crate::store::support::{
    SupportChange, SupportFilter, SupportMessage, SupportRequest, SupportStatus,
};
use crate::store::{AuditEntry, Notification};

/// Longest subject, in characters.
pub const MAX_SUBJECT: usize = 200;
/// Longest text of a message, in characters.
pub const MAX_TEXT: usize = 5000;
/// Longest page path, in characters.
pub const MAX_PAGE: usize = 500;
/// Most requests a list holds.
pub const LIST_LIMIT: u32 = 500;

/// What the requester sends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewRequest {
    /// Subject (1 to [`MAX_SUBJECT`] characters, one line).
    pub subject: String,
    /// What the requester asks (1 to [`MAX_TEXT`] characters).
    pub text: String,
    /// The path of the page it is sent from (on this node, starting with `/`, at most
    /// [`MAX_PAGE`] characters).
    pub page: Option<String>,
    /// The movement it concerns, named explicitly: it must be one the requester may see.
    /// Without it, a movement's page (`/ui/movements/{id}…`) names the movement, attached when
    /// the requester may see it (a page it could not open is still attached, its movement not).
    pub movement_id: Option<Uuid>,
}

/// Whether `user` sees request `r`: administrators all; the requester; the users of a trader's
/// or insurer's company. Nobody else (an officer's request is that officer's alone).
pub fn visible(user: &User, r: &SupportRequest) -> bool {
    user.role == Role::Admin
        || r.requester == user.username
        || (matches!(r.role, Role::Trader | Role::Insurer)
            && matches!(user.role, Role::Trader | Role::Insurer)
            && r.party.is_some()
            && r.party == user.party)
}

/// The movement a page path is about: `/ui/movements/{id}` and the pages under it.
pub fn movement_of_page(page: &str) -> Option<Uuid> {
    let path = page.split(['?', '#']).next().unwrap_or_default();
    let rest = path.strip_prefix("/ui/movements/")?;
    rest.split('/').next()?.parse().ok()
}

/// Why `page` is not a page path of this node, if it is not one.
pub fn page_problem(page: &str) -> Option<String> {
    if page.chars().count() > MAX_PAGE {
        Some(format!("a page path has at most {MAX_PAGE} characters"))
    } else if !page.starts_with('/') || page.starts_with("//") {
        Some("give the path of a page of this node, starting with a single / (such as /ui/movements)".into())
    } else if page
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        Some("a page path has no spaces, control characters or backslashes".into())
    } else {
        None
    }
}

fn text_problem(text: &str) -> Option<String> {
    let n = text.trim().chars().count();
    (n == 0 || n > MAX_TEXT).then(|| format!("a message has 1 to {MAX_TEXT} characters (has {n})"))
}

fn user(actor: &Actor) -> Result<&User, AppError> {
    actor
        .user()
        .ok_or_else(|| AppError::Forbidden("support requests are sent by users".into()))
}

fn malformed(errors: Vec<BodyError>) -> AppError {
    AppError::Malformed {
        message_type: "support request".into(),
        errors,
    }
}

fn error(pointer: &str, reason: String) -> BodyError {
    BodyError {
        pointer: pointer.into(),
        reason,
    }
}

/// Send a new request. Errors: [`AppError::Forbidden`] for an administrator (who answers
/// requests) or the node itself; [`AppError::Malformed`] with every problem (`/subject`, `/text`,
/// `/page`, `/movementId`: a movement the requester may not see), nothing stored.
pub async fn create(
    app: &App,
    actor: &Actor,
    new: NewRequest,
    now: DateTime<Utc>,
) -> Result<SupportRequest, AppError> {
    let u = user(actor)?;
    if u.role == Role::Admin {
        return Err(AppError::Forbidden(
            "administrators answer support requests; they do not send them".into(),
        ));
    }
    let mut errors = Vec::new();
    let subject = new.subject.trim().to_string();
    let n = subject.chars().count();
    if n == 0 || n > MAX_SUBJECT {
        errors.push(error(
            "/subject",
            format!("a subject has 1 to {MAX_SUBJECT} characters (has {n})"),
        ));
    } else if subject.chars().any(char::is_control) {
        errors.push(error("/subject", "a subject is one line of text".into()));
    }
    if let Some(why) = text_problem(&new.text) {
        errors.push(error("/text", why));
    }
    let page = new.page.filter(|p| !p.is_empty());
    if let Some(why) = page.as_deref().and_then(page_problem) {
        errors.push(error("/page", why));
    }
    let movement = match new.movement_id {
        Some(id) => match load_visible(app, actor, id).await {
            Ok(record) => Some(record),
            Err(AppError::NotFound(_)) => {
                errors.push(error(
                    "/movementId",
                    format!("{id} is not a movement you may see"),
                ));
                None
            }
            Err(e) => return Err(e),
        },
        None => match page.as_deref().and_then(movement_of_page) {
            Some(id) => match load_visible(app, actor, id).await {
                Ok(record) => Some(record),
                Err(AppError::NotFound(_)) => None,
                Err(e) => return Err(e),
            },
            None => None,
        },
    };
    if !errors.is_empty() {
        return Err(malformed(errors));
    }
    let serial = app.store().next_support_serial().await?;
    let message = SupportMessage {
        id: Uuid::new_v4(),
        author: u.username.clone(),
        from_support: false,
        text: new.text.trim().to_string(),
        at: now,
    };
    let request = SupportRequest {
        id: Uuid::new_v4(),
        serial,
        version: 1,
        requester: u.username.clone(),
        role: u.role,
        party: u.party.clone(),
        country: (u.role == Role::Officer)
            .then_some(u.office_country)
            .flatten(),
        page,
        movement_id: movement.as_ref().map(|m| m.id),
        movement_ref: movement.as_ref().map(|m| {
            m.movement
                .mrn
                .as_ref()
                .map_or_else(|| m.movement.lrn.to_string(), |x| x.to_string())
        }),
        subject,
        status: SupportStatus::Open,
        created_at: now,
        updated_at: now,
        answered_at: None,
        seen_at: Some(now),
        messages: vec![message.clone()],
    };
    let audit = AuditEntry {
        at: now,
        actor: u.username.clone(),
        action: "support.create".into(),
        movement_id: request.movement_id,
        detail: format!(
            "{} sent from {}: {}",
            request.reference(),
            request.page.as_deref().unwrap_or("the API"),
            request.subject
        ),
    };
    app.store()
        .commit_support(SupportChange {
            request: request.clone(),
            expected_version: None,
            messages: vec![message],
            notifications: Vec::new(),
            audit: vec![audit],
        })
        .await?;
    Ok(request)
}

/// The requests the actor sees: an administrator every one (open first), others their own or
/// their company's (most recently changed first); optionally in one status. Without threads.
pub async fn list(
    app: &App,
    actor: &Actor,
    status: Option<SupportStatus>,
) -> Result<Vec<SupportRequest>, AppError> {
    let u = user(actor)?;
    let mut filter = SupportFilter {
        status,
        limit: LIST_LIMIT,
        ..SupportFilter::default()
    };
    match (u.role, &u.party) {
        (Role::Admin, _) => filter.open_first = true,
        (Role::Trader | Role::Insurer, Some(party)) => filter.party = Some(party.clone()),
        _ => filter.requester = Some(u.username.clone()),
    }
    Ok(app
        .store()
        .support_requests(&filter)
        .await?
        .into_iter()
        .filter(|r| visible(u, r))
        .collect())
}

async fn load(app: &App, u: &User, id: Uuid) -> Result<SupportRequest, AppError> {
    match app.store().support_request(id).await? {
        Some(r) if visible(u, &r) => Ok(r),
        _ => Err(AppError::NotFound(format!("support request {id}"))),
    }
}

/// One request with its thread, as it is (nothing marked seen). Errors: [`AppError::NotFound`]
/// for one that does not exist or the actor may not see.
pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<SupportRequest, AppError> {
    load(app, user(actor)?, id).await
}

/// One request with its thread. Opened by its requester, its answers count as seen from `now`.
/// Errors: [`AppError::NotFound`] for one that does not exist or the actor may not see.
pub async fn open(
    app: &App,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<SupportRequest, AppError> {
    let u = user(actor)?;
    let mut r = load(app, u, id).await?;
    if r.requester == u.username && r.unseen_answer() {
        app.store().support_seen(id, now).await?;
        r.seen_at = Some(now);
    }
    Ok(r)
}

/// How many of the user's requests have an answer it has not opened; for an administrator, how
/// many requests wait for an answer.
pub async fn count_for(app: &App, user: &User) -> Result<i64, AppError> {
    Ok(if user.role == Role::Admin {
        app.store().support_waiting().await?
    } else {
        app.store().support_unseen(&user.username).await?
    })
}

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// A message: an answer from an administrator, an addition from the requester's side.
    Message,
    /// Close.
    Close,
}

/// Add `text` to the thread: an administrator's answer (the request becomes `answered`, the
/// company requester is notified), or the requester side's addition (`open` again). Errors:
/// [`AppError::NotFound`]; [`AppError::Malformed`] for an empty or too long text (`/text`);
/// [`AppError::Refused`] on a closed request.
pub async fn reply(
    app: &App,
    actor: &Actor,
    id: Uuid,
    text: &str,
    now: DateTime<Utc>,
) -> Result<SupportRequest, AppError> {
    let u = user(actor)?;
    load(app, u, id).await?;
    if let Some(why) = text_problem(text) {
        return Err(malformed(vec![error("/text", why)]));
    }
    crate::retry::on_conflict(|| step(app, u, id, Step::Message, text, now)).await
}

/// Close the request (the requester's side or an administrator; an administrator's close
/// notifies a company requester). Errors: [`AppError::NotFound`]; [`AppError::Refused`] when
/// it is closed already.
pub async fn close(
    app: &App,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<SupportRequest, AppError> {
    let u = user(actor)?;
    crate::retry::on_conflict(|| step(app, u, id, Step::Close, "", now)).await
}

async fn step(
    app: &App,
    u: &User,
    id: Uuid,
    what: Step,
    text: &str,
    now: DateTime<Utc>,
) -> Result<SupportRequest, AppError> {
    let mut r = load(app, u, id).await?;
    if r.status == SupportStatus::Closed {
        return Err(AppError::Refused(format!(
            "support request {} is closed: nothing more can be added to it or done with it",
            r.reference()
        )));
    }
    let support = u.role == Role::Admin;
    let expected = r.version;
    r.version += 1;
    r.updated_at = now;
    let mut messages = Vec::new();
    let action = match (what, support) {
        (Step::Message, true) => {
            r.status = SupportStatus::Answered;
            "support.answer"
        }
        (Step::Message, false) => {
            r.status = SupportStatus::Open;
            "support.message"
        }
        (Step::Close, _) => {
            r.status = SupportStatus::Closed;
            "support.close"
        }
    };
    if what == Step::Message {
        let m = SupportMessage {
            id: Uuid::new_v4(),
            author: u.username.clone(),
            from_support: support,
            text: text.trim().to_string(),
            at: now,
        };
        r.messages.push(m.clone());
        messages.push(m);
    }
    let mut notifications = Vec::new();
    if support {
        r.answered_at = Some(now);
        if let (Some(party), Role::Trader | Role::Insurer) = (&r.party, r.role) {
            let done = if what == Step::Close {
                "closed"
            } else {
                "answered"
            };
            notifications.push(Notification {
                id: Uuid::new_v4(),
                party: party.clone(),
                at: now,
                event: EventType::SupportAnswered,
                subject: "support".into(),
                subject_id: r.id,
                reference: r.reference(),
                link: format!("/ui/support/{}", r.id),
                message_id: None,
                text: format!("support request {} {done}: {}", r.reference(), r.subject),
                status: r.status.as_str().into(),
            });
        }
    } else if r.requester == u.username {
        r.seen_at = Some(now);
    }
    let audit = AuditEntry {
        at: now,
        actor: u.username.clone(),
        action: action.into(),
        movement_id: r.movement_id,
        detail: format!(
            "{} of {}: now {}",
            r.reference(),
            r.requester,
            r.status.as_str()
        ),
    };
    let notified = !notifications.is_empty();
    app.store()
        .commit_support(SupportChange {
            request: r.clone(),
            expected_version: Some(expected),
            messages,
            notifications,
            audit: vec![audit],
        })
        .await?;
    if notified {
        app.announce();
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, role: Role, party: Option<&str>) -> User {
        User {
            username: name.into(),
            role,
            party: party.map(|p| p.parse().unwrap()),
            office_country: (role == Role::Officer).then(|| "KZ".parse().unwrap()),
            risk_analyst: false,
            offices: vec![],
        }
    }

    fn request(by: &User) -> SupportRequest {
        SupportRequest {
            id: Uuid::new_v4(),
            serial: 42,
            version: 1,
            requester: by.username.clone(),
            role: by.role,
            party: by.party.clone(),
            country: by.office_country,
            page: None,
            movement_id: None,
            movement_ref: None,
            subject: "s".into(),
            status: SupportStatus::Open,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            answered_at: None,
            seen_at: None,
            messages: vec![],
        }
    }

    #[test]
    fn who_sees_a_request() {
        let silkway = user("silkway", Role::Trader, Some("KZ840000123456"));
        let colleague = user("silkway.2", Role::Trader, Some("KZ840000123456"));
        let caspian = user("caspian", Role::Trader, Some("AZ1402345678"));
        let officer = user("officer.kz", Role::Officer, None);
        let other_officer = user("officer.kz2", Role::Officer, None);
        let admin = user("admin", Role::Admin, None);
        let r = request(&silkway);
        assert!(visible(&silkway, &r) && visible(&colleague, &r) && visible(&admin, &r));
        assert!(!visible(&caspian, &r) && !visible(&officer, &r));
        let o = request(&officer);
        assert!(visible(&officer, &o) && visible(&admin, &o));
        assert!(!visible(&other_officer, &o) && !visible(&silkway, &o));
        assert_eq!(r.reference(), "SR-000042");
    }

    #[test]
    fn pages_and_their_movements() {
        let id = Uuid::new_v4();
        assert_eq!(movement_of_page(&format!("/ui/movements/{id}")), Some(id));
        assert_eq!(
            movement_of_page(&format!("/ui/movements/{id}/amend")),
            Some(id)
        );
        assert_eq!(movement_of_page("/ui/movements"), None);
        assert_eq!(movement_of_page("/ui/movements/not-an-id"), None);
        assert!(page_problem("/ui/home").is_none());
        assert!(page_problem("https://example.com/x").is_some());
        assert!(page_problem("//example.com/x").is_some());
        assert!(page_problem("/ui/a b").is_some());
        assert!(page_problem(&format!("/{}", "a".repeat(MAX_PAGE))).is_some());
    }

    #[test]
    fn an_answer_is_unseen_until_opened() {
        let mut r = request(&user("silkway", Role::Trader, Some("KZ840000123456")));
        assert!(!r.unseen_answer());
        r.answered_at = Some(Utc::now());
        assert!(r.unseen_answer());
        r.seen_at = Some(Utc::now() + chrono::Duration::seconds(1));
        assert!(!r.unseen_answer());
    }
}
