//! Reflected tables queried without a model (Flask-SQLAlchemy's `db.reflect()` then
//! `db.metadatas[key].tables[..]`): rows written by models read back as values, rows written
//! through the reflected table read back by models, filters, ordering, counts, updates and
//! deletes, types beyond the value shapes as text, and bad input as errors. On every backend.

mod common;

use common::*;
use diesel::connection::SimpleConnection;
use fsql::prelude::*;
use fsql::reflect::{Row, Value};
use fsql::BackendKind;

/// `user` and `group` are reserved words.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 80)]
    pub name: String,
    #[fsql(column = "group")]
    pub group: Option<String>,
    pub admin: bool,
    pub karma: i64,
    pub small: i16,
    pub ratio: f32,
    pub score: Option<f64>,
    pub avatar: Option<Vec<u8>>,
}

fn user(id: i32, name: &str, group: Option<&str>) -> User {
    User {
        id,
        name: name.into(),
        group: group.map(Into::into),
        admin: id % 2 == 0,
        karma: i64::from(id) * 1_000_000_000_000,
        small: -(id as i16),
        ratio: 1.5,
        score: None,
        avatar: Some(vec![0, 255, id as u8]),
    }
}

fn names(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .map(|r| r.get_as::<String>("name").unwrap())
        .collect()
}

#[test]
fn rows_written_by_a_model_read_back_as_values() {
    for t in each_backend(&[User::META]) {
        let b = t.backend;
        for u in [user(1, "Ada", Some("staff")), user(2, "O'Brien", None)] {
            u.insert(&*t).unwrap();
        }
        let meta = t.reflect_metadata(None).unwrap();
        assert_eq!(meta.bind(), None);
        let users = meta.table("user").unwrap();
        assert_eq!(
            users.columns().collect::<Vec<_>>(),
            ["id", "name", "group", "admin", "karma", "small", "ratio", "score", "avatar"],
            "{b}"
        );

        let rows = users.select().order_by("id").all(&*t).unwrap();
        assert_eq!(rows.len(), 2, "{b}");
        let ada = &rows[0];
        assert_eq!(ada.get("id"), Some(&Value::Int(1)), "{b}");
        assert_eq!(ada.get("name"), Some(&Value::Text("Ada".into())), "{b}");
        assert_eq!(ada.get("group"), Some(&Value::Text("staff".into())), "{b}");
        assert_eq!(ada.get("admin"), Some(&Value::Bool(false)), "{b}");
        assert_eq!(
            ada.get("karma"),
            Some(&Value::Int(1_000_000_000_000)),
            "{b}"
        );
        assert_eq!(ada.get("small"), Some(&Value::Int(-1)), "{b}");
        assert_eq!(ada.get("ratio"), Some(&Value::Float(1.5)), "{b}");
        assert_eq!(ada.get("score"), Some(&Value::Null), "{b}");
        assert_eq!(
            ada.get("avatar"),
            Some(&Value::Bytes(vec![0, 255, 1])),
            "{b}"
        );
        assert_eq!(rows[1].get("admin"), Some(&Value::Bool(true)), "{b}");
        assert_eq!(rows[1].get("group"), Some(&Value::Null), "{b}");
        assert_eq!(
            rows[1].get_as::<Option<String>>("group").unwrap(),
            None,
            "{b}"
        );
        assert_eq!(
            rows[1].get_as::<i64>("karma").unwrap(),
            2_000_000_000_000,
            "{b}"
        );

        // Values travel as parameters: a quote is data, not SQL.
        let found = users
            .select()
            .filter_by("name", "O'Brien")
            .all(&*t)
            .unwrap();
        assert_eq!(names(&found), ["O'Brien"], "{b}");
        // `NULL` filters with IS NULL; two filters are joined by AND.
        let found = users
            .select()
            .filter_by("group", None::<String>)
            .all(&*t)
            .unwrap();
        assert_eq!(names(&found), ["O'Brien"], "{b}");
        let found = users
            .select()
            .filter_by("group", "staff")
            .filter_by("admin", true)
            .all(&*t)
            .unwrap();
        assert!(found.is_empty(), "{b}");
    }
}

#[test]
fn rows_written_through_a_reflected_table_read_back_by_the_model() {
    for t in each_backend(&[User::META]) {
        let b = t.backend;
        let meta = t.reflect_metadata(None).unwrap();
        let users = meta.table("user").unwrap();
        for id in 1..=5 {
            let inserted = users
                .insert(
                    &*t,
                    [
                        ("id", Value::from(id)),
                        ("name", Value::from(format!("user {id}"))),
                        ("group", Value::from((id > 2).then_some("late"))),
                        ("admin", Value::from(id == 5)),
                        ("karma", Value::from(i64::from(id) << 40)),
                        ("small", Value::from(id as i16)),
                        ("ratio", Value::from(0.25)),
                        ("score", Value::from(f64::from(id) / 2.0)),
                        ("avatar", Value::from(vec![id as u8; 3])),
                    ],
                )
                .unwrap();
            assert_eq!(inserted, 1, "{b}");
        }
        let third = User::query().get(&*t, 3).unwrap().unwrap();
        assert_eq!(
            third,
            User {
                id: 3,
                name: "user 3".into(),
                group: Some("late".into()),
                admin: false,
                karma: 3 << 40,
                small: 3,
                ratio: 0.25,
                score: Some(1.5),
                avatar: Some(vec![3; 3]),
            },
            "{b}"
        );
        assert!(User::query().get(&*t, 5).unwrap().unwrap().admin, "{b}");

        // Ordering, limit and offset; count ignores limit and offset.
        let q = users
            .select()
            .filter_by("group", "late")
            .order_by_desc("id");
        assert_eq!(q.count(&*t).unwrap(), 3, "{b}");
        let page = q.clone().limit(2).offset(1).all(&*t).unwrap();
        assert_eq!(names(&page), ["user 4", "user 3"], "{b}");
        assert_eq!(
            q.first(&*t).unwrap().unwrap().get_as::<i32>("id").unwrap(),
            5,
            "{b}"
        );

        // Update and delete what the filters select, and say how many.
        let changed = users
            .select()
            .filter_by("group", "late")
            .update(
                &*t,
                [
                    ("group", Value::from("early")),
                    ("admin", Value::from(true)),
                ],
            )
            .unwrap();
        assert_eq!(changed, 3, "{b}");
        assert_eq!(
            User::query()
                .filter(User::group.eq("early"))
                .filter(User::admin.eq(true))
                .count(&*t)
                .unwrap(),
            3,
            "{b}"
        );
        assert_eq!(
            users.select().filter_by("id", 1).delete(&*t).unwrap(),
            1,
            "{b}"
        );
        assert_eq!(
            users.select().filter_by("id", 1).delete(&*t).unwrap(),
            0,
            "{b}"
        );
        assert_eq!(User::query().count(&*t).unwrap(), 4, "{b}");
        assert_eq!(users.select().delete(&*t).unwrap(), 4, "{b}");
        assert_eq!(users.select().count(&*t).unwrap(), 0, "{b}");
    }
}

#[test]
fn tables_without_a_model_and_types_read_as_text() {
    for t in each_backend(&[]) {
        let b = t.backend;
        t.connection()
            .unwrap()
            .batch_execute(
                "CREATE TABLE event (id INTEGER PRIMARY KEY, day DATE NOT NULL, \
                 amount NUMERIC(10, 2), note VARCHAR(20))",
            )
            .unwrap();
        let meta = t.reflect_metadata(None).unwrap();
        let events = meta.table("event").unwrap();
        events
            .insert(
                &*t,
                [
                    ("id", Value::from(1)),
                    ("day", "2024-02-29".into()),
                    ("amount", "12.50".into()),
                ],
            )
            .unwrap();
        let row = events
            .select()
            .filter_by("day", "2024-02-29")
            .first(&*t)
            .unwrap();
        let row = row.unwrap_or_else(|| panic!("{b}: the date filter matched nothing"));
        assert_eq!(
            row.get("day"),
            Some(&Value::Text("2024-02-29".into())),
            "{b}"
        );
        assert_eq!(row.get("note"), Some(&Value::Null), "{b}");
        // SQLite's NUMERIC affinity stores 12.50 as a number; the servers keep the decimal,
        // which arrives as its text.
        let amount = row.get("amount").unwrap();
        match b {
            BackendKind::Sqlite => assert_eq!(amount, &Value::Float(12.5)),
            _ => assert_eq!(amount, &Value::Text("12.50".into()), "{b}"),
        }
        // A value the column cannot hold is the database's error (SQLite's too, for its
        // rowid key), naming the statement: never a silent NULL.
        let bad = events.insert(
            &*t,
            [("id", Value::from("two")), ("day", "2024-03-01".into())],
        );
        let e = bad.expect_err("text into an integer key").to_string();
        assert!(e.contains("INSERT INTO"), "{b}: {e}");
        assert_eq!(events.select().count(&*t).unwrap(), 1, "{b}");
        // MySQL reports text of a binary collation as binary; its column is text, so it reads
        // as text.
        if b == BackendKind::Mysql {
            t.connection()
                .unwrap()
                .batch_execute(
                    "CREATE TABLE tag (id INT PRIMARY KEY, label VARCHAR(20) COLLATE utf8mb4_bin)",
                )
                .unwrap();
            let meta = t.reflect_metadata(None).unwrap();
            let tags = meta.table("tag").unwrap();
            tags.insert(&*t, [("id", Value::from(1)), ("label", "Ünïcode".into())])
                .unwrap();
            let row = tags.select().first(&*t).unwrap().unwrap();
            assert_eq!(row.get("label"), Some(&Value::Text("Ünïcode".into())));
        }
    }
}

#[test]
fn bad_names_and_arguments_are_errors_that_say_what_exists() {
    for t in each_backend(&[User::META]) {
        let b = t.backend;
        let meta = t.reflect_metadata(None).unwrap();
        let e = meta.table("users").unwrap_err().to_string();
        assert!(e.contains("no table `users`; its tables: user"), "{b}: {e}");
        let users = meta.table("user").unwrap();

        let e = users
            .select()
            .filter_by("nmae", "x")
            .all(&*t)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("table `user` has no column `nmae`; its columns: id, name, group"),
            "{b}: {e}"
        );
        let e = users
            .select()
            .order_by("nope")
            .count(&*t)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no column `nope`"), "{b}: {e}");
        let e = users.insert(&*t, [("nope", 1)]).unwrap_err().to_string();
        assert!(e.contains("no column `nope`"), "{b}: {e}");
        let e = users
            .insert(&*t, [("id", 1), ("id", 2)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("`id` of `user` is given twice"), "{b}: {e}");
        let e = users
            .insert(&*t, Vec::<(&str, Value)>::new())
            .unwrap_err()
            .to_string();
        assert!(e.contains("names no column"), "{b}: {e}");
        let e = users.select().limit(-1).all(&*t).unwrap_err().to_string();
        assert!(e.contains("limit must not be negative, got -1"), "{b}: {e}");
        let e = users.select().offset(-3).all(&*t).unwrap_err().to_string();
        assert!(
            e.contains("offset must not be negative, got -3"),
            "{b}: {e}"
        );
        let e = users.select().limit(1).delete(&*t).unwrap_err().to_string();
        assert!(
            e.contains("delete of `user` takes filters only"),
            "{b}: {e}"
        );
        let e = users
            .select()
            .update(&*t, Vec::<(&str, i32)>::new())
            .unwrap_err()
            .to_string();
        assert!(e.contains("sets no column"), "{b}: {e}");

        // A NOT NULL column left out is the database's error, naming the statement.
        let e = users.insert(&*t, [("id", 9)]).unwrap_err();
        assert!(
            matches!(e, fsql::Error::Database { ref statement, .. } if statement.as_deref().is_some_and(|s| s.starts_with("INSERT INTO"))),
            "{b}: {e}"
        );
        assert_eq!(users.select().count(&*t).unwrap(), 0, "{b}");

        // A row asked for a type it does not hold.
        user(1, "Ada", None).insert(&*t).unwrap();
        let row = users.select().first(&*t).unwrap().unwrap();
        let e = row.get_as::<i32>("name").unwrap_err().to_string();
        assert!(
            e.contains("column `name` holds text ('Ada'), which is not a `i32`"),
            "{b}: {e}"
        );
        let e = row.get_as::<i16>("karma").unwrap_err().to_string();
        assert!(e.contains("which is not a `i16`"), "{b}: {e}");
        let e = row.get_as::<String>("group").unwrap_err().to_string();
        assert!(e.contains("holds NULL"), "{b}: {e}");

        let e = t
            .reflect_metadata(Some("analytics"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"analytics\""), "{b}: {e}");
        assert!(
            e.starts_with("bind key \"analytics\" was asked for"),
            "{b}: {e}"
        );
    }
}

#[test]
fn reflected_tables_of_a_second_bind_run_there() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::builder()
        .url("sqlite://")
        .bind(
            "archive",
            format!("sqlite:///{}", dir.path().join("archive.db").display()),
        )
        .registry(fsql::Registry::new([]))
        .build()
        .unwrap();
    db.connection_to(Some("archive"))
        .unwrap()
        .batch_execute("CREATE TABLE \"order\" (id INTEGER PRIMARY KEY, total REAL NOT NULL)")
        .unwrap();
    let archive = db.reflect_metadata(Some("archive")).unwrap();
    assert_eq!(archive.bind(), Some("archive"));
    let orders = archive.table("order").unwrap();
    assert_eq!(orders.bind(), Some("archive"));
    orders.insert(&db, [("total", 9.75)]).unwrap();
    let row = orders.select().first(&db).unwrap().unwrap();
    assert_eq!(row.get("id"), Some(&Value::Int(1)));
    assert_eq!(row.get_as::<f64>("total").unwrap(), 9.75);
    // The default database has no such table.
    let e = db
        .reflect_metadata(None)
        .unwrap()
        .table("order")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("the default database has no table `order`; its tables: none"),
        "{e}"
    );
}
