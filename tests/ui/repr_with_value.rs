use fsql::prelude::*;

#[derive(Model)]
#[fsql(repr = "full")]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
}

fn main() {}
