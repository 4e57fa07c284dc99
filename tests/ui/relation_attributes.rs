use fsql::prelude::*;

#[derive(Model)]
pub struct Post {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = User)]
    pub user_id: i32,
}

#[derive(Model)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(lazzy = "select", length = 3)]
    pub posts: HasMany<Post>,
    #[fsql(lazy = "eager")]
    pub drafts: HasMany<Post>,
    #[fsql(backref_lazy = "joined", secondary = tags)]
    pub latest: HasOne<Post>,
    pub tags: ManyToMany<Post>,
    #[fsql(foreign_key = nowhere)]
    pub boss: BelongsTo<Post>,
    pub reports: HasMany<Self>,
    #[fsql(secondary = follows)]
    pub following: ManyToMany<User>,
}

fn main() {}
