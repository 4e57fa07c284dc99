// The derive's rules between attributes apply to the table's columns too, plus one of its own:
// a key column is never NULL, so an Option key is a mistake (a model's Option key means "not
// assigned yet", which a table without a struct has no use for).
fsql::table! {
    page_tags {
        #[primary_key] page_id: Option<i32>,
        #[primary_key, on_delete = "cascade"] tag_id: i32,
        #[foreign_key = "user.id", on_delete = "set null"] user_id: i32,
        #[length = 10] rank: i32,
        #[primary_key, unique, primary_key] tag_id: i32,
    }
}

fn main() {}
