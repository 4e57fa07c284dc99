//! PostgreSQL, one of the connection layer's backends: the [`FsqlBackend`](super::FsqlBackend) and [`WriteBegin`](super::WriteBegin)
//! impls, and the macros that instantiate a model's and a relationship's per-backend
//! code on it (empty when the `postgres` feature is off).
//!
//! The `#[macro_export]` macros live at the crate root whichever file defines them; they are
//! defined under this crate's features because a `#[cfg]` inside a macro's output would be
//! read against the features of the crate that uses it.

#[cfg(all(feature = "postgres", feature = "sqlite"))]
use super::SqliteConnection;
#[cfg(feature = "postgres")]
use super::{FsqlBackend, WriteBegin};
#[cfg(feature = "postgres")]
use super::{Pg, PgConnection};

#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
impl FsqlBackend for Pg {
    type Conn = PgConnection;
    const KIND: crate::conn::url::BackendKind = crate::conn::url::BackendKind::Postgres;

    // `LIMIT ALL`.
    const NO_LIMIT: &'static str = "ALL";
}

#[cfg(feature = "postgres")]
impl WriteBegin for PgConnection {
    #[cfg(feature = "sqlite")]
    fn as_sqlite(&mut self) -> Option<&mut SqliteConnection> {
        None
    }
}

#[cfg(feature = "postgres")]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_model_on_postgres {
    ($($args:tt)*) => { $crate::__impl_model_on!($crate::backend::Pg; returning; $($args)*); };
}
#[cfg(not(feature = "postgres"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_model_on_postgres {
    ($($args:tt)*) => {};
}

#[cfg(feature = "postgres")]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_relationship_on_postgres {
    ($($args:tt)*) => { $crate::__impl_relationship_on!($crate::backend::Pg; $($args)*); };
}
#[cfg(not(feature = "postgres"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_relationship_on_postgres {
    ($($args:tt)*) => {};
}
