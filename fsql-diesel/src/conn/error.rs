//! Diesel's errors turned into [`fsql_core::Error`], with the statement attached.

use diesel::backend::Backend;
use diesel::query_builder::{QueryBuilder, QueryFragment};
use diesel::result::Error as DieselError;
use fsql_core::{Error, TableMeta};

/// Renders a statement's SQL without its parameter values (they may be secrets).
pub fn render_sql<DB, Q>(query: &Q) -> Option<String>
where
    DB: Backend + Default,
    DB::QueryBuilder: Default,
    Q: QueryFragment<DB> + ?Sized,
{
    let mut qb = DB::QueryBuilder::default();
    query.to_sql(&mut qb, &DB::default()).ok()?;
    Some(qb.finish())
}

/// A failed statement of `table`'s model. Only called on the error path, so rendering the SQL
/// again costs nothing on success.
#[doc(hidden)]
pub fn statement_error<DB, Q>(err: DieselError, table: &'static TableMeta, query: &Q) -> Error
where
    DB: Backend + Default,
    DB::QueryBuilder: Default,
    Q: QueryFragment<DB>,
{
    from_diesel(err, Some(table.model), render_sql::<DB, Q>(query))
}

/// Any Diesel error, with what is known of where it happened.
pub fn from_diesel(
    err: diesel::result::Error,
    model: Option<&'static str>,
    statement: Option<String>,
) -> Error {
    Error::from_diesel(err, model, statement)
}
