use fsql::prelude::*;

#[derive(Model, Clone)]
pub struct Person {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(backref = "person")]
    pub addresses: HasMany<Address>,
}

#[derive(Model, Clone)]
pub struct Address {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Person)]
    pub person_id: i32,
}

fn main() {
    // A backref has no field on Address to load into: options() refuses it.
    let _ = Address::query().options(selectinload(Address::person));
}
