// `fsql::table!` takes the struct-level `index(..)` and `unique(..)` too, checked alike.
fsql::table! {
    #[unique(post_id, tag), index(tag, missing)]
    post_tags {
        #[primary_key]
        id: i32,
        post_id: i32,
        tag: String,
    }
}

fn main() {}
