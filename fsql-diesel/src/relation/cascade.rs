//! ORM cascades on delete (SQLAlchemy's `cascade="all, delete-orphan"`): deleting a row first
//! deletes the rows its `HasMany`/`HasOne` relationships own, level by level, in the same
//! transaction; and in a session, a child whose foreign key was set to NULL (removed from its
//! parent) is deleted instead of updated.
//!
//! `#[derive(Model)]` registers one [`CascadeDelete`] per relationship declared with
//! `cascade = "all"` (or `"delete"`), unless it says `passive_deletes` (the database's
//! `ON DELETE CASCADE` does it), and one [`OrphanRule`] per `delete-orphan`. Registrations are
//! found by table, as association-table cleanups are, so a model needs no list of them.

use std::any::Any;

use super::association::{self, same_table};
use super::{RelOnAllBackends, Relationship};
use crate::conn::backend::{dispatch, AnyConnection};
use crate::model::{Model, ModelOn};
use fsql_core::{Result, TableMeta};

/// "Before deleting a row of `parent`, delete what its relationship owns." Registered by
/// `#[derive(Model)]` for a relationship with `cascade = "all"` or `"delete"`.
#[doc(hidden)]
pub struct CascadeDelete {
    /// The parent model's table.
    pub parent: &'static TableMeta,
    /// `Model.field`, for errors.
    pub relationship: &'static str,
    /// Deletes the children of the parent key (a `&P::PrimaryKey`).
    pub delete: fn(&mut AnyConnection, &dyn Any) -> Result<()>,
}

fsql_core::inventory::collect!(CascadeDelete);

/// "A row of `child` whose foreign key is NULL has no parent and is deleted at flush."
/// Registered for a relationship with `cascade = ".., delete-orphan"`.
#[doc(hidden)]
pub struct OrphanRule {
    /// The child model's table.
    pub child: &'static TableMeta,
    /// Whether the row (a `&Child`) points at no parent.
    pub is_orphan: fn(&dyn Any) -> bool,
}

fsql_core::inventory::collect!(OrphanRule);

fn cascades<M: Model>() -> impl Iterator<Item = &'static CascadeDelete> {
    fsql_core::inventory::iter::<CascadeDelete>
        .into_iter()
        .filter(|c| same_table(c.parent, M::META))
}

/// Whether deleting a row of `M` deletes other rows first.
pub(crate) fn has_cascades<M: Model>() -> bool {
    cascades::<M>().next().is_some()
}

/// Deletes what the rows with key `pk` own, deepest first.
pub(crate) fn delete_owned<M: Model>(conn: &mut AnyConnection, pk: &M::PrimaryKey) -> Result<()> {
    for c in cascades::<M>() {
        (c.delete)(conn, pk)?;
    }
    Ok(())
}

fn orphan_rules<M: Model>() -> impl Iterator<Item = &'static OrphanRule> {
    fsql_core::inventory::iter::<OrphanRule>
        .into_iter()
        .filter(|r| same_table(r.child, M::META))
}

/// Whether rows of `M` can be orphans (some relationship to `M` says `delete-orphan`).
pub(crate) fn has_orphan_rules<M: Model>() -> bool {
    orphan_rules::<M>().next().is_some()
}

/// Whether `row` is an orphan under some `delete-orphan` relationship.
pub(crate) fn is_orphan<M: Model>(row: &M) -> bool {
    orphan_rules::<M>().any(|r| (r.is_orphan)(row))
}

/// The registered `delete` of relationship `R`: the children of the parent key `key`, each
/// with what it owns in turn. A child that owns nothing (no cascades, no association rows, no
/// inheritance parent row) goes with its siblings in one `DELETE .. WHERE fk = ?`.
#[doc(hidden)]
pub fn delete_children<R>(conn: &mut AnyConnection, key: &dyn Any) -> Result<()>
where
    R: Relationship<Link = <<R as Relationship>::Parent as Model>::PrimaryKey> + RelOnAllBackends,
{
    let Some(key) = key.downcast_ref::<R::Link>() else {
        return Ok(());
    };
    let children = R::targets_of(key.clone());
    type Child<R> = <R as Relationship>::Target;
    let owns_more = association::has_cleanups::<Child<R>>()
        || <Child<R> as crate::model::ModelHooks>::__JOINED_PARENT;
    if !owns_more {
        dispatch!(conn, |c, DB| <Child<R> as ModelOn<DB>>::delete_where(
            c, &children
        ))?;
        return Ok(());
    }
    let rows = dispatch!(conn, |c, DB| <Child<R> as ModelOn<DB>>::load(c, &children))?;
    for row in rows {
        let pk = row.primary_key();
        association::clean_up::<Child<R>>(conn, &pk)?;
        <Child<R> as crate::model::ModelHooks>::__delete_on(conn, &pk)?;
    }
    Ok(())
}
