use fsql::prelude::*;

#[derive(Model)]
pub struct User {
    #[fsql(primary_key = true)]
    pub id: i32,
}

fn main() {}
