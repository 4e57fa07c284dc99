//! The compiled-in backends, and the one place that lists them.
//!
//! Flask-SQLAlchemy picks the database from a URL at run time, so fsql does too: every
//! connection is an [`AnyConnection`]. Diesel's `MultiConnection` derive makes that enum usable
//! as a connection for hand-written Diesel, but its queries are re-rendered through a
//! `MultiBackend` on every execution. fsql's own hot paths therefore dispatch on the variant
//! and run statically typed queries on the concrete connection, which keeps Diesel's
//! prepared-statement cache keyed by type: the same code path hand-written Diesel takes.

use diesel::backend::Backend;
use diesel::Connection;

#[cfg(not(any(feature = "sqlite")))]
compile_error!("fsql needs at least one backend feature: `sqlite`");

#[cfg(feature = "sqlite")]
pub use diesel::sqlite::{Sqlite, SqliteConnection};

pub use any::AnyConnection;

// Diesel's derive generates undocumented public items (MultiBackend and friends).
#[allow(missing_docs)]
mod any {
    #[cfg(feature = "sqlite")]
    use diesel::sqlite::SqliteConnection;

    /// A connection to any compiled-in backend, chosen by URL at run time.
    ///
    /// Hand-written Diesel works on it directly (it is a `diesel::Connection`); match on it to
    /// reach the concrete connection.
    #[derive(diesel::MultiConnection)]
    pub enum AnyConnection {
        /// SQLite.
        #[cfg(feature = "sqlite")]
        Sqlite(SqliteConnection),
    }
}

impl AnyConnection {
    /// The backend of this connection.
    pub fn backend(&self) -> crate::url::BackendKind {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(_) => crate::url::BackendKind::Sqlite,
        }
    }
}

/// A Diesel backend that fsql drives, with its connection type.
pub trait FsqlBackend: Backend + Default {
    /// The concrete connection.
    type Conn: Connection<Backend = Self>;
}

#[cfg(feature = "sqlite")]
impl FsqlBackend for Sqlite {
    type Conn = SqliteConnection;
}

/// Runs `$body` with `$c` bound to the concrete connection inside an [`AnyConnection`] and
/// `$db` to its backend type.
macro_rules! dispatch {
    ($conn:expr, |$c:ident, $db:ident| $body:expr) => {
        match $conn {
            #[cfg(feature = "sqlite")]
            $crate::backend::AnyConnection::Sqlite($c) => {
                #[allow(unused)]
                type $db = $crate::backend::Sqlite;
                $body
            }
        }
    };
}
pub(crate) use dispatch;

/// The per-backend half of a model: statically typed queries on one backend. Implemented by
/// `#[derive(Model)]` (through [`impl_model_backends!`](crate::impl_model_backends)) for every
/// compiled-in backend; not meant to be implemented by hand.
#[doc(hidden)]
pub trait ModelOn<DB: FsqlBackend>: Sized + 'static {
    /// `SELECT .. WHERE pk = ?`, a statically typed query.
    fn find(
        conn: &mut DB::Conn,
        pk: &<Self as crate::model::Model>::PrimaryKey,
    ) -> fsql_core::Result<Option<Self>>
    where
        Self: crate::model::Model;
    /// The rows of a query.
    fn load(conn: &mut DB::Conn, q: &crate::query::Query<'_, Self>) -> fsql_core::Result<Vec<Self>>
    where
        Self: crate::model::Model;
    /// `COUNT(*)` over a query's filters.
    fn count(conn: &mut DB::Conn, q: &crate::query::Query<'_, Self>) -> fsql_core::Result<i64>
    where
        Self: crate::model::Model;
    /// `INSERT .. RETURNING` (or the backend's way to read the new key).
    fn insert(conn: &mut DB::Conn, row: &Self) -> fsql_core::Result<Self>
    where
        Self: crate::model::Model;
    /// `UPDATE .. WHERE pk = ?`; the number of rows changed.
    fn update(conn: &mut DB::Conn, row: &Self) -> fsql_core::Result<usize>
    where
        Self: crate::model::Model;
    /// `DELETE .. WHERE pk = ?`; the number of rows deleted.
    fn delete(
        conn: &mut DB::Conn,
        pk: &<Self as crate::model::Model>::PrimaryKey,
    ) -> fsql_core::Result<usize>
    where
        Self: crate::model::Model;
}

// One trait per backend that is either "implements ModelOn<ThatBackend>" (feature on) or
// nothing at all (feature off), so `Model` can require every compiled-in backend with one
// supertrait and generic code sees `M: ModelOn<Sqlite>` without naming features.
#[cfg(feature = "sqlite")]
#[doc(hidden)]
pub trait OnSqlite: ModelOn<Sqlite> {}
#[cfg(feature = "sqlite")]
impl<T: ModelOn<Sqlite>> OnSqlite for T {}
#[cfg(not(feature = "sqlite"))]
#[doc(hidden)]
pub trait OnSqlite {}
#[cfg(not(feature = "sqlite"))]
impl<T> OnSqlite for T {}

/// Every compiled-in backend's [`ModelOn`].
#[doc(hidden)]
pub trait OnAllBackends: OnSqlite {}
impl<T: OnSqlite> OnAllBackends for T {}

/// Emits `ModelOn<DB>` for a model, once per compiled-in backend. Called by generated code.
#[cfg(feature = "sqlite")]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_model_on_sqlite {
    ($($args:tt)*) => { $crate::__impl_model_on!($crate::backend::Sqlite; $($args)*); };
}
#[cfg(not(feature = "sqlite"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_model_on_sqlite {
    ($($args:tt)*) => {};
}

/// Implements the per-backend half of a model for every compiled-in backend.
#[doc(hidden)]
#[macro_export]
macro_rules! impl_model_backends {
    ($($args:tt)*) => {
        $crate::__impl_model_on_sqlite!($($args)*);
    };
}
