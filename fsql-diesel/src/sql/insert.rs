//! Many rows in few statements: the session's `add_all` path.
//!
//! Diesel's own batch insert cannot serve a model whose key the database assigns on SQLite
//! (SQLite has no `DEFAULT` inside `VALUES`, so Diesel falls back to one statement per row).
//! [`MultiInsert`] renders one `INSERT INTO t (cols) VALUES (..), (..) [RETURNING ..]` from the
//! model's own `Insertable` values, provided every row names the same columns; rows are cut
//! into runs of one shape and one key kind, and runs into chunks under the backend's limit on
//! bound parameters.
//!
//! Part of the SQL layer: the statement only. Matching the rows that come back to the rows
//! that went in is [`write::batch`](crate::batch)'s.

use diesel::backend::Backend;
use diesel::insertable::InsertValues;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::{QueryResult, Table};

use crate::conn::url::BackendKind;
use fsql_core::Error;

/// Rows per statement at most (SQLAlchemy's `insertmanyvalues_page_size`).
pub const MAX_ROWS_PER_STATEMENT: usize = 1000;

/// How many bound parameters one statement may carry on a backend.
pub fn max_parameters(kind: BackendKind) -> usize {
    match kind {
        // SQLITE_MAX_VARIABLE_NUMBER since SQLite 3.32 (the bundled library is newer).
        BackendKind::Sqlite => 32_766,
        // The wire protocols count parameters in 16 bits.
        _ => 65_535,
    }
}

/// `INSERT INTO <table> (<columns of the first row>) VALUES (<row>), (<row>) .. <returning>`.
/// Every row must name the same columns (the caller groups them).
#[doc(hidden)]
pub struct MultiInsert<'a, F, V, R> {
    from: F,
    rows: &'a [V],
    returning: R,
}

impl<'a, F, V, R> MultiInsert<'a, F, V, R> {
    /// A statement inserting `rows` into the table whose `FROM` clause is `from`.
    pub fn new<T: diesel::QuerySource<FromClause = F>>(
        table: T,
        rows: &'a [V],
        returning: R,
    ) -> Self {
        Self {
            from: table.from_clause(),
            rows,
            returning,
        }
    }
}

/// No `RETURNING` clause.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct NoReturning;

/// ` RETURNING <expr>`.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Returning<S>(pub S);

impl<DB: Backend> QueryFragment<DB> for NoReturning {
    fn walk_ast<'b>(&'b self, _out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        Ok(())
    }
}

impl<DB: Backend, S: QueryFragment<DB>> QueryFragment<DB> for Returning<S> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(" RETURNING ");
        self.0.walk_ast(out.reborrow())
    }
}

impl<F, V, R> QueryId for MultiInsert<'_, F, V, R> {
    type QueryId = ();
    // The SQL depends on the number of rows: Diesel caches the statement by its text.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB, F, V, R> QueryFragment<DB> for MultiInsert<'_, F, V, R>
where
    DB: Backend,
    F: QueryFragment<DB>,
    V: QueryFragment<DB> + ColumnList<DB>,
    R: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let Some(first) = self.rows.first() else {
            return Err(diesel::result::Error::QueryBuilderError(
                "a multi-row INSERT needs at least one row".into(),
            ));
        };
        out.push_sql("INSERT INTO ");
        self.from.walk_ast(out.reborrow())?;
        out.push_sql(" (");
        first.columns(out.reborrow())?;
        out.push_sql(") VALUES ");
        for (i, row) in self.rows.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            out.push_sql("(");
            row.walk_ast(out.reborrow())?;
            out.push_sql(")");
        }
        self.returning.walk_ast(out.reborrow())
    }
}

impl<'a, F, V, S> diesel::query_builder::Query for MultiInsert<'a, F, V, Returning<S>>
where
    S: diesel::Expression,
{
    type SqlType = S::SqlType;
}

impl<F, V, R, C> diesel::RunQueryDsl<C> for MultiInsert<'_, F, V, R> {}

/// The column list of one row's insert values (Diesel's `InsertValues`, with the table
/// erased so that [`MultiInsert`] needs no table parameter).
#[doc(hidden)]
pub trait ColumnList<DB: Backend> {
    /// Writes the names of the columns this row sets.
    fn columns(&self, out: AstPass<'_, '_, DB>) -> QueryResult<()>;
}

/// Wraps a row's `Insertable` values with their table, for [`ColumnList`].
#[doc(hidden)]
pub struct RowValues<V, T> {
    values: V,
    _table: std::marker::PhantomData<T>,
}

impl<V, T> RowValues<V, T> {
    /// One row's values (the `values` field of Diesel's `ValuesClause`).
    pub fn new(values: V) -> Self {
        Self {
            values,
            _table: std::marker::PhantomData,
        }
    }
}

impl<DB: Backend, V: QueryFragment<DB>, T> QueryFragment<DB> for RowValues<V, T> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.values.walk_ast(out)
    }
}

impl<DB: Backend, V: InsertValues<DB, T>, T: Table> ColumnList<DB> for RowValues<V, T> {
    fn columns(&self, out: AstPass<'_, '_, DB>) -> QueryResult<()> {
        self.values.column_names(out)
    }
}

/// A failed multi-row statement is reported as its one-row form plus the row count, so the
/// message stays readable with a thousand rows.
#[doc(hidden)]
pub fn many_rows(mut err: Error, rows: usize) -> Error {
    if let Error::Database {
        statement: Some(statement),
        ..
    } = &mut err
    {
        statement.push_str(&format!(" -- one of {rows} VALUES rows shown"));
    }
    err
}
