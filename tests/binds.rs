//! Binds (Flask-SQLAlchemy's `SQLALCHEMY_BINDS` / `__bind_key__`) and configuration from code,
//! environment variables and TOML.

mod common;

use std::time::Duration;

use common::*;
use fsql::prelude::*;
use fsql::{Binds, DatabaseBuilder, PoolOptions, Registry};

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Post {
    #[fsql(primary_key)]
    pub id: i32,
    pub title: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(bind = "auth")]
pub struct Account {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(unique, length = 80)]
    pub login: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(bind = "analytics")]
pub struct Hit {
    #[fsql(primary_key)]
    pub id: i64,
    pub path: String,
}

/// The same table name in two binds.
#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(table_name = "setting")]
pub struct AppSetting {
    #[fsql(primary_key, length = 40)]
    pub name: String,
    pub value: String,
}

/// Models of one bind usually live in their own Rust module; that is also what lets two models
/// use the same table name (each gets its own `setting` Diesel module).
mod auth {
    use fsql::prelude::*;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[fsql(table_name = "setting", bind = "auth")]
    pub struct AuthSetting {
        #[fsql(primary_key, length = 40)]
        pub name: String,
        pub enabled: bool,
    }
}
use auth::AuthSetting;

fn all_tables() -> Registry {
    Registry::new([
        Post::META,
        Account::META,
        Hit::META,
        AppSetting::META,
        AuthSetting::META,
    ])
}

fn three_memory_binds() -> Database {
    Database::builder()
        .url("sqlite://")
        .bind("auth", "sqlite://")
        .bind("analytics", "sqlite://")
        .registry(all_tables())
        .build()
        .unwrap()
}

#[test]
fn create_all_and_drop_all_by_bind_selection() {
    let db = three_memory_binds();
    db.create_all_in(None).unwrap();
    assert_eq!(catalog_tables(&db, None), ["post", "setting"]);
    assert!(catalog_tables(&db, Some("auth")).is_empty());

    db.create_all_in("auth").unwrap();
    assert_eq!(catalog_tables(&db, Some("auth")), ["account", "setting"]);
    assert!(catalog_tables(&db, Some("analytics")).is_empty());

    db.create_all_in([Some("analytics"), None]).unwrap();
    assert_eq!(catalog_tables(&db, Some("analytics")), ["hit"]);

    db.drop_all_in(vec![Some("auth")]).unwrap();
    assert!(catalog_tables(&db, Some("auth")).is_empty());
    assert_eq!(
        catalog_tables(&db, None),
        ["post", "setting"],
        "other binds untouched"
    );

    db.create_all_in(Binds::All).unwrap();
    assert_eq!(catalog_tables(&db, Some("auth")), ["account", "setting"]);
    db.drop_all().unwrap();
    for key in [None, Some("auth"), Some("analytics")] {
        assert!(catalog_tables(&db, key).is_empty(), "{key:?}");
    }

    let e = db.create_all_in("nope").unwrap_err();
    assert!(matches!(e, fsql::Error::UnknownBind { .. }), "{e}");
    assert!(e.to_string().contains("\"nope\""), "{e}");
}

#[test]
fn models_go_to_their_bind_and_table_names_repeat_across_binds() {
    let db = three_memory_binds();
    db.create_all().unwrap();
    Post {
        id: 0,
        title: "hello".into(),
    }
    .insert(&db)
    .unwrap();
    Account {
        id: 0,
        login: "ann".into(),
    }
    .insert(&db)
    .unwrap();
    AppSetting {
        name: "theme".into(),
        value: "dark".into(),
    }
    .insert(&db)
    .unwrap();
    AuthSetting {
        name: "theme".into(),
        enabled: true,
    }
    .insert(&db)
    .unwrap();
    assert_eq!(AppSetting::query().all(&db).unwrap()[0].value, "dark");
    assert!(AuthSetting::query().all(&db).unwrap()[0].enabled);
    assert_eq!(Account::query().count(&db).unwrap(), 1);
    // Each bind's connection sees only its own rows.
    let n = |key| {
        rows4_on(
            &db,
            key,
            "SELECT CAST(COUNT(*) AS TEXT) AS c0, NULL AS c1, NULL AS c2, NULL AS c3 FROM setting",
        )[0][0]
            .clone()
    };
    assert_eq!((n(None), n(Some("auth"))), ("1".to_owned(), "1".to_owned()));
}

#[test]
fn metadatas_per_bind() {
    let db = three_memory_binds();
    let mds = db.metadatas().unwrap();
    let keys: Vec<_> = mds.keys().cloned().collect();
    assert_eq!(
        keys,
        [None, Some("analytics".to_owned()), Some("auth".to_owned())]
    );
    let names = |k: Option<&str>| -> Vec<&str> {
        db.metadata(k)
            .unwrap()
            .sorted_tables()
            .iter()
            .map(|t| t.name)
            .collect()
    };
    assert_eq!(names(Some("auth")), ["account", "setting"]);
    assert_eq!(names(None), ["post", "setting"]);
    assert_eq!(
        mds[&Some("analytics".to_owned())]
            .table("hit")
            .unwrap()
            .model,
        "Hit"
    );
}

#[test]
fn default_url_is_optional_when_every_model_has_a_bind() {
    let db = Database::builder()
        .bind("auth", "sqlite://")
        .registry(Registry::new([Account::META]))
        .build()
        .unwrap();
    db.create_all().unwrap();
    Account {
        id: 0,
        login: "x".into(),
    }
    .insert(&db)
    .unwrap();
    // A model of the default database now has nowhere to go.
    let db = Database::builder()
        .bind("auth", "sqlite://")
        .registry(Registry::new([Account::META, Post::META]))
        .build()
        .unwrap();
    let e = db.check().unwrap_err();
    assert!(
        e.to_string()
            .contains("model `Post` uses bind key \"<default>\""),
        "{e}"
    );
    assert!(e.to_string().contains("configured binds: \"auth\""), "{e}");
}

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn configuration_from_environment_variables() {
    let db = DatabaseBuilder::from_vars(vars(&[
        ("FSQL_DATABASE_URL", "sqlite://"),
        ("FSQL_BINDS", r#"{"auth": "sqlite://"}"#),
        ("FSQL_BIND_ANALYTICS", "sqlite://"),
        ("UNRELATED", "x"),
    ]))
    .unwrap()
    .registry(all_tables())
    .build()
    .unwrap();
    db.create_all().unwrap();
    assert_eq!(catalog_tables(&db, Some("analytics")), ["hit"]);

    let e = DatabaseBuilder::from_vars(vars(&[("FSQL_BINDS", "{auth: nope}")])).unwrap_err();
    assert!(
        e.to_string().contains("FSQL_BINDS") && e.to_string().contains("JSON object"),
        "{e}"
    );
    let e = DatabaseBuilder::from_vars(vars(&[
        ("FSQL_BINDS", r#"{"auth": "sqlite://"}"#),
        ("FSQL_BIND_AUTH", "sqlite://"),
    ]))
    .unwrap_err();
    assert!(e.to_string().contains("bind configured twice"), "{e}");
    let e = DatabaseBuilder::from_vars(vars(&[
        ("FSQL_BINDS", r#"{"auth": "postgresql://u:secret@h/x"}"#),
        ("FSQL_BINDS_X", ""),
    ]))
    .and_then(|b| b.build())
    .unwrap_err();
    assert!(!e.to_string().contains("secret"), "{e}");
    let e = DatabaseBuilder::from_vars(vars(&[]))
        .unwrap()
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("FSQL_DATABASE_URL"), "{e}");
}

#[test]
fn configuration_from_toml_with_per_bind_pools() {
    let text = r#"
        url = "sqlite://"
        [pool]
        max_size = 7
        connection_timeout = 2.5
        [binds]
        auth = "sqlite://"
        [binds.analytics]
        url = "sqlite://"
        idle_timeout = 60
        validate_after_idle = 0.25
        echo = true
    "#;
    let db = DatabaseBuilder::from_toml_str(text)
        .unwrap()
        .registry(all_tables())
        .build()
        .unwrap();
    let auth = db.pool_options(Some("auth")).unwrap();
    assert_eq!(auth.connection_timeout, Duration::from_millis(2500));
    let analytics = db.pool_options(Some("analytics")).unwrap();
    assert_eq!(
        analytics.idle_timeout, None,
        "in-memory SQLite never expires its connection"
    );
    assert!(analytics.echo);
    assert_eq!(analytics.validate_after_idle, Duration::from_millis(250));
    assert_eq!(
        auth.validate_after_idle,
        fsql::PoolOptions::default().validate_after_idle
    );
    assert_eq!(
        analytics.connection_timeout,
        Duration::from_millis(2500),
        "inherits [pool]"
    );
    db.create_all().unwrap();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fsql.toml");
    std::fs::write(&path, "url = \"sqlite://\"\n[pool]\nmax_sise = 3\n").unwrap();
    let e = DatabaseBuilder::from_toml_file(&path)
        .unwrap_err()
        .to_string();
    assert!(e.contains("fsql.toml") && e.contains("max_sise"), "{e}");
    let e = DatabaseBuilder::from_toml_str("[binds]\nauth = 5\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("binds.auth") && e.contains("URL string or a table"),
        "{e}"
    );
    let e = DatabaseBuilder::from_toml_str("[binds.auth]\nurl = \"sqlite://\"\npool_size = 3\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("binds.auth") && e.contains("pool_size"), "{e}");
    let e = DatabaseBuilder::from_toml_file(dir.path().join("missing.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing.toml"), "{e}");
}

#[test]
fn per_bind_pool_options_from_code() {
    let dir = tempfile::tempdir().unwrap();
    let file = format!("sqlite:///{}", dir.path().join("a.db").display());
    let db = Database::builder()
        .url(&file)
        .bind("auth", &file)
        .pool(PoolOptions {
            max_size: 3,
            ..Default::default()
        })
        .bind_pool(
            Some("auth"),
            PoolOptions {
                max_size: 1,
                min_idle: 1,
                ..Default::default()
            },
        )
        .registry(Registry::new([]))
        .build()
        .unwrap();
    assert_eq!(db.pool_options(None).unwrap().max_size, 3);
    assert_eq!(db.pool_options(Some("auth")).unwrap().max_size, 1);
    let e = Database::builder()
        .url("sqlite://")
        .bind_pool(Some("ghost"), PoolOptions::default())
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("ghost"), "{e}");
}

#[test]
fn echo_logs_statements_of_that_bind_only() {
    let db = Database::builder()
        .url("sqlite://")
        .bind("auth", "sqlite://")
        .bind_pool(
            Some("auth"),
            PoolOptions {
                echo: true,
                ..Default::default()
            },
        )
        .registry(Registry::new([Post::META, Account::META]))
        .build()
        .unwrap();
    db.create_all().unwrap();
    let capture = Capture::default();
    tracing::subscriber::with_default(capture.clone(), || {
        Account {
            id: 0,
            login: "echoed".into(),
        }
        .insert(&db)
        .unwrap();
        Post {
            id: 0,
            title: "quiet".into(),
        }
        .insert(&db)
        .unwrap();
    });
    // Only the echo events: the `fsql::query` DEBUG events are for every bind.
    let events: Vec<String> = capture.0.lock().unwrap().clone();
    let events = events
        .into_iter()
        .filter(|e| e.starts_with("fsql::echo "))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        events.contains("fsql::echo") && events.contains("INSERT INTO `account`"),
        "{events}"
    );
    assert!(
        events.contains("echoed"),
        "echo shows parameters, as SQLAlchemy's does: {events}"
    );
    assert!(
        !events.contains("`post`"),
        "the default bind does not echo: {events}"
    );
}

#[cfg(feature = "mysql")]
#[test]
fn mysql_connections_are_recycled_after_two_hours_by_default() {
    let ns = mysql_namespace();
    let db = Database::builder()
        .url(&ns.url)
        .registry(Registry::new([]))
        .build()
        .unwrap();
    assert_eq!(
        db.pool_options(None).unwrap().max_lifetime,
        Some(Duration::from_secs(7200))
    );
}

/// The issue's acceptance case: three binds on three engines at once, each model in its own
/// database, checked through that database's catalog.
#[cfg(all(feature = "postgres", feature = "mysql"))]
#[test]
fn sqlite_postgres_and_mariadb_side_by_side() {
    let auth = postgres_namespace();
    let analytics = mysql_namespace();
    let db = Database::builder()
        .url("sqlite://")
        .bind("auth", &auth.url)
        .bind("analytics", &analytics.url)
        .registry(Registry::new([Post::META, Account::META, Hit::META]))
        .build()
        .unwrap();
    db.create_all().unwrap();
    assert_eq!(
        db.url(Some("auth")).unwrap().backend(),
        fsql::BackendKind::Postgres
    );
    assert_eq!(catalog_tables(&db, None), ["post"]);
    assert_eq!(catalog_tables(&db, Some("auth")), ["account"]);
    assert_eq!(catalog_tables(&db, Some("analytics")), ["hit"]);

    let p = Post {
        id: 0,
        title: "t".into(),
    }
    .insert(&db)
    .unwrap();
    let a = Account {
        id: 0,
        login: "ann".into(),
    }
    .insert(&db)
    .unwrap();
    let h = Hit {
        id: 0,
        path: "/".into(),
    }
    .insert(&db)
    .unwrap();
    assert_eq!((p.id, a.id, h.id), (1, 1, 1));
    assert_eq!(
        Account::query()
            .filter(Account::login.eq("ann"))
            .first(&db)
            .unwrap(),
        Some(a)
    );
    assert_eq!(Hit::query().get(&db, h.id).unwrap(), Some(h));
    db.drop_all().unwrap();
    for key in [None, Some("auth"), Some("analytics")] {
        assert!(catalog_tables(&db, key).is_empty(), "{key:?}");
    }
}

/// SQLAlchemy's `NullPool` (`null_pool`): a connection per use, closed at check-in; and
/// `echo_pool`: the pool's work logged at `fsql::pool`.
#[test]
fn a_null_pool_opens_and_closes_a_connection_per_use_and_echo_pool_logs_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:///{}", dir.path().join("null.db").display());
    let db = Database::builder()
        .url(&url)
        .pool(PoolOptions {
            null_pool: true,
            echo_pool: true,
            ..Default::default()
        })
        .registry(Registry::new([Post::META]))
        .build()
        .unwrap();
    assert_eq!(
        db.pool_status(None).unwrap().open,
        0,
        "nothing kept after the URL check"
    );
    db.create_all().unwrap();
    let capture = Capture::default();
    tracing::subscriber::with_default(capture.clone(), || {
        for title in ["a", "b"] {
            Post {
                id: 0,
                title: title.into(),
            }
            .insert(&db)
            .unwrap();
        }
        assert_eq!(Post::query().count(&db).unwrap(), 2);
    });
    let status = db.pool_status(None).unwrap();
    assert_eq!((status.open, status.idle), (0, 0), "{status:?}");
    let events: Vec<String> = capture
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.starts_with("fsql::pool "))
        .cloned()
        .collect();
    let count = |what: &str| events.iter().filter(|e| e.contains(what)).count();
    assert_eq!(count("message=connect "), 3, "{events:#?}");
    assert_eq!(count("message=checkout "), 3, "{events:#?}");
    assert_eq!(count("message=checkin "), 3, "{events:#?}");
    assert_eq!(count("message=close (null pool) "), 3, "{events:#?}");

    // The same settings from a TOML file; in-memory SQLite keeps its one connection.
    let file = dir.path().join("fsql.toml");
    std::fs::write(
        &file,
        "url = \"sqlite://\"\n[pool]\nnull_pool = true\necho_pool = true\n",
    )
    .unwrap();
    let memory = DatabaseBuilder::from_toml_file(&file)
        .unwrap()
        .registry(Registry::new([Post::META]))
        .build()
        .unwrap();
    memory.create_all().unwrap();
    Post {
        id: 0,
        title: "kept".into(),
    }
    .insert(&memory)
    .unwrap();
    assert_eq!(
        Post::query().count(&memory).unwrap(),
        1,
        "the data outlives a use"
    );
    assert_eq!(memory.pool_status(None).unwrap().idle, 1);
}

/// A model in the `auth` bind, and children that name no bind: they live in their parent's
/// bind, as Flask-SQLAlchemy puts a subclass in its base's.
#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(bind = "auth")]
pub struct Member {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 40)]
    pub name: String,
}

/// Joined-table inheritance: its own table, in the parent's bind.
#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(inherits = Member)]
pub struct Moderator {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 20)]
    pub level: String,
    pub member: BelongsTo<Member>,
}

#[test]
fn an_inheriting_model_without_a_bind_lives_in_its_parent_s() {
    assert_eq!(Moderator::META.bind, Some("auth"));
    let (dbs, _dir) = two_bind_databases("auth", &[Member::META, Moderator::META]);
    for (name, db, _ns) in &dbs {
        eprintln!("{name}");
        let stored = Moderator {
            id: 0,
            level: "high".into(),
            member: BelongsTo::loaded(Some(Member {
                id: 0,
                name: "ann".into(),
            })),
        }
        .insert(db)
        .unwrap();
        assert_eq!(Moderator::query().count(db).unwrap(), 1);
        assert_eq!(
            Member::query().get(db, stored.id).unwrap().unwrap().name,
            "ann"
        );
        // Both tables are in the auth database, none in the default one.
        let auth = catalog_tables(db, Some("auth"));
        let default = catalog_tables(db, None);
        assert!(
            auth.contains(&"member".to_owned()) && auth.contains(&"moderator".to_owned()),
            "{name}: {auth:?}"
        );
        assert!(
            !default.contains(&"moderator".to_owned()),
            "{name}: {default:?}"
        );
    }
}

/// A mixin and an abstract base that carry a bind (Flask-SQLAlchemy's `__bind_key__` on an
/// abstract base): the models built on them live there unless they name their own.
#[derive(Mixin)]
#[fsql(bind = "auth")]
pub struct AuthStamp {
    pub issued: i64,
}

#[fsql::mixin(AuthStamp)]
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Token {
    #[fsql(primary_key)]
    pub id: i32,
}

#[fsql::mixin(AuthStamp)]
#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(bind = "analytics")]
pub struct ExportedToken {
    #[fsql(primary_key)]
    pub id: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(abstract, bind = "auth")]
pub struct AuthBase {
    #[fsql(primary_key)]
    pub id: i32,
}

#[fsql::mixin(AuthBase)]
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Grant {
    #[fsql(length = 40)]
    pub scope: String,
}

#[test]
fn a_mixin_or_abstract_base_gives_its_bind_to_the_models_built_on_it() {
    assert_eq!(Token::META.bind, Some("auth"));
    assert_eq!(
        ExportedToken::META.bind,
        Some("analytics"),
        "the model's own wins"
    );
    assert_eq!(Grant::META.bind, Some("auth"));
    let (dbs, _dir) = two_bind_databases("auth", &[Token::META, Grant::META]);
    for (name, db, _ns) in &dbs {
        eprintln!("{name}");
        Token { id: 0, issued: 7 }.insert(db).unwrap();
        Grant {
            id: 0,
            scope: "read".into(),
        }
        .insert(db)
        .unwrap();
        let auth = catalog_tables(db, Some("auth"));
        assert!(
            auth.contains(&"token".to_owned()) && auth.contains(&"grant".to_owned()),
            "{name}: {auth:?}"
        );
        assert!(catalog_tables(db, None).is_empty(), "{name}");
    }
}
