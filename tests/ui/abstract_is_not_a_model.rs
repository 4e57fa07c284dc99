use fsql::prelude::*;

#[derive(Model)]
#[fsql(abstract)]
pub struct Base {
    pub name: String,
}

fn main() {
    let _ = Base::query();
}
