//! Where a query runs: a [`Database`](crate::Database) (the model's bind is chosen for it) or a
//! connection the caller already holds. Part of the connection layer; the `Database` impl is
//! beside `Database`, in the top layer.

use crate::conn::backend::AnyConnection;
use crate::conn::pool::PooledConnection;
use fsql_core::{Result, TableMeta};

/// Something a query can run on. Implemented for `&Database`, `&mut AnyConnection` and
/// `&mut PooledConnection`.
pub trait Executor {
    /// Runs `f` on a connection to the bind of `table`.
    fn run<R>(
        self,
        table: &'static TableMeta,
        f: impl FnOnce(&mut AnyConnection) -> Result<R>,
    ) -> Result<R>;

    /// [`run`](Self::run) for a statement that writes. On a `Database` over an SQLite file the
    /// writers of the process take turns (SQLite's own lock wait is a poll that can starve a
    /// writer into "database is locked").
    fn run_write<R>(
        self,
        table: &'static TableMeta,
        f: impl FnOnce(&mut AnyConnection) -> Result<R>,
    ) -> Result<R>
    where
        Self: Sized,
    {
        self.run(table, f)
    }
}

/// Runs on this connection, whatever the model's bind: the caller chose the database.
impl Executor for &mut AnyConnection {
    fn run<R>(
        self,
        _table: &'static TableMeta,
        f: impl FnOnce(&mut AnyConnection) -> Result<R>,
    ) -> Result<R> {
        f(self)
    }
}

impl Executor for &mut PooledConnection {
    fn run<R>(
        self,
        _table: &'static TableMeta,
        f: impl FnOnce(&mut AnyConnection) -> Result<R>,
    ) -> Result<R> {
        f(self)
    }
}
