//! `Json<T>`: any serde type as a JSON column, SQLAlchemy's `JSON` (and the counterpart of
//! its `PickleType`, whose pickles only Python can read).

use std::fmt;
use std::ops::{Deref, DerefMut};

use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, IsNull, Output, ToSql};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{column_value, ColumnValue, Json as JsonSql};
use fsql_core::ColumnType;

/// A field stored as a JSON document: `JSONB` on PostgreSQL, `JSON` on MySQL and MariaDB,
/// `TEXT` on SQLite. `T` is any serde type; a value that does not serialize, or a stored
/// document that does not deserialize into `T`, is an error naming `T`, never a default.
///
/// The counterpart of SQLAlchemy's `JSON`, and of its `PickleType`: store the object as JSON
/// (readable from any language) rather than as a Python pickle.
///
/// ```
/// use fsql::prelude::*;
/// use fsql::Json;
///
/// #[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Default)]
/// pub struct Profile {
///     pub bio: String,
///     pub links: Vec<String>,
/// }
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// pub struct Member {
///     #[fsql(primary_key)]
///     pub id: i32,
///     pub profile: Json<Profile>,
///     pub settings: Option<Json<serde_json::Value>>,
/// }
///
/// # fn main() -> fsql::Result<()> {
/// let db = Database::builder().url("sqlite://").build()?;
/// db.create_all()?;
/// let profile = Profile { bio: "hi".into(), links: vec!["https://example.org".into()] };
/// let member = Member { id: 0, profile: Json(profile), settings: None }.insert(&db)?;
/// let found = Member::query().get(&db, member.id)?.unwrap();
/// assert_eq!(found.profile.links.len(), 1); // `Json<T>` derefs to `T`
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The value inside.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Json<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

// Shown as the value itself: recorded queries print bound values with `Debug`.
impl<T: fmt::Debug> fmt::Debug for Json<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: Serialize> Serialize for Json<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Json<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Self)
    }
}

impl<T> ColumnValue for Json<T> {
    type SqlType = JsonSql;
    const COLUMN_TYPE: ColumnType = ColumnType::Json;
}

column_value!(JsonSql, [T] Json<T>);

fn encode_error<T>(e: serde_json::Error) -> Box<dyn std::error::Error + Send + Sync> {
    format!(
        "cannot store a `{}` as JSON: {e}",
        std::any::type_name::<T>()
    )
    .into()
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> deserialize::Result<Json<T>> {
    serde_json::from_slice(bytes).map(Json).map_err(|e| {
        format!(
            "the stored JSON does not read as a `{}`: {e}",
            std::any::type_name::<T>()
        )
        .into()
    })
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use diesel::sqlite::Sqlite;

    impl<T: Serialize + fmt::Debug> ToSql<JsonSql, Sqlite> for Json<T> {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
            out.set_value(serde_json::to_string(&self.0).map_err(encode_error::<T>)?);
            Ok(IsNull::No)
        }
    }

    impl<T: DeserializeOwned> FromSql<JsonSql, Sqlite> for Json<T> {
        fn from_sql(value: diesel::sqlite::SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
            let text = <String as FromSql<diesel::sql_types::Text, Sqlite>>::from_sql(value)?;
            decode(text.as_bytes())
        }
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use diesel::pg::{Pg, PgValue};
    use std::io::Write;

    /// `jsonb`'s OID; a `json` column (what SQLAlchemy creates) sends plain text instead.
    const JSONB_OID: u32 = 3802;
    /// The one binary format version of `jsonb`.
    const JSONB_VERSION: u8 = 1;

    impl<T: Serialize + fmt::Debug> ToSql<JsonSql, Pg> for Json<T> {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
            out.write_all(&[JSONB_VERSION])?;
            serde_json::to_writer(out, &self.0).map_err(encode_error::<T>)?;
            Ok(IsNull::No)
        }
    }

    impl<T: DeserializeOwned> FromSql<JsonSql, Pg> for Json<T> {
        fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
            let bytes = value.as_bytes();
            if value.get_oid().get() != JSONB_OID {
                return decode(bytes);
            }
            match bytes.split_first() {
                Some((&JSONB_VERSION, document)) => decode(document),
                _ => Err("unsupported jsonb binary format version".into()),
            }
        }
    }
}

#[cfg(feature = "mysql")]
mod mysql {
    use super::*;
    use diesel::mysql::{Mysql, MysqlValue};

    impl<T: Serialize + fmt::Debug> ToSql<JsonSql, Mysql> for Json<T> {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
            serde_json::to_writer(out, &self.0).map_err(encode_error::<T>)?;
            Ok(IsNull::No)
        }
    }

    impl<T: DeserializeOwned> FromSql<JsonSql, Mysql> for Json<T> {
        fn from_sql(value: MysqlValue<'_>) -> deserialize::Result<Self> {
            decode(value.as_bytes())
        }
    }
}
