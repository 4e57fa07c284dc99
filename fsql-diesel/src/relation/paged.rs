//! `Query::paginate_with`: a page of rows, each with what one relationship leads to, loaded by
//! the relationship's strategy: the paginated form of [`Query::all_with`], for backrefs (which
//! have no field to fill) and for any relationship a page wants beside its rows.

use super::load::{load_pairs, Eager, WithRelated};
use super::{Lazy, RelOnAllBackends, Relationship};
use crate::conn::executor::Executor;
use crate::model::paginate::PageNavigation;
use crate::model::query::Query;
use crate::model::Model;
use fsql_core::{PageRequest, Pagination, Result};

/// A page from [`Query::paginate_with`]: `(row, related)` pairs, with `next`/`prev`.
pub type PageWith<'a, R> = Pagination<WithRelated<R>, PagedWith<'a, R>>;

/// What a [`PageWith`] runs again for its neighbour pages: the query and the loader.
pub struct PagedWith<'a, R: Relationship> {
    query: Query<'a, R::Parent>,
    strategy: Lazy,
    chunk: Option<usize>,
}

impl<R: Relationship> Clone for PagedWith<'_, R> {
    fn clone(&self) -> Self {
        Self {
            query: self.query.clone(),
            strategy: self.strategy,
            chunk: self.chunk,
        }
    }
}

impl<'a, M: Model> Query<'a, M> {
    /// One page of the query, each row with what `relationship` leads to, loaded with the
    /// given strategy: [`paginate`](Self::paginate) and [`all_with`](Self::all_with) together,
    /// for a backref (it has no field to fill) or a relationship the page shows. `joinedload`
    /// costs the page's statement and the count; `selectinload` one statement more.
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Person {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub name: String,
    /// #     #[fsql(backref = "person")]
    /// #     pub addresses: HasMany<Address>,
    /// # }
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Address {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub email: String,
    /// #     #[fsql(references = Person)]
    /// #     pub person_id: i32,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # let ann = Person { id: 0, name: "ann".into(), addresses: HasMany::new() }.insert(&db)?;
    /// # for n in 0..3 {
    /// #     Address { id: 0, email: format!("{n}@example.com"), person_id: ann.id }.insert(&db)?;
    /// # }
    /// let page = Address::query()
    ///     .order_by(Address::id.asc())
    ///     .paginate_with(&db, PageRequest::new(1).per_page(2), joinedload(Address::person))?;
    /// for (address, person) in page.items() {
    ///     println!("{} lives at {}", person.as_ref().unwrap().name, address.email);
    /// }
    /// assert_eq!((page.items().len(), page.total()), (2, Some(3)));
    /// let next = page.next(&db)?;
    /// assert_eq!(next.items().len(), 1);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn paginate_with<E, R>(
        &self,
        exec: E,
        request: PageRequest,
        relationship: impl Into<Eager<R>>,
    ) -> Result<PageWith<'a, R>>
    where
        E: Executor,
        R: Relationship<Parent = M> + RelOnAllBackends,
    {
        let request = request.validate()?;
        let (strategy, chunk) = relationship.into().parts();
        let total = if request.count { None } else { Some(None) };
        PagedWith {
            query: self.clone(),
            strategy,
            chunk,
        }
        .fetch(exec, request, total)
    }
}

impl<'a, R: Relationship + RelOnAllBackends> PagedWith<'a, R> {
    /// `known_total = Some(t)` skips the count and reports `t` (neighbour pages).
    #[track_caller]
    fn fetch<E: Executor>(
        &self,
        exec: E,
        request: PageRequest,
        known_total: Option<Option<u64>>,
    ) -> Result<PageWith<'a, R>> {
        self.query
            .fetch_page_of(exec, request, known_total, self.clone(), |conn, page| {
                load_pairs::<R>(conn, page, self.strategy, self.chunk)
            })
    }

    #[track_caller]
    fn neighbour<E: Executor>(
        page: &PageWith<'a, R>,
        exec: E,
        number: u64,
    ) -> Result<PageWith<'a, R>> {
        let request = PageRequest {
            page: number,
            count: false,
            error_out: false,
            ..page.request()
        };
        page.query().fetch(exec, request, Some(page.total()))
    }
}

impl<R: Relationship + RelOnAllBackends> PageNavigation for PageWith<'_, R> {
    #[track_caller]
    fn next<E: Executor>(&self, exec: E) -> Result<Self> {
        PagedWith::neighbour(self, exec, self.page().saturating_add(1))
    }

    #[track_caller]
    fn prev<E: Executor>(&self, exec: E) -> Result<Self> {
        PagedWith::neighbour(self, exec, self.page().saturating_sub(1).max(1))
    }
}
