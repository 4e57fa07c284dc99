//! Reflection (`db.reflect()`): what `create_all` made, read back from each backend's catalog,
//! is what the models declare.

mod common;

use common::*;
use fsql::prelude::*;
use fsql::reflect::reflect_tables;
use fsql::schema::{compare_schemas, compare_tables, TableSchema};
use fsql::{BackendKind, ColumnMeta, ColumnType, ForeignKeyMeta, IndexMeta, OnDelete, TableMeta};

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Author {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(unique, length = 80)]
    pub name: String,
    #[fsql(index)]
    pub email: Option<String>,
    #[fsql(unique, index, length = 40)]
    pub handle: String,
    pub born: Option<i16>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Book {
    #[fsql(primary_key)]
    pub id: i64,
    #[fsql(references = Author, on_delete = "cascade")]
    pub author_id: i32,
    pub title: String,
    pub rating: f32,
    pub price: Option<f64>,
    pub in_print: bool,
    pub cover: Option<Vec<u8>>,
    pub sold: i64,
}

/// Composite key, half of it a foreign key: nothing autoincrements.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Edition {
    #[fsql(primary_key, references = Book, on_delete = "cascade")]
    pub book_id: i64,
    #[fsql(primary_key, length = 20)]
    pub code: String,
    pub copies: i32,
    pub digest: Vec<u8>,
}

/// `order` and `type` are SQL keywords.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Order {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(column = "type", length = 10)]
    pub kind: String,
    #[fsql(references = Author, on_delete = "set null")]
    pub author_id: Option<i32>,
    /// No action, no index of its own (MySQL adds one).
    #[fsql(references = Book)]
    pub book_id: i64,
    pub note: Option<String>,
}

const fn col(name: &'static str, ty: ColumnType) -> ColumnMeta {
    ColumnMeta::new(name, ty)
}

/// Composite indexes, one unique and one named, declared on the struct.
#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(unique(tag, book_id), index(weight, tag, name = "tagging_by_weight"))]
pub struct Tagging {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Book, on_delete = "restrict")]
    pub book_id: i64,
    #[fsql(length = 30)]
    pub tag: String,
    pub weight: Option<f64>,
}

/// What `Tagging`'s attributes mean, written out by hand.
static TAGGING: TableMeta = TableMeta {
    model: "Tagging",
    name: "tagging",
    bind: None,
    columns: &[
        ColumnMeta {
            primary_key: true,
            autoincrement: true,
            ..col("id", ColumnType::Integer)
        },
        col("book_id", ColumnType::BigInt),
        col("tag", ColumnType::Varchar(30)),
        ColumnMeta {
            nullable: true,
            ..col("weight", ColumnType::Double)
        },
    ],
    primary_key: &["id"],
    foreign_keys: &[ForeignKeyMeta {
        columns: &["book_id"],
        referred_table: "book",
        referred_columns: &["id"],
        on_delete: Some(OnDelete::Restrict),
    }],
    indexes: &[
        IndexMeta {
            name: None,
            columns: &["tag", "book_id"],
            unique: true,
        },
        IndexMeta {
            name: Some("tagging_by_weight"),
            columns: &["weight", "tag"],
            unique: false,
        },
    ],
    inherits: None,
};

fn metas() -> [&'static TableMeta; 5] {
    [
        Author::META,
        Book::META,
        Edition::META,
        Order::META,
        Tagging::META,
    ]
}

#[test]
fn struct_level_indexes_are_the_table_meta_written_by_hand() {
    assert_eq!(*Tagging::META, TAGGING);
}

fn declared() -> Vec<TableSchema> {
    metas().into_iter().map(TableSchema::from).collect()
}

fn reflect(t: &TestDb) -> Vec<TableSchema> {
    let mut conn = t.db.connection().unwrap();
    reflect_tables(&mut conn).unwrap_or_else(|e| panic!("reflect on {}: {e}", t.backend))
}

fn table<'a>(tables: &'a [TableSchema], name: &str) -> &'a TableSchema {
    tables
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no table `{name}` in {tables:#?}"))
}

#[test]
fn create_all_then_reflect_gives_the_declared_schema() {
    let declared = declared();
    for t in each_backend(&metas()) {
        eprintln!("backend: {}", t.backend);
        let reflected = reflect(&t);
        if std::env::var_os("FSQL_DUMP_REFLECTED").is_some() {
            eprintln!("{reflected:#?}");
        }
        let names: Vec<_> = reflected.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            ["author", "book", "edition", "order", "tagging"],
            "{}",
            t.backend
        );
        let diffs = compare_schemas(&declared, &reflected);
        assert!(
            diffs.is_empty(),
            "on {}, the reflected schema differs from the models:\n  {}\nreflected: {reflected:#?}",
            t.backend,
            diffs.join("\n  ")
        );
    }
}

#[test]
fn reflected_details() {
    for t in each_backend(&metas()) {
        let b = t.backend;
        let tables = reflect(&t);

        let author = table(&tables, "author");
        assert_eq!(author.primary_key, ["id"], "{b}");
        let id = author.column("id").unwrap();
        assert!(id.autoincrement && !id.nullable, "{b}: {id:?}");
        assert_eq!(id.ty, Some(ColumnType::Integer), "{b}");
        let names: Vec<_> = author.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "name", "email", "handle", "born"], "{b}");
        let born = author.column("born").unwrap();
        assert!(born.nullable && !born.autoincrement, "{b}: {born:?}");
        assert_eq!(born.ty, Some(ColumnType::SmallInt), "{b}: {born:?}");
        assert!(!author.column("name").unwrap().nullable, "{b}");
        assert_eq!(
            author.column("name").unwrap().ty,
            Some(ColumnType::Varchar(80)),
            "{b}"
        );
        // `unique` alone is a constraint; `unique, index` a unique index; `index` an index.
        assert!(
            author
                .unique_constraints
                .iter()
                .any(|u| u.columns == ["name"]),
            "{b}: {:?}",
            author.unique_constraints
        );
        let ix = author.index("ix_author_handle").unwrap();
        assert!(ix.unique && ix.columns == ["handle"], "{b}: {ix:?}");
        let ix = author.index("ix_author_email").unwrap();
        assert!(!ix.unique && ix.columns == ["email"], "{b}: {ix:?}");
        assert!(author.is_unique(&["name"]) && !author.is_unique(&["email"]));

        let book = table(&tables, "book");
        let fk = book.foreign_key(&["author_id"]).unwrap();
        assert_eq!(
            (
                fk.referred_table.as_str(),
                &fk.referred_columns[..],
                fk.on_delete
            ),
            ("author", &["id".to_owned()][..], Some(OnDelete::Cascade)),
            "{b}"
        );
        assert_eq!(
            fk.to_string(),
            "(author_id) -> author(id) ON DELETE CASCADE"
        );
        let ty = |name: &str| book.column(name).unwrap().ty;
        // SQLite's rowid is `INTEGER PRIMARY KEY` whatever the Rust type.
        let key = match b {
            BackendKind::Sqlite => ColumnType::Integer,
            _ => ColumnType::BigInt,
        };
        assert_eq!(ty("id"), Some(key), "{b}");
        assert!(book.column("id").unwrap().autoincrement, "{b}");
        assert_eq!(ty("rating"), Some(ColumnType::Float), "{b}");
        assert_eq!(ty("price"), Some(ColumnType::Double), "{b}");
        assert_eq!(ty("in_print"), Some(ColumnType::Bool), "{b}");
        assert_eq!(ty("cover"), Some(ColumnType::Binary), "{b}");
        assert_eq!(ty("sold"), Some(ColumnType::BigInt), "{b}");
        assert_eq!(ty("title"), Some(ColumnType::Text), "{b}");
        assert!(book.column("price").unwrap().nullable, "{b}");
        assert!(book.column("cover").unwrap().nullable, "{b}");
        assert!(!book.column("in_print").unwrap().nullable, "{b}");

        let edition = table(&tables, "edition");
        assert_eq!(edition.primary_key, ["book_id", "code"], "{b}");
        assert!(
            edition.columns.iter().all(|c| !c.autoincrement),
            "{b}: {:?}",
            edition.columns
        );
        assert_eq!(
            edition.foreign_key(&["book_id"]).unwrap().on_delete,
            Some(OnDelete::Cascade),
            "{b}"
        );

        let order = table(&tables, "order");
        let kind = order.column("type").unwrap();
        assert_eq!(kind.ty, Some(ColumnType::Varchar(10)), "{b}");
        let fk = order.foreign_key(&["author_id"]).unwrap();
        assert_eq!(fk.on_delete, Some(OnDelete::SetNull), "{b}");
        assert!(order.column("author_id").unwrap().nullable, "{b}");
        let fk = order.foreign_key(&["book_id"]).unwrap();
        assert_eq!(fk.referred_table, "book", "{b}");
        match b {
            // MariaDB reports a foreign key without an action as RESTRICT (what InnoDB does).
            BackendKind::Mysql => assert!(
                matches!(fk.on_delete, None | Some(OnDelete::Restrict)),
                "{b}: {fk:?}"
            ),
            _ => assert_eq!(fk.on_delete, None, "{b}: {fk:?}"),
        }

        let tagging = table(&tables, "tagging");
        let ix = tagging.index("ix_tagging_tag").unwrap();
        assert!(ix.unique && ix.columns == ["tag", "book_id"], "{b}: {ix:?}");
        let ix = tagging.index("tagging_by_weight").unwrap();
        assert!(!ix.unique && ix.columns == ["weight", "tag"], "{b}: {ix:?}");
        assert_eq!(
            tagging.foreign_key(&["book_id"]).unwrap().on_delete,
            Some(OnDelete::Restrict),
            "{b}"
        );
    }
}

/// The comparison sees real catalog differences: an index dropped and a column added behind
/// fsql's back are reported.
#[test]
fn changes_behind_the_models_back_are_reported() {
    for t in each_backend(&metas()) {
        let b = t.backend;
        let drop_index = match b {
            BackendKind::Mysql => "DROP INDEX ix_author_email ON author",
            _ => "DROP INDEX ix_author_email",
        };
        {
            let mut conn = t.db.connection().unwrap();
            diesel::connection::SimpleConnection::batch_execute(
                &mut *conn,
                &format!("{drop_index}; ALTER TABLE book ADD COLUMN isbn VARCHAR(13)"),
            )
            .unwrap_or_else(|e| panic!("{b}: {e}"));
        }
        let reflected = reflect(&t);
        let author = TableSchema::from(Author::META);
        assert_eq!(
            compare_tables(&author, table(&reflected, "author")),
            ["index `ix_author_email` (email): missing from the database"],
            "{b}"
        );
        let diffs = compare_schemas(&declared(), &reflected);
        assert!(
            diffs
                .iter()
                .any(|d| d.starts_with("table `book`: column `isbn`")
                    && d.ends_with("in the database but not declared")),
            "{b}: {diffs:#?}"
        );
        assert_eq!(diffs.len(), 2, "{b}: {diffs:#?}");
    }
}

/// Reflection needs no models: an empty database has no tables, and tables created by hand
/// are read as well as fsql's.
#[test]
fn reflects_tables_fsql_did_not_create() {
    for t in each_backend(&[]) {
        let b = t.backend;
        assert_eq!(reflect(&t), Vec::<TableSchema>::new(), "{b}");
        let ddl = match b {
            BackendKind::Postgres => {
                "CREATE TABLE parent (a INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY); \
                 CREATE TABLE child (id BIGINT NOT NULL, a INTEGER, \
                   CONSTRAINT child_pk PRIMARY KEY (id), \
                   CONSTRAINT uq_child_a UNIQUE (a, id), \
                   CONSTRAINT fk_child_parent FOREIGN KEY (a) REFERENCES parent (a) \
                     ON DELETE RESTRICT)"
            }
            BackendKind::Mysql => {
                "CREATE TABLE parent (a INTEGER AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB; \
                 CREATE TABLE child (id BIGINT NOT NULL, a INTEGER, \
                   CONSTRAINT child_pk PRIMARY KEY (id), \
                   CONSTRAINT uq_child_a UNIQUE (a, id), \
                   CONSTRAINT fk_child_parent FOREIGN KEY (a) REFERENCES parent (a) \
                     ON DELETE RESTRICT) ENGINE=InnoDB"
            }
            // SQLite; `REFERENCES parent` names no column: the parent's key.
            _ => {
                "CREATE TABLE parent (a INTEGER PRIMARY KEY); \
                 CREATE TABLE child (id BIGINT NOT NULL, a INTEGER, \
                   CONSTRAINT child_pk PRIMARY KEY (id), \
                   CONSTRAINT uq_child_a UNIQUE (a, id), \
                   CONSTRAINT fk_child_parent FOREIGN KEY (a) REFERENCES parent \
                     ON DELETE RESTRICT)"
            }
        };
        {
            let mut conn = t.db.connection().unwrap();
            diesel::connection::SimpleConnection::batch_execute(&mut *conn, ddl)
                .unwrap_or_else(|e| panic!("{b}: {e}"));
        }
        let tables = reflect(&t);
        let names: Vec<_> = tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["child", "parent"], "{b}");
        let parent = table(&tables, "parent");
        assert!(parent.column("a").unwrap().autoincrement, "{b}: {parent:?}");
        let child = table(&tables, "child");
        assert_eq!(child.primary_key, ["id"], "{b}");
        assert!(!child.column("id").unwrap().nullable, "{b}");
        assert!(child.column("a").unwrap().nullable, "{b}");
        assert!(
            child.columns.iter().all(|c| !c.autoincrement),
            "{b}: {child:?}"
        );
        // Constraint names survive on every backend (SQLite's are read from its DDL text).
        let uq = child
            .unique_constraints
            .iter()
            .find(|u| u.columns == ["a", "id"])
            .unwrap_or_else(|| panic!("{b}: {child:?}"));
        assert_eq!(uq.name.as_deref(), Some("uq_child_a"), "{b}");
        let fk = child.foreign_key(&["a"]).unwrap();
        assert_eq!(fk.name.as_deref(), Some("fk_child_parent"), "{b}");
        assert_eq!(fk.referred_table, "parent", "{b}");
        assert_eq!(fk.referred_columns, ["a"], "{b}");
        assert_eq!(fk.on_delete, Some(OnDelete::Restrict), "{b}");
    }
}

#[test]
fn database_reflect_reads_every_bind() {
    for t in each_backend(&metas()) {
        eprintln!("backend: {}", t.backend);
        let all = t.db.reflect().unwrap();
        assert_eq!(all.keys().cloned().collect::<Vec<_>>(), [None]);
        let problems = fsql::schema::compare_schemas(&declared(), &all[&None]);
        assert!(problems.is_empty(), "{}: {problems:#?}", t.backend);
        let only_default = t.db.reflect_in(None).unwrap();
        assert_eq!(only_default[&None].len(), all[&None].len());
        let e = t.db.reflect_in("nope").unwrap_err();
        assert!(matches!(e, fsql::Error::UnknownBind { .. }), "{e}");
    }
}
