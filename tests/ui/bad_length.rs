use fsql::prelude::*;

#[derive(Model)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 0)]
    pub name: String,
}

fn main() {}
