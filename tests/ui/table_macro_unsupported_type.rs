fsql::table! {
    page_tags {
        #[primary_key] page_id: u32,
        #[primary_key] tag_id: i32,
        note: Option<&'static str>,
    }
}

fn main() {}
