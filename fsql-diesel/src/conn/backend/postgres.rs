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

    // A session-level advisory lock: held until unlocked or the session ends, so a process
    // that dies mid-migration releases it. The key spells "fsqlmigr".
    fn migration_lock(conn: &mut PgConnection) -> diesel::QueryResult<()> {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("SELECT pg_advisory_lock(7382909717413898610)")
    }

    fn migration_unlock(conn: &mut PgConnection) -> diesel::QueryResult<()> {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("SELECT pg_advisory_unlock(7382909717413898610)")
    }

    // A standby that has replayed everything it received is current, however long ago the
    // primary last committed (`now() - pg_last_xact_replay_timestamp()` alone would call an
    // idle pair lagging); otherwise the age of the last transaction it replayed is how far
    // behind its readers are. On a primary (`pg_is_in_recovery()` false) the lag is zero.
    fn replica_lag(conn: &mut PgConnection) -> Option<diesel::QueryResult<std::time::Duration>> {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Lag {
            #[diesel(sql_type = diesel::sql_types::Double)]
            seconds: f64,
        }
        const LAG: &str = "SELECT CASE \
             WHEN NOT pg_is_in_recovery() THEN 0 \
             WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 \
             ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) \
             END::float8 AS seconds";
        Some(
            diesel::sql_query(LAG)
                .get_result::<Lag>(conn)
                // A clock behind the primary's can make the age negative (`max` also turns
                // a NaN into 0); an age too large for a `Duration` is as good as infinite.
                .map(|lag| {
                    std::time::Duration::try_from_secs_f64(lag.seconds.max(0.0))
                        .unwrap_or(std::time::Duration::MAX)
                }),
        )
    }
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
