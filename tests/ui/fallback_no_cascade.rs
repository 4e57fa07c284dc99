// One bad attribute; the derive still emits a fallback `Model` impl, so the uses of `Broken`
// in `main` add no "trait not implemented" errors: only the attribute error is reported.
use fsql::prelude::*;

#[derive(Model)]
pub struct Broken {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(uniqe)]
    pub name: String,
}

fn main() -> fsql::Result<()> {
    let db = Database::builder().url("sqlite://").build()?;
    db.create_all()?;
    let row = Broken {
        id: 0,
        name: "x".into(),
    }
    .insert(&db)?;
    row.update(&db)?;
    let _all: Vec<Broken> = Broken::query().limit(10).all(&db)?;
    let _first: Option<Broken> = Broken::query().first(&db)?;
    let _n: u64 = Broken::query().count(&db)?;
    row.delete(&db)?;
    Ok(())
}
