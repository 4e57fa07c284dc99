//! W6 (WORKLOADS.md): insert the 10 000 user rows into an empty, file-backed SQLite `user`
//! table in one transaction, commit included. `DELETE` + `VACUUM` before each repetition and
//! building the input tuples are untimed; building the rows from the tuples is timed.
//!
//! - `fsql`: `db.session()`, `add_all` of the 10 000 models, `commit` — the unit of work, with
//!   every database-assigned key matched back to its row's handle (change tracking off, the
//!   default).
//! - `fsql_tracking_on`: the same on a database built with `track_modifications(true)` and one
//!   `on_models_committed` hook (what tracking costs; `fsql` shows what it costs when off).
//! - `diesel_raw`: hand-written Diesel, multi-row `INSERT … VALUES … RETURNING id` in chunks of
//!   1 000 rows inside `conn.transaction`, ids collected (not correlated to rows).
//!
//! Run with `cargo bench --bench w6_bulk_insert`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use fsql::prelude::*;

#[path = "common/schema.rs"]
mod schema;
#[path = "common/unit.rs"]
mod unit;
#[path = "common/users.rs"]
mod users;

use users::{raw, row, User, USERS};

/// The hand-written side's insert struct: every column but the key. `None` binds NULL (not
/// `DEFAULT`), so Diesel renders one multi-row statement on SQLite instead of a row-by-row
/// fallback.
#[derive(Insertable)]
#[diesel(table_name = raw::user, treat_none_as_default_value = false)]
struct NewUser {
    name: String,
    email: String,
    hair_color: Option<String>,
}

type Tuple = (i32, String, String, Option<String>);

fn tuples() -> Vec<Tuple> {
    (0..USERS).map(row).collect()
}

/// Empties the table the way WORKLOADS.md says (untimed).
fn reset(conn: &mut SqliteConnection) {
    conn.batch_execute("DELETE FROM user; VACUUM;")
        .expect("DELETE + VACUUM");
}

fn fsql_db(url: &str, tracked: Option<Arc<AtomicUsize>>) -> Database {
    let mut builder = Database::builder()
        .url(url)
        .registry(fsql::Registry::new([<User as fsql::Model>::META]));
    if let Some(seen) = tracked {
        builder = builder
            .track_modifications(true)
            .on_models_committed(move |changes| {
                seen.fetch_add(changes.len(), Ordering::Relaxed);
            });
    }
    let db = builder.build().expect("Database");
    db.create_all().expect("create_all");
    db
}

/// One fsql repetition: the unit of work. Returns the handles (keys are read by the caller).
fn fsql_insert(db: &Database, input: Vec<Tuple>) -> Vec<fsql::Pending<User>> {
    let mut session = db.session();
    let handles = session.add_all(input.into_iter().map(|(_, name, email, hair_color)| User {
        id: 0,
        name,
        email,
        hair_color,
    }));
    session.commit().expect("commit");
    handles
}

fn raw_insert(conn: &mut SqliteConnection, input: Vec<Tuple>) -> Vec<i32> {
    let rows: Vec<NewUser> = input
        .into_iter()
        .map(|(_, name, email, hair_color)| NewUser {
            name,
            email,
            hair_color,
        })
        .collect();
    conn.transaction::<_, diesel::result::Error, _>(|c| {
        let mut ids = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(1000) {
            ids.extend(
                diesel::insert_into(raw::user::table)
                    .values(chunk)
                    .returning(raw::user::id)
                    .get_results::<i32>(c)?,
            );
        }
        Ok(ids)
    })
    .expect("raw insert")
}

/// Times `run` over `iters` repetitions, resetting the table (untimed) before each.
fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");

    let raw_path = dir.path().join("w6_raw.db");
    let mut raw_conn = schema::raw_connection(&raw_path);
    raw_conn
        .batch_execute(schema::SCHEMA_SQL)
        .expect("schema.sql");

    // Empties the raw table before each repetition, so the timed side keeps its own connection.
    let mut raw_admin = schema::raw_connection(&raw_path);

    let fsql_path = dir.path().join("w6_fsql.db");
    let db = fsql_db(&schema::sqlite_url(&fsql_path), None);
    let mut fsql_admin = schema::raw_connection(&fsql_path);

    let tracked_path = dir.path().join("w6_fsql_tracked.db");
    let seen = Arc::new(AtomicUsize::new(0));
    let tracked = fsql_db(&schema::sqlite_url(&tracked_path), Some(Arc::clone(&seen)));
    let mut tracked_admin = schema::raw_connection(&tracked_path);

    // The same table on both sides; both store the same rows, and fsql hands every row its
    // own key.
    schema::assert_same_table(&mut raw_admin, &mut fsql_admin, "user");
    schema::assert_same_table(&mut raw_admin, &mut tracked_admin, "user");
    {
        let handles = fsql_insert(&db, tuples());
        for (i, h) in handles.iter().enumerate() {
            let u = h.get().expect("flushed");
            let (id, name, email, hair) = row(i as i32);
            assert_eq!(
                (u.id, u.name, u.email, u.hair_color),
                (id, name, email, hair)
            );
        }
        let ids = raw_insert(&mut raw_conn, tuples());
        assert_eq!(ids.len(), USERS as usize);
        let fsql_rows: Vec<raw::User> = raw::user::table
            .order_by(raw::user::id)
            .load(&mut fsql_admin)
            .expect("fsql rows");
        let raw_rows: Vec<raw::User> = raw::user::table
            .order_by(raw::user::id)
            .load(&mut raw_conn)
            .expect("raw rows");
        assert_eq!(fsql_rows, raw_rows);
    }

    let mut group = c.benchmark_group("W6_bulk_insert");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    let group_name = "W6_bulk_insert";
    unit::iter_prepared(
        &mut group,
        group_name,
        "fsql",
        || {
            reset(&mut fsql_admin);
            tuples()
        },
        |input| {
            let handles = fsql_insert(&db, input);
            assert!(handles[0].key().is_some());
            std::hint::black_box(handles);
        },
    );
    unit::iter_prepared(
        &mut group,
        group_name,
        "fsql_tracking_on",
        || {
            reset(&mut tracked_admin);
            tuples()
        },
        |input| {
            std::hint::black_box(fsql_insert(&tracked, input));
        },
    );
    unit::iter_prepared(
        &mut group,
        group_name,
        "diesel_raw",
        || {
            reset(&mut raw_admin);
            tuples()
        },
        |input| {
            std::hint::black_box(raw_insert(&mut raw_conn, input));
        },
    );
    group.finish();
    // Nothing seen when a filter (or the instruction harness) skipped the variant.
    let seen = seen.load(Ordering::Relaxed);
    assert!(
        seen == 0 || seen >= USERS as usize,
        "the tracking hook saw {seen} rows, not every inserted row"
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
