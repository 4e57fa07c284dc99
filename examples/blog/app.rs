//! The blog: Flask-SQLAlchemy's Flaskr example on fsql and axum. Shared by `main.rs` (the
//! server) and the tests (`tests/blog_http.rs`, `tests/blog_browser.rs`), which mount
//! [`router`] without a network.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{FromRef, FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use fsql::prelude::*;
use fsql::Pagination;
use fsql_axum::{escape_html, Db, HttpError, PageArgs, PageDefaults};
use serde::{Deserialize, Serialize};

/// Posts per page when the query string does not say.
pub const PER_PAGE: u64 = 10;

const SESSION_COOKIE: &str = "blog_session";

#[derive(Model, Debug, Clone, PartialEq)]
pub struct User {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(unique, length = 80)]
    pub username: String,
    /// Argon2id hash in PHC form, never the password.
    pub password: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Post {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(references = User, index)]
    pub author_id: i32,
    /// `YYYY-MM-DD HH:MM:SS` UTC.
    #[fsql(length = 19)]
    pub created: String,
    #[fsql(length = 200)]
    pub title: String,
    pub body: String,
    #[fsql(foreign_key = author_id)]
    pub author: BelongsTo<User>,
}

/// A post as the index and the API show it: with its author's name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostView {
    pub id: i32,
    pub title: String,
    pub body: String,
    pub created: String,
    pub author_id: i32,
    pub author: String,
}

impl PostView {
    fn new(post: Post) -> Self {
        // Loaded by `joinedload`; a missing author cannot happen with the foreign key.
        let author = post
            .author
            .get()
            .flatten()
            .map(|u| u.username.clone())
            .unwrap_or_default();
        Self {
            id: post.id,
            title: post.title,
            body: post.body,
            created: post.created,
            author_id: post.author_id,
            author,
        }
    }
}

/// The server's state: the database and who is logged in under which session token (Flask's
/// signed session cookie, kept on the server side here).
#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    logins: Arc<Mutex<HashMap<String, Login>>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    pub id: i32,
    pub username: String,
}

impl AppState {
    pub fn new(db: Database) -> Self {
        Self {
            db,
            logins: Arc::default(),
        }
    }

    fn logins(&self) -> std::sync::MutexGuard<'_, HashMap<String, Login>> {
        self.logins.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl FromRef<AppState> for Database {
    fn from_ref(state: &AppState) -> Database {
        state.db.clone()
    }
}

/// The database from the environment (`FSQL_DATABASE_URL`, `FSQL_BINDS`, `FSQL_BIND_<KEY>`),
/// `sqlite:///blog.db` when no URL is given; recording queries when `debug`.
pub fn database_from_env(debug: bool) -> fsql::Result<Database> {
    let mut builder = fsql::DatabaseBuilder::from_env()?;
    if std::env::var_os("FSQL_DATABASE_URL").is_none() {
        builder = builder.url("sqlite:///blog.db");
    }
    builder.record_queries(debug).build()
}

/// Every route of the blog. With `debug`, responses carry the request's statement count and
/// time (`x-fsql-queries`, `x-fsql-query-time`); the database must record queries for that.
pub fn router(state: AppState, debug: bool) -> Router {
    let mut router = Router::new()
        .route("/", get(index))
        .route("/api/posts", get(api_posts))
        .route("/auth/register", get(register_form).post(register))
        .route("/auth/login", get(login_form).post(login))
        .route("/auth/logout", get(logout))
        .route("/create", get(create_form).post(create))
        .route("/{id}/update", get(update_form).post(update))
        .route("/{id}/delete", post(delete))
        .layer(Extension(PageDefaults(
            PageRequest::default().per_page(PER_PAGE),
        )));
    if debug {
        router = router.layer(axum::middleware::from_fn(fsql_axum::query_headers));
    }
    router
        .layer(axum::middleware::from_fn(fsql_axum::negotiate_errors))
        .with_state(state)
}

// ---------------------------------------------------------------- who is logged in

/// The logged-in user, if any (Flaskr's `g.user`).
pub struct CurrentUser(pub Option<Login>);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let logins = state.logins();
        let user = session_tokens(&parts.headers).find_map(|t| logins.get(t).cloned());
        Ok(CurrentUser(user))
    }
}

/// The values of the session cookie in a request's `Cookie` headers.
fn session_tokens(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .filter(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
}

fn login_required() -> Response {
    Redirect::to("/auth/login").into_response()
}

// ---------------------------------------------------------------- the index

/// One page of posts, newest first, authors loaded in the same statement.
fn posts_page(db: &Database, request: PageRequest) -> fsql::Result<Pagination<PostView>> {
    let page = Post::query()
        .order_by(Post::id.desc())
        .options(joinedload(Post::author))
        .paginate(db, request)?;
    Ok(page.with_query(()).map(PostView::new))
}

async fn index(
    db: Db,
    PageArgs(request): PageArgs,
    CurrentUser(user): CurrentUser,
) -> Result<Response, HttpError> {
    let page = db.run(move |db| posts_page(db, request)).await?;
    let mut body = String::new();
    if user.is_some() {
        body.push_str(r#"<a class="action" href="/create">New</a>"#);
    }
    for post in page.items() {
        let _ = write!(
            body,
            r#"<article class="post" id="post-{id}"><header><div><h1>{title}</h1><div class="about">by {author} on {created}</div></div>"#,
            id = post.id,
            title = escape_html(&post.title),
            author = escape_html(&post.author),
            created = escape_html(&post.created),
        );
        if user.as_ref().is_some_and(|u| u.id == post.author_id) {
            let _ = write!(
                body,
                r#"<a class="action" href="/{}/update">Edit</a>"#,
                post.id
            );
        }
        let _ = write!(
            body,
            r#"</header><p class="body">{}</p></article><hr>"#,
            escape_html(&post.body)
        );
    }
    body.push_str(&render_pagination(&page, "/"));
    Ok(html(layout("Posts", user.as_ref(), &body)))
}

/// The seeds' `render_pagination` macro: the range shown, then a link per page from
/// `iter_pages` (the current page in bold, gaps as an ellipsis), with previous and next.
pub fn render_pagination<T>(page: &Pagination<T>, path: &str) -> String {
    let link = |n: u64| {
        if page.per_page() == PER_PAGE {
            format!("{path}?page={n}")
        } else {
            format!("{path}?page={n}&amp;per_page={}", page.per_page())
        }
    };
    let mut out = String::from(r#"<div class="pagination">"#);
    let _ = write!(
        out,
        r#"<div class="page-items">{} - {} of {}</div><div class="page-links">"#,
        page.first(),
        page.last(),
        page.total().unwrap_or(0)
    );
    if let Some(prev) = page.prev_num() {
        let _ = write!(
            out,
            r#"<a class="prev" href="{}">&laquo; Prev</a>"#,
            link(prev)
        );
    }
    for number in page.iter_pages() {
        match number {
            Some(n) if n == page.page() => {
                let _ = write!(out, r#"<strong class="current">{n}</strong>"#);
            }
            Some(n) => {
                let _ = write!(out, r#"<a class="page" href="{}">{n}</a>"#, link(n));
            }
            None => out.push_str(r#"<span class="ellipsis">&hellip;</span>"#),
        }
    }
    if let Some(next) = page.next_num() {
        let _ = write!(
            out,
            r#"<a class="next" href="{}">Next &raquo;</a>"#,
            link(next)
        );
    }
    out.push_str("</div></div>");
    out
}

/// The index as JSON: `Pagination`'s serde form.
async fn api_posts(db: Db, PageArgs(request): PageArgs) -> Result<Response, HttpError> {
    let page = db.run(move |db| posts_page(db, request)).await?;
    let json = serde_json::to_string(&page).unwrap_or_else(|_| "{}".to_owned());
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

// ---------------------------------------------------------------- register, log in, log out

#[derive(Debug, Deserialize)]
pub struct Credentials {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
}

async fn register_form(CurrentUser(user): CurrentUser) -> Response {
    html(layout(
        "Register",
        user.as_ref(),
        &credentials_form("Register", None),
    ))
}

async fn register(db: Db, Form(form): Form<Credentials>) -> Result<Response, HttpError> {
    let username = form.username.trim().to_owned();
    let error = if username.is_empty() {
        Some("Username is required.".to_owned())
    } else if form.password.is_empty() {
        Some("Password is required.".to_owned())
    } else {
        let password = form.password;
        db.session(move |session| {
            let Some(password) = hash_password(&password) else {
                return Ok(Some("The password could not be hashed.".to_owned()));
            };
            session.add(User {
                id: 0,
                username: username.clone(),
                password,
            });
            // As Flaskr does: insert, and let the UNIQUE constraint answer "taken" (a check
            // before the insert would race with a concurrent registration).
            match session.commit() {
                Ok(()) => Ok(None),
                Err(e) if e.database_kind() == Some(fsql::DatabaseErrorKind::UniqueViolation) => {
                    Ok(Some(format!("User {username} is already registered.")))
                }
                Err(e) => Err(e),
            }
        })
        .await?
    };
    match error {
        None => Ok(Redirect::to("/auth/login").into_response()),
        Some(message) => Ok(html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            layout(
                "Register",
                None,
                &credentials_form("Register", Some(&message)),
            ),
        )),
    }
}

async fn login_form(CurrentUser(user): CurrentUser) -> Response {
    html(layout(
        "Log In",
        user.as_ref(),
        &credentials_form("Log In", None),
    ))
}

async fn login(
    db: Db,
    axum::extract::State(state): axum::extract::State<AppState>,
    Form(form): Form<Credentials>,
) -> Result<Response, HttpError> {
    let username = form.username.trim().to_owned();
    let password = form.password;
    let user = db
        .run(move |db| {
            let user = User::query()
                .filter(User::username.eq(&username))
                .first(db)?;
            // Verifying is CPU work of tens of milliseconds: on the blocking thread too.
            Ok(user.filter(|u| verify_password(&password, &u.password)))
        })
        .await?;
    let Some(user) = user else {
        return Ok(html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            layout(
                "Log In",
                None,
                &credentials_form("Log In", Some("Incorrect username or password.")),
            ),
        ));
    };
    let token = new_token();
    state.logins().insert(
        token.clone(),
        Login {
            id: user.id,
            username: user.username,
        },
    );
    let mut response = Redirect::to("/").into_response();
    if let Ok(cookie) = HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax"
    )) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

async fn logout(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: HeaderMap,
) -> Response {
    let mut logins = state.logins();
    for token in session_tokens(&headers) {
        logins.remove(token);
    }
    drop(logins);
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("blog_session=; Path=/; Max-Age=0"),
    );
    response
}

fn hash_password(password: &str) -> Option<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .ok()
        .map(|h| h.to_string())
}

fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

fn new_token() -> String {
    let mut bytes = [0u8; 24];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------- create, update, delete

#[derive(Debug, Deserialize)]
pub struct PostForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

async fn create_form(CurrentUser(user): CurrentUser) -> Response {
    match user {
        None => login_required(),
        Some(user) => html(layout("New Post", Some(&user), &post_form("", "", None))),
    }
}

async fn create(
    db: Db,
    CurrentUser(user): CurrentUser,
    Form(form): Form<PostForm>,
) -> Result<Response, HttpError> {
    let Some(user) = user else {
        return Ok(login_required());
    };
    if form.title.trim().is_empty() {
        return Ok(html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            layout(
                "New Post",
                Some(&user),
                &post_form(&form.title, &form.body, Some("Title is required.")),
            ),
        ));
    }
    db.session(move |session| {
        session.add(Post {
            id: 0,
            author_id: user.id,
            created: now(),
            title: form.title,
            body: form.body,
            author: BelongsTo::new(),
        });
        session.commit()
    })
    .await?;
    Ok(Redirect::to("/").into_response())
}

/// The signed-in user and their post (Flaskr's `login_required` with `get_post`): the login
/// page when nobody is signed in, 404 when the post does not exist, 403 when it is someone
/// else's.
async fn own_post(db: &Db, id: i32, user: Option<Login>) -> Result<(Login, Post), Response> {
    let Some(user) = user else {
        return Err(login_required());
    };
    let post = db
        .run(move |db| Post::query().get_or_404(db, id))
        .await
        .map_err(IntoResponse::into_response)?;
    if post.author_id != user.id {
        return Err((StatusCode::FORBIDDEN, "Forbidden").into_response());
    }
    Ok((user, post))
}

async fn update_form(
    db: Db,
    Path(id): Path<i32>,
    CurrentUser(user): CurrentUser,
) -> Result<Response, HttpError> {
    let (user, post) = match own_post(&db, id, user).await {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let body = format!(
        r#"{}<form method="post" action="/{id}/delete"><input class="danger" type="submit" value="Delete" onclick="return confirm('Are you sure?');"></form>"#,
        post_form(&post.title, &post.body, None)
    );
    Ok(html(layout(
        &format!("Edit \"{}\"", post.title),
        Some(&user),
        &body,
    )))
}

async fn update(
    db: Db,
    Path(id): Path<i32>,
    CurrentUser(user): CurrentUser,
    Form(form): Form<PostForm>,
) -> Result<Response, HttpError> {
    let (user, mut post) = match own_post(&db, id, user).await {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    if form.title.trim().is_empty() {
        return Ok(html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            layout(
                "Edit",
                Some(&user),
                &post_form(&form.title, &form.body, Some("Title is required.")),
            ),
        ));
    }
    post.title = form.title;
    post.body = form.body;
    db.session(move |session| {
        session.update(post);
        session.commit()
    })
    .await?;
    Ok(Redirect::to("/").into_response())
}

async fn delete(
    db: Db,
    Path(id): Path<i32>,
    CurrentUser(user): CurrentUser,
) -> Result<Response, HttpError> {
    let (_, post) = match own_post(&db, id, user).await {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    db.session(move |session| {
        session.delete(post);
        session.commit()
    })
    .await?;
    Ok(Redirect::to("/").into_response())
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

// ---------------------------------------------------------------- templates

fn html(page: String) -> Response {
    html_status(StatusCode::OK, page)
}

fn html_status(status: StatusCode, page: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

fn layout(title: &str, user: Option<&Login>, content: &str) -> String {
    let nav = match user {
        Some(user) => format!(
            r#"<li><span>{}</span></li><li><a href="/auth/logout">Log Out</a></li>"#,
            escape_html(&user.username)
        ),
        None => r#"<li><a href="/auth/register">Register</a></li><li><a href="/auth/login">Log In</a></li>"#
            .to_owned(),
    };
    format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title} - Flaskr</title><style>{STYLE}</style></head>
<body>
<nav><h1><a href="/">Flaskr</a></h1><ul>{nav}</ul></nav>
<section class="content">
<header><h1>{title}</h1></header>
{content}
</section>
</body>
</html>
"#,
        title = escape_html(title),
    )
}

fn credentials_form(action: &str, error: Option<&str>) -> String {
    format!(
        r#"{}<form method="post">
<label for="username">Username</label><input name="username" id="username" required>
<label for="password">Password</label><input type="password" name="password" id="password" required>
<input type="submit" value="{action}">
</form>"#,
        flash(error)
    )
}

fn post_form(title: &str, body: &str, error: Option<&str>) -> String {
    format!(
        r#"{}<form method="post">
<label for="title">Title</label><input name="title" id="title" value="{}" required>
<label for="body">Body</label><textarea name="body" id="body">{}</textarea>
<input type="submit" value="Save">
</form>"#,
        flash(error),
        escape_html(title),
        escape_html(body)
    )
}

fn flash(error: Option<&str>) -> String {
    error.map_or_else(String::new, |e| {
        format!(r#"<div class="flash">{}</div>"#, escape_html(e))
    })
}

/// Flaskr's stylesheet, shortened.
const STYLE: &str = "html{font-family:sans-serif;background:#eee;padding:1rem}\
body{max-width:960px;margin:0 auto;background:white}\
h1{font-family:serif;color:#377ba8;margin:1rem 0}a{color:#377ba8}hr{border:none;border-top:1px solid lightgray}\
nav{background:lightgray;display:flex;align-items:center;padding:0 .5rem}nav h1{flex:auto;margin:0}\
nav h1 a{text-decoration:none;padding:.25rem .5rem}nav ul{display:flex;list-style:none;margin:0;padding:0}\
nav ul li a,nav ul li span{display:block;padding:.5rem}\
.content{padding:0 1rem 1rem}.content>header{border-bottom:1px solid lightgray;display:flex;align-items:flex-end}\
.content>header h1{flex:auto;margin:1rem 0 .25rem 0}.flash{margin:1em 0;padding:1em;background:#cae6f6;border:1px solid #377ba8}\
.post>header{display:flex;align-items:flex-end;font-size:.85em}.post>header>div:first-of-type{flex:auto}\
.post>header h1{font-size:1.4em;margin:.6em 0 0 0}.post .about{color:slategray;font-style:italic}.post .body{white-space:pre-line;margin:.4em 0}\
.content:last-child{margin-bottom:0}.content form{margin:1em 0;display:flex;flex-direction:column}\
.content label{font-weight:bold;margin-bottom:.5em}.content input,.content textarea{margin-bottom:1em}\
.content textarea{min-height:12em;resize:vertical}input.danger{color:#cc2f2e}input[type=submit]{align-self:start;min-width:10em}\
.pagination{margin:1em 0}.pagination .page-items{color:slategray;margin-bottom:.5em}\
.pagination .page-links a,.pagination strong,.pagination .ellipsis{display:inline-block;padding:.25em .6em;margin-right:.25em;border:1px solid lightgray}\
.pagination strong{background:#377ba8;color:white;border-color:#377ba8}";
