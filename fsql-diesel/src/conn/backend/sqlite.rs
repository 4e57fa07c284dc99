//! SQLite, one of the connection layer's backends: the [`FsqlBackend`](super::FsqlBackend) and [`WriteBegin`](super::WriteBegin)
//! impls, and the macros that instantiate a model's and a relationship's per-backend
//! code on it (empty when the `sqlite` feature is off).
//!
//! The `#[macro_export]` macros live at the crate root whichever file defines them; they are
//! defined under this crate's features because a `#[cfg]` inside a macro's output would be
//! read against the features of the crate that uses it.

#[cfg(feature = "sqlite")]
use super::{FsqlBackend, WriteBegin};
#[cfg(feature = "sqlite")]
use super::{Sqlite, SqliteConnection};

#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
impl FsqlBackend for Sqlite {
    type Conn = SqliteConnection;
    const KIND: crate::conn::url::BackendKind = crate::conn::url::BackendKind::Sqlite;

    // -1 is "no limit".
    const NO_LIMIT: &'static str = "-1";
}

#[cfg(feature = "sqlite")]
impl WriteBegin for SqliteConnection {
    fn as_sqlite(&mut self) -> Option<&mut SqliteConnection> {
        Some(self)
    }
}

#[cfg(feature = "sqlite")]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_model_on_sqlite {
    ($($args:tt)*) => { $crate::__impl_model_on!($crate::backend::Sqlite; returning; $($args)*); };
}
#[cfg(not(feature = "sqlite"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_model_on_sqlite {
    ($($args:tt)*) => {};
}

#[cfg(feature = "sqlite")]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_relationship_on_sqlite {
    ($($args:tt)*) => { $crate::__impl_relationship_on!($crate::backend::Sqlite; $($args)*); };
}
#[cfg(not(feature = "sqlite"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_relationship_on_sqlite {
    ($($args:tt)*) => {};
}
