//! MySQL and MariaDB, one of the connection layer's backends: the [`FsqlBackend`](super::FsqlBackend) and [`WriteBegin`](super::WriteBegin)
//! impls, its `LAST_INSERT_ID()`, and the macros that instantiate a model's and a relationship's per-backend
//! code on it (empty when the `mysql` feature is off).
//!
//! The `#[macro_export]` macros live at the crate root whichever file defines them; they are
//! defined under this crate's features because a `#[cfg]` inside a macro's output would be
//! read against the features of the crate that uses it.

#[cfg(all(feature = "mysql", feature = "sqlite"))]
use super::SqliteConnection;
#[cfg(feature = "mysql")]
use super::{FsqlBackend, WriteBegin};
#[cfg(feature = "mysql")]
use super::{Mysql, MysqlConnection};

#[cfg(feature = "mysql")]
#[cfg_attr(docsrs, doc(cfg(feature = "mysql")))]
impl FsqlBackend for Mysql {
    type Conn = MysqlConnection;
    const KIND: crate::conn::url::BackendKind = crate::conn::url::BackendKind::Mysql;
}

#[cfg(feature = "mysql")]
impl WriteBegin for MysqlConnection {
    #[cfg(feature = "sqlite")]
    fn as_sqlite(&mut self) -> Option<&mut SqliteConnection> {
        None
    }
}

#[cfg(feature = "mysql")]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_model_on_mysql {
    ($($args:tt)*) => { $crate::__impl_model_on!($crate::backend::Mysql; last_insert_id; $($args)*); };
}
#[cfg(not(feature = "mysql"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_model_on_mysql {
    ($($args:tt)*) => {};
}

#[cfg(feature = "mysql")]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_relationship_on_mysql {
    ($($args:tt)*) => { $crate::__impl_relationship_on!($crate::backend::Mysql; $($args)*); };
}
#[cfg(not(feature = "mysql"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_relationship_on_mysql {
    ($($args:tt)*) => {};
}

/// The key MySQL assigned to the last insert on this connection.
#[cfg(feature = "mysql")]
#[doc(hidden)]
pub fn last_insert_id(conn: &mut MysqlConnection) -> fsql_core::Result<u64> {
    use diesel::RunQueryDsl;
    const SQL: &str = "LAST_INSERT_ID()";
    diesel::select(diesel::dsl::sql::<
        diesel::sql_types::Unsigned<diesel::sql_types::BigInt>,
    >(SQL))
    .get_result(conn)
    .map_err(|e| crate::conn::error::from_diesel(e, None, Some(format!("SELECT {SQL}"))))
}

/// MySQL: whether a multi-row insert gives consecutive keys on this connection.
#[cfg(feature = "mysql")]
#[doc(hidden)]
pub fn mysql_consecutive_keys(conn: &mut MysqlConnection) -> fsql_core::Result<bool> {
    use diesel::sql_types::BigInt;
    use diesel::RunQueryDsl;
    const SQL: &str =
        "SELECT CAST(@@innodb_autoinc_lock_mode AS SIGNED), CAST(@@auto_increment_increment AS SIGNED)";
    let (mode, increment): (i64, i64) = diesel::select((
        diesel::dsl::sql::<BigInt>("CAST(@@innodb_autoinc_lock_mode AS SIGNED)"),
        diesel::dsl::sql::<BigInt>("CAST(@@auto_increment_increment AS SIGNED)"),
    ))
    .get_result(conn)
    .map_err(|e| crate::conn::error::from_diesel(e, None, Some(SQL.to_owned())))?;
    Ok(mode <= 1 && increment == 1)
}
