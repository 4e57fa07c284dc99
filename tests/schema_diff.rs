//! `Database::schema_diff`: how a live database differs from the models, as values, on every
//! backend (what `flask db check` reports and a migration's autogenerate starts from).

mod common;

use common::*;
use diesel::connection::SimpleConnection;
use fsql::prelude::*;
use fsql::schema::{Difference, SchemaDifference};
use fsql::{BackendKind, Binds};

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Shelf {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 40, index)]
    pub label: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Book {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Shelf)]
    pub shelf_id: i32,
    #[fsql(length = 80, unique)]
    pub title: String,
}

#[test]
fn a_database_made_by_create_all_matches_its_models_and_changes_are_reported() {
    for t in each_backend(&[Shelf::META, Book::META]) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        let diff = db.schema_diff(Binds::All).unwrap();
        assert!(diff.is_empty(), "{diff:#?}");

        let drop_index = match t.backend {
            BackendKind::Mysql => "DROP INDEX ix_shelf_label ON shelf",
            _ => "DROP INDEX ix_shelf_label",
        };
        let mut conn = db.connection().unwrap();
        conn.batch_execute("ALTER TABLE book ADD COLUMN isbn VARCHAR(20)")
            .unwrap();
        conn.batch_execute("CREATE TABLE stray (id INTEGER PRIMARY KEY)")
            .unwrap();
        conn.batch_execute(drop_index).unwrap();
        // A migration tool's bookkeeping is not a model's table.
        conn.batch_execute(
            "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY, \
             run_on TIMESTAMP)",
        )
        .unwrap();
        drop(conn);

        let diff = db.schema_diff(Binds::All).unwrap();
        let text: Vec<String> = diff.iter().map(|(_, d)| d.to_string()).collect();
        assert_eq!(diff.len(), 3, "{text:#?}");
        assert!(diff.iter().all(|(bind, _)| bind.is_none()));
        assert!(
            diff.iter().any(|(_, d)| matches!(
                d,
                SchemaDifference::Table { table, difference: Difference::ExtraColumn(c) }
                    if table == "book" && c.name == "isbn" && c.nullable
            )),
            "{text:#?}"
        );
        assert!(
            diff.iter().any(|(_, d)| matches!(
                d,
                SchemaDifference::Table { table, difference: Difference::MissingIndex(ix) }
                    if table == "shelf" && ix.name == "ix_shelf_label" && ix.columns == ["label"]
            )),
            "{text:#?}"
        );
        assert!(
            diff.iter()
                .any(|(_, d)| matches!(d, SchemaDifference::ExtraTable(s) if s.name == "stray")),
            "{text:#?}"
        );
        assert!(text.contains(&"table `stray`: in the database but not declared".to_owned()));

        // A declared table that is gone.
        let mut conn = db.connection().unwrap();
        conn.batch_execute("DROP TABLE book").unwrap();
        drop(conn);
        let diff = db.schema_diff(Binds::All).unwrap();
        assert!(
            diff.iter().any(|(_, d)| matches!(
                d,
                SchemaDifference::MissingTable(b) if b.name == "book" && b.column("isbn").is_none()
            )),
            "{diff:#?}"
        );
    }
}

#[test]
fn an_unknown_bind_is_an_error() {
    let db = sqlite_memory(&[Shelf::META]);
    let err = db.schema_diff(Some("nope")).unwrap_err().to_string();
    assert!(err.contains("nope"), "{err}");
}
