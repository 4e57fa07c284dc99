//! One r2d2 pool per bind, with connections opened the way Flask-SQLAlchemy configures them.

use std::time::Duration;

use diesel::Connection;

use crate::backend::AnyConnection;
use crate::url::{BackendKind, DatabaseUrl};
use fsql_core::{Error, Result};

/// A connection checked out of a bind's pool; returns to the pool when dropped.
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// How long SQLite waits for a lock held by another connection before failing with "database
/// is locked".
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Pool settings of one bind: SQLAlchemy's engine options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolOptions {
    /// Most connections open at once. Default 10; always 1 for in-memory SQLite.
    pub max_size: u32,
    /// How long to wait for a free connection before failing. Default 30 s.
    pub connection_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 10,
            connection_timeout: Duration::from_secs(30),
        }
    }
}

/// Opens connections for one bind (r2d2's `ManageConnection`).
#[derive(Debug)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ConnectionManager {
    /// A manager for this URL.
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }

    /// Opens one connection with the driver defaults applied.
    pub fn establish(url: &DatabaseUrl) -> Result<AnyConnection> {
        let connection_error =
            |source: Box<dyn std::error::Error + Send + Sync>| Error::Connection {
                url: url.masked().to_owned(),
                source,
            };
        match url.backend() {
            #[cfg(feature = "sqlite")]
            BackendKind::Sqlite => {
                use crate::url::SqliteTarget;
                let path = match url.sqlite_target() {
                    Some(SqliteTarget::File(p)) => p.as_str(),
                    _ => ":memory:",
                };
                let mut conn = diesel::sqlite::SqliteConnection::establish(path).map_err(|e| {
                    let dir = std::path::Path::new(path)
                        .parent()
                        .filter(|d| !d.as_os_str().is_empty())
                        .map_or_else(|| ".".to_owned(), |d| d.display().to_string());
                    connection_error(
                        format!(
                            "{e} (path `{path}`, relative paths are relative to the working \
                             directory; check that the directory `{dir}` exists and is writable)"
                        )
                        .into(),
                    )
                })?;
                // Flask-SQLAlchemy users get foreign keys enforced by convention (a connect
                // event); SQLite leaves them off unless asked, so ask on every connection.
                let pragmas = format!(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {};",
                    SQLITE_BUSY_TIMEOUT.as_millis()
                );
                diesel::connection::SimpleConnection::batch_execute(&mut conn, &pragmas)
                    .map_err(|e| connection_error(Box::new(e)))?;
                Ok(AnyConnection::Sqlite(conn))
            }
            other => Err(Error::Url {
                url: url.masked().to_owned(),
                reason: format!(
                    "the `{other}` backend is not compiled in; enable fsql's `{}` feature",
                    match other {
                        BackendKind::Postgres => "postgres",
                        BackendKind::Mysql => "mysql",
                        BackendKind::Sqlite => "sqlite",
                    }
                ),
            }),
        }
    }

    /// Builds the pool for a bind. Opens one connection at once, so a wrong path or an
    /// unreachable server is reported by `build()`, not by the first query.
    pub fn pool(url: DatabaseUrl, options: &PoolOptions) -> Result<r2d2::Pool<Self>> {
        // Fail with the real cause first: r2d2 would only report a timeout.
        drop(Self::establish(&url)?);
        let memory = url.is_memory();
        let masked = url.masked().to_owned();
        let builder = r2d2::Pool::builder()
            // In-memory SQLite lives as long as its one connection: every handle must share it,
            // and it must never be closed while the pool lives.
            .max_size(if memory { 1 } else { options.max_size.max(1) })
            .min_idle(Some(if memory { 1 } else { 0 }))
            .idle_timeout(None)
            .max_lifetime(None)
            .connection_timeout(options.connection_timeout)
            // Our `is_valid` is cheap, but SQLite connections do not go stale; skip the
            // round trip on the hot path.
            .test_on_check_out(!matches!(url.backend(), BackendKind::Sqlite));
        builder
            .build(Self::new(url))
            .map_err(|e| Error::Connection {
                url: masked,
                source: Box::new(e),
            })
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = AnyConnection;
    type Error = Error;

    fn connect(&self) -> Result<AnyConnection> {
        Self::establish(&self.url)
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<()> {
        diesel::connection::SimpleConnection::batch_execute(conn, "SELECT 1")
            .map_err(|e| crate::error::from_diesel(e, None, Some("SELECT 1".to_owned())))
    }

    fn has_broken(&self, _conn: &mut AnyConnection) -> bool {
        false
    }
}
