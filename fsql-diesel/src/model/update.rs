//! `Query::update`: one `UPDATE .. SET <changeset> WHERE <the query's filters>` (Flask-SQLAlchemy's
//! `query.update({...})`), written once as generic code over the model's table and the
//! changeset, like the reads in [`ops`](super::ops). Model layer.

use diesel::query_builder::{
    AsChangeset, AsQuery, BoxedUpdateStatement, IntoUpdateTarget, QueryFragment, UpdateStatement,
};
use diesel::query_dsl::methods::{BoxedDsl, ExecuteDsl, FilterDsl};
use diesel::RunQueryDsl;

use crate::conn::backend::FsqlBackend;
use crate::conn::error::statement_error;
use crate::model::query::{BoxFilters, BoxedPredicate, Query};
use crate::model::Model;
use fsql_core::Result;

type TableOf<M> = <M as Model>::Table;
type BoxedUpdate<'q, M, DB, V> =
    BoxedUpdateStatement<'q, DB, TableOf<M>, <V as AsChangeset>::Changeset>;
type Unboxed<M, V> = UpdateStatement<
    TableOf<M>,
    <TableOf<M> as IntoUpdateTarget>::WhereClause,
    <V as AsChangeset>::Changeset,
>;

/// A changeset (`(Post::title.eq("x"), Post::views.eq(Post::views + 1))`) that a bulk update of
/// model `M` can run on backend `DB`.
#[doc(hidden)]
pub trait ChangesetOn<M: Model, DB: FsqlBackend>: AsChangeset<Target = TableOf<M>> + Clone {
    /// `UPDATE .. SET self WHERE <q's filters>`; the number of rows matched.
    fn update_where(self, conn: &mut DB::Conn, q: &Query<'_, M>) -> Result<usize>;
}

impl<M, DB, V> ChangesetOn<M, DB> for V
where
    M: Model,
    DB: FsqlBackend + BoxFilters,
    DB::QueryBuilder: Default,
    V: AsChangeset<Target = TableOf<M>> + Clone,
    TableOf<M>: Default + IntoUpdateTarget<Table = TableOf<M>>,
    Unboxed<M, V>: AsQuery + for<'q> BoxedDsl<'q, DB, Output = BoxedUpdate<'q, M, DB, V>>,
    for<'q> BoxedUpdate<'q, M, DB, V>: FilterDsl<BoxedPredicate<'q, TableOf<M>, DB>, Output = BoxedUpdate<'q, M, DB, V>>
        + ExecuteDsl<DB::Conn>
        + QueryFragment<DB>,
{
    fn update_where(self, conn: &mut DB::Conn, q: &Query<'_, M>) -> Result<usize> {
        let build = || {
            let set = diesel::update(TableOf::<M>::default()).set(self.clone());
            let mut update = BoxedDsl::internal_into_boxed(set);
            for f in q.__filters() {
                update = FilterDsl::filter(update, DB::predicate(&**f));
            }
            update
        };
        build()
            .execute(conn)
            .map_err(|e| statement_error::<DB, _>(e, M::META, &build()))
    }
}

/// For each backend, "`V` is a changeset of `M` on it" when the backend's feature is on and
/// nothing at all when it is off.
macro_rules! changeset_on {
    ($feature:literal, $on:ident, $db:ty) => {
        #[cfg(feature = $feature)]
        #[doc(hidden)]
        pub trait $on<M: Model>: ChangesetOn<M, $db> {}
        #[cfg(feature = $feature)]
        impl<M: Model, V: ChangesetOn<M, $db>> $on<M> for V {}
        #[cfg(not(feature = $feature))]
        #[doc(hidden)]
        pub trait $on<M: Model> {}
        #[cfg(not(feature = $feature))]
        impl<M: Model, V> $on<M> for V {}
    };
}
changeset_on!("sqlite", ChangesetOnSqlite, diesel::sqlite::Sqlite);
changeset_on!("postgres", ChangesetOnPostgres, diesel::pg::Pg);
changeset_on!("mysql", ChangesetOnMysql, diesel::mysql::Mysql);

/// A changeset of `M` that runs on every compiled-in backend: what [`Query::update`] takes.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a changeset of `{M}`",
    label = "not a changeset of `{M}`",
    note = "give the columns to set with `eq`, one or a tuple: `(Post::title.eq(\"new\"), \
            Post::views.eq(Post::views + 1))`; every column must be one of `{M}`'s"
)]
pub trait Changeset<M: Model>:
    ChangesetOnSqlite<M> + ChangesetOnPostgres<M> + ChangesetOnMysql<M> + Clone
{
}
impl<M: Model, V> Changeset<M> for V where
    V: ChangesetOnSqlite<M> + ChangesetOnPostgres<M> + ChangesetOnMysql<M> + Clone
{
}
