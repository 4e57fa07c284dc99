//! W8 (WORKLOADS.md, added workloads): a followed-users timeline on a file-backed SQLite
//! database of 1 000 users, 50 000 follow links and 20 000 posts, in autocommit mode.
//!
//! - `W8_timeline_p1`, `W8_timeline_p50`: for users 1..=100, page 1 (resp. 50, `OFFSET 980`) of
//!   "posts by the users u follows plus u's own, newest first (`created DESC, id DESC`), 20 per
//!   page, with the total count" (2 statements per call on each side). `fsql`:
//!   `Post::query().filter(Post::user_id.in_query(User::query().with_parent(&u,
//!   User::following)).or(Post::user_id.eq(u.id))).order_by(Post::created.desc())
//!   .order_by(Post::id.desc()).paginate(&db, PageRequest::new(p).per_page(20))`, reading
//!   `.items()` and `.total()`; `diesel_raw`: `post::table.filter(post::user_id.eq_any(
//!   followers::table.select(followers::followed_id).filter(followers::follower_id.eq(u)))
//!   .or(post::user_id.eq(u))).order((created.desc(), id.desc())).limit(20).offset(off).load`
//!   and the same filter's `count().get_result::<i64>`. `fsql_join` is the fsql call written
//!   as Flask's microblog writes it: `Post::query().join(Post::author, |a| a.join(User::followers,
//!   |f| f.filter(User::id.eq(u.id)))).union(Post::query().filter(Post::user_id.eq(u.id)))`,
//!   ordered and paginated the same way.
//!
//! Data (the same rows on both sides, each seeded untimed in one transaction): user row `i`
//! (0-based) has id `i + 1` and name `user{i:04}`; user `u` follows `(u + k) mod 1000` for
//! k = 1..=50, with 0 read as 1000 so that ids stay in 1..=1000 (that is, followed =
//! `((u - 1 + k) mod 1000) + 1`; users 1..=100 follow `u + 1 ..= u + 50`); post `k` (0..=19)
//! of user `u` has id `(u - 1)·20 + k + 1`, title `Post {k} by user {u}` and `created` =
//! 2026-01-01 00:00 + `(u·20 + k)` minutes. Every timeline therefore holds 51 × 20 = 1 020
//! posts, and newest first they are the ids `(u + 50)·20` down to `(u - 1)·20 + 1`: page `p`
//! is the 20 ids below `(u + 50)·20 - (p - 1)·20 + 1`.
//!
//! Each group gets fresh database files in one temporary directory: the raw one created by
//! [`SCHEMA_W8_SQL`] (what Flask-SQLAlchemy's `create_all` emits for these three models on
//! SQLite), the fsql one by `db.create_all()`; their `user`, `post` and `followers` tables are
//! compared, both sides' page ids and totals are checked for every user against the expected
//! ones, and fsql's statement count (2 per call) is checked, before timing. The fsql side goes
//! through the `Database` (one pool checkout per call); the raw side is a plain
//! `SqliteConnection` (`PRAGMA foreign_keys = ON`) with its own `table!`s and struct.
//!
//! Run with `cargo bench --bench w8_timeline --features chrono`.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
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

const USERS: i32 = 1_000;
/// Users each user follows.
const FOLLOWS: i32 = 50;
const POSTS_PER_USER: i32 = 20;
/// The users whose timelines one repetition reads: 1..=TIMELINES.
const TIMELINES: i32 = 100;
const PER_PAGE: u64 = 20;
/// Posts on every timeline: the followed users' and one's own.
const TIMELINE_POSTS: i64 = ((FOLLOWS + 1) * POSTS_PER_USER) as i64;

/// The DDL Flask-SQLAlchemy's `db.create_all()` emits on SQLite for the W8 models (`User` with
/// `following = db.relationship(secondary=followers, primaryjoin=.., secondaryjoin=..)`, the
/// `followers` `db.Table` with two primary-key foreign keys to `user.id`, `Post` with
/// `index=True` on `user_id` and `created`), in the form of `schema.sql`.
const SCHEMA_W8_SQL: &str = "\
CREATE TABLE user (
\tid INTEGER NOT NULL, 
\tname VARCHAR(80) NOT NULL, 
\tPRIMARY KEY (id)
);

CREATE TABLE followers (
\tfollower_id INTEGER NOT NULL, 
\tfollowed_id INTEGER NOT NULL, 
\tPRIMARY KEY (follower_id, followed_id), 
\tFOREIGN KEY(follower_id) REFERENCES user (id), 
\tFOREIGN KEY(followed_id) REFERENCES user (id)
);

CREATE TABLE post (
\tid INTEGER NOT NULL, 
\tuser_id INTEGER NOT NULL, 
\ttitle VARCHAR(200) NOT NULL, 
\tcreated DATETIME NOT NULL, 
\tPRIMARY KEY (id), 
\tFOREIGN KEY(user_id) REFERENCES user (id)
);

CREATE INDEX ix_post_created ON post (created);

CREATE INDEX ix_post_user_id ON post (user_id);
";

mod models {
    use fsql::prelude::*;

    fsql::table! {
        /// Who follows whom (Flask-SQLAlchemy's `followers = db.Table(..)`).
        followers {
            #[primary_key, references = User]
            follower_id: i32,
            #[primary_key, references = User]
            followed_id: i32,
        }
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[fsql(table_name = "user")]
    pub struct User {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(length = 80)]
        pub name: String,
        #[fsql(
            secondary = followers,
            primaryjoin = follower_id,
            secondaryjoin = followed_id,
            backref = "followers"
        )]
        pub following: ManyToMany<User>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    pub struct Post {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(references = User, index)]
        pub user_id: i32,
        #[fsql(length = 200)]
        pub title: String,
        #[fsql(index)]
        pub created: chrono::NaiveDateTime,
        pub author: BelongsTo<User>,
    }
}
use models::{followers, Post, User};

/// Hand-written Diesel, independent of fsql.
#[allow(dead_code)] // every column is read from the database; not every one is checked
mod raw {
    use diesel::prelude::*;

    diesel::table! { user (id) { id -> Integer, name -> Text, } }
    diesel::table! { post (id) { id -> Integer, user_id -> Integer, title -> Text, created -> Timestamp, } }
    diesel::table! { followers (follower_id, followed_id) { follower_id -> Integer, followed_id -> Integer, } }
    diesel::allow_tables_to_appear_in_same_query!(user, post, followers);

    #[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq)]
    #[diesel(table_name = user)]
    #[diesel(check_for_backend(diesel::sqlite::Sqlite))]
    pub struct User {
        pub id: i32,
        pub name: String,
    }

    #[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq)]
    #[diesel(table_name = post)]
    #[diesel(check_for_backend(diesel::sqlite::Sqlite))]
    pub struct Post {
        pub id: i32,
        pub user_id: i32,
        pub title: String,
        pub created: chrono::NaiveDateTime,
    }

    #[derive(Insertable, Debug, Clone, Copy)]
    #[diesel(table_name = followers)]
    pub struct Follow {
        pub follower_id: i32,
        pub followed_id: i32,
    }
}

/// The users user `u` follows: `(u + k) mod 1000` for k = 1..=50, 0 read as 1000.
fn followed_by(u: i32) -> impl Iterator<Item = i32> {
    (1..=FOLLOWS).map(move |k| (u - 1 + k) % USERS + 1)
}

/// Post `k` (0-based) of user `u`: its id, title and creation time.
fn post_row(u: i32, k: i32) -> (i32, String, NaiveDateTime) {
    let epoch = NaiveDate::from_ymd_opt(2026, 1, 1)
        .expect("date")
        .and_hms_opt(0, 0, 0)
        .expect("time");
    (
        (u - 1) * POSTS_PER_USER + k + 1,
        format!("Post {k} by user {u}"),
        epoch + chrono::Duration::minutes(i64::from(u * POSTS_PER_USER + k)),
    )
}

/// The ids of page `page` of user `u`'s timeline (see the module documentation).
fn expected_page(u: i32, page: u64) -> Vec<i32> {
    let skip = i32::try_from((page - 1) * PER_PAGE).expect("offset");
    let newest = (u + FOLLOWS) * POSTS_PER_USER - skip;
    (0..PER_PAGE as i32).map(|i| newest - i).collect()
}

/// Every row inserted through hand-written Diesel, in one transaction (untimed seeding).
fn seed_raw(conn: &mut SqliteConnection) {
    conn.transaction::<_, diesel::result::Error, _>(|c| {
        for u in 1..=USERS {
            diesel::insert_into(raw::user::table)
                .values(&raw::User {
                    id: u,
                    name: format!("user{:04}", u - 1),
                })
                .execute(c)?;
        }
        for u in 1..=USERS {
            for v in followed_by(u) {
                diesel::insert_into(raw::followers::table)
                    .values(&raw::Follow {
                        follower_id: u,
                        followed_id: v,
                    })
                    .execute(c)?;
            }
        }
        for u in 1..=USERS {
            for k in 0..POSTS_PER_USER {
                let (id, title, created) = post_row(u, k);
                diesel::insert_into(raw::post::table)
                    .values(&raw::Post {
                        id,
                        user_id: u,
                        title,
                        created,
                    })
                    .execute(c)?;
            }
        }
        Ok(())
    })
    .expect("seed raw");
}

/// The `User` value of id `u` (`with_parent` reads only its primary key).
fn user(u: i32) -> User {
    User {
        id: u,
        name: format!("user{:04}", u - 1),
        following: Default::default(),
    }
}

/// The three tables W8 reads.
fn registry() -> fsql::Registry {
    fsql::Registry::new([
        <User as fsql::Model>::META,
        <Post as fsql::Model>::META,
        followers::table::META,
    ])
}

/// fsql's side: a `Database` serving the three tables at `url`, tables created, every row
/// inserted through the models (links through the relationship) in one transaction (untimed
/// seeding); each insert is checked.
fn seeded_fsql(url: &str) -> Database {
    let db = Database::builder()
        .url(url)
        .registry(registry())
        .build()
        .expect("Database");
    db.create_all().expect("create_all");
    let users: Vec<User> = (1..=USERS).map(user).collect();
    let mut pooled = db.connection().expect("connection");
    pooled
        .transaction::<_, diesel::result::Error, _>(|c| {
            for u in &users {
                let stored = u.insert(&mut *c).expect("insert user");
                assert_eq!(stored.id, u.id);
            }
            for u in &users {
                for v in followed_by(u.id) {
                    User::following
                        .add(&mut *c, u, &users[(v - 1) as usize])
                        .expect("follow");
                }
            }
            for u in 1..=USERS {
                for k in 0..POSTS_PER_USER {
                    let (id, title, created) = post_row(u, k);
                    let p = Post {
                        id,
                        user_id: u,
                        title,
                        created,
                        author: Default::default(),
                    };
                    let stored = p.insert(&mut *c).expect("insert post");
                    assert_eq!(stored, p);
                }
            }
            Ok(())
        })
        .expect("seed fsql");
    drop(pooled);
    db
}

/// A fresh pair of seeded databases: the raw side's connection and fsql's `Database`.
struct Fixture {
    conn: SqliteConnection,
    db: Database,
}

impl Fixture {
    /// Creates `{tag}_raw.db` and `{tag}_fsql.db` in `dir`, seeds both and checks that their
    /// tables are the same (schema, and the row counts and a sample of posts).
    fn new(dir: &Path, tag: &str) -> Self {
        // diesel_raw: SCHEMA_W8_SQL, then the rows in one transaction.
        let raw_path = dir.join(format!("{tag}_raw.db"));
        let mut conn = schema::raw_connection(&raw_path);
        conn.batch_execute(SCHEMA_W8_SQL).expect("W8 schema");
        seed_raw(&mut conn);

        // fsql: create_all, then the rows through the models in one transaction.
        let fsql_path = dir.join(format!("{tag}_fsql.db"));
        let db = seeded_fsql(&schema::sqlite_url(&fsql_path));

        {
            let mut fsql_conn = schema::raw_connection(&fsql_path);
            for table in ["user", "post", "followers"] {
                schema::assert_same_table(&mut conn, &mut fsql_conn, table);
            }
            let counts = |c: &mut SqliteConnection| {
                (
                    raw::user::table
                        .count()
                        .get_result::<i64>(c)
                        .expect("users"),
                    raw::followers::table
                        .count()
                        .get_result::<i64>(c)
                        .expect("follows"),
                    raw::post::table
                        .count()
                        .get_result::<i64>(c)
                        .expect("posts"),
                )
            };
            let expected = (
                i64::from(USERS),
                i64::from(USERS * FOLLOWS),
                i64::from(USERS * POSTS_PER_USER),
            );
            assert_eq!(counts(&mut conn), expected, "raw row counts");
            assert_eq!(counts(&mut fsql_conn), expected, "fsql row counts");
            // The posts read back the same on both sides (the stored text may differ).
            let sample = |c: &mut SqliteConnection| {
                raw::post::table
                    .filter(raw::post::user_id.le(TIMELINES + FOLLOWS))
                    .order_by(raw::post::id)
                    .select(raw::Post::as_select())
                    .load(c)
                    .expect("posts")
            };
            assert_eq!(sample(&mut conn), sample(&mut fsql_conn), "posts differ");
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

/// fsql's W8 call: the page and the total, 2 statements.
fn fsql_page(db: &Database, u: &User, page: u64) -> (Vec<Post>, u64) {
    let followed = User::query().with_parent(u, User::following);
    let timeline =
        Post::query().filter(Post::user_id.in_query(followed).or(Post::user_id.eq(u.id)));
    newest_first(db, timeline, page)
}

/// Page `page` of `timeline`, newest first, with the total: the page and the count.
fn newest_first(db: &Database, timeline: fsql::Query<'_, Post>, page: u64) -> (Vec<Post>, u64) {
    let p = timeline
        .order_by(Post::created.desc())
        .order_by(Post::id.desc())
        .paginate(db, PageRequest::new(page).per_page(PER_PAGE))
        .expect("paginate");
    let total = p.total().expect("total");
    (p.into_items(), total)
}

/// fsql's W8 call written as Flask's microblog writes it: posts whose author `u` follows
/// (a join inside a join), union `u`'s own; the page and the total, 2 statements.
fn fsql_join_page(db: &Database, u: &User, page: u64) -> (Vec<Post>, u64) {
    let followed = Post::query().join(Post::author, |author| {
        author.join(User::followers, |follower| {
            follower.filter(User::id.eq(u.id))
        })
    });
    newest_first(
        db,
        followed.union(Post::query().filter(Post::user_id.eq(u.id))),
        page,
    )
}

/// The raw W8 call: the page and the total, 2 statements.
fn raw_page(conn: &mut SqliteConnection, u: i32, page: u64) -> (Vec<raw::Post>, i64) {
    use raw::{followers, post};
    let offset = i64::try_from((page - 1) * PER_PAGE).expect("offset");
    let items: Vec<raw::Post> = post::table
        .filter(
            post::user_id
                .eq_any(
                    followers::table
                        .select(followers::followed_id)
                        .filter(followers::follower_id.eq(u)),
                )
                .or(post::user_id.eq(u)),
        )
        .order((post::created.desc(), post::id.desc()))
        .limit(PER_PAGE as i64)
        .offset(offset)
        .select(raw::Post::as_select())
        .load(conn)
        .expect("page");
    let total = post::table
        .filter(
            post::user_id
                .eq_any(
                    followers::table
                        .select(followers::followed_id)
                        .filter(followers::follower_id.eq(u)),
                )
                .or(post::user_id.eq(u)),
        )
        .count()
        .get_result::<i64>(conn)
        .expect("count");
    (items, total)
}

/// W8: 100 timeline pages with the total count, for page 1 and for page 50.
fn w8_timeline(c: &mut Criterion) {
    for (name, page) in [("W8_timeline_p1", 1), ("W8_timeline_p50", 50)] {
        let dir = tempfile::tempdir().expect("tempdir");
        let Fixture { mut conn, db } = Fixture::new(dir.path(), name);
        // Built once, untimed: `with_parent` reads only the key.
        let users: Vec<User> = (1..=TIMELINES).map(user).collect();

        // The same database file, recording its statements: 2 per call.
        let recording = Database::builder()
            .url(schema::sqlite_url(
                &dir.path().join(format!("{name}_fsql.db")),
            ))
            .record_queries(true)
            .registry(registry())
            .build()
            .expect("recording Database");
        // One fsql form's call, recorded: 2 statements, printed once (for user 1).
        type Call = fn(&Database, &User, u64) -> (Vec<Post>, u64);
        let recorded = |variant: &str, u: &User, call: Call| {
            let (out, statements) = recording.record(|| call(&recording, u, page));
            assert_eq!(
                statements.len(),
                2,
                "{variant}, user {}: {statements:#?}",
                u.id
            );
            if u.id == 1 && !unit::harness_mode() {
                for s in &statements {
                    eprintln!("{name}, {variant}: {} -- {}", s.statement, s.parameters);
                }
            }
            out
        };
        for u in &users {
            let expected = expected_page(u.id, page);
            let (f, f_total) = recorded("fsql", u, fsql_page);
            let (r, r_total) = raw_page(&mut conn, u.id, page);
            let f_ids: Vec<i32> = f.iter().map(|p| p.id).collect();
            let r_ids: Vec<i32> = r.iter().map(|p| p.id).collect();
            assert_eq!(f_ids, expected, "fsql, user {} page {page}", u.id);
            assert_eq!(r_ids, expected, "raw, user {} page {page}", u.id);
            assert_eq!(f, fsql_page(&db, u, page).0, "recording or not");
            let (j, j_total) = recorded("fsql_join", u, fsql_join_page);
            assert_eq!(
                (j, j_total),
                (f.clone(), f_total),
                "join form, user {}",
                u.id
            );
            assert_eq!(
                (f_total, r_total),
                (TIMELINE_POSTS as u64, TIMELINE_POSTS),
                "totals, user {}",
                u.id
            );
        }

        let group_name = name;
        let mut group = c.benchmark_group(group_name);
        configure(&mut group);
        unit::iter(&mut group, group_name, "fsql", || {
            for u in &users {
                let (items, total) = fsql_page(&db, u, page);
                assert_eq!((items.len(), total), (20, TIMELINE_POSTS as u64));
                black_box((items, total));
            }
        });
        unit::iter(&mut group, group_name, "fsql_join", || {
            for u in &users {
                let (items, total) = fsql_join_page(&db, u, page);
                assert_eq!((items.len(), total), (20, TIMELINE_POSTS as u64));
                black_box((items, total));
            }
        });
        unit::iter(&mut group, group_name, "diesel_raw", || {
            for u in 1..=TIMELINES {
                let (items, total) = raw_page(&mut conn, u, page);
                assert_eq!((items.len(), total), (20, TIMELINE_POSTS));
                black_box((items, total));
            }
        });
        group.finish();
    }
}

criterion_group!(benches, w8_timeline);
criterion_main!(benches);
