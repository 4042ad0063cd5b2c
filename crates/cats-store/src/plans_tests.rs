//! Query plans of the hot movement statements on SQLite: each finds its rows through an index,
//! so that a lodging or a list costs the same with ten movements stored or ten million.
//! (SQLite plans without statistics unless `ANALYZE` runs, so these plans are the ones a node
//! gets; PostgreSQL plans by statistics and is checked by `cats bench fill` instead.)

use cats_app::store::MovementFilter;
use cats_domain::movement::MovementState;

use crate::movements::{list_statements, LRN_IN_USE};
use crate::sql::{Backend, Sql};
use crate::SqlStore;

async fn plan(store: &SqlStore, sql: Sql<'_>) -> String {
    let rows = sql
        .explained(Backend::Sqlite)
        .fetch_all(&mut store.pool.db())
        .await
        .expect("query plan");
    rows.iter()
        .map(|r| r.text("detail").expect("detail"))
        .collect::<Vec<_>>()
        .join("; ")
}

async fn store() -> (tempfile::TempDir, SqlStore) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = SqlStore::open_sqlite(&dir.path().join("cats.db"))
        .await
        .expect("open SQLite");
    (dir, store)
}

#[tokio::test]
async fn the_lodging_lrn_check_uses_the_partial_index() {
    let (_dir, store) = store().await;
    let sql = Sql::new(LRN_IN_USE).bind("KZ840000123456").bind("LRN-1");
    let plan = plan(&store, sql).await;
    assert!(
        plan.contains("INDEX movements_live_lrn"),
        "the LRN check of every lodging must not read the whole table: {plan}"
    );
}

#[tokio::test]
async fn movement_lists_search_an_index_and_count_a_bounded_number() {
    let (_dir, store) = store().await;
    let holder = MovementFilter {
        holder: Some("KZ840000123456".parse().expect("EORI")),
        state: Some(MovementState::ReleasedForTransit),
        page: 3,
        count: 50,
        ..Default::default()
    };
    let lrn = MovementFilter {
        lrn: Some("LRN-1".parse().expect("LRN")),
        ..Default::default()
    };
    let mrn = MovementFilter {
        mrn: Some("25KZHOR001000001J8".parse().expect("MRN")),
        ..Default::default()
    };
    let holder_all = MovementFilter {
        state: None,
        ..holder.clone()
    };
    for (filter, index) in [
        (&holder, "movements_holder_state"),
        (&holder_all, "movements_holder"),
        (&lrn, "movements_lrn"),
        (&mrn, "sqlite_autoindex_movements_2"),
    ] {
        let (count, page) = list_statements(filter);
        for sql in [count, page] {
            let plan = plan(&store, sql).await;
            assert!(
                plan.contains(&format!("INDEX {index}")),
                "{filter:?} should search {index}: {plan}"
            );
            if index.starts_with("movements_holder") {
                in_list_order(&plan);
            }
        }
    }
    // An officer's list matches most of a national node's movements: its page walks the
    // newest-first index, and its count stops one past the limit.
    let officer = MovementFilter {
        office_country: Some("KZ".parse().expect("country")),
        page: 1,
        count: 50,
        ..Default::default()
    };
    let arrived = MovementFilter {
        state: Some(MovementState::Arrived),
        ..officer.clone()
    };
    // Its list by state tests the country on the index entry: the count never reads the table.
    let (count_arrived, page_arrived) = list_statements(&arrived);
    let plan_arrived = plan(&store, page_arrived).await;
    assert!(
        plan_arrived.contains("INDEX movements_state_offices"),
        "{plan_arrived}"
    );
    let plan_count = plan(&store, count_arrived).await;
    assert!(
        plan_count.contains("COVERING INDEX movements_state_offices"),
        "{plan_count}"
    );
    let (count, page) = list_statements(&officer);
    assert!(
        count.text().contains(") AS matching") && count.text().contains(" LIMIT "),
        "the officer's count is bounded: {}",
        count.text()
    );
    let page = plan(&store, page).await;
    assert!(page.contains("INDEX movements_updated"), "{page}");
    in_list_order(&page);
    in_list_order(&plan_arrived);
}

/// The index gives the rows in the list's order (`updated_at DESC, id DESC`, migration 0027): no
/// sorting, so the rows a page skips are never read from the table. (A search by LRN or MRN
/// finds a few movements and sorts them.)
fn in_list_order(plan: &str) {
    assert!(
        !plan.contains("TEMP B-TREE"),
        "a list must not sort what its index can give in order: {plan}"
    );
}
