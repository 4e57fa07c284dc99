use fsql::prelude::*;

#[derive(Mixin)]
#[fsql(bind = "auth")]
pub struct Stamps {
    #[fsql(lenght = 20)]
    pub who: String,
}

fn main() {}
