//! Read replicas of a bind: which server serves a read.
//!
//! A bind may have read replicas ([`DatabaseBuilder::replica`](crate::DatabaseBuilder::replica)).
//! A read through `&Database` asks the bind's replica set for a connection; `None`
//! sends it to the primary. The rules, in order:
//!
//! 1. inside [`Database::primary`](crate::Database::primary), the primary;
//! 2. within [`ReplicaOptions::read_your_writes`] of this thread's last write to the bind
//!    through the `Database`, the primary (so a row just written is read back);
//! 3. otherwise the replicas in turn (round robin), skipping one that is down (it could not be
//!    connected to within the last [`ReplicaOptions::retry_after`]) or lagging (its measured
//!    lag above [`ReplicaOptions::max_lag`]);
//! 4. no replica left: the primary, without an error.
//!
//! Writes, sessions (their reads too), DDL and connections asked for by hand never come here:
//! they go to the primary.
//!
//! Health is learned from the reads themselves, not from a background thread: a replica that
//! refuses a connection is marked down and tried again by the first read after `retry_after`;
//! its lag is measured by the first read after [`ReplicaOptions::lag_check_interval`], on the
//! connection that read was given. Choosing costs a read of a thread-local, an atomic
//! increment and an atomic load when no lag bound is set (measured: 1–2% of a W1 lookup on
//! SQLite, see `benches/replicas.rs`), and an uncontended lock and a clock read more when
//! one is.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::conn::backend::{dispatch, FsqlBackend};
use crate::conn::pool::{Pool, PooledConnection};

/// How reads choose among a bind's replicas. Set with
/// [`DatabaseBuilder::replica_options`](crate::DatabaseBuilder::replica_options) or the
/// `[replicas]` table of a TOML configuration.
///
/// ```
/// use std::time::Duration;
/// use fsql_diesel::ReplicaOptions;
///
/// let options = ReplicaOptions {
///     max_lag: Some(Duration::from_secs(5)),
///     read_your_writes: Duration::from_millis(500),
///     ..ReplicaOptions::default()
/// };
/// assert_eq!(options.retry_after, Duration::from_secs(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaOptions {
    /// A replica measured further behind its primary than this serves no reads until it has
    /// caught up. `None` (the default): lag is not measured. PostgreSQL only: the lag is
    /// `now() - pg_last_xact_replay_timestamp()` on a standby that has not replayed all it
    /// received, else zero; setting it for a bind whose replicas are on another backend is a
    /// configuration error.
    pub max_lag: Option<Duration>,
    /// How old a replica's lag measurement may be before a read measures it again (one
    /// query, on the connection the read was given). Default 1 s.
    pub lag_check_interval: Duration,
    /// After a write through `&Database` (an `insert`, `save`, `delete`, bulk `update` or
    /// `delete`, a session's commit), the same thread reads that bind from the primary for
    /// this long, so it sees what it wrote ("read your writes"). Default 1 s;
    /// `Duration::ZERO` turns it off.
    pub read_your_writes: Duration,
    /// A replica that could not be connected to is left alone this long, its reads going to
    /// the others or to the primary; the first read after it tries again. Default 2 s.
    pub retry_after: Duration,
}

impl Default for ReplicaOptions {
    fn default() -> Self {
        Self {
            max_lag: None,
            lag_check_interval: Duration::from_secs(1),
            read_your_writes: Duration::from_secs(1),
            retry_after: Duration::from_secs(2),
        }
    }
}

/// The `tracing` target of replica health events: a replica marked down, lagging, or back.
pub const REPLICA_TARGET: &str = "fsql::replica";

/// The read replicas of one bind.
pub(crate) struct ReplicaSet {
    /// Tells this set's writes apart in the thread's memory of recent writes.
    id: usize,
    replicas: Vec<Replica>,
    next: AtomicUsize,
    options: ReplicaOptions,
}

struct Replica {
    pool: Pool,
    /// Set while the replica is marked down: a healthy replica without a lag bound is
    /// handed out on this one load, without the lock or the clock.
    troubled: AtomicBool,
    health: Mutex<Health>,
}

#[derive(Default)]
struct Health {
    /// Connecting failed; not tried again before this.
    down_until: Option<Instant>,
    /// When the lag was last measured (or a measurement was started).
    lag_checked: Option<Instant>,
    /// The last measurement was above `max_lag`.
    lagging: bool,
}

thread_local! {
    /// Depth of `Database::primary` calls on this thread.
    static PRIMARY_ONLY: Cell<u32> = const { Cell::new(0) };
    /// This thread's last write to each replicated bind (by set id): few entries, since a
    /// thread writes to few binds; pruned as they expire.
    static RECENT_WRITES: RefCell<Vec<(usize, Instant)>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with every read of this thread going to the primary.
pub(crate) fn on_primary<R>(f: impl FnOnce() -> R) -> R {
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            PRIMARY_ONLY.with(|d| d.set(d.get().saturating_sub(1)));
        }
    }
    PRIMARY_ONLY.with(|d| d.set(d.get().saturating_add(1)));
    let _leave = Leave;
    f()
}

impl ReplicaSet {
    pub(crate) fn new(pools: Vec<Pool>, options: ReplicaOptions) -> Self {
        static NEXT_ID: AtomicUsize = AtomicUsize::new(0);
        Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            replicas: pools
                .into_iter()
                .map(|pool| Replica {
                    pool,
                    troubled: AtomicBool::new(false),
                    health: Mutex::new(Health::default()),
                })
                .collect(),
            next: AtomicUsize::new(0),
            options,
        }
    }

    /// The replicas' pools, in configuration order.
    pub(crate) fn pools(&self) -> impl Iterator<Item = &Pool> {
        self.replicas.iter().map(|r| &r.pool)
    }

    /// A connection to a healthy replica for a read, or `None`: read from the primary.
    pub(crate) fn read_connection(&self) -> Option<PooledConnection> {
        if PRIMARY_ONLY.with(Cell::get) > 0 || self.wrote_recently() {
            return None;
        }
        let n = self.replicas.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        (0..n).find_map(|i| self.replicas[(start + i) % n].checkout(&self.options))
    }

    /// Remembers a write of this thread to the bind, for `read_your_writes`.
    pub(crate) fn note_write(&self) {
        if self.options.read_your_writes.is_zero() {
            return;
        }
        let now = Instant::now();
        RECENT_WRITES.with(|w| {
            let mut w = w.borrow_mut();
            match w.iter_mut().find(|(id, _)| *id == self.id) {
                Some(entry) => entry.1 = now,
                None => w.push((self.id, now)),
            }
        });
    }

    fn wrote_recently(&self) -> bool {
        let window = self.options.read_your_writes;
        RECENT_WRITES.with(|w| {
            let mut w = w.borrow_mut();
            // No clock read for a thread that has written nothing lately.
            if w.is_empty() {
                return false;
            }
            let now = Instant::now();
            w.retain(|(_, at)| now.saturating_duration_since(*at) < window);
            w.iter().any(|(id, _)| *id == self.id)
        })
    }
}

impl Replica {
    fn health(&self) -> std::sync::MutexGuard<'_, Health> {
        // A panic while the lock was held leaves only timestamps behind: still usable.
        self.health.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A connection, or `None` when this replica should not serve the read.
    fn checkout(&self, options: &ReplicaOptions) -> Option<PooledConnection> {
        if options.max_lag.is_none() && !self.troubled.load(Ordering::Relaxed) {
            return match self.pool.get() {
                Ok(conn) => Some(conn),
                Err(e) => {
                    self.mark_down(options, &e);
                    None
                }
            };
        }
        let (measure, was_down) = {
            let mut health = self.health();
            let was_down = health.down_until.is_some();
            let now = (was_down || options.max_lag.is_some()).then(Instant::now);
            if let (Some(until), Some(now)) = (health.down_until, now) {
                if now < until {
                    return None;
                }
            }
            match (options.max_lag, now) {
                (Some(_), Some(now)) => {
                    let stale = health.lag_checked.is_none_or(|at| {
                        now.saturating_duration_since(at) >= options.lag_check_interval
                    });
                    if !stale && health.lagging {
                        return None;
                    }
                    if stale {
                        // Claimed: readers arriving meanwhile go by the last measurement.
                        health.lag_checked = Some(now);
                    }
                    (stale, was_down)
                }
                _ => (false, was_down),
            }
        };
        let mut conn = match self.pool.get() {
            Ok(conn) => conn,
            Err(e) => {
                self.mark_down(options, &e);
                return None;
            }
        };
        if was_down {
            self.mark_up();
        }
        if measure {
            let max = options.max_lag?;
            match dispatch!(&mut *conn, |c, DB| <DB as FsqlBackend>::replica_lag(c)) {
                Some(Ok(lag)) => {
                    let lagging = lag > max;
                    let was = std::mem::replace(&mut self.health().lagging, lagging);
                    if lagging != was {
                        tracing::warn!(
                            target: REPLICA_TARGET,
                            replica = %self.pool.url(),
                            ?lag,
                            ?max,
                            "{}",
                            if lagging {
                                "replica lags beyond max_lag; its reads go elsewhere"
                            } else {
                                "replica caught up; it serves reads again"
                            }
                        );
                    }
                    if lagging {
                        return None;
                    }
                }
                Some(Err(e)) => {
                    // Not knowing the lag is not knowing the data is fresh enough.
                    self.health().lagging = true;
                    tracing::warn!(target: REPLICA_TARGET, replica = %self.pool.url(), error = %e,
                        "could not measure the replica's lag; its reads go elsewhere");
                    return None;
                }
                // Refused at configuration time for backends that cannot tell.
                None => {}
            }
        }
        Some(conn)
    }

    fn mark_down(&self, options: &ReplicaOptions, error: &fsql_core::Error) {
        let first = {
            let mut health = self.health();
            let first = health.down_until.is_none();
            let now = Instant::now();
            // A `retry_after` too large for the clock: as good as never, a year.
            health.down_until = now
                .checked_add(options.retry_after)
                .or_else(|| now.checked_add(Duration::from_secs(365 * 24 * 3600)))
                .or(Some(now));
            self.troubled.store(true, Ordering::Relaxed);
            first
        };
        if first {
            tracing::warn!(target: REPLICA_TARGET, replica = %self.pool.url(), %error,
                retry_after = ?options.retry_after,
                "replica unavailable; its reads go to the other replicas or the primary");
        }
    }

    fn mark_up(&self) {
        let mut health = self.health();
        self.troubled.store(false, Ordering::Relaxed);
        if health.down_until.take().is_some() {
            drop(health);
            tracing::info!(target: REPLICA_TARGET, replica = %self.pool.url(),
                "replica answers again; it serves reads");
        }
    }
}
