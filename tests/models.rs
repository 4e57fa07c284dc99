//! `#[derive(Model)]`: table names, columns, keys and the DDL `create_all` runs.

mod common;

use common::*;
use fsql::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(unique, length = 80)]
    pub username: String,
    #[fsql(index, length = 120)]
    pub email: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct ShoppingCartSession {
    #[fsql(primary_key)]
    pub id: i64,
    #[fsql(references = User, on_delete = "cascade")]
    pub user_id: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(table_name = "spam")]
pub struct Renamed {
    #[fsql(primary_key, column = "spam_id")]
    pub id: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct HTTP2Request {
    #[fsql(primary_key)]
    pub id: i32,
}

#[test]
fn table_names_follow_flask_sqlalchemy() {
    assert_eq!(User::TABLE_NAME, "user");
    assert_eq!(ShoppingCartSession::TABLE_NAME, "shopping_cart_session");
    assert_eq!(HTTP2Request::TABLE_NAME, "http2_request");
    assert_eq!(Renamed::TABLE_NAME, "spam");
    // The same rule as fsql-core's, which the conformance file checks case by case.
    assert_eq!(
        fsql::camel_to_snake("HTTP2Request"),
        HTTP2Request::TABLE_NAME
    );
}

#[test]
fn metadata_describes_the_struct() {
    let meta = User::META;
    assert_eq!(meta.model, "User");
    assert_eq!(meta.bind, None);
    assert_eq!(meta.primary_key, ["id"]);
    let names: Vec<_> = meta.columns.iter().map(|c| c.name).collect();
    assert_eq!(names, ["id", "username", "email"]);
    let id = meta.column("id").unwrap();
    assert!(id.primary_key && id.autoincrement && !id.nullable);
    let username = meta.column("username").unwrap();
    assert_eq!(username.ty, fsql::ColumnType::Varchar(80));
    assert!(username.unique && !username.nullable);
    let email = meta.column("email").unwrap();
    assert!(email.nullable && email.index);

    let fk = &ShoppingCartSession::META.foreign_keys[0];
    assert_eq!(
        (fk.columns, fk.referred_table, fk.referred_columns),
        (&["user_id"][..], "user", &["id"][..])
    );
    assert_eq!(fk.on_delete, Some(fsql::OnDelete::Cascade));
    assert_eq!(Renamed::META.columns[0].name, "spam_id");
    assert_eq!(Renamed::META.columns[0].field, "id");
}

#[test]
fn every_model_registers_itself() {
    let registry = fsql::Registry::global();
    for model in ["User", "ShoppingCartSession", "Renamed", "HTTP2Request"] {
        assert!(
            registry.find(model).is_some(),
            "{model} is not in the global registry"
        );
    }
    let md = registry.metadata(None).unwrap();
    let order: Vec<_> = md.sorted_tables().iter().map(|t| t.name).collect();
    let pos = |n: &str| order.iter().position(|t| *t == n).unwrap();
    assert!(pos("user") < pos("shopping_cart_session"), "{order:?}");
}

#[test]
fn create_all_makes_columns_keys_and_indexes() {
    let db = sqlite_memory(&[User::META, ShoppingCartSession::META, Renamed::META]);
    assert_eq!(
        sqlite_tables(&db),
        ["shopping_cart_session", "spam", "user"]
    );
    let s = |v: &[&str; 4]| v.map(str::to_owned);
    assert_eq!(
        sqlite_columns(&db, "user"),
        [
            s(&["id", "INTEGER", "1", "1"]),
            s(&["username", "VARCHAR(80)", "1", "0"]),
            s(&["email", "VARCHAR(120)", "0", "0"]),
        ]
    );
    let indexes = sqlite_indexes(&db, "user");
    assert!(
        indexes.contains(&s(&["ix_user_email", "0", "email", "c"])),
        "{indexes:?}"
    );
    assert!(
        indexes
            .iter()
            .any(|[_, unique, cols, origin]| unique == "1" && cols == "username" && origin == "u"),
        "UNIQUE(username) missing: {indexes:?}"
    );
    assert_eq!(
        sqlite_foreign_keys(&db, "shopping_cart_session"),
        [s(&["user", "user_id", "id", "CASCADE"])]
    );
    // A BIGINT key is still the rowid alias on SQLite, so the database assigns it.
    assert_eq!(
        sqlite_columns(&db, "shopping_cart_session")[0],
        s(&["id", "INTEGER", "1", "1"])
    );
}

#[test]
fn create_all_twice_and_drop_all() {
    let db = sqlite_memory(&[User::META, ShoppingCartSession::META]);
    User {
        id: 0,
        username: "kept".into(),
        email: None,
    }
    .insert(&db)
    .unwrap();
    db.create_all().expect("existing tables are left alone");
    assert_eq!(
        User::query().count(&db).unwrap(),
        1,
        "create_all must not touch existing data"
    );
    db.drop_all().unwrap();
    assert!(sqlite_tables(&db).is_empty());
    db.drop_all().expect("dropping absent tables is fine");
    db.create_all().unwrap();
    assert_eq!(User::query().count(&db).unwrap(), 0);
}

#[test]
fn create_all_sql_is_in_dependency_order() {
    let db = sqlite_memory(&[ShoppingCartSession::META, User::META]);
    let sql = db.create_all_sql(None).unwrap();
    let user = sql
        .iter()
        .position(|s| s.contains(r#"TABLE IF NOT EXISTS "user""#))
        .unwrap();
    let cart = sql
        .iter()
        .position(|s| s.contains(r#""shopping_cart_session""#))
        .unwrap();
    assert!(user < cart, "{sql:#?}");
    assert!(
        sql.iter()
            .any(|s| s == r#"CREATE INDEX IF NOT EXISTS "ix_user_email" ON "user" ("email")"#),
        "{sql:#?}"
    );
}

/// Fields named like the table, or like what Diesel's `table!` defines inside the table module
/// (`table`, `star`), still work: their column identifiers get a suffix inside the module.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Tag {
    #[fsql(primary_key)]
    pub id: i32,
    pub tag: String,
    pub table: Option<String>,
    pub star: i32,
}

#[test]
fn fields_named_like_the_table_or_diesel_items() {
    let db = sqlite_memory(&[Tag::META]);
    let cols: Vec<_> = sqlite_columns(&db, "tag")
        .into_iter()
        .map(|c| c[0].clone())
        .collect();
    assert_eq!(cols, ["id", "tag", "table", "star"]);
    for on in each_backend(&[Tag::META]) {
        let db = on.db.clone();
        eprintln!("backend: {}", on.backend);
        let t = Tag {
            id: 0,
            tag: "rust".into(),
            table: None,
            star: 5,
        }
        .insert(&db)
        .unwrap();
        let found = Tag::query()
            .filter(Tag::tag.eq("rust"))
            .filter(Tag::table.is_null())
            .filter(Tag::star.gt(4))
            .all(&db)
            .unwrap();
        assert_eq!(found, std::slice::from_ref(&t));
        let mut t2 = t.clone();
        t2.table = Some("x".into());
        t2.update(&db).unwrap();
        assert_eq!(Tag::query().get(&db, t.id).unwrap(), Some(t2));
    }
}

/// `#[fsql(repr)]`: Flask-SQLAlchemy's `<User 1>`.
mod repr {
    use fsql::prelude::*;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[fsql(repr, table_name = "repr_user")]
    pub struct User {
        #[fsql(primary_key)]
        pub id: i32,
        pub name: String,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[fsql(repr, table_name = "repr_report")]
    pub struct Report {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(primary_key, length = 20)]
        pub kind: String,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[fsql(repr, table_name = "repr_draft")]
    pub struct Draft {
        #[fsql(primary_key)]
        pub id: Option<i64>,
    }

    #[test]
    fn display_is_flask_sqlalchemy_repr() {
        let user = User {
            id: 1,
            name: "ann".into(),
        };
        assert_eq!(user.to_string(), "<User 1>");
        let report = Report {
            id: 2,
            kind: "test".into(),
        };
        assert_eq!(report.to_string(), "<Report 2, test>");
        assert_eq!(Draft { id: None }.to_string(), "<Draft (transient)>");
        assert_eq!(Draft { id: Some(7) }.to_string(), "<Draft 7>");

        // A stored row shows the key the database assigned.
        let db = Database::builder()
            .url("sqlite://")
            .registry(fsql::Registry::new([User::META]))
            .build()
            .unwrap();
        db.create_all().unwrap();
        let stored = User {
            id: 0,
            name: "bob".into(),
        }
        .insert(&db)
        .unwrap();
        assert_eq!(format!("{stored}"), "<User 1>");
    }
}
