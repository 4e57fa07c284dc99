use fsql::prelude::*;

#[derive(Model)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    pub visits: u32,
}

fn main() {}
