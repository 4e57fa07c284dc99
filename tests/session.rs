//! `db.session()`: the unit of work (add, add_all, update, delete, flush, commit, rollback),
//! batching with keys matched back to their rows, and failures across binds, on every backend.
//! Tests that fit in one connection per bind share one database per backend through
//! `Database::test_transaction` (`in_shared_databases`).

mod common;

use common::*;
use fsql::prelude::*;
use fsql::{BackendKind, DatabaseErrorKind, Operation, Registry};

#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(repr)]
pub struct Author {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(unique, length = 40)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Book {
    #[fsql(primary_key)]
    pub id: i64,
    #[fsql(references = Author, index)]
    pub author_id: i32,
    #[fsql(length = 80)]
    pub title: String,
}

/// An `Option` key, and columns the database fills when the field is left empty: rows of one
/// model with different column lists.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Entry {
    #[fsql(primary_key)]
    pub id: Option<i32>,
    #[fsql(length = 40)]
    pub label: String,
    #[fsql(default = "'draft'")]
    pub state: Option<String>,
}

/// Lives in a second database.
#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(bind = "audit")]
pub struct Audit {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(unique, length = 40)]
    pub note: String,
}

const TABLES: &[&fsql::TableMeta] = &[Author::META, Book::META, Entry::META];

/// A fresh database per backend (for tests that need more than one connection, or many rows).
fn dbs() -> Vec<TestDb> {
    each_backend(TABLES)
}

/// The test's database, recording, to see the statements: the same schema on a server, a new
/// in-memory database on SQLite, so the tables are created here.
fn recording(t: &TestDb) -> fsql::Database {
    let db = fsql::Database::builder()
        .url(t.db.url(None).unwrap().masked()) // test URLs carry no password
        .record_queries(true)
        .registry(Registry::new(TABLES.iter().copied()))
        .build()
        .unwrap();
    db.create_all().unwrap();
    db
}

fn author(name: &str) -> Author {
    Author {
        id: 0,
        name: name.into(),
    }
}

fn book(title: &str) -> Book {
    Book {
        id: 0,
        author_id: 0,
        title: title.into(),
    }
}

#[test]
fn commit_writes_and_handles_carry_the_assigned_keys() {
    in_shared_databases(TABLES, |db, _backend| {
        let mut session = db.session();
        assert!(session.is_empty());
        let ann = session.add(author("ann"));
        assert_eq!(ann.key(), None, "no key before the flush");
        let bob = session.add(author("bob"));
        session.commit().unwrap();
        assert!(session.is_empty(), "a commit empties the session");

        let (a, b) = (ann.key().unwrap(), bob.key().unwrap());
        assert_ne!(a, b);
        assert_eq!(Author::query().get_or_404(db, a).unwrap().name, "ann");
        assert_eq!(Author::query().get_or_404(db, b).unwrap().name, "bob");
        assert_eq!(
            ann.get().unwrap(),
            Author {
                id: a,
                name: "ann".into()
            }
        );

        // An empty commit is fine and writes nothing.
        session.commit().unwrap();
        assert_eq!(Author::query().count(db).unwrap(), 2);
    });
}

#[test]
fn children_of_new_parents_get_the_parents_keys_whatever_the_order_added() {
    in_shared_databases(TABLES, |db, _backend| {
        let existing = author("old").insert(db).unwrap();
        let mut session = db.session();
        // The Book unit is queued first: the flush must still insert the Author first.
        let first = session.add(Book {
            author_id: existing.id,
            ..book("first")
        });
        let ann = session.add(author("ann"));
        let second = session.add_with(book("second"), &ann, |b, a| b.author_id = a.id);
        let third = session.add_with(book("third"), &ann, |b, a| b.author_id = a.id);
        session.commit().unwrap();

        let ann_id = ann.key().unwrap();
        assert_ne!(ann_id, existing.id);
        assert_eq!(first.get().unwrap().author_id, existing.id);
        for (handle, title) in [(&second, "second"), (&third, "third")] {
            let stored = Book::query().get_or_404(db, handle.key().unwrap()).unwrap();
            assert_eq!(stored.title, title);
            assert_eq!(stored.author_id, ann_id, "linked to the new parent's key");
            assert_eq!(handle.get().unwrap(), stored);
        }
    });
}

#[test]
fn add_all_batches_and_matches_every_key_to_its_own_row() {
    const N: usize = 10_000;
    for t in dbs() {
        eprintln!("backend: {}", t.backend);
        let db = Database::builder()
            .url(t.db.url(None).unwrap().masked()) // test URLs carry no password
            .registry(Registry::new([Author::META, Book::META, Entry::META]))
            .record_queries(true)
            .build()
            .unwrap();
        db.create_all().unwrap(); // a new in-memory SQLite database; a no-op on servers
        let mut session = db.session();
        // Mostly database-assigned keys, with a run of explicit keys in the middle.
        let rows: Vec<Author> = (0..N)
            .map(|i| Author {
                id: if (4_000..4_010).contains(&i) {
                    1_000_000 + i as i32
                } else {
                    0
                },
                name: format!("author {i:05}"),
            })
            .collect();
        let handles = session.add_all(rows.clone());
        let (result, statements) = db.record(|| session.commit());
        result.unwrap();

        let inserts = statements
            .iter()
            .filter(|q| q.statement.starts_with("INSERT"))
            .count();
        assert!(
            (10..=40).contains(&inserts),
            "{N} rows in chunks, not one by one: {inserts} INSERT statements"
        );
        // Every handle holds its own row, and the database agrees on which key is whose.
        let stored: std::collections::HashMap<i32, String> = Author::query()
            .all(&db)
            .unwrap()
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        assert_eq!(stored.len(), N);
        for (i, (handle, row)) in handles.iter().zip(&rows).enumerate() {
            let got = handle.get().unwrap();
            assert_eq!(got.name, row.name, "handle {i} got another row");
            assert_eq!(stored[&got.id], row.name, "key {} is not row {i}'s", got.id);
            if row.id != 0 {
                assert_eq!(got.id, row.id, "explicit key kept");
            }
        }
    }
}

#[test]
fn rows_with_different_column_lists_and_option_keys_batch_correctly() {
    for t in dbs() {
        eprintln!("backend: {}", t.backend);
        let mut session = t.session();
        let rows: Vec<Entry> = (0..300)
            .map(|i| Entry {
                id: (i % 50 == 7).then_some(50_000 + i),
                label: format!("entry {i}"),
                state: (i % 3 == 0).then(|| format!("state {i}")),
            })
            .collect();
        let handles = session.add_all(rows.clone());
        session.commit().unwrap();
        for (h, row) in handles.iter().zip(&rows) {
            let got = h.get().unwrap();
            let key = got.id.expect("key assigned");
            if let Some(id) = row.id {
                assert_eq!(key, id);
            }
            assert_eq!(got.label, row.label);
            let want = row.state.clone().unwrap_or_else(|| "draft".into());
            assert_eq!(
                got.state.as_deref(),
                Some(want.as_str()),
                "server default read back"
            );
            let stored = Entry::query().get_or_404(&t.db, key).unwrap();
            assert_eq!(stored, got);
        }
    }
}

#[test]
fn reads_through_the_session_see_its_flushed_writes() {
    for t in dbs() {
        eprintln!("backend: {}", t.backend);
        let mut session = t.session();
        session.add(author("ann"));
        // The query flushes first (autoflush) and runs in the session's transaction.
        assert_eq!(Author::query().count(&mut session).unwrap(), 1);
        if t.backend != BackendKind::Sqlite {
            // (in-memory SQLite has one connection, held by the session)
            assert_eq!(
                Author::query().count(&t.db).unwrap(),
                0,
                "other connections do not see uncommitted work"
            );
        }
        let ann = Author::query()
            .filter(Author::name.eq("ann"))
            .one(&mut session)
            .unwrap();
        session.update(Author {
            name: "anna".into(),
            ..ann.clone()
        });
        assert_eq!(
            Author::query()
                .get_or_404(&mut session, ann.id)
                .unwrap()
                .name,
            "anna"
        );
        session.commit().unwrap();
        assert_eq!(
            Author::query().get_or_404(&t.db, ann.id).unwrap().name,
            "anna"
        );
    }
}

#[test]
fn deletes_run_children_first_and_rollback_discards_everything() {
    for t in dbs() {
        eprintln!("backend: {}", t.backend);
        let a = author("ann").insert(&t.db).unwrap();
        let b = Book {
            author_id: a.id,
            ..book("b")
        }
        .insert(&t.db)
        .unwrap();

        let mut session = t.session();
        // Parent queued first: with foreign keys enforced this fails unless the child goes
        // first.
        session.delete(a.clone());
        session.delete(b.clone());
        session.flush().unwrap();
        assert_eq!(Book::query().count(&mut session).unwrap(), 0);
        let kinds: Vec<_> = session.pending().iter().map(|p| p.operation).collect();
        assert_eq!(kinds, [Operation::Delete, Operation::Delete]);
        assert!(session.pending().iter().all(|p| p.flushed));

        // Roll back: the deletes are undone and the queue is empty.
        let added = session.add(author("zed"));
        session.flush().unwrap();
        assert!(added.key().is_some());
        session.rollback().unwrap();
        assert!(session.is_empty());
        assert_eq!(added.key(), None, "a rolled-back row has no key");
        assert_eq!(Author::query().count(&t.db).unwrap(), 1);
        assert_eq!(Book::query().count(&t.db).unwrap(), 1);

        // Now for real.
        session.delete(a);
        session.delete(b);
        session.commit().unwrap();
        assert_eq!(Author::query().count(&t.db).unwrap(), 0);
        assert_eq!(Book::query().count(&t.db).unwrap(), 0);
    }
}

#[test]
fn a_dropped_session_rolls_back() {
    in_shared_databases(TABLES, |db, _backend| {
        {
            let mut session = db.session();
            session.add(author("ghost"));
            session.flush().unwrap();
        }
        assert_eq!(Author::query().count(db).unwrap(), 0);
    });
}

#[test]
fn a_failed_statement_rolls_back_and_keeps_the_work_for_a_retry() {
    in_shared_databases(TABLES, |db, _backend| {
        let taken = author("taken").insert(db).unwrap();
        let mut session = db.session();
        let ok = session.add(Book {
            author_id: taken.id,
            ..book("kept")
        });
        let dup = session.add(author("taken"));
        let err = session.commit().unwrap_err();
        match &err {
            fsql::Error::Database {
                kind,
                model,
                statement,
                ..
            } => {
                assert_eq!(*kind, DatabaseErrorKind::UniqueViolation, "{err}");
                assert_eq!(*model, Some("Author"), "{err}");
                let sql = statement.as_deref().unwrap_or("");
                assert!(sql.starts_with("INSERT") && sql.contains("author"), "{err}");
            }
            other => panic!("expected a database error, got {other:?}"),
        }
        assert_eq!(Book::query().count(db).unwrap(), 0, "nothing written");
        assert_eq!(ok.key(), None);
        let pending = session.pending();
        assert_eq!(pending.len(), 2, "{pending:?}");
        assert!(pending.iter().all(|p| !p.flushed));

        // Fix the cause and commit again: the kept work goes through.
        let mut fixed = taken.clone();
        fixed.name = "renamed".into();
        fixed.update(db).unwrap();
        session.commit().unwrap();
        assert_eq!(ok.get().unwrap().title, "kept");
        assert_eq!(dup.get().unwrap().name, "taken");
    });
}

#[test]
fn updating_a_missing_row_is_not_found_and_undoes_the_rest() {
    in_shared_databases(TABLES, |db, _backend| {
        let mut session = db.session();
        let ann = session.add(author("ann"));
        session.update(Author {
            id: 999_999,
            name: "nobody".into(),
        });
        let err = session.commit().unwrap_err();
        assert!(err.is_not_found(), "{err}");
        assert!(err.to_string().contains("999999"), "{err}");
        assert_eq!(ann.key(), None);
        assert_eq!(Author::query().count(db).unwrap(), 0);
    });
}

/// The two-bind databases of `tests/common`, with this file's models.
fn two_binds() -> (
    Vec<(String, Database, Option<Namespace>)>,
    tempfile::TempDir,
) {
    two_bind_databases(
        "audit",
        &[Author::META, Book::META, Entry::META, Audit::META],
    )
}

#[test]
fn a_constraint_violation_on_the_second_bind_leaves_the_first_unchanged() {
    let (dbs, _dir) = two_binds();
    for (name, db, _namespace) in dbs {
        eprintln!("binds: {name}");
        db.create_all().unwrap();
        Audit {
            id: 0,
            note: "dup".into(),
        }
        .insert(&db)
        .unwrap();

        let mut session = db.session();
        let ann = session.add(author("ann"));
        // The default bind is written first (queued first, no dependency between the two).
        session.add(Audit {
            id: 0,
            note: "dup".into(),
        });
        let err = session.commit().unwrap_err();
        assert!(
            matches!(
                &err,
                fsql::Error::Database {
                    kind: DatabaseErrorKind::UniqueViolation,
                    model: Some("Audit"),
                    ..
                }
            ),
            "{name}: {err}"
        );
        assert_eq!(
            Author::query().count(&db).unwrap(),
            0,
            "{name}: first bind rolled back"
        );
        assert_eq!(ann.key(), None);
        assert_eq!(Audit::query().count(&db).unwrap(), 1);

        // Both binds commit once the conflict is gone.
        let mut stored = Audit::query().one(&db).unwrap();
        stored.note = "other".into();
        stored.update(&db).unwrap();
        session.commit().unwrap();
        assert_eq!(Author::query().count(&db).unwrap(), 1, "{name}");
        assert_eq!(Audit::query().count(&db).unwrap(), 2, "{name}");
    }
}

/// Thousands of queued deletes, parents queued before their children: the flush deletes the
/// children first (or the foreign keys would refuse the parents), with its plan made per table.
#[test]
fn many_deletes_run_children_first() {
    for t in dbs() {
        eprintln!("backend: {}", t.backend);
        let recording = recording(&t);
        let db = &recording;
        let mut setup = db.session();
        let handles = setup.add_all((0..100).map(|i| author(&format!("author {i}"))));
        setup.commit().unwrap();
        let authors: Vec<Author> = handles.iter().map(|h| h.get().unwrap()).collect();
        let handles = setup.add_all(authors.iter().flat_map(|a| {
            (0..20).map(move |i| Book {
                id: 0,
                author_id: a.id,
                title: format!("book {i}"),
            })
        }));
        setup.commit().unwrap();
        let books: Vec<Book> = handles.iter().map(|h| h.get().unwrap()).collect();
        assert_eq!(books.len(), 2_000);

        let mut session = db.session();
        for a in authors {
            session.delete(a);
        }
        for b in books {
            session.delete(b);
        }
        // One entry per run of deletes of one model, holding every row.
        let pending = session.pending();
        let runs: Vec<_> = pending.iter().map(|p| (p.table.name, p.rows)).collect();
        assert_eq!(runs, [("author", 100), ("book", 2_000)], "{pending:?}");
        // Children first, each model's rows as `IN` lists of at most 1,000 keys: 2 + 1.
        let ((), statements) = db.record(|| session.commit().unwrap());
        let deletes: Vec<_> = statements
            .iter()
            .filter(|s| s.statement.starts_with("DELETE"))
            .collect();
        assert_eq!(deletes.len(), 3, "{deletes:#?}");
        assert!(deletes[0].statement.contains("book") && deletes[2].statement.contains("author"));
        assert_eq!(Book::query().count(db).unwrap(), 0);
        assert_eq!(Author::query().count(db).unwrap(), 0);
    }
}

/// A batched delete that matches fewer rows than queued fails like a one-row delete of a
/// missing key (`NotFound`), rolls back everything the flush wrote, and keeps the work queued.
#[test]
fn a_batched_delete_of_a_missing_row_rolls_back() {
    for t in dbs() {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        let mut setup = db.session();
        let handles = setup.add_all((0..5).map(|i| author(&format!("gone {i}"))));
        setup.commit().unwrap();
        let authors: Vec<Author> = handles.iter().map(|h| h.get().unwrap()).collect();
        // Deleted behind the session's back.
        authors[3].delete(db).unwrap();

        let mut session = db.session();
        session.add(author("new one"));
        for a in &authors {
            session.delete(a.clone());
        }
        let err = session.commit().unwrap_err();
        assert!(matches!(err, fsql::Error::NotFound { .. }), "{err:?}");
        assert!(
            err.to_string().contains("expected to delete 5 rows"),
            "{err}"
        );
        // Nothing written: the insert and the other deletes were rolled back.
        assert_eq!(Author::query().count(db).unwrap(), 4);
        assert!(session.pending().iter().all(|p| !p.flushed));

        // Queued again without the missing one, they go through.
        let mut retry = db.session();
        for (i, a) in authors.iter().enumerate() {
            if i != 3 {
                retry.delete(a.clone());
            }
        }
        retry.commit().unwrap();
        assert_eq!(Author::query().count(db).unwrap(), 0);
    }
}

/// 2,500 rows added in one session go out as one multi-row `INSERT` per 1,000 rows on every
/// backend; on MySQL, whose keys come from `LAST_INSERT_ID()`, the server's key settings are
/// checked once for the whole batch, and no savepoint is needed around a chunk.
#[test]
fn a_large_add_all_is_a_few_statements() {
    for t in dbs() {
        eprintln!("backend: {}", t.backend);
        let recording = recording(&t);
        let mut session = recording.session();
        let handles = session.add_all((0..2_500).map(|i| author(&format!("bulk {i:04}"))));
        let ((), statements) = recording.record(|| session.commit().unwrap());
        let count = |prefix: &str| {
            statements
                .iter()
                .filter(|s| s.statement.starts_with(prefix))
                .count()
        };
        assert_eq!(count("INSERT"), 3, "{:#?}", statements.len());
        assert!(count("SELECT CAST(@@innodb_autoinc_lock_mode") <= 1);
        assert_eq!(count("SAVEPOINT"), 0);
        let keys: Vec<i32> = handles.iter().map(|h| h.key().unwrap()).collect();
        let stored = Author::query()
            .order_by(Author::id.asc())
            .all(&recording)
            .unwrap();
        assert_eq!(stored.len(), 2_500);
        for (h, k) in handles.iter().zip(&keys) {
            let row = h.get().unwrap();
            assert_eq!(row.id, *k);
            assert!(stored.iter().any(|s| s.id == *k && s.name == row.name));
        }
    }
}

/// Flask-SQLAlchemy's `session.expunge(obj)` of a pending row, and its repr before and after
/// the flush (`<Author (pending 7)>`, then `<Author 1>`).
#[test]
fn expunge_takes_a_queued_row_out_and_pending_rows_show_their_state() {
    in_shared_databases(TABLES, |db, _backend| {
        let mut session = db.session();
        let ann = session.add(author("ann"));
        let bob = session.add(author("bob"));
        let cat = session.add(author("cat"));
        let shown = bob.to_string();
        assert!(
            shown.starts_with("<Author (pending ") && shown.ends_with(")>"),
            "{shown}"
        );
        assert_ne!(shown, cat.to_string(), "each handle has its own number");
        // A child linked to the expunged row fails the flush, naming its parent.
        let orphan = session.add_with(book("orphan"), &bob, |b, a| b.author_id = a.id);
        assert!(session.expunge(&bob));
        assert!(!session.expunge(&bob), "already out");
        let err = session.flush().unwrap_err();
        assert!(err.to_string().contains("has not been written"), "{err}");
        assert!(session.expunge(&orphan));
        session.commit().unwrap();
        assert_eq!(bob.key(), None);
        assert_eq!(ann.to_string(), format!("<Author {}>", ann.key().unwrap()));
        let mut names: Vec<String> = Author::query()
            .all(db)
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
        names.sort();
        assert_eq!(names, ["ann", "cat"]);
        // The last row of a model leaves nothing queued.
        let mut session = db.session();
        let dan = session.add(author("dan"));
        assert!(session.expunge(&dan));
        assert!(session.is_empty());
        assert!(!session.expunge(&ann), "a written row is not queued");
    });
}
