//! W2 and W3 (WORKLOADS.md) on a file-backed SQLite table of 10 000 users, in autocommit mode,
//! plus keyset pagination against `OFFSET` pagination.
//!
//! - `W2_filter_like`: 100 queries `name LIKE 'user{k:02}%' ORDER BY id` (k = 00..99), each
//!   returning exactly 100 users. `fsql`: `User::query().filter(User::name.like(p))
//!   .order_by(User::id.asc()).all(&db)`; `diesel_raw`: `user::table.filter(user::name.like(p))
//!   .order_by(user::id).select(User::as_select()).load(&mut conn)`.
//! - `W3_paginate_p1`, `W3_paginate_p400`: 100 paginate calls for page 1 (resp. 400, the last
//!   page, `OFFSET 9975`), 25 per page, ordered by id, with the total count (2 statements per
//!   call on each side). `fsql`: `User::query().order_by(User::id.asc()).paginate(&db,
//!   PageRequest::new(p).per_page(25).error_out(false))`, reading `.items()` and `.total()`;
//!   `diesel_raw`: `order_by(id).limit(25).offset(off).load` + `count().get_result::<i64>`.
//! - `W3_keyset` (fsql only): 100 keyset pages of 25 — the first one (`keyset_p1`), the one after
//!   id 9975 (`keyset_p400`, the rows of offset page 400; its cursor is obtained once, untimed,
//!   by walking the pages from the first) — and 100 offset calls for page 400 without the count
//!   (`offset_p400`), so that neither side counts.
//!
//! Each group gets fresh database files in one temporary directory: the raw one created by
//! executing `schema.sql` verbatim, the fsql one by `db.create_all()`; both seeded (untimed)
//! with the same rows; their `user` tables (schema and every row) are compared, and every
//! variant's result is checked, before timing. The fsql side goes through the `Database` (one
//! pool checkout per call, as application code does); the raw side is a plain
//! `SqliteConnection` (`PRAGMA foreign_keys = ON`) with its own `table!` and struct.
//!
//! Run with `cargo bench --bench w2_w3_paginate`.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, SamplingMode};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use fsql::prelude::*;

#[path = "common/schema.rs"]
mod schema;
#[path = "common/unit.rs"]
mod unit;
#[path = "common/users.rs"]
mod users;

use users::{raw, seed_raw, seeded_fsql, User, USERS};

/// Calls per timed repetition in every group.
const CALLS: usize = 100;
const PER_PAGE: u64 = 25;
/// The last page of 25 over 10 000 users.
const LAST_PAGE: u64 = 400;

/// A fresh pair of seeded databases: the raw side's connection and fsql's `Database`.
struct Fixture {
    conn: SqliteConnection,
    db: Database,
}

impl Fixture {
    /// Creates `{tag}_raw.db` and `{tag}_fsql.db` in `dir`, seeds both with the 10 000 users
    /// and checks that their `user` tables are the same (schema and rows).
    fn new(dir: &Path, tag: &str) -> Self {
        // diesel_raw: schema.sql verbatim, then the rows in one transaction.
        let raw_path = dir.join(format!("{tag}_raw.db"));
        let mut conn = schema::raw_connection(&raw_path);
        conn.batch_execute(schema::SCHEMA_SQL).expect("schema.sql");
        seed_raw(&mut conn);

        // fsql: create_all, then the rows through the model in one transaction.
        let fsql_path = dir.join(format!("{tag}_fsql.db"));
        let db = seeded_fsql(&schema::sqlite_url(&fsql_path));

        // Same table on both sides: schema, then every row.
        {
            let mut fsql_conn = schema::raw_connection(&fsql_path);
            schema::assert_same_table(&mut conn, &mut fsql_conn, "user");
            let load_all = |c: &mut SqliteConnection| {
                raw::user::table
                    .order_by(raw::user::id)
                    .select(raw::User::as_select())
                    .load(c)
                    .expect("load all users")
            };
            let raw_rows = load_all(&mut conn);
            assert_eq!(raw_rows.len(), USERS as usize);
            assert_eq!(raw_rows, load_all(&mut fsql_conn), "rows differ");
        }
        Fixture { conn, db }
    }
}

fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
}

fn ids_of(users: &[User]) -> Vec<i32> {
    users.iter().map(|u| u.id).collect()
}

fn raw_ids(users: &[raw::User]) -> Vec<i32> {
    users.iter().map(|u| u.id).collect()
}

/// W2: 100 `LIKE` queries of 100 rows each.
fn w2_filter_like(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let Fixture { mut conn, db } = Fixture::new(dir.path(), "w2");
    let patterns: Vec<String> = (0..CALLS).map(|k| format!("user{k:02}%")).collect();

    // Each pattern selects users k*100 .. k*100+99, ids k*100+1 ..= k*100+100, on both sides.
    for (k, p) in patterns.iter().enumerate() {
        let first = i32::try_from(k).expect("k") * 100 + 1;
        let expected: Vec<i32> = (first..first + 100).collect();
        let f = User::query()
            .filter(User::name.like(p.as_str()))
            .order_by(User::id.asc())
            .all(&db)
            .expect("fsql like");
        let r: Vec<raw::User> = raw::user::table
            .filter(raw::user::name.like(p.as_str()))
            .order_by(raw::user::id)
            .select(raw::User::as_select())
            .load(&mut conn)
            .expect("raw like");
        assert_eq!(ids_of(&f), expected, "fsql, pattern {p}");
        assert_eq!(raw_ids(&r), expected, "raw, pattern {p}");
    }

    let group_name = "W2_filter_like";
    let mut group = c.benchmark_group(group_name);
    configure(&mut group);
    unit::iter(&mut group, group_name, "fsql", || {
        for p in &patterns {
            let users = User::query()
                .filter(User::name.like(p.as_str()))
                .order_by(User::id.asc())
                .all(&db)
                .expect("all");
            assert_eq!(users.len(), 100);
            black_box(users);
        }
    });
    unit::iter(&mut group, group_name, "diesel_raw", || {
        for p in &patterns {
            let users: Vec<raw::User> = raw::user::table
                .filter(raw::user::name.like(p.as_str()))
                .order_by(raw::user::id)
                .select(raw::User::as_select())
                .load(&mut conn)
                .expect("load");
            assert_eq!(users.len(), 100);
            black_box(users);
        }
    });
    group.finish();
}

/// fsql's W3 call: the page and the total, 2 statements.
fn fsql_page(db: &Database, page: u64) -> (Vec<User>, u64) {
    let p = User::query()
        .order_by(User::id.asc())
        .paginate(
            db,
            PageRequest::new(page).per_page(PER_PAGE).error_out(false),
        )
        .expect("paginate");
    let total = p.total().expect("total");
    (p.into_items(), total)
}

/// The raw W3 call: the page and the total, 2 statements.
fn raw_page(conn: &mut SqliteConnection, page: u64) -> (Vec<raw::User>, i64) {
    let offset = i64::try_from((page - 1) * PER_PAGE).expect("offset");
    let items: Vec<raw::User> = raw::user::table
        .order_by(raw::user::id)
        .limit(PER_PAGE as i64)
        .offset(offset)
        .select(raw::User::as_select())
        .load(conn)
        .expect("page");
    let total = raw::user::table
        .count()
        .get_result::<i64>(conn)
        .expect("count");
    (items, total)
}

/// W3: 100 paginate calls with the total count, for page 1 and for page 400.
fn w3_paginate(c: &mut Criterion) {
    for (name, page) in [("W3_paginate_p1", 1), ("W3_paginate_p400", LAST_PAGE)] {
        let dir = tempfile::tempdir().expect("tempdir");
        let Fixture { mut conn, db } = Fixture::new(dir.path(), name);

        let first = i32::try_from((page - 1) * PER_PAGE).expect("first") + 1;
        let expected: Vec<i32> = (first..first + PER_PAGE as i32).collect();
        let (f, f_total) = fsql_page(&db, page);
        let (r, r_total) = raw_page(&mut conn, page);
        assert_eq!(ids_of(&f), expected, "fsql page {page}");
        assert_eq!(raw_ids(&r), expected, "raw page {page}");
        assert_eq!((f_total, r_total), (USERS as u64, i64::from(USERS)));

        let group_name = name;
        let mut group = c.benchmark_group(group_name);
        configure(&mut group);
        unit::iter(&mut group, group_name, "fsql", || {
            for _ in 0..CALLS {
                let (items, total) = fsql_page(&db, page);
                assert_eq!((items.len(), total), (25, 10_000));
                black_box((items, total));
            }
        });
        unit::iter(&mut group, group_name, "diesel_raw", || {
            for _ in 0..CALLS {
                let (items, total) = raw_page(&mut conn, page);
                assert_eq!((items.len(), total), (25, 10_000));
                black_box((items, total));
            }
        });
        group.finish();
    }
}

/// Keyset pages 1 and 400 against offset page 400, none of them counting.
fn w3_keyset(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let Fixture { conn, db } = Fixture::new(dir.path(), "w3_keyset");
    drop(conn);

    let keyset_first = || {
        User::query()
            .keyset(&db, KeysetRequest::first(PER_PAGE))
            .expect("keyset first")
    };
    let keyset_at = |cursor: &str| {
        User::query()
            .keyset(&db, KeysetRequest::at(cursor).per_page(PER_PAGE))
            .expect("keyset at")
    };
    let offset_page = |page: u64| {
        User::query()
            .order_by(User::id.asc())
            .paginate(
                &db,
                PageRequest::new(page)
                    .per_page(PER_PAGE)
                    .error_out(false)
                    .count(false),
            )
            .expect("paginate")
    };

    // The cursor of page 400: walk pages 1..=399 (untimed) and take the last one's next cursor.
    let mut page = keyset_first();
    assert_eq!(ids_of(page.items()), (1..=25).collect::<Vec<_>>());
    for _ in 2..LAST_PAGE {
        let next = page.next_cursor().expect("next cursor").to_owned();
        page = keyset_at(&next);
    }
    assert_eq!(page.items().last().map(|u| u.id), Some(9_975));
    let cursor_p400 = page.next_cursor().expect("cursor of page 400").to_owned();

    let expected: Vec<i32> = (9_976..=10_000).collect();
    let p400 = keyset_at(&cursor_p400);
    assert_eq!(ids_of(p400.items()), expected, "keyset page 400");
    assert!(!p400.has_next(), "page 400 is the last one");
    assert_eq!(p400.total(), None);
    let o400 = offset_page(LAST_PAGE);
    assert_eq!(ids_of(o400.items()), expected, "offset page 400");
    assert_eq!(o400.total(), None);
    assert_eq!(ids_of(keyset_first().items()), (1..=25).collect::<Vec<_>>());

    let group_name = "W3_keyset";
    let mut group = c.benchmark_group(group_name);
    configure(&mut group);
    unit::iter(&mut group, group_name, "keyset_p1", || {
        for _ in 0..CALLS {
            let p = keyset_first();
            assert_eq!(p.items().len(), 25);
            black_box(p);
        }
    });
    unit::iter(&mut group, group_name, "keyset_p400", || {
        for _ in 0..CALLS {
            let p = keyset_at(&cursor_p400);
            assert_eq!(p.items().len(), 25);
            black_box(p);
        }
    });
    unit::iter(&mut group, group_name, "offset_p400", || {
        for _ in 0..CALLS {
            let p = offset_page(LAST_PAGE);
            assert_eq!(p.items().len(), 25);
            black_box(p);
        }
    });
    group.finish();
}

criterion_group!(benches, w2_filter_like, w3_paginate, w3_keyset);
criterion_main!(benches);
