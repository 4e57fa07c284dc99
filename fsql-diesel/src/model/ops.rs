//! The reads (and the delete) every model runs on a backend, written once as generic code over
//! the model's Diesel table. Model layer.
//!
//! A derived model names no per-backend code for these: its [`ModelHooks::__Ops`] is
//! [`Derived`], whose [`ReadOn`] impl below holds for every model whose table and row mapping
//! satisfy Diesel's traits on that backend. The code is compiled only where a query runs, for
//! the models it runs on, as Diesel's own generic code is; before, each model carried ~220
//! lines per backend, compiled whether used or not. The statements are the ones hand-written
//! Diesel builds (`table.find(pk)`, a boxed select), so the prepared-statement cache and the
//! SQL are unchanged.
//!
//! The row writes (insert, multi-row insert, update) stay per model ([`WriteOn`](super::WriteOn)): their Diesel
//! types name `<&'r M as Insertable<T>>::Values` under a lifetime binder, which rustc's trait
//! solver cannot normalize in a generic impl (it overflows).
//!
//! [`ModelHooks::__Ops`]: super::hooks::ModelHooks::__Ops

use diesel::dsl::{CountStar, Find, SqlTypeOf};
use diesel::expression::TypedExpressionType;
use diesel::internal::table_macro::{BoxedSelectStatement, FromClause};
use diesel::query_builder::{AsQuery, IntoUpdateTarget, QueryFragment};
use diesel::query_dsl::methods::{
    BoxedDsl, DistinctDsl, ExecuteDsl, FilterDsl, FindDsl, LimitDsl, LoadQuery, OffsetDsl,
    SelectDsl, ThenOrderDsl,
};
use diesel::{Expression, OptionalExtension, RunQueryDsl, Table};

use crate::conn::backend::FsqlBackend;
use crate::conn::error::statement_error;
use crate::conn::instrument::{with_shape, KeyParameter};
use crate::model::query::{BaseOn, BoxFilters, BoxedOrdering, BoxedPredicate, Query};
use crate::model::Model;
use crate::sql::count::CountOver;
use crate::sql::fragment::{Fragment, StaticId};
use crate::sql::rendered::{rendered_columns, PreRendered};
use fsql_core::Result;

type TableOf<M> = <M as Model>::Table;
type ColumnsOf<M> = <TableOf<M> as Table>::AllColumns;
type BoxedDelete<'q, M, DB> = diesel::query_builder::BoxedDeleteStatement<'q, DB, TableOf<M>>;
type ByKey<M> = Find<TableOf<M>, <M as Model>::PrimaryKey>;
type Counted<'q, M, DB> =
    BoxedSelectStatement<'q, diesel::sql_types::BigInt, FromClause<TableOf<M>>, DB>;
type ExistsSelect<'q, M, DB> = diesel::dsl::select<diesel::dsl::exists<Boxed<'q, M, DB>>>;

/// Diesel's boxed select over a model's table on backend `DB`: what `user::table.into_boxed()`
/// gives, and what [`Query::from_boxed`] takes.
pub type Boxed<'q, M, DB> =
    BoxedSelectStatement<'q, SqlTypeOf<ColumnsOf<M>>, FromClause<TableOf<M>>, DB>;

/// The operations of [`ModelOn`](super::ModelOn) that need nothing but the model's table and
/// row mapping, implemented by a model's [`ModelHooks::__Ops`](super::hooks::ModelHooks::__Ops).
#[doc(hidden)]
pub trait ReadOn<M: Model, DB: FsqlBackend> {
    /// `SELECT .. WHERE pk = ?`.
    fn find(conn: &mut DB::Conn, pk: &M::PrimaryKey) -> Result<Option<M>>;
    /// The query as Diesel's boxed select, every clause applied.
    fn boxed<'q>(q: &Query<'q, M>) -> Boxed<'q, M, DB>;
    /// The rows of a query.
    fn load(conn: &mut DB::Conn, q: &Query<'_, M>) -> Result<Vec<M>>;
    /// The rows of a query whose SQL is fixed by `S`: the caller promises that every query it
    /// passes with the same `S` renders the same SQL on a backend (only values differ). Diesel
    /// then keeps the prepared statement by type and skips building the SQL text again, as it
    /// does for hand-written, statically typed queries.
    fn load_shaped<S: 'static>(conn: &mut DB::Conn, q: &Query<'_, M>) -> Result<Vec<M>>
    where
        for<'q> StaticId<S, Boxed<'q, M, DB>>: LoadQuery<'q, DB::Conn, M>;
    /// `COUNT(*)` over a query's filters.
    fn count(conn: &mut DB::Conn, q: &Query<'_, M>) -> Result<i64>;
    /// `SELECT EXISTS (..)` over a query.
    fn exists(conn: &mut DB::Conn, q: &Query<'_, M>) -> Result<bool>;
    /// The query as a boxed fragment (a derived table for relationship loading).
    fn fragment<'q>(q: &Query<'q, M>) -> Fragment<'q, DB>;
    /// The table's columns, qualified, in row order.
    fn columns() -> Fragment<'static, DB>;
    /// The table as a `FROM` item.
    fn table() -> Fragment<'static, DB>;
    /// `DELETE .. WHERE pk = ?`.
    fn delete(conn: &mut DB::Conn, pk: &M::PrimaryKey) -> Result<usize>;
    /// `DELETE FROM t WHERE <the query's filters>`; how many rows it deleted.
    fn delete_where(conn: &mut DB::Conn, q: &Query<'_, M>) -> Result<usize>;
}

/// The operations of a model whose derive succeeded.
#[doc(hidden)]
pub struct Derived;

/// The start of every select: the query's hand-written base for this backend, else the table.
/// (`Query` checks the backend before running, so another backend's base is never silently
/// replaced here.)
fn start<'q, M, DB>(q: &Query<'q, M>) -> Boxed<'q, M, DB>
where
    M: Model,
    DB: FsqlBackend + BaseOn<M> + BoxFilters,
    TableOf<M>: BoxedDsl<'q, DB, Output = Boxed<'q, M, DB>>,
    Boxed<'q, M, DB>: FilterDsl<BoxedPredicate<'q, TableOf<M>, DB>, Output = Boxed<'q, M, DB>>,
{
    let start = match q.__base().and_then(DB::unwrap) {
        Some(base) => base,
        None => BoxedDsl::internal_into_boxed(TableOf::<M>::default()),
    };
    filtered(q, start)
}

fn filtered<'q, M, DB>(q: &Query<'q, M>, mut boxed: Boxed<'q, M, DB>) -> Boxed<'q, M, DB>
where
    M: Model,
    DB: FsqlBackend + BoxFilters,
    Boxed<'q, M, DB>: FilterDsl<BoxedPredicate<'q, TableOf<M>, DB>, Output = Boxed<'q, M, DB>>,
{
    for f in q.__filters() {
        boxed = FilterDsl::filter(boxed, DB::predicate(&**f));
    }
    boxed
}

impl<M, DB> ReadOn<M, DB> for Derived
where
    M: Model,
    DB: FsqlBackend + BaseOn<M> + BoxFilters,
    DB::QueryBuilder: Default,
    TableOf<M>: FindDsl<M::PrimaryKey>
        + for<'q> BoxedDsl<'q, DB, Output = Boxed<'q, M, DB>>
        + SelectDsl<CountStar>
        + IntoUpdateTarget
        + QueryFragment<DB>,
    diesel::dsl::Select<TableOf<M>, CountStar>:
        for<'c> LoadQuery<'c, DB::Conn, i64> + QueryFragment<DB>,
    ColumnsOf<M>: QueryFragment<DB> + Send,
    SqlTypeOf<ColumnsOf<M>>: TypedExpressionType,
    ByKey<M>: for<'c> LoadQuery<'c, DB::Conn, M> + IntoUpdateTarget + QueryFragment<DB>,
    diesel::dsl::delete<ByKey<M>>: ExecuteDsl<DB::Conn> + QueryFragment<DB>,
    diesel::dsl::delete<TableOf<M>>: for<'q> BoxedDsl<'q, DB, Output = BoxedDelete<'q, M, DB>>,
    for<'q> BoxedDelete<'q, M, DB>: FilterDsl<BoxedPredicate<'q, TableOf<M>, DB>, Output = BoxedDelete<'q, M, DB>>
        + ExecuteDsl<DB::Conn>
        + QueryFragment<DB>,
    for<'q> Boxed<'q, M, DB>: FilterDsl<BoxedPredicate<'q, TableOf<M>, DB>, Output = Boxed<'q, M, DB>>
        + ThenOrderDsl<BoxedOrdering<'q, TableOf<M>, DB>, Output = Boxed<'q, M, DB>>
        + SelectDsl<PreRendered<SqlTypeOf<ColumnsOf<M>>>, Output = Boxed<'q, M, DB>>
        + LimitDsl<Output = Boxed<'q, M, DB>>
        + OffsetDsl<Output = Boxed<'q, M, DB>>
        + DistinctDsl<Output = Boxed<'q, M, DB>>
        + SelectDsl<CountStar, Output = Counted<'q, M, DB>>
        + LoadQuery<'q, DB::Conn, M>
        + QueryFragment<DB>
        + Send,
    for<'q> Counted<'q, M, DB>: LoadQuery<'q, DB::Conn, i64> + QueryFragment<DB>,
    for<'q> CountOver<Boxed<'q, M, DB>>: LoadQuery<'q, DB::Conn, i64> + QueryFragment<DB>,
    for<'q> diesel::dsl::exists<Boxed<'q, M, DB>>: Expression,
    for<'q> ExistsSelect<'q, M, DB>: AsQuery + LoadQuery<'q, DB::Conn, bool> + QueryFragment<DB>,
{
    #[inline]
    fn find(conn: &mut DB::Conn, pk: &M::PrimaryKey) -> Result<Option<M>> {
        let build = || FindDsl::find(TableOf::<M>::default(), pk.clone());
        let mut run = || {
            build()
                .get_result::<M>(conn)
                .optional()
                .map_err(|e| statement_error::<DB, _>(e, M::META, &build()))
        };
        // A one-column key is the statement's one parameter; a composite key's columns are
        // bound one by one and print differently from the tuple, so it is left to Diesel.
        if M::PRIMARY_KEY_COLUMNS.len() == 1 {
            with_shape::<(ByKey<M>, DB), _>(|| KeyParameter::of(pk), run)
        } else {
            run()
        }
    }

    #[inline]
    fn boxed<'q>(q: &Query<'q, M>) -> Boxed<'q, M, DB> {
        let mut b = start::<M, DB>(q);
        if q.__base().is_none() {
            // The same column list as text rendered once (a hand-written base keeps its own
            // select): the statement's text is unchanged, built without quoting every
            // identifier again.
            if let Some(columns) = rendered_columns::<DB, _>(TableOf::<M>::all_columns()) {
                b = SelectDsl::select(b, columns);
            }
        }
        for o in q.__orders() {
            b = ThenOrderDsl::then_order_by(b, DB::ordering(&**o));
        }
        if let Some(l) = q.__limit() {
            b = LimitDsl::limit(b, l);
        }
        if let Some(o) = q.__offset() {
            b = OffsetDsl::offset(b, o);
        }
        if q.__distinct() {
            b = DistinctDsl::distinct(b);
        }
        b
    }

    #[inline]
    fn load(conn: &mut DB::Conn, q: &Query<'_, M>) -> Result<Vec<M>> {
        let build = || <Self as ReadOn<M, DB>>::boxed(q);
        build()
            .load::<M>(conn)
            .map_err(|e| statement_error::<DB, _>(e, M::META, &build()))
    }

    #[inline]
    fn load_shaped<S: 'static>(conn: &mut DB::Conn, q: &Query<'_, M>) -> Result<Vec<M>>
    where
        for<'q> StaticId<S, Boxed<'q, M, DB>>: LoadQuery<'q, DB::Conn, M>,
    {
        let build = || <Self as ReadOn<M, DB>>::boxed(q);
        StaticId::<S, _>::new(build())
            .load::<M>(conn)
            .map_err(|e| statement_error::<DB, _>(e, M::META, &build()))
    }

    #[inline]
    fn count(conn: &mut DB::Conn, q: &Query<'_, M>) -> Result<i64> {
        // COUNT(*) over the filters only: ORDER BY, LIMIT and OFFSET do not change how many
        // rows match (the caller applies limit and offset to the number). DISTINCT does not
        // either: every row carries the primary key, so rows are already distinct.
        if q.__base().is_some() {
            // A hand-written base may carry its own LIMIT or joins: count what it returns.
            let build = || CountOver(start::<M, DB>(q));
            return build()
                .get_result::<i64>(conn)
                .map_err(|e| statement_error::<DB, _>(e, M::META, &build()));
        }
        if q.__filters().is_empty() {
            // The whole table: a statically typed `SELECT COUNT(*) FROM t`, kept prepared by
            // type as hand-written Diesel's `table.count()` is, instead of built as text again.
            let build = || SelectDsl::select(TableOf::<M>::default(), diesel::dsl::count_star());
            return build()
                .get_result::<i64>(conn)
                .map_err(|e| statement_error::<DB, _>(e, M::META, &build()));
        }
        let build = || {
            let all = BoxedDsl::internal_into_boxed(TableOf::<M>::default());
            SelectDsl::select(filtered(q, all), diesel::dsl::count_star())
        };
        build()
            .get_result::<i64>(conn)
            .map_err(|e| statement_error::<DB, _>(e, M::META, &build()))
    }

    #[inline]
    fn exists(conn: &mut DB::Conn, q: &Query<'_, M>) -> Result<bool> {
        let build = || diesel::select(diesel::dsl::exists(start::<M, DB>(q)));
        build()
            .get_result::<bool>(conn)
            .map_err(|e| statement_error::<DB, _>(e, M::META, &build()))
    }

    #[inline]
    fn fragment<'q>(q: &Query<'q, M>) -> Fragment<'q, DB> {
        Box::new(<Self as ReadOn<M, DB>>::boxed(q))
    }

    #[inline]
    fn columns() -> Fragment<'static, DB> {
        Box::new(TableOf::<M>::all_columns())
    }

    #[inline]
    fn table() -> Fragment<'static, DB> {
        Box::new(TableOf::<M>::default())
    }

    #[inline]
    fn delete(conn: &mut DB::Conn, pk: &M::PrimaryKey) -> Result<usize> {
        let build = || diesel::delete(FindDsl::find(TableOf::<M>::default(), pk.clone()));
        build()
            .execute(conn)
            .map_err(|e| statement_error::<DB, _>(e, M::META, &build()))
    }
    #[inline]
    fn delete_where(conn: &mut DB::Conn, q: &Query<'_, M>) -> Result<usize> {
        let build = || {
            let mut delete = BoxedDsl::internal_into_boxed(diesel::delete(TableOf::<M>::default()));
            for f in q.__filters() {
                delete = FilterDsl::filter(delete, DB::predicate(&**f));
            }
            delete
        };
        build()
            .execute(conn)
            .map_err(|e| statement_error::<DB, _>(e, M::META, &build()))
    }
}
