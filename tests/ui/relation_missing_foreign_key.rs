use fsql::prelude::*;

#[derive(Model, Clone)]
pub struct Person {
    #[fsql(primary_key)]
    pub id: i32,
    pub addresses: HasMany<Address>,
}

#[derive(Model, Clone)]
pub struct Address {
    #[fsql(primary_key)]
    pub id: i32,
    pub person_id: i32,
}

fn main() {}
