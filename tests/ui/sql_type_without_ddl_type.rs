use fsql::prelude::*;

pub struct Jsonb;

#[derive(Model)]
pub struct Doc {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(sql_type = Jsonb)]
    pub body: String,
}

fn main() {}
