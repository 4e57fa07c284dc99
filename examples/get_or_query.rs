//! The seeds' custom query class (Flask-SQLAlchemy's "Customizing" chapter):
//!
//! ```python
//! class GetOrQuery(BaseQuery):
//!     def get_or(self, ident, default=None):
//!         return self.get(ident) or default
//! db = SQLAlchemy(query_class=GetOrQuery)
//! user = User.query.get_or(user_id, anonymous_user)
//! ```
//!
//! In fsql a query class is a type generic over the query's lifetime and the model that
//! converts to and from `Query`; `#[fsql(query_class = ..)]` makes `Model::query()` return it.
//! Methods every model should have, whatever its class, go on an extension trait of `Query`.
//!
//! Run with `cargo run --example get_or_query`.

use std::ops::Deref;

use fsql::prelude::*;

/// `Query` plus `get_or`.
pub struct GetOrQuery<'a, M: Model>(Query<'a, M>);

impl<'a, M: Model> From<Query<'a, M>> for GetOrQuery<'a, M> {
    fn from(query: Query<'a, M>) -> Self {
        Self(query)
    }
}

impl<'a, M: Model> From<GetOrQuery<'a, M>> for Query<'a, M> {
    fn from(query: GetOrQuery<'a, M>) -> Self {
        query.0
    }
}

impl<'a, M: Model> Deref for GetOrQuery<'a, M> {
    type Target = Query<'a, M>;
    fn deref(&self) -> &Query<'a, M> {
        &self.0
    }
}

impl<M: Model> GetOrQuery<'_, M> {
    /// The row with this key, or `default`.
    pub fn get_or<E: Executor>(
        &self,
        exec: E,
        ident: M::PrimaryKey,
        default: M,
    ) -> fsql::Result<M> {
        Ok(self.get(exec, ident)?.unwrap_or(default))
    }
}

/// An extension of `Query` that serves every model, with or without a class of its own.
pub trait PageOf<'a, M: Model>: QueryBuilder<'a, M> {
    /// Rows `(page - 1) * size ..` up to `size` of them.
    fn page_of(self, page: i64, size: i64) -> Self {
        self.offset((page - 1).max(0) * size).limit(size)
    }
}

impl<'a, M: Model, Q: QueryBuilder<'a, M>> PageOf<'a, M> for Q {}

#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(query_class = GetOrQuery)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 80)]
    pub username: String,
}

fn anonymous_user() -> User {
    User {
        id: 0,
        username: "anonymous".into(),
    }
}

fn main() -> fsql::Result<()> {
    let db = Database::builder().url("sqlite://").build()?;
    db.create_all()?;
    let admin = User {
        id: 0,
        username: "admin".into(),
    }
    .insert(&db)?;
    for name in ["ann", "bob", "cy"] {
        User {
            id: 0,
            username: name.into(),
        }
        .insert(&db)?;
    }

    let found = User::query().get_or(&db, admin.id, anonymous_user())?;
    assert_eq!(found, admin);
    let fallback = User::query().get_or(&db, 4242, anonymous_user())?;
    assert_eq!(fallback.username, "anonymous");
    println!("get_or(1) = {found:?}; get_or(4242) = {fallback:?}");

    // Builder methods keep the class, so its methods stay at hand after filtering.
    let not_admin = User::query().filter(User::username.ne("admin"));
    assert_eq!(
        not_admin.get_or(&db, admin.id, anonymous_user())?.username,
        "anonymous"
    );

    // The extension trait works on the class and on plain `Query` alike.
    let second_page = User::query()
        .order_by(User::id.asc())
        .page_of(2, 2)
        .all(&db)?;
    let names: Vec<_> = second_page.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, ["bob", "cy"]);
    println!("page 2 of 2: {names:?}");
    Ok(())
}
