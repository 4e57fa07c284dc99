//! Offset pagination with Flask-SQLAlchemy 3.1's semantics: [`PageRequest`] (which page, how
//! many items, read from a query string or request arguments) and [`Pagination`] (one page of
//! results with `pages`, `has_next`, `iter_pages` …).
//!
//! This module only does the arithmetic; the runtime (`fsql-diesel`'s `Query::paginate`) runs
//! the page query with [`PageRequest::limit`] and [`PageRequest::offset`], the count query unless
//! [`PageRequest::count`] is off, and builds the result with [`Pagination::new`].
//!
//! # Argument rules
//!
//! As Flask-SQLAlchemy's `_prepare_page_args`:
//!
//! - `page` defaults to 1 and `per_page` to 20 when the request does not give them.
//! - Values parse like Python's `int()` ([`parse_int`]): `" 3 "`, `"+4"`, `"007"` and `"1_0"`
//!   are numbers; `""`, `"2.5"`, `"abc"`, `"1e3"` are not.
//! - An unparsable value, `page < 1` or `per_page < 1` is [`Error::NotFound`] (Werkzeug's 404
//!   description, [`Error::not_found`]) when `error_out` is on. With `error_out` off the value
//!   falls back: `page` to 1, `per_page` to the base request's `per_page` (20 unless you set
//!   another; Flask-SQLAlchemy's `default_per_page`).
//! - `per_page` is capped at `max_per_page` when that is `Some` (default `Some(100)`).
//! - From a query string (as `request.args.get` reads it in Flask) only `page` and `per_page`
//!   count, and when a key is repeated its **first** value is used, as Werkzeug's `MultiDict`
//!   does (`?page=2&page=3` is page 2).
//!
//! A page past the end that is not page 1 is `NotFound` under `error_out` (else an empty page);
//! that check needs the items, so the runtime makes it after running the page query.
//!
//! # Where fsql deliberately differs from Flask-SQLAlchemy 3.1
//!
//! - **`max_per_page` defaults to 100 and applies.** Flask-SQLAlchemy documents a default of
//!   100, but `db.paginate` and `Query.paginate` pass `None`, so a user-supplied
//!   `?per_page=1000000` is honoured. fsql caps it unless you say `max_per_page(None)`.
//! - **The fallback for an invalid `per_page` is capped too.** Flask caps before it checks, so
//!   with `error_out=False` and `max_per_page=10`, `?per_page=0` gives 20 items; fsql gives 10.
//!   [`PageRequest::limit`] never exceeds `max_per_page`.
//! - **`prev()` keeps `max_per_page`, as `next()` does.** Flask-SQLAlchemy's `prev()` drops it.
//!   Both are run by the runtime from [`Pagination::request`], which carries `max_per_page`.
//! - **Numbers must fit in an `i64`.** Python's `int()` has no limit; a larger value (or any
//!   value that does not fit once parsed) is treated as unparsable: `NotFound` under
//!   `error_out`, else the default.
//! - **Only ASCII digits.** Python's `int()` also accepts other Unicode decimal digits
//!   (`"٣"`, fullwidth `"３"`); fsql does not. Surrounding Unicode whitespace is accepted, as in
//!   Python.
//!
//! # Pagination properties
//!
//! Exactly Flask-SQLAlchemy 3.1's, including its corner cases (checked against
//! Flask-SQLAlchemy's conformance facts in `fsql-core/tests/data/flask_parity.toml`):
//!
//! - [`Pagination::pages`] is 0 when `total` is `None` (count off) or 0.
//! - [`Pagination::has_next`] is `page < pages`, so it is `false` whenever `total` is unknown,
//!   even when the page is full: with `count(false)`, keep a total of your own or ask for one
//!   more item than you show. (`prev()`/`next()` carry the total over, so it stays known there.)
//! - [`Pagination::first`] and [`Pagination::last`] are 0 when the page has no items, whatever
//!   `total` says.
//! - [`Pagination::iter_pages`] yields `None` for a gap; `right_current` is inclusive (Flask-
//!   SQLAlchemy 2.x's default of 5 exclusive is 4 here).

use std::fmt;
use std::iter::FusedIterator;

use crate::error::{Error, Result};

/// The page [`PageRequest::default`] asks for: 1.
pub const DEFAULT_PAGE: u64 = 1;
/// Items per page when nothing says otherwise: 20.
pub const DEFAULT_PER_PAGE: u64 = 20;
/// The default cap on `per_page`: 100 (applied; see the [module docs](self)).
pub const DEFAULT_MAX_PER_PAGE: u64 = 100;

/// Which page to fetch and how: Flask-SQLAlchemy's `paginate(page=, per_page=, max_per_page=,
/// error_out=, count=)` arguments.
///
/// Build one with [`PageRequest::new`] and the setters, or from user input with
/// [`PageRequest::from_query`] / [`PageRequest::from_args`], which apply the rules in the
/// [module docs](self). Values set by hand are checked by the runtime with
/// [`PageRequest::validate`].
///
/// ```
/// use fsql_core::pagination::PageRequest;
///
/// let req = PageRequest::from_query("page=3&per_page=50&sort=name")?;
/// assert_eq!((req.page, req.per_page, req.offset(), req.limit()), (3, 50, 100, 50));
///
/// let capped = PageRequest::from_query("per_page=5000")?;
/// assert_eq!(capped.limit(), 100);
///
/// assert!(PageRequest::from_query("page=abc").unwrap_err().is_not_found());
/// let lenient = PageRequest::from_query_with("page=abc", PageRequest::default().error_out(false))?;
/// assert_eq!(lenient.page, 1);
/// # Ok::<(), fsql_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageRequest {
    /// The page, from 1. Default 1.
    pub page: u64,
    /// Items per page. Default 20.
    pub per_page: u64,
    /// Cap on `per_page`; `None` for no cap. Default `Some(100)`, and it applies.
    pub max_per_page: Option<u64>,
    /// Answer bad arguments and a page past the end (other than page 1) with
    /// [`Error::NotFound`]; when off, fall back to defaults / an empty page. Default `true`.
    pub error_out: bool,
    /// Run the `COUNT(*)` query for [`Pagination::total`]. Default `true`.
    pub count: bool,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: DEFAULT_PAGE,
            per_page: DEFAULT_PER_PAGE,
            max_per_page: Some(DEFAULT_MAX_PER_PAGE),
            error_out: true,
            count: true,
        }
    }
}

impl PageRequest {
    /// Page `page` with the other fields at their defaults.
    pub fn new(page: u64) -> Self {
        Self {
            page,
            ..Self::default()
        }
    }

    /// Items per page.
    #[must_use]
    pub fn per_page(mut self, n: u64) -> Self {
        self.per_page = n;
        self
    }

    /// Cap on `per_page` (`None`: no cap).
    #[must_use]
    pub fn max_per_page(mut self, n: Option<u64>) -> Self {
        self.max_per_page = n;
        self
    }

    /// `NotFound` for bad arguments and pages past the end (`true`), or fall back (`false`).
    #[must_use]
    pub fn error_out(mut self, b: bool) -> Self {
        self.error_out = b;
        self
    }

    /// Run the count query (`true`) or leave [`Pagination::total`] as `None` (`false`).
    #[must_use]
    pub fn count(mut self, b: bool) -> Self {
        self.count = b;
        self
    }

    /// Reads `page` and `per_page` from a URL query string, with the defaults of
    /// [`PageRequest::default`] (`error_out` on, `max_per_page` 100).
    ///
    /// See [`PageRequest::from_query_with`] for how the string is read.
    pub fn from_query(query: &str) -> Result<Self> {
        Self::from_query_with(query, Self::default())
    }

    /// Reads `page` and `per_page` from a URL query string; `base` gives `error_out`,
    /// `max_per_page`, `count` and the values used when a key is absent.
    ///
    /// The string is read as Werkzeug reads `request.args`: an optional leading `?`, pairs
    /// split on `&`, `+` is a space, `%XX` is percent-decoded (keys too; invalid UTF-8 becomes
    /// U+FFFD), a pair without `=` has an empty value, other keys are ignored, and for a
    /// repeated key the first value counts. Then the rules of [`PageRequest::from_args`].
    pub fn from_query_with(query: &str, base: PageRequest) -> Result<Self> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut page: Option<String> = None;
        let mut per_page: Option<String> = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let slot = match crate::percent::decode_form(key).as_str() {
                "page" => &mut page,
                "per_page" => &mut per_page,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(crate::percent::decode_form(value));
            }
        }
        Self::from_args(page.as_deref(), per_page.as_deref(), base)
    }

    /// From raw optional values (e.g. a web framework's request arguments): `None` means the
    /// argument is absent and `base`'s value is used; `base` also gives `error_out`,
    /// `max_per_page` and `count`.
    ///
    /// A value that [`parse_int`] rejects, `page < 1` or `per_page < 1` is
    /// [`Error::NotFound`] when `base.error_out`; otherwise `page` falls back to 1 and
    /// `per_page` to `base.per_page` (or 20 if that is below 1). `per_page` is then capped at
    /// `max_per_page`, so the result's `per_page` equals its [`limit`](Self::limit).
    pub fn from_args(
        page: Option<&str>,
        per_page: Option<&str>,
        base: PageRequest,
    ) -> Result<Self> {
        let parse = |value: Option<&str>, absent: u64| -> Option<u64> {
            match value {
                None => Some(absent),
                Some(s) => parse_int(s).and_then(|n| u64::try_from(n).ok()),
            }
        };
        resolve(
            parse(page, base.page),
            parse(per_page, base.per_page),
            &base,
        )
    }

    /// Applies the argument rules to values set by hand: `page < 1` or `per_page < 1` is
    /// [`Error::NotFound`] under `error_out`, else `page` becomes 1 and `per_page` 20; then
    /// `per_page` is capped at `max_per_page`. The runtime calls this before querying, so
    /// `PageRequest::new(0)` is a 404 just like `paginate(page=0)` in Flask-SQLAlchemy.
    pub fn validate(self) -> Result<Self> {
        resolve(Some(self.page), Some(self.per_page), &self)
    }

    /// Rows to skip: `(page - 1) * limit()`, saturating (page 0 counts as page 1).
    pub fn offset(&self) -> u64 {
        self.page.saturating_sub(1).saturating_mul(self.limit())
    }

    /// Rows to fetch: `per_page`, capped at `max_per_page` when that is `Some`.
    pub fn limit(&self) -> u64 {
        cap(self.per_page, self.max_per_page)
    }
}

fn cap(per_page: u64, max_per_page: Option<u64>) -> u64 {
    match max_per_page {
        Some(max) => per_page.min(max),
        None => per_page,
    }
}

/// The rules, on values that parsed (`Some`) or did not (`None`).
fn resolve(page: Option<u64>, per_page: Option<u64>, base: &PageRequest) -> Result<PageRequest> {
    let page = match page {
        Some(p) if p >= 1 => p,
        _ if base.error_out => return Err(Error::not_found()),
        _ => DEFAULT_PAGE,
    };
    // Flask caps before it checks; the same here, and the fallback is capped as well.
    let per_page = match per_page.map(|n| cap(n, base.max_per_page)) {
        Some(n) if n >= 1 => n,
        _ if base.error_out => return Err(Error::not_found()),
        _ => {
            let fallback = if base.per_page >= 1 {
                base.per_page
            } else {
                DEFAULT_PER_PAGE
            };
            cap(fallback, base.max_per_page)
        }
    };
    Ok(PageRequest {
        page,
        per_page,
        ..*base
    })
}

/// Parses an integer as Python's `int(s)` does, within `i64`.
///
/// Accepted: surrounding whitespace (Unicode, as Python's `str.strip()`), one leading `+` or
/// `-` directly before the digits, ASCII digits with leading zeros (`"007"` is 7), and single
/// underscores *between* digits (`"1_000"` is 1000, as Python 3.6+ accepts; `"_1"`, `"1_"`,
/// `"1__0"` are rejected).
///
/// Rejected (`None`): `""`, whitespace only, `"2.5"`, `"abc"`, `"1e3"`, `"0x10"`, `"- 1"`,
/// `"++1"`, embedded whitespace, non-ASCII digits (which Python would accept), and values
/// outside `i64` (which Python would accept).
///
/// ```
/// use fsql_core::pagination::parse_int;
/// assert_eq!(parse_int(" +42\n"), Some(42));
/// assert_eq!(parse_int("-1_000"), Some(-1000));
/// assert_eq!(parse_int("2.5"), None);
/// assert_eq!(parse_int("99999999999999999999"), None);
/// ```
pub fn parse_int(s: &str) -> Option<i64> {
    let s = s.trim();
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    // Accumulate as a negative number so that i64::MIN parses.
    let mut value: i64 = 0;
    let mut previous_was_digit = false;
    for b in digits.bytes() {
        match b {
            b'0'..=b'9' => {
                value = value.checked_mul(10)?.checked_sub(i64::from(b - b'0'))?;
                previous_was_digit = true;
            }
            b'_' if previous_was_digit => previous_was_digit = false,
            _ => return None,
        }
    }
    if !previous_was_digit {
        return None; // trailing underscore
    }
    if negative {
        Some(value)
    } else {
        value.checked_neg()
    }
}

/// One page of results: Flask-SQLAlchemy's `Pagination`.
///
/// `T` is the item type; `Q` is whatever the runtime keeps to fetch other pages (its query),
/// `()` when there is none. Iterating over a pagination iterates over its items.
///
/// ```
/// use fsql_core::pagination::{PageRequest, Pagination};
///
/// let page = Pagination::new(vec!["k", "l"], &PageRequest::new(6).per_page(2), Some(12), ());
/// assert_eq!((page.pages(), page.first(), page.last()), (6, 11, 12));
/// assert_eq!((page.prev_num(), page.next_num()), (Some(5), None));
/// let widget: Vec<Option<u64>> = page.iter_pages().collect();
/// assert_eq!(widget, [Some(1), Some(2), None, Some(4), Some(5), Some(6)]);
/// for item in &page {
///     assert!(item.len() == 1);
/// }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Pagination<T, Q = ()> {
    items: Vec<T>,
    page: u64,
    per_page: u64,
    max_per_page: Option<u64>,
    error_out: bool,
    count: bool,
    total: Option<u64>,
    query: Q,
}

impl<T, Q> Pagination<T, Q> {
    /// Built by the runtime after it ran the page query (and the count query unless `count` is
    /// off). `per_page` is taken as `request.limit()`, i.e. after `max_per_page`. No checks
    /// are made here: validate the request first ([`PageRequest::validate`]).
    pub fn new(items: Vec<T>, request: &PageRequest, total: Option<u64>, query: Q) -> Self {
        Self {
            items,
            page: request.page,
            per_page: request.limit(),
            max_per_page: request.max_per_page,
            error_out: request.error_out,
            count: request.count,
            total,
            query,
        }
    }

    /// The items on this page.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The items on this page, by value.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// The current page number, from 1.
    pub fn page(&self) -> u64 {
        self.page
    }

    /// The most items a page holds (after `max_per_page`).
    pub fn per_page(&self) -> u64 {
        self.per_page
    }

    /// The cap on `per_page` this page was made with.
    pub fn max_per_page(&self) -> Option<u64> {
        self.max_per_page
    }

    /// Items across all pages; `None` when the count query was not run.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// The number of pages: `ceil(total / per_page)`; 0 when `total` is `None` or 0 (and when
    /// `per_page` is 0).
    pub fn pages(&self) -> u64 {
        match self.total {
            None | Some(0) => 0,
            Some(_) if self.per_page == 0 => 0,
            Some(total) => total.div_ceil(self.per_page),
        }
    }

    /// `true` if this is not the first page (`page > 1`).
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    /// `true` if this is not the last page: `page < pages`. As in Flask-SQLAlchemy 3.1 this is
    /// `false` when `total` is unknown (`pages` is then 0), however many items the page holds.
    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }

    /// The previous page number, `None` on the first page.
    pub fn prev_num(&self) -> Option<u64> {
        self.has_prev().then(|| self.page - 1)
    }

    /// The next page number, `None` on the last page (see [`has_next`](Self::has_next)).
    pub fn next_num(&self) -> Option<u64> {
        self.has_next().then(|| self.page + 1)
    }

    /// The number of the first item on the page, from 1; 0 when the page has no items.
    pub fn first(&self) -> u64 {
        if self.items.is_empty() {
            return 0;
        }
        self.page
            .saturating_sub(1)
            .saturating_mul(self.per_page)
            .saturating_add(1)
    }

    /// The number of the last item on the page, from 1, inclusive; 0 when the page has no
    /// items.
    pub fn last(&self) -> u64 {
        let first = self.first();
        first.max(
            first
                .saturating_add(self.items.len() as u64)
                .saturating_sub(1),
        )
    }

    /// Page numbers for a pagination widget with Flask-SQLAlchemy's default edges:
    /// `iter_pages_with(2, 2, 4, 2)`. `None` stands for a gap (an ellipsis).
    ///
    /// With 20 pages and page 7: `1, 2, None, 5, 6, 7, 8, 9, 10, 11, None, 19, 20`.
    pub fn iter_pages(&self) -> IterPages {
        self.iter_pages_with(2, 2, 4, 2)
    }

    /// Page numbers for a pagination widget, as Flask-SQLAlchemy 3.x's
    /// `iter_pages(left_edge=, left_current=, right_current=, right_edge=)`: `left_edge` pages
    /// from the first, `left_current` before the current page, `right_current` after it
    /// (inclusive), `right_edge` up to the last; `None` for each gap. Nothing when there are
    /// no pages.
    pub fn iter_pages_with(
        &self,
        left_edge: u64,
        left_current: u64,
        right_current: u64,
        right_edge: u64,
    ) -> IterPages {
        IterPages::new(
            self.page,
            self.pages(),
            left_edge,
            left_current,
            right_current,
            right_edge,
        )
    }

    /// What the runtime keeps to fetch other pages.
    pub fn query(&self) -> &Q {
        &self.query
    }

    /// The request this page was made with: `page`, `per_page` (after `max_per_page`),
    /// `max_per_page`, `error_out` and `count`. The runtime's `prev()`/`next()` start from it,
    /// so both keep `max_per_page`.
    pub fn request(&self) -> PageRequest {
        PageRequest {
            page: self.page,
            per_page: self.per_page,
            max_per_page: self.max_per_page,
            error_out: self.error_out,
            count: self.count,
        }
    }

    /// The same page with every item converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Pagination<U, Q> {
        Pagination {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            per_page: self.per_page,
            max_per_page: self.max_per_page,
            error_out: self.error_out,
            count: self.count,
            total: self.total,
            query: self.query,
        }
    }

    /// The same page with another query attached (`()` to drop it).
    pub fn with_query<R>(self, query: R) -> Pagination<T, R> {
        Pagination {
            items: self.items,
            page: self.page,
            per_page: self.per_page,
            max_per_page: self.max_per_page,
            error_out: self.error_out,
            count: self.count,
            total: self.total,
            query,
        }
    }
}

/// Shows the query by its type name, so a pagination is `Debug` whatever the query is.
impl<T: fmt::Debug, Q> fmt::Debug for Pagination<T, Q> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pagination")
            .field("items", &self.items)
            .field("page", &self.page)
            .field("per_page", &self.per_page)
            .field("max_per_page", &self.max_per_page)
            .field("error_out", &self.error_out)
            .field("count", &self.count)
            .field("total", &self.total)
            .field("query", &format_args!("{}", std::any::type_name::<Q>()))
            .finish()
    }
}

impl<T, Q> IntoIterator for Pagination<T, Q> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T, Q> IntoIterator for &'a Pagination<T, Q> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// `{items, page, per_page, total, pages, has_prev, has_next, prev_num, next_num}`;
/// `total`, `prev_num` and `next_num` are `null` when `None`. The query is not serialized.
#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<T: serde::Serialize, Q> serde::Serialize for Pagination<T, Q> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Pagination", 9)?;
        s.serialize_field("items", &self.items)?;
        s.serialize_field("page", &self.page)?;
        s.serialize_field("per_page", &self.per_page)?;
        s.serialize_field("total", &self.total)?;
        s.serialize_field("pages", &self.pages())?;
        s.serialize_field("has_prev", &self.has_prev())?;
        s.serialize_field("has_next", &self.has_next())?;
        s.serialize_field("prev_num", &self.prev_num())?;
        s.serialize_field("next_num", &self.next_num())?;
        s.end()
    }
}

/// Page numbers for a pagination widget, from [`Pagination::iter_pages`]: `Some(page)`, or
/// `None` for a gap, exactly as Flask-SQLAlchemy 3.x's `iter_pages` yields them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IterPages {
    /// Up to five parts: left range, gap, middle range, gap, right range.
    parts: [Part; 5],
    len: usize,
    next: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Pages `start..end`.
    Range(u64, u64),
    Gap,
}

impl IterPages {
    /// Flask-SQLAlchemy 3.x's algorithm, in saturating `u64` arithmetic (where Python would go
    /// below zero, the `max` that follows picks the other operand either way).
    fn new(
        page: u64,
        pages: u64,
        left_edge: u64,
        left_current: u64,
        right_current: u64,
        right_edge: u64,
    ) -> Self {
        let mut it = IterPages {
            parts: [Part::Range(0, 0); 5],
            len: 0,
            next: 0,
        };
        let mut push = |part| {
            it.parts[it.len] = part;
            it.len += 1;
        };
        let pages_end = pages.saturating_add(1);
        if pages_end == 1 {
            return it;
        }
        let left_end = left_edge.saturating_add(1).min(pages_end);
        push(Part::Range(1, left_end));
        if left_end == pages_end {
            return it;
        }
        let mid_start = left_end.max(page.saturating_sub(left_current));
        let mid_end = page
            .saturating_add(right_current)
            .saturating_add(1)
            .min(pages_end);
        if mid_start > left_end {
            push(Part::Gap);
        }
        push(Part::Range(mid_start, mid_end));
        if mid_end == pages_end {
            return it;
        }
        let right_start = mid_end.max(pages_end.saturating_sub(right_edge));
        if right_start > mid_end {
            push(Part::Gap);
        }
        push(Part::Range(right_start, pages_end));
        it
    }

    fn remaining(&self) -> u64 {
        self.parts[self.next..self.len]
            .iter()
            .map(|p| match *p {
                Part::Range(start, end) => end.saturating_sub(start),
                Part::Gap => 1,
            })
            .fold(0u64, u64::saturating_add)
    }
}

impl Iterator for IterPages {
    type Item = Option<u64>;

    fn next(&mut self) -> Option<Option<u64>> {
        while self.next < self.len {
            match &mut self.parts[self.next] {
                Part::Gap => {
                    self.next += 1;
                    return Some(None);
                }
                Part::Range(start, end) if *start < *end => {
                    let page = *start;
                    *start += 1;
                    return Some(Some(page));
                }
                Part::Range(..) => self.next += 1,
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.remaining();
        match usize::try_from(n) {
            Ok(n) => (n, Some(n)),
            Err(_) => (usize::MAX, None),
        }
    }
}

impl FusedIterator for IterPages {}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(page: Option<&str>, per_page: Option<&str>) -> Result<PageRequest> {
        PageRequest::from_args(page, per_page, PageRequest::default())
    }

    fn lenient(page: Option<&str>, per_page: Option<&str>) -> PageRequest {
        PageRequest::from_args(page, per_page, PageRequest::default().error_out(false))
            .expect("error_out=false never fails")
    }

    fn assert_404(r: Result<PageRequest>) {
        match r {
            Err(Error::NotFound { description }) => {
                assert_eq!(description, crate::error::NOT_FOUND_DESCRIPTION)
            }
            other => panic!("expected NotFound, got {other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let d = PageRequest::default();
        assert_eq!(
            d,
            PageRequest {
                page: 1,
                per_page: 20,
                max_per_page: Some(100),
                error_out: true,
                count: true
            }
        );
        assert_eq!(PageRequest::new(7), PageRequest { page: 7, ..d });
        let built = PageRequest::new(2)
            .per_page(5)
            .max_per_page(None)
            .error_out(false)
            .count(false);
        assert_eq!(
            built,
            PageRequest {
                page: 2,
                per_page: 5,
                max_per_page: None,
                error_out: false,
                count: false
            }
        );
        assert_eq!(args(None, None).unwrap(), d);
    }

    #[test]
    fn parse_int_like_python() {
        for (s, n) in [
            ("2", 2),
            (" 3 ", 3),
            ("+4", 4),
            ("-1", -1),
            ("0", 0),
            ("007", 7),
            ("-0", 0),
            ("\t\n 12 \r\n", 12),
            ("\u{a0}5\u{3000}", 5),
            ("1_000", 1000),
            ("-1_2_3", -123),
            ("9223372036854775807", i64::MAX),
            ("-9223372036854775808", i64::MIN),
        ] {
            assert_eq!(parse_int(s), Some(n), "{s:?}");
        }
        for s in [
            "",
            " ",
            "+",
            "-",
            "2.5",
            "abc",
            "1e3",
            "0x10",
            "1 2",
            "- 1",
            "++1",
            "+-1",
            "_1",
            "1_",
            "1__0",
            "+_1",
            "٣",
            "３",
            "\u{1c}1",
            "9223372036854775808",
            "-9223372036854775809",
            "99999999999999999999999999",
        ] {
            assert_eq!(parse_int(s), None, "{s:?}");
        }
    }

    #[test]
    fn valid_values() {
        assert_eq!(args(Some("2"), None).unwrap().page, 2);
        assert_eq!(args(Some(" 3 "), None).unwrap().page, 3);
        assert_eq!(args(Some("+4"), None).unwrap().page, 4);
        let r = args(Some("5"), Some(" 30 ")).unwrap();
        assert_eq!(
            (r.page, r.per_page, r.offset(), r.limit()),
            (5, 30, 120, 30)
        );
    }

    #[test]
    fn bad_values_are_404_under_error_out() {
        for bad in ["-1", "0", "", "2.5", "abc", "1e3", "99999999999999999999"] {
            assert_404(args(Some(bad), None));
            assert_404(args(None, Some(bad)));
        }
    }

    #[test]
    fn bad_values_fall_back_without_error_out() {
        for bad in ["-1", "0", "", "2.5", "abc", "1e3", "99999999999999999999"] {
            let r = lenient(Some(bad), Some(bad));
            assert_eq!((r.page, r.per_page), (1, 20), "{bad:?}");
            assert!(!r.error_out);
        }
        // Only the bad one falls back.
        let r = lenient(Some("abc"), Some("7"));
        assert_eq!((r.page, r.per_page), (1, 7));
        let r = lenient(Some("3"), Some("x"));
        assert_eq!((r.page, r.per_page), (3, 20));
    }

    #[test]
    fn fallback_per_page_is_the_base_one() {
        let base = PageRequest::default().per_page(50).error_out(false);
        let r = PageRequest::from_args(None, Some("abc"), base).unwrap();
        assert_eq!(r.per_page, 50);
        let r = PageRequest::from_args(None, None, base).unwrap();
        assert_eq!(r.per_page, 50);
        // A base per_page below 1 cannot be the fallback.
        let r = PageRequest::from_args(None, Some("0"), base.per_page(0)).unwrap();
        assert_eq!(r.per_page, 20);
        // Absent values come from the base, and are checked too.
        let base = PageRequest::new(4).per_page(9);
        let r = PageRequest::from_args(None, None, base).unwrap();
        assert_eq!((r.page, r.per_page), (4, 9));
        assert_404(PageRequest::from_args(None, None, PageRequest::new(0)));
    }

    #[test]
    fn per_page_zero() {
        assert_404(args(None, Some("0")));
        assert_404(PageRequest::new(1).per_page(0).validate());
        assert_eq!(lenient(None, Some("0")).per_page, 20);
        assert_eq!(lenient(None, Some("-5")).per_page, 20);
    }

    #[test]
    fn per_page_above_max_is_capped() {
        let r = args(None, Some("500")).unwrap();
        assert_eq!((r.per_page, r.limit()), (100, 100));
        let r = PageRequest::from_args(
            Some("3"),
            Some("500"),
            PageRequest::default().max_per_page(Some(30)),
        )
        .unwrap();
        assert_eq!((r.per_page, r.limit(), r.offset()), (30, 30, 60));
        let r =
            PageRequest::from_args(None, Some("500"), PageRequest::default().max_per_page(None))
                .unwrap();
        assert_eq!(r.per_page, 500);
        // Set by hand: limit() caps, validate() stores the capped value.
        let hand = PageRequest::new(2).per_page(1000);
        assert_eq!(
            (hand.per_page, hand.limit(), hand.offset()),
            (1000, 100, 100)
        );
        assert_eq!(hand.validate().unwrap().per_page, 100);
        // The fallback is capped as well (Flask-SQLAlchemy would give 20 here).
        let base = PageRequest::default()
            .max_per_page(Some(10))
            .error_out(false);
        assert_eq!(
            PageRequest::from_args(None, Some("0"), base)
                .unwrap()
                .per_page,
            10
        );
    }

    #[test]
    fn validate_hand_made_requests() {
        assert_eq!(PageRequest::new(3).validate().unwrap(), PageRequest::new(3));
        assert_404(PageRequest::new(0).validate());
        let r = PageRequest::new(0)
            .per_page(0)
            .error_out(false)
            .validate()
            .unwrap();
        assert_eq!((r.page, r.per_page), (1, 20));
        let r = PageRequest::new(2).count(false).validate().unwrap();
        assert!(!r.count);
    }

    #[test]
    fn offset_and_limit_saturate() {
        let r = PageRequest::new(u64::MAX)
            .max_per_page(None)
            .per_page(u64::MAX);
        assert_eq!(r.offset(), u64::MAX);
        assert_eq!(PageRequest::new(0).offset(), 0);
        assert_eq!(PageRequest::new(1).offset(), 0);
        assert_eq!(PageRequest::new(4).per_page(25).offset(), 75);
    }

    #[test]
    fn query_strings() {
        let q = |s| PageRequest::from_query(s).map(|r| (r.page, r.per_page));
        assert_eq!(q("").unwrap(), (1, 20));
        assert_eq!(q("?").unwrap(), (1, 20));
        assert_eq!(q("page=2").unwrap(), (2, 20));
        assert_eq!(q("?page=2&per_page=10").unwrap(), (2, 10));
        assert_eq!(q("sort=name&page=3&q=a%26b&&per_page=5").unwrap(), (3, 5));
        // Percent-encoding in values and keys, '+' is a space.
        assert_eq!(q("page=%33").unwrap(), (3, 20));
        assert_eq!(q("page=%2B4&per_page=%20%206%20").unwrap(), (4, 6));
        assert_eq!(q("page=+5+").unwrap(), (5, 20));
        assert_eq!(q("pa%67e=6&per%5Fpage=7").unwrap(), (6, 7));
        // Repeated keys: the first value counts (Werkzeug's MultiDict.get).
        assert_eq!(q("page=2&page=3").unwrap(), (2, 20));
        assert_404(PageRequest::from_query("page=abc&page=3"));
        assert_eq!(q("page=3&page=abc").unwrap(), (3, 20));
        // Other keys are ignored even when their values are junk; keys are case-sensitive.
        assert_eq!(q("pages=x&Page=x&per_page_=x").unwrap(), (1, 20));
        // Bad values.
        assert_404(PageRequest::from_query("page=2&per_page=abc"));
        assert_404(PageRequest::from_query("page"));
        assert_404(PageRequest::from_query("page="));
        assert_404(PageRequest::from_query("page=%zz"));
        assert_404(PageRequest::from_query("page=%FF"));
        assert_404(PageRequest::from_query("page=1%2E5"));
        assert_404(PageRequest::from_query("per_page=0"));
        assert_eq!(q("per_page=101").unwrap(), (1, 100));
    }

    #[test]
    fn query_strings_with_a_base() {
        let base = PageRequest::default()
            .error_out(false)
            .max_per_page(Some(50))
            .count(false);
        let r = PageRequest::from_query_with("page=abc&per_page=-3", base).unwrap();
        assert_eq!(
            r,
            PageRequest::new(1)
                .max_per_page(Some(50))
                .error_out(false)
                .count(false)
        );
        let r = PageRequest::from_query_with("page=4&per_page=80", base).unwrap();
        assert_eq!((r.page, r.per_page, r.max_per_page), (4, 50, Some(50)));
        assert!(!r.count && !r.error_out);
    }

    #[test]
    fn url_decoding() {
        assert_eq!(crate::percent::decode_form("a+b%20c"), "a b c");
        assert_eq!(crate::percent::decode_form("%"), "%");
        assert_eq!(crate::percent::decode_form("%4"), "%4");
        assert_eq!(crate::percent::decode_form("%4g"), "%4g");
        assert_eq!(crate::percent::decode_form("100%25"), "100%");
        assert_eq!(crate::percent::decode_form("%C3%A9"), "é");
        assert_eq!(crate::percent::decode_form("%FF"), "\u{fffd}");
    }

    fn page_of(page: u64, per_page: u64, total: Option<u64>, items: usize) -> Pagination<usize> {
        let req = PageRequest::new(page).per_page(per_page);
        Pagination::new((0..items).collect(), &req, total, ())
    }

    #[test]
    fn properties() {
        let p = page_of(2, 10, Some(25), 10);
        assert_eq!(p.pages(), 3);
        assert!(p.has_prev() && p.has_next());
        assert_eq!((p.prev_num(), p.next_num()), (Some(1), Some(3)));
        assert_eq!((p.first(), p.last()), (11, 20));
        let p = page_of(3, 10, Some(25), 5);
        assert_eq!((p.first(), p.last(), p.next_num()), (21, 25, None));
        // Unknown total: no pages, no next, even on a full page (Flask-SQLAlchemy 3.1).
        let p = page_of(1, 10, None, 10);
        assert_eq!((p.pages(), p.has_next(), p.next_num()), (0, false, None));
        assert_eq!((p.first(), p.last()), (1, 10));
        assert_eq!(p.iter_pages().count(), 0);
        // per_page 0 (only if built by hand without validation) does not divide by zero.
        let p = Pagination::new(
            Vec::<u8>::new(),
            &PageRequest::new(1).per_page(0),
            Some(5),
            (),
        );
        assert_eq!(p.pages(), 0);
    }

    #[test]
    fn per_page_in_pagination_is_the_limit() {
        let req = PageRequest::new(2).per_page(500);
        let p = Pagination::new(vec![1u8; 100], &req, Some(1000), ());
        assert_eq!(
            (p.per_page(), p.max_per_page(), p.pages()),
            (100, Some(100), 10)
        );
        assert_eq!(p.request(), PageRequest::new(2).per_page(100));
        let req = PageRequest::new(3)
            .per_page(7)
            .max_per_page(Some(9))
            .error_out(false)
            .count(false);
        assert_eq!(
            Pagination::new(Vec::<u8>::new(), &req, None, ()).request(),
            req
        );
    }

    #[test]
    fn iter_pages_defaults_match_the_docstring() {
        let p = page_of(7, 10, Some(200), 10);
        let got: Vec<Option<u64>> = p.iter_pages().collect();
        let want = [
            Some(1),
            Some(2),
            None,
            Some(5),
            Some(6),
            Some(7),
            Some(8),
            Some(9),
            Some(10),
            Some(11),
            None,
            Some(19),
            Some(20),
        ];
        assert_eq!(got, want);
        let mut it = p.iter_pages();
        assert_eq!(it.size_hint(), (13, Some(13)));
        it.nth(3);
        assert_eq!(it.size_hint(), (9, Some(9)));
        assert_eq!(it.by_ref().count(), 9);
        assert_eq!(it.next(), None);
    }

    #[test]
    fn iter_pages_with_other_edges() {
        let p = page_of(10, 10, Some(200), 10);
        let got: Vec<Option<u64>> = p.iter_pages_with(0, 0, 0, 0).collect();
        assert_eq!(got, [None, Some(10), None]);
        let got: Vec<Option<u64>> = p.iter_pages_with(1, 1, 1, 1).collect();
        assert_eq!(
            got,
            [Some(1), None, Some(9), Some(10), Some(11), None, Some(20)]
        );
        let got: Vec<Option<u64>> = p.iter_pages_with(u64::MAX, 0, 0, 0).collect();
        assert_eq!(got, (1..=20).map(Some).collect::<Vec<_>>());
        let got: Vec<Option<u64>> = p.iter_pages_with(0, u64::MAX, u64::MAX, 0).collect();
        assert_eq!(got, (1..=20).map(Some).collect::<Vec<_>>());
        // A page past the end: Python yields 1, 2, None and stops.
        let p = page_of(30, 10, Some(150), 0);
        let got: Vec<Option<u64>> = p.iter_pages().collect();
        assert_eq!(got, [Some(1), Some(2), None]);
        // Gaps of one page are still gaps (Flask does not fill them).
        let p = page_of(6, 10, Some(150), 10);
        let got: Vec<Option<u64>> = p.iter_pages().take(3).collect();
        assert_eq!(got, [Some(1), Some(2), None]);
    }

    #[test]
    fn iterate_map_and_query() {
        let p = page_of(1, 3, Some(3), 3).with_query("select");
        assert_eq!(*p.query(), "select");
        let refs: Vec<&usize> = (&p).into_iter().collect();
        assert_eq!(refs, [&0, &1, &2]);
        let mut sum = 0;
        for i in &p {
            sum += i;
        }
        assert_eq!(sum, 3);
        let mapped = p.clone().map(|i| format!("#{i}"));
        assert_eq!(mapped.items(), ["#0", "#1", "#2"]);
        assert_eq!(mapped.total(), Some(3));
        assert_eq!(mapped.request(), p.request());
        assert_eq!(*mapped.query(), "select");
        let owned: Vec<usize> = p.clone().into_iter().collect();
        assert_eq!(owned, p.into_items());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serializes_like_the_issue_says() {
        let p = page_of(2, 2, Some(5), 2).with_query(std::cell::Cell::new(0));
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(
            json,
            r#"{"items":[0,1],"page":2,"per_page":2,"total":5,"pages":3,"has_prev":true,"has_next":true,"prev_num":1,"next_num":3}"#
        );
        let p = page_of(1, 20, None, 1).map(|i| format!("u{i}"));
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(
            json,
            r#"{"items":["u0"],"page":1,"per_page":20,"total":null,"pages":0,"has_prev":false,"has_next":false,"prev_num":null,"next_num":null}"#
        );
    }

    #[test]
    fn debug_does_not_need_a_debug_query() {
        struct Opaque;
        let p = Pagination::new(vec![1], &PageRequest::new(1), Some(1), Opaque);
        let s = format!("{p:?}");
        assert!(s.contains("items: [1]") && s.contains("Opaque"), "{s}");
    }
}
