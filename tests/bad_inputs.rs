//! Thousands of malformed inputs, generated from a fixed seed, through every parser a user's
//! input or configuration reaches: URLs, `FSQL_*` variables (replicas included), TOML
//! configuration, page and keyset requests, keyset cursors. None may panic, and no error may
//! show the password the input carried.

use std::panic::{catch_unwind, AssertUnwindSafe};

use fsql::config::DatabaseBuilder;
use fsql::prelude::*;
use fsql::{DatabaseUrl, KeysetRequest, PageRequest};

/// A password that appears in many inputs: no text may show it when an input holds it as a
/// URL's password (after `://user:` and before `@`).
const SECRET: &str = "pW9sEcrEt";

/// The password as it sits in a URL: shown this way, it leaked.
const IN_PLACE: &str = ":pW9sEcrEt@";

/// Whether the password of some text in `texts` is a server URL's password as SQLAlchemy
/// reads one: after `scheme://`, a user up to the first `:` (no `/` before it), then the
/// password up to the last `@`. Texts that put it elsewhere (an SQLite path, a database name,
/// a value that is no URL) carry no password to hide, and any such text makes the check moot.
fn holds_password(texts: &[&str]) -> bool {
    const SERVERS: &[&str] = &["postgresql://", "mysql://", "mariadb://", "postgres://"];
    let mut any = false;
    for t in texts {
        if !t.contains(IN_PLACE) {
            continue;
        }
        let Some(rest) = SERVERS.iter().find_map(|s| t.strip_prefix(s)) else {
            return false;
        };
        let is_password = match (rest.find(':'), rest.find('/'), rest.rfind('@')) {
            (Some(colon), slash, Some(at)) => {
                slash.is_none_or(|slash| colon < slash)
                    && rest[colon + 1..at].contains("pW9sEcrEt")
                    && rest
                        .find(IN_PLACE)
                        .is_some_and(|p| p + IN_PLACE.len() - 1 == at)
            }
            _ => false,
        };
        if !is_password {
            return false;
        }
        any = true;
    }
    any
}

/// xorshift64*: the same inputs on every run, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// Fragments that mean something to a URL, TOML or query-string parser, glued at random.
    fn text(&mut self, parts: usize) -> String {
        const PIECES: &[&str] = &[
            "sqlite://",
            "sqlite:///",
            "postgresql://user:pW9sEcrEt@",
            "mysql://u:pW9sEcrEt@",
            "postgresql://",
            "mysql://",
            "mariadb://",
            "postgres+psycopg2://",
            "mysql+pymysql://",
            "file:",
            "?uri=true",
            "?mode=ro",
            "?charset=",
            "latin1",
            "utf8mb4",
            "user",
            ":",
            SECRET,
            "@",
            "@@",
            "host",
            "[::1]",
            ":5432",
            ":99999",
            ":-1",
            "/",
            "//",
            "db",
            "?",
            "&",
            "=",
            "#",
            "%",
            "%zz",
            "%C3%A9",
            "é",
            "\0",
            " ",
            "\n",
            "\"",
            "'",
            "[",
            "]",
            "{",
            "}",
            ",",
            "page",
            "per_page",
            "cursor",
            "desc",
            "1",
            "0",
            "-1",
            "18446744073709551616",
            "9223372036854775807",
            "1e400",
            "NaN",
            "inf",
            "true",
            "url",
            "replicas",
            "binds",
            "pool",
            "max_size",
            "replica_options",
            "max_lag",
            ".",
            "..",
            "\\",
        ];
        (0..parts).map(|_| self.pick(PIECES)).collect()
    }
}

/// Runs `f`, failing the test if it panics or if its text shows the password of `secrets`
/// (the input's values; see [`holds_password`]).
fn must_not_panic(what: &str, input: &str, secrets: &[&str], f: impl FnOnce() -> Option<String>) {
    let out = catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| panic!("{what} panicked on {input:?}"));
    if let (Some(text), true) = (out, holds_password(secrets)) {
        assert!(
            !text.contains(IN_PLACE),
            "{what} shows the password for {input:?}: {text}"
        );
    }
}

#[test]
fn database_urls() {
    let mut rng = Rng(0x5eed_0001);
    for _ in 0..20_000 {
        let parts = 1 + rng.below(8);
        let input = rng.text(parts);
        must_not_panic(
            "DatabaseUrl::parse",
            &input,
            &[&input],
            || match DatabaseUrl::parse(&input) {
                Ok(url) => Some(format!("{url} {url:?}")),
                Err(e) => Some(format!("{e} {e:?}")),
            },
        );
    }
}

#[test]
fn environment_variables_and_replicas() {
    const NAMES: &[&str] = &[
        "FSQL_DATABASE_URL",
        "FSQL_BINDS",
        "FSQL_BIND_AUTH",
        "FSQL_BIND_",
        "FSQL_DATABASE_REPLICAS",
        "FSQL_REPLICAS",
        "FSQL_REPLICA_MAX_LAG",
        "FSQL_REPLICA_RETRY_AFTER",
        "FSQL_REPLICA_READ_YOUR_WRITES",
        "FSQL_REPLICA_LAG_CHECK_INTERVAL",
        "FSQL_REPLICA_",
    ];
    let mut rng = Rng(0x5eed_0002);
    for _ in 0..10_000 {
        let vars: Vec<(String, String)> = (0..1 + rng.below(4))
            .map(|_| {
                let parts = 1 + rng.below(6);
                (rng.pick(NAMES).to_owned(), rng.text(parts))
            })
            .collect();
        let input = format!("{vars:?}");
        let values: Vec<&str> = vars.iter().map(|(_, v)| v.as_str()).collect();
        must_not_panic("DatabaseBuilder::from_vars", &input, &values, || {
            match DatabaseBuilder::from_vars(vars.clone()) {
                Ok(b) => Some(format!("{b:?}")),
                Err(e) => Some(e.to_string()),
            }
        });
    }
}

#[test]
fn replicas_of_an_in_memory_primary_are_checked_without_connecting() {
    let mut rng = Rng(0x5eed_0003);
    for _ in 0..10_000 {
        let parts = 1 + rng.below(6);
        let replica = rng.text(parts);
        // A replica on a server is refused for its backend before any connection; an SQLite
        // path is opened only by a read, so nothing here reaches the network.
        must_not_panic(
            "build() with a replica",
            &replica,
            &[&replica],
            || match Database::builder()
                .url("sqlite://")
                .replica(None, replica.clone())
                .build()
            {
                Ok(db) => Some(format!("{:?}", db.replica_urls(None).map(|u| u.len()))),
                Err(e) => Some(e.to_string()),
            },
        );
    }
}

#[test]
fn toml_configuration() {
    let mut rng = Rng(0x5eed_0004);
    const KEYS: &[&str] = &[
        "url",
        "replicas",
        "[pool]\nmax_size",
        "[pool]\nconnection_timeout",
        "[binds]\nauth",
        "[binds.auth]\nurl",
        "[binds.auth]\nreplicas",
        "[replica_options]\nmax_lag",
        "[replica_options]\nretry_after",
    ];
    const VALUES: &[&str] = &[
        "\"sqlite://\"",
        "\"postgresql://u:pW9sEcrEt@h/db\"",
        "[\"mysql://u:pW9sEcrEt@h/db\"]",
        "\"postgresql://user:pW9sEcrEt@h:x/db\"",
        "1",
        "-1",
        "1e400",
        "nan",
        "inf",
        "\"x\"",
        "[1, 2]",
        "{ url = 3 }",
        "true",
    ];
    for _ in 0..10_000 {
        let text: String = (0..1 + rng.below(3))
            .map(|_| format!("{} = {}\n", rng.pick(KEYS), rng.pick(VALUES)))
            .collect();
        // TOML strings are quoted: a value starts after its quote.
        let values: Vec<&str> = text.split('"').collect();
        must_not_panic("DatabaseBuilder::from_toml_str", &text, &values, || {
            match DatabaseBuilder::from_toml_str(&text) {
                Ok(b) => Some(format!("{b:?}")),
                Err(e) => Some(e.to_string()),
            }
        });
    }
}

#[test]
fn page_and_keyset_requests_and_cursors() {
    let mut rng = Rng(0x5eed_0005);
    for _ in 0..20_000 {
        let parts = 1 + rng.below(8);
        let query = rng.text(parts);
        must_not_panic("PageRequest::from_query", &query, &[], || {
            Some(format!("{:?}", PageRequest::from_query(&query)))
        });
        must_not_panic("KeysetRequest::from_query", &query, &[], || {
            Some(format!(
                "{:?}",
                KeysetRequest::from_query(&query, KeysetRequest::first(20))
            ))
        });
        must_not_panic("decode_cursor", &query, &[], || {
            Some(format!(
                "{:?} {:?}",
                fsql_core::keyset::decode_cursor::<i32>(&query, "user", false),
                fsql_core::keyset::decode_cursor::<(i64, String)>(&query, "user", true)
            ))
        });
    }
}
