use fsql::prelude::*;

// Stand-ins with the names of the real types: the derive reads names, and this test must not
// depend on the `chrono`, `uuid` and `decimal` features.
mod chrono {
    pub struct DateTime<T>(pub T);
    pub struct Utc;
}
mod uuid {
    pub struct Uuid;
}
pub struct Decimal;

#[derive(Model)]
pub struct Payment {
    #[fsql(primary_key)]
    pub id: i32,
    /// Types of other crates that fsql wraps: the error names the wrapper.
    pub at: chrono::DateTime<chrono::Utc>,
    pub reference: uuid::Uuid,
    /// `precision` and `scale` belong to decimals.
    #[fsql(precision = 10, scale = 2)]
    pub cents: i64,
    #[fsql(precision = 4, scale = 6)]
    pub rate: Decimal,
    #[fsql(scale = 2)]
    pub fee: Decimal,
    #[fsql(precision = 0)]
    pub tax: Decimal,
}

fn main() {}
