use fsql::func;
use fsql::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct Book {
    #[fsql(primary_key)]
    pub id: i32,
    pub title: String,
    pub author_id: i32,
}

fn main() {
    // A column neither grouped nor aggregated.
    let _ = Book::query()
        .group_by(Book::author_id)
        .select((Book::author_id, Book::title));
    // A whole-query aggregate with a plain column.
    let _ = Book::query().aggregate((Book::title, func::count_star()));
}
