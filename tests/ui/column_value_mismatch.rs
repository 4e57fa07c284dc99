use diesel::sql_types::Integer;
use fsql::prelude::*;

/// Stored as an integer, but the field does not say so: the column would be `Text`.
#[derive(Debug, Clone, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = Integer)]
pub struct Cents(i32);

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
