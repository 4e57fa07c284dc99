//! The W1–W6 `user` table (WORKLOADS.md) on both sides: the fsql model, its hand-written
//! Diesel twin, and the data rule. Shared by the benchmarks that use it.

#![allow(dead_code)]

use diesel::prelude::*;
use fsql::prelude::*;

/// Users in the seeded table.
pub const USERS: i32 = 10_000;

/// The fsql model (table `user`).
#[derive(Model, Debug, Clone, PartialEq)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 80, index)]
    pub name: String,
    #[fsql(length = 120)]
    pub email: String,
    #[fsql(length = 20)]
    pub hair_color: Option<String>,
}

/// Hand-written Diesel, independent of fsql.
pub mod raw {
    use diesel::prelude::*;

    diesel::table! {
        user (id) {
            id -> Integer,
            name -> Text,
            email -> Text,
            hair_color -> Nullable<Text>,
        }
    }

    #[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq)]
    #[diesel(table_name = user)]
    #[diesel(check_for_backend(diesel::sqlite::Sqlite))]
    pub struct User {
        pub id: i32,
        pub name: String,
        pub email: String,
        pub hair_color: Option<String>,
    }
}

/// The W1 lookup order (WORKLOADS.md): a fixed permutation of 1..=10 000.
pub fn w1_order() -> Vec<i32> {
    (0..USERS).map(|i| (i * 7919 % USERS) + 1).collect()
}

/// User row `i` (0-based, id = i + 1) per WORKLOADS.md.
pub fn row(i: i32) -> (i32, String, String, Option<String>) {
    (
        i + 1,
        format!("user{i:04}"),
        format!("user{i:04}@example.com"),
        (i % 2 == 0).then(|| "black".to_owned()),
    )
}

/// The hand-written twin of row `i`.
pub fn raw_row(i: i32) -> raw::User {
    let (id, name, email, hair_color) = row(i);
    raw::User {
        id,
        name,
        email,
        hair_color,
    }
}

/// Every row inserted through hand-written Diesel, in one transaction (untimed seeding).
pub fn seed_raw(conn: &mut diesel::sqlite::SqliteConnection) {
    conn.transaction::<_, diesel::result::Error, _>(|c| {
        for i in 0..USERS {
            diesel::insert_into(raw::user::table)
                .values(&raw_row(i))
                .execute(c)?;
        }
        Ok(())
    })
    .expect("seed raw");
}

/// fsql's side: a `Database` serving `User` at `url`, tables created, every row inserted
/// through the model in one transaction (untimed seeding); each insert is checked.
pub fn seeded_fsql(url: &str) -> Database {
    let db = Database::builder()
        .url(url)
        .registry(fsql::Registry::new([<User as fsql::Model>::META]))
        .build()
        .expect("Database");
    db.create_all().expect("create_all");
    let mut pooled = db.connection().expect("connection");
    pooled
        .transaction::<_, diesel::result::Error, _>(|c| {
            for i in 0..USERS {
                let (id, name, email, hair_color) = row(i);
                let u = User {
                    id,
                    name,
                    email,
                    hair_color,
                };
                let stored = u.insert(&mut *c).expect("insert");
                assert_eq!(stored, u);
            }
            Ok(())
        })
        .expect("seed fsql");
    drop(pooled);
    db
}
