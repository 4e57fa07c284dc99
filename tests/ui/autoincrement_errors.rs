use fsql::prelude::*;

// `autoincrement` is a boolean, and only about a single integer key.
#[derive(Model)]
pub struct Profile {
    #[fsql(primary_key, autoincrement = "no")]
    pub id: i32,
    #[fsql(autoincrement = false)]
    pub visits: i32,
}

#[derive(Model)]
pub struct Grant {
    #[fsql(primary_key, autoincrement = false)]
    pub role: String,
}

fn main() {}
