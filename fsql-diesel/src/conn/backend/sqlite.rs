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
use diesel::query_builder::AstPass;
#[cfg(feature = "sqlite")]
use fsql_core::value::Value;

#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
impl FsqlBackend for Sqlite {
    type Conn = SqliteConnection;
    const KIND: crate::conn::url::BackendKind = crate::conn::url::BackendKind::Sqlite;

    // -1 is "no limit".
    const NO_LIMIT: &'static str = "-1";

    // SQLite types values, not columns: each value comes back in the storage class it was
    // stored in, whatever the column's declared type.
    fn read_value(
        raw: Option<diesel::sqlite::SqliteValue<'_, '_, '_>>,
    ) -> diesel::deserialize::Result<Value> {
        use diesel::deserialize::FromSql;
        use diesel::sql_types::{BigInt, Binary, Double, Text};
        use diesel::sqlite::SqliteType;
        let Some(raw) = raw else {
            return Ok(Value::Null);
        };
        Ok(match raw.value_type() {
            None => Value::Null,
            Some(SqliteType::SmallInt | SqliteType::Integer | SqliteType::Long) => {
                Value::Int(<i64 as FromSql<BigInt, Sqlite>>::from_sql(raw)?)
            }
            Some(SqliteType::Float | SqliteType::Double) => {
                Value::Float(<f64 as FromSql<Double, Sqlite>>::from_sql(raw)?)
            }
            Some(SqliteType::Text) => {
                Value::Text(<String as FromSql<Text, Sqlite>>::from_sql(raw)?)
            }
            Some(SqliteType::Binary) => {
                Value::Bytes(<Vec<u8> as FromSql<Binary, Sqlite>>::from_sql(raw)?)
            }
        })
    }

    // Every value already arrives in a storage class `read_value` reads.
    fn push_as_text(out: &mut AstPass<'_, '_, Sqlite>, column: &str) -> diesel::QueryResult<()> {
        out.push_identifier(column)
    }

    fn push_value<'b>(
        out: &mut AstPass<'_, 'b, Sqlite>,
        value: &'b Value,
        _raw_type: &'b str,
    ) -> diesel::QueryResult<()> {
        super::push_value_param(out, value)
    }
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
