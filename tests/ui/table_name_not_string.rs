use fsql::prelude::*;

#[derive(Model)]
#[fsql(table_name = 5)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
}

fn main() {}
