use fsql::prelude::*;

#[derive(Model)]
pub struct Post {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(foreign_key = "user.id", on_delete = "nullify")]
    pub user_id: i32,
}

fn main() {}
