//! The crate-wide switch that turns automatic table names off (the seeds' `NoNameMeta`):
//! `automatic_table_names = false` in `[package.metadata.fsql]`.
//!
//! The switch lives in a crate's Cargo.toml, so it is tested on a crate of its own: this test
//! writes one that depends on fsql, runs `cargo check` on it, and reads the compiler's verdict.

use std::path::{Path, PathBuf};
use std::process::Command;

const MANIFEST: &str = r#"[package]
name = "fsql-table-name-switch"
version = "0.0.0"
edition = "2021"
publish = false

[package.metadata.fsql]
automatic_table_names = false

[dependencies]
fsql = { path = "FSQL_DIR" }
diesel = { version = "2.3", default-features = false }

[workspace]
"#;

/// A model with its table name and a bind key, and one without a table name.
const WITH_UNNAMED: &str = r#"use fsql::prelude::*;

#[derive(Model)]
#[fsql(table_name = "accounts", bind = "auth")]
pub struct Account {
    #[fsql(primary_key)]
    pub id: i32,
}

#[derive(Model)]
pub struct ShoppingCart {
    #[fsql(primary_key)]
    pub id: i32,
}

pub fn tables() -> [&'static str; 2] {
    [Account::TABLE_NAME, ShoppingCart::TABLE_NAME]
}
"#;

fn fixture() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("table_name_switch");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = MANIFEST.replace("FSQL_DIR", env!("CARGO_MANIFEST_DIR"));
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    // The workspace's lock file: the same versions, already downloaded.
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .unwrap();
    dir
}

fn cargo_check(dir: &Path) -> (bool, String) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["check", "--quiet", "--offline", "--message-format", "short"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn with_automatic_table_names_off_a_model_without_table_name_does_not_compile() {
    let dir = fixture();
    std::fs::write(dir.join("src/lib.rs"), WITH_UNNAMED).unwrap();
    let (ok, stderr) = cargo_check(&dir);
    assert!(!ok, "the crate compiled:\n{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    // One error, at the struct without a name, saying what to add.
    let line = WITH_UNNAMED
        .lines()
        .position(|l| l == "pub struct ShoppingCart {")
        .unwrap()
        + 1;
    assert!(
        errors[0].starts_with(&format!(
            "src/lib.rs:{line}:12: error: model `ShoppingCart` has no table name"
        )),
        "{stderr}"
    );
    assert!(
        errors[0].contains("add #[fsql(table_name = \"shopping_cart\")]"),
        "{stderr}"
    );
    assert!(!stderr.contains("Account"), "{stderr}");

    // Named, it compiles, and the bind key keeps working beside the switch.
    let fixed = WITH_UNNAMED.replace(
        "#[derive(Model)]\npub struct ShoppingCart",
        "#[derive(Model)]\n#[fsql(table_name = \"carts\")]\npub struct ShoppingCart",
    );
    std::fs::write(dir.join("src/lib.rs"), fixed).unwrap();
    let (ok, stderr) = cargo_check(&dir);
    assert!(ok, "{stderr}");
}
