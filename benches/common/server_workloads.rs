//! W1–W6 and W6b on one server backend, fsql against hand-written Diesel: the body of
//! `benches/servers.rs`, included once per backend (`mod postgres`, `mod mysql`). The parent
//! module provides what differs between the backends:
//!
//! - `Conn`: the Diesel connection type;
//! - `BACKEND`: the suffix of the group names (`postgres`, `mysql`);
//! - `RESET_ALL`: SQL that empties every table (FK order respected);
//! - `ANALYZE`: SQL run after seeding (PostgreSQL: fresh statistics, see there);
//! - `shape(conn)`: the current schema's (database's) tables, columns, indexes and constraints
//!   as sorted lines, the same on both sides when the tables are the same;
//! - `insert_returning_ids(conn, rows)`: one multi-row `INSERT` of `rows` and the ids the
//!   database assigned (`RETURNING` on PostgreSQL, `LAST_INSERT_ID()` on MariaDB);
//! - `Server`: the two fresh schemas (databases), `fsql_url` and `raw_url`, dropped on drop.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use fsql::prelude::*;

use super::{insert_returning_ids, shape, Conn, Server, ANALYZE, BACKEND, RESET_ALL};
use crate::models::{self, Page, Post, Tag, User};
use crate::{interleaved, unit};
use crate::{LOOKUPS, PAGES, POSTS_PER_USER, REL_USERS, TAGS, USERS};

/// Hand-written Diesel, independent of fsql: the raw side's own schema (database) holds tables
/// of the same names, so these need no renaming.
#[allow(dead_code)] // every column is read from the database; not every one is checked
pub mod raw {
    use diesel::prelude::*;

    diesel::table! { user (id) { id -> Integer, name -> Text, email -> Text, hair_color -> Nullable<Text>, } }
    diesel::table! { post (id) { id -> Integer, user_id -> Integer, title -> Text, body -> Nullable<Text>, } }
    diesel::table! { page (id) { id -> Integer, title -> Text, } }
    diesel::table! { tag (id) { id -> Integer, name -> Text, } }
    diesel::table! { page_tags (page_id, tag_id) { page_id -> Integer, tag_id -> Integer, } }
    diesel::joinable!(post -> user (user_id));
    diesel::joinable!(page_tags -> page (page_id));
    diesel::joinable!(page_tags -> tag (tag_id));
    diesel::allow_tables_to_appear_in_same_query!(user, post, page, tag, page_tags);

    // `None` binds NULL rather than `DEFAULT`, so a chunk is one multi-row statement.
    #[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq)]
    #[diesel(table_name = user, treat_none_as_default_value = false)]
    pub struct User {
        pub id: i32,
        pub name: String,
        pub email: String,
        pub hair_color: Option<String>,
    }
    #[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq)]
    #[diesel(table_name = post, treat_none_as_default_value = false)]
    pub struct Post {
        pub id: i32,
        pub user_id: i32,
        pub title: String,
        pub body: Option<String>,
    }
    #[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq)]
    #[diesel(table_name = page)]
    pub struct Page {
        pub id: i32,
        pub title: String,
    }
    #[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq)]
    #[diesel(table_name = tag)]
    pub struct Tag {
        pub id: i32,
        pub name: String,
    }
    #[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq)]
    #[diesel(table_name = page_tags)]
    pub struct PageTag {
        pub page_id: i32,
        pub tag_id: i32,
    }

    /// W6's insert: every column but the key.
    #[derive(Insertable)]
    #[diesel(table_name = user, treat_none_as_default_value = false)]
    pub struct NewUser {
        pub name: String,
        pub email: String,
        pub hair_color: Option<String>,
    }
}

/// Rows per multi-row `INSERT` (seeding, W6's raw side) and per `DELETE … IN` (W6b's raw side):
/// SQLAlchemy's `insertmanyvalues` page size.
const CHUNK: usize = 1_000;

fn group_name(workload: &str) -> String {
    format!("{workload}_{BACKEND}")
}

fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    configure_for(group, Duration::from_secs(3));
}

/// A longer measurement for groups whose unit is ~0.1 s, so that each sample holds a few units.
fn configure_for(group: &mut BenchmarkGroup<'_, WallTime>, measurement: Duration) {
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(measurement);
}

/// Under the unit harness, a group whose unit was not asked for needs no data: its variants
/// are only registered (so that `FSQL_BENCH_UNIT=list` names them) and nothing is seeded.
fn setup_needed(group: &str) -> bool {
    if !unit::harness_mode() {
        return true;
    }
    std::env::var("FSQL_BENCH_UNIT").is_ok_and(|u| u.starts_with(&format!("{group}/")))
}

fn register_only(c: &mut Criterion, group: &str, variants: &[&str]) {
    let mut g = c.benchmark_group(group);
    for v in variants {
        unit::iter(&mut g, group, v, || {});
    }
    g.finish();
}

/// Registers a group's `fsql` and `diesel_raw` variants, each an untimed `prepare` and a timed
/// unit; under criterion, first alternates the two (`common/interleaved.rs`) and prints the
/// ratio of their medians, steadier than criterion's on a shared machine.
fn pair<I, J>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    mut fsql_prepare: impl FnMut() -> I,
    mut fsql: impl FnMut(I),
    mut raw_prepare: impl FnMut() -> J,
    mut raw: impl FnMut(J),
) {
    interleaved::ratio(
        name,
        "fsql/diesel_raw",
        unit::harness_mode(),
        &mut fsql_prepare,
        &mut fsql,
        &mut raw_prepare,
        &mut raw,
    );
    unit::iter_prepared(group, name, "fsql", &mut fsql_prepare, &mut fsql);
    unit::iter_prepared(group, name, "diesel_raw", &mut raw_prepare, &mut raw);
}

/// User row `i` (0-based, id = i + 1) per WORKLOADS.md.
fn user_row(i: i32) -> raw::User {
    raw::User {
        id: i + 1,
        name: format!("user{i:04}"),
        email: format!("user{i:04}@example.com"),
        hair_color: (i % 2 == 0).then(|| "black".to_owned()),
    }
}

/// Post `k` (0–9) of the user with id `u`, per WORKLOADS.md.
fn post_row(u: i32, k: i32) -> raw::Post {
    raw::Post {
        id: (u - 1) * POSTS_PER_USER + k + 1,
        user_id: u,
        title: format!("Post {k} by user {u}"),
        body: Some(format!(
            "Body of post {k} by user {u}. {}",
            "lorem ipsum ".repeat(6)
        )),
    }
}

/// Both sides' connections and fsql's databases, on the two fresh schemas (databases).
pub struct Sides {
    /// fsql, as application code uses it (pool checkout per call).
    pub db: Database,
    /// The same tables with `record_queries(true)`: statement counts, checked before timing.
    pub recording: Database,
    /// Plain Diesel on fsql's schema: untimed seeding, resets and checks.
    pub fsql_admin: Conn,
    /// The raw side's connection for the timed units.
    pub conn: Conn,
    /// A second raw-side connection for untimed preparation (so that `prepare` and `unit`
    /// closures do not share one `&mut`).
    pub raw_admin: Conn,
}

impl Sides {
    /// Creates the tables on both sides (fsql: `create_all`; raw: the DDL SQLAlchemy emits
    /// for this backend) and checks that they are the same.
    pub fn new(server: &Server, raw_ddl: &str) -> Self {
        let tables = [
            User::META,
            Post::META,
            Page::META,
            Tag::META,
            models::page_tags::table::META,
        ];
        let db = Database::builder()
            .url(&server.fsql_url)
            .registry(fsql::Registry::new(tables))
            .build()
            .expect("fsql Database");
        db.create_all().expect("create_all");
        let recording = Database::builder()
            .url(&server.fsql_url)
            .record_queries(true)
            .registry(fsql::Registry::new(tables))
            .build()
            .expect("recording Database");
        let mut fsql_admin = Conn::establish(&server.fsql_url).expect("fsql-side connection");
        let mut conn = Conn::establish(&server.raw_url).expect("raw connection");
        conn.batch_execute(raw_ddl).expect("raw DDL");
        let raw_admin = Conn::establish(&server.raw_url).expect("raw admin connection");

        let raw_shape = shape(&mut conn);
        let fsql_shape = shape(&mut fsql_admin);
        if raw_shape != fsql_shape {
            let only = |a: &[String], b: &[String]| -> Vec<String> {
                a.iter().filter(|l| !b.contains(l)).cloned().collect()
            };
            panic!(
                "{BACKEND}: fsql create_all and the raw DDL differ\n  only raw: {:#?}\n  only \
                 fsql: {:#?}",
                only(&raw_shape, &fsql_shape),
                only(&fsql_shape, &raw_shape)
            );
        }
        for table in ["user", "post", "page", "tag", "page_tags"] {
            assert!(
                raw_shape.iter().any(|l| l.contains(table)),
                "{BACKEND}: no `{table}` in the compared shape {raw_shape:#?}"
            );
        }
        eprintln!(
            "{BACKEND}: fsql create_all and the raw DDL agree on {} catalog lines",
            raw_shape.len()
        );
        Self {
            db,
            recording,
            fsql_admin,
            conn,
            raw_admin,
        }
    }

    /// Empties every table on both sides, then seeds both with the same rows (untimed).
    fn seed(&mut self, seed: impl Fn(&mut Conn)) {
        for c in [&mut self.fsql_admin, &mut self.raw_admin] {
            c.batch_execute(RESET_ALL).expect("reset");
            seed(c);
            if let Some(sql) = ANALYZE {
                c.batch_execute(sql).expect("statistics after seeding");
            }
        }
    }
}

/// The W1 data: 10 000 users, in one transaction, `CHUNK` rows per `INSERT`.
fn seed_users(conn: &mut Conn) {
    let rows: Vec<raw::User> = (0..USERS).map(user_row).collect();
    conn.transaction::<_, diesel::result::Error, _>(|c| {
        for chunk in rows.chunks(CHUNK) {
            diesel::insert_into(raw::user::table)
                .values(chunk)
                .execute(c)?;
        }
        Ok(())
    })
    .expect("seed users");
}

fn all_users(conn: &mut Conn) -> Vec<raw::User> {
    raw::user::table
        .order_by(raw::user::id)
        .select(raw::User::as_select())
        .load(conn)
        .expect("load users")
}

fn user_count(conn: &mut Conn) -> i64 {
    raw::user::table
        .count()
        .get_result(conn)
        .expect("count users")
}

/// Seeds the W1 data on both sides and checks that both hold the same rows.
fn users_fixture(s: &mut Sides) {
    s.seed(seed_users);
    let a = all_users(&mut s.raw_admin);
    assert_eq!(a.len(), USERS as usize);
    assert_eq!(a, all_users(&mut s.fsql_admin), "seeded users differ");
}

// ---------------------------------------------------------------------------------------- W1

fn w1(c: &mut Criterion, s: &mut Sides) {
    let name = group_name("W1_get_by_pk");
    if !setup_needed(&name) {
        return register_only(c, &name, &["fsql", "diesel_raw"]);
    }
    users_fixture(s);
    // The first LOOKUPS ids of the W1 order: still no id twice, no two adjacent ids in a row.
    let ids: Vec<i32> = (0..USERS)
        .map(|i| (i * 7919 % USERS) + 1)
        .take(LOOKUPS)
        .collect();
    for &id in ids.iter().take(50).chain(&[1, USERS]) {
        let r = raw::user::table
            .find(id)
            .select(raw::User::as_select())
            .get_result(&mut s.conn)
            .expect("raw row");
        let f = User::query()
            .get(&s.db, id)
            .expect("fsql get")
            .expect("fsql row");
        assert_eq!(r, user_row(id - 1));
        assert_eq!((r.id, r.name, r.email, r.hair_color), {
            (f.id, f.name, f.email, f.hair_color)
        });
    }

    let (db, conn) = (&s.db, &mut s.conn);
    let mut group = c.benchmark_group(&name);
    configure(&mut group);
    pair(
        &mut group,
        &name,
        || (),
        |()| {
            for &id in &ids {
                let u = User::query().get(db, id).expect("get");
                assert!(u.is_some(), "user {id} missing");
                black_box(u);
            }
        },
        || (),
        |()| {
            for &id in &ids {
                let u: raw::User = raw::user::table
                    .find(id)
                    .select(raw::User::as_select())
                    .get_result(conn)
                    .expect("get_result");
                black_box(u);
            }
        },
    );
    group.finish();
}

// ---------------------------------------------------------------------------------------- W2

fn w2(c: &mut Criterion, s: &mut Sides) {
    let name = group_name("W2_filter_like");
    if !setup_needed(&name) {
        return register_only(c, &name, &["fsql", "diesel_raw"]);
    }
    users_fixture(s);
    let patterns: Vec<String> = (0..100).map(|k| format!("user{k:02}%")).collect();
    // Pattern k selects users k*100 .. k*100+99 (ids k*100+1 ..= k*100+100) on both sides.
    for (k, p) in patterns.iter().enumerate() {
        let first = i32::try_from(k).expect("k") * 100 + 1;
        let expected: Vec<i32> = (first..first + 100).collect();
        let f = User::query()
            .filter(User::name.like(p.as_str()))
            .order_by(User::id.asc())
            .all(&s.db)
            .expect("fsql like");
        let r: Vec<raw::User> = raw::user::table
            .filter(raw::user::name.like(p.as_str()))
            .order_by(raw::user::id)
            .select(raw::User::as_select())
            .load(&mut s.conn)
            .expect("raw like");
        assert_eq!(f.iter().map(|u| u.id).collect::<Vec<_>>(), expected);
        assert_eq!(r.iter().map(|u| u.id).collect::<Vec<_>>(), expected);
    }

    let (db, conn) = (&s.db, &mut s.conn);
    let mut group = c.benchmark_group(&name);
    configure(&mut group);
    pair(
        &mut group,
        &name,
        || (),
        |()| {
            for p in &patterns {
                let users = User::query()
                    .filter(User::name.like(p.as_str()))
                    .order_by(User::id.asc())
                    .all(db)
                    .expect("all");
                assert_eq!(users.len(), 100);
                black_box(users);
            }
        },
        || (),
        |()| {
            for p in &patterns {
                let users: Vec<raw::User> = raw::user::table
                    .filter(raw::user::name.like(p.as_str()))
                    .order_by(raw::user::id)
                    .select(raw::User::as_select())
                    .load(conn)
                    .expect("load");
                assert_eq!(users.len(), 100);
                black_box(users);
            }
        },
    );
    group.finish();
}

// ---------------------------------------------------------------------------------------- W3

const PER_PAGE: u64 = 25;

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

fn raw_page(conn: &mut Conn, page: u64) -> (Vec<raw::User>, i64) {
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

fn w3(c: &mut Criterion, s: &mut Sides) {
    let last = USERS as u64 / PER_PAGE;
    for (workload, page) in [("W3_paginate_p1", 1), ("W3_paginate_p400", last)] {
        let name = group_name(workload);
        if !setup_needed(&name) {
            register_only(c, &name, &["fsql", "diesel_raw"]);
            continue;
        }
        users_fixture(s);
        let first = i32::try_from((page - 1) * PER_PAGE).expect("first") + 1;
        let expected: Vec<i32> = (first..first + PER_PAGE as i32).collect();
        let (_, statements) = s.recording.record(|| fsql_page(&s.recording, page));
        for q in &statements {
            eprintln!("{name}/fsql sends {}", q.statement);
        }
        let (f, f_total) = fsql_page(&s.db, page);
        let (r, r_total) = raw_page(&mut s.conn, page);
        assert_eq!(f.iter().map(|u| u.id).collect::<Vec<_>>(), expected);
        assert_eq!(r.iter().map(|u| u.id).collect::<Vec<_>>(), expected);
        assert_eq!((f_total, r_total), (USERS as u64, i64::from(USERS)));

        let (db, conn) = (&s.db, &mut s.conn);
        let mut group = c.benchmark_group(&name);
        configure(&mut group);
        pair(
            &mut group,
            &name,
            || (),
            |()| {
                for _ in 0..100 {
                    let (items, total) = fsql_page(db, page);
                    assert_eq!((items.len(), total), (25, USERS as u64));
                    black_box(items);
                }
            },
            || (),
            |()| {
                for _ in 0..100 {
                    let (items, total) = raw_page(conn, page);
                    assert_eq!((items.len(), total), (25, i64::from(USERS)));
                    black_box(items);
                }
            },
        );
        group.finish();
    }
}

// ------------------------------------------------------------------------------------- W4/W5

/// The W4/W5 data: 1 000 users (the W1 rule) × 10 posts, 50 tags, 1 000 pages with 5 tags each.
fn seed_relations(conn: &mut Conn) {
    let users: Vec<raw::User> = (0..REL_USERS).map(user_row).collect();
    let posts: Vec<raw::Post> = (1..=REL_USERS)
        .flat_map(|u| (0..POSTS_PER_USER).map(move |k| post_row(u, k)))
        .collect();
    let tags: Vec<raw::Tag> = (1..=TAGS)
        .map(|t| raw::Tag {
            id: t,
            name: format!("tag{t:02}"),
        })
        .collect();
    let pages: Vec<raw::Page> = (1..=PAGES)
        .map(|p| raw::Page {
            id: p,
            title: format!("Page {p}"),
        })
        .collect();
    let links: Vec<raw::PageTag> = (1..=PAGES)
        .flat_map(|p| {
            (0..5).map(move |k| raw::PageTag {
                page_id: p,
                tag_id: (p + 10 * k) % TAGS + 1,
            })
        })
        .collect();
    conn.transaction::<_, diesel::result::Error, _>(|c| {
        for chunk in users.chunks(CHUNK) {
            diesel::insert_into(raw::user::table)
                .values(chunk)
                .execute(c)?;
        }
        for chunk in posts.chunks(CHUNK) {
            diesel::insert_into(raw::post::table)
                .values(chunk)
                .execute(c)?;
        }
        diesel::insert_into(raw::tag::table)
            .values(&tags)
            .execute(c)?;
        for chunk in pages.chunks(CHUNK) {
            diesel::insert_into(raw::page::table)
                .values(chunk)
                .execute(c)?;
        }
        for chunk in links.chunks(CHUNK) {
            diesel::insert_into(raw::page_tags::table)
                .values(chunk)
                .execute(c)?;
        }
        Ok(())
    })
    .expect("seed relations");
}

fn group_by<K: std::hash::Hash + Eq, T>(
    pairs: impl IntoIterator<Item = (K, T)>,
) -> HashMap<K, Vec<T>> {
    let mut m: HashMap<K, Vec<T>> = HashMap::new();
    for (k, t) in pairs {
        m.entry(k).or_default().push(t);
    }
    m
}

fn fold<P, T>(rows: Vec<(P, Option<T>)>, key: impl Fn(&P) -> i32) -> Vec<(P, Vec<T>)> {
    let mut index: HashMap<i32, usize> = HashMap::new();
    let mut out: Vec<(P, Vec<T>)> = Vec::new();
    for (p, t) in rows {
        let i = *index.entry(key(&p)).or_insert_with(|| {
            out.push((p, Vec::new()));
            out.len() - 1
        });
        out[i].1.extend(t);
    }
    out
}

/// The hand-written Diesel of each W4 variant: users with their posts.
fn raw_w4(conn: &mut Conn, how: &str) -> Vec<(raw::User, Vec<raw::Post>)> {
    use raw::{post, user};
    let users = |conn: &mut Conn| -> Vec<raw::User> {
        user::table
            .select(raw::User::as_select())
            .load(conn)
            .expect("users")
    };
    match how {
        "lazy_select" => users(conn)
            .into_iter()
            .map(|u| {
                let posts = post::table
                    .filter(post::user_id.eq(u.id))
                    .select(raw::Post::as_select())
                    .load(conn)
                    .expect("posts of a user");
                (u, posts)
            })
            .collect(),
        "joined" => {
            let rows: Vec<(raw::User, Option<raw::Post>)> = user::table
                .left_join(post::table)
                .select((raw::User::as_select(), Option::<raw::Post>::as_select()))
                .load(conn)
                .expect("join");
            fold(rows, |u| u.id)
        }
        _ => {
            let users = users(conn);
            let posts: Vec<raw::Post> = if how == "selectin" {
                let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
                post::table
                    .filter(post::user_id.eq_any(ids))
                    .select(raw::Post::as_select())
                    .load(conn)
                    .expect("posts IN")
            } else {
                post::table
                    .filter(post::user_id.eq_any(user::table.select(user::id)))
                    .select(raw::Post::as_select())
                    .load(conn)
                    .expect("posts IN (subquery)")
            };
            let mut by = group_by(posts.into_iter().map(|p| (p.user_id, p)));
            users
                .into_iter()
                .map(|u| {
                    let p = by.remove(&u.id).unwrap_or_default();
                    (u, p)
                })
                .collect()
        }
    }
}

fn raw_w5(conn: &mut Conn, how: &str) -> Vec<(raw::Page, Vec<raw::Tag>)> {
    use raw::{page, page_tags, tag};
    let pages = |conn: &mut Conn| -> Vec<raw::Page> {
        page::table
            .select(raw::Page::as_select())
            .load(conn)
            .expect("pages")
    };
    match how {
        "lazy_select" => pages(conn)
            .into_iter()
            .map(|p| {
                let tags = page_tags::table
                    .inner_join(tag::table)
                    .filter(page_tags::page_id.eq(p.id))
                    .select(raw::Tag::as_select())
                    .load(conn)
                    .expect("tags of a page");
                (p, tags)
            })
            .collect(),
        "joined" => {
            let rows: Vec<(raw::Page, Option<raw::Tag>)> = page::table
                .left_join(page_tags::table.inner_join(tag::table))
                .select((raw::Page::as_select(), Option::<raw::Tag>::as_select()))
                .load(conn)
                .expect("join");
            fold(rows, |p| p.id)
        }
        _ => {
            let pages = pages(conn);
            let ids: Vec<i32> = pages.iter().map(|p| p.id).collect();
            let links: Vec<(i32, raw::Tag)> = page_tags::table
                .inner_join(tag::table)
                .filter(page_tags::page_id.eq_any(ids))
                .select((page_tags::page_id, raw::Tag::as_select()))
                .load(conn)
                .expect("tags IN");
            let by = group_by(links);
            // Tags are shared between pages: each page gets copies, as fsql's do.
            pages
                .into_iter()
                .map(|p| {
                    let t = by.get(&p.id).cloned().unwrap_or_default();
                    (p, t)
                })
                .collect()
        }
    }
}

fn fsql_w4(db: &Database, how: &str) -> Vec<User> {
    let q = User::query();
    match how {
        "lazy_select" => {
            // One pooled connection for the whole loop, as the raw side holds one (and as a
            // request handler would).
            let mut conn = db.connection().expect("connection");
            let users = q.all(&mut conn).expect("users");
            for u in &users {
                u.load_posts(&mut conn).expect("posts of a user");
            }
            users
        }
        "joined" => q.options(joinedload(User::posts)).all(db).expect("joined"),
        "selectin" => q
            .options(selectinload(User::posts))
            .all(db)
            .expect("selectin"),
        _ => q
            .options(subqueryload(User::posts))
            .all(db)
            .expect("subquery"),
    }
}

fn fsql_w5(db: &Database, how: &str) -> Vec<Page> {
    let q = Page::query();
    match how {
        "lazy_select" => {
            let mut conn = db.connection().expect("connection");
            let pages = q.all(&mut conn).expect("pages");
            for p in &pages {
                p.load_tags(&mut conn).expect("tags of a page");
            }
            pages
        }
        "joined" => q.options(joinedload(Page::tags)).all(db).expect("joined"),
        _ => q
            .options(selectinload(Page::tags))
            .all(db)
            .expect("selectin"),
    }
}

/// W4 and W5: every strategy's result checked on both sides (parents, children, ownership,
/// fsql's statement count) before timing.
fn w4_w5(c: &mut Criterion, s: &mut Sides) {
    let w4: Vec<(String, &str)> = ["lazy_select", "joined", "selectin", "subquery"]
        .into_iter()
        .map(|how| (group_name(&format!("W4_o2m_{how}")), how))
        .collect();
    let w5: Vec<(String, &str)> = ["lazy_select", "joined", "selectin"]
        .into_iter()
        .map(|how| (group_name(&format!("W5_m2m_{how}")), how))
        .collect();
    if !w4.iter().chain(&w5).any(|(name, _)| setup_needed(name)) {
        for (name, _) in w4.iter().chain(&w5) {
            register_only(c, name, &["fsql", "diesel_raw"]);
        }
        return;
    }
    s.seed(seed_relations);
    let posts_total = (REL_USERS * POSTS_PER_USER) as usize;
    let links_total = (PAGES * 5) as usize;

    for (_, how) in &w4 {
        let (users, statements) = s.recording.record(|| fsql_w4(&s.recording, how));
        let expected = match *how {
            "lazy_select" => 1 + REL_USERS as usize,
            "joined" => 1,
            _ => 2,
        };
        assert_eq!(statements.len(), expected, "W4 {how}: fsql statements");
        assert_eq!(users.len(), REL_USERS as usize, "W4 {how}: fsql users");
        let mut posts = 0;
        for u in &users {
            let mine = u.posts.get().expect("posts loaded");
            assert!(
                mine.iter().all(|p| p.user_id == u.id),
                "W4 {how}: ownership"
            );
            assert_eq!(
                mine.len(),
                POSTS_PER_USER as usize,
                "W4 {how}: user {}",
                u.id
            );
            posts += mine.len();
        }
        assert_eq!(posts, posts_total, "W4 {how}: fsql posts");
        let raw = raw_w4(&mut s.conn, how);
        assert_eq!(raw.len(), REL_USERS as usize, "W4 {how}: raw users");
        assert!(raw.iter().all(
            |(u, p)| p.len() == POSTS_PER_USER as usize && p.iter().all(|p| p.user_id == u.id)
        ));
    }
    for (_, how) in &w5 {
        let (pages, statements) = s.recording.record(|| fsql_w5(&s.recording, how));
        let expected = match *how {
            "lazy_select" => 1 + PAGES as usize,
            "joined" => 1,
            _ => 2,
        };
        assert_eq!(statements.len(), expected, "W5 {how}: fsql statements");
        assert_eq!(pages.len(), PAGES as usize);
        for p in &pages {
            let mut got: Vec<i32> = p
                .tags
                .get()
                .expect("tags loaded")
                .iter()
                .map(|t| t.id)
                .collect();
            got.sort_unstable();
            let mut want: Vec<i32> = (0..5).map(|k| (p.id + 10 * k) % TAGS + 1).collect();
            want.sort_unstable();
            assert_eq!(got, want, "W5 {how}: tags of page {}", p.id);
        }
        let raw = raw_w5(&mut s.conn, how);
        assert_eq!(raw.len(), PAGES as usize);
        assert_eq!(
            raw.iter().map(|(_, t)| t.len()).sum::<usize>(),
            links_total,
            "W5 {how}: raw links"
        );
    }

    let (db, conn) = (&s.db, &mut s.conn);
    for (name, how) in &w4 {
        let mut g = c.benchmark_group(name);
        configure(&mut g);
        pair(
            &mut g,
            name,
            || (),
            |()| {
                black_box(fsql_w4(db, how));
            },
            || (),
            |()| {
                black_box(raw_w4(conn, how));
            },
        );
        g.finish();
    }
    for (name, how) in &w5 {
        let mut g = c.benchmark_group(name);
        configure(&mut g);
        pair(
            &mut g,
            name,
            || (),
            |()| {
                black_box(fsql_w5(db, how));
            },
            || (),
            |()| {
                black_box(raw_w5(conn, how));
            },
        );
        g.finish();
    }
}

// ---------------------------------------------------------------------------------------- W6

type Tuple = (String, String, Option<String>);

fn tuples() -> Vec<Tuple> {
    (0..USERS)
        .map(|i| {
            let u = user_row(i);
            (u.name, u.email, u.hair_color)
        })
        .collect()
}

fn fsql_insert(db: &Database, input: Vec<Tuple>) -> Vec<fsql::Pending<User>> {
    let mut session = db.session();
    let handles = session.add_all(input.into_iter().map(|(name, email, hair_color)| User {
        id: 0,
        name,
        email,
        hair_color,
        posts: Default::default(),
    }));
    session.commit().expect("commit");
    handles
}

fn raw_insert(conn: &mut Conn, input: Vec<Tuple>) -> Vec<i32> {
    let rows: Vec<raw::NewUser> = input
        .into_iter()
        .map(|(name, email, hair_color)| raw::NewUser {
            name,
            email,
            hair_color,
        })
        .collect();
    conn.transaction::<_, diesel::result::Error, _>(|c| {
        let mut ids = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(CHUNK) {
            ids.extend(insert_returning_ids(c, chunk)?);
        }
        Ok(ids)
    })
    .expect("raw insert")
}

/// The rows of a `user` table without their keys (the two sides' sequences differ), by key.
fn rows_without_keys(conn: &mut Conn) -> Vec<Tuple> {
    all_users(conn)
        .into_iter()
        .map(|u| (u.name, u.email, u.hair_color))
        .collect()
}

fn w6(c: &mut Criterion, s: &mut Sides) {
    let name = group_name("W6_bulk_insert");
    if !setup_needed(&name) {
        return register_only(c, &name, &["fsql", "diesel_raw"]);
    }
    s.seed(|_| {});
    // One repetition each, checked: the same rows on both sides, and every fsql handle got
    // the key its row was stored under.
    let (handles, statements) = s.recording.record(|| fsql_insert(&s.recording, tuples()));
    eprintln!("{name}/fsql sends {}", summary(&statements));
    let stored = all_users(&mut s.fsql_admin);
    assert_eq!(stored.len(), USERS as usize);
    for (h, want) in handles.iter().zip(tuples()) {
        let u = h.get().expect("flushed");
        let row = stored
            .iter()
            .find(|r| r.id == u.id)
            .expect("the handle's key is stored");
        assert_eq!(
            (&row.name, &row.email, &row.hair_color),
            (&want.0, &want.1, &want.2)
        );
    }
    let ids = raw_insert(&mut s.conn, tuples());
    assert_eq!(ids.len(), USERS as usize);
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), USERS as usize, "distinct raw ids");
    assert_eq!(
        rows_without_keys(&mut s.raw_admin),
        rows_without_keys(&mut s.fsql_admin)
    );
    assert_eq!(rows_without_keys(&mut s.raw_admin), tuples());

    let Sides {
        db,
        fsql_admin,
        conn,
        raw_admin,
        ..
    } = s;
    let mut group = c.benchmark_group(&name);
    configure_for(&mut group, Duration::from_secs(6));
    pair(
        &mut group,
        &name,
        || {
            fsql_admin.batch_execute(RESET_ALL).expect("reset");
            tuples()
        },
        |input| {
            let handles = fsql_insert(db, input);
            assert!(handles[0].key().is_some());
            black_box(handles);
        },
        || {
            raw_admin.batch_execute(RESET_ALL).expect("reset");
            tuples()
        },
        |input| {
            black_box(raw_insert(conn, input));
        },
    );
    group.finish();
}

// --------------------------------------------------------------------------------------- W6b

/// The `hair_color` repetition `n` writes: new on every repetition, so every `UPDATE` changes
/// its row (MariaDB reports unchanged rows as not affected unless asked otherwise).
fn color(n: u32) -> String {
    format!("c{n:06}")
}

fn expected_after_update(color: &str) -> Vec<raw::User> {
    (0..USERS)
        .map(|i| raw::User {
            hair_color: Some(color.to_owned()),
            ..user_row(i)
        })
        .collect()
}

fn fsql_update(mut session: Session, rows: Vec<User>, color: &str) {
    for mut u in rows {
        u.hair_color = Some(color.to_owned());
        session.update(u);
    }
    session.commit().expect("commit updates");
}

fn raw_update(conn: &mut Conn, ids: &[i32], color: &str) {
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

fn fsql_delete(mut session: Session, rows: Vec<User>) {
    for u in rows {
        session.delete(u);
    }
    session.commit().expect("commit deletes");
}

fn raw_delete(conn: &mut Conn, ids: &[i32]) {
    let deleted = conn
        .transaction::<_, diesel::result::Error, _>(|c| {
            let mut deleted = 0;
            for chunk in ids.chunks(CHUNK) {
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
fn raw_delete_rowwise(conn: &mut Conn, ids: &[i32]) {
    conn.transaction::<_, diesel::result::Error, _>(|c| {
        for &id in ids {
            let n = diesel::delete(raw::user::table.find(id)).execute(c)?;
            assert_eq!(n, 1, "user {id} deleted once");
        }
        Ok(())
    })
    .expect("raw row-wise deletes");
}

fn fsql_rows(db: &Database) -> Vec<User> {
    let rows = User::query()
        .order_by(User::id.asc())
        .all(db)
        .expect("load users");
    assert_eq!(rows.len(), USERS as usize);
    rows
}

fn raw_ids(conn: &mut Conn) -> Vec<i32> {
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

/// Seeds the W1 rows again when a delete repetition emptied the table.
fn reseed(conn: &mut Conn) {
    if user_count(conn) == 0 {
        seed_users(conn);
    }
}

fn w6b(c: &mut Criterion, s: &mut Sides) {
    let update = group_name("W6b_update");
    let delete = group_name("W6b_delete");
    if !setup_needed(&update) && !setup_needed(&delete) {
        register_only(c, &update, &["fsql", "diesel_raw"]);
        register_only(c, &delete, &["fsql", "diesel_raw", "diesel_raw_rowwise"]);
        return;
    }
    users_fixture(s);
    // One repetition of each unit, checked on both sides; fsql's statements are recorded and
    // summarised (they explain the ratios: one statement per row on the fsql side).
    let checked = color(0);
    let rows = fsql_rows(&s.db);
    let ((), statements) = s
        .recording
        .record(|| fsql_update(s.recording.session(), rows, &checked));
    eprintln!("{update}/fsql sends {}", summary(&statements));
    let ids = raw_ids(&mut s.raw_admin);
    raw_update(&mut s.conn, &ids, &checked);
    let expected = expected_after_update(&checked);
    assert_eq!(all_users(&mut s.fsql_admin), expected, "fsql update");
    assert_eq!(all_users(&mut s.raw_admin), expected, "raw update");
    let rows = fsql_rows(&s.db);
    let ((), statements) = s
        .recording
        .record(|| fsql_delete(s.recording.session(), rows));
    eprintln!("{delete}/fsql sends {}", summary(&statements));
    let ids = raw_ids(&mut s.raw_admin);
    raw_delete(&mut s.conn, &ids);
    assert_eq!(user_count(&mut s.fsql_admin), 0, "fsql delete left rows");
    assert_eq!(user_count(&mut s.raw_admin), 0, "raw delete left rows");
    reseed(&mut s.raw_admin);
    let ids = raw_ids(&mut s.raw_admin);
    raw_delete_rowwise(&mut s.conn, &ids);
    assert_eq!(
        user_count(&mut s.raw_admin),
        0,
        "raw row-wise delete left rows"
    );
    users_fixture(s);

    let Sides {
        db,
        fsql_admin,
        conn,
        raw_admin,
        ..
    } = s;
    let (mut fsql_rep, mut raw_rep) = (0u32, 0u32);
    // A unit is 10 000 round trips, about 1 s on a local server: criterion warns that 10
    // samples do not fit in 3 s and takes them anyway, one unit each, which is what this wants
    // (a longer target would only make it run several units per sample).
    let mut group = c.benchmark_group(&update);
    configure(&mut group);
    pair(
        &mut group,
        &update,
        || {
            fsql_rep += 1;
            (db.session(), fsql_rows(db), color(fsql_rep))
        },
        |(session, rows, color)| fsql_update(session, rows, &color),
        || {
            raw_rep += 1;
            (raw_ids(raw_admin), color(raw_rep))
        },
        |(ids, color)| raw_update(conn, &ids, &color),
    );
    group.finish();
    // The last repetition's value is on every row (no repetition ran for a variant the unit
    // harness did not ask for).
    if fsql_rep > 0 {
        assert_eq!(
            all_users(fsql_admin),
            expected_after_update(&color(fsql_rep))
        );
    }
    if raw_rep > 0 {
        assert_eq!(all_users(raw_admin), expected_after_update(&color(raw_rep)));
    }

    let mut group = c.benchmark_group(&delete);
    configure(&mut group);
    pair(
        &mut group,
        &delete,
        || {
            reseed(fsql_admin);
            (db.session(), fsql_rows(db))
        },
        |(session, rows)| fsql_delete(session, rows),
        || {
            reseed(raw_admin);
            raw_ids(raw_admin)
        },
        |ids| raw_delete(conn, &ids),
    );
    // fsql against the same statements written by hand: fsql's own cost per row.
    interleaved::ratio(
        &delete,
        "fsql/diesel_raw_rowwise",
        unit::harness_mode(),
        || {
            reseed(fsql_admin);
            (db.session(), fsql_rows(db))
        },
        |(session, rows)| fsql_delete(session, rows),
        || {
            reseed(raw_admin);
            raw_ids(raw_admin)
        },
        |ids| raw_delete_rowwise(conn, &ids),
    );
    unit::iter_prepared(
        &mut group,
        &delete,
        "diesel_raw_rowwise",
        || {
            reseed(raw_admin);
            raw_ids(raw_admin)
        },
        |ids| raw_delete_rowwise(conn, &ids),
    );
    group.finish();
}

/// Every workload on this backend, in an order where each one seeds what it needs.
pub fn run(c: &mut Criterion, server: &Server, raw_ddl: &str) {
    let mut sides = Sides::new(server, raw_ddl);
    w1(c, &mut sides);
    w2(c, &mut sides);
    w3(c, &mut sides);
    w4_w5(c, &mut sides);
    w6(c, &mut sides);
    w6b(c, &mut sides);
}
