//! Relationships: Flask-SQLAlchemy's `db.relationship(..)`, typed.
//!
//! Layer 4, above the `conn`, `sql` and model layers, below the write layer.
//!
//! A relationship field (`HasMany<T>`, `HasOne<T>`, `BelongsTo<T>`, `ManyToMany<T>`) is a
//! [slot] that holds what has been loaded. `#[derive(Model)]` gives each relationship a
//! constant on the model (`User::posts`) that names it in loader options
//! (`joinedload(User::posts)`), in [`Query::with_parent`] and in [`Query::all_with`], and an
//! accessor (`user.posts(&db)`) that loads on first use (`lazy = "select"`), returns a
//! [`Query`] (`lazy = "dynamic"`) or reads the slot (`lazy = "noload"`).
//!
//! How rows are fetched, per strategy:
//! - `select`: one statement per parent, when the accessor is first called (1 + N);
//! - `joined`: the parent query becomes `SELECT parent.*, child.* FROM (<parent query>) AS
//!   parent LEFT OUTER JOIN child ON ..`, one statement, parents kept in order and unique,
//!   parents without children included;
//! - `selectin`: one more statement per relationship, `WHERE fk IN (<parent keys>)`, the list
//!   chunked under the backend's bound-parameter limit;
//! - `subquery`: one more statement, `WHERE fk IN (SELECT pk FROM (<parent query>))`;
//! - `dynamic`: nothing loaded; the accessor returns a [`Query`] to refine.

pub mod association;
pub mod cascade;
pub mod join;
pub mod load;
pub mod paged;
pub mod slot;
// Re-exported at its old path: generated code and the facade name `relation::sql::..`.
#[doc(hidden)]
pub use crate::sql::fragment as sql;

use std::fmt::Debug;
use std::hash::Hash;
use std::sync::Arc;

pub use join::{ColumnOrdering, Join, JoinFrom, ToOne};
pub use load::{
    joinedload, lazyload, noload, raiseload, selectinload, subqueryload, LoadOption, Loader,
};
pub use paged::{PageWith, PagedWith};
pub use slot::{BelongsTo, HasMany, HasOne, ManyToMany, Slot};

use crate::conn::backend::FsqlBackend;
use crate::model::query::{Predicate, Query};
use crate::model::Model;
use crate::sql::fragment::Fragment;

pub use crate::model::load_option::Lazy;

/// The model with a single-column primary key: what relationships link to.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has a composite primary key; relationships link to single-column keys",
    note = "a foreign key is one column, so the model it references needs a one-column key"
)]
pub trait SingleKey: Model {
    /// The key column.
    type KeyColumn: diesel::Column<Table = Self::Table> + Default + Copy + Send + Sync + 'static;
    /// Rows whose key is in `keys`.
    fn filter_keys<'a>(query: Query<'a, Self>, keys: Vec<Self::PrimaryKey>) -> Query<'a, Self>;
}

/// A foreign key of `Self` to model `P`: one per field marked `#[fsql(references = P)]`, told
/// apart by `FIELD` (a hash of the field's name), and `FIELD = 0` for "the" foreign key when
/// there is exactly one. Implemented by `#[derive(Model)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no foreign key to `{P}` that this relationship can use",
    label = "no single `#[fsql(references = {P})]` field on `{Self}`",
    note = "mark the foreign-key field of `{Self}` with #[fsql(references = {P})]; when it has \
            several, name one on the relationship: #[fsql(foreign_key = field_name)]"
)]
pub trait ForeignKey<P: Model, const FIELD: u64 = 0>: Model {
    /// The foreign-key column.
    type Column: diesel::Column<Table = Self::Table> + Default + Copy + Send + Sync + 'static;
    /// The parent's key this row points at; `None` when the column is NULL.
    fn parent_key(&self) -> Option<P::PrimaryKey>;
    /// Rows pointing at `key`.
    fn filter_parent<'a>(query: Query<'a, Self>, key: P::PrimaryKey) -> Query<'a, Self>;
    /// Rows pointing at any of `keys`.
    fn filter_parents<'a>(query: Query<'a, Self>, keys: Vec<P::PrimaryKey>) -> Query<'a, Self>;
}

/// An association table's column pointing at model `M` (`#[references = M]` in `fsql::table!`).
#[diagnostic::on_unimplemented(
    message = "association table `{Self}` has no column that references `{M}`",
    note = "in `fsql::table!`, mark the column with #[references = {M}]"
)]
pub trait AssociationLink<M: Model>:
    diesel::Table + Default + Copy + Send + Sync + 'static
{
    /// The column.
    type Column: diesel::Column<Table = Self> + Default + Copy + Send + Sync + 'static;
}

/// A relationship: what `#[derive(Model)]` generates for each relationship field and backref.
/// Its constant (`User::posts`) is the value to pass to loader options.
pub trait Relationship: Copy + Send + Sync + 'static {
    /// The model the relationship is declared on.
    type Parent: Model;
    /// The model it leads to.
    type Target: Model + Clone + Send + Sync;
    /// What a parent and its targets share: the parent's key (one-to-many, many-to-many) or
    /// the target's key (many-to-one).
    type Link: Hash + Eq + Clone + Debug + Send + Sync + 'static;
    /// The slot type that holds what is loaded (for a backref without a field, the slot it
    /// would have).
    type Slot: Slot<Target = Self::Target>;
    /// `Model.field`, for errors.
    const NAME: &'static str;
    /// The default strategy.
    const LAZY: Lazy;

    /// Whether the accessor loads through [`RelationshipOn::fetch_links`] (many-to-many: the
    /// association table joined to the target, which planners serve from the association
    /// table's key) rather than through the target's own query.
    const LOADS_BY_LINKS: bool = false;

    /// The parent and the target are the same model (an adjacency list: a category's
    /// children, a comment's replies). A `joined` load of it runs as `selectin`: joining a
    /// table to itself would need an alias for every column the target reads.
    const SELF_REFERENTIAL: bool = false;

    /// The parent's link value; `None` for a NULL foreign key.
    fn link(parent: &Self::Parent) -> Option<Self::Link>;
    /// The targets of one parent.
    fn targets_of<'a>(link: Self::Link) -> Query<'a, Self::Target>;
    /// The targets of several parents (one `IN` list).
    fn targets_in<'a>(links: Vec<Self::Link>) -> Query<'a, Self::Target>;
    /// The targets of whatever `parents` returns, when the target's own table can express it
    /// (not for many-to-many, whose link lives in the association table).
    fn targets_under<'a>(parents: Query<'a, Self::Parent>) -> Option<Query<'a, Self::Target>>;
}

/// What the `joined` strategy joins to the parent's derived table.
pub struct JoinTo<DB> {
    /// The target table, or the association table joined to it.
    pub right: Fragment<'static, DB>,
    /// The join condition's column on the right side.
    pub on_left: Fragment<'static, DB>,
    /// That column's name, for a self-referential join, whose right side is aliased.
    pub on_left_name: &'static str,
    /// The table that column is in: the association table of a many-to-many, the target's
    /// otherwise (what [`count_related`](crate::relation::join::count_related) counts).
    pub on_left_table: &'static str,
    /// The join condition's column on the parent.
    pub on_right: Fragment<'static, DB>,
    /// That column's name.
    pub on_right_name: &'static str,
}

/// A relationship with a field on its parent (not a backref), which eager loading fills.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is a backref without a field, so there is no slot to load it into",
    note = "use `query.all_with(&db, ..)` to get each row with its related rows, or declare the \
            field on the model (back_populates style)"
)]
pub trait WithSlot: Relationship {
    /// The parent's slot.
    fn slot(parent: &Self::Parent) -> &Self::Slot;
    /// The parent's slot, to fill.
    fn slot_mut(parent: &mut Self::Parent) -> &mut Self::Slot;
}

/// How a relationship fetches `(link, target)` pairs on one backend. Implemented per backend by
/// `#[derive(Model)]` through the `impl_relationship_backends!` macro.
#[doc(hidden)]
pub trait RelationshipOn<DB: FsqlBackend>: Relationship {
    /// `LEFT OUTER JOIN <join.right> ON <join.on_left> = <join.on_right>` for `joined`.
    fn join() -> JoinTo<DB>;
    /// `joined`: each parent with one target per row (`None` for parents without any).
    fn fetch_joined(
        conn: &mut DB::Conn,
        parents: &Query<'_, Self::Parent>,
    ) -> fsql_core::Result<Vec<JoinedPair<Self>>>;
    /// `selectin` (`Links::In`) and `subquery` (`Links::Under`): targets with their link.
    fn fetch_links(
        conn: &mut DB::Conn,
        links: Links<'_, '_, Self>,
    ) -> fsql_core::Result<Vec<(Self::Link, Self::Target)>>;
}

/// A parent with one of its targets (or none), as a joined row reads.
#[doc(hidden)]
pub type JoinedPair<R> = (
    <R as Relationship>::Parent,
    Option<<R as Relationship>::Target>,
);

/// Which parents to fetch targets for.
#[doc(hidden)]
pub enum Links<'q, 'a, R: Relationship> {
    /// These link values.
    In(&'q [R::Link]),
    /// One link value (`= ?`: a statement the backend can keep prepared).
    One(&'q R::Link),
    /// Whatever this query returns.
    Under(&'q Query<'a, R::Parent>),
}

/// The targets of a to-many or to-one relationship read through the target's own query, and
/// their link read off each target row (`link_of`).
#[doc(hidden)]
pub fn fetch_direct<R, DB>(
    conn: &mut DB::Conn,
    links: Links<'_, '_, R>,
    link_of: impl Fn(&R::Target) -> Option<R::Link>,
) -> fsql_core::Result<Vec<(R::Link, R::Target)>>
where
    R: Relationship,
    DB: FsqlBackend,
    R::Target: crate::model::ModelOn<DB>,
    for<'q> crate::sql::fragment::StaticId<
        (R, crate::sql::fragment::OneLink),
        crate::model::ops::Boxed<'q, R::Target, DB>,
    >: diesel::query_dsl::methods::LoadQuery<'q, DB::Conn, R::Target>,
{
    let query = match links {
        Links::In(links) => R::targets_in(links.to_vec()),
        Links::One(link) => {
            // One link: the same SQL every time for this relationship and backend (the link is
            // its only value), so the statement is cached by type, as hand-written Diesel's
            // `belonging_to` is, instead of its text being built again for every parent.
            let query = R::targets_of(link.clone());
            let rows = <R::Target as crate::model::ModelOn<DB>>::load_shaped::<(
                R,
                crate::sql::fragment::OneLink,
            )>(conn, &query)?;
            return Ok(rows
                .into_iter()
                .filter_map(|t| link_of(&t).map(|l| (l, t)))
                .collect());
        }
        Links::Under(parents) => R::targets_under(parents.clone()).ok_or_else(|| {
            fsql_core::Error::Schema(format!(
                "relationship `{}` cannot be loaded by subquery from the target's table",
                R::NAME
            ))
        })?,
    };
    let rows = <R::Target as crate::model::ModelOn<DB>>::load(conn, &query)?;
    Ok(rows
        .into_iter()
        .filter_map(|t| link_of(&t).map(|l| (l, t)))
        .collect())
}

macro_rules! relationship_support {
    ($feature:literal, $on:ident, $db:ty) => {
        #[cfg(feature = $feature)]
        #[doc(hidden)]
        pub trait $on: RelationshipOn<$db> {}
        #[cfg(feature = $feature)]
        impl<T: RelationshipOn<$db>> $on for T {}
        #[cfg(not(feature = $feature))]
        #[doc(hidden)]
        pub trait $on {}
        #[cfg(not(feature = $feature))]
        impl<T> $on for T {}
    };
}
relationship_support!("sqlite", RelOnSqlite, crate::conn::backend::Sqlite);
relationship_support!("postgres", RelOnPostgres, crate::conn::backend::Pg);
relationship_support!("mysql", RelOnMysql, crate::conn::backend::Mysql);

/// Every compiled-in backend's [`RelationshipOn`].
#[doc(hidden)]
pub trait RelOnAllBackends: RelOnSqlite + RelOnPostgres + RelOnMysql {}
impl<T: RelOnSqlite + RelOnPostgres + RelOnMysql> RelOnAllBackends for T {}

/// Implements `RelationshipOn<DB>` for one backend: `direct(link_of)` reads targets through the
/// target's own query and their link with `link_of`; `secondary(table)` joins the association
/// table and reads the link from it. The functions are `#[inline]` so that they are compiled
/// only where they are called, as `__impl_model_on!`'s are.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_relationship_on {
    ($db:ty; rel = $rel:ty, parent = $parent:ty, target = $target:ty, links = $kind:ident($($how:tt)*), join = { $($join:tt)* }) => {
        impl $crate::relation::RelationshipOn<$db> for $rel {
            #[inline]
            fn join() -> $crate::relation::JoinTo<$db> {
                #[allow(non_camel_case_types, dead_code)]
                type __DB = $db;
                $($join)*
            }

            #[inline]
            fn fetch_joined(
                conn: &mut <$db as $crate::backend::FsqlBackend>::Conn,
                parents: &$crate::query::Query<'_, $parent>,
            ) -> $crate::Result<::std::vec::Vec<($parent, ::core::option::Option<$target>)>> {
                use ::diesel::RunQueryDsl;
                let build = || $crate::relation::load::joined_select::<$rel, $db>(parents);
                build()
                    .load::<($parent, ::core::option::Option<$target>)>(conn)
                    .map_err(|e| $crate::error::statement_error::<$db, _>(e, <$parent as $crate::model::Model>::META, &build()))
            }

            $crate::__relationship_fetch_links!($db; $rel; $parent; $target; $kind($($how)*));
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __relationship_fetch_links {
    ($db:ty; $rel:ty; $parent:ty; $target:ty; direct($link_of:expr)) => {
        #[inline]
        fn fetch_links(
            conn: &mut <$db as $crate::backend::FsqlBackend>::Conn,
            links: $crate::relation::Links<'_, '_, Self>,
        ) -> $crate::Result<::std::vec::Vec<(<Self as $crate::relation::Relationship>::Link, $target)>> {
            $crate::relation::fetch_direct::<$rel, $db>(conn, links, $link_of)
        }
    };
    ($db:ty; $rel:ty; $parent:ty; $target:ty; direct_by($link_of:expr, $column:ty)) => {
        #[inline]
        fn fetch_links(
            conn: &mut <$db as $crate::backend::FsqlBackend>::Conn,
            links: $crate::relation::Links<'_, '_, Self>,
        ) -> $crate::Result<::std::vec::Vec<(<Self as $crate::relation::Relationship>::Link, $target)>> {
            use ::diesel::RunQueryDsl;
            if let $crate::relation::Links::One(link) = &links {
                // A target without a restriction (an inheritance child's discriminator; an
                // empty query allocates nothing to find out): the unboxed
                // `SELECT .. WHERE (fk = ?)`, prepared once per connection and then only
                // bound, as hand-written Diesel's `belonging_to` is.
                if $crate::query::Query::<$target>::new().__filters().is_empty() {
                    use ::diesel::ExpressionMethods as _;
                    let one = || $crate::relation::sql::StaticId::<($rel, $crate::relation::sql::OneLinkUnboxed), _>::new(
                        $crate::relation::sql::WhereOne::<_, _, _, $crate::relation::load::SqlTypeOf<$target>> {
                            columns: <<$target as $crate::model::Model>::Table as ::diesel::Table>::all_columns(),
                            from: <<$target as $crate::model::Model>::Table as ::core::default::Default>::default(),
                            filter: <$column as ::core::default::Default>::default().eq(::core::clone::Clone::clone(*link)),
                            sql_type: ::core::marker::PhantomData,
                        },
                    );
                    return one()
                        .load::<$target>(conn)
                        .map(|rows| rows.into_iter().map(|t| (::core::clone::Clone::clone(*link), t)).collect())
                        .map_err(|e| $crate::error::statement_error::<$db, _>(e, <$target as $crate::model::Model>::META, &one()));
                }
            }
            $crate::relation::fetch_direct::<$rel, $db>(conn, links, $link_of)
        }
    };
    ($db:ty; $rel:ty; $parent:ty; $target:ty; secondary($assoc:ty, $pcol:ty, $tcol:ty)) => {
        #[inline]
        fn fetch_links(
            conn: &mut <$db as $crate::backend::FsqlBackend>::Conn,
            links: $crate::relation::Links<'_, '_, Self>,
        ) -> $crate::Result<::std::vec::Vec<(<Self as $crate::relation::Relationship>::Link, $target)>> {
            use ::diesel::RunQueryDsl;
            type ParentColumn = $pcol;
            type TargetColumn = $tcol;
            type Row = (
                $crate::relation::load::SqlTypeOf<$target>,
                <ParentColumn as ::diesel::Expression>::SqlType,
            );
            let build = || {
                let from = $crate::relation::sql::Join::<$db> {
                    left: ::std::boxed::Box::new(<<$target as $crate::model::Model>::Table as ::core::default::Default>::default()),
                    kind: $crate::relation::sql::JoinKind::Inner,
                    right: ::std::boxed::Box::new(<$assoc as ::core::default::Default>::default()),
                    on_left: ::std::boxed::Box::new(<TargetColumn as ::core::default::Default>::default()),
                    on_right: ::std::boxed::Box::new(<<$target as $crate::relation::SingleKey>::KeyColumn as ::core::default::Default>::default()),
                };
                let mut select = $crate::relation::sql::Select::<$db, Row>::new(
                    ::std::vec![
                        <$target as $crate::model::ModelOn<$db>>::columns(),
                        ::std::boxed::Box::new(<ParentColumn as ::core::default::Default>::default()),
                    ],
                    ::std::boxed::Box::new(from),
                );
                select.filter = ::core::option::Option::Some(match &links {
                    $crate::relation::Links::In(keys) => {
                        use ::diesel::ExpressionMethods as _;
                        ::std::boxed::Box::new(<ParentColumn as ::core::default::Default>::default().eq_any(keys.to_vec()))
                            as $crate::relation::sql::Fragment<'_, $db>
                    }
                    $crate::relation::Links::One(key) => {
                        use ::diesel::ExpressionMethods as _;
                        ::std::boxed::Box::new(<ParentColumn as ::core::default::Default>::default().eq(::core::clone::Clone::clone(*key)))
                            as $crate::relation::sql::Fragment<'_, $db>
                    }
                    $crate::relation::Links::Under(parents) => ::std::boxed::Box::new($crate::relation::sql::InQuery::over(
                        <ParentColumn as ::core::default::Default>::default(),
                        ::std::boxed::Box::new(<<$parent as $crate::relation::SingleKey>::KeyColumn as ::core::default::Default>::default()),
                        parents,
                    )),
                });
                select
            };
            type Pair = ($target, <$parent as $crate::model::Model>::PrimaryKey);
            if let $crate::relation::Links::One(link) = &links {
                // One link: the same SQL every time for this relationship and backend, so the
                // statement is cached by type, as hand-written Diesel's are; unboxed, and
                // without the link column (every row has this one).
                use ::diesel::ExpressionMethods as _;
                let one = || $crate::relation::sql::StaticId::<($rel, $crate::relation::sql::OneLink), _>::new(
                    $crate::relation::sql::ThroughOne::<_, _, _, _, _, _, $crate::relation::load::SqlTypeOf<$target>> {
                        columns: <<$target as $crate::model::Model>::Table as ::diesel::Table>::all_columns(),
                        target: <<$target as $crate::model::Model>::Table as ::core::default::Default>::default(),
                        assoc: <$assoc as ::core::default::Default>::default(),
                        on: <TargetColumn as ::core::default::Default>::default(),
                        key: <<$target as $crate::relation::SingleKey>::KeyColumn as ::core::default::Default>::default(),
                        filter: <ParentColumn as ::core::default::Default>::default().eq(::core::clone::Clone::clone(*link)),
                        sql_type: ::core::marker::PhantomData,
                    },
                );
                return one()
                    .load::<$target>(conn)
                    .map(|rows| rows.into_iter().map(|t| (::core::clone::Clone::clone(*link), t)).collect())
                    .map_err(|e| $crate::error::statement_error::<$db, _>(e, <$target as $crate::model::Model>::META, &one()));
            }
            build().load::<Pair>(conn)
                .map(|rows| rows.into_iter().map(|(t, l)| (l, t)).collect())
                .map_err(|e| $crate::error::statement_error::<$db, _>(e, <$target as $crate::model::Model>::META, &build()))
        }
    };
}

/// Implements the per-backend half of a relationship for every compiled-in backend.
#[doc(hidden)]
#[macro_export]
macro_rules! impl_relationship_backends {
    ($($args:tt)*) => {
        $crate::__impl_relationship_on_sqlite!($($args)*);
        $crate::__impl_relationship_on_postgres!($($args)*);
        $crate::__impl_relationship_on_mysql!($($args)*);
    };
}

/// `column IN (SELECT selected FROM (<source query>) AS source_table)` as a filter of any
/// backend: the source query is rendered for the backend the filter runs on. Built by
/// [`InQueryExt::in_query`]; combine with another filter by [`or`](Self::or).
#[derive(Clone)]
pub struct Under<'a, S: Model, C, Sel> {
    column: C,
    selected: Sel,
    source: Query<'a, S>,
}

impl<'a, S: Model, C, Sel> Under<'a, S, C, Sel> {
    /// This filter or `other` (`a OR b`).
    pub fn or<P>(self, other: P) -> crate::model::query::AnyOf<Self, P> {
        crate::model::query::AnyOf::new(self, other)
    }
}

/// Filters by the rows of another query: `column IN (SELECT key FROM <query>)`, SQL's
/// semi-join (SQLAlchemy's `column.in_(select(..))`), on any model's query with its filters,
/// relationships and limit. The statement is written by fsql for each backend, so no
/// `allow_tables_to_appear_in_same_query!` is needed.
///
/// ```
/// use fsql::prelude::*;
///
/// #[derive(Model, Debug, Clone)]
/// pub struct Author {
///     #[fsql(primary_key)]
///     pub id: i32,
///     pub active: bool,
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
/// # Author { id: 1, active: true }.insert(&db)?;
/// # Author { id: 2, active: false }.insert(&db)?;
/// # Book { id: 1, author_id: 1 }.insert(&db)?;
/// # Book { id: 2, author_id: 2 }.insert(&db)?;
/// let active = Author::query().filter(Author::active.eq(true));
/// let books = Book::query().filter(Book::author_id.in_query(active)).all(&db)?;
/// assert_eq!(books.len(), 1);
/// // With another condition: theirs, or book 2.
/// let active = Author::query().filter(Author::active.eq(true));
/// let either = Book::query()
///     .filter(Book::author_id.in_query(active).or(Book::id.eq(2)))
///     .count(&db)?;
/// assert_eq!(either, 2);
/// # Ok(())
/// # }
/// ```
pub trait InQueryExt: diesel::Column + Default + Copy + Send + Sync + Sized {
    /// `self IN (SELECT <source's key> FROM <source>)`.
    fn in_query<'a, S>(self, source: Query<'a, S>) -> Under<'a, S, Self, S::KeyColumn>
    where
        S: SingleKey,
        Self::SqlType: diesel::sql_types::IntoNullable<
            Nullable = <<S::KeyColumn as diesel::Expression>::SqlType as diesel::sql_types::IntoNullable>::Nullable,
        >,
        <S::KeyColumn as diesel::Expression>::SqlType: diesel::sql_types::IntoNullable,
    {
        under(self, S::KeyColumn::default(), source)
    }

    /// `self IN (SELECT selected FROM <selected's table> [WHERE ..])`: a semi-join through a
    /// table that is not a model, such as an `fsql::table!` association table without a
    /// relationship over it; add conditions on that table with
    /// [`filter`](InTable::filter). fsql writes the subquery itself, so the two tables need
    /// no `allow_tables_to_appear_in_same_query!`.
    ///
    /// ```
    /// use fsql::prelude::*;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// pub struct Member {
    ///     #[fsql(primary_key)]
    ///     pub id: i32,
    /// }
    ///
    /// fsql::table! {
    ///     blocks {
    ///         #[primary_key, references = Member]
    ///         blocker_id: i32,
    ///         #[primary_key, references = Member]
    ///         blocked_id: i32,
    ///     }
    /// }
    ///
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # for id in 1..=3 { Member { id }.insert(&db)?; }
    /// # use diesel::RunQueryDsl;
    /// # diesel::insert_into(blocks::table)
    /// #     .values((blocks::blocker_id.eq(1), blocks::blocked_id.eq(3)))
    /// #     .execute(&mut *db.connection()?)?;
    /// // Members that member 1 blocked.
    /// let blocked = Member::query()
    ///     .filter(Member::id.in_table(blocks::blocked_id).filter(blocks::blocker_id.eq(1)))
    ///     .all(&db)?;
    /// assert_eq!(blocked.iter().map(|m| m.id).collect::<Vec<_>>(), [3]);
    /// # Ok(())
    /// # }
    /// ```
    fn in_table<'a, Sel>(self, selected: Sel) -> InTable<'a, Self, Sel>
    where
        Sel: diesel::Column + Default + Copy + Send + Sync + 'static,
        Sel::Table: Default,
        Self::SqlType: diesel::sql_types::IntoNullable<
            Nullable = <Sel::SqlType as diesel::sql_types::IntoNullable>::Nullable,
        >,
        Sel::SqlType: diesel::sql_types::IntoNullable,
    {
        InTable {
            column: self,
            selected,
            filters: Vec::new(),
        }
    }
}

impl<C: diesel::Column + Default + Copy + Send + Sync> InQueryExt for C {}

/// `column IN (SELECT selected FROM <table> WHERE <filters>)` over a table that is not a
/// model: built by [`InQueryExt::in_table`].
#[derive(Clone)]
pub struct InTable<'a, C, Sel: diesel::Column> {
    column: C,
    selected: Sel,
    filters: Vec<Arc<dyn Predicate<'a, Sel::Table>>>,
}

impl<'a, C, Sel: diesel::Column> InTable<'a, C, Sel> {
    /// Keeps the subquery's rows matching `predicate`, a condition on the selected column's
    /// table (several are joined with `AND`).
    pub fn filter<P: Predicate<'a, Sel::Table>>(mut self, predicate: P) -> Self {
        self.filters.push(Arc::new(predicate));
        self
    }

    /// This filter or `other` (`a OR b`).
    pub fn or<P>(self, other: P) -> crate::model::query::AnyOf<Self, P> {
        crate::model::query::AnyOf::new(self, other)
    }
}

impl<'a, C, Sel, T, DB> crate::model::query::PredicateOn<'a, T, DB> for InTable<'a, C, Sel>
where
    DB: FsqlBackend + crate::model::query::BoxFilters + 'a,
    C: diesel::query_builder::QueryFragment<DB>
        + diesel::expression::SelectableExpression<T>
        + Copy
        + Send
        + 'a,
    Sel: diesel::Column + diesel::query_builder::QueryFragment<DB> + Copy + Send + 'a,
    Sel::Table: diesel::query_builder::QueryFragment<DB> + Default + Send + 'a,
{
    fn boxed(&self) -> crate::model::query::BoxedPredicate<'a, T, DB> {
        Box::new(sql::InQuery {
            column: self.column,
            selected: Box::new(self.selected),
            from: Box::new(Sel::Table::default()),
            filters: self
                .filters
                .iter()
                .map(|p| Box::new(DB::predicate(&**p)) as sql::Fragment<'a, DB>)
                .collect(),
        })
    }
}

/// Builds an [`Under`] filter.
#[doc(hidden)]
pub fn under<'a, S: Model, C, Sel>(
    column: C,
    selected: Sel,
    source: Query<'a, S>,
) -> Under<'a, S, C, Sel> {
    Under {
        column,
        selected,
        source,
    }
}

impl<'a, S, C, Sel, T, DB> crate::model::query::PredicateOn<'a, T, DB> for Under<'a, S, C, Sel>
where
    S: Model + crate::model::ModelOn<DB>,
    DB: FsqlBackend + 'a,
    C: diesel::query_builder::QueryFragment<DB>
        + diesel::expression::SelectableExpression<T>
        + Copy
        + Send
        + 'a,
    Sel: diesel::query_builder::QueryFragment<DB> + Copy + Send + 'a,
{
    fn boxed(&self) -> crate::model::query::BoxedPredicate<'a, T, DB> {
        Box::new(sql::InQuery::over(
            self.column,
            Box::new(self.selected),
            &self.source,
        ))
    }
}
