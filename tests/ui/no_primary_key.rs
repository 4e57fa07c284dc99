use fsql::prelude::*;

#[derive(Model)]
pub struct User {
    pub id: i32,
    pub name: String,
}

fn main() {}
