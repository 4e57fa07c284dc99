//! Shared by the integration tests: fresh databases on every compiled-in backend, and catalog
//! reads for SQLite.
//!
//! Built with `--features postgres` / `mysql`, every test that calls [`each_backend`] also runs
//! on PostgreSQL / MariaDB, in a schema / database of its own that is dropped afterwards, so
//! tests run in parallel against one server. The servers come from `FSQL_TEST_POSTGRES_URL` and
//! `FSQL_TEST_MYSQL_URL`; a missing variable fails the test with how to start the server.

#![allow(dead_code)]

use std::ops::Deref;
use std::sync::atomic::{AtomicU32, Ordering};

use fsql::{BackendKind, Database, Registry, TableMeta};

/// A database on one backend for one test; dropping it drops its schema or database.
pub struct TestDb {
    // Declared before the namespace so its pool closes before the namespace is dropped.
    pub db: Database,
    pub backend: BackendKind,
    _namespace: Option<Namespace>,
}

impl Deref for TestDb {
    type Target = Database;
    fn deref(&self) -> &Database {
        &self.db
    }
}

/// A schema (PostgreSQL) or database (MySQL) of one test, dropped with this value.
pub struct Namespace {
    /// URL that connects into the namespace.
    pub url: String,
    admin_url: String,
    drop_statement: String,
}

impl Drop for Namespace {
    fn drop(&mut self) {
        // Best effort: a failed drop leaves a uniquely named namespace behind, nothing more.
        let _ = try_admin(&self.admin_url, &self.drop_statement);
    }
}

/// One fresh database per compiled-in backend, serving exactly `tables`, tables created.
#[allow(clippy::vec_init_then_push)] // one push per compiled-in backend
pub fn each_backend(tables: &[&'static TableMeta]) -> Vec<TestDb> {
    let mut out = Vec::new();
    #[cfg(feature = "sqlite")]
    out.push(TestDb {
        db: build("sqlite://", tables),
        backend: BackendKind::Sqlite,
        _namespace: None,
    });
    #[cfg(feature = "postgres")]
    {
        let ns = postgres_namespace();
        out.push(TestDb {
            db: build(&ns.url, tables),
            backend: BackendKind::Postgres,
            _namespace: Some(ns),
        });
    }
    #[cfg(feature = "mysql")]
    {
        let ns = mysql_namespace();
        out.push(TestDb {
            db: build(&ns.url, tables),
            backend: BackendKind::Mysql,
            _namespace: Some(ns),
        });
    }
    for t in &out {
        t.db.create_all()
            .unwrap_or_else(|e| panic!("create_all on {}: {e}", t.backend));
    }
    out
}

/// A URL every `Database` of a test can open to reach `t`'s database: on SQLite a file in
/// `dir` (an in-memory database lives as long as its one connection), on a server the test's
/// namespace (test URLs carry no password, so the masked URL is the URL).
pub fn shared_url(t: &TestDb, dir: &std::path::Path) -> String {
    match t.backend {
        BackendKind::Sqlite => format!("sqlite:///{}", dir.join("app.db").display()),
        _ => t.db.url(None).unwrap().masked().to_owned(),
    }
}

/// A fresh database on `backend` alone (which must be compiled in), `tables` created.
pub fn on_backend(backend: BackendKind, tables: &[&'static TableMeta]) -> TestDb {
    let (url, namespace) = match backend {
        BackendKind::Sqlite => ("sqlite://".to_owned(), None),
        BackendKind::Postgres => {
            let ns = postgres_namespace();
            (ns.url.clone(), Some(ns))
        }
        _ => {
            let ns = mysql_namespace();
            (ns.url.clone(), Some(ns))
        }
    };
    let t = TestDb {
        db: build(&url, tables),
        backend,
        _namespace: namespace,
    };
    t.db.create_all()
        .unwrap_or_else(|e| panic!("create_all on {}: {e}", t.backend));
    t
}

fn build(url: &str, tables: &[&'static TableMeta]) -> Database {
    Database::builder()
        .url(url)
        .registry(Registry::new(tables.iter().copied()))
        .build()
        .unwrap_or_else(|e| panic!("cannot open {url}: {e}"))
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A name no other test (in this or a concurrent run) uses.
pub fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("fsql_t_{}_{}_{}", std::process::id(), n, nanos)
}

/// The server URL for a backend from the environment, or a failure that says how to get one.
pub fn server_url(var: &str, how: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!(
            "{var} is not set, but this test binary was built with that backend's feature. \
             {how} (`.ci/run` does both), or build without the feature."
        )
    })
}

/// A fresh PostgreSQL schema, reached through `search_path` in the URL.
pub fn postgres_namespace() -> Namespace {
    let base = server_url(
        "FSQL_TEST_POSTGRES_URL",
        "Start PostgreSQL (e.g. `pg_ctlcluster 15 main start`) and export \
         FSQL_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test",
    );
    let schema = unique_name();
    run_admin(&base, &format!("CREATE SCHEMA {schema}"));
    let sep = if base.contains('?') { '&' } else { '?' };
    Namespace {
        url: format!("{base}{sep}options=-csearch_path%3D{schema}"),
        admin_url: base,
        drop_statement: format!("DROP SCHEMA {schema} CASCADE"),
    }
}

/// A fresh MySQL/MariaDB database.
pub fn mysql_namespace() -> Namespace {
    let base = server_url(
        "FSQL_TEST_MYSQL_URL",
        "Start MariaDB (e.g. `start-stop-daemon --start --background --exec /usr/sbin/mariadbd`) \
         and export FSQL_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test",
    );
    let name = unique_name();
    run_admin(
        &base,
        &format!("CREATE DATABASE {name} CHARACTER SET utf8mb4"),
    );
    let (prefix, _) = base
        .rsplit_once('/')
        .expect("a mysql URL ends with /<database>");
    Namespace {
        url: format!("{prefix}/{name}"),
        admin_url: base,
        drop_statement: format!("DROP DATABASE {name}"),
    }
}

fn try_admin(url: &str, sql: &str) -> Result<(), String> {
    let db = Database::builder()
        .url(url)
        .registry(Registry::new([]))
        .build()
        .map_err(|e| format!("cannot reach the test server: {e}"))?;
    let mut conn = db.connection().map_err(|e| e.to_string())?;
    diesel::connection::SimpleConnection::batch_execute(&mut *conn, sql)
        .map_err(|e| format!("{sql}: {e}"))
}

fn run_admin(url: &str, sql: &str) {
    try_admin(url, sql).unwrap_or_else(|e| panic!("{e}"));
}

/// Names of the tables in the database (or schema) a bind connects to, through that backend's
/// own catalog.
pub fn catalog_tables(db: &Database, key: Option<&str>) -> Vec<String> {
    let sql = match db.url(key).expect("bind").backend() {
        BackendKind::Sqlite => {
            "SELECT name AS c0, NULL AS c1, NULL AS c2, NULL AS c3 FROM sqlite_master \
             WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        BackendKind::Postgres => {
            "SELECT table_name::text AS c0, NULL::text AS c1, NULL::text AS c2, NULL::text AS c3 \
             FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
        }
        _ => {
            "SELECT CAST(table_name AS CHAR) AS c0, NULL AS c1, NULL AS c2, NULL AS c3 \
             FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1"
        }
    };
    rows4_on(db, key, sql)
        .into_iter()
        .map(|[name, ..]| name)
        .collect()
}

/// A fresh in-memory SQLite database serving exactly `tables`, with the tables created.
pub fn sqlite_memory(tables: &[&'static TableMeta]) -> Database {
    let db = build("sqlite://", tables);
    db.create_all().expect("create_all on a fresh database");
    db
}

/// A fresh file-backed SQLite database in a temporary directory (kept alive by the guard).
pub fn sqlite_file(tables: &[&'static TableMeta]) -> (Database, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = build(
        &format!("sqlite:///{}", dir.path().join("test.db").display()),
        tables,
    );
    db.create_all().expect("create_all on a fresh database");
    (db, dir)
}

#[derive(diesel::QueryableByName, Debug)]
struct Row4 {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    c0: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    c1: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    c2: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    c3: Option<String>,
}

/// Runs a catalog query that selects exactly four columns named `c0`..`c3` (pad with `NULL`)
/// and returns them as text, `NULL` as `"NULL"`.
pub fn rows4(db: &Database, sql: &str) -> Vec<[String; 4]> {
    rows4_on(db, None, sql)
}

/// [`rows4`] on a bind.
pub fn rows4_on(db: &Database, key: Option<&str>, sql: &str) -> Vec<[String; 4]> {
    use diesel::RunQueryDsl;
    let mut conn = db.connection_to(key).expect("connection");
    let out: Vec<Row4> = diesel::sql_query(sql)
        .load(&mut *conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let s = |v: Option<String>| v.unwrap_or_else(|| "NULL".to_owned());
    out.into_iter()
        .map(|r| [s(r.c0), s(r.c1), s(r.c2), s(r.c3)])
        .collect()
}

/// `(name, declared type, notnull, pk position)` of each column of an SQLite table.
pub fn sqlite_columns(db: &Database, table: &str) -> Vec<[String; 4]> {
    rows4(
        db,
        &format!(
            "SELECT name AS c0, type AS c1, CAST(\"notnull\" AS TEXT) AS c2, CAST(pk AS TEXT) AS c3 \
             FROM pragma_table_info('{table}') ORDER BY cid"
        ),
    )
}

/// `(index name, unique, columns joined by ',', origin)` of each index of an SQLite table.
pub fn sqlite_indexes(db: &Database, table: &str) -> Vec<[String; 4]> {
    rows4(
        db,
        &format!(
            "SELECT il.name AS c0, CAST(il.\"unique\" AS TEXT) AS c1, \
             (SELECT group_concat(ii.name, ',') FROM pragma_index_info(il.name) ii) AS c2, \
             il.origin AS c3 FROM pragma_index_list('{table}') il ORDER BY il.name"
        ),
    )
}

/// `(referred table, from column, to column, on_delete)` of each foreign key.
pub fn sqlite_foreign_keys(db: &Database, table: &str) -> Vec<[String; 4]> {
    rows4(
        db,
        &format!(
            "SELECT \"table\" AS c0, \"from\" AS c1, \"to\" AS c2, on_delete AS c3 \
             FROM pragma_foreign_key_list('{table}') ORDER BY id"
        ),
    )
}

/// Names of the tables that exist.
pub fn sqlite_tables(db: &Database) -> Vec<String> {
    rows4(
        db,
        "SELECT name AS c0, NULL AS c1, NULL AS c2, NULL AS c3 FROM sqlite_master \
         WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .into_iter()
    .map(|[name, ..]| name)
    .collect()
}

/// One database per compiled-in backend shared by every test of this test binary that calls
/// it, each test's work inside [`Database::test_transaction`] (rolled back at the end on every
/// bind), so nothing needs cleaning up. Server namespaces are named after the test binary and
/// a hash of its tables and kept between runs (they stay empty); tests of one binary take
/// turns on a backend, so they never wait on each other's locks.
#[allow(clippy::vec_init_then_push)] // one push per compiled-in backend
pub fn in_shared_databases(tables: &[&'static TableMeta], f: impl Fn(&Database, BackendKind)) {
    use std::sync::{Mutex, OnceLock};
    static SHARED: OnceLock<Vec<(BackendKind, Mutex<Database>)>> = OnceLock::new();
    let shared = SHARED.get_or_init(|| {
        let mut out = Vec::new();
        #[cfg(feature = "sqlite")]
        out.push((BackendKind::Sqlite, build("sqlite://", tables)));
        #[cfg(any(feature = "postgres", feature = "mysql"))]
        let name = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            format!("{tables:?}").hash(&mut h);
            let exe = std::env::current_exe().expect("test binary path");
            let stem = exe.file_stem().and_then(|s| s.to_str()).unwrap_or("t");
            let binary = stem.split('-').next().unwrap_or(stem);
            format!("fsql_shared_{binary}_{:08x}", h.finish() as u32)
        };
        #[cfg(feature = "postgres")]
        {
            let base = server_url(
                "FSQL_TEST_POSTGRES_URL",
                "Start PostgreSQL (e.g. `pg_ctlcluster 15 main start`) and export \
                 FSQL_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test",
            );
            run_admin(&base, &format!("CREATE SCHEMA IF NOT EXISTS {name}"));
            let sep = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{sep}options=-csearch_path%3D{name}");
            out.push((BackendKind::Postgres, build(&url, tables)));
        }
        #[cfg(feature = "mysql")]
        {
            let base = server_url(
                "FSQL_TEST_MYSQL_URL",
                "Start MariaDB (e.g. `start-stop-daemon --start --background --exec \
                 /usr/sbin/mariadbd`) and export FSQL_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test",
            );
            run_admin(
                &base,
                &format!("CREATE DATABASE IF NOT EXISTS {name} CHARACTER SET utf8mb4"),
            );
            let (prefix, _) = base
                .rsplit_once('/')
                .expect("a mysql URL ends with /<database>");
            out.push((BackendKind::Mysql, build(&format!("{prefix}/{name}"), tables)));
        }
        out.into_iter()
            .map(|(backend, db)| {
                db.create_all()
                    .unwrap_or_else(|e| panic!("create_all on {backend}: {e}"));
                (backend, Mutex::new(db))
            })
            .collect()
    });
    for (backend, db) in shared {
        eprintln!("backend: {backend} (shared, test transaction)");
        // A test that failed on another thread poisons the lock; the database is still fine
        // (its work was rolled back).
        let db = db.lock().unwrap_or_else(|p| p.into_inner());
        db.test_transaction(|db| f(db, *backend))
            .unwrap_or_else(|e| panic!("test transaction on {backend}: {e}"));
    }
}

/// Databases with a second bind `bind`, tables created: two SQLite files, and for each
/// compiled-in server, the server as the default database beside an SQLite file for `bind`,
/// and an SQLite default beside the server as `bind`. Each comes with its name
/// (`"postgres + sqlite"`) and the server namespace it lives in; the files live in the
/// returned directory.
#[allow(clippy::vec_init_then_push)] // one push per compiled-in server
pub fn two_bind_databases(
    bind: &str,
    tables: &[&'static TableMeta],
) -> (
    Vec<(String, Database, Option<Namespace>)>,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = |name: &str| format!("sqlite:///{}", dir.path().join(name).display());
    let build = |main: &str, other: &str| {
        let db = Database::builder()
            .url(main)
            .bind(bind, other)
            .registry(Registry::new(tables.iter().copied()))
            .build()
            .unwrap_or_else(|e| panic!("cannot open {main} with bind {bind} = {other}: {e}"));
        db.create_all()
            .unwrap_or_else(|e| panic!("create_all: {e}"));
        db
    };
    let mut out = vec![(
        "sqlite + sqlite".to_owned(),
        build(&file("main.db"), &file("other.db")),
        None,
    )];
    type MakeNamespace = fn() -> Namespace;
    #[allow(unused_mut)]
    let mut servers: Vec<(&str, MakeNamespace)> = Vec::new();
    #[cfg(feature = "postgres")]
    servers.push(("postgres", postgres_namespace));
    #[cfg(feature = "mysql")]
    servers.push(("mysql", mysql_namespace));
    for (name, namespace) in servers {
        let ns = namespace();
        let db = build(&ns.url, &file(&format!("{name}-other.db")));
        out.push((format!("{name} + sqlite"), db, Some(ns)));
        let ns = namespace();
        let db = build(&file(&format!("{name}-main.db")), &ns.url);
        out.push((format!("sqlite + {name}"), db, Some(ns)));
    }
    (out, dir)
}

/// Collects `tracing` events as text: `<target> <field>=<value> ...`, one string per event.
#[derive(Clone, Default)]
pub struct Capture(pub std::sync::Arc<std::sync::Mutex<Vec<String>>>);

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write;
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut f = Fields(format!("{} ", event.metadata().target()));
        event.record(&mut f);
        self.0.lock().unwrap().push(f.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}
