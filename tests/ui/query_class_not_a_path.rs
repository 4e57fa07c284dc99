use fsql::prelude::*;

#[derive(Model)]
#[fsql(query_class = "GetOrQuery")]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
}

fn main() {}
