use fsql::prelude::*;

#[derive(Model)]
pub struct Item {
    #[fsql(primary_key)]
    pub id: i32,
    pub query: String,
    #[fsql(column = "table")]
    pub table_name: Option<String>,
    #[fsql(backref = "owner")]
    pub parts: HasMany<Part>,
    pub load_parts: i32,
}

#[derive(Model)]
pub struct Part {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Item)]
    pub item_id: i32,
}

fn main() {}
