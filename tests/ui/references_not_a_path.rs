use fsql::prelude::*;

#[derive(Model)]
pub struct Post {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = "User")]
    pub user_id: i32,
}

fn main() {}
