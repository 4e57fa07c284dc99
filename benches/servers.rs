//! W1–W6 and W6b (WORKLOADS.md) on PostgreSQL and MariaDB: fsql against hand-written Diesel
//! on the same server, in the same criterion group, one group per workload and backend
//! (`W1_get_by_pk_postgres`, `W4_o2m_lazy_select_mysql`, …; variants `fsql` and `diesel_raw`).
//!
//! Servers (a backend is skipped, with a one-line reason, when its URL is unset; a set URL
//! whose server cannot be reached fails the run):
//!
//! - PostgreSQL, built with `--features postgres`: `FSQL_BENCH_POSTGRES_URL`, e.g.
//!   `postgresql://postgres@127.0.0.1:5432/test`. Two fresh schemas per run,
//!   `fsql_bench_<pid>_<nanos>` (fsql) and `fsql_bench_raw_<pid>_<nanos>` (raw), reached through
//!   `search_path` and dropped at the end (also when a check panics).
//! - MariaDB / MySQL, built with `--features mysql`: `FSQL_BENCH_MYSQL_URL`, e.g.
//!   `mysql://root@127.0.0.1:3306/test`. Two fresh databases per run, `fsql_bench_<pid>_<nanos>`
//!   and the same with `_raw`, dropped at the end (also when a check panics).
//!
//! Both sides use the same table names, each in its own schema (database): fsql's tables are
//! made by `db.create_all()` from the models below; the raw side runs the DDL SQLAlchemy emits
//! for these models on that backend (`SERIAL` / `AUTO_INCREMENT` keys, `"user"` / `` `user` ``
//! quoted). Before timing, the two schemas' catalogs (columns with types, lengths, nullability
//! and defaults; indexes; primary, unique and foreign-key constraints) are compared, every
//! workload's data is seeded on both sides and compared, and one repetition of every variant
//! is checked (counts, ids, ownership, fsql's statement counts for W4/W5).
//!
//! Seeding is plain Diesel on both sides (multi-row `INSERT`s of 1 000 rows), untimed: a
//! network round trip per row would make re-seeding before every W6b delete repetition slow.
//! On PostgreSQL every seeding ends with `ANALYZE`, so that plans do not depend on when
//! autovacuum happens to gather statistics (`common/server_postgres.rs` says why it matters).
//!
//! Sizes that differ from WORKLOADS.md, the same on both sides: every statement is a network
//! round trip (40–90 µs to a local server, against ~6.5 µs for a SQLite lookup), so
//!
//! - W1 does [`LOOKUPS`] = 2 000 lookups per unit (the first 2 000 ids of the W1 order: no id
//!   twice, no two adjacent ids in a row) instead of 10 000;
//! - everything else keeps the WORKLOADS.md sizes (W2: 100 queries; W3: 100 calls; W4/W5:
//!   1 000 parents, so the lazy variants run 1 + 1 000 statements; W6/W6b: 10 000 rows).
//!
//! W6b as in `w6b_session_update_delete.rs`: fsql's session sends one `UPDATE` (of every
//! column) per row and one `DELETE … IN (…)` per 1 000 rows; `diesel_raw` updates `hair_color`
//! row by row and deletes with one `IN` list per 1 000 ids; `W6b_delete_*` has a third
//! variant, `diesel_raw_rowwise` (10 000 single-row `DELETE`s by hand), the cost of one round
//! trip per row. The checked repetitions print fsql's statements.
//! Diesel 2.3 prepares every `UPDATE` anew on both sides (its `UpdateStatement` is never put
//! in the statement cache).
//!
//! Under criterion, every group first runs its fsql and raw units alternately for a few
//! seconds and prints the ratio of their medians (`common/interleaved.rs`), steadier than the
//! ratio of criterion's medians when other work on the machine comes and goes.
//!
//! Criterion runs 10 samples per variant with short warm-up and measurement times, so a
//! backend takes a few minutes. Compare the fsql/diesel_raw ratio within a group, not times
//! across backends or with the SQLite benches.
//!
//! Run: `FSQL_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test
//! FSQL_BENCH_MYSQL_URL=mysql://root@127.0.0.1:3306/test cargo bench --features postgres,mysql
//! --bench servers`. One unit alone: `FSQL_BENCH_UNIT=W6b_update_postgres/fsql` (see
//! `common/unit.rs`; the URLs are needed then too, and only that unit's group is seeded).

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "common/interleaved.rs"]
mod interleaved;
#[path = "common/unit.rs"]
mod unit;

/// Users in the W1–W3, W6 and W6b data.
pub const USERS: i32 = 10_000;
/// Primary-key lookups per W1 unit on a server (see the header).
pub const LOOKUPS: usize = 2_000;
/// W4: users, each with `POSTS_PER_USER` posts.
pub const REL_USERS: i32 = 1_000;
pub const POSTS_PER_USER: i32 = 10;
/// W5: pages with 5 of the `TAGS` tags each.
pub const PAGES: i32 = 1_000;
pub const TAGS: i32 = 50;

/// The fsql models of W1–W6: exactly the tables of `benches/data/schema.sql` (checked against
/// the raw DDL before timing), `ix_post_user_id` included, or lazy loads would scan `post`
/// 1 000 times.
#[allow(dead_code)] // some backends' builds use only part of them
mod models {
    use fsql::prelude::*;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[fsql(table_name = "user")]
    pub struct User {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(length = 80, index)]
        pub name: String,
        #[fsql(length = 120)]
        pub email: String,
        #[fsql(length = 20)]
        pub hair_color: Option<String>,
        pub posts: HasMany<Post>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    pub struct Post {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(references = User, index)]
        pub user_id: i32,
        #[fsql(length = 200)]
        pub title: String,
        pub body: Option<String>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    pub struct Page {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(length = 200)]
        pub title: String,
        #[fsql(secondary = page_tags)]
        pub tags: ManyToMany<Tag>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    pub struct Tag {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(length = 50, unique)]
        pub name: String,
    }

    fsql::table! {
        page_tags {
            #[primary_key, references = Page]
            page_id: i32,
            #[primary_key, references = Tag]
            tag_id: i32,
        }
    }
}

/// `<prefix>_<pid>_<nanos>`: a name no other run uses.
#[allow(dead_code)]
fn fresh_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{prefix}_{}_{nanos}", std::process::id())
}

/// The server URL of a backend, or `None` after printing why it is skipped.
#[allow(dead_code)]
fn url_or_skip(var: &str, backend: &str, example: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("skipped W1–W6 on {backend}: set {var}={example}");
            None
        }
    }
}

// The backend-specific pieces of `common/server_workloads.rs`, one file per backend (a
// `#[path]` inside an inline module would resolve under `benches/<module>/`).
#[cfg(feature = "mysql")]
#[path = "common/server_mysql.rs"]
mod mysql;
#[cfg(feature = "postgres")]
#[path = "common/server_postgres.rs"]
mod postgres;

fn bench(c: &mut Criterion) {
    #[cfg(feature = "postgres")]
    postgres::bench(c);
    #[cfg(not(feature = "postgres"))]
    eprintln!("skipped W1–W6 on PostgreSQL: build with `--features postgres`");
    #[cfg(feature = "mysql")]
    mysql::bench(c);
    #[cfg(not(feature = "mysql"))]
    eprintln!("skipped W1–W6 on MariaDB: build with `--features mysql`");
    let _ = c;
}

criterion_group!(benches, bench);
criterion_main!(benches);
