use fsql::prelude::*;

#[derive(Model)]
pub struct Membership {
    #[fsql(primary_key)]
    pub user_id: i32,
    #[fsql(primary_key)]
    pub group_id: Option<i32>,
}

fn main() {}
