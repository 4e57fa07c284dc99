//! Read replicas (issue 19): what routing a read costs, and what a standby adds under load.
//!
//! - `replica_routing_sqlite`: W1's 10 000 lookups by key on a file-backed SQLite table.
//!   `routed` reads through a bind whose primary is one file and whose replica is a copy
//!   (every read goes to the replica); `plain` reads through a bind that is the copy itself;
//!   `diesel_raw` reads the copy on a plain `SqliteConnection`. `routed / plain` is the cost
//!   of choosing the server per read.
//! - `replica_routing_postgres` (with `--features postgres`, `FSQL_BENCH_POSTGRES_URL` and
//!   `FSQL_BENCH_STANDBY_URL`): the same on a PostgreSQL hot standby, [`pg::LOOKUPS`] lookups
//!   per unit, `routed` = primary + standby, `plain` = the standby alone, `diesel_raw` = a
//!   `PgConnection` to the standby.
//! - `replica_throughput_postgres`: [`pg::THREADS`] threads doing [`pg::PER_THREAD`] lookups
//!   each: `primary_only` (a plain bind), `primary_and_standby` (reads on the standby),
//!   `diesel_raw_primary` (a `PgConnection` per thread to the primary). One unit's time is
//!   the time for all of them, so throughput ratios are the inverse of the time ratios.
//!
//! Before timing, each side's answer is checked to come from the server it should: the
//! replica's copy of row 1 has another name than the primary's (SQLite); a routed read is
//! recorded as the replica's, whose server is in recovery (PostgreSQL).
//!
//! Run: `cargo bench --bench replicas` (SQLite), or with a standby (`.ci/standby ensure`):
//! `FSQL_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test
//! FSQL_BENCH_STANDBY_URL=postgresql://postgres@127.0.0.1:5433/test cargo bench --features
//! postgres --bench replicas`. Without the URLs the PostgreSQL groups are skipped with a line
//! saying so.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use diesel::prelude::*;
use fsql::prelude::*;
use fsql::ReplicaOptions;

#[cfg(feature = "postgres")]
#[path = "common/pg_schema.rs"]
mod pg_schema;
#[path = "common/schema.rs"]
mod schema;
#[path = "common/unit.rs"]
mod unit;
#[path = "common/users.rs"]
mod users;

use users::{raw, seeded_fsql, w1_order, User};

/// Reads only, so no write ever holds this thread on the primary.
fn routing_options() -> ReplicaOptions {
    ReplicaOptions {
        read_your_writes: Duration::ZERO,
        ..ReplicaOptions::default()
    }
}

fn configure(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
}

fn sqlite(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let primary_path = dir.path().join("primary.db");
    let replica_path = dir.path().join("replica.db");
    drop(seeded_fsql(&schema::sqlite_url(&primary_path)));
    std::fs::copy(&primary_path, &replica_path).expect("copy to the replica");
    let mut conn = schema::raw_connection(&replica_path);
    // The replica's row 1 differs, so an answer shows which file served it.
    diesel::update(raw::user::table.find(1))
        .set(raw::user::name.eq("on the replica"))
        .execute(&mut conn)
        .expect("mark the replica");

    let registry = || fsql::Registry::new([<User as fsql::Model>::META]);
    let routed = Database::builder()
        .url(schema::sqlite_url(&primary_path))
        .replica(None, schema::sqlite_url(&replica_path))
        .replica_options(routing_options())
        .registry(registry())
        .build()
        .expect("routed Database");
    let plain = Database::builder()
        .url(schema::sqlite_url(&replica_path))
        .registry(registry())
        .build()
        .expect("plain Database");
    for db in [&routed, &plain] {
        let first = User::query().get(db, 1).expect("get").expect("row 1");
        assert_eq!(first.name, "on the replica");
    }
    assert_ne!(
        routed
            .primary(|db| User::query().get(db, 1))
            .expect("get")
            .expect("row 1")
            .name,
        "on the replica"
    );

    routing_group(
        c,
        "replica_routing_sqlite",
        &w1_order(),
        (&routed, &plain),
        |id| {
            raw::user::table
                .find(id)
                .select(raw::User::as_select())
                .get_result::<raw::User>(&mut conn)
                .expect("get_result");
        },
    );
}

/// The `routed`, `plain` and `diesel_raw` variants of a routing group: `ids` looked up
/// through each of the two databases, and by `raw_lookup`.
fn routing_group(
    c: &mut Criterion,
    group_name: &str,
    ids: &[i32],
    (routed, plain): (&Database, &Database),
    mut raw_lookup: impl FnMut(i32),
) {
    let mut group = c.benchmark_group(group_name);
    configure(&mut group);
    for (variant, db) in [("routed", routed), ("plain", plain)] {
        unit::iter(&mut group, group_name, variant, || {
            for &id in ids {
                black_box(User::query().get(db, id).expect("get").expect("row"));
            }
        });
    }
    unit::iter(&mut group, group_name, "diesel_raw", || {
        for &id in ids {
            raw_lookup(black_box(id));
        }
    });
    group.finish();
}

#[cfg(feature = "postgres")]
mod pg {
    use super::*;
    use crate::pg_schema;
    use crate::users::USERS;
    use diesel::pg::PgConnection;
    use std::time::Instant;

    /// Lookups per `replica_routing_postgres` unit: the first ids of the W1 order.
    pub const LOOKUPS: usize = 2_000;
    /// Threads of a `replica_throughput_postgres` unit.
    pub const THREADS: usize = 16;
    /// Lookups of each thread in a `replica_throughput_postgres` unit.
    pub const PER_THREAD: usize = 250;

    mod raw {
        use diesel::prelude::*;

        diesel::table! {
            user (id) {
                id -> Integer,
                name -> Text,
                email -> Text,
                hair_color -> Nullable<Text>,
            }
        }

        // Read whole, as fsql's side reads its rows; the fields are not looked at.
        #[allow(dead_code)]
        #[derive(Queryable, Selectable, Debug)]
        #[diesel(table_name = user)]
        #[diesel(check_for_backend(diesel::pg::Pg))]
        pub struct User {
            pub id: i32,
            pub name: String,
            pub email: String,
            pub hair_color: Option<String>,
        }
    }

    #[derive(diesel::QueryableByName)]
    struct Recovery {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        in_recovery: bool,
    }

    fn in_recovery(conn: &mut PgConnection) -> bool {
        diesel::sql_query("SELECT pg_is_in_recovery() AS in_recovery")
            .get_result::<Recovery>(conn)
            .expect("pg_is_in_recovery")
            .in_recovery
    }

    pub fn bench(c: &mut Criterion) {
        let (Ok(base), Ok(standby)) = (
            std::env::var("FSQL_BENCH_POSTGRES_URL"),
            std::env::var("FSQL_BENCH_STANDBY_URL"),
        ) else {
            println!(
                "replica_*_postgres skipped: set FSQL_BENCH_POSTGRES_URL and \
                 FSQL_BENCH_STANDBY_URL (a hot standby of it: `.ci/standby ensure`)"
            );
            return;
        };
        let schema = pg_schema::Schema::create(&base, "fsql_replicas")
            .unwrap_or_else(|e| panic!("cannot create a schema on {base}: {e}"));
        let (_, search_path) = schema.url.split_once('?').expect("search_path");
        let sep = if standby.contains('?') { '&' } else { '?' };
        let standby_url = format!("{standby}{sep}{search_path}");

        drop(seeded_fsql(&schema.url));
        let mut standby_conn = PgConnection::establish(&standby_url)
            .unwrap_or_else(|e| panic!("cannot reach the standby at {standby}: {e}"));
        assert!(in_recovery(&mut standby_conn), "{standby} is not a standby");
        let start = Instant::now();
        loop {
            let n: Result<i64, _> = raw::user::table.count().get_result(&mut standby_conn);
            if n == Ok(i64::from(USERS)) {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the standby did not replay the seeded rows within 60 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }

        let registry = || fsql::Registry::new([<User as fsql::Model>::META]);
        let pool = fsql::PoolOptions {
            max_size: THREADS as u32,
            ..fsql::PoolOptions::default()
        };
        let routed = Database::builder()
            .url(&schema.url)
            .replica(None, &standby_url)
            .replica_options(routing_options())
            .pool(pool.clone())
            .registry(registry())
            .build()
            .expect("routed Database");
        let plain_standby = Database::builder()
            .url(&standby_url)
            .registry(registry())
            .build()
            .expect("standby Database");
        let primary_only = Database::builder()
            .url(&schema.url)
            .pool(pool)
            .registry(registry())
            .build()
            .expect("primary Database");
        // Where a routed read runs: on the replica's pool, whose server is in recovery.
        let check = Database::builder()
            .url(&schema.url)
            .replica(None, &standby_url)
            .replica_options(routing_options())
            .registry(registry())
            .record_queries(true)
            .build()
            .expect("recording Database");
        let (row, recorded) = check.record(|| User::query().get(&check, 1));
        assert!(row.expect("get").is_some());
        assert!(
            recorded.len() == 1 && recorded[0].replica.is_some(),
            "the routed read ran on the primary: {recorded:?}"
        );
        drop(check);

        let ids: Vec<i32> = w1_order().into_iter().take(LOOKUPS).collect();
        routing_group(
            c,
            "replica_routing_postgres",
            &ids,
            (&routed, &plain_standby),
            |id| {
                raw::user::table
                    .find(id)
                    .select(raw::User::as_select())
                    .get_result::<raw::User>(&mut standby_conn)
                    .expect("get_result");
            },
        );

        let all = w1_order();
        let slices: Vec<&[i32]> = (0..THREADS)
            .map(|t| &all[t * PER_THREAD..(t + 1) * PER_THREAD])
            .collect();
        let mut raw_conns: Vec<PgConnection> = (0..THREADS)
            .map(|_| PgConnection::establish(&schema.url).expect("raw connection"))
            .collect();
        let group_name = "replica_throughput_postgres";
        let mut group = c.benchmark_group(group_name);
        configure(&mut group);
        for (variant, db) in [
            ("primary_only", &primary_only),
            ("primary_and_standby", &routed),
        ] {
            unit::iter(&mut group, group_name, variant, || {
                std::thread::scope(|s| {
                    for ids in &slices {
                        s.spawn(move || {
                            for &id in *ids {
                                black_box(User::query().get(db, id).expect("get").expect("row"));
                            }
                        });
                    }
                });
            });
        }
        unit::iter(&mut group, group_name, "diesel_raw_primary", || {
            std::thread::scope(|s| {
                for (conn, ids) in raw_conns.iter_mut().zip(&slices) {
                    s.spawn(move || {
                        for &id in *ids {
                            let u: raw::User = raw::user::table
                                .find(id)
                                .select(raw::User::as_select())
                                .get_result(conn)
                                .expect("get_result");
                            black_box(u);
                        }
                    });
                }
            });
        });
        group.finish();
        drop((routed, plain_standby, primary_only, raw_conns, standby_conn));
        drop(schema);
    }
}

#[cfg(not(feature = "postgres"))]
criterion_group!(benches, sqlite);
#[cfg(feature = "postgres")]
criterion_group!(benches, sqlite, pg::bench);
criterion_main!(benches);
