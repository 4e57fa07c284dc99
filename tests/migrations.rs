//! Schema migrations on every backend: a schema evolved through generated revisions (a new
//! table with a foreign key, a nullable column, a NOT NULL column with a server default, an
//! index, a unique constraint), rows written before each step still there after it, `check`
//! (an empty autogenerate) clean at head and dirty after a model change, and downgrade to
//! base then upgrade to head again.

mod common;

use std::path::Path;

use common::*;
use fsql::prelude::*;
use fsql::{BackendKind, Registry, TableMeta};

/// Version 1: authors.
mod v1 {
    use fsql::prelude::*;
    #[derive(Model, Debug, Clone, PartialEq)]
    #[fsql(table_name = "author")]
    pub struct Author {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(length = 80)]
        pub name: String,
    }
}

/// Version 2: books of authors (a table with a foreign key).
mod v2 {
    use fsql::prelude::*;
    #[derive(Model, Debug, Clone, PartialEq)]
    #[fsql(table_name = "book")]
    pub struct Book {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(references = super::v1::Author)]
        pub author_id: i32,
        #[fsql(length = 120)]
        pub title: String,
    }
}

/// Version 3: a nullable biography, a NOT NULL column with a server default, an index.
mod v3 {
    use fsql::prelude::*;
    #[derive(Model, Debug, Clone, PartialEq)]
    #[fsql(table_name = "author")]
    pub struct Author {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(length = 80, index)]
        pub name: String,
        #[fsql(length = 400)]
        pub bio: Option<String>,
        #[fsql(default = "0")]
        pub books_written: i32,
    }
}

/// Version 4: titles are unique.
mod v4 {
    use fsql::prelude::*;
    #[derive(Model, Debug, Clone, PartialEq)]
    #[fsql(table_name = "book")]
    pub struct Book {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(references = super::v1::Author)]
        pub author_id: i32,
        #[fsql(length = 120, unique)]
        pub title: String,
    }
}

/// Version 5: longer titles (a column's type changes).
mod v5 {
    use fsql::prelude::*;
    #[derive(Model, Debug, Clone, PartialEq)]
    #[fsql(table_name = "book")]
    pub struct Book {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(references = super::v1::Author)]
        pub author_id: i32,
        #[fsql(length = 200, unique)]
        pub title: String,
    }
}

/// Version 6: the biography is dropped, and the name index with it.
mod v6 {
    use fsql::prelude::*;
    #[derive(Model, Debug, Clone, PartialEq)]
    #[fsql(table_name = "author")]
    pub struct Author {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(length = 80)]
        pub name: String,
        #[fsql(default = "0")]
        pub books_written: i32,
    }
}

/// Version 7: books get an editor (a column with a foreign key on an existing table).
mod v7 {
    use fsql::prelude::*;
    #[derive(Model, Debug, Clone, PartialEq)]
    #[fsql(table_name = "book")]
    pub struct Book {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(references = super::v1::Author)]
        pub author_id: i32,
        #[fsql(length = 200, unique)]
        pub title: String,
        #[fsql(references = super::v1::Author)]
        pub editor_id: Option<i32>,
    }
}

/// Version 8: server defaults change: one is given to a column without, one changes value.
mod v8 {
    use fsql::prelude::*;
    #[derive(Model, Debug, Clone, PartialEq)]
    #[fsql(table_name = "author")]
    pub struct Author {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(length = 80, default = "'anonymous'")]
        pub name: String,
        #[fsql(default = "1")]
        pub books_written: i32,
    }
}

/// Version 9: a book goes with its author (a foreign key's `ON DELETE` changes).
mod v9 {
    use fsql::prelude::*;
    #[derive(Model, Debug, Clone, PartialEq)]
    #[fsql(table_name = "book")]
    pub struct Book {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(references = super::v1::Author, on_delete = "cascade")]
        pub author_id: i32,
        #[fsql(length = 200, unique)]
        pub title: String,
        #[fsql(references = super::v1::Author)]
        pub editor_id: Option<i32>,
    }
}

/// The models of each version, in order: nine revisions on every backend (SQLite rebuilds
/// `book` for the type change and the foreign keys, and `author` for its defaults).
fn versions() -> Vec<Vec<&'static TableMeta>> {
    vec![
        vec![v1::Author::META],
        vec![v1::Author::META, v2::Book::META],
        vec![v3::Author::META, v2::Book::META],
        vec![v3::Author::META, v4::Book::META],
        vec![v3::Author::META, v5::Book::META],
        vec![v6::Author::META, v5::Book::META],
        vec![v6::Author::META, v7::Book::META],
        vec![v8::Author::META, v7::Book::META],
        vec![v8::Author::META, v9::Book::META],
    ]
}

/// A database serving `tables` at `url` (the test's namespace).
fn at(url: &str, tables: &[&'static TableMeta]) -> Database {
    Database::builder()
        .url(url)
        .registry(Registry::new(tables.iter().copied()))
        .build()
        .unwrap()
}

fn count(db: &Database, table: &str) -> i64 {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = db.connection().unwrap();
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
        .get_result::<N>(&mut *conn)
        .unwrap()
        .n
}

fn evolve(url: &str, backend: BackendKind, dir: &Path) {
    let versions = versions();
    for (step, tables) in versions.iter().enumerate() {
        let db = at(url, tables);
        let revision = db.autogenerate(None).unwrap();
        assert!(
            revision.unsupported.is_empty(),
            "{backend} step {}: {:#?}",
            step + 1,
            revision.unsupported
        );
        assert!(!revision.up.is_empty(), "step {}: nothing to do", step + 1);
        revision
            .write(dir, &format!("version {}", step + 1))
            .unwrap();
        let ran = db.upgrade(None, dir).unwrap();
        assert_eq!(ran.len(), 1, "one revision per step: {ran:?}");
        assert!(
            db.autogenerate(None).unwrap().is_empty(),
            "{backend} step {}: the database matches the models after upgrade: {:#?}",
            step + 1,
            db.schema_diff(None).unwrap()
        );
        // Rows written at each step, through that step's models or by hand.
        match step {
            0 => {
                for name in ["ann", "bob"] {
                    v1::Author {
                        id: 0,
                        name: name.into(),
                    }
                    .insert(&db)
                    .unwrap();
                }
            }
            1 => {
                let ann = v1::Author::query()
                    .filter(v1::Author::name.eq("ann"))
                    .one(&db)
                    .unwrap();
                v2::Book {
                    id: 0,
                    author_id: ann.id,
                    title: "Dune".into(),
                }
                .insert(&db)
                .unwrap();
            }
            2 => {
                // The column with a server default was filled in for the rows already there.
                let authors = v3::Author::query().all(&db).unwrap();
                assert_eq!(authors.len(), 2);
                assert!(authors
                    .iter()
                    .all(|a| a.books_written == 0 && a.bio.is_none()));
            }
            6 => {
                // The new foreign key holds.
                let mut book = v7::Book::query().one(&db).unwrap();
                book.editor_id = Some(9_999);
                let err = book.clone().update(&db).unwrap_err();
                assert_eq!(
                    err.database_kind(),
                    Some(fsql::DatabaseErrorKind::ForeignKeyViolation),
                    "{err}"
                );
                book.editor_id = v1::Author::query().first(&db).unwrap().map(|a| a.id);
                book.update(&db).unwrap();
            }
            8 => {
                let mut conn = db.connection().unwrap();
                let tables = fsql::reflect::reflect_tables(&mut conn).unwrap();
                let book = tables.iter().find(|t| t.name == "book").unwrap();
                let fk = book.foreign_key(&["author_id"]).unwrap();
                assert_eq!(fk.on_delete, Some(fsql::OnDelete::Cascade), "{backend}");
            }
            7 => {
                // The database holds the new defaults.
                let mut conn = db.connection().unwrap();
                let tables = fsql::reflect::reflect_tables(&mut conn).unwrap();
                let author = tables.iter().find(|t| t.name == "author").unwrap();
                let default = |c: &str| author.column(c).unwrap().server_default.clone();
                assert_eq!(default("name").as_deref(), Some("'anonymous'"), "{backend}");
                assert_eq!(default("books_written").as_deref(), Some("1"), "{backend}");
            }
            4 => {
                // The longer type holds a longer title.
                let mut book = v5::Book::query().one(&db).unwrap();
                book.title = "D".repeat(150);
                book.update(&db).unwrap();
            }
            _ => {}
        }
        assert_eq!(count(&db, "author"), 2, "step {}", step + 1);
        if step >= 1 {
            assert_eq!(count(&db, "book"), 1, "step {}", step + 1);
        }
    }
    let head = at(url, versions.last().unwrap());
    let current = head.current_revision(None, dir).unwrap();
    assert!(current.is_some());

    // Version 6 dropped `bio`: the authors are still there, without it.
    let names: Vec<String> = v6::Author::query()
        .order_by(v6::Author::id.asc())
        .all(&head)
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["ann", "bob"]);

    // `check` is dirty when the models move on without a revision.
    let behind = at(url, &versions[2]);
    let pending = behind.autogenerate(None).unwrap();
    assert!(
        !pending.is_empty(),
        "the unique title is in the database, not in version 3"
    );

    // Down to base, then up to head again. A title too long for the older type stops the
    // downgrade at that revision, with the database's reason, until it is shortened.
    if backend != BackendKind::Sqlite {
        let err = head.downgrade(None, dir, 10).unwrap_err().to_string();
        assert!(err.contains("version_5"), "{err}");
        // Revision 7 is reverted by now: version 5's model reads the row.
        let mut book = v5::Book::query().one(&head).unwrap();
        book.title = "Dune".into();
        book.update(&head).unwrap();
    }
    head.downgrade(None, dir, 10).unwrap();
    assert_eq!(head.current_revision(None, dir).unwrap(), None);
    let tables = catalog_tables(&head, None);
    assert!(
        !tables.iter().any(|t| t == "author" || t == "book"),
        "{tables:?}"
    );
    let ran = head.upgrade(None, dir).unwrap();
    assert_eq!(ran.len(), versions.len());
    assert!(head.autogenerate(None).unwrap().is_empty());
    assert_eq!(head.current_revision(None, dir).unwrap(), current);

    // Two processes upgrading at once take turns on the migration lock: each revision runs
    // once, and neither fails.
    head.downgrade(None, dir, 10).unwrap();
    let runs: Vec<usize> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let db = at(url, versions.last().unwrap());
                    db.upgrade(None, dir).unwrap().len()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    assert_eq!(runs.iter().sum::<usize>(), versions.len(), "{runs:?}");
    assert!(head.autogenerate(None).unwrap().is_empty());
}

#[test]
fn a_schema_evolves_through_generated_revisions_on_every_backend() {
    for t in each_backend(&[]) {
        eprintln!("backend: {}", t.backend);
        let dir = tempfile::tempdir().unwrap();
        let url = shared_url(&t, dir.path());
        evolve(&url, t.backend, &dir.path().join("migrations"));
    }
}

/// Writes one revision per version in `versions`, generated against a scratch database, and
/// returns their versions' digits.
fn revisions_of(
    versions: &[Vec<&'static TableMeta>],
    scratch_url: &str,
    dir: &Path,
) -> Vec<String> {
    let mut out = Vec::new();
    for (i, tables) in versions.iter().enumerate() {
        let db = at(scratch_url, tables);
        let path = db
            .autogenerate(None)
            .unwrap()
            .write(dir, &format!("step {}", i + 1))
            .unwrap();
        db.upgrade(None, dir).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        out.push(name.split('_').next().unwrap().replace('-', ""));
    }
    out
}

#[test]
fn upgrade_and_downgrade_to_a_named_revision_and_stamp_on_every_backend() {
    let versions = [
        vec![v1::Author::META],
        vec![v1::Author::META, v2::Book::META],
        vec![v3::Author::META, v2::Book::META],
    ];
    for t in each_backend(&[]) {
        eprintln!("backend: {}", t.backend);
        let dir = tempfile::tempdir().unwrap();
        let migrations = dir.path().join("migrations");
        let scratch = format!("sqlite:///{}", dir.path().join("scratch.db").display());
        // Revisions are SQL for their backend: write them against this backend.
        let url = shared_url(&t, dir.path());
        let scratch = if t.backend == BackendKind::Sqlite {
            scratch
        } else {
            url.clone()
        };
        let ids = revisions_of(&versions, &scratch, &migrations);
        let head = at(&url, versions.last().unwrap());
        if t.backend != BackendKind::Sqlite {
            // The scratch database was this one: back to base first.
            head.downgrade_to(None, &migrations, "base").unwrap();
        }
        assert_eq!(head.current_revision(None, &migrations).unwrap(), None);

        // Up to the second revision only, named by its version in either spelling.
        let dashed = format!(
            "{}-{}-{}-{}",
            &ids[1][..4],
            &ids[1][4..6],
            &ids[1][6..8],
            &ids[1][8..]
        );
        let ran = head.upgrade_to(None, &migrations, &dashed).unwrap();
        assert_eq!(ran, ids[..2]);
        assert_eq!(
            head.current_revision(None, &migrations).unwrap().as_deref(),
            Some(ids[1].as_str())
        );
        let ran = head.upgrade_to(None, &migrations, "head").unwrap();
        assert_eq!(ran, ids[2..]);

        // Down to the first.
        let reverted = head.downgrade_to(None, &migrations, &ids[0]).unwrap();
        assert_eq!(reverted, [ids[2].clone(), ids[1].clone()]);
        assert_eq!(
            head.current_revision(None, &migrations).unwrap().as_deref(),
            Some(ids[0].as_str())
        );
        let err = head
            .downgrade_to(None, &migrations, "1999-01-01-000000")
            .unwrap_err()
            .to_string();
        assert!(err.contains("no revision `1999-01-01-000000`"), "{err}");

        // A database made without revisions (create_all) is stamped at head: nothing runs,
        // and later revisions would start from there.
        head.downgrade_to(None, &migrations, "base").unwrap();
        at(&url, versions.last().unwrap()).create_all().unwrap();
        let changed = head.stamp(None, &migrations, "head").unwrap();
        assert_eq!(changed, ids);
        assert!(head.upgrade(None, &migrations).unwrap().is_empty());
        assert!(head.autogenerate(None).unwrap().is_empty());
        let unmarked = head.stamp(None, &migrations, &ids[0]).unwrap();
        assert_eq!(unmarked, ids[1..]);
        assert_eq!(
            head.history(None, &migrations)
                .unwrap()
                .iter()
                .map(|(_, ran)| *ran)
                .collect::<Vec<_>>(),
            [true, false, false]
        );
    }
}

/// A revision compiled into the test binary (`tests/data/embedded`).
const EMBEDDED: diesel_migrations::EmbeddedMigrations =
    diesel_migrations::embed_migrations!("tests/data/embedded");

#[test]
fn revisions_embedded_in_the_binary_run_without_their_directory() {
    for t in each_backend(&[]) {
        eprintln!("backend: {}", t.backend);
        let ran = t.db.upgrade_embedded(None, EMBEDDED).unwrap();
        assert_eq!(ran, ["20260101000000"]);
        assert!(catalog_tables(&t.db, None).iter().any(|n| n == "widget"));
        assert!(t.db.upgrade_embedded(None, EMBEDDED).unwrap().is_empty());
        let err =
            t.db.upgrade_embedded(Some("nope"), EMBEDDED)
                .unwrap_err()
                .to_string();
        assert!(err.contains("nope"), "{err}");
    }
}

#[test]
fn sqlite_rebuilds_a_table_for_what_alter_table_cannot_do() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:///{}", dir.path().join("app.db").display());
    let old = at(&url, &[v1::Author::META, v4::Book::META]);
    old.create_all().unwrap();
    let ann = v1::Author {
        id: 0,
        name: "ann".into(),
    }
    .insert(&old)
    .unwrap();
    v4::Book {
        id: 0,
        author_id: ann.id,
        title: "Dune".into(),
    }
    .insert(&old)
    .unwrap();
    let new = at(&url, &[v1::Author::META, v7::Book::META]);
    let revision = new.autogenerate(None).unwrap();
    assert_eq!(revision.rebuilt, ["book"]);
    assert!(
        revision.unsupported.is_empty(),
        "{:#?}",
        revision.unsupported
    );
    let up = revision.up_sql();
    assert!(
        up.starts_with("PRAGMA foreign_keys = OFF;\nBEGIN;\n"),
        "{up}"
    );
    assert!(up.contains("_fsql_rebuild_book"), "{up}");
    assert!(up.ends_with("COMMIT;\nPRAGMA foreign_keys = ON;\n"), "{up}");
    let migrations = dir.path().join("migrations");
    let path = revision.write(&migrations, "rebuild books").unwrap();
    assert_eq!(
        std::fs::read_to_string(path.join("metadata.toml")).unwrap(),
        "run_in_transaction = false\n"
    );
    new.upgrade(None, &migrations).unwrap();
    assert!(new.autogenerate(None).unwrap().is_empty());
    let book = v7::Book::query().one(&new).unwrap();
    assert_eq!((book.title.as_str(), book.editor_id), ("Dune", None));
    // The foreign keys are on again, and hold.
    let mut orphan = book.clone();
    orphan.editor_id = Some(404);
    assert_eq!(
        orphan.update(&new).unwrap_err().database_kind(),
        Some(fsql::DatabaseErrorKind::ForeignKeyViolation)
    );
    // And back: the old shape, the row still there.
    new.downgrade(None, &migrations, 1).unwrap();
    assert!(
        old.autogenerate(None).unwrap().is_empty(),
        "{:#?}",
        old.schema_diff(None)
    );
    assert_eq!(v4::Book::query().one(&old).unwrap().title, "Dune");
}

/// Tables no model declares are listed by default; with `drop_tables` the revision drops them,
/// children first, and `down.sql` brings them back as they were (without their rows).
#[test]
fn tables_no_model_declares_are_dropped_only_when_asked() {
    use fsql::schema::SchemaDifference;
    for t in each_backend(&[]) {
        eprintln!("backend: {}", t.backend);
        let dir = tempfile::tempdir().unwrap();
        let url = shared_url(&t, dir.path());
        let migrations = dir.path().join("migrations");
        let both = [v3::Author::META, v5::Book::META];
        let full = at(&url, &both);
        full.autogenerate(None)
            .unwrap()
            .write(&migrations, "authors and books")
            .unwrap();
        full.upgrade(None, &migrations).unwrap();

        // Books leave the models: listed, not dropped.
        let authors = at(&url, &[v3::Author::META]);
        let kept = authors.autogenerate(None).unwrap();
        assert!(kept.up.is_empty(), "{:?}", kept.up);
        assert!(
            matches!(&kept.unsupported[..], [SchemaDifference::ExtraTable(b)] if b.name == "book"),
            "{:?}",
            kept.unsupported
        );

        // Asked to: authors go too when they leave, after the books that refer to them.
        let nothing = at(&url, &[]);
        let options = fsql::Autogenerate::default().drop_tables(true);
        let dropping = nothing.autogenerate_with(None, &options).unwrap();
        assert!(
            dropping.unsupported.is_empty(),
            "{:?}",
            dropping.unsupported
        );
        assert_eq!(dropping.up.len(), 2, "{:?}", dropping.up);
        assert!(dropping.up[0].contains("book") && dropping.up[1].contains("author"));
        dropping.write(&migrations, "drop everything").unwrap();
        nothing.upgrade(None, &migrations).unwrap();
        let tables = catalog_tables(&nothing, None);
        assert!(
            !tables.iter().any(|t| t == "author" || t == "book"),
            "{tables:?}"
        );

        // Down: both come back as the models declared them, keys still assigned.
        full.downgrade(None, &migrations, 1).unwrap();
        let diff = full.schema_diff(None).unwrap();
        assert!(diff.is_empty(), "{}: {diff:#?}", t.backend);
        let ann = v3::Author {
            id: 0,
            name: "ann".into(),
            bio: None,
            books_written: 0,
        }
        .insert(&full)
        .unwrap();
        assert!(ann.id > 0);
    }
}

#[test]
fn a_drop_and_an_add_of_one_type_are_flagged_as_a_possible_rename() {
    mod renamed {
        use fsql::prelude::*;
        #[derive(Model, Debug, Clone, PartialEq)]
        #[fsql(table_name = "author")]
        pub struct Author {
            #[fsql(primary_key)]
            pub id: i32,
            #[fsql(length = 80)]
            pub full_name: String,
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:///{}", dir.path().join("app.db").display());
    at(&url, &[v1::Author::META]).create_all().unwrap();
    let revision = at(&url, &[renamed::Author::META])
        .autogenerate(None)
        .unwrap();
    assert_eq!(revision.up.len(), 2, "an add and a drop: {:?}", revision.up);
    assert_eq!(revision.notes.len(), 1, "{:?}", revision.notes);
    let up = revision.up_sql();
    assert!(
        up.starts_with(
            "-- table `author`: `name` dropped and `full_name` added look like a rename"
        ),
        "{up}"
    );
}

#[test]
fn revisions_are_written_in_diesels_format_per_bind() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:///{}", dir.path().join("app.db").display());
    let db = at(&url, &[v1::Author::META]);
    let revision = db.autogenerate(None).unwrap();
    let first = revision.write(dir.path(), "Create authors!").unwrap();
    let second = revision.write(dir.path(), "again").unwrap();
    let name = |p: &Path| p.file_name().unwrap().to_string_lossy().into_owned();
    assert!(first.starts_with(dir.path().join("default")));
    assert!(name(&first).ends_with("_create_authors"), "{first:?}");
    // Diesel's CLI format, and a later revision sorts after an earlier one in one second.
    let version = name(&first);
    let version = version.split('_').next().unwrap();
    assert_eq!(version.len(), "2026-12-07-194512".len(), "{version}");
    assert!(name(&second) > name(&first));
    let up = std::fs::read_to_string(first.join("up.sql")).unwrap();
    let down = std::fs::read_to_string(first.join("down.sql")).unwrap();
    assert!(up.contains("CREATE TABLE") && up.contains("author"), "{up}");
    assert!(
        down.contains("DROP TABLE") && down.contains("author"),
        "{down}"
    );

    // A directory with no revisions for the bind is a clear error.
    let err = db
        .upgrade(None, dir.path().join("nowhere"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no revisions for"), "{err}");
    assert!(err.contains("nowhere"), "{err}");
}

#[test]
fn what_is_not_generated_is_listed_and_written_as_comments() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:///{}", dir.path().join("app.db").display());
    at(&url, &[v1::Author::META, v2::Book::META])
        .create_all()
        .unwrap();
    // The models no longer have `book`: dropping a table is never generated.
    let revision = at(&url, &[v1::Author::META]).autogenerate(None).unwrap();
    assert!(revision.up.is_empty(), "{:?}", revision.up);
    assert_eq!(revision.unsupported.len(), 1, "{:#?}", revision.unsupported);
    let up = revision.up_sql();
    assert!(
        up.contains(
            "-- not generated, write it by hand: table `book`: in the database but not declared"
        ),
        "{up}"
    );
    assert!(!revision.is_empty());
}

/// A revision of three statements whose second fails. MySQL commits each schema change by
/// itself: the first stays applied, and the error names the second, its number and its text,
/// for its author to finish by hand. SQLite and PostgreSQL roll all of it back. Either way the
/// revision is not recorded as run.
#[test]
fn a_revision_failing_half_way_names_the_statement_on_mysql_and_rolls_back_elsewhere() {
    for t in each_backend(&[]) {
        eprintln!("backend: {}", t.backend);
        let dir = tempfile::tempdir().unwrap();
        let revision = |name: &str, up: &str, down: &str| {
            let path = dir.path().join("default").join(name);
            std::fs::create_dir_all(&path).unwrap();
            std::fs::write(path.join("up.sql"), up).unwrap();
            std::fs::write(path.join("down.sql"), down).unwrap();
        };
        revision(
            "2026-01-01-000000_gauges",
            "CREATE TABLE gauge (id INTEGER PRIMARY KEY);\n",
            "DROP TABLE gauge;\n",
        );
        revision(
            "2026-01-02-000000_three_steps",
            "-- A `;` in a comment; in a string or in quotes ends no statement.\n\
             CREATE TABLE gadget (id INTEGER PRIMARY KEY, note VARCHAR(40) DEFAULT 'a;b');\n\
             INSERT INTO no_such_table (id)\n    VALUES (1);\n\
             CREATE TABLE gizmo (id INTEGER PRIMARY KEY);\n",
            "DROP TABLE gizmo;\nDROP TABLE gadget;\n",
        );
        let err = t.db.upgrade(None, dir.path()).unwrap_err().to_string();
        eprintln!("{err}");
        assert!(err.contains("2026-01-02-000000_three_steps"), "{err}");
        let tables = catalog_tables(&t.db, None);
        let has = |name: &str| tables.iter().any(|t| t == name);
        assert!(has("gauge") && !has("gizmo"), "{tables:?}");
        if t.backend == BackendKind::Mysql {
            assert!(
                err.contains(
                    "at statement 2 of 3, `INSERT INTO no_such_table (id) VALUES (1)`: Table"
                ),
                "{err}"
            );
            assert!(err.contains("statement 1 stays applied"), "{err}");
            assert!(has("gadget"), "the first statement ran: {tables:?}");
        } else {
            assert!(!has("gadget"), "all of it rolled back: {tables:?}");
        }
        assert_eq!(
            t.db.current_revision(None, dir.path()).unwrap().as_deref(),
            Some("20260101000000")
        );
        let ran: Vec<bool> =
            t.db.history(None, dir.path())
                .unwrap()
                .into_iter()
                .map(|(_, ran)| ran)
                .collect();
        assert_eq!(ran, [true, false]);
        if t.backend == BackendKind::Mysql {
            // As the error says: finished by hand (without the insert), then stamped.
            let mut conn = t.db.connection().unwrap();
            diesel::connection::SimpleConnection::batch_execute(
                &mut *conn,
                "CREATE TABLE gizmo (id INTEGER PRIMARY KEY)",
            )
            .unwrap();
            drop(conn);
            t.db.stamp(None, dir.path(), "head").unwrap();
            assert_eq!(
                t.db.current_revision(None, dir.path()).unwrap().as_deref(),
                Some("20260102000000")
            );
            assert!(t.db.upgrade(None, dir.path()).unwrap().is_empty());
        }
    }
}
