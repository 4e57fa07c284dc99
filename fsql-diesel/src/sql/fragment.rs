//! The statements relationship loading needs beyond a single table's boxed select, as Diesel
//! query fragments: every identifier goes through the backend's own quoting (`walk_ast`), every
//! value is a bound parameter, and the only SQL written here is syntax the three backends share
//! (`IN (SELECT ..)`, derived tables with `AS`, `LEFT OUTER JOIN .. ON ..`).

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Nullable};
use diesel::QueryResult;

/// A fragment boxed for backend `DB`.
pub type Fragment<'a, DB> = Box<dyn QueryFragment<DB> + Send + 'a>;

/// ` <keyword> (a) AND (b) ..`: conditions joined with `AND` (`WHERE`, `HAVING`), nothing
/// when there are none.
fn walk_conditions<'a: 'b, 'b, DB: Backend>(
    keyword: &str,
    conditions: impl IntoIterator<Item = &'b Fragment<'a, DB>>,
    mut out: AstPass<'_, 'b, DB>,
) -> QueryResult<()> {
    for (i, condition) in conditions.into_iter().enumerate() {
        out.push_sql(if i == 0 { keyword } else { " AND " });
        out.push_sql("(");
        condition.walk_ast(out.reborrow())?;
        out.push_sql(")");
    }
    Ok(())
}

/// ` ORDER BY a, b ..`, nothing when there are no orderings.
fn walk_orderings<'a: 'b, 'b, DB: Backend>(
    orders: &'b [Fragment<'a, DB>],
    mut out: AstPass<'_, 'b, DB>,
) -> QueryResult<()> {
    for (i, order) in orders.iter().enumerate() {
        out.push_sql(if i == 0 { " ORDER BY " } else { ", " });
        order.walk_ast(out.reborrow())?;
    }
    Ok(())
}

/// `<column> IN (SELECT * FROM (<query>) fsql_sub)`: rows whose column is among what a query
/// selects. The derived table lets the inner query keep its `LIMIT`, which MySQL refuses
/// directly inside `IN (..)`.
pub struct InSubquery<C, S> {
    column: C,
    query: S,
    /// The query has no `LIMIT`: `IN (<query>)` directly, which every planner handles best.
    plain: bool,
}

impl<C, S> InSubquery<C, S> {
    /// `column IN (SELECT * FROM (query))`.
    pub fn new(column: C, query: S) -> Self {
        Self {
            column,
            query,
            plain: false,
        }
    }

    /// `column IN (query)`, for a query without `LIMIT`.
    pub fn plain(column: C, query: S) -> Self {
        Self {
            column,
            query,
            plain: true,
        }
    }
}

impl<C: Clone, S: Clone> Clone for InSubquery<C, S> {
    fn clone(&self) -> Self {
        Self {
            column: self.column.clone(),
            query: self.query.clone(),
            plain: self.plain,
        }
    }
}

impl<C, S> Expression for InSubquery<C, S> {
    // Nullable so it boxes like fsql's other filters (`Query` keeps `Nullable<Bool>` filters).
    type SqlType = Nullable<Bool>;
}

impl<C: AppearsOnTable<QS>, S, QS> AppearsOnTable<QS> for InSubquery<C, S> {}

impl<C: SelectableExpression<QS>, S, QS> SelectableExpression<QS> for InSubquery<C, S> {}

impl<C, S, GB> ValidGrouping<GB> for InSubquery<C, S> {
    type IsAggregate = is_aggregate::Never;
}

impl<C, S> QueryId for InSubquery<C, S> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C, S, DB> QueryFragment<DB> for InSubquery<C, S>
where
    DB: Backend,
    C: QueryFragment<DB>,
    S: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        if self.plain {
            out.push_sql(" IN (");
            self.query.walk_ast(out.reborrow())?;
            out.push_sql(")");
            return Ok(());
        }
        out.push_sql(" IN (SELECT * FROM (");
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(") fsql_sub)");
        Ok(())
    }
}

/// `<query> AS "<alias>"`: a derived table named like the table it selects from, so that the
/// query's own column references (`"user"."id"`) and orderings keep working outside it.
pub struct Derived<'a, DB> {
    pub query: Fragment<'a, DB>,
    pub alias: &'static str,
}

impl<DB: Backend> QueryFragment<DB> for Derived<'_, DB> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("(");
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(") AS ");
        out.push_identifier(self.alias)
    }
}

/// How two sources are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinKind {
    /// `INNER JOIN`.
    Inner,
    /// `LEFT OUTER JOIN`.
    LeftOuter,
}

/// `(<left> <kind> JOIN <right> ON <on_left> = <on_right>)`.
pub struct Join<'a, DB> {
    pub left: Fragment<'a, DB>,
    pub kind: JoinKind,
    pub right: Fragment<'a, DB>,
    pub on_left: Fragment<'a, DB>,
    pub on_right: Fragment<'a, DB>,
}

impl<DB: Backend> QueryFragment<DB> for Join<'_, DB> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("(");
        self.left.walk_ast(out.reborrow())?;
        out.push_sql(match self.kind {
            JoinKind::Inner => " INNER JOIN ",
            JoinKind::LeftOuter => " LEFT OUTER JOIN ",
        });
        self.right.walk_ast(out.reborrow())?;
        out.push_sql(" ON ");
        self.on_left.walk_ast(out.reborrow())?;
        out.push_sql(" = ");
        self.on_right.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

/// `SELECT <columns> FROM <from> [WHERE <filter>] [ORDER BY <orders>]`, read as rows of SQL
/// type `ST`.
pub struct Select<'a, DB, ST> {
    pub columns: Vec<Fragment<'a, DB>>,
    pub from: Fragment<'a, DB>,
    pub filter: Option<Fragment<'a, DB>>,
    /// More conditions, joined with `AND`.
    pub filters: Vec<Fragment<'a, DB>>,
    pub orders: Vec<Fragment<'a, DB>>,
    pub sql_type: PhantomData<fn() -> ST>,
}

impl<'a, DB, ST> Select<'a, DB, ST> {
    /// `SELECT columns FROM from`.
    pub fn new(columns: Vec<Fragment<'a, DB>>, from: Fragment<'a, DB>) -> Self {
        Self {
            columns,
            from,
            filter: None,
            filters: Vec::new(),
            orders: Vec::new(),
            sql_type: PhantomData,
        }
    }
}

impl<DB: Backend, ST> QueryFragment<DB> for Select<'_, DB, ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("SELECT ");
        for (i, c) in self.columns.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            c.walk_ast(out.reborrow())?;
        }
        out.push_sql(" FROM ");
        self.from.walk_ast(out.reborrow())?;
        walk_conditions(
            " WHERE ",
            self.filter.iter().chain(&self.filters),
            out.reborrow(),
        )?;
        walk_orderings(&self.orders, out)
    }
}

impl<DB, ST> QueryId for Select<'_, DB, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB, ST: 'static> diesel::query_builder::Query for Select<'_, DB, ST> {
    type SqlType = ST;
}

impl<DB, ST, Conn> diesel::RunQueryDsl<Conn> for Select<'_, DB, ST> {}

/// `SELECT <columns> FROM <from> WHERE (<filter>)` with every part a type: a one-to-many load
/// for one parent, which allocates nothing to build and, wrapped in [`StaticId`], is prepared
/// once per connection and then only bound.
pub struct WhereOne<Cols, From, Filter, ST> {
    pub columns: Cols,
    pub from: From,
    pub filter: Filter,
    pub sql_type: PhantomData<fn() -> ST>,
}

impl<DB, Cols, From, Filter, ST> QueryFragment<DB> for WhereOne<Cols, From, Filter, ST>
where
    DB: Backend,
    Cols: QueryFragment<DB>,
    From: QueryFragment<DB>,
    Filter: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("SELECT ");
        self.columns.walk_ast(out.reborrow())?;
        out.push_sql(" FROM ");
        self.from.walk_ast(out.reborrow())?;
        out.push_sql(" WHERE (");
        self.filter.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

impl<Cols, From, Filter, ST> QueryId for WhereOne<Cols, From, Filter, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Cols, From, Filter, ST: 'static> diesel::query_builder::Query
    for WhereOne<Cols, From, Filter, ST>
{
    type SqlType = ST;
}

impl<Cols, From, Filter, ST, Conn> diesel::RunQueryDsl<Conn> for WhereOne<Cols, From, Filter, ST> {}

/// `SELECT <columns> FROM (<target> INNER JOIN <assoc> ON <on> = <key>) WHERE (<filter>)`
/// with every part a type: the statement of a many-to-many load for one parent, which
/// allocates nothing to build and, wrapped in [`StaticId`], is prepared once per connection
/// and then only bound (the boxed [`Select`] costs eight allocations and dynamic calls per
/// load).
pub struct ThroughOne<Cols, Target, Assoc, On, Key, Filter, ST> {
    pub columns: Cols,
    pub target: Target,
    pub assoc: Assoc,
    pub on: On,
    pub key: Key,
    pub filter: Filter,
    pub sql_type: PhantomData<fn() -> ST>,
}

impl<DB, Cols, Target, Assoc, On, Key, Filter, ST> QueryFragment<DB>
    for ThroughOne<Cols, Target, Assoc, On, Key, Filter, ST>
where
    DB: Backend,
    Cols: QueryFragment<DB>,
    Target: QueryFragment<DB>,
    Assoc: QueryFragment<DB>,
    On: QueryFragment<DB>,
    Key: QueryFragment<DB>,
    Filter: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("SELECT ");
        self.columns.walk_ast(out.reborrow())?;
        out.push_sql(" FROM (");
        self.target.walk_ast(out.reborrow())?;
        out.push_sql(" INNER JOIN ");
        self.assoc.walk_ast(out.reborrow())?;
        out.push_sql(" ON ");
        self.on.walk_ast(out.reborrow())?;
        out.push_sql(" = ");
        self.key.walk_ast(out.reborrow())?;
        out.push_sql(") WHERE (");
        self.filter.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

impl<Cols, Target, Assoc, On, Key, Filter, ST> QueryId
    for ThroughOne<Cols, Target, Assoc, On, Key, Filter, ST>
{
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Cols, Target, Assoc, On, Key, Filter, ST: 'static> diesel::query_builder::Query
    for ThroughOne<Cols, Target, Assoc, On, Key, Filter, ST>
{
    type SqlType = ST;
}

impl<Cols, Target, Assoc, On, Key, Filter, ST, Conn> diesel::RunQueryDsl<Conn>
    for ThroughOne<Cols, Target, Assoc, On, Key, Filter, ST>
{
}

/// `<column> IN (SELECT <selected> FROM (<query>) AS "<alias>")`: rows whose column is among
/// the values one column of another query takes (subquery loading: the children of whatever
/// the parent query returns, its `LIMIT` included).
pub struct InQuery<'a, C, DB> {
    pub column: C,
    pub selected: Fragment<'a, DB>,
    /// The table, or the query as a derived table.
    pub from: Fragment<'a, DB>,
    /// Conditions on `from`, joined with `AND`.
    pub filters: Vec<Fragment<'a, DB>>,
}

impl<C, DB> Expression for InQuery<'_, C, DB> {
    type SqlType = Nullable<Bool>;
}

impl<C: AppearsOnTable<QS>, DB, QS> AppearsOnTable<QS> for InQuery<'_, C, DB> {}

impl<C: SelectableExpression<QS>, DB, QS> SelectableExpression<QS> for InQuery<'_, C, DB> {}

impl<C, DB, GB> ValidGrouping<GB> for InQuery<'_, C, DB> {
    type IsAggregate = is_aggregate::Never;
}

impl<C, DB: Backend> QueryFragment<DB> for InQuery<'_, C, DB>
where
    C: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT ");
        self.selected.walk_ast(out.reborrow())?;
        out.push_sql(" FROM ");
        self.from.walk_ast(out.reborrow())?;
        walk_conditions(" WHERE ", &self.filters, out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

impl<C, DB> QueryId for InQuery<'_, C, DB> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

/// Marks the one-link form of a relationship's statement in [`StaticId`].
#[doc(hidden)]
pub struct OneLink;

/// Marks the unboxed one-link form ([`WhereOne`]) of a relationship's statement in
/// [`StaticId`], apart from its boxed form: the two render different text, so they must never
/// share a prepared statement.
#[doc(hidden)]
pub struct OneLinkUnboxed;

/// A statement whose SQL depends only on the type `Id` names: Diesel caches its prepared
/// statement by that type, without rendering the SQL to look it up. Only for statements whose
/// text is fixed per `Id` (the caller's promise).
#[doc(hidden)]
pub struct StaticId<Id, Q> {
    query: Q,
    id: PhantomData<fn() -> Id>,
}

impl<Id, Q> StaticId<Id, Q> {
    /// Wraps `query`.
    pub fn new(query: Q) -> Self {
        Self {
            query,
            id: PhantomData,
        }
    }
}

impl<Id: 'static, Q> QueryId for StaticId<Id, Q> {
    type QueryId = Id;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<Id, Q: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for StaticId<Id, Q> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.query.walk_ast(out)
    }
}

impl<Id, Q: diesel::query_builder::Query> diesel::query_builder::Query for StaticId<Id, Q> {
    type SqlType = Q::SqlType;
}

impl<Id, Q, Conn> diesel::RunQueryDsl<Conn> for StaticId<Id, Q> {}

/// What fsql's own fragments are to Diesel's type checks: an expression fsql built from a
/// relationship's metadata, valid on any table, never an aggregate, never selected.
macro_rules! fsql_expression {
    ($name:ident) => {
        impl<DB> Expression for $name<'_, DB> {
            type SqlType = diesel::expression::expression_types::NotSelectable;
        }
        impl<DB, QS> AppearsOnTable<QS> for $name<'_, DB> {}
        impl<DB, QS> SelectableExpression<QS> for $name<'_, DB> {}
        impl<DB, GB> ValidGrouping<GB> for $name<'_, DB> {
            type IsAggregate = is_aggregate::Never;
        }
    };
}

/// A fragment fsql built from a relationship's own columns, usable where Diesel asks for an
/// expression on the query's table: the column of a join condition (`"post"."author_id"`) in
/// a filter of `post`. Diesel cannot check it, so only relationship metadata is wrapped.
pub struct Correlated<'a, DB>(pub Fragment<'a, DB>);

fsql_expression!(Correlated);

impl<DB: Backend> QueryFragment<DB> for Correlated<'_, DB> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(out)
    }
}

/// `(SELECT <column> FROM <from> WHERE <on_left> = <on_right> LIMIT 1) ASC|DESC`: an ordering
/// by a column of the row a to-one relationship leads to, NULL (sorted as the backend sorts
/// NULL) when there is none, as `LEFT OUTER JOIN .. ORDER BY` sorts, without a join that
/// would change the `FROM` of the model's query.
pub struct ScalarOrder<'a, DB> {
    pub column: Fragment<'a, DB>,
    pub from: Fragment<'a, DB>,
    pub on_left: Fragment<'a, DB>,
    pub on_right: Fragment<'a, DB>,
    pub descending: bool,
    /// A self-referential join: `from` is the outer query's own table, so it is aliased and
    /// the inner columns are named through the alias (`column`, `on_left`: their names);
    /// `on_right`, qualified by the table's name, then names the outer row.
    pub self_join: Option<(&'static str, &'static str)>,
}

fsql_expression!(ScalarOrder);

/// The alias of the inner table of a self-referential join's ordering.
const JOINED_ALIAS: &str = "fsql_joined";

impl<DB: Backend> QueryFragment<DB> for ScalarOrder<'_, DB> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("(SELECT ");
        match self.self_join {
            None => {
                self.column.walk_ast(out.reborrow())?;
                out.push_sql(" FROM ");
                self.from.walk_ast(out.reborrow())?;
                out.push_sql(" WHERE ");
                self.on_left.walk_ast(out.reborrow())?;
            }
            Some((column, on_left)) => {
                out.push_identifier(JOINED_ALIAS)?;
                out.push_sql(".");
                out.push_identifier(column)?;
                out.push_sql(" FROM ");
                self.from.walk_ast(out.reborrow())?;
                out.push_sql(" AS ");
                out.push_identifier(JOINED_ALIAS)?;
                out.push_sql(" WHERE ");
                out.push_identifier(JOINED_ALIAS)?;
                out.push_sql(".");
                out.push_identifier(on_left)?;
            }
        }
        out.push_sql(" = ");
        self.on_right.walk_ast(out.reborrow())?;
        // A has-one whose foreign key is not unique could match several rows; the first one
        // orders, where PostgreSQL would otherwise refuse the statement.
        out.push_sql(" LIMIT 1)");
        out.push_sql(if self.descending { " DESC" } else { " ASC" });
        Ok(())
    }
}

/// `(left = right)`: the `ON` clause of a join along a foreign key, as Diesel's `joinable!`
/// writes it, for the `JoinTo` impls the derive declares. Generic over the two columns, so
/// its expression impls are checked once here rather than once per foreign key (Diesel's
/// `Eq` would be checked at every derive); both columns are zero-sized and `Default`.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyEq<L, R>(pub L, pub R);

impl<L, R> Expression for KeyEq<L, R> {
    type SqlType = Bool;
}

impl<L: AppearsOnTable<QS>, R: AppearsOnTable<QS>, QS> AppearsOnTable<QS> for KeyEq<L, R> {}

impl<L: SelectableExpression<QS>, R: SelectableExpression<QS>, QS> SelectableExpression<QS>
    for KeyEq<L, R>
{
}

// Two columns of the joined tables: never an aggregate.
impl<L, R, GB> ValidGrouping<GB> for KeyEq<L, R> {
    type IsAggregate = is_aggregate::Never;
}

impl<L: QueryFragment<DB>, R: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for KeyEq<L, R> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("(");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(" = ");
        self.1.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

impl<L: QueryId, R: QueryId> QueryId for KeyEq<L, R> {
    type QueryId = KeyEq<L::QueryId, R::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = L::HAS_STATIC_QUERY_ID && R::HAS_STATIC_QUERY_ID;
}

/// `(SELECT COUNT(*) FROM <counted> AS fsql_joined WHERE fsql_joined.<column> =
/// <outer_table>.<outer_column>)`: how many rows of table `counted` point at the outer row.
/// The counted table is always aliased, so a table counting rows of itself (a comment's
/// replies) names the outer row through its own name. Names only: it is built while being
/// rendered, so it can hold nothing that borrows.
pub struct RelatedCountSql {
    pub counted: &'static str,
    pub column: &'static str,
    pub outer_table: &'static str,
    pub outer_column: &'static str,
}

impl RelatedCountSql {
    pub fn walk<DB: Backend>(&self, out: &mut AstPass<'_, '_, DB>) -> QueryResult<()> {
        out.push_sql("(SELECT COUNT(*) FROM ");
        out.push_identifier(self.counted)?;
        out.push_sql(" AS ");
        out.push_identifier(JOINED_ALIAS)?;
        out.push_sql(" WHERE ");
        out.push_identifier(JOINED_ALIAS)?;
        out.push_sql(".");
        out.push_identifier(self.column)?;
        out.push_sql(" = ");
        out.push_identifier(self.outer_table)?;
        out.push_sql(".");
        out.push_identifier(self.outer_column)?;
        out.push_sql(")");
        Ok(())
    }
}

/// `SELECT <columns> FROM <from> [WHERE ..] [GROUP BY ..] [HAVING ..] [ORDER BY ..]
/// [LIMIT .. OFFSET ..]`, read as rows of SQL type `ST`: an aggregate over a model's query.
pub struct GroupedSelect<'a, DB, ST> {
    pub columns: Fragment<'a, DB>,
    pub from: Fragment<'a, DB>,
    /// Conditions on `from`, joined with `AND`.
    pub filters: Vec<Fragment<'a, DB>>,
    pub group_by: Option<Fragment<'a, DB>>,
    /// Conditions on the groups, joined with `AND`.
    pub having: Vec<Fragment<'a, DB>>,
    pub orders: Vec<Fragment<'a, DB>>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    pub sql_type: PhantomData<fn() -> ST>,
}

impl<DB, ST> QueryFragment<DB> for GroupedSelect<'_, DB, ST>
where
    DB: crate::conn::backend::FsqlBackend
        + diesel::sql_types::HasSqlType<diesel::sql_types::BigInt>,
    i64: diesel::serialize::ToSql<diesel::sql_types::BigInt, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("SELECT ");
        self.columns.walk_ast(out.reborrow())?;
        out.push_sql(" FROM ");
        self.from.walk_ast(out.reborrow())?;
        walk_conditions(" WHERE ", &self.filters, out.reborrow())?;
        if let Some(group_by) = &self.group_by {
            out.push_sql(" GROUP BY ");
            group_by.walk_ast(out.reborrow())?;
        }
        walk_conditions(" HAVING ", &self.having, out.reborrow())?;
        walk_orderings(&self.orders, out.reborrow())?;
        crate::conn::backend::push_limit_offset(&self.limit, &self.offset, out)
    }
}

impl<DB, ST> QueryId for GroupedSelect<'_, DB, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB, ST: 'static> diesel::query_builder::Query for GroupedSelect<'_, DB, ST> {
    type SqlType = ST;
}

impl<DB, ST, Conn> diesel::RunQueryDsl<Conn> for GroupedSelect<'_, DB, ST> {}
