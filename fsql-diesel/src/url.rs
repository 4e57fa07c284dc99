//! SQLAlchemy database URLs → a backend and what its driver needs.
//!
//! Forms accepted (as in SQLAlchemy):
//! - `sqlite://` or `sqlite:///:memory:`: an in-memory database, shared by every handle of the
//!   same [`Database`](crate::Database).
//! - `sqlite:///relative/path.db`: three slashes, a path **relative to the current working
//!   directory of the process** (not to the source file or the crate).
//! - `sqlite:////absolute/path.db`: four slashes, an absolute path.
//!
//! Other schemes (`postgresql://`, `mysql://` ...) are recognised and rejected with the Cargo
//! feature that would enable them.

use std::fmt;

use fsql_core::{Error, Result};

/// The database engine behind a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BackendKind {
    /// SQLite (embedded).
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    Mysql,
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgresql",
            Self::Mysql => "mysql",
        })
    }
}

/// Where an SQLite database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqliteTarget {
    /// In memory; one connection shared by every handle.
    Memory,
    /// A file path, relative to the working directory or absolute.
    File(String),
}

/// A parsed database URL. `Display` and `Debug` mask the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: BackendKind,
    masked: String,
    target: Target,
}

#[derive(Clone, PartialEq, Eq)]
enum Target {
    Sqlite(SqliteTarget),
    // Server URLs keep the full text (with the password) for the driver only.
    Server(String),
}

impl DatabaseUrl {
    /// Parses an SQLAlchemy URL.
    ///
    /// ```
    /// use fsql_diesel::url::{DatabaseUrl, SqliteTarget};
    /// let u = DatabaseUrl::parse("sqlite:///app.db").unwrap();
    /// assert_eq!(u.sqlite_target(), Some(&SqliteTarget::File("app.db".into())));
    /// assert!(DatabaseUrl::parse("sqlite:app.db").is_err());
    /// ```
    pub fn parse(url: &str) -> Result<Self> {
        let masked = mask_password(url);
        let err = |reason: String| Error::Url {
            url: masked.clone(),
            reason,
        };
        let url = url.trim();
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(err(
                "expected `<backend>://...`, for example `sqlite:///app.db` (a file relative to \
                 the working directory), `sqlite:////abs/app.db` or `sqlite://` (in memory)"
                    .to_owned(),
            ));
        };
        // `postgresql+psycopg2://` names a Python driver; the part after `+` means nothing here.
        let dialect = scheme
            .split('+')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let backend = match dialect.as_str() {
            "sqlite" => BackendKind::Sqlite,
            "postgresql" | "postgres" => BackendKind::Postgres,
            "mysql" | "mariadb" => BackendKind::Mysql,
            "" => return Err(err("the URL has no scheme before `://`".to_owned())),
            other => {
                return Err(err(format!(
                    "unknown backend `{other}`; fsql understands sqlite, postgresql (postgres) \
                     and mysql (mariadb)"
                )))
            }
        };
        let target = match backend {
            BackendKind::Sqlite => Target::Sqlite(parse_sqlite(rest).map_err(err)?),
            BackendKind::Postgres | BackendKind::Mysql => Target::Server(url.to_owned()),
        };
        Ok(Self {
            backend,
            masked,
            target,
        })
    }

    /// The backend.
    pub fn backend(&self) -> BackendKind {
        self.backend
    }

    /// The SQLite target, for SQLite URLs.
    pub fn sqlite_target(&self) -> Option<&SqliteTarget> {
        match &self.target {
            Target::Sqlite(t) => Some(t),
            Target::Server(_) => None,
        }
    }

    /// The URL with its password replaced by `***`.
    pub fn masked(&self) -> &str {
        &self.masked
    }

    /// The URL as the driver wants it: `postgresql+psycopg2://` → `postgresql://`,
    /// `mariadb://` and `mysql+pymysql://` → `mysql://`. Contains the password; never show it.
    pub fn driver_url(&self) -> Option<String> {
        match &self.target {
            Target::Sqlite(_) => None,
            Target::Server(url) => {
                let rest = url.split_once("://").map_or("", |(_, r)| r);
                let scheme = match self.backend {
                    BackendKind::Postgres => "postgresql",
                    _ => "mysql",
                };
                Some(format!("{scheme}://{rest}"))
            }
        }
    }

    /// True for an in-memory SQLite database.
    pub fn is_memory(&self) -> bool {
        matches!(self.target, Target::Sqlite(SqliteTarget::Memory))
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({:?})", self.masked)
    }
}

fn parse_sqlite(rest: &str) -> std::result::Result<SqliteTarget, String> {
    if rest.contains('?') {
        return Err("query parameters on sqlite URLs are not supported".to_owned());
    }
    if rest.is_empty() {
        return Ok(SqliteTarget::Memory);
    }
    // After `sqlite://` comes the (empty) host, then `/`, then the path.
    let Some(path) = rest.strip_prefix('/') else {
        return Err(format!(
            "sqlite URLs have no host: write `sqlite:///{rest}` (three slashes) for a relative \
             path or `sqlite:////{rest}` (four) for an absolute one"
        ));
    };
    match path {
        "" | ":memory:" => Ok(SqliteTarget::Memory),
        p => Ok(SqliteTarget::File(p.to_owned())),
    }
}

/// Replaces the password of `scheme://user:password@host/...` by `***`.
pub fn mask_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let userinfo = &authority[..at];
    match userinfo.split_once(':') {
        Some((user, _password)) => {
            format!("{scheme}://{user}:***{}", &rest[at..])
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_forms() {
        let t = |u: &str| {
            DatabaseUrl::parse(u)
                .unwrap()
                .sqlite_target()
                .cloned()
                .unwrap()
        };
        assert_eq!(t("sqlite://"), SqliteTarget::Memory);
        assert_eq!(t("sqlite:///:memory:"), SqliteTarget::Memory);
        assert_eq!(t("sqlite:///app.db"), SqliteTarget::File("app.db".into()));
        assert_eq!(
            t("sqlite:///data/app.db"),
            SqliteTarget::File("data/app.db".into())
        );
        assert_eq!(
            t("sqlite:////tmp/app.db"),
            SqliteTarget::File("/tmp/app.db".into())
        );
        assert_eq!(
            t("SQLite+pysqlite:///x.db"),
            SqliteTarget::File("x.db".into())
        );
    }

    #[test]
    fn malformed_urls_quote_the_url() {
        for (url, needle) in [
            ("sqlite:app.db", "expected `<backend>://"),
            ("sqlite://app.db", "three slashes"),
            ("oracle://x", "unknown backend `oracle`"),
            ("://x", "no scheme"),
            ("", "expected `<backend>://"),
            ("sqlite:///a.db?mode=ro", "query parameters"),
        ] {
            let e = DatabaseUrl::parse(url).unwrap_err().to_string();
            assert!(e.contains(&format!("`{url}`")), "{e}");
            assert!(e.contains(needle), "{url}: {e}");
        }
    }

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            mask_password("postgresql://bob:s3cret@db:5432/app"),
            "postgresql://bob:***@db:5432/app"
        );
        assert_eq!(
            mask_password("mysql://root@localhost/test"),
            "mysql://root@localhost/test"
        );
        assert_eq!(
            mask_password("postgresql://a:b@c@host/x"),
            "postgresql://a:***@host/x"
        );
        let u = DatabaseUrl::parse("postgresql://bob:s3cret@db/app").unwrap();
        assert!(!format!("{u} {u:?}").contains("s3cret"));
    }

    #[test]
    fn server_forms_and_driver_urls() {
        let d = |u: &str| {
            let p = DatabaseUrl::parse(u).unwrap();
            (p.backend(), p.driver_url().unwrap())
        };
        assert_eq!(
            d("postgresql://u@h/db"),
            (BackendKind::Postgres, "postgresql://u@h/db".into())
        );
        assert_eq!(
            d("postgres://u@h/db"),
            (BackendKind::Postgres, "postgresql://u@h/db".into())
        );
        assert_eq!(
            d("postgresql+psycopg2://u:p@h:5433/db?sslmode=disable"),
            (
                BackendKind::Postgres,
                "postgresql://u:p@h:5433/db?sslmode=disable".into()
            )
        );
        assert_eq!(
            d("mysql://root@127.0.0.1/test"),
            (BackendKind::Mysql, "mysql://root@127.0.0.1/test".into())
        );
        assert_eq!(
            d("mysql+pymysql://root@h/test"),
            (BackendKind::Mysql, "mysql://root@h/test".into())
        );
        assert_eq!(
            d("mariadb://root@h/test"),
            (BackendKind::Mysql, "mysql://root@h/test".into())
        );
        assert!(DatabaseUrl::parse("sqlite://")
            .unwrap()
            .driver_url()
            .is_none());
    }
}
