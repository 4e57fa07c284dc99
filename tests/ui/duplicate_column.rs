use fsql::prelude::*;

#[derive(Model)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    pub name: String,
    #[fsql(column = "name")]
    pub display_name: String,
}

fn main() {}
