//! [`Uuid`] columns (a `uuid::Uuid`): PostgreSQL's `UUID`, and elsewhere the 32 lower-case hex digits
//! SQLAlchemy's `Uuid` stores in a `CHAR(32)`. Reading accepts any form `Uuid::try_parse`
//! does (hyphenated too) and 16 raw bytes, so rows other programs wrote read back.

use super::{column_value, newtype, ColumnValue, Uuid as UuidSql};
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, IsNull, Output, ToSql};
use fsql_core::ColumnType;

newtype! {
    /// A `uuid::Uuid` column: `UUID` on PostgreSQL, 32 hex digits in a `CHAR(32)` elsewhere
    /// (SQLAlchemy's `Uuid`). Derefs to the `uuid::Uuid`; `From` converts both ways; feature
    /// `uuid`, which also re-exports the crate as `fsql::uuid`.
    ///
    /// A newtype because only Diesel and the uuid crate may say how `uuid::Uuid` itself is
    /// bound.
    ///
    /// ```
    /// use fsql::prelude::*;
    /// use fsql::Uuid;
    ///
    /// #[derive(Model, Debug, Clone, PartialEq)]
    /// pub struct Device {
    ///     #[fsql(primary_key)]
    ///     pub id: Uuid,
    ///     pub name: String,
    /// }
    ///
    /// # fn main() -> fsql::Result<()> {
    /// let db = Database::builder().url("sqlite://").build()?;
    /// db.create_all()?;
    /// let id = Uuid(fsql::uuid::Uuid::from_u128(0x1234));
    /// Device { id, name: "sensor".into() }.insert(&db)?;
    /// assert_eq!(Device::query().get(&db, id)?.unwrap().name, "sensor");
    /// # Ok(())
    /// # }
    /// ```
    #[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
    Uuid(uuid::Uuid)
}

impl ColumnValue for Uuid {
    type SqlType = UuidSql;
    const COLUMN_TYPE: ColumnType = ColumnType::Uuid;
}

column_value!(UuidSql, [] Uuid);

/// Keyset pages by a UUID key (time-ordered UUIDs, version 7, page in insertion order).
impl fsql_core::CursorKey for Uuid {
    fn encode(&self, out: &mut Vec<u8>) {
        fsql_core::CursorKey::encode(&self.0.as_u128(), out);
    }
    fn decode(input: &mut &[u8]) -> Option<Self> {
        <u128 as fsql_core::CursorKey>::decode(input).map(|v| Self(uuid::Uuid::from_u128(v)))
    }
}

/// A UUID stored as text or as 16 bytes.
#[cfg(any(feature = "sqlite", feature = "mysql"))]
fn parse(bytes: &[u8]) -> deserialize::Result<Uuid> {
    if bytes.len() == 16 {
        return Ok(Uuid(uuid::Uuid::from_slice(bytes)?));
    }
    let text = std::str::from_utf8(bytes)?;
    uuid::Uuid::try_parse(text.trim())
        .map(Uuid)
        .map_err(|e| format!("`{text}` is not a UUID: {e}").into())
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use diesel::sql_types::Binary;
    use diesel::sqlite::{Sqlite, SqliteValue};

    impl ToSql<UuidSql, Sqlite> for Uuid {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
            out.set_value(self.simple().to_string());
            Ok(IsNull::No)
        }
    }

    impl FromSql<UuidSql, Sqlite> for Uuid {
        fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
            parse(&<Vec<u8> as FromSql<Binary, Sqlite>>::from_sql(value)?)
        }
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use diesel::pg::{Pg, PgValue};
    use std::io::Write;

    impl ToSql<UuidSql, Pg> for Uuid {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
            out.write_all(self.as_bytes())?;
            Ok(IsNull::No)
        }
    }

    impl FromSql<UuidSql, Pg> for Uuid {
        fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
            Ok(Uuid(uuid::Uuid::from_slice(value.as_bytes())?))
        }
    }
}

#[cfg(feature = "mysql")]
mod mysql {
    use super::*;
    use diesel::mysql::{Mysql, MysqlValue};
    use std::io::Write;

    impl ToSql<UuidSql, Mysql> for Uuid {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
            let mut buf = [0u8; uuid::fmt::Simple::LENGTH];
            out.write_all(self.simple().encode_lower(&mut buf).as_bytes())?;
            Ok(IsNull::No)
        }
    }

    impl FromSql<UuidSql, Mysql> for Uuid {
        fn from_sql(value: MysqlValue<'_>) -> deserialize::Result<Self> {
            parse(value.as_bytes())
        }
    }
}
