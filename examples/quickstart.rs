//! The seeds' "Simple Example" (Flask-SQLAlchemy's models chapter), end to end on SQLite.
//!
//! Run it with `cargo run --example quickstart`.

use fsql::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(unique, length = 80)]
    pub username: String,
    #[fsql(unique, length = 120)]
    pub email: String,
}

fn main() -> fsql::Result<()> {
    // An in-memory SQLite database; `sqlite:///app.db` would be a file in the current directory.
    let db = Database::builder().url("sqlite://").build()?;
    db.create_all()?;

    for (username, email) in [
        ("admin", "admin@example.com"),
        ("guest", "guest@example.com"),
    ] {
        let user = User {
            id: 0,
            username: username.into(),
            email: email.into(),
        }
        .insert(&db)?;
        println!("inserted {user:?}");
    }

    let admin = User::query()
        .filter(User::username.eq("admin"))
        .first(&db)?
        .ok_or_else(|| fsql::Error::not_found_with("no user named admin"))?;
    println!(
        "found <User {:?}> with email {}",
        admin.username, admin.email
    );
    println!(
        "{} users in table `{}`",
        User::query().count(&db)?,
        User::TABLE_NAME
    );
    Ok(())
}
