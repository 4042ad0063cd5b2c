//! Documents of an application (certificates, statutes, financial statements …), kept in the
//! database with their content type, size and SHA-256, and downloadable by the company and by
//! customs officers.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use cats_domain::registry::RegistrationStatus;

use super::{event, party_of, user_with};
use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::history::audit;
use crate::store::{Attachment, RegistryChange, StoredAttachment};

/// Content types a document may have.
pub const DOCUMENT_TYPES: [&str; 5] = [
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/tiff",
    "text/plain",
];

/// Largest document, in bytes (2 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 2 * 1024 * 1024;

/// Most documents per registration.
pub const MAX_DOCUMENTS: usize = 10;

/// Whether `bytes` look like `content_type` (magic numbers of PDF, PNG, JPEG and TIFF; UTF-8
/// for text): a file cannot be stored under another type than its own.
fn content_matches(content_type: &str, bytes: &[u8]) -> bool {
    match content_type {
        "application/pdf" => bytes.starts_with(b"%PDF-"),
        "image/png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/tiff" => bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*"),
        "text/plain" => std::str::from_utf8(bytes).is_ok(),
        _ => false,
    }
}

/// Check an uploaded file: its media type (parameters dropped, lower case) is one of
/// [`DOCUMENT_TYPES`], it has 1 to [`MAX_DOCUMENT_BYTES`] bytes, and the bytes are of that type.
/// Returns the media type as kept. Errors: [`AppError::Invalid`] saying which check failed.
pub fn checked_upload(content_type: &str, bytes: &[u8]) -> Result<String, AppError> {
    let content_type = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if !DOCUMENT_TYPES.contains(&content_type.as_str()) {
        return Err(AppError::Invalid(format!(
            "content type {content_type} is not accepted; send one of {}",
            DOCUMENT_TYPES.join(", ")
        )));
    }
    if bytes.is_empty() || bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(AppError::Invalid(format!(
            "a document has 1 to {MAX_DOCUMENT_BYTES} bytes, this one {}",
            bytes.len()
        )));
    }
    if !content_matches(&content_type, bytes) {
        return Err(AppError::Invalid(format!(
            "the bytes are not a {content_type} document"
        )));
    }
    Ok(content_type)
}

/// A file name kept safe for a `Content-Disposition` header: letters, digits, `.`, `-`, `_`
/// (others become `_`), at most 100 characters, never empty.
pub fn safe_filename(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "document".into()
    } else {
        cleaned
    }
}

/// Attach a document to a registration of the actor's company, while it is not rejected or
/// revoked.
///
/// Errors: 403 for another company's registration (404 when not visible); 413-like
/// [`AppError::Invalid`] above [`MAX_DOCUMENT_BYTES`] or [`MAX_DOCUMENTS`]; 400 for a content
/// type not in [`DOCUMENT_TYPES`] or bytes that are not of that type; 409 on a closed
/// registration.
pub async fn attach(
    app: &App,
    actor: &Actor,
    registration_id: Uuid,
    filename: &str,
    content_type: &str,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<Attachment, AppError> {
    let user = user_with(
        actor,
        &[Role::Trader, Role::Insurer],
        "attaching a document",
    )?;
    let r = super::registrations::load(app, actor, registration_id).await?;
    if r.party != *party_of(user)? {
        return Err(AppError::Forbidden(
            "only the applicant attaches documents".into(),
        ));
    }
    if matches!(
        r.status,
        RegistrationStatus::Rejected | RegistrationStatus::Revoked
    ) {
        return Err(AppError::Refused(format!(
            "registration {registration_id} is {}: no more documents",
            r.status.as_str()
        )));
    }
    let content_type = checked_upload(content_type, &bytes)?;
    if app.store().attachments(registration_id).await?.len() >= MAX_DOCUMENTS {
        return Err(AppError::Refused(format!(
            "registration {registration_id} has {MAX_DOCUMENTS} documents already"
        )));
    }
    let meta = Attachment {
        id: Uuid::new_v4(),
        registration_id,
        filename: safe_filename(filename),
        content_type,
        size: bytes.len() as i64,
        sha256: hex::encode(Sha256::digest(&bytes)),
        uploaded_at: now,
        uploaded_by: actor.name().to_string(),
    };
    let detail = format!(
        "document {} ({}, {} bytes, SHA-256 {})",
        meta.filename, meta.content_type, meta.size, meta.sha256
    );
    let change = RegistryChange {
        attachment: Some(StoredAttachment {
            meta: meta.clone(),
            data: bytes,
        }),
        events: vec![event(
            "registration",
            registration_id,
            actor,
            "document",
            r.status.as_str(),
            &detail,
            now,
        )],
        audit: vec![audit(
            actor,
            "registration.document",
            None,
            now,
            format!("{registration_id}: {detail}"),
        )],
        ..RegistryChange::default()
    };
    app.commit_registry(change).await?;
    Ok(meta)
}

/// A document with its bytes, for whoever may see the registration (officers, the company).
/// Errors: 404 when the registration or the document is unknown or not visible.
pub async fn download(
    app: &App,
    actor: &Actor,
    registration_id: Uuid,
    id: Uuid,
) -> Result<StoredAttachment, AppError> {
    super::registrations::load(app, actor, registration_id).await?;
    app.store()
        .attachment(id)
        .await?
        .filter(|a| a.meta.registration_id == registration_id)
        .ok_or_else(|| AppError::NotFound(format!("document {id}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_checked_by_content() {
        assert!(content_matches("application/pdf", b"%PDF-1.7\n"));
        assert!(!content_matches("application/pdf", b"<html>"));
        assert!(content_matches("image/png", b"\x89PNG\r\n\x1a\n...."));
        assert!(!content_matches("text/plain", &[0xFF, 0xFE, 0x00]));
        assert_eq!(
            safe_filename("../../etc/pass wd.pdf"),
            "_.._etc_pass_wd.pdf"
        );
        assert_eq!(safe_filename(""), "document");
    }
}
