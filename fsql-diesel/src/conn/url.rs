//! SQLAlchemy database URLs → a backend and what its driver needs.
//!
//! Forms accepted (as in SQLAlchemy):
//! - `sqlite://` or `sqlite:///:memory:`: an in-memory database, shared by every handle of the
//!   same [`Database`](crate::Database).
//! - `sqlite:///relative/path.db`: three slashes, a path **relative to the current working
//!   directory of the process** (not to the source file or the crate).
//! - `sqlite:////absolute/path.db`: four slashes, an absolute path.
//! - `sqlite:///file:path.db?mode=ro&cache=shared&uri=true`: an SQLite URI filename, passed to
//!   SQLite as `file:path.db?mode=ro&cache=shared` (SQLAlchemy's `uri=true`);
//!   `file::memory:` and `mode=memory` are in memory.
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
    /// An SQLite URI filename (`file:app.db?mode=ro`), as SQLite reads it.
    Uri {
        /// The URI, `uri=true` taken out.
        uri: String,
        /// `file::memory:` or `mode=memory`: one connection, shared by every handle.
        memory: bool,
    },
}

impl SqliteTarget {
    /// The file this target names, as a path: a `File`'s path, or the path of a `file:` URI
    /// (`file:///abs/app.db` and `file:app.db` alike, percent-decoded as SQLite decodes it);
    /// `None` in memory.
    pub fn file_path(&self) -> Option<String> {
        match self {
            Self::Memory | Self::Uri { memory: true, .. } => None,
            Self::File(path) => Some(path.clone()),
            Self::Uri { uri, .. } => {
                let path = uri.split_once('?').map_or(uri.as_str(), |(p, _)| p);
                let path = path.strip_prefix("file:").unwrap_or(path);
                // `file://<authority>/path`: the authority is empty or `localhost`.
                let path = path
                    .strip_prefix("//localhost")
                    .or_else(|| path.strip_prefix("//"))
                    .unwrap_or(path);
                Some(String::from_utf8_lossy(&fsql_core::percent::decode(path)).into_owned())
            }
        }
    }
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
        #[cfg(feature = "mysql")]
        if backend == BackendKind::Mysql {
            check_mysql(&format!("mysql://{}", encode_userinfo(rest))).map_err(err)?;
        }
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
                let rest = encode_userinfo(url.split_once("://").map_or("", |(_, r)| r));
                let scheme = match self.backend {
                    BackendKind::Postgres => "postgresql",
                    _ => "mysql",
                };
                Some(format!("{scheme}://{rest}"))
            }
        }
    }

    /// `message` (a driver's error, which may quote the URL or a piece of it) with this URL's
    /// password masked: the password as written, percent-decoded, and the pieces a driver
    /// that split it at `/ ? # @ :` would quote; then every URL in it through [`mask_text`].
    pub fn scrub(&self, message: &str) -> String {
        let Target::Server(url) = &self.target else {
            return mask_text(message);
        };
        let rest = url.split_once("://").map_or("", |(_, r)| r);
        let mut secrets: Vec<String> = Vec::new();
        if let Some((from, to)) = password_span(rest) {
            let password = &rest[from..to];
            secrets.push(password.to_owned());
            secrets
                .push(String::from_utf8_lossy(&fsql_core::percent::decode(password)).into_owned());
            // Pieces shorter than 3 characters would mask ordinary words, and say little.
            secrets.extend(
                password
                    .split(['/', '?', '#', '@', ':'])
                    .filter(|p| p.chars().count() >= 3)
                    .map(str::to_owned),
            );
        }
        if let Some((_, query)) = rest.split_once('?') {
            for pair in query.split('&') {
                if let Some((key, value)) = pair.split_once('=') {
                    if SECRET_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k)) && !value.is_empty()
                    {
                        secrets.push(value.to_owned());
                        secrets.push(fsql_core::percent::decode_form(value));
                    }
                }
            }
        }
        secrets.retain(|s| !s.is_empty());
        // Longest first, so a piece does not break up the whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        let mut out = message.to_owned();
        for secret in &secrets {
            out = out.replace(secret.as_str(), "***");
        }
        mask_text(&out)
    }

    /// A connection error of this URL: the driver's message with the password masked
    /// ([`scrub`](Self::scrub)), the URL masked.
    pub fn connection_error(&self, source: impl std::fmt::Display) -> Error {
        Error::Connection {
            url: self.masked.clone(),
            source: self.scrub(&source.to_string()).into(),
        }
    }

    /// The `charset` of a MySQL URL other than utf8mb4 (which Diesel sets on every
    /// connection): what `SET NAMES` gives the connection after it opens.
    #[cfg(feature = "mysql")]
    pub(crate) fn mysql_charset(&self) -> Option<&'static str> {
        let Target::Server(url) = &self.target else {
            return None;
        };
        let (_, query) = url.split_once('?')?;
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == "charset")
            .and_then(|(_, value)| mysql_charset(value))
            .filter(|charset| *charset != "utf8mb4")
    }

    /// True for an in-memory SQLite database.
    pub fn is_memory(&self) -> bool {
        matches!(
            self.target,
            Target::Sqlite(SqliteTarget::Memory | SqliteTarget::Uri { memory: true, .. })
        )
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
    if let Some((path, query)) = rest.split_once('?') {
        return parse_sqlite_uri(path, query);
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

/// `sqlite:///<path>?<query>`: only an SQLite URI filename (`uri=true`, as SQLAlchemy's
/// pysqlite dialect reads it) takes parameters; they go to SQLite with the path.
fn parse_sqlite_uri(path: &str, query: &str) -> std::result::Result<SqliteTarget, String> {
    let mut uri = false;
    let mut params = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some((key, value)) if key.eq_ignore_ascii_case("uri") => {
                if value.eq_ignore_ascii_case("true") {
                    uri = true;
                } else if !value.eq_ignore_ascii_case("false") {
                    return Err(format!(
                        "`uri={}`: write `uri=true` or leave it out",
                        mask_text(value)
                    ));
                }
            }
            _ => params.push(pair),
        }
    }
    if !uri {
        return Err(format!(
            "query parameters on sqlite URLs are read only with `uri=true`, as SQLAlchemy \
             reads them: write `sqlite:///file:{}?{query}&uri=true` to pass them to SQLite",
            // The path after `sqlite:///`: `/abs/app.db` stays absolute (`file:/abs/app.db`).
            path.strip_prefix('/').unwrap_or(path)
        ));
    }
    let Some(path) = path.strip_prefix('/') else {
        return Err(format!(
            "sqlite URLs have no host: write `sqlite:///{path}?{query}` (three slashes)"
        ));
    };
    if path.is_empty() {
        return Err(
            "`uri=true` needs a URI filename: `sqlite:///file:app.db?mode=ro&uri=true`".to_owned(),
        );
    }
    if path.contains('\0') || params.iter().any(|p| p.contains('\0')) {
        return Err("the URI holds a NUL byte".to_owned());
    }
    let memory = path == "file::memory:"
        || path == ":memory:"
        || params.iter().any(|p| p.eq_ignore_ascii_case("mode=memory"));
    let uri = if params.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", params.join("&"))
    };
    Ok(SqliteTarget::Uri { uri, memory })
}

/// Query-string keys whose value is a secret (libpq's `password`, `sslpassword`, and the
/// spellings other drivers accept).
const SECRET_KEYS: [&str; 5] = ["password", "pass", "passwd", "pwd", "sslpassword"];

/// Where the password sits in `rest` (the URL after `://`): its byte range. SQLAlchemy's rule:
/// the user ends at the first `:`, the password at the **last** `@`, so a password may hold
/// `/ ? # : @ %` unencoded. A `:` after a `/`, `?` or `#` is no user's: then there is no
/// password in the authority (`sqlite:///C:/a@b.db`, `...?user=a@b`).
fn password_span(rest: &str) -> Option<(usize, usize)> {
    let at = rest.rfind('@')?;
    let colon = rest[..at].find(':')?;
    if rest[..colon].contains(['/', '?', '#']) {
        return None;
    }
    Some((colon + 1, at))
}

/// The password SQLAlchemy's URL pattern reads where [`password_span`] reads none: a user may
/// hold `?` and `#` there (`pg://us?er:secret@h`). Masking takes the wider reading, so a text
/// that either reading calls a password is never shown.
fn sqlalchemy_password_span(rest: &str) -> Option<(usize, usize)> {
    let at = rest.rfind('@')?;
    let colon = rest[..at].find(':')?;
    if rest[..colon].contains('/') {
        return None;
    }
    Some((colon + 1, at))
}

/// Replaces every password in a database URL by `***`: the one in `user:password@` (whatever
/// characters it holds, `/ ? @ : # %` included) and the values of `password=` (and its
/// spellings) in the query string. The one masking function: every URL fsql shows (Display,
/// Debug, errors, echo logs, configuration errors) goes through it or [`mask_text`].
///
/// ```
/// use fsql_diesel::url::mask_password;
/// assert_eq!(mask_password("postgresql://u:S3c/r3t@h/db"), "postgresql://u:***@h/db");
/// assert_eq!(mask_password("postgresql://u@h/db?password=x&a=b"), "postgresql://u@h/db?password=***&a=b");
/// ```
pub fn mask_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (userinfo, after) = match password_span(rest).or_else(|| sqlalchemy_password_span(rest)) {
        Some((from, to)) => (format!("{}***", &rest[..from]), &rest[to..]),
        None => (String::new(), rest),
    };
    let after = match after.split_once('?') {
        Some((before, query)) => format!("{before}?{}", mask_query(query)),
        None => after.to_owned(),
    };
    format!("{scheme}://{userinfo}{after}")
}

/// `rest` (a URL after `://`) with the user and password percent-encoded where they hold
/// characters that end a URL's authority (`/ ? # @ [ ]`, spaces, non-ASCII), so a driver reads
/// the password SQLAlchemy reads. An already encoded `%XX` is kept.
fn encode_userinfo(rest: &str) -> String {
    let Some((from, to)) = password_span(rest) else {
        return rest.to_owned();
    };
    format!(
        "{}:{}{}",
        encode_component(&rest[..from - 1]),
        encode_component(&rest[from..to]),
        &rest[to..]
    )
}

fn encode_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, &b) in bytes.iter().enumerate() {
        let escape_start = b == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')'
            )
            || matches!(b, b'*' | b'+' | b',' | b';' | b'=' | b':')
            || escape_start;
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What Diesel's MySQL driver would reject with one generic sentence ("MySQL connection URLs
/// must be in the form ..."), each with its own reason. `url` has its user and password encoded.
#[cfg(feature = "mysql")]
fn check_mysql(url: &str) -> std::result::Result<(), String> {
    use ::url::ParseError as P;
    const PARAMS: &str = "unix_socket, ssl_mode, ssl_ca, ssl_cert, ssl_key (and charset)";
    let parsed = ::url::Url::parse(url).map_err(|e| match e {
        P::EmptyHost => "the host is empty: write `mysql://user:password@host/database`".to_owned(),
        P::InvalidPort => "the port is not a number from 0 to 65535".to_owned(),
        P::InvalidIpv6Address => {
            "the IPv6 host is not a valid address in brackets, e.g. `[::1]`".to_owned()
        }
        P::InvalidIpv4Address => "the host is not a valid IPv4 address".to_owned(),
        P::InvalidDomainCharacter => {
            "the host name holds a character no host name can (a space, `<`, `%` ...)".to_owned()
        }
        P::IdnaError => "the host is not a valid international domain name".to_owned(),
        other => format!("not a URL: {other}"),
    })?;
    if parsed.fragment().is_some() {
        return Err(
            "a `#...` fragment means nothing in a database URL; a `#` in the \
                    database name must be written `%23`"
                .to_owned(),
        );
    }
    let segments: Vec<&str> = parsed
        .path_segments()
        .map(Iterator::collect)
        .unwrap_or_default();
    if segments.len() > 1 {
        return Err(format!(
            "the path `{}` has more than one segment: give one database name, \
             `mysql://host/database`",
            parsed.path()
        ));
    }
    let decoded_utf8 = |what: &str, s: &str| -> std::result::Result<(), String> {
        let bytes = fsql_core::percent::decode(s);
        if bytes.contains(&0) {
            return Err(format!("the {what} holds a NUL byte (`%00`)"));
        }
        String::from_utf8(bytes)
            .map(drop)
            .map_err(|_| format!("the {what} is not valid UTF-8 once percent-decoded"))
    };
    decoded_utf8("user name", parsed.username())?;
    decoded_utf8("password", parsed.password().unwrap_or_default())?;
    decoded_utf8(
        "database name",
        segments.first().copied().unwrap_or_default(),
    )?;
    let mut seen = std::collections::BTreeSet::new();
    for (key, value) in parsed.query_pairs() {
        if !seen.insert(key.clone().into_owned()) {
            return Err(format!(
                "the parameter `{}` is given twice",
                mask_text(&key)
            ));
        }
        match &*key {
            "database" => {
                return Err(
                    "name the database in the path, `mysql://host/database`, not with \
                            `?database=`"
                        .to_owned(),
                )
            }
            "unix_socket" | "ssl_ca" | "ssl_cert" | "ssl_key" if value.is_empty() => {
                return Err(format!("the parameter `{key}` is empty: give a file path"))
            }
            "unix_socket" | "ssl_ca" | "ssl_cert" | "ssl_key" if value.contains('\0') => {
                return Err(format!("the parameter `{key}` holds a NUL byte (`%00`)"))
            }
            "unix_socket" | "ssl_ca" | "ssl_cert" | "ssl_key" => {}
            "ssl_mode" => {
                const MODES: [&str; 5] = [
                    "disabled",
                    "preferred",
                    "required",
                    "verify_ca",
                    "verify_identity",
                ];
                if !MODES.iter().any(|m| value.eq_ignore_ascii_case(m)) {
                    return Err(format!(
                        "`ssl_mode={}` is not one of {}",
                        mask_text(&value),
                        MODES.join(", ")
                    ));
                }
            }
            // As SQLAlchemy: the URL's charset is the connection's; utf8mb4 when none is given.
            "charset" => {
                if mysql_charset(&value).is_none() {
                    return Err(format!(
                        "`charset={}`: fsql reads and writes text as UTF-8, so the \
                         connection charset is one of utf8mb4 (the default), utf8mb3 or utf8",
                        mask_text(&value)
                    ));
                }
            }
            // What was given is shown masked: a mangled URL can put a password here.
            other => {
                return Err(format!(
                    "unknown parameter `{}`; MySQL URLs accept {PARAMS}",
                    mask_text(other)
                ))
            }
        }
    }
    Ok(())
}

/// The charsets a MySQL connection may use, as `SET NAMES` spells them: those whose text is
/// UTF-8 (`utf8` is MySQL's old name of utf8mb3, which stores no 4-byte character).
#[cfg(feature = "mysql")]
fn mysql_charset(value: &str) -> Option<&'static str> {
    ["utf8mb4", "utf8mb3", "utf8"]
        .into_iter()
        .find(|c| value.eq_ignore_ascii_case(c))
}

/// `a=1&password=x` → `a=1&password=***`.
fn mask_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if SECRET_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k)) => {
                format!("{key}=***")
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Masks every URL inside free text (a JSON or TOML error that quotes the configuration, a
/// driver's message): each `scheme://...` up to the next white space or quote goes through
/// [`mask_password`].
pub fn mask_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(sep) = rest.find("://") {
        let scheme_start = rest[..sep]
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let end = rest[sep..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>'))
            .map_or(rest.len(), |i| sep + i);
        out.push_str(&rest[..scheme_start]);
        out.push_str(&mask_password(&rest[scheme_start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_holding_a_query_or_fragment_mark_still_has_its_password_masked() {
        for (url, masked) in [
            (
                "postgresql://us?er:s3cret@h/db",
                "postgresql://us?er:***@h/db",
            ),
            ("mysql://u#x:s3cret@h/db", "mysql://u#x:***@h/db"),
            ("mariadb://?pg://user:s3cret@h", "mariadb://?pg:***@h"),
            // A `/` before the `:` is a path: no user there.
            ("sqlite:///C:/a@b.db", "sqlite:///C:/a@b.db"),
        ] {
            assert_eq!(mask_password(url), masked, "{url}");
        }
    }

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
        let uri = |uri: &str, memory| SqliteTarget::Uri {
            uri: uri.into(),
            memory,
        };
        assert_eq!(
            t("sqlite:///file:app.db?mode=ro&uri=true"),
            uri("file:app.db?mode=ro", false)
        );
        assert_eq!(
            t("sqlite:///file:/abs/app.db?uri=true&cache=shared"),
            uri("file:/abs/app.db?cache=shared", false)
        );
        assert_eq!(
            t("sqlite:///file:app.db?uri=true"),
            uri("file:app.db", false)
        );
        assert_eq!(
            t("sqlite:///file:mem?mode=memory&cache=shared&uri=true"),
            uri("file:mem?mode=memory&cache=shared", true)
        );
        assert_eq!(
            t("sqlite:///file::memory:?uri=true"),
            uri("file::memory:", true)
        );
        assert!(DatabaseUrl::parse("sqlite:///file:m?mode=memory&uri=true")
            .unwrap()
            .is_memory());
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
            (
                "sqlite:///a.db?mode=ro",
                "sqlite:///file:a.db?mode=ro&uri=true",
            ),
            (
                "sqlite:////abs/a.db?mode=ro",
                "sqlite:///file:/abs/a.db?mode=ro&uri=true",
            ),
            ("sqlite:///file:a.db?uri=yes", "`uri=yes`"),
            ("sqlite:///?uri=true", "needs a URI filename"),
            ("sqlite://file:a.db?uri=true", "three slashes"),
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
    fn urls_inside_text_are_masked_whatever_surrounds_them() {
        assert_eq!(
            mask_text("é://u:p@h and «postgresql://u:p@h/x» or mysql://u:p@h/y, ://"),
            "é://u:***@h and «postgresql://u:***@h/x» or mysql://u:***@h/y, ://"
        );
        assert_eq!(mask_text("no url"), "no url");
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
