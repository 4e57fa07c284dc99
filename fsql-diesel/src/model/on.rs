//! The per-backend half of a model: [`ModelOn`] with its one implementation for every model
//! (reads from [`ops`](super::ops), row writes from [`WriteOn`]), its "on every compiled-in
//! backend" bound [`OnAllBackends`], and [`impl_model_backends!`](crate::impl_model_backends),
//! which instantiates a model's `WriteOn`. Part of the model layer: its signatures name
//! [`Query`] and [`Model`], so it cannot live with the backends below. Also
//! `InQuery::over`, the `IN (subquery)` built from a query.

#[cfg(feature = "mysql")]
use crate::conn::backend::Mysql;
#[cfg(feature = "postgres")]
use crate::conn::backend::Pg;
#[cfg(feature = "sqlite")]
use crate::conn::backend::Sqlite;
use crate::conn::backend::{feature_bound, FsqlBackend};
use crate::model::ops::{Boxed, ReadOn};
use crate::model::query::{BoxFilters, Query};
use crate::model::Model;
use crate::sql::fragment::{Derived, Fragment, InQuery, StaticId};
use diesel::query_dsl::methods::LoadQuery;
use fsql_core::Result;

/// The per-backend half of a model: statically typed queries on one backend, for every model
/// and every compiled-in backend. Implemented once, below, from the model's
/// [`ModelHooks::__Ops`] (generic reads over its table) and its [`WriteOn`] (row writes the
/// derive instantiates); not meant to be implemented by hand.
#[doc(hidden)]
// Not `: Model`: `Model` requires `ModelOn` of every backend (`OnAllBackends`), and a
// supertrait cycle is refused; each method asks for `Self: Model` instead.
pub trait ModelOn<DB: FsqlBackend>: Sized + 'static {
    /// `SELECT .. WHERE pk = ?`, a statically typed query.
    fn find(conn: &mut DB::Conn, pk: &<Self as Model>::PrimaryKey) -> Result<Option<Self>>
    where
        Self: Model;
    /// The query as Diesel's boxed select for this backend, every clause applied.
    fn boxed<'q>(q: &Query<'q, Self>) -> Boxed<'q, Self, DB>
    where
        Self: Model;
    /// The rows of a query.
    fn load(conn: &mut DB::Conn, q: &Query<'_, Self>) -> Result<Vec<Self>>
    where
        Self: Model;
    /// The rows of a query whose SQL is fixed by `S` (see [`ReadOn::load_shaped`]).
    fn load_shaped<S: 'static>(conn: &mut DB::Conn, q: &Query<'_, Self>) -> Result<Vec<Self>>
    where
        Self: Model,
        for<'q> StaticId<S, Boxed<'q, Self, DB>>: LoadQuery<'q, DB::Conn, Self>;
    /// `COUNT(*)` over a query's filters.
    fn count(conn: &mut DB::Conn, q: &Query<'_, Self>) -> Result<i64>
    where
        Self: Model;
    /// `SELECT EXISTS (..)` over a query's filters.
    fn exists(conn: &mut DB::Conn, q: &Query<'_, Self>) -> Result<bool>
    where
        Self: Model;
    /// `INSERT .. RETURNING` (or the backend's way to read the new key).
    fn insert(conn: &mut DB::Conn, row: &Self) -> Result<Self>
    where
        Self: Model;
    /// One multi-row `INSERT` of `rows` (same column list, keys all assigned by the database
    /// or all chosen by the caller, under the parameter limit), rows as stored in input order.
    fn insert_many(conn: &mut DB::Conn, rows: &[&Self], assigned: bool) -> Result<Vec<Self>>
    where
        Self: Model;
    /// `UPDATE .. WHERE pk = ?`; the number of rows changed.
    fn update(conn: &mut DB::Conn, row: &Self) -> Result<usize>
    where
        Self: Model;
    /// The query as a boxed fragment (a derived table for relationship loading).
    fn fragment<'q>(q: &Query<'q, Self>) -> Fragment<'q, DB>
    where
        Self: Model;
    /// The query's orderings, each boxed for this backend.
    fn orderings<'q>(q: &Query<'q, Self>) -> Vec<Fragment<'q, DB>>
    where
        Self: Model;
    /// The query's filters, each boxed for this backend.
    fn filters<'q>(q: &Query<'q, Self>) -> Vec<Fragment<'q, DB>>
    where
        Self: Model;
    /// The table's columns, qualified with the table name, in row order.
    fn columns() -> Fragment<'static, DB>
    where
        Self: Model;
    /// The table, as a `FROM` item.
    fn table() -> Fragment<'static, DB>
    where
        Self: Model;
    /// `DELETE .. WHERE pk = ?`; the number of rows deleted.
    fn delete(conn: &mut DB::Conn, pk: &<Self as Model>::PrimaryKey) -> Result<usize>
    where
        Self: Model;
    /// `DELETE .. WHERE <the query's filters>`; the number of rows deleted.
    fn delete_where(conn: &mut DB::Conn, q: &Query<'_, Self>) -> Result<usize>
    where
        Self: Model;
}

/// The row writes of a model on one backend. Their Diesel types depend on the model's
/// `Insertable` and `AsChangeset` values in a way a generic impl cannot state (see
/// [`ops`](super::ops)), so `#[derive(Model)]` instantiates them per model through
/// [`impl_model_backends!`](crate::impl_model_backends), as `#[inline]` functions compiled only
/// where a write runs.
#[doc(hidden)]
pub trait WriteOn<DB: FsqlBackend>: Sized {
    /// See [`ModelOn::insert`].
    fn insert(conn: &mut DB::Conn, row: &Self) -> Result<Self>;
    /// See [`ModelOn::insert_many`].
    fn insert_many(conn: &mut DB::Conn, rows: &[&Self], assigned: bool) -> Result<Vec<Self>>;
    /// See [`ModelOn::update`].
    fn update(conn: &mut DB::Conn, row: &Self) -> Result<usize>;
}

impl<M, DB> ModelOn<DB> for M
where
    M: Model + WriteOn<DB>,
    DB: FsqlBackend + BoxFilters,
    M::__Ops: ReadOn<M, DB>,
{
    #[inline]
    fn find(conn: &mut DB::Conn, pk: &M::PrimaryKey) -> Result<Option<M>> {
        <M::__Ops as ReadOn<M, DB>>::find(conn, pk)
    }
    #[inline]
    fn boxed<'q>(q: &Query<'q, M>) -> Boxed<'q, M, DB> {
        <M::__Ops as ReadOn<M, DB>>::boxed(q)
    }
    #[inline]
    fn load(conn: &mut DB::Conn, q: &Query<'_, M>) -> Result<Vec<M>> {
        <M::__Ops as ReadOn<M, DB>>::load(conn, q)
    }
    #[inline]
    fn load_shaped<S: 'static>(conn: &mut DB::Conn, q: &Query<'_, M>) -> Result<Vec<M>>
    where
        for<'q> StaticId<S, Boxed<'q, M, DB>>: LoadQuery<'q, DB::Conn, M>,
    {
        <M::__Ops as ReadOn<M, DB>>::load_shaped::<S>(conn, q)
    }
    #[inline]
    fn count(conn: &mut DB::Conn, q: &Query<'_, M>) -> Result<i64> {
        <M::__Ops as ReadOn<M, DB>>::count(conn, q)
    }
    #[inline]
    fn exists(conn: &mut DB::Conn, q: &Query<'_, M>) -> Result<bool> {
        <M::__Ops as ReadOn<M, DB>>::exists(conn, q)
    }
    #[inline]
    fn insert(conn: &mut DB::Conn, row: &M) -> Result<M> {
        <M as WriteOn<DB>>::insert(conn, row)
    }
    #[inline]
    fn insert_many(conn: &mut DB::Conn, rows: &[&M], assigned: bool) -> Result<Vec<M>> {
        <M as WriteOn<DB>>::insert_many(conn, rows, assigned)
    }
    #[inline]
    fn update(conn: &mut DB::Conn, row: &M) -> Result<usize> {
        <M as WriteOn<DB>>::update(conn, row)
    }
    #[inline]
    fn fragment<'q>(q: &Query<'q, M>) -> Fragment<'q, DB> {
        <M::__Ops as ReadOn<M, DB>>::fragment(q)
    }
    #[inline]
    fn orderings<'q>(q: &Query<'q, M>) -> Vec<Fragment<'q, DB>> {
        q.__orders()
            .iter()
            .map(|o| Box::new(DB::ordering(&**o)) as Fragment<'q, DB>)
            .collect()
    }
    #[inline]
    fn filters<'q>(q: &Query<'q, M>) -> Vec<Fragment<'q, DB>> {
        q.__filters()
            .iter()
            .map(|f| Box::new(DB::predicate(&**f)) as Fragment<'q, DB>)
            .collect()
    }
    #[inline]
    fn columns() -> Fragment<'static, DB> {
        <M::__Ops as ReadOn<M, DB>>::columns()
    }
    #[inline]
    fn table() -> Fragment<'static, DB> {
        <M::__Ops as ReadOn<M, DB>>::table()
    }
    #[inline]
    fn delete(conn: &mut DB::Conn, pk: &M::PrimaryKey) -> Result<usize> {
        <M::__Ops as ReadOn<M, DB>>::delete(conn, pk)
    }
    #[inline]
    fn delete_where(conn: &mut DB::Conn, q: &Query<'_, M>) -> Result<usize> {
        <M::__Ops as ReadOn<M, DB>>::delete_where(conn, q)
    }
}

// `Model` requires all of these with one supertrait, so generic code sees `M: ModelOn<Pg>`
// exactly when PostgreSQL is compiled in.
feature_bound!("sqlite", OnSqlite, ModelOn<Sqlite>);
feature_bound!("postgres", OnPostgres, ModelOn<Pg>);
feature_bound!("mysql", OnMysql, ModelOn<Mysql>);

// The macros that emit a model's `WriteOn` impl for one backend, or nothing when the backend
// is not compiled in, are in `conn/backend/<backend>.rs`.

feature_bound!("sqlite", WritesSqlite, WriteOn<Sqlite>);
feature_bound!("postgres", WritesPostgres, WriteOn<Pg>);
feature_bound!("mysql", WritesMysql, WriteOn<Mysql>);

/// Every compiled-in backend's [`ModelOn`]. It names [`WriteOn`] too, although `ModelOn`
/// requires it: when a type that is not a model is used as one, rustc then counts the missing
/// `WriteOn` as part of the one "not an fsql model" error instead of reporting it again.
#[doc(hidden)]
pub trait OnAllBackends:
    OnSqlite + OnPostgres + OnMysql + WritesSqlite + WritesPostgres + WritesMysql
{
}
impl<T> OnAllBackends for T where
    T: OnSqlite + OnPostgres + OnMysql + WritesSqlite + WritesPostgres + WritesMysql
{
}

/// Implements a model's row writes ([`WriteOn`]) for every compiled-in backend.
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
        if source.is_flat() {
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
