use fsql::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct Author {
    #[fsql(primary_key)]
    pub id: i32,
    pub active: bool,
    #[fsql(backref = "author")]
    pub books: HasMany<Book>,
}

#[derive(Model, Debug, Clone)]
pub struct Book {
    #[fsql(primary_key)]
    pub id: i32,
    pub title: String,
    #[fsql(references = Author)]
    pub author_id: i32,
}

fn main() {
    // A relationship of another model.
    let _ = Author::query().join(Book::author, |a| a);
    // Ordering by a column of a to-many join.
    let _ = Author::query().join(Author::books, |b| b.order_by(Book::title.asc()));
    // Filters on an outer join.
    let _ = Book::query().outerjoin(Book::author, |a| a.filter(Author::active.eq(true)));
}
