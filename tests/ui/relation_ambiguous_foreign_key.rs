use fsql::prelude::*;

#[derive(Model, Clone)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    pub posts: HasMany<Post>,
}

#[derive(Model, Clone)]
pub struct Post {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = User)]
    pub author_id: i32,
    #[fsql(references = User)]
    pub editor_id: i32,
}

fn main() {}
