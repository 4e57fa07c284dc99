// One bad attribute; `fsql::table!` still emits the Diesel module and `META`, so the uses of
// the table in `main` add no errors: only the attribute error is reported.
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};

fsql::table! {
    page_tags {
        #[primary_key] page_id: i32,
        #[primary_key, uniqe] tag_id: i32,
        note: Option<String>,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _registry = fsql::Registry::new([page_tags::table::META]);
    let db = fsql::Database::builder().url("sqlite://").build()?;
    let mut conn = db.connection()?;
    diesel::insert_into(page_tags::table)
        .values((page_tags::page_id.eq(1), page_tags::tag_id.eq(2)))
        .execute(&mut *conn)?;
    let _rows: Vec<(i32, i32, Option<String>)> = page_tags::table
        .filter(page_tags::note.is_null())
        .load(&mut *conn)?;
    Ok(())
}
