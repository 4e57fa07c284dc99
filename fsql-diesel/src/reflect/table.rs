//! Reflected tables you can query: Flask-SQLAlchemy's `db.reflect()` followed by
//! `db.metadatas[key].tables["user"]` and `db.session.execute(db.select(table))`, for a table
//! that has no model. Rows come back as [`Row`]s of [`Value`]s; columns are named by strings
//! and checked against the reflected columns before anything runs.

use std::collections::BTreeMap;
use std::sync::Arc;

use diesel::RunQueryDsl;
use fsql_core::metadata::ColumnType;
use fsql_core::schema::{ColumnSchema, TableSchema};
use fsql_core::value::{Row, Value};
use fsql_core::{Error, Result};

use crate::conn::backend::{dispatch, AnyConnection};
use crate::conn::pool::PooledConnection;
use crate::sql::dynamic::{DynamicCount, DynamicStatement, DynamicValues, Verb};

/// Where a reflected table's statements run: a [`Database`](crate::Database) (the table's
/// bind is chosen for it) or a connection the caller holds.
pub trait TableExecutor {
    /// Runs `f` on a connection to bind `bind`; `write` for a statement that writes.
    fn run_on_bind<R>(
        self,
        bind: Option<&str>,
        write: bool,
        f: impl FnOnce(&mut AnyConnection) -> Result<R>,
    ) -> Result<R>;
}

impl TableExecutor for &mut AnyConnection {
    fn run_on_bind<R>(
        self,
        _bind: Option<&str>,
        _write: bool,
        f: impl FnOnce(&mut AnyConnection) -> Result<R>,
    ) -> Result<R> {
        f(self)
    }
}

impl TableExecutor for &mut PooledConnection {
    fn run_on_bind<R>(
        self,
        _bind: Option<&str>,
        _write: bool,
        f: impl FnOnce(&mut AnyConnection) -> Result<R>,
    ) -> Result<R> {
        f(self)
    }
}

/// The tables of one bind as its database holds them: what
/// [`Database::reflect_metadata`](crate::Database::reflect_metadata) returns
/// (Flask-SQLAlchemy's `db.metadatas[key]` after `db.reflect()`).
#[derive(Debug, Clone)]
pub struct ReflectedMetaData {
    bind: Option<String>,
    /// The tables by name.
    pub tables: BTreeMap<String, ReflectedTable>,
}

impl ReflectedMetaData {
    /// The tables of `schemas`, read from bind `bind`.
    pub fn new(bind: Option<String>, schemas: Vec<TableSchema>) -> Self {
        let tables = schemas
            .into_iter()
            .map(|schema| {
                let table = ReflectedTable {
                    bind: bind.clone(),
                    schema: Arc::new(schema),
                };
                (table.schema.name.clone(), table)
            })
            .collect();
        Self { bind, tables }
    }

    /// The bind key (`None` = the default database).
    pub fn bind(&self) -> Option<&str> {
        self.bind.as_deref()
    }

    /// A table by name: an error that lists the tables when there is none of that name.
    pub fn table(&self, name: &str) -> Result<&ReflectedTable> {
        self.tables.get(name).ok_or_else(|| {
            Error::Schema(format!(
                "{} has no table `{name}`; its tables: {}",
                bind_name(self.bind.as_deref()),
                list(self.tables.keys().map(String::as_str))
            ))
        })
    }
}

fn bind_name(bind: Option<&str>) -> String {
    match bind {
        None => "the default database".to_owned(),
        Some(key) => format!("bind {key:?}"),
    }
}

fn list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// One table read from a database, queryable without a model.
///
/// ```
/// # #[cfg(feature = "sqlite")] {
/// use diesel::connection::SimpleConnection;
/// use fsql_core::value::Value;
/// use fsql_diesel::Database;
///
/// let db = Database::builder().url("sqlite://").build()?;
/// db.connection()?
///     .batch_execute("CREATE TABLE user (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT)")
///     .unwrap();
/// let meta = db.reflect_metadata(None)?;
/// let user = meta.table("user")?;
/// user.insert(&db, [("name", Value::from("O'Brien")), ("age", Value::from(41))])?;
/// user.insert(&db, [("name", "Ada")])?;
///
/// let rows = user.select().filter_by("age", None::<i64>).all(&db)?;
/// assert_eq!(rows.len(), 1);
/// assert_eq!(rows[0].get_as::<String>("name")?, "Ada");
///
/// let oldest = user.select().order_by_desc("age").first(&db)?.unwrap();
/// assert_eq!(oldest.get("name"), Some(&Value::Text("O'Brien".into())));
/// assert_eq!(user.select().count(&db)?, 2);
///
/// assert_eq!(user.select().filter_by("name", "Ada").update(&db, [("age", 36)])?, 1);
/// assert_eq!(user.select().filter_by("age", 36).delete(&db)?, 1);
///
/// let typo = user.select().filter_by("nmae", "Ada").all(&db).unwrap_err();
/// assert!(typo.to_string().contains("no column `nmae`; its columns: id, name, age"));
/// # }
/// # Ok::<(), fsql_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ReflectedTable {
    bind: Option<String>,
    schema: Arc<TableSchema>,
}

impl ReflectedTable {
    /// The table's name.
    pub fn name(&self) -> &str {
        &self.schema.name
    }

    /// The bind it was read from.
    pub fn bind(&self) -> Option<&str> {
        self.bind.as_deref()
    }

    /// Columns, keys, foreign keys, unique constraints and indexes, as reflected.
    pub fn schema(&self) -> &TableSchema {
        &self.schema
    }

    /// The column names, in table order (SQLAlchemy's `table.c.keys()`).
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.schema.columns.iter().map(|c| c.name.as_str())
    }

    /// A `SELECT` of every column, to refine with filters, ordering and limits, or to turn
    /// into an `UPDATE` or `DELETE` of the rows it selects.
    pub fn select(&self) -> TableQuery {
        TableQuery {
            table: self.clone(),
            filters: Vec::new(),
            order: Vec::new(),
            limit: None,
            offset: None,
            error: None,
        }
    }

    /// Inserts one row; columns left out get their server default (or `NULL`). Returns the
    /// number of rows inserted (1).
    pub fn insert<E, I, K, V>(&self, exec: E, values: I) -> Result<usize>
    where
        E: TableExecutor,
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Into<Value>,
    {
        let assignments = self.assignments(values)?;
        if assignments.is_empty() {
            return Err(Error::Schema(format!(
                "insert into `{}` names no column; give at least one (column, value) pair",
                self.name()
            )));
        }
        let statement = DynamicStatement {
            assignments: &assignments,
            ..DynamicStatement::of(Verb::Insert, self.name())
        };
        exec.run_on_bind(self.bind(), true, |conn| execute(conn, &statement))
    }

    fn column(&self, name: &str) -> Result<&ColumnSchema> {
        self.schema
            .column(name)
            .ok_or_else(|| Error::Schema(self.no_column(name)))
    }

    /// The position of column `name`, or what to say about a name the table does not have.
    fn column_index(&self, name: &str) -> std::result::Result<usize, String> {
        self.schema
            .columns
            .iter()
            .position(|c| c.name == name)
            .ok_or_else(|| self.no_column(name))
    }

    fn no_column(&self, name: &str) -> String {
        format!(
            "table `{}` has no column `{name}`; its columns: {}",
            self.name(),
            list(self.columns())
        )
    }

    fn assignments<I, K, V>(&self, values: I) -> Result<Vec<(&ColumnSchema, Value)>>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Into<Value>,
    {
        let mut out: Vec<(&ColumnSchema, Value)> = Vec::new();
        for (name, value) in values {
            let column = self.column(name.as_ref())?;
            if out.iter().any(|(c, _)| c.name == column.name) {
                return Err(Error::Schema(format!(
                    "column `{}` of `{}` is given twice",
                    column.name,
                    self.name()
                )));
            }
            out.push((column, value.into()));
        }
        Ok(out)
    }
}

/// Types every backend hands back in a [`Value`] shape of their own; the rest are read as text.
fn read_natively(column: &ColumnSchema) -> bool {
    matches!(
        column.ty,
        Some(
            ColumnType::SmallInt
                | ColumnType::Integer
                | ColumnType::BigInt
                | ColumnType::Float
                | ColumnType::Double
                | ColumnType::Bool
                | ColumnType::Text
                | ColumnType::Varchar(_)
                | ColumnType::Binary
        )
    )
}

/// A query over a [`ReflectedTable`]: equality filters, ordering, limit and offset.
#[derive(Debug, Clone)]
pub struct TableQuery {
    table: ReflectedTable,
    /// Columns by their position in the table's schema, checked when given.
    filters: Vec<(usize, Value)>,
    order: Vec<(usize, bool)>,
    limit: Option<i64>,
    offset: Option<i64>,
    // The first bad argument (an unknown column, a negative limit): reported when the query
    // runs, so the builder chains without a `?` per call.
    error: Option<String>,
}

impl TableQuery {
    /// Records `name`'s position with `clause`, or the first unknown name as the query's error.
    fn with_column(mut self, name: &str, clause: impl FnOnce(&mut Self, usize)) -> Self {
        match self.table.column_index(name) {
            Ok(index) => clause(&mut self, index),
            Err(message) => {
                self.error.get_or_insert(message);
            }
        }
        self
    }

    /// Rows whose `column` equals `value` (`IS NULL` for a `NULL`); filters are joined by
    /// `AND` (Flask-SQLAlchemy's `filter_by`). The value is bound as a parameter.
    pub fn filter_by(self, column: &str, value: impl Into<Value>) -> Self {
        let value = value.into();
        self.with_column(column, |q, i| q.filters.push((i, value)))
    }

    /// Orders by `column`, ascending; later calls order within earlier ones.
    pub fn order_by(self, column: &str) -> Self {
        self.with_column(column, |q, i| q.order.push((i, false)))
    }

    /// Orders by `column`, descending.
    pub fn order_by_desc(self, column: &str) -> Self {
        self.with_column(column, |q, i| q.order.push((i, true)))
    }

    /// At most `n` rows.
    pub fn limit(mut self, n: i64) -> Self {
        if n < 0 && self.error.is_none() {
            self.error = Some(format!("limit must not be negative, got {n}"));
        }
        self.limit = Some(n);
        self
    }

    /// Skips the first `n` rows.
    pub fn offset(mut self, n: i64) -> Self {
        if n < 0 && self.error.is_none() {
            self.error = Some(format!("offset must not be negative, got {n}"));
        }
        self.offset = Some(n);
        self
    }

    /// Every row.
    pub fn all<E: TableExecutor>(&self, exec: E) -> Result<Vec<Row>> {
        self.checked()?;
        let schema = self.table.schema();
        let columns: Vec<(&ColumnSchema, bool)> = schema
            .columns
            .iter()
            .map(|c| (c, !read_natively(c)))
            .collect();
        let filters = self.filters();
        let order: Vec<(&ColumnSchema, bool)> = self
            .order
            .iter()
            .map(|&(index, descending)| (&schema.columns[index], descending))
            .collect();
        let statement = DynamicStatement {
            columns: &columns,
            filters: &filters,
            order: &order,
            limit: self.limit,
            offset: self.offset,
            ..DynamicStatement::of(Verb::Select, self.table.name())
        };
        let names: Arc<[String]> = schema.columns.iter().map(|c| c.name.clone()).collect();
        let rows = exec.run_on_bind(self.table.bind(), false, |conn| {
            dispatch!(conn, |c, DB| statement.load::<DynamicValues>(c))
                .map_err(|e| statement_error(e, &statement, conn))
        })?;
        Ok(rows
            .into_iter()
            .map(|DynamicValues(values)| {
                let values = values
                    .into_iter()
                    .zip(&schema.columns)
                    .map(|(value, column)| as_declared(value, column))
                    .collect();
                Row::new(names.clone(), values)
            })
            .collect())
    }

    /// The first row, or `None`.
    pub fn first<E: TableExecutor>(&self, exec: E) -> Result<Option<Row>> {
        let mut q = self.clone();
        q.limit = Some(1);
        Ok(q.all(exec)?.into_iter().next())
    }

    /// How many rows the filters select (limit and offset are not applied).
    pub fn count<E: TableExecutor>(&self, exec: E) -> Result<u64> {
        self.checked()?;
        let filters = self.filters();
        let statement = DynamicStatement {
            filters: &filters,
            ..DynamicStatement::of(Verb::Count, self.table.name())
        };
        let count = exec.run_on_bind(self.table.bind(), false, |conn| {
            dispatch!(conn, |c, DB| statement.get_result::<DynamicCount>(c))
                .map_err(|e| statement_error(e, &statement, conn))
        })?;
        Ok(u64::try_from(count.0).unwrap_or(0))
    }

    /// Sets `values` on every row the filters select; returns how many rows changed.
    /// Ordering, limit and offset are not allowed here (not every backend has them on an
    /// `UPDATE`).
    pub fn update<E, I, K, V>(&self, exec: E, values: I) -> Result<usize>
    where
        E: TableExecutor,
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Into<Value>,
    {
        self.checked_for_write("update")?;
        let assignments = self.table.assignments(values)?;
        if assignments.is_empty() {
            return Err(Error::Schema(format!(
                "update of `{}` sets no column; give at least one (column, value) pair",
                self.table.name()
            )));
        }
        let filters = self.filters();
        let statement = DynamicStatement {
            filters: &filters,
            assignments: &assignments,
            ..DynamicStatement::of(Verb::Update, self.table.name())
        };
        exec.run_on_bind(self.table.bind(), true, |conn| execute(conn, &statement))
    }

    /// Deletes every row the filters select (every row of the table without a filter);
    /// returns how many.
    pub fn delete<E: TableExecutor>(&self, exec: E) -> Result<usize> {
        self.checked_for_write("delete")?;
        let filters = self.filters();
        let statement = DynamicStatement {
            filters: &filters,
            ..DynamicStatement::of(Verb::Delete, self.table.name())
        };
        exec.run_on_bind(self.table.bind(), true, |conn| execute(conn, &statement))
    }

    fn checked(&self) -> Result<()> {
        match &self.error {
            Some(message) => Err(Error::Schema(message.clone())),
            None => Ok(()),
        }
    }

    fn checked_for_write(&self, verb: &str) -> Result<()> {
        self.checked()?;
        if !self.order.is_empty() || self.limit.is_some() || self.offset.is_some() {
            return Err(Error::Schema(format!(
                "{verb} of `{}` takes filters only: drop order_by, limit and offset",
                self.table.name()
            )));
        }
        Ok(())
    }

    fn filters(&self) -> Vec<(&ColumnSchema, Value)> {
        let columns = &self.table.schema().columns;
        self.filters
            .iter()
            .map(|(index, value)| (&columns[*index], value.clone()))
            .collect()
    }
}

fn execute(conn: &mut AnyConnection, statement: &DynamicStatement<'_>) -> Result<usize> {
    dispatch!(conn, |c, DB| statement.execute(c)).map_err(|e| statement_error(e, statement, conn))
}

/// Diesel's error with the statement's SQL (no values: they are bound parameters).
fn statement_error(
    error: diesel::result::Error,
    statement: &DynamicStatement<'_>,
    conn: &mut AnyConnection,
) -> Error {
    let sql = dispatch!(conn, |_c, DB| crate::conn::error::render_sql::<DB, _>(
        statement
    ));
    crate::conn::error::from_diesel(error, None, sql)
}

/// A value as the column declares it: a boolean column's `0`/`1` (MySQL's `TINYINT(1)`,
/// SQLite's integers) as a [`Value::Bool`]; a text column's bytes as text (MySQL reports a
/// text column of a binary collation, `utf8mb4_bin`, as binary).
fn as_declared(value: Value, column: &ColumnSchema) -> Value {
    match (value, &column.ty) {
        (Value::Int(i), Some(ColumnType::Bool)) if i == 0 || i == 1 => Value::Bool(i == 1),
        (Value::Bytes(b), Some(ColumnType::Text | ColumnType::Varchar(_))) => {
            String::from_utf8(b).map_or_else(|e| Value::Bytes(e.into_bytes()), Value::Text)
        }
        (value, _) => value,
    }
}
