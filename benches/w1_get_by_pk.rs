//! W1 (WORKLOADS.md): 10 000 primary-key lookups in the order `(i * 7919 mod 10000) + 1` on a
//! file-backed SQLite table of 10 000 users, in autocommit mode.
//!
//! - `fsql`: `User::query().get(&db, id)` through the `Database` (one pool checkout per lookup,
//!   as application code does).
//! - `fsql_recording`: `fsql` with `record_queries(true)` (recording overhead).
//! - `fsql_held_connection`: the same on a connection checked out once, to separate the pool
//!   checkout from fsql's query path.
//! - `diesel_raw`: `user::table.find(id).select(User::as_select()).get_result(&mut conn)` on a
//!   plain `SqliteConnection` (`PRAGMA foreign_keys = ON`), with its own `table!` and struct.
//!
//! Each side has its own database file in one temporary directory: the raw one created by
//! executing `schema.sql` verbatim, the fsql one by `db.create_all()`; both seeded (untimed)
//! with the same rows, and their `user` tables compared before timing.
//!
//! Built with `--features postgres`, a second group `W1_get_by_pk_postgres` runs the same
//! lookups on PostgreSQL (see [`postgres`]).
//!
//! Run with `cargo bench --bench w1_get_by_pk` (add `--features postgres` for both groups).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use fsql::prelude::*;

#[cfg(feature = "postgres")]
#[path = "common/pg_schema.rs"]
mod pg_schema;
#[path = "common/schema.rs"]
mod schema;
#[path = "common/unit.rs"]
mod unit;
#[path = "common/users.rs"]
mod users;

use users::{raw, seed_raw, seeded_fsql, w1_order as ids, User, USERS};

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");

    // diesel_raw: schema.sql verbatim, then the rows in one transaction.
    let raw_path = dir.path().join("w1_raw.db");
    let mut conn = schema::raw_connection(&raw_path);
    conn.batch_execute(schema::SCHEMA_SQL).expect("schema.sql");
    seed_raw(&mut conn);

    // fsql: create_all, then the rows through the model in one transaction.
    let fsql_path = dir.path().join("w1_fsql.db");
    let db = seeded_fsql(&schema::sqlite_url(&fsql_path));

    // Same table, same rows on both sides.
    {
        let mut fsql_conn = schema::raw_connection(&fsql_path);
        let mut raw_check = schema::raw_connection(&raw_path);
        schema::assert_same_table(&mut raw_check, &mut fsql_conn, "user");
        for id in [1, 2, 5000, USERS] {
            let r = raw::user::table
                .find(id)
                .select(raw::User::as_select())
                .get_result(&mut conn)
                .expect("raw row");
            let f = User::query()
                .get(&db, id)
                .expect("fsql get")
                .expect("fsql row");
            assert_eq!(
                (r.id, r.name, r.email, r.hair_color),
                (f.id, f.name, f.email, f.hair_color)
            );
        }
    }

    let ids = ids();
    let group_name = "W1_get_by_pk";
    let mut group = c.benchmark_group(group_name);
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    unit::iter(&mut group, group_name, "fsql", || {
        for &id in &ids {
            let u = User::query().get(&db, id).expect("get");
            assert!(u.is_some(), "user {id} missing");
            black_box(u);
        }
    });
    // The same with `record_queries(true)` on the same file: the cost of recording every
    // statement with its parameters, timing and caller location (cleared each repetition).
    let recording = Database::builder()
        .url(schema::sqlite_url(&fsql_path))
        .record_queries(true)
        .registry(fsql::Registry::new([<User as fsql::Model>::META]))
        .build()
        .expect("recording Database");
    unit::iter(&mut group, group_name, "fsql_recording", || {
        recording.clear_recorded_queries();
        for &id in &ids {
            let u = User::query().get(&recording, id).expect("get");
            assert!(u.is_some(), "user {id} missing");
            black_box(u);
        }
    });
    // Nothing recorded when a filter skipped the function.
    let recorded = recording.recorded_queries().len();
    assert!(
        recorded == 0 || recorded == ids.len(),
        "one statement per lookup: {recorded} for {} lookups",
        ids.len()
    );
    // The same lookups on a connection the caller holds: fsql's own cost without the pool
    // checkout that `get(&db, ..)` does per call.
    let mut pooled = db.connection().expect("connection");
    unit::iter(&mut group, group_name, "fsql_held_connection", || {
        for &id in &ids {
            let u = User::query().get(&mut pooled, id).expect("get");
            assert!(u.is_some(), "user {id} missing");
            black_box(u);
        }
    });
    drop(pooled);
    unit::iter(&mut group, group_name, "diesel_raw", || {
        for &id in &ids {
            let u: raw::User = raw::user::table
                .find(id)
                .select(raw::User::as_select())
                .get_result(&mut conn)
                .expect("get_result");
            black_box(u);
        }
    });
    group.finish();
}

/// W1 on PostgreSQL: the same 10 000 users, the same lookup order, the `fsql` and `diesel_raw`
/// variants of the SQLite group.
///
/// - Server: `FSQL_BENCH_POSTGRES_URL`, default `postgresql://postgres@127.0.0.1:5432/test`.
/// - A fresh schema per run (`CREATE SCHEMA fsql_w1_<pid>_<nanos>`), reached through
///   `?options=-csearch_path%3D<schema>` on both sides and dropped at the end, also when a
///   check panics.
/// - `diesel_raw`: a plain `PgConnection` on table `user_raw`, created with the PostgreSQL DDL
///   SQLAlchemy emits for `schema.sql`'s `user` table (`SERIAL` key, `VARCHAR`s, `ix_..._name`).
///   `fsql`: `User::query().get(&db, id)` through the `Database` (a pool checkout per lookup,
///   as in the SQLite group) on table `user`, created by `create_all`.
/// - Each lookup is a network round trip: 40–90 µs to a local server on the 2-core VM this was
///   written on (the more idle the machine, the slower the wake-up on each side), against
///   ~6.5 µs for SQLite. The full W1 unit would take up to 0.9 s per iteration, and criterion's
///   floor of 10 samples plus warm-up then pushes the whole bench past a minute; so one
///   iteration is [`LOOKUPS`] = 5 000 lookups, the first half of the W1 order (still a
///   permutation: no id twice, no two adjacent ids in a row), the same ids on both sides. Compare
///   the ratio, or per-lookup times (iteration / 5 000), not iteration times across groups.
#[cfg(feature = "postgres")]
mod postgres {
    use super::users::row;
    use super::*;
    use crate::pg_schema;
    use diesel::pg::PgConnection;

    /// Lookups per iteration: the first `LOOKUPS` ids of the W1 order, on both sides.
    pub const LOOKUPS: usize = 5_000;

    const DEFAULT_URL: &str = "postgresql://postgres@127.0.0.1:5432/test";

    /// `schema.sql`'s `user` table as SQLAlchemy writes it for PostgreSQL, named `user_raw` so
    /// that it sits beside fsql's `user` in the same schema.
    const RAW_DDL: &str = "CREATE TABLE user_raw (
        id SERIAL NOT NULL,
        name VARCHAR(80) NOT NULL,
        email VARCHAR(120) NOT NULL,
        hair_color VARCHAR(20),
        PRIMARY KEY (id)
    );
    CREATE INDEX ix_user_raw_name ON user_raw (name);";

    /// Hand-written Diesel for PostgreSQL, independent of fsql.
    mod raw {
        use diesel::prelude::*;

        diesel::table! {
            #[sql_name = "user_raw"]
            user (id) {
                id -> Integer,
                name -> Text,
                email -> Text,
                hair_color -> Nullable<Text>,
            }
        }

        #[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq)]
        #[diesel(table_name = user)]
        #[diesel(check_for_backend(diesel::pg::Pg))]
        pub struct User {
            pub id: i32,
            pub name: String,
            pub email: String,
            pub hair_color: Option<String>,
        }
    }

    #[derive(QueryableByName, Debug, PartialEq)]
    struct CatalogLine {
        #[diesel(sql_type = diesel::sql_types::Text)]
        line: String,
    }

    /// A table's columns (name, type, length, nullability, whether it has a default) and its
    /// index definitions, with the table's name replaced by `T`, for comparing two tables.
    fn table_shape(conn: &mut PgConnection, table: &str) -> Vec<String> {
        diesel::sql_query(
            "SELECT concat_ws(' ', column_name, data_type, character_maximum_length, \
             is_nullable, column_default IS NOT NULL) AS line \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 \
             UNION ALL SELECT replace(replace(indexdef, $1, 'T'), '\"', '') AS line \
             FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1 \
             ORDER BY line",
        )
        .bind::<diesel::sql_types::Text, _>(table)
        .load::<CatalogLine>(conn)
        .expect("catalog")
        .into_iter()
        .map(|l| l.line)
        .collect()
    }

    pub fn bench(c: &mut Criterion) {
        let base = std::env::var("FSQL_BENCH_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_URL.into());
        let schema = pg_schema::Schema::create(&base, "fsql_w1").unwrap_or_else(|e| {
            panic!(
                "cannot create a schema on {base}: {e}. Start PostgreSQL (e.g. `pg_ctlcluster \
                 15 main start`) or point FSQL_BENCH_POSTGRES_URL at a server, or build \
                 without `--features postgres`"
            )
        });
        let url = schema.url.clone();

        // diesel_raw: the DDL, then the rows in one transaction, 1 000 per INSERT.
        let mut conn = PgConnection::establish(&url).expect("PgConnection");
        conn.batch_execute(RAW_DDL).expect("raw DDL");
        conn.transaction::<_, diesel::result::Error, _>(|c| {
            let rows: Vec<raw::User> = (0..USERS)
                .map(|i| {
                    let (id, name, email, hair_color) = row(i);
                    raw::User {
                        id,
                        name,
                        email,
                        hair_color,
                    }
                })
                .collect();
            for chunk in rows.chunks(1_000) {
                diesel::insert_into(raw::user::table)
                    .values(chunk)
                    .execute(c)?;
            }
            Ok(())
        })
        .expect("seed raw");

        // fsql: create_all, then the rows through the model in one transaction.
        let db = seeded_fsql(url.as_str());

        // Same table, same rows on both sides.
        let raw_shape = table_shape(&mut conn, "user_raw");
        assert_eq!(
            raw_shape,
            table_shape(&mut conn, "user"),
            "table `user`: the raw DDL (left) and fsql create_all (right) differ"
        );
        assert_eq!(
            raw_shape.len(),
            6,
            "4 columns, the key and ix_T_name: {raw_shape:?}"
        );
        for id in [1, 2, 5000, USERS] {
            let r = raw::user::table
                .find(id)
                .select(raw::User::as_select())
                .get_result(&mut conn)
                .expect("raw row");
            let f = User::query()
                .get(&db, id)
                .expect("fsql get")
                .expect("fsql row");
            assert_eq!(
                (r.id, r.name, r.email, r.hair_color),
                (f.id, f.name, f.email, f.hair_color)
            );
        }

        let ids: Vec<i32> = ids().into_iter().take(LOOKUPS).collect();
        let group_name = "W1_get_by_pk_postgres";
        let mut group = c.benchmark_group(group_name);
        group
            .sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(5));
        unit::iter(&mut group, group_name, "fsql", || {
            for &id in &ids {
                let u = User::query().get(&db, id).expect("get");
                assert!(u.is_some(), "user {id} missing");
                black_box(u);
            }
        });
        unit::iter(&mut group, group_name, "diesel_raw", || {
            for &id in &ids {
                let u: raw::User = raw::user::table
                    .find(id)
                    .select(raw::User::as_select())
                    .get_result(&mut conn)
                    .expect("get_result");
                black_box(u);
            }
        });
        group.finish();
        // Close every connection to the schema before it is dropped.
        drop(db);
        drop(conn);
        drop(schema);
    }
}

#[cfg(not(feature = "postgres"))]
criterion_group!(benches, bench);
#[cfg(feature = "postgres")]
criterion_group!(benches, bench, postgres::bench);
criterion_main!(benches);
