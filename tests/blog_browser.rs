//! The blog example in headless Chromium, end to end: register, log in, write 30 posts, follow
//! the pagination links to page 2, check it, and save a screenshot
//! (`<target>/e2e/blog_page2.png`).
//!
//! Built only with the test-only feature `browser-tests` (`required-features` in Cargo.toml) (on in `cargo test --all-features`):
//! it needs Chromium and chromedriver (`apt-get install chromium chromium-driver`), and fails
//! saying so when they are missing.

#[path = "../examples/blog/app.rs"]
#[allow(dead_code)]
mod app;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use fsql::prelude::*;

/// chromedriver on a free loopback port, killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

fn start_chromedriver() -> Driver {
    let missing = "the browser test (feature `browser-tests`) needs Chromium and chromedriver: \
                   `apt-get install chromium chromium-driver` (`.ci/run` does it), or test \
                   without that feature";
    let driver = find_program(&["chromedriver"])
        .unwrap_or_else(|| panic!("no chromedriver on PATH; {missing}"));
    find_program(&["chromium", "chromium-browser", "google-chrome"])
        .unwrap_or_else(|| panic!("no chromium on PATH; {missing}"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start chromedriver: {e}; {missing}"));
    Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

async fn connect(driver: &Driver) -> Client {
    let mut capabilities = serde_json::Map::new();
    let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"])
        .expect("checked in start_chromedriver");
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        serde_json::json!({
            "binary": chromium,
            // Root in a container: no sandbox; no /dev/shm size assumptions.
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1024,1500"],
        }),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&driver.url)
            .await
        {
            Ok(client) => return client,
            Err(e) if Instant::now() > deadline => {
                panic!(
                    "chromedriver at {} did not start a browser: {e}",
                    driver.url
                )
            }
            // chromedriver takes a moment to listen.
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

async fn fill(client: &Client, css: &str, text: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .send_keys(text)
        .await
        .unwrap();
}

async fn submit(client: &Client) {
    client
        .find(Locator::Css("input[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_write_thirty_posts_and_page_through() {
    let driver = start_chromedriver();

    let db = Database::builder().url("sqlite://").build().unwrap();
    db.create_all().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = app::router(app::AppState::new(db.clone()), false);
    tokio::spawn(async move { axum::serve(listener, router).await });

    let client = connect(&driver).await;

    client.goto(&format!("{base}/auth/register")).await.unwrap();
    fill(&client, "#username", "ann").await;
    fill(&client, "#password", "correct horse battery staple").await;
    submit(&client).await;
    client.wait().for_element(Locator::Css("h1")).await.unwrap();
    assert!(client
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/auth/login"));
    fill(&client, "#username", "ann").await;
    fill(&client, "#password", "correct horse battery staple").await;
    submit(&client).await;
    client
        .wait()
        .for_element(Locator::Css("a[href='/create']"))
        .await
        .unwrap();

    for i in 1..=30 {
        client.goto(&format!("{base}/create")).await.unwrap();
        fill(&client, "#title", &format!("Post number {i}")).await;
        fill(
            &client,
            "#body",
            &format!("The body of post {i}.\nWritten in Chromium."),
        )
        .await;
        submit(&client).await;
        client
            .wait()
            .for_element(Locator::Css(&format!("#post-{i}")))
            .await
            .unwrap();
    }
    assert_eq!(app::Post::query().count(&db).unwrap(), 30);

    // Page 1 shows 30..21; follow the link to page 2.
    client.goto(&base).await.unwrap();
    let link = client
        .find(Locator::Css("a.page[href='/?page=2']"))
        .await
        .unwrap();
    assert_eq!(link.text().await.unwrap(), "2");
    link.click().await.unwrap();
    let current = client
        .wait()
        .for_element(Locator::Css("strong.current"))
        .await
        .unwrap();
    assert_eq!(current.text().await.unwrap(), "2");
    assert_eq!(client.current_url().await.unwrap().query(), Some("page=2"));

    let mut ids = Vec::new();
    for article in client.find_all(Locator::Css("article.post")).await.unwrap() {
        ids.push(article.attr("id").await.unwrap().unwrap_or_default());
    }
    let expected: Vec<String> = (11..=20).rev().map(|i| format!("post-{i}")).collect();
    assert_eq!(ids, expected);
    let first_title = client.find(Locator::Css("#post-20 h1")).await.unwrap();
    assert_eq!(first_title.text().await.unwrap(), "Post number 20");
    let about = client.find(Locator::Css("#post-20 .about")).await.unwrap();
    assert!(about.text().await.unwrap().starts_with("by ann on "));
    let range = client.find(Locator::Css(".page-items")).await.unwrap();
    assert_eq!(range.text().await.unwrap(), "11 - 20 of 30");
    for href in ["/?page=1", "/?page=3"] {
        client
            .find(Locator::Css(&format!("a.page[href='{href}']")))
            .await
            .unwrap_or_else(|e| panic!("no link to {href}: {e}"));
    }

    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| PathBuf::from("target"), PathBuf::from)
        .join("e2e");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("blog_page2.png");
    std::fs::write(&path, &png).unwrap();
    eprintln!("screenshot: {}", path.display());

    client.close().await.unwrap();
}
