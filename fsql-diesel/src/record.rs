//! Writing rows: insert, update and delete through the model.

use std::panic::Location;

use crate::backend::{dispatch, ModelOn};
use crate::executor::Executor;
use crate::instrument::with_location;
use crate::model::Model;
use fsql_core::{Error, Result};

/// Insert, update and delete for every [`Model`]. In the prelude.
///
/// ```text
/// let admin = User { id: 0, username: "admin".into(), email: None }.insert(&db)?;
/// assert!(admin.id > 0); // the database assigned the key
/// ```
pub trait Record: Model {
    /// Inserts this row and returns it as stored, with database-assigned values (the key of an
    /// integer primary key left at `0`, server defaults, `default_fn` values).
    #[track_caller]
    fn insert<E: Executor>(&self, exec: E) -> Result<Self> {
        with_location(Location::caller(), || {
            exec.run(Self::META, |conn| {
                dispatch!(conn, |c, DB| <Self as ModelOn<DB>>::insert(c, self))
            })
        })
    }

    /// Writes every column of this row to the row with the same primary key. `NotFound` when
    /// no such row exists.
    #[track_caller]
    fn update<E: Executor>(&self, exec: E) -> Result<()> {
        let n = with_location(Location::caller(), || {
            exec.run(Self::META, |conn| {
                dispatch!(conn, |c, DB| <Self as ModelOn<DB>>::update(c, self))
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
            exec.run(Self::META, |conn| {
                if !crate::relation::association::has_cleanups::<Self>() {
                    return dispatch!(conn, |c, DB| <Self as ModelOn<DB>>::delete(c, &pk));
                }
                // Its association rows go first, in the same transaction.
                crate::backend::in_transaction(conn, |conn| {
                    crate::relation::association::clean_up::<Self>(conn, &pk)?;
                    dispatch!(conn, |c, DB| <Self as ModelOn<DB>>::delete(c, &pk))
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

fn missing<M: Model>(pk: &M::PrimaryKey, action: &str) -> Error {
    Error::not_found_with(format!(
        "cannot {action} {}: no row in table `{}` has primary key {pk:?}",
        M::META.model,
        M::TABLE_NAME
    ))
}
