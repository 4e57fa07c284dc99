//! Schema migrations (what Flask-Migrate gives Flask-SQLAlchemy): a revision generated from how
//! a bind's database differs from its models ([`Database::autogenerate`], Alembic's
//! `revision --autogenerate`), written in Diesel's migration format
//! (`<dir>/<bind>/<version>_<slug>/up.sql` and `down.sql`, [`Revision::write`]), and run by
//! `diesel_migrations` ([`Database::upgrade`], [`Database::downgrade`],
//! [`Database::current_revision`]) or by Diesel's own CLI, which reads the same directories.
//!
//! What autogenerate writes, each with its undo in `down.sql`: a table the database lacks
//! (`CREATE TABLE` with its indexes and foreign keys), a column added or no longer declared, a
//! column's type, nullability or server default, an index added or removed, a unique
//! constraint added (as a unique index), a foreign key added to, dropped from or changed on an
//! existing table. PostgreSQL and MySQL change the table in place; SQLite, whose `ALTER TABLE`
//! cannot, rebuilds it (a copy of
//! the declared shape, the rows of the columns both have copied over, the old table dropped,
//! the copy renamed, its indexes created: Alembic's batch mode), inside one transaction with
//! foreign keys off, so the revision is marked `run_in_transaction = false` and opens its own.
//!
//! A table the models no longer have is not dropped unless asked ([`Autogenerate::drop_tables`]):
//! it is listed in [`Revision::unsupported`] and written at the top of `up.sql` as a comment,
//! for the revision's author. Renames are never guessed: a column dropped and one of the same type
//! added in one table is a drop and an add, and [`Revision::notes`] says it looks like a
//! rename. A `NOT NULL` column without a server default cannot be added to a table that has
//! rows; give it one, `#[fsql(default = "..")]`. Dropping a column loses its data, and its
//! undo brings the column back empty. A server default is compared as a value when it is a
//! literal (`'draft'`, `0`, `TRUE`; PostgreSQL's casts and MySQL's numbers for booleans are
//! read through); a default given or taken away is always seen, but one expression changed to
//! another (`now()` to `CURRENT_TIMESTAMP`) is not: catalogs rewrite expressions, so comparing
//! their text would report changes that are none (Alembic leaves server defaults out of its
//! comparison by default for the same reason).
//!
//! ```
//! # use fsql::prelude::*;
//! #[derive(Model, Debug, Clone)]
//! pub struct Note {
//!     #[fsql(primary_key)]
//!     pub id: i32,
//!     pub body: String,
//! }
//! # fn main() -> fsql::Result<()> {
//! let dir = tempfile::tempdir().unwrap();
//! let db = Database::builder()
//!     .url(format!("sqlite:///{}", dir.path().join("app.db").display()))
//!     .build()?;
//! let migrations = dir.path().join("migrations");
//!
//! let revision = db.autogenerate(None)?;          // `flask db migrate`
//! assert!(revision.up_sql().contains("CREATE TABLE"));
//! revision.write(&migrations, "create notes")?;
//! db.upgrade(None, &migrations)?;                  // `flask db upgrade`
//! assert!(db.autogenerate(None)?.is_empty());      // `flask db check`: nothing left
//! assert!(db.current_revision(None, &migrations)?.is_some());
//! db.downgrade(None, &migrations, 1)?;             // `flask db downgrade`
//! assert_eq!(db.current_revision(None, &migrations)?, None);
//! # Ok(())
//! # }
//! ```

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use diesel::connection::{BoxableConnection, SimpleConnection};
use diesel::migration::{self, Migration, MigrationSource};
use diesel_migrations::{FileBasedMigrations, MigrationHarness};

use crate::conn::backend::{dispatch, FsqlBackend};
use crate::conn::url::BackendKind;
use crate::database::Database;
use crate::sql::ddl::{self, Dialect};
use fsql_core::schema::{Difference, ForeignKeySchema, SchemaDifference};
use fsql_core::{Error, Result, TableMeta};

mod statements;

/// Statements that take a bind from what its database holds to what its models declare, and
/// back: one revision, before it is written.
#[derive(Debug, Clone, Default)]
pub struct Revision {
    /// The bind it is for (`None` = the default database).
    pub bind: Option<String>,
    /// Statements of `up.sql`, in order.
    pub up: Vec<String>,
    /// Statements of `down.sql`, in order (the reverse of `up`'s effects).
    pub down: Vec<String>,
    /// Differences autogenerate does not write yet; `up.sql` lists them as comments.
    pub unsupported: Vec<SchemaDifference>,
    /// Warnings for the revision's author, written at the top of `up.sql` as comments (a drop
    /// and an add that look like a rename, which autogenerate never guesses).
    pub notes: Vec<String>,
    /// Tables rebuilt (SQLite: a new table of the declared shape, the rows copied over, the
    /// old one dropped), each revision then running outside the harness's transaction with
    /// foreign keys off, in one transaction of its own.
    pub rebuilt: Vec<String>,
    /// What `up.sql` and `down.sql` run around their statements when tables are rebuilt.
    fence: (Vec<String>, Vec<String>),
}

impl Revision {
    /// Nothing to migrate: the database matches the models.
    pub fn is_empty(&self) -> bool {
        self.up.is_empty() && self.unsupported.is_empty()
    }

    /// The text of `up.sql`.
    pub fn up_sql(&self) -> String {
        let mut out = String::new();
        for n in &self.notes {
            let _ = writeln!(out, "-- {n}");
        }
        for d in &self.unsupported {
            let _ = writeln!(out, "-- not generated, write it by hand: {d}");
        }
        out.push_str(&self.fenced(&self.up));
        out
    }

    /// The text of `down.sql`.
    pub fn down_sql(&self) -> String {
        self.fenced(&self.down)
    }

    fn fenced(&self, statements: &[String]) -> String {
        let (before, after): (&[String], &[String]) = if self.rebuilt.is_empty() {
            (&[], &[])
        } else {
            (&self.fence.0, &self.fence.1)
        };
        before
            .iter()
            .chain(statements)
            .chain(after)
            .map(|s| format!("{s};\n"))
            .collect()
    }

    /// Writes the revision as `<dir>/<bind>/<version>_<slug>/up.sql` and `down.sql` (`<bind>`
    /// is `default` for the default database), `version` the UTC time as Diesel's CLI writes
    /// it (`2026-12-07-194512`), one second after the latest revision there if the clock is
    /// not past it. Returns the revision's directory.
    pub fn write(&self, dir: impl AsRef<Path>, message: &str) -> Result<PathBuf> {
        let root = bind_dir(dir.as_ref(), self.bind.as_deref());
        let io = |what: &str, path: &Path, e: std::io::Error| {
            Error::Schema(format!("cannot {what} {}: {e}", path.display()))
        };
        std::fs::create_dir_all(&root).map_err(|e| io("create", &root, e))?;
        let latest = std::fs::read_dir(&root)
            .map_err(|e| io("read", &root, e))?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                Some(name.split('_').next()?.to_owned())
            })
            .max();
        let mut seconds = unix_seconds();
        let version = loop {
            let v = version_at(seconds);
            if latest.as_deref().is_none_or(|l| v.as_str() > l) {
                break v;
            }
            seconds += 1;
        };
        let path = root.join(format!("{version}_{}", slug(message)));
        std::fs::create_dir(&path).map_err(|e| io("create", &path, e))?;
        let mut files = vec![("up.sql", self.up_sql()), ("down.sql", self.down_sql())];
        if !self.rebuilt.is_empty() {
            // The revision opens its own transaction, after turning foreign keys off.
            files.push(("metadata.toml", "run_in_transaction = false\n".to_owned()));
        }
        for (file, text) in files {
            let p = path.join(file);
            std::fs::write(&p, text).map_err(|e| io("write", &p, e))?;
        }
        Ok(path)
    }
}

/// The directory of a bind's revisions under `dir`.
fn bind_dir(dir: &Path, bind: Option<&str>) -> PathBuf {
    dir.join(bind.unwrap_or("default"))
}

fn unix_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `YYYY-MM-DD-HHMMSS` (UTC) of a Unix time: the version Diesel's CLI gives a migration.
fn version_at(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let rem = seconds % 86_400;
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}-{:02}{:02}{:02}",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

/// A message as a directory name: lower-case letters, digits and `_`.
fn slug(message: &str) -> String {
    let mut out = String::new();
    for c in message.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_');
    if out.is_empty() {
        "revision".to_owned()
    } else {
        out.chars().take(60).collect()
    }
}

/// A column dropped and one added in the same table with the same type look like a rename;
/// the revision drops and adds (the column's data is lost) and says so.
fn rename_hints(differences: &[SchemaDifference]) -> Vec<String> {
    let mut out = Vec::new();
    for d in differences {
        let SchemaDifference::Table {
            table,
            difference: Difference::ExtraColumn(old),
        } = d
        else {
            continue;
        };
        for other in differences {
            if let SchemaDifference::Table {
                table: t,
                difference: Difference::MissingColumn(new),
            } = other
            {
                let same_type = match (old.ty, new.ty) {
                    (Some(a), Some(b)) => a == b,
                    _ => old.raw_type.eq_ignore_ascii_case(&new.raw_type),
                };
                if t == table && same_type {
                    out.push(format!(
                        "table `{table}`: `{}` dropped and `{}` added look like a rename; this \
                         revision drops `{}` with its data: if it was renamed, write `ALTER \
                         TABLE {table} RENAME COLUMN {} TO {}` instead",
                        old.name, new.name, old.name, old.name, new.name
                    ));
                }
            }
        }
    }
    out
}

/// The digits of a revision's version (`2026-12-07-194512_add_bio` and `20261207194512` are
/// both `20261207194512`), as Diesel keeps them.
fn digits(name_or_version: &str) -> String {
    name_or_version
        .split('_')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
}

/// Where revisions come from: a directory, or the binary (`embed_migrations!`). Each revision
/// runs as a [`Stepwise`] one.
enum Source {
    Dir(FileBasedMigrations),
    Embedded(diesel_migrations::EmbeddedMigrations),
}

impl<DB: FsqlBackend> MigrationSource<DB> for Source {
    fn migrations(&self) -> migration::Result<Vec<Box<dyn Migration<DB>>>> {
        let all = match self {
            Self::Dir(d) => MigrationSource::<DB>::migrations(d),
            Self::Embedded(e) => MigrationSource::<DB>::migrations(e),
        }?;
        Ok(all
            .into_iter()
            .map(|m| Box::new(Stepwise(m)) as Box<dyn Migration<DB>>)
            .collect())
    }
}

/// A revision as fsql runs it. On MySQL, which commits each schema change by itself (a
/// revision that fails half way keeps what ran before the failure), its script runs one
/// statement at a time, and a failure names the statement, its number and its text, for the
/// revision's author to finish by hand. Elsewhere it runs as Diesel runs it, in one batch inside
/// the harness's transaction, and a failure leaves nothing applied. Either way Diesel records
/// the revision as run (or reverted) only once all of it has.
struct Stepwise<DB>(Box<dyn Migration<DB>>);

impl<DB: FsqlBackend> Stepwise<DB> {
    /// Runs `script` (what `self.0` would run, in one batch) on `conn`, one statement at a
    /// time on MySQL.
    fn each_statement(
        &self,
        conn: &mut dyn BoxableConnection<DB>,
        direction: Direction,
        script: impl Fn(&mut dyn BoxableConnection<DB>) -> migration::Result<()>,
    ) -> migration::Result<()> {
        if DB::KIND != BackendKind::Mysql {
            return script(conn);
        }
        // Diesel's migrations give their SQL only to the connection they run on: take it
        // from a connection that keeps it instead of running it.
        let mut recorder = Recorder::<DB>::default();
        script(&mut recorder)?;
        let Some(statements) = statements::split(&recorder.sql) else {
            // A routine body's `;`s are the server's to tell apart: one batch, as Diesel runs it.
            return conn.batch_execute(&recorder.sql).map_err(|e| {
                format!("Failed to {} {} with: {e}", direction.verb(), self.0.name()).into()
            });
        };
        for (i, statement) in statements.iter().enumerate() {
            conn.batch_execute(statement)
                .map_err(|error| StatementFailed {
                    revision: self.0.name().to_string(),
                    direction,
                    number: i + 1,
                    of: statements.len(),
                    statement: statements::shown(statement),
                    error,
                })?;
        }
        Ok(())
    }
}

impl<DB: FsqlBackend> Migration<DB> for Stepwise<DB> {
    fn run(&self, conn: &mut dyn BoxableConnection<DB>) -> migration::Result<()> {
        self.each_statement(conn, Direction::Up, |c| self.0.run(c))
    }

    fn revert(&self, conn: &mut dyn BoxableConnection<DB>) -> migration::Result<()> {
        self.each_statement(conn, Direction::Down, |c| self.0.revert(c))
    }

    fn metadata(&self) -> &dyn migration::MigrationMetadata {
        self.0.metadata()
    }

    fn name(&self) -> &dyn migration::MigrationName {
        self.0.name()
    }
}

/// A connection that keeps the SQL given to it instead of running it: how a revision's script
/// is read, for a directory's revisions and embedded ones alike.
struct Recorder<DB> {
    sql: String,
    backend: std::marker::PhantomData<DB>,
}

impl<DB> Default for Recorder<DB> {
    fn default() -> Self {
        Self {
            sql: String::new(),
            backend: std::marker::PhantomData,
        }
    }
}

impl<DB> SimpleConnection for Recorder<DB> {
    fn batch_execute(&mut self, query: &str) -> diesel::QueryResult<()> {
        if !self.sql.is_empty() {
            // A batch ending in a `--` comment must not swallow the next one's first line.
            self.sql.push_str("\n;\n");
        }
        self.sql.push_str(query);
        Ok(())
    }
}

impl<DB: FsqlBackend> BoxableConnection<DB> for Recorder<DB> {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// Which way a revision runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Up,
    Down,
}

impl Direction {
    fn verb(self) -> &'static str {
        match self {
            Self::Up => "run",
            Self::Down => "revert",
        }
    }
}

/// A statement of a revision failed on MySQL, after the ones before it ran.
#[derive(Debug)]
struct StatementFailed {
    revision: String,
    direction: Direction,
    /// Counted from 1.
    number: usize,
    of: usize,
    /// As [`statements::shown`] quotes it.
    statement: String,
    error: diesel::result::Error,
}

impl std::fmt::Display for StatementFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (verb, recorded, stamp, again) = match self.direction {
            Direction::Up => (
                "run",
                "not recorded as run",
                "it",
                "undo what ran and upgrade",
            ),
            Direction::Down => (
                "revert",
                "still recorded as run",
                "the revision before it",
                "redo what was reverted and downgrade",
            ),
        };
        write!(
            f,
            "Failed to {verb} {} at statement {} of {}, `{}`: {}",
            self.revision, self.number, self.of, self.statement, self.error
        )?;
        let before = match self.number {
            1 => return Ok(()),
            2 => "statement 1 stays applied".to_owned(),
            n => format!("statements 1 to {} stay applied", n - 1),
        };
        write!(
            f,
            ". MySQL commits each schema change as it runs: {before} and the revision is \
             {recorded}. Finish it by hand from statement {} and `stamp` {stamp}, or {again} \
             again",
            self.number
        )
    }
}

impl std::error::Error for StatementFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Diesel's own table of the revisions that ran, for `stamp`.
mod migrations_table {
    diesel::table! {
        __diesel_schema_migrations (version) {
            version -> VarChar,
            run_on -> Timestamp,
        }
    }
}

/// `tables` ordered so that a table comes before the tables it refers to (a child is dropped
/// before its parent); a cycle is broken where it closes.
fn children_first<'a>(
    tables: &[&'a fsql_core::schema::TableSchema],
) -> Vec<&'a fsql_core::schema::TableSchema> {
    let mut out: Vec<&fsql_core::schema::TableSchema> = Vec::new();
    let mut left: Vec<&fsql_core::schema::TableSchema> = tables.to_vec();
    while !left.is_empty() {
        // A table no remaining table refers to can go now.
        let free = left
            .iter()
            .position(|t| {
                !left.iter().any(|other| {
                    other.name != t.name
                        && other
                            .foreign_keys
                            .iter()
                            .any(|fk| fk.referred_table == t.name)
                })
            })
            .unwrap_or(0);
        out.push(left.remove(free));
    }
    out
}

/// The name a constraint the models leave unnamed gets in a revision.
fn constraint_name(prefix: &str, table: &str, columns: &[String]) -> String {
    format!("{prefix}_{table}_{}", columns.join("_"))
}

/// Choices of [`Database::autogenerate_with`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Autogenerate {
    /// Drop the tables the database has and no model declares (Alembic's default; fsql's is to
    /// list them in [`Revision::unsupported`], since a database often holds tables another
    /// program owns). Children are dropped before their parents; `down.sql` creates each again
    /// as the database held it (columns, keys, defaults, indexes, foreign keys), without its
    /// rows.
    pub drop_tables: bool,
}

impl Autogenerate {
    /// [`drop_tables`](Self::drop_tables) set to `drop`.
    pub fn drop_tables(mut self, drop: bool) -> Self {
        self.drop_tables = drop;
        self
    }
}

impl Database {
    /// The revision that takes bind `key`'s database to its models (Alembic's
    /// `revision --autogenerate`): see the [module docs](crate::migrate) for what it writes.
    /// Empty when they match. Tables no model declares are listed, not dropped:
    /// [`autogenerate_with`](Self::autogenerate_with) drops them.
    pub fn autogenerate(&self, key: Option<&str>) -> Result<Revision> {
        self.autogenerate_with(key, &Autogenerate::default())
    }

    /// [`autogenerate`](Self::autogenerate) with choices.
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # fn main() -> fsql::Result<()> {
    /// let db = Database::builder().url("sqlite://").build()?;
    /// use diesel::connection::SimpleConnection;
    /// db.connection()?.batch_execute("CREATE TABLE legacy (id INTEGER PRIMARY KEY)")?;
    /// let kept = db.autogenerate(None)?;
    /// assert!(kept.up.is_empty() && kept.unsupported.len() == 1);
    /// let dropped = db.autogenerate_with(None, &fsql::Autogenerate::default().drop_tables(true))?;
    /// assert_eq!(dropped.up, ["DROP TABLE \"legacy\""]);
    /// assert!(dropped.down[0].starts_with("CREATE TABLE \"legacy\""));
    /// # Ok(())
    /// # }
    /// ```
    pub fn autogenerate_with(&self, key: Option<&str>, options: &Autogenerate) -> Result<Revision> {
        let dialect = Dialect::of(self.url(key)?.backend());
        let metadata = self.metadata(key)?;
        let mut revision = Revision {
            bind: key.map(str::to_owned),
            ..Revision::default()
        };
        let (differences, reflected) = self.bind_diff(key)?;
        let table = |name: &str| -> Option<&'static TableMeta> { metadata.table(name) };
        // New tables first, parents before children, as `create_all` orders them.
        for meta in metadata.sorted_tables() {
            let missing = differences
                .iter()
                .any(|d| matches!(d, SchemaDifference::MissingTable(t) if t.name == meta.name));
            if missing {
                revision
                    .up
                    .extend(ddl::create_table(meta, dialect, self.naming())?);
                revision.down.push(ddl::drop_table(meta, dialect)?);
            }
        }
        // Foreign keys and indexes go first: a column cannot be dropped while a constraint
        // uses it, and dropping it takes its indexes along on PostgreSQL and MySQL.
        let (first, rest): (Vec<_>, Vec<_>) = differences.iter().partition(|d| {
            matches!(
                d,
                SchemaDifference::Table {
                    difference: Difference::ExtraForeignKey(_) | Difference::ExtraIndex(_),
                    ..
                }
            )
        });
        // Each difference of a declared table with its statements, `None` when autogenerate
        // does not write it.
        let mut planned = Vec::new();
        for d in first.into_iter().chain(rest) {
            match d {
                SchemaDifference::Table {
                    table: name,
                    difference,
                } => match table(name) {
                    Some(meta) => {
                        let op = self.operation(meta, name, difference, dialect, &differences)?;
                        planned.push((d, Some(meta), op));
                    }
                    None => planned.push((d, None, None)),
                },
                SchemaDifference::MissingTable(_) => {}
                SchemaDifference::ExtraTable(_) if options.drop_tables => {}
                _ => planned.push((d, None, None)),
            }
        }
        // Where `ALTER TABLE` cannot make a change (SQLite), the table is rebuilt instead, and
        // its other differences come with the rebuild.
        let mut rebuild: Vec<&'static TableMeta> = Vec::new();
        if dialect.rebuilds_tables() {
            for (_, meta, op) in &planned {
                if let (Some(meta), None) = (meta, op) {
                    if !rebuild.iter().any(|t| t.name == meta.name) {
                        rebuild.push(meta);
                    }
                }
            }
        }
        for (d, meta, op) in planned {
            if meta.is_some_and(|m| rebuild.iter().any(|t| t.name == m.name)) {
                continue;
            }
            match op {
                // Merged into the statement of another difference of the same column: `up`
                // and `down` are empty.
                Some((up, down)) => {
                    revision.up.extend(up);
                    // `down` is reversed as a whole below: keep this difference's own order.
                    revision.down.extend(down.into_iter().rev());
                }
                None => revision.unsupported.push(d.clone()),
            }
        }
        revision.notes = rename_hints(&differences);
        for meta in &rebuild {
            let Some(current) = reflected.iter().find(|t| t.name == meta.name) else {
                continue;
            };
            let (up, down) = self.rebuild(meta, current, dialect)?;
            revision.up.extend(up);
            // `down` is reversed as a whole below: keep the rebuild's own order.
            revision.down.extend(down.into_iter().rev());
            revision.rebuilt.push(meta.name.to_owned());
        }
        if !rebuild.is_empty() {
            revision.fence = ddl::rebuild_fence(dialect);
        }
        if options.drop_tables {
            let extra: Vec<&fsql_core::schema::TableSchema> = differences
                .iter()
                .filter_map(|d| match d {
                    SchemaDifference::ExtraTable(t) => Some(t),
                    _ => None,
                })
                .collect();
            for t in children_first(&extra) {
                revision.up.push(ddl::drop_table_named(&t.name, dialect)?);
                let create = ddl::create_reflected_table_as(t, &t.name, dialect)?;
                revision.down.extend(create.into_iter().rev());
            }
        }
        // PostgreSQL enum types (`#[fsql(native)]`) before the tables and columns that use
        // them; the statement does nothing when the type exists, and `down` leaves it (other
        // tables may use it).
        let involved = metadata.sorted_tables().iter().copied().filter(|meta| {
            differences.iter().any(|d| match d {
                SchemaDifference::MissingTable(t) => t.name == meta.name,
                SchemaDifference::Table {
                    table,
                    difference: Difference::MissingColumn(_) | Difference::ColumnType { .. },
                } => table == meta.name,
                _ => false,
            })
        });
        let types = ddl::native_enum_types(involved, dialect);
        if !types.is_empty() {
            let mut creates = Vec::new();
            for (e, _) in &types {
                creates.extend(ddl::create_enum_type(e)?);
            }
            revision.up.splice(0..0, creates);
        }
        // Undo in the reverse order: a table's columns and indexes before the table.
        revision.down.reverse();
        Ok(revision)
    }

    /// Rebuilding `meta`'s table (held as `current`) into its declared shape, and back: a copy
    /// of the new shape, the rows of the columns both have copied over, the old table dropped,
    /// the copy renamed, the indexes created.
    fn rebuild(
        &self,
        meta: &'static TableMeta,
        current: &fsql_core::schema::TableSchema,
        dialect: Dialect,
    ) -> Result<(Vec<String>, Vec<String>)> {
        let copy = format!("_fsql_rebuild_{}", meta.name);
        let common: Vec<String> = meta
            .columns
            .iter()
            .filter(|c| current.column(c.name).is_some())
            .map(|c| c.name.to_owned())
            .collect();
        let steps = |create: Vec<String>| -> Result<Vec<String>> {
            let mut create = create.into_iter();
            let table = create.next().unwrap_or_default();
            let mut out = vec![
                table,
                ddl::copy_rows(meta.name, &copy, &common, dialect)?,
                ddl::drop_table_named(meta.name, dialect)?,
                ddl::rename_table(&copy, meta.name, dialect)?,
            ];
            out.extend(create);
            Ok(out)
        };
        let up = steps(ddl::create_table_as(meta, &copy, dialect, self.naming())?)?;
        let down = steps(ddl::create_reflected_table_as(current, &copy, dialect)?)?;
        Ok((up, down))
    }

    /// The statements that make one difference go away and those that undo it, each in the
    /// order they run, or `None` when autogenerate does not write it (see the module docs).
    fn operation(
        &self,
        meta: &'static TableMeta,
        name: &str,
        difference: &Difference,
        dialect: Dialect,
        all: &[SchemaDifference],
    ) -> Result<Option<(Vec<String>, Vec<String>)>> {
        let reflected = || {
            // The table as the database holds it: its other differences say what it has.
            all.iter().filter_map(move |d| match d {
                SchemaDifference::Table { table, difference } if table == name => Some(difference),
                _ => None,
            })
        };
        Ok(Some(match difference {
            Difference::MissingColumn(c) => match meta.column(&c.name) {
                Some(column) => (
                    vec![ddl::add_column(meta, column, dialect)?],
                    vec![ddl::drop_column(meta, &c.name, dialect)?],
                ),
                None => return Ok(None),
            },
            Difference::ExtraColumn(c) => {
                // SQLite drops a column only when no index, key or constraint names it.
                let constrained = reflected().any(|d| match d {
                    Difference::ExtraIndex(ix) => ix.columns.contains(&c.name),
                    Difference::ExtraUnique(u) => u.columns.contains(&c.name),
                    Difference::ExtraForeignKey(fk) => fk.columns.contains(&c.name),
                    _ => false,
                });
                if c.autoincrement || (!dialect.alters_foreign_keys() && constrained) {
                    return Ok(None);
                }
                (
                    vec![ddl::drop_column(meta, &c.name, dialect)?],
                    vec![ddl::add_reflected_column(meta, c, dialect)?],
                )
            }
            Difference::ColumnType { declared, database }
            | Difference::Nullability { declared, database }
            | Difference::ServerDefault { declared, database }
                if dialect.alters_columns()
                    && !declared.autoincrement
                    && !database.autoincrement =>
            {
                // A type, a nullability and a default change of one column are one statement,
                // written for the first of them.
                let rank = |d: &Difference| match d {
                    Difference::ColumnType { declared: c, .. } if c.name == declared.name => {
                        Some(0)
                    }
                    Difference::Nullability { declared: c, .. } if c.name == declared.name => {
                        Some(1)
                    }
                    Difference::ServerDefault { declared: c, .. } if c.name == declared.name => {
                        Some(2)
                    }
                    _ => None,
                };
                if reflected().filter_map(rank).min() != rank(difference) {
                    return Ok(Some((Vec::new(), Vec::new())));
                }
                let Some(column) = meta.column(&declared.name) else {
                    return Ok(None);
                };
                (
                    vec![ddl::alter_column(meta, column, dialect)?],
                    vec![ddl::alter_column_back(meta, database, dialect)?],
                )
            }
            // A column added to a table that exists goes last; the order of columns changes
            // nothing a query sees, and Alembic does not compare it either.
            Difference::ColumnOrder { .. } => (Vec::new(), Vec::new()),
            Difference::MissingIndex(ix) => (
                vec![ddl::create_index(
                    meta,
                    &ix.name,
                    &ix.columns,
                    ix.unique,
                    dialect,
                )?],
                vec![ddl::drop_index(meta, &ix.name, dialect)?],
            ),
            Difference::ExtraIndex(ix) => (
                vec![ddl::drop_index(meta, &ix.name, dialect)?],
                vec![ddl::create_index(
                    meta,
                    &ix.name,
                    &ix.columns,
                    ix.unique,
                    dialect,
                )?],
            ),
            Difference::MissingUnique(u) => {
                let uq = u
                    .name
                    .clone()
                    .unwrap_or_else(|| constraint_name("uq", name, &u.columns));
                (
                    vec![ddl::create_index(meta, &uq, &u.columns, true, dialect)?],
                    vec![ddl::drop_index(meta, &uq, dialect)?],
                )
            }
            Difference::MissingForeignKey(fk) if dialect.alters_foreign_keys() => {
                let fk_name = fk
                    .name
                    .clone()
                    .unwrap_or_else(|| constraint_name("fk", name, &fk.columns));
                (
                    vec![ddl::add_foreign_key(meta, fk, &fk_name, dialect)?],
                    vec![ddl::drop_foreign_key(meta, &fk_name, dialect)?],
                )
            }
            // Another target or `ON DELETE`: the key is dropped and added again (SQL has no
            // statement that changes a foreign key).
            Difference::ChangedForeignKey { declared, database }
                if dialect.alters_foreign_keys() =>
            {
                let Some(old) = database.name.clone() else {
                    return Ok(None);
                };
                let new = declared.name.clone().unwrap_or_else(|| old.clone());
                let swap =
                    |drop: &str, add: &ForeignKeySchema, name: &str| -> Result<Vec<String>> {
                        Ok(vec![
                            ddl::drop_foreign_key(meta, drop, dialect)?,
                            ddl::add_foreign_key(meta, add, name, dialect)?,
                        ])
                    };
                (swap(&old, declared, &new)?, swap(&new, database, &old)?)
            }
            Difference::ExtraForeignKey(fk) if dialect.alters_foreign_keys() => {
                let Some(fk_name) = fk.name.clone() else {
                    return Ok(None);
                };
                (
                    vec![ddl::drop_foreign_key(meta, &fk_name, dialect)?],
                    vec![ddl::add_foreign_key(meta, fk, &fk_name, dialect)?],
                )
            }
            _ => return Ok(None),
        }))
    }

    /// Runs bind `key`'s revisions under `dir` (`dir/<bind>/`, see [`Revision::write`]) that
    /// have not run yet, oldest first, each in its own transaction, recording each in Diesel's
    /// `__diesel_schema_migrations` table, created on first use. Returns the versions run.
    ///
    /// MySQL commits each schema change by itself, so a revision that fails there half way
    /// keeps the statements before the failure: fsql runs a revision's statements one at a
    /// time on MySQL, and the error names the one that failed (`statement 3 of 5`, and its
    /// text) for you to finish by hand; the revision is not recorded as run. A revision holding
    /// a stored routine's `BEGIN .. END` body runs in one batch there, as Diesel runs it.
    pub fn upgrade(&self, key: Option<&str>, dir: impl AsRef<Path>) -> Result<Vec<String>> {
        self.upgrade_each(key, dir, |_| {})
    }

    /// [`upgrade`](Self::upgrade) up to and including the revision `target` (its version, as
    /// `2026-12-07-194512` or `20261207194512`, or its directory's name), or `"head"`.
    pub fn upgrade_to(
        &self,
        key: Option<&str>,
        dir: impl AsRef<Path>,
        target: &str,
    ) -> Result<Vec<String>> {
        let limit = self.target(key, dir.as_ref(), target)?;
        let source = Source::Dir(self.migrations(key, dir.as_ref())?);
        self.upgrade_where(
            key,
            source,
            |v| limit.as_deref().is_some_and(|l| v <= l),
            |_| {},
        )
    }

    /// Reverts revisions, newest first, until `target` is the latest that has run (`"base"`:
    /// all of them). Returns the versions reverted.
    pub fn downgrade_to(
        &self,
        key: Option<&str>,
        dir: impl AsRef<Path>,
        target: &str,
    ) -> Result<Vec<String>> {
        let limit = self.target(key, dir.as_ref(), target)?;
        let mut reverted = Vec::new();
        while let Some(current) = self.current_revision(key, dir.as_ref())? {
            if limit
                .as_deref()
                .is_some_and(|l| digits(&current).as_str() <= l)
            {
                break;
            }
            reverted.extend(self.downgrade(key, dir.as_ref(), 1)?);
        }
        Ok(reverted)
    }

    /// Records that the database is at revision `target` (or `"head"`, or `"base"`) without
    /// running anything (`flask db stamp`): for a database made by `create_all` or by hand
    /// that already has the revisions' schema. Revisions up to `target` are marked as run,
    /// later ones as not run. Returns the versions whose mark changed.
    pub fn stamp(
        &self,
        key: Option<&str>,
        dir: impl AsRef<Path>,
        target: &str,
    ) -> Result<Vec<String>> {
        let limit = self.target(key, dir.as_ref(), target)?;
        let revisions = self.history(key, dir.as_ref())?;
        self.locked(key, |conn| {
            let mut changed = Vec::new();
            for (name, ran) in revisions {
                let version = digits(&name);
                let wanted = limit.as_deref().is_some_and(|l| version.as_str() <= l);
                if wanted == ran {
                    continue;
                }
                dispatch!(&mut **conn, |c, DB| {
                    use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
                    use migrations_table::__diesel_schema_migrations as t;
                    if wanted {
                        diesel::insert_into(t::table)
                            .values(t::version.eq(&version))
                            .execute(c)
                    } else {
                        diesel::delete(t::table.filter(t::version.eq(&version))).execute(c)
                    }
                    .map_err(|e| crate::conn::error::from_diesel(e, None, Some("stamp".to_owned())))
                })?;
                changed.push(version);
            }
            Ok(changed)
        })
    }

    /// The version digits of `target` among bind `key`'s revisions, `None` for `"base"`.
    fn target(&self, key: Option<&str>, dir: &Path, target: &str) -> Result<Option<String>> {
        let revisions = self.history(key, dir)?;
        match target {
            "base" => Ok(None),
            "head" => Ok(Some(
                revisions.last().map(|(n, _)| digits(n)).unwrap_or_default(),
            )),
            _ => {
                let wanted = digits(target);
                if wanted.is_empty() || !revisions.iter().any(|(n, _)| digits(n) == wanted) {
                    return Err(Error::Schema(format!(
                        "no revision `{target}` for {} under {}; `history` lists them, and \
                         `head` and `base` name the last and none",
                        crate::write::session::bind_name(key),
                        bind_dir(dir, key).display()
                    )));
                }
                Ok(Some(wanted))
            }
        }
    }

    /// [`upgrade`](Self::upgrade), calling `starting` with each revision's name
    /// (`<version>_<slug>`) before it runs: progress for a long upgrade.
    pub fn upgrade_each(
        &self,
        key: Option<&str>,
        dir: impl AsRef<Path>,
        starting: impl FnMut(&str),
    ) -> Result<Vec<String>> {
        let source = Source::Dir(self.migrations(key, dir.as_ref())?);
        self.upgrade_where(key, source, |_| true, starting)
    }

    /// [`upgrade`](Self::upgrade) from revisions compiled into the binary with
    /// `diesel_migrations::embed_migrations!("migrations/<bind>")` (a dependency of yours:
    /// `diesel_migrations = "~2.3"`), so a deployed binary migrates without the directory.
    /// Returns the versions run.
    pub fn upgrade_embedded(
        &self,
        key: Option<&str>,
        migrations: diesel_migrations::EmbeddedMigrations,
    ) -> Result<Vec<String>> {
        self.url(key)?;
        self.upgrade_where(key, Source::Embedded(migrations), |_| true, |_| {})
    }

    fn upgrade_where(
        &self,
        key: Option<&str>,
        source: Source,
        wanted: impl Fn(&str) -> bool,
        mut starting: impl FnMut(&str),
    ) -> Result<Vec<String>> {
        self.locked(key, |conn| {
            let out = dispatch!(&mut **conn, |c, DB| {
                (|| {
                    let pending = MigrationHarness::<DB>::pending_migrations(c, source)?;
                    let mut done = Vec::with_capacity(pending.len());
                    for migration in &pending {
                        if !wanted(&digits(&migration.name().to_string())) {
                            break;
                        }
                        starting(&migration.name().to_string());
                        done.push(
                            MigrationHarness::<DB>::run_migration(c, migration.as_ref())?
                                .to_string(),
                        );
                    }
                    Ok(done)
                })()
                .map_err(|e| migration_error("upgrade", key, e))
            });
            recover_after(conn, &out);
            out
        })
    }

    /// The revisions under `dir` for bind `key`, oldest first, each with whether it has run
    /// (`flask db history`).
    pub fn history(&self, key: Option<&str>, dir: impl AsRef<Path>) -> Result<Vec<(String, bool)>> {
        let source = self.migrations(key, dir.as_ref())?;
        let mut conn = self.connection_to(key)?;
        dispatch!(&mut *conn, |c, DB| {
            (|| {
                let applied = MigrationHarness::<DB>::applied_migrations(c)?;
                let mut all: Vec<(String, bool)> =
                    diesel::migration::MigrationSource::<DB>::migrations(&source)?
                        .iter()
                        .map(|m| {
                            let ran = applied.contains(&m.name().version());
                            (m.name().to_string(), ran)
                        })
                        .collect();
                all.sort();
                Ok(all)
            })()
            .map_err(|e| migration_error("read the history of", key, e))
        })
    }

    /// Runs `f` on a connection of bind `key` holding the migration lock: the server's own
    /// (PostgreSQL's advisory lock, MySQL's `GET_LOCK`), or for an SQLite file an exclusive
    /// lock on `<file>.fsql-migrate.lock` beside it. Two processes upgrading at once take
    /// turns, and the second finds the revisions already run.
    fn locked<R>(
        &self,
        key: Option<&str>,
        f: impl FnOnce(&mut crate::conn::pool::PooledConnection) -> Result<R>,
    ) -> Result<R> {
        let lock_error =
            |e| crate::conn::error::from_diesel(e, None, Some("the migration lock".to_owned()));
        let _file = match self.url(key)?.sqlite_target().and_then(|t| t.file_path()) {
            Some(path) => {
                let lock = format!("{path}.fsql-migrate.lock");
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&lock)
                    .map_err(|e| Error::Schema(format!("cannot open {lock}: {e}")))?;
                file.lock()
                    .map_err(|e| Error::Schema(format!("cannot lock {lock}: {e}")))?;
                Some(file)
            }
            None => None,
        };
        let mut conn = self.connection_to(key)?;
        dispatch!(&mut *conn, |c, DB| {
            <DB as crate::conn::backend::FsqlBackend>::migration_lock(c)
        })
        .map_err(lock_error)?;
        let out = f(&mut conn);
        let unlocked = dispatch!(&mut *conn, |c, DB| {
            <DB as crate::conn::backend::FsqlBackend>::migration_unlock(c)
        });
        let out = out?;
        unlocked.map_err(lock_error)?;
        Ok(out)
    }

    /// Reverts bind `key`'s last `steps` revisions that ran, newest first, with their
    /// `down.sql`. Returns the versions reverted; fewer than `steps` when fewer had run.
    pub fn downgrade(
        &self,
        key: Option<&str>,
        dir: impl AsRef<Path>,
        steps: usize,
    ) -> Result<Vec<String>> {
        let mut reverted = Vec::new();
        for _ in 0..steps {
            if self.current_revision(key, dir.as_ref())?.is_none() {
                break;
            }
            let source = Source::Dir(self.migrations(key, dir.as_ref())?);
            let version = self.locked(key, |conn| {
                let version = dispatch!(&mut **conn, |c, DB| {
                    MigrationHarness::<DB>::revert_last_migration(c, source)
                        .map(|v| v.to_string())
                        .map_err(|e| migration_error("downgrade", key, e))
                });
                recover_after(conn, &version);
                version
            })?;
            reverted.push(version);
        }
        Ok(reverted)
    }

    /// The latest of bind `key`'s revisions under `dir` that has run (`flask db current`),
    /// `None` before the first.
    pub fn current_revision(
        &self,
        key: Option<&str>,
        dir: impl AsRef<Path>,
    ) -> Result<Option<String>> {
        // The harness creates its table on first use; reading it needs the migrations' source
        // only to tell a missing directory apart.
        let _ = self.migrations(key, dir.as_ref())?;
        let mut conn = self.connection_to(key)?;
        let applied: Vec<String> = dispatch!(&mut *conn, |c, DB| {
            MigrationHarness::<DB>::applied_migrations(c)
                .map(|v| v.iter().map(ToString::to_string).collect())
                .map_err(|e| migration_error("read the revisions of", key, e))
        })?;
        Ok(applied.into_iter().max())
    }

    fn migrations(&self, key: Option<&str>, dir: &Path) -> Result<FileBasedMigrations> {
        self.url(key)?;
        let path = bind_dir(dir, key);
        FileBasedMigrations::from_path(&path).map_err(|e| {
            Error::Schema(format!(
                "no revisions for {} at {}: {e}; write one with \
                 db.autogenerate(..)?.write(dir, \"message\")",
                crate::write::session::bind_name(key),
                path.display()
            ))
        })
    }
}

/// A revision that rebuilds tables runs outside the harness's transaction: when it failed
/// half way, its transaction is rolled back and foreign keys are turned on again before the
/// connection goes back to the pool.
fn recover_after<T>(conn: &mut crate::conn::pool::PooledConnection, outcome: &Result<T>) {
    use diesel::connection::SimpleConnection;
    if outcome.is_ok() {
        return;
    }
    // Each on its own: ROLLBACK fails ("no transaction is active") when the failure came
    // before the revision's BEGIN, and the keys must come back on anyway.
    for statement in ddl::rebuild_recovery(Dialect::of(conn.backend())) {
        let _ = conn.batch_execute(statement);
    }
}

fn migration_error(
    what: &str,
    key: Option<&str>,
    e: Box<dyn std::error::Error + Send + Sync>,
) -> Error {
    Error::Schema(format!(
        "cannot {what} {}: {}",
        crate::write::session::bind_name(key),
        crate::conn::url::mask_text(&e.to_string())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_diesel_cli_timestamps() {
        assert_eq!(version_at(0), "1970-01-01-000000");
        assert_eq!(version_at(951_782_400), "2000-02-29-000000");
        assert_eq!(version_at(1_796_672_712), "2026-12-07-194512");
        assert_eq!(version_at(4_102_444_799), "2099-12-31-235959");
    }

    #[test]
    fn messages_become_directory_names() {
        assert_eq!(slug("Add users' e-mail!"), "add_users_e_mail");
        assert_eq!(slug("  "), "revision");
        assert_eq!(slug("../../etc"), "etc");
        assert_eq!(slug("Ünïcode name"), "n_code_name");
    }
}
