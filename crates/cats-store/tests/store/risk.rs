//! Risk profiles (versioned) and restricted goods on both backends.

use super::*;

use cats_app::store::ProfileVersion;
use cats_domain::risk::RiskProfile;

pub(super) fn profile_version(
    id: &str,
    version: i64,
    retired: bool,
    at: DateTime<Utc>,
) -> ProfileVersion {
    ProfileVersion {
        profile: RiskProfile {
            id: id.into(),
            description: format!("Телефоны {id} v{version}"),
            hs_prefixes: vec!["8517".into()],
            countries_of_dispatch: vec!["CN".parse().unwrap()],
            min_value_per_kg: Some(1.5),
            score: Some(40 + version as u32),
            valid_from: Some("2026-01-01".parse().unwrap()),
            ..RiskProfile::default()
        },
        version,
        retired,
        changed_by: "officer.kz".into(),
        changed_at: at,
    }
}

store_test!(risk_profiles_versioned, risk_profiles_versioned_body);
async fn risk_profiles_versioned_body(store: Arc<dyn Store>) {
    let at = t("2026-02-01T10:00:00.123456Z");
    assert!(store.risk_profiles().await.unwrap().is_empty());
    for (id, n) in [("P-0002", 3), ("P-0001", 1), ("P-0010", 2)] {
        for v in 1..=n {
            let pv = profile_version(id, v, false, at + Duration::minutes(v));
            store
                .save_risk_profile(&pv, &audit("risk-profile.update", None, at))
                .await
                .unwrap();
        }
    }
    // A version that exists already is a conflict, and nothing of it is kept (no audit entry).
    let audits = store.audit_log(None, 100).await.unwrap().len();
    assert!(matches!(
        store
            .save_risk_profile(
                &profile_version("P-0002", 3, true, at),
                &audit("risk-profile.retire", None, at)
            )
            .await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(store.audit_log(None, 100).await.unwrap().len(), audits);
    assert_eq!(audits, 6);
    let current = store.risk_profiles().await.unwrap();
    let ids: Vec<(&str, i64)> = current
        .iter()
        .map(|v| (v.profile.id.as_str(), v.version))
        .collect();
    assert_eq!(ids, [("P-0001", 1), ("P-0002", 3), ("P-0010", 2)]);
    assert_eq!(
        current[1],
        profile_version("P-0002", 3, false, at + Duration::minutes(3))
    );
    let history = store.risk_profile_versions("P-0002").await.unwrap();
    assert_eq!(
        history.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(history[0].profile.description, "Телефоны P-0002 v1");
    assert!(store.risk_profile_versions("P-9").await.unwrap().is_empty());
}

store_test!(restricted_goods_replaced, restricted_goods_replaced_body);
async fn restricted_goods_replaced_body(store: Arc<dyn Store>) {
    let mut c = catalog();
    c.restricted = vec![RestrictedGoods {
        hs_prefix: "93".into(),
        restriction: Restriction::Prohibited,
        reason: "arms".into(),
        source: "test".into(),
    }];
    store.save_catalog(&c).await.unwrap();
    let new = vec![
        RestrictedGoods {
            hs_prefix: "2402".into(),
            restriction: Restriction::AlwaysControlled,
            reason: "табак".into(),
            source: "administrator".into(),
        },
        RestrictedGoods {
            hs_prefix: "870323".into(),
            restriction: Restriction::IndividualGuarantee,
            reason: "cars".into(),
            source: "administrator".into(),
        },
    ];
    let at = t("2026-02-01T10:00:00Z");
    store
        .set_restricted_goods(&new, &audit("restricted-goods.set", None, at))
        .await
        .unwrap();
    let mut loaded = store.load_catalog().await.unwrap().restricted;
    loaded.sort_by(|a, b| a.hs_prefix.cmp(&b.hs_prefix));
    assert_eq!(loaded, new, "the old entry is gone, the new ones are kept");
    assert_eq!(
        store.restricted_goods().await.unwrap(),
        new,
        "read alone, by HS prefix, as the catalogue has it"
    );
    assert_eq!(
        store.load_catalog().await.unwrap().offices.len(),
        c.offices.len()
    );
    assert_eq!(store.audit_log(None, 10).await.unwrap().len(), 1);
}
