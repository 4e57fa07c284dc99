use fsql::prelude::*;

#[derive(Model)]
#[fsql(polymorphic_on = kind)]
pub struct NoSuchField {
    #[fsql(primary_key)]
    pub id: i32,
}

#[derive(Model)]
#[fsql(polymorphic_on = kind)]
pub struct NotAString {
    #[fsql(primary_key)]
    pub id: i32,
    pub kind: i32,
}

#[derive(Model)]
#[fsql(polymorphic_identity = "plain")]
pub struct NoDiscriminator {
    #[fsql(primary_key)]
    pub id: i32,
}

#[derive(Model)]
#[fsql(polymorphic_on = kind)]
pub struct Employee {
    #[fsql(primary_key)]
    pub id: i32,
    pub kind: String,
}

#[fsql::inherits(Employee)]
#[derive(Model)]
pub struct Manager {
    pub reports: Option<i32>,
}

fn main() {}
