//! [`UtcDateTime`]: a `chrono::DateTime<Utc>` as a timezone-aware column (SQLAlchemy's
//! `DateTime(timezone=True)`).
//!
//! Only PostgreSQL stores a zone; elsewhere the value is stored in UTC, in the same form as a
//! `NaiveDateTime` column (so the two compare and sort alike, and rows a Python app wrote
//! with naive UTC times read back), and read back as UTC. A stored text with an offset
//! (`2026-12-07 10:00:00+02:00`, what Diesel's own SQLite type writes) is converted to UTC.

use chrono::{DateTime, Utc};
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, IsNull, Output, ToSql};

use super::{column_value, newtype, ColumnValue, TimestampTz};
use fsql_core::ColumnType;

newtype! {
    /// A `chrono::DateTime<Utc>` column: `TIMESTAMP WITH TIME ZONE` on PostgreSQL, the UTC time
    /// in a `DATETIME(6)` on MySQL and in text on SQLite (SQLAlchemy's
    /// `DateTime(timezone=True)`). Derefs to the `DateTime<Utc>`; `From` converts both ways.
    ///
    /// A newtype because only Diesel and chrono may say how `DateTime<Utc>` itself is bound.
    ///
    /// ```
    /// use fsql::prelude::*;
    /// use fsql::UtcDateTime;
    ///
    /// #[derive(Model, Debug, Clone, PartialEq)]
    /// pub struct Event {
    ///     #[fsql(primary_key)]
    ///     pub id: i32,
    ///     pub at: UtcDateTime,
    /// }
    ///
    /// # fn main() -> fsql::Result<()> {
    /// let db = Database::builder().url("sqlite://").build()?;
    /// db.create_all()?;
    /// let now = chrono::Utc::now();
    /// Event { id: 0, at: now.into() }.insert(&db)?;
    /// let past = Event::query().filter(Event::at.le(UtcDateTime(now))).count(&db)?;
    /// assert_eq!(past, 1);
    /// # Ok(())
    /// # }
    /// ```
    #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    UtcDateTime(DateTime<Utc>)
}

impl ColumnValue for UtcDateTime {
    type SqlType = TimestampTz;
    const COLUMN_TYPE: ColumnType = ColumnType::TimestampTz;
}

column_value!(TimestampTz, [] UtcDateTime);

/// Keyset pages by a zoned time ("newest first"), as by a `DateTime<Utc>`.
impl fsql_core::CursorKey for UtcDateTime {
    fn encode(&self, out: &mut Vec<u8>) {
        fsql_core::CursorKey::encode(&self.0, out);
    }
    fn decode(input: &mut &[u8]) -> Option<Self> {
        <DateTime<Utc> as fsql_core::CursorKey>::decode(input).map(Self)
    }
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use diesel::sql_types::TimestamptzSqlite;
    use diesel::sqlite::{Sqlite, SqliteValue};

    impl ToSql<TimestampTz, Sqlite> for UtcDateTime {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
            // Diesel's format for `NaiveDateTime` on SQLite.
            out.set_value(self.0.naive_utc().format("%F %T%.f").to_string());
            Ok(IsNull::No)
        }
    }

    impl FromSql<TimestampTz, Sqlite> for UtcDateTime {
        fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
            <DateTime<Utc> as FromSql<TimestamptzSqlite, Sqlite>>::from_sql(value).map(Self)
        }
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use diesel::pg::{Pg, PgValue};
    use diesel::sql_types::Timestamptz;

    impl ToSql<TimestampTz, Pg> for UtcDateTime {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
            <DateTime<Utc> as ToSql<Timestamptz, Pg>>::to_sql(&self.0, out)
        }
    }

    impl FromSql<TimestampTz, Pg> for UtcDateTime {
        fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
            <DateTime<Utc> as FromSql<Timestamptz, Pg>>::from_sql(value).map(Self)
        }
    }
}

#[cfg(feature = "mysql")]
mod mysql {
    use super::*;
    use chrono::NaiveDateTime;
    use diesel::mysql::{Mysql, MysqlValue};
    use diesel::sql_types::Datetime;

    impl ToSql<TimestampTz, Mysql> for UtcDateTime {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
            let utc = self.0.naive_utc();
            super::super::datetime_value::mysql::in_range(&utc)?;
            <NaiveDateTime as ToSql<Datetime, Mysql>>::to_sql(&utc, &mut out.reborrow())
        }
    }

    impl FromSql<TimestampTz, Mysql> for UtcDateTime {
        fn from_sql(value: MysqlValue<'_>) -> deserialize::Result<Self> {
            <NaiveDateTime as FromSql<Datetime, Mysql>>::from_sql(value).map(|t| Self(t.and_utc()))
        }
    }
}
