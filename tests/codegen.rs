//! `db.codegen()` (`fsql db codegen`): models generated from a database fsql did not create,
//! on every backend. The schema (`tests/data/codegen/<backend>.sql`) has what an existing
//! application's has: an autoincrement key, nullable and NOT NULL columns, server defaults,
//! single and composite unique constraints and indexes, foreign keys with `ON DELETE`, an
//! association table, and names that are keywords in SQL (`order`, `group`) or Rust (`type`),
//! a column that would hide `Model::query` and a camelCase column.
//!
//! The generated source of each backend is kept in `tests/data/codegen/<backend>.rs` and
//! compiled into this test, so the test proves three things: codegen writes exactly that
//! source (regenerate with `FSQL_BLESS_CODEGEN=1 cargo test --test codegen`), the source
//! compiles, and its models describe the database: `check` is clean against the database they
//! came from, and `create_all` from them makes a database from which codegen writes the same
//! source again.

mod common;

use common::*;
use fsql::reflect::reflect_tables;
use fsql::schema::{compare_schemas, TableSchema};
use fsql::{BackendKind, Database, TableMeta};

mod sqlite_models {
    include!("data/codegen/sqlite.rs");
}
mod postgres_models {
    include!("data/codegen/postgres.rs");
}
mod mysql_models {
    include!("data/codegen/mysql.rs");
}

struct Fixture {
    schema: &'static str,
    source: &'static str,
    path: &'static str,
    tables: &'static [&'static TableMeta],
}

fn fixture(backend: BackendKind) -> Fixture {
    match backend {
        BackendKind::Sqlite => Fixture {
            schema: include_str!("data/codegen/sqlite.sql"),
            source: include_str!("data/codegen/sqlite.rs"),
            path: "tests/data/codegen/sqlite.rs",
            tables: sqlite_models::TABLES,
        },
        BackendKind::Postgres => Fixture {
            schema: include_str!("data/codegen/postgres.sql"),
            source: include_str!("data/codegen/postgres.rs"),
            path: "tests/data/codegen/postgres.rs",
            tables: postgres_models::TABLES,
        },
        _ => Fixture {
            schema: include_str!("data/codegen/mysql.sql"),
            source: include_str!("data/codegen/mysql.rs"),
            path: "tests/data/codegen/mysql.rs",
            tables: mysql_models::TABLES,
        },
    }
}

fn reflect(db: &Database) -> Vec<TableSchema> {
    let mut conn = db.connection().unwrap();
    reflect_tables(&mut conn).unwrap()
}

fn assert_models_match(tables: &[&'static TableMeta], db: &Database, what: &str) {
    let declared: Vec<TableSchema> = tables.iter().map(|t| TableSchema::from(*t)).collect();
    let diffs = compare_schemas(&declared, &reflect(db));
    assert!(
        diffs.is_empty(),
        "{what}: the generated models differ from the database:\n  {}",
        diffs.join("\n  ")
    );
}

#[test]
fn generated_models_compile_match_the_database_and_round_trip() {
    for t in each_backend(&[]) {
        let f = fixture(t.backend);
        {
            use diesel::connection::SimpleConnection;
            let mut conn = t.db.connection().unwrap();
            conn.batch_execute(f.schema)
                .unwrap_or_else(|e| panic!("{} schema: {e}", t.backend));
        }
        let source = t.db.codegen(None).unwrap();
        if std::env::var_os("FSQL_BLESS_CODEGEN").is_some() && source != f.source {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(f.path);
            std::fs::write(&path, &source).unwrap();
            panic!("{} written again: run the test once more", f.path);
        }
        assert_eq!(
            source, f.source,
            "{}: codegen no longer writes {} (FSQL_BLESS_CODEGEN=1 writes it again)",
            t.backend, f.path
        );
        let what = format!("{} source database", t.backend);
        assert_models_match(f.tables, &t.db, &what);
        assert!(
            t.db.schema_diff(fsql::Binds::All).unwrap().is_empty(),
            "{}: db check is not clean",
            t.backend
        );

        // A fresh database of this backend, made by create_all from the generated models.
        let again = on_backend(t.backend, f.tables);
        assert_models_match(f.tables, &again.db, &format!("{} create_all", t.backend));
        assert_eq!(
            again.db.codegen(None).unwrap(),
            source,
            "{}: codegen of the database create_all made differs",
            t.backend
        );
    }
}
/// The models work as models: rows go in through them and come back.
#[test]
fn generated_models_read_and_write() {
    use fsql::prelude::*;
    use sqlite_models::{Author, Book, Profile};
    let db = sqlite_memory(sqlite_models::TABLES);
    db.create_all().unwrap();
    let author = Author {
        id: 0,
        name: "Ann".into(),
        email: None,
        bio: None,
        born: Some(1970),
        rating: None,
        active: true,
        status: "draft".into(),
    }
    .insert(&db)
    .unwrap();
    let book = Book {
        id: 0,
        author_id: author.id,
        title: "Rust".into(),
        type_: Some("novel".into()),
        price: None,
        cover: None,
        sold: 3,
    }
    .insert(&db)
    .unwrap();
    let found = Book::query()
        .filter(Book::type_.eq("novel"))
        .all(&db)
        .unwrap();
    assert_eq!(found, vec![book]);

    // `autoincrement = false`: the key is the value given, the author's.
    let profile = Profile {
        author_id: author.id,
        motto: Some("ship it".into()),
    }
    .insert(&db)
    .unwrap();
    assert_eq!(profile.author_id, author.id);
    assert_eq!(Profile::query().all(&db).unwrap(), vec![profile]);
}

#[cfg(all(
    feature = "postgres",
    feature = "chrono",
    feature = "uuid",
    feature = "decimal",
    feature = "serde"
))]
mod odd_postgres_models {
    include!("data/codegen/odd_postgres.rs");
}
#[cfg(all(feature = "mysql", feature = "chrono", feature = "decimal"))]
mod odd_mysql_models {
    include!("data/codegen/odd_mysql.rs");
}

/// Codegen from `sql` on `backend`: the source is `path`'s (written again under
/// `FSQL_BLESS_CODEGEN`), `create_all` of its models succeeds in a fresh database, and the
/// models differ from the source database only as `expected` says.
#[allow(dead_code)] // used under some features only
fn odd_schema(
    backend: BackendKind,
    sql: &str,
    path: &str,
    fixture: &str,
    tables: &'static [&'static TableMeta],
    expected: &[&str],
) -> TestDb {
    let t = on_backend(backend, &[]);
    {
        use diesel::connection::SimpleConnection;
        t.db.connection().unwrap().batch_execute(sql).unwrap();
    }
    let source = t.db.codegen(None).unwrap();
    if std::env::var_os("FSQL_BLESS_CODEGEN").is_some() && source != fixture {
        let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        std::fs::write(&full, &source).unwrap();
        panic!("{path} written again: run the test once more");
    }
    assert_eq!(source, fixture, "codegen no longer writes {path}");
    let declared: Vec<TableSchema> = tables.iter().map(|t| TableSchema::from(*t)).collect();
    let diffs = compare_schemas(&declared, &reflect(&t.db));
    assert_eq!(diffs, expected, "{backend}");
    let again = on_backend(backend, tables);
    assert_models_match(tables, &again.db, &format!("{backend} create_all"));
    again
}

/// PostgreSQL's own types (JSONB, TIMESTAMPTZ, UUID, NUMERIC, INET, arrays), an identity key,
/// a composite key, names that are not Rust identifiers; and what fsql cannot declare, which
/// is all that differs.
#[cfg(all(
    feature = "postgres",
    feature = "chrono",
    feature = "uuid",
    feature = "decimal",
    feature = "serde"
))]
#[test]
fn postgres_types_and_names_generate_compiling_models() {
    use fsql::prelude::*;
    use odd_postgres_models::{Office, Region};
    let t = odd_schema(
        BackendKind::Postgres,
        include_str!("data/codegen/odd_postgres.sql"),
        "tests/data/codegen/odd_postgres.rs",
        include_str!("data/codegen/odd_postgres.rs"),
        odd_postgres_models::TABLES,
        &[
            "table `UserAccount`: index `ix_lower_email` ((expression)): in the database but not declared",
            "table `audit_log`: primary key: declared (at, message), database ()",
            "table `office`: foreign key (country, code) -> region(country, code): in the database but not declared",
        ],
    );
    // A fixed-width text key reads back as the String it was written as.
    let region = Region {
        country: "NZ".into(),
        code: "AKL".into(),
        name: "Auckland".into(),
    }
    .insert(&t.db)
    .unwrap();
    let office = Office {
        id: 0,
        country: region.country.clone(),
        code: region.code.clone(),
    }
    .insert(&t.db)
    .unwrap();
    assert!(office.id > 0);
    assert_eq!(Region::query().all(&t.db).unwrap(), vec![region]);
}

/// MySQL's unsigned, tiny and medium integers and its ENUM: nothing differs.
#[cfg(all(feature = "mysql", feature = "chrono", feature = "decimal"))]
#[test]
fn mysql_types_generate_compiling_models() {
    use fsql::prelude::*;
    use odd_mysql_models::Counter;
    let t = odd_schema(
        BackendKind::Mysql,
        include_str!("data/codegen/odd_mysql.sql"),
        "tests/data/codegen/odd_mysql.rs",
        include_str!("data/codegen/odd_mysql.rs"),
        odd_mysql_models::TABLES,
        &[],
    );
    // Unsigned, tiny and medium integers and the ENUM read back as written.
    let counter = Counter {
        id: 0,
        hits: 4_000_000_000,
        small: Some(-100),
        mid: 8_000_000,
        kind: "b".into(),
        at: None,
        price: None,
    }
    .insert(&t.db)
    .unwrap();
    assert!(counter.id > 0);
    assert_eq!(Counter::query().all(&t.db).unwrap(), vec![counter]);
}
