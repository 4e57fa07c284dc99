//! Insert, update, delete and `Model::query()` on SQLite.

mod common;

use common::*;
use fsql::prelude::*;
use fsql::{BackendKind, DatabaseErrorKind};

#[derive(Model, Debug, Clone, PartialEq)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(unique, length = 80)]
    pub username: String,
    pub email: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Post {
    #[fsql(primary_key)]
    pub id: i64,
    #[fsql(references = User, index)]
    pub user_id: i32,
    pub title: String,
}

/// `order` and `group` are SQL keywords; `type` is a keyword in SQL and Rust.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Order {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(column = "type")]
    pub kind: String,
    #[fsql(references = Group)]
    pub group: Option<i32>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Group {
    #[fsql(primary_key)]
    pub id: i32,
    pub r#type: String,
}

/// Composite key of a string and an integer: no autoincrement.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Report {
    #[fsql(primary_key)]
    pub year: i32,
    #[fsql(primary_key, length = 20)]
    pub name: String,
    pub pages: i16,
}

/// An `Option` key: `None` until the database assigns it.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Note {
    #[fsql(primary_key)]
    pub id: Option<i32>,
    pub body: String,
}

fn stamp() -> i64 {
    1_700_000_000
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Event {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(default_fn = stamp)]
    pub at: i64,
    #[fsql(default = "'draft'")]
    pub state: Option<String>,
    #[fsql(default = 7)]
    pub level: i32,
}

/// A unique column and a foreign key on one table: two different failures of the same INSERT.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Membership {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(unique, length = 20)]
    pub code: String,
    #[fsql(references = User)]
    pub user_id: i32,
}

fn dbs() -> Vec<TestDb> {
    each_backend(&[
        Membership::META,
        User::META,
        Post::META,
        Order::META,
        Group::META,
        Report::META,
        Note::META,
        Event::META,
    ])
}

fn user(name: &str) -> User {
    User {
        id: 0,
        username: name.into(),
        email: None,
    }
}

#[test]
fn insert_returns_the_row_with_its_new_key() {
    for t in dbs() {
        let db = t.db.clone();
        eprintln!("backend: {}", t.backend);
        let a = user("a").insert(&db).unwrap();
        let b = user("b").insert(&db).unwrap();
        assert_eq!((a.id, b.id), (1, 2));
        assert_eq!(a.username, "a");
        // An explicit key is kept.
        let c = User {
            id: 40,
            ..user("c")
        }
        .insert(&db)
        .unwrap();
        assert_eq!(c.id, 40);
        assert_eq!(User::query().get(&db, 40).unwrap(), Some(c));
    }
}

#[test]
fn option_key_is_assigned_and_read_back() {
    for t in dbs() {
        let db = t.db.clone();
        eprintln!("backend: {}", t.backend);
        let n = Note {
            id: None,
            body: "hi".into(),
        }
        .insert(&db)
        .unwrap();
        assert_eq!(n.id, Some(1));
        assert_eq!(Note::query().get(&db, 1).unwrap(), Some(n.clone()));
        n.delete(&db).unwrap();
        // An unsaved row has no key: update reports it instead of touching anything.
        let e = Note {
            id: None,
            body: "x".into(),
        }
        .update(&db)
        .unwrap_err();
        assert!(e.is_not_found(), "{e}");
    }
}

#[test]
fn update_and_delete_by_primary_key() {
    for t in dbs() {
        let db = t.db.clone();
        eprintln!("backend: {}", t.backend);
        let mut a = user("a").insert(&db).unwrap();
        let b = user("b").insert(&db).unwrap();
        a.email = Some("a@example.com".into());
        a.update(&db).unwrap();
        assert_eq!(
            User::query()
                .get(&db, a.id)
                .unwrap()
                .unwrap()
                .email
                .as_deref(),
            Some("a@example.com")
        );
        assert_eq!(
            User::query().get(&db, b.id).unwrap(),
            Some(b.clone()),
            "other rows untouched"
        );
        a.email = None;
        a.update(&db).unwrap();
        assert_eq!(
            User::query().get(&db, a.id).unwrap().unwrap().email,
            None,
            "None writes NULL"
        );

        b.delete(&db).unwrap();
        assert_eq!(User::query().get(&db, b.id).unwrap(), None);
        let e = b.delete(&db).unwrap_err();
        assert!(e.is_not_found(), "{e}");
        assert!(
            e.to_string()
                .contains("cannot delete User: no row in table `user` has primary key 2"),
            "{e}"
        );
        let e = User {
            id: 99,
            ..user("ghost")
        }
        .update(&db)
        .unwrap_err();
        assert!(e.to_string().contains("cannot update User"), "{e}");
    }
}

#[test]
fn query_filter_order_limit_offset_count() {
    for t in dbs() {
        let db = t.db.clone();
        eprintln!("backend: {}", t.backend);
        for name in ["carol", "alice", "dave", "bob", "erin"] {
            User {
                email: Some(format!("{name}@example.com")),
                ..user(name)
            }
            .insert(&db)
            .unwrap();
        }
        User {
            email: None,
            ..user("nomail")
        }
        .insert(&db)
        .unwrap();

        let names = |q: fsql::Query<'_, User>| -> Vec<String> {
            q.all(&db)
                .unwrap()
                .into_iter()
                .map(|u| u.username)
                .collect()
        };
        assert_eq!(
            names(User::query().order_by(User::username.asc())),
            ["alice", "bob", "carol", "dave", "erin", "nomail"]
        );
        assert_eq!(
            names(User::query().order_by(User::username.desc()).limit(2)),
            ["nomail", "erin"]
        );
        assert_eq!(
            names(User::query().order_by(User::username.asc()).offset(4)),
            ["erin", "nomail"]
        );
        assert_eq!(
            names(
                User::query()
                    .order_by(User::username.asc())
                    .offset(1)
                    .limit(2)
            ),
            ["bob", "carol"]
        );
        assert_eq!(
            names(
                User::query()
                    .filter(User::username.like("%a%"))
                    .filter(User::id.gt(1))
                    .order_by(User::id.asc())
            ),
            ["alice", "dave", "nomail"]
        );
        // Filters on nullable columns (Nullable<Bool>) and several sort keys.
        assert_eq!(
            names(User::query().filter(User::email.is_null())),
            ["nomail"]
        );
        assert_eq!(
            names(
                User::query()
                    .filter(
                        User::email
                            .eq("bob@example.com")
                            .or(User::username.eq("erin"))
                    )
                    .order_by(User::username.asc())
            ),
            ["bob", "erin"]
        );
        assert_eq!(User::query().count(&db).unwrap(), 6);
        assert_eq!(
            User::query()
                .filter(User::username.like("%a%"))
                .count(&db)
                .unwrap(),
            4
        );
        assert_eq!(User::query().offset(4).count(&db).unwrap(), 2);
        assert_eq!(User::query().offset(1).limit(2).count(&db).unwrap(), 2);
        assert_eq!(User::query().offset(10).count(&db).unwrap(), 0);

        let first = User::query()
            .order_by(User::username.desc())
            .first(&db)
            .unwrap();
        assert_eq!(first.map(|u| u.username).as_deref(), Some("nomail"));
        assert_eq!(
            User::query()
                .filter(User::username.eq("zed"))
                .first(&db)
                .unwrap(),
            None
        );
    }
}

#[test]
fn filters_may_borrow_values() {
    for t in dbs() {
        let db = t.db.clone();
        eprintln!("backend: {}", t.backend);
        user("alice").insert(&db).unwrap();
        let wanted = String::from("alice");
        let found = User::query()
            .filter(User::username.eq(&wanted))
            .first(&db)
            .unwrap();
        assert_eq!(found.unwrap().username, wanted);
    }
}

#[test]
fn get_respects_filters_and_composite_keys() {
    for t in dbs() {
        let db = t.db.clone();
        eprintln!("backend: {}", t.backend);
        let a = user("a").insert(&db).unwrap();
        assert_eq!(User::query().get(&db, a.id).unwrap(), Some(a.clone()));
        assert_eq!(
            User::query()
                .filter(User::username.eq("a"))
                .get(&db, a.id)
                .unwrap(),
            Some(a.clone())
        );
        assert_eq!(
            User::query()
                .filter(User::username.eq("b"))
                .get(&db, a.id)
                .unwrap(),
            None
        );
        assert_eq!(User::query().get(&db, 12345).unwrap(), None);

        let r = Report {
            year: 2024,
            name: "annual".into(),
            pages: 12,
        }
        .insert(&db)
        .unwrap();
        Report {
            year: 2025,
            name: "annual".into(),
            pages: 3,
        }
        .insert(&db)
        .unwrap();
        assert_eq!(
            Report::query()
                .get(&db, (2024, "annual".to_owned()))
                .unwrap(),
            Some(r.clone())
        );
        assert_eq!(
            Report::query()
                .get(&db, (2024, "other".to_owned()))
                .unwrap(),
            None
        );
        let mut r2 = r.clone();
        r2.pages = 13;
        r2.update(&db).unwrap();
        assert_eq!(
            Report::query()
                .get(&db, (2024, "annual".to_owned()))
                .unwrap()
                .unwrap()
                .pages,
            13
        );
        assert_eq!(
            Report::query()
                .filter(Report::year.eq(2025))
                .count(&db)
                .unwrap(),
            1
        );
    }
}

#[test]
fn reserved_words_as_table_and_column_names() {
    for t in dbs() {
        let db = t.db.clone();
        eprintln!("backend: {}", t.backend);
        let g = Group {
            id: 0,
            r#type: "admins".into(),
        }
        .insert(&db)
        .unwrap();
        let o = Order {
            id: 0,
            kind: "retail".into(),
            group: Some(g.id),
        }
        .insert(&db)
        .unwrap();
        assert_eq!(Order::TABLE_NAME, "order");
        assert_eq!(Group::TABLE_NAME, "group");
        assert_eq!(
            Order::query()
                .filter(Order::kind.eq("retail"))
                .all(&db)
                .unwrap(),
            std::slice::from_ref(&o)
        );
        assert_eq!(
            Group::query()
                .filter(Group::r#type.eq("admins"))
                .count(&db)
                .unwrap(),
            1
        );
        if t.backend == BackendKind::Sqlite {
            let cols: Vec<_> = sqlite_columns(&db, "order")
                .into_iter()
                .map(|c| c[0].clone())
                .collect();
            assert_eq!(cols, ["id", "type", "group"]);
        }
        o.delete(&db).unwrap();
        g.delete(&db).unwrap();
    }
}

#[test]
fn defaults_in_rust_and_in_the_database() {
    for t in dbs() {
        let db = t.db.clone();
        eprintln!("backend: {}", t.backend);
        let e = Event {
            id: 0,
            at: 0,
            state: None,
            level: 1,
        }
        .insert(&db)
        .unwrap();
        assert_eq!(
            e.at,
            stamp(),
            "default_fn fills a field left at its Default"
        );
        assert_eq!(
            e.state.as_deref(),
            Some("draft"),
            "a None nullable column takes the server default"
        );
        assert_eq!(e.level, 1, "a given value wins over the server default");
        let e2 = Event {
            id: 0,
            at: 5,
            state: Some("live".into()),
            level: 2,
        }
        .insert(&db)
        .unwrap();
        assert_eq!((e2.at, e2.state.as_deref()), (5, Some("live")));
        // The server default is in the DDL.
        let sql = db.create_all_sql(None).unwrap().join("\n");
        let level = match t.backend {
            BackendKind::Mysql => "`level` INTEGER NOT NULL DEFAULT (7)",
            _ => r#""level" INTEGER NOT NULL DEFAULT (7)"#,
        };
        assert!(sql.contains(level), "{sql}");
    }
}

#[test]
fn foreign_keys_are_enforced_and_errors_name_the_statement() {
    for t in dbs() {
        let db = t.db.clone();
        eprintln!("backend: {}", t.backend);
        let e = Post {
            id: 0,
            user_id: 999,
            title: "orphan".into(),
        }
        .insert(&db)
        .unwrap_err();
        assert_eq!(
            e.database_kind(),
            Some(DatabaseErrorKind::ForeignKeyViolation),
            "{e}"
        );
        let msg = e.to_string();
        assert!(msg.contains("for model `Post`"), "{msg}");
        let quoted = match t.backend {
            BackendKind::Postgres => r#"INSERT INTO "post""#,
            _ => "INSERT INTO `post`",
        };
        assert!(msg.contains(quoted), "the statement is named: {msg}");
        assert!(
            !msg.contains("orphan"),
            "values are not leaked into messages: {msg}"
        );

        user("taken").insert(&db).unwrap();
        let e = user("taken").insert(&db).unwrap_err();
        assert_eq!(
            e.database_kind(),
            Some(DatabaseErrorKind::UniqueViolation),
            "{e}"
        );
    }
}

#[test]
fn queries_run_on_a_connection_the_caller_holds() {
    for t in dbs() {
        let db = t.db.clone();
        eprintln!("backend: {}", t.backend);
        let mut conn = db.connection().unwrap();
        let a = user("a").insert(&mut conn).unwrap();
        assert_eq!(User::query().get(&mut conn, a.id).unwrap(), Some(a.clone()));
        assert_eq!(User::query().all(&mut *conn).unwrap(), [a]);
    }
}

#[test]
fn raw_diesel_uses_the_generated_table_module() {
    use diesel::{QueryDsl, RunQueryDsl, SelectableHelper};
    let db = sqlite_memory(&[User::META, Post::META]);
    let a = user("a").insert(&db).unwrap();
    let mut conn = db.connection().unwrap();
    #[allow(irrefutable_let_patterns)] // one variant when only `sqlite` is on
    let fsql::AnyConnection::Sqlite(c) = &mut *conn
    else {
        panic!("sqlite:// URLs open SQLite connections");
    };
    let loaded: User = user::table
        .find(a.id)
        .select(User::as_select())
        .get_result(c)
        .unwrap();
    assert_eq!(loaded, a);
    let n: i64 = post::table.count().get_result(c).unwrap();
    assert_eq!(n, 0);
}

/// Each failed statement reports its own error, also when the same prepared INSERT fails twice
/// in a row (Oracle's MySQL client kept the first error for the second: diesel-rs/diesel#4109).
#[test]
fn consecutive_failures_report_their_own_errors() {
    for t in dbs() {
        let db = t.db.clone();
        eprintln!("backend: {}", t.backend);
        let owner = user("owner").insert(&db).unwrap();
        let m = |code: &str, user_id| Membership {
            id: 0,
            code: code.into(),
            user_id,
        };
        m("a", owner.id).insert(&db).unwrap();
        let mut conn = db.connection().unwrap();
        let dup = m("a", owner.id).insert(&mut conn).unwrap_err();
        assert_eq!(
            dup.database_kind(),
            Some(DatabaseErrorKind::UniqueViolation),
            "{dup}"
        );
        let orphan = m("b", 999).insert(&mut conn).unwrap_err();
        assert_eq!(
            orphan.database_kind(),
            Some(DatabaseErrorKind::ForeignKeyViolation),
            "{orphan}"
        );
        let ok = m("c", owner.id).insert(&mut conn).unwrap();
        assert_eq!(ok.code, "c");
        let dup_again = m("c", owner.id).insert(&mut conn).unwrap_err();
        assert_eq!(
            dup_again.database_kind(),
            Some(DatabaseErrorKind::UniqueViolation),
            "{dup_again}"
        );

        // The same through hand-written Diesel on an fsql connection, outside any transaction.
        use diesel::result::{DatabaseErrorKind as Kind, Error as DieselError};
        use diesel::RunQueryDsl;
        let mut raw = |code: &str, user_id: i32| {
            diesel::insert_into(membership::table)
                .values((
                    membership::code.eq(code.to_owned()),
                    membership::user_id.eq(user_id),
                ))
                .execute(&mut *conn)
        };
        let dup = raw("a", owner.id).unwrap_err();
        assert!(
            matches!(dup, DieselError::DatabaseError(Kind::UniqueViolation, _)),
            "{dup:?}"
        );
        let orphan = raw("z", 999).unwrap_err();
        assert!(
            matches!(
                orphan,
                DieselError::DatabaseError(Kind::ForeignKeyViolation, _)
            ),
            "{orphan:?}"
        );
        assert_eq!(raw("z", owner.id).unwrap(), 1);
    }
}
