//! fsql in axum (`fsql-axum`, `fsql::axum` with feature `axum`): errors as responses, page
//! extractors, blocking work, the per-request session and per-request query headers.

use std::time::Duration;

use axum::body::Body;
use axum::extract::Path;
use axum::http::{header, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Extension, Router};
use fsql::prelude::*;
use fsql::{DatabaseErrorKind, KeysetRequest};
use fsql_axum::{Db, HttpError, KeysetArgs, KeysetDefaults, PageArgs, PageDefaults};
use tower::ServiceExt;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Note {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(unique, length = 40)]
    pub title: String,
}

fn database() -> Database {
    let db = Database::builder()
        .url("sqlite://")
        .record_queries(true)
        .build()
        .unwrap();
    db.create_all().unwrap();
    db
}

async fn call(router: &Router, uri: &str, accept: Option<&str>) -> (StatusCode, String, String) {
    let mut request = Request::get(uri);
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT, accept);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        content_type,
        String::from_utf8(body.to_vec()).unwrap(),
    )
}

async fn body_of(error: fsql::Error) -> (StatusCode, String) {
    let response = HttpError::from(error).into_response();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn not_found_is_404_with_its_description() {
    let (status, body) = body_of(fsql::Error::not_found_with("No note <7>.")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("<title>404 Not Found</title>"), "{body}");
    assert!(
        body.contains("<p>No note &lt;7&gt;.</p>"),
        "escaped: {body}"
    );
    let (_, body) = body_of(fsql::Error::not_found()).await;
    assert!(body.contains(
        fsql::Error::not_found()
            .to_string()
            .trim_start_matches("404 Not Found: ")
    ));
}

#[tokio::test]
async fn other_errors_are_500_without_sql_urls_or_passwords() {
    let database = fsql::Error::Database {
        kind: DatabaseErrorKind::UniqueViolation,
        model: Some("Note"),
        statement: Some("INSERT INTO \"note\" (\"title\") VALUES (?)".to_owned()),
        message: "UNIQUE constraint failed: note.title".to_owned(),
        source: "driver said no".into(),
    };
    let connection = fsql::Error::Connection {
        url: "postgresql://app:hunter2@db.internal:5432/prod".to_owned(),
        source: "connection refused".into(),
    };
    let url = fsql::Error::Url {
        url: "mysql://root:hunter2@localhost/x".to_owned(),
        reason: "bad".to_owned(),
    };
    for error in [database, connection, url] {
        let (status, body) = body_of(error).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(body.contains("Internal Server Error"), "{body}");
        for secret in [
            "INSERT",
            "note",
            "UNIQUE",
            "hunter2",
            "postgresql",
            "mysql",
            "db.internal",
        ] {
            assert!(!body.contains(secret), "{secret:?} leaked into {body}");
        }
    }
}

async fn insert_note(db: Db, Path(title): Path<String>) -> Result<String, HttpError> {
    let note = db.run(move |db| Note { id: 0, title }.insert(db)).await?;
    Ok(note.id.to_string())
}

async fn get_note(db: Db, Path(id): Path<i32>) -> Result<String, HttpError> {
    Ok(db
        .run(move |db| Note::query().get_or_404(db, id))
        .await?
        .title)
}

async fn boom(db: Db) -> Result<String, HttpError> {
    db.run(|_| -> fsql::Result<String> { panic!("postgresql://user:hunter2@host failed") })
        .await
}

fn notes_router(db: Database) -> Router {
    Router::new()
        .route("/notes/{id}", get(get_note))
        .route("/insert/{title}", get(insert_note))
        .route("/boom", get(boom))
        .layer(axum::middleware::from_fn(fsql_axum::negotiate_errors))
        .with_state(db)
}

#[tokio::test]
async fn a_real_database_error_is_a_500_that_hides_the_statement() {
    let router = notes_router(database());
    let (status, _, body) = call(&router, "/insert/first", None).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "1"));
    // The same title again violates the unique constraint.
    let (status, content_type, body) =
        call(&router, "/insert/first", Some("application/json")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(content_type, "application/json");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["code"], 500);
    for secret in ["INSERT", "note", "UNIQUE", "first"] {
        assert!(!body.contains(secret), "{secret:?} leaked into {body}");
    }
    // A panic in the blocking work is a 500 too, not a dropped connection.
    let (status, _, body) = call(&router, "/boom", None).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!body.contains("hunter2"), "{body}");
}

#[tokio::test]
async fn get_or_404_answers_in_html_or_json_as_asked() {
    let router = notes_router(database());
    call(&router, "/insert/hello", None).await;
    let (status, _, body) = call(&router, "/notes/1", None).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "hello"));

    let (status, content_type, body) = call(&router, "/notes/2", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert!(body.contains("<h1>Not Found</h1>"), "{body}");

    // What a browser sends gets HTML; an API client gets JSON.
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let (_, content_type, _) = call(&router, "/notes/2", Some(browser)).await;
    assert_eq!(content_type, "text/html; charset=utf-8");
    let (status, content_type, body) = call(&router, "/notes/2", Some("application/json")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(content_type, "application/json");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["code"], 404);
    assert_eq!(json["name"], "Not Found");
    assert_eq!(
        json["description"],
        fsql::Error::not_found()
            .to_string()
            .trim_start_matches("404 Not Found: ")
    );
}

async fn echo_page(PageArgs(page): PageArgs) -> String {
    format!("{} {} {}", page.page, page.per_page, page.limit())
}

async fn echo_keyset(KeysetArgs(request): KeysetArgs) -> String {
    format!("{:?} {}", request.cursor, request.per_page)
}

#[tokio::test]
async fn page_extractor_follows_paginate_rules() {
    let router = Router::new()
        .route("/", get(echo_page))
        .route("/keyset", get(echo_keyset));
    for (uri, expected) in [
        ("/", Some("1 20 20")),
        ("/?page=2&per_page=5", Some("2 5 5")),
        ("/?per_page=5000", Some("1 100 100")),
        ("/?page=%32", Some("2 20 20")),
        ("/?page=abc", None),
        ("/?page=0", None),
        ("/?page=", None),
        ("/?per_page=x", None),
        ("/keyset", Some("None 20")),
        ("/keyset?cursor=abc_-&per_page=3", Some("Some(\"abc_-\") 3")),
        ("/keyset?per_page=x", None),
        ("/keyset?per_page=0", None),
    ] {
        let (status, _, body) = call(&router, uri, None).await;
        match expected {
            Some(expected) => {
                assert_eq!((status, body.as_str()), (StatusCode::OK, expected), "{uri}")
            }
            None => assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {body}"),
        }
    }

    // Defaults from an extension: another size, and no 404 when error_out is off.
    let lenient = Router::new()
        .route("/", get(echo_page))
        .route("/keyset", get(echo_keyset))
        .layer(Extension(PageDefaults(
            PageRequest::default().per_page(7).error_out(false),
        )))
        .layer(Extension(KeysetDefaults(
            KeysetRequest::first(4).error_out(false),
        )));
    for (uri, expected) in [
        ("/", "1 7 7"),
        ("/?page=abc", "1 7 7"),
        ("/?page=3&per_page=-2", "3 7 7"),
        ("/keyset", "None 4"),
        ("/keyset?per_page=x", "None 20"),
    ] {
        let (status, _, body) = call(&lenient, uri, None).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, expected), "{uri}");
    }
}

/// Adds a note in the request's session, flushes it, reads it back through the session in a
/// second call, and commits only when asked to.
async fn session_work(
    db: Db,
    Path((title, commit)): Path<(String, bool)>,
) -> Result<String, HttpError> {
    db.session(move |session| {
        session.add(Note { id: 0, title });
        session.flush()
    })
    .await?;
    let seen = db
        .session(|session| Note::query().count(&mut *session))
        .await?;
    if commit {
        db.session(|session| session.commit()).await?;
    }
    Ok(seen.to_string())
}

#[tokio::test]
async fn request_session_is_rolled_back_unless_committed() {
    let db = database();
    let router = Router::new()
        .route("/{title}/{commit}", get(session_work))
        .with_state(db.clone());
    let (status, _, body) = call(&router, "/kept/true", None).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "1"));
    let (status, _, body) = call(&router, "/dropped/false", None).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "2"),
        "the session sees its own flush"
    );
    // The rollback runs on a blocking thread after the response: wait for it.
    let mut titles = Vec::new();
    for _ in 0..100 {
        titles = Note::query()
            .order_by(Note::id.asc())
            .all(&db)
            .unwrap()
            .into_iter()
            .map(|n| n.title)
            .collect::<Vec<_>>();
        if titles == ["kept"] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(titles, ["kept"], "no implicit commit");
}

/// `n` statements, spread over `n * 30` ms so that concurrent requests interleave.
async fn slow_statements(db: Db, Path(n): Path<usize>) -> Result<String, HttpError> {
    db.run(move |db| {
        for _ in 0..n {
            Note::query().count(db)?;
            std::thread::sleep(Duration::from_millis(30));
        }
        Ok(())
    })
    .await?;
    db.run(|db| Note::query().count(db)).await?;
    Ok(String::new())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_headers_count_only_the_requests_own_statements() {
    let db = database();
    let router = Router::new()
        .route("/{n}", get(slow_statements))
        .layer(axum::middleware::from_fn(fsql_axum::query_headers))
        .with_state(db.clone());
    let request = |n: usize| {
        let router = router.clone();
        tokio::spawn(async move {
            let response = router
                .oneshot(Request::get(format!("/{n}")).body(Body::empty()).unwrap())
                .await
                .unwrap();
            let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
            (
                header(fsql_axum::QUERIES_HEADER),
                header(fsql_axum::QUERY_TIME_HEADER),
            )
        })
    };
    db.clear_recorded_queries();
    let (a, b, c) = (request(4), request(1), request(6));
    let (a, b, c) = (a.await.unwrap(), b.await.unwrap(), c.await.unwrap());
    // Each request's own statements plus its last count; all of them ran at the same time.
    assert_eq!((a.0.as_str(), b.0.as_str(), c.0.as_str()), ("5", "2", "7"));
    assert_eq!(
        db.recorded_queries().len(),
        14,
        "the database saw all of them"
    );
    for (_, millis) in [a, b, c] {
        let millis: f64 = millis.parse().unwrap();
        assert!(millis >= 0.0);
    }

    // Without the layer, no headers.
    let plain = Router::new()
        .route("/{n}", get(slow_statements))
        .with_state(db);
    let response = plain
        .oneshot(Request::get("/1").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert!(!response.headers().contains_key(fsql_axum::QUERIES_HEADER));
}

async fn keyset_notes(db: Db, KeysetArgs(request): KeysetArgs) -> Result<String, HttpError> {
    let page = db.run(move |db| Note::query().keyset(db, request)).await?;
    let ids: Vec<String> = page.items().iter().map(|n| n.id.to_string()).collect();
    Ok(format!(
        "{}|{}",
        ids.join(","),
        page.next_cursor().unwrap_or_default()
    ))
}

#[tokio::test]
async fn keyset_extractor_walks_pages_and_404s_bad_cursors() {
    let db = database();
    for i in 0..7 {
        Note {
            id: 0,
            title: format!("note {i}"),
        }
        .insert(&db)
        .unwrap();
    }
    let router = Router::new().route("/", get(keyset_notes)).with_state(db);
    let (status, _, body) = call(&router, "/?per_page=3", None).await;
    assert_eq!(status, StatusCode::OK);
    let (ids, cursor) = body.split_once('|').unwrap();
    assert_eq!(ids, "1,2,3");
    let (status, _, body) = call(&router, &format!("/?per_page=3&cursor={cursor}"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.split_once('|').unwrap().0, "4,5,6");

    let (status, _, body) = call(&router, "/?cursor=not-a-cursor", Some("application/json")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

/// Every `fsql::axum` event, as `field=value` text, from a global subscriber (a scoped one can
/// miss events whose callsite interest another thread cached first).
static LOGGED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

struct Capture;

impl tracing::Subscriber for Capture {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target() == "fsql::axum"
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!("{}={:?} ", field.name(), value));
            }
        }
        let mut fields = Fields(format!("{} ", event.metadata().level()));
        event.record(&mut fields);
        LOGGED.lock().unwrap().push(fields.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn server_errors_are_logged_with_what_the_client_does_not_see() {
    tracing::subscriber::set_global_default(Capture).unwrap();
    let error = fsql::Error::Database {
        kind: DatabaseErrorKind::ForeignKeyViolation,
        model: Some("Note"),
        statement: Some("DELETE FROM \"note\" WHERE \"id\" = ?".to_owned()),
        message: "FOREIGN KEY constraint failed".to_owned(),
        source: "driver".into(),
    };
    let (status, body) = body_of(error).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!body.contains("DELETE"));
    let (status, _) = body_of(fsql::Error::not_found()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Other tests of this binary log their own 500s meanwhile: look for this one.
    let logged = LOGGED.lock().unwrap().clone();
    let ours: Vec<_> = logged
        .iter()
        .filter(|e| e.contains("DELETE FROM \"note\""))
        .collect();
    assert_eq!(ours.len(), 1, "{logged:?}");
    assert!(ours[0].starts_with("ERROR "), "{logged:?}");
    assert!(
        ours[0].contains("FOREIGN KEY constraint failed"),
        "{logged:?}"
    );
    assert!(
        !logged.iter().any(|e| e.contains("was not found")),
        "a 404 is not an error to log: {logged:?}"
    );
}

async fn sleepy(db: Db) -> Result<String, HttpError> {
    db.run(|db| {
        // Stands for slow database work: it must not stall the async runtime.
        std::thread::sleep(Duration::from_millis(300));
        Note::query().count(db)
    })
    .await
    .map(|n| n.to_string())
}

/// On a single-threaded runtime, a timer keeps ticking while a handler's database work runs:
/// the work is on tokio's blocking pool, not on the runtime's only thread.
#[tokio::test(flavor = "current_thread")]
async fn database_work_does_not_block_the_runtime() {
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    let router = Router::new().route("/", get(sleepy)).with_state(database());
    let done = AtomicBool::new(false);
    let ticks = AtomicU32::new(0);
    let request = async {
        let (status, _, body) = call(&router, "/", None).await;
        done.store(true, Ordering::SeqCst);
        (status, body)
    };
    let ticker = async {
        while !done.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
            ticks.fetch_add(1, Ordering::SeqCst);
        }
    };
    let ((status, body), ()) = tokio::join!(request, ticker);
    assert_eq!((status, body.as_str()), (StatusCode::OK, "0"));
    let ticks = ticks.load(Ordering::SeqCst);
    assert!(ticks >= 5, "the runtime stalled: {ticks} ticks in 300 ms");
}
