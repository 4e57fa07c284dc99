//! A `db` command line for your own binary (feature `cli`), as Flask-Migrate adds `flask db` to
//! a Flask app: the models are compiled into the binary, so it is the binary that compares them
//! with the database. Put this in `src/bin/manage.rs`:
//!
//! ```no_run
//! fn main() -> std::process::ExitCode {
//!     let db = fsql::Database::from_env().expect("FSQL_DATABASE_URL");
//!     fsql::cli::main(&db)
//! }
//! ```
//!
//! and run `cargo run --bin manage -- db revision --autogenerate -m "add bio"`, then
//! `cargo run --bin manage -- db upgrade`.
//!
//! | command | what it does |
//! |---|---|
//! | `db revision --autogenerate -m MSG [--drop-tables]` (also `db migrate -m MSG`) | writes a revision from the difference between the models and the database (`--drop-tables`: also drops the tables no model declares) |
//! | `db upgrade [TARGET] [--sql]` | runs the revisions not run yet, up to TARGET (`--sql`: prints what a new revision would hold instead) |
//! | `db downgrade [TARGET \| --steps N]` | reverts until TARGET is the latest that ran (`base`: all), or the last N (default 1) |
//! | `db stamp TARGET` | marks the database as at TARGET (`head`, `base`, a revision) without running anything |
//! | `db current` | the latest revision that ran |
//! | `db history` | every revision, marked when it ran |
//! | `db check` | exits with 1 when the models and the database differ, listing how |
//! | `db codegen [-o FILE]` | Rust models from the database's tables ([`Database::codegen`]) |
//!
//! Every command takes `--bind KEY` (default: the default database) and `--dir DIR` (default
//! `migrations`; `codegen` does not read it). Exit codes: 0 done, 1 `check` found differences, 2 a usage error, 3 a
//! database or file error (its message on standard error, passwords masked).

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};

use crate::Database;

fn command() -> Command {
    let bind = Arg::new("bind")
        .long("bind")
        .value_name("KEY")
        .help("The bind to work on (default: the default database)");
    let dir = Arg::new("dir")
        .long("dir")
        .value_name("DIR")
        .default_value("migrations")
        .help("Where the revisions live (one directory per bind below it)");
    let common = |c: Command| c.arg(bind.clone()).arg(dir.clone());
    let message = Arg::new("message")
        .short('m')
        .long("message")
        .value_name("MESSAGE")
        .required(true)
        .help("What the revision does, for its directory's name");
    let drop_tables = Arg::new("drop-tables")
        .long("drop-tables")
        .action(ArgAction::SetTrue)
        .help("Drop the tables no model declares (listed, not dropped, without it)");
    Command::new("manage")
        .about("Schema migrations for the models compiled into this binary")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("db")
                .about("Database migrations (Flask-Migrate's `flask db`)")
                .subcommand_required(true)
                .arg_required_else_help(true)
                .subcommand(common(
                    Command::new("revision")
                        .about("Write a revision")
                        .arg(message.clone())
                        .arg(drop_tables.clone())
                        .arg(
                            Arg::new("autogenerate")
                                .long("autogenerate")
                                .action(ArgAction::SetTrue)
                                .required(true)
                                .help("From the difference between the models and the database"),
                        ),
                ))
                .subcommand(common(
                    Command::new("migrate")
                        .about("Write a revision from the difference (`revision --autogenerate`)")
                        .arg(message)
                        .arg(drop_tables),
                ))
                .subcommand(common(
                    Command::new("upgrade")
                        .about("Run the revisions not run yet")
                        .arg(Arg::new("target").value_name("TARGET").help(
                            "Stop after this revision (its version or directory name; default: head)",
                        ))
                        .arg(
                            Arg::new("sql")
                                .long("sql")
                                .action(ArgAction::SetTrue)
                                .help("Print the SQL of a revision from the current difference instead of running anything"),
                        ),
                ))
                .subcommand(common(
                    Command::new("downgrade")
                        .about("Revert revisions")
                        .arg(Arg::new("target").value_name("TARGET").help(
                            "Revert until this revision is the latest that ran (`base`: all)",
                        ))
                        .arg(
                            Arg::new("steps")
                                .long("steps")
                                .value_name("N")
                                .value_parser(clap::value_parser!(usize))
                                .conflicts_with("target")
                                .help("How many revisions to revert (default 1)"),
                        ),
                ))
                .subcommand(common(
                    Command::new("stamp")
                        .about("Mark the database as at a revision without running anything")
                        .arg(
                            Arg::new("target")
                                .value_name("TARGET")
                                .required(true)
                                .help("A revision, `head` or `base`"),
                        ),
                ))
                .subcommand(common(
                    Command::new("current").about("The latest revision that ran"),
                ))
                .subcommand(common(
                    Command::new("history").about("Every revision, marked when it ran"),
                ))
                .subcommand(common(Command::new("check").about(
                    "Exit with 1 when the models and the database differ",
                )))
                .subcommand(
                    common(Command::new("codegen"))
                        .about("Rust models from the tables of the database")
                        .arg(
                            Arg::new("output")
                                .short('o')
                                .long("output")
                                .value_name("FILE")
                                .help("Write the source to FILE instead of standard output"),
                        ),
                ),
        )
}

/// Runs the command line of this process against `db`, printing to standard output and
/// errors to standard error: what `src/bin/manage.rs` calls.
pub fn main(db: &Database) -> ExitCode {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    ExitCode::from(run(
        db,
        std::env::args_os(),
        &mut stdout.lock(),
        &mut stderr.lock(),
    ))
}

/// Runs `args` (the program name first, as `std::env::args_os()` gives them) against `db`,
/// writing to `out` and `err`; returns the exit code (see the module docs).
///
/// ```
/// # use fsql::prelude::*;
/// # #[derive(Model, Debug, Clone)]
/// # pub struct Note {
/// #     #[fsql(primary_key)]
/// #     pub id: i32,
/// # }
/// let dir = tempfile::tempdir().unwrap();
/// let db = Database::builder()
///     .url(format!("sqlite:///{}", dir.path().join("app.db").display()))
///     .build()
///     .unwrap();
/// let migrations = dir.path().join("migrations");
/// let run = |args: &[&str]| {
///     let mut out = Vec::new();
///     let mut all = vec!["manage", "db"];
///     all.extend_from_slice(args);
///     all.extend(["--dir", migrations.to_str().unwrap()]);
///     let code = fsql::cli::run(&db, all, &mut out, &mut std::io::sink());
///     (code, String::from_utf8(out).unwrap())
/// };
/// assert_eq!(run(&["check"]).0, 1);
/// assert_eq!(run(&["migrate", "-m", "create notes"]).0, 0);
/// assert_eq!(run(&["upgrade"]).0, 0);
/// assert_eq!(run(&["check"]).0, 0);
/// ```
pub fn run<I, T>(db: &Database, args: I, out: &mut dyn Write, err: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = match command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let text = e.render().to_string();
            let _ = if code == 0 {
                out.write_all(text.as_bytes())
            } else {
                err.write_all(text.as_bytes())
            };
            return code;
        }
    };
    let Some(("db", db_matches)) = matches.subcommand() else {
        return 2;
    };
    let Some((name, args)) = db_matches.subcommand() else {
        return 2;
    };
    match execute(db, name, args, out) {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            3
        }
    }
}

fn execute(db: &Database, name: &str, args: &ArgMatches, out: &mut dyn Write) -> crate::Result<u8> {
    let bind = args.get_one::<String>("bind").map(String::as_str);
    let dir = PathBuf::from(
        args.get_one::<String>("dir")
            .map_or("migrations", String::as_str),
    );
    let io = |e: std::io::Error| crate::Error::Schema(format!("cannot write the output: {e}"));
    match name {
        "revision" | "migrate" => {
            let message = args
                .get_one::<String>("message")
                .map_or("revision", String::as_str);
            let options = crate::Autogenerate::default().drop_tables(args.get_flag("drop-tables"));
            let revision = db.autogenerate_with(bind, &options)?;
            if revision.is_empty() {
                writeln!(out, "no changes: the database matches the models").map_err(io)?;
                return Ok(0);
            }
            for n in &revision.notes {
                writeln!(out, "note: {n}").map_err(io)?;
            }
            for d in &revision.unsupported {
                writeln!(out, "not generated, write it by hand: {d}").map_err(io)?;
            }
            let path = revision.write(&dir, message)?;
            writeln!(out, "wrote {}", path.display()).map_err(io)?;
        }
        "upgrade" if args.get_flag("sql") => {
            let revision = db.autogenerate(bind)?;
            write!(out, "{}", revision.up_sql()).map_err(io)?;
        }
        "upgrade" => {
            let mut write_error = None;
            let ran = match args.get_one::<String>("target") {
                Some(target) => db.upgrade_to(bind, &dir, target)?,
                None => db.upgrade_each(bind, &dir, |name| {
                    if let Err(e) = writeln!(out, "running {name}") {
                        write_error.get_or_insert(e);
                    }
                })?,
            };
            if let Some(e) = write_error {
                return Err(io(e));
            }
            writeln!(out, "{} revision(s) run", ran.len()).map_err(io)?;
        }
        "downgrade" => {
            let reverted = match args.get_one::<String>("target") {
                Some(target) => db.downgrade_to(bind, &dir, target)?,
                None => {
                    let steps = args.get_one::<usize>("steps").copied().unwrap_or(1);
                    db.downgrade(bind, &dir, steps)?
                }
            };
            for version in reverted {
                writeln!(out, "reverted {version}").map_err(io)?;
            }
        }
        "stamp" => {
            let target = args
                .get_one::<String>("target")
                .map_or("head", String::as_str);
            let changed = db.stamp(bind, &dir, target)?;
            writeln!(out, "stamped {target} ({} mark(s) changed)", changed.len()).map_err(io)?;
        }
        "current" => match db.current_revision(bind, &dir)? {
            Some(v) => writeln!(out, "{v}").map_err(io)?,
            None => writeln!(out, "none: no revision has run").map_err(io)?,
        },
        "history" => {
            for (name, ran) in db.history(bind, &dir)? {
                writeln!(out, "{} {name}", if ran { "[x]" } else { "[ ]" }).map_err(io)?;
            }
        }
        "check" => {
            let differences = db.schema_diff(bind)?;
            // Column order is not a change a revision makes (see `Database::autogenerate`).
            let differences: Vec<_> = differences
                .into_iter()
                .filter(|(_, d)| {
                    !matches!(
                        d,
                        crate::schema::SchemaDifference::Table {
                            difference: crate::schema::Difference::ColumnOrder { .. },
                            ..
                        }
                    )
                })
                .collect();
            if differences.is_empty() {
                writeln!(out, "no changes: the database matches the models").map_err(io)?;
            } else {
                for (_, d) in &differences {
                    writeln!(out, "{d}").map_err(io)?;
                }
                return Ok(1);
            }
        }
        "codegen" => {
            let source = db.codegen(bind)?;
            match args.get_one::<String>("output") {
                Some(path) => {
                    std::fs::write(path, &source)
                        .map_err(|e| crate::Error::Schema(format!("cannot write {path}: {e}")))?;
                    writeln!(out, "wrote {path}").map_err(io)?;
                }
                None => out.write_all(source.as_bytes()).map_err(io)?,
            }
        }
        _ => return Ok(2),
    }
    Ok(0)
}
