//! The statements of one request, for a debug toolbar: flask-debugtoolbar's SQL panel as two
//! response headers.
//!
//! Recording is per request, not per database: [`query_headers`] puts a [`RequestQueries`] in
//! the request's extensions, and [`Db`](crate::Db) runs each piece of the request's database
//! work inside [`Database::record`](fsql_diesel::Database::record) on its blocking thread and
//! appends what it captured. The capture is thread-local to the blocking thread for the
//! duration of that closure, so statements of concurrent requests never mix.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use fsql_core::query_log::RecordedQuery;

/// Response header with the number of statements the request ran.
pub const QUERIES_HEADER: &str = "x-fsql-queries";
/// Response header with their total time in milliseconds (three decimals).
pub const QUERY_TIME_HEADER: &str = "x-fsql-query-time";

/// The statements one request ran through [`Db`](crate::Db). Shared: clones see the same list.
#[derive(Debug, Clone, Default)]
pub struct RequestQueries(Arc<Mutex<Vec<RecordedQuery>>>);

impl RequestQueries {
    /// Every statement so far, in order.
    pub fn all(&self) -> Vec<RecordedQuery> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many statements ran.
    pub fn count(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Their total duration.
    pub fn total_time(&self) -> Duration {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|q| q.duration)
            .sum()
    }

    pub(crate) fn extend(&self, queries: Vec<RecordedQuery>) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(queries);
    }
}

/// Middleware that counts and times the statements each request runs through
/// [`Db`](crate::Db) and reports them in the [`QUERIES_HEADER`] and [`QUERY_TIME_HEADER`]
/// response headers; the list itself is in the response's extensions as [`RequestQueries`].
///
/// A debugging aid like flask-debugtoolbar: install it only when debugging, with
/// `axum::middleware::from_fn(query_headers)`, on a database built with
/// [`record_queries(true)`](fsql_diesel::DatabaseBuilder::record_queries) (without it nothing
/// is observed and the count is 0; with it the database also keeps every statement in
/// [`recorded_queries`](fsql_diesel::Database::recorded_queries), which grows until cleared).
pub async fn query_headers(mut request: Request, next: Next) -> Response {
    let queries = RequestQueries::default();
    request.extensions_mut().insert(queries.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(QUERIES_HEADER, HeaderValue::from(queries.count()));
    let millis = format!("{:.3}", queries.total_time().as_secs_f64() * 1000.0);
    if let Ok(value) = HeaderValue::from_str(&millis) {
        headers.insert(QUERY_TIME_HEADER, value);
    }
    response.extensions_mut().insert(queries);
    response
}
