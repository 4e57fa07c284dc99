//! Joins along relationships on `Model::query()` (SQLAlchemy's `query.join(Post.author)`),
//! `outerjoin`, `union`, on every backend: filters and orderings over the joined model's
//! columns, to-one, to-many, many-to-many and self-referential joins, joins inside joins (a
//! follower timeline), and their composition with `count`, `paginate`, `keyset` and loader
//! options. A join returns each of the model's rows once, however many related rows match.

mod common;

use common::*;
use fsql::prelude::*;
use fsql::{KeysetRequest, Registry};

fsql::table! {
    /// Who follows whom.
    follows {
        #[primary_key, references = User]
        follower_id: i32,
        #[primary_key, references = User]
        followed_id: i32,
    }
}

fsql::table! {
    post_tag {
        #[primary_key, references = Post]
        post_id: i32,
        #[primary_key, references = Tag]
        tag_id: i32,
    }
}

/// Table `user`: a reserved word on PostgreSQL and MySQL, so every join quotes it.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 40)]
    pub name: String,
    pub active: bool,
    #[fsql(
        secondary = follows,
        primaryjoin = follower_id,
        secondaryjoin = followed_id,
        backref = "followers"
    )]
    pub following: ManyToMany<User>,
    #[fsql(backref = "author")]
    pub posts: HasMany<Post>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Post {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = User)]
    pub author_id: i32,
    #[fsql(length = 40)]
    pub title: String,
    #[fsql(secondary = post_tag, backref = "posts")]
    pub tags: ManyToMany<Tag>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Tag {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 40)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Comment {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Comment)]
    pub parent_id: Option<i32>,
    #[fsql(references = User)]
    pub user_id: Option<i32>,
    #[fsql(length = 40)]
    pub body: String,
    #[fsql(foreign_key = parent_id, backref = "parent")]
    pub replies: HasMany<Comment>,
    pub user: BelongsTo<User>,
}

const TABLES: [&fsql::TableMeta; 6] = [
    User::META,
    Post::META,
    Tag::META,
    Comment::META,
    follows::table::META,
    post_tag::table::META,
];

const ANN: i32 = 1;
const BOB: i32 = 2;
const CAT: i32 = 3;

/// ann, bob, cat (inactive) and dan (no posts); ann follows bob and cat, bob follows ann.
/// Posts a1 a2 (ann), b1 b2 (bob), c1 (cat); rust on a1 and b1, sql on b1 and c1.
/// Comments: 1 "top" by ann; 2 "reply" to 1, by nobody; 3 "other" by cat; 4 "deep" to 2, by
/// bob.
fn social(db: &Database) {
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
            following: Default::default(),
            posts: Default::default(),
        }
        .insert(db)
        .unwrap();
    }
    let user = |id| User::query().get(db, id).unwrap().unwrap();
    User::following.add(db, &user(ANN), &user(BOB)).unwrap();
    User::following.add(db, &user(ANN), &user(CAT)).unwrap();
    User::following.add(db, &user(BOB), &user(ANN)).unwrap();
    for (id, author_id, title) in [
        (1, ANN, "a1"),
        (2, BOB, "b1"),
        (3, CAT, "c1"),
        (4, ANN, "a2"),
        (5, BOB, "b2"),
    ] {
        Post {
            id,
            author_id,
            title: title.into(),
            tags: Default::default(),
        }
        .insert(db)
        .unwrap();
    }
    for (id, name) in [(1, "rust"), (2, "sql")] {
        Tag {
            id,
            name: name.into(),
        }
        .insert(db)
        .unwrap();
    }
    let post = |id| Post::query().get(db, id).unwrap().unwrap();
    let tag = |id| Tag::query().get(db, id).unwrap().unwrap();
    Post::tags.add(db, &post(1), &tag(1)).unwrap();
    Post::tags.add(db, &post(2), &tag(1)).unwrap();
    Post::tags.add(db, &post(2), &tag(2)).unwrap();
    Post::tags.add(db, &post(3), &tag(2)).unwrap();
    for (id, parent_id, user_id, body) in [
        (1, None, Some(ANN), "top"),
        (2, Some(1), None, "reply"),
        (3, None, Some(CAT), "other"),
        (4, Some(2), Some(BOB), "deep"),
    ] {
        Comment {
            id,
            parent_id,
            user_id,
            body: body.into(),
            replies: Default::default(),
            user: Default::default(),
        }
        .insert(db)
        .unwrap();
    }
}

fn ids<M: Model>(rows: &[M], id: impl Fn(&M) -> i32) -> Vec<i32> {
    rows.iter().map(id).collect()
}

fn post_ids(rows: &[Post]) -> Vec<i32> {
    ids(rows, |p| p.id)
}

fn sorted(mut v: Vec<i32>) -> Vec<i32> {
    v.sort_unstable();
    v
}

#[test]
fn a_to_one_join_filters_and_orders_by_the_related_row() {
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        social(db);
        let active = || {
            Post::query()
                .join(Post::author, |a| {
                    a.filter(User::active.eq(true)).order_by(User::name.desc())
                })
                .order_by(Post::title.asc())
        };
        // bob's posts, then ann's; cat is inactive.
        assert_eq!(post_ids(&active().all(db).unwrap()), [2, 5, 1, 4]);
        assert_eq!(active().count(db).unwrap(), 4);
        // Several filters hold for the same related row.
        let by_ann = Post::query()
            .join(Post::author, |a| {
                a.filter(User::active.eq(true)).filter(User::name.eq("ann"))
            })
            .order_by(Post::id.asc());
        assert_eq!(post_ids(&by_ann.all(db).unwrap()), [1, 4]);
        // Orderings keep their place: the post's before the author's.
        let q = Post::query()
            .order_by(Post::title.desc())
            .join(Post::author, |a| a.order_by(User::name.asc()));
        assert_eq!(post_ids(&q.all(db).unwrap()), [3, 5, 2, 4, 1]);

        let page = active()
            .paginate(db, PageRequest::new(2).per_page(3))
            .unwrap();
        assert_eq!(post_ids(page.items()), [4]);
        assert_eq!(page.total(), Some(4));
    }
}

#[test]
fn a_to_many_join_returns_each_row_once() {
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        social(db);
        // Every post matches: ann and bob have two each, and still come once.
        let with_posts = User::query()
            .join(User::posts, |p| p.filter(Post::title.like("%")))
            .order_by(User::id.asc());
        assert_eq!(ids(&with_posts.all(db).unwrap(), |u| u.id), [1, 2, 3]);
        assert_eq!(with_posts.count(db).unwrap(), 3);
        let page = with_posts
            .paginate(db, PageRequest::new(1).per_page(2))
            .unwrap();
        assert_eq!(page.total(), Some(3));
        assert_eq!(page.pages(), 2);
        // No filter: the users with at least one post.
        let n = User::query().join(User::posts, |p| p).count(db).unwrap();
        assert_eq!(n, 3, "dan has no post");
        let a2 = User::query()
            .join(User::posts, |p| p.filter(Post::title.eq("a2")))
            .all(db)
            .unwrap();
        assert_eq!(ids(&a2, |u| u.id), [ANN]);
    }
}

#[test]
fn many_to_many_joins_go_through_the_association_table() {
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        social(db);
        let rust = Post::query()
            .join(Post::tags, |t| t.filter(Tag::name.eq("rust")))
            .order_by(Post::id.asc())
            .all(db)
            .unwrap();
        assert_eq!(post_ids(&rust), [1, 2]);
        // The backref: tags of ann's posts, each once.
        let tags = Tag::query()
            .join(Tag::posts, |p| p.filter(Post::author_id.eq(ANN)))
            .all(db)
            .unwrap();
        assert_eq!(ids(&tags, |t| t.id), [1]);
        // Posts tagged both: two joins, each its own related row.
        let both = Post::query()
            .join(Post::tags, |t| t.filter(Tag::name.eq("rust")))
            .join(Post::tags, |t| t.filter(Tag::name.eq("sql")))
            .all(db)
            .unwrap();
        assert_eq!(post_ids(&both), [2]);
    }
}

#[test]
fn self_referential_joins_read_the_other_row() {
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        social(db);
        // Comments with a reply "deep": 2 (not 4, whose own body is "deep").
        let q = Comment::query().join(Comment::replies, |r| r.filter(Comment::body.eq("deep")));
        assert_eq!(ids(&q.all(db).unwrap(), |c| c.id), [2]);
        // Replies to "top".
        let q = Comment::query().join(Comment::parent, |p| p.filter(Comment::body.eq("top")));
        assert_eq!(ids(&q.all(db).unwrap(), |c| c.id), [2]);
        // Replies to a reply, two levels: 4.
        let q = Comment::query().join(Comment::parent, |p| {
            p.join(Comment::parent, |g| g.filter(Comment::parent_id.is_null()))
        });
        assert_eq!(ids(&q.all(db).unwrap(), |c| c.id), [4]);
        // Users followed by ann; users who follow ann.
        let followed = User::query()
            .join(User::followers, |f| f.filter(User::id.eq(ANN)))
            .order_by(User::id.asc());
        assert_eq!(ids(&followed.all(db).unwrap(), |u| u.id), [BOB, CAT]);
        let following_ann = User::query().join(User::following, |f| f.filter(User::id.eq(ANN)));
        assert_eq!(ids(&following_ann.all(db).unwrap(), |u| u.id), [BOB]);
    }
}

#[test]
fn a_join_through_an_association_table_without_a_relationship() {
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        social(db);
        // Posts by the users ann follows, through `follows` directly (no relationship), plus
        // dan's and ann's own through `or`.
        let followed_by_ann = || {
            Post::author_id
                .in_table(follows::followed_id)
                .filter(follows::follower_id.eq(ANN))
        };
        let q = Post::query()
            .filter(followed_by_ann())
            .order_by(Post::id.asc());
        assert_eq!(post_ids(&q.all(db).unwrap()), [2, 3, 5]);
        assert_eq!(q.count(db).unwrap(), 3);
        let page = q.paginate(db, PageRequest::new(1).per_page(2)).unwrap();
        assert_eq!(post_ids(page.items()), [2, 3]);
        assert_eq!(page.total(), Some(3));
        let with_mine = Post::query()
            .filter(followed_by_ann().or(Post::author_id.eq(ANN)))
            .order_by(Post::id.asc());
        assert_eq!(post_ids(&with_mine.all(db).unwrap()), [1, 2, 3, 4, 5]);
        // Without a filter: every followed user; two filters on the association table.
        let followed = User::query()
            .filter(User::id.in_table(follows::followed_id))
            .order_by(User::id.asc());
        assert_eq!(ids(&followed.all(db).unwrap(), |u| u.id), [ANN, BOB, CAT]);
        let none = User::query().filter(
            User::id
                .in_table(follows::followed_id)
                .filter(follows::follower_id.eq(BOB))
                .filter(follows::followed_id.ne(ANN)),
        );
        assert_eq!(none.count(db).unwrap(), 0);
    }
}

/// Hand-written Diesel joins between related models' tables: the derives declare what Diesel's
/// `joinable!` and `allow_tables_to_appear_in_same_query!` would, each for its own table (so
/// a join reads both tables' columns where each model names the other: `Post` by its foreign
/// key, `User` by its `HasMany<Post>`).
#[test]
fn hand_written_diesel_joins_between_related_models() {
    use diesel::RunQueryDsl as _;
    use diesel::{ExpressionMethods as _, NullableExpressionMethods as _, QueryDsl as _};
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        social(db);
        let mut conn = db.connection().unwrap();
        // Child to parent, through the foreign key; columns of both tables.
        let titles: Vec<(String, String)> = post::table
            .inner_join(user::table)
            .filter(user::active.eq(true))
            .select((post::title, user::name))
            .order_by(post::id)
            .load(&mut *conn)
            .unwrap();
        let expected = [("a1", "ann"), ("b1", "bob"), ("a2", "ann"), ("b2", "bob")];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(p, u)| (p.to_string(), u.to_string()))
            .collect();
        assert_eq!(titles, expected);
        // Parent to children, through the `HasMany`; dan has no posts.
        let per_user: Vec<(String, Option<String>)> = user::table
            .left_join(post::table)
            .select((user::name, post::title.nullable()))
            .order_by((user::id, post::id))
            .load(&mut *conn)
            .unwrap();
        assert_eq!(per_user.len(), 6);
        assert_eq!(per_user[5], ("dan".to_string(), None));
        // A model to its many-to-many association table.
        let tagged: Vec<(String, i32)> = post::table
            .inner_join(post_tag::table)
            .select((post::title, post_tag::tag_id))
            .order_by((post::id, post_tag::tag_id))
            .load(&mut *conn)
            .unwrap();
        let expected = [("a1", 1), ("b1", 1), ("b1", 2), ("c1", 2)];
        let expected: Vec<(String, i32)> =
            expected.iter().map(|(p, t)| (p.to_string(), *t)).collect();
        assert_eq!(tagged, expected);
    }
}

#[test]
fn related_counts_include_rows_with_none() {
    use fsql::func::count_related;
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        social(db);
        // Followers and followed (one association table, both ways) and posts; dan has none.
        let users: Vec<(i32, i64, i64, i64)> = User::query()
            .group_by(User::id)
            .select((
                User::id,
                count_related(User::followers),
                count_related(User::following),
                count_related(User::posts),
            ))
            .order_by(User::id.asc())
            .load(db)
            .unwrap();
        assert_eq!(
            users,
            [(1, 1, 2, 2), (2, 1, 1, 2), (3, 1, 0, 1), (4, 0, 0, 0)]
        );
        // A table counting rows of itself: replies (one-to-many) and parent (many-to-one).
        let comments: Vec<(i32, i64, i64)> = Comment::query()
            .group_by(Comment::id)
            .select((
                Comment::id,
                count_related(Comment::replies),
                count_related(Comment::parent),
            ))
            .order_by(Comment::id.asc())
            .load(db)
            .unwrap();
        assert_eq!(comments, [(1, 1, 0), (2, 1, 1), (3, 0, 0), (4, 0, 1)]);
        // Ordering and filtering a model's query, with count and paginate on it.
        let tagged = Post::query()
            .filter(count_related(Post::tags).ge(1))
            .order_by(count_related(Post::tags).desc())
            .order_by(Post::id.asc());
        assert_eq!(post_ids(&tagged.all(db).unwrap()), [2, 1, 3]);
        assert_eq!(tagged.count(db).unwrap(), 3);
        let page = tagged
            .paginate(db, PageRequest::new(2).per_page(2))
            .unwrap();
        assert_eq!(post_ids(page.items()), [3]);
        // Most followed first, through a join's filter too: active users only.
        let popular = User::query()
            .filter(User::active.eq(true))
            .order_by(count_related(User::following).desc())
            .order_by(User::id.asc())
            .all(db)
            .unwrap();
        assert_eq!(ids(&popular, |u| u.id), [ANN, BOB, 4]);
        // A backref of a many-to-many.
        let tags: Vec<(String, i64)> = Tag::query()
            .group_by(Tag::id)
            .select((Tag::name, count_related(Tag::posts)))
            .order_by(Tag::name.asc())
            .load(db)
            .unwrap();
        assert_eq!(tags, [("rust".into(), 2), ("sql".into(), 2)]);
    }
}

#[test]
fn a_self_referential_join_orders_by_the_other_row() {
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        social(db);
        // 5 "zzz" replies to 3 "other": by the parent's body the replies are 5 (other),
        // 4 (reply), 2 (top); by their own body they would be 4 (deep), 2 (reply), 5 (zzz).
        Comment {
            id: 5,
            parent_id: Some(3),
            user_id: None,
            body: "zzz".into(),
            replies: Default::default(),
            user: Default::default(),
        }
        .insert(db)
        .unwrap();
        let by_parent = |descending: bool| {
            Comment::query().join(Comment::parent, move |p| {
                if descending {
                    p.order_by(Comment::body.desc())
                } else {
                    p.order_by(Comment::body.asc())
                }
            })
        };
        assert_eq!(ids(&by_parent(false).all(db).unwrap(), |c| c.id), [5, 4, 2]);
        assert_eq!(ids(&by_parent(true).all(db).unwrap(), |c| c.id), [2, 4, 5]);
        // With a filter on the parent, a count and a page of the same query.
        let q = Comment::query().join(Comment::parent, |p| {
            p.filter(Comment::parent_id.is_null())
                .order_by(Comment::body.desc())
        });
        assert_eq!(ids(&q.all(db).unwrap(), |c| c.id), [2, 5]);
        assert_eq!(q.count(db).unwrap(), 2);
        let page = q.paginate(db, PageRequest::new(2).per_page(1)).unwrap();
        assert_eq!(ids(page.items(), |c| c.id), [5]);
        // An outer join keeps the roots (no parent: NULL, placed where the backend sorts it).
        let all = Comment::query()
            .outerjoin(Comment::parent, |p| p.order_by(Comment::body.asc()))
            .order_by(Comment::id.asc())
            .all(db)
            .unwrap();
        let replies: Vec<i32> = ids(&all, |c| c.id)
            .into_iter()
            .filter(|id| ![1, 3].contains(id))
            .collect();
        assert_eq!(replies, [5, 4, 2]);
    }
}

#[test]
fn a_follower_timeline_through_nested_joins_and_a_union() {
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        social(db);
        let me = ANN;
        // Posts by the people ann follows (the microblog's `followed_posts`) ..
        let followed = Post::query().join(Post::author, |a| {
            a.join(User::followers, |f| f.filter(User::id.eq(me)))
        });
        assert_eq!(sorted(post_ids(&followed.all(db).unwrap())), [2, 3, 5]);
        // .. plus her own, newest first, paginated, with tags loaded in one more statement.
        let own = Post::query().filter(Post::author_id.eq(me));
        let timeline = followed.union(own).options(selectinload(Post::tags));
        let page = timeline
            .clone()
            .order_by(Post::id.desc())
            .paginate(db, PageRequest::new(1).per_page(3))
            .unwrap();
        assert_eq!(post_ids(page.items()), [5, 4, 3]);
        assert_eq!(page.total(), Some(5));
        let c1 = &page.items()[2];
        assert_eq!(c1.tags.get().map(<[Tag]>::len), Some(1));
        // Keyset pages of the same query (keyset orders by the key itself).
        let first = timeline.keyset(db, KeysetRequest::first(2)).unwrap();
        assert_eq!(post_ids(first.items()), [1, 2]);
        let next = timeline
            .keyset(
                db,
                KeysetRequest::at(first.next_cursor().unwrap()).per_page(2),
            )
            .unwrap();
        assert_eq!(post_ids(next.items()), [3, 4]);
    }
}

#[test]
fn an_outer_join_orders_and_keeps_rows_without_a_related_row() {
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        social(db);
        let comments = Comment::query()
            .outerjoin(Comment::user, |u| u.order_by(User::name.asc()))
            .order_by(Comment::id.asc())
            .all(db)
            .unwrap();
        let order = ids(&comments, |c| c.id);
        assert_eq!(order.len(), 4, "comment 2 has no user and stays");
        // ann, bob, cat; where the NULL sorts is the backend's choice.
        let with_user: Vec<i32> = order.into_iter().filter(|id| *id != 2).collect();
        assert_eq!(with_user, [1, 4, 3]);
        // An inner join drops it.
        let inner = Comment::query()
            .join(Comment::user, |u| u.order_by(User::name.desc()))
            .all(db)
            .unwrap();
        assert_eq!(ids(&inner, |c| c.id), [3, 4, 1]);
    }
}

#[test]
fn a_union_keeps_each_side_s_clauses_and_returns_rows_once() {
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        social(db);
        // The newest two posts, or any of ann's: a1 and a2 once each.
        let newest = Post::query().order_by(Post::id.desc()).limit(2);
        let anns = Post::query().filter(Post::author_id.eq(ANN));
        let both = newest.union(anns).order_by(Post::id.asc());
        assert_eq!(post_ids(&both.all(db).unwrap()), [1, 4, 5]);
        assert_eq!(both.count(db).unwrap(), 3);
        // A union of a query with itself is the query.
        let rust = || Post::query().join(Post::tags, |t| t.filter(Tag::name.eq("rust")));
        assert_eq!(rust().union(rust()).count(db).unwrap(), 2);
        // union_all returns each row once, as Flask-SQLAlchemy's legacy Query does.
        let newest = Post::query().order_by(Post::id.desc()).limit(2);
        let anns = Post::query().filter(Post::author_id.eq(ANN));
        let all = newest.union_all(anns).order_by(Post::id.asc());
        assert_eq!(post_ids(&all.all(db).unwrap()), [1, 4, 5]);
        assert_eq!(rust().union_all(rust()).all(db).unwrap().len(), 2);
    }
}

fn recording(t: &TestDb) -> Database {
    let db = Database::builder()
        .url(t.db.url(None).unwrap().masked()) // test URLs carry no password
        .record_queries(true)
        .registry(Registry::new(TABLES))
        .build()
        .unwrap();
    db.create_all().unwrap();
    db
}

#[test]
fn a_backref_loads_eagerly_in_a_paginated_query() {
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &recording(&t);
        social(db);
        // `Post::author` is a backref (no field to fill): each post with its author, the page
        // and the count in two statements, not one more per row.
        let query = Post::query()
            .join(Post::author, |a| a.filter(User::active.eq(true)))
            .order_by(Post::id.asc());
        let (page, statements) = db.record(|| {
            query
                .paginate_with(
                    db,
                    PageRequest::new(1).per_page(3),
                    joinedload(Post::author),
                )
                .unwrap()
        });
        assert_eq!(statements.len(), 2, "{statements:#?}");
        let pairs: Vec<(i32, Option<&str>)> = page
            .items()
            .iter()
            .map(|(post, author)| (post.id, author.as_ref().map(|a| a.name.as_str())))
            .collect();
        assert_eq!(
            pairs,
            [(1, Some("ann")), (2, Some("bob")), (4, Some("ann"))]
        );
        assert_eq!((page.total(), page.pages()), (Some(4), 2));
        // The next page runs the page alone (the total carries over), by `selectin` too.
        let (next, statements) = db.record(|| page.next(db).unwrap());
        assert_eq!(statements.len(), 1, "{statements:#?}");
        assert_eq!(next.items().len(), 1);
        assert_eq!(next.items()[0].1.as_ref().map(|a| a.id), Some(BOB));
        let (by_selectin, statements) = db.record(|| {
            query
                .paginate_with(
                    db,
                    PageRequest::new(2).per_page(3),
                    selectinload(Post::author),
                )
                .unwrap()
        });
        assert_eq!(statements.len(), 3, "page, authors, count: {statements:#?}");
        assert_eq!(by_selectin.items()[0].0.id, 5);
        // A to-many relationship too: users with their posts.
        let users = User::query()
            .order_by(User::id.asc())
            .paginate_with(
                db,
                PageRequest::new(1).per_page(2),
                selectinload(User::posts),
            )
            .unwrap();
        let counts: Vec<usize> = users.items().iter().map(|(_, posts)| posts.len()).collect();
        assert_eq!(counts, [2, 2]);
        // A page past the end is 404, as with `paginate`.
        let err = query
            .paginate_with(db, PageRequest::new(9), joinedload(Post::author))
            .unwrap_err();
        assert!(matches!(err, fsql::Error::NotFound { .. }), "{err}");
    }
}
