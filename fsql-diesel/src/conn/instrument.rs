//! What happens around each statement: echo (`tracing`, SQLAlchemy's `echo`) and recorded
//! queries (Flask-SQLAlchemy's `get_recorded_queries()`), through Diesel's per-connection
//! instrumentation, and a `tracing` DEBUG event per statement (target [`QUERY_TARGET`]) for
//! any subscriber that enables it. Without echo, recording or an interested subscriber, a
//! statement costs one virtual call and one cached callsite check.

use std::cell::{Cell, RefCell};
use std::panic::Location;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use fsql_core::query_log::{RecordedQuery, UNKNOWN_LOCATION};

thread_local! {
    /// The user code running an fsql method on this thread (its `#[track_caller]` location).
    static LOCATION: Cell<Option<&'static Location<'static>>> = const { Cell::new(None) };
    /// Open `Database::record` scopes on this thread, innermost last.
    static SCOPES: RefCell<Vec<Vec<RecordedQuery>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with `location` as the origin of the statements it runs (the outermost fsql call
/// wins, so a helper calling another keeps the user's line).
pub(crate) fn with_location<R>(location: &'static Location<'static>, f: impl FnOnce() -> R) -> R {
    let outer = LOCATION.with(|l| l.get());
    if outer.is_some() {
        return f();
    }
    LOCATION.with(|l| l.set(Some(location)));
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            LOCATION.with(|l| l.set(None));
        }
    }
    let _reset = Reset;
    f()
}

/// Runs `f` and returns the statements recorded on this thread meanwhile.
pub(crate) fn scoped<R>(f: impl FnOnce() -> R) -> (R, Vec<RecordedQuery>) {
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            SCOPES.with(|s| s.borrow_mut().pop());
        }
    }
    SCOPES.with(|s| s.borrow_mut().push(Vec::new()));
    let _pop = Pop;
    let out = f();
    let recorded = SCOPES.with(|s| {
        s.borrow_mut()
            .last_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    });
    (out, recorded)
}

/// The `tracing` target of the per-statement DEBUG events (Flask's `SQLALCHEMY_ECHO`, always
/// on, for any subscriber that wants them): fields `statement` (SQL without parameter values),
/// `duration`, `bind` (`"<default>"` for the default database) and `error` when it failed.
pub const QUERY_TARGET: &str = "fsql::query";

const DEFAULT_BIND: &str = "<default>";

/// Whether a subscriber wants the statement events: a cached callsite check, one atomic load
/// when nothing listens, so statements pay nothing measurable without a subscriber.
#[inline]
fn query_events_enabled() -> bool {
    tracing::enabled!(target: QUERY_TARGET, tracing::Level::DEBUG)
}

/// Diesel prints a query as `<sql> -- binds: [..]`: the SQL and the parameters, apart. A
/// parameter value may itself hold ` -- binds: ` (and SQL text may too), so a split at a guess
/// could put a value into the statement. With one marker the split is certain; with more, the
/// `Debug` form (`Query { sql: "<escaped sql>", binds: [..] }`) says exactly where the
/// parameters start. Without that form, the statement is cut at the first marker: shorter than
/// the SQL, never holding a value.
fn split_query(query: &dyn diesel::connection::DebugQuery) -> (String, String) {
    const MARKER: &str = " -- binds: ";
    let text = query.to_string();
    let mut markers = text.match_indices(MARKER);
    let Some((first, _)) = markers.next() else {
        // `batch_execute` text: SQL only.
        return (text, "[]".to_owned());
    };
    if markers.next().is_none() {
        return (
            text[..first].to_owned(),
            text[first + MARKER.len()..].to_owned(),
        );
    }
    if let Some(binds) = debug_binds(&format!("{query:?}")) {
        if let Some(sql_len) = text.len().checked_sub(MARKER.len() + binds.len()) {
            if text.is_char_boundary(sql_len) && text[sql_len..].strip_prefix(MARKER) == Some(binds)
            {
                return (text[..sql_len].to_owned(), binds.to_owned());
            }
        }
    }
    (
        text[..first].to_owned(),
        text[first + MARKER.len()..].to_owned(),
    )
}

/// The `binds` part of Diesel's `Query { sql: "..", binds: [..] }`: after the SQL's closing
/// quote (the first `"` not escaped by `\`).
fn debug_binds(debug: &str) -> Option<&str> {
    let sql = debug.strip_prefix("Query { sql: \"")?;
    let mut escaped = false;
    let close = sql.char_indices().find_map(|(i, c)| {
        let end = c == '"' && !escaped;
        escaped = c == '\\' && !escaped;
        end.then_some(i)
    })?;
    sql[close + 1..]
        .strip_prefix(", binds: ")?
        .strip_suffix(" }")
}

/// Every statement recorded by a database.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    queries: Mutex<Vec<RecordedQuery>>,
}

impl Recorder {
    pub(crate) fn all(&self) -> Vec<RecordedQuery> {
        self.queries.lock().map(|q| q.clone()).unwrap_or_default()
    }

    pub(crate) fn clear(&self) {
        if let Ok(mut q) = self.queries.lock() {
            q.clear();
        }
    }
}

/// What a connection does around its statements.
pub(crate) struct Observer {
    pub(crate) url: String,
    pub(crate) bind: Option<String>,
    pub(crate) echo: bool,
    pub(crate) recorder: Option<Arc<Recorder>>,
    started: Option<(Instant, SystemTime)>,
}

impl Observer {
    pub(crate) fn new(
        url: String,
        bind: Option<String>,
        echo: bool,
        recorder: Option<Arc<Recorder>>,
    ) -> Self {
        Self {
            url,
            bind,
            echo,
            recorder,
            started: None,
        }
    }

    pub(crate) fn is_needed(&self) -> bool {
        self.echo || self.recorder.is_some()
    }
}

impl Instrumentation for Observer {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { .. }
                if self.is_needed() || query_events_enabled() =>
            {
                self.started = Some((Instant::now(), SystemTime::now()));
            }
            InstrumentationEvent::FinishQuery { query, error, .. } => {
                let debug = query_events_enabled();
                if !debug && !self.is_needed() {
                    self.started = None;
                    return;
                }
                let (started, start_time) = self
                    .started
                    .take()
                    .unwrap_or_else(|| (Instant::now(), SystemTime::now()));
                let duration = started.elapsed();
                let split = (debug || self.recorder.is_some()).then(|| split_query(query));
                if let (true, Some((statement, _))) = (debug, &split) {
                    let statement = statement.as_str();
                    let bind = self.bind.as_deref().unwrap_or(DEFAULT_BIND);
                    match error {
                        None => tracing::debug!(target: QUERY_TARGET, statement, ?duration, bind),
                        Some(e) => {
                            tracing::debug!(target: QUERY_TARGET, statement, ?duration, bind, error = %e)
                        }
                    }
                }
                if self.echo {
                    match error {
                        None => {
                            tracing::info!(target: "fsql::echo", database = %self.url, ?duration, "{query}")
                        }
                        Some(e) => {
                            tracing::info!(target: "fsql::echo", database = %self.url, ?duration, error = %e, "{query}")
                        }
                    }
                }
                let Some((statement, parameters)) = split else {
                    return;
                };
                let location = LOCATION.with(|l| l.get()).map_or_else(
                    || UNKNOWN_LOCATION.to_owned(),
                    |l| format!("{}:{}", l.file(), l.line()),
                );
                let recorded = RecordedQuery {
                    statement,
                    parameters,
                    start_time,
                    end_time: start_time + duration,
                    duration,
                    location,
                    bind: self.bind.clone(),
                    error: error.map(|e| e.to_string()),
                };
                // Every open scope sees what ran within it, nested ones included.
                SCOPES.with(|s| {
                    for scope in s.borrow_mut().iter_mut() {
                        scope.push(recorded.clone());
                    }
                });
                if let Some(r) = &self.recorder {
                    if let Ok(mut q) = r.queries.lock() {
                        q.push(recorded);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A query whose parameters are `binds`, printed as Diesel prints one.
    struct Fake(&'static str, &'static [&'static str]);

    impl std::fmt::Display for Fake {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{} -- binds: {:?}", self.0, self.1)
        }
    }
    impl std::fmt::Debug for Fake {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Query")
                .field("sql", &self.0)
                .field("binds", &self.1)
                .finish()
        }
    }
    impl diesel::connection::DebugQuery for Fake {}

    #[test]
    fn a_value_holding_the_marker_stays_in_the_parameters() {
        for (sql, binds) in [
            ("INSERT INTO t (a) VALUES (?)", &[" -- binds: [\"x\"]"][..]),
            ("SELECT 1 -- binds: \" x", &["a -- binds: b", "\\\""][..]),
            ("SELECT ?", &["\" }, binds: [", " -- binds: "][..]),
            ("SELECT 1", &[][..]),
        ] {
            let (statement, parameters) = split_query(&Fake(sql, binds));
            assert_eq!(statement, sql);
            assert_eq!(parameters, format!("{binds:?}"));
        }
    }
}
