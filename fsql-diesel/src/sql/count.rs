//! The `COUNT(*)` wrapper around any query. Part of the SQL layer.

/// `SELECT COUNT(*) FROM (<query>) AS fsql_counted`: counts what any query returns, its own
/// `LIMIT`, `DISTINCT` and all, on every backend (Diesel has no subquery in `FROM`).
#[doc(hidden)]
pub struct CountOver<Q>(pub Q);

impl<Q> diesel::query_builder::QueryId for CountOver<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, DB> diesel::query_builder::QueryFragment<DB> for CountOver<Q>
where
    DB: diesel::backend::Backend,
    Q: diesel::query_builder::QueryFragment<DB>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        out.push_sql("SELECT COUNT(*) FROM (");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(") fsql_counted");
        Ok(())
    }
}

impl<Q> diesel::query_builder::Query for CountOver<Q> {
    type SqlType = diesel::sql_types::BigInt;
}

impl<Q, Conn> diesel::RunQueryDsl<Conn> for CountOver<Q> {}
