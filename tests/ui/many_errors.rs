use fsql::prelude::*;

#[derive(Model)]
#[fsql(tabel_name = "users")]
pub struct User {
    pub id: i32,
    #[fsql(primry_key)]
    pub name: String,
    #[fsql(length = 5)]
    pub age: i32,
    pub visits: u32,
}

fn main() {}
