//! `fsql::cli` (feature `cli`): the `db` command line a binary of the user's own runs, as
//! Flask-Migrate's `flask db`, on SQLite and on every compiled-in server.

mod common;

use std::path::Path;

use common::*;
use fsql::prelude::*;
use fsql::Registry;

#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(table_name = "gadget")]
pub struct Gadget {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 40, index)]
    pub name: String,
}

/// `manage db <args> --dir <dir>`: the exit code, standard output and standard error.
fn manage(db: &Database, dir: &Path, args: &[&str]) -> (u8, String, String) {
    let mut all = vec!["manage", "db"];
    all.extend_from_slice(args);
    all.extend(["--dir", dir.to_str().unwrap()]);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = fsql::cli::run(db, all, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn the_db_commands_migrate_check_and_report_on_every_backend() {
    for t in each_backend(&[]) {
        eprintln!("backend: {}", t.backend);
        let dir = tempfile::tempdir().unwrap();
        let url = shared_url(&t, dir.path());
        let db = Database::builder()
            .url(&url)
            .registry(Registry::new([Gadget::META]))
            .build()
            .unwrap();
        let migrations = dir.path().join("migrations");

        // The database lacks the table: `check` fails and says what differs.
        let (code, out, _) = manage(&db, &migrations, &["check"]);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains("table `gadget`: missing from the database"),
            "{out}"
        );

        // `upgrade --sql` prints what a revision would run.
        let (code, out, _) = manage(&db, &migrations, &["upgrade", "--sql"]);
        assert_eq!(code, 0);
        assert!(
            out.contains("CREATE TABLE") && out.contains("gadget"),
            "{out}"
        );

        let (code, out, err) = manage(
            &db,
            &migrations,
            &["revision", "--autogenerate", "-m", "create gadgets"],
        );
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with("wrote "), "{out}");
        assert!(out.trim_end().ends_with("_create_gadgets"), "{out}");

        let (code, out, _) = manage(&db, &migrations, &["history"]);
        assert_eq!(code, 0);
        assert!(
            out.starts_with("[ ] ") && out.contains("create_gadgets"),
            "{out}"
        );
        let (_, out, _) = manage(&db, &migrations, &["current"]);
        assert!(out.starts_with("none"), "{out}");

        let (code, out, err) = manage(&db, &migrations, &["upgrade"]);
        assert_eq!(code, 0, "{err}");
        assert!(
            out.starts_with("running ") && out.contains("1 revision(s) run"),
            "{out}"
        );
        let (code, out, _) = manage(&db, &migrations, &["check"]);
        assert_eq!(code, 0, "{out}");
        let (_, out, _) = manage(&db, &migrations, &["history"]);
        assert!(out.starts_with("[x] "), "{out}");
        // Diesel keeps a version's digits: 2026-12-07-194512 is 20261207194512.
        let (_, current, _) = manage(&db, &migrations, &["current"]);
        let current = current.trim();
        assert!(
            current.len() == 14 && current.bytes().all(|b| b.is_ascii_digit()),
            "{current}"
        );

        // `codegen` prints the model of the table the revision made, or writes it to a file.
        let (code, out, err) = manage(&db, &migrations, &["codegen"]);
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains("pub struct Gadget {") && out.contains("#[fsql(length = 40, index)]"),
            "{out}"
        );
        assert!(!out.contains("__diesel_schema_migrations"), "{out}");
        let file = dir.path().join("models.rs");
        let (code, written, _) =
            manage(&db, &migrations, &["codegen", "-o", file.to_str().unwrap()]);
        assert_eq!((code, std::fs::read_to_string(&file).unwrap()), (0, out));
        assert!(written.starts_with("wrote "), "{written}");

        // Nothing more to write, even when tables no model declares may be dropped (Diesel's
        // own table is never one of them).
        let (code, out, _) = manage(&db, &migrations, &["migrate", "-m", "again"]);
        assert_eq!(code, 0);
        assert!(out.starts_with("no changes"), "{out}");
        let (code, out, err) = manage(&db, &migrations, &["migrate", "-m", "x", "--drop-tables"]);
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with("no changes"), "{out}");

        // Stamped back to base and to head: marks only, the table stays.
        let (code, out, _) = manage(&db, &migrations, &["stamp", "base"]);
        assert_eq!(code, 0);
        assert!(out.contains("1 mark(s) changed"), "{out}");
        let (_, out, _) = manage(&db, &migrations, &["history"]);
        assert!(out.starts_with("[ ] "), "{out}");
        let (code, _, _) = manage(&db, &migrations, &["check"]);
        assert_eq!(code, 0, "stamping ran nothing");
        let (code, _, _) = manage(&db, &migrations, &["stamp", "head"]);
        assert_eq!(code, 0);
        let (code, _, err) = manage(&db, &migrations, &["downgrade", "nope", "--steps", "1"]);
        assert_eq!(code, 2, "a target and --steps exclude each other: {err}");

        let (code, out, _) = manage(&db, &migrations, &["downgrade", "--steps", "5"]);
        assert_eq!(code, 0);
        assert!(out.starts_with("reverted "), "{out}");
        assert_eq!(out.lines().count(), 1, "one revision to revert: {out}");
        let (code, _, _) = manage(&db, &migrations, &["check"]);
        assert_eq!(code, 1);
    }
}

#[test]
fn usage_mistakes_exit_with_2_and_database_errors_with_3() {
    let db = sqlite_memory(&[Gadget::META]);
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = manage(&db, dir.path(), &["frobnicate"]);
    assert_eq!(code, 2);
    assert!(err.contains("frobnicate"), "{err}");
    let (code, _, err) = manage(&db, dir.path(), &["revision", "--autogenerate"]);
    assert_eq!(code, 2, "the message is required");
    assert!(err.contains("--message"), "{err}");
    let (code, _, err) = manage(&db, dir.path(), &["downgrade", "--steps", "many"]);
    assert_eq!(code, 2);
    assert!(err.contains("many"), "{err}");
    // An unknown bind and a missing directory are the database side's errors.
    let (code, _, err) = manage(&db, dir.path(), &["check", "--bind", "nope"]);
    assert_eq!(code, 3);
    assert!(err.contains("nope"), "{err}");
    let (code, _, err) = manage(&db, &dir.path().join("nowhere"), &["upgrade"]);
    assert_eq!(code, 3);
    assert!(err.contains("no revisions for"), "{err}");
    // Help is not an error.
    let (code, out, _) = manage(&db, dir.path(), &["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("upgrade") && out.contains("revision"), "{out}");
}
