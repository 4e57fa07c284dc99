use fsql::prelude::*;

#[derive(Model)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 10)]
    pub age: i32,
}

fn main() {}
