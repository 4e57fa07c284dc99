use fsql::prelude::*;

#[derive(Model)]
#[fsql(table = "users")]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
}

fn main() {}
