//! Flask-SQLAlchemy's Flaskr example on fsql and axum: register, log in, write, edit and
//! delete posts; a paginated index with authors; the same list as JSON at `/api/posts`.
//!
//! ```sh
//! cargo run --example blog                      # http://127.0.0.1:5000, SQLite file blog.db
//! FSQL_DATABASE_URL=postgresql://localhost/blog cargo run --example blog --features postgres
//! BLOG_ADDR=127.0.0.1:8080 BLOG_DEBUG=1 cargo run --example blog   # x-fsql-queries headers
//! ```
//!
//! The database and its binds come from `FSQL_DATABASE_URL`, `FSQL_BINDS` and
//! `FSQL_BIND_<KEY>` (see `Database::from_env`).

mod app;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let debug = std::env::var_os("BLOG_DEBUG").is_some_and(|v| !v.is_empty() && v != "0");
    let db = app::database_from_env(debug)?;
    db.create_all()?;
    let addr = std::env::var("BLOG_ADDR").unwrap_or_else(|_| "127.0.0.1:5000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("blog: serving on http://{}", listener.local_addr()?);
    axum::serve(listener, app::router(app::AppState::new(db), debug)).await?;
    Ok(())
}
