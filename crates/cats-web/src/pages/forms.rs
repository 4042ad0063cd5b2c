//! What several pages' forms share: a refused request in the visitor's words, and a file sent
//! with a form (multipart: the CSRF token, then the file).

use axum::extract::Multipart;
use axum::http::StatusCode;

use cats_app::AppError;

use super::i18n::Tr;

/// What a refused request says on the page, and its status: `400` invalid (every problem of a
/// malformed request with its field), `403` not allowed, `409` refused in the state or out of
/// sequence, `422` a rule (with its id). `None` for an error that is not the visitor's (the
/// error page answers those).
pub fn refusal(t: &Tr, e: &AppError) -> Option<(StatusCode, String)> {
    let why = match e {
        AppError::Invalid(why) | AppError::Refused(why) | AppError::Forbidden(why) => why.clone(),
        AppError::Rule { rule_id, message } => t.rule(rule_id, message),
        AppError::Malformed { errors, .. } => errors
            .iter()
            .map(|b| format!("{} {}", b.pointer.trim_start_matches('/'), b.reason))
            .collect::<Vec<_>>()
            .join("; "),
        AppError::Transition(e) => transition(t, e),
        _ => return None,
    };
    let status = match e {
        AppError::Refused(_) | AppError::Transition(_) => StatusCode::CONFLICT,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::Rule { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::BAD_REQUEST,
    };
    Some((status, t.arg("action-refused", "why", why)))
}

/// A file sent with a form.
#[derive(Debug, Default)]
pub struct Upload {
    /// The form's CSRF token.
    pub csrf: String,
    /// The file: its name, its Content-Type and its bytes (`None` when none was chosen).
    pub file: Option<(String, String, Vec<u8>)>,
}

/// Read a multipart form: `csrf`, and the file in field `field`. Errors: the file is larger
/// than the node takes (the request body limit).
pub async fn read_upload(mut parts: Multipart, field: &str) -> Result<Upload, ()> {
    let mut upload = Upload::default();
    while let Ok(Some(part)) = parts.next_field().await {
        match part.name() {
            Some("csrf") => upload.csrf = part.text().await.unwrap_or_default(),
            Some(name) if name == field => {
                let filename = part.file_name().unwrap_or(field).to_string();
                let kind = part
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let bytes = part.bytes().await.map_err(|_| ())?;
                if !bytes.is_empty() {
                    upload.file = Some((filename, kind, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    Ok(upload)
}

/// Why the movement's state or the office refused a step, in the visitor's language.
pub fn transition(t: &Tr, e: &cats_domain::movement::TransitionError) -> String {
    use cats_domain::movement::TransitionError as E;
    let o = |o: &dyn std::fmt::Display| o.to_string();
    match e {
        E::OutOfSequence { action, state } => t.args(
            "refused-out-of-sequence",
            &[
                ("action", action.to_string()),
                ("state", t.get(&format!("state-{}", state.as_str()))),
            ],
        ),
        E::UnknownOffice { office } => t.arg("refused-unknown-office", "office", o(office)),
        E::OfficeLacksRole {
            office,
            role,
            action,
        } => t.args(
            "refused-office-role",
            &[
                ("office", o(office)),
                ("role", role.to_string()),
                ("action", action.to_string()),
            ],
        ),
        E::WrongOffice {
            action,
            office,
            expected,
        } => t.args(
            "refused-wrong-office",
            &[
                ("action", action.to_string()),
                ("office", o(office)),
                ("expected", o(expected)),
            ],
        ),
        E::AlreadyPassed { office, .. } => t.arg("refused-already-passed", "office", o(office)),
        E::ControlPending { office, .. } => t.arg("refused-control-pending", "office", o(office)),
        E::OverrideReasonRequired { office } => t.arg("refused-override", "office", o(office)),
        E::Empty { field } => t.arg("refused-empty", "field", field.to_string()),
        E::AwaitingPresentation { .. } => t.get("refused-awaiting-presentation"),
    }
}
