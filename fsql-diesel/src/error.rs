//! Diesel's errors turned into [`fsql_core::Error`], with the statement attached.

use diesel::backend::Backend;
use diesel::query_builder::{QueryBuilder, QueryFragment};
use diesel::result::{DatabaseErrorKind as DieselKind, Error as DieselError};
use fsql_core::{DatabaseErrorKind, Error, TableMeta};

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
    err: DieselError,
    model: Option<&'static str>,
    statement: Option<String>,
) -> Error {
    let (kind, message) = match &err {
        DieselError::DatabaseError(kind, info) => {
            let kind = match kind {
                DieselKind::UniqueViolation => DatabaseErrorKind::UniqueViolation,
                DieselKind::ForeignKeyViolation => DatabaseErrorKind::ForeignKeyViolation,
                DieselKind::NotNullViolation => DatabaseErrorKind::NotNullViolation,
                DieselKind::CheckViolation => DatabaseErrorKind::CheckViolation,
                DieselKind::SerializationFailure => DatabaseErrorKind::SerializationFailure,
                DieselKind::ReadOnlyTransaction => DatabaseErrorKind::ReadOnlyTransaction,
                DieselKind::ClosedConnection => DatabaseErrorKind::ClosedConnection,
                // MySQL's lost connections arrive as `Unknown`, recognisable by message only.
                _ if crate::pool::is_lost_connection_message(info.message()) => {
                    DatabaseErrorKind::ClosedConnection
                }
                _ => DatabaseErrorKind::Other,
            };
            (kind, info.message().to_owned())
        }
        DieselError::DeserializationError(e) => (
            DatabaseErrorKind::Deserialization,
            format!("{e} (does the model's field type match the column's type in the database?)"),
        ),
        DieselError::SerializationError(e) => (DatabaseErrorKind::Serialization, e.to_string()),
        DieselError::RollbackErrorOnCommit { .. }
        | DieselError::RollbackTransaction
        | DieselError::AlreadyInTransaction
        | DieselError::NotInTransaction
        | DieselError::BrokenTransactionManager => {
            (DatabaseErrorKind::Transaction, err.to_string())
        }
        other => (DatabaseErrorKind::Other, other.to_string()),
    };
    Error::Database {
        kind,
        model,
        statement,
        message,
        source: Box::new(err),
    }
}
