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
use diesel::query_builder::AstPass;
#[cfg(feature = "postgres")]
use fsql_core::value::Value;

#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
impl FsqlBackend for Pg {
    type Conn = PgConnection;
    const KIND: crate::conn::url::BackendKind = crate::conn::url::BackendKind::Postgres;

    // `LIMIT ALL`.
    const NO_LIMIT: &'static str = "ALL";

    // By the value's type OID (pg_type.dat): the result columns a reflected table's select
    // leaves in their own type; everything else it casts to text.
    fn read_value(raw: Option<diesel::pg::PgValue<'_>>) -> diesel::deserialize::Result<Value> {
        use diesel::deserialize::FromSql;
        use diesel::sql_types::{BigInt, Binary, Bool, Double, Float, Integer, SmallInt, Text};
        let Some(raw) = raw else {
            return Ok(Value::Null);
        };
        Ok(match raw.get_oid().get() {
            16 => Value::Bool(<bool as FromSql<Bool, Pg>>::from_sql(raw)?),
            20 => Value::Int(<i64 as FromSql<BigInt, Pg>>::from_sql(raw)?),
            21 => Value::Int(<i16 as FromSql<SmallInt, Pg>>::from_sql(raw)?.into()),
            23 => Value::Int(<i32 as FromSql<Integer, Pg>>::from_sql(raw)?.into()),
            700 => Value::Float(<f32 as FromSql<Float, Pg>>::from_sql(raw)?.into()),
            701 => Value::Float(<f64 as FromSql<Double, Pg>>::from_sql(raw)?),
            17 => Value::Bytes(<Vec<u8> as FromSql<Binary, Pg>>::from_sql(raw)?),
            // text, varchar, bpchar, name, unknown
            25 | 1043 | 1042 | 19 | 705 => {
                Value::Text(<String as FromSql<Text, Pg>>::from_sql(raw)?)
            }
            oid => {
                return Err(
                    format!("a value of PostgreSQL type OID {oid} has no fsql Value shape").into(),
                )
            }
        })
    }

    fn push_as_text(out: &mut AstPass<'_, '_, Pg>, column: &str) -> diesel::QueryResult<()> {
        out.push_sql("CAST(");
        out.push_identifier(column)?;
        out.push_sql(" AS TEXT)");
        Ok(())
    }

    // PostgreSQL types parameters strictly (a text parameter is not a timestamp, an int8 not a
    // boolean), so each value is cast to the column's type as the catalog spells it
    // (`format_type`, already quoted where it needs to be); a value of the wrong kind fails
    // with PostgreSQL's own message rather than being stored as something else.
    fn push_value<'b>(
        out: &mut AstPass<'_, 'b, Pg>,
        value: &'b Value,
        raw_type: &'b str,
    ) -> diesel::QueryResult<()> {
        out.push_sql("CAST(");
        super::push_value_param(out, value)?;
        out.push_sql(" AS ");
        out.push_sql(raw_type);
        out.push_sql(")");
        Ok(())
    }

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
