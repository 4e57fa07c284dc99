use fsql::prelude::*;

#[derive(Mixin)]
#[fsql(table_name = "stamps", index(who, at))]
pub struct Stamps {
    #[fsql(lenght = 20)]
    pub who: String,
    pub at: i64,
}

fn main() {}
