//! `fsql::table!`: association tables (Flask-SQLAlchemy's `db.Table(..)`), created by
//! `create_all` with their composite key and foreign keys, used through hand-written Diesel.

mod common;

use common::*;
use diesel::result::{DatabaseErrorKind as DieselKind, Error as DieselError};
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use fsql::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Page {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 200)]
    pub title: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Tag {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(unique, length = 50)]
    pub name: String,
}

fsql::table! {
    /// Which tags each page has.
    page_tags {
        #[primary_key, references = Page]
        page_id: i32,
        #[primary_key, foreign_key = "tag.id", on_delete = "cascade"]
        tag_id: i32,
        /// Why the page has the tag.
        #[length = 100]
        note: Option<String>,
    }
}

fsql::table! {
    #[bind = "audit", table_name = "page-views"]
    page_views {
        #[primary_key] page_id: i64,
        #[primary_key] day: String,
        #[index] views: i32,
    }

    role_grants {
        #[primary_key] role: String,
        #[primary_key, column = "grant"] grant_name: String,
    }
}

const TABLES: &[&fsql::TableMeta] = &[Page::META, Tag::META, page_tags::table::META];

#[test]
fn meta_describes_the_table() {
    let meta = page_tags::table::META;
    assert_eq!(
        (meta.model, meta.name, meta.bind),
        ("page_tags", "page_tags", None)
    );
    assert_eq!(meta.primary_key, ["page_id", "tag_id"]);
    let names: Vec<_> = meta.columns.iter().map(|c| c.name).collect();
    assert_eq!(names, ["page_id", "tag_id", "note"]);
    for key in ["page_id", "tag_id"] {
        let c = meta.column(key).unwrap();
        assert!(c.primary_key && !c.nullable, "{key}");
        assert!(
            !c.autoincrement,
            "a composite key is never autoincrement: {key}"
        );
    }
    let note = meta.column("note").unwrap();
    assert_eq!(note.ty, fsql::ColumnType::Varchar(100));
    assert!(note.nullable && !note.primary_key);

    let fks: Vec<_> = meta
        .foreign_keys
        .iter()
        .map(|fk| {
            (
                fk.columns,
                fk.referred_table,
                fk.referred_columns,
                fk.on_delete,
            )
        })
        .collect();
    assert_eq!(
        fks,
        [
            (&["page_id"][..], "page", &["id"][..], None),
            (
                &["tag_id"][..],
                "tag",
                &["id"][..],
                Some(fsql::OnDelete::Cascade)
            ),
        ]
    );

    let views = page_views::table::META;
    assert_eq!(
        (views.model, views.name, views.bind),
        ("page-views", "page-views", Some("audit"))
    );
    assert!(views.column("views").unwrap().index);
    let grants = role_grants::table::META;
    assert_eq!(grants.primary_key, ["role", "grant"]);
    assert_eq!(grants.column("grant").unwrap().field, "grant_name");
}

#[test]
fn tables_register_themselves_and_sort_after_what_they_refer_to() {
    let global = fsql::Registry::global();
    for name in ["page_tags", "page-views", "role_grants"] {
        assert!(global.find(name).is_some(), "{name} is registered");
    }
    global.check().expect("every registered table checks");

    let sorted: Vec<_> = fsql::Registry::new(TABLES.iter().copied())
        .metadata(None)
        .unwrap()
        .sorted_tables()
        .iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(sorted, ["page", "tag", "page_tags"]);

    // Without the tables it refers to, the registry says what is missing.
    let err = fsql::Registry::new([page_tags::table::META])
        .check()
        .unwrap_err()
        .to_string();
    assert!(err.contains("page_tags") && err.contains("page"), "{err}");
}

#[test]
fn create_all_creates_the_composite_key_and_foreign_keys() {
    for t in each_backend(TABLES) {
        let db = &t.db;
        eprintln!("backend: {}", t.backend);
        let page = Page {
            id: 0,
            title: "Home".into(),
        }
        .insert(db)
        .unwrap();
        let tags: Vec<Tag> = ["rust", "sql"]
            .iter()
            .map(|n| {
                Tag {
                    id: 0,
                    name: (*n).into(),
                }
                .insert(db)
                .unwrap()
            })
            .collect();

        let mut conn = db.connection().unwrap();
        let link = |conn: &mut fsql::AnyConnection, page_id: i32, tag_id: i32| {
            diesel::insert_into(page_tags::table)
                .values((
                    page_tags::page_id.eq(page_id),
                    page_tags::tag_id.eq(tag_id),
                    page_tags::note.eq(None::<String>),
                ))
                .execute(conn)
        };
        for tag in &tags {
            assert_eq!(link(&mut conn, page.id, tag.id).unwrap(), 1);
        }
        diesel::update(page_tags::table.find((page.id, tags[0].id)))
            .set(page_tags::note.eq("first"))
            .execute(&mut *conn)
            .unwrap();

        // The composite key: the same pair twice is a unique violation.
        let dup = link(&mut conn, page.id, tags[0].id).unwrap_err();
        assert!(
            matches!(
                dup,
                DieselError::DatabaseError(DieselKind::UniqueViolation, _)
            ),
            "{}: {dup:?}",
            t.backend
        );
        // The foreign key to `page`: a missing page is refused.
        let orphan = link(&mut conn, page.id + 100, tags[0].id).unwrap_err();
        assert!(
            matches!(
                orphan,
                DieselError::DatabaseError(DieselKind::ForeignKeyViolation, _)
            ),
            "{}: {orphan:?}",
            t.backend
        );

        let rows: Vec<(i32, i32, Option<String>)> = page_tags::table
            .select((page_tags::page_id, page_tags::tag_id, page_tags::note))
            .order_by(page_tags::tag_id)
            .load(&mut *conn)
            .unwrap();
        assert_eq!(
            rows,
            [
                (page.id, tags[0].id, Some("first".to_owned())),
                (page.id, tags[1].id, None)
            ]
        );

        // ON DELETE CASCADE on `tag_id`: deleting a tag deletes its links.
        drop(conn);
        tags[1].delete(db).unwrap();
        let mut conn = db.connection().unwrap();
        let left: i64 = page_tags::table.count().get_result(&mut *conn).unwrap();
        assert_eq!(left, 1);
        // No ON DELETE on `page_id`, but `references = Page`: deleting the page deletes its
        // association rows first (SQLAlchemy's `secondary` behaviour), in one transaction.
        drop(conn);
        page.delete(db).unwrap();
        let mut conn = db.connection().unwrap();
        let left: i64 = page_tags::table.count().get_result(&mut *conn).unwrap();
        assert_eq!(left, 0, "{}", t.backend);
    }
}

#[test]
fn sqlite_ddl_matches_flask_sqlalchemy() {
    let db = sqlite_memory(TABLES);
    assert_eq!(sqlite_tables(&db), ["page", "page_tags", "tag"]);
    let s = |v: &[&str; 4]| v.map(str::to_owned);
    assert_eq!(
        sqlite_columns(&db, "page_tags"),
        [
            s(&["page_id", "INTEGER", "1", "1"]),
            s(&["tag_id", "INTEGER", "1", "2"]),
            s(&["note", "VARCHAR(100)", "0", "0"]),
        ]
    );
    let mut fks = sqlite_foreign_keys(&db, "page_tags");
    fks.sort();
    assert_eq!(
        fks,
        [
            s(&["page", "page_id", "id", "NO ACTION"]),
            s(&["tag", "tag_id", "id", "CASCADE"]),
        ]
    );
}
