//! A small social network, the kind of app Flask tutorials end with: users follow users, write
//! posts, and comment on posts and on comments, three levels deep. It shows, with asserts:
//!
//! - users following users (a many-to-many from a model to itself, `primaryjoin` and
//!   `secondaryjoin` naming the association columns), with the `followers` backref;
//! - a JSON profile column (`fsql::Json<Profile>`) and an enum column (`#[derive(fsql::Enum)]`);
//! - comment threads (a one-to-many from `Comment` to itself) loaded to a chosen depth with one
//!   statement per level;
//! - the timeline: posts by the people I follow, plus mine, newest first, paginated, through a
//!   join inside a join and a union, in one statement plus the count;
//! - post counts of the people I follow, through `group_by` on the same join; follower counts
//!   with Diesel's `group_by` on the association table (hand-written Diesel runs on any fsql
//!   connection), and with `func::count_related`, which counts 0 for a user nobody follows;
//! - `lazy = "raise"` catching an N+1;
//! - deleting a user deletes their posts, the comments on them and the replies to those
//!   (`cascade = "all, delete-orphan"`), and their follow rows, in one transaction.
//!
//! Run with `cargo run --example social` (an in-memory SQLite database; set
//! `FSQL_EXAMPLE_URL` to run it on PostgreSQL or MariaDB).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use fsql::prelude::*;
use fsql::{func, Json, PageRequest};

/// What a user says about themselves, stored as one JSON document.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Default)]
pub struct Profile {
    pub bio: String,
    pub links: Vec<String>,
}

#[derive(fsql::Enum, Debug, Clone, Copy, PartialEq)]
pub enum Visibility {
    Public,
    Followers,
}

fsql::table! {
    /// Who follows whom.
    follows {
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
    #[fsql(unique, length = 40)]
    pub username: String,
    pub profile: Json<Profile>,
    #[fsql(
        secondary = follows,
        primaryjoin = follower_id,
        secondaryjoin = followed_id,
        backref = "followers",
        backref_lazy = "dynamic"
    )]
    pub following: ManyToMany<User>,
    #[fsql(cascade = "all, delete-orphan", lazy = "raise", backref = "author")]
    pub posts: HasMany<Post>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Post {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = User, index)]
    pub user_id: i32,
    #[fsql(length = 140)]
    pub body: String,
    #[fsql(index)]
    pub created: NaiveDateTime,
    pub visibility: Visibility,
    #[fsql(cascade = "all")]
    pub comments: HasMany<Comment>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Comment {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Post)]
    pub post_id: i32,
    #[fsql(references = Comment)]
    pub parent_id: Option<i32>,
    #[fsql(length = 140)]
    pub body: String,
    /// Replies: a comment's own comments.
    #[fsql(foreign_key = parent_id, cascade = "all")]
    pub replies: HasMany<Comment>,
}

fn at(minutes: i64) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 7)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .expect("a valid date")
        + Duration::minutes(minutes)
}

fn user(db: &Database, username: &str, bio: &str) -> fsql::Result<User> {
    User {
        id: 0,
        username: username.into(),
        profile: Json(Profile {
            bio: bio.into(),
            links: vec![format!("https://example.org/{username}")],
        }),
        following: Default::default(),
        posts: Default::default(),
    }
    .insert(db)
}

fn post(db: &Database, author: &User, body: &str, minute: i64) -> fsql::Result<Post> {
    Post {
        id: 0,
        user_id: author.id,
        body: body.into(),
        created: at(minute),
        visibility: Visibility::Public,
        comments: Default::default(),
    }
    .insert(db)
}

fn comment(
    db: &Database,
    on: &Post,
    parent: Option<&Comment>,
    body: &str,
) -> fsql::Result<Comment> {
    Comment {
        id: 0,
        post_id: on.id,
        parent_id: parent.map(|c| c.id),
        body: body.into(),
        replies: Default::default(),
    }
    .insert(db)
}

fn main() -> fsql::Result<()> {
    let url = std::env::var("FSQL_EXAMPLE_URL").unwrap_or_else(|_| "sqlite://".to_owned());
    let db = Database::builder().url(url).build()?;
    db.drop_all()?;
    db.create_all()?;

    let ann = user(&db, "ann", "writes about databases")?;
    let bob = user(&db, "bob", "photographs birds")?;
    let cat = user(&db, "cat", "builds boats")?;
    User::following.add(&db, &ann, &bob)?;
    User::following.add(&db, &ann, &cat)?;
    User::following.add(&db, &bob, &ann)?;
    assert!(User::following.contains(&db, &ann, &bob)?);
    let bobs_followers = bob.load_followers().all(&db)?;
    assert_eq!(bobs_followers.len(), 1);
    assert_eq!(bobs_followers[0].username, "ann");
    println!("ann follows bob and cat; bob follows ann");

    let mut minute = 0;
    for author in [&ann, &bob, &cat] {
        for n in 1..=3 {
            minute += 1;
            post(&db, author, &format!("{} #{n}", author.username), minute)?;
        }
    }

    // Three levels of comments under bob's first post.
    let bobs_first = Post::query()
        .filter(Post::user_id.eq(bob.id))
        .order_by(Post::created.asc())
        .first(&db)?
        .expect("bob posted");
    let top = comment(&db, &bobs_first, None, "nice bird")?;
    let reply = comment(&db, &bobs_first, Some(&top), "it is a heron")?;
    comment(&db, &bobs_first, Some(&reply), "a grey heron, even")?;

    // The timeline: posts whose author ann follows, plus ann's own, newest first, two per
    // page (the microblog's `followed.union(own).order_by(Post.timestamp.desc())`).
    let timeline = |me: &User| {
        let followed = Post::query().join(Post::author, |author| {
            author.join(User::followers, |follower| {
                follower.filter(User::id.eq(me.id))
            })
        });
        followed.union(Post::query().filter(Post::user_id.eq(me.id)))
    };
    let page = timeline(&ann)
        .order_by(Post::created.desc())
        .order_by(Post::id.desc())
        .paginate(&db, PageRequest::new(1).per_page(2))?;
    assert_eq!(
        page.total(),
        Some(9),
        "everyone's posts: ann follows both others"
    );
    let bodies: Vec<&str> = page.items().iter().map(|p| p.body.as_str()).collect();
    assert_eq!(bodies, ["cat #3", "cat #2"]);
    assert_eq!(timeline(&bob).count(&db)?, 6, "bob's and ann's");
    // The same through `in_query`, the semi-join written by hand.
    let followed = User::query().with_parent(&ann, User::following);
    let by_hand = Post::query()
        .filter(
            Post::user_id
                .in_query(followed)
                .or(Post::user_id.eq(ann.id)),
        )
        .count(&db)?;
    assert_eq!(by_hand, 9);
    println!("ann's timeline, page 1 of {}: {bodies:?}", page.pages());

    // The thread under bob's first post, three levels, one statement per level.
    let threads = Comment::query()
        .filter(Comment::post_id.eq(bobs_first.id))
        .filter(Comment::parent_id.is_null())
        .options(
            selectinload(Comment::replies)
                .then(selectinload(Comment::replies).then(selectinload(Comment::replies))),
        )
        .all(&db)?;
    let level2 = &threads[0].replies.get().expect("loaded")[0];
    let level3 = &level2.replies.get().expect("loaded")[0];
    assert_eq!(level3.body, "a grey heron, even");
    println!(
        "thread: {} > {} > {}",
        threads[0].body, level2.body, level3.body
    );

    // Post counts of the people ann follows, busiest first, through `group_by` on a join.
    let counts: Vec<(i32, i64)> = Post::query()
        .join(Post::author, |author| {
            author.join(User::followers, |follower| {
                follower.filter(User::id.eq(ann.id))
            })
        })
        .group_by(Post::user_id)
        .select((Post::user_id, func::count_star()))
        .order_by(func::count_star().desc())
        .order_by(Post::user_id.asc())
        .load(&db)?;
    assert_eq!(counts, [(bob.id, 3), (cat.id, 3)]);
    println!("posts per followed user: {counts:?}");

    // Follower counts: Diesel's group_by over the association table, on an fsql connection
    // (an `fsql::table!` is a Diesel table).
    let followers: Vec<(i32, i64)> = follows::table
        .group_by(follows::followed_id)
        .select((follows::followed_id, diesel::dsl::count_star()))
        .order_by(follows::followed_id)
        .load(&mut *db.connection()?)?;
    assert_eq!(followers, [(ann.id, 1), (bob.id, 1), (cat.id, 1)]);
    println!("followers per user: {followers:?}");

    // Followed and following counts of every user, 0 included, from fsql: a correlated
    // count per row (`func::count_related`), where a group_by over the association table
    // has no group for a user nobody follows.
    let counts: Vec<(String, i64, i64)> = User::query()
        .group_by(User::id)
        .select((
            User::username,
            func::count_related(User::followers),
            func::count_related(User::following),
        ))
        .order_by(User::id.asc())
        .load(&db)?;
    let expected = [("ann", 1, 2), ("bob", 1, 1), ("cat", 1, 0)];
    let expected: Vec<(String, i64, i64)> = expected
        .iter()
        .map(|&(u, a, b)| (u.to_owned(), a, b))
        .collect();
    assert_eq!(counts, expected);
    println!("followers and following per user: {counts:?}");

    // `lazy = "raise"`: reading posts without loading them is an error that names the fix.
    let users = User::query().all(&db)?;
    let err = users[0]
        .load_posts(&db)
        .expect_err("posts are lazy = raise");
    assert!(err.to_string().contains("selectinload(User::posts)"));
    let users = User::query()
        .options(selectinload(User::posts))
        .order_by(User::id.asc())
        .all(&db)?;
    assert_eq!(users[1].load_posts(&db)?.len(), 3);
    assert_eq!(users[0].profile.bio, "writes about databases");

    // Deleting bob deletes his posts, the comments on them and the replies to those, and the
    // follow rows on both sides, in one transaction.
    bob.delete(&db)?;
    assert_eq!(Post::query().count(&db)?, 6);
    assert_eq!(Comment::query().count(&db)?, 0);
    assert!(!User::following.contains(&db, &ann, &bob)?);
    assert!(
        ann.load_followers().all(&db)?.is_empty(),
        "bob was ann's only follower"
    );
    println!("bob deleted: 6 posts, no comments and ann's follow of cat left");
    // Leave a server database as it was found.
    db.drop_all()
}
