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
//! echo = true
//! ```

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use crate::database::{Bind, Database};
use crate::pool::{Pool, PoolOptions};
use crate::url::DatabaseUrl;
use fsql_core::convention::NamingConvention;
use fsql_core::{Error, Registry, Result};

/// Configures a [`Database`]: `Database::builder().url(..).bind(..).build()`.
#[derive(Debug, Default)]
pub struct DatabaseBuilder {
    url: Option<String>,
    binds: Vec<(String, String)>,
    registry: Option<Registry>,
    naming: Option<NamingConvention>,
    pool: PoolOptions,
    bind_pools: BTreeMap<Option<String>, PoolOptions>,
    record_queries: bool,
    track_modifications: bool,
    hooks: crate::tracking::Hooks,
    /// Set through `on_connect` / `on_connect_bind` (database.rs).
    pub(crate) on_connect: crate::pool::ConnectHooks,
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
        hook: impl Fn(&[crate::tracking::Change]) + Send + Sync + 'static,
    ) -> Self {
        self.hooks.before.push(std::sync::Arc::new(hook));
        self
    }

    /// Called after a session commit that wrote something succeeded on every bind, with the
    /// changes (Flask-SQLAlchemy's `models_committed` signal). Needs
    /// [`track_modifications(true)`](Self::track_modifications).
    pub fn on_models_committed(
        mut self,
        hook: impl Fn(&[crate::tracking::Change]) + Send + Sync + 'static,
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
            builder.binds.push((key, url));
            Ok(())
        };
        let mut vars: Vec<(String, String)> = vars.into_iter().collect();
        vars.sort();
        for (name, value) in vars {
            if name == "FSQL_DATABASE_URL" {
                builder.url = Some(value);
            } else if name == "FSQL_BINDS" {
                let binds: BTreeMap<String, String> =
                    serde_json::from_str(&value).map_err(|e| Error::Config {
                        key: "FSQL_BINDS".to_owned(),
                        value: crate::url::mask_password(&value),
                        reason: format!(
                            "expected a JSON object of bind key to URL, e.g. \
                             {{\"auth\": \"postgresql://localhost/auth\"}}: {e}"
                        ),
                    })?;
                for (key, url) in binds {
                    add(&mut builder, key, url, "FSQL_BINDS".to_owned())?;
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
        Self::from_toml_str(&text).map_err(|e| match e {
            Error::Config { key, value, reason } => Error::Config {
                key: format!("{}: {key}", path.display()),
                value,
                reason,
            },
            other => other,
        })
    }

    /// Reads TOML text (see the module documentation for its keys).
    pub fn from_toml_str(text: &str) -> Result<Self> {
        let file: FileConfig = toml::from_str(text).map_err(|e| Error::Config {
            key: "toml".to_owned(),
            value: String::new(),
            reason: e.to_string(),
        })?;
        let mut builder = Self {
            url: file.url,
            pool: file.pool.apply(PoolOptions::default()),
            ..Self::default()
        };
        for (key, bind) in file.binds {
            match bind {
                toml::Value::String(url) => builder.binds.push((key, url)),
                toml::Value::Table(table) => {
                    let bind: BindTable =
                        toml::Value::Table(table)
                            .try_into()
                            .map_err(|e| Error::Config {
                                key: format!("binds.{key}"),
                                value: String::new(),
                                reason: format!("{e}"),
                            })?;
                    builder
                        .bind_pools
                        .insert(Some(key.clone()), bind.pool().apply(builder.pool.clone()));
                    builder.binds.push((key, bind.url));
                }
                other => {
                    return Err(Error::Config {
                        key: format!("binds.{key}"),
                        value: other.to_string(),
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
            .then(|| std::sync::Arc::new(crate::instrument::Recorder::default()));
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
            let options = self.bind_pools.get(&key).unwrap_or(&self.pool);
            let hooks = self.on_connect.for_bind(&key);
            let pool = Pool::for_bind(url.clone(), options, key.clone(), recorder.clone(), hooks)?;
            binds.insert(key, Bind { url, pool });
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

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    url: Option<String>,
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
    echo: Option<bool>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BindTable {
    url: String,
    max_size: Option<u32>,
    min_idle: Option<u32>,
    connection_timeout: Option<f64>,
    idle_timeout: Option<f64>,
    max_lifetime: Option<f64>,
    echo: Option<bool>,
}

impl BindTable {
    fn pool(&self) -> PoolConfig {
        PoolConfig {
            max_size: self.max_size,
            min_idle: self.min_idle,
            connection_timeout: self.connection_timeout,
            idle_timeout: self.idle_timeout,
            max_lifetime: self.max_lifetime,
            echo: self.echo,
        }
    }
}

impl PoolConfig {
    fn apply(&self, mut o: PoolOptions) -> PoolOptions {
        let secs = |s: f64| Duration::from_secs_f64(s.max(0.0));
        if let Some(v) = self.max_size {
            o.max_size = v;
        }
        if let Some(v) = self.min_idle {
            o.min_idle = v;
        }
        if let Some(v) = self.connection_timeout {
            o.connection_timeout = secs(v);
        }
        if let Some(v) = self.idle_timeout {
            o.idle_timeout = Some(secs(v));
        }
        if let Some(v) = self.max_lifetime {
            o.max_lifetime = Some(secs(v));
        }
        if let Some(v) = self.echo {
            o.echo = v;
        }
        o
    }
}
