//! The blog example (`examples/blog`) over HTTP, through its router without a network.

#[path = "../examples/blog/app.rs"]
#[allow(dead_code)]
mod app;
mod common;

use app::{AppState, Post, User};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use fsql::prelude::*;
use tower::ServiceExt;

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

/// A fresh blog per compiled-in backend (in-memory SQLite; PostgreSQL and MariaDB in a
/// namespace of their own when built with those features), recording queries, with the debug
/// headers on. The namespace is dropped with the third element.
fn blogs() -> Vec<(Router, Database, Option<common::Namespace>)> {
    #[allow(unused_mut)] // pushed to once per compiled-in server backend
    let mut urls = vec![("sqlite://".to_owned(), None)];
    #[cfg(feature = "postgres")]
    {
        let ns = common::postgres_namespace();
        urls.push((ns.url.clone(), Some(ns)));
    }
    #[cfg(feature = "mysql")]
    {
        let ns = common::mysql_namespace();
        urls.push((ns.url.clone(), Some(ns)));
    }
    urls.into_iter()
        .map(|(url, ns)| {
            let db = Database::builder()
                .url(&url)
                .record_queries(true)
                .build()
                .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
            db.create_all().unwrap();
            eprintln!("backend: {url}");
            (app::router(AppState::new(db.clone()), true), db, ns)
        })
        .collect()
}

async fn send(router: &Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Reply {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

async fn get(router: &Router, uri: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(router, request.body(Body::empty()).unwrap()).await
}

async fn post_form(router: &Router, uri: &str, form: &str, cookie: Option<&str>) -> Reply {
    let mut request =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(router, request.body(Body::from(form.to_owned())).unwrap()).await
}

/// Registers and logs in over HTTP; returns the session cookie.
async fn sign_up(router: &Router, name: &str) -> String {
    let reply = post_form(
        router,
        "/auth/register",
        &format!("username={name}&password=secret+{name}"),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let reply = post_form(
        router,
        "/auth/login",
        &format!("username={name}&password=secret+{name}"),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

/// `n` posts by one author, straight through fsql: titles `Post 1` .. `Post n`, ids 1 .. n.
fn seed(db: &Database, author: &str, n: usize) {
    let user = match User::query()
        .filter(User::username.eq(author))
        .first(db)
        .unwrap()
    {
        Some(user) => user,
        None => User {
            id: 0,
            username: author.to_owned(),
            password: "not a hash".to_owned(),
        }
        .insert(db)
        .unwrap(),
    };
    let start = Post::query().count(db).unwrap();
    let mut session = db.session();
    for i in 0..n {
        session.add(Post {
            id: 0,
            author_id: user.id,
            created: "2024-01-01 00:00:00".to_owned(),
            title: format!("Post {}", start as usize + i + 1),
            body: format!("Body {}", start as usize + i + 1),
            author: BelongsTo::new(),
        });
    }
    session.commit().unwrap();
}

/// The ids of the posts on a rendered index page, in order.
fn post_ids(html: &str) -> Vec<i32> {
    html.split(r#"<article class="post" id="post-"#)
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn missing_post_is_404() {
    for (router, _db, _namespace) in blogs() {
        let cookie = sign_up(&router, "ann").await;
        let reply = get(&router, "/999/update", Some(&cookie)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        assert!(reply.body.contains("<h1>Not Found</h1>"), "{}", reply.body);
        let reply = post_form(&router, "/999/delete", "", Some(&cookie)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);

        // An API client gets the same error as JSON.
        let request = Request::get("/999/update")
            .header(header::COOKIE, &cookie)
            .header(header::ACCEPT, "application/json")
            .body(Body::empty())
            .unwrap();
        let reply = send(&router, request).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        assert_eq!(reply.headers[header::CONTENT_TYPE], "application/json");
        let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(json["code"], 404);
        assert_eq!(json["name"], "Not Found");
    }
}

#[tokio::test]
async fn unparsable_page_is_404() {
    for (router, db, _namespace) in blogs() {
        seed(&db, "ann", 3);
        for uri in [
            "/?page=abc",
            "/?page=0",
            "/?per_page=-1",
            "/?page=2",
            "/api/posts?page=abc",
        ] {
            let reply = get(&router, uri, None).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        }
        assert_eq!(get(&router, "/?page=1", None).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn second_page_of_five_has_the_right_posts_and_links() {
    for (router, db, _namespace) in blogs() {
        seed(&db, "ann", 12);
        let reply = get(&router, "/?page=2&per_page=5", None).await;
        assert_eq!(reply.status, StatusCode::OK);
        // Newest first: 12..8 on page 1, 7..3 on page 2.
        assert_eq!(post_ids(&reply.body), [7, 6, 5, 4, 3]);
        assert!(reply.body.contains("by ann on 2024-01-01"), "authors shown");
        assert!(reply.body.contains("6 - 10 of 12"), "{}", reply.body);
        assert!(reply.body.contains(r#"<strong class="current">2</strong>"#));
        for link in [
            r#"<a class="prev" href="/?page=1&amp;per_page=5">"#,
            r#"<a class="page" href="/?page=1&amp;per_page=5">1</a>"#,
            r#"<a class="page" href="/?page=3&amp;per_page=5">3</a>"#,
            r#"<a class="next" href="/?page=3&amp;per_page=5">"#,
        ] {
            assert!(
                reply.body.contains(link),
                "missing {link} in {}",
                reply.body
            );
        }
        assert!(!reply.body.contains("page=4"), "three pages only");

        // The default size keeps links short.
        let reply = get(&router, "/", None).await;
        assert_eq!(post_ids(&reply.body), (3..=12).rev().collect::<Vec<_>>());
        assert!(reply.body.contains(r#"<a class="next" href="/?page=2">"#));

        // The JSON API: Pagination's serde form.
        let reply = get(&router, "/api/posts?page=2&per_page=5", None).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.headers[header::CONTENT_TYPE], "application/json");
        let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        let ids: Vec<i64> = json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [7, 6, 5, 4, 3]);
        assert_eq!(json["items"][0]["author"], "ann");
        assert_eq!(json["items"][0]["title"], "Post 7");
        assert_eq!(json["page"], 2);
        assert_eq!(json["per_page"], 5);
        assert_eq!(json["total"], 12);
        assert_eq!(json["pages"], 3);
        assert_eq!(json["has_prev"], true);
        assert_eq!(json["has_next"], true);
        assert_eq!(json["prev_num"], 1);
        assert_eq!(json["next_num"], 3);
    }
}

#[tokio::test]
async fn create_edit_delete_round_trip() {
    for (router, db, _namespace) in blogs() {
        // Anonymous users are sent to the login page.
        let reply = post_form(&router, "/create", "title=x&body=y", None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(reply.headers[header::LOCATION], "/auth/login");
        assert_eq!(Post::query().count(&db).unwrap(), 0);

        let cookie = sign_up(&router, "ann").await;
        let index = get(&router, "/", Some(&cookie)).await;
        assert!(index.body.contains("<span>ann</span>"), "logged in");

        let reply = post_form(
            &router,
            "/create",
            "title=Hello+%3Cworld%3E&body=First+post",
            Some(&cookie),
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let post = Post::query().first(&db).unwrap().unwrap();
        assert_eq!(post.title, "Hello <world>");
        let index = get(&router, "/", Some(&cookie)).await;
        assert!(
            index.body.contains("<h1>Hello &lt;world&gt;</h1>"),
            "escaped: {}",
            index.body
        );
        assert!(index
            .body
            .contains(&format!(r#"href="/{}/update">Edit</a>"#, post.id)));

        // An empty title is refused and nothing is written.
        let reply = post_form(&router, "/create", "title=&body=x", Some(&cookie)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("Title is required."));
        assert_eq!(Post::query().count(&db).unwrap(), 1);

        let form = get(&router, &format!("/{}/update", post.id), Some(&cookie)).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains(r#"value="Hello &lt;world&gt;""#));

        // Someone else may neither edit nor delete it.
        let bob = sign_up(&router, "bob").await;
        let reply = post_form(
            &router,
            &format!("/{}/update", post.id),
            "title=mine",
            Some(&bob),
        )
        .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        let reply = post_form(&router, &format!("/{}/delete", post.id), "", Some(&bob)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);

        let reply = post_form(
            &router,
            &format!("/{}/update", post.id),
            "title=Edited&body=Second+thoughts",
            Some(&cookie),
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let edited = Post::query().get(&db, post.id).unwrap().unwrap();
        assert_eq!(
            (edited.title.as_str(), edited.body.as_str()),
            ("Edited", "Second thoughts")
        );
        assert!(get(&router, "/", None)
            .await
            .body
            .contains("<h1>Edited</h1>"));

        let reply = post_form(&router, &format!("/{}/delete", post.id), "", Some(&cookie)).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(Post::query().count(&db).unwrap(), 0);
        assert!(post_ids(&get(&router, "/", None).await.body).is_empty());

        // Logging out ends the login.
        let reply = get(&router, "/auth/logout", Some(&cookie)).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        let reply = get(&router, "/create", Some(&cookie)).await;
        assert_eq!(reply.headers[header::LOCATION], "/auth/login");
    }
}

#[tokio::test]
async fn register_and_login_errors() {
    for (router, db, _namespace) in blogs() {
        sign_up(&router, "ann").await;
        let stored = User::query().first(&db).unwrap().unwrap();
        assert!(
            stored.password.starts_with("$argon2id$"),
            "hashed, not stored"
        );
        assert!(!stored.password.contains("secret"));

        let reply = post_form(&router, "/auth/register", "username=ann&password=x", None).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("User ann is already registered."));
        let reply = post_form(&router, "/auth/register", "username=&password=x", None).await;
        assert!(reply.body.contains("Username is required."));
        let reply = post_form(&router, "/auth/login", "username=ann&password=wrong", None).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.body.contains("Incorrect username or password."));
        assert!(!reply.headers.contains_key(header::SET_COOKIE));
        assert_eq!(User::query().count(&db).unwrap(), 1);
    }
}

#[tokio::test]
async fn index_statement_count_does_not_grow_with_posts() {
    for (router, db, _namespace) in blogs() {
        seed(&db, "ann", 2);
        seed(&db, "bob", 1);
        let few = get(&router, "/", None).await;
        assert_eq!(post_ids(&few.body).len(), 3);
        let few_count = few.headers["x-fsql-queries"].to_str().unwrap().to_owned();
        assert!(few.headers.contains_key("x-fsql-query-time"));

        seed(&db, "carol", 40);
        seed(&db, "dave", 7);
        let many = get(&router, "/?per_page=50", None).await;
        assert_eq!(post_ids(&many.body).len(), 50);
        assert!(many.body.contains("by carol") && many.body.contains("by dave"));
        let many_count = many.headers["x-fsql-queries"].to_str().unwrap().to_owned();

        // The page with its authors (one JOIN) and the count: no query per post or per author.
        assert_eq!(few_count, "2");
        assert_eq!(many_count, "2");
    }
}
