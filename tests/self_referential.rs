//! Relationships from a model to itself (adjacency lists): a category's children and parent,
//! a comment's replies. Every loader strategy, `with_parent`, the relationship's query, a
//! backref, and a tree loaded to a chosen depth with one statement per level.

mod common;

use common::*;
use fsql::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Category {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 40)]
    pub name: String,
    #[fsql(references = Category)]
    pub parent_id: Option<i32>,
    /// The "many" side: the rows whose `parent_id` is this row's key; deleting a category
    /// deletes its subtree.
    #[fsql(foreign_key = parent_id, back_populates = "parent", cascade = "all")]
    pub children: HasMany<Category>,
    /// The "one" side: the row this row's `parent_id` points at.
    #[fsql(foreign_key = parent_id, back_populates = "children")]
    pub parent: BelongsTo<Category>,
}

/// Declared from one side only; the other is a backref (`reply.load_parent(..)`).
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Comment {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Comment)]
    pub parent_id: Option<i32>,
    #[fsql(length = 40)]
    pub body: String,
    #[fsql(foreign_key = parent_id, backref = "parent", lazy = "selectin")]
    pub replies: HasMany<Comment>,
}

/// A tree three levels below its root:
/// books(1) → fiction(2), science(3); fiction → novels(4) → classics(5).
fn tree(db: &Database) {
    for (id, name, parent_id) in [
        (1, "books", None),
        (2, "fiction", Some(1)),
        (3, "science", Some(1)),
        (4, "novels", Some(2)),
        (5, "classics", Some(4)),
    ] {
        Category {
            id,
            name: name.into(),
            parent_id,
            children: Default::default(),
            parent: Default::default(),
        }
        .insert(db)
        .unwrap();
    }
}

/// The same database, recording its statements (`Database::record`).
fn recording(t: &TestDb) -> Database {
    let db = Database::builder()
        .url(t.db.url(None).unwrap().masked()) // test URLs carry no password
        .record_queries(true)
        .registry(fsql::Registry::new([Category::META, Comment::META]))
        .build()
        .unwrap();
    db.create_all().unwrap(); // a new in-memory SQLite database has no tables yet
    db
}

fn names(rows: &[Category]) -> Vec<&str> {
    let mut out: Vec<&str> = rows.iter().map(|c| c.name.as_str()).collect();
    out.sort_unstable();
    out
}

#[test]
fn children_and_parent_load_on_access() {
    for t in each_backend(&[Category::META, Comment::META]) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        tree(db);
        let root = Category::query().get(db, 1).unwrap().unwrap();
        assert_eq!(
            names(root.load_children(db).unwrap()),
            ["fiction", "science"]
        );
        assert!(root.load_parent(db).unwrap().is_none());
        let novels = Category::query().get(db, 4).unwrap().unwrap();
        assert_eq!(novels.load_parent(db).unwrap().unwrap().name, "fiction");
        assert_eq!(names(novels.load_children(db).unwrap()), ["classics"]);
        // `with_parent` and the relationship's own query.
        let under_root = Category::query()
            .with_parent(&root, Category::children)
            .order_by(Category::name.desc())
            .all(db)
            .unwrap();
        assert_eq!(under_root[0].name, "science");
        let fiction = root
            .children_query()
            .filter(Category::name.like("f%"))
            .all(db)
            .unwrap();
        assert_eq!(names(&fiction), ["fiction"]);
    }
}

#[test]
fn deleting_a_category_deletes_its_subtree() {
    for t in each_backend(&[Category::META, Comment::META]) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        tree(db);
        let fiction = Category::query().get(db, 2).unwrap().unwrap();
        fiction.delete(db).unwrap();
        let mut left: Vec<i32> = Category::query()
            .all(db)
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        left.sort_unstable();
        assert_eq!(left, [1, 3], "fiction, novels and classics are gone");
    }
}

#[test]
fn every_eager_strategy_loads_a_self_referential_relationship() {
    for t in each_backend(&[Category::META, Comment::META]) {
        eprintln!("backend: {}", t.backend);
        let db = &recording(&t);
        tree(db);
        let options: [(&str, fsql::relation::LoadOption<Category>); 3] = [
            ("selectin", selectinload(Category::children).into()),
            ("subquery", subqueryload(Category::children).into()),
            // Joining the table to itself would need aliases: it loads like `selectin`.
            ("joined", joinedload(Category::children).into()),
        ];
        for (strategy, option) in options {
            let (rows, statements) = db.record(|| {
                Category::query()
                    .options(option)
                    .order_by(Category::id.asc())
                    .all(db)
                    .unwrap()
            });
            assert_eq!(statements.len(), 2, "{strategy}: {statements:#?}");
            let loaded: Vec<Vec<&str>> = rows
                .iter()
                .map(|c| names(c.children.get().expect("loaded")))
                .collect();
            assert_eq!(
                loaded,
                [
                    vec!["fiction", "science"],
                    vec!["novels"],
                    vec![],
                    vec!["classics"],
                    vec![],
                ],
                "{strategy}"
            );
        }
        // The "one" side.
        let rows = Category::query()
            .options(joinedload(Category::parent))
            .filter(Category::id.ge(4))
            .order_by(Category::id.asc())
            .all(db)
            .unwrap();
        let parents: Vec<&str> = rows
            .iter()
            .map(|c| c.parent.get().unwrap().unwrap().name.as_str())
            .collect();
        assert_eq!(parents, ["fiction", "novels"]);
    }
}

#[test]
fn a_tree_loads_to_a_chosen_depth_with_one_statement_per_level() {
    for t in each_backend(&[Category::META, Comment::META]) {
        eprintln!("backend: {}", t.backend);
        let db = &recording(&t);
        tree(db);
        let (roots, statements) =
            db.record(|| {
                Category::query()
                    .filter(Category::parent_id.is_null())
                    .options(selectinload(Category::children).then(
                        selectinload(Category::children).then(selectinload(Category::children)),
                    ))
                    .all(db)
                    .unwrap()
            });
        assert_eq!(statements.len(), 4, "the roots, then one per level");
        let root = &roots[0];
        let fiction = root
            .children
            .get()
            .unwrap()
            .iter()
            .find(|c| c.name == "fiction")
            .unwrap();
        let novels = &fiction.children.get().unwrap()[0];
        assert_eq!(novels.name, "novels");
        let classics = &novels.children.get().unwrap()[0];
        assert_eq!(classics.name, "classics");
        // Below the chosen depth nothing was loaded.
        assert!(classics.children.get().is_none());
    }
}

#[test]
fn a_self_referential_backref_and_default_strategy() {
    for t in each_backend(&[Category::META, Comment::META]) {
        eprintln!("backend: {}", t.backend);
        let db = &recording(&t);
        for (id, parent_id, body) in [
            (1, None, "first"),
            (2, Some(1), "re"),
            (3, Some(2), "re: re"),
        ] {
            Comment {
                id,
                parent_id,
                body: body.into(),
                replies: Default::default(),
            }
            .insert(db)
            .unwrap();
        }
        // `lazy = "selectin"`: every query loads the replies, one statement more.
        let (all, statements) = db.record(|| {
            Comment::query()
                .order_by(Comment::id.asc())
                .all(db)
                .unwrap()
        });
        assert_eq!(statements.len(), 2);
        assert_eq!(all[0].replies.get().unwrap()[0].body, "re");
        assert_eq!(all[1].replies.get().unwrap()[0].body, "re: re");
        // The backref has no field: it loads on each call.
        let deepest = &all[2];
        let parent = deepest.load_parent(db).unwrap().unwrap();
        assert_eq!(parent.body, "re");
        assert!(all[0].load_parent(db).unwrap().is_none());
    }
}

fsql::table! {
    /// Who follows whom: two columns referencing the same model.
    follows {
        #[primary_key, references = Member]
        follower_id: i32,
        #[primary_key, references = Member]
        followed_id: i32,
    }
}

/// Users following users (the microblog's `followed`/`followers`).
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Member {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 40)]
    pub name: String,
    #[fsql(
        secondary = follows,
        primaryjoin = follower_id,
        secondaryjoin = followed_id,
        backref = "followers",
        backref_lazy = "dynamic"
    )]
    pub following: ManyToMany<Member>,
}

const SOCIAL: [&fsql::TableMeta; 2] = [Member::META, follows::table::META];

fn members(db: &Database) -> Vec<Member> {
    ["ann", "bob", "cat"]
        .into_iter()
        .map(|name| {
            Member {
                id: 0,
                name: name.into(),
                following: Default::default(),
            }
            .insert(db)
            .unwrap()
        })
        .collect()
}

fn member_names(rows: &[Member]) -> Vec<&str> {
    let mut out: Vec<&str> = rows.iter().map(|m| m.name.as_str()).collect();
    out.sort_unstable();
    out
}

#[test]
fn members_follow_members_through_one_association_table() {
    for t in each_backend(&SOCIAL) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        let m = members(db);
        let (ann, bob, cat) = (&m[0], &m[1], &m[2]);
        Member::following.add(db, ann, bob).unwrap();
        Member::following.add(db, ann, cat).unwrap();
        Member::following.add(db, cat, ann).unwrap();
        assert!(Member::following.contains(db, ann, bob).unwrap());
        assert!(
            !Member::following.contains(db, bob, ann).unwrap(),
            "one direction only"
        );

        let ann = Member::query().get(db, ann.id).unwrap().unwrap();
        assert_eq!(
            member_names(ann.load_following(db).unwrap()),
            ["bob", "cat"]
        );
        // The backref reads the other column: who follows ann.
        let followers = ann.load_followers().all(db).unwrap();
        assert_eq!(member_names(&followers), ["cat"]);
        let bob_followers = bob.load_followers().all(db).unwrap();
        assert_eq!(member_names(&bob_followers), ["ann"]);
        // `with_parent` and every strategy.
        let followed = Member::query()
            .with_parent(&ann, Member::following)
            .all(db)
            .unwrap();
        assert_eq!(member_names(&followed), ["bob", "cat"]);
        let options: [fsql::relation::LoadOption<Member>; 3] = [
            selectinload(Member::following).into(),
            subqueryload(Member::following).into(),
            joinedload(Member::following).into(),
        ];
        for option in options {
            let all = Member::query()
                .options(option)
                .order_by(Member::id.asc())
                .all(db)
                .unwrap();
            let loaded: Vec<Vec<&str>> = all
                .iter()
                .map(|m| member_names(m.following.get().expect("loaded")))
                .collect();
            assert_eq!(loaded, [vec!["bob", "cat"], vec![], vec!["ann"]]);
        }

        assert!(Member::following.remove(db, &ann, bob).unwrap());
        assert_eq!(
            member_names(&bob.load_followers().all(db).unwrap()),
            [] as [&str; 0]
        );
        // Deleting a member deletes the follow rows on both sides.
        ann.delete(db).unwrap();
        assert!(cat.load_followers().all(db).unwrap().is_empty());
        let left = Member::query()
            .options(selectinload(Member::following))
            .all(db)
            .unwrap();
        assert!(left.iter().all(|m| m.following.get().unwrap().is_empty()));
    }
}

/// A post of a member: the timeline's rows.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Note {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Member)]
    pub member_id: i32,
    #[fsql(length = 40)]
    pub text: String,
}

#[test]
fn a_timeline_is_the_followed_members_posts_and_ones_own() {
    let tables = [Member::META, follows::table::META, Note::META];
    for t in each_backend(&tables) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        let m = members(db);
        let (ann, bob, cat) = (&m[0], &m[1], &m[2]);
        Member::following.add(db, ann, bob).unwrap();
        for (id, member, text) in [
            (1, ann, "ann 1"),
            (2, bob, "bob 1"),
            (3, cat, "cat 1"),
            (4, bob, "bob 2"),
        ] {
            Note {
                id,
                member_id: member.id,
                text: text.into(),
            }
            .insert(db)
            .unwrap();
        }
        let followed = Member::query().with_parent(ann, Member::following);
        let page = Note::query()
            .filter(
                Note::member_id
                    .in_query(followed)
                    .or(Note::member_id.eq(ann.id)),
            )
            .order_by(Note::id.desc())
            .paginate(db, fsql::PageRequest::new(1).per_page(2))
            .unwrap();
        assert_eq!(page.total(), Some(3), "ann's and bob's, not cat's");
        let texts: Vec<&str> = page.items().iter().map(|n| n.text.as_str()).collect();
        assert_eq!(texts, ["bob 2", "bob 1"]);
    }
}
