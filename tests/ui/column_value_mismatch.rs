use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{Integer, Text};
use fsql::prelude::*;

/// Binds and reads as text, but its `ColumnValue` says the column is an integer: the column
/// a field of this type gets (`Text`, as it says nothing) disagrees with the `ColumnValue`.
#[derive(Debug, Clone, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct Cents(String);

impl<DB: diesel::backend::Backend> ToSql<Text, DB> for Cents
where
    String: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.0.to_sql(out)
    }
}

impl<DB: diesel::backend::Backend> FromSql<Text, DB> for Cents
where
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        String::from_sql(bytes).map(Cents)
    }
}

impl fsql::ColumnValue for Cents {
    type SqlType = Integer;
    const COLUMN_TYPE: fsql::ColumnType = fsql::ColumnType::Integer;
}

#[derive(Model)]
pub struct Invoice {
    #[fsql(primary_key)]
    pub id: i32,
    pub total: Cents,
}

fn main() {}
