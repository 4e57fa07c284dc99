//! Configuration that cannot panic, errors that say what and where, passwords never shown, and
//! `?` on Diesel errors.

mod common;

use diesel::RunQueryDsl;
use fsql::config::DatabaseBuilder;
use fsql::prelude::*;
use fsql::{AnyConnection, DatabaseUrl};

/// The error `build()` gives for a configuration read from these variables.
fn env_build_error(pairs: &[(&str, &str)]) -> String {
    build_error(DatabaseBuilder::from_vars(vars(pairs)))
}

fn build_error(builder: fsql::Result<DatabaseBuilder>) -> String {
    builder.unwrap().build().unwrap_err().to_string()
}

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Deterministic passwords over an alphabet rich in the characters that end a URL's parts.
/// Each holds an `é`, which nothing else in the tests' texts does, so any trace of it (or of
/// its encoding `%C3%A9`) in a masked text is a leak.
fn passwords() -> Vec<String> {
    const ALPHABET: &[u8] = b"/?@:#%/?@:#%ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~!$&*+=";
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..600)
        .map(|i| {
            let len = 1 + (next() % 24) as usize;
            let mut pw: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize] as char)
                .collect();
            let at = (next() % (pw.len() as u64 + 1)) as usize;
            pw.insert_str(at, if i % 2 == 0 { "é" } else { "éZ" });
            pw
        })
        .collect()
}

fn encode(pw: &str) -> String {
    pw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn leaks(s: &str) -> bool {
    s.contains('é') || s.contains("%C3%A9")
}

#[test]
fn passwords_with_url_delimiters_are_masked_everywhere() {
    for pw in passwords() {
        for (url, masked) in [
            (
                format!("postgresql://user:{pw}@db.example:5432/app"),
                "postgresql://user:***@db.example:5432/app".to_owned(),
            ),
            (
                format!("postgresql://user:{}@db.example/app", encode(&pw)),
                "postgresql://user:***@db.example/app".to_owned(),
            ),
            (
                format!(
                    "postgresql://user@db.example/app?sslmode=disable&password={}",
                    encode(&pw)
                ),
                "postgresql://user@db.example/app?sslmode=disable&password=***".to_owned(),
            ),
        ] {
            assert_eq!(fsql::url::mask_password(&url), masked, "{pw}");
            let parsed = DatabaseUrl::parse(&url).unwrap();
            assert_eq!(parsed.to_string(), masked);
            assert!(!leaks(&format!("{parsed:?}")), "{pw}: {parsed:?}");
            // A driver message quoting the URL, the password, or a piece of it.
            let message = format!("cannot connect to {url}: bad token \"{pw}\"");
            assert!(
                !leaks(&parsed.scrub(&message)),
                "{pw}: {}",
                parsed.scrub(&message)
            );
            let builder = Database::builder()
                .url(url.clone())
                .bind("other", url.clone());
            assert!(!leaks(&format!("{builder:?}")), "{pw}: {builder:?}");
        }
        // Every URL of a malformed FSQL_BINDS, not only the first.
        let json = format!(r#"{{"a": "postgresql://u:{pw}@h/a", "b": "mysql://u:{pw}@h/b",}}"#);
        let e = DatabaseBuilder::from_vars(vars(&[("FSQL_BINDS", &json)])).unwrap_err();
        assert!(!leaks(&e.to_string()), "{pw}: {e}");
    }
}

#[test]
fn a_toml_error_quoting_a_url_masks_it() {
    let e = DatabaseBuilder::from_toml_str("url = \"postgresql://u:HUNTER2@h/db\"\nbogus = 1\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("bogus"), "{e}");
    let e = DatabaseBuilder::from_toml_str("[binds]\nauth = postgresql://u:HUNTER2@h/db\n")
        .unwrap_err()
        .to_string();
    assert!(!e.contains("HUNTER2"), "{e}");
    assert!(e.contains("TOML parse error"), "{e}");
}

#[test]
fn durations_that_do_not_fit_are_errors_naming_the_key() {
    for value in ["inf", "-inf", "nan", "1e300", "1e20", "-1", "-0.5"] {
        for (text, key) in [
            (
                format!("[pool]\nconnection_timeout = {value}\n"),
                "pool.connection_timeout",
            ),
            (
                format!("[pool]\nidle_timeout = {value}\n"),
                "pool.idle_timeout",
            ),
            (
                format!("[binds.auth]\nurl = \"sqlite://\"\nmax_lifetime = {value}\n"),
                "binds.auth.max_lifetime",
            ),
        ] {
            let e = DatabaseBuilder::from_toml_str(&text).unwrap_err();
            assert!(matches!(e, fsql::Error::Config { .. }), "{value}: {e}");
            let msg = e.to_string();
            assert!(msg.contains(key), "{value}: {msg}");
        }
    }
    let ok = DatabaseBuilder::from_toml_str("[pool]\nconnection_timeout = 0.25\n")
        .unwrap()
        .url("sqlite://")
        .build()
        .unwrap();
    assert_eq!(
        ok.pool_options(None).unwrap().connection_timeout,
        std::time::Duration::from_millis(250)
    );
}

#[test]
fn a_bad_bind_url_names_the_bind_and_where_it_came_from() {
    let e = Database::builder()
        .bind("auth", "oracle://x")
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(r#"bind "auth""#) && e.contains(r#".bind("auth", ..)"#),
        "{e}"
    );
    assert!(e.contains("unknown backend `oracle`"), "{e}");

    let e = env_build_error(&[("FSQL_BIND_A", "")]);
    assert!(
        e.contains(r#"bind "a""#) && e.contains("FSQL_BIND_A"),
        "{e}"
    );

    let e = env_build_error(&[("FSQL_DATABASE_URL", "sqlite:app.db")]);
    assert!(
        e.contains("the default database") && e.contains("FSQL_DATABASE_URL"),
        "{e}"
    );

    let e = env_build_error(&[("FSQL_BINDS", r#"{"x": "nope"}"#)]);
    assert!(e.contains(r#"bind "x""#) && e.contains("FSQL_BINDS"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.toml");
    std::fs::write(&path, "[binds]\nreports = \"sqlite:reports.db\"\n").unwrap();
    let e = build_error(DatabaseBuilder::from_toml_file(&path));
    assert!(
        e.contains("`binds.reports` in the TOML configuration of"),
        "{e}"
    );
    assert!(e.contains("db.toml"), "{e}");
}

#[test]
fn a_key_given_twice_in_fsql_binds_is_an_error() {
    let e = DatabaseBuilder::from_vars(vars(&[(
        "FSQL_BINDS",
        r#"{"auth": "sqlite://", "auth": "sqlite:///other.db"}"#,
    )]))
    .unwrap_err()
    .to_string();
    assert!(e.contains("auth") && e.contains("twice"), "{e}");
}

#[test]
fn an_empty_bind_key_is_rejected_wherever_it_comes_from() {
    let e = Database::builder()
        .bind("", "sqlite://")
        .build()
        .unwrap_err();
    assert!(matches!(e, fsql::Error::Config { .. }), "{e}");
    assert!(e.to_string().contains("bind key cannot be empty"), "{e}");
    let e = env_build_error(&[("FSQL_BINDS", r#"{" ": "sqlite://"}"#)]);
    assert!(
        e.contains("FSQL_BINDS") && e.contains("cannot be empty"),
        "{e}"
    );
    let e = build_error(DatabaseBuilder::from_toml_str(
        "[binds]\n\"\" = \"sqlite://\"\n",
    ));
    assert!(e.contains("TOML") && e.contains("cannot be empty"), "{e}");
}

#[cfg(feature = "mysql")]
#[test]
fn malformed_mysql_urls_say_what_is_wrong() {
    const GENERIC: &str = "must be in the form";
    for (url, needle) in [
        ("mysql://u:p@/db", "the host is empty"),
        ("mysql://h:port/db", "port is not a number"),
        ("mysql://h:99999/db", "port is not a number"),
        ("mysql://[::1/db", "IPv6"),
        ("mysql://my host/db", "host name holds a character"),
        ("mysql://h/db/extra", "more than one segment"),
        (
            "mysql://h/db?database=other",
            "name the database in the path",
        ),
        (
            "mysql://h/db?ssl_mode=sometimes",
            "`ssl_mode=sometimes` is not one of",
        ),
        (
            "mysql://h/db?sslmode=require",
            "unknown parameter `sslmode`",
        ),
        ("mysql://h/db?unix_socket=", "`unix_socket` is empty"),
        ("mysql://u:%FF@h/db", "password is not valid UTF-8"),
        ("mysql://u%00@h/db", "user name holds a NUL byte"),
        ("mysql://h/db#frag", "fragment"),
        ("mysql://h/db?charset=latin1", "utf8mb4"),
        ("mysql://h/db?ssl_ca=a&ssl_ca=b", "given twice"),
    ] {
        let e = DatabaseUrl::parse(url).unwrap_err();
        assert!(matches!(e, fsql::Error::Url { .. }), "{url}: {e}");
        let msg = e.to_string();
        assert!(msg.contains(needle), "{url}: {msg}");
        assert!(!msg.contains(GENERIC), "{url}: {msg}");
    }
    // What the checks must not refuse: SQLAlchemy's usual spellings, and a password with the
    // characters that end a URL's parts, written raw (as SQLAlchemy reads it) or encoded.
    for url in [
        "mysql://root@127.0.0.1:3306/test",
        "mysql+pymysql://u:p@h/db?charset=utf8mb4",
        "mariadb://u:p@h/db?ssl_mode=REQUIRED&ssl_ca=/etc/ca.pem",
        "mysql://u:S3c/r3t?#@h/db",
        "mysql://u:S3c%2Fr3t@h/db",
        "mysql://h",
    ] {
        DatabaseUrl::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    assert_eq!(
        DatabaseUrl::parse("mysql://u:S3c/r3t?#@h/db")
            .unwrap()
            .driver_url()
            .unwrap(),
        "mysql://u:S3c%2Fr3t%3F%23@h/db"
    );
}

/// Hand-written Diesel inside a function returning `fsql::Result` uses `?`.
fn raw_count(conn: &mut AnyConnection, table: &str) -> fsql::Result<usize> {
    let n = diesel::sql_query(format!("SELECT 1 FROM {table}")).execute(conn)?;
    Ok(n)
}

#[test]
fn diesel_errors_convert_with_the_question_mark() {
    for t in common::each_backend(&[]) {
        let mut conn = t.db.connection().unwrap();
        let e = raw_count(&mut conn, "no_such_table").unwrap_err();
        assert_eq!(
            e.database_kind(),
            Some(fsql::DatabaseErrorKind::Other),
            "{e}"
        );
        assert!(
            e.to_string().contains("no_such_table"),
            "{}: {e}",
            t.backend
        );
        diesel::sql_query("CREATE TABLE q_ok (id INTEGER)")
            .execute(&mut *conn)
            .unwrap();
        assert_eq!(raw_count(&mut conn, "q_ok").unwrap(), 0);
    }
}

/// libpq quotes the part of a URL it cannot read, password included; the error shows neither.
#[cfg(feature = "postgres")]
#[test]
fn libpq_messages_that_quote_the_url_are_masked() {
    for url in [
        "postgresql://u:SeCr%zzET@127.0.0.1:1/db",
        "postgresql://u:Se/Cr?ET#x@127.0.0.1:1/db",
        "postgresql://u@127.0.0.1:1/db?password=SeCr%zzET",
    ] {
        let e = Database::builder()
            .url(url)
            .build()
            .unwrap_err()
            .to_string();
        assert!(e.contains("127.0.0.1"), "{url}: {e}");
        for piece in ["SeCr", "ET@", "zzET", "Cr?"] {
            assert!(!e.contains(piece), "{url}: {e}");
        }
    }
}
