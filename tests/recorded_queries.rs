//! Recorded queries (Flask-SQLAlchemy's `SQLALCHEMY_RECORD_QUERIES` / `get_recorded_queries()`),
//! on every backend.

mod common;

use common::*;
use fsql::prelude::*;
use fsql::Registry;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Note {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(unique, length = 40)]
    pub title: String,
}

/// A model keyed by text, whose key is recorded as Diesel prints a string.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Label {
    #[fsql(primary_key, length = 40)]
    pub code: String,
}

/// A database on the same server namespace as `t`, recording.
fn recording(t: &TestDb) -> Database {
    let db = Database::builder()
        .url(t.db.url(None).unwrap().masked()) // test URLs carry no password
        .record_queries(true)
        .registry(Registry::new([Note::META, Label::META]))
        .build()
        .unwrap();
    db.create_all().unwrap();
    db.clear_recorded_queries();
    db
}

fn here(line: u32) -> String {
    format!("{}:{line}", file!())
}

#[test]
fn every_statement_is_recorded_with_the_line_that_ran_it() {
    for t in each_backend(&[]) {
        eprintln!("backend: {}", t.backend);
        let db = recording(&t);
        let row = Note {
            id: 0,
            title: "first".into(),
        };
        // `line!()` in the same expression as the call: the location is the call's line.
        let (n, inserted_at) = (row.insert(&db).unwrap(), line!());
        let (_, get_at) = (Note::query().get(&db, n.id).unwrap(), line!());
        let ordered = Note::query().order_by(Note::id.asc());
        let (_, page_at) = (ordered.paginate(&db, PageRequest::new(1)).unwrap(), line!());

        let q = db.recorded_queries();
        let insert = q
            .iter()
            .find(|r| r.statement.starts_with("INSERT"))
            .expect("insert recorded");
        assert!(insert.statement.contains("note"), "{insert}");
        assert!(
            insert.parameters.contains("first"),
            "parameters are recorded: {insert}"
        );
        assert_eq!(insert.location, here(inserted_at));
        assert_eq!(insert.bind, None);
        assert!(insert.end_time >= insert.start_time && insert.error.is_none());

        let select_at = |line| {
            q.iter()
                .filter(|r| r.location == here(line) && r.statement.starts_with("SELECT"))
                .count()
        };
        assert_eq!(select_at(get_at), 1, "{q:#?}");
        assert_eq!(
            select_at(page_at),
            2,
            "page and count, both at the paginate call: {q:#?}"
        );
        let order: Vec<_> = q.iter().map(|r| r.location.clone()).collect();
        let first_get = order.iter().position(|l| *l == here(get_at)).unwrap();
        let first_page = order.iter().position(|l| *l == here(page_at)).unwrap();
        assert!(first_get < first_page, "in the order they ran");

        db.clear_recorded_queries();
        assert!(db.recorded_queries().is_empty());
    }
}

/// Lookups by key take their SQL from the connection's cache of statement shapes after the
/// first (recording renders a statement only once per connection): each must still show the
/// statement Diesel runs and its own parameter, in order, with consistent times. Debug builds
/// also check, on the first lookup, that the shape's parameters print as Diesel prints them.
#[test]
fn repeated_lookups_are_recorded_with_their_own_parameters() {
    for t in each_backend(&[]) {
        eprintln!("backend: {}", t.backend);
        let db = recording(&t);
        let mut ids = Vec::new();
        for title in ["a", "b", "c"] {
            let n = Note {
                id: 0,
                title: title.into(),
            }
            .insert(&db)
            .unwrap();
            ids.push(n.id);
        }
        // Hand-written Diesel's rendering of the same lookup, recorded on a pooled connection.
        let (_, plain) = db.record(|| {
            let mut conn = db.connection().unwrap();
            Note::query().get(&mut conn, ids[0]).unwrap()
        });
        let (_, recorded) = db.record(|| {
            for &id in &ids {
                assert!(Note::query().get(&db, id).unwrap().is_some());
            }
            Note::query().get(&db, -1).unwrap()
        });
        assert_eq!(plain.len(), 1, "{plain:#?}");
        assert_eq!(recorded.len(), 4, "{recorded:#?}");
        for (r, id) in recorded.iter().zip(ids.iter().copied().chain([-1])) {
            assert_eq!(r.statement, plain[0].statement, "{r}");
            assert!(r.statement.starts_with("SELECT"), "{r}");
            assert_eq!(r.parameters, format!("[{id}]"), "{r}");
            assert!(r.end_time >= r.start_time, "{r:?}");
        }
        for pair in recorded.windows(2) {
            assert!(pair[1].start_time >= pair[0].start_time, "{pair:#?}");
        }
    }
}

/// A text key is kept as a value and printed when read: quoted and escaped as Diesel prints
/// it, for the first lookup (rendered by Diesel) and the later ones (from the shape).
#[test]
fn lookups_by_text_key_record_the_key_as_diesel_prints_it() {
    for t in each_backend(&[]) {
        eprintln!("backend: {}", t.backend);
        let db = recording(&t);
        let codes = ["plain", "with \"quotes\" and \\", "ünï"];
        for code in codes {
            Label { code: code.into() }.insert(&db).unwrap();
        }
        let (_, recorded) = db.record(|| {
            for code in codes {
                let found = Label::query().get(&db, code.to_owned()).unwrap();
                assert_eq!(found.map(|l| l.code).as_deref(), Some(code));
            }
        });
        assert_eq!(recorded.len(), codes.len(), "{recorded:#?}");
        for (r, code) in recorded.iter().zip(codes) {
            assert_eq!(r.parameters, format!("[{code:?}]"), "{r}");
        }
    }
}

#[test]
fn scoped_recording_failures_and_raw_diesel() {
    for t in each_backend(&[]) {
        eprintln!("backend: {}", t.backend);
        let db = recording(&t);
        Note {
            id: 0,
            title: "a".into(),
        }
        .insert(&db)
        .unwrap();
        let (count, statements) = db.record(|| Note::query().count(&db).unwrap());
        assert_eq!(count, 1);
        assert_eq!(statements.len(), 1, "{statements:#?}");
        assert!(
            statements[0].statement.contains("COUNT(*)"),
            "{}",
            statements[0]
        );

        // Nested scopes: the outer one sees everything, the inner one its own.
        let ((_, inner), outer) = db.record(|| {
            Note::query().all(&db).unwrap();
            db.record(|| Note::query().first(&db).unwrap())
        });
        assert_eq!((inner.len(), outer.len()), (1, 2));

        // A failed statement is recorded too.
        let (err, failed) = db.record(|| {
            Note {
                id: 0,
                title: "a".into(),
            }
            .insert(&db)
            .unwrap_err()
        });
        assert!(err.database_kind().is_some(), "{err}");
        assert!(
            failed.iter().any(|r| r.statement.starts_with("INSERT")),
            "{failed:#?}"
        );

        // Hand-written Diesel on a pooled connection: recorded, origin unknown.
        let (_, raw) = db.record(|| {
            let mut conn = db.connection().unwrap();
            diesel::connection::SimpleConnection::batch_execute(&mut *conn, "SELECT 1").ok();
            use diesel::RunQueryDsl;
            diesel::sql_query("SELECT 1 AS one")
                .execute(&mut *conn)
                .unwrap();
        });
        assert!(
            raw.iter().any(|r| r.location == fsql::UNKNOWN_LOCATION),
            "{raw:#?}"
        );
    }
}

#[test]
fn nothing_is_recorded_unless_asked() {
    let db = sqlite_memory(&[Note::META]);
    Note {
        id: 0,
        title: "x".into(),
    }
    .insert(&db)
    .unwrap();
    assert!(db.recorded_queries().is_empty());
    let (_, statements) = db.record(|| Note::query().all(&db).unwrap());
    assert!(statements.is_empty());
}

#[test]
fn statements_carry_their_bind() {
    let db = Database::builder()
        .url("sqlite://")
        .bind("notes", "sqlite://")
        .record_queries(true)
        .registry(Registry::new([]))
        .build()
        .unwrap();
    let (_, statements) = db.record(|| {
        let mut conn = db.connection_to(Some("notes")).unwrap();
        diesel::connection::SimpleConnection::batch_execute(&mut *conn, "SELECT 1").unwrap();
        use diesel::RunQueryDsl;
        diesel::sql_query("SELECT 2 AS two")
            .execute(&mut *conn)
            .unwrap();
    });
    assert!(
        statements
            .iter()
            .all(|r| r.bind.as_deref() == Some("notes")),
        "{statements:#?}"
    );
    assert!(!statements.is_empty());
}

/// Diesel prints a statement as `<sql> -- binds: [..]`; a value holding that marker once made
/// the recorder cut at the wrong place and put the value into the statement.
#[test]
fn a_value_holding_the_binds_marker_never_reaches_the_statement() {
    for t in each_backend(&[]) {
        let db = recording(&t);
        let title = "\" -- binds: [\"SEC1\"] -- binds: SEC2";
        let ((), recorded) = db.record(|| {
            Note {
                id: 0,
                title: title.to_owned(),
            }
            .insert(&db)
            .unwrap();
            let found = Note::query()
                .filter(Note::title.eq(title))
                .count(&db)
                .unwrap();
            assert_eq!(found, 1);
        });
        assert!(recorded.len() >= 2, "{}: {recorded:?}", t.backend);
        for q in &recorded {
            assert!(
                !q.statement.contains("SEC"),
                "{}: {}",
                t.backend,
                q.statement
            );
            assert!(
                !q.statement.contains(" -- binds: "),
                "{}: {}",
                t.backend,
                q.statement
            );
        }
        assert!(
            recorded.iter().any(|q| q.statement.starts_with("INSERT")
                && q.parameters.contains("SEC1")
                && q.parameters.contains("SEC2")),
            "{}: the value stays in the parameters: {recorded:?}",
            t.backend
        );
    }
}
