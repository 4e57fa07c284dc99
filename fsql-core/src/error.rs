//! The one error type of fsql.

use std::error::Error as StdError;
use std::fmt;

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Boxed source error (the driver's or Diesel's own error).
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Everything that can go wrong in fsql. Every message says what was wrong and where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Nothing matched: Flask-SQLAlchemy's `abort(404)`. Web layers answer 404 with the
    /// description.
    #[error("404 Not Found: {description}")]
    NotFound {
        /// What was not found, for the response body.
        description: String,
    },

    /// `one()` found more than one row (SQLAlchemy's `MultipleResultsFound`).
    #[error("expected exactly one `{model}` row, found several; add a filter that selects one")]
    MultipleResultsFound {
        /// The model queried.
        model: &'static str,
    },

    /// A configuration value is wrong.
    #[error("invalid configuration: {key} = {value:?}: {reason}")]
    Config {
        /// The setting (`"pool_size"`, `"FSQL_BINDS"`).
        key: String,
        /// The value given.
        value: String,
        /// What is wrong with it and what would be right.
        reason: String,
    },

    /// A model's bind key (or a bind asked for by key) has no database URL.
    #[error(
        "{}, but no database is configured for that key (configured binds: {}); add it with \
         Database::builder().bind({key:?}, \"<url>\")",
        who_uses(model, key),
        format_binds(available)
    )]
    UnknownBind {
        /// The model; [`NO_MODEL`] when the bind was asked for by its key alone
        /// (`Database::connection_to`, `reflect_metadata`).
        model: &'static str,
        /// Its bind key.
        key: String,
        /// The binds that are configured (`None` = the default database).
        available: Vec<Option<String>>,
    },

    /// A database URL could not be understood. The URL is shown with its password masked.
    #[error("invalid database URL `{url}`: {reason}")]
    Url {
        /// The URL, password masked.
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A connection could not be opened or taken from the pool.
    #[error("could not connect to `{url}`: {source}")]
    Connection {
        /// The URL, password masked.
        url: String,
        /// The driver's error.
        #[source]
        source: BoxError,
    },

    /// A statement failed.
    #[error("{}", DatabaseDisplay(self))]
    Database {
        /// What kind of failure, for matching (unique violation, foreign key ...).
        kind: DatabaseErrorKind,
        /// The model whose statement failed, when there is one.
        model: Option<&'static str>,
        /// The SQL that failed, without parameter values.
        statement: Option<String>,
        /// The driver's message.
        message: String,
        /// The underlying error (a `diesel::result::Error`).
        #[source]
        source: BoxError,
    },

    /// The models' schema is inconsistent (a foreign key to a missing table, a cycle ...).
    #[error("schema error: {0}")]
    Schema(String),

    /// A session was used in a way that cannot work (a child linked to a parent that was
    /// never added, a commit that could only partly complete ...). The message says which.
    #[error("session: {0}")]
    Session(String),

    /// A relationship that does not load on access (`lazy = "raise"`, or a query's
    /// `raiseload(..)`) was used before it was loaded: SQLAlchemy's raiseload, which turns a
    /// hidden statement per row (an N+1) into an error that a test catches.
    #[error(
        "`{relationship}` is not loaded, and it does not load on access (lazy = \"raise\"); \
         load it with the query that reads the rows, `.options(selectinload({option}))` or \
         `joinedload({option})`, or allow loading on access with `lazyload({option})`"
    )]
    NotLoaded {
        /// The relationship, as `Model.field`.
        relationship: &'static str,
        /// The relationship as a loader option takes it, `Model::field`.
        option: String,
    },
}

/// [`Error::UnknownBind`]'s model when no model asked for the bind.
pub const NO_MODEL: &str = "<none>";

fn who_uses(model: &str, key: &str) -> String {
    if model == NO_MODEL {
        format!("bind key {key:?} was asked for")
    } else {
        format!("model `{model}` uses bind key {key:?}")
    }
}

fn format_binds(available: &[Option<String>]) -> String {
    if available.is_empty() {
        return "none".to_owned();
    }
    available
        .iter()
        .map(|b| match b {
            None => "the default database".to_owned(),
            Some(k) => format!("{k:?}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

struct DatabaseDisplay<'a>(&'a Error);

impl fmt::Display for DatabaseDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Error::Database {
            kind,
            model,
            statement,
            message,
            ..
        } = self.0
        else {
            return Ok(());
        };
        write!(f, "database error ({kind})")?;
        if let Some(model) = model {
            write!(f, " for model `{model}`")?;
        }
        write!(f, ": {message}")?;
        if let Some(statement) = statement {
            write!(f, "; statement: {statement}")?;
        }
        Ok(())
    }
}

/// The kind of a [`Error::Database`], independent of the backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DatabaseErrorKind {
    /// A `UNIQUE` constraint or primary key was violated.
    UniqueViolation,
    /// A foreign key was violated.
    ForeignKeyViolation,
    /// `NULL` into a `NOT NULL` column.
    NotNullViolation,
    /// A `CHECK` constraint was violated.
    CheckViolation,
    /// A serializable transaction could not be completed; retry it.
    SerializationFailure,
    /// The database chose this transaction as the victim of a deadlock (PostgreSQL's
    /// SQLSTATE 40P01 "deadlock detected", MySQL's error 1213); retry it.
    Deadlock,
    /// A write inside a read-only transaction.
    ReadOnlyTransaction,
    /// The connection was closed.
    ClosedConnection,
    /// A transaction could not be begun, committed or rolled back.
    Transaction,
    /// A row could not be turned into the model (type mismatch between model and table).
    Deserialization,
    /// A value could not be sent to the database.
    Serialization,
    /// Anything else.
    Other,
}

impl fmt::Display for DatabaseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UniqueViolation => "unique violation",
            Self::ForeignKeyViolation => "foreign key violation",
            Self::NotNullViolation => "not-null violation",
            Self::CheckViolation => "check violation",
            Self::SerializationFailure => "serialization failure",
            Self::Deadlock => "deadlock",
            Self::ReadOnlyTransaction => "read-only transaction",
            Self::ClosedConnection => "closed connection",
            Self::Transaction => "transaction",
            Self::Deserialization => "cannot read row",
            Self::Serialization => "cannot send value",
            Self::Other => "other",
        })
    }
}

impl Error {
    /// A `NotFound` with Werkzeug's default 404 description.
    pub fn not_found() -> Self {
        Self::NotFound {
            description: NOT_FOUND_DESCRIPTION.to_owned(),
        }
    }

    /// A `NotFound` with a description of your own.
    pub fn not_found_with(description: impl Into<String>) -> Self {
        Self::NotFound {
            description: description.into(),
        }
    }

    /// True for [`Error::NotFound`]: the HTTP status is 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }

    /// The kind of a database error, `None` for other errors.
    pub fn database_kind(&self) -> Option<DatabaseErrorKind> {
        match self {
            Self::Database { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// True when running the whole transaction again may succeed: a
    /// [serialization failure](DatabaseErrorKind::SerializationFailure) or a
    /// [deadlock](DatabaseErrorKind::Deadlock). What `Database::transaction_with_retry`
    /// retries on.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.database_kind(),
            Some(DatabaseErrorKind::SerializationFailure | DatabaseErrorKind::Deadlock)
        )
    }
}

/// Werkzeug's description for 404, which Flask-SQLAlchemy's `abort(404)` shows.
pub const NOT_FOUND_DESCRIPTION: &str = "The requested URL was not found on the server. If you \
     entered the URL manually please check your spelling and try again.";

/// Whether a driver message says the connection is gone. MySQL/MariaDB: 2006
/// `CR_SERVER_GONE_ERROR` ("(MySQL) server has gone away"), 2013 `CR_SERVER_LOST` and 2055
/// `CR_SERVER_LOST_EXTENDED` ("Lost connection to (MySQL) server ..."), 1927
/// `ER_CONNECTION_KILLED` ("Connection was killed"), 4031 ("... disconnected by the server
/// because of inactivity"), 1053 `ER_SERVER_SHUTDOWN`. libpq: "server closed the connection
/// unexpectedly", "no connection to the server", "terminating connection ...".
pub fn is_lost_connection_message(message: &str) -> bool {
    const MARKS: [&str; 9] = [
        "server has gone away",
        "lost connection to",
        "connection was killed",
        "disconnected by the server",
        "server shutdown in progress",
        "server closed the connection",
        "no connection to the server",
        "terminating connection",
        "could not receive data from server",
    ];
    let lower = message.to_ascii_lowercase();
    MARKS.iter().any(|m| lower.contains(m))
}

/// Whether a database error message reports a deadlock victim: PostgreSQL's "deadlock
/// detected" (SQLSTATE 40P01) or MySQL/MariaDB's "Deadlock found when trying to get lock"
/// (error 1213). Diesel passes neither SQLSTATE nor MySQL's error number through, only the
/// message, whose wording both servers have kept for decades.
pub fn is_deadlock_message(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("deadlock detected") || lower.contains("deadlock found when trying to get lock")
}

#[cfg(feature = "diesel")]
mod from_diesel {
    use super::{DatabaseErrorKind, Error};
    use diesel::result::{DatabaseErrorKind as DieselKind, Error as DieselError};

    impl Error {
        /// A Diesel error, with what is known of where it happened: the model whose statement
        /// failed and the statement's SQL (without parameter values).
        pub fn from_diesel(
            err: DieselError,
            model: Option<&'static str>,
            statement: Option<String>,
        ) -> Self {
            let (kind, message) = match &err {
                DieselError::DatabaseError(kind, info) => {
                    let kind = match kind {
                        DieselKind::UniqueViolation => DatabaseErrorKind::UniqueViolation,
                        DieselKind::ForeignKeyViolation => DatabaseErrorKind::ForeignKeyViolation,
                        DieselKind::NotNullViolation => DatabaseErrorKind::NotNullViolation,
                        DieselKind::CheckViolation => DatabaseErrorKind::CheckViolation,
                        DieselKind::SerializationFailure => DatabaseErrorKind::SerializationFailure,
                        DieselKind::ReadOnlyTransaction => DatabaseErrorKind::ReadOnlyTransaction,
                        DieselKind::ClosedConnection => DatabaseErrorKind::ClosedConnection,
                        // Diesel has no kind for a deadlock: PostgreSQL's and MySQL's arrive
                        // as `Unknown`, known by message only.
                        _ if super::is_deadlock_message(info.message()) => {
                            DatabaseErrorKind::Deadlock
                        }
                        // MySQL's lost connections arrive as `Unknown`, known by message only.
                        _ if super::is_lost_connection_message(info.message()) => {
                            DatabaseErrorKind::ClosedConnection
                        }
                        _ => DatabaseErrorKind::Other,
                    };
                    (kind, info.message().to_owned())
                }
                DieselError::DeserializationError(e) => {
                    // Diesel's "Error deserializing field 'x'" keeps what went wrong (a JSON
                    // document of another shape, an unknown enum name) in its source.
                    let mut message = e.to_string();
                    let mut cause = e.source();
                    while let Some(c) = cause {
                        message.push_str(": ");
                        message.push_str(&c.to_string());
                        cause = c.source();
                    }
                    message.push_str(
                        " (does the model's field type match the column's type in the database?)",
                    );
                    (DatabaseErrorKind::Deserialization, message)
                }
                DieselError::SerializationError(e) => {
                    (DatabaseErrorKind::Serialization, e.to_string())
                }
                DieselError::RollbackErrorOnCommit { .. }
                | DieselError::RollbackTransaction
                | DieselError::AlreadyInTransaction
                | DieselError::NotInTransaction
                | DieselError::BrokenTransactionManager => {
                    (DatabaseErrorKind::Transaction, err.to_string())
                }
                other => (DatabaseErrorKind::Other, other.to_string()),
            };
            Error::Database {
                kind,
                model,
                statement,
                message,
                source: Box::new(err),
            }
        }
    }

    /// Hand-written Diesel inside a function returning `fsql::Result` can use `?`.
    impl From<DieselError> for Error {
        fn from(err: DieselError) -> Self {
            Self::from_diesel(err, None, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_lost_connection_message;

    #[test]
    fn lost_connection_messages_are_recognised() {
        for lost in [
            "MySQL server has gone away",
            "Server has gone away",
            "Lost connection to server during query",
            "Lost connection to MySQL server at 'reading initial communication packet', system error: 104",
            "Connection was killed",
            "The client was disconnected by the server because of inactivity.",
            "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally",
            "FATAL:  terminating connection due to administrator command",
        ] {
            assert!(is_lost_connection_message(lost), "{lost}");
        }
        for other in [
            "Duplicate entry '1' for key 'PRIMARY'",
            "relation \"users\" does not exist",
            "Lock wait timeout exceeded; try restarting transaction",
        ] {
            assert!(!is_lost_connection_message(other), "{other}");
        }
    }
}
