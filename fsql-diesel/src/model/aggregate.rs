//! Aggregates over a model's query: `group_by`, `having`, and `count`, `sum`, `avg`, `min`,
//! `max` (SQLAlchemy's `db.session.query(Post.author_id, func.count()).group_by(..)`), read
//! as tuples or as a struct of your own.
//!
//! Diesel checks the statement when it is written: every selected column must be grouped or
//! inside an aggregate (`ValidGrouping`), and the row type must read the selected SQL types.
//! The query's filters (joins included) become the `WHERE` clause.

use std::marker::PhantomData;
use std::sync::Arc;

use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_dsl::methods::LoadQuery;
use diesel::sql_types::{BoolOrNullableBool, SqlType};

use crate::conn::backend::{dispatch, FsqlBackend, OnAllBackendsFragment};
use crate::conn::executor::Executor;
use crate::model::query::Query;
use crate::model::{Model, ModelOn};
use crate::sql::fragment::{Fragment, GroupedSelect};
use fsql_core::{Error, Result};

/// SQL's aggregate functions, as SQLAlchemy's `func`: `func::count(Post::id)`,
/// `func::count_star()`, `func::sum(Post::views)`, `func::avg(..)`, `func::min(..)`,
/// `func::max(..)` (Diesel's, re-exported; `func::count(c).aggregate_distinct()` counts
/// distinct values).
///
/// `count` reads as `i64`; `sum` of an integer column as `Option<i64>`, `min`/`max` as an
/// `Option` of the column's type, and `avg` of a float column as `Option<f64>` (`None` for no
/// rows); `avg` of an integer column is a decimal (feature `decimal`).
pub mod func {
    pub use diesel::dsl::{avg, count, count_star, max, min, sum};
}

/// An expression fsql renders on every compiled-in backend, shared by the clones of a query.
#[derive(Clone)]
struct Shared<'a>(Arc<dyn OnAllBackendsFragment + Send + Sync + 'a>);

macro_rules! shared_on {
    ($feature:literal, $db:ty) => {
        #[cfg(feature = $feature)]
        impl diesel::query_builder::QueryFragment<$db> for Shared<'_> {
            fn walk_ast<'b>(
                &'b self,
                out: diesel::query_builder::AstPass<'_, 'b, $db>,
            ) -> diesel::QueryResult<()> {
                let fragment: &dyn diesel::query_builder::QueryFragment<$db> = &*self.0;
                fragment.walk_ast(out)
            }
        }
    };
}
shared_on!("sqlite", crate::conn::backend::Sqlite);
shared_on!("postgres", crate::conn::backend::Pg);
shared_on!("mysql", crate::conn::backend::Mysql);

/// Reads the rows of an aggregate statement on one backend.
#[doc(hidden)]
pub trait LoadRows<ST, DB: FsqlBackend>: Sized {
    /// Runs `statement`.
    fn load_rows(
        conn: &mut DB::Conn,
        statement: GroupedSelect<'_, DB, ST>,
    ) -> diesel::QueryResult<Vec<Self>>;
}

impl<U, ST, DB> LoadRows<ST, DB> for U
where
    DB: FsqlBackend,
    ST: 'static,
    for<'q> GroupedSelect<'q, DB, ST>: LoadQuery<'q, DB::Conn, U>,
{
    fn load_rows(
        conn: &mut DB::Conn,
        statement: GroupedSelect<'_, DB, ST>,
    ) -> diesel::QueryResult<Vec<U>> {
        diesel::RunQueryDsl::load(statement, conn)
    }
}

macro_rules! rows_on {
    ($feature:literal, $name:ident, $db:ty) => {
        #[cfg(feature = $feature)]
        #[doc(hidden)]
        pub trait $name<ST>: LoadRows<ST, $db> {}
        #[cfg(feature = $feature)]
        impl<U: LoadRows<ST, $db>, ST> $name<ST> for U {}
        #[cfg(not(feature = $feature))]
        #[doc(hidden)]
        pub trait $name<ST> {}
        #[cfg(not(feature = $feature))]
        impl<U, ST> $name<ST> for U {}
    };
}
rows_on!("sqlite", RowsOnSqlite, crate::conn::backend::Sqlite);
rows_on!("postgres", RowsOnPostgres, crate::conn::backend::Pg);
rows_on!("mysql", RowsOnMysql, crate::conn::backend::Mysql);

/// A Rust type that reads one row of SQL type `ST` on every compiled-in backend: a tuple of
/// the selected values' types, or a struct deriving `diesel::Queryable` over them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a row of the selected SQL types `{ST}`",
    label = "the row type given to `load`",
    note = "use a tuple with one Rust type per selected expression, in order: `count` is i64, \
            `sum` of an integer Option<i64>, `min`/`max` an Option of the column's type"
)]
pub trait Row<ST>: RowsOnSqlite<ST> + RowsOnPostgres<ST> + RowsOnMysql<ST> {}
impl<U, ST> Row<ST> for U where U: RowsOnSqlite<ST> + RowsOnPostgres<ST> + RowsOnMysql<ST> {}

/// An expression usable in an aggregate over table `T`, grouped by `G`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not valid in an aggregate over table `{T}` grouped by `{G}`",
    label = "every column must be in `group_by` or inside an aggregate function",
    note = "select the grouped columns and aggregates such as `func::count_star()`; columns of \
            other models reach the query through `join`"
)]
pub trait Aggregated<T, G>:
    Expression + AppearsOnTable<T> + ValidGrouping<G> + OnAllBackendsFragment + Clone + Send + Sync
{
}
impl<T, G, E> Aggregated<T, G> for E where
    E: Expression
        + AppearsOnTable<T>
        + ValidGrouping<G>
        + OnAllBackendsFragment
        + Clone
        + Send
        + Sync
{
}

impl<'a, M: Model> Query<'a, M> {
    /// Groups the query's rows by `group` (a column, or a tuple of columns) for an aggregate:
    /// finish with [`select`](Grouped::select).
    ///
    /// ```
    /// use fsql::prelude::*;
    /// use fsql::func;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// pub struct Post {
    ///     #[fsql(primary_key)]
    ///     pub id: i32,
    ///     pub author_id: i32,
    ///     pub views: i32,
    /// }
    ///
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # for (author_id, views) in [(1, 10), (1, 5), (2, 7), (3, 1)] {
    /// #     Post { id: 0, author_id, views }.insert(&db)?;
    /// # }
    /// // Authors with more than one post, with their post count and total views.
    /// let rows: Vec<(i32, i64, Option<i64>)> = Post::query()
    ///     .group_by(Post::author_id)
    ///     .select((Post::author_id, func::count_star(), func::sum(Post::views)))
    ///     .having(func::count_star().gt(1))
    ///     .order_by(func::count_star().desc())
    ///     .load(&db)?;
    /// assert_eq!(rows, [(1, 2, Some(15))]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn group_by<G>(self, group: G) -> Grouped<'a, M, G>
    where
        G: Expression
            + AppearsOnTable<M::Table>
            + ValidGrouping<()>
            + OnAllBackendsFragment
            + Clone
            + Send
            + Sync
            + 'a,
    {
        Grouped { query: self, group }
    }

    /// Aggregates over all the query's rows, one row out (`SELECT count(*), max(..) FROM ..
    /// WHERE <filters>`): every selected expression must be an aggregate.
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # use fsql::func;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Post {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub views: i32,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # for views in [3, 9] { Post { id: 0, views }.insert(&db)?; }
    /// let (n, most): (i64, Option<i32>) = Post::query()
    ///     .aggregate((func::count_star(), func::max(Post::views)))
    ///     .one(&db)?;
    /// assert_eq!((n, most), (2, Some(9)));
    /// # Ok(())
    /// # }
    /// ```
    pub fn aggregate<S>(self, selection: S) -> Aggregate<'a, M, (), S>
    where
        S: Aggregated<M::Table, ()>
            + ValidGrouping<(), IsAggregate = diesel::expression::is_aggregate::Yes>
            + SelectableExpression<M::Table>
            + 'a,
    {
        Aggregate::new(self, None, selection)
    }
}

/// A query grouped by `G`, waiting for its selection ([`Query::group_by`]).
#[must_use = "a grouped query runs once it has a selection: `.select((column, func::count_star()))`"]
pub struct Grouped<'a, M: Model, G> {
    query: Query<'a, M>,
    group: G,
}

impl<'a, M: Model, G> Grouped<'a, M, G>
where
    G: Expression + OnAllBackendsFragment + Clone + Send + Sync + 'a,
{
    /// What each group's row holds: grouped columns and aggregates, as a tuple. A column that
    /// is neither grouped nor inside an aggregate is a compile error.
    pub fn select<S>(self, selection: S) -> Aggregate<'a, M, G, S>
    where
        S: Aggregated<M::Table, G> + SelectableExpression<M::Table> + 'a,
    {
        let group: Arc<dyn OnAllBackendsFragment + Send + Sync + 'a> = Arc::new(self.group);
        Aggregate::new(self.query, Some(Shared(group)), selection)
    }
}

/// An aggregate statement over a model's query: run it with [`load`](Self::load) (all rows),
/// [`first`](Self::first) or [`one`](Self::one).
#[must_use = "an aggregate runs when it is loaded: `.load(&db)`"]
pub struct Aggregate<'a, M: Model, G, S> {
    query: Query<'a, M>,
    group: Option<Shared<'a>>,
    selection: S,
    having: Vec<Shared<'a>>,
    orders: Vec<Shared<'a>>,
    limit: Option<i64>,
    offset: Option<i64>,
    grouping: PhantomData<fn() -> G>,
}

impl<M: Model, G, S: Clone> Clone for Aggregate<'_, M, G, S> {
    fn clone(&self) -> Self {
        Self {
            query: self.query.clone(),
            group: self.group.clone(),
            selection: self.selection.clone(),
            having: self.having.clone(),
            orders: self.orders.clone(),
            limit: self.limit,
            offset: self.offset,
            grouping: PhantomData,
        }
    }
}

impl<'a, M: Model, G, S> Aggregate<'a, M, G, S>
where
    S: Expression + OnAllBackendsFragment + Clone + Send + Sync + 'a,
{
    fn new(query: Query<'a, M>, group: Option<Shared<'a>>, selection: S) -> Self {
        Self {
            query,
            group,
            selection,
            having: Vec::new(),
            orders: Vec::new(),
            limit: None,
            offset: None,
            grouping: PhantomData,
        }
    }

    /// Keeps the groups matching `predicate`, which may use aggregates
    /// (`func::count_star().gt(1)`); several are joined with `AND`.
    pub fn having<H>(mut self, predicate: H) -> Self
    where
        H: Aggregated<M::Table, G> + 'a,
        H::SqlType: BoolOrNullableBool,
    {
        self.having.push(Shared(Arc::new(predicate)));
        self
    }

    /// Orders the rows by a grouped column or an aggregate (`func::count_star().desc()`);
    /// later calls add further keys.
    pub fn order_by<O>(mut self, ordering: O) -> Self
    where
        O: Aggregated<M::Table, G> + 'a,
    {
        self.orders.push(Shared(Arc::new(ordering)));
        self
    }

    /// At most `n` rows.
    pub fn limit(mut self, n: i64) -> Self {
        self.limit = Some(n);
        self
    }

    /// Skips the first `n` rows.
    pub fn offset(mut self, n: i64) -> Self {
        self.offset = Some(n);
        self
    }

    /// Every row, as `U`: a tuple of the selected values' Rust types, or a struct deriving
    /// `diesel::Queryable` over them.
    #[track_caller]
    pub fn load<U, E>(&self, exec: E) -> Result<Vec<U>>
    where
        E: Executor,
        S::SqlType: SqlType + 'static,
        U: Row<S::SqlType>,
    {
        self.refuse_row_clauses()?;
        for (method, n) in [("limit", self.limit), ("offset", self.offset)] {
            if let Some(n) = n.filter(|n| *n < 0) {
                return Err(Error::Config {
                    key: format!("Aggregate::{method}"),
                    value: n.to_string(),
                    reason: format!(
                        "the aggregate over `{}` counts groups: limit and offset must be zero \
                         or more",
                        M::META.model
                    ),
                });
            }
        }
        self.query.run_on(exec, |conn| {
            dispatch!(conn, |c, DB| {
                let build = || self.statement::<DB>();
                <U as LoadRows<S::SqlType, DB>>::load_rows(c, build())
                    .map_err(|e| crate::conn::error::statement_error::<DB, _>(e, M::META, &build()))
            })
        })
    }

    /// The first row, if any (the statement runs with `LIMIT 1`).
    #[track_caller]
    pub fn first<U, E>(&self, exec: E) -> Result<Option<U>>
    where
        E: Executor,
        S::SqlType: SqlType + 'static,
        U: Row<S::SqlType>,
    {
        let mut limited = self.clone();
        limited.limit = Some(1);
        Ok(limited.load(exec)?.into_iter().next())
    }

    /// Exactly one row: an aggregate without `group_by` always has one; a grouped one that
    /// returns none is `NotFound`, several `MultipleResultsFound`.
    #[track_caller]
    pub fn one<U, E>(&self, exec: E) -> Result<U>
    where
        E: Executor,
        S::SqlType: SqlType + 'static,
        U: Row<S::SqlType>,
    {
        let mut rows = self.load(exec)?.into_iter();
        match (rows.next(), rows.next()) {
            (Some(row), None) => Ok(row),
            (None, _) => Err(Error::NotFound {
                description: format!("no `{}` group matched", M::META.model),
            }),
            (Some(_), Some(_)) => Err(Error::MultipleResultsFound {
                model: M::META.model,
            }),
        }
    }

    /// The model query's own orderings, limit and offset are about its rows, not the groups:
    /// refused rather than silently dropped.
    fn refuse_row_clauses(&self) -> Result<()> {
        match self.query.clause_beyond_filters() {
            Some(clause) => Err(Error::Config {
                key: "Query::group_by".to_owned(),
                value: M::META.model.to_owned(),
                reason: format!(
                    "an aggregate reads the query's filters only; move `{clause}` after \
                     `group_by(..).select(..)`, where it applies to the groups"
                ),
            }),
            None => Ok(()),
        }
    }

    fn statement<DB>(&self) -> GroupedSelect<'a, DB, S::SqlType>
    where
        DB: FsqlBackend,
        M: ModelOn<DB>,
        S: diesel::query_builder::QueryFragment<DB>,
        Shared<'a>: diesel::query_builder::QueryFragment<DB>,
    {
        let shared = |s: &Shared<'a>| Box::new(s.clone()) as Fragment<'a, DB>;
        GroupedSelect {
            columns: Box::new(self.selection.clone()),
            from: <M as ModelOn<DB>>::table(),
            filters: <M as ModelOn<DB>>::filters(&self.query),
            group_by: self.group.as_ref().map(shared),
            having: self.having.iter().map(shared).collect(),
            orders: self.orders.iter().map(shared).collect(),
            limit: self.limit,
            offset: self.offset,
            sql_type: PhantomData,
        }
    }
}
