//! What a query carries about eager loading: [`LoadOption`] (built by `joinedload(..)` and
//! friends in the relation layer), the [`Loader`] behind it, and [`Lazy`], the strategies.
//! Part of the model layer, so that a query can hold its options without naming the
//! relationships that implement them.

use std::fmt;
use std::sync::Arc;

use crate::conn::backend::AnyConnection;
use crate::model::query::Query;
use crate::model::Model;
use fsql_core::Result;

/// When a relationship is loaded: Flask-SQLAlchemy's `lazy=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lazy {
    /// On first use of the accessor, one statement per parent (`lazy="select"`, `True`).
    Select,
    /// With the parent, in the same statement (`lazy="joined"`, `False`).
    Joined,
    /// With the parent, one more statement using the parent query as a subquery.
    Subquery,
    /// With the parent, one more statement with an `IN` list of parent keys.
    Selectin,
    /// Never loaded; the accessor returns a query.
    Dynamic,
    /// Never loaded; the slot stays empty.
    NoLoad,
    /// Never loaded on access: using the relationship before a loader option filled it is an
    /// error naming the option that would ([`Error::NotLoaded`](fsql_core::Error::NotLoaded);
    /// SQLAlchemy's `lazy="raise"`).
    Raise,
}

impl Lazy {
    /// Whether loading the parent also loads this relationship.
    pub fn is_eager(self) -> bool {
        matches!(self, Self::Joined | Self::Subquery | Self::Selectin)
    }
}

/// How one relationship of `P` is loaded with a query of `P`. Built by
/// [`joinedload`](crate::relation::joinedload), [`selectinload`](crate::relation::selectinload),
/// [`subqueryload`](crate::relation::subqueryload), [`lazyload`](crate::relation::lazyload) and
/// [`noload`](crate::relation::noload); passed to [`Query::options`].
pub struct LoadOption<P: Model>(pub(crate) Arc<dyn Loader<P>>);

impl<P: Model> Clone for LoadOption<P> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<P: Model> fmt::Debug for LoadOption<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}({})", self.0.strategy(), self.0.relationship())
    }
}

impl<P: Model> LoadOption<P> {
    /// The relationship, as `Model.field`.
    pub fn relationship(&self) -> &'static str {
        self.0.relationship()
    }

    /// The strategy.
    pub fn strategy(&self) -> Lazy {
        self.0.strategy()
    }

    pub(crate) fn loader(&self) -> &dyn Loader<P> {
        &*self.0
    }
}

/// A relationship's loading, with the backend chosen at run time.
#[doc(hidden)]
pub trait Loader<P: Model>: Send + Sync {
    /// `Model.field`.
    fn relationship(&self) -> &'static str;
    /// The strategy.
    fn strategy(&self) -> Lazy;
    /// Whether this option replaces the parent's statement with a join (`joined`, but for a
    /// self-referential relationship, which loads like `selectin`).
    fn joins(&self) -> bool {
        self.strategy() == Lazy::Joined
    }
    /// Fills the slots of `parents` (all strategies but a top-level `joined`). `source` is the
    /// query that returned them, for `subquery`.
    fn load_into(
        &self,
        conn: &mut AnyConnection,
        source: Option<&Query<'_, P>>,
        parents: &mut [P],
    ) -> Result<()>;
    /// `joined`: runs `source` joined to the relationship; the parents come back with their
    /// slots filled.
    fn load_joined(&self, conn: &mut AnyConnection, source: &Query<'_, P>) -> Result<Vec<P>>;
}
