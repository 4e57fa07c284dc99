use fsql::prelude::*;

#[derive(Model)]
pub struct Tagged<T> {
    #[fsql(primary_key)]
    pub id: i32,
    pub tag: T,
}

fn main() {}
