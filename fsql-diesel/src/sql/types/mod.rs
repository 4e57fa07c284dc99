//! The column types fsql adds to Diesel's, and [`ColumnValue`], the trait that makes a Rust
//! type a column.
//!
//! `#[derive(Model)]` maps fsql's built-in scalars (`i32`, `String`, `chrono::NaiveDateTime`
//! ..., and fsql's `Json<T>`, `UtcDateTime`, `Uuid`, `Decimal`) by their names, which costs
//! nothing to compile. Every other field type goes through [`ColumnValue`], which gives its DDL
//! and the SQL type its values are bound and read as: every `#[derive(fsql::Enum)]`, and a
//! user's own types.
//!
//! The SQL types here ([`Json`], [`TimestampTz`], [`Uuid`], [`Decimal`]) exist because Diesel's
//! differ per backend (`Jsonb` is PostgreSQL's only, `Timestamptz` has no MySQL counterpart):
//! each is one type on every backend, bound and read the way that backend stores it, so a model
//! compiles once for all of them. The Rust types for the last three are newtypes, because
//! Diesel's coherence rules let only Diesel and a type's own crate bind `uuid::Uuid` itself.

mod datetime_value;
#[cfg(feature = "decimal")]
pub mod decimal;
#[doc(hidden)]
pub mod enumeration;
pub mod json;
#[cfg(feature = "chrono")]
pub mod timestamptz;
#[cfg(feature = "uuid")]
pub mod uuid;

pub use datetime_value::DateTimeValue;

sql_type! {
    /// A date and time with zone, stored in UTC: `TIMESTAMP WITH TIME ZONE` on PostgreSQL,
    /// `DATETIME(6)` on MySQL, text on SQLite. The column type of [`UtcDateTime`](timestamptz::UtcDateTime).
    TimestampTz { sqlite: diesel::sql_types::Timestamp, postgres: diesel::sql_types::Timestamptz, mysql: diesel::sql_types::Datetime }
}

sql_type! {
    /// A UUID: `UUID` on PostgreSQL, 32 hex digits (`CHAR(32)`) elsewhere, as SQLAlchemy's
    /// `Uuid` stores it. The column type of [`fsql::Uuid`](uuid::Uuid).
    Uuid { sqlite: diesel::sql_types::Text, postgres: diesel::sql_types::Uuid, mysql: diesel::sql_types::Text }
}

sql_type! {
    /// A fixed-point decimal, `NUMERIC(p, s)`: exact on PostgreSQL and MySQL; on SQLite bound
    /// as text, which SQLite keeps exact up to 15 significant digits (more is an error). The
    /// column type of [`fsql::Decimal`](decimal::Decimal).
    Decimal { sqlite: diesel::sql_types::Text, postgres: diesel::sql_types::Numeric, mysql: diesel::sql_types::Numeric }
}

// Arithmetic in SQL on decimal columns (`Price::amount + Price::tax`); `diesel::table!` asks
// for it by the type's name.
macro_rules! decimal_arithmetic {
    ($($op:ident),*) => {$(
        impl diesel::sql_types::ops::$op for Decimal {
            type Rhs = Decimal;
            type Output = Decimal;
        }
    )*};
}
decimal_arithmetic!(Add, Sub, Mul, Div);

sql_type! {
    /// A JSON document: `JSONB` on PostgreSQL, `JSON` on MySQL, `TEXT` on SQLite. The column
    /// type of [`fsql::Json<T>`](json::Json).
    Json { sqlite: diesel::sql_types::Text, postgres: diesel::sql_types::Jsonb, mysql: diesel::sql_types::Text }
}

use fsql_core::ColumnType;

/// A Rust type a model field can have: its Diesel SQL type and the column type `create_all`
/// creates.
///
/// Implement it for a type of your own, beside Diesel's `ToSql`/`FromSql` and `AsExpression`
/// for the same SQL type (what any Diesel column type needs), and use the type as a field:
///
/// ```
/// use diesel::deserialize::{self, FromSql};
/// use diesel::serialize::{self, Output, ToSql};
/// use diesel::sql_types::Text;
/// use fsql::prelude::*;
///
/// /// An e-mail address, stored lower-cased.
/// #[derive(Debug, Clone, PartialEq, diesel::AsExpression, diesel::FromSqlRow)]
/// #[diesel(sql_type = Text)]
/// pub struct Email(String);
///
/// impl fsql::ColumnValue for Email {
///     type SqlType = Text;
///     const COLUMN_TYPE: fsql::ColumnType = fsql::ColumnType::Varchar(320);
/// }
///
/// impl<DB: diesel::backend::Backend> ToSql<Text, DB> for Email
/// where
///     String: ToSql<Text, DB>,
/// {
///     fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
///         self.0.to_sql(out)
///     }
/// }
///
/// impl<DB: diesel::backend::Backend> FromSql<Text, DB> for Email
/// where
///     String: FromSql<Text, DB>,
/// {
///     fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
///         Ok(Email(String::from_sql(bytes)?.to_lowercase()))
///     }
/// }
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// pub struct Subscriber {
///     #[fsql(primary_key)]
///     pub id: i32,
///     pub email: Email,
///     pub backup: Option<Email>,
/// }
///
/// # fn main() -> fsql::Result<()> {
/// let db = Database::builder().url("sqlite://").build()?;
/// db.create_all()?;
/// let row = Subscriber { id: 0, email: Email("a@b.c".into()), backup: None }.insert(&db)?;
/// let found = Subscriber::query().filter(Subscriber::email.eq(Email("a@b.c".into()))).first(&db)?;
/// assert_eq!(found, Some(row));
/// # Ok(())
/// # }
/// ```
///
/// A type spelled differently per backend gives [`ColumnType::PerDialect`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a model column: fsql does not know its SQL type",
    label = "not a column type",
    note = "fsql maps i16, i32, i64, f32, f64, bool, String, Vec<u8>, chrono's NaiveDate, \
            NaiveTime, NaiveDateTime and DateTime<Utc> (feature `chrono`), fsql::Json<T>, \
            uuid::Uuid (feature `uuid`), bigdecimal::BigDecimal (feature `decimal`), and \
            Option<T> of these",
    note = "for an enum add #[derive(fsql::Enum)]; for any serde type use fsql::Json<T>; for a \
            type of your own implement fsql::ColumnValue, or give the field \
            #[fsql(sql_type = .., ddl_type = \"..\")]"
)]
pub trait ColumnValue {
    /// The Diesel SQL type of a NOT NULL column (an `Option` field makes it `Nullable`).
    type SqlType: diesel::sql_types::SqlType + diesel::sql_types::SingleValue;
    /// The column type in DDL, rendered per dialect by `create_all`.
    const COLUMN_TYPE: ColumnType;
}

/// Generated code's check that a column's declared SQL type (`Text`, or the field's
/// `sql_type = ..`) is the one its type's [`ColumnValue`] binds and reads.
#[doc(hidden)]
pub fn same_sql_type<Stored: SameSqlType<Declared>, Declared>() {}

/// `Self` and `Declared` are the same type.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "the column is declared as `{Declared}` in SQL, but the field's type is stored as \
               `{Self}` (its `ColumnValue::SqlType`)",
    label = "stored as `{Self}`",
    note = "a field whose type fsql does not know by name is `Text` unless it says otherwise: \
            give it #[fsql(sql_type = ..)] with its ColumnValue's SqlType"
)]
pub trait SameSqlType<Declared> {}
impl<T> SameSqlType<T> for T {}

/// A newtype around a type of another crate, so that it can be a column: Diesel's coherence
/// rules let only Diesel and the type's own crate say how a foreign type is bound
/// (`AsExpression`), so fsql binds its own type that derefs to it. Transparent in `Debug` and
/// `Display`, convertible both ways with `From`.
#[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
macro_rules! newtype {
    ($(#[$doc:meta])* $name:ident($inner:ty)) => {
        $(#[$doc])*
        pub struct $name(pub $inner);

        impl $name {
            /// The value inside.
            pub fn into_inner(self) -> $inner {
                self.0
            }
        }

        impl From<$inner> for $name {
            fn from(value: $inner) -> Self {
                Self(value)
            }
        }

        impl From<$name> for $inner {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = $inner;
            fn deref(&self) -> &$inner {
                &self.0
            }
        }

        impl std::ops::DerefMut for $name {
            fn deref_mut(&mut self) -> &mut $inner {
                &mut self.0
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&self.0, f)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.0, f)
            }
        }
    };
}

/// Declares an SQL type of fsql's own, with the Diesel type whose metadata each backend binds
/// it as, and its place in `AnyConnection`'s `MultiBackend`.
macro_rules! sql_type {
    (
        $(#[$doc:meta])*
        $name:ident { sqlite: $sqlite:ty, postgres: $pg:ty, mysql: $mysql:ty $(,)? }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId)]
        pub struct $name;

        #[cfg(feature = "sqlite")]
        impl diesel::sql_types::HasSqlType<$name> for diesel::sqlite::Sqlite {
            fn metadata(lookup: &mut Self::MetadataLookup) -> Self::TypeMetadata {
                <Self as diesel::sql_types::HasSqlType<$sqlite>>::metadata(lookup)
            }
        }

        #[cfg(feature = "postgres")]
        impl diesel::sql_types::HasSqlType<$name> for diesel::pg::Pg {
            fn metadata(lookup: &mut Self::MetadataLookup) -> Self::TypeMetadata {
                <Self as diesel::sql_types::HasSqlType<$pg>>::metadata(lookup)
            }
        }

        #[cfg(feature = "mysql")]
        impl diesel::sql_types::HasSqlType<$name> for diesel::mysql::Mysql {
            fn metadata(lookup: &mut Self::MetadataLookup) -> Self::TypeMetadata {
                <Self as diesel::sql_types::HasSqlType<$mysql>>::metadata(lookup)
            }
        }

        impl diesel::sql_types::HasSqlType<$name> for crate::conn::backend::MultiBackend {
            fn metadata(lookup: &mut Self::MetadataLookup) -> Self::TypeMetadata {
                Self::lookup_sql_type::<$name>(lookup)
            }
        }
    };
}

/// `AsExpression` to an fsql SQL type for a value type, by value and by reference, NOT NULL
/// and nullable (what Diesel's `AsExpression` derive gives a type of one's own); and the
/// `MultiBackend` conversions that forward to the connection's own backend.
macro_rules! column_value {
    ($sql:ty, [$($gen:tt)*] $value:ty $(where $($bound:tt)+)?) => {
        impl<$($gen)*> diesel::expression::AsExpression<$sql> for $value $(where $($bound)+)? {
            type Expression = diesel::internal::derives::as_expression::Bound<$sql, Self>;
            fn as_expression(self) -> Self::Expression {
                diesel::internal::derives::as_expression::Bound::new(self)
            }
        }
        impl<'__a, $($gen)*> diesel::expression::AsExpression<$sql> for &'__a $value $(where $($bound)+)? {
            type Expression = diesel::internal::derives::as_expression::Bound<$sql, Self>;
            fn as_expression(self) -> Self::Expression {
                diesel::internal::derives::as_expression::Bound::new(self)
            }
        }
        impl<$($gen)*> diesel::expression::AsExpression<diesel::sql_types::Nullable<$sql>> for $value $(where $($bound)+)? {
            type Expression = diesel::internal::derives::as_expression::Bound<diesel::sql_types::Nullable<$sql>, Self>;
            fn as_expression(self) -> Self::Expression {
                diesel::internal::derives::as_expression::Bound::new(self)
            }
        }
        impl<'__a, $($gen)*> diesel::expression::AsExpression<diesel::sql_types::Nullable<$sql>> for &'__a $value $(where $($bound)+)? {
            type Expression = diesel::internal::derives::as_expression::Bound<diesel::sql_types::Nullable<$sql>, Self>;
            fn as_expression(self) -> Self::Expression {
                diesel::internal::derives::as_expression::Bound::new(self)
            }
        }
        // A NOT NULL value compared with or written to a nullable column.
        impl<__DB, $($gen)*> diesel::serialize::ToSql<diesel::sql_types::Nullable<$sql>, __DB> for $value
        where
            __DB: diesel::backend::Backend,
            Self: diesel::serialize::ToSql<$sql, __DB>,
            $($($bound)+)?
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, __DB>,
            ) -> diesel::serialize::Result {
                diesel::serialize::ToSql::<$sql, __DB>::to_sql(self, out)
            }
        }
        // Diesel's `FromSqlRow` derive: a row of one value reads as the value.
        impl<__DB, __ST, $($gen)*> diesel::deserialize::Queryable<__ST, __DB> for $value
        where
            __DB: diesel::backend::Backend,
            __ST: diesel::sql_types::SingleValue,
            Self: diesel::deserialize::FromSql<__ST, __DB>,
            $($($bound)+)?
        {
            type Row = Self;
            fn build(row: Self) -> diesel::deserialize::Result<Self> {
                Ok(row)
            }
        }
        impl<$($gen)*> diesel::serialize::ToSql<$sql, crate::conn::backend::MultiBackend> for $value
        where
            Self: std::any::Any + Send + Sync + crate::sql::types::OnEveryBackend<$sql>,
            $($($bound)+)?
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, crate::conn::backend::MultiBackend>,
            ) -> diesel::serialize::Result {
                out.set_value((<$sql>::default(), self));
                Ok(diesel::serialize::IsNull::No)
            }
        }
        impl<$($gen)*> diesel::deserialize::FromSql<$sql, crate::conn::backend::MultiBackend> for $value
        where
            Self: crate::sql::types::OnEveryBackend<$sql>,
            $($($bound)+)?
        {
            fn from_sql(
                bytes: <crate::conn::backend::MultiBackend as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                bytes.from_sql::<Self, $sql>()
            }
        }
    };
}

#[cfg(any(feature = "chrono", feature = "uuid", feature = "decimal"))]
pub(crate) use newtype;
pub(crate) use {column_value, sql_type};

/// `ToSql` and `FromSql` for `ST` on every compiled-in backend: what `AnyConnection`'s
/// `MultiBackend` forwards a value to.
#[doc(hidden)]
pub trait OnEveryBackend<ST>: OnSqlite<ST> + OnPostgres<ST> + OnMysql<ST> {}
impl<ST, T: OnSqlite<ST> + OnPostgres<ST> + OnMysql<ST>> OnEveryBackend<ST> for T {}

/// For each backend, "`T` converts to and from `ST`" when the backend's feature is on and
/// nothing at all when it is off.
macro_rules! converts_on {
    ($feature:literal, $on:ident, $db:ty) => {
        #[cfg(feature = $feature)]
        #[doc(hidden)]
        pub trait $on<ST>:
            diesel::serialize::ToSql<ST, $db> + diesel::deserialize::FromSql<ST, $db>
        {
        }
        #[cfg(feature = $feature)]
        impl<ST, T> $on<ST> for T where
            T: diesel::serialize::ToSql<ST, $db> + diesel::deserialize::FromSql<ST, $db>
        {
        }
        #[cfg(not(feature = $feature))]
        #[doc(hidden)]
        pub trait $on<ST> {}
        #[cfg(not(feature = $feature))]
        impl<ST, T> $on<ST> for T {}
    };
}
converts_on!("sqlite", OnSqlite, diesel::sqlite::Sqlite);
converts_on!("postgres", OnPostgres, diesel::pg::Pg);
converts_on!("mysql", OnMysql, diesel::mysql::Mysql);
