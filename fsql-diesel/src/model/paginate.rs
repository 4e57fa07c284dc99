//! `paginate` (Flask-SQLAlchemy's, with its 404 rules) and keyset pagination on [`Query`].

use crate::conn::backend::dispatch;
use crate::conn::executor::Executor;
use crate::model::query::Query;
use crate::model::Model;
use crate::model::ModelOn;
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
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Post {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub created: chrono::NaiveDateTime,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # let noon = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap().and_hms_opt(12, 0, 0).unwrap();
    /// # for _ in 0..3 { Post { id: 0, created: noon }.insert(&db)?; }
    /// # let query_string = "page=1&per_page=2";
    /// let page = Post::query()
    ///     .order_by(Post::id.desc())
    ///     .paginate(&db, PageRequest::from_query(query_string)?)?;
    /// for p in page.iter_pages() { /* Some(n) = link, None = gap */ }
    /// let next = page.next(&db)?;   // PageNavigation, in the prelude
    /// assert_eq!((page.items().len(), next.items().len()), (2, 1));
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn paginate<E: Executor>(&self, exec: E, request: PageRequest) -> Result<Page<'a, M>> {
        let request = request.validate()?;
        let total = if request.count { None } else { Some(None) };
        self.fetch_page(exec, request, total)
    }

    /// `known_total = Some(t)` skips the count and reports `t` (neighbour pages).
    #[track_caller]
    fn fetch_page<E: Executor>(
        &self,
        exec: E,
        request: PageRequest,
        known_total: Option<Option<u64>>,
    ) -> Result<Page<'a, M>> {
        self.fetch_page_of(exec, request, known_total, self.clone(), |conn, page| {
            page.load_rows(conn)
        })
    }

    /// One page, its items read by `load` from the query limited to the page, and the count
    /// of the whole query unless `known_total` gives it; `again` is what the page keeps to
    /// fetch its neighbours. Shared by `paginate` and `paginate_with`.
    #[track_caller]
    pub(crate) fn fetch_page_of<E: Executor, T, Q>(
        &self,
        exec: E,
        request: PageRequest,
        known_total: Option<Option<u64>>,
        again: Q,
        load: impl FnOnce(&mut crate::conn::backend::AnyConnection, &Query<'a, M>) -> Result<Vec<T>>,
    ) -> Result<Pagination<T, Q>> {
        let page_query = self
            .clone()
            .limit(to_i64(request.limit()))
            .offset(to_i64(request.offset()));
        let (items, total) = self.run_on(exec, |conn| {
            let items = load(conn, &page_query)?;
            dispatch!(conn, |c, DB| {
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
        Ok(Pagination::new(items, &request, total, again))
    }

    /// One page of a keyset pagination by primary key (ascending, or descending with
    /// `request.descending`): the rows after or before the key in `request.cursor`, and cursors
    /// for the pages around. Costs the same on page 400 as on page 1; counts only when
    /// `request.count` is set.
    ///
    /// The query may filter but not order, limit or offset: the key decides the order. A
    /// cursor that is malformed, altered, or made for another table, key or order is
    /// `NotFound` under `error_out` (else the first page); so is an empty page after a cursor.
    #[track_caller]
    pub fn keyset<E: Executor>(&self, exec: E, request: KeysetRequest) -> Result<KeysetPage<M>>
    where
        M::PrimaryKey: CursorKey,
    {
        self.keyset_with(exec, request, &PrimaryKeyOrder)
    }

    /// [`keyset`](Self::keyset) ordered by columns of your choice, the last of them unique
    /// (`(Post::created, Post::id)`), built with [`keyset_key!`](crate::keyset_key).
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Post {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub created: chrono::NaiveDateTime,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # let noon = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap().and_hms_opt(12, 0, 0).unwrap();
    /// # for _ in 0..3 { Post { id: 0, created: noon }.insert(&db)?; }
    /// let by_date = fsql::keyset_key!(Post::created, Post::id => |p: &Post| (p.created, p.id));
    /// let page = Post::query().keyset_by(&db, KeysetRequest::first(2).descending(true), &by_date)?;
    /// assert_eq!(page.items()[0].id, 3); // same time: the larger id first
    /// assert!(page.next_cursor().is_some());
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn keyset_by<E: Executor, K: CursorKey>(
        &self,
        exec: E,
        request: KeysetRequest,
        key: &KeysetKey<M, K>,
    ) -> Result<KeysetPage<M>> {
        self.keyset_with(exec, request, key)
    }

    #[track_caller]
    fn keyset_with<E: Executor, S: KeyOrder<M>>(
        &self,
        exec: E,
        request: KeysetRequest,
        key: &S,
    ) -> Result<KeysetPage<M>> {
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
                reason: "keyset pagination orders by its key and sets its own limit; remove \
                         order_by, limit and offset from the query"
                    .to_owned(),
            });
        }
        let per_page = request.limit()?;
        let descending = request.descending;
        let scope = key.scope();
        let cursor = match request.cursor.as_deref() {
            None => None,
            Some(c) => match decode_cursor::<S::Key>(c, &scope, descending) {
                Ok(v) => Some(v),
                Err(e) if request.error_out => {
                    return Err(Error::not_found_with(format!("invalid page cursor: {e}")))
                }
                Err(_) => None,
            },
        };
        let direction = cursor.as_ref().map(|(d, _)| *d);
        let q = match cursor {
            None => key.order(self.clone(), descending),
            // Rows after the key in the pagination's order: greater when ascending.
            Some((Direction::After, k)) => {
                key.order(key.filter(self.clone(), &k, !descending), descending)
            }
            // Rows before it, nearest first; read in reverse, then turned around.
            Some((Direction::Before, k)) => {
                key.order(key.filter(self.clone(), &k, descending), !descending)
            }
        };
        let q = q.limit(to_i64(per_page.saturating_add(1)));
        let count = request.count;
        let (mut rows, total) = self.run_on(exec, |conn| {
            let rows = q.load_rows(conn)?;
            dispatch!(conn, |c, DB| {
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
            row.map(|r| encode_cursor(&scope, descending, d, &key.read(r)))
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

/// How a keyset pagination orders rows and reads a row's position.
trait KeyOrder<M: Model> {
    type Key: CursorKey;
    /// Names the table and columns, so a cursor of one key is refused by another.
    fn scope(&self) -> String;
    fn filter<'a>(&self, q: Query<'a, M>, key: &Self::Key, greater: bool) -> Query<'a, M>;
    fn order<'a>(&self, q: Query<'a, M>, descending: bool) -> Query<'a, M>;
    fn read(&self, row: &M) -> Self::Key;
}

struct PrimaryKeyOrder;

impl<M: Model> KeyOrder<M> for PrimaryKeyOrder
where
    M::PrimaryKey: CursorKey,
{
    type Key = M::PrimaryKey;
    fn scope(&self) -> String {
        M::TABLE_NAME.to_owned()
    }
    fn filter<'a>(&self, q: Query<'a, M>, key: &M::PrimaryKey, greater: bool) -> Query<'a, M> {
        M::__keyset_filter(q, key.clone(), greater)
    }
    fn order<'a>(&self, q: Query<'a, M>, descending: bool) -> Query<'a, M> {
        M::__keyset_order(q, descending)
    }
    fn read(&self, row: &M) -> M::PrimaryKey {
        row.primary_key()
    }
}

type FilterFn<M, K> = dyn for<'q> Fn(Query<'q, M>, &K, bool) -> Query<'q, M> + Send + Sync;
type OrderFn<M> = dyn for<'q> Fn(Query<'q, M>, bool) -> Query<'q, M> + Send + Sync;

/// Columns a keyset pagination orders by, the last of them unique, and how to read them from a
/// row. Build it with [`keyset_key!`](crate::keyset_key), which writes the comparison for the
/// concrete columns so it type-checks as hand-written Diesel would.
pub struct KeysetKey<M: Model, K> {
    scope: String,
    filter: Box<FilterFn<M, K>>,
    order: Box<OrderFn<M>>,
    read: Box<dyn Fn(&M) -> K + Send + Sync>,
}

impl<M: Model, K: CursorKey> KeysetKey<M, K> {
    #[doc(hidden)]
    pub fn __new(
        columns: &str,
        // First, so its annotation (`|p: &Post| ..`) tells the compiler `M` and `K` before it
        // reads the two closures below.
        read: impl Fn(&M) -> K + Send + Sync + 'static,
        filter: impl for<'q> Fn(Query<'q, M>, &K, bool) -> Query<'q, M> + Send + Sync + 'static,
        order: impl for<'q> Fn(Query<'q, M>, bool) -> Query<'q, M> + Send + Sync + 'static,
    ) -> Self {
        Self {
            scope: format!("{}:{}", M::TABLE_NAME, columns.replace(' ', "")),
            filter: Box::new(filter),
            order: Box::new(order),
            read: Box::new(read),
        }
    }
}

/// One column's reader as a one-element tuple (cursors encode keys as tuples).
#[doc(hidden)]
pub fn __single<M, V>(
    read: impl Fn(&M) -> V + Send + Sync + 'static,
) -> impl Fn(&M) -> (V,) + Send + Sync + 'static {
    move |row| (read(row),)
}

impl<M: Model, K: CursorKey> KeyOrder<M> for KeysetKey<M, K> {
    type Key = K;
    fn scope(&self) -> String {
        self.scope.clone()
    }
    fn filter<'a>(&self, q: Query<'a, M>, key: &K, greater: bool) -> Query<'a, M> {
        (self.filter)(q, key, greater)
    }
    fn order<'a>(&self, q: Query<'a, M>, descending: bool) -> Query<'a, M> {
        (self.order)(q, descending)
    }
    fn read(&self, row: &M) -> K {
        (self.read)(row)
    }
}

/// A [`KeysetKey`]: the columns to order by (the last one unique) and a closure reading their
/// values from a row, as a tuple in the same order.
///
/// ```
/// # use fsql::prelude::*;
/// # #[derive(Model, Debug, Clone)]
/// # pub struct Post {
/// #     #[fsql(primary_key)]
/// #     pub id: i32,
/// #     pub created: chrono::NaiveDateTime,
/// # }
/// # fn main() -> fsql::Result<()> {
/// # let db = Database::builder().url("sqlite://").build()?;
/// # db.create_all()?;
/// # let noon = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap().and_hms_opt(12, 0, 0).unwrap();
/// # for _ in 0..3 { Post { id: 0, created: noon }.insert(&db)?; }
/// let by_date = fsql::keyset_key!(Post::created, Post::id => |p: &Post| (p.created, p.id));
/// let first = Post::query().keyset_by(&db, KeysetRequest::first(2), &by_date)?;
/// let cursor = first.next_cursor().expect("a third post");
/// let rest = Post::query().keyset_by(&db, KeysetRequest::at(cursor), &by_date)?;
/// assert_eq!(rest.items().len(), 1);
/// # Ok(())
/// # }
/// ```
#[macro_export]
macro_rules! keyset_key {
    ($c0:expr => $read:expr) => {
        $crate::paginate::KeysetKey::__new(
            stringify!($c0),
            $crate::paginate::__single($read),
            |q, k: &(_,), greater| {
                #[allow(unused_imports)]
                use ::diesel::ExpressionMethods as _;
                if greater {
                    q.filter($c0.gt(k.0.clone()))
                } else {
                    q.filter($c0.lt(k.0.clone()))
                }
            },
            |q, descending| {
                use ::diesel::ExpressionMethods as _;
                if descending {
                    q.order_by($c0.desc())
                } else {
                    q.order_by($c0.asc())
                }
            },
        )
    };
    ($c0:expr, $c1:expr => $read:expr) => {
        $crate::paginate::KeysetKey::__new(
            concat!(stringify!($c0), ",", stringify!($c1)),
            $read,
            |q, k: &(_, _), greater| {
                use ::diesel::{BoolExpressionMethods as _, ExpressionMethods as _};
                if greater {
                    q.filter(
                        $c0.gt(k.0.clone())
                            .or($c0.eq(k.0.clone()).and($c1.gt(k.1.clone()))),
                    )
                } else {
                    q.filter(
                        $c0.lt(k.0.clone())
                            .or($c0.eq(k.0.clone()).and($c1.lt(k.1.clone()))),
                    )
                }
            },
            |q, descending| {
                use ::diesel::ExpressionMethods as _;
                if descending {
                    q.order_by($c0.desc()).order_by($c1.desc())
                } else {
                    q.order_by($c0.asc()).order_by($c1.asc())
                }
            },
        )
    };
    ($c0:expr, $c1:expr, $c2:expr => $read:expr) => {
        $crate::paginate::KeysetKey::__new(
            concat!(stringify!($c0), ",", stringify!($c1), ",", stringify!($c2)),
            $read,
            |q, k: &(_, _, _), greater| {
                use ::diesel::{BoolExpressionMethods as _, ExpressionMethods as _};
                if greater {
                    q.filter(
                        $c0.gt(k.0.clone()).or($c0.eq(k.0.clone()).and(
                            $c1.gt(k.1.clone())
                                .or($c1.eq(k.1.clone()).and($c2.gt(k.2.clone()))),
                        )),
                    )
                } else {
                    q.filter(
                        $c0.lt(k.0.clone()).or($c0.eq(k.0.clone()).and(
                            $c1.lt(k.1.clone())
                                .or($c1.eq(k.1.clone()).and($c2.lt(k.2.clone()))),
                        )),
                    )
                }
            },
            |q, descending| {
                use ::diesel::ExpressionMethods as _;
                if descending {
                    q.order_by($c0.desc())
                        .order_by($c1.desc())
                        .order_by($c2.desc())
                } else {
                    q.order_by($c0.asc())
                        .order_by($c1.asc())
                        .order_by($c2.asc())
                }
            },
        )
    };
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
    #[track_caller]
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
