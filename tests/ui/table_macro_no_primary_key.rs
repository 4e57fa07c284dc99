fsql::table! {
    page_tags {
        page_id: i32,
        tag_id: i32,
    }
}

fn main() {}
