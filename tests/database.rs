//! `Database`: URLs, connections, binds and the failure paths of `create_all`.

mod common;

use common::*;
use fsql::prelude::*;
use fsql::Registry;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Author {
    #[fsql(primary_key)]
    pub id: i32,
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Book {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Author)]
    pub author_id: i32,
}

/// Its server default is not valid SQL: creating its table fails.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Broken {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(default = "this is not sql (")]
    pub x: Option<i32>,
}

/// A string foreign key to a table no model has.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Dangling {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(foreign_key = "nowhere.id")]
    pub nowhere_id: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(bind = "auth")]
pub struct Account {
    #[fsql(primary_key)]
    pub id: i32,
}

#[test]
fn in_memory_database_is_shared_by_every_handle() {
    let db = sqlite_memory(&[Author::META]);
    Author {
        id: 0,
        name: "a".into(),
    }
    .insert(&db)
    .unwrap();
    let clone = db.clone();
    assert_eq!(Author::query().count(&clone).unwrap(), 1);
    let mut conn = db.connection().unwrap();
    assert_eq!(Author::query().count(&mut conn).unwrap(), 1);
}

#[test]
fn absolute_file_url_persists_across_databases() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let url = format!("sqlite:///{}", path.display()); // path is absolute: four slashes in all
    assert!(url.starts_with("sqlite:////"));
    let build = || {
        Database::builder()
            .url(&url)
            .registry(Registry::new([Author::META]))
            .build()
            .unwrap()
    };
    let db = build();
    db.create_all().unwrap();
    Author {
        id: 0,
        name: "kept".into(),
    }
    .insert(&db)
    .unwrap();
    drop(db);
    assert!(path.exists());
    assert_eq!(Author::query().all(&build()).unwrap()[0].name, "kept");
}

/// SQLAlchemy's `sqlite:///file:<path>?mode=ro&uri=true`: an SQLite URI filename, its
/// parameters passed to SQLite.
#[test]
fn sqlite_uri_filenames_pass_their_parameters_to_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("uri app.db");
    let file_uri = format!("file:{}", path.display().to_string().replace(' ', "%20"));
    let build = |url: &str| {
        Database::builder()
            .url(url)
            .registry(Registry::new([Author::META]))
            .build()
            .unwrap_or_else(|e| panic!("{url}: {e}"))
    };
    let rw = build(&format!("sqlite:///{file_uri}?uri=true"));
    rw.create_all().unwrap();
    Author {
        id: 0,
        name: "kept".into(),
    }
    .insert(&rw)
    .unwrap();
    drop(rw);
    assert!(path.exists(), "the percent-encoded path names the file");
    // Read-only: reads work, a write is the driver's error, not a silent no-op.
    let ro = build(&format!("sqlite:///{file_uri}?mode=ro&uri=true"));
    assert_eq!(Author::query().all(&ro).unwrap()[0].name, "kept");
    let err = Author {
        id: 0,
        name: "refused".into(),
    }
    .insert(&ro)
    .unwrap_err();
    assert!(err.to_string().contains("readonly"), "{err}");
    assert_eq!(Author::query().count(&ro).unwrap(), 1);

    // A named in-memory database with a shared cache: two `Database`s see the same rows.
    let name = format!(
        "sqlite:///file:{}?mode=memory&cache=shared&uri=true",
        unique_name()
    );
    let first = build(&name);
    first.create_all().unwrap();
    Author {
        id: 0,
        name: "shared".into(),
    }
    .insert(&first)
    .unwrap();
    let second = build(&name);
    assert_eq!(Author::query().all(&second).unwrap()[0].name, "shared");

    // Without `uri=true` the parameters would be dropped by SQLAlchemy's rule: refused here.
    let err = Database::builder()
        .url(format!("sqlite:///{}?mode=ro", path.display()))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("uri=true"), "{err}");
}

#[test]
fn relative_file_url_is_relative_to_the_working_directory() {
    // Tests run with the package root as working directory.
    // A directory of its own under the working directory, whatever the target dir is.
    let dir = tempfile::tempdir_in(std::env::current_dir().unwrap()).unwrap();
    let relative = dir
        .path()
        .strip_prefix(std::env::current_dir().unwrap())
        .unwrap()
        .join("rel.db");
    let db = Database::builder()
        .url(format!("sqlite:///{}", relative.display()))
        .registry(Registry::new([Author::META]))
        .build()
        .unwrap();
    db.create_all().unwrap();
    assert!(std::env::current_dir().unwrap().join(&relative).exists());
}

#[test]
fn foreign_keys_pragma_is_on_for_every_connection() {
    let (db, _dir) = sqlite_file(&[Author::META, Book::META]);
    let e = Book {
        id: 0,
        author_id: 7,
    }
    .insert(&db)
    .unwrap_err();
    assert_eq!(
        e.database_kind(),
        Some(fsql::DatabaseErrorKind::ForeignKeyViolation),
        "{e}"
    );
    let fk = rows4(&db, "SELECT CAST(foreign_keys AS TEXT) AS c0, NULL AS c1, NULL AS c2, NULL AS c3 FROM pragma_foreign_keys");
    assert_eq!(fk[0][0], "1");
    let busy = rows4(&db, "SELECT CAST(timeout AS TEXT) AS c0, NULL AS c1, NULL AS c2, NULL AS c3 FROM pragma_busy_timeout");
    assert_eq!(busy[0][0], "5000");
}

#[test]
fn malformed_urls_are_url_errors_that_quote_the_url() {
    for url in [
        "sqlite:app.db",
        "sqlite://app.db",
        "nosuchdb://x",
        "://x",
        "postgresql:/one-slash",
    ] {
        let e = Database::builder().url(url).build().unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, fsql::Error::Url { .. }), "{url}: {msg}");
        assert!(msg.contains(&format!("`{url}`")), "{msg}");
    }
}

/// A backend that is not compiled in says which feature to enable, and never shows the password.
#[cfg(not(all(feature = "postgres", feature = "mysql")))]
#[test]
fn backend_not_compiled_in_names_the_feature() {
    #[cfg(not(feature = "postgres"))]
    let (url, feature) = ("postgresql://bob:hunter2@localhost/x", "postgres");
    #[cfg(all(feature = "postgres", not(feature = "mysql")))]
    let (url, feature) = ("mysql://bob:hunter2@localhost/x", "mysql");
    let e = Database::builder().url(url).build().unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, fsql::Error::Url { .. }), "{msg}");
    assert!(
        msg.contains(&format!("enable fsql's `{feature}` feature")),
        "{msg}"
    );
    assert!(
        !msg.contains("hunter2") && msg.contains("bob:***@"),
        "{msg}"
    );
}

/// An unreachable server reports the driver's own reason with host and port, not "invalid URL",
/// and never the password.
#[cfg(any(feature = "postgres", feature = "mysql"))]
#[test]
fn unreachable_servers_report_the_real_cause() {
    let mut urls = Vec::new();
    #[cfg(feature = "postgres")]
    urls.push("postgresql://bob:hunter2@127.0.0.1:1/x");
    #[cfg(feature = "mysql")]
    urls.push("mysql://bob:hunter2@127.0.0.1:1/x");
    for url in urls {
        let e = Database::builder().url(url).build().unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, fsql::Error::Connection { .. }), "{url}: {msg}");
        assert!(!msg.contains("hunter2"), "password leaked: {msg}");
        assert!(msg.contains(&url.replace("hunter2", "***")), "{msg}");
        let lower = msg.to_lowercase();
        assert!(
            lower.contains("refused") || lower.contains("can't connect"),
            "{msg}"
        );
        assert!(msg.contains("127.0.0.1"), "{msg}");
        assert!(!lower.contains("invalid url"), "{msg}");
    }
}

#[test]
fn unopenable_file_is_a_connection_error_with_the_cause() {
    let e = Database::builder()
        .url("sqlite:////nonexistent-dir/sub/app.db")
        .build()
        .unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, fsql::Error::Connection { .. }), "{msg}");
    assert!(
        msg.contains("sqlite:////nonexistent-dir/sub/app.db"),
        "{msg}"
    );
    assert!(msg.to_lowercase().contains("unable to open"), "{msg}");
    assert!(
        msg.contains("check that the directory `/nonexistent-dir/sub` exists"),
        "{msg}"
    );
}

#[test]
fn no_url_at_all_is_a_config_error() {
    let e = Database::builder().build().unwrap_err();
    assert!(matches!(e, fsql::Error::Config { .. }), "{e}");
}

#[test]
fn failed_create_all_rolls_back_and_names_model_and_statement() {
    let db = Database::builder()
        .url("sqlite://")
        .registry(Registry::new([Author::META, Book::META, Broken::META]))
        .build()
        .unwrap();
    let e = db.create_all().unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("for model `Broken`"), "{msg}");
    assert!(
        msg.contains(r#"CREATE TABLE IF NOT EXISTS "broken""#),
        "{msg}"
    );
    assert!(
        sqlite_tables(&db).is_empty(),
        "nothing is left half-created: {:?}",
        sqlite_tables(&db)
    );
}

#[test]
fn schema_errors_are_found_before_anything_runs() {
    let db = Database::builder()
        .url("sqlite://")
        .registry(Registry::new([Author::META, Dangling::META]))
        .build()
        .unwrap();
    let e = db.check().unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("model `Dangling` column `nowhere_id` refers to table `nowhere`"),
        "{msg}"
    );
    assert!(db.create_all().is_err());
    assert!(sqlite_tables(&db).is_empty());
}

#[test]
fn a_model_whose_bind_has_no_url_is_an_unknown_bind_error() {
    let db = Database::builder()
        .url("sqlite://")
        .registry(Registry::new([Author::META, Account::META]))
        .build()
        .unwrap();
    let e = Account::query().all(&db).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, fsql::Error::UnknownBind { .. }), "{msg}");
    assert!(
        msg.contains("model `Account` uses bind key \"auth\""),
        "{msg}"
    );
    assert!(
        msg.contains("configured binds: the default database"),
        "{msg}"
    );
    let e = db.check().unwrap_err();
    assert!(matches!(e, fsql::Error::UnknownBind { .. }), "{e}");
    assert!(db.create_all().is_err());
    assert!(
        sqlite_tables(&db).is_empty(),
        "create_all checks every bind before creating anything"
    );
}

#[test]
fn binds_route_each_model_to_its_database() {
    let db = Database::builder()
        .url("sqlite://")
        .bind("auth", "sqlite://")
        .registry(Registry::new([Author::META, Account::META]))
        .build()
        .unwrap();
    db.create_all().unwrap();
    Account { id: 0 }.insert(&db).unwrap();
    Author {
        id: 0,
        name: "a".into(),
    }
    .insert(&db)
    .unwrap();
    let tables = |key| {
        let mut c = db.connection_to(key).unwrap();
        #[allow(irrefutable_let_patterns)] // one variant when only `sqlite` is on
        let fsql::AnyConnection::Sqlite(c) = &mut *c
        else {
            panic!("sqlite:// URLs open SQLite connections");
        };
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct T {
            #[diesel(sql_type = diesel::sql_types::Text)]
            name: String,
        }
        diesel::sql_query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .load::<T>(c)
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(tables(None), ["author"]);
    assert_eq!(tables(Some("auth")), ["account"]);
    assert_eq!(Account::query().count(&db).unwrap(), 1);
    let debug = format!("{db:?}");
    assert!(
        debug.contains("auth") && debug.contains("sqlite://"),
        "{debug}"
    );
}

/// A MySQL URL's `charset` is the connection's (SQLAlchemy's rule); utf8mb4 when none is
/// given. A charset whose text is not UTF-8 is refused: fsql reads text as UTF-8.
#[cfg(feature = "mysql")]
#[test]
fn a_mysql_url_charset_is_the_connection_charset() {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Charset {
        #[diesel(sql_type = diesel::sql_types::Text)]
        cs: String,
    }
    let ns = mysql_namespace();
    let charset_of = |url: &str| {
        let db = Database::builder().url(url).build().unwrap();
        let mut conn = db.connection().unwrap();
        let rows: Vec<Charset> = diesel::sql_query("SELECT @@character_set_client AS cs")
            .load(&mut *conn)
            .unwrap();
        rows.into_iter().next().unwrap().cs
    };
    let sep = if ns.url.contains('?') { '&' } else { '?' };
    assert_eq!(charset_of(&ns.url), "utf8mb4");
    assert_eq!(
        charset_of(&format!("{}{sep}charset=utf8mb4", ns.url)),
        "utf8mb4"
    );
    let old = charset_of(&format!("{}{sep}charset=utf8", ns.url));
    assert!(old == "utf8mb3" || old == "utf8", "{old}");
    let err = Database::builder()
        .url(format!("{}{sep}charset=latin1", ns.url))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("UTF-8"), "{err}");
}
