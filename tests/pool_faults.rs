//! The pool under faults: backends killed by the server (`pg_terminate_backend`, MariaDB
//! `KILL`), a backend killed in the middle of a session's commit, an exhausted pool, failing
//! `on_connect` hooks, and the SQLite-file equivalents.
//!
//! Other tests run in parallel against the same servers, so these kill only the connections
//! of their own pool: each test collects its pool's backend ids (`pg_backend_pid()`,
//! `CONNECTION_ID()`) from connections it holds, and kills those through an admin connection
//! outside the pool.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use diesel::connection::SimpleConnection;
use diesel::RunQueryDsl;
use fsql::prelude::*;
use fsql::{AnyConnection, DatabaseErrorKind, PoolOptions, Registry};

#[derive(Model, Debug, Clone, PartialEq)]
pub struct FaultItem {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 40)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct FaultNote {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 40)]
    pub text: String,
}

const TABLES: &[&fsql::TableMeta] = &[FaultItem::META, FaultNote::META];

fn kind(e: &fsql::Error) -> Option<DatabaseErrorKind> {
    match e {
        fsql::Error::Database { kind, .. } => Some(*kind),
        _ => None,
    }
}

/// One session commit: a `FaultItem` row then a `FaultNote` row, both with key 1.
fn commit_item_then_note(db: &Database) -> fsql::Result<()> {
    let mut session = db.session();
    session.add(FaultItem {
        id: 1,
        name: "first".into(),
    });
    session.add(FaultNote {
        id: 1,
        text: "second".into(),
    });
    session.commit()
}

/// A pool of `size` connections on bind `auth` of an SQLite file.
fn sqlite_bind(size: u32, timeout: Duration) -> (Database, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::builder()
        .bind(
            "auth",
            format!("sqlite:///{}", dir.path().join("auth.db").display()),
        )
        .registry(Registry::new([]))
        .pool(PoolOptions {
            max_size: size,
            connection_timeout: timeout,
            ..Default::default()
        })
        .build()
        .unwrap();
    (db, dir)
}

/// (c) An exhausted pool fails within its timeout, naming the bind, the size and the timeout.
#[test]
fn exhausted_pool_names_bind_size_and_timeout() {
    let (db, _dir) = sqlite_bind(2, Duration::from_millis(200));
    let held = [
        db.connection_to(Some("auth")).unwrap(),
        db.connection_to(Some("auth")).unwrap(),
    ];
    let started = Instant::now();
    let e = db.connection_to(Some("auth")).unwrap_err().to_string();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(200) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
    for part in ["bind `auth`", "pool size 2", "200ms"] {
        assert!(e.contains(part), "`{part}` missing from: {e}");
    }
    drop(held);
    db.connection_to(Some("auth")).unwrap();
}

/// A timeout too large to add to the clock waits for the connection instead of panicking.
#[test]
fn unbounded_connection_timeout_waits_without_panic() {
    let (db, _dir) = sqlite_bind(1, Duration::MAX);
    let held = db.connection_to(Some("auth")).unwrap();
    let db2 = db.clone();
    let waiter = std::thread::spawn(move || db2.connection_to(Some("auth")).map(drop));
    std::thread::sleep(Duration::from_millis(50));
    drop(held);
    waiter
        .join()
        .expect("no panic")
        .expect("the connection comes back");
}

/// (d) SQLite file: a commit that fails in its second statement leaves nothing behind, and the
/// connection stays in the pool (SQLite connections are not lost: only a broken transaction
/// would retire it).
#[test]
fn sqlite_file_commit_failing_midway_leaves_nothing() {
    let (db, _dir) = sqlite_file(TABLES);
    FaultNote {
        id: 1,
        text: "exists".into(),
    }
    .insert(&db)
    .unwrap();
    let e = commit_item_then_note(&db).unwrap_err();
    assert_eq!(kind(&e), Some(DatabaseErrorKind::UniqueViolation), "{e}");
    assert_eq!(FaultItem::query().count(&db).unwrap(), 0);
    assert_eq!(FaultNote::query().count(&db).unwrap(), 1);
    let opened = db.pool_status(None).unwrap().opened_total;
    for _ in 0..100 {
        assert_eq!(FaultItem::query().count(&db).unwrap(), 0);
    }
    assert_eq!(db.pool_status(None).unwrap().opened_total, opened);
}

/// `on_connect` runs once on every new connection, before it is handed out, on every bind;
/// `on_connect_bind` only on its bind.
#[test]
fn on_connect_runs_on_every_new_connection() {
    let dir = tempfile::tempdir().unwrap();
    let all = Arc::new(AtomicUsize::new(0));
    let only_auth = Arc::new(AtomicUsize::new(0));
    let (a, o) = (Arc::clone(&all), Arc::clone(&only_auth));
    let db = Database::builder()
        .url(format!(
            "sqlite:///{}",
            dir.path().join("main.db").display()
        ))
        .bind(
            "auth",
            format!("sqlite:///{}", dir.path().join("auth.db").display()),
        )
        .registry(Registry::new([]))
        .on_connect(move |conn: &mut AnyConnection| {
            a.fetch_add(1, Ordering::SeqCst);
            conn.batch_execute("PRAGMA journal_mode = WAL")
        })
        .on_connect_bind(Some("auth"), move |_: &mut AnyConnection| {
            o.fetch_add(1, Ordering::SeqCst);
            Ok::<(), std::convert::Infallible>(())
        })
        .build()
        .unwrap();
    assert_eq!(
        all.load(Ordering::SeqCst),
        2,
        "one connection per bind at build"
    );
    assert_eq!(only_auth.load(Ordering::SeqCst), 1);
    let held: Vec<_> = (0..3).map(|_| db.connection().unwrap()).collect();
    let opened = db.pool_status(None).unwrap().opened_total as usize
        + db.pool_status(Some("auth")).unwrap().opened_total as usize;
    assert_eq!(all.load(Ordering::SeqCst), opened);
    assert_eq!(only_auth.load(Ordering::SeqCst), 1);
    for mut conn in held {
        let rows: Vec<Mode> = diesel::sql_query("PRAGMA journal_mode")
            .load(&mut *conn)
            .unwrap();
        assert_eq!(rows[0].journal_mode, "wal");
    }
}

#[derive(diesel::QueryableByName)]
struct Mode {
    #[diesel(sql_type = diesel::sql_types::Text)]
    journal_mode: String,
}

/// A failing hook fails `build()` with an error that names the bind and quotes the hook's.
#[test]
fn on_connect_error_is_reported_at_build() {
    let dir = tempfile::tempdir().unwrap();
    let e = Database::builder()
        .bind(
            "auth",
            format!("sqlite:///{}", dir.path().join("auth.db").display()),
        )
        .registry(Registry::new([]))
        .on_connect(|conn: &mut AnyConnection| conn.batch_execute("PRAGMA this is not sql"))
        .build()
        .unwrap_err();
    assert!(matches!(e, fsql::Error::Connection { .. }), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("on_connect hook of bind `auth`") && text.contains("syntax error"),
        "{text}"
    );
}

/// A hook for a bind that is not configured is a configuration error, not silently unused.
#[test]
fn on_connect_for_an_unknown_bind_is_rejected() {
    let e = Database::builder()
        .url("sqlite://")
        .registry(Registry::new([]))
        .on_connect_bind(Some("nope"), |_: &mut AnyConnection| {
            Ok::<(), std::convert::Infallible>(())
        })
        .build()
        .unwrap_err();
    assert!(
        matches!(&e, fsql::Error::Config { key, value, .. } if key == "on_connect_bind" && value == "nope"),
        "{e:?}"
    );
}

/// A hook that panics while a connection is being opened gives its place in the pool back:
/// the pool does not shrink by one for every panic until nothing can be checked out.
#[test]
fn a_panicking_hook_does_not_leak_a_pool_place() {
    let dir = tempfile::tempdir().unwrap();
    let opened = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&opened);
    let db = Database::builder()
        .url(format!("sqlite:///{}", dir.path().join("p.db").display()))
        .registry(Registry::new([]))
        .pool(PoolOptions {
            max_size: 2,
            connection_timeout: Duration::from_millis(100),
            ..Default::default()
        })
        .on_connect(move |_: &mut AnyConnection| {
            if count.fetch_add(1, Ordering::SeqCst) >= 1 {
                panic!("hook panics on every connection after the first");
            }
            Ok::<(), std::convert::Infallible>(())
        })
        .build()
        .unwrap();
    let held = db.connection().unwrap();
    for _ in 0..3 {
        let db = db.clone();
        let checkout = std::panic::AssertUnwindSafe(move || db.connection().map(drop));
        assert!(std::panic::catch_unwind(checkout).is_err());
    }
    assert_eq!(db.pool_status(None).unwrap().open, 1);
    drop(held);
    db.connection().unwrap();
}

/// What needs a PostgreSQL or MariaDB server: built with the `postgres` or `mysql` feature (the
/// backend matrix), where the servers are required.
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod servers {
    use super::*;

    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Server {
        #[cfg(feature = "postgres")]
        Postgres,
        #[cfg(feature = "mysql")]
        Mysql,
    }

    /// How long a test waits for the server to do what it was told (a killed backend to go).
    const SERVER_PATIENCE: Duration = Duration::from_secs(10);

    impl Server {
        fn namespace(self) -> Namespace {
            match self {
                #[cfg(feature = "postgres")]
                Server::Postgres => postgres_namespace(),
                #[cfg(feature = "mysql")]
                Server::Mysql => mysql_namespace(),
            }
        }

        fn backend_id_sql(self) -> &'static str {
            match self {
                #[cfg(feature = "postgres")]
                Server::Postgres => "SELECT CAST(pg_backend_pid() AS BIGINT) AS id",
                #[cfg(feature = "mysql")]
                Server::Mysql => "SELECT CAST(CONNECTION_ID() AS SIGNED) AS id",
            }
        }

        fn kill_sql(self, id: i64) -> String {
            match self {
                #[cfg(feature = "postgres")]
                Server::Postgres => format!("SELECT pg_terminate_backend({id})"),
                #[cfg(feature = "mysql")]
                Server::Mysql => format!("KILL {id}"),
            }
        }

        /// Counts the backends among `ids` the server still has.
        fn alive_sql(self, ids: &[i64]) -> String {
            let list = ids
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            match self {
                #[cfg(feature = "postgres")]
                Server::Postgres => {
                    format!("SELECT CAST(count(*) AS BIGINT) AS id FROM pg_stat_activity WHERE pid IN ({list})")
                }
                #[cfg(feature = "mysql")]
                Server::Mysql => format!(
                    "SELECT CAST(count(*) AS SIGNED) AS id FROM information_schema.processlist \
                     WHERE id IN ({list})"
                ),
            }
        }

        /// 1 while backend `id` waits for a row lock of `fault_note`, else 0.
        fn lock_waiting_sql(self, id: i64) -> String {
            match self {
                #[cfg(feature = "postgres")]
                Server::Postgres => format!(
                    "SELECT CAST(count(*) AS BIGINT) AS id FROM pg_stat_activity \
                     WHERE pid = {id} AND wait_event_type = 'Lock'"
                ),
                #[cfg(feature = "mysql")]
                // `innodb_trx` did not show the wait reliably (polled every 10 ms, it stayed empty
                // for 10 s); the processlist does, and this INSERT can only be there waiting.
                Server::Mysql => format!(
                    "SELECT CAST(count(*) AS SIGNED) AS id FROM information_schema.processlist \
                     WHERE id = {id} AND info LIKE 'INSERT INTO%fault_note%'"
                ),
            }
        }
    }

    fn scalar(conn: &mut AnyConnection, sql: &str) -> i64 {
        diesel::sql_query(sql)
            .get_result::<Id>(conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .id
    }

    /// A database on its own namespace of `server`, tables created, and an admin database on the
    /// same namespace outside its pool.
    struct Fixture {
        db: Database,
        admin: Database,
        server: Server,
        _ns: Namespace,
    }

    fn fixture(server: Server, options: PoolOptions) -> Fixture {
        let ns = server.namespace();
        let db = Database::builder()
            .url(&ns.url)
            .registry(Registry::new(TABLES.iter().copied()))
            .pool(options)
            .build()
            .unwrap_or_else(|e| panic!("{server:?}: {e}"));
        db.create_all().unwrap();
        let admin = Database::builder()
            .url(&ns.url)
            .registry(Registry::new([]))
            .build()
            .unwrap();
        Fixture {
            db,
            admin,
            server,
            _ns: ns,
        }
    }

    impl Fixture {
        /// The backend ids of `n` connections of the pool, all held at once so they are distinct.
        fn pool_backends(&self, n: usize) -> Vec<i64> {
            let mut held = Vec::new();
            let mut ids = Vec::new();
            for _ in 0..n {
                let mut conn = self.db.connection().unwrap();
                ids.push(scalar(&mut conn, self.server.backend_id_sql()));
                held.push(conn);
            }
            ids
        }

        /// Kills these backends and waits until the server has let them go.
        fn kill(&self, ids: &[i64]) {
            let mut admin = self.admin.connection().unwrap();
            for id in ids {
                admin
                    .batch_execute(&self.server.kill_sql(*id))
                    .unwrap_or_else(|e| panic!("killing backend {id}: {e}"));
            }
            self.wait_for(&mut admin, &self.server.alive_sql(ids), 0);
        }

        fn wait_for(&self, admin: &mut AnyConnection, sql: &str, want: i64) {
            let started = Instant::now();
            loop {
                let got = scalar(admin, sql);
                if got == want {
                    return;
                }
                assert!(
                    started.elapsed() < SERVER_PATIENCE,
                    "{:?}: `{sql}` still {got} (want {want}) after {SERVER_PATIENCE:?}",
                    self.server
                );
                std::thread::sleep(Duration::from_millis(10));
            }
        }

        /// Runs `n` primary-key lookups through the `Database`; the errors of the failed ones.
        fn lookups(&self, n: i32) -> Vec<fsql::Error> {
            (0..n)
                .filter_map(|i| FaultItem::query().get(&self.db, i % 10 + 1).err())
                .collect()
        }

        fn seed(&self) {
            let rows: Vec<FaultItem> = (1..=10)
                .map(|id| FaultItem {
                    id,
                    name: format!("item {id}"),
                })
                .collect();
            let mut session = self.db.session();
            for row in rows {
                session.add(row);
            }
            session.commit().unwrap();
        }
    }

    fn servers() -> Vec<Server> {
        vec![
            #[cfg(feature = "postgres")]
            Server::Postgres,
            #[cfg(feature = "mysql")]
            Server::Mysql,
        ]
    }

    /// A seeded pool of 4 connections, all 4 of which the server has just killed; their ids.
    fn killed_pool(server: Server, validate_after_idle: Duration) -> (Fixture, Vec<i64>) {
        let f = fixture(
            server,
            PoolOptions {
                max_size: 4,
                min_idle: 4,
                validate_after_idle,
                ..Default::default()
            },
        );
        f.seed();
        let ids = f.pool_backends(4);
        f.kill(&ids);
        (f, ids)
    }

    /// (a) Every backend of the pool terminated while idle, then 100 queries after idle
    /// validation is due: none fails, and the pool opened fresh connections.
    #[test]
    fn all_backends_killed_then_idle_validation_replaces_them() {
        for server in servers() {
            let (f, ids) = killed_pool(server, Duration::from_millis(100));
            let opened = f.db.pool_status(None).unwrap().opened_total;
            std::thread::sleep(Duration::from_millis(150));
            let failed = f.lookups(100);
            assert!(
                failed.is_empty(),
                "{server:?}: {} of 100 lookups failed after killing {} backends: {}",
                failed.len(),
                ids.len(),
                failed[0]
            );
            let status = f.db.pool_status(None).unwrap();
            assert!(
                status.opened_total > opened,
                "{server:?}: no new connection was opened: {status:?}"
            );
        }
    }

    /// (a) The same without waiting for idle validation: PostgreSQL's socket check finds every
    /// closed connection before use (0 failures); on MariaDB, which offers no socket check through
    /// Diesel, the first statement fails as `ClosedConnection` and the pool then validates every
    /// connection that was idle meanwhile (1 failure, never more).
    #[test]
    fn all_backends_killed_then_immediate_queries() {
        for server in servers() {
            // Idle validation never due during the test: only the other mechanisms act.
            let (f, _) = killed_pool(server, Duration::from_secs(3600));
            // Connections reused within this of their last statement count as in flight.
            std::thread::sleep(fsql_diesel::pool::SOCKET_CHECK_AFTER_IDLE);
            let failed = f.lookups(100);
            let allowed = match server {
                #[cfg(feature = "postgres")]
                Server::Postgres => 0,
                #[cfg(feature = "mysql")]
                Server::Mysql => 1,
            };
            assert!(
                failed.len() <= allowed,
                "{server:?}: {} of 100 lookups failed (at most {allowed} may): {:?}",
                failed.len(),
                failed.iter().map(ToString::to_string).collect::<Vec<_>>()
            );
            for e in &failed {
                assert_eq!(
                    kind(e),
                    Some(DatabaseErrorKind::ClosedConnection),
                    "{server:?}: {e}"
                );
            }
            // Every later statement runs on a live connection.
            assert!(f.lookups(100).is_empty(), "{server:?}");
            let status = f.db.pool_status(None).unwrap();
            assert!(status.open <= 4, "{server:?}: {status:?}");
        }
    }

    /// A pool of one connection that gives up waiting for it after 100 ms.
    fn one_connection(server: Server) -> Fixture {
        fixture(
            server,
            PoolOptions {
                max_size: 1,
                connection_timeout: Duration::from_millis(100),
                ..Default::default()
            },
        )
    }

    /// (b) A session's commit whose backend is killed after its first statement ran, while the
    /// second waits for a row lock: nothing of it is committed, the error is `ClosedConnection`,
    /// and the pool goes on with a fresh connection.
    #[test]
    fn backend_killed_in_the_middle_of_a_commit() {
        for server in servers() {
            let f = one_connection(server);
            let id = f.pool_backends(1)[0];
            // An uncommitted row with the key the session will insert second: its INSERT waits.
            let mut blocker = f.admin.connection().unwrap();
            let note = FaultNote::META.name;
            let begin = match server {
                #[cfg(feature = "postgres")]
                Server::Postgres => "BEGIN",
                #[cfg(feature = "mysql")]
                Server::Mysql => "START TRANSACTION",
            };
            blocker
                .batch_execute(&format!(
                    "{begin}; INSERT INTO {note} (id, text) VALUES (1, 'blocker')"
                ))
                .unwrap();
            let db = f.db.clone();
            let commit = std::thread::spawn(move || commit_item_then_note(&db));
            let mut admin = f.admin.connection().unwrap();
            f.wait_for(&mut admin, &server.lock_waiting_sql(id), 1);
            admin.batch_execute(&server.kill_sql(id)).unwrap();
            let result = commit.join().expect("the commit thread does not panic");
            blocker.batch_execute("ROLLBACK").unwrap();
            drop(blocker);
            let e = result.expect_err("the commit's connection was killed");
            assert_eq!(
                kind(&e),
                Some(DatabaseErrorKind::ClosedConnection),
                "{server:?}: {e}"
            );
            assert_eq!(FaultItem::query().count(&f.db).unwrap(), 0, "{server:?}");
            assert_eq!(FaultNote::query().count(&f.db).unwrap(), 0, "{server:?}");
            f.seed();
            assert!(f.lookups(100).is_empty(), "{server:?}");
            assert_ne!(f.pool_backends(1)[0], id, "{server:?}");
        }
    }

    /// (c) on the servers: the same error from a PostgreSQL or MariaDB pool.
    #[test]
    fn exhausted_server_pool_names_bind_and_size() {
        for server in servers() {
            let f = one_connection(server);
            let held = f.db.connection().unwrap();
            let started = Instant::now();
            let e = f.db.connection().unwrap_err().to_string();
            assert!(started.elapsed() < Duration::from_secs(5), "{server:?}");
            for part in ["the default bind", "pool size 1", "100ms"] {
                assert!(e.contains(part), "{server:?}: `{part}` missing from: {e}");
            }
            drop(held);
        }
    }

    /// Server sessions set through the hook apply to every pooled connection, including the ones
    /// opened to replace killed backends.
    #[test]
    fn on_connect_applies_to_replacement_connections() {
        for server in servers() {
            let ns = server.namespace();
            let set = match server {
                #[cfg(feature = "postgres")]
                Server::Postgres => "SET application_name = 'fsql_hooked'",
                #[cfg(feature = "mysql")]
                Server::Mysql => "SET @fsql_hooked = 1",
            };
            let check = match server {
                #[cfg(feature = "postgres")]
                Server::Postgres => {
                    "SELECT CAST(count(*) AS BIGINT) AS id WHERE current_setting('application_name') = 'fsql_hooked'"
                }
                #[cfg(feature = "mysql")]
                Server::Mysql => "SELECT CAST(COALESCE(@fsql_hooked, 0) AS SIGNED) AS id",
            };
            let db = Database::builder()
                .url(&ns.url)
                .registry(Registry::new([]))
                .pool(PoolOptions {
                    max_size: 2,
                    ..Default::default()
                })
                .on_connect(move |conn: &mut AnyConnection| conn.batch_execute(set))
                .build()
                .unwrap();
            let admin = Database::builder()
                .url(&ns.url)
                .registry(Registry::new([]))
                .build()
                .unwrap();
            let id = scalar(&mut db.connection().unwrap(), server.backend_id_sql());
            admin
                .connection()
                .unwrap()
                .batch_execute(&server.kill_sql(id))
                .unwrap();
            // Whatever the detection path, the connections that run statements have the setting.
            for _ in 0..20 {
                let mut conn = db.connection().unwrap();
                if let Ok(r) = diesel::sql_query(check).get_result::<Id>(&mut *conn) {
                    assert_eq!(r.id, 1, "{server:?}");
                }
            }
            let mut conn = db.connection().unwrap();
            assert_eq!(scalar(&mut conn, check), 1, "{server:?}");
        }
    }
}
