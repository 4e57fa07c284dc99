use fsql::prelude::*;

// A field that is not a column, a field named twice, an empty list, a value where a field
// belongs, and two names: each reported at its own tokens, together.
#[derive(Model)]
#[fsql(index(author_id, created_at), unique(title, title))]
#[fsql(index(), unique(title = "x"), index(title, name = "a", name = "b"))]
pub struct Post {
    #[fsql(primary_key)]
    pub id: i32,
    pub author_id: i32,
    pub title: String,
    pub created: i64,
}

fn main() {}
