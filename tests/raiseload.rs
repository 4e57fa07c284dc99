//! `lazy = "raise"` and `raiseload(..)` (SQLAlchemy's raiseload): a relationship that is used
//! before it was loaded is an error naming the loader option that would load it, so a test
//! catches an N+1 instead of running a statement per row.

mod common;

use common::*;
use fsql::prelude::*;
use fsql::Error;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Shelf {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 40)]
    pub label: String,
    #[fsql(lazy = "raise")]
    pub books: HasMany<Book>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Book {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Shelf)]
    pub shelf_id: i32,
    #[fsql(length = 40)]
    pub title: String,
    pub shelf: BelongsTo<Shelf>,
}

fn fill(db: &Database) {
    for (id, label) in [(1, "fiction"), (2, "empty")] {
        Shelf {
            id,
            label: label.into(),
            books: Default::default(),
        }
        .insert(db)
        .unwrap();
    }
    for (id, title) in [(1, "Dune"), (2, "Emma")] {
        Book {
            id,
            shelf_id: 1,
            title: title.into(),
            shelf: Default::default(),
        }
        .insert(db)
        .unwrap();
    }
}

/// The titles, sorted: a relationship's rows come in no particular order.
fn titles(books: &[Book]) -> Vec<&str> {
    let mut out: Vec<&str> = books.iter().map(|b| b.title.as_str()).collect();
    out.sort_unstable();
    out
}

#[test]
fn a_raise_relationship_used_before_loading_is_an_error_naming_the_option() {
    for t in each_backend(&[Shelf::META, Book::META]) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        fill(db);
        let shelf = Shelf::query().get(db, 1).unwrap().unwrap();
        let err = shelf.load_books(db).unwrap_err();
        match &err {
            Error::NotLoaded {
                relationship,
                option,
            } => {
                assert_eq!(relationship, &"Shelf.books");
                assert_eq!(option, "Shelf::books");
            }
            other => panic!("{other:?}"),
        }
        let message = err.to_string();
        assert!(message.contains("selectinload(Shelf::books)"), "{message}");
        assert!(message.contains("lazyload(Shelf::books)"), "{message}");
        // A row built in Rust has nothing loaded either.
        let fresh = Shelf {
            id: 2,
            label: "empty".into(),
            books: Default::default(),
        };
        assert!(matches!(fresh.load_books(db), Err(Error::NotLoaded { .. })));
    }
}

#[test]
fn every_eager_option_loads_a_raise_relationship() {
    for t in each_backend(&[Shelf::META, Book::META]) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        fill(db);
        let options: [fsql::relation::LoadOption<Shelf>; 3] = [
            selectinload(Shelf::books).into(),
            joinedload(Shelf::books).into(),
            subqueryload(Shelf::books).into(),
        ];
        for option in options {
            let shelves = Shelf::query()
                .options(option)
                .order_by(Shelf::id.asc())
                .all(db)
                .unwrap();
            assert_eq!(titles(shelves[0].load_books(db).unwrap()), ["Dune", "Emma"]);
            assert!(shelves[1].load_books(db).unwrap().is_empty());
        }
    }
}

#[test]
fn lazyload_lets_a_raise_relationship_load_on_access() {
    for t in each_backend(&[Shelf::META, Book::META]) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        fill(db);
        let shelves = Shelf::query()
            .options(lazyload(Shelf::books))
            .order_by(Shelf::id.asc())
            .all(db)
            .unwrap();
        assert_eq!(titles(shelves[0].load_books(db).unwrap()), ["Dune", "Emma"]);
    }
}

#[test]
fn raiseload_makes_a_lazy_relationship_raise_for_one_query() {
    for t in each_backend(&[Shelf::META, Book::META]) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        fill(db);
        // Declared `select`: loads on access.
        let book = Book::query().get(db, 1).unwrap().unwrap();
        assert_eq!(book.load_shelf(db).unwrap().unwrap().label, "fiction");
        // The same relationship under `raiseload`.
        let books = Book::query()
            .options(raiseload(Book::shelf))
            .all(db)
            .unwrap();
        let err = books[0].load_shelf(db).unwrap_err().to_string();
        assert!(err.contains("`Book.shelf` is not loaded"), "{err}");
        // Nested: the shelves' books are loaded, the books' shelves refuse.
        let shelves = Shelf::query()
            .options(selectinload(Shelf::books).then(raiseload(Book::shelf)))
            .filter(Shelf::id.eq(1))
            .all(db)
            .unwrap();
        let books = shelves[0].load_books(db).unwrap();
        assert_eq!(books.len(), 2);
        assert!(matches!(
            books[0].load_shelf(db),
            Err(Error::NotLoaded {
                relationship: "Book.shelf",
                ..
            })
        ));
    }
}
