//! Writing rows: insert, update and delete through the model.

use std::panic::Location;

use crate::conn::backend::{dispatch, AnyConnection};
use crate::conn::executor::Executor;
use crate::conn::instrument::with_location;
use crate::model::Model;
use crate::model::ModelOn;
use fsql_core::{Error, Result};

/// Insert, update and delete for every [`Model`]. In the prelude.
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
/// let admin = User { id: 0, username: "admin".into(), email: None, role: "admin".into() }
///     .insert(&db)?;
/// assert!(admin.id > 0); // the database assigned the key
/// # Ok(())
/// # }
/// ```
pub trait Record: Model {
    /// Inserts this row and returns it as stored, with database-assigned values (the key of an
    /// integer primary key left at `0`, server defaults, `default_fn` values).
    #[track_caller]
    fn insert<E: Executor>(&self, exec: E) -> Result<Self> {
        with_location(Location::caller(), || {
            exec.run_write(Self::META, |conn| {
                if Self::__JOINED_PARENT {
                    crate::conn::backend::in_transaction(conn, |conn| self.__insert_on(conn))
                } else {
                    self.__insert_on(conn)
                }
            })
        })
    }

    /// Writes every column of this row to the row with the same primary key. `NotFound` when
    /// no such row exists.
    #[track_caller]
    fn update<E: Executor>(&self, exec: E) -> Result<()> {
        let n = with_location(Location::caller(), || {
            exec.run_write(Self::META, |conn| {
                if Self::__JOINED_PARENT {
                    crate::conn::backend::in_transaction(conn, |conn| self.__update_on(conn))
                } else {
                    self.__update_on(conn)
                }
            })
        })?;
        if n == 0 {
            return Err(missing::<Self>(&self.primary_key(), "update"));
        }
        Ok(())
    }

    /// Deletes the row with this row's primary key. `NotFound` when no such row exists.
    #[track_caller]
    fn delete<E: Executor>(&self, exec: E) -> Result<()> {
        let pk = self.primary_key();
        let n = with_location(Location::caller(), || {
            exec.run_write(Self::META, |conn| {
                if !crate::relation::association::has_cleanups::<Self>() && !Self::__JOINED_PARENT {
                    return Self::__delete_on(conn, &pk);
                }
                // Its association rows go first, in the same transaction.
                crate::conn::backend::in_transaction(conn, |conn| {
                    crate::relation::association::clean_up::<Self>(conn, &pk)?;
                    Self::__delete_on(conn, &pk)
                })
            })
        })?;
        if n == 0 {
            return Err(missing::<Self>(&pk, "delete"));
        }
        Ok(())
    }
}

impl<M: Model> Record for M {}

/// Inserts `row` on `conn` as stored (the statically typed INSERT of its backend).
#[doc(hidden)]
pub fn insert_on<M: Model>(conn: &mut AnyConnection, row: &M) -> Result<M> {
    dispatch!(conn, |c, DB| <M as ModelOn<DB>>::insert(c, row))
}

/// Updates `row` on `conn`; how many rows matched its key.
#[doc(hidden)]
pub fn update_on<M: Model>(conn: &mut AnyConnection, row: &M) -> Result<usize> {
    dispatch!(conn, |c, DB| <M as ModelOn<DB>>::update(c, row))
}

/// Deletes the row with key `pk` on `conn`; how many rows it removed.
#[doc(hidden)]
pub fn delete_on<M: Model>(conn: &mut AnyConnection, pk: &M::PrimaryKey) -> Result<usize> {
    dispatch!(conn, |c, DB| <M as ModelOn<DB>>::delete(c, pk))
}

/// A joined-inheritance child inserted without its parent's row.
#[doc(hidden)]
pub fn missing_parent(child: &'static str, parent: &'static str, field: &'static str) -> Error {
    Error::Config {
        key: format!("{child}.{field}"),
        value: "empty".into(),
        reason: format!(
            "`{child}` inherits from `{parent}`: its row extends a `{parent}` row, inserted with \
             it. Put the parent in the field: `{field}: BelongsTo::loaded(Some({parent} {{ .. }}))`"
        ),
    }
}

/// `NotFound` for a write by key that matched no row.
pub(crate) fn missing<M: Model>(pk: &M::PrimaryKey, action: impl std::fmt::Display) -> Error {
    Error::not_found_with(format!(
        "cannot {action} {}: no row in table `{}` has primary key {pk:?}",
        M::META.model,
        M::TABLE_NAME
    ))
}
