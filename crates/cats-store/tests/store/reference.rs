//! Reference data (the catalogue), parties, users and their tokens on both backends.

use super::*;

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

    store
        .add_token("silkway", "ab12", t("2025-03-10T09:30:00.123456Z"))
        .await
        .unwrap();
    assert_eq!(store.user_by_token("ab12").await.unwrap(), Some(u));
    assert_eq!(store.user_by_token("ffff").await.unwrap(), None);
    // A token of an unknown user is refused (foreign key).
    assert!(store.add_token("nobody", "cd34", Utc::now()).await.is_err());
}
