//! The hidden half of a model: the hooks `#[derive(Model)]` fills in and the runtime calls.
//! Part of the model layer.

use super::query::Query;
use super::Model;

/// The hooks behind [`Model`]: what the derive knows about a model that the runtime needs
/// (how to filter by key, how rows batch into one INSERT, joined-table inheritance, default
/// eager loads).
///
/// Sealed in practice: hidden, named only through `fsql::__private_vX_Y_Z`, and implemented
/// only by `#[derive(Model)]` (and the fallback impl it emits on error) beside its `Model`
/// impl. It is a supertrait of [`Model`] so that `M::__hook()` works wherever `M: Model`, and
/// separate so that `Model`'s documentation lists only the public items. Its names may change
/// in any release.
///
/// Every hook that names the key type or a query requires `Self: Model` on the method rather
/// than on the trait, since `Model: ModelHooks` already and a supertrait cycle is not allowed.
pub trait ModelHooks: Sized {
    /// Where the model's reads come from: [`Derived`](super::ops::Derived), generic code over
    /// the model's table, or the fallback a failed derive emits.
    #[doc(hidden)]
    type __Ops;

    /// The relationships loaded with every query of this model (`lazy = "joined"`,
    /// `"selectin"`, `"subquery"`), before a query's own options.
    #[doc(hidden)]
    const __HAS_DEFAULT_LOADS: bool = false;

    /// Which columns this row's INSERT leaves to the database (bit `i` for the `i`-th column
    /// that can be left out): rows with the same shape share a multi-row INSERT.
    #[doc(hidden)]
    fn __insert_shape(&self) -> u64 {
        0
    }

    /// Whether the database assigns this row's key (an integer key left at its default).
    #[doc(hidden)]
    fn __key_assigned(&self) -> bool {
        false
    }

    /// This row as the database stores it after an INSERT that assigned `key` (`None`: the
    /// row kept its own key), when that is known without reading the row back: the model has
    /// no server defaults and no `default_fn`. `None` when it has.
    #[doc(hidden)]
    fn __stored_as(&self, _key: Option<<Self as Model>::PrimaryKey>) -> Option<Self>
    where
        Self: Model,
    {
        None
    }

    /// Whether [`__stored_as`](Self::__stored_as) answers (multi-row inserts then return only
    /// the keys).
    #[doc(hidden)]
    const __INSERT_RETURNS_INPUT: bool = false;

    /// A database-assigned key as a number, for ordering the rows one INSERT returned.
    #[doc(hidden)]
    fn __key_ordinal(_key: &<Self as Model>::PrimaryKey) -> Option<i64>
    where
        Self: Model,
    {
        None
    }

    /// Joined-table inheritance: this model's row extends a parent's row (`inherits =
    /// Parent`), so inserts, updates and deletes write both, in one transaction.
    #[doc(hidden)]
    const __JOINED_PARENT: bool = false;

    /// Inserts this row on `conn`; a joined-inheritance child inserts its parent's row first.
    #[doc(hidden)]
    fn __insert_on(&self, conn: &mut crate::conn::backend::AnyConnection) -> fsql_core::Result<Self>
    where
        Self: Model,
    {
        crate::write::row::insert_on(conn, self)
    }

    /// Updates this row on `conn`; a joined-inheritance child updates its parent's row too
    /// when it holds it.
    #[doc(hidden)]
    fn __update_on(
        &self,
        conn: &mut crate::conn::backend::AnyConnection,
    ) -> fsql_core::Result<usize>
    where
        Self: Model,
    {
        crate::write::row::update_on(conn, self)
    }

    /// Deletes the row with key `pk` on `conn`; a joined-inheritance child deletes its
    /// parent's row after its own.
    #[doc(hidden)]
    fn __delete_on(
        conn: &mut crate::conn::backend::AnyConnection,
        pk: &<Self as Model>::PrimaryKey,
    ) -> fsql_core::Result<usize>
    where
        Self: Model,
    {
        crate::write::row::delete_on::<Self>(conn, pk)
    }

    /// The filter every query of this model starts with: a single-table child's
    /// `discriminator = identity`.
    #[doc(hidden)]
    fn __restrict(query: Query<'_, Self>) -> Query<'_, Self>
    where
        Self: Model,
    {
        query
    }

    #[doc(hidden)]
    fn __default_loads() -> Vec<crate::model::load_option::LoadOption<Self>>
    where
        Self: Model,
    {
        Vec::new()
    }

    /// Rows whose key is among `keys` (`key IN (..)`), for a model with a one-column key;
    /// `None` for a composite key, whose rows are then written one by one.
    #[doc(hidden)]
    fn __filter_keys<'a>(
        query: Query<'a, Self>,
        keys: Vec<<Self as Model>::PrimaryKey>,
    ) -> Option<Query<'a, Self>>
    where
        Self: Model,
    {
        let _ = (query, keys);
        None
    }

    #[doc(hidden)]
    fn __filter_primary_key<'a>(
        query: Query<'a, Self>,
        pk: <Self as Model>::PrimaryKey,
    ) -> Query<'a, Self>
    where
        Self: Model;

    /// Keeps the rows whose key comes after (`greater`) or before `pk` in key order, for
    /// keyset pagination; a composite key compares lexicographically.
    #[doc(hidden)]
    fn __keyset_filter<'a>(
        query: Query<'a, Self>,
        pk: <Self as Model>::PrimaryKey,
        greater: bool,
    ) -> Query<'a, Self>
    where
        Self: Model;

    /// Orders by the key, every column in the same direction.
    #[doc(hidden)]
    fn __keyset_order<'a>(query: Query<'a, Self>, descending: bool) -> Query<'a, Self>
    where
        Self: Model;

    /// The key of this row once inserted, given the key the database reports it assigned
    /// (MySQL's `LAST_INSERT_ID()`): that one for a key left at its default, else the row's own.
    #[doc(hidden)]
    fn __inserted_key(&self, assigned: u64) -> <Self as Model>::PrimaryKey
    where
        Self: Model;
}
