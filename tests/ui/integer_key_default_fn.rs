use fsql::prelude::*;

fn next_id() -> i64 {
    42
}

#[derive(Model)]
pub struct User {
    #[fsql(primary_key, default_fn = next_id)]
    pub id: i64,
}

fn main() {}
