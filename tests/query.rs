//! `Query<M>` helpers with Flask-SQLAlchemy's semantics: `one`, `exists`, `distinct` and the
//! 404 forms, on every backend.

mod common;

use common::*;
use fsql::prelude::*;
use fsql::Error;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Book {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 100)]
    pub title: String,
    pub year: i32,
}

fn seeded() -> Vec<TestDb> {
    let dbs = each_backend(&[Book::META]);
    for t in &dbs {
        for (title, year) in [
            ("Dune", 1965),
            ("Emma", 1815),
            ("Ulysses", 1922),
            ("Beloved", 1987),
        ] {
            Book {
                id: 0,
                title: title.into(),
                year,
            }
            .insert(&t.db)
            .unwrap();
        }
    }
    dbs
}

const WERKZEUG_404: &str = "The requested URL was not found on the server.";

#[test]
fn one_is_exactly_one() {
    for t in seeded() {
        let db = &t.db;
        eprintln!("backend: {}", t.backend);
        let dune = Book::query()
            .filter(Book::title.eq("Dune"))
            .one(db)
            .unwrap();
        assert_eq!(dune.year, 1965);
        let e = Book::query()
            .filter(Book::title.eq("Nope"))
            .one(db)
            .unwrap_err();
        assert!(e.is_not_found(), "{e}");
        assert!(e.to_string().contains("no `Book` row matches"), "{e}");
        let e = Book::query()
            .filter(Book::year.gt(1900))
            .one(db)
            .unwrap_err();
        assert!(
            matches!(e, Error::MultipleResultsFound { model: "Book" }),
            "{e}"
        );
        assert!(e.to_string().contains("found several"), "{e}");
        // A limit of one makes it one.
        let q = Book::query()
            .filter(Book::year.gt(1900))
            .order_by(Book::year.asc())
            .limit(1);
        assert_eq!(q.one(db).unwrap().title, "Ulysses");
    }
}

#[test]
fn exists_respects_filters_limit_and_offset() {
    for t in seeded() {
        let db = &t.db;
        eprintln!("backend: {}", t.backend);
        assert!(Book::query().exists(db).unwrap());
        assert!(Book::query()
            .filter(Book::year.lt(1900))
            .exists(db)
            .unwrap());
        assert!(!Book::query()
            .filter(Book::year.lt(1800))
            .exists(db)
            .unwrap());
        assert!(!Book::query().limit(0).exists(db).unwrap());
        assert!(Book::query().offset(3).exists(db).unwrap());
        assert!(!Book::query().offset(4).exists(db).unwrap());
    }
}

#[test]
fn distinct_keeps_every_row_and_its_count() {
    for t in seeded() {
        let db = &t.db;
        eprintln!("backend: {}", t.backend);
        let q = Book::query().distinct().order_by(Book::id.asc());
        assert_eq!(q.all(db).unwrap().len(), 4);
        assert_eq!(q.count(db).unwrap(), 4);
    }
}

#[test]
fn the_404_forms() {
    for t in seeded() {
        let db = &t.db;
        eprintln!("backend: {}", t.backend);
        let first = Book::query()
            .order_by(Book::year.asc())
            .first_or_404(db)
            .unwrap();
        assert_eq!(first.title, "Emma");
        assert_eq!(Book::query().get_or_404(db, first.id).unwrap(), first);

        let missing = Book::query().get_or_404(db, 999).unwrap_err();
        assert!(missing.is_not_found());
        assert!(
            missing.to_string().starts_with("404 Not Found: "),
            "{missing}"
        );
        assert!(missing.to_string().contains(WERKZEUG_404), "{missing}");

        let e = Book::query()
            .get_or_404_with(db, 999, "no such book")
            .unwrap_err();
        assert_eq!(e.to_string(), "404 Not Found: no such book");
        let e = Book::query()
            .filter(Book::year.gt(2100))
            .first_or_404(db)
            .unwrap_err();
        assert!(e.to_string().contains(WERKZEUG_404), "{e}");
        let e = Book::query()
            .filter(Book::year.gt(2100))
            .first_or_404_with(db, "none yet")
            .unwrap_err();
        assert_eq!(e.to_string(), "404 Not Found: none yet");

        assert_eq!(
            Book::query()
                .filter(Book::title.eq("Emma"))
                .one_or_404(db)
                .unwrap(),
            first
        );
        let e = Book::query()
            .filter(Book::title.eq("Zed"))
            .one_or_404(db)
            .unwrap_err();
        assert!(e.to_string().contains(WERKZEUG_404), "{e}");
        let e = Book::query()
            .filter(Book::title.eq("Zed"))
            .one_or_404_with(db, "gone")
            .unwrap_err();
        assert_eq!(e.to_string(), "404 Not Found: gone");
        // Several rows are a programming error, not a 404.
        let e = Book::query().one_or_404(db).unwrap_err();
        assert!(matches!(e, Error::MultipleResultsFound { .. }), "{e}");
    }
}

/// The escape hatch: fsql's query as Diesel's own boxed select, refined with Diesel and run on
/// the concrete connection; the way back is `filter` with any Diesel expression.
#[test]
fn into_boxed_hands_the_query_to_diesel_and_back() {
    use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
    for t in seeded() {
        eprintln!("backend: {}", t.backend);
        let q = Book::query()
            .filter(Book::year.gt(1900))
            .order_by(Book::year.asc());
        let mut conn = t.db.connection().unwrap();
        macro_rules! run {
            ($db:ty, $c:expr) => {
                q.into_boxed::<$db>()
                    .unwrap()
                    .filter(book::year.lt(1980))
                    .load::<Book>($c)
                    .unwrap()
            };
        }
        let books: Vec<Book> = match &mut *conn {
            #[cfg(feature = "sqlite")]
            fsql::AnyConnection::Sqlite(c) => run!(diesel::sqlite::Sqlite, c),
            #[cfg(feature = "postgres")]
            fsql::AnyConnection::Postgres(c) => run!(diesel::pg::Pg, c),
            #[cfg(feature = "mysql")]
            fsql::AnyConnection::Mysql(c) => run!(diesel::mysql::Mysql, c),
        };
        let titles: Vec<&str> = books.iter().map(|b| b.title.as_str()).collect();
        assert_eq!(titles, ["Ulysses", "Dune"]);
        drop(conn);
        // Back: a hand-written Diesel expression is a filter like any other.
        let back = Book::query().filter(book::year.lt(1980).and(book::title.like("%n%")));
        assert_eq!(back.one(&t.db).unwrap().title, "Dune");
    }
}

/// The way back from a whole Diesel query: `Query::from_boxed` starts from it, fsql's clauses
/// apply on top, and counting wraps it as a subquery (so its own LIMIT is respected).
#[test]
fn from_boxed_starts_from_hand_written_diesel() {
    use diesel::{ExpressionMethods, QueryDsl};
    for t in seeded() {
        let db = &t.db;
        eprintln!("backend: {}", t.backend);
        macro_rules! check {
            ($db:ty) => {{
                let base = || book::table.filter(book::year.gt(1900)).into_boxed::<$db>();
                let q = fsql::Query::<Book>::from_boxed::<$db>(base);
                assert_eq!(q.count(db).unwrap(), 3);
                assert!(q.exists(db).unwrap());
                let newest_first = q.clone().order_by(Book::year.desc());
                let titles: Vec<String> = newest_first
                    .all(db)
                    .unwrap()
                    .into_iter()
                    .map(|b| b.title)
                    .collect();
                assert_eq!(titles, ["Beloved", "Dune", "Ulysses"]);
                let narrowed = q.clone().filter(Book::title.ne("Dune"));
                assert_eq!(narrowed.count(db).unwrap(), 2);
                let page = narrowed
                    .order_by(Book::year.asc())
                    .paginate(db, PageRequest::new(1).per_page(1))
                    .unwrap();
                assert_eq!(
                    (page.items()[0].title.as_str(), page.total()),
                    ("Ulysses", Some(2))
                );
                // The base's own LIMIT is part of what is counted.
                let limited = fsql::Query::<Book>::from_boxed::<$db>(|| {
                    book::table.order_by(book::id).limit(2).into_boxed::<$db>()
                });
                assert_eq!(limited.count(db).unwrap(), 2);
                assert_eq!(limited.all(db).unwrap().len(), 2);
                let e = q.keyset(db, KeysetRequest::first(2)).unwrap_err();
                assert!(matches!(e, fsql::Error::Config { .. }), "{e}");
            }};
        }
        match t.backend {
            #[cfg(feature = "sqlite")]
            fsql::BackendKind::Sqlite => check!(diesel::sqlite::Sqlite),
            #[cfg(feature = "postgres")]
            fsql::BackendKind::Postgres => check!(diesel::pg::Pg),
            #[cfg(feature = "mysql")]
            fsql::BackendKind::Mysql => check!(diesel::mysql::Mysql),
            #[allow(unreachable_patterns)]
            other => panic!("no backend {other} compiled in"),
        }
    }
}

/// A query started from one backend's Diesel query refuses to run on another.
#[cfg(all(feature = "sqlite", any(feature = "postgres", feature = "mysql")))]
#[test]
fn from_boxed_runs_only_on_its_backend() {
    use diesel::QueryDsl;
    for t in seeded()
        .into_iter()
        .filter(|t| t.backend != fsql::BackendKind::Sqlite)
    {
        let q =
            fsql::Query::<Book>::from_boxed::<diesel::sqlite::Sqlite>(|| book::table.into_boxed());
        let e = q.all(&t.db).unwrap_err();
        assert!(matches!(e, fsql::Error::Config { .. }), "{e}");
        assert!(
            e.to_string().contains("written for sqlite")
                && e.to_string().contains(&t.backend.to_string()),
            "{e}"
        );
        assert!(q.count(&t.db).is_err() && q.paginate(&t.db, PageRequest::new(1)).is_err());
    }
}

/// Bulk `query.delete()`: one `DELETE` over the filters, the number deleted, nothing else
/// touched; clauses one `DELETE` cannot express are refused before anything runs; through a
/// session it runs in the session's transaction, after the session's queued work.
/// Queries whose clauses a bulk `DELETE` or `UPDATE` could not honour.
fn not_bulk() -> [Query<'static, Book>; 4] {
    [
        Book::query().order_by(Book::year.asc()),
        Book::query().limit(1),
        Book::query().offset(1),
        Book::query().distinct(),
    ]
}

#[test]
fn bulk_delete_by_filters() {
    for t in seeded() {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        for refused in not_bulk() {
            let err = refused.delete(db).unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err:?}");
        }
        assert_eq!(Book::query().count(db).unwrap(), 4, "nothing deleted");

        let old = Book::query().filter(Book::year.lt(1950));
        assert_eq!(old.delete(db).unwrap(), 2);
        assert_eq!(old.count(db).unwrap(), 0);
        assert_eq!(old.delete(db).unwrap(), 0, "none left to delete");
        let mut left: Vec<String> = Book::query()
            .all(db)
            .unwrap()
            .into_iter()
            .map(|b| b.title)
            .collect();
        left.sort();
        assert_eq!(left, ["Beloved", "Dune"]);

        // In a session: the queued insert is flushed first, so the delete sees it; rolled
        // back with the session.
        let mut session = db.session();
        session.add(Book {
            id: 0,
            title: "Orlando".into(),
            year: 1928,
        });
        let n = Book::query()
            .filter(Book::year.lt(1950))
            .delete(&mut session)
            .unwrap();
        assert_eq!(n, 1, "the session's own row");
        session.rollback().unwrap();
        assert_eq!(Book::query().count(db).unwrap(), 2);

        assert_eq!(Book::query().delete(db).unwrap(), 2, "the whole table");
        assert_eq!(Book::query().count(db).unwrap(), 0);
    }
}

#[test]
fn bulk_update_by_filters() {
    for t in seeded() {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        for refused in not_bulk() {
            let err = refused.update(db, Book::year.eq(0)).unwrap_err();
            assert!(err.to_string().contains("bulk update"), "{err}");
        }
        assert_eq!(Book::query().filter(Book::year.eq(0)).count(db).unwrap(), 0);

        // Values are expressions: a column set from itself, and a bound value.
        let old = Book::query().filter(Book::year.lt(1950));
        let n = old
            .update(
                db,
                (Book::year.eq(Book::year + 1000), Book::title.eq("old")),
            )
            .unwrap();
        assert_eq!(n, 2);
        let mut years: Vec<(String, i32)> = Book::query()
            .all(db)
            .unwrap()
            .into_iter()
            .map(|b| (b.title, b.year))
            .collect();
        years.sort();
        assert_eq!(
            years,
            [
                ("Beloved".to_owned(), 1987),
                ("Dune".to_owned(), 1965),
                ("old".to_owned(), 2815),
                ("old".to_owned(), 2922),
            ]
        );
        // Rows matched, not rows changed, on every backend (MySQL counts changed rows unless
        // asked otherwise).
        let same = Book::query()
            .filter(Book::title.eq("old"))
            .update(db, Book::title.eq("old"))
            .unwrap();
        assert_eq!(same, 2);
        assert_eq!(
            Book::query()
                .filter(Book::title.eq("nothing"))
                .update(db, Book::year.eq(1))
                .unwrap(),
            0
        );

        // In a session: its queued insert is flushed first; rolled back with the session.
        let mut session = db.session();
        session.add(Book {
            id: 0,
            title: "Orlando".into(),
            year: 1928,
        });
        let n = Book::query()
            .filter(Book::title.eq("Orlando"))
            .update(&mut session, Book::year.eq(1929))
            .unwrap();
        assert_eq!(n, 1, "the session's own row");
        session.rollback().unwrap();
        assert_eq!(
            Book::query()
                .filter(Book::title.eq("Orlando"))
                .count(db)
                .unwrap(),
            0
        );

        // A value the column cannot hold is an error, and nothing changes.
        let long = "x".repeat(500);
        let err = Book::query().update(db, Book::title.eq(long.as_str()));
        if t.backend != fsql::BackendKind::Sqlite {
            assert!(
                err.is_err(),
                "VARCHAR(100) holds 500 characters on {}",
                t.backend
            );
            assert_eq!(
                Book::query()
                    .filter(Book::title.eq("old"))
                    .count(db)
                    .unwrap(),
                2
            );
        }
    }
}
