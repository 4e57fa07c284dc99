//! Shared by the benchmarks and `tests/w7_schema_equivalence.rs`: the reference DDL files,
//! opening SQLite connections the way WORKLOADS.md prescribes, and a structural comparison of
//! two SQLite schemas through `PRAGMA table_info`, `index_list`/`index_info` and
//! `foreign_key_list`.
//!
//! The reference DDL is read at compile time from `benches/data/`, the repository's copy of the
//! workload set (`benches/data/README.md` says where it came from and how to refresh it).

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable, Text};
use diesel::sqlite::SqliteConnection;

/// `schema.sql` (tables of W1–W6), verbatim.
pub const SCHEMA_SQL: &str = include_str!("../data/schema.sql");
/// `schema_w7.sql` (the 50 tables of W7), verbatim.
pub const SCHEMA_W7_SQL: &str = include_str!("../data/schema_w7.sql");

/// The statements of a DDL file: `--` comment lines removed, split on `;`, blanks dropped.
pub fn statements(sql: &str) -> Vec<String> {
    let without_comments: String = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    without_comments
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The `sqlite:////abs/path` URL of a database file.
pub fn sqlite_url(path: &Path) -> String {
    let abs = path.to_str().expect("temporary paths are UTF-8");
    assert!(abs.starts_with('/'), "expected an absolute path, got {abs}");
    format!("sqlite:///{abs}")
}

/// A plain Diesel connection with the benchmark's settings: `PRAGMA foreign_keys = ON`,
/// everything else SQLite's defaults.
pub fn raw_connection(path: &Path) -> SqliteConnection {
    let mut conn = SqliteConnection::establish(path.to_str().expect("UTF-8 path"))
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    conn.batch_execute("PRAGMA foreign_keys = ON")
        .expect("PRAGMA foreign_keys");
    conn
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Integer)]
    cid: i32,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    ty: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    #[diesel(sql_type = Nullable<Text>)]
    dflt: Option<String>,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct IndexRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Integer)]
    is_unique: i32,
    #[diesel(sql_type = Text)]
    origin: String,
    #[diesel(sql_type = Integer)]
    partial: i32,
}

#[derive(QueryableByName)]
struct IndexColumnRow {
    #[diesel(sql_type = Nullable<Text>)]
    name: Option<String>,
}

#[derive(QueryableByName)]
struct ForeignKeyRow {
    #[diesel(sql_type = Text)]
    target: String,
    #[diesel(sql_type = Text)]
    from_col: String,
    #[diesel(sql_type = Nullable<Text>)]
    to_col: Option<String>,
    #[diesel(sql_type = Text)]
    on_update: String,
    #[diesel(sql_type = Text)]
    on_delete: String,
}

/// The user tables of a database (no `sqlite_%` internals), by name.
pub fn table_names(conn: &mut SqliteConnection) -> Vec<String> {
    diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' \
         ESCAPE '\\' ORDER BY name",
    )
    .load::<Name>(conn)
    .expect("sqlite_master")
    .into_iter()
    .map(|n| n.name)
    .collect()
}

/// The schema of a database as normalised, sortable lines, one per table, column, index and
/// foreign key. Two databases are equivalent when their sets of lines are equal.
///
/// Compared: column position, name, type (case-insensitive), NOT NULL, default and primary-key
/// position; index name, uniqueness, origin (`c` = CREATE INDEX, `u` = UNIQUE constraint,
/// `pk` = PRIMARY KEY), partial flag and columns in order; foreign-key target table, columns
/// and ON UPDATE / ON DELETE actions. The SQL text in `sqlite_master` (quoting, `IF NOT
/// EXISTS`, whitespace) is not compared.
pub fn schema_lines(conn: &mut SqliteConnection) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for table in table_names(conn) {
        out.insert(format!("table {table}"));
        let columns = diesel::sql_query(
            "SELECT cid, name, upper(type) AS ty, \"notnull\" AS not_null, dflt_value AS dflt, pk \
             FROM pragma_table_info(?) ORDER BY cid",
        )
        .bind::<Text, _>(&table)
        .load::<ColumnRow>(conn)
        .expect("PRAGMA table_info");
        for c in columns {
            out.insert(format!(
                "table {table} | column #{} {} {} notnull={} default={:?} pk={}",
                c.cid, c.name, c.ty, c.not_null, c.dflt, c.pk
            ));
        }
        let indexes = diesel::sql_query(
            "SELECT name, \"unique\" AS is_unique, origin, partial FROM pragma_index_list(?)",
        )
        .bind::<Text, _>(&table)
        .load::<IndexRow>(conn)
        .expect("PRAGMA index_list");
        for ix in indexes {
            let cols = diesel::sql_query("SELECT name FROM pragma_index_info(?) ORDER BY seqno")
                .bind::<Text, _>(&ix.name)
                .load::<IndexColumnRow>(conn)
                .expect("PRAGMA index_info")
                .into_iter()
                .map(|c| c.name.unwrap_or_else(|| "<expr>".to_owned()))
                .collect::<Vec<_>>()
                .join(", ");
            out.insert(format!(
                "table {table} | index {} unique={} origin={} partial={} ({cols})",
                ix.name, ix.is_unique, ix.origin, ix.partial
            ));
        }
        let fks = diesel::sql_query(
            "SELECT \"table\" AS target, \"from\" AS from_col, \"to\" AS to_col, \
             on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq",
        )
        .bind::<Text, _>(&table)
        .load::<ForeignKeyRow>(conn)
        .expect("PRAGMA foreign_key_list");
        // Constraint ids are positional; the set of lines compares them by content.
        for fk in fks {
            out.insert(format!(
                "table {table} | foreign key ({}) -> {}({}) on_update={} on_delete={}",
                fk.from_col,
                fk.target,
                fk.to_col.as_deref().unwrap_or("<primary key>"),
                fk.on_update,
                fk.on_delete
            ));
        }
    }
    out
}

/// `Err` with a readable diff (`-` only in `expected`, `+` only in `actual`) when the two
/// schemas differ.
pub fn compare_schemas(
    expected_label: &str,
    expected: &mut SqliteConnection,
    actual_label: &str,
    actual: &mut SqliteConnection,
) -> Result<usize, String> {
    let a = schema_lines(expected);
    let b = schema_lines(actual);
    if a == b {
        return Ok(a.iter().filter(|l| !l.contains(" | ")).count());
    }
    let mut diff = format!(
        "schemas differ ({} lines only in {expected_label}, {} only in {actual_label}):\n",
        a.difference(&b).count(),
        b.difference(&a).count()
    );
    for line in a.union(&b) {
        match (a.contains(line), b.contains(line)) {
            (true, false) => diff.push_str(&format!("  - [{expected_label}] {line}\n")),
            (false, true) => diff.push_str(&format!("  + [{actual_label}] {line}\n")),
            _ => {}
        }
    }
    Err(diff)
}

/// Panics, naming the difference, when `table` is not the same in both databases (columns,
/// types, nullability, defaults, indexes, foreign keys): every benchmark checks this before
/// timing, so both sides run on the same table.
pub fn assert_same_table(raw: &mut SqliteConnection, fsql: &mut SqliteConnection, table: &str) {
    let of_table = |lines: BTreeSet<String>| -> Vec<String> {
        let prefix = format!("table {table} ");
        lines
            .into_iter()
            .filter(|l| l.starts_with(&prefix) || *l == format!("table {table}"))
            .collect()
    };
    let expected = of_table(schema_lines(raw));
    let actual = of_table(schema_lines(fsql));
    assert!(
        !expected.is_empty(),
        "table `{table}` missing on the raw side"
    );
    assert_eq!(
        expected, actual,
        "table `{table}`: schema.sql (left) and fsql create_all (right) differ"
    );
}
