//! Pool under load: 64 threads × 10 000 primary-key lookups (the W1 query, WORKLOADS.md) on a
//! pool of 8 connections, fsql's `Database` against r2d2 with hand-written Diesel, in the same
//! run, on an SQLite file and on PostgreSQL; then, on PostgreSQL, recovery: every backend of
//! the pool terminated, then 100 lookups.
//!
//! - `fsql`: `User::query().get(&db, id)` through a `Database` with `max_size = min_idle = 8`
//!   (one checkout per lookup, default `validate_after_idle`).
//! - `r2d2`: `r2d2::Pool` of 8 `ConnectionManager` connections, r2d2's defaults
//!   (`test_on_check_out = true`: a `SELECT 1` on every checkout, which is how r2d2 survives
//!   dead connections), and a `CustomizeConnection` that applies fsql's SQLite settings
//!   (`foreign_keys`, `busy_timeout`); `table.find(id).select(..).get_result(&mut conn)`.
//! - `r2d2_unchecked`: the same with `test_on_check_out(false)`: its speed floor, but it hands
//!   out dead connections after a restart.
//!
//! The figure is wall time for all lookups of one round; the sides alternate for
//! `FSQL_LOAD_ROUNDS` rounds (default 2) and the best round of each is reported with the ratio
//! to `r2d2`. `FSQL_LOAD_THREADS` / `FSQL_LOAD_LOOKUPS` change the 64 / 10 000.
//!
//! PostgreSQL: `FSQL_BENCH_POSTGRES_URL` (or `FSQL_TEST_POSTGRES_URL`); without either, or
//! built without `--features postgres`, that part is skipped with a printed reason. A filter
//! argument (`cargo bench --bench pool_load -- postgres/fsql`) runs the cases whose name
//! contains it.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool as R2d2Pool};
use fsql::prelude::*;
use fsql::PoolOptions;

#[cfg(feature = "postgres")]
#[path = "common/pg_schema.rs"]
mod pg_schema;
#[path = "common/schema.rs"]
mod schema;
#[path = "common/users.rs"]
mod users;

use users::{raw, seeded_fsql, User, USERS};

const POOL_SIZE: u32 = 8;

/// The timed cases of each group.
const CASES: [&str; 3] = ["fsql", "r2d2", "r2d2_unchecked"];

struct Settings {
    threads: usize,
    lookups: usize,
    rounds: usize,
    filters: Vec<String>,
}

impl Settings {
    fn from_env() -> Self {
        let number = |var: &str, default: usize| {
            std::env::var(var)
                .ok()
                .and_then(|v| v.parse().ok())
                .filter(|n| *n > 0)
                .unwrap_or(default)
        };
        Self {
            threads: number("FSQL_LOAD_THREADS", 64),
            lookups: number("FSQL_LOAD_LOOKUPS", 10_000),
            rounds: number("FSQL_LOAD_ROUNDS", 2),
            // `cargo bench` passes `--bench`; anything else is a name filter.
            filters: std::env::args()
                .skip(1)
                .filter(|a| !a.starts_with('-'))
                .collect(),
        }
    }

    fn wants(&self, case: &str) -> bool {
        self.filters.is_empty() || self.filters.iter().any(|f| case.contains(f.as_str()))
    }
}

/// The id thread `t` looks up at step `j`: the W1 permutation, each thread starting elsewhere.
fn id(t: usize, j: usize) -> i32 {
    let i = ((t * 7919 + j) % USERS as usize) as i64;
    ((i * 7919 % USERS as i64) + 1) as i32
}

/// Runs `lookup` from `threads` threads, `lookups` times each; the wall time.
fn load(s: &Settings, lookup: impl Fn(i32) + Sync) -> Duration {
    let started = Instant::now();
    std::thread::scope(|scope| {
        for t in 0..s.threads {
            let lookup = &lookup;
            scope.spawn(move || {
                for j in 0..s.lookups {
                    lookup(id(t, j));
                }
            });
        }
    });
    started.elapsed()
}

/// One case of a group: its name and its lookup.
type Case<'a> = (&'static str, Box<dyn Fn(i32) + Sync + 'a>);

/// Runs the wanted cases of `group` alternately and prints the best round of each and its
/// ratio to `r2d2`.
fn compare(s: &Settings, group: &str, cases: Vec<Case<'_>>) {
    let cases: Vec<_> = cases
        .into_iter()
        .filter(|(name, _)| s.wants(&format!("{group}/{name}")))
        .collect();
    if cases.is_empty() {
        return;
    }
    let mut best = vec![Duration::MAX; cases.len()];
    for _ in 0..s.rounds {
        for (i, (_, lookup)) in cases.iter().enumerate() {
            best[i] = best[i].min(load(s, lookup));
        }
    }
    let total = (s.threads * s.lookups) as f64;
    let base = cases
        .iter()
        .position(|(n, _)| *n == "r2d2")
        .map(|i| best[i]);
    for ((name, _), time) in cases.iter().zip(&best) {
        let ratio = base.map_or_else(
            || "(r2d2 not run)".to_owned(),
            |b| format!("{:.3}x r2d2", time.as_secs_f64() / b.as_secs_f64()),
        );
        println!(
            "pool_load/{group}/{name}: {} threads x {} lookups, pool {POOL_SIZE}: best of {} \
             {:.3} s, {:.2} us/lookup, {ratio}",
            s.threads,
            s.lookups,
            s.rounds,
            time.as_secs_f64(),
            time.as_secs_f64() * 1e6 / total,
        );
    }
}

/// fsql's SQLite connection settings, applied to r2d2's connections.
#[derive(Debug)]
struct SqliteDefaults;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqliteDefaults {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

fn r2d2_pool<C>(
    manager: ConnectionManager<C>,
    checked: bool,
    customizer: Option<Box<dyn CustomizeConnection<C, diesel::r2d2::Error>>>,
) -> R2d2Pool<ConnectionManager<C>>
where
    C: diesel::r2d2::R2D2Connection + 'static,
{
    let mut builder = R2d2Pool::builder()
        .max_size(POOL_SIZE)
        .min_idle(Some(POOL_SIZE))
        .test_on_check_out(checked);
    if let Some(c) = customizer {
        builder = builder.connection_customizer(c);
    }
    builder.build(manager).expect("r2d2 pool")
}

/// The W1 lookup in hand-written Diesel on a connection of an r2d2 pool of `$conn`
/// connections (a macro: the generic bounds of a Diesel query over any backend outweigh it).
macro_rules! raw_get {
    ($conn:ty) => {
        |pool: &R2d2Pool<ConnectionManager<$conn>>, id: i32| -> QueryResult<raw::User> {
            let mut conn = pool
                .get()
                .map_err(|e| diesel::result::Error::QueryBuilderError(Box::new(e)))?;
            raw::user::table
                .find(id)
                .select(raw::User::as_select())
                .get_result(&mut *conn)
        }
    };
}

/// fsql against r2d2 (checked and unchecked) on the same table.
fn compare_pools<P: Sync>(
    s: &Settings,
    group: &str,
    db: &Database,
    checked: &P,
    unchecked: &P,
    raw: impl Fn(&P, i32) -> QueryResult<raw::User> + Sync,
) {
    let get = |pool: &P, id: i32| {
        let u = raw(pool, id).expect("raw get");
        assert_eq!(u.id, id);
        std::hint::black_box(u);
    };
    compare(
        s,
        group,
        vec![
            ("fsql", Box::new(|id| fsql_get(db, id))),
            ("r2d2", Box::new(|id| get(checked, id))),
            ("r2d2_unchecked", Box::new(|id| get(unchecked, id))),
        ],
    );
}

fn fsql_pool(url: &str) -> Database {
    Database::builder()
        .url(url)
        .registry(fsql::Registry::new([<User as fsql::Model>::META]))
        .pool(PoolOptions {
            max_size: POOL_SIZE,
            min_idle: POOL_SIZE,
            ..Default::default()
        })
        .build()
        .expect("fsql Database")
}

fn sqlite(s: &Settings) {
    if !CASES.iter().any(|c| s.wants(&format!("sqlite/{c}"))) {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("pool_load.db");
    let url = schema::sqlite_url(&path);
    drop(seeded_fsql(&url));
    let db = fsql_pool(&url);
    let path = path.to_str().expect("UTF-8 path");
    let pool = |checked| {
        let manager = ConnectionManager::<SqliteConnection>::new(path);
        r2d2_pool(manager, checked, Some(Box::new(SqliteDefaults)))
    };
    let (checked, unchecked) = (pool(true), pool(false));
    compare_pools(
        s,
        "sqlite",
        &db,
        &checked,
        &unchecked,
        raw_get!(SqliteConnection),
    );
}

fn fsql_get(db: &Database, id: i32) {
    let u = User::query().get(db, id).expect("fsql get");
    assert!(u.is_some(), "user {id} missing");
    std::hint::black_box(u);
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use crate::pg_schema;
    use diesel::pg::PgConnection;

    #[derive(QueryableByName)]
    struct Pid {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        pid: i32,
    }

    type PgPool = R2d2Pool<ConnectionManager<PgConnection>>;

    /// Terminates the backends `pids` and waits until the server has let them go.
    fn terminate(admin: &mut PgConnection, pids: &[i32]) {
        for pid in pids {
            admin
                .batch_execute(&format!("SELECT pg_terminate_backend({pid})"))
                .expect("pg_terminate_backend");
        }
        let list = pids
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            let left: Vec<Pid> = diesel::sql_query(format!(
                "SELECT pid FROM pg_stat_activity WHERE pid IN ({list})"
            ))
            .load(admin)
            .expect("pg_stat_activity");
            if left.is_empty() {
                // Past fsql's in-flight window (a connection reused within 1 ms of its last
                // statement is not socket-checked); the same pause for every pool.
                std::thread::sleep(Duration::from_millis(2));
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn pid_sql() -> diesel::query_builder::SqlQuery {
        diesel::sql_query("SELECT pg_backend_pid() AS pid")
    }

    /// The backend pids of all `POOL_SIZE` connections of a pool, held at once.
    fn pids<T>(checkout: impl Fn() -> T, pid: impl Fn(&mut T) -> i32) -> Vec<i32> {
        let mut held: Vec<T> = (0..POOL_SIZE).map(|_| checkout()).collect();
        held.iter_mut().map(pid).collect()
    }

    /// Terminates `pids`, then 100 lookups: prints the failures and the time.
    fn recover(admin: &mut PgConnection, name: &str, pids: &[i32], fails: impl Fn(i32) -> bool) {
        terminate(admin, pids);
        let started = Instant::now();
        let failed = (1..=100).filter(|id| fails(*id)).count();
        println!(
            "pool_load/postgres/recovery/{name}: {} backends terminated, then {failed}/100 \
             lookups failed, {:.1} ms",
            pids.len(),
            started.elapsed().as_secs_f64() * 1e3
        );
    }

    /// Every connection of each pool terminated, then 100 lookups.
    fn recovery(admin: &mut PgConnection, db: &Database, r2d2: &PgPool, r2d2_unchecked: &PgPool) {
        let fsql_pids = pids(
            || db.connection().unwrap(),
            |c| pid_sql().get_result::<Pid>(&mut **c).unwrap().pid,
        );
        recover(admin, "fsql", &fsql_pids, |id| {
            User::query().get(db, id).is_err()
        });
        for (name, pool) in [("r2d2", r2d2), ("r2d2_unchecked", r2d2_unchecked)] {
            let r2d2_pids = pids(
                || pool.get().unwrap(),
                |c| pid_sql().get_result::<Pid>(&mut **c).unwrap().pid,
            );
            recover(admin, name, &r2d2_pids, |id| {
                raw_get!(PgConnection)(pool, id).is_err()
            });
        }
    }

    pub fn run(s: &Settings) {
        if !CASES
            .iter()
            .chain(&["recovery"])
            .any(|c| s.wants(&format!("postgres/{c}")))
        {
            return;
        }
        let Some(base) = ["FSQL_BENCH_POSTGRES_URL", "FSQL_TEST_POSTGRES_URL"]
            .iter()
            .find_map(|v| std::env::var(v).ok())
        else {
            println!(
                "pool_load/postgres: skipped: set FSQL_BENCH_POSTGRES_URL (e.g. \
                 postgresql://postgres@127.0.0.1:5432/test) to run it"
            );
            return;
        };
        let mut admin = match PgConnection::establish(&base) {
            Ok(c) => c,
            Err(e) => {
                println!("pool_load/postgres: skipped: cannot connect to the server: {e}");
                return;
            }
        };
        let schema = pg_schema::Schema::create(&base, "fsql_load").expect("CREATE SCHEMA");
        let url = schema.url.clone();
        drop(seeded_fsql(&url));
        let db = fsql_pool(&url);
        let pool = |checked| {
            r2d2_pool(
                ConnectionManager::<PgConnection>::new(url.as_str()),
                checked,
                None,
            )
        };
        let (checked, unchecked) = (pool(true), pool(false));
        compare_pools(
            s,
            "postgres",
            &db,
            &checked,
            &unchecked,
            raw_get!(PgConnection),
        );
        if s.wants("postgres/recovery") {
            recovery(&mut admin, &db, &checked, &unchecked);
        }
        drop((db, checked, unchecked, admin));
        drop(schema);
    }
}

fn main() {
    let s = Settings::from_env();
    sqlite(&s);
    #[cfg(feature = "postgres")]
    postgres::run(&s);
    #[cfg(not(feature = "postgres"))]
    if s.wants("postgres") {
        println!("pool_load/postgres: skipped: built without `--features postgres`");
    }
}
