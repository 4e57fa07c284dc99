//! [`Decimal`] columns (a `bigdecimal::BigDecimal`), `NUMERIC(p, s)`: exact on PostgreSQL and
//! MySQL (Diesel's own conversions). SQLite's NUMERIC keeps 15 significant digits, so a value
//! with more is an error there rather than a rounded number; others are bound as text, never
//! through a double, and read back from SQLite's own 15-digit rendering.

use std::str::FromStr;

use bigdecimal::BigDecimal;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, IsNull, Output, ToSql};

use super::{column_value, newtype, ColumnValue, Decimal as DecimalSql};
use fsql_core::ColumnType;

newtype! {
    /// A `bigdecimal::BigDecimal` column, SQLAlchemy's `Numeric`: exact on every backend.
    /// `NUMERIC(p, s)` with `#[fsql(precision = p, scale = s)]` on the field; without them
    /// PostgreSQL's unbounded `NUMERIC`, SQLite's `NUMERIC`, MySQL's `DECIMAL(65, 30)`. Derefs
    /// to the `BigDecimal`; `From` converts both ways; feature `decimal`, which also
    /// re-exports the crate as `fsql::bigdecimal`.
    ///
    /// A newtype because only Diesel and bigdecimal may say how `BigDecimal` itself is bound.
    ///
    /// ```
    /// use fsql::prelude::*;
    /// use fsql::Decimal;
    /// use std::str::FromStr;
    ///
    /// #[derive(Model, Debug, Clone, PartialEq)]
    /// pub struct Price {
    ///     #[fsql(primary_key)]
    ///     pub id: i32,
    ///     #[fsql(precision = 10, scale = 2)]
    ///     pub amount: Decimal,
    /// }
    ///
    /// # fn main() -> fsql::Result<()> {
    /// let db = Database::builder().url("sqlite://").build()?;
    /// db.create_all()?; // amount NUMERIC(10, 2) NOT NULL
    /// let amount = Decimal(fsql::bigdecimal::BigDecimal::from_str("19.99").unwrap());
    /// let row = Price { id: 0, amount: amount.clone() }.insert(&db)?;
    /// assert_eq!(Price::query().get(&db, row.id)?.unwrap().amount, amount);
    /// # Ok(())
    /// # }
    /// ```
    #[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
    Decimal(BigDecimal)
}

impl ColumnValue for Decimal {
    type SqlType = DecimalSql;
    const COLUMN_TYPE: ColumnType = ColumnType::Numeric(None);
}

column_value!(DecimalSql, [] Decimal);

#[cfg(any(feature = "sqlite", feature = "mysql"))]
fn parse(text: &str) -> deserialize::Result<Decimal> {
    BigDecimal::from_str(text.trim())
        .map(Decimal)
        .map_err(|e| format!("`{text}` is not a decimal: {e}").into())
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use diesel::sql_types::Text;
    use diesel::sqlite::{Sqlite, SqliteValue};

    /// What SQLite keeps of a NUMERIC value.
    const SQLITE_DIGITS: u64 = 15;

    impl ToSql<DecimalSql, Sqlite> for Decimal {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
            if self.0.normalized().digits() > SQLITE_DIGITS {
                return Err(format!(
                    "{} has more than {SQLITE_DIGITS} significant digits, which is all SQLite \
                     keeps of a NUMERIC value",
                    self.0
                )
                .into());
            }
            out.set_value(self.0.to_plain_string());
            Ok(IsNull::No)
        }
    }

    impl FromSql<DecimalSql, Sqlite> for Decimal {
        fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
            // SQLite renders a REAL as text with 15 significant digits: `12.34`, not the
            // double's `12.339999999999999857891452847979962825775146484375`.
            parse(&<String as FromSql<Text, Sqlite>>::from_sql(value)?)
        }
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use diesel::pg::{Pg, PgValue};
    use diesel::sql_types::Numeric;

    impl ToSql<DecimalSql, Pg> for Decimal {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
            <BigDecimal as ToSql<Numeric, Pg>>::to_sql(&self.0, out)
        }
    }

    impl FromSql<DecimalSql, Pg> for Decimal {
        fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
            <BigDecimal as FromSql<Numeric, Pg>>::from_sql(value).map(Self)
        }
    }
}

#[cfg(feature = "mysql")]
mod mysql {
    use super::*;
    use diesel::mysql::{Mysql, MysqlValue};
    use std::io::Write;

    impl ToSql<DecimalSql, Mysql> for Decimal {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
            out.write_all(self.0.to_plain_string().as_bytes())?;
            Ok(IsNull::No)
        }
    }

    impl FromSql<DecimalSql, Mysql> for Decimal {
        fn from_sql(value: MysqlValue<'_>) -> deserialize::Result<Self> {
            parse(std::str::from_utf8(value.as_bytes())?)
        }
    }
}
