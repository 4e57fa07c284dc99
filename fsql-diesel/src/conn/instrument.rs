//! What happens around each statement: echo (`tracing`, SQLAlchemy's `echo`) and recorded
//! queries (Flask-SQLAlchemy's `get_recorded_queries()`), through Diesel's per-connection
//! instrumentation, and a `tracing` DEBUG event per statement (target [`QUERY_TARGET`]) for
//! any subscriber that enables it. Without echo, recording or an interested subscriber, a
//! statement costs one virtual call and one cached callsite check.

use std::any::TypeId;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::panic::Location;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use fsql_core::query_log::{RecordedQuery, UNKNOWN_LOCATION};

thread_local! {
    /// The user code running an fsql method on this thread (its `#[track_caller]` location).
    static LOCATION: Cell<Option<&'static Location<'static>>> = const { Cell::new(None) };
    /// Open `Database::record` scopes on this thread, innermost last.
    static SCOPES: RefCell<Vec<Vec<Entry>>> = const { RefCell::new(Vec::new()) };
    /// The shape of the statement fsql is about to run, when it knows it (see [`with_shape`]).
    static SHAPE: RefCell<Option<Shape>> = const { RefCell::new(None) };
    /// Pooled connections of recording databases this thread holds: while there are none, a
    /// statement needs no [`Shape`]. Only a cost decision: a connection dropped on another
    /// thread than it was taken on skews the two counts, which costs a needless shape or a
    /// full rendering, never a wrong record.
    static RECORDING_HELD: Cell<isize> = const { Cell::new(0) };
}

/// A pooled connection of a recording database was taken on this thread.
pub(crate) fn recording_connection_taken() {
    RECORDING_HELD.with(|n| n.set(n.get().wrapping_add(1)));
}

/// A pooled connection of a recording database went back to its pool from this thread.
pub(crate) fn recording_connection_returned() {
    RECORDING_HELD.with(|n| n.set(n.get().wrapping_sub(1)));
}

/// A statement whose SQL is fixed by a type (a statically typed Diesel query: the SQL Diesel's
/// own statement cache keys by that type), and its one parameter, printed only when the
/// records are read.
struct Shape {
    id: TypeId,
    parameter: KeyParameter,
}

/// The one parameter of a shaped statement, kept as a value: printing it (`[42]`, as Diesel
/// prints a statement's binds) costs more than the rest of recording, and most records are
/// never read. Integer keys are kept inline; any other key behind one shared allocation.
#[derive(Clone)]
pub(crate) enum KeyParameter {
    Int(i64),
    Other(Arc<dyn std::fmt::Debug + Send + Sync>),
}

impl KeyParameter {
    pub(crate) fn of<P: std::fmt::Debug + Clone + Send + Sync + 'static>(value: &P) -> Self {
        let any = value as &dyn std::any::Any;
        if let Some(v) = any.downcast_ref::<i32>() {
            Self::Int(i64::from(*v))
        } else if let Some(v) = any.downcast_ref::<i64>() {
            Self::Int(*v)
        } else if let Some(v) = any.downcast_ref::<i16>() {
            Self::Int(i64::from(*v))
        } else {
            Self::Other(Arc::new(value.clone()))
        }
    }

    /// As Diesel prints a statement's binds: `[42]`, `["ann"]`.
    fn render(&self) -> String {
        match self {
            Self::Int(v) => format!("[{v}]"),
            Self::Other(v) => format!("[{v:?}]"),
        }
    }
}

/// A recorded statement's parameters: printed by Diesel when the statement was rendered, or
/// the key of a shaped statement, printed when read.
#[derive(Clone)]
enum Parameters {
    Printed(String),
    Key(KeyParameter),
}

impl Parameters {
    fn render(&self) -> String {
        match self {
            Self::Printed(p) => p.clone(),
            Self::Key(k) => k.render(),
        }
    }
}

impl std::fmt::Debug for Parameters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

/// `TypeId`s are hashes already: the shape cache hashes them by taking their bits, not with
/// SipHash (a third of what recording a shaped statement cost).
#[derive(Default)]
struct TypeIdHasher(u64);

impl std::hash::Hasher for TypeIdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // `TypeId` writes its bits as integers; any other input still hashes (FNV-1a).
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
    fn write_u128(&mut self, n: u128) {
        self.0 ^= (n as u64) ^ ((n >> 64) as u64);
    }
}

type ShapeCache = HashMap<TypeId, Arc<str>, std::hash::BuildHasherDefault<TypeIdHasher>>;

/// Runs `f`, which runs exactly one statement of query type `Q` (statically typed, so its SQL
/// depends on `Q` and the backend only), telling the observer so: a recorded statement then
/// takes its SQL from the connection's cache of shapes instead of Diesel rendering the query
/// again (10,000+ instructions for a four-column select, most of the cost of recording), and
/// its parameter from `parameter` (printed `[42]`, Diesel's format, when read). Costs a
/// thread-local read when
/// the thread holds no recording connection and no `fsql::query` subscriber listens.
pub(crate) fn with_shape<Q: 'static, R>(
    parameter: impl FnOnce() -> KeyParameter,
    f: impl FnOnce() -> R,
) -> R {
    if RECORDING_HELD.with(Cell::get) <= 0 && !query_events_enabled() {
        return f();
    }
    SHAPE.with(|s| {
        *s.borrow_mut() = Some(Shape {
            id: TypeId::of::<Q>(),
            parameter: parameter(),
        })
    });
    // Cleared however `f` ends, so a shape never outlives its statement: a connection without
    // the observer (plain Diesel) leaves it unread, and the next statement must not take it.
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            SHAPE.with(|s| s.borrow_mut().take());
        }
    }
    let _clear = Clear;
    f()
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
            .map(|entries| entries.iter().map(Entry::to_recorded).collect())
            .unwrap_or_default()
    });
    (out, recorded)
}

/// The `tracing` target of the per-statement DEBUG events (Flask's `SQLALCHEMY_ECHO`, always
/// on, for any subscriber that wants them): fields `statement` (SQL without parameter values),
/// `duration`, `bind` (`"<default>"` for the default database), `server` (`"primary"`, or the
/// masked URL of the read replica that ran it) and `error` when it failed.
pub const QUERY_TARGET: &str = "fsql::query";

const DEFAULT_BIND: &str = "<default>";

/// The `server` of a statement the bind's primary ran.
const PRIMARY: &str = "primary";

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
fn split_query(text: &str, query: &dyn diesel::connection::DebugQuery) -> (String, String) {
    const MARKER: &str = " -- binds: ";
    let mut markers = text.match_indices(MARKER);
    let Some((first, _)) = markers.next() else {
        // `batch_execute` text: SQL only.
        return (text.to_owned(), "[]".to_owned());
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

/// One recorded statement as the observer keeps it: what it cannot get later (the SQL and
/// parameters, rendered now since the query is gone after the event) and what is cheaper to
/// turn into text only when [`RecordedQuery`]s are read (the caller's location, the clock).
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    statement: Arc<str>,
    parameters: Parameters,
    started: Instant,
    duration: Duration,
    location: Option<&'static Location<'static>>,
    bind: Option<Arc<str>>,
    replica: Option<Arc<str>>,
    error: Option<String>,
}

/// One wall-clock reading per process: a statement's start time is this plus its `Instant`
/// offset, so recording reads one clock per statement instead of two.
fn clock_base() -> (Instant, SystemTime) {
    static BASE: OnceLock<(Instant, SystemTime)> = OnceLock::new();
    *BASE.get_or_init(|| (Instant::now(), SystemTime::now()))
}

impl Entry {
    fn to_recorded(&self) -> RecordedQuery {
        let (base_instant, base_time) = clock_base();
        let start_time = match self.started.checked_duration_since(base_instant) {
            Some(offset) => base_time + offset,
            None => base_time - base_instant.duration_since(self.started),
        };
        RecordedQuery {
            statement: self.statement.as_ref().to_owned(),
            parameters: self.parameters.render(),
            start_time,
            end_time: start_time + self.duration,
            duration: self.duration,
            location: self.location.map_or_else(
                || UNKNOWN_LOCATION.to_owned(),
                |l| format!("{}:{}", l.file(), l.line()),
            ),
            bind: self.bind.as_deref().map(str::to_owned),
            replica: self.replica.as_deref().map(str::to_owned),
            error: self.error.clone(),
        }
    }
}

/// Every statement recorded by a database.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    entries: Mutex<Vec<Entry>>,
}

impl Recorder {
    pub(crate) fn all(&self) -> Vec<RecordedQuery> {
        self.entries
            .lock()
            .map(|q| q.iter().map(Entry::to_recorded).collect())
            .unwrap_or_default()
    }

    pub(crate) fn clear(&self) {
        if let Ok(mut q) = self.entries.lock() {
            q.clear();
        }
    }
}

/// What a connection does around its statements.
pub(crate) struct Observer {
    pub(crate) url: String,
    pub(crate) bind: Option<Arc<str>>,
    /// The masked URL of the read replica this connection goes to; `None` for a primary.
    pub(crate) replica: Option<Arc<str>>,
    pub(crate) echo: bool,
    pub(crate) recorder: Option<Arc<Recorder>>,
    /// When the running statement started, and whether `fsql::query` events were wanted
    /// then; `None` when nothing wants it.
    started: Option<(Instant, bool)>,
    /// Diesel's rendering of the running statement, reused from one statement to the next.
    text: String,
    /// The SQL of each statement shape this connection has run (see [`with_shape`]).
    shapes: ShapeCache,
}

impl Observer {
    pub(crate) fn new(
        url: String,
        bind: Option<String>,
        replica: Option<Arc<str>>,
        echo: bool,
        recorder: Option<Arc<Recorder>>,
    ) -> Self {
        Self {
            url,
            bind: bind.map(Arc::from),
            replica,
            echo,
            recorder,
            started: None,
            text: String::new(),
            shapes: ShapeCache::default(),
        }
    }

    pub(crate) fn is_needed(&self) -> bool {
        self.echo || self.recorder.is_some()
    }
}

impl Observer {
    /// The SQL and parameters of `query`: from its shape when fsql named one, else rendered.
    fn statement_and_parameters(
        &mut self,
        query: &dyn diesel::connection::DebugQuery,
        shape: Option<Shape>,
    ) -> (Arc<str>, Parameters) {
        if let Some(Shape { id, parameter }) = shape {
            if let Some(statement) = self.shapes.get(&id) {
                return (Arc::clone(statement), Parameters::Key(parameter));
            }
            let (statement, rendered) = self.render(query);
            debug_assert_eq!(
                rendered,
                parameter.render(),
                "a statement shape's parameter must print as Diesel prints it"
            );
            let statement: Arc<str> = Arc::from(statement);
            self.shapes.insert(id, Arc::clone(&statement));
            return (statement, Parameters::Printed(rendered));
        }
        let (statement, parameters) = self.render(query);
        (Arc::from(statement), Parameters::Printed(parameters))
    }

    fn render(&mut self, query: &dyn diesel::connection::DebugQuery) -> (String, String) {
        use std::fmt::Write as _;
        self.text.clear();
        // Display of a query fails only when its SQL cannot be built; the statement then
        // shows what was written before the failure.
        let _ = write!(self.text, "{query}");
        split_query(&self.text, query)
    }
}

impl Instrumentation for Observer {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { .. } => {
                // Whether anything wants this statement is decided once, here: the finish
                // then costs one check of `started` when nothing does.
                let debug = query_events_enabled();
                self.started = (debug || self.is_needed()).then(|| (Instant::now(), debug));
            }
            InstrumentationEvent::FinishQuery { query, error, .. } => {
                let (started, debug) = match self.started.take() {
                    Some(started) => started,
                    // A finish without its start (no backend does this today).
                    None if self.is_needed() => (Instant::now(), query_events_enabled()),
                    None => return,
                };
                let duration = started.elapsed();
                // Scopes (`Database::record`) see statements only where recording is on, as
                // documented there.
                let record = self.recorder.is_some();
                let shape = SHAPE.with(|s| s.borrow_mut().take());
                let split = if debug || record {
                    Some(self.statement_and_parameters(query, shape))
                } else {
                    None
                };
                if let (true, Some((statement, _))) = (debug, &split) {
                    let statement: &str = statement;
                    let bind = self.bind.as_deref().unwrap_or(DEFAULT_BIND);
                    let server = self.replica.as_deref().unwrap_or(PRIMARY);
                    match error {
                        None => {
                            tracing::debug!(target: QUERY_TARGET, statement, ?duration, bind, server)
                        }
                        Some(e) => {
                            tracing::debug!(target: QUERY_TARGET, statement, ?duration, bind, server, error = %e)
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
                let (Some((statement, parameters)), true) = (split, record) else {
                    return;
                };
                let entry = Entry {
                    statement,
                    parameters,
                    started,
                    duration,
                    location: LOCATION.with(|l| l.get()),
                    bind: self.bind.clone(),
                    replica: self.replica.clone(),
                    error: error.map(|e| e.to_string()),
                };
                // Every open scope sees what ran within it, nested ones included.
                SCOPES.with(|s| {
                    for scope in s.borrow_mut().iter_mut() {
                        scope.push(entry.clone());
                    }
                });
                if let Some(r) = &self.recorder {
                    if let Ok(mut q) = r.entries.lock() {
                        q.push(entry);
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
            let fake = Fake(sql, binds);
            let (statement, parameters) = split_query(&fake.to_string(), &fake);
            assert_eq!(statement, sql);
            assert_eq!(parameters, format!("{binds:?}"));
        }
    }
}
