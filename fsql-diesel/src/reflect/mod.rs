//! Reflection: the tables of an existing database, read from its catalog (Flask-SQLAlchemy's
//! `db.reflect()`).
//!
//! - SQLite: `sqlite_master` with the `pragma_table_info`, `pragma_foreign_key_list`,
//!   `pragma_index_list` and `pragma_index_info` table functions; names of `CONSTRAINT name
//!   UNIQUE (..)` / `FOREIGN KEY` clauses (which the pragmas do not keep) are read from the
//!   table's `CREATE TABLE` text. Internal `sqlite_*` tables are skipped.
//! - PostgreSQL: `pg_catalog` for the tables of `current_schema()` (the first schema of the
//!   `search_path`); types as `format_type` spells them.
//! - MySQL / MariaDB: `information_schema` for the tables of `DATABASE()`. MySQL makes no
//!   difference between a unique index and a unique constraint, so every unique index is
//!   reported both in [`TableSchema::indexes`] and in [`TableSchema::unique_constraints`].
//!
//! Every backend needs four or five catalog queries, whatever the number of tables. Tables come
//! sorted by name, columns in ordinal order, foreign keys by their columns, unique constraints
//! and indexes by name. [`fsql_core::schema::compare_schemas`] tells how the result differs from
//! what the models declare.

use std::collections::BTreeMap;

use diesel::query_builder::SqlQuery;
use diesel::query_dsl::LoadQuery;
use diesel::RunQueryDsl;

use crate::conn::backend::AnyConnection;
use fsql_core::schema::{
    normalize_default, parse_type, ColumnSchema, ForeignKeySchema, IndexSchema, TableSchema,
    UniqueSchema, EXPRESSION_COLUMN,
};
use fsql_core::{OnDelete, Result};

/// Every table of the database `conn` is connected to (the current schema on PostgreSQL, the
/// current database on MySQL), sorted by name.
///
/// ```
/// # #[cfg(feature = "sqlite")] {
/// use fsql_diesel::{reflect::reflect_tables, Database};
/// let db = Database::builder().url("sqlite://").build()?;
/// let mut conn = db.connection()?;
/// diesel::connection::SimpleConnection::batch_execute(
///     &mut *conn,
///     "CREATE TABLE user (id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL UNIQUE)",
/// )
/// .unwrap();
/// let tables = reflect_tables(&mut conn)?;
/// assert_eq!(tables[0].name, "user");
/// assert!(tables[0].column("id").unwrap().autoincrement);
/// assert_eq!(tables[0].unique_constraints[0].columns, ["name"]);
/// # }
/// # Ok::<(), fsql_core::Error>(())
/// ```
pub fn reflect_tables(conn: &mut AnyConnection) -> Result<Vec<TableSchema>> {
    match conn {
        #[cfg(feature = "sqlite")]
        AnyConnection::Sqlite(c) => sqlite::reflect(c),
        #[cfg(feature = "postgres")]
        AnyConnection::Postgres(c) => postgres::reflect(c),
        #[cfg(feature = "mysql")]
        AnyConnection::Mysql(c) => mysql::reflect(c),
    }
}

/// Runs a catalog query (no parameters: the catalogs are filtered by `current_schema()`,
/// `DATABASE()` or joins, never by values written into the SQL).
fn load<'a, C, R>(conn: &mut C, sql: &'static str) -> Result<Vec<R>>
where
    SqlQuery: LoadQuery<'a, C, R>,
{
    diesel::sql_query(sql)
        .load(conn)
        .map_err(|e| crate::conn::error::from_diesel(e, None, Some(sql.to_owned())))
}

/// Tables being assembled from the rows of several catalog queries.
#[derive(Default)]
struct Tables(BTreeMap<String, TableSchema>);

impl Tables {
    fn new(names: impl IntoIterator<Item = String>) -> Self {
        Self(
            names
                .into_iter()
                .map(|name| {
                    let t = TableSchema {
                        name: name.clone(),
                        columns: Vec::new(),
                        primary_key: Vec::new(),
                        foreign_keys: Vec::new(),
                        unique_constraints: Vec::new(),
                        indexes: Vec::new(),
                    };
                    (name, t)
                })
                .collect(),
        )
    }

    /// The table, when it is one of the tables listed (catalog rows of views and internal
    /// tables are dropped this way).
    fn get(&mut self, name: &str) -> Option<&mut TableSchema> {
        self.0.get_mut(name)
    }

    fn column(
        &mut self,
        table: &str,
        name: String,
        raw_type: String,
        nullable: bool,
        auto: bool,
        server_default: Option<String>,
    ) {
        if let Some(t) = self.get(table) {
            t.columns.push(ColumnSchema {
                name,
                ty: parse_type(&raw_type),
                raw_type,
                nullable,
                autoincrement: auto,
                server_default: server_default
                    .filter(|_| !auto)
                    .map(|d| normalize_default(&d))
                    .filter(|d| !d.eq_ignore_ascii_case("NULL")),
            });
        }
    }

    /// Adds a column to the index `name` of `table`, creating the index on its first column
    /// (rows arrive ordered by table, index and position).
    fn index_column(&mut self, table: &str, name: &str, unique: bool, column: Option<String>) {
        let Some(t) = self.get(table) else { return };
        let column = column.unwrap_or_else(|| EXPRESSION_COLUMN.to_owned());
        match t.indexes.last_mut() {
            Some(ix) if ix.name == name => ix.columns.push(column),
            _ => t.indexes.push(IndexSchema {
                name: name.to_owned(),
                columns: vec![column],
                unique,
            }),
        }
    }

    fn unique_column(&mut self, table: &str, name: Option<&str>, column: String) {
        let Some(t) = self.get(table) else { return };
        match t.unique_constraints.last_mut() {
            Some(u) if name.is_some() && u.name.as_deref() == name => u.columns.push(column),
            _ => t.unique_constraints.push(UniqueSchema {
                name: name.map(str::to_owned),
                columns: vec![column],
            }),
        }
    }

    /// Adds a column pair to the foreign key `key` of `table` (rows arrive ordered by table,
    /// key and position); `key` tells keys apart, `name` is what the database calls it.
    #[allow(clippy::too_many_arguments)]
    fn foreign_key_column(
        &mut self,
        table: &str,
        key: &str,
        name: Option<String>,
        column: String,
        referred_table: String,
        referred_column: Option<String>,
        on_delete: Option<OnDelete>,
        last_key: &mut Option<(String, String)>,
    ) {
        let Some(t) = self.get(table) else { return };
        let this = (table.to_owned(), key.to_owned());
        let same = last_key.as_ref() == Some(&this) && !t.foreign_keys.is_empty();
        if same {
            let fk = t.foreign_keys.last_mut().expect("checked above");
            fk.columns.push(column);
            fk.referred_columns.extend(referred_column);
        } else {
            t.foreign_keys.push(ForeignKeySchema {
                name,
                columns: vec![column],
                referred_table,
                referred_columns: referred_column.into_iter().collect(),
                on_delete,
            });
        }
        *last_key = Some(this);
    }

    fn finish(self) -> Vec<TableSchema> {
        self.0
            .into_values()
            .map(|mut t| {
                t.foreign_keys.sort_by(|a, b| {
                    (&a.columns, &a.referred_table, &a.name).cmp(&(
                        &b.columns,
                        &b.referred_table,
                        &b.name,
                    ))
                });
                t.unique_constraints
                    .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
                t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
                t
            })
            .collect()
    }
}

/// `ON DELETE` as the SQL standard spells it (SQLite, MySQL); `NO ACTION` and `SET DEFAULT`
/// are `None`.
#[cfg(any(feature = "sqlite", feature = "mysql"))]
fn on_delete_from_rule(rule: &str) -> Option<OnDelete> {
    match rule.trim().to_ascii_uppercase().as_str() {
        "CASCADE" => Some(OnDelete::Cascade),
        "SET NULL" => Some(OnDelete::SetNull),
        "RESTRICT" => Some(OnDelete::Restrict),
        _ => None,
    }
}

#[cfg(feature = "sqlite")]
mod sqlite;

#[cfg(feature = "sqlite")]
mod tokenizer;

mod table;
pub use table::{ReflectedMetaData, ReflectedTable, TableExecutor, TableQuery};

#[cfg(feature = "postgres")]
mod postgres;

#[cfg(feature = "mysql")]
mod mysql;
