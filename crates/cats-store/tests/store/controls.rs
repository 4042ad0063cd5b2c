//! Photos and documents of control records (issue 6) on both backends: kept in the movement's
//! transaction or not at all, read back byte for byte, and carried by dump and restore.

use super::*;

use cats_app::store::StoredControlAttachment;
use cats_domain::movement::{
    ControlAttachment, ControlRecord, ControlReport, ControlResultCode, ControlType, Stage,
};

fn attachment(movement_id: Uuid, name: &str, at: DateTime<Utc>) -> StoredControlAttachment {
    let data: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    StoredControlAttachment {
        movement_id,
        control: 1,
        meta: ControlAttachment {
            id: Uuid::new_v4(),
            filename: name.into(),
            content_type: "image/jpeg".into(),
            size: data.len() as u64,
            sha256: "ab".repeat(32),
            uploaded_at: at,
            uploaded_by: "officer.kz".into(),
        },
        data,
    }
}

/// `record` at the next version with a control record carrying `a`'s metadata, and the bytes.
fn with_attachment(record: &MovementRecord, a: &StoredControlAttachment) -> Change {
    let mut next = next(record, record.movement.state, a.meta.uploaded_at);
    next.movement.controls.push(ControlRecord {
        office: "KZHOR001".parse().unwrap(),
        stage: Stage::Departure,
        result: ControlResultCode::A2,
        control_type: ControlType::Physical,
        at: a.meta.uploaded_at,
        report: ControlReport::default(),
        officer: Some("officer.kz".into()),
        attachments: vec![a.meta.clone()],
    });
    let mut c = change(&next, Some(record.version));
    c.attachments.push(a.clone());
    c
}

/// Add one control attachment to the first movement `populate` lodged.
pub(super) async fn populate_controls(store: &Arc<dyn Store>) {
    let rec = store
        .movement_by_mrn(&mrn_for("25KZHOR001000000"))
        .await
        .unwrap()
        .expect("populated movement");
    let a = attachment(rec.id, "seal.jpg", t("2025-03-10T10:00:00.123456Z"));
    store.commit(with_attachment(&rec, &a)).await.unwrap();
}

store_test!(control_attachments_kept, control_attachments_kept_body);
async fn control_attachments_kept_body(store: Arc<dyn Store>) {
    store.save_catalog(&catalog()).await.unwrap();
    let at = t("2025-03-10T09:30:00.000001Z");
    let rec = record(
        "LRN-CTL",
        Some("25KZHOR001000077"),
        MovementState::Accepted,
        at,
    );
    store.commit(change(&rec, None)).await.unwrap();
    let a = attachment(rec.id, "photo.jpg", at + Duration::minutes(5));
    store.commit(with_attachment(&rec, &a)).await.unwrap();
    let back = store.control_attachment(a.meta.id).await.unwrap();
    assert_eq!(back.as_ref(), Some(&a));
    let m = store.movement(rec.id).await.unwrap().unwrap();
    assert_eq!(m.movement.controls[0].attachments.len(), 1);
    assert_eq!(m.movement.controls[0].attachments[0], a.meta);
    // A stale change carrying an attachment keeps nothing, bytes included.
    let stale = attachment(rec.id, "late.jpg", at + Duration::minutes(6));
    assert!(matches!(
        store.commit(with_attachment(&rec, &stale)).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(store.control_attachment(stale.meta.id).await.unwrap(), None);
    assert_eq!(
        store.control_attachment(Uuid::new_v4()).await.unwrap(),
        None
    );
    assert_eq!(store.dump().await.unwrap().control_attachments, [a]);
}
