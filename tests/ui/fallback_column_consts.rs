// The fallback emitted beside an error keeps the model's column constants (`Broken::name`)
// and key type (`get(&db, 1)`), so code using the model reports nothing but the one mistake
// in the attribute.
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
    let _found = Broken::query().filter(Broken::name.eq("x")).all(&db)?;
    let _by_key = Broken::query().get(&db, 1)?;
    Ok(())
}
