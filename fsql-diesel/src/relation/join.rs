//! Joins along relationships on [`Query`]: SQLAlchemy's `query.join(Post.author)`,
//! `outerjoin`, `union` and `union_all`.
//!
//! A join on a model's query keeps returning the model's rows, each once, as Flask-SQLAlchemy's
//! `Model.query.join(..)` does for a single entity. fsql writes it as a semi-join rather than
//! as a `JOIN` in the `FROM` clause, so the query keeps its one table and everything built on a
//! query keeps working unchanged: `count` counts the model's rows (a to-many join would count
//! each row once per match), `paginate` and `keyset` page them, loader options apply, and the
//! relationship's own columns decide the join, so no `allow_tables_to_appear_in_same_query!`
//! is needed:
//!
//! - a filter on the joined model: `<key> IN (SELECT <link> FROM <target> WHERE <filters>)`;
//! - an ordering by a column of a to-one join: `(SELECT <column> FROM <target> WHERE <link> =
//!   <key> LIMIT 1)`, the value a `LEFT OUTER JOIN` would sort by.

use std::marker::PhantomData;
use std::sync::Arc;

use crate::conn::backend::FsqlBackend;
use crate::model::query::{AnyOf, Predicate, Query};
use crate::model::query::{
    BoxFilters, BoxedOrdering, BoxedPredicate, Ordering, OrderingOn, PredicateOn,
};
use crate::model::{Model, ModelOn};
use crate::relation::slot::{BelongsTo, HasOne};
use crate::relation::{under, Relationship, RelationshipOn, SingleKey};
use crate::sql::fragment::{Correlated, InQuery, RelatedCountSql, ScalarOrder};

/// A relationship declared on model `M`, which `M`'s queries can join along. Every
/// relationship is one through the blanket impl, so passing another model's relationship is
/// reported by rustc as a mismatch of `Relationship::Parent` (pointing at the relationship's
/// field), not by a message of this trait.
pub trait JoinFrom<M: Model>: Relationship<Parent = M> {}
impl<R: Relationship> JoinFrom<R::Parent> for R {}

/// A relationship that leads to at most one row per parent (`BelongsTo`, `HasOne`): what an
/// ordering by a joined column needs.
#[diagnostic::on_unimplemented(
    message = "a to-many relationship has many rows per row, so its columns cannot order the query",
    label = "ordering by a column of a `{Self}` relationship",
    note = "order by a column of a `BelongsTo` or `HasOne` join, or by an aggregate with \
            `group_by`; a to-many join can filter (`.filter(..)` in the closure)"
)]
pub trait ToOne {}
impl<T> ToOne for BelongsTo<T> {}
impl<T> ToOne for HasOne<T> {}

/// `Query::join`'s clauses: filter, order and join further.
pub enum Inner {}
/// `Query::outerjoin`'s clauses: order only (a row without a related row stays, sorted as
/// NULL).
pub enum Outer {}
/// The clauses of a join inside a join: filter and join further.
pub enum Nested {}

/// Join kinds whose clauses may filter.
#[diagnostic::on_unimplemented(
    message = "an outer join keeps every row, so it has no filters",
    note = "use `.join(..)` to keep only the rows with a matching related row; to keep the rows \
            without one, filter on the foreign key: `.filter(Post::author_id.is_null())`"
)]
pub trait Filters {}
impl Filters for Inner {}
impl Filters for Nested {}

/// Join kinds whose clauses may order the outer query.
#[diagnostic::on_unimplemented(
    message = "a join inside a join cannot order the outer query",
    note = "order by the first join's columns, or join the model directly"
)]
pub trait Orders {}
impl Orders for Inner {}
impl Orders for Outer {}

/// An ordering by a column, for a join's clauses: `User::name.asc()` or `User::name.desc()`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an ordering by one column of table `{T}`",
    label = "expected `column.asc()` or `column.desc()` of the joined model",
    note = "a join orders by one column of the model it leads to: `.order_by(User::name.asc())`"
)]
pub trait ColumnOrdering<T> {
    /// The column.
    type Column: diesel::Column<Table = T> + Default + Copy + Send + Sync + 'static;
    /// Descending rather than ascending.
    const DESCENDING: bool;
}

impl<C> ColumnOrdering<C::Table> for diesel::dsl::Asc<C>
where
    C: diesel::Column + Default + Copy + Send + Sync + 'static,
{
    type Column = C;
    const DESCENDING: bool = false;
}

impl<C> ColumnOrdering<C::Table> for diesel::dsl::Desc<C>
where
    C: diesel::Column + Default + Copy + Send + Sync + 'static,
{
    type Column = C;
    const DESCENDING: bool = true;
}

/// The clauses of a join along relationship `R`, built in the closure given to
/// [`Query::join`] (`K = Inner`), [`Query::outerjoin`] (`K = Outer`) or a join inside one
/// (`K = Nested`). Filters and orderings name the joined model's columns; the compiler checks
/// them against its table.
pub struct Join<'a, R: Relationship, K = Inner> {
    target: Query<'a, R::Target>,
    orders: Vec<Arc<dyn Ordering<'a, <R::Parent as Model>::Table>>>,
    kind: PhantomData<fn() -> K>,
}

impl<'a, R: Relationship, K> Join<'a, R, K> {
    fn new() -> Self {
        Self {
            target: Query::new(),
            orders: Vec::new(),
            kind: PhantomData,
        }
    }

    /// Keeps the rows whose related row matches `predicate`, a filter over the joined model's
    /// columns (several filters are joined with `AND`, and all of them must hold for the same
    /// related row).
    #[must_use]
    pub fn filter<P>(mut self, predicate: P) -> Self
    where
        K: Filters,
        P: Predicate<'a, <R::Target as Model>::Table>,
    {
        self.target = self.target.filter(predicate);
        self
    }

    /// Joins on from the joined model: `.join(Post::author, |a| a.join(User::team, |t|
    /// t.filter(Team::name.eq("core"))))` keeps the posts whose author is in the core team.
    #[must_use]
    pub fn join<R2, F>(mut self, relationship: R2, clauses: F) -> Self
    where
        K: Filters,
        R2: JoinFrom<R::Target>,
        F: FnOnce(Join<'a, R2, Nested>) -> Join<'a, R2, Nested>,
        SemiJoin<'a, R2>: Predicate<'a, <R::Target as Model>::Table>,
    {
        let _ = relationship;
        let nested = clauses(Join::new());
        self.target = self.target.filter(SemiJoin::<R2> {
            target: nested.target,
        });
        self
    }

    /// Orders the outer query by a column of the joined model (`User::name.asc()`), after the
    /// orderings given before the join. Only a to-one relationship has one value to order by.
    #[must_use]
    pub fn order_by<O>(mut self, ordering: O) -> Self
    where
        K: Orders,
        R::Slot: ToOne,
        O: ColumnOrdering<<R::Target as Model>::Table>,
        ByJoined<R, O::Column>: Ordering<'a, <R::Parent as Model>::Table>,
    {
        let _ = ordering;
        self.orders.push(Arc::new(ByJoined::<R, O::Column> {
            descending: O::DESCENDING,
            marker: PhantomData,
        }));
        self
    }
}

/// The filter a join adds: the rows with a related row among the joined query's rows.
#[doc(hidden)]
pub struct SemiJoin<'a, R: Relationship> {
    target: Query<'a, R::Target>,
}

impl<'a, R, T, DB> PredicateOn<'a, T, DB> for SemiJoin<'a, R>
where
    R: RelationshipOn<DB>,
    R::Target: ModelOn<DB>,
    DB: FsqlBackend + 'a,
{
    fn boxed(&self) -> BoxedPredicate<'a, T, DB> {
        // The joined query holds filters only (a `Join` has no limit, offset or base), so
        // the related table itself is the subquery's `FROM`.
        let link = R::join();
        let filters = <R::Target as ModelOn<DB>>::filters(&self.target);
        Box::new(InQuery {
            column: Correlated(link.on_right),
            selected: link.on_left,
            from: link.right,
            filters,
        })
    }
}

/// The ordering a join's `order_by` adds: by column `C` of the row relationship `R` leads to.
#[doc(hidden)]
pub struct ByJoined<R, C> {
    descending: bool,
    marker: PhantomData<fn() -> (R, C)>,
}

impl<'a, R, C, T, DB> OrderingOn<'a, T, DB> for ByJoined<R, C>
where
    R: RelationshipOn<DB>,
    C: diesel::Column + diesel::query_builder::QueryFragment<DB> + Default + Send + 'static,
    DB: FsqlBackend + 'a,
{
    fn boxed(&self) -> BoxedOrdering<'a, T, DB> {
        let link = R::join();
        Box::new(ScalarOrder {
            column: Box::new(C::default()),
            from: link.right,
            on_left: link.on_left,
            on_right: link.on_right,
            descending: self.descending,
            self_join: R::SELF_REFERENTIAL.then_some((C::NAME, link.on_left_name)),
        })
    }
}

impl<'a, M: Model> Query<'a, M> {
    /// Joins along one of the model's relationships and keeps the rows that have a related
    /// row matching the closure's filters (SQLAlchemy's `query.join(Post.author)`); the
    /// closure may also order by the related row's columns (to-one relationships) and join
    /// further. The query still returns the model's rows, each once, so `count`, `paginate`,
    /// `keyset` and loader options work as without the join.
    ///
    /// ```
    /// use fsql::prelude::*;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// pub struct Author {
    ///     #[fsql(primary_key)]
    ///     pub id: i32,
    ///     pub name: String,
    ///     pub active: bool,
    ///     #[fsql(backref = "author")]
    ///     pub books: HasMany<Book>,
    /// }
    ///
    /// #[derive(Model, Debug, Clone)]
    /// pub struct Book {
    ///     #[fsql(primary_key)]
    ///     pub id: i32,
    ///     pub title: String,
    ///     #[fsql(references = Author)]
    ///     pub author_id: i32,
    /// }
    ///
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # Author { id: 1, name: "Zoe".into(), active: true, books: HasMany::default() }.insert(&db)?;
    /// # Author { id: 2, name: "Ann".into(), active: true, books: HasMany::default() }.insert(&db)?;
    /// # Author { id: 3, name: "Bob".into(), active: false, books: HasMany::default() }.insert(&db)?;
    /// # for (id, author_id) in [(1, 1), (2, 2), (3, 3), (4, 1)] {
    /// #     Book { id, title: format!("b{id}"), author_id }.insert(&db)?;
    /// # }
    /// // Books by active authors, by author name, then by title.
    /// let books = Book::query()
    ///     .join(Book::author, |a| a.filter(Author::active.eq(true)).order_by(Author::name.asc()))
    ///     .order_by(Book::title.asc())
    ///     .all(&db)?;
    /// let ids: Vec<i32> = books.iter().map(|b| b.id).collect();
    /// assert_eq!(ids, [2, 1, 4]);
    ///
    /// // Authors with a book titled "b4": each author once, however many books match.
    /// let n = Author::query().join(Author::books, |b| b.filter(Book::title.eq("b4"))).count(&db)?;
    /// assert_eq!(n, 1);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn join<R, F>(mut self, relationship: R, clauses: F) -> Self
    where
        R: JoinFrom<M>,
        F: FnOnce(Join<'a, R, Inner>) -> Join<'a, R, Inner>,
        SemiJoin<'a, R>: Predicate<'a, M::Table>,
    {
        let _ = relationship;
        let join = clauses(Join::new());
        self = self.filter(SemiJoin::<R> {
            target: join.target,
        });
        self.push_orders(join.orders);
        self
    }

    /// Orders by columns of a to-one relationship's row, keeping the rows that have none
    /// (SQLAlchemy's `query.outerjoin(Post.author).order_by(User.name)`): they sort as NULL
    /// does on the backend. An outer join has no filters; see [`join`](Self::join).
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Team {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub name: String,
    /// # }
    /// #[derive(Model, Debug, Clone)]
    /// pub struct Player {
    ///     #[fsql(primary_key)]
    ///     pub id: i32,
    ///     #[fsql(references = Team)]
    ///     pub team_id: Option<i32>,
    ///     pub team: BelongsTo<Team>,
    /// }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # Team { id: 1, name: "b".into() }.insert(&db)?;
    /// # Team { id: 2, name: "a".into() }.insert(&db)?;
    /// # Player { id: 1, team_id: Some(1), team: BelongsTo::default() }.insert(&db)?;
    /// # Player { id: 2, team_id: None, team: BelongsTo::default() }.insert(&db)?;
    /// # Player { id: 3, team_id: Some(2), team: BelongsTo::default() }.insert(&db)?;
    /// let players = Player::query()
    ///     .outerjoin(Player::team, |t| t.order_by(Team::name.desc()))
    ///     .order_by(Player::id.asc())
    ///     .all(&db)?;
    /// assert_eq!(players.len(), 3); // the player without a team stays
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn outerjoin<R, F>(mut self, relationship: R, clauses: F) -> Self
    where
        R: JoinFrom<M>,
        F: FnOnce(Join<'a, R, Outer>) -> Join<'a, R, Outer>,
    {
        let _ = relationship;
        let join = clauses(Join::new());
        self.push_orders(join.orders);
        self
    }

    /// The rows of this query or of `other`, each once (SQL's `UNION` of two queries of the
    /// same model, as Flask-SQLAlchemy's `query.union(other)`), as a query to order,
    /// paginate and load like any other: `(<this one's filters>) OR (<other's filters>)`, or,
    /// when a side has a limit, offset, `distinct` or hand-written base, `key IN (<this>) OR
    /// key IN (<other>)`, so each side keeps its own clauses. This query's loader options
    /// carry over; orderings of either side do not (order the union).
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Post {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub author_id: i32,
    /// #     pub pinned: bool,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # for (id, author_id, pinned) in [(1, 1, false), (2, 2, true), (3, 2, false), (4, 1, true)] {
    /// #     Post { id, author_id, pinned }.insert(&db)?;
    /// # }
    /// let mine = Post::query().filter(Post::author_id.eq(1));
    /// let pinned = Post::query().filter(Post::pinned.eq(true));
    /// let posts = mine.union(pinned).order_by(Post::id.desc()).all(&db)?;
    /// let ids: Vec<i32> = posts.iter().map(|p| p.id).collect();
    /// assert_eq!(ids, [4, 2, 1]);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn union(mut self, mut other: Query<'a, M>) -> Query<'a, M>
    where
        M: SingleKey,
        AnyOf<
            crate::relation::Under<'a, M, M::KeyColumn, M::KeyColumn>,
            crate::relation::Under<'a, M, M::KeyColumn, M::KeyColumn>,
        >: Predicate<'a, M::Table>,
        AnyOf<AllOf<'a, M::Table>, AllOf<'a, M::Table>>: Predicate<'a, M::Table>,
    {
        let loads = self.take_loads();
        other.take_loads();
        let mut union = if self.is_flat() && other.is_flat() {
            // Rows with a key are distinct, so the union is the rows either side's filters
            // select: one statement level, which planners serve best.
            match (AllOf::of(&self), AllOf::of(&other)) {
                (Some(a), Some(b)) => Query::new().filter(AnyOf::new(a, b)),
                // A side without filters selects every row.
                _ => Query::new(),
            }
        } else {
            let key = M::KeyColumn::default();
            Query::new().filter(AnyOf::new(under(key, key, self), under(key, key, other)))
        };
        for load in loads {
            union = union.options(load);
        }
        union
    }

    /// Flask-SQLAlchemy's `query.union_all(other)`: the same rows as [`union`](Self::union).
    /// `Model.query` is SQLAlchemy's legacy `Query`, which returns a full entity once per
    /// primary key however many result rows name it (SQLAlchemy's FAQ, "My Query does not
    /// return the same number of objects as query.count() tells me"), so a model's
    /// `union_all` there yields each row once too; fsql's `count` agrees with the rows it
    /// returns, where SQLAlchemy's counts the duplicates of `UNION ALL`.
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Post {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub pinned: bool,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # for (id, pinned) in [(1, true), (2, false)] {
    /// #     Post { id, pinned }.insert(&db)?;
    /// # }
    /// let pinned = || Post::query().filter(Post::pinned.eq(true));
    /// assert_eq!(pinned().union_all(Post::query()).all(&db)?.len(), 2);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn union_all(self, other: Query<'a, M>) -> Query<'a, M>
    where
        M: SingleKey,
        AnyOf<
            crate::relation::Under<'a, M, M::KeyColumn, M::KeyColumn>,
            crate::relation::Under<'a, M, M::KeyColumn, M::KeyColumn>,
        >: Predicate<'a, M::Table>,
        AnyOf<AllOf<'a, M::Table>, AllOf<'a, M::Table>>: Predicate<'a, M::Table>,
    {
        self.union(other)
    }
}

/// Every filter of a query, joined with `AND`: one side of a [`Query::union`].
#[doc(hidden)]
pub struct AllOf<'a, T> {
    first: Arc<dyn Predicate<'a, T>>,
    rest: Vec<Arc<dyn Predicate<'a, T>>>,
}

impl<'a, T> AllOf<'a, T> {
    /// The query's filters; `None` when it has none.
    fn of<M: Model<Table = T>>(query: &Query<'a, M>) -> Option<Self> {
        let (first, rest) = query.__filters().split_first()?;
        Some(Self {
            first: first.clone(),
            rest: rest.to_vec(),
        })
    }
}

impl<'a, T, DB> PredicateOn<'a, T, DB> for AllOf<'a, T>
where
    DB: BoxFilters + 'a,
    T: 'a,
    diesel::dsl::And<BoxedPredicate<'a, T, DB>, BoxedPredicate<'a, T, DB>>:
        diesel::expression::BoxableExpression<
                T,
                DB,
                SqlType = diesel::sql_types::Nullable<diesel::sql_types::Bool>,
            > + 'a,
{
    fn boxed(&self) -> BoxedPredicate<'a, T, DB> {
        use diesel::BoolExpressionMethods;
        self.rest
            .iter()
            .fold(DB::predicate(&*self.first), |all, next| {
                Box::new(all.and(DB::predicate(&**next)))
            })
    }
}

/// How many rows a relationship leads to from each row, as an expression over the parent's
/// table: `(SELECT COUNT(*) FROM <target or association table> WHERE <link> = <row's key>)`.
/// A row with none counts 0, which a `group_by` over a join cannot give (its groups come from
/// the related rows). Select it in an aggregate grouped by the key, order a model's query by
/// it, or filter on it (SQLAlchemy's correlated `select(func.count()).where(..)
/// .scalar_subquery()`).
///
/// ```
/// use fsql::prelude::*;
/// use fsql::func;
///
/// #[derive(Model, Debug, Clone)]
/// pub struct Author {
///     #[fsql(primary_key)]
///     pub id: i32,
///     pub name: String,
///     #[fsql(backref = "author")]
///     pub books: HasMany<Book>,
/// }
///
/// #[derive(Model, Debug, Clone)]
/// pub struct Book {
///     #[fsql(primary_key)]
///     pub id: i32,
///     #[fsql(references = Author)]
///     pub author_id: i32,
/// }
///
/// # fn main() -> fsql::Result<()> {
/// # let db = Database::builder().url("sqlite://").build()?;
/// # db.create_all()?;
/// # for (id, name) in [(1, "Ann"), (2, "Bob"), (3, "Cy")] {
/// #     Author { id, name: name.into(), books: HasMany::default() }.insert(&db)?;
/// # }
/// # for (id, author_id) in [(1, 2), (2, 2), (3, 1)] {
/// #     Book { id, author_id }.insert(&db)?;
/// # }
/// // Every author with their book count, Cy's 0 included.
/// let counts: Vec<(String, i64)> = Author::query()
///     .group_by(Author::id)
///     .select((Author::name, func::count_related(Author::books)))
///     .order_by(Author::id.asc())
///     .load(&db)?;
/// assert_eq!(counts, [("Ann".into(), 1), ("Bob".into(), 2), ("Cy".into(), 0)]);
///
/// // The authors, most books first; those with fewer than one left out.
/// let busiest = Author::query()
///     .filter(func::count_related(Author::books).ge(1))
///     .order_by(func::count_related(Author::books).desc())
///     .all(&db)?;
/// assert_eq!(busiest.iter().map(|a| a.id).collect::<Vec<_>>(), [2, 1]);
/// # Ok(())
/// # }
/// ```
pub fn count_related<R: Relationship>(relationship: R) -> RelatedCount<R> {
    let _ = relationship;
    RelatedCount(PhantomData)
}

/// The expression [`count_related`] returns.
pub struct RelatedCount<R>(PhantomData<fn() -> R>);

impl<R> Clone for RelatedCount<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R> Copy for RelatedCount<R> {}

impl<R> diesel::expression::Expression for RelatedCount<R> {
    type SqlType = diesel::sql_types::BigInt;
}

impl<R: Relationship> diesel::expression::AppearsOnTable<<R::Parent as Model>::Table>
    for RelatedCount<R>
{
}

impl<R: Relationship> diesel::expression::SelectableExpression<<R::Parent as Model>::Table>
    for RelatedCount<R>
{
}

// A correlated subquery has one value per outer row, whatever the grouping.
impl<R, G> diesel::expression::ValidGrouping<G> for RelatedCount<R> {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl<R> diesel::query_builder::QueryId for RelatedCount<R> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<R, DB> diesel::query_builder::QueryFragment<DB> for RelatedCount<R>
where
    R: RelationshipOn<DB>,
    DB: FsqlBackend,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        let link = R::join();
        RelatedCountSql {
            counted: link.on_left_table,
            column: link.on_left_name,
            outer_table: <R::Parent as Model>::META.name,
            outer_column: link.on_right_name,
        }
        .walk(&mut out)
    }
}
