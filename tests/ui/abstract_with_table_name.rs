use fsql::prelude::*;

#[derive(Model)]
#[fsql(abstract, table_name = "base")]
pub struct Base {
    pub name: String,
}

fn main() {}
