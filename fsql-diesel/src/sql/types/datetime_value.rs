//! How fsql's generated writes bind `chrono::NaiveDateTime` values.
//!
//! Diesel's `Timestamp` SQL type is MySQL's `TIMESTAMP` on MySQL, which holds only 1970–2038.
//! Bound that way into the `DATETIME(6)` column fsql creates, MariaDB stores NULL for any
//! other value (or fails with "cannot be null"), silently. The columns keep Diesel's
//! `Timestamp` (so `Model::created.eq(value)` works as in plain Diesel, and MySQL compares a
//! `TIMESTAMP` parameter with a `DATETIME` column correctly), but the values fsql writes —
//! every `INSERT` and `UPDATE` of a model — go through [`DateTimeValue`], which binds them as
//! `DATETIME` on MySQL. A value MySQL cannot store is an error, never NULL.
//!
//! Why not a SQL type of fsql's own for the columns: `NaiveDateTime` would then need
//! `AsExpression` for it, which the orphan rule forbids outside Diesel, and filters on the
//! column would stop compiling.

use std::fmt;
use std::marker::PhantomData;

use diesel::expression::{is_aggregate, AppearsOnTable, Expression, SelectableExpression};
use diesel::expression::{TypedExpressionType, ValidGrouping};
use diesel::query_builder::QueryId;
use diesel::sql_types::SqlType;

use crate::conn::backend::{MultiBackend, OnAllBackendsFragment};

/// A `NaiveDateTime` (or `Option`, or a reference to either) written to a column of SQL type
/// `ST` (`Timestamp` or `Nullable<Timestamp>`): bound as `DATETIME` on MySQL, as `ST`
/// elsewhere. Used by generated code.
#[doc(hidden)]
pub struct DateTimeValue<ST, T> {
    value: T,
    _sql_type: PhantomData<ST>,
}

impl<ST, T> DateTimeValue<ST, T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Self {
            value,
            _sql_type: PhantomData,
        }
    }
}

// Generated writes on an `AnyConnection` (hand-written Diesel with a model's `Insertable`)
// bind datetimes as each variant's backend does.
impl<ST, T> diesel::query_builder::QueryFragment<MultiBackend> for DateTimeValue<ST, T>
where
    Self: OnAllBackendsFragment,
{
    fn walk_ast<'b>(
        &'b self,
        pass: diesel::query_builder::AstPass<'_, 'b, MultiBackend>,
    ) -> diesel::QueryResult<()> {
        MultiBackend::walk_variant_ast(self, pass)
    }
}

// Recorded queries and echo show the value as Diesel shows a bound value.
impl<ST, T: fmt::Debug> fmt::Debug for DateTimeValue<ST, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<ST: SqlType + TypedExpressionType, T> Expression for DateTimeValue<ST, T> {
    type SqlType = ST;
}

impl<ST, T, QS> AppearsOnTable<QS> for DateTimeValue<ST, T> where Self: Expression {}

impl<ST, T, QS> SelectableExpression<QS> for DateTimeValue<ST, T> where Self: Expression {}

impl<ST, T, GB> ValidGrouping<GB> for DateTimeValue<ST, T> {
    type IsAggregate = is_aggregate::Never;
}

impl<ST: QueryId, T> QueryId for DateTimeValue<ST, T> {
    type QueryId = DateTimeValue<ST::QueryId, ()>;
    const HAS_STATIC_QUERY_ID: bool = ST::HAS_STATIC_QUERY_ID;
}

/// Backends that bind the value as its column's SQL type.
macro_rules! bind_as_column_type {
    ($feature:literal, $db:ty) => {
        #[cfg(feature = $feature)]
        impl<ST, T> diesel::query_builder::QueryFragment<$db> for DateTimeValue<ST, T>
        where
            $db: diesel::sql_types::HasSqlType<ST>,
            T: diesel::serialize::ToSql<ST, $db>,
        {
            fn walk_ast<'b>(
                &'b self,
                mut pass: diesel::query_builder::AstPass<'_, 'b, $db>,
            ) -> diesel::QueryResult<()> {
                pass.push_bind_param::<ST, T>(&self.value)
            }
        }
    };
}

bind_as_column_type!("sqlite", diesel::sqlite::Sqlite);
bind_as_column_type!("postgres", diesel::pg::Pg);

#[cfg(all(feature = "mysql", feature = "chrono"))]
pub(super) mod mysql {
    use super::*;
    use diesel::mysql::Mysql;
    use diesel::query_builder::{AstPass, QueryFragment};
    use diesel::serialize::{self, IsNull, Output, ToSql};
    use diesel::sql_types::{Datetime, Nullable, Timestamp};

    /// The MySQL type a column type's values are bound as.
    pub trait OnMysql {
        /// `Datetime`, or `Nullable<Datetime>`.
        type Bound;
    }
    impl OnMysql for Timestamp {
        type Bound = Datetime;
    }
    impl OnMysql for Nullable<Timestamp> {
        type Bound = Nullable<Datetime>;
    }

    impl<ST: OnMysql, T> QueryFragment<Mysql> for DateTimeValue<ST, T>
    where
        Mysql: diesel::sql_types::HasSqlType<ST::Bound>,
        Self: ToSql<ST::Bound, Mysql>,
    {
        fn walk_ast<'b>(&'b self, mut pass: AstPass<'_, 'b, Mysql>) -> diesel::QueryResult<()> {
            pass.push_bind_param::<ST::Bound, Self>(self)
        }
    }

    /// MySQL's `DATETIME` holds years 1000 to 9999 by the manual; MariaDB and MySQL store
    /// years from 1 through the binary protocol. Anything else would come back as a zero
    /// date or NULL: refuse it, with the value.
    pub(in crate::sql::types) fn in_range(value: &chrono::NaiveDateTime) -> serialize::Result {
        use chrono::Datelike;
        if (1..=9999).contains(&value.year()) {
            return Ok(IsNull::No);
        }
        Err(format!(
            "{value} cannot be stored in a MySQL/MariaDB DATETIME column, which holds years 1 \
             to 9999"
        )
        .into())
    }

    impl<ST, T: MaybeDateTime> ToSql<Datetime, Mysql> for DateTimeValue<ST, T> {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
            match self.value.get() {
                Some(v) => {
                    in_range(v)?;
                    <chrono::NaiveDateTime as ToSql<Datetime, Mysql>>::to_sql(v, out)
                }
                None => Err("NULL for a NOT NULL DATETIME column".into()),
            }
        }
    }

    impl<ST, T: MaybeDateTime> ToSql<Nullable<Datetime>, Mysql> for DateTimeValue<ST, T> {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
            match self.value.get() {
                Some(v) => {
                    in_range(v)?;
                    <chrono::NaiveDateTime as ToSql<Datetime, Mysql>>::to_sql(v, out)
                }
                None => Ok(IsNull::Yes),
            }
        }
    }

    /// A datetime that may be absent: `NaiveDateTime`, `Option<NaiveDateTime>`, references.
    pub trait MaybeDateTime: fmt::Debug {
        /// The value, if any.
        fn get(&self) -> Option<&chrono::NaiveDateTime>;
    }
    impl MaybeDateTime for chrono::NaiveDateTime {
        fn get(&self) -> Option<&chrono::NaiveDateTime> {
            Some(self)
        }
    }
    impl MaybeDateTime for Option<chrono::NaiveDateTime> {
        fn get(&self) -> Option<&chrono::NaiveDateTime> {
            self.as_ref()
        }
    }
    impl<T: MaybeDateTime + ?Sized> MaybeDateTime for &T {
        fn get(&self) -> Option<&chrono::NaiveDateTime> {
            (**self).get()
        }
    }
}
