fsql::table! {
    page_tags {
        #[primary_key, foreign_key = "page"] page_id: i32,
        #[primary_key, foreign_key = 42] tag_id: i32,
    }
}

fn main() {}
