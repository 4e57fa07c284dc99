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
//! - An unparsable value, `page < 1` or `per_page < 1` is [`Error::NotFound`](crate::Error::NotFound) (Werkzeug's 404
//!   description, [`Error::not_found`](crate::Error::not_found)) when `error_out` is on. With `error_out` off the value
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

mod page;
mod request;

pub use page::{IterPages, Pagination};
pub use request::{parse_int, PageRequest, DEFAULT_MAX_PER_PAGE, DEFAULT_PAGE, DEFAULT_PER_PAGE};
