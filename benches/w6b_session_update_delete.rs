//! W6b (WORKLOADS.md, added workloads): one session updating the `hair_color` of all 10 000
//! users of a file-backed SQLite table, commit; then one session deleting all 10 000, commit.
//! The two are timed separately (`W6b_update`, `W6b_delete`).
//!
//! - `W6b_update/fsql`: the rows are loaded (untimed, in `prepare`: `Session::update` takes the
//!   row, and a real handler has loaded it), then, timed: `hair_color` set on every row,
//!   `session.update(row)` for each, `session.commit()` (one `UPDATE … WHERE id = ?` of every
//!   column per row, in one transaction).
//! - `W6b_update/diesel_raw`: one `conn.transaction` of 10 000
//!   `diesel::update(user.find(id)).set(hair_color.eq(..))`; the ids are loaded untimed in
//!   `prepare`, as the fsql side's rows are. Diesel 2.3 never keeps an `UPDATE` in its
//!   prepared-statement cache (`UpdateStatement::walk_ast` calls `unsafe_to_cache_prepared`),
//!   so on both sides every row's `UPDATE` is built and prepared anew; WORKLOADS.md's "cached
//!   statement" is not available through Diesel's update DSL. The `DELETE`s are cached.
//!
//! fsql's `UPDATE` sets every column (`name`, `email`, `hair_color`), the raw one only
//! `hair_color`: a longer statement to build and prepare per row, and, because `name` is in the
//! `SET` list, SQLite maintains its `ix_user_name` entry too. That, not the session's
//! bookkeeping, is the `W6b_update` difference: under callgrind, when this was written, 360 M
//! against 208 M instructions per unit, of which +41 M preparing, +47 M executing (index
//! lookups included) and +33 M building the longer SQL.
//! - `W6b_delete/fsql`: the rows are loaded untimed, then `session.delete(row)` for each and
//!   `commit` (deletes of one model queued in a row run as one `DELETE … WHERE id IN (…)` per
//!   1 000 rows, as the raw side's).
//! - `W6b_delete/diesel_raw`: one transaction, `DELETE … WHERE id IN (…)` per 1 000 ids.
//! - `W6b_delete/diesel_raw_rowwise`: one transaction of 10 000 single-row
//!   `diesel::delete(user.find(id))`, what fsql's session sent before it batched deletes:
//!   `diesel_raw_rowwise` against `diesel_raw` is the cost of one statement per row.
//!
//! The checked repetitions print the statements fsql's session sent (`record_queries`). Under
//! criterion, each group first runs its fsql and raw units alternately and prints the ratio of
//! their medians (`common/interleaved.rs`): steadier than criterion's ratio when the machine's
//! load changes between variants (this workload commits with `synchronous = FULL`: an fsync
//! per unit, whose time depends on what else uses the disk).
//!
//! Every repetition writes a value no repetition wrote before (`c000001`, `c000002`, …), so
//! each `UPDATE` really changes its row; before every delete repetition the 10 000 rows are
//! seeded again (untimed). Each side has its own database file: the raw one made by
//! `schema.sql` verbatim, the fsql one by `db.create_all()`; their `user` tables are compared
//! (schema and rows), and one repetition of every variant is checked on both sides (every row
//! holds the new value and nothing else changed; the table is empty after the delete) before
//! timing.
//!
//! Run with `cargo bench --bench w6b_session_update_delete`; one unit alone with
//! `FSQL_BENCH_UNIT=W6b_update/fsql` (see `common/unit.rs`).

use std::cell::Cell;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use fsql::prelude::*;

#[path = "common/interleaved.rs"]
mod interleaved;
#[path = "common/schema.rs"]
mod schema;
#[path = "common/unit.rs"]
mod unit;
#[path = "common/users.rs"]
mod users;

use users::{raw, seed_raw, seeded_fsql, User, USERS};

/// Ids per `DELETE … WHERE id IN (…)` on the raw side (SQLAlchemy's page size).
const DELETE_CHUNK: usize = 1_000;

/// The `hair_color` repetition `n` writes: new on every repetition, within `VARCHAR(20)`.
fn color(n: u32) -> String {
    format!("c{n:06}")
}

/// Every row of a `user` table, by id, through the raw twin (works on either file: the tables
/// are the same, checked below).
fn all_rows(conn: &mut SqliteConnection) -> Vec<raw::User> {
    raw::user::table
        .order_by(raw::user::id)
        .select(raw::User::as_select())
        .load(conn)
        .expect("load all users")
}

fn count(conn: &mut SqliteConnection) -> i64 {
    raw::user::table
        .count()
        .get_result(conn)
        .expect("count users")
}

/// The seeded rows with `hair_color` replaced by `color`: what an update repetition leaves.
fn expected_after_update(color: &str) -> Vec<raw::User> {
    (0..USERS)
        .map(|i| raw::User {
            hair_color: Some(color.to_owned()),
            ..users::raw_row(i)
        })
        .collect()
}

/// fsql, timed part of `W6b_update`: the changes built and queued in a fresh session (opened
/// untimed, as WORKLOADS.md says; opening one costs nothing anyway), commit.
fn fsql_update(mut session: Session, rows: Vec<User>, color: &str) {
    for mut u in rows {
        u.hair_color = Some(color.to_owned());
        session.update(u);
    }
    session.commit().expect("commit updates");
}

/// diesel_raw, timed part of `W6b_update`: one transaction of single-row updates.
fn raw_update(conn: &mut SqliteConnection, ids: &[i32], color: &str) {
    conn.transaction::<_, diesel::result::Error, _>(|c| {
        for &id in ids {
            let n = diesel::update(raw::user::table.find(id))
                .set(raw::user::hair_color.eq(color))
                .execute(c)?;
            assert_eq!(n, 1, "user {id} updated once");
        }
        Ok(())
    })
    .expect("raw updates");
}

/// fsql, timed part of `W6b_delete`: every row deleted in a fresh session, commit.
fn fsql_delete(mut session: Session, rows: Vec<User>) {
    for u in rows {
        session.delete(u);
    }
    session.commit().expect("commit deletes");
}

/// diesel_raw, timed part of `W6b_delete`: one transaction, one `IN` list per 1 000 ids.
fn raw_delete(conn: &mut SqliteConnection, ids: &[i32]) {
    let deleted = conn
        .transaction::<_, diesel::result::Error, _>(|c| {
            let mut deleted = 0;
            for chunk in ids.chunks(DELETE_CHUNK) {
                deleted += diesel::delete(raw::user::table.filter(raw::user::id.eq_any(chunk)))
                    .execute(c)?;
            }
            Ok(deleted)
        })
        .expect("raw deletes");
    assert_eq!(deleted, ids.len(), "every row deleted");
}

/// `diesel_raw_rowwise`, timed part of `W6b_delete`: one transaction of single-row
/// `DELETE … WHERE id = ?` (cached statement), what fsql's session sent before it batched
/// deletes: the cost of one statement per row.
fn raw_delete_rowwise(conn: &mut SqliteConnection, ids: &[i32]) {
    conn.transaction::<_, diesel::result::Error, _>(|c| {
        for &id in ids {
            let n = diesel::delete(raw::user::table.find(id)).execute(c)?;
            assert_eq!(n, 1, "user {id} deleted once");
        }
        Ok(())
    })
    .expect("raw row-wise deletes");
}

/// The fsql side's rows as a handler would load them (untimed).
fn fsql_rows(db: &Database) -> Vec<User> {
    let rows = User::query()
        .order_by(User::id.asc())
        .all(db)
        .expect("load users");
    assert_eq!(rows.len(), USERS as usize);
    rows
}

fn raw_ids(conn: &mut SqliteConnection) -> Vec<i32> {
    let ids: Vec<i32> = raw::user::table
        .order_by(raw::user::id)
        .select(raw::user::id)
        .load(conn)
        .expect("load ids");
    assert_eq!(ids.len(), USERS as usize);
    ids
}

/// The start of a statement, enough to tell its shape (a 1 000-row `INSERT` is 30 kB).
fn shorten(sql: &str) -> &str {
    match sql.char_indices().nth(160) {
        Some((i, _)) => &sql[..i],
        None => sql,
    }
}

/// How many statements of each kind (first word), and the start of the first one after
/// `BEGIN`.
fn summary(statements: &[fsql::RecordedQuery]) -> String {
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for q in statements {
        let kind = q
            .statement
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_uppercase();
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((kind, 1)),
        }
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    format!(
        "{} statements ({}), e.g. {}",
        statements.len(),
        kinds.join(", "),
        statements
            .iter()
            .find(|q| !q.statement.to_uppercase().starts_with("BEGIN"))
            .map_or("-", |q| shorten(&q.statement))
    )
}

/// Seeds the 10 000 rows again if the table is empty (after a delete repetition).
fn reseed(conn: &mut SqliteConnection) {
    if count(conn) == 0 {
        seed_raw(conn);
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");

    // diesel_raw: schema.sql verbatim, then the rows in one transaction. `conn` runs the timed
    // units; `raw_admin` (a second connection to the same file) the untimed preparation.
    let raw_path = dir.path().join("w6b_raw.db");
    let mut conn = schema::raw_connection(&raw_path);
    conn.batch_execute(schema::SCHEMA_SQL).expect("schema.sql");
    seed_raw(&mut conn);
    let mut raw_admin = schema::raw_connection(&raw_path);

    // fsql: create_all, then the rows through the model in one transaction.
    let fsql_path = dir.path().join("w6b_fsql.db");
    let db = seeded_fsql(&schema::sqlite_url(&fsql_path));
    let mut fsql_admin = schema::raw_connection(&fsql_path);

    // Same table, same rows on both sides.
    {
        let user_only = |l: &&String| l.starts_with("table user ") || *l == "table user";
        let raw_lines = schema::schema_lines(&mut raw_admin);
        let fsql_lines = schema::schema_lines(&mut fsql_admin);
        let a: Vec<_> = raw_lines.iter().filter(user_only).collect();
        let b: Vec<_> = fsql_lines.iter().filter(user_only).collect();
        assert_eq!(
            a, b,
            "table `user`: schema.sql (left) and fsql create_all (right) differ"
        );
        let seeded = all_rows(&mut raw_admin);
        assert_eq!(seeded.len(), USERS as usize);
        assert_eq!(seeded, all_rows(&mut fsql_admin), "seeded rows differ");
    }

    // The same file with `record_queries(true)`: the checked repetitions below print fsql's
    // statements, which explain the ratios.
    let recording = Database::builder()
        .url(schema::sqlite_url(&fsql_path))
        .record_queries(true)
        .registry(fsql::Registry::new([<User as fsql::Model>::META]))
        .build()
        .expect("recording Database");

    // One repetition of each unit, checked on both sides, before timing.
    let checked = color(0);
    let rows = fsql_rows(&db);
    let ((), statements) = recording.record(|| fsql_update(recording.session(), rows, &checked));
    eprintln!("W6b_update/fsql sends {}", summary(&statements));
    let ids = raw_ids(&mut raw_admin);
    raw_update(&mut conn, &ids, &checked);
    let expected = expected_after_update(&checked);
    assert_eq!(all_rows(&mut fsql_admin), expected, "fsql update");
    assert_eq!(all_rows(&mut raw_admin), expected, "raw update");

    let rows = fsql_rows(&db);
    let ((), statements) = recording.record(|| fsql_delete(recording.session(), rows));
    eprintln!("W6b_delete/fsql sends {}", summary(&statements));
    drop(recording);
    raw_delete(&mut conn, &raw_ids(&mut raw_admin));
    assert_eq!(count(&mut fsql_admin), 0, "fsql delete left rows");
    assert_eq!(count(&mut raw_admin), 0, "raw delete left rows");
    reseed(&mut raw_admin);
    raw_delete_rowwise(&mut conn, &raw_ids(&mut raw_admin));
    assert_eq!(count(&mut raw_admin), 0, "raw row-wise delete left rows");
    reseed(&mut fsql_admin);
    reseed(&mut raw_admin);
    assert_eq!(
        all_rows(&mut raw_admin),
        all_rows(&mut fsql_admin),
        "reseeded rows differ"
    );

    // W6b_update: each repetition writes a new value; the rows it starts from are whatever
    // the previous repetition left (the same 10 000 rows, another colour).
    let fsql_rep = Cell::new(0u32);
    let raw_rep = Cell::new(0u32);
    let mut group = c.benchmark_group("W6b_update");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6));
    let mut fsql_prepare = || {
        fsql_rep.set(fsql_rep.get() + 1);
        (db.session(), fsql_rows(&db), color(fsql_rep.get()))
    };
    let mut fsql_unit = |(session, rows, color): (Session, Vec<User>, String)| {
        fsql_update(session, rows, &color);
        black_box(color);
    };
    let mut raw_prepare = || {
        raw_rep.set(raw_rep.get() + 1);
        (raw_ids(&mut raw_admin), color(raw_rep.get()))
    };
    let mut raw_unit = |(ids, color): (Vec<i32>, String)| {
        raw_update(&mut conn, &ids, &color);
        black_box(color);
    };
    interleaved::ratio(
        "W6b_update",
        "fsql/diesel_raw",
        unit::harness_mode(),
        &mut fsql_prepare,
        &mut fsql_unit,
        &mut raw_prepare,
        &mut raw_unit,
    );
    unit::iter_prepared(
        &mut group,
        "W6b_update",
        "fsql",
        &mut fsql_prepare,
        &mut fsql_unit,
    );
    unit::iter_prepared(
        &mut group,
        "W6b_update",
        "diesel_raw",
        &mut raw_prepare,
        &mut raw_unit,
    );
    group.finish();
    // The last repetition's value is on every row, on each side (nothing when the unit harness
    // ran another variant: then no repetition ran here).
    if fsql_rep.get() > 0 {
        assert_eq!(
            all_rows(&mut fsql_admin),
            expected_after_update(&color(fsql_rep.get()))
        );
    }
    if raw_rep.get() > 0 {
        assert_eq!(
            all_rows(&mut raw_admin),
            expected_after_update(&color(raw_rep.get()))
        );
    }

    // W6b_delete: the 10 000 rows seeded again (untimed) before every repetition.
    let mut group = c.benchmark_group("W6b_delete");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6));
    let mut fsql_prepare = || {
        reseed(&mut fsql_admin);
        (db.session(), fsql_rows(&db))
    };
    let mut fsql_unit = |(session, rows): (Session, Vec<User>)| fsql_delete(session, rows);
    // Both raw variants start from the same state, prepared the same way.
    let mut raw_prepare = || {
        reseed(&mut raw_admin);
        raw_ids(&mut raw_admin)
    };
    let mut raw_unit = |ids: Vec<i32>| raw_delete(&mut conn, &ids);
    interleaved::ratio(
        "W6b_delete",
        "fsql/diesel_raw",
        unit::harness_mode(),
        &mut fsql_prepare,
        &mut fsql_unit,
        &mut raw_prepare,
        &mut raw_unit,
    );
    unit::iter_prepared(
        &mut group,
        "W6b_delete",
        "fsql",
        &mut fsql_prepare,
        &mut fsql_unit,
    );
    unit::iter_prepared(
        &mut group,
        "W6b_delete",
        "diesel_raw",
        &mut raw_prepare,
        &mut raw_unit,
    );
    let mut rowwise_unit = |ids: Vec<i32>| raw_delete_rowwise(&mut conn, &ids);
    // fsql against the same statements written by hand: fsql's own cost per row.
    interleaved::ratio(
        "W6b_delete",
        "fsql/diesel_raw_rowwise",
        unit::harness_mode(),
        &mut fsql_prepare,
        &mut fsql_unit,
        &mut raw_prepare,
        &mut rowwise_unit,
    );
    unit::iter_prepared(
        &mut group,
        "W6b_delete",
        "diesel_raw_rowwise",
        &mut raw_prepare,
        &mut rowwise_unit,
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
