//! Database work from async handlers, and the request's session.
//!
//! fsql is synchronous (Diesel), so a handler must not run statements on the async runtime's
//! threads: [`Db`] moves each piece of work to tokio's blocking pool. The request's
//! [`Session`] lives in the [`Db`] value and follows Flask-SQLAlchemy 3.1: it is created on
//! first use, shared by every `session` call of the request, never committed implicitly, and
//! closed (rolled back) when the request ends.

use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use fsql_core::Result;
use fsql_diesel::{Database, Session};

use crate::debug::RequestQueries;
use crate::HttpError;

/// The database for one request: an extractor for any state that holds a [`Database`]
/// (`Database: FromRef<State>`).
///
/// ```
/// use axum::{extract::Path, routing::post, Router};
/// use fsql_axum::{Db, HttpError};
///
/// async fn rename(db: Db, Path(id): Path<i32>) -> Result<&'static str, HttpError> {
///     db.session(move |session| {
///         // session.update(..); reads through `&mut *session` see its own writes
///         let _ = id;
///         session.commit() // without this, the request's end rolls everything back
///     })
///     .await?;
///     Ok("renamed")
/// }
/// # let app: Router<fsql_diesel::Database> = Router::new().route("/{id}/rename", post(rename));
/// ```
pub struct Db {
    db: Database,
    session: Arc<Mutex<Option<Session>>>,
    queries: Option<RequestQueries>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("recording", &self.queries.is_some())
            .finish_non_exhaustive()
    }
}

impl<S> FromRequestParts<S> for Db
where
    Database: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        let mut db = Db::new(Database::from_ref(state));
        db.queries = parts.extensions.get::<RequestQueries>().cloned();
        Ok(db)
    }
}

impl Db {
    /// A `Db` outside a request (a background task, a test): no query recording.
    pub fn new(db: Database) -> Self {
        Self {
            db,
            session: Arc::new(Mutex::new(None)),
            queries: None,
        }
    }

    /// The database, for work that does not touch it (configuration, metadata).
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Runs `f` on a blocking thread with the database, outside the request's session: each
    /// statement on its own pooled connection, as `Model::query().get_or_404(&db, ..)` does.
    pub async fn run<T, F>(&self, f: F) -> Result<T, HttpError>
    where
        F: FnOnce(&Database) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.db.clone();
        let queries = self.queries.clone();
        blocking(move || recorded(&db, queries.as_ref(), || f(&db))).await
    }

    /// Runs `f` on a blocking thread with the request's [`Session`], creating it on first use.
    /// Work queued and not committed stays in the session for the next call in the same
    /// request; when the request ends (this `Db` is dropped) the session is rolled back.
    pub async fn session<T, F>(&self, f: F) -> Result<T, HttpError>
    where
        F: FnOnce(&mut Session) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.db.clone();
        let queries = self.queries.clone();
        let slot = Arc::clone(&self.session);
        blocking(move || {
            let mut guard = slot.lock().unwrap_or_else(|poisoned| {
                // A panic inside an earlier `f` left the session half-used: start over.
                let mut guard = poisoned.into_inner();
                *guard = None;
                guard
            });
            let session = guard.get_or_insert_with(|| db.session());
            recorded(&db, queries.as_ref(), || f(session))
        })
        .await
    }
}

/// Runs `f`, adding the statements it runs on this thread to the request's list if there is
/// one. The capture is thread-local and `f` runs on this thread only, so concurrent requests
/// cannot see each other's statements.
fn recorded<T>(db: &Database, queries: Option<&RequestQueries>, f: impl FnOnce() -> T) -> T {
    match queries {
        Some(queries) => {
            let (out, statements) = db.record(f);
            queries.extend(statements);
            out
        }
        None => f(),
    }
}

/// Runs `work` on tokio's blocking pool; a panic there becomes a 500, not a dropped connection.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T, HttpError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(out) => Ok(out?),
        Err(e) => {
            let message = match e.try_into_panic() {
                Ok(payload) => panic_message(payload.as_ref()),
                Err(e) => e.to_string(),
            };
            Err(HttpError::panic(message))
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

impl Drop for Db {
    fn drop(&mut self) {
        let session = self
            .session
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(session) = session {
            // Dropping a session rolls back on its connections: blocking I/O, so not on the
            // async thread that drops the extractor.
            match tokio::runtime::Handle::try_current() {
                Ok(handle) => {
                    handle.spawn_blocking(move || drop(session));
                }
                Err(_) => drop(session),
            }
        }
    }
}
