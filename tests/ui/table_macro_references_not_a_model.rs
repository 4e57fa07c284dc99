pub struct Page {
    pub id: i32,
}

fsql::table! {
    page_tags {
        #[primary_key, references = Page] page_id: i32,
        #[primary_key] tag_id: i32,
    }
}

fn main() {}
