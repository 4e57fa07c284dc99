use fsql::prelude::*;

#[derive(Model)]
pub struct Shelf {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(backref = "shelf", backref_lazy = "raise")]
    pub books: HasMany<Book>,
}

#[derive(Model)]
pub struct Book {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = Shelf)]
    pub shelf_id: i32,
    #[fsql(lazy = "rise")]
    pub cover: BelongsTo<Shelf>,
}

fn main() {}
