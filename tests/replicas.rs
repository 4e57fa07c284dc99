//! Read replicas (`DatabaseBuilder::replica`) and `Database::transaction_with_retry`.
//!
//! On SQLite the primary and each replica are files holding different rows, so which one
//! answered a read is visible in the answer. With `--features postgres` the same rules are
//! proven on a real hot standby of the local PostgreSQL (`.ci/standby ensure` starts it on
//! 127.0.0.1:5433; `FSQL_TEST_STANDBY_URL` names it): reads run where `pg_is_in_recovery()`
//! is true, stopping the standby and pausing its replay send them to the primary. With
//! `--features mysql` and `postgres`, a real deadlock is retried on each server.

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
#[cfg(any(feature = "postgres", feature = "mysql"))]
use std::sync::Barrier;
use std::time::{Duration, Instant};

use common::*;
use fsql::prelude::*;
use fsql::{func, DatabaseErrorKind, Error, Registry, ReplicaOptions, RetryPolicy};

/// Which server answered: a table on SQLite (one row per file, named after the file), a view
/// over `pg_is_in_recovery()` on PostgreSQL.
#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(table_name = "server_probe")]
pub struct ServerProbe {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 20)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Team {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 40)]
    pub name: String,
    pub members: HasMany<Member>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Member {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Team)]
    pub team_id: i32,
    #[fsql(length = 40)]
    pub name: String,
    pub team: BelongsTo<Team>,
}

/// Two counters, for transactions that collide.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Counter {
    #[fsql(primary_key)]
    pub id: i32,
    pub value: i64,
}

fn team(id: i32, name: &str) -> Team {
    Team {
        id,
        name: name.into(),
        members: Default::default(),
    }
}

/// Reads the probe through a session, then queues a team and counts the teams through it:
/// a session runs on the primary and sees its own writes. Returns the count.
fn session_reads_primary_and_own_writes(db: &Database, id: i32) -> u64 {
    let mut session = db.session();
    let probe = session
        .query::<ServerProbe>()
        .get_or_404(&mut session, 1)
        .unwrap();
    assert_eq!(probe.name, "primary");
    session.add(team(id, "queued"));
    let teams = session.query::<Team>().count(&mut session).unwrap();
    session.rollback().unwrap();
    teams
}

fn no_write_window() -> ReplicaOptions {
    ReplicaOptions {
        read_your_writes: Duration::ZERO,
        ..ReplicaOptions::default()
    }
}

/// A database whose reads go to `replicas` of the default database at `primary`.
fn routed(primary: &str, replicas: &[String], options: ReplicaOptions) -> fsql::DatabaseBuilder {
    replicas
        .iter()
        .fold(Database::builder().url(primary), |b, r| b.replica(None, r))
        .replica_options(options)
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite:///{}", path.display())
}

/// An SQLite file with every table of this file, its probe row named `name`, and one team of
/// two members.
fn sqlite_server(path: &Path, name: &str) {
    let db = Database::builder()
        .url(sqlite_url(path))
        .registry(Registry::new([
            ServerProbe::META,
            Team::META,
            Member::META,
            Counter::META,
        ]))
        .build()
        .unwrap();
    db.create_all().unwrap();
    ServerProbe {
        id: 1,
        name: name.into(),
    }
    .insert(&db)
    .unwrap();
    team(1, "red").insert(&db).unwrap();
    for (id, name) in [(1, "ann"), (2, "bob")] {
        Member {
            id,
            team_id: 1,
            name: name.into(),
            team: Default::default(),
        }
        .insert(&db)
        .unwrap();
    }
}

/// A primary and `replicas` replica files in `dir`; the probe names them `primary`,
/// `replica-1`, ...
fn sqlite_servers(dir: &Path, replicas: usize) -> (String, Vec<String>) {
    sqlite_server(&dir.join("primary.db"), "primary");
    let urls = (1..=replicas)
        .map(|i| {
            let path = dir.join(format!("replica-{i}.db"));
            sqlite_server(&path, &format!("replica-{i}"));
            sqlite_url(&path)
        })
        .collect();
    (sqlite_url(&dir.join("primary.db")), urls)
}

fn answered(db: &Database) -> String {
    ServerProbe::query()
        .get_or_404(db, 1)
        .unwrap_or_else(|e| panic!("probe: {e}"))
        .name
}

#[test]
fn reads_go_to_the_replicas_in_turn_and_writes_to_the_primary() {
    let dir = tempfile::tempdir().unwrap();
    let (primary, replicas) = sqlite_servers(dir.path(), 2);
    let db = routed(&primary, &replicas, no_write_window())
        .record_queries(true)
        .build()
        .unwrap();
    assert_eq!(db.replica_urls(None).unwrap().len(), 2);

    let first: Vec<String> = (0..4).map(|_| answered(&db)).collect();
    assert_ne!(first[0], first[1], "round robin: {first:?}");
    assert_eq!(first[0], first[2], "round robin: {first:?}");
    assert_eq!(first[1], first[3], "round robin: {first:?}");
    let mut seen = first[..2].to_vec();
    seen.sort();
    assert_eq!(seen, ["replica-1", "replica-2"]);

    // A write lands on the primary, and only there.
    db.clear_recorded_queries();
    team(2, "blue").insert(&db).unwrap();
    let on_primary = db.primary(|db| Team::query().count(db)).unwrap();
    assert_eq!(on_primary, 2);
    for _ in 0..2 {
        assert_eq!(
            Team::query().count(&db).unwrap(),
            1,
            "replicas have one team"
        );
    }
    let recorded = db.recorded_queries();
    let insert = recorded
        .iter()
        .find(|q| q.statement.starts_with("INSERT"))
        .unwrap();
    assert_eq!(insert.replica, None, "{insert:?}");
    let counts: Vec<_> = recorded
        .iter()
        .filter(|q| q.statement.contains("COUNT"))
        .collect();
    assert_eq!(counts.len(), 3, "{recorded:#?}");
    assert_eq!(
        counts[0].replica, None,
        "inside db.primary: {:?}",
        counts[0]
    );
    for q in &counts[1..] {
        let replica = q.replica.as_deref().expect("a replica ran it");
        assert!(replica.contains("replica-"), "{replica}");
    }
}

#[test]
fn paginate_keyset_aggregates_and_lazy_loads_read_from_replicas() {
    let dir = tempfile::tempdir().unwrap();
    let (primary, replicas) = sqlite_servers(dir.path(), 1);
    let db = routed(&primary, &replicas, no_write_window())
        .record_queries(true)
        .build()
        .unwrap();
    let ((), recorded) = db.record(|| {
        let page = Team::query()
            .order_by(Team::id.asc())
            .paginate(&db, PageRequest::new(1).per_page(5))
            .unwrap();
        assert_eq!(page.total(), Some(1));
        let keyset = Member::query()
            .keyset(&db, KeysetRequest::first(1))
            .unwrap();
        assert_eq!(keyset.items().len(), 1);
        let teams = Team::query().all(&db).unwrap();
        assert_eq!(teams[0].load_members(&db).unwrap().len(), 2);
        let (count,): (i64,) = Member::query()
            .aggregate((func::count_star(),))
            .one(&db)
            .unwrap();
        assert_eq!(count, 2);
        let joined = Member::query()
            .join(Member::team, |t| t.filter(Team::name.eq("red")))
            .count(&db)
            .unwrap();
        assert_eq!(joined, 2);
    });
    assert!(recorded.len() >= 6, "{recorded:#?}");
    for q in &recorded {
        assert!(
            q.replica
                .as_deref()
                .is_some_and(|r| r.contains("replica-1")),
            "ran on the primary: {q:?}"
        );
    }
}

#[test]
fn query_events_name_the_server_that_ran_the_statement() {
    let dir = tempfile::tempdir().unwrap();
    let (primary, replicas) = sqlite_servers(dir.path(), 1);
    let db = routed(&primary, &replicas, no_write_window())
        .build()
        .unwrap();
    let capture = Capture::default();
    tracing::subscriber::with_default(capture.clone(), || {
        answered(&db);
        team(2, "blue").insert(&db).unwrap();
    });
    let events = capture.0.lock().unwrap().clone();
    let queries: Vec<&String> = events
        .iter()
        .filter(|e| e.starts_with("fsql::query "))
        .collect();
    assert_eq!(queries.len(), 2, "{events:#?}");
    assert!(
        queries[0].contains("server=") && queries[0].contains("replica-1.db"),
        "{}",
        queries[0]
    );
    assert!(
        queries[1].contains("INSERT") && queries[1].contains("server=\"primary\""),
        "{}",
        queries[1]
    );
    assert!(queries.iter().all(|q| q.contains("bind=\"<default>\"")));
}

#[test]
fn a_thread_reads_its_own_writes_from_the_primary_for_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let (primary, replicas) = sqlite_servers(dir.path(), 1);
    let window = Duration::from_millis(400);
    let options = ReplicaOptions {
        read_your_writes: window,
        ..ReplicaOptions::default()
    };
    let db = routed(&primary, &replicas, options).build().unwrap();
    assert_eq!(answered(&db), "replica-1");

    let wrote = Instant::now();
    team(2, "blue").insert(&db).unwrap();
    assert_eq!(answered(&db), "primary", "right after this thread's write");
    assert_eq!(
        Team::query().count(&db).unwrap(),
        2,
        "the write is read back"
    );
    // Another thread has written nothing.
    let other = std::thread::scope(|s| s.spawn(|| answered(&db)).join().unwrap());
    assert_eq!(other, "replica-1");
    std::thread::sleep(window.saturating_sub(wrote.elapsed()) + Duration::from_millis(50));
    assert_eq!(answered(&db), "replica-1", "after the window");

    // A session's commit opens the window too.
    let mut session = db.session();
    session.add(team(3, "green"));
    session.commit().unwrap();
    assert_eq!(answered(&db), "primary", "right after a session commit");
}

#[test]
fn sessions_and_the_primary_scope_read_from_the_primary() {
    let dir = tempfile::tempdir().unwrap();
    let (primary, replicas) = sqlite_servers(dir.path(), 1);
    let db = routed(&primary, &replicas, no_write_window())
        .build()
        .unwrap();
    assert_eq!(db.primary(answered), "primary");
    let nested = db.primary(|db| db.primary(answered) + "," + &answered(db));
    assert_eq!(nested, "primary,primary");
    assert_eq!(answered(&db), "replica-1", "the scope ended");

    let teams = session_reads_primary_and_own_writes(&db, 9);
    assert_eq!(teams, 2, "the session reads its own unflushed write");
}

#[test]
fn a_replica_that_cannot_be_opened_is_skipped_until_it_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (primary, _) = sqlite_servers(dir.path(), 0);
    // A directory where the replica's file should be: SQLite cannot open it.
    let replica = dir.path().join("replica-1.db");
    std::fs::create_dir(&replica).unwrap();
    let retry_after = Duration::from_millis(200);
    let options = ReplicaOptions {
        retry_after,
        ..no_write_window()
    };
    let db = routed(&primary, &[sqlite_url(&replica)], options)
        .record_queries(true)
        .build()
        .expect("a replica that is down does not stop the application from starting");
    for _ in 0..3 {
        assert_eq!(answered(&db), "primary", "no error, the primary answers");
    }
    assert!(db.recorded_queries().iter().all(|q| q.replica.is_none()));

    // The replica comes back.
    std::fs::remove_dir(&replica).unwrap();
    sqlite_server(&replica, "replica-1");
    let back = Instant::now();
    let mut answer = answered(&db);
    while answer != "replica-1" && back.elapsed() < retry_after * 10 {
        std::thread::sleep(Duration::from_millis(20));
        answer = answered(&db);
    }
    assert_eq!(answer, "replica-1", "reads return to the replica");
    assert!(
        back.elapsed() + Duration::from_millis(20) >= retry_after / 2,
        "not retried before retry_after"
    );
}

#[test]
fn replicas_come_from_the_environment_and_from_toml() {
    let dir = tempfile::tempdir().unwrap();
    let (primary, replicas) = sqlite_servers(dir.path(), 2);
    let vars = [
        ("FSQL_DATABASE_URL", primary.clone()),
        (
            "FSQL_DATABASE_REPLICAS",
            format!("{} {}", replicas[0], replicas[1]),
        ),
        ("FSQL_BIND_AUTH", primary.clone()),
        (
            "FSQL_REPLICAS",
            format!(r#"{{"auth": ["{}"]}}"#, replicas[1]),
        ),
        ("FSQL_REPLICA_READ_YOUR_WRITES", "0".to_owned()),
    ];
    let db = fsql::DatabaseBuilder::from_vars(vars.map(|(k, v)| (k.to_owned(), v)))
        .unwrap()
        .build()
        .unwrap();
    let urls = |key| -> Vec<String> {
        db.replica_urls(key)
            .unwrap()
            .iter()
            .map(|u| u.to_string())
            .collect()
    };
    assert_eq!(urls(None).len(), 2);
    assert_eq!(urls(Some("auth")).len(), 1);
    assert!(urls(Some("auth"))[0].contains("replica-2"));

    let toml = format!(
        r#"
url = "{primary}"
replicas = ["{r1}"]

[replica_options]
read_your_writes = 0.25
retry_after = 0.5

[binds.auth]
url = "{primary}"
replicas = ["{r1}", "{r2}"]
"#,
        r1 = replicas[0],
        r2 = replicas[1],
    );
    let db = fsql::DatabaseBuilder::from_toml_str(&toml)
        .unwrap()
        .registry(Registry::new([ServerProbe::META]))
        .build()
        .unwrap();
    assert_eq!(db.replica_urls(None).unwrap().len(), 1);
    assert_eq!(db.replica_urls(Some("auth")).unwrap().len(), 2);
    assert_eq!(answered(&db), "replica-1");
}

fn config_error(builder: fsql::DatabaseBuilder) -> String {
    match builder.build() {
        Ok(_) => panic!("built"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn replica_configuration_mistakes_are_errors_that_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let (primary, replicas) = sqlite_servers(dir.path(), 1);
    let replica = &replicas[0];

    let e = config_error(
        Database::builder()
            .url(&primary)
            .replica(Some("auth"), replica),
    );
    assert!(e.contains("replica of a bind that has no URL"), "{e}");
    assert!(e.contains("replica(Some(\"auth\")"), "{e}");

    let e = config_error(Database::builder().url(&primary).replica(None, "sqlite://"));
    assert!(e.contains("in-memory SQLite"), "{e}");

    let e = config_error(
        Database::builder()
            .url(&primary)
            .replica(None, "postgresql://app:s3cret@replica.invalid/app"),
    );
    assert!(e.contains("primary's backend"), "{e}");
    assert!(!e.contains("s3cret"), "the password shows: {e}");

    let e = config_error(
        Database::builder()
            .url(&primary)
            .replica(None, "nosuch://x"),
    );
    assert!(
        e.contains("replica(None, ..)"),
        "names where the URL came from: {e}"
    );

    let e = config_error(
        Database::builder()
            .url(&primary)
            .replica(None, replica)
            .replica_options(ReplicaOptions {
                max_lag: Some(Duration::from_secs(1)),
                ..ReplicaOptions::default()
            }),
    );
    assert!(
        e.contains("max_lag is measured on PostgreSQL replicas only"),
        "{e}"
    );

    for (name, value, expected) in [
        ("FSQL_REPLICAS", "[1, 2]", "JSON object of bind key"),
        ("FSQL_REPLICAS", r#"{"auth": 3}"#, "JSON object of bind key"),
        ("FSQL_REPLICA_MAX_LAG", "soon", "expected seconds"),
        ("FSQL_REPLICA_MAX_LAG", "-1", "cannot be negative"),
        ("FSQL_REPLICA_RETRY_AFTER", "inf", "too large"),
        ("FSQL_REPLICA_LAGS", "1", "unknown replica setting"),
    ] {
        let vars = [(name.to_owned(), value.to_owned())];
        let e = fsql::DatabaseBuilder::from_vars(vars)
            .unwrap_err()
            .to_string();
        assert!(e.contains(expected), "{name}={value}: {e}");
    }

    for (toml, expected) in [
        ("url = \"sqlite://\"\nreplicas = \"x\"", "invalid type"),
        ("[replica_options]\nmax_lag = -2", "cannot be negative"),
        ("[replica_options]\nlag = 1", "unknown field"),
    ] {
        let e = fsql::DatabaseBuilder::from_toml_str(toml)
            .unwrap_err()
            .to_string();
        assert!(e.contains(expected), "{toml}: {e}");
    }
}

fn serialization_failure() -> Error {
    Error::from_diesel(
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::SerializationFailure,
            Box::new("could not serialize access due to concurrent update".to_owned()),
        ),
        None,
        None,
    )
}

fn quick(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
    }
}

#[test]
fn transaction_with_retry_runs_again_only_what_may_succeed() {
    let db = sqlite_memory(&[Counter::META]);
    // Fails twice as a serialization failure, then commits: one row, three runs.
    let runs = AtomicU32::new(0);
    let out = db
        .transaction_with_retry_policy(&quick(5), |session| {
            let run = runs.fetch_add(1, Ordering::Relaxed) + 1;
            session.add(Counter {
                id: 1,
                value: i64::from(run),
            });
            session.flush()?;
            if run < 3 {
                return Err(serialization_failure());
            }
            Ok(run)
        })
        .unwrap();
    assert_eq!(out, 3);
    let rows = Counter::query().all(&db).unwrap();
    assert_eq!(
        rows,
        [Counter { id: 1, value: 3 }],
        "failed runs rolled back"
    );

    // Another error is returned at once, and rolled back.
    let runs = AtomicU32::new(0);
    let err = db
        .transaction_with_retry(|session| {
            runs.fetch_add(1, Ordering::Relaxed);
            session.add(Counter { id: 2, value: 0 });
            session.flush()?;
            Err::<(), _>(Error::not_found())
        })
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(runs.load(Ordering::Relaxed), 1);
    assert_eq!(Counter::query().count(&db).unwrap(), 1);

    // A commit that fails as not retryable (a duplicate key) is not retried either.
    let runs = AtomicU32::new(0);
    let err = db
        .transaction_with_retry(|session| {
            runs.fetch_add(1, Ordering::Relaxed);
            session.add(Counter { id: 1, value: 0 });
            Ok(())
        })
        .unwrap_err();
    assert_eq!(
        err.database_kind(),
        Some(DatabaseErrorKind::UniqueViolation)
    );
    assert_eq!(runs.load(Ordering::Relaxed), 1);

    // Out of attempts: the last serialization failure is returned as it is.
    let runs = AtomicU32::new(0);
    let err = db
        .transaction_with_retry_policy(&quick(4), |_| {
            runs.fetch_add(1, Ordering::Relaxed);
            Err::<(), _>(serialization_failure())
        })
        .unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(
        err.database_kind(),
        Some(DatabaseErrorKind::SerializationFailure)
    );
    assert_eq!(runs.load(Ordering::Relaxed), 4);
}

#[test]
fn deadlock_messages_of_both_servers_are_retryable() {
    for message in [
        "deadlock detected",
        "Deadlock found when trying to get lock; try restarting transaction",
    ] {
        let err = Error::from_diesel(
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::Unknown,
                Box::new(message.to_owned()),
            ),
            None,
            None,
        );
        assert_eq!(err.database_kind(), Some(DatabaseErrorKind::Deadlock));
        assert!(err.is_retryable(), "{message}");
    }
}

/// Two transactions that lock the two counters in opposite orders: the server aborts one as
/// a deadlock victim, `transaction_with_retry` runs it again, and both increments land.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn deadlock_is_retried(db: &Database) {
    for id in [1, 2] {
        Counter { id, value: 0 }.insert(db).unwrap();
    }
    let barrier = Barrier::new(2);
    let runs = AtomicU32::new(0);
    std::thread::scope(|s| {
        for (first, second) in [(1, 2), (2, 1)] {
            let (barrier, runs) = (&barrier, &runs);
            s.spawn(move || {
                let mut mine = 0;
                db.transaction_with_retry(|session| {
                    mine += 1;
                    runs.fetch_add(1, Ordering::Relaxed);
                    for (step, id) in [first, second].into_iter().enumerate() {
                        // An increment in SQL: a run again after the other committed adds
                        // to what it wrote, never to a value read before.
                        let changed = Counter::query()
                            .filter(Counter::id.eq(id))
                            .update(&mut *session, Counter::value.eq(Counter::value + 1))?;
                        assert_eq!(changed, 1);
                        if step == 0 && mine == 1 {
                            // Both hold their first row before either asks for its second.
                            barrier.wait();
                        }
                    }
                    Ok(())
                })
                .unwrap_or_else(|e| panic!("not recovered: {e}"));
            });
        }
    });
    let values: Vec<i64> = Counter::query()
        .order_by(Counter::id.asc())
        .all(db)
        .unwrap()
        .into_iter()
        .map(|c| c.value)
        .collect();
    assert_eq!(values, [2, 2], "both transactions' increments");
    assert!(
        runs.load(Ordering::Relaxed) >= 3,
        "one transaction ran again"
    );
}

#[cfg(feature = "mysql")]
#[test]
fn a_mariadb_deadlock_is_retried() {
    let ns = mysql_namespace();
    let db = Database::builder()
        .url(&ns.url)
        .registry(Registry::new([Counter::META]))
        .build()
        .unwrap();
    db.create_all().unwrap();
    deadlock_is_retried(&db);
}

#[cfg(feature = "postgres")]
mod standby {
    //! Against a real hot standby. These tests stop the standby and pause its replay, so they
    //! take turns.

    use super::*;
    use diesel::connection::SimpleConnection;
    use std::sync::Mutex;

    static STANDBY: Mutex<()> = Mutex::new(());

    const HOW: &str = "Start a hot standby of the local PostgreSQL with `.ci/standby ensure` \
                       (it listens on 127.0.0.1:5433) and export \
                       FSQL_TEST_STANDBY_URL=postgresql://postgres@127.0.0.1:5433/test";

    fn standby_script(action: &str) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/standby");
        let status = std::process::Command::new(&script)
            .arg(action)
            .status()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
        assert!(status.success(), "`.ci/standby {action}` failed");
    }

    /// Restarts the standby and resumes its replay, whatever the test did to it.
    struct Restore(String);
    impl Drop for Restore {
        fn drop(&mut self) {
            standby_script("start");
            if let Ok(mut c) = diesel::PgConnection::establish(&self.0) {
                let _ = c.batch_execute("SELECT pg_wal_replay_resume()");
            }
        }
    }

    use diesel::Connection;

    /// A schema of its own on the primary, seen through the primary and the standby, with a
    /// `server_probe` view and the tables created; waits until the standby has them.
    struct Setup {
        db: Database,
        standby_admin: String,
        _ns: Namespace,
    }

    fn setup(options: ReplicaOptions) -> Setup {
        let standby = server_url("FSQL_TEST_STANDBY_URL", HOW);
        {
            let mut c = diesel::PgConnection::establish(&standby)
                .unwrap_or_else(|e| panic!("cannot reach the standby at {standby}: {e}. {HOW}"));
            #[derive(diesel::QueryableByName)]
            struct Recovery {
                #[diesel(sql_type = diesel::sql_types::Bool)]
                r: bool,
            }
            use diesel::RunQueryDsl;
            let rec: Recovery = diesel::sql_query("SELECT pg_is_in_recovery() AS r")
                .get_result(&mut c)
                .unwrap();
            assert!(rec.r, "{standby} is not a standby (not in recovery). {HOW}");
        }
        let ns = postgres_namespace();
        let (_, options_part) = ns.url.split_once('?').expect("search_path in the URL");
        let sep = if standby.contains('?') { '&' } else { '?' };
        let replica = format!("{standby}{sep}{options_part}");
        let db = Database::builder()
            .url(&ns.url)
            .replica(None, &replica)
            .replica_options(options)
            .registry(Registry::new([Team::META, Member::META, Counter::META]))
            .record_queries(true)
            .build()
            .unwrap();
        db.create_all().unwrap();
        db.connection()
            .unwrap()
            .batch_execute(
                "CREATE VIEW server_probe AS SELECT 1 AS id, \
                 CAST(CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END \
                 AS varchar(20)) AS name",
            )
            .unwrap();
        // Replication is asynchronous: wait for the view to reach the standby.
        let start = Instant::now();
        while ServerProbe::query().get(&db, 1).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the standby did not replay the schema within 30 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Setup {
            db,
            standby_admin: standby,
            _ns: ns,
        }
    }

    fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
        let start = Instant::now();
        while !done() {
            assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn reads_run_on_the_standby_and_writes_on_the_primary() {
        let _turn = STANDBY.lock().unwrap_or_else(|p| p.into_inner());
        let Setup { db, _ns, .. } = setup(no_write_window());
        assert_eq!(answered(&db), "standby");
        assert_eq!(db.primary(answered), "primary");

        db.clear_recorded_queries();
        team(1, "red").insert(&db).unwrap();
        assert_eq!(db.primary(|db| Team::query().count(db)).unwrap(), 1);
        wait_for(
            "the standby replays the insert",
            Duration::from_secs(30),
            || Team::query().count(&db).unwrap() == 1,
        );
        let recorded = db.recorded_queries();
        let insert = recorded
            .iter()
            .find(|q| q.statement.starts_with("INSERT"))
            .unwrap();
        assert_eq!(insert.replica, None);
        let last = recorded.last().unwrap();
        assert!(
            last.replica.as_deref().is_some_and(|r| r.contains(":5433")),
            "{last:?}"
        );

        // A session reads on the primary, its own writes included.
        assert_eq!(session_reads_primary_and_own_writes(&db, 2), 2);
    }

    #[test]
    fn a_thread_reads_its_writes_from_the_primary() {
        let _turn = STANDBY.lock().unwrap_or_else(|p| p.into_inner());
        let Setup { db, _ns, .. } = setup(ReplicaOptions {
            read_your_writes: Duration::from_secs(30),
            ..ReplicaOptions::default()
        });
        assert_eq!(answered(&db), "standby");
        for id in 1..=20 {
            team(id, "t").insert(&db).unwrap();
            // Read back at once: asynchronous replication may not have it yet; the primary has.
            assert_eq!(Team::query().count(&db).unwrap(), id as u64);
        }
        assert_eq!(answered(&db), "primary");
    }

    #[test]
    fn reads_fall_back_to_the_primary_while_the_standby_is_down() {
        let _turn = STANDBY.lock().unwrap_or_else(|p| p.into_inner());
        let retry_after = Duration::from_millis(300);
        let Setup {
            db,
            standby_admin,
            _ns,
        } = setup(ReplicaOptions {
            retry_after,
            ..no_write_window()
        });
        let _restore = Restore(standby_admin);
        assert_eq!(answered(&db), "standby");

        standby_script("stop");
        for _ in 0..5 {
            assert_eq!(
                answered(&db),
                "primary",
                "no error while the standby is down"
            );
        }
        standby_script("start");
        wait_for(
            "reads return to the standby",
            Duration::from_secs(30),
            || answered(&db) == "standby",
        );
    }

    #[test]
    fn a_standby_lagging_beyond_max_lag_serves_no_reads() {
        let _turn = STANDBY.lock().unwrap_or_else(|p| p.into_inner());
        let max_lag = Duration::from_millis(500);
        let Setup {
            db,
            standby_admin,
            _ns,
        } = setup(ReplicaOptions {
            max_lag: Some(max_lag),
            lag_check_interval: Duration::ZERO,
            ..no_write_window()
        });
        let _restore = Restore(standby_admin.clone());
        assert_eq!(answered(&db), "standby");

        let mut standby = diesel::PgConnection::establish(&standby_admin).unwrap();
        standby
            .batch_execute("SELECT pg_wal_replay_pause()")
            .unwrap();
        #[derive(diesel::QueryableByName)]
        struct State {
            #[diesel(sql_type = diesel::sql_types::Text)]
            state: String,
        }
        use diesel::RunQueryDsl;
        let mut id = 0;
        wait_for("replay pauses", Duration::from_secs(30), || {
            // Replay pauses at the next record it would apply: give it records.
            id += 1;
            Counter { id, value: 0 }.insert(&db).unwrap();
            let s: State = diesel::sql_query("SELECT pg_get_wal_replay_pause_state() AS state")
                .get_result(&mut standby)
                .unwrap();
            s.state == "paused"
        });
        Counter {
            id: id + 1,
            value: 0,
        }
        .insert(&db)
        .unwrap();
        std::thread::sleep(max_lag + Duration::from_millis(300));
        for _ in 0..3 {
            assert_eq!(answered(&db), "primary", "the standby lags");
        }

        standby
            .batch_execute("SELECT pg_wal_replay_resume()")
            .unwrap();
        wait_for(
            "reads return to the standby once it caught up",
            Duration::from_secs(30),
            || answered(&db) == "standby",
        );
        assert_eq!(Counter::query().count(&db).unwrap(), (id + 1) as u64);
    }

    #[test]
    fn a_serialization_failure_is_retried() {
        let Setup { db, _ns, .. } = setup(no_write_window());
        Counter { id: 1, value: 0 }.insert(&db).unwrap();
        let barrier = Barrier::new(2);
        let runs = AtomicU32::new(0);
        std::thread::scope(|s| {
            for _ in 0..2 {
                let (db, barrier, runs) = (&db, &barrier, &runs);
                s.spawn(move || {
                    let mut mine = 0;
                    db.transaction_with_retry(|session| {
                        mine += 1;
                        runs.fetch_add(1, Ordering::Relaxed);
                        session
                            .connection_for(Counter::META)?
                            .batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")?;
                        let c = session.query::<Counter>().get_or_404(&mut *session, 1)?;
                        if mine == 1 {
                            // Both have read 0 before either writes.
                            barrier.wait();
                        }
                        session.update(Counter {
                            value: c.value + 1,
                            ..c
                        });
                        Ok(())
                    })
                    .unwrap_or_else(|e| panic!("not recovered: {e}"));
                });
            }
        });
        let c = db.primary(|db| Counter::query().get_or_404(db, 1)).unwrap();
        assert_eq!(c.value, 2, "both increments, neither lost");
        assert!(
            runs.load(Ordering::Relaxed) >= 3,
            "one transaction ran again"
        );
    }

    #[test]
    fn a_postgresql_deadlock_is_retried() {
        let Setup { db, _ns, .. } = setup(no_write_window());
        db.primary(deadlock_is_retried);
    }
}
