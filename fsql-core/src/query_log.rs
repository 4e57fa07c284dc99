//! Recorded queries: Flask-SQLAlchemy's `get_recorded_queries()` (`SQLALCHEMY_RECORD_QUERIES`).

use std::fmt;
use std::time::{Duration, SystemTime};

/// One statement the database ran, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedQuery {
    /// The SQL, with placeholders.
    pub statement: String,
    /// The bound parameters, as Diesel prints them (`[1, "admin"]`).
    pub parameters: String,
    /// When the statement was sent.
    pub start_time: SystemTime,
    /// When its result arrived.
    pub end_time: SystemTime,
    /// How long it took.
    pub duration: Duration,
    /// `file:line` of the code that ran it (the caller of the fsql method), or `"<unknown>"`
    /// for statements fsql did not start (hand-written Diesel on a pooled connection).
    pub location: String,
    /// The bind key (`None` = the default database).
    pub bind: Option<String>,
    /// The read replica that ran the statement (its URL, password masked), or `None` when the
    /// bind's primary did. See `DatabaseBuilder::replica`.
    pub replica: Option<String>,
    /// The error Diesel reported when the statement finished, if any. Errors raised while the
    /// rows are read (SQLite reports a constraint violation of an `INSERT .. RETURNING` there)
    /// come after and are not in this field; the caller gets them as `fsql::Error`.
    pub error: Option<String>,
}

impl fmt::Display for RecordedQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} -- {} ({:?}, {})",
            self.statement, self.parameters, self.duration, self.location
        )
    }
}

/// Where a statement came from when fsql does not know.
pub const UNKNOWN_LOCATION: &str = "<unknown>";
