//! W7 (WORKLOADS.md): create the 50 `ddl_table_NN` tables with their 50 indexes, and drop them
//! again, on a fresh file-backed SQLite database per iteration.
//!
//! - `fsql`: `db.create_all()` / `db.drop_all()` on a `Database` serving exactly the 50 models.
//! - `diesel_raw`: the 100 statements of `schema_w7.sql` (resp. 50 `DROP TABLE`, children
//!   first) in one transaction on a plain `SqliteConnection`.
//!
//! Opening the database (the fsql pool's connection is checked out and returned once, the raw
//! connection is established) happens in the untimed setup, so both sides time the DDL and its
//! commit only. Before timing, the two schemas are compared (see `common/w7.rs`).
//!
//! Run with `cargo bench --features chrono --bench w7_create_all`.

use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode};
use tempfile::TempDir;

#[path = "common/schema.rs"]
mod schema;
#[path = "common/w7.rs"]
mod w7;

/// A fresh directory for one iteration's database file; removed (untimed) when dropped.
fn fresh_dir() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w7.db");
    (dir, path)
}

/// A W7 `Database` on a new file, its pool holding one open connection.
/// (Tuples put the connection first so that it is closed before its directory is removed.)
fn fresh_fsql() -> (fsql::Database, TempDir) {
    let (dir, path) = fresh_dir();
    let db = w7::fsql_database(&path);
    drop(db.connection().expect("warm the pool"));
    (db, dir)
}

/// A plain connection on a new file (`PRAGMA foreign_keys = ON`).
fn fresh_raw() -> (diesel::sqlite::SqliteConnection, TempDir) {
    let (dir, path) = fresh_dir();
    let conn = schema::raw_connection(&path);
    (conn, dir)
}

fn bench(c: &mut Criterion) {
    let check_dir = tempfile::tempdir().expect("tempdir");
    match w7::check_equivalence(check_dir.path()) {
        Ok(n) => {
            eprintln!("W7: fsql create_all and schema_w7.sql give equivalent schemas ({n} tables)")
        }
        Err(diff) => panic!("W7: fsql's create_all differs from schema_w7.sql\n{diff}"),
    }
    drop(check_dir);

    let create = w7::create_statements();
    let drop_stmts = w7::drop_statements();

    let mut group = c.benchmark_group("W7_create_all");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    group.bench_function("fsql", |b| {
        b.iter_batched(
            fresh_fsql,
            |(db, dir)| {
                db.create_all().expect("create_all");
                (db, dir)
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("diesel_raw", |b| {
        b.iter_batched(
            fresh_raw,
            |(mut conn, dir)| {
                w7::run_in_transaction(&mut conn, &create);
                (conn, dir)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();

    let mut group = c.benchmark_group("W7_drop_all");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    group.bench_function("fsql", |b| {
        b.iter_batched(
            || {
                let (db, dir) = fresh_fsql();
                db.create_all().expect("create_all");
                (db, dir)
            },
            |(db, dir)| {
                db.drop_all().expect("drop_all");
                (db, dir)
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("diesel_raw", |b| {
        b.iter_batched(
            || {
                let (mut conn, dir) = fresh_raw();
                w7::run_in_transaction(&mut conn, &create);
                (conn, dir)
            },
            |(mut conn, dir)| {
                w7::run_in_transaction(&mut conn, &drop_stmts);
                (conn, dir)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
