use fsql::prelude::*;

#[derive(Model)]
pub struct User(i32, String);

fn main() {}
