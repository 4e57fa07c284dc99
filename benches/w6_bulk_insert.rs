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
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use fsql::prelude::*;

#[path = "common/schema.rs"]
mod schema;
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
fn timed(iters: u64, conn: &mut SqliteConnection, mut run: impl FnMut(Vec<Tuple>)) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        reset(conn);
        let input = tuples();
        let start = Instant::now();
        run(input);
        total += start.elapsed();
    }
    total
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");

    let raw_path = dir.path().join("w6_raw.db");
    let mut raw_conn = schema::raw_connection(&raw_path);
    raw_conn
        .batch_execute(schema::SCHEMA_SQL)
        .expect("schema.sql");

    let fsql_path = dir.path().join("w6_fsql.db");
    let db = fsql_db(&schema::sqlite_url(&fsql_path), None);
    let mut fsql_admin = schema::raw_connection(&fsql_path);

    let tracked_path = dir.path().join("w6_fsql_tracked.db");
    let seen = Arc::new(AtomicUsize::new(0));
    let tracked = fsql_db(&schema::sqlite_url(&tracked_path), Some(Arc::clone(&seen)));
    let mut tracked_admin = schema::raw_connection(&tracked_path);

    // Both sides store the same rows, and fsql hands every row its own key.
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
    group.bench_function("fsql", |b| {
        b.iter_custom(|iters| {
            timed(iters, &mut fsql_admin, |input| {
                let handles = fsql_insert(&db, input);
                assert!(handles[0].key().is_some());
                std::hint::black_box(handles);
            })
        })
    });
    group.bench_function("fsql_tracking_on", |b| {
        b.iter_custom(|iters| {
            timed(iters, &mut tracked_admin, |input| {
                std::hint::black_box(fsql_insert(&tracked, input));
            })
        })
    });
    group.bench_function("diesel_raw", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                reset(&mut raw_conn);
                let input = tuples();
                let start = Instant::now();
                std::hint::black_box(raw_insert(&mut raw_conn, input));
                total += start.elapsed();
            }
            total
        })
    });
    group.finish();
    assert!(
        seen.load(Ordering::Relaxed) >= USERS as usize,
        "the tracking hook saw every inserted row"
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
