use fsql::prelude::*;

#[derive(Model)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
}

#[derive(Model)]
pub struct Post {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(foreign_key = "user.id", references = User)]
    pub user_id: i32,
}

fn main() {}
