//! [`Database`]: Flask-SQLAlchemy's `db` object — URLs, binds, pools, `create_all`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use diesel::connection::SimpleConnection;

use crate::backend::AnyConnection;
use crate::ddl::{self, Dialect};
use crate::pool::{Pool, PoolOptions, PoolStatus, PooledConnection};
use crate::url::DatabaseUrl;
use fsql_core::convention::NamingConvention;
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
    inner: Arc<Inner>,
}

struct Inner {
    binds: BTreeMap<Option<String>, Bind>,
    registry: Registry,
    naming: NamingConvention,
}

struct Bind {
    url: DatabaseUrl,
    pool: Pool,
}

impl Bind {
    fn get(&self) -> Result<PooledConnection> {
        self.pool.get()
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

impl Database {
    /// Starts configuring a database.
    pub fn builder() -> DatabaseBuilder {
        DatabaseBuilder::default()
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
            None => self.inner.binds.get(&None),
            Some(k) => self
                .inner
                .binds
                .iter()
                .find(|(bk, _)| bk.as_deref() == Some(k))
                .map(|(_, b)| b),
        };
        found.ok_or_else(|| Error::UnknownBind {
            model: model.unwrap_or("<none>"),
            key: key.unwrap_or("<default>").to_owned(),
            available: self.inner.binds.keys().cloned().collect(),
        })
    }

    /// Open and idle connections of a bind's pool.
    pub fn pool_status(&self, key: Option<&str>) -> Result<PoolStatus> {
        Ok(self.bind(key, None)?.pool.status())
    }

    /// The URL of a bind (password masked when displayed).
    pub fn url(&self, key: Option<&str>) -> Result<&DatabaseUrl> {
        Ok(&self.bind(key, None)?.url)
    }

    /// The models this database serves.
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// The tables of one bind in dependency order (Flask-SQLAlchemy's `db.metadatas[key]`).
    pub fn metadata(&self, key: Option<&str>) -> Result<MetaData> {
        self.inner.registry.metadata(key)
    }

    /// Checks every model up front: each model's bind is configured, foreign keys point at
    /// existing tables of the same bind, no cycles, and each table's DDL can be rendered.
    pub fn check(&self) -> Result<()> {
        self.plan(Ddl::Create, None).map(drop)
    }

    /// The DDL `create_all` would run on a bind, in order (for review or migrations).
    pub fn create_all_sql(&self, key: Option<&str>) -> Result<Vec<String>> {
        let plan = self.plan(Ddl::Create, Some(key))?;
        Ok(plan
            .into_iter()
            .flat_map(|p| p.statements)
            .map(|(_, sql)| sql)
            .collect())
    }

    /// Creates every table of every bind, parents before children, each bind in one
    /// transaction. Tables that exist are left alone, so running it twice is fine. Nothing is
    /// created unless every bind that has models is configured and every table renders.
    pub fn create_all(&self) -> Result<()> {
        Self::execute(self.plan(Ddl::Create, None)?)
    }

    /// Drops every table of every bind, children before parents.
    pub fn drop_all(&self) -> Result<()> {
        Self::execute(self.plan(Ddl::Drop, None)?)
    }

    /// Checks and renders everything before anything runs, so a mistake in one bind does not
    /// leave another half done. `only = Some(key)` plans that bind alone.
    fn plan(&self, ddl: Ddl, only: Option<Option<&str>>) -> Result<Vec<BindPlan<'_>>> {
        let keys = match only {
            Some(key) => vec![key],
            None => self.inner.registry.bind_keys(),
        };
        let mut plan = Vec::with_capacity(keys.len());
        for key in keys {
            let metadata = self.metadata(key)?;
            let tables = metadata.sorted_tables();
            let bind = self.bind(key, tables.first().map(|t| t.model))?;
            let dialect = Dialect::of(bind.url.backend());
            let mut statements = Vec::new();
            match ddl {
                Ddl::Create => {
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
                c.batch_execute(sql)
                    .map_err(|e| crate::error::from_diesel(e, Some(model), Some(sql.clone())))?;
            }
            Ok(())
        };
        if Dialect::of(bind.url.backend()).transactional_ddl() {
            // A failure leaves no half-created schema.
            crate::backend::in_transaction(&mut *conn, run)
        } else {
            // MySQL commits every DDL statement by itself; a transaction would only pretend.
            run(&mut conn)
        }
    }
}

/// Configures a [`Database`]: `Database::builder().url(..).bind(..).build()`.
#[derive(Debug, Default)]
pub struct DatabaseBuilder {
    url: Option<String>,
    binds: Vec<(String, String)>,
    registry: Option<Registry>,
    naming: Option<NamingConvention>,
    pool: PoolOptions,
}

impl DatabaseBuilder {
    /// The default database (Flask's `SQLALCHEMY_DATABASE_URI`).
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Another database, for models with `#[fsql(bind = "key")]` (Flask's `SQLALCHEMY_BINDS`).
    pub fn bind(mut self, key: impl Into<String>, url: impl Into<String>) -> Self {
        self.binds.push((key.into(), url.into()));
        self
    }

    /// Serve exactly these models instead of every model in the binary (useful in tests).
    pub fn registry(mut self, registry: Registry) -> Self {
        self.registry = Some(registry);
        self
    }

    /// Constraint naming convention (SQLAlchemy's `MetaData(naming_convention=...)`).
    pub fn naming_convention(mut self, naming: NamingConvention) -> Self {
        self.naming = Some(naming);
        self
    }

    /// Pool settings for every bind.
    pub fn pool(mut self, options: PoolOptions) -> Self {
        self.pool = options;
        self
    }

    /// Parses the URLs and opens one connection per bind, so a bad URL or an unreachable
    /// database is reported here.
    pub fn build(self) -> Result<Database> {
        if self.url.is_none() && self.binds.is_empty() {
            return Err(Error::Config {
                key: "url".to_owned(),
                value: String::new(),
                reason:
                    "no database configured; call .url(\"sqlite:///app.db\") or .bind(key, url)"
                        .to_owned(),
            });
        }
        let mut binds = BTreeMap::new();
        let all = self
            .url
            .map(|u| (None, u))
            .into_iter()
            .chain(self.binds.into_iter().map(|(k, u)| (Some(k), u)));
        for (key, url) in all {
            let url = DatabaseUrl::parse(&url)?;
            if binds.contains_key(&key) {
                return Err(Error::Config {
                    key: "bind".to_owned(),
                    value: key.unwrap_or_default(),
                    reason: "this bind key is configured twice".to_owned(),
                });
            }
            let pool = Pool::new(url.clone(), &self.pool)?;
            binds.insert(key, Bind { url, pool });
        }
        Ok(Database {
            inner: Arc::new(Inner {
                binds,
                registry: self.registry.unwrap_or_else(Registry::global),
                naming: self.naming.unwrap_or_default(),
            }),
        })
    }
}
