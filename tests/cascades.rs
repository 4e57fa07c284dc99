//! ORM cascades (SQLAlchemy's `cascade="all, delete-orphan"`): deleting a row deletes what its
//! relationships own, three levels deep, in one transaction that rolls back whole when a
//! statement fails; `delete-orphan` deletes a child removed from its parent in a session; and
//! `passive_deletes` leaves it to the database's `ON DELETE CASCADE`.

mod common;

use common::*;
use fsql::prelude::*;
use fsql::Registry;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Author {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 40)]
    pub name: String,
    #[fsql(cascade = "all, delete-orphan")]
    pub books: HasMany<Book>,
    #[fsql(cascade = "all", passive_deletes)]
    pub reviews: HasMany<Review>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Book {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Author)]
    pub author_id: Option<i32>,
    #[fsql(length = 40)]
    pub title: String,
    #[fsql(cascade = "all")]
    pub chapters: HasMany<Chapter>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Chapter {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Book)]
    pub book_id: i32,
    #[fsql(cascade = "delete")]
    pub notes: HasMany<Note>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Note {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Chapter)]
    pub chapter_id: i32,
}

/// Deleted by the database (`ON DELETE CASCADE`), not by fsql (`passive_deletes`).
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Review {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Author, on_delete = "cascade")]
    pub author_id: i32,
}

/// Points at a chapter without any cascade: a chapter it cites cannot be deleted.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Citation {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Chapter)]
    pub chapter_id: i32,
}

const TABLES: [&fsql::TableMeta; 6] = [
    Author::META,
    Book::META,
    Chapter::META,
    Note::META,
    Review::META,
    Citation::META,
];

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

/// Two authors, each with two books of two chapters of two notes, and a review.
fn library(db: &Database) {
    let mut next = 1;
    let mut id = || {
        next += 1;
        next
    };
    for author in [1, 2] {
        Author {
            id: author,
            name: format!("author {author}"),
            books: Default::default(),
            reviews: Default::default(),
        }
        .insert(db)
        .unwrap();
        Review {
            id: author,
            author_id: author,
        }
        .insert(db)
        .unwrap();
        for _ in 0..2 {
            let book = Book {
                id: id(),
                author_id: Some(author),
                title: format!("by {author}"),
                chapters: Default::default(),
            }
            .insert(db)
            .unwrap();
            for _ in 0..2 {
                let chapter = Chapter {
                    id: id(),
                    book_id: book.id,
                    notes: Default::default(),
                }
                .insert(db)
                .unwrap();
                for _ in 0..2 {
                    Note {
                        id: id(),
                        chapter_id: chapter.id,
                    }
                    .insert(db)
                    .unwrap();
                }
            }
        }
    }
}

fn counts(db: &Database) -> [u64; 5] {
    [
        Author::query().count(db).unwrap(),
        Book::query().count(db).unwrap(),
        Chapter::query().count(db).unwrap(),
        Note::query().count(db).unwrap(),
        Review::query().count(db).unwrap(),
    ]
}

#[test]
fn deleting_a_row_deletes_what_it_owns_three_levels_deep() {
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &recording(&t);
        library(db);
        assert_eq!(counts(db), [2, 4, 8, 16, 2]);
        let author = Author::query().get(db, 1).unwrap().unwrap();
        author.delete(db).unwrap();
        // Half of everything is gone; the other author's rows are all there.
        assert_eq!(counts(db), [1, 2, 4, 8, 1]);
        assert!(Book::query()
            .all(db)
            .unwrap()
            .iter()
            .all(|b| b.author_id == Some(2)));
    }
}

#[test]
fn a_session_delete_cascades_and_passive_deletes_leave_it_to_the_database() {
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &recording(&t);
        library(db);
        let author = Author::query().get(db, 2).unwrap().unwrap();
        let ((), statements) = db.record(|| {
            let mut session = db.session();
            session.delete(author);
            session.commit().unwrap();
        });
        assert_eq!(counts(db), [1, 2, 4, 8, 1]);
        // `passive_deletes`: fsql ran no statement on `review`; the database removed the row.
        assert!(
            statements.iter().all(|s| !s.statement.contains("review")),
            "{statements:#?}"
        );
    }
}

#[test]
fn a_failing_cascade_rolls_back_everything_and_names_the_statement() {
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &recording(&t);
        library(db);
        // A citation of one of author 1's chapters blocks the chapter's delete.
        let chapter = Chapter::query()
            .filter(Chapter::book_id.eq(2))
            .first(db)
            .unwrap()
            .unwrap();
        Citation {
            id: 1,
            chapter_id: chapter.id,
        }
        .insert(db)
        .unwrap();
        let author = Author::query().get(db, 1).unwrap().unwrap();
        let err = author.delete(db).unwrap_err();
        match &err {
            fsql::Error::Database {
                kind, statement, ..
            } => {
                assert_eq!(*kind, fsql::DatabaseErrorKind::ForeignKeyViolation, "{err}");
                assert!(
                    statement.as_deref().is_some_and(|s| s.contains("chapter")),
                    "{err}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(counts(db), [2, 4, 8, 16, 2], "nothing deleted");
    }
}

#[test]
fn delete_orphan_deletes_a_child_removed_from_its_parent_in_a_session() {
    for t in each_backend(&TABLES) {
        eprintln!("backend: {}", t.backend);
        let db = &recording(&t);
        library(db);
        let mut book = Book::query()
            .filter(Book::author_id.eq(1))
            .first(db)
            .unwrap()
            .unwrap();
        book.author_id = None;
        let mut session = db.session();
        session.update(book.clone());
        session.commit().unwrap();
        assert!(
            Book::query().get(db, book.id).unwrap().is_none(),
            "the orphan is gone"
        );
        // With its chapters and their notes.
        assert_eq!(counts(db), [2, 3, 6, 12, 2]);
    }
}
