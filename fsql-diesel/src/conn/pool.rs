//! One connection pool per bind, with connections opened the way Flask-SQLAlchemy configures
//! them.
//!
//! # Surviving the database
//!
//! A pool must not hand out connections the server has closed (a restart, an operator's
//! `pg_terminate_backend` or `KILL`, a proxy's idle cut). This pool:
//!
//! - **discards a connection whose statement failed with a lost connection** (Diesel's
//!   `ClosedConnection`; on MySQL/MariaDB, where Diesel reports every client error as
//!   `Unknown`, the messages of client errors 2006, 2013 and 2055 and server errors 1053, 1927
//!   and 4031: see [`is_lost_connection`]) instead of returning it to the idle list, and then
//!   **validates every connection that was idle when that happened** before handing it out,
//!   since a server that dropped one has usually dropped them all;
//! - on PostgreSQL, **reads the socket of a connection idle at least
//!   [`SOCKET_CHECK_AFTER_IDLE`] (1 ms) before handing it out** (libpq's `PQconsumeInput`,
//!   non-blocking, no round trip): a backend the server terminated has closed it, so the
//!   connection is replaced before the caller's statement can fail. A connection reused sooner
//!   than that after a successful statement is treated as in flight: if the server dropped it
//!   in that millisecond, its next statement fails once, as a statement in flight would. A
//!   `NOTIFY` delivered to an idle pooled connection is consumed by this check: `LISTEN` on a
//!   connection of your own;
//! - **validates (`SELECT 1`) a connection idle longer than
//!   [`PoolOptions::validate_after_idle`]** (default [`DEFAULT_VALIDATE_AFTER_IDLE`], 1 s) on
//!   every server backend, so after a restart statements run on fresh connections. MySQL
//!   offers no cheap socket check through Diesel: a connection killed less than that long
//!   after its last use fails its next statement once, with
//!   [`DatabaseErrorKind::ClosedConnection`](fsql_core::DatabaseErrorKind::ClosedConnection),
//!   and the pool then validates the others;
//! - keeps the idle list **last-in first-out**: the connections in use stay few and
//!   warm, so `idle_timeout` can close the rest, and the cold ones are the ones validated.
//!   First-in first-out would cycle through all of them and keep every one just under any
//!   idle threshold; the validation after a detected loss makes recovery independent of the
//!   order.
//!
//! # Why not r2d2
//!
//! DESIGN.md names Diesel's r2d2 integration as the field's standard, to be replaced only by a
//! pool measured ahead of it on recovery and on speed. Measured (release build, 2 shared cores,
//! local PostgreSQL 15 and MariaDB 10.11; `tests/pool_faults.rs`, `benches/pool_load.rs`,
//! `benches/w1_get_by_pk.rs`):
//!
//! | 64 threads × 10 000 W1 lookups, pool of 8, two runs | fsql | r2d2 (default: `SELECT 1` per checkout) | r2d2, `test_on_check_out(false)` |
//! |---|---|---|---|
//! | SQLite file | 3.20 s, 2.81 s (0.87×, 1.05×) | 3.69 s, 2.69 s (1×) | 3.35 s, 2.46 s (0.91×, 0.92×) |
//! | PostgreSQL | 29.1 s, 28.3 s (0.62×, 0.60×) | 47.2 s, 46.8 s (1×) | 28.3 s, 27.4 s (0.60×, 0.58×) |
//! | PostgreSQL: 8 backends terminated, then 100 lookups | 0 failed (3 runs) | 0 failed (3 runs) | 8, 8, 100 failed: dead connections go back to the pool |
//!
//! W1 single-threaded, fsql through this pool against a plain Diesel connection: SQLite
//! 0.95–1.10×, PostgreSQL 1.00–1.06× over several runs.
//!
//! So on speed this pool is well ahead of r2d2 as r2d2 recovers by default on PostgreSQL (its
//! per-checkout `SELECT 1` is a round trip), level with it on SQLite (where that check is
//! cheap), and close to r2d2 without the check (0.95–1.14× on SQLite, 1.03× on PostgreSQL),
//! which does not recover. On recovery it is
//! level with default r2d2 on PostgreSQL (0 of 100 after terminating every backend, also in
//! `tests/pool_faults.rs`). On MySQL/MariaDB it is level when the connections were idle past
//! `validate_after_idle` and one statement behind r2d2 otherwise (the first statement after a
//! `KILL` fails as `ClosedConnection`; r2d2, not measured on MariaDB here, pays a round trip
//! on every checkout not to);
//! `validate_after_idle = Duration::ZERO` buys r2d2's behaviour at r2d2's price. The machine
//! was shared and loaded (load average 5–16 on 2 cores): single runs vary by ±10%.
//!
//! r2d2 also reports a failed connect as "timed out waiting for connection", hiding the
//! driver's message, which this pool returns from `build()`; and its checkout costs five clock
//! reads, an `Arc` clone, two lock pairs and event callbacks. This pool takes a lock, pops a
//! connection and releases the lock; reads the clock at check-in and checkout on server
//! backends (and when a lifetime is configured) and never on SQLite; and wakes a waiter, after
//! unlocking, only when there is one.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::result::{DatabaseErrorKind as DieselKind, Error as DieselError};
use diesel::Connection;

use crate::conn::backend::AnyConnection;
use crate::conn::url::{BackendKind, DatabaseUrl};
use fsql_core::error::BoxError;
use fsql_core::{Error, Result};

/// A PostgreSQL connection idle at least this long has its socket checked before it is handed
/// out. Below it the check is skipped: it costs two `recv` calls (about 5% of a point lookup on
/// a local server, measured on W1), and a connection back from a successful statement less
/// than a millisecond ago is as good as in flight.
pub const SOCKET_CHECK_AFTER_IDLE: Duration = Duration::from_millis(1);

/// The default of [`PoolOptions::validate_after_idle`].
pub const DEFAULT_VALIDATE_AFTER_IDLE: Duration = Duration::from_secs(1);

/// How long SQLite waits for a lock held by another connection before failing with "database
/// is locked".
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Pool settings of one bind: SQLAlchemy's engine options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolOptions {
    /// Most connections open at once. Default 10; always 1 for in-memory SQLite.
    pub max_size: u32,
    /// Connections opened when the pool is built and kept open. Default 1.
    pub min_idle: u32,
    /// How long to wait for a free connection before failing. Default 30 s. A duration too
    /// large to add to the clock (`Duration::MAX`) waits without limit.
    pub connection_timeout: Duration,
    /// Close a connection that has been idle this long (checked when it would be reused).
    /// Default none.
    pub idle_timeout: Option<Duration>,
    /// Close a connection this old (SQLAlchemy's `pool_recycle`). `None` is the backend's
    /// default: 7200 s on MySQL (as Flask-SQLAlchemy sets, below MySQL's `wait_timeout`), no
    /// limit elsewhere.
    pub max_lifetime: Option<Duration>,
    /// A PostgreSQL or MySQL connection idle at least this long is checked with `SELECT 1`
    /// before it is handed out (SQLAlchemy's `pool_pre_ping`, for connections that were idle
    /// long enough for the server to have gone away). `Duration::ZERO` checks on every
    /// checkout. Default [`DEFAULT_VALIDATE_AFTER_IDLE`] (1 s); SQLite connections are never
    /// checked.
    pub validate_after_idle: Duration,
    /// Log every statement with its parameters and duration through `tracing` at INFO, target
    /// `fsql::echo` (SQLAlchemy's `echo=True`).
    pub echo: bool,
    /// Log the pool's work through `tracing` at INFO, target `fsql::pool`: each connection
    /// opened and closed, each checkout and check-in (SQLAlchemy's `echo_pool`).
    pub echo_pool: bool,
    /// Keep no connection between uses: every checkout opens a connection and every check-in
    /// closes it (SQLAlchemy's `NullPool`, for a SQLite file under a server that forks
    /// worker processes). `max_size` still bounds how many are open at once. An in-memory
    /// SQLite database keeps its one connection, which holds the data.
    pub null_pool: bool,
}

/// MySQL closes connections idle longer than `wait_timeout` (8 h by default); Flask-SQLAlchemy
/// recycles them after 2 h so that never happens under the application.
pub const MYSQL_DEFAULT_MAX_LIFETIME: Duration = Duration::from_secs(7200);

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 10,
            min_idle: 1,
            connection_timeout: Duration::from_secs(30),
            idle_timeout: None,
            max_lifetime: None,
            validate_after_idle: DEFAULT_VALIDATE_AFTER_IDLE,
            echo: false,
            echo_pool: false,
            null_pool: false,
        }
    }
}

/// A snapshot of a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections open now, idle or in use.
    pub open: u32,
    /// Connections open and waiting in the pool.
    pub idle: u32,
    /// Connections opened since the pool was built.
    pub opened_total: u64,
}

/// A user hook run on every new connection of a bind, before the connection is used
/// (SQLAlchemy's `connect` event): see
/// [`DatabaseBuilder::on_connect`](crate::DatabaseBuilder::on_connect).
pub type ConnectHook =
    Arc<dyn Fn(&mut AnyConnection) -> std::result::Result<(), BoxError> + Send + Sync>;

/// The `on_connect` hooks of a builder, each for one bind or for all.
#[derive(Clone, Default)]
pub(crate) struct ConnectHooks {
    /// `None`: every bind; `Some(key)`: that bind (`Some(None)` = the default database).
    hooks: Vec<(Option<Option<String>>, ConnectHook)>,
}

impl ConnectHooks {
    pub(crate) fn add(&mut self, bind: Option<Option<String>>, hook: ConnectHook) {
        self.hooks.push((bind, hook));
    }

    /// The hooks that apply to `key`, in the order they were added.
    pub(crate) fn for_bind(&self, key: &Option<String>) -> Vec<ConnectHook> {
        self.hooks
            .iter()
            .filter(|(bind, _)| bind.as_ref().is_none_or(|b| b == key))
            .map(|(_, hook)| Arc::clone(hook))
            .collect()
    }

    /// Fails on a hook registered for a bind that `configured` does not know: a typo in a
    /// key would otherwise leave the hook silently unused.
    pub(crate) fn check_binds(&self, configured: impl Fn(&Option<String>) -> bool) -> Result<()> {
        match self
            .hooks
            .iter()
            .filter_map(|(bind, _)| bind.as_ref())
            .find(|key| !configured(key))
        {
            None => Ok(()),
            Some(key) => Err(Error::Config {
                key: "on_connect_bind".to_owned(),
                value: key.clone().unwrap_or_else(|| "<default>".to_owned()),
                reason: "an on_connect hook for a bind that has no URL; add the bind with \
                         .bind(key, url) or use .on_connect(..) for every bind"
                    .to_owned(),
            }),
        }
    }
}

impl fmt::Debug for ConnectHooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.hooks.iter().map(|(bind, _)| match bind {
                None => "<all binds>",
                Some(None) => "<default>",
                Some(Some(k)) => k.as_str(),
            }))
            .finish()
    }
}

/// The connections of one bind.
#[derive(Clone)]
pub struct Pool {
    shared: Arc<Shared>,
}

struct Shared {
    url: DatabaseUrl,
    /// A read replica's masked URL, for its statements' records; `None` for a primary.
    replica: Option<Arc<str>>,
    options: PoolOptions,
    bind: Option<String>,
    recorder: Option<Arc<crate::conn::instrument::Recorder>>,
    on_connect: Vec<ConnectHook>,
    state: Mutex<State>,
    freed: Condvar,
}

#[derive(Default)]
struct State {
    idle: Vec<Slot>,
    /// Idle + in use + being opened.
    open: u32,
    waiting: u32,
    opened_total: u64,
    /// When a connection was last found lost: connections idle since before are suspect.
    lost_at: Option<Instant>,
}

struct Slot {
    /// Boxed: a slot moves on every checkout and check-in (out of the idle list, into the
    /// guard, back), and a connection is hundreds of bytes; a box moves as one pointer.
    conn: Box<AnyConnection>,
    flags: Arc<Flags>,
    /// Set only when `max_lifetime` is configured.
    created: Option<Instant>,
    /// Set only when `idle_timeout` is configured or the backend is a server.
    idle_since: Option<Instant>,
}

/// Shared between a pooled connection and its instrumentation, which sees every statement's
/// outcome (the pool does not: callers run statements on the connection directly).
#[derive(Default)]
struct Flags {
    /// A statement failed because the connection is gone.
    lost: AtomicBool,
    /// The pool's own validation is running: not the application's statement, so neither
    /// echoed nor recorded.
    quiet: AtomicBool,
}

/// The connection's instrumentation: fsql's observer, plus lost-connection detection.
struct Watch {
    observer: crate::conn::instrument::Observer,
    flags: Arc<Flags>,
}

impl Instrumentation for Watch {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::FinishQuery { error: Some(e), .. } = &event {
            if is_lost_connection(e) {
                self.flags.lost.store(true, Ordering::Relaxed);
            }
        }
        if !self.flags.quiet.load(Ordering::Relaxed) {
            self.observer.on_connection_event(event);
        }
    }
}

/// Whether a Diesel error means the connection is gone: Diesel's `ClosedConnection`, or a
/// message of one of the client or server errors below (Diesel reports MySQL's errors as
/// `Unknown`, keeping only the message, and some of libpq's sending errors likewise).
pub fn is_lost_connection(err: &DieselError) -> bool {
    match err {
        DieselError::DatabaseError(DieselKind::ClosedConnection, _) => true,
        DieselError::DatabaseError(_, info) => is_lost_connection_message(info.message()),
        _ => false,
    }
}

pub use fsql_core::error::is_lost_connection_message;

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("url", &self.shared.url)
            .field("status", &self.status())
            .finish()
    }
}

/// A place in the pool (a count in `State::open`) taken for a connection being opened; given
/// back unless the connection is, even if opening it panics (a user's `on_connect` hook).
struct Place<'p> {
    pool: &'p Pool,
    taken: bool,
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        if self.taken {
            self.pool.release_place();
        }
    }
}

impl Pool {
    /// Builds the pool for a bind and opens `min_idle` connections (at least one), so a wrong
    /// path or an unreachable server is reported here with the driver's own message.
    pub fn new(url: DatabaseUrl, options: &PoolOptions) -> Result<Self> {
        Self::for_bind(url, options, None, None, Vec::new())
    }

    /// The pool of one bind of a `Database`, recording its statements when asked.
    pub(crate) fn for_bind(
        url: DatabaseUrl,
        options: &PoolOptions,
        bind: Option<String>,
        recorder: Option<Arc<crate::conn::instrument::Recorder>>,
        on_connect: Vec<ConnectHook>,
    ) -> Result<Self> {
        Self::build(url, options, bind, recorder, on_connect, false)
    }

    /// The pool of a bind's read replica. Unlike a primary's it opens nothing when built: a
    /// replica that is down then does not stop the application from starting (its reads go
    /// to the primary until it answers), and its statements are recorded as the replica's.
    pub(crate) fn for_replica(
        url: DatabaseUrl,
        options: &PoolOptions,
        bind: Option<String>,
        recorder: Option<Arc<crate::conn::instrument::Recorder>>,
        on_connect: Vec<ConnectHook>,
    ) -> Result<Self> {
        Self::build(url, options, bind, recorder, on_connect, true)
    }

    fn build(
        url: DatabaseUrl,
        options: &PoolOptions,
        bind: Option<String>,
        recorder: Option<Arc<crate::conn::instrument::Recorder>>,
        on_connect: Vec<ConnectHook>,
        replica: bool,
    ) -> Result<Self> {
        let mut options = options.clone();
        options.max_size = options.max_size.max(1);
        if url.backend() == BackendKind::Mysql && options.max_lifetime.is_none() {
            options.max_lifetime = Some(MYSQL_DEFAULT_MAX_LIFETIME);
        }
        if url.is_memory() {
            // In-memory SQLite lives as long as its one connection: every handle shares it and
            // it is never closed while the pool lives.
            options.max_size = 1;
            options.idle_timeout = None;
            options.max_lifetime = None;
            options.null_pool = false;
        }
        let warm = if replica {
            0
        } else {
            options.min_idle.clamp(1, options.max_size)
        };
        let pool = Self {
            shared: Arc::new(Shared {
                replica: replica.then(|| Arc::from(url.masked())),
                url,
                options,
                bind,
                recorder,
                on_connect,
                state: Mutex::new(State::default()),
                freed: Condvar::new(),
            }),
        };
        for _ in 0..warm {
            let slot = pool.open_slot()?;
            if pool.shared.options.null_pool {
                // Opened only to report a bad URL or an unreachable server now, not at the
                // first query.
                pool.echo_pool("close (null pool)");
                break;
            }
            let mut state = pool.lock();
            state.open += 1;
            state.opened_total += 1;
            state.idle.push(slot);
        }
        Ok(pool)
    }

    /// The URL this pool connects to.
    pub fn url(&self) -> &DatabaseUrl {
        &self.shared.url
    }

    /// Connections open and idle.
    pub fn status(&self) -> PoolStatus {
        let s = self.lock();
        PoolStatus {
            open: s.open,
            idle: s.idle.len() as u32,
            opened_total: s.opened_total,
        }
    }

    /// A connection, waiting up to `connection_timeout` for one to be free.
    pub fn get(&self) -> Result<PooledConnection> {
        // Outer `None`: not computed yet; inner `None`: no deadline (the timeout overflows the
        // clock).
        let mut deadline: Option<Option<Instant>> = None;
        let mut state = self.lock();
        loop {
            if let Some(slot) = state.idle.pop() {
                if self.expired(&slot) {
                    state.open -= 1;
                    drop(state);
                    drop(slot);
                    state = self.lock();
                    continue;
                }
                let suspect = matches!((state.lost_at, slot.idle_since), (Some(lost), Some(idle)) if idle <= lost);
                drop(state);
                match self.alive(slot, suspect) {
                    Some(slot) => {
                        self.echo_pool("checkout");
                        return Ok(self.guard(slot));
                    }
                    None => {
                        self.release_place();
                        state = self.lock();
                        continue;
                    }
                }
            }
            if state.open < self.shared.options.max_size {
                state.open += 1;
                drop(state);
                let mut place = Place {
                    pool: self,
                    taken: true,
                };
                let slot = self.open_slot()?;
                place.taken = false;
                self.lock().opened_total += 1;
                self.echo_pool("checkout");
                return Ok(self.guard(slot));
            }
            let timeout = self.shared.options.connection_timeout;
            let deadline = *deadline.get_or_insert_with(|| Instant::now().checked_add(timeout));
            state.waiting += 1;
            state = match deadline {
                None => self
                    .shared
                    .freed
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        state.waiting -= 1;
                        return Err(self.timeout_error(timeout));
                    }
                    self.shared
                        .freed
                        .wait_timeout(state, deadline - now)
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .0
                }
            };
            state.waiting -= 1;
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent across a panic elsewhere (it is updated in single
        // statements), so a poisoned lock is still usable.
        self.shared
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn guard(&self, slot: Slot) -> PooledConnection {
        let recording = self.shared.recorder.is_some();
        if recording {
            crate::conn::instrument::recording_connection_taken();
        }
        PooledConnection {
            slot: Some(slot),
            pool: self.clone(),
            recording,
        }
    }
    /// A pool of exactly one connection of this pool, inside a test transaction (Diesel's
    /// `begin_test_transaction`: never committed), for [`Database::test_transaction`]. Give
    /// the connection back with [`unpin`](Self::unpin).
    ///
    /// [`Database::test_transaction`]: crate::Database::test_transaction
    pub(crate) fn pinned(&self) -> Result<Pool> {
        let mut conn = self.get()?;
        let begun = crate::conn::backend::dispatch!(&mut *conn, |c, DB| c.begin_test_transaction());
        begun.map_err(|e| crate::conn::error::from_diesel(e, None, Some("BEGIN".to_owned())))?;
        let slot = conn.slot.take().expect("present until drop");
        // The origin still counts the connection as in use until `unpin` checks it back in.
        let mut options = self.shared.options.clone();
        options.max_size = 1;
        options.min_idle = 0;
        options.idle_timeout = None;
        options.max_lifetime = None;
        Ok(Pool {
            shared: Arc::new(Shared {
                url: self.shared.url.clone(),
                replica: self.shared.replica.clone(),
                options,
                bind: self.shared.bind.clone(),
                recorder: self.shared.recorder.clone(),
                // The pinned pool never opens a connection.
                on_connect: Vec::new(),
                state: Mutex::new(State {
                    idle: vec![slot],
                    open: 1,
                    waiting: 0,
                    opened_total: 0,
                    lost_at: None,
                }),
                freed: Condvar::new(),
            }),
        })
    }

    /// Takes the pinned connection back from `pinned`, rolls its test transaction back and
    /// returns it to this pool. The pinned pool keeps no connection (and opens none: its one
    /// place stays taken), so a handle kept past the test cannot write outside it.
    pub(crate) fn unpin(&self, pinned: &Pool) -> Result<()> {
        use diesel::connection::TransactionManager;
        let slot = pinned.lock().idle.pop();
        let Some(mut slot) = slot else {
            // Broken inside the test (the pinned pool dropped it), or still checked out.
            self.release_place();
            return Err(Error::Session(
                "test transaction: its connection was broken or is still in use at the end of \
                 the test; the transaction is rolled back when the connection closes"
                    .to_owned(),
            ));
        };
        let rolled_back = crate::conn::backend::dispatch!(&mut *slot.conn, |c, DB| {
            <<DB as crate::conn::backend::FsqlBackend>::Conn as Connection>::TransactionManager::rollback_transaction(c)
        });
        if let Err(e) = rolled_back {
            drop(slot);
            self.release_place();
            return Err(crate::conn::error::from_diesel(
                e,
                None,
                Some("ROLLBACK".to_owned()),
            ));
        }
        self.check_in(slot);
        Ok(())
    }

    /// The options in force (after backend defaults and in-memory limits).
    pub fn options(&self) -> &PoolOptions {
        &self.shared.options
    }

    /// One `echo_pool` event.
    fn echo_pool(&self, what: &str) {
        if self.shared.options.echo_pool {
            tracing::info!(target: "fsql::pool", database = %self.shared.url, bind = %self.bind_name(), "{what}");
        }
    }

    fn open_slot(&self) -> Result<Slot> {
        let mut conn = establish(&self.shared.url)?;
        self.echo_pool("connect");
        for hook in &self.shared.on_connect {
            // Before the instrumentation: the hook's statements are connection setup, not the
            // application's, so they are neither echoed nor recorded.
            hook(&mut conn).map_err(|e| {
                self.shared.url.connection_error(format!(
                    "the on_connect hook of {} failed on a new connection: {e}",
                    self.bind_name()
                ))
            })?;
        }
        let observer = crate::conn::instrument::Observer::new(
            self.shared.url.masked().to_owned(),
            self.shared.bind.clone(),
            self.shared.replica.clone(),
            self.shared.options.echo,
            self.shared.recorder.clone(),
        );
        let flags = Arc::new(Flags::default());
        // Always installed: `tracing` subscribers may come and go while the connection lives,
        // and lost connections are detected through it.
        conn.set_instrumentation(Watch {
            observer,
            flags: Arc::clone(&flags),
        });
        let o = &self.shared.options;
        let now = (o.max_lifetime.is_some() || o.idle_timeout.is_some() || self.pings())
            .then(Instant::now);
        Ok(Slot {
            conn: Box::new(conn),
            flags,
            created: o.max_lifetime.and(now),
            idle_since: now,
        })
    }

    fn expired(&self, slot: &Slot) -> bool {
        let o = &self.shared.options;
        if o.max_lifetime.is_none() && o.idle_timeout.is_none() {
            return false;
        }
        let now = Instant::now();
        let too_old = matches!((o.max_lifetime, slot.created), (Some(max), Some(t)) if now.saturating_duration_since(t) >= max);
        let idle_too_long = matches!((o.idle_timeout, slot.idle_since), (Some(max), Some(t)) if now.saturating_duration_since(t) >= max);
        too_old || idle_too_long
    }

    /// `None` when the server has closed the connection. `suspect`: idle since before another
    /// connection of the pool was found lost.
    fn alive(&self, mut slot: Slot, suspect: bool) -> Option<Slot> {
        if !self.pings() {
            return Some(slot);
        }
        let idle = slot.idle_since.map(|t| t.elapsed());
        if idle.is_none_or(|d| d >= SOCKET_CHECK_AFTER_IDLE) && !socket_open(&mut slot.conn) {
            return None;
        }
        let idle_long = idle.is_none_or(|d| d >= self.shared.options.validate_after_idle);
        if suspect || idle_long {
            slot.flags.quiet.store(true, Ordering::Relaxed);
            let ok = slot.conn.batch_execute("SELECT 1").is_ok();
            slot.flags.quiet.store(false, Ordering::Relaxed);
            if !ok {
                return None;
            }
        }
        Some(slot)
    }

    fn pings(&self) -> bool {
        self.shared.url.backend() != BackendKind::Sqlite
    }

    fn check_in(&self, mut slot: Slot) {
        self.echo_pool("checkin");
        if self.shared.options.null_pool {
            drop(slot);
            self.echo_pool("close (null pool)");
            self.release_place();
            return;
        }
        if slot.flags.lost.load(Ordering::Relaxed) {
            self.echo_pool("close (connection lost)");
            drop(slot);
            let mut state = self.lock();
            state.lost_at = Some(Instant::now());
            self.release_locked(state);
            return;
        }
        if is_broken(&mut slot.conn) {
            self.echo_pool("close (left in a broken transaction)");
            drop(slot);
            self.release_place();
            return;
        }
        if slot.idle_since.is_some() {
            slot.idle_since = Some(Instant::now());
        }
        let mut state = self.lock();
        state.idle.push(slot);
        self.wake_one(state);
    }

    /// Wakes a waiter, if any, after unlocking: woken while the lock is still held, it would
    /// only block again on the lock (a second context switch per hand-over under load).
    fn wake_one(&self, state: MutexGuard<'_, State>) {
        let waiting = state.waiting > 0;
        drop(state);
        if waiting {
            self.shared.freed.notify_one();
        }
    }

    fn release_place(&self) {
        self.release_locked(self.lock());
    }

    fn release_locked(&self, mut state: MutexGuard<'_, State>) {
        state.open -= 1;
        self.wake_one(state);
    }

    fn bind_name(&self) -> String {
        match &self.shared.bind {
            Some(key) => format!("bind `{key}`"),
            None => "the default bind".to_owned(),
        }
    }

    fn timeout_error(&self, timeout: Duration) -> Error {
        let max = self.shared.options.max_size;
        let hint = if self.shared.url.is_memory() {
            "; an in-memory SQLite database has exactly one connection: release the connection \
             you hold (db.connection()) before running a query through the Database"
        } else {
            "; raise PoolOptions::max_size or hold connections for less time"
        };
        Error::Connection {
            url: self.shared.url.masked().to_owned(),
            source: format!(
                "timed out after {timeout:?} waiting for a free connection of {}: all {max} \
                 connection(s) of the pool are in use (pool size {max}){hint}",
                self.bind_name()
            )
            .into(),
        }
    }
}

/// Whether the server has not closed a connection's socket, without a round trip: libpq reads
/// what the socket has (non-blocking). A terminated backend sends its FATAL message, which
/// libpq takes as a notice while idle, then closes: the first read may consume the message,
/// the second sees the end of the stream.
fn socket_open(conn: &mut AnyConnection) -> bool {
    match conn {
        #[cfg(feature = "postgres")]
        AnyConnection::Postgres(c) => {
            let mut notices = c.notifications_iter();
            !matches!(notices.next(), Some(Err(_))) && !matches!(notices.next(), Some(Err(_)))
        }
        #[allow(unreachable_patterns)]
        _ => true,
    }
}

/// A connection checked out of a bind's pool; goes back to the pool when dropped.
pub struct PooledConnection {
    slot: Option<Slot>,
    pool: Pool,
    /// Its statements are recorded (counted per thread while it is out, see
    /// [`recording_connection_taken`](crate::conn::instrument::recording_connection_taken)).
    recording: bool,
}
impl Deref for PooledConnection {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.slot.as_ref().expect("present until drop").conn
    }
}

impl DerefMut for PooledConnection {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.slot.as_mut().expect("present until drop").conn
    }
}

impl Drop for PooledConnection {
    fn drop(&mut self) {
        if self.recording {
            crate::conn::instrument::recording_connection_returned();
        }
        if let Some(slot) = self.slot.take() {
            self.pool.check_in(slot);
        }
    }
}

impl fmt::Debug for PooledConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PooledConnection")
            .field("url", &self.pool.shared.url)
            .finish()
    }
}

/// A connection left inside a transaction by a panic, or whose transaction state is broken,
/// is not reused (Diesel's own test, the one its r2d2 integration uses).
fn is_broken(conn: &mut AnyConnection) -> bool {
    use diesel::connection::TransactionManager;
    crate::conn::backend::dispatch!(conn, |c, DB| {
        <<DB as crate::conn::backend::FsqlBackend>::Conn as Connection>::TransactionManager::is_broken_transaction_manager(c)
    })
}

/// Opens one connection with the driver defaults applied.
pub fn establish(url: &DatabaseUrl) -> Result<AnyConnection> {
    // The driver's own words, which may quote the URL, pass through the one scrubber.
    let connection_error =
        |source: Box<dyn std::error::Error + Send + Sync>| url.connection_error(source);
    match url.backend() {
        #[cfg(feature = "sqlite")]
        BackendKind::Sqlite => {
            use crate::conn::url::SqliteTarget;
            let path = match url.sqlite_target() {
                Some(SqliteTarget::File(p) | SqliteTarget::Uri { uri: p, .. }) => p.as_str(),
                _ => ":memory:",
            };
            let mut conn = diesel::sqlite::SqliteConnection::establish(path).map_err(|e| {
                let dir = std::path::Path::new(path)
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .map_or_else(|| ".".to_owned(), |d| d.display().to_string());
                connection_error(
                    format!(
                        "{e} (path `{path}`, relative paths are relative to the working \
                         directory; check that the directory `{dir}` exists and is writable)"
                    )
                    .into(),
                )
            })?;
            // Flask-SQLAlchemy users get foreign keys enforced by convention (a connect
            // event); SQLite leaves them off unless asked, so ask on every connection.
            let pragmas = format!(
                "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {};",
                SQLITE_BUSY_TIMEOUT.as_millis()
            );
            diesel::connection::SimpleConnection::batch_execute(&mut conn, &pragmas)
                .map_err(|e| connection_error(Box::new(e)))?;
            Ok(AnyConnection::Sqlite(conn))
        }
        #[cfg(feature = "postgres")]
        BackendKind::Postgres => {
            let driver_url = url.driver_url().unwrap_or_default();
            diesel::pg::PgConnection::establish(&driver_url)
                .map(AnyConnection::Postgres)
                .map_err(|e| connection_error(Box::new(e)))
        }
        // Diesel sets utf8mb4 and UTC on every MySQL connection it opens; a URL's `charset`
        // (SQLAlchemy's) replaces utf8mb4.
        #[cfg(feature = "mysql")]
        BackendKind::Mysql => {
            let driver_url = url.driver_url().unwrap_or_default();
            #[allow(unused_mut)]
            let mut conn = diesel::mysql::MysqlConnection::establish(&driver_url)
                .map_err(|e| connection_error(Box::new(e)))?;
            // Oracle's libmysqlclient (what `mysql-bundled` builds) keeps a failed execution's
            // error on the statement handle, and Diesel reads it again when that cached
            // statement is next bound: the following query on it fails with the old error
            // (diesel-rs/diesel#4109). A statement prepared per execution has no old error.
            // libmariadb, the system library fsql is tested with, clears it and keeps the
            // cache.
            #[cfg(feature = "mysql-bundled")]
            conn.set_prepared_statement_cache_size(diesel::connection::CacheSize::Disabled);
            if let Some(charset) = url.mysql_charset() {
                // One of a fixed list of names, never the URL's own text.
                diesel::connection::SimpleConnection::batch_execute(
                    &mut conn,
                    &format!("SET NAMES {charset}"),
                )
                .map_err(|e| connection_error(Box::new(e)))?;
            }
            Ok(AnyConnection::Mysql(conn))
        }
        #[allow(unreachable_patterns)]
        other => Err(Error::Url {
            url: url.masked().to_owned(),
            reason: format!(
                "the `{other}` backend is not compiled in; enable fsql's `{}` feature",
                match other {
                    BackendKind::Postgres => "postgres",
                    BackendKind::Mysql => "mysql",
                    BackendKind::Sqlite => "sqlite",
                }
            ),
        }),
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use super::*;

    fn file_pool(options: PoolOptions) -> (Pool, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::parse(&format!("sqlite:///{}", dir.path().join("p.db").display()))
            .unwrap();
        (Pool::new(url, &options).unwrap(), dir)
    }

    #[test]
    fn reuses_connections_and_grows_to_max() {
        let (pool, _d) = file_pool(PoolOptions {
            max_size: 3,
            ..Default::default()
        });
        assert_eq!(
            pool.status(),
            PoolStatus {
                open: 1,
                idle: 1,
                opened_total: 1
            }
        );
        drop(pool.get().unwrap());
        drop(pool.get().unwrap());
        assert_eq!(
            pool.status().opened_total,
            1,
            "the idle connection is reused"
        );
        let a = pool.get().unwrap();
        let b = pool.get().unwrap();
        let c = pool.get().unwrap();
        assert_eq!(
            pool.status(),
            PoolStatus {
                open: 3,
                idle: 0,
                opened_total: 3
            }
        );
        drop((a, b, c));
        assert_eq!(
            pool.status(),
            PoolStatus {
                open: 3,
                idle: 3,
                opened_total: 3
            }
        );
    }

    #[test]
    fn waits_for_a_free_connection_then_times_out_with_a_clear_error() {
        let (pool, _d) = file_pool(PoolOptions {
            max_size: 1,
            connection_timeout: Duration::from_millis(50),
            ..Default::default()
        });
        let held = pool.get().unwrap();
        let e = pool.get().unwrap_err().to_string();
        assert!(
            e.contains("all 1 connection(s) of the pool are in use"),
            "{e}"
        );
        drop(held);
    }

    #[test]
    fn a_waiter_is_woken_when_the_connection_comes_back() {
        // A timeout far above any scheduling delay: the waiter must be woken by the check-in,
        // not by its deadline.
        let (pool, _d) = file_pool(PoolOptions {
            max_size: 1,
            connection_timeout: Duration::from_secs(30),
            ..Default::default()
        });
        let held = pool.get().unwrap();
        let p2 = pool.clone();
        let waiter = std::thread::spawn(move || {
            let started = Instant::now();
            p2.get().map(|_| started.elapsed())
        });
        std::thread::sleep(Duration::from_millis(50));
        drop(held);
        let waited = waiter.join().unwrap().unwrap();
        assert!(
            waited < Duration::from_secs(30),
            "woken by the deadline: {waited:?}"
        );
        assert_eq!(
            pool.status().opened_total,
            1,
            "the same connection was handed over"
        );
    }

    #[test]
    fn many_threads_share_a_small_pool() {
        let (pool, _d) = file_pool(PoolOptions {
            max_size: 2,
            ..Default::default()
        });
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let pool = pool.clone();
                std::thread::spawn(move || {
                    for _ in 0..200 {
                        let mut c = pool.get().unwrap();
                        diesel::connection::SimpleConnection::batch_execute(&mut *c, "SELECT 1")
                            .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let s = pool.status();
        assert!(s.open <= 2 && s.opened_total <= 2, "{s:?}");
    }

    #[test]
    fn connections_past_their_lifetime_are_replaced() {
        let (pool, _d) = file_pool(PoolOptions {
            max_lifetime: Some(Duration::from_millis(1)),
            ..Default::default()
        });
        std::thread::sleep(Duration::from_millis(5));
        drop(pool.get().unwrap());
        assert_eq!(pool.status().opened_total, 2);
        assert_eq!(pool.status().open, 1);
    }

    #[test]
    fn a_connection_left_in_a_transaction_is_not_reused() {
        let (pool, _d) = file_pool(PoolOptions::default());
        {
            let mut c = pool.get().unwrap();
            #[allow(irrefutable_let_patterns)] // one variant when only `sqlite` is on
            let AnyConnection::Sqlite(s) = &mut *c
            else {
                panic!("a sqlite:/// URL opens SQLite connections");
            };
            use diesel::connection::TransactionManager;
            <diesel::sqlite::SqliteConnection as Connection>::TransactionManager::begin_transaction(s).unwrap();
        }
        assert_eq!(
            pool.status(),
            PoolStatus {
                open: 0,
                idle: 0,
                opened_total: 1
            }
        );
        drop(pool.get().unwrap());
        assert_eq!(pool.status().opened_total, 2);
    }

    #[test]
    fn memory_pools_have_one_connection_that_never_expires() {
        let url = DatabaseUrl::parse("sqlite://").unwrap();
        let pool = Pool::new(
            url,
            &PoolOptions {
                max_size: 5,
                max_lifetime: Some(Duration::ZERO),
                ..Default::default()
            },
        )
        .unwrap();
        drop(pool.get().unwrap());
        drop(pool.get().unwrap());
        assert_eq!(
            pool.status(),
            PoolStatus {
                open: 1,
                idle: 1,
                opened_total: 1
            }
        );
    }
}
