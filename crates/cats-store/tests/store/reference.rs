//! Reference data (the catalogue), parties, users and their tokens on both backends.

use super::*;
use cats_app::store::StoredToken;

store_test!(catalog_round_trip, catalog_round_trip_body);
async fn catalog_round_trip_body(store: Arc<dyn Store>) {
    assert_eq!(store.load_catalog().await.unwrap(), Catalog::default());
    let mut c = catalog();
    store.save_catalog(&c).await.unwrap();
    assert_eq!(store.load_catalog().await.unwrap(), c);
    // Upsert: changed rows replaced, nothing deleted.
    let office = c.offices.get_mut("KZHOR001").unwrap();
    office.names.insert("kk".into(), "Қорғас".into());
    let mut partial = Catalog::default();
    partial
        .offices
        .insert("KZHOR001".parse().unwrap(), office.clone());
    store.save_catalog(&partial).await.unwrap();
    assert_eq!(store.load_catalog().await.unwrap(), c);
}

store_test!(parties_users_tokens, parties_users_tokens_body);
async fn parties_users_tokens_body(store: Arc<dyn Store>) {
    assert_eq!(
        store
            .party(&"KZ840000123456".parse().unwrap())
            .await
            .unwrap(),
        None
    );
    let mut p = party("KZ840000123456");
    store.save_party(&p).await.unwrap();
    assert_eq!(
        store
            .party(&"KZ840000123456".parse().unwrap())
            .await
            .unwrap(),
        Some(p.clone())
    );
    p.active = false;
    p.name = "Хоргос Гейтвей ТОО".into();
    store.save_party(&p).await.unwrap();
    assert_eq!(
        store
            .party(&"KZ840000123456".parse().unwrap())
            .await
            .unwrap(),
        Some(p.clone())
    );

    let mut u = trader("silkway", "KZ840000123456");
    store.save_user(&u).await.unwrap();
    assert_eq!(store.user("silkway").await.unwrap(), Some(u.clone()));
    u.role = Role::Officer;
    u.party = None;
    u.office_country = Some("KZ".parse().unwrap());
    store.save_user(&u).await.unwrap();
    assert_eq!(store.user("silkway").await.unwrap(), Some(u.clone()));
    assert_eq!(store.user("nobody").await.unwrap(), None);

    let at = t("2025-03-10T09:30:00.123456Z");
    let token = StoredToken::new(
        "ab12",
        "silkway",
        "ERP",
        at,
        at + chrono::Duration::days(90),
    );
    store.add_token(&token).await.unwrap();
    assert_eq!(store.token("ab12").await.unwrap(), Some(token.clone()));
    assert_eq!(store.token("ffff").await.unwrap(), None);
    // Last use and revocation are kept; a second revocation changes nothing.
    store.touch_token("ab12", at).await.unwrap();
    assert!(store.revoke_token("ab12", at).await.unwrap());
    assert!(!store.revoke_token("ab12", at).await.unwrap());
    let kept = store.token("ab12").await.unwrap().unwrap();
    assert_eq!((kept.last_used_at, kept.revoked_at), (Some(at), Some(at)));
    assert_eq!(store.tokens(Some("silkway")).await.unwrap(), vec![kept]);
    // A token of an unknown user is refused (foreign key).
    let orphan = StoredToken::new("cd34", "nobody", "", Utc::now(), Utc::now());
    assert!(store.add_token(&orphan).await.is_err());
}
