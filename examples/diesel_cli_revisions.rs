//! Revisions fsql generates, run by Diesel's own CLI (`diesel migration run`): fsql writes
//! them in Diesel's layout (`<dir>/<bind>/<version>_<slug>/up.sql`, `down.sql`, and
//! `metadata.toml` when a revision opens its own transaction) and keeps Diesel's table of the
//! revisions that ran, so either tool runs them and each sees what the other ran.
//! `.ci/diesel-cli` drives this example on SQLite, PostgreSQL and MariaDB:
//!
//! - `generate <dir> <url>` writes three revisions for the models below into `<dir>/default`
//!   (a table; a second table with a foreign key, a column and an index; a longer column, which
//!   SQLite rebuilds the table for), each generated against the database at `<url>` and applied
//!   there to generate the next, then reverts them all: the database is left at base;
//! - `check <dir> <url> head|base` prints fsql's `history` in the format of
//!   `diesel migration list`, and fails (exit status 1) unless the database is at `head` (every
//!   revision run, `current_revision` the last, the tables as the models declare them: nothing
//!   left to autogenerate) or at `base` (no revision run, none of the tables there).
//!
//! Without arguments it does both on a temporary SQLite file, with fsql running the revisions:
//! `cargo run --example diesel_cli_revisions`.

use std::error::Error;
use std::path::Path;
use std::process::ExitCode;

use fsql::prelude::*;
use fsql::schema::SchemaDifference;
use fsql::{Registry, TableMeta};

/// Revision 1: authors.
mod v1 {
    use fsql::prelude::*;
    #[derive(Model, Debug, Clone)]
    #[fsql(table_name = "cli_author")]
    pub struct Author {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(length = 80)]
        pub name: String,
    }
}

/// Revision 2: books of authors, authors' biographies, an index on their names.
mod v2 {
    use fsql::prelude::*;
    #[derive(Model, Debug, Clone)]
    #[fsql(table_name = "cli_author")]
    pub struct Author {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(length = 80, index)]
        pub name: String,
        #[fsql(length = 400)]
        pub bio: Option<String>,
    }

    #[derive(Model, Debug, Clone)]
    #[fsql(table_name = "cli_book")]
    pub struct Book {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(references = Author)]
        pub author_id: i32,
        #[fsql(length = 120)]
        pub title: String,
    }
}

/// Revision 3: longer titles (SQLite rebuilds the table: a revision with `metadata.toml`).
mod v3 {
    use fsql::prelude::*;
    #[derive(Model, Debug, Clone)]
    #[fsql(table_name = "cli_book")]
    pub struct Book {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(references = super::v2::Author)]
        pub author_id: i32,
        #[fsql(length = 200)]
        pub title: String,
    }
}

/// The models after each revision.
fn versions() -> Vec<Vec<&'static TableMeta>> {
    vec![
        vec![v1::Author::META],
        vec![v2::Author::META, v2::Book::META],
        vec![v2::Author::META, v3::Book::META],
    ]
}

fn at(url: &str, tables: &[&'static TableMeta]) -> fsql::Result<Database> {
    Database::builder()
        .url(url)
        .registry(Registry::new(tables.iter().copied()))
        .build()
}

type Outcome = Result<(), Box<dyn Error>>;

fn generate(dir: &Path, url: &str) -> Outcome {
    let versions = versions();
    for (i, tables) in versions.iter().enumerate() {
        let db = at(url, tables)?;
        let revision = db.autogenerate(None)?;
        if revision.is_empty() || !revision.unsupported.is_empty() {
            return Err(format!("revision {}: {:#?}", i + 1, revision.unsupported).into());
        }
        let path = revision.write(dir, &format!("cli step {}", i + 1))?;
        eprintln!("wrote {}", path.display());
        db.upgrade(None, dir)?;
    }
    // Back to base, for Diesel's CLI to run them.
    let head = at(url, versions.last().expect("versions"))?;
    head.downgrade_to(None, dir, "base")?;
    Ok(())
}

fn check(dir: &Path, url: &str, expected: &str) -> Outcome {
    let versions = versions();
    let tables = versions.last().expect("versions");
    let db = at(url, tables)?;
    let history = db.history(None, dir)?;
    println!("Migrations:");
    for (name, ran) in &history {
        println!("  [{}] {name}", if *ran { 'X' } else { ' ' });
    }
    let current = db.current_revision(None, dir)?;
    if history.len() != versions.len() {
        return Err(format!("{} revisions under {}", history.len(), dir.display()).into());
    }
    match expected {
        "head" => {
            if !history.iter().all(|(_, ran)| *ran) {
                return Err("not every revision is marked as run".into());
            }
            let (last, _) = history.last().expect("revisions");
            let version: String = last.split('_').next().unwrap_or_default().replace('-', "");
            if current.as_deref() != Some(version.as_str()) {
                return Err(format!("current_revision is {current:?}, not {version}").into());
            }
            let left = db.autogenerate(None)?;
            if !left.is_empty() {
                return Err(format!(
                    "the database is not what the models declare; still to do:\n{}",
                    left.up_sql()
                )
                .into());
            }
        }
        "base" => {
            if history.iter().any(|(_, ran)| *ran) || current.is_some() {
                return Err(format!("a revision is marked as run: current {current:?}").into());
            }
            let missing = db
                .schema_diff(None)?
                .into_iter()
                .filter(|(_, d)| matches!(d, SchemaDifference::MissingTable(_)))
                .count();
            if missing != tables.len() {
                return Err(format!(
                    "{} of the {} tables are still there",
                    tables.len() - missing,
                    tables.len()
                )
                .into());
            }
        }
        other => return Err(format!("`{other}`: expected head or base").into()),
    }
    Ok(())
}

/// Without arguments: generate, then run them with fsql, on a temporary SQLite file.
fn demo() -> Outcome {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite:///{}", dir.path().join("app.db").display());
    let migrations = dir.path().join("migrations");
    generate(&migrations, &url)?;
    check(&migrations, &url, "base")?;
    let db = at(&url, versions().last().expect("versions"))?;
    db.upgrade(None, &migrations)?;
    check(&migrations, &url, "head")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let outcome = match args.as_slice() {
        [] => demo(),
        ["generate", dir, url] => generate(Path::new(dir), url),
        ["check", dir, url, expected] => check(Path::new(dir), url, expected),
        _ => Err("usage: diesel_cli_revisions [generate <dir> <url> | \
                  check <dir> <url> head|base]"
            .into()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("diesel_cli_revisions: {e}");
            ExitCode::FAILURE
        }
    }
}
