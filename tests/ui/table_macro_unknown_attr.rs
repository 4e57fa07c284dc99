// Attributes are written bare in `fsql::table!`; a misspelt one lists the valid ones, on the
// table and on a column. `default_fn` fills a struct field, and a table has no struct.
fsql::table! {
    #[bnd = "auth"]
    page_tags {
        #[primry_key] page_id: i32,
        #[primary_key, default_fn = now] tag_id: i32,
    }
}

fn main() {}
