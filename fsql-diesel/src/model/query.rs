//! `Model::query()`: Flask-SQLAlchemy's `Model.query`, on Diesel.
//!
//! A [`Query`] records filters, ordering, limit and offset. It turns into Diesel's boxed query
//! for the backend of the connection it runs on only when executed: one `Query` value runs
//! on SQLite, PostgreSQL or MySQL alike, and a query without clauses (`get` by key) runs as a
//! statically typed Diesel query, cached by type like hand-written Diesel.

use std::fmt;
use std::sync::Arc;

use diesel::expression::BoxableExpression;
use diesel::sql_types::{Bool, Nullable};

use crate::conn::backend::dispatch;
use crate::conn::executor::Executor;
use crate::model::load_option::LoadOption;
use crate::model::ops::Boxed;
use crate::model::Model;
use crate::model::ModelOn;
use fsql_core::{Error, Result};

/// The boxed, backend-specific form of a filter.
pub type BoxedPredicate<'a, T, DB> =
    Box<dyn BoxableExpression<T, DB, SqlType = Nullable<Bool>> + 'a>;

/// The boxed, backend-specific form of an ordering.
pub type BoxedOrdering<'a, T, DB> = Box<
    dyn BoxableExpression<T, DB, SqlType = diesel::expression::expression_types::NotSelectable>
        + 'a,
>;

/// A filter boxed for one backend. Implemented for every boolean Diesel expression on the table.
#[doc(hidden)]
pub trait PredicateOn<'a, T, DB: diesel::backend::Backend> {
    /// Boxes a copy of the expression for `DB`.
    fn boxed(&self) -> BoxedPredicate<'a, T, DB>;
}

impl<'a, T, DB, E> PredicateOn<'a, T, DB> for E
where
    DB: diesel::backend::Backend,
    E: diesel::Expression + Clone + 'a,
    diesel::dsl::Nullable<E>: BoxableExpression<T, DB, SqlType = Nullable<Bool>> + 'a,
{
    fn boxed(&self) -> BoxedPredicate<'a, T, DB> {
        use diesel::NullableExpressionMethods;
        // Nullable<_> does not change the SQL; it lets `Bool` and `Nullable<Bool>` predicates
        // (comparisons on nullable columns) share one boxed type.
        Box::new(self.clone().nullable())
    }
}

/// Either of two filters (`a OR b`), for filters that are not Diesel expressions (an
/// [`in_query`](crate::relation::InQueryExt::in_query)); Diesel's own combine with `.or(..)`.
#[derive(Clone)]
pub struct AnyOf<A, B>(A, B);

impl<A, B> AnyOf<A, B> {
    /// `a OR b`.
    pub fn new(a: A, b: B) -> Self {
        Self(a, b)
    }

    /// This filter or `other` too.
    pub fn or<P>(self, other: P) -> AnyOf<Self, P> {
        AnyOf(self, other)
    }
}

impl<'a, T, DB, A, B> PredicateOn<'a, T, DB> for AnyOf<A, B>
where
    DB: diesel::backend::Backend + 'a,
    T: 'a,
    A: PredicateOn<'a, T, DB>,
    B: PredicateOn<'a, T, DB>,
    diesel::dsl::Or<BoxedPredicate<'a, T, DB>, BoxedPredicate<'a, T, DB>>:
        BoxableExpression<T, DB, SqlType = Nullable<Bool>> + 'a,
{
    fn boxed(&self) -> BoxedPredicate<'a, T, DB> {
        use diesel::BoolExpressionMethods;
        Box::new(self.0.boxed().or(self.1.boxed()))
    }
}

/// An ordering boxed for one backend. Implemented for `column.asc()` / `column.desc()`.
#[doc(hidden)]
pub trait OrderingOn<'a, T, DB: diesel::backend::Backend> {
    /// Boxes a copy of the ordering for `DB`.
    fn boxed(&self) -> BoxedOrdering<'a, T, DB>;
}

impl<'a, T, DB, E> OrderingOn<'a, T, DB> for E
where
    DB: diesel::backend::Backend,
    E: BoxableExpression<T, DB, SqlType = diesel::expression::expression_types::NotSelectable>
        + Clone
        + 'a,
{
    fn boxed(&self) -> BoxedOrdering<'a, T, DB> {
        Box::new(self.clone())
    }
}

macro_rules! per_backend_trait {
    ($(#[$m:meta])* $name:ident: $on:ident, $backend_feature:literal, $db:ty) => {
        #[cfg(feature = $backend_feature)]
        $(#[$m])*
        pub trait $name<'a, T>: $on<'a, T, $db> {}
        #[cfg(feature = $backend_feature)]
        impl<'a, T, E: $on<'a, T, $db>> $name<'a, T> for E {}
        #[cfg(not(feature = $backend_feature))]
        $(#[$m])*
        pub trait $name<'a, T> {}
        #[cfg(not(feature = $backend_feature))]
        impl<'a, T, E> $name<'a, T> for E {}
    };
}

per_backend_trait!(#[doc(hidden)] SqlitePredicate: PredicateOn, "sqlite", crate::conn::backend::Sqlite);
per_backend_trait!(#[doc(hidden)] SqliteOrdering: OrderingOn, "sqlite", crate::conn::backend::Sqlite);
per_backend_trait!(#[doc(hidden)] PgPredicate: PredicateOn, "postgres", crate::conn::backend::Pg);
per_backend_trait!(#[doc(hidden)] PgOrdering: OrderingOn, "postgres", crate::conn::backend::Pg);
per_backend_trait!(#[doc(hidden)] MysqlPredicate: PredicateOn, "mysql", crate::conn::backend::Mysql);
per_backend_trait!(#[doc(hidden)] MysqlOrdering: OrderingOn, "mysql", crate::conn::backend::Mysql);

/// A filter usable with [`Query::filter`]: any boolean Diesel expression over the model's
/// columns, such as `User::username.eq("admin")` or `User::id.gt(3).and(User::email.is_null())`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a filter on table `{T}`",
    label = "expected a boolean expression over this model's columns",
    note = "build filters from the model's column constants, e.g. `User::name.eq(\"x\")`; \
            pass owned values or references that outlive the query"
)]
pub trait Predicate<'a, T>:
    SqlitePredicate<'a, T> + PgPredicate<'a, T> + MysqlPredicate<'a, T> + Send + Sync + 'a
{
}
impl<'a, T, E> Predicate<'a, T> for E where
    E: SqlitePredicate<'a, T> + PgPredicate<'a, T> + MysqlPredicate<'a, T> + Send + Sync + 'a
{
}

/// An ordering usable with [`Query::order_by`]: `column.asc()` or `column.desc()`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an ordering on table `{T}`",
    label = "expected `column.asc()` or `column.desc()`",
    note = "write `.order_by(User::name.asc())`, not `.order_by(User::name)`"
)]
pub trait Ordering<'a, T>:
    SqliteOrdering<'a, T> + PgOrdering<'a, T> + MysqlOrdering<'a, T> + Send + Sync + 'a
{
}
impl<'a, T, E> Ordering<'a, T> for E where
    E: SqliteOrdering<'a, T> + PgOrdering<'a, T> + MysqlOrdering<'a, T> + Send + Sync + 'a
{
}

/// A query over one model: `User::query().filter(..).order_by(..).all(&db)`.
///
/// It holds no connection; the terminal methods (`get`, `first`, `all`, `count`) take an
/// [`Executor`] — `&Database` (the model's bind is chosen for you) or a connection.
///
/// Values in filters travel as bound parameters. The lifetime `'a` lets filters borrow values
/// (`User::name.eq(&name)`).
///
/// ```
/// # use fsql::prelude::*;
/// # #[derive(Model, Debug, Clone, PartialEq)]
/// # pub struct User {
/// #     #[fsql(primary_key)]
/// #     pub id: i32,
/// #     #[fsql(unique, length = 80)]
/// #     pub username: String,
/// #     pub email: Option<String>,
/// #     pub role: String,
/// # }
/// # fn main() -> fsql::Result<()> {
/// # let db = Database::builder().url("sqlite://").build()?;
/// # db.create_all()?;
/// # User { id: 0, username: "ann".into(), email: None, role: "admin".into() }.insert(&db)?;
/// let admins = User::query()
///     .filter(User::role.eq("admin"))
///     .order_by(User::username.asc())
///     .limit(10)
///     .all(&db)?;
/// let n = User::query().filter(User::email.is_null()).count(&db)?;
/// assert_eq!((admins.len(), n), (1, 1));
/// # Ok(())
/// # }
/// ```
pub struct Query<'a, M: Model> {
    filters: Vec<Arc<dyn Predicate<'a, M::Table>>>,
    orders: Vec<Arc<dyn Ordering<'a, M::Table>>>,
    limit: Option<i64>,
    offset: Option<i64>,
    distinct: bool,
    base: Option<Base<'a, M>>,
    /// Loader options given with `options()`; the model's eager defaults apply besides.
    loads: Vec<LoadOption<M>>,
}

impl<M: Model> Clone for Query<'_, M> {
    fn clone(&self) -> Self {
        Self {
            filters: self.filters.clone(),
            orders: self.orders.clone(),
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
            base: self.base.clone(),
            loads: self.loads.clone(),
        }
    }
}

/// A hand-written Diesel query a [`Query`] starts from ([`Query::from_boxed`]), for the one
/// backend it was written for.
pub enum Base<'a, M: Model> {
    /// For SQLite.
    #[cfg(feature = "sqlite")]
    Sqlite(Arc<dyn Fn() -> Boxed<'a, M, crate::conn::backend::Sqlite> + Send + Sync + 'a>),
    /// For PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(Arc<dyn Fn() -> Boxed<'a, M, crate::conn::backend::Pg> + Send + Sync + 'a>),
    /// For MySQL.
    #[cfg(feature = "mysql")]
    Mysql(Arc<dyn Fn() -> Boxed<'a, M, crate::conn::backend::Mysql> + Send + Sync + 'a>),
}

impl<M: Model> Clone for Base<'_, M> {
    fn clone(&self) -> Self {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(f) => Self::Sqlite(f.clone()),
            #[cfg(feature = "postgres")]
            Self::Postgres(f) => Self::Postgres(f.clone()),
            #[cfg(feature = "mysql")]
            Self::Mysql(f) => Self::Mysql(f.clone()),
        }
    }
}

impl<M: Model> Base<'_, M> {
    fn backend(&self) -> crate::conn::url::BackendKind {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(_) => crate::conn::url::BackendKind::Sqlite,
            #[cfg(feature = "postgres")]
            Self::Postgres(_) => crate::conn::url::BackendKind::Postgres,
            #[cfg(feature = "mysql")]
            Self::Mysql(_) => crate::conn::url::BackendKind::Mysql,
        }
    }
}

/// Picks the base written for backend `Self`. Implemented for every compiled-in backend.
#[doc(hidden)]
pub trait BaseOn<M: Model>: crate::conn::backend::FsqlBackend {
    /// Wraps a base for this backend.
    fn wrap<'a>(make: Arc<dyn Fn() -> Boxed<'a, M, Self> + Send + Sync + 'a>) -> Base<'a, M>;
    /// The base, if it was written for this backend.
    fn unwrap<'a>(base: &Base<'a, M>) -> Option<Boxed<'a, M, Self>>;
}

/// Boxes a query's filters and orderings for backend `Self`. A `Query` keeps each as one
/// object that renders on every compiled-in backend; generic code over the backend reaches
/// the backend's half through this trait.
#[doc(hidden)]
pub trait BoxFilters: crate::conn::backend::FsqlBackend {
    /// The filter, boxed for this backend.
    fn predicate<'a, T>(p: &(dyn Predicate<'a, T> + 'a)) -> BoxedPredicate<'a, T, Self>;
    /// The ordering, boxed for this backend.
    fn ordering<'a, T>(o: &(dyn Ordering<'a, T> + 'a)) -> BoxedOrdering<'a, T, Self>;
}

macro_rules! backend_impls {
    ($feature:literal, $db:ty, $variant:ident) => {
        #[cfg(feature = $feature)]
        impl<M: Model> BaseOn<M> for $db {
            fn wrap<'a>(
                make: Arc<dyn Fn() -> Boxed<'a, M, Self> + Send + Sync + 'a>,
            ) -> Base<'a, M> {
                Base::$variant(make)
            }
            fn unwrap<'a>(base: &Base<'a, M>) -> Option<Boxed<'a, M, Self>> {
                #[allow(unreachable_patterns)]
                match base {
                    Base::$variant(make) => Some(make()),
                    _ => None,
                }
            }
        }

        #[cfg(feature = $feature)]
        impl BoxFilters for $db {
            fn predicate<'a, T>(p: &(dyn Predicate<'a, T> + 'a)) -> BoxedPredicate<'a, T, Self> {
                PredicateOn::<'a, T, $db>::boxed(p)
            }
            fn ordering<'a, T>(o: &(dyn Ordering<'a, T> + 'a)) -> BoxedOrdering<'a, T, Self> {
                OrderingOn::<'a, T, $db>::boxed(o)
            }
        }
    };
}
backend_impls!("sqlite", crate::conn::backend::Sqlite, Sqlite);
backend_impls!("postgres", crate::conn::backend::Pg, Postgres);
backend_impls!("mysql", crate::conn::backend::Mysql, Mysql);

#[doc(hidden)]
pub use crate::sql::count::CountOver;

impl<M: Model> Default for Query<'_, M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Model> fmt::Debug for Query<'_, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Query")
            .field("model", &M::META.model)
            .field("filters", &self.filters.len())
            .field("order_by", &self.orders.len())
            .field("limit", &self.limit)
            .field("offset", &self.offset)
            .field("distinct", &self.distinct)
            .finish()
    }
}

impl<'a, M: Model> Query<'a, M> {
    /// All rows of the model's table.
    pub fn new() -> Self {
        M::__restrict(Self {
            filters: Vec::new(),
            orders: Vec::new(),
            limit: None,
            offset: None,
            distinct: false,
            base: None,
            loads: Vec::new(),
        })
    }

    /// The way back from hand-written Diesel: a query that starts from a boxed Diesel select
    /// on the model's table, written for backend `DB`. fsql's own clauses (`filter`,
    /// `order_by`, `limit` ..) apply on top, and every terminal method works, `count` and
    /// `paginate` included. `make` is called each time the query runs (a boxed Diesel query
    /// runs once). Run on another backend, the query is an error, not a silent fallback.
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone, PartialEq)]
    /// # pub struct User {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     #[fsql(unique, length = 80)]
    /// #     pub username: String,
    /// #     pub email: Option<String>,
    /// #     pub role: String,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # User { id: 0, username: "ann".into(), email: None, role: "admin".into() }.insert(&db)?;
    /// use diesel::prelude::*;
    /// let q = Query::<User>::from_boxed::<diesel::sqlite::Sqlite>(|| {
    ///     user::table.filter(user::username.like("a%")).into_boxed()
    /// });
    /// let page = q.order_by(User::id.asc()).paginate(&db, PageRequest::new(1))?;
    /// assert_eq!(page.items().len(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_boxed<DB>(make: impl Fn() -> Boxed<'a, M, DB> + Send + Sync + 'a) -> Self
    where
        DB: BaseOn<M> + 'static,
        M: ModelOn<DB>,
    {
        Self {
            base: Some(DB::wrap(Arc::new(make))),
            ..Self::new()
        }
    }

    /// Keeps rows matching `predicate` (several filters are joined with `AND`).
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone, PartialEq)]
    /// # pub struct User {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     #[fsql(unique, length = 80)]
    /// #     pub username: String,
    /// #     pub email: Option<String>,
    /// #     pub role: String,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # User { id: 0, username: "ann".into(), email: None, role: "admin".into() }.insert(&db)?;
    /// let admin = User::query().filter(User::username.eq("admin")).first(&db)?;
    /// assert!(admin.is_none());
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn filter<P: Predicate<'a, M::Table>>(mut self, predicate: P) -> Self {
        self.filters.push(Arc::new(predicate));
        self
    }

    /// Adds a sort key (`User::name.asc()`); later calls add further keys.
    #[must_use]
    pub fn order_by<O: Ordering<'a, M::Table>>(mut self, ordering: O) -> Self {
        self.orders.push(Arc::new(ordering));
        self
    }

    /// At most `n` rows. A negative `n` is treated as 0.
    #[must_use]
    pub fn limit(mut self, n: i64) -> Self {
        self.limit = Some(n.max(0));
        self
    }

    /// Skips the first `n` rows. A negative `n` is treated as 0.
    #[must_use]
    pub fn offset(mut self, n: i64) -> Self {
        self.offset = Some(n.max(0));
        self
    }

    /// `SELECT DISTINCT`.
    #[must_use]
    pub fn distinct(mut self) -> Self {
        self.distinct = true;
        self
    }

    /// Loads relationships with these options, overriding each relationship's own `lazy`
    /// (SQLAlchemy's `options()`).
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct User {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub posts: HasMany<Post>,
    /// # }
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Post {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     #[fsql(references = User)]
    /// #     pub user_id: i32,
    /// #     pub comments: HasMany<Comment>,
    /// # }
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Comment {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     #[fsql(references = Post)]
    /// #     pub post_id: i32,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// let users = User::query()
    ///     .options(selectinload(User::posts).then(joinedload(Post::comments)))
    ///     .all(&db)?;                     // at most 2 statements, whatever the number of rows
    /// assert!(users.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn options(mut self, option: impl Into<LoadOption<M>>) -> Self {
        let option = option.into();
        self.loads
            .retain(|o| o.relationship() != option.relationship());
        self.loads.push(option);
        self
    }

    /// Narrows the query to the rows related to `parent` through `relationship`
    /// (Flask-SQLAlchemy's `Address.query.with_parent(person)`).
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Person {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub name: String,
    /// #     #[fsql(backref = "person", lazy = "select")]
    /// #     pub addresses: HasMany<Address>,
    /// # }
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Address {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub email: String,
    /// #     #[fsql(references = Person)]
    /// #     pub person_id: i32,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # let person = Person { id: 0, name: "ann".into(), addresses: HasMany::new() }.insert(&db)?;
    /// # Address { id: 0, email: "ann@example.com".into(), person_id: person.id }.insert(&db)?;
    /// let recent = Address::query()
    ///     .with_parent(&person, Person::addresses)
    ///     .order_by(Address::id.desc())
    ///     .limit(5)
    ///     .all(&db)?;
    /// assert_eq!(recent.len(), 1);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn with_parent<R>(self, parent: &R::Parent, _relationship: R) -> Self
    where
        R: crate::relation::Relationship<Target = M>,
    {
        let narrowed = match R::link(parent) {
            Some(link) => R::targets_of(link),
            None => R::targets_in(Vec::new()),
        };
        let mut q = self;
        q.filters.extend(narrowed.filters);
        q
    }

    /// Every row, each with what `relationship` leads to, loaded by its strategy (`User::posts`)
    /// or the one given (`joinedload(User::posts)`). This is how backrefs, which have no field
    /// to fill, load eagerly; nested options are not applied here.
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Person {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub name: String,
    /// #     #[fsql(backref = "person", lazy = "select")]
    /// #     pub addresses: HasMany<Address>,
    /// # }
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Address {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub email: String,
    /// #     #[fsql(references = Person)]
    /// #     pub person_id: i32,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # let person = Person { id: 0, name: "ann".into(), addresses: HasMany::new() }.insert(&db)?;
    /// # Address { id: 0, email: "ann@example.com".into(), person_id: person.id }.insert(&db)?;
    /// for (address, person) in Address::query().all_with(&db, joinedload(Address::person))? {
    ///     println!("{} lives at {}", person.unwrap().name, address.email);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn all_with<E, R>(
        &self,
        exec: E,
        relationship: impl Into<crate::relation::load::Eager<R>>,
    ) -> Result<Vec<crate::relation::load::WithRelated<R>>>
    where
        E: Executor,
        R: crate::relation::Relationship<Parent = M> + crate::relation::RelOnAllBackends,
    {
        let (strategy, chunk) = relationship.into().parts();
        self.run_on(exec, |conn| {
            crate::relation::load::load_pairs::<R>(conn, self, strategy, chunk)
        })
    }

    /// The loader options in effect: the model's eager defaults, replaced per relationship by
    /// the query's own.
    fn effective_loads(&self) -> Vec<LoadOption<M>> {
        let mut loads = M::__default_loads();
        for own in &self.loads {
            loads.retain(|o| o.relationship() != own.relationship());
            loads.push(own.clone());
        }
        loads
    }

    /// The rows of this query on `conn`, with relationships loaded.
    pub(crate) fn load_rows(
        &self,
        conn: &mut crate::conn::backend::AnyConnection,
    ) -> Result<Vec<M>> {
        let loads = self.effective_loads();
        if loads.is_empty() {
            return dispatch!(conn, |c, DB| <M as ModelOn<DB>>::load(c, self));
        }
        crate::relation::load::load_with_options(conn, self, &loads)
    }

    /// The row with this primary key, or `None` (Flask-SQLAlchemy's `query.get`). A composite
    /// key is a tuple in declaration order. Filters on the query also apply.
    #[track_caller]
    pub fn get<E: Executor>(&self, exec: E, pk: M::PrimaryKey) -> Result<Option<M>> {
        if self.is_plain() && self.loads.is_empty() && !M::__HAS_DEFAULT_LOADS {
            // No clauses: the statically typed `find`, exactly what hand-written Diesel runs.
            return self.run_on(exec, |conn| {
                dispatch!(conn, |c, DB| <M as ModelOn<DB>>::find(c, &pk))
            });
        }
        let narrowed = self.clone().filter_primary_key(pk);
        narrowed.first(exec)
    }

    /// The first row, or `None`.
    #[track_caller]
    pub fn first<E: Executor>(&self, exec: E) -> Result<Option<M>> {
        let mut q = self.clone();
        q.limit = Some(1);
        Ok(q.all(exec)?.into_iter().next())
    }

    /// Every row.
    #[track_caller]
    pub fn all<E: Executor>(&self, exec: E) -> Result<Vec<M>> {
        self.run_on(exec, |conn| self.load_rows(conn))
    }

    /// Exactly one row: [`Error::NotFound`] when there is none,
    /// [`Error::MultipleResultsFound`] when there are
    /// several (SQLAlchemy's `one()`). Reads at most two rows.
    #[track_caller]
    pub fn one<E: Executor>(&self, exec: E) -> Result<M> {
        let mut q = self.clone();
        q.limit = Some(match q.limit {
            Some(l) => l.min(2),
            None => 2,
        });
        let mut rows = q.all(exec)?.into_iter();
        match (rows.next(), rows.next()) {
            (Some(row), None) => Ok(row),
            (None, _) => Err(Error::not_found_with(format!(
                "no `{}` row matches the query",
                M::META.model
            ))),
            (Some(_), Some(_)) => Err(Error::MultipleResultsFound {
                model: M::META.model,
            }),
        }
    }

    /// Whether any row matches the filters (`SELECT EXISTS (..)`).
    #[track_caller]
    pub fn exists<E: Executor>(&self, exec: E) -> Result<bool> {
        if self.limit == Some(0) {
            return Ok(false);
        }
        if self.offset.is_some_and(|o| o > 0) {
            // EXISTS ignores OFFSET; a skipped row must not count.
            return Ok(!self.clone().limit(1).all(exec)?.is_empty());
        }
        self.run_on(exec, |conn| {
            dispatch!(conn, |c, DB| <M as ModelOn<DB>>::exists(c, self))
        })
    }

    /// [`get`](Self::get), or `NotFound` with Werkzeug's 404 description (Flask-SQLAlchemy's
    /// `get_or_404`). Web layers answer 404 with it.
    #[track_caller]
    pub fn get_or_404<E: Executor>(&self, exec: E, pk: M::PrimaryKey) -> Result<M> {
        self.get(exec, pk)?.ok_or_else(Error::not_found)
    }

    /// [`get_or_404`](Self::get_or_404) with your own description for the 404.
    #[track_caller]
    pub fn get_or_404_with<E: Executor>(
        &self,
        exec: E,
        pk: M::PrimaryKey,
        description: impl Into<String>,
    ) -> Result<M> {
        self.get(exec, pk)?
            .ok_or_else(|| Error::not_found_with(description))
    }

    /// [`first`](Self::first), or `NotFound` (Flask-SQLAlchemy's `first_or_404`).
    #[track_caller]
    pub fn first_or_404<E: Executor>(&self, exec: E) -> Result<M> {
        self.first(exec)?.ok_or_else(Error::not_found)
    }

    /// [`first_or_404`](Self::first_or_404) with your own description for the 404.
    #[track_caller]
    pub fn first_or_404_with<E: Executor>(
        &self,
        exec: E,
        description: impl Into<String>,
    ) -> Result<M> {
        self.first(exec)?
            .ok_or_else(|| Error::not_found_with(description))
    }

    /// [`one`](Self::one), with `NotFound` carrying Werkzeug's 404 description when there is no
    /// row (Flask-SQLAlchemy's `one_or_404`); several rows are still
    /// `MultipleResultsFound`, not a 404.
    #[track_caller]
    pub fn one_or_404<E: Executor>(&self, exec: E) -> Result<M> {
        self.one(exec).map_err(|e| {
            if e.is_not_found() {
                Error::not_found()
            } else {
                e
            }
        })
    }

    /// [`one_or_404`](Self::one_or_404) with your own description for the 404.
    #[track_caller]
    pub fn one_or_404_with<E: Executor>(
        &self,
        exec: E,
        description: impl Into<String>,
    ) -> Result<M> {
        let description = description.into();
        self.one(exec).map_err(|e| {
            if e.is_not_found() {
                Error::not_found_with(description)
            } else {
                e
            }
        })
    }

    /// Deletes every row the filters match with one `DELETE .. WHERE <filters>` and returns how
    /// many it deleted (Flask-SQLAlchemy's bulk `query.delete()`; `Model::query().delete(..)`
    /// deletes the whole table).
    ///
    /// Like SQLAlchemy's bulk delete it does no per-row work: association-table rows and
    /// children are left to the database's `ON DELETE` rules (use [`Session::delete`] or
    /// `Record::delete` for those). A query with `order_by`, `limit`, `offset`, `distinct` or a
    /// hand-written base is refused without running anything, since one `DELETE` cannot name
    /// the rows it selects (SQLAlchemy refuses `limit` and `offset` too). Through a
    /// `&mut Session`, it runs in the session's transaction after its queued work.
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Task { #[fsql(primary_key)] pub id: i32, pub done: bool }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # for done in [true, true, false] { Task { id: 0, done }.insert(&db)?; }
    /// let removed = Task::query().filter(Task::done.eq(true)).delete(&db)?;
    /// assert_eq!((removed, Task::query().count(&db)?), (2, 1));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// [`Session::delete`]: crate::Session::delete
    #[track_caller]
    pub fn delete<E: Executor>(&self, exec: E) -> Result<u64> {
        self.refuse_clauses_of_bulk("delete", "DELETE")?;
        let deleted =
            crate::conn::instrument::with_location(std::panic::Location::caller(), || {
                exec.run_write(M::META, |conn| {
                    dispatch!(conn, |c, DB| <M as ModelOn<DB>>::delete_where(c, self))
                })
            })?;
        Ok(u64::try_from(deleted).unwrap_or(u64::MAX))
    }

    /// Sets columns of every row the query's filters select, with one `UPDATE` statement,
    /// and returns how many rows matched (Flask-SQLAlchemy's `query.update({...})`). The
    /// values are SQL expressions, so a column can be set from itself.
    ///
    /// Nothing is loaded: rows already read keep their old values, and `onupdate` columns are
    /// not written (name them in the changeset). A query with `order_by`, `limit`, `offset`,
    /// `distinct` or a hand-written base is refused before anything runs.
    ///
    /// ```
    /// use fsql::prelude::*;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// pub struct Post {
    ///     #[fsql(primary_key)]
    ///     pub id: i32,
    ///     pub published: bool,
    ///     pub views: i64,
    /// }
    ///
    /// # fn main() -> fsql::Result<()> {
    /// let db = Database::builder().url("sqlite://").build()?;
    /// db.create_all()?;
    /// for _ in 0..3 {
    ///     Post { id: 0, published: false, views: 1 }.insert(&db)?;
    /// }
    /// let changed = Post::query()
    ///     .filter(Post::id.le(2))
    ///     .update(&db, (Post::published.eq(true), Post::views.eq(Post::views + 10)))?;
    /// assert_eq!(changed, 2);
    /// assert_eq!(Post::query().filter(Post::views.eq(11)).count(&db)?, 2);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn update<E, V>(&self, exec: E, values: V) -> Result<u64>
    where
        E: Executor,
        V: crate::model::update::Changeset<M>,
    {
        self.refuse_clauses_of_bulk("update", "UPDATE")?;
        let updated =
            crate::conn::instrument::with_location(std::panic::Location::caller(), || {
                exec.run_write(M::META, |conn| {
                    dispatch!(conn, |c, DB| {
                        <V as crate::model::update::ChangesetOn<M, DB>>::update_where(
                            values.clone(),
                            c,
                            self,
                        )
                    })
                })
            })?;
        Ok(u64::try_from(updated).unwrap_or(u64::MAX))
    }

    /// A bulk statement runs over the filters alone: any other clause would be silently
    /// dropped, so it is refused.
    fn refuse_clauses_of_bulk(&self, method: &str, statement: &str) -> Result<()> {
        match self.clause_beyond_filters() {
            Some(clause) => Err(Error::Config {
                key: format!("Query::{method}"),
                value: M::META.model.to_owned(),
                reason: format!(
                    "a bulk {method} runs one {statement} over the query's filters; remove \
                     `{clause}` from the query, or load the rows and {method} each"
                ),
            }),
            None => Ok(()),
        }
    }

    /// How many rows [`all`](Self::all) would return (one `COUNT(*)` statement; limit and
    /// offset are applied to the count).
    #[track_caller]
    pub fn count<E: Executor>(&self, exec: E) -> Result<u64> {
        let total = self.run_on(exec, |conn| {
            dispatch!(conn, |c, DB| <M as ModelOn<DB>>::count(c, self))
        })?;
        let total = u64::try_from(total).unwrap_or(0);
        let after_offset = total.saturating_sub(self.offset.unwrap_or(0) as u64);
        Ok(match self.limit {
            Some(l) => after_offset.min(l as u64),
            None => after_offset,
        })
    }

    /// The escape hatch: this query as Diesel's own boxed select for backend `DB`, with every
    /// clause applied, to refine with Diesel and run on that backend's connection.
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone, PartialEq)]
    /// # pub struct User {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     #[fsql(unique, length = 80)]
    /// #     pub username: String,
    /// #     pub email: Option<String>,
    /// #     pub role: String,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # User { id: 0, username: "ann".into(), email: None, role: "admin".into() }.insert(&db)?;
    /// use diesel::prelude::*;
    /// let boxed = User::query()
    ///     .filter(User::role.eq("admin"))
    ///     .into_boxed::<diesel::sqlite::Sqlite>()?;
    /// let mut conn = diesel::sqlite::SqliteConnection::establish(":memory:").unwrap();
    /// # diesel::sql_query("CREATE TABLE user (id INTEGER PRIMARY KEY, username TEXT, email TEXT, role TEXT)")
    /// #     .execute(&mut conn).unwrap();
    /// let rows: Vec<User> = boxed.filter(user::id.gt(10)).load(&mut conn).unwrap();
    /// assert!(rows.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// The way back is [`Query::filter`]: any boolean Diesel expression over the model's table
    /// is a filter.
    pub fn into_boxed<DB>(&self) -> Result<Boxed<'a, M, DB>>
    where
        DB: crate::conn::backend::FsqlBackend + 'static,
        M: ModelOn<DB>,
    {
        self.check_backend(DB::KIND)?;
        Ok(<M as ModelOn<DB>>::boxed(self))
    }

    /// Runs `f` on a connection from `exec` for the model's bind: the one way every terminal
    /// method reaches the database, so the backend check below cannot be forgotten.
    #[track_caller]
    pub(crate) fn run_on<E: Executor, R>(
        &self,
        exec: E,
        f: impl FnOnce(&mut crate::conn::backend::AnyConnection) -> Result<R>,
    ) -> Result<R> {
        crate::conn::instrument::with_location(std::panic::Location::caller(), || {
            exec.run(M::META, |conn| {
                self.check_backend(conn.backend())?;
                f(conn)
            })
        })
    }

    /// A query built [`from_boxed`](Self::from_boxed) runs only on its backend.
    pub(crate) fn check_backend(&self, backend: crate::conn::url::BackendKind) -> Result<()> {
        match &self.base {
            Some(base) if base.backend() != backend => Err(Error::Config {
                key: "Query::from_boxed".to_owned(),
                value: M::META.model.to_owned(),
                reason: format!(
                    "this query starts from a Diesel query written for {}, so it cannot run on \
                     {backend}; build it with Query::filter, or from_boxed for that backend",
                    base.backend()
                ),
            }),
            _ => Ok(()),
        }
    }

    fn filter_primary_key(self, pk: M::PrimaryKey) -> Self {
        M::__filter_primary_key(self, pk)
    }

    fn is_plain(&self) -> bool {
        self.filters.is_empty()
            && self.orders.is_empty()
            && self.limit.is_none()
            && self.offset.is_none()
    }

    /// The first clause the query has beyond its filters, by the name of the method that set
    /// it: what a statement over the filters alone (a bulk write, an aggregate) must refuse
    /// rather than drop.
    pub(crate) fn clause_beyond_filters(&self) -> Option<&'static str> {
        if !self.orders.is_empty() {
            Some("order_by")
        } else if self.limit.is_some() {
            Some("limit")
        } else if self.offset.is_some() {
            Some("offset")
        } else if self.distinct {
            Some("distinct")
        } else if self.base.is_some() {
            Some("from_boxed")
        } else {
            None
        }
    }

    /// The query's rows are its table's rows under its filters (orderings aside): no limit,
    /// offset, `distinct` or hand-written base. Such a query can stand as its table and
    /// filters inside another statement, without a derived table.
    pub(crate) fn is_flat(&self) -> bool {
        self.limit.is_none() && self.offset.is_none() && !self.distinct && self.base.is_none()
    }

    /// Appends orderings built elsewhere in the crate (a join's, over another table).
    pub(crate) fn push_orders(&mut self, orders: Vec<Arc<dyn Ordering<'a, M::Table>>>) {
        self.orders.extend(orders);
    }

    /// Takes the loader options given with `options()`, leaving none.
    pub(crate) fn take_loads(&mut self) -> Vec<LoadOption<M>> {
        std::mem::take(&mut self.loads)
    }

    // Accessors for the generated per-backend code.

    #[doc(hidden)]
    pub fn __filters(&self) -> &[Arc<dyn Predicate<'a, M::Table>>] {
        &self.filters
    }

    #[doc(hidden)]
    pub fn __orders(&self) -> &[Arc<dyn Ordering<'a, M::Table>>] {
        &self.orders
    }

    #[doc(hidden)]
    pub fn __limit(&self) -> Option<i64> {
        self.limit
    }

    #[doc(hidden)]
    pub fn __offset(&self) -> Option<i64> {
        self.offset
    }

    #[doc(hidden)]
    pub fn __distinct(&self) -> bool {
        self.distinct
    }

    #[doc(hidden)]
    pub fn __base(&self) -> Option<&Base<'a, M>> {
        self.base.as_ref()
    }
}

/// The builder methods of [`Query`] for query classes of your own
/// (`#[fsql(query_class = MyQuery)]`): any type that converts to and from `Query` gets
/// `filter`, `order_by`, `limit`, `offset` and `distinct` returning itself, so
/// `User::query().filter(..).my_method(..)` reads as it does with Flask-SQLAlchemy's
/// `query_class`. In the prelude.
///
/// ```
/// use std::ops::Deref;
/// use fsql::prelude::*;
///
/// pub struct GetOrQuery<'a, M: Model>(Query<'a, M>);
///
/// impl<'a, M: Model> From<Query<'a, M>> for GetOrQuery<'a, M> {
///     fn from(query: Query<'a, M>) -> Self {
///         Self(query)
///     }
/// }
/// impl<'a, M: Model> From<GetOrQuery<'a, M>> for Query<'a, M> {
///     fn from(query: GetOrQuery<'a, M>) -> Self {
///         query.0
///     }
/// }
/// impl<'a, M: Model> Deref for GetOrQuery<'a, M> {
///     type Target = Query<'a, M>;
///     fn deref(&self) -> &Query<'a, M> {
///         &self.0
///     }
/// }
/// impl<M: Model> GetOrQuery<'_, M> {
///     /// The row with this key, or `default`.
///     pub fn get_or<E: Executor>(&self, exec: E, key: M::PrimaryKey, default: M) -> fsql::Result<M> {
///         Ok(self.get(exec, key)?.unwrap_or(default))
///     }
/// }
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// #[fsql(query_class = GetOrQuery)]
/// pub struct User {
///     #[fsql(primary_key)]
///     pub id: i32,
///     pub username: String,
/// }
///
/// # fn main() -> fsql::Result<()> {
/// # let db = Database::builder().url("sqlite://").build()?;
/// # db.create_all()?;
/// let nobody = User { id: 0, username: "anonymous".into() };
/// // `filter` comes from `QueryBuilder` and keeps the class:
/// let user = User::query().filter(User::username.eq("ann")).get_or(&db, 7, nobody.clone())?;
/// assert_eq!(user, nobody);
/// # Ok(())
/// # }
/// ```
pub trait QueryBuilder<'a, M: Model>: Sized + From<Query<'a, M>> + Into<Query<'a, M>> {
    /// [`Query::filter`].
    #[must_use]
    fn filter<P: Predicate<'a, M::Table>>(self, predicate: P) -> Self {
        Self::from(self.into().filter(predicate))
    }
    /// [`Query::order_by`].
    #[must_use]
    fn order_by<O: Ordering<'a, M::Table>>(self, ordering: O) -> Self {
        Self::from(self.into().order_by(ordering))
    }
    /// [`Query::limit`].
    #[must_use]
    fn limit(self, n: i64) -> Self {
        Self::from(self.into().limit(n))
    }
    /// [`Query::offset`].
    #[must_use]
    fn offset(self, n: i64) -> Self {
        Self::from(self.into().offset(n))
    }
    /// [`Query::distinct`].
    #[must_use]
    fn distinct(self) -> Self {
        Self::from(self.into().distinct())
    }
}

impl<'a, M: Model, T> QueryBuilder<'a, M> for T where T: From<Query<'a, M>> + Into<Query<'a, M>> {}
