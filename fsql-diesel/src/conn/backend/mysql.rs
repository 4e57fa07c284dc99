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
use diesel::query_builder::AstPass;
#[cfg(feature = "mysql")]
use fsql_core::value::Value;

#[cfg(feature = "mysql")]
#[cfg_attr(docsrs, doc(cfg(feature = "mysql")))]
impl FsqlBackend for Mysql {
    type Conn = MysqlConnection;
    const KIND: crate::conn::url::BackendKind = crate::conn::url::BackendKind::Mysql;

    // the largest unsigned 64-bit number, as MySQL documents.
    const NO_LIMIT: &'static str = "18446744073709551615";

    // By the type the client library reports for the result column: dates and times arrive
    // as binary MYSQL_TIME structs, so a reflected table's select casts those (and decimals,
    // JSON, enums) to text first.
    fn read_value(
        raw: Option<diesel::mysql::MysqlValue<'_>>,
    ) -> diesel::deserialize::Result<Value> {
        use diesel::deserialize::FromSql;
        use diesel::mysql::MysqlType;
        use diesel::sql_types::{BigInt, Binary, Double, Text, Unsigned};
        let Some(raw) = raw else {
            return Ok(Value::Null);
        };
        Ok(match raw.value_type() {
            MysqlType::Tiny
            | MysqlType::UnsignedTiny
            | MysqlType::Short
            | MysqlType::UnsignedShort
            | MysqlType::Long
            | MysqlType::UnsignedLong
            | MysqlType::LongLong => Value::Int(<i64 as FromSql<BigInt, Mysql>>::from_sql(raw)?),
            // Above i64::MAX only as its digits: never a wrapped negative number.
            MysqlType::UnsignedLongLong => {
                let n = <u64 as FromSql<Unsigned<BigInt>, Mysql>>::from_sql(raw)?;
                i64::try_from(n).map_or_else(|_| Value::Text(n.to_string()), Value::Int)
            }
            MysqlType::Float | MysqlType::Double => {
                Value::Float(<f64 as FromSql<Double, Mysql>>::from_sql(raw)?)
            }
            MysqlType::Blob => Value::Bytes(<Vec<u8> as FromSql<Binary, Mysql>>::from_sql(raw)?),
            MysqlType::String | MysqlType::Enum | MysqlType::Set | MysqlType::Numeric => {
                Value::Text(<String as FromSql<Text, Mysql>>::from_sql(raw)?)
            }
            other => {
                return Err(
                    format!("a MySQL value of type {other:?} has no fsql Value shape").into(),
                )
            }
        })
    }

    fn push_as_text(out: &mut AstPass<'_, '_, Mysql>, column: &str) -> diesel::QueryResult<()> {
        out.push_sql("CAST(");
        out.push_identifier(column)?;
        out.push_sql(" AS CHAR)");
        Ok(())
    }

    // MySQL converts a parameter to the column's type itself.
    fn push_value<'b>(
        out: &mut AstPass<'_, 'b, Mysql>,
        value: &'b Value,
        _raw_type: &'b str,
    ) -> diesel::QueryResult<()> {
        super::push_value_param(out, value)
    }

    // A named user lock, released when the session ends too. GET_LOCK answers 1 when taken,
    // 0 after the timeout, NULL on an error; the wait is long, as a migration can be.
    fn migration_lock(conn: &mut MysqlConnection) -> diesel::QueryResult<()> {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Got {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Integer>)]
            got: Option<i32>,
        }
        let got: Got = diesel::sql_query("SELECT GET_LOCK('fsql_migrations', 3600) AS got")
            .get_result(conn)?;
        if got.got == Some(1) {
            Ok(())
        } else {
            Err(diesel::result::Error::QueryBuilderError(
                "another process held the migration lock `fsql_migrations` for an hour".into(),
            ))
        }
    }

    fn migration_unlock(conn: &mut MysqlConnection) -> diesel::QueryResult<()> {
        use diesel::RunQueryDsl;
        diesel::sql_query("DO RELEASE_LOCK('fsql_migrations')")
            .execute(conn)
            .map(drop)
    }
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

#[cfg(feature = "mysql")]
thread_local! {
    /// Inside [`with_key_settings_cached`]: the answer of the batch's first check, once asked.
    static KEY_SETTINGS: std::cell::Cell<Option<Option<bool>>> = const { std::cell::Cell::new(None) };
}

/// Runs `f`, the chunks of one multi-row insert on one connection, checking the key settings
/// once for all of them: nothing runs between the chunks that could change the session's
/// `auto_increment_increment` (`innodb_autoinc_lock_mode` is fixed at server start).
#[cfg(feature = "mysql")]
pub(crate) fn with_key_settings_cached<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Option<bool>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            KEY_SETTINGS.with(|k| k.set(self.0));
        }
    }
    let _restore = Restore(KEY_SETTINGS.with(|k| k.replace(Some(None))));
    f()
}

/// MySQL: whether a multi-row insert gives consecutive keys on this connection.
#[cfg(feature = "mysql")]
#[doc(hidden)]
pub fn mysql_consecutive_keys(conn: &mut MysqlConnection) -> fsql_core::Result<bool> {
    let cached = KEY_SETTINGS.with(|k| k.get());
    if let Some(Some(answer)) = cached {
        return Ok(answer);
    }
    let answer = check_key_settings(conn)?;
    if cached.is_some() {
        KEY_SETTINGS.with(|k| k.set(Some(Some(answer))));
    }
    Ok(answer)
}

#[cfg(feature = "mysql")]
fn check_key_settings(conn: &mut MysqlConnection) -> fsql_core::Result<bool> {
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
