//! The per-backend half of a model: [`ModelOn`], its "on every compiled-in backend" bound
//! [`OnAllBackends`] and the macros that implement it. Part of the model layer: its signatures
//! name [`Query`] and [`Model`], so it cannot live with the backends below. Also
//! `InQuery::over`, the `IN (subquery)` built from a query.

#[cfg(feature = "mysql")]
use crate::conn::backend::Mysql;
#[cfg(feature = "postgres")]
use crate::conn::backend::Pg;
#[cfg(feature = "sqlite")]
use crate::conn::backend::Sqlite;
use crate::conn::backend::{feature_bound, FsqlBackend};
use crate::model::query::Query;
use crate::model::Model;
use crate::sql::fragment::{Derived, Fragment, InQuery};

/// The per-backend half of a model: statically typed queries on one backend. Implemented by
/// `#[derive(Model)]` (through [`impl_model_backends!`](crate::impl_model_backends)) for every
/// compiled-in backend; not meant to be implemented by hand.
#[doc(hidden)]
pub trait ModelOn<DB: FsqlBackend>: Sized + 'static {
    /// `SELECT .. WHERE pk = ?`, a statically typed query.
    fn find(
        conn: &mut DB::Conn,
        pk: &<Self as crate::model::Model>::PrimaryKey,
    ) -> fsql_core::Result<Option<Self>>
    where
        Self: crate::model::Model;
    /// Diesel's boxed select over the model's table on this backend.
    type Boxed<'q>
    where
        DB: 'q;
    /// The query as Diesel's boxed select for this backend, every clause applied.
    fn boxed<'q>(q: &crate::model::query::Query<'q, Self>) -> <Self as ModelOn<DB>>::Boxed<'q>
    where
        Self: crate::model::Model;
    /// The rows of a query.
    fn load(
        conn: &mut DB::Conn,
        q: &crate::model::query::Query<'_, Self>,
    ) -> fsql_core::Result<Vec<Self>>
    where
        Self: crate::model::Model;
    /// `COUNT(*)` over a query's filters.
    fn count(
        conn: &mut DB::Conn,
        q: &crate::model::query::Query<'_, Self>,
    ) -> fsql_core::Result<i64>
    where
        Self: crate::model::Model;
    /// `SELECT EXISTS (..)` over a query's filters.
    fn exists(
        conn: &mut DB::Conn,
        q: &crate::model::query::Query<'_, Self>,
    ) -> fsql_core::Result<bool>
    where
        Self: crate::model::Model;
    /// `INSERT .. RETURNING` (or the backend's way to read the new key).
    fn insert(conn: &mut DB::Conn, row: &Self) -> fsql_core::Result<Self>
    where
        Self: crate::model::Model;
    /// One multi-row `INSERT` of `rows` (same column list, keys all assigned by the database
    /// or all chosen by the caller, under the parameter limit), rows as stored in input order.
    fn insert_many(
        conn: &mut DB::Conn,
        rows: &[&Self],
        assigned: bool,
    ) -> fsql_core::Result<Vec<Self>>
    where
        Self: crate::model::Model;
    /// `UPDATE .. WHERE pk = ?`; the number of rows changed.
    fn update(conn: &mut DB::Conn, row: &Self) -> fsql_core::Result<usize>
    where
        Self: crate::model::Model;
    /// The query as a boxed fragment (a derived table for relationship loading).
    fn fragment<'q>(
        q: &crate::model::query::Query<'q, Self>,
    ) -> crate::sql::fragment::Fragment<'q, DB>
    where
        Self: crate::model::Model;
    /// The query's orderings, each boxed for this backend.
    fn orderings<'q>(
        q: &crate::model::query::Query<'q, Self>,
    ) -> Vec<crate::sql::fragment::Fragment<'q, DB>>
    where
        Self: crate::model::Model;
    /// The query's filters, each boxed for this backend.
    fn filters<'q>(
        q: &crate::model::query::Query<'q, Self>,
    ) -> Vec<crate::sql::fragment::Fragment<'q, DB>>
    where
        Self: crate::model::Model;
    /// The table's columns, qualified with the table name, in row order.
    fn columns() -> crate::sql::fragment::Fragment<'static, DB>;
    /// The table, as a `FROM` item.
    fn table() -> crate::sql::fragment::Fragment<'static, DB>;
    /// `DELETE .. WHERE pk = ?`; the number of rows deleted.
    fn delete(
        conn: &mut DB::Conn,
        pk: &<Self as crate::model::Model>::PrimaryKey,
    ) -> fsql_core::Result<usize>
    where
        Self: crate::model::Model;
}

// `Model` requires all of these with one supertrait, so generic code sees `M: ModelOn<Pg>`
// exactly when PostgreSQL is compiled in.
feature_bound!("sqlite", OnSqlite, ModelOn<Sqlite>);
feature_bound!("postgres", OnPostgres, ModelOn<Pg>);
feature_bound!("mysql", OnMysql, ModelOn<Mysql>);

// The macros that emit a model's `ModelOn` impl for one backend, or nothing when the backend
// is not compiled in, are in `conn/backend/<backend>.rs`.

/// Every compiled-in backend's [`ModelOn`].
#[doc(hidden)]
pub trait OnAllBackends: OnSqlite + OnPostgres + OnMysql {}
impl<T: OnSqlite + OnPostgres + OnMysql> OnAllBackends for T {}

/// Implements the per-backend half of a model for every compiled-in backend.
#[doc(hidden)]
#[macro_export]
macro_rules! impl_model_backends {
    ($($args:tt)*) => {
        $crate::__impl_model_on_sqlite!($($args)*);
        $crate::__impl_model_on_postgres!($($args)*);
        $crate::__impl_model_on_mysql!($($args)*);
    };
}

// Here rather than beside `InQuery` (SQL layer): it reads a query, which is this layer's.
impl<'a, C, DB: diesel::backend::Backend + 'a> InQuery<'a, C, DB> {
    /// `column IN (SELECT selected FROM <source>)`: the source's table with its filters when
    /// it has no LIMIT, OFFSET, DISTINCT or hand-written base, else the source as a derived
    /// table named like its table.
    pub fn over<S>(column: C, selected: Fragment<'a, DB>, source: &Query<'a, S>) -> Self
    where
        S: Model + ModelOn<DB>,
        DB: FsqlBackend,
    {
        let flat = source.__limit().is_none()
            && source.__offset().is_none()
            && !source.__distinct()
            && source.__base().is_none();
        if flat {
            Self {
                column,
                selected,
                from: <S as ModelOn<DB>>::table(),
                filters: <S as ModelOn<DB>>::filters(source),
            }
        } else {
            Self {
                column,
                selected,
                from: Box::new(Derived {
                    query: <S as ModelOn<DB>>::fragment(source),
                    alias: S::TABLE_NAME,
                }),
                filters: Vec::new(),
            }
        }
    }
}
