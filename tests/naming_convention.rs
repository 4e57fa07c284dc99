//! Constraint naming conventions (SQLAlchemy's `MetaData(naming_convention=...)`): the seeds'
//! example convention names constraints as SQLAlchemy does, on every backend, checked through
//! each backend's catalog.

mod common;

use common::*;
use fsql::prelude::*;
use fsql::{BackendKind, NamingConvention, Registry};

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Author {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(unique, length = 80)]
    pub email: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Article {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Author)]
    pub author_id: i32,
    #[fsql(index, length = 200)]
    pub title: String,
}

/// The convention from the seeds (Flask-SQLAlchemy's docs, "Using custom MetaData and naming
/// conventions").
fn seeds_convention() -> NamingConvention {
    let mut c = NamingConvention::default();
    c.set("ix", "ix_%(column_0_label)s").unwrap();
    c.set("uq", "uq_%(table_name)s_%(column_0_name)s").unwrap();
    c.set("ck", "ck_%(table_name)s_%(constraint_name)s")
        .unwrap();
    c.set(
        "fk",
        "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    )
    .unwrap();
    c.set("pk", "pk_%(table_name)s").unwrap();
    c
}

fn constraint_names(db: &Database, backend: BackendKind, table: &str) -> Vec<String> {
    let sql = match backend {
        BackendKind::Postgres => format!(
            "SELECT conname::text AS c0, NULL::text AS c1, NULL::text AS c2, NULL::text AS c3 \
             FROM pg_constraint WHERE conrelid = '{table}'::regclass \
             UNION SELECT indexname::text, NULL, NULL, NULL FROM pg_indexes \
             WHERE schemaname = current_schema() AND tablename = '{table}' ORDER BY 1"
        ),
        BackendKind::Mysql => format!(
            "SELECT CAST(constraint_name AS CHAR) AS c0, NULL AS c1, NULL AS c2, NULL AS c3 \
             FROM information_schema.table_constraints \
             WHERE table_schema = DATABASE() AND table_name = '{table}' \
             UNION SELECT CAST(index_name AS CHAR), NULL, NULL, NULL FROM information_schema.statistics \
             WHERE table_schema = DATABASE() AND table_name = '{table}' ORDER BY 1"
        ),
        _ => format!(
            "SELECT sql AS c0, NULL AS c1, NULL AS c2, NULL AS c3 FROM sqlite_master \
             WHERE tbl_name = '{table}' AND sql IS NOT NULL ORDER BY 1"
        ),
    };
    rows4(db, &sql).into_iter().map(|[v, ..]| v).collect()
}

#[test]
fn seeds_convention_names_constraints_like_sqlalchemy() {
    for t in each_backend(&[]) {
        eprintln!("backend: {}", t.backend);
        // The same server namespace, with the convention and the models.
        let db = Database::builder()
            .url(t.db.url(None).unwrap().masked()) // test URLs carry no password
            .naming_convention(seeds_convention())
            .registry(Registry::new([Author::META, Article::META]))
            .build()
            .unwrap();
        db.create_all().unwrap();
        let author = constraint_names(&db, t.backend, "author").join("\n");
        let article = constraint_names(&db, t.backend, "article").join("\n");
        match t.backend {
            BackendKind::Sqlite => {
                // SQLite keeps names in the table's SQL; it has no catalog of constraint names,
                // and foreign keys are written without one.
                assert!(
                    author.contains(r#"CONSTRAINT "pk_author" PRIMARY KEY ("id")"#),
                    "{author}"
                );
                assert!(
                    author.contains(r#"CONSTRAINT "uq_author_email" UNIQUE ("email")"#),
                    "{author}"
                );
                assert!(
                    article.contains(r#"CREATE INDEX "ix_article_title""#),
                    "{article}"
                );
            }
            BackendKind::Postgres => {
                for name in ["pk_author", "uq_author_email"] {
                    assert!(
                        author.lines().any(|l| l == name),
                        "{name} missing from:\n{author}"
                    );
                }
                for name in [
                    "pk_article",
                    "fk_article_author_id_author",
                    "ix_article_title",
                ] {
                    assert!(
                        article.lines().any(|l| l == name),
                        "{name} missing from:\n{article}"
                    );
                }
            }
            _ => {
                // MySQL calls every primary key PRIMARY, whatever it is given.
                assert!(author.lines().any(|l| l == "uq_author_email"), "{author}");
                for name in ["fk_article_author_id_author", "ix_article_title"] {
                    assert!(
                        article.lines().any(|l| l == name),
                        "{name} missing from:\n{article}"
                    );
                }
            }
        }
        // A unique violation still maps to the right kind with named constraints.
        Author {
            id: 0,
            email: "a@x".into(),
        }
        .insert(&db)
        .unwrap();
        let e = Author {
            id: 0,
            email: "a@x".into(),
        }
        .insert(&db)
        .unwrap_err();
        assert_eq!(
            e.database_kind(),
            Some(fsql::DatabaseErrorKind::UniqueViolation),
            "{e}"
        );
        db.drop_all().unwrap();
    }
}
