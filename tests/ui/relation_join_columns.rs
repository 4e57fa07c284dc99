use fsql::prelude::*;

#[derive(Model)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    /// Only one of the two columns named.
    #[fsql(secondary = follows, primaryjoin = follower_id)]
    pub following: ManyToMany<User>,
    /// Association columns on a relationship without an association table.
    #[fsql(secondaryjoin = followed_id)]
    pub posts: HasMany<Post>,
    #[fsql(secondary = follows, primaryjoin = "not a column", secondaryjoin = x)]
    pub fans: ManyToMany<User>,
}

#[derive(Model)]
pub struct Post {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = User)]
    pub user_id: i32,
}

fn main() {}
