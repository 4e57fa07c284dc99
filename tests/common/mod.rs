//! Shared by the integration tests: fresh databases for a set of models, and catalog reads.

#![allow(dead_code)]

use fsql::{Database, Registry, TableMeta};

/// A fresh in-memory SQLite database serving exactly `tables`, with the tables created.
pub fn sqlite_memory(tables: &[&'static TableMeta]) -> Database {
    let db = Database::builder()
        .url("sqlite://")
        .registry(Registry::new(tables.iter().copied()))
        .build()
        .expect("in-memory SQLite always opens");
    db.create_all().expect("create_all on a fresh database");
    db
}

/// A fresh file-backed SQLite database in a temporary directory (kept alive by the guard).
pub fn sqlite_file(tables: &[&'static TableMeta]) -> (Database, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:///{}", dir.path().join("test.db").display());
    let db = Database::builder()
        .url(url)
        .registry(Registry::new(tables.iter().copied()))
        .build()
        .expect("file SQLite opens");
    db.create_all().expect("create_all on a fresh database");
    (db, dir)
}

#[derive(diesel::QueryableByName, Debug)]
struct Row4 {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    c0: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    c1: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    c2: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    c3: Option<String>,
}

/// Runs a catalog query that selects exactly four columns named `c0`..`c3` (pad with `NULL`)
/// and returns them as text, `NULL` as `"NULL"`.
pub fn rows4(db: &Database, sql: &str) -> Vec<[String; 4]> {
    use diesel::RunQueryDsl;
    let mut conn = db.connection().expect("connection");
    let out: Vec<Row4> = diesel::sql_query(sql)
        .load(&mut *conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let s = |v: Option<String>| v.unwrap_or_else(|| "NULL".to_owned());
    out.into_iter()
        .map(|r| [s(r.c0), s(r.c1), s(r.c2), s(r.c3)])
        .collect()
}

/// `(name, declared type, notnull, pk position)` of each column of an SQLite table.
pub fn sqlite_columns(db: &Database, table: &str) -> Vec<[String; 4]> {
    rows4(
        db,
        &format!(
            "SELECT name AS c0, type AS c1, CAST(\"notnull\" AS TEXT) AS c2, CAST(pk AS TEXT) AS c3 \
             FROM pragma_table_info('{table}') ORDER BY cid"
        ),
    )
}

/// `(index name, unique, columns joined by ',', origin)` of each index of an SQLite table.
pub fn sqlite_indexes(db: &Database, table: &str) -> Vec<[String; 4]> {
    rows4(
        db,
        &format!(
            "SELECT il.name AS c0, CAST(il.\"unique\" AS TEXT) AS c1, \
             (SELECT group_concat(ii.name, ',') FROM pragma_index_info(il.name) ii) AS c2, \
             il.origin AS c3 FROM pragma_index_list('{table}') il ORDER BY il.name"
        ),
    )
}

/// `(referred table, from column, to column, on_delete)` of each foreign key.
pub fn sqlite_foreign_keys(db: &Database, table: &str) -> Vec<[String; 4]> {
    rows4(
        db,
        &format!(
            "SELECT \"table\" AS c0, \"from\" AS c1, \"to\" AS c2, on_delete AS c3 \
             FROM pragma_foreign_key_list('{table}') ORDER BY id"
        ),
    )
}

/// Names of the tables that exist.
pub fn sqlite_tables(db: &Database) -> Vec<String> {
    rows4(
        db,
        "SELECT name AS c0, NULL AS c1, NULL AS c2, NULL AS c3 FROM sqlite_master \
         WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .into_iter()
    .map(|[name, ..]| name)
    .collect()
}
