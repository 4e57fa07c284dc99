//! `paginate` (Flask-SQLAlchemy's, with its 404 rules) and keyset pagination on [`Query`].

use crate::backend::{dispatch, ModelOn};
use crate::executor::Executor;
use crate::model::Model;
use crate::query::Query;
use fsql_core::keyset::{decode_cursor, encode_cursor, Direction};
use fsql_core::{CursorKey, Error, KeysetPage, KeysetRequest, PageRequest, Pagination, Result};

/// A page of `M` that can fetch its neighbours.
pub type Page<'a, M> = Pagination<M, Query<'a, M>>;

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl<'a, M: Model> Query<'a, M> {
    /// One page of the query: Flask-SQLAlchemy's `paginate`. Runs the page (`LIMIT`/`OFFSET`
    /// replacing the query's own) and, unless `request.count` is off, `COUNT(*)` over the
    /// query's filters (no `ORDER BY`, `LIMIT` or `OFFSET`): two statements on one connection.
    ///
    /// With `error_out` (the default) a bad page or size, or an empty page that is not page 1,
    /// is `NotFound`. Unlike Flask-SQLAlchemy 3.1, `max_per_page` (default 100) applies.
    ///
    /// ```text
    /// let page = Post::query().order_by(Post::id.desc()).paginate(&db, PageRequest::from_query(query_string)?)?;
    /// for p in page.iter_pages() { /* Some(n) = link, None = gap */ }
    /// let next = page.next(&db)?;   // PageNavigation, in the prelude
    /// ```
    #[track_caller]
    pub fn paginate<E: Executor>(&self, exec: E, request: PageRequest) -> Result<Page<'a, M>> {
        let request = request.validate()?;
        let total = if request.count { None } else { Some(None) };
        self.fetch_page(exec, request, total)
    }

    /// `known_total = Some(t)` skips the count and reports `t` (neighbour pages).
    fn fetch_page<E: Executor>(
        &self,
        exec: E,
        request: PageRequest,
        known_total: Option<Option<u64>>,
    ) -> Result<Page<'a, M>> {
        let mut page_query = self.clone();
        page_query = page_query
            .limit(to_i64(request.limit()))
            .offset(to_i64(request.offset()));
        let (items, total) = self.run_on(exec, |conn| {
            dispatch!(conn, |c, DB| {
                let items = <M as ModelOn<DB>>::load(c, &page_query)?;
                let total = match known_total {
                    Some(t) => t,
                    None => Some(u64::try_from(<M as ModelOn<DB>>::count(c, self)?).unwrap_or(0)),
                };
                Ok((items, total))
            })
        })?;
        if items.is_empty() && request.page > 1 && request.error_out {
            return Err(Error::not_found());
        }
        Ok(Pagination::new(items, &request, total, self.clone()))
    }

    /// One page of a keyset pagination by primary key (ascending, or descending with
    /// `request.descending`): the rows after or before the key in `request.cursor`, and cursors
    /// for the pages around. Costs the same on page 400 as on page 1; counts only when
    /// `request.count` is set.
    ///
    /// The query may filter but not order, limit or offset: the key decides the order. A
    /// cursor that is malformed, altered, or made for another table or order is `NotFound`
    /// under `error_out` (else the first page); so is an empty page after a cursor.
    #[track_caller]
    pub fn keyset<E: Executor>(&self, exec: E, request: KeysetRequest) -> Result<KeysetPage<M>>
    where
        M::PrimaryKey: CursorKey,
    {
        if self.__base().is_some() {
            return Err(Error::Config {
                key: "keyset".to_owned(),
                value: M::META.model.to_owned(),
                reason: "keyset pagination needs to order the query itself, which a query built \
                         from_boxed may already do; filter with Query::filter instead"
                    .to_owned(),
            });
        }
        if !self.__orders().is_empty() || self.__limit().is_some() || self.__offset().is_some() {
            return Err(Error::Config {
                key: "keyset".to_owned(),
                value: M::META.model.to_owned(),
                reason: "keyset pagination orders by the primary key and sets its own limit; \
                         remove order_by, limit and offset from the query"
                    .to_owned(),
            });
        }
        let per_page = request.limit()?;
        let descending = request.descending;
        let cursor = match request.cursor.as_deref() {
            None => None,
            Some(c) => match decode_cursor::<M::PrimaryKey>(c, M::TABLE_NAME, descending) {
                Ok(v) => Some(v),
                Err(e) if request.error_out => {
                    return Err(Error::not_found_with(format!("invalid page cursor: {e}")))
                }
                Err(_) => None,
            },
        };
        let direction = cursor.as_ref().map(|(d, _)| *d);
        let mut q = self.clone();
        q = match cursor {
            None => M::__keyset_order(q, descending),
            // Rows after the key in the pagination's order: greater when ascending.
            Some((Direction::After, key)) => {
                M::__keyset_order(M::__keyset_filter(q, key, !descending), descending)
            }
            // Rows before it, nearest first; read in reverse, then turned around.
            Some((Direction::Before, key)) => {
                M::__keyset_order(M::__keyset_filter(q, key, descending), !descending)
            }
        };
        q = q.limit(to_i64(per_page.saturating_add(1)));
        let count = request.count;
        let (mut rows, total) = self.run_on(exec, |conn| {
            dispatch!(conn, |c, DB| {
                let rows = <M as ModelOn<DB>>::load(c, &q)?;
                let total = if count {
                    Some(u64::try_from(<M as ModelOn<DB>>::count(c, self)?).unwrap_or(0))
                } else {
                    None
                };
                Ok((rows, total))
            })
        })?;
        let more = rows.len() as u64 > per_page;
        rows.truncate(usize::try_from(per_page).unwrap_or(usize::MAX));
        if direction == Some(Direction::Before) {
            rows.reverse();
        }
        if rows.is_empty() && direction.is_some() && request.error_out {
            return Err(Error::not_found());
        }
        let cursor_at = |row: Option<&M>, d: Direction| {
            row.map(|r| encode_cursor(M::TABLE_NAME, descending, d, &r.primary_key()))
        };
        let (prev, next) = match direction {
            None => (
                None,
                more.then(|| cursor_at(rows.last(), Direction::After))
                    .flatten(),
            ),
            Some(Direction::After) => (
                cursor_at(rows.first(), Direction::Before),
                more.then(|| cursor_at(rows.last(), Direction::After))
                    .flatten(),
            ),
            Some(Direction::Before) => (
                more.then(|| cursor_at(rows.first(), Direction::Before))
                    .flatten(),
                cursor_at(rows.last(), Direction::After),
            ),
        };
        Ok(KeysetPage::new(rows, per_page, total, prev, next))
    }
}

/// `next()` and `prev()` on a page from [`Query::paginate`]: run the query again for the
/// neighbour page, keeping `per_page` and `max_per_page` (Flask-SQLAlchemy 3.1's `prev()`
/// drops `max_per_page`; fsql keeps it on both), without counting again (the total is carried
/// over), and without `error_out`, as in Flask-SQLAlchemy. In the prelude.
pub trait PageNavigation: Sized {
    /// The next page.
    fn next<E: Executor>(&self, exec: E) -> Result<Self>;
    /// The previous page (page 1 again when this is page 1).
    fn prev<E: Executor>(&self, exec: E) -> Result<Self>;
}

impl<M: Model> PageNavigation for Page<'_, M> {
    #[track_caller]
    fn next<E: Executor>(&self, exec: E) -> Result<Self> {
        self.neighbour(exec, self.page().saturating_add(1))
    }

    #[track_caller]
    fn prev<E: Executor>(&self, exec: E) -> Result<Self> {
        self.neighbour(exec, self.page().saturating_sub(1).max(1))
    }
}

trait Neighbour: Sized {
    fn neighbour<E: Executor>(&self, exec: E, page: u64) -> Result<Self>;
}

impl<M: Model> Neighbour for Page<'_, M> {
    fn neighbour<E: Executor>(&self, exec: E, page: u64) -> Result<Self> {
        let request = PageRequest {
            page,
            count: false,
            error_out: false,
            ..self.request()
        };
        self.query().fetch_page(exec, request, Some(self.total()))
    }
}
