use fsql::prelude::*;

fn next_id() -> i32 {
    1
}

#[derive(Model)]
pub struct Counter {
    #[fsql(primary_key, onupdate = next_id)]
    pub id: i32,
}

fn main() {}
