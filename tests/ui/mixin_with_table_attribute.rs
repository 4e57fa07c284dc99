use fsql::prelude::*;

#[derive(Mixin)]
#[fsql(table_name = "stamps")]
pub struct Stamps {
    #[fsql(lenght = 20)]
    pub who: String,
}

fn main() {}
