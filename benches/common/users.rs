//! The W1–W6 `user` table (WORKLOADS.md) on both sides: the fsql model, its hand-written
//! Diesel twin, and the data rule. Shared by the benchmarks that use it.

#![allow(dead_code)]

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

/// User row `i` (0-based, id = i + 1) per WORKLOADS.md.
pub fn row(i: i32) -> (i32, String, String, Option<String>) {
    (
        i + 1,
        format!("user{i:04}"),
        format!("user{i:04}@example.com"),
        (i % 2 == 0).then(|| "black".to_owned()),
    )
}
