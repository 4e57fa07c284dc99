//! Page parameters from the query string: Flask-SQLAlchemy's `paginate()` reading
//! `request.args`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use fsql_core::{KeysetRequest, PageRequest};

use crate::HttpError;

/// `?page=&per_page=` as a [`PageRequest`], read by [`PageRequest::from_query_with`]: with
/// `error_out` (the default) an unparsable or out-of-range value rejects the request with a
/// 404, as Flask-SQLAlchemy's `paginate()` does.
///
/// The base request (`per_page`, `max_per_page`, `error_out`, `count`) is the request's
/// [`PageDefaults`] extension when there is one, else [`PageRequest::default`].
///
/// ```
/// use axum::{routing::get, Extension, Router};
/// use fsql_axum::{PageArgs, PageDefaults};
/// use fsql_core::PageRequest;
///
/// async fn index(PageArgs(page): PageArgs) -> String {
///     format!("page {} of {} rows", page.page, page.limit())
/// }
/// let app: Router = Router::new()
///     .route("/", get(index))
///     .layer(Extension(PageDefaults(PageRequest::default().per_page(10))));
/// # let _ = app;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageArgs(pub PageRequest);

/// The base [`PageArgs`] reads against, installed with `axum::Extension(PageDefaults(..))`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageDefaults(pub PageRequest);

impl<S: Send + Sync> FromRequestParts<S> for PageArgs {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let base = parts
            .extensions
            .get::<PageDefaults>()
            .map_or_else(PageRequest::default, |d| d.0);
        let query = parts.uri.query().unwrap_or("");
        Ok(PageArgs(PageRequest::from_query_with(query, base)?))
    }
}

impl std::ops::Deref for PageArgs {
    type Target = PageRequest;
    fn deref(&self) -> &PageRequest {
        &self.0
    }
}

/// `?cursor=&per_page=` as a [`KeysetRequest`] (see [`KeysetRequest::from_query`]): under
/// `error_out` a bad `per_page` is a 404 here, and a malformed cursor is a 404 when the query
/// runs. The base is the request's [`KeysetDefaults`] extension, else
/// [`KeysetRequest::default`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysetArgs(pub KeysetRequest);

/// The base [`KeysetArgs`] reads against, installed with `axum::Extension(KeysetDefaults(..))`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysetDefaults(pub KeysetRequest);

impl<S: Send + Sync> FromRequestParts<S> for KeysetArgs {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let base = parts
            .extensions
            .get::<KeysetDefaults>()
            .map_or_else(KeysetRequest::default, |d| d.0.clone());
        let query = parts.uri.query().unwrap_or("");
        Ok(KeysetArgs(KeysetRequest::from_query(query, base)?))
    }
}

impl std::ops::Deref for KeysetArgs {
    type Target = KeysetRequest;
    fn deref(&self) -> &KeysetRequest {
        &self.0
    }
}
