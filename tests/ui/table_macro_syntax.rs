// Diesel's `table!` always makes the module `pub`; a visibility is refused with the reason.
fsql::table! {
    pub page_tags {
        #[primary_key] page_id: i32,
    }
}

fn main() {}
