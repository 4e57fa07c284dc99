//! `Database::test_transaction`: a test's work rolled back at the end on every bind, whatever
//! ran it (model methods, sessions, raw connections), also when the test panics.

mod common;

use common::*;
use fsql::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Item {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(unique, length = 40)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(bind = "other")]
pub struct Mark {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(unique, length = 40)]
    pub label: String,
}

fn item(name: &str) -> Item {
    Item {
        id: 0,
        name: name.into(),
    }
}

fn mark(label: &str) -> Mark {
    Mark {
        id: 0,
        label: label.into(),
    }
}

/// The two-bind databases of `tests/common`, with this file's models.
fn two_binds() -> (
    Vec<(String, Database, Option<Namespace>)>,
    tempfile::TempDir,
) {
    two_bind_databases("other", &[Item::META, Mark::META])
}

fn counts(db: &Database) -> (u64, u64) {
    (
        Item::query().count(db).unwrap(),
        Mark::query().count(db).unwrap(),
    )
}

#[test]
fn everything_done_inside_is_rolled_back_on_every_bind() {
    let (dbs, _dir) = two_binds();
    for (name, db, _ns) in dbs {
        eprintln!("binds: {name}");
        item("before").insert(&db).unwrap();

        let seen = db
            .test_transaction(|tx| {
                item("model").insert(tx).unwrap();
                mark("model").insert(tx).unwrap();
                let mut session = tx.session();
                session.add(item("session"));
                session.add(mark("session"));
                session.commit().unwrap();
                drop(session);
                {
                    use diesel::RunQueryDsl;
                    let mut conn = tx.connection_to(Some("other")).unwrap();
                    diesel::sql_query("DELETE FROM mark WHERE label = 'model'")
                        .execute(&mut *conn)
                        .unwrap();
                }
                counts(tx)
            })
            .unwrap();
        assert_eq!(seen, (3, 1), "{name}: the work is visible inside");
        assert_eq!(counts(&db), (1, 0), "{name}: and gone outside");

        // The connections went back to their pools, usable, outside any transaction.
        item("after").insert(&db).unwrap();
        assert_eq!(counts(&db), (2, 0), "{name}");
    }
}

#[test]
fn a_panicking_test_is_rolled_back_too() {
    let (dbs, _dir) = two_binds();
    for (name, db, _ns) in dbs {
        eprintln!("binds: {name}");
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            db.test_transaction(|tx| {
                item("x").insert(tx).unwrap();
                mark("x").insert(tx).unwrap();
                panic!("test failed");
            })
        }));
        assert!(outcome.is_err());
        assert_eq!(counts(&db), (0, 0), "{name}");
        // Same unique values again: nothing was left behind.
        item("x").insert(&db).unwrap();
        mark("x").insert(&db).unwrap();
    }
}

#[test]
fn tests_share_a_database_without_cleaning_up() {
    // The same unique rows, three times: each run starts from the same empty tables.
    for _ in 0..3 {
        in_shared_databases(&[Item::META], |db, backend| {
            assert_eq!(Item::query().count(db).unwrap(), 0, "{backend}");
            item("only").insert(db).unwrap();
            let mut session = db.session();
            session.add(item("one"));
            session.commit().unwrap();
            assert_eq!(Item::query().count(db).unwrap(), 2, "{backend}");
        });
    }
}
