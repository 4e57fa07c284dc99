use fsql::prelude::*;

#[derive(Model, Clone)]
pub struct Person {
    #[fsql(primary_key)]
    pub id: i32,
}

#[derive(Model)]
#[fsql(inherits = Person)]
pub struct NoParentField {
    #[fsql(primary_key)]
    pub id: i32,
}

#[derive(Model)]
#[fsql(inherits = Person)]
pub struct TwoKeys {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(primary_key)]
    pub n: i32,
    pub person: BelongsTo<Person>,
}

#[derive(Model)]
#[fsql(inherits = Person, bind = "other")]
pub struct OtherBind {
    #[fsql(primary_key)]
    pub id: i32,
    pub person: BelongsTo<Person>,
}

fn main() {}
