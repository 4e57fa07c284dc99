//! Change tracking: Flask-SQLAlchemy's `SQLALCHEMY_TRACK_MODIFICATIONS` and its
//! `before_models_committed` / `models_committed` signals.
//!
//! Off by default. When a [`Database`](crate::Database) is built with
//! [`track_modifications(true)`](crate::DatabaseBuilder::track_modifications), a
//! [`Session`](crate::Session) commit that wrote something calls the hooks registered with
//! [`before_models_committed`](crate::DatabaseBuilder::before_models_committed) (after the
//! last flush, before `COMMIT`) and
//! [`on_models_committed`](crate::DatabaseBuilder::on_models_committed) (after every bind
//! committed) with the list of [`Change`]s. A commit with nothing to write calls nothing; a
//! rollback forgets the changes. When tracking is off the session keeps no list at all.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use fsql_core::TableMeta;

/// What a commit did to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `INSERT` (`session.add`).
    Insert,
    /// `UPDATE` (`session.update`).
    Update,
    /// `DELETE` (`session.delete`).
    Delete,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Insert => "insert",
            Self::Update => "update",
            Self::Delete => "delete",
        })
    }
}

/// One row a commit wrote: Flask-SQLAlchemy's `(model, operation)` pair.
pub struct Change {
    /// Insert, update or delete.
    pub operation: Operation,
    /// The model's table.
    pub table: &'static TableMeta,
    /// The row's primary key, as `Debug` prints it (`7`, `(1, "a")`).
    pub primary_key: String,
    model: Box<dyn Any + Send>,
}

impl Change {
    pub(crate) fn new<M: crate::Model>(operation: Operation, row: M) -> Self {
        Self {
            operation,
            table: M::META,
            primary_key: format!("{:?}", row.primary_key()),
            model: Box::new(row),
        }
    }

    /// The row as stored (for an insert, with its new key), to downcast to its model.
    pub fn model(&self) -> &dyn Any {
        &*self.model
    }

    /// The row, if it is an `M`.
    pub fn downcast_ref<M: 'static>(&self) -> Option<&M> {
        self.model.downcast_ref()
    }

    /// The table name (`"user"`).
    pub fn table_name(&self) -> &'static str {
        self.table.name
    }
}

impl fmt::Debug for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Change")
            .field("operation", &self.operation)
            .field("model", &self.table.model)
            .field("table", &self.table.name)
            .field("primary_key", &self.primary_key)
            .finish()
    }
}

/// A function called with the changes of a commit.
pub type Hook = Arc<dyn Fn(&[Change]) + Send + Sync>;

/// The hooks of a database that tracks modifications.
#[derive(Clone, Default)]
pub(crate) struct Hooks {
    pub(crate) before: Vec<Hook>,
    pub(crate) after: Vec<Hook>,
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field("before", &self.before.len())
            .field("after", &self.after.len())
            .finish()
    }
}
