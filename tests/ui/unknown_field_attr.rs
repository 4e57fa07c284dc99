use fsql::prelude::*;

#[derive(Model)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(uniqe)]
    pub name: String,
}

fn main() {}
