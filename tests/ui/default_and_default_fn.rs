use fsql::prelude::*;

fn guest() -> String {
    "guest".to_owned()
}

#[derive(Model)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(default = "'guest'", default_fn = guest)]
    pub name: String,
}

fn main() {}
