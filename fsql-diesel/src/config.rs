//! Configuring a [`Database`]: in code, from environment variables, or from a TOML file.
//!
//! Flask-SQLAlchemy reads `SQLALCHEMY_DATABASE_URI`, `SQLALCHEMY_BINDS` and engine options from
//! the app config; fsql reads the same settings from the builder, from `FSQL_*` variables, or
//! from a file:
//!
//! ```toml
//! url = "sqlite:///app.db"              # optional when every model has a bind
//!
//! [pool]                                # defaults for every bind
//! max_size = 10
//! connection_timeout = 30               # seconds
//!
//! [binds]
//! auth = "postgresql://app@db/auth"     # a URL ...
//! [binds.analytics]                     # ... or a table with the bind's own pool settings
//! url = "mysql://app@db/analytics"
//! max_size = 4
//! max_lifetime = 3600
//! validate_after_idle = 0.5             # SELECT 1 before reusing a connection idle this long
//! echo = true
//! echo_pool = true                      # log connects, checkouts, check-ins, closes
//! null_pool = false                     # true: open and close a connection per use (NullPool)
//! replicas = ["mysql://app@db-replica/analytics"]   # read replicas of this bind
//!
//! [replica_options]                     # how reads choose a replica (seconds)
//! read_your_writes = 1.0                # reads follow this thread's writes to the primary
//! retry_after = 2.0                     # a replica that refused a connection rests this long
//! ```
//!
//! `replicas = [..]` at the top level lists the default database's read replicas; `max_lag`
//! and `lag_check_interval` in `[replica_options]` bound how far behind a PostgreSQL replica
//! may be (see [`ReplicaOptions`]).
//!
//! From the environment, `FSQL_DATABASE_REPLICAS` lists the default database's replicas
//! (URLs separated by spaces), `FSQL_REPLICAS` those of other binds (a JSON object of bind
//! key to a URL or a list of URLs), and `FSQL_REPLICA_MAX_LAG`,
//! `FSQL_REPLICA_LAG_CHECK_INTERVAL`, `FSQL_REPLICA_READ_YOUR_WRITES` and
//! `FSQL_REPLICA_RETRY_AFTER` set the options in seconds.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use crate::conn::pool::{Pool, PoolOptions};
use crate::conn::replica::{ReplicaOptions, ReplicaSet};
use crate::conn::url::DatabaseUrl;
use crate::database::{Bind, Database};
use fsql_core::naming_convention::NamingConvention;
use fsql_core::{Error, Registry, Result};

/// Configures a [`Database`]: `Database::builder().url(..).bind(..).build()`.
#[derive(Default)]
pub struct DatabaseBuilder {
    url: Option<String>,
    binds: Vec<(String, String)>,
    /// Where a URL came from (`FSQL_BIND_AUTH`, `binds.auth` in a file), by bind key, for
    /// errors; absent = the builder method.
    origins: BTreeMap<Option<String>, String>,
    registry: Option<Registry>,
    naming: Option<NamingConvention>,
    pool: PoolOptions,
    bind_pools: BTreeMap<Option<String>, PoolOptions>,
    /// Read replicas by bind key (`None` = the default database), with where each came from.
    replicas: Vec<(Option<String>, String, String)>,
    replica_options: ReplicaOptions,
    record_queries: bool,
    track_modifications: bool,
    hooks: crate::write::tracking::Hooks,
    /// Set through `on_connect` / `on_connect_bind` (database.rs).
    pub(crate) on_connect: crate::conn::pool::ConnectHooks,
}

// Derived `Debug` would print the URLs with their passwords.
impl std::fmt::Debug for DatabaseBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let binds: Vec<(&str, String)> = self
            .binds
            .iter()
            .map(|(k, u)| (k.as_str(), crate::conn::url::mask_password(u)))
            .collect();
        f.debug_struct("DatabaseBuilder")
            .field(
                "url",
                &self.url.as_deref().map(crate::conn::url::mask_password),
            )
            .field("binds", &binds)
            .field("pool", &self.pool)
            .field("bind_pools", &self.bind_pools)
            .field(
                "replicas",
                &self
                    .replicas
                    .iter()
                    .map(|(k, u, _)| (k.as_deref(), crate::conn::url::mask_password(u)))
                    .collect::<Vec<_>>(),
            )
            .field("replica_options", &self.replica_options)
            .field("record_queries", &self.record_queries)
            .field("track_modifications", &self.track_modifications)
            .finish_non_exhaustive()
    }
}

/// A JSON object of bind key to `V`, every entry kept in order: a key given twice is seen
/// (a map would keep the last silently).
struct BindEntriesOf<V>(Vec<(String, V)>);

impl<'de, V: serde::Deserialize<'de>> serde::Deserialize<'de> for BindEntriesOf<V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Entries<V>(std::marker::PhantomData<V>);
        impl<'de, V: serde::Deserialize<'de>> serde::de::Visitor<'de> for Entries<V> {
            type Value = BindEntriesOf<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object of bind key to URL")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<BindEntriesOf<V>, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, V>()? {
                    out.push(entry);
                }
                Ok(BindEntriesOf(out))
            }
        }
        d.deserialize_map(Entries(std::marker::PhantomData))
    }
}

/// A JSON object of bind key to one replica URL or a list of them, flattened in order.
struct ReplicaEntries(Vec<(String, String)>);

impl<'de> serde::Deserialize<'de> for ReplicaEntries {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        let BindEntriesOf(entries) = BindEntriesOf::<OneOrMany>::deserialize(d)?;
        Ok(Self(
            entries
                .into_iter()
                .flat_map(|(key, urls)| {
                    let urls = match urls {
                        OneOrMany::One(url) => vec![url],
                        OneOrMany::Many(urls) => urls,
                    };
                    urls.into_iter().map(move |url| (key.clone(), url))
                })
                .collect(),
        ))
    }
}

/// Names the bind and the place its URL came from in a URL error.
fn with_origin(err: Error, key: Option<&str>, origin: &str) -> Error {
    match err {
        Error::Url { url, reason } => Error::Url {
            url,
            reason: format!(
                "{} (from {origin}): {reason}",
                crate::write::session::bind_name(key)
            ),
        },
        other => other,
    }
}

impl DatabaseBuilder {
    /// Track what each session commit writes and call the commit hooks with it (Flask's
    /// `SQLALCHEMY_TRACK_MODIFICATIONS`; off by default, and then free). See
    /// [`tracking`](crate::tracking).
    pub fn track_modifications(mut self, on: bool) -> Self {
        self.track_modifications = on;
        self
    }

    /// Called before a session commit that writes something, after its last flush, with the
    /// changes (Flask-SQLAlchemy's `before_models_committed` signal). Needs
    /// [`track_modifications(true)`](Self::track_modifications).
    pub fn before_models_committed(
        mut self,
        hook: impl Fn(&[crate::write::tracking::Change]) + Send + Sync + 'static,
    ) -> Self {
        self.hooks.before.push(std::sync::Arc::new(hook));
        self
    }

    /// Called after a session commit that wrote something succeeded on every bind, with the
    /// changes (Flask-SQLAlchemy's `models_committed` signal). Needs
    /// [`track_modifications(true)`](Self::track_modifications).
    pub fn on_models_committed(
        mut self,
        hook: impl Fn(&[crate::write::tracking::Change]) + Send + Sync + 'static,
    ) -> Self {
        self.hooks.after.push(std::sync::Arc::new(hook));
        self
    }

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

    /// A read replica of the bind `key` (`None` = the default database); call it once per
    /// replica. Reads through `&Database` (`Model::query()` terminals, `get`, lazy loads,
    /// `paginate`, `keyset`, aggregates) go to the bind's replicas in turn; writes, sessions
    /// (their reads too), DDL, [`Database::connection`] and [`Database::primary`] go to the
    /// primary. A replica that is down or lagging is skipped, and with none left reads go to
    /// the primary without an error; see [`ReplicaOptions`] for the rules and
    /// [`crate::replica`] for how they are applied.
    ///
    /// A replica uses the bind's pool settings and `on_connect` hooks, and must be on the
    /// primary's backend. It is not connected to by `build()`: one that is down when the
    /// application starts serves reads once it answers.
    ///
    /// ```no_run
    /// use fsql_diesel::Database;
    ///
    /// let db = Database::builder()
    ///     .url("postgresql://app@db-primary.internal/app")
    ///     .replica(None, "postgresql://app@db-replica-1.internal/app")
    ///     .replica(None, "postgresql://app@db-replica-2.internal/app")
    ///     .build()?;
    /// # Ok::<(), fsql_core::Error>(())
    /// ```
    pub fn replica(mut self, key: Option<&str>, url: impl Into<String>) -> Self {
        let origin = format!(
            "Database::builder().replica({}, ..)",
            key.map_or("None".to_owned(), |k| format!("Some({k:?})"))
        );
        self.replicas
            .push((key.map(str::to_owned), url.into(), origin));
        self
    }

    /// How reads choose among replicas: lag bound, "read your writes" window, retry delay.
    pub fn replica_options(mut self, options: ReplicaOptions) -> Self {
        self.replica_options = options;
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

    /// Record every statement with its parameters, timing and the line of code that ran it
    /// (Flask-SQLAlchemy's `SQLALCHEMY_RECORD_QUERIES`); read them with
    /// [`Database::recorded_queries`] or [`Database::record`].
    ///
    /// What it costs: each statement's SQL and parameters are rendered as text when it
    /// finishes (the query is gone after that), and kept until cleared. A lookup by primary
    /// key takes its SQL from a per-connection cache of statement shapes, shared rather than
    /// copied, and keeps its key as a value: about 530 instructions per statement on SQLite,
    /// so W1 (10,000 lookups) runs at 1.14× hand-written Diesel by instruction count with
    /// recording on (1.08× without), against 2.6× when every statement was rendered. Other
    /// statements are rendered in full by Diesel (10,000+ instructions for a four-column
    /// select). The caller's line, the clock and a key are turned into text only when the
    /// records are read. Recording grows without bound until
    /// [`Database::clear_recorded_queries`]: turn it on for tests and debugging.
    pub fn record_queries(mut self, on: bool) -> Self {
        self.record_queries = on;
        self
    }

    /// Pool settings for every bind without settings of its own.
    pub fn pool(mut self, options: PoolOptions) -> Self {
        self.pool = options;
        self
    }

    /// Pool settings for one bind (`None` = the default database).
    pub fn bind_pool(mut self, key: Option<&str>, options: PoolOptions) -> Self {
        self.bind_pools.insert(key.map(str::to_owned), options);
        self
    }

    /// Reads `FSQL_DATABASE_URL` (the default database), `FSQL_BINDS` (a JSON object of bind
    /// key to URL) and `FSQL_BIND_<KEY>` (one bind; the key is lower-cased). A key given twice
    /// is an error rather than a silent choice.
    ///
    /// ```
    /// use fsql_diesel::DatabaseBuilder;
    /// let vars = [
    ///     ("FSQL_DATABASE_URL", "sqlite://"),
    ///     ("FSQL_BINDS", r#"{"auth": "sqlite://"}"#),
    ///     ("FSQL_BIND_ANALYTICS", "sqlite://"),
    /// ];
    /// let db = DatabaseBuilder::from_vars(vars.map(|(k, v)| (k.to_owned(), v.to_owned())))?.build()?;
    /// assert!(db.url(Some("analytics")).is_ok());
    /// # Ok::<(), fsql_core::Error>(())
    /// ```
    pub fn from_env() -> Result<Self> {
        Self::from_vars(std::env::vars())
    }

    /// [`from_env`](Self::from_env) over given variables instead of the process environment.
    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Result<Self> {
        let mut builder = Self::default();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let mut add = |builder: &mut Self, key: String, url: String, from: String| -> Result<()> {
            if let Some(first) = seen.insert(key.clone(), from.clone()) {
                return Err(Error::Config {
                    key: from,
                    value: key,
                    reason: format!("bind configured twice, also by {first}"),
                });
            }
            builder.origins.insert(Some(key.clone()), from);
            builder.binds.push((key, url));
            Ok(())
        };
        let mut vars: Vec<(String, String)> = vars.into_iter().collect();
        vars.sort();
        for (name, value) in vars {
            if name == "FSQL_DATABASE_URL" {
                builder.url = Some(value);
                builder.origins.insert(None, name);
            } else if name == "FSQL_BINDS" {
                let BindEntriesOf::<String>(binds) =
                    serde_json::from_str(&value).map_err(|e| Error::Config {
                        key: "FSQL_BINDS".to_owned(),
                        value: crate::conn::url::mask_text(&value),
                        reason: format!(
                            "expected a JSON object of bind key to URL, e.g. \
                             {{\"auth\": \"postgresql://localhost/auth\"}}: {e}"
                        ),
                    })?;
                for (key, url) in binds {
                    add(&mut builder, key, url, "FSQL_BINDS".to_owned())?;
                }
            } else if name == "FSQL_DATABASE_REPLICAS" {
                for url in value.split_whitespace() {
                    builder.replicas.push((None, url.to_owned(), name.clone()));
                }
            } else if name == "FSQL_REPLICAS" {
                let ReplicaEntries(entries) =
                    serde_json::from_str(&value).map_err(|e| Error::Config {
                        key: name.clone(),
                        value: crate::conn::url::mask_text(&value),
                        reason: format!(
                            "expected a JSON object of bind key to a replica URL or a list of \
                             them, e.g. {{\"auth\": [\"postgresql://replica-1/auth\"]}}: {e}"
                        ),
                    })?;
                for (key, url) in entries {
                    builder.replicas.push((Some(key), url, name.clone()));
                }
            } else if let Some(setting) = name.strip_prefix("FSQL_REPLICA_") {
                let seconds_of = |value: &str| -> Result<Duration> {
                    let number: f64 = value.trim().parse().map_err(|_| Error::Config {
                        key: name.clone(),
                        // A URL put in the wrong variable must not show its password.
                        value: crate::conn::url::mask_text(value),
                        reason: "expected seconds, e.g. 5 or 0.5".to_owned(),
                    })?;
                    seconds(&name, number)
                };
                let o = &mut builder.replica_options;
                match setting {
                    "MAX_LAG" => o.max_lag = Some(seconds_of(&value)?),
                    "LAG_CHECK_INTERVAL" => o.lag_check_interval = seconds_of(&value)?,
                    "READ_YOUR_WRITES" => o.read_your_writes = seconds_of(&value)?,
                    "RETRY_AFTER" => o.retry_after = seconds_of(&value)?,
                    _ => {
                        return Err(Error::Config {
                            key: name.clone(),
                            value: String::new(),
                            reason: "unknown replica setting; expected one of \
                                     FSQL_REPLICA_MAX_LAG, FSQL_REPLICA_LAG_CHECK_INTERVAL, \
                                     FSQL_REPLICA_READ_YOUR_WRITES, FSQL_REPLICA_RETRY_AFTER"
                                .to_owned(),
                        })
                    }
                }
            } else if let Some(key) = name.strip_prefix("FSQL_BIND_") {
                if key.is_empty() {
                    return Err(Error::Config {
                        key: name,
                        value: String::new(),
                        reason: "name the bind: FSQL_BIND_<KEY>".to_owned(),
                    });
                }
                add(&mut builder, key.to_ascii_lowercase(), value, name.clone())?;
            }
        }
        Ok(builder)
    }

    /// Reads a TOML file (see the module documentation for its keys).
    pub fn from_toml_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::Config {
            key: "config file".to_owned(),
            value: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let mut builder = Self::from_toml_str(&text).map_err(|e| match e {
            Error::Config { key, value, reason } => Error::Config {
                key: format!("{}: {key}", path.display()),
                value,
                reason,
            },
            other => other,
        })?;
        for origin in builder.origins.values_mut() {
            *origin = format!("{origin} of {}", path.display());
        }
        Ok(builder)
    }

    /// Reads TOML text (see the module documentation for its keys).
    pub fn from_toml_str(text: &str) -> Result<Self> {
        // The parser's message quotes the offending line, which may hold a URL.
        let file: FileConfig = toml::from_str(text).map_err(|e| Error::Config {
            key: "toml".to_owned(),
            value: String::new(),
            reason: crate::conn::url::mask_text(&e.to_string()),
        })?;
        let mut builder = Self {
            pool: file.pool.apply(PoolOptions::default(), "pool.")?,
            replica_options: file.replica_options.apply(ReplicaOptions::default())?,
            ..Self::default()
        };
        if let Some(url) = file.url {
            builder.url = Some(url);
            builder
                .origins
                .insert(None, "`url` in the TOML configuration".to_owned());
        }
        for url in file.replicas {
            let origin = "`replicas` in the TOML configuration".to_owned();
            builder.replicas.push((None, url, origin));
        }
        for (key, bind) in file.binds {
            builder.origins.insert(
                Some(key.clone()),
                format!("`binds.{key}` in the TOML configuration"),
            );
            match bind {
                toml::Value::String(url) => builder.binds.push((key, url)),
                toml::Value::Table(table) => {
                    let bind: BindTable =
                        toml::Value::Table(table)
                            .try_into()
                            .map_err(|e| Error::Config {
                                key: format!("binds.{key}"),
                                value: String::new(),
                                reason: crate::conn::url::mask_text(&e.to_string()),
                            })?;
                    let options = bind
                        .pool()
                        .apply(builder.pool.clone(), &format!("binds.{key}."))?;
                    builder.bind_pools.insert(Some(key.clone()), options);
                    for url in bind.replicas {
                        let origin = format!("`binds.{key}.replicas` in the TOML configuration");
                        builder.replicas.push((Some(key.clone()), url, origin));
                    }
                    builder.binds.push((key, bind.url));
                }
                other => {
                    return Err(Error::Config {
                        key: format!("binds.{key}"),
                        value: crate::conn::url::mask_text(&other.to_string()),
                        reason: "expected a URL string or a table with `url` and pool settings"
                            .to_owned(),
                    })
                }
            }
        }
        Ok(builder)
    }

    /// Parses the URLs and opens the pools (one connection each at least), so a bad URL or an
    /// unreachable database is reported here. A default URL is optional when every model has
    /// a bind, as in Flask-SQLAlchemy 3.
    pub fn build(self) -> Result<Database> {
        if self.url.is_none() && self.binds.is_empty() {
            return Err(Error::Config {
                key: "url".to_owned(),
                value: String::new(),
                reason:
                    "no database configured; call .url(\"sqlite:///app.db\") or .bind(key, url), \
                         or set FSQL_DATABASE_URL"
                        .to_owned(),
            });
        }
        self.on_connect.check_binds(|key| match key {
            None => self.url.is_some(),
            Some(k) => self.binds.iter().any(|(b, _)| b == k),
        })?;
        for key in self.bind_pools.keys() {
            let known = match key {
                None => self.url.is_some(),
                Some(k) => self.binds.iter().any(|(b, _)| b == k),
            };
            if !known {
                return Err(Error::Config {
                    key: "bind_pool".to_owned(),
                    value: key.clone().unwrap_or_else(|| "<default>".to_owned()),
                    reason: "pool settings for a bind that has no URL".to_owned(),
                });
            }
        }
        let mut replicas: BTreeMap<Option<String>, Vec<(String, String)>> = BTreeMap::new();
        for (key, url, origin) in self.replicas {
            let known = match &key {
                None => self.url.is_some(),
                Some(k) => self.binds.iter().any(|(b, _)| b == k),
            };
            if !known {
                return Err(Error::Config {
                    key: origin,
                    value: key.unwrap_or_else(|| "<default>".to_owned()),
                    reason: "a replica of a bind that has no URL; configure the bind's primary \
                             with .url(..) or .bind(key, ..) first"
                        .to_owned(),
                });
            }
            replicas.entry(key).or_default().push((url, origin));
        }
        let hooked = !self.hooks.before.is_empty() || !self.hooks.after.is_empty();
        if hooked && !self.track_modifications {
            return Err(Error::Config {
                key: "track_modifications".to_owned(),
                value: "false".to_owned(),
                reason: "commit hooks are registered but modifications are not tracked, so they                          would never be called; add .track_modifications(true)"
                    .to_owned(),
            });
        }
        let tracking = self
            .track_modifications
            .then(|| std::sync::Arc::new(self.hooks.clone()));
        let recorder = self
            .record_queries
            .then(|| std::sync::Arc::new(crate::conn::instrument::Recorder::default()));
        let mut binds = BTreeMap::new();
        let all = self
            .url
            .map(|u| (None, u))
            .into_iter()
            .chain(self.binds.into_iter().map(|(k, u)| (Some(k), u)));
        for (key, url) in all {
            let origin = self
                .origins
                .get(&key)
                .cloned()
                .unwrap_or_else(|| match &key {
                    None => "Database::builder().url(..)".to_owned(),
                    Some(k) => format!("Database::builder().bind({k:?}, ..)"),
                });
            if key.as_deref().is_some_and(|k| k.trim().is_empty()) {
                return Err(Error::Config {
                    key: origin,
                    value: key.unwrap_or_default(),
                    reason: "a bind key cannot be empty: models name their database with \
                             #[fsql(bind = \"key\")]; give the bind a name, e.g. \"auth\""
                        .to_owned(),
                });
            }
            let url =
                DatabaseUrl::parse(&url).map_err(|e| with_origin(e, key.as_deref(), &origin))?;
            if binds.contains_key(&key) {
                return Err(Error::Config {
                    key: "bind".to_owned(),
                    value: key.unwrap_or_default(),
                    reason: "this bind key is configured twice".to_owned(),
                });
            }
            let options = self.bind_pools.get(&key).unwrap_or(&self.pool);
            let hooks = self.on_connect.for_bind(&key);
            // The pool's connection errors come scrubbed (`DatabaseUrl::connection_error`).
            let replicas = match replicas.remove(&key) {
                Some(urls) => Some(replica_set(
                    &url,
                    key.as_deref(),
                    urls,
                    options,
                    &self.replica_options,
                    &recorder,
                    &hooks,
                )?),
                None => None,
            };
            let pool = Pool::for_bind(url.clone(), options, key.clone(), recorder.clone(), hooks)?;
            let gate = crate::conn::write_gate::WriteGate::for_url(&url);
            binds.insert(
                key,
                Bind {
                    url,
                    pool,
                    gate,
                    replicas,
                },
            );
        }
        Ok(Database::from_parts(
            binds,
            self.registry.unwrap_or_else(Registry::global),
            self.naming.unwrap_or_default(),
            recorder,
            tracking,
        ))
    }
}

/// The read replicas of the bind `key` whose primary is at `primary`.
fn replica_set(
    primary: &DatabaseUrl,
    key: Option<&str>,
    urls: Vec<(String, String)>,
    options: &PoolOptions,
    replica_options: &ReplicaOptions,
    recorder: &Option<std::sync::Arc<crate::conn::instrument::Recorder>>,
    hooks: &[crate::conn::pool::ConnectHook],
) -> Result<ReplicaSet> {
    let bind = crate::write::session::bind_name(key);
    let mut pools = Vec::with_capacity(urls.len());
    for (url, origin) in urls {
        let url = DatabaseUrl::parse(&url).map_err(|e| with_origin(e, key, &origin))?;
        let refuse = |reason: String| Error::Config {
            key: origin.clone(),
            value: url.masked().to_owned(),
            reason,
        };
        if url.backend() != primary.backend() {
            return Err(refuse(format!(
                "a replica must be on its primary's backend, and {bind} is on {}",
                primary.backend()
            )));
        }
        if url.is_memory() {
            return Err(refuse(
                "an in-memory SQLite database is its own empty database, not a replica".to_owned(),
            ));
        }
        // Only PostgreSQL tells a standby's lag through SQL that fsql runs
        // (`FsqlBackend::replica_lag`); a bound that could never be checked would be a promise
        // fsql does not keep.
        if replica_options.max_lag.is_some() && url.backend() != crate::BackendKind::Postgres {
            return Err(refuse(format!(
                "ReplicaOptions::max_lag is measured on PostgreSQL replicas only, not on {}; \
                 leave max_lag unset for this database",
                url.backend()
            )));
        }
        pools.push(Pool::for_replica(
            url,
            options,
            key.map(str::to_owned),
            recorder.clone(),
            hooks.to_vec(),
        )?);
    }
    Ok(ReplicaSet::new(pools, replica_options.clone()))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    url: Option<String>,
    /// Read replicas of the default database.
    #[serde(default)]
    replicas: Vec<String>,
    #[serde(default)]
    replica_options: ReplicaConfig,
    #[serde(default)]
    pool: PoolConfig,
    #[serde(default)]
    binds: BTreeMap<String, toml::Value>,
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PoolConfig {
    max_size: Option<u32>,
    min_idle: Option<u32>,
    /// Seconds.
    connection_timeout: Option<f64>,
    idle_timeout: Option<f64>,
    max_lifetime: Option<f64>,
    validate_after_idle: Option<f64>,
    echo: Option<bool>,
    echo_pool: Option<bool>,
    null_pool: Option<bool>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BindTable {
    url: String,
    #[serde(default)]
    replicas: Vec<String>,
    max_size: Option<u32>,
    min_idle: Option<u32>,
    connection_timeout: Option<f64>,
    idle_timeout: Option<f64>,
    max_lifetime: Option<f64>,
    validate_after_idle: Option<f64>,
    echo: Option<bool>,
    echo_pool: Option<bool>,
    null_pool: Option<bool>,
}

/// `[replica_options]`: [`ReplicaOptions`] in seconds.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ReplicaConfig {
    max_lag: Option<f64>,
    lag_check_interval: Option<f64>,
    read_your_writes: Option<f64>,
    retry_after: Option<f64>,
}

impl ReplicaConfig {
    fn apply(&self, mut o: ReplicaOptions) -> Result<ReplicaOptions> {
        let secs = |name: &str, v: Option<f64>| {
            v.map(|v| seconds(&format!("replica_options.{name}"), v))
                .transpose()
        };
        if let Some(v) = secs("max_lag", self.max_lag)? {
            o.max_lag = Some(v);
        }
        if let Some(v) = secs("lag_check_interval", self.lag_check_interval)? {
            o.lag_check_interval = v;
        }
        if let Some(v) = secs("read_your_writes", self.read_your_writes)? {
            o.read_your_writes = v;
        }
        if let Some(v) = secs("retry_after", self.retry_after)? {
            o.retry_after = v;
        }
        Ok(o)
    }
}

impl BindTable {
    fn pool(&self) -> PoolConfig {
        PoolConfig {
            max_size: self.max_size,
            min_idle: self.min_idle,
            connection_timeout: self.connection_timeout,
            idle_timeout: self.idle_timeout,
            max_lifetime: self.max_lifetime,
            validate_after_idle: self.validate_after_idle,
            echo: self.echo,
            echo_pool: self.echo_pool,
            null_pool: self.null_pool,
        }
    }
}

impl PoolConfig {
    /// `o` with these settings; `prefix` names where they stand (`pool.`, `binds.auth.`).
    fn apply(&self, mut o: PoolOptions, prefix: &str) -> Result<PoolOptions> {
        let secs = |name: &str, v: Option<f64>| {
            v.map(|v| seconds(&format!("{prefix}{name}"), v))
                .transpose()
        };
        if let Some(v) = self.max_size {
            o.max_size = v;
        }
        if let Some(v) = self.min_idle {
            o.min_idle = v;
        }
        if let Some(v) = secs("connection_timeout", self.connection_timeout)? {
            o.connection_timeout = v;
        }
        if let Some(v) = secs("idle_timeout", self.idle_timeout)? {
            o.idle_timeout = Some(v);
        }
        if let Some(v) = secs("max_lifetime", self.max_lifetime)? {
            o.max_lifetime = Some(v);
        }
        if let Some(v) = secs("validate_after_idle", self.validate_after_idle)? {
            o.validate_after_idle = v;
        }
        if let Some(v) = self.echo {
            o.echo = v;
        }
        if let Some(v) = self.echo_pool {
            o.echo_pool = v;
        }
        if let Some(v) = self.null_pool {
            o.null_pool = v;
        }
        Ok(o)
    }
}

/// Seconds as a `Duration`; `inf`, `nan`, negative and too large values (which
/// `Duration::from_secs_f64` panics on, or would silently turn into 0) are errors naming `key`.
pub(crate) fn seconds(key: &str, value: f64) -> Result<Duration> {
    let err = |reason: &str| Error::Config {
        key: key.to_owned(),
        value: value.to_string(),
        reason: reason.to_owned(),
    };
    if value.is_nan() {
        return Err(err("not a number; give seconds, e.g. 30 or 2.5"));
    }
    if value < 0.0 {
        return Err(err(
            "a duration cannot be negative; give seconds, e.g. 30 or 2.5",
        ));
    }
    Duration::try_from_secs_f64(value)
        .map_err(|_| err("too large for a duration; give seconds, e.g. 30 or 2.5"))
}
