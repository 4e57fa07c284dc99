use fsql::prelude::*;

pub struct Account {
    pub id: i32,
}

#[derive(Model)]
pub struct Post {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Account)]
    pub account_id: i32,
}

fn main() {}
