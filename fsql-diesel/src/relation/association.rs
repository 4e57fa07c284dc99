//! Association tables (`fsql::table!` with `#[references = Model]` columns): removing a row's
//! association rows when the row is deleted, as SQLAlchemy does for `secondary` relationships.

use std::any::Any;

use crate::conn::backend::AnyConnection;
use crate::model::Model;
use fsql_core::{Result, TableMeta};

/// "Before deleting a row of `model`, delete the rows of association table `table` that point
/// at it." Registered by `fsql::table!` for each column with `#[references = Model]`.
#[doc(hidden)]
pub struct AssociationCleanup {
    /// The referenced model's table.
    pub model: &'static TableMeta,
    /// The association table.
    pub table: &'static TableMeta,
    /// Deletes the association rows of the key (a `&M::PrimaryKey`); the number deleted.
    pub delete: fn(&mut AnyConnection, &dyn Any) -> Result<usize>,
}

fsql_core::inventory::collect!(AssociationCleanup);

/// The same table of the same model in the same bind: how registrations (association
/// cleanups, cascades) are matched to a model.
pub(crate) fn same_table(a: &TableMeta, b: &TableMeta) -> bool {
    a.model == b.model && a.name == b.name && a.bind == b.bind
}

/// The cleanups that apply when deleting a row of `M`: association tables in the same
/// database (one in another bind cannot be changed in the same transaction; its foreign key's
/// `on_delete` decides there).
fn cleanups<M: Model>() -> impl Iterator<Item = &'static AssociationCleanup> {
    fsql_core::inventory::iter::<AssociationCleanup>
        .into_iter()
        .filter(|c| same_table(c.model, M::META) && c.table.bind == M::META.bind)
}

/// Whether deleting a row of `M` also deletes other rows: association rows, or what its
/// cascading relationships own.
pub(crate) fn has_cleanups<M: Model>() -> bool {
    cleanups::<M>().next().is_some() || super::cascade::has_cascades::<M>()
}

/// Deletes what must go before the row with key `pk`: the rows it owns through cascading
/// relationships (each with what it owns), then the association rows pointing at it.
pub(crate) fn clean_up<M: Model>(conn: &mut AnyConnection, pk: &M::PrimaryKey) -> Result<()> {
    super::cascade::delete_owned::<M>(conn, pk)?;
    for c in cleanups::<M>() {
        (c.delete)(conn, pk)?;
    }
    Ok(())
}

/// Wraps a Diesel error from an association-table statement.
#[doc(hidden)]
pub fn association_error(
    err: diesel::result::Error,
    table: &'static TableMeta,
) -> fsql_core::Error {
    crate::conn::error::from_diesel(err, Some(table.model), None)
}
