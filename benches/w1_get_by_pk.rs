//! W1 (WORKLOADS.md): 10 000 primary-key lookups in the order `(i * 7919 mod 10000) + 1` on a
//! file-backed SQLite table of 10 000 users, in autocommit mode.
//!
//! - `fsql`: `User::query().get(&db, id)` through the `Database` (one pool checkout per lookup,
//!   as application code does).
//! - `fsql_held_connection`: the same on a connection checked out once, to separate the pool
//!   checkout from fsql's query path.
//! - `diesel_raw`: `user::table.find(id).select(User::as_select()).get_result(&mut conn)` on a
//!   plain `SqliteConnection` (`PRAGMA foreign_keys = ON`), with its own `table!` and struct.
//!
//! Each side has its own database file in one temporary directory: the raw one created by
//! executing `schema.sql` verbatim, the fsql one by `db.create_all()`; both seeded (untimed)
//! with the same rows, and their `user` tables compared before timing.
//!
//! Run with `cargo bench --bench w1_get_by_pk`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use fsql::prelude::*;

#[path = "common/schema.rs"]
mod schema;

const USERS: i32 = 10_000;

/// The fsql model (table `user`).
#[derive(Model, Debug, Clone, PartialEq)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 80, index)]
    pub name: String,
    #[fsql(length = 120)]
    pub email: String,
    #[fsql(length = 20)]
    pub hair_color: Option<String>,
}

/// Hand-written Diesel, independent of fsql.
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

    #[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq)]
    #[diesel(table_name = user)]
    #[diesel(check_for_backend(diesel::sqlite::Sqlite))]
    pub struct User {
        pub id: i32,
        pub name: String,
        pub email: String,
        pub hair_color: Option<String>,
    }
}

/// User row `i` (0-based, id = i + 1) per WORKLOADS.md.
fn row(i: i32) -> (i32, String, String, Option<String>) {
    (
        i + 1,
        format!("user{i:04}"),
        format!("user{i:04}@example.com"),
        (i % 2 == 0).then(|| "black".to_owned()),
    )
}

/// The W1 lookup order: a fixed permutation of 1..=10 000.
fn ids() -> Vec<i32> {
    (0..USERS).map(|i| (i * 7919 % USERS) + 1).collect()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");

    // diesel_raw: schema.sql verbatim, then the rows in one transaction.
    let raw_path = dir.path().join("w1_raw.db");
    let mut conn = schema::raw_connection(&raw_path);
    conn.batch_execute(schema::SCHEMA_SQL).expect("schema.sql");
    conn.transaction::<_, diesel::result::Error, _>(|c| {
        for i in 0..USERS {
            let (id, name, email, hair_color) = row(i);
            let u = raw::User {
                id,
                name,
                email,
                hair_color,
            };
            diesel::insert_into(raw::user::table)
                .values(&u)
                .execute(c)?;
        }
        Ok(())
    })
    .expect("seed raw");

    // fsql: create_all, then the rows through the model in one transaction.
    let fsql_path = dir.path().join("w1_fsql.db");
    let db = Database::builder()
        .url(schema::sqlite_url(&fsql_path))
        .registry(fsql::Registry::new([<User as fsql::Model>::META]))
        .build()
        .expect("Database");
    db.create_all().expect("create_all");
    {
        let mut pooled = db.connection().expect("connection");
        pooled
            .transaction::<_, diesel::result::Error, _>(|c| {
                for i in 0..USERS {
                    let (id, name, email, hair_color) = row(i);
                    let u = User {
                        id,
                        name,
                        email,
                        hair_color,
                    };
                    let stored = u.insert(&mut *c).expect("insert");
                    assert_eq!(stored, u);
                }
                Ok(())
            })
            .expect("seed fsql");
    }

    // Same table, same rows on both sides.
    {
        let mut fsql_conn = schema::raw_connection(&fsql_path);
        let mut raw_check = schema::raw_connection(&raw_path);
        let fsql_lines = schema::schema_lines(&mut fsql_conn);
        let raw_lines = schema::schema_lines(&mut raw_check);
        let user_only = |l: &&String| l.starts_with("table user ") || *l == "table user";
        let a: Vec<_> = raw_lines.iter().filter(user_only).collect();
        let b: Vec<_> = fsql_lines.iter().filter(user_only).collect();
        assert_eq!(
            a, b,
            "table `user`: schema.sql (left) and fsql create_all (right) differ"
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
    }

    let ids = ids();
    let mut group = c.benchmark_group("W1_get_by_pk");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    group.bench_function("fsql", |b| {
        b.iter(|| {
            for &id in &ids {
                let u = User::query().get(&db, id).expect("get");
                assert!(u.is_some(), "user {id} missing");
                black_box(u);
            }
        })
    });
    // The same lookups on a connection the caller holds: fsql's own cost without the pool
    // checkout that `get(&db, ..)` does per call.
    group.bench_function("fsql_held_connection", |b| {
        let mut pooled = db.connection().expect("connection");
        b.iter(|| {
            for &id in &ids {
                let u = User::query().get(&mut pooled, id).expect("get");
                assert!(u.is_some(), "user {id} missing");
                black_box(u);
            }
        })
    });
    group.bench_function("diesel_raw", |b| {
        b.iter(|| {
            for &id in &ids {
                let u: raw::User = raw::user::table
                    .find(id)
                    .select(raw::User::as_select())
                    .get_result(&mut conn)
                    .expect("get_result");
                black_box(u);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
