//! [`Database`]: Flask-SQLAlchemy's `db` object — URLs, binds, pools, `create_all`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use diesel::connection::SimpleConnection;

use crate::config::DatabaseBuilder;
use crate::conn::backend::AnyConnection;
use crate::conn::executor::Executor;
use crate::conn::pool::{Pool, PoolStatus, PooledConnection};
use crate::conn::replica::ReplicaSet;
use crate::conn::url::DatabaseUrl;
use crate::sql::ddl::{self, Dialect};
use fsql_core::naming_convention::NamingConvention;
use fsql_core::{Error, MetaData, Registry, Result, TableMeta};

/// The databases of an application and the models that live in them.
///
/// Cheap to clone (an `Arc`); share one per application.
///
/// ```
/// use fsql_diesel::Database;
/// let db = Database::builder().url("sqlite://").build()?;
/// db.create_all()?;
/// # Ok::<(), fsql_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Database {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    binds: BTreeMap<Option<String>, Bind>,
    registry: Registry,
    naming: NamingConvention,
    recorder: Option<Arc<crate::conn::instrument::Recorder>>,
    /// Commit hooks; `Some` exactly when modifications are tracked.
    pub(crate) tracking: Option<Arc<crate::write::tracking::Hooks>>,
}

pub(crate) struct Bind {
    pub(crate) url: DatabaseUrl,
    /// The primary's connections.
    pub(crate) pool: Pool,
    /// SQLite files: writers of this process queue here (see `write_gate`).
    pub(crate) gate: Option<Arc<crate::conn::write_gate::WriteGate>>,
    /// Read replicas, when the bind has any.
    pub(crate) replicas: Option<ReplicaSet>,
}

impl Bind {
    fn get(&self) -> Result<PooledConnection> {
        self.pool.get()
    }

    /// A connection for a read: a replica's when one should serve it, else the primary's.
    fn get_for_read(&self) -> Result<PooledConnection> {
        match self.replicas.as_ref().and_then(ReplicaSet::read_connection) {
            Some(conn) => Ok(conn),
            None => self.pool.get(),
        }
    }
}

impl DatabaseBuilder {
    /// Runs `hook` on every new connection of every bind, before the connection is first used:
    /// SQLAlchemy's `connect` event, for session settings such as `PRAGMA journal_mode = WAL`,
    /// `SET search_path` or MySQL session variables. Hooks run in the order they were added
    /// (those of [`on_connect_bind`](Self::on_connect_bind) included); their statements are
    /// neither echoed nor recorded. A hook's error fails the checkout that opened the
    /// connection (and `build()`, which opens the first one) with
    /// [`Error::Connection`] naming the bind and quoting the error; the connection is closed.
    ///
    /// The hook gets the connection as an [`AnyConnection`]: run SQL with Diesel's
    /// `SimpleConnection::batch_execute`, or match on it for backend-specific settings.
    ///
    /// ```
    /// use diesel::connection::SimpleConnection;
    /// use fsql_diesel::{AnyConnection, Database};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let db = Database::builder()
    ///     .url(format!("sqlite:///{}", dir.path().join("app.db").display()))
    ///     .on_connect(|conn: &mut AnyConnection| conn.batch_execute("PRAGMA journal_mode = WAL"))
    ///     .build()?;
    /// # let mut conn = db.connection()?;
    /// # use diesel::{RunQueryDsl, sql_query, sql_types::Text, QueryableByName};
    /// # #[derive(QueryableByName)] struct Mode { #[diesel(sql_type = Text)] journal_mode: String }
    /// # let mode: Mode = sql_query("PRAGMA journal_mode").get_result(&mut *conn).unwrap();
    /// # assert_eq!(mode.journal_mode, "wal");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn on_connect<F, E>(mut self, hook: F) -> Self
    where
        F: Fn(&mut AnyConnection) -> std::result::Result<(), E> + Send + Sync + 'static,
        E: Into<fsql_core::error::BoxError>,
    {
        self.on_connect.add(None, boxed_hook(hook));
        self
    }

    /// [`on_connect`](Self::on_connect) for the connections of one bind only (`None` = the
    /// default database). `build()` fails when that bind is not configured.
    ///
    /// ```no_run
    /// use diesel::connection::SimpleConnection;
    /// use fsql_diesel::{AnyConnection, Database};
    ///
    /// let db = Database::builder()
    ///     .url("sqlite:///app.db")
    ///     .bind("reports", "postgresql://app@db.internal/reports")
    ///     .on_connect_bind(Some("reports"), |conn: &mut AnyConnection| {
    ///         conn.batch_execute("SET search_path TO reporting, public; SET statement_timeout = '5s'")
    ///     })
    ///     .build()?;
    /// # Ok::<(), fsql_core::Error>(())
    /// ```
    pub fn on_connect_bind<F, E>(mut self, key: Option<&str>, hook: F) -> Self
    where
        F: Fn(&mut AnyConnection) -> std::result::Result<(), E> + Send + Sync + 'static,
        E: Into<fsql_core::error::BoxError>,
    {
        self.on_connect
            .add(Some(key.map(str::to_owned)), boxed_hook(hook));
        self
    }
}

fn boxed_hook<F, E>(hook: F) -> crate::conn::pool::ConnectHook
where
    F: Fn(&mut AnyConnection) -> std::result::Result<(), E> + Send + Sync + 'static,
    E: Into<fsql_core::error::BoxError>,
{
    Arc::new(move |conn: &mut AnyConnection| hook(conn).map_err(Into::into))
}

/// Which binds `create_all`, `drop_all` and `reflect` act on: Flask-SQLAlchemy's `bind_key`
/// argument (`"__all__"`, `None`, a key, a list). Converts from `None`, `"key"`,
/// `Some("key")` and arrays or vectors of `Option<&str>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binds {
    /// Every bind that has models (`"__all__"`).
    All,
    /// These binds; `None` is the default database.
    Only(Vec<Option<String>>),
}

impl From<Option<&str>> for Binds {
    fn from(key: Option<&str>) -> Self {
        Self::Only(vec![key.map(str::to_owned)])
    }
}

impl From<&str> for Binds {
    fn from(key: &str) -> Self {
        Self::from(Some(key))
    }
}

impl<const N: usize> From<[Option<&str>; N]> for Binds {
    fn from(keys: [Option<&str>; N]) -> Self {
        Self::Only(keys.iter().map(|k| k.map(str::to_owned)).collect())
    }
}

impl From<Vec<Option<&str>>> for Binds {
    fn from(keys: Vec<Option<&str>>) -> Self {
        Self::Only(keys.into_iter().map(|k| k.map(str::to_owned)).collect())
    }
}

/// What `create_all` / `drop_all` will run on one bind.
struct BindPlan<'db> {
    bind: &'db Bind,
    statements: Vec<(&'static str, String)>,
}

#[derive(Clone, Copy)]
enum Ddl {
    Create,
    Drop,
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let binds: BTreeMap<_, _> = self
            .inner
            .binds
            .iter()
            .map(|(k, b)| (k.as_deref().unwrap_or("<default>"), b.url.masked()))
            .collect();
        f.debug_struct("Database")
            .field("binds", &binds)
            .field("models", &self.inner.registry.tables().len())
            .finish()
    }
}

/// Bookkeeping of migration tools, never a model's: left out of diffs and generated models.
const NOT_MODELS: [&str; 1] = ["__diesel_schema_migrations"];

impl Database {
    /// Starts configuring a database.
    pub fn builder() -> DatabaseBuilder {
        DatabaseBuilder::default()
    }

    /// A database configured from `FSQL_DATABASE_URL`, `FSQL_BINDS` and `FSQL_BIND_<KEY>`
    /// (see [`DatabaseBuilder::from_env`]).
    pub fn from_env() -> Result<Self> {
        DatabaseBuilder::from_env()?.build()
    }

    pub(crate) fn from_parts(
        binds: BTreeMap<Option<String>, Bind>,
        registry: Registry,
        naming: NamingConvention,
        recorder: Option<Arc<crate::conn::instrument::Recorder>>,
        tracking: Option<Arc<crate::write::tracking::Hooks>>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                binds,
                registry,
                naming,
                recorder,
                tracking,
            }),
        }
    }

    /// Every statement run since the database was built (or since
    /// [`clear_recorded_queries`](Self::clear_recorded_queries)), in order, when it was built
    /// with [`record_queries(true)`](DatabaseBuilder::record_queries); empty otherwise.
    /// Flask-SQLAlchemy's `get_recorded_queries()`.
    pub fn recorded_queries(&self) -> Vec<fsql_core::query_log::RecordedQuery> {
        self.inner
            .recorder
            .as_ref()
            .map(|r| r.all())
            .unwrap_or_default()
    }

    /// Forgets the recorded statements.
    pub fn clear_recorded_queries(&self) {
        if let Some(r) = &self.inner.recorder {
            r.clear();
        }
    }

    /// Runs `f` and returns its result with the statements it ran on this thread, for tests:
    ///
    /// ```
    /// # use fsql_diesel::Database;
    /// let db = Database::builder().url("sqlite://").record_queries(true).build()?;
    /// let ((), statements) = db.record(|| db.create_all().unwrap());
    /// assert!(statements.is_empty(), "no models, no DDL");
    /// # Ok::<(), fsql_core::Error>(())
    /// ```
    ///
    /// Needs [`record_queries(true)`](DatabaseBuilder::record_queries): without it no statement
    /// is observed and the list is empty.
    pub fn record<R>(
        &self,
        f: impl FnOnce() -> R,
    ) -> (R, Vec<fsql_core::query_log::RecordedQuery>) {
        crate::conn::instrument::scoped(f)
    }

    /// Runs a test's database work inside a transaction on every bind that is rolled back at
    /// the end, so tests can share one database without cleaning up (Flask-SQLAlchemy users
    /// build this by hand: pallets-eco/flask-sqlalchemy#243, #1171).
    ///
    /// `f` gets a `Database` whose every bind hands out one pinned connection, inside a test
    /// transaction (Diesel's `begin_test_transaction`): everything run through it — queries,
    /// `insert`, sessions (their transactions become savepoints), `connection()` — happens in
    /// that transaction and is rolled back when `f` returns or panics. Create the tables
    /// before (MySQL commits DDL implicitly). Each bind has a single connection inside: hold
    /// one checked-out connection (or an open session) at a time, or read through the session.
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct User {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub name: String,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let url = format!("sqlite:///{}", dir.path().join("app.db").display());
    /// # let db = Database::builder().url(url).build()?;
    /// # db.create_all()?;
    /// db.test_transaction(|db| {
    ///     User { id: 0, name: "ann".into() }.insert(db).unwrap();
    ///     assert_eq!(User::query().count(db).unwrap(), 1);
    /// })?;
    /// assert_eq!(User::query().count(&db)?, 0); // rolled back
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Errors when a connection cannot be checked out or the rollback fails; the result of
    /// `f` otherwise.
    pub fn test_transaction<R>(&self, f: impl FnOnce(&Database) -> R) -> Result<R> {
        struct Unpin<'a> {
            origin: &'a Database,
            pinned: Option<Database>,
        }
        impl Unpin<'_> {
            fn finish(&mut self) -> Result<()> {
                let Some(pinned) = self.pinned.take() else {
                    return Ok(());
                };
                let mut first_error = None;
                for (key, bind) in &pinned.inner.binds {
                    if let Some(origin) = self.origin.inner.binds.get(key) {
                        if let Err(e) = origin.pool.unpin(&bind.pool) {
                            first_error.get_or_insert(e);
                        }
                    }
                }
                first_error.map_or(Ok(()), Err)
            }
        }
        impl Drop for Unpin<'_> {
            fn drop(&mut self) {
                // On panic: roll back anyway.
                let _ = self.finish();
            }
        }

        let mut guard = Unpin {
            origin: self,
            pinned: None,
        };
        let mut binds = BTreeMap::new();
        for (key, bind) in &self.inner.binds {
            let pool = match bind.pool.pinned() {
                Ok(pool) => pool,
                Err(e) => {
                    guard.pinned = Some(Database::from_parts(
                        binds,
                        Registry::default(),
                        NamingConvention::default(),
                        None,
                        None,
                    ));
                    return Err(e);
                }
            };
            binds.insert(
                key.clone(),
                // One pinned connection: nothing to queue.
                // Replicas cannot see the test's transaction: everything goes to the pin.
                Bind {
                    url: bind.url.clone(),
                    pool,
                    gate: None,
                    replicas: None,
                },
            );
        }
        let db = Database::from_parts(
            binds,
            self.inner.registry.clone(),
            self.inner.naming.clone(),
            self.inner.recorder.clone(),
            self.inner.tracking.clone(),
        );
        guard.pinned = Some(db.clone());
        let out = f(&db);
        drop(db);
        guard.finish()?;
        Ok(out)
    }

    /// A connection to the default database, checked out of its pool.
    pub fn connection(&self) -> Result<PooledConnection> {
        self.bind_connection(None, None)
    }

    /// A connection to the database of the bind `key` (`None` = the default database).
    pub fn connection_to(&self, key: Option<&str>) -> Result<PooledConnection> {
        self.bind_connection(key, None)
    }

    /// A connection to the database `table`'s model lives in.
    pub fn connection_for(&self, table: &'static TableMeta) -> Result<PooledConnection> {
        self.bind_connection(table.bind, Some(table.model))
    }

    fn bind_connection(
        &self,
        key: Option<&str>,
        model: Option<&'static str>,
    ) -> Result<PooledConnection> {
        self.bind(key, model)?.get()
    }

    fn bind(&self, key: Option<&str>, model: Option<&'static str>) -> Result<&Bind> {
        // `Option<&str>` → `Option<String>` lookup without allocating.
        let found = match key {
            // `None` sorts first: the default bind, when there is one, is the first entry.
            None => self
                .inner
                .binds
                .first_key_value()
                .filter(|(k, _)| k.is_none())
                .map(|(_, b)| b),
            Some(k) => self
                .inner
                .binds
                .iter()
                .find(|(bk, _)| bk.as_deref() == Some(k))
                .map(|(_, b)| b),
        };
        found.ok_or_else(|| Error::UnknownBind {
            model: model.unwrap_or(fsql_core::error::NO_MODEL),
            key: key.unwrap_or("<default>").to_owned(),
            available: self.inner.binds.keys().cloned().collect(),
        })
    }

    /// A connection of `table`'s bind for a writer, with the writer's turn (SQLite files;
    /// `None` elsewhere) taken first, so a writer never holds a connection while it queues.
    /// Keep the turn until the writes are done.
    pub(crate) fn write_connection(
        &self,
        table: &'static TableMeta,
    ) -> Result<(Option<crate::conn::write_gate::WriteTurn>, PooledConnection)> {
        let bind = self.bind(table.bind, Some(table.model))?;
        let turn = bind.gate.as_ref().and_then(|g| g.enter());
        Ok((turn, bind.get()?))
    }

    /// This thread wrote to bind `key` through its primary: with replicas, its reads of that
    /// bind stay on the primary for `ReplicaOptions::read_your_writes`.
    pub(crate) fn wrote_to(&self, key: Option<&str>) {
        if let Ok(Bind {
            replicas: Some(replicas),
            ..
        }) = self.bind(key, None)
        {
            replicas.note_write();
        }
    }

    /// Runs `f` with every read of this thread going to the primaries, whatever replicas the
    /// binds have: for a read that must see the latest committed data (a balance before a
    /// transfer, a row another process has just written). Writes, sessions and DDL go to the
    /// primary anyway. Nests; applies to this thread only (work `f` hands to other threads
    /// is routed as usual).
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct User {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub name: String,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// let db = Database::builder()
    ///     .url("sqlite://")
    ///     // .replica(None, "postgresql://app@replica.internal/app")
    ///     .build()?;
    /// # db.create_all()?;
    /// let fresh = db.primary(|db| User::query().count(db))?;
    /// # assert_eq!(fresh, 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn primary<R>(&self, f: impl FnOnce(&Database) -> R) -> R {
        crate::conn::replica::on_primary(|| f(self))
    }

    /// The URLs of a bind's read replicas, in the order they were configured (empty when it
    /// has none; passwords masked when displayed).
    pub fn replica_urls(&self, key: Option<&str>) -> Result<Vec<&DatabaseUrl>> {
        Ok(self
            .bind(key, None)?
            .replicas
            .as_ref()
            .map(|r| r.pools().map(Pool::url).collect())
            .unwrap_or_default())
    }

    /// Open and idle connections of a bind's pool.
    pub fn pool_status(&self, key: Option<&str>) -> Result<PoolStatus> {
        Ok(self.bind(key, None)?.pool.status())
    }

    /// The pool settings in force for a bind (backend defaults applied).
    pub fn pool_options(&self, key: Option<&str>) -> Result<crate::conn::pool::PoolOptions> {
        Ok(self.bind(key, None)?.pool.options().clone())
    }

    /// The URL of a bind (password masked when displayed).
    pub fn url(&self, key: Option<&str>) -> Result<&DatabaseUrl> {
        Ok(&self.bind(key, None)?.url)
    }

    /// The constraint naming convention DDL is rendered with.
    pub(crate) fn naming(&self) -> &NamingConvention {
        &self.inner.naming
    }

    /// The models this database serves.
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// The metadata of every configured bind and of every bind that has models, by key
    /// (Flask-SQLAlchemy's `db.metadatas`).
    pub fn metadatas(&self) -> Result<BTreeMap<Option<String>, MetaData>> {
        let mut keys: Vec<Option<&str>> = self.inner.binds.keys().map(Option::as_deref).collect();
        keys.extend(self.inner.registry.bind_keys());
        keys.sort_unstable();
        keys.dedup();
        keys.into_iter()
            .map(|k| Ok((k.map(str::to_owned), self.metadata(k)?)))
            .collect()
    }

    /// The tables of one bind in dependency order (Flask-SQLAlchemy's `db.metadatas[key]`).
    pub fn metadata(&self, key: Option<&str>) -> Result<MetaData> {
        self.inner.registry.metadata(key)
    }

    /// Checks every model up front: each model's bind is configured, foreign keys point at
    /// existing tables of the same bind, no cycles, and each table's DDL can be rendered.
    pub fn check(&self) -> Result<()> {
        self.plan(Ddl::Create, &Binds::All).map(drop)
    }

    /// The DDL `create_all` would run on a bind, in order (for review or migrations).
    pub fn create_all_sql(&self, key: Option<&str>) -> Result<Vec<String>> {
        let plan = self.plan(Ddl::Create, &Binds::from(key))?;
        Ok(plan
            .into_iter()
            .flat_map(|p| p.statements)
            .map(|(_, sql)| sql)
            .collect())
    }

    /// Reads the tables that exist in every configured database (Flask-SQLAlchemy's
    /// `db.reflect()`): columns, types, nullability, keys, foreign keys, unique constraints and
    /// indexes, by bind key.
    pub fn reflect(&self) -> Result<BTreeMap<Option<String>, Vec<fsql_core::schema::TableSchema>>> {
        let keys: Vec<Option<String>> = self.inner.binds.keys().cloned().collect();
        self.reflect_in(Binds::Only(keys))
    }

    /// The tables bind `key`'s database holds, queryable without a model: Flask-SQLAlchemy's
    /// `db.reflect()` followed by `db.metadatas[key].tables`. Each
    /// [`ReflectedTable`](crate::reflect::ReflectedTable) selects, counts, inserts, updates
    /// and deletes rows of [`Value`](fsql_core::value::Value)s, with columns named by string
    /// and checked against the reflected ones. An unknown bind is an error naming the
    /// configured ones.
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// #[derive(Model, Debug, Clone)]
    /// pub struct Visit {
    ///     #[fsql(primary_key)]
    ///     pub id: i32,
    ///     pub page: String,
    /// }
    /// # fn main() -> fsql::Result<()> {
    /// let db = Database::builder().url("sqlite://").build()?;
    /// db.create_all()?;
    /// Visit { id: 1, page: "/".into() }.insert(&db)?;
    ///
    /// let meta = db.reflect_metadata(None)?;
    /// let visits = meta.table("visit")?;
    /// let row = visits.select().filter_by("id", 1).first(&db)?.unwrap();
    /// assert_eq!(row.get_as::<String>("page")?, "/");
    /// # Ok(())
    /// # }
    /// ```
    pub fn reflect_metadata(&self, key: Option<&str>) -> Result<crate::reflect::ReflectedMetaData> {
        let mut conn = self.connection_to(key)?;
        let tables = crate::reflect::reflect_tables(&mut conn)?;
        Ok(crate::reflect::ReflectedMetaData::new(
            key.map(str::to_owned),
            tables,
        ))
    }

    /// [`reflect`](Self::reflect) for some binds (`Binds::All` = the binds that have models).
    pub fn reflect_in(
        &self,
        binds: impl Into<Binds>,
    ) -> Result<BTreeMap<Option<String>, Vec<fsql_core::schema::TableSchema>>> {
        let binds = binds.into();
        let mut out = BTreeMap::new();
        for key in self.bind_keys(&binds)? {
            let mut conn = self.connection_to(key)?;
            out.insert(
                key.map(str::to_owned),
                crate::reflect::reflect_tables(&mut conn)?,
            );
        }
        Ok(out)
    }

    /// How each bind's database differs from its models, as values (Alembic's
    /// `compare_metadata`; what `flask db check` reports, and what a migration's autogenerate
    /// starts from): tables, columns, types, nullability, keys, foreign keys, unique
    /// constraints and indexes, forgiving what is only a backend's way of storing fsql's DDL
    /// ([`fsql_core::schema`] lists it). Empty when every bind matches its models. Tables
    /// the database has and no model declares are reported too, except Diesel's migration
    /// table `__diesel_schema_migrations`.
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # use fsql::schema::{Difference, SchemaDifference};
    /// #[derive(Model, Debug, Clone)]
    /// pub struct Note {
    ///     #[fsql(primary_key)]
    ///     pub id: i32,
    ///     pub body: String,
    /// }
    /// # fn main() -> fsql::Result<()> {
    /// let db = Database::builder().url("sqlite://").build()?;
    /// db.create_all()?;
    /// assert!(db.schema_diff(fsql::Binds::All)?.is_empty());
    ///
    /// use diesel::connection::SimpleConnection;
    /// db.connection()?.batch_execute("ALTER TABLE note ADD COLUMN draft BOOLEAN")?;
    /// let diff = db.schema_diff(fsql::Binds::All)?;
    /// assert!(matches!(
    ///     &diff[..],
    ///     [(None, SchemaDifference::Table { difference: Difference::ExtraColumn(c), .. })] if c.name == "draft"
    /// ));
    /// assert_eq!(diff[0].1.to_string(), "table `note`: column `draft` (BOOLEAN): in the database but not declared");
    /// # Ok(())
    /// # }
    /// ```
    pub fn schema_diff(
        &self,
        binds: impl Into<Binds>,
    ) -> Result<Vec<(Option<String>, fsql_core::schema::SchemaDifference)>> {
        let binds = binds.into();
        let mut out = Vec::new();
        for key in self.bind_keys(&binds)? {
            let (differences, _) = self.bind_diff(key)?;
            out.extend(differences.into_iter().map(|d| (key.map(str::to_owned), d)));
        }
        Ok(out)
    }

    /// [`schema_diff`](Self::schema_diff) of one bind, with the tables its database holds
    /// (what the differences were found against, for whoever acts on them).
    pub(crate) fn bind_diff(
        &self,
        key: Option<&str>,
    ) -> Result<(
        Vec<fsql_core::schema::SchemaDifference>,
        Vec<fsql_core::schema::TableSchema>,
    )> {
        use fsql_core::schema::{diff_schemas, TableSchema};
        let declared: Vec<TableSchema> = self
            .metadata(key)?
            .sorted_tables()
            .iter()
            .map(|t| TableSchema::from_meta(t, &self.inner.naming))
            .collect();
        let mut conn = self.connection_to(key)?;
        let mut reflected = crate::reflect::reflect_tables(&mut conn)?;
        reflected.retain(|t| !NOT_MODELS.contains(&t.name.as_str()));
        Ok((diff_schemas(&declared, &reflected), reflected))
    }

    /// Rust source of models for the tables of bind `key`'s database (`db codegen`; what
    /// sqlacodegen and `diesel print-schema` do): `#[derive(fsql::Model)]` structs with keys,
    /// types, server defaults, indexes, unique constraints and `references` foreign keys;
    /// association tables as `fsql::table!`. What fsql cannot declare is a `// fsql codegen:`
    /// comment ([`fsql_core::codegen`] lists it). The models match the database (`check` is
    /// clean) and `create_all` from them makes the same schema.
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # fn main() -> fsql::Result<()> {
    /// let db = Database::builder().url("sqlite://").build()?;
    /// use diesel::connection::SimpleConnection;
    /// db.connection()?.batch_execute(
    ///     "CREATE TABLE author (id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL UNIQUE);
    ///      CREATE TABLE book (id INTEGER PRIMARY KEY,
    ///        author_id INTEGER NOT NULL REFERENCES author (id) ON DELETE CASCADE,
    ///        status VARCHAR(10) NOT NULL DEFAULT 'draft');",
    /// )?;
    /// let source = db.codegen(None)?;
    /// assert!(source.contains("pub struct Author {"));
    /// assert!(source.contains("#[fsql(length = 80, unique)]\n    pub name: String,"));
    /// assert!(source.contains("#[fsql(references = Author, on_delete = \"cascade\")]"));
    /// assert!(source.contains("#[fsql(length = 10, default = \"'draft'\")]"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn codegen(&self, key: Option<&str>) -> Result<String> {
        let mut conn = self.connection_to(key)?;
        let mut tables = crate::reflect::reflect_tables(&mut conn)?;
        tables.retain(|t| !NOT_MODELS.contains(&t.name.as_str()));
        Ok(fsql_core::codegen::models_source(
            &tables,
            key,
            &self.inner.naming,
        ))
    }

    /// Creates every table of every bind, parents before children, each bind in one
    /// transaction where the backend has transactional DDL (SQLite, PostgreSQL; MySQL commits
    /// each statement). Tables that exist are left alone, so running it twice is fine. Nothing
    /// is created unless every bind that has models is configured and every table renders.
    #[track_caller]
    pub fn create_all(&self) -> Result<()> {
        self.create_all_in(Binds::All)
    }

    /// [`create_all`](Self::create_all) for some binds: Flask-SQLAlchemy's
    /// `create_all(bind_key=...)`.
    ///
    /// ```
    /// # use fsql_diesel::{Database, database::Binds};
    /// # let db = Database::builder().url("sqlite://").bind("auth", "sqlite://").build()?;
    /// db.create_all_in(None)?;                        // the default database only
    /// db.create_all_in("auth")?;                      // one bind
    /// db.create_all_in([None, Some("auth")])?;        // a list
    /// db.create_all_in(Binds::All)?;                  // every bind ("__all__")
    /// # Ok::<(), fsql_core::Error>(())
    /// ```
    #[track_caller]
    pub fn create_all_in(&self, binds: impl Into<Binds>) -> Result<()> {
        let plan = self.plan(Ddl::Create, &binds.into())?;
        crate::conn::instrument::with_location(std::panic::Location::caller(), || {
            Self::execute(plan)
        })
    }

    /// Drops every table of every bind, children before parents.
    #[track_caller]
    pub fn drop_all(&self) -> Result<()> {
        self.drop_all_in(Binds::All)
    }

    /// [`drop_all`](Self::drop_all) for some binds.
    #[track_caller]
    pub fn drop_all_in(&self, binds: impl Into<Binds>) -> Result<()> {
        let plan = self.plan(Ddl::Drop, &binds.into())?;
        crate::conn::instrument::with_location(std::panic::Location::caller(), || {
            Self::execute(plan)
        })
    }

    /// The bind keys a selection names: every bind with models for `All`; the named ones
    /// otherwise, each of which must be configured.
    fn bind_keys<'b>(&self, binds: &'b Binds) -> Result<Vec<Option<&'b str>>>
    where
        Self: 'b,
    {
        match binds {
            Binds::All => Ok(self.inner.registry.bind_keys().into_iter().collect()),
            Binds::Only(keys) => {
                let keys: Vec<Option<&str>> = keys.iter().map(Option::as_deref).collect();
                for key in &keys {
                    self.bind(*key, None)?;
                }
                Ok(keys)
            }
        }
    }

    /// Checks and renders everything before anything runs, so a mistake in one bind does not
    /// leave another half done.
    fn plan(&self, ddl: Ddl, binds: &Binds) -> Result<Vec<BindPlan<'_>>> {
        let keys = self.bind_keys(binds)?;
        let mut plan = Vec::with_capacity(keys.len());
        for key in keys {
            let metadata = self.metadata(key)?;
            let tables = metadata.sorted_tables();
            let bind = self.bind(key, tables.first().map(|t| t.model))?;
            let dialect = Dialect::of(bind.url.backend());
            let mut statements = Vec::new();
            let enum_types = ddl::native_enum_types(tables.iter().copied(), dialect);
            match ddl {
                Ddl::Create => {
                    for (e, model) in &enum_types {
                        for sql in ddl::create_enum_type(e)? {
                            statements.push((*model, sql));
                        }
                    }
                    for t in tables {
                        for sql in ddl::create_table(t, dialect, &self.inner.naming)? {
                            statements.push((t.model, sql));
                        }
                    }
                }
                Ddl::Drop => {
                    for t in tables.iter().rev() {
                        statements.push((t.model, ddl::drop_table(t, dialect)?));
                    }
                    for (e, model) in &enum_types {
                        for sql in ddl::drop_enum_type(e) {
                            statements.push((*model, sql));
                        }
                    }
                }
            }
            plan.push(BindPlan { bind, statements });
        }
        Ok(plan)
    }

    fn execute(plan: Vec<BindPlan<'_>>) -> Result<()> {
        for p in plan {
            Self::run_ddl(p.bind, &p.statements)?;
        }
        Ok(())
    }

    fn run_ddl(bind: &Bind, statements: &[(&'static str, String)]) -> Result<()> {
        let mut conn = bind.get()?;
        let run = |c: &mut AnyConnection| -> Result<()> {
            for (model, sql) in statements {
                c.batch_execute(sql).map_err(|e| {
                    crate::conn::error::from_diesel(e, Some(model), Some(sql.clone()))
                })?;
            }
            Ok(())
        };
        if Dialect::of(bind.url.backend()).transactional_ddl() {
            // A failure leaves no half-created schema.
            crate::conn::backend::in_transaction(&mut *conn, run)
        } else {
            // MySQL commits every DDL statement by itself; a transaction would only pretend.
            run(&mut conn)
        }
    }
}

/// A reflected table's reads go to the bind's replicas as a model's do; its writes take the
/// SQLite writers' turn and keep this thread's reads on the primary afterwards.
impl crate::reflect::TableExecutor for &Database {
    fn run_on_bind<R>(
        self,
        key: Option<&str>,
        write: bool,
        f: impl FnOnce(&mut AnyConnection) -> Result<R>,
    ) -> Result<R> {
        let bind = self.bind(key, None)?;
        if !write {
            let mut conn = bind.get_for_read()?;
            return f(&mut conn);
        }
        let turn = bind.gate.as_ref().and_then(|g| g.enter());
        let mut conn = bind.get()?;
        let out = f(&mut conn);
        drop((conn, turn));
        self.wrote_to(key);
        out
    }
}

/// Reads go to a replica when the bind has a healthy one (see [`crate::replica`]), writes to
/// the primary.
impl Executor for &Database {
    fn run<R>(
        self,
        table: &'static TableMeta,
        f: impl FnOnce(&mut AnyConnection) -> Result<R>,
    ) -> Result<R> {
        let mut conn = self.bind(table.bind, Some(table.model))?.get_for_read()?;
        f(&mut conn)
    }

    fn run_write<R>(
        self,
        table: &'static TableMeta,
        f: impl FnOnce(&mut AnyConnection) -> Result<R>,
    ) -> Result<R> {
        let (turn, mut conn) = self.write_connection(table)?;
        let out = f(&mut conn);
        drop((conn, turn));
        self.wrote_to(table.bind);
        out
    }
}
