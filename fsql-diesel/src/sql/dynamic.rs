//! Statements over a table known only at run time (a reflected one): `SELECT`, `COUNT(*)`,
//! `INSERT`, `UPDATE` and `DELETE` with equality filters, written through Diesel's `AstPass`,
//! so identifiers are quoted and values bound the backend's way. What differs per backend
//! (reading a value, casting to text, binding a value to a typed column) is the backend's
//! [`FsqlBackend`] impl.

use diesel::backend::Backend;
use diesel::deserialize::{self, QueryableByName};
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::row::{Field, NamedRow, Row};
use diesel::sql_types::{BigInt, HasSqlType, Untyped};
use diesel::QueryResult;
use fsql_core::schema::ColumnSchema;
use fsql_core::value::Value;

use crate::conn::backend::{push_limit_offset, FsqlBackend};

/// What a statement over a reflected table does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// `SELECT` the columns.
    Select,
    /// `SELECT COUNT(*)`.
    Count,
    /// `UPDATE .. SET` the assignments.
    Update,
    /// `DELETE`.
    Delete,
    /// `INSERT` the assignments.
    Insert,
}

/// One statement over a reflected table. Columns are given as [`ColumnSchema`]s, already
/// checked to belong to the table.
#[derive(Debug, Clone, Copy)]
pub struct DynamicStatement<'a> {
    /// What it does.
    pub verb: Verb,
    /// The table's name.
    pub table: &'a str,
    /// The columns a `SELECT` reads, and whether each is read as its text.
    pub columns: &'a [(&'a ColumnSchema, bool)],
    /// `column = value` (`IS NULL` for a `NULL`), joined by `AND`.
    pub filters: &'a [(&'a ColumnSchema, Value)],
    /// `SET column = value` / the inserted values.
    pub assignments: &'a [(&'a ColumnSchema, Value)],
    /// `ORDER BY column [DESC]`.
    pub order: &'a [(&'a ColumnSchema, bool)],
    /// `LIMIT`.
    pub limit: Option<i64>,
    /// `OFFSET`.
    pub offset: Option<i64>,
}

impl<'a> DynamicStatement<'a> {
    /// `verb` on `table`, with no columns, filters, assignments, order, limit or offset yet
    /// (set the ones the statement has with struct update syntax).
    pub fn of(verb: Verb, table: &'a str) -> Self {
        Self {
            verb,
            table,
            columns: &[],
            filters: &[],
            assignments: &[],
            order: &[],
            limit: None,
            offset: None,
        }
    }
}

impl QueryId for DynamicStatement<'_> {
    type QueryId = ();
    // The text depends on the values' table, columns and clauses, not on a type; Diesel
    // still caches it as a prepared statement by its SQL.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for DynamicStatement<'_> {
    type SqlType = Untyped;
}

impl<Conn> diesel::RunQueryDsl<Conn> for DynamicStatement<'_> {}

impl<DB> QueryFragment<DB> for DynamicStatement<'_>
where
    DB: FsqlBackend + HasSqlType<BigInt>,
    i64: diesel::serialize::ToSql<BigInt, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        match self.verb {
            Verb::Select => {
                out.push_sql("SELECT ");
                for (i, (column, as_text)) in self.columns.iter().enumerate() {
                    if i > 0 {
                        out.push_sql(", ");
                    }
                    if *as_text {
                        DB::push_as_text(&mut out, &column.name)?;
                        out.push_sql(" AS ");
                    }
                    out.push_identifier(&column.name)?;
                }
                out.push_sql(" FROM ");
                out.push_identifier(self.table)?;
            }
            Verb::Count => {
                out.push_sql("SELECT COUNT(*) FROM ");
                out.push_identifier(self.table)?;
            }
            Verb::Delete => {
                out.push_sql("DELETE FROM ");
                out.push_identifier(self.table)?;
            }
            Verb::Update => {
                out.push_sql("UPDATE ");
                out.push_identifier(self.table)?;
                out.push_sql(" SET ");
                for (i, (column, value)) in self.assignments.iter().enumerate() {
                    if i > 0 {
                        out.push_sql(", ");
                    }
                    out.push_identifier(&column.name)?;
                    out.push_sql(" = ");
                    DB::push_value(&mut out, value, &column.raw_type)?;
                }
            }
            Verb::Insert => {
                out.push_sql("INSERT INTO ");
                out.push_identifier(self.table)?;
                out.push_sql(" (");
                for (i, (column, _)) in self.assignments.iter().enumerate() {
                    if i > 0 {
                        out.push_sql(", ");
                    }
                    out.push_identifier(&column.name)?;
                }
                out.push_sql(") VALUES (");
                for (i, (column, value)) in self.assignments.iter().enumerate() {
                    if i > 0 {
                        out.push_sql(", ");
                    }
                    DB::push_value(&mut out, value, &column.raw_type)?;
                }
                out.push_sql(")");
                return Ok(());
            }
        }
        for (i, (column, value)) in self.filters.iter().enumerate() {
            out.push_sql(if i == 0 { " WHERE " } else { " AND " });
            out.push_identifier(&column.name)?;
            if value.is_null() {
                out.push_sql(" IS NULL");
            } else {
                out.push_sql(" = ");
                DB::push_value(&mut out, value, &column.raw_type)?;
            }
        }
        if self.verb == Verb::Select {
            for (i, (column, descending)) in self.order.iter().enumerate() {
                out.push_sql(if i == 0 { " ORDER BY " } else { ", " });
                out.push_identifier(&column.name)?;
                out.push_sql(if *descending { " DESC" } else { " ASC" });
            }
            push_limit_offset(&self.limit, &self.offset, out)?;
        }
        Ok(())
    }
}

/// The values of one row of a [`DynamicStatement`] select, in column order.
#[derive(Debug)]
pub struct DynamicValues(pub Vec<Value>);

impl<DB: FsqlBackend> QueryableByName<DB> for DynamicValues {
    fn build<'a>(row: &impl NamedRow<'a, DB>) -> deserialize::Result<Self> {
        let count = row.field_count();
        let mut values = Vec::with_capacity(count);
        for index in 0..count {
            let field = Row::get(row, index).ok_or("a result column went missing")?;
            values.push(DB::read_value(field.value())?);
        }
        Ok(Self(values))
    }
}

/// The `COUNT(*)` of a [`Verb::Count`] statement.
#[derive(Debug)]
pub struct DynamicCount(pub i64);

impl<DB> QueryableByName<DB> for DynamicCount
where
    DB: Backend,
    DynamicValues: QueryableByName<DB>,
{
    fn build<'a>(row: &impl NamedRow<'a, DB>) -> deserialize::Result<Self> {
        match DynamicValues::build(row)?.0.first() {
            Some(Value::Int(n)) => Ok(Self(*n)),
            other => Err(format!("COUNT(*) returned {other:?}").into()),
        }
    }
}
