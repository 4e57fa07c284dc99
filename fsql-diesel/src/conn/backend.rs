//! The compiled-in backends, and the one place that lists them.
//!
//! Flask-SQLAlchemy picks the database from a URL at run time, so fsql does too: every
//! connection is an [`AnyConnection`]. Diesel's `MultiConnection` derive makes that enum usable
//! as a connection for hand-written Diesel, but its queries are re-rendered through a
//! `MultiBackend` on every execution. fsql's own hot paths therefore dispatch on the variant
//! and run statically typed queries on the concrete connection, which keeps Diesel's
//! prepared-statement cache keyed by type: the same code path hand-written Diesel takes.

use diesel::backend::Backend;
use diesel::query_builder::AstPass;
use diesel::Connection;
use fsql_core::value::Value;

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
compile_error!("fsql needs at least one backend feature: `sqlite`, `postgres` or `mysql`");

#[cfg(feature = "mysql")]
#[cfg_attr(docsrs, doc(cfg(feature = "mysql")))]
pub use diesel::mysql::{Mysql, MysqlConnection};
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use diesel::pg::{Pg, PgConnection};
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub use diesel::sqlite::{Sqlite, SqliteConnection};

pub use any::AnyConnection;
#[doc(hidden)]
pub use any::MultiBackend;
#[cfg(feature = "mysql")]
pub use mysql::{last_insert_id, mysql_consecutive_keys};

pub(crate) mod mysql;
mod postgres;
mod sqlite;

// Diesel's derive generates undocumented public items (MultiBackend and friends).
#[allow(missing_docs)]
mod any {
    #[cfg(feature = "mysql")]
    use diesel::mysql::MysqlConnection;
    #[cfg(feature = "postgres")]
    use diesel::pg::PgConnection;
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
        /// PostgreSQL.
        #[cfg(feature = "postgres")]
        Postgres(PgConnection),
        /// MySQL or MariaDB.
        #[cfg(feature = "mysql")]
        Mysql(MysqlConnection),
    }
}

/// `QueryFragment` on every compiled-in backend.
#[doc(hidden)]
pub trait OnAllBackendsFragment: FragmentOnSqlite + FragmentOnPostgres + FragmentOnMysql {}
impl<T: FragmentOnSqlite + FragmentOnPostgres + FragmentOnMysql> OnAllBackendsFragment for T {}

/// For each backend, a trait that is "`T: bound`" when the backend's feature is on and nothing
/// at all when it is off: generic code names every compiled-in backend's bound at once,
/// without naming features.
macro_rules! feature_bound {
    ($feature:literal, $on:ident, $($bound:tt)+) => {
        #[cfg(feature = $feature)]
        #[doc(hidden)]
        pub trait $on: $($bound)+ {}
        #[cfg(feature = $feature)]
        impl<T: $($bound)+> $on for T {}
        #[cfg(not(feature = $feature))]
        #[doc(hidden)]
        pub trait $on {}
        #[cfg(not(feature = $feature))]
        impl<T> $on for T {}
    };
}

feature_bound!(
    "sqlite",
    FragmentOnSqlite,
    diesel::query_builder::QueryFragment<Sqlite>
);
feature_bound!(
    "postgres",
    FragmentOnPostgres,
    diesel::query_builder::QueryFragment<Pg>
);
feature_bound!(
    "mysql",
    FragmentOnMysql,
    diesel::query_builder::QueryFragment<Mysql>
);

impl AnyConnection {
    /// The backend of this connection.
    pub fn backend(&self) -> crate::conn::url::BackendKind {
        dispatch!(self, |_c, DB| <DB as FsqlBackend>::KIND)
    }
}

/// A Diesel backend that fsql drives, with its connection type.
pub trait FsqlBackend: Backend + Default + 'static {
    /// The concrete connection.
    type Conn: Connection<Backend = Self> + WriteBegin;
    /// Which backend this is.
    const KIND: crate::conn::url::BackendKind;

    /// What stands for "no limit" before an `OFFSET`: SQLite and MySQL take an offset only
    /// after a limit, and each documents its own largest one.
    const NO_LIMIT: &'static str;

    /// How far behind its primary the read replica on the other end of `conn` is, where the
    /// backend can tell (`None`: it cannot, and `ReplicaOptions::max_lag` is refused for it).
    fn replica_lag(conn: &mut Self::Conn) -> Option<diesel::QueryResult<std::time::Duration>> {
        let _ = conn;
        None
    }

    /// Takes the server's lock that keeps two processes from running migrations at once,
    /// waiting for it, on this connection (until [`migration_unlock`](Self::migration_unlock)
    /// or the connection closes). Backends without one (SQLite: a file lock instead) take
    /// nothing.
    fn migration_lock(conn: &mut Self::Conn) -> diesel::QueryResult<()> {
        let _ = conn;
        Ok(())
    }

    /// Gives back what [`migration_lock`](Self::migration_lock) took.
    fn migration_unlock(conn: &mut Self::Conn) -> diesel::QueryResult<()> {
        let _ = conn;
        Ok(())
    }

    /// One column of a row read without a model (a reflected table), by the type the backend
    /// reports for the value. Types with no [`Value`] shape are selected as text
    /// ([`push_as_text`](Self::push_as_text)); one that still arrives is an error naming it.
    fn read_value(raw: Option<Self::RawValue<'_>>) -> diesel::deserialize::Result<Value>;

    /// Selects `column` as its text, for a type [`read_value`](Self::read_value) has no shape
    /// for (dates, decimals, JSON, UUIDs, enums).
    fn push_as_text(out: &mut AstPass<'_, '_, Self>, column: &str) -> diesel::QueryResult<()>;

    /// Binds `value` where a column the catalog types as `raw_type` is compared or written.
    fn push_value<'b>(
        out: &mut AstPass<'_, 'b, Self>,
        value: &'b Value,
        raw_type: &'b str,
    ) -> diesel::QueryResult<()>;
}

/// Binds a [`Value`] with the SQL type of its shape (`NULL` as a text `NULL`, which every
/// backend converts to any column type).
pub(crate) fn push_value_param<'b, DB>(
    out: &mut AstPass<'_, 'b, DB>,
    value: &'b Value,
) -> diesel::QueryResult<()>
where
    DB: Backend
        + diesel::sql_types::HasSqlType<diesel::sql_types::Bool>
        + diesel::sql_types::HasSqlType<diesel::sql_types::BigInt>
        + diesel::sql_types::HasSqlType<diesel::sql_types::Double>
        + diesel::sql_types::HasSqlType<diesel::sql_types::Text>
        + diesel::sql_types::HasSqlType<diesel::sql_types::Binary>,
    bool: diesel::serialize::ToSql<diesel::sql_types::Bool, DB>,
    i64: diesel::serialize::ToSql<diesel::sql_types::BigInt, DB>,
    f64: diesel::serialize::ToSql<diesel::sql_types::Double, DB>,
    String: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
    Vec<u8>: diesel::serialize::ToSql<diesel::sql_types::Binary, DB>,
{
    use diesel::sql_types::{BigInt, Binary, Bool, Double, Nullable, Text};
    match value {
        Value::Null => out.push_bind_param::<Nullable<Text>, Option<String>>(&None),
        Value::Bool(b) => out.push_bind_param::<Bool, bool>(b),
        Value::Int(i) => out.push_bind_param::<BigInt, i64>(i),
        Value::Float(x) => out.push_bind_param::<Double, f64>(x),
        Value::Text(s) => out.push_bind_param::<Text, String>(s),
        Value::Bytes(b) => out.push_bind_param::<Binary, Vec<u8>>(b),
    }
}

/// ` LIMIT ? OFFSET ?` (either may be absent) for a statement fsql writes itself.
pub(crate) fn push_limit_offset<'b, DB>(
    limit: &'b Option<i64>,
    offset: &'b Option<i64>,
    mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
) -> diesel::QueryResult<()>
where
    i64: diesel::serialize::ToSql<diesel::sql_types::BigInt, DB>,
    DB: FsqlBackend + diesel::sql_types::HasSqlType<diesel::sql_types::BigInt>,
{
    use diesel::sql_types::BigInt;
    match (limit, offset) {
        (None, None) => {}
        (Some(limit), None) => {
            out.push_sql(" LIMIT ");
            out.push_bind_param::<BigInt, i64>(limit)?;
        }
        (limit, Some(offset)) => {
            out.push_sql(" LIMIT ");
            match limit {
                Some(limit) => out.push_bind_param::<BigInt, i64>(limit)?,
                None => out.push_sql(DB::NO_LIMIT),
            }
            out.push_sql(" OFFSET ");
            out.push_bind_param::<BigInt, i64>(offset)?;
        }
    }
    Ok(())
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
            #[cfg(feature = "postgres")]
            $crate::backend::AnyConnection::Postgres($c) => {
                #[allow(unused)]
                type $db = $crate::backend::Pg;
                $body
            }
            #[cfg(feature = "mysql")]
            $crate::backend::AnyConnection::Mysql($c) => {
                #[allow(unused)]
                type $db = $crate::backend::Mysql;
                $body
            }
        }
    };
}
pub(crate) use dispatch;
pub(crate) use feature_bound;

/// A connection that can begin a transaction meant to write: see [`begin_write`].
#[doc(hidden)]
pub trait WriteBegin: Connection + Sized {
    /// The SQLite connection inside, when this is one.
    #[cfg(feature = "sqlite")]
    fn as_sqlite(&mut self) -> Option<&mut SqliteConnection>;
}

impl WriteBegin for AnyConnection {
    #[cfg(feature = "sqlite")]
    fn as_sqlite(&mut self) -> Option<&mut SqliteConnection> {
        match self {
            Self::Sqlite(c) => Some(c),
            #[allow(unreachable_patterns)] // only SQLite compiled in
            _ => None,
        }
    }
}

/// Begins a transaction that will write (a savepoint inside an open one). On SQLite, outside
/// a transaction, that is `BEGIN IMMEDIATE`: the write lock is taken at the start, waiting up
/// to the busy timeout. A plain (deferred) `BEGIN` takes a read lock first and must upgrade
/// it at the first write; when another connection is waiting to commit, SQLite refuses the
/// upgrade at once with "database is locked" instead of waiting, since waiting could
/// deadlock.
#[doc(hidden)]
pub fn begin_write<C: WriteBegin>(conn: &mut C) -> diesel::QueryResult<()> {
    use diesel::connection::TransactionManager;
    #[cfg(feature = "sqlite")]
    if let Some(sqlite) = conn.as_sqlite() {
        use diesel::connection::AnsiTransactionManager;
        let depth =
            AnsiTransactionManager::transaction_manager_status_mut(sqlite).transaction_depth()?;
        if depth.is_none() {
            return AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE");
        }
    }
    C::TransactionManager::begin_transaction(conn)
}

/// Runs `f` in a write transaction of `conn` ([`begin_write`]; a savepoint when one is
/// already open), rolling back when it fails, with fsql's own error kept intact.
#[doc(hidden)]
pub fn in_transaction<C, T>(
    conn: &mut C,
    f: impl FnOnce(&mut C) -> fsql_core::Result<T>,
) -> fsql_core::Result<T>
where
    C: WriteBegin,
{
    use diesel::connection::TransactionManager;
    let sql_error = |e, sql: &str| crate::conn::error::from_diesel(e, None, Some(sql.to_owned()));
    begin_write(conn).map_err(|e| sql_error(e, "BEGIN"))?;
    // Diesel's own `transaction`, with the write begin.
    match f(conn) {
        Ok(value) => {
            C::TransactionManager::commit_transaction(conn).map_err(|e| sql_error(e, "COMMIT"))?;
            Ok(value)
        }
        Err(failed) => match C::TransactionManager::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(failed),
            Err(e) => Err(sql_error(e, "ROLLBACK")),
        },
    }
}

/// A row inserted a moment ago on this connection cannot be read back.
#[doc(hidden)]
pub fn vanished_after_insert(
    table: &'static fsql_core::TableMeta,
    pk: &dyn std::fmt::Debug,
) -> fsql_core::Error {
    fsql_core::Error::Schema(format!(
        "model `{}`: the row just inserted into `{}` cannot be read back by primary key {pk:?}; \
         is the key column the table's AUTO_INCREMENT column?",
        table.model, table.name
    ))
}
