use fsql::prelude::*;

#[derive(Mixin)]
pub struct IdModel {
    #[fsql(primary_key)]
    pub id: i32,
}

#[derive(Mixin)]
pub struct Extra {
    pub note: Option<String>,
}

#[fsql::mixin()]
#[derive(Model)]
pub struct NoMixins {
    #[fsql(primary_key)]
    pub id: i32,
}

#[fsql::mixin(IdModel)]
pub enum NotAStruct {
    A,
}

#[fsql::mixin(IdModel, Unknown)]
#[derive(Model)]
pub struct UnknownMixin {
    pub name: String,
}

#[fsql::inherits(IdModel, Extra)]
#[derive(Model)]
pub struct TwoParents {
    pub name: String,
}

fn main() {}
