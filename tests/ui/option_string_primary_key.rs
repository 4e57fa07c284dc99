use fsql::prelude::*;

#[derive(Model)]
pub struct Tag {
    #[fsql(primary_key)]
    pub name: Option<String>,
}

fn main() {}
