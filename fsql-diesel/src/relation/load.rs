//! Loader options (`joinedload`, `selectinload` ..) and the code that runs them.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, OnceLock};

use super::slot::Access;
use super::{Lazy, Links, RelOnAllBackends, Relationship, RelationshipOn, Slot, WithSlot};
use crate::conn::backend::{dispatch, AnyConnection, FsqlBackend};
use crate::model::query::Query;
use crate::model::Model;
use crate::model::ModelHooks;
use fsql_core::Result;

pub use crate::model::load_option::{LoadOption, Loader};

/// A loader option for relationship `R` before it is given to [`Query::options`]: add nested
/// options with [`then`](Self::then).
pub struct Eager<R: Relationship> {
    strategy: Lazy,
    nested: Vec<LoadOption<R::Target>>,
    chunk_size: Option<usize>,
    relationship: PhantomData<R>,
}

impl<R: Relationship> Eager<R> {
    fn new(strategy: Lazy) -> Self {
        Self {
            strategy,
            nested: Vec::new(),
            chunk_size: None,
            relationship: PhantomData,
        }
    }

    /// Also loads a relationship of the related rows:
    /// `selectinload(User::posts).then(selectinload(Post::comments))`.
    #[must_use]
    pub fn then(mut self, nested: impl Into<LoadOption<R::Target>>) -> Self {
        self.nested.push(nested.into());
        self
    }

    /// At most `n` keys per `IN` list for `selectin` (the default stays under the backend's
    /// bound-parameter limit: 32,000 on SQLite, 65,000 on PostgreSQL and MySQL).
    #[must_use]
    pub fn chunk_size(mut self, n: usize) -> Self {
        self.chunk_size = Some(n.max(1));
        self
    }
}

impl<R: Relationship> fmt::Debug for Eager<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}({})", self.strategy, R::NAME)?;
        for n in &self.nested {
            write!(f, ".then({n:?})")?;
        }
        Ok(())
    }
}

impl<R> From<Eager<R>> for LoadOption<R::Parent>
where
    R: WithSlot + RelOnAllBackends,
{
    fn from(e: Eager<R>) -> Self {
        LoadOption(Arc::new(e))
    }
}

/// A relationship constant (`User::posts`) is an option with the relationship's own `lazy`.
impl<R> From<R> for Eager<R>
where
    R: Relationship,
{
    fn from(_: R) -> Self {
        Eager::new(R::LAZY)
    }
}

macro_rules! option_fn {
    ($(#[$doc:meta])* $name:ident, $lazy:ident) => {
        $(#[$doc])*
        pub fn $name<R: Relationship>(_relationship: R) -> Eager<R> {
            Eager::new(Lazy::$lazy)
        }
    };
}

option_fn!(
    /// Loads the relationship in the parent's statement with a `LEFT OUTER JOIN` (one
    /// statement). Nested under another relationship it loads like [`selectinload`].
    joinedload,
    Joined
);
option_fn!(
    /// Loads the relationship with one more statement, `WHERE fk IN (<parent keys>)`.
    selectinload,
    Selectin
);
option_fn!(
    /// Loads the relationship with one more statement that uses the parent query as a
    /// subquery: `WHERE fk IN (SELECT pk FROM (<parent query>))`.
    subqueryload,
    Subquery
);
option_fn!(
    /// Leaves the relationship to its accessor (one statement per parent on first use).
    lazyload,
    Select
);
option_fn!(
    /// Does not load the relationship.
    noload,
    NoLoad
);
option_fn!(
    /// Makes the relationship refuse to load on access for the rows this query returns:
    /// using it is an error ([`Error::NotLoaded`](fsql_core::Error::NotLoaded)) that names the
    /// option to add, so a test catches an N+1 (SQLAlchemy's `raiseload`). The same as
    /// declaring `lazy = "raise"`, for one query.
    ///
    /// ```
    /// use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Author {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub books: HasMany<Book>,
    /// # }
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Book {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     #[fsql(references = Author)]
    /// #     pub author_id: i32,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # Author { id: 1, books: Default::default() }.insert(&db)?;
    /// let authors = Author::query().options(raiseload(Author::books)).all(&db)?;
    /// let err = authors[0].load_books(&db).unwrap_err();
    /// assert!(err.to_string().contains("selectinload(Author::books)"));
    /// # Ok(())
    /// # }
    /// ```
    raiseload,
    Raise
);

fn default_chunk(backend: crate::conn::url::BackendKind) -> usize {
    // Under each backend's bound-parameter limit (SQLite 32,766 since 3.32; 65,535 for the
    // PostgreSQL and MySQL protocols), leaving room for the query's own parameters.
    match backend {
        crate::conn::url::BackendKind::Sqlite => 32_000,
        _ => 65_000,
    }
}

fn fetch_links<R: Relationship + RelOnAllBackends>(
    conn: &mut AnyConnection,
    links: Links<'_, '_, R>,
) -> Result<Vec<(R::Link, R::Target)>> {
    dispatch!(conn, |c, DB| <R as RelationshipOn<DB>>::fetch_links(
        c, links
    ))
}

/// `(link, target)` pairs for the parents' links: one statement per chunk.
fn fetch_in<R: Relationship + RelOnAllBackends>(
    conn: &mut AnyConnection,
    links: &[R::Link],
    chunk: Option<usize>,
) -> Result<Vec<(R::Link, R::Target)>> {
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let chunk = chunk.unwrap_or_else(|| default_chunk(conn.backend()));
    let mut pairs = Vec::new();
    for part in links.chunks(chunk) {
        pairs.extend(fetch_links::<R>(conn, Links::In(part))?);
    }
    Ok(pairs)
}

/// Each distinct link of `parents`, in first-seen order.
fn distinct_links<R: Relationship>(parents: &[R::Parent]) -> Vec<R::Link> {
    let mut seen = std::collections::HashSet::new();
    parents
        .iter()
        .filter_map(R::link)
        .filter(|l| seen.insert(l.clone()))
        .collect()
}

/// Runs nested options on the targets, then hands each parent the targets sharing its link.
fn distribute<R: WithSlot>(
    conn: &mut AnyConnection,
    nested: &[LoadOption<R::Target>],
    nested_source: Option<&Query<'_, R::Target>>,
    pairs: Vec<(R::Link, R::Target)>,
    parents: &mut [R::Parent],
) -> Result<()> {
    let by_link = if nested.is_empty() {
        group::<R>(pairs)
    } else {
        let (links, mut targets): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
        for option in nested {
            option
                .loader()
                .load_into(conn, nested_source, &mut targets)?;
        }
        group::<R>(links.into_iter().zip(targets))
    };
    let links: Vec<Option<R::Link>> = parents.iter().map(R::link).collect();
    for (p, rows) in parents.iter_mut().zip(hand_out::<R>(&links, by_link)) {
        fill::<R>(p, rows)?;
    }
    Ok(())
}

/// Each parent's rows, by the parents' links. A link shared by several parents (many-to-one,
/// or duplicate parents) hands out copies; the last parent with it takes the rows themselves,
/// so distinct links (one-to-many) copy nothing.
fn hand_out<R: Relationship>(
    links: &[Option<R::Link>],
    mut by_link: HashMap<R::Link, Vec<R::Target>>,
) -> Vec<Vec<R::Target>> {
    let mut remaining: HashMap<&R::Link, usize> = HashMap::with_capacity(links.len());
    for l in links.iter().flatten() {
        *remaining.entry(l).or_default() += 1;
    }
    links
        .iter()
        .map(|link| {
            let Some(l) = link else { return Vec::new() };
            let left = remaining.get_mut(l).map(|n| {
                *n -= 1;
                *n
            });
            if left == Some(0) {
                by_link.remove(l).unwrap_or_default()
            } else {
                by_link.get(l).cloned().unwrap_or_default()
            }
        })
        .collect()
}

/// Targets grouped by link.
fn group<R: Relationship>(
    pairs: impl IntoIterator<Item = (R::Link, R::Target)>,
) -> HashMap<R::Link, Vec<R::Target>> {
    let mut by_link: HashMap<R::Link, Vec<R::Target>> = HashMap::new();
    for (link, target) in pairs {
        by_link.entry(link).or_default().push(target);
    }
    by_link
}

fn fill<R: WithSlot>(parent: &mut R::Parent, rows: Vec<R::Target>) -> Result<()> {
    let owned = <R::Slot as Slot>::collect(rows, R::NAME)?;
    *R::slot_mut(parent).cell_mut() = OnceLock::from(owned);
    Ok(())
}

impl<R> Loader<R::Parent> for Eager<R>
where
    R: WithSlot + RelOnAllBackends,
{
    fn relationship(&self) -> &'static str {
        R::NAME
    }

    fn strategy(&self) -> Lazy {
        self.strategy
    }

    fn joins(&self) -> bool {
        self.strategy == Lazy::Joined && !R::SELF_REFERENTIAL
    }

    fn load_into(
        &self,
        conn: &mut AnyConnection,
        source: Option<&Query<'_, R::Parent>>,
        parents: &mut [R::Parent],
    ) -> Result<()> {
        match (self.strategy, source) {
            (Lazy::Dynamic | Lazy::NoLoad, _) => Ok(()),
            (Lazy::Select | Lazy::Raise, _) => {
                let access = match self.strategy {
                    Lazy::Raise => Access::Raise,
                    _ => Access::Load,
                };
                for p in parents {
                    R::slot_mut(p).set_access(access);
                }
                Ok(())
            }
            (Lazy::Subquery, Some(source)) => {
                let pairs = fetch_links::<R>(conn, Links::Under(source))?;
                let nested_source = if self.nested.is_empty() {
                    None
                } else {
                    R::targets_under(source.clone())
                };
                distribute::<R>(conn, &self.nested, nested_source.as_ref(), pairs, parents)
            }
            // Nested `joined`, and `subquery` without a query to nest, load by key.
            (Lazy::Joined | Lazy::Selectin | Lazy::Subquery, _) => {
                let links = distinct_links::<R>(parents);
                let chunk = self.chunk_size;
                let nested_source = (!self.nested.is_empty()
                    && links.len() <= chunk.unwrap_or(usize::MAX)
                    && links.len() <= default_chunk(conn.backend()))
                .then(|| R::targets_in(links.clone()));
                let pairs = fetch_in::<R>(conn, &links, chunk)?;
                distribute::<R>(conn, &self.nested, nested_source.as_ref(), pairs, parents)
            }
        }
    }

    fn load_joined(
        &self,
        conn: &mut AnyConnection,
        source: &Query<'_, R::Parent>,
    ) -> Result<Vec<R::Parent>> {
        let rows = dispatch!(conn, |c, DB| <R as RelationshipOn<DB>>::fetch_joined(
            c, source
        ))?;
        let (mut parents, groups) = fold_joined::<R::Parent, R::Target>(rows);
        if self.nested.is_empty() {
            for (p, rows) in parents.iter_mut().zip(groups) {
                fill::<R>(p, rows)?;
            }
            return Ok(parents);
        }
        // Nested options run once over every target, then the targets go back to their parents.
        let mut owners = Vec::new();
        let mut targets = Vec::new();
        for (i, group) in groups.into_iter().enumerate() {
            for t in group {
                owners.push(i);
                targets.push(t);
            }
        }
        for option in &self.nested {
            option.loader().load_into(conn, None, &mut targets)?;
        }
        let mut per_parent: Vec<Vec<R::Target>> = parents.iter().map(|_| Vec::new()).collect();
        for (i, t) in owners.into_iter().zip(targets) {
            per_parent[i].push(t);
        }
        for (p, rows) in parents.iter_mut().zip(per_parent) {
            fill::<R>(p, rows)?;
        }
        Ok(parents)
    }
}

/// Folds joined rows into parents (in first-seen order, each once) and their targets.
pub(crate) fn fold_joined<P: Model, T>(rows: Vec<(P, Option<T>)>) -> (Vec<P>, Vec<Vec<T>>) {
    let mut index: HashMap<P::PrimaryKey, usize> = HashMap::with_capacity(rows.len());
    let mut parents = Vec::new();
    let mut groups: Vec<Vec<T>> = Vec::new();
    for (parent, target) in rows {
        let i = *index.entry(parent.primary_key()).or_insert_with(|| {
            parents.push(parent);
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[i].extend(target);
    }
    (parents, groups)
}

/// Runs a query with its loader options: a `joined` option replaces the statement, the others
/// add theirs after it.
pub(crate) fn load_with_options<M: Model>(
    conn: &mut AnyConnection,
    query: &Query<'_, M>,
    options: &[LoadOption<M>],
) -> Result<Vec<M>> {
    let joined = options.iter().position(|o| o.loader().joins());
    let mut rows = match joined {
        Some(i) => options[i].loader().load_joined(conn, query)?,
        None => dispatch!(conn, |c, DB| <M as crate::model::ModelOn<DB>>::load(
            c, query
        ))?,
    };
    for (i, option) in options.iter().enumerate() {
        if Some(i) != joined {
            option.loader().load_into(conn, Some(query), &mut rows)?;
        }
    }
    Ok(rows)
}

/// Each row of `query` with what relationship `R` leads to, by `R`'s strategy or the one
/// given: the form for backrefs, which have no field to fill.
pub(crate) fn load_pairs<R>(
    conn: &mut AnyConnection,
    query: &Query<'_, R::Parent>,
    strategy: Lazy,
    chunk: Option<usize>,
) -> Result<Vec<WithRelated<R>>>
where
    R: Relationship + RelOnAllBackends,
{
    if strategy == Lazy::Joined && !R::SELF_REFERENTIAL {
        let rows = dispatch!(conn, |c, DB| <R as RelationshipOn<DB>>::fetch_joined(
            c, query
        ))?;
        let (parents, groups) = fold_joined::<R::Parent, R::Target>(rows);
        return parents
            .into_iter()
            .zip(groups)
            .map(|(p, g)| Ok((p, value_of::<R>(g)?)))
            .collect();
    }
    let parents = dispatch!(conn, |c, DB| {
        <R::Parent as crate::model::ModelOn<DB>>::load(c, query)
    })?;
    let pairs = if strategy == Lazy::Subquery {
        fetch_links::<R>(conn, Links::Under(query))?
    } else {
        fetch_in::<R>(conn, &distinct_links::<R>(&parents), chunk)?
    };
    let links: Vec<Option<R::Link>> = parents.iter().map(R::link).collect();
    let rows = hand_out::<R>(&links, group::<R>(pairs));
    parents
        .into_iter()
        .zip(rows)
        .map(|(p, rows)| Ok((p, value_of::<R>(rows)?)))
        .collect()
}

impl<R: Relationship> Eager<R> {
    pub(crate) fn parts(&self) -> (Lazy, Option<usize>) {
        (self.strategy, self.chunk_size)
    }
}

/// The joined statement for relationship `R` on backend `DB`:
/// `SELECT parent.*, target.* FROM (<parent query>) AS parent LEFT OUTER JOIN <target> ON ..
/// ORDER BY <parent ordering>`.
#[doc(hidden)]
pub fn joined_select<'a, R, DB>(
    parents: &Query<'a, R::Parent>,
) -> super::sql::Select<'a, DB, JoinedRow<R>>
where
    R: RelationshipOn<DB>,
    DB: FsqlBackend + 'a,
    R::Parent: crate::model::ModelOn<DB>,
    R::Target: crate::model::ModelOn<DB>,
{
    use super::sql::{Derived, Join, JoinKind, Select};
    use crate::model::ModelOn;
    let join = <R as RelationshipOn<DB>>::join();
    // A parent query with LIMIT, OFFSET, DISTINCT or a hand-written base becomes a derived
    // table named like the parent's table (its limits count parents, not joined rows);
    // otherwise the parent table is joined directly, with the query's filters, as SQLAlchemy
    // does, which every planner handles best.
    let flat = parents.__limit().is_none()
        && parents.__offset().is_none()
        && !parents.__distinct()
        && parents.__base().is_none();
    let left: super::sql::Fragment<'a, DB> = if flat {
        <R::Parent as ModelOn<DB>>::table()
    } else {
        Box::new(Derived {
            query: <R::Parent as ModelOn<DB>>::fragment(parents),
            alias: <R::Parent as Model>::TABLE_NAME,
        })
    };
    let from = Join {
        left,
        kind: JoinKind::LeftOuter,
        right: join.right,
        on_left: join.on_left,
        on_right: join.on_right,
    };
    let mut select = Select::new(
        vec![
            <R::Parent as ModelOn<DB>>::columns(),
            <R::Target as ModelOn<DB>>::columns(),
        ],
        Box::new(from),
    );
    select.orders = <R::Parent as ModelOn<DB>>::orderings(parents);
    if flat {
        select.filters = <R::Parent as ModelOn<DB>>::filters(parents);
    }
    select
}

/// A row with what a relationship leads to, as [`Query::all_with`] returns it.
pub type WithRelated<R> = (
    <R as Relationship>::Parent,
    <<R as Relationship>::Slot as Slot>::Value,
);

/// The SQL type of a joined row: the parent's columns, then the target's or NULLs.
#[doc(hidden)]
pub type JoinedRow<R> = (
    SqlTypeOf<<R as Relationship>::Parent>,
    diesel::sql_types::Nullable<SqlTypeOf<<R as Relationship>::Target>>,
);

/// The SQL type of a model's row.
#[doc(hidden)]
pub type SqlTypeOf<M> =
    <<<M as Model>::Table as diesel::Table>::AllColumns as diesel::Expression>::SqlType;

/// The lazy (`select`) accessor: the slot's rows, loaded with one statement on first use.
#[doc(hidden)]
#[track_caller]
pub fn lazy_load<'p, R, E>(parent: &'p R::Parent, exec: E) -> Result<<R::Slot as Slot>::View<'p>>
where
    R: WithSlot + RelOnAllBackends,
    E: crate::conn::executor::Executor,
{
    let slot = R::slot(parent);
    if let Some(owned) = slot.cell().get() {
        return Ok(<R::Slot as Slot>::view(owned));
    }
    let raise = match slot.access() {
        Access::Raise => true,
        Access::Load => false,
        Access::Declared => R::LAZY == Lazy::Raise,
    };
    if raise {
        return Err(fsql_core::Error::NotLoaded {
            relationship: R::NAME,
            option: R::NAME.replace('.', "::"),
        });
    }
    let rows = related_rows::<R, E>(parent, exec)?;
    let owned = <R::Slot as Slot>::collect(rows, R::NAME)?;
    // Another thread may have loaded it meanwhile; either value is the same rows.
    Ok(<R::Slot as Slot>::view(slot.cell().get_or_init(|| owned)))
}

/// The accessor of a backref, which has no field: the related rows, loaded on each call.
#[doc(hidden)]
#[track_caller]
pub fn load_backref<R, E>(parent: &R::Parent, exec: E) -> Result<<R::Slot as Slot>::Value>
where
    R: Relationship + RelOnAllBackends,
    E: crate::conn::executor::Executor,
{
    value_of::<R>(related_rows::<R, E>(parent, exec)?)
}

/// The rows of one parent as a caller owns them: all of them, or the one (an error for more).
fn value_of<R: Relationship>(rows: Vec<R::Target>) -> Result<<R::Slot as Slot>::Value> {
    <R::Slot as Slot>::collect(rows, R::NAME).map(<R::Slot as Slot>::into_value)
}

/// The rows one parent is related to, with one statement kept prepared: through the
/// association-table join for many-to-many, else the target's own query.
#[track_caller]
fn related_rows<R, E>(parent: &R::Parent, exec: E) -> Result<Vec<R::Target>>
where
    R: Relationship + RelOnAllBackends,
    E: crate::conn::executor::Executor,
{
    match R::link(parent) {
        // Through `fetch_links` unless the target has eager defaults to apply (`Query::all`
        // applies them): its one-link statement is kept prepared by type, so a lazy load
        // binds one value instead of building its SQL text again.
        Some(link) if R::LOADS_BY_LINKS || !<R::Target as ModelHooks>::__HAS_DEFAULT_LOADS => {
            crate::conn::instrument::with_location(std::panic::Location::caller(), || {
                exec.run(<R::Target as Model>::META, |conn| {
                    let pairs = fetch_links::<R>(conn, Links::One(&link))?;
                    Ok(pairs.into_iter().map(|(_, t)| t).collect())
                })
            })
        }
        Some(link) => R::targets_of(link).all(exec),
        None => Ok(Vec::new()),
    }
}
