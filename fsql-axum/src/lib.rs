//! # fsql in axum
//!
//! What Flask-SQLAlchemy gets from living inside Flask, for axum handlers:
//!
//! - [`HttpError`]: `fsql::Error` as a response. `NotFound` is a 404 with its description
//!   (`get_or_404`, `paginate`'s `error_out`); anything else is a 500 that shows no SQL, URL or
//!   password and is logged with `tracing`. [`negotiate_errors`] answers in JSON when the client
//!   asks for JSON.
//! - [`PageArgs`] and [`KeysetArgs`]: page parameters from the query string, with
//!   [`PageRequest`](fsql_core::PageRequest)'s rules (`?page=abc` is a 404 under `error_out`).
//! - [`Db`]: database work from async handlers on a blocking thread, and the request's
//!   [`Session`](fsql_diesel::Session), rolled back when the request ends unless committed
//!   (Flask-SQLAlchemy 3.1 ends the session with the request and never commits by itself).
//! - [`query_headers`]: the statements of each request, counted and timed in response headers
//!   (flask-debugtoolbar's SQL panel, reduced to two headers).
//!
//! ```
//! use axum::{routing::get, Router};
//! use fsql_axum::{Db, HttpError, PageArgs};
//! use fsql_diesel::Database;
//!
//! async fn users(db: Db, PageArgs(page): PageArgs) -> Result<String, HttpError> {
//!     // Runs on a blocking thread; with a model: `User::query().paginate(db, page)`.
//!     let tables = db.run(move |db| Ok(db.metadata(None)?.len())).await?;
//!     Ok(format!("page {} of {tables} tables", page.page))
//! }
//!
//! # fn main() -> fsql_core::Result<()> {
//! let db = Database::builder().url("sqlite://").record_queries(true).build()?;
//! let app: Router = Router::new()
//!     .route("/users", get(users))
//!     .layer(axum::middleware::from_fn(fsql_axum::query_headers))
//!     .layer(axum::middleware::from_fn(fsql_axum::negotiate_errors))
//!     .with_state(db);
//! # let _ = app;
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod blocking;
mod debug;
mod extract;
mod response;

pub use blocking::Db;
pub use debug::{query_headers, RequestQueries, QUERIES_HEADER, QUERY_TIME_HEADER};
pub use extract::{KeysetArgs, KeysetDefaults, PageArgs, PageDefaults};
pub use response::{escape_html, negotiate_errors, HttpError};
