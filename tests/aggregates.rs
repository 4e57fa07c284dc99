//! Aggregates over a model's query on every backend: `group_by` with `count`, `sum`, `avg`,
//! `min`, `max`, `having`, ordering and limits over groups, rows read as tuples or as a struct
//! of your own, aggregates over joined queries, and the clauses refused before anything runs.

mod common;

use common::*;
use fsql::func;
use fsql::prelude::*;

/// Table `user`, a reserved word on PostgreSQL and MySQL.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 40)]
    pub name: String,
    pub active: bool,
    #[fsql(backref = "author")]
    pub posts: HasMany<Post>,
}

/// Table `order`, another reserved word.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Post {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = User)]
    pub author_id: i32,
    #[fsql(length = 20)]
    pub kind: String,
    pub views: i32,
    pub score: f64,
}

const TABLES: [&fsql::TableMeta; 2] = [User::META, Post::META];

/// ann (3 posts), bob (2), cat (1, inactive), dan (none).
fn data(db: &Database) {
    for (id, name, active) in [
        (1, "ann", true),
        (2, "bob", true),
        (3, "cat", false),
        (4, "dan", true),
    ] {
        User {
            id,
            name: name.into(),
            active,
            posts: Default::default(),
        }
        .insert(db)
        .unwrap();
    }
    for (author_id, kind, views, score) in [
        (1, "note", 10, 1.0),
        (1, "note", 20, 2.0),
        (1, "link", 30, 4.0),
        (2, "note", 5, 1.5),
        (2, "link", 7, 2.5),
        (3, "note", 100, 0.5),
    ] {
        Post {
            id: 0,
            author_id,
            kind: kind.into(),
            views,
            score,
        }
        .insert(db)
        .unwrap();
    }
}

#[derive(diesel::Queryable, Debug, PartialEq)]
struct AuthorStats {
    author_id: i32,
    posts: i64,
    views: Option<i64>,
    fewest: Option<i32>,
    most: Option<i32>,
}

#[test]
fn group_by_counts_sums_and_bounds_per_group() {
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        data(db);
        let stats = || {
            Post::query().group_by(Post::author_id).select((
                Post::author_id,
                func::count_star(),
                func::sum(Post::views),
                func::min(Post::views),
                func::max(Post::views),
            ))
        };
        let rows: Vec<AuthorStats> = stats().order_by(Post::author_id.asc()).load(db).unwrap();
        assert_eq!(
            rows,
            [
                AuthorStats {
                    author_id: 1,
                    posts: 3,
                    views: Some(60),
                    fewest: Some(10),
                    most: Some(30)
                },
                AuthorStats {
                    author_id: 2,
                    posts: 2,
                    views: Some(12),
                    fewest: Some(5),
                    most: Some(7)
                },
                AuthorStats {
                    author_id: 3,
                    posts: 1,
                    views: Some(100),
                    fewest: Some(100),
                    most: Some(100)
                },
            ]
        );
        // `having`, ordering by an aggregate, limit and offset over groups.
        let busy: Vec<(i32, i64)> = Post::query()
            .group_by(Post::author_id)
            .select((Post::author_id, func::count(Post::id)))
            .having(func::count(Post::id).gt(1))
            .order_by(func::count(Post::id).desc())
            .load(db)
            .unwrap();
        assert_eq!(busy, [(1, 3), (2, 2)]);
        let second: Vec<(i32, Option<i64>)> = Post::query()
            .group_by(Post::author_id)
            .select((Post::author_id, func::sum(Post::views)))
            .order_by(func::sum(Post::views).desc())
            .offset(1)
            .load(db)
            .unwrap();
        assert_eq!(second, [(1, Some(60)), (2, Some(12))]);
        let top: Option<(i32, Option<i64>)> = Post::query()
            .group_by(Post::author_id)
            .select((Post::author_id, func::sum(Post::views)))
            .order_by(func::sum(Post::views).desc())
            .first(db)
            .unwrap();
        assert_eq!(top, Some((3, Some(100))));
        let page: Vec<(i32, i64)> = Post::query()
            .group_by(Post::author_id)
            .select((Post::author_id, func::count_star()))
            .order_by(Post::author_id.asc())
            .limit(1)
            .offset(1)
            .load(db)
            .unwrap();
        assert_eq!(page, [(2, 2)]);
    }
}

#[test]
fn aggregates_over_filters_joins_and_several_columns() {
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        data(db);
        // Posts per kind by active authors only: cat's note is left out.
        let kinds: Vec<(String, i64)> = Post::query()
            .join(Post::author, |a| a.filter(User::active.eq(true)))
            .group_by(Post::kind)
            .select((Post::kind, func::count_star()))
            .order_by(Post::kind.asc())
            .load(db)
            .unwrap();
        assert_eq!(kinds, [("link".to_owned(), 2), ("note".to_owned(), 3)]);
        // Two grouping columns, with a filter bound as a parameter.
        let pairs: Vec<(i32, String, i64)> = Post::query()
            .filter(Post::views.lt(50))
            .group_by((Post::author_id, Post::kind))
            .select((Post::author_id, Post::kind, func::count_star()))
            .order_by(Post::author_id.asc())
            .order_by(Post::kind.asc())
            .load(db)
            .unwrap();
        assert_eq!(
            pairs,
            [
                (1, "link".to_owned(), 1),
                (1, "note".to_owned(), 2),
                (2, "link".to_owned(), 1),
                (2, "note".to_owned(), 1),
            ]
        );
        // Group the joined side: users by how many posts they have, over the `user` table.
        let per_user: Vec<(String, i64)> = User::query()
            .join(User::posts, |p| p.filter(Post::kind.eq("link")))
            .group_by(User::name)
            .select((User::name, func::count_star()))
            .order_by(User::name.asc())
            .load(db)
            .unwrap();
        assert_eq!(per_user, [("ann".to_owned(), 1), ("bob".to_owned(), 1)]);
        // Whole-query aggregates: one row, also when nothing matches.
        let (n, avg, best): (i64, Option<f64>, Option<f64>) = Post::query()
            .filter(Post::author_id.eq(1))
            .aggregate((
                func::count_star(),
                func::avg(Post::score),
                func::max(Post::score),
            ))
            .one(db)
            .unwrap();
        assert_eq!((n, best), (3, Some(4.0)));
        assert!((avg.unwrap() - 7.0 / 3.0).abs() < 1e-9, "{avg:?}");
        let (none, most): (i64, Option<i32>) = Post::query()
            .filter(Post::author_id.eq(4))
            .aggregate((func::count_star(), func::max(Post::views)))
            .one(db)
            .unwrap();
        assert_eq!((none, most), (0, None));
    }
}

#[test]
fn row_clauses_of_the_model_query_are_refused_not_dropped() {
    let db = &sqlite_memory(&TABLES);
    data(db);
    for (clause, query) in [
        ("order_by", Post::query().order_by(Post::id.asc())),
        ("limit", Post::query().limit(2)),
        ("offset", Post::query().offset(1)),
        ("distinct", Post::query().distinct()),
    ] {
        let err = query
            .group_by(Post::author_id)
            .select((Post::author_id, func::count_star()))
            .load::<(i32, i64), _>(db)
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains(clause), "{clause}: {text}");
        assert!(text.contains("group_by"), "{text}");
    }
    let err = Post::query()
        .group_by(Post::author_id)
        .select((Post::author_id, func::count_star()))
        .limit(-1)
        .load::<(i32, i64), _>(db)
        .unwrap_err();
    assert!(err.to_string().contains("zero or more"), "{err}");
    // `one` on a grouped query with several groups.
    let err = Post::query()
        .group_by(Post::author_id)
        .select((Post::author_id, func::count_star()))
        .one::<(i32, i64), _>(db)
        .unwrap_err();
    assert!(
        matches!(err, fsql::Error::MultipleResultsFound { .. }),
        "{err}"
    );
}
