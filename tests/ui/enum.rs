use fsql::prelude::*;

#[derive(Model)]
pub enum Role {
    Admin,
    Member,
}

fn main() {}
