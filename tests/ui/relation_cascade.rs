use fsql::prelude::*;

#[derive(Model)]
pub struct Author {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(cascade = "all, save-update")]
    pub books: HasMany<Book>,
    #[fsql(passive_deletes)]
    pub drafts: HasMany<Book>,
}

#[derive(Model)]
pub struct Book {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Author)]
    pub author_id: i32,
    #[fsql(cascade = "all")]
    pub author: BelongsTo<Author>,
}

fn main() {}
