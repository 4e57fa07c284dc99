//! One writer at a time per SQLite file, in arrival order, within the process.
//!
//! SQLite's busy handler polls: a writer that finds the lock taken sleeps (1, 2, 5 ... 100 ms)
//! and tries again, and under steady contention an unlucky one keeps missing the lock until its
//! busy timeout expires with "database is locked" (46 of 8 × 1,000 single-row inserts on one
//! file, measured, even with `BEGIN IMMEDIATE`). Writers of this process instead queue here
//! first, in ticket order, and reach SQLite one at a time; the busy timeout still covers other
//! processes. A writer that waits longer than [`SQLITE_BUSY_TIMEOUT`] (a write nested inside
//! another on the same thread, say) goes on to SQLite without its turn, so the gate can delay
//! a write but never hang one.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, Weak};
use std::time::{Duration, Instant};

use crate::conn::pool::SQLITE_BUSY_TIMEOUT;
use crate::conn::url::{DatabaseUrl, SqliteTarget};

/// The write queue of one SQLite file.
#[derive(Debug, Default)]
pub(crate) struct WriteGate {
    state: Mutex<Tickets>,
    turn_over: Condvar,
}

#[derive(Debug, Default)]
struct Tickets {
    next: u64,
    serving: u64,
    /// Tickets whose holders stopped waiting: skipped when their turn comes.
    abandoned: BTreeSet<u64>,
}

/// A writer's turn; the next one's begins when this is dropped.
#[derive(Debug)]
pub(crate) struct WriteTurn {
    gate: Arc<WriteGate>,
}

impl WriteGate {
    /// The gate of a SQLite file (shared by every `Database` of the process on that file);
    /// `None` for servers and in-memory databases (one connection, nothing to queue).
    pub(crate) fn for_url(url: &DatabaseUrl) -> Option<Arc<Self>> {
        let path = url.sqlite_target().and_then(SqliteTarget::file_path)?;
        let key = std::fs::canonicalize(&path).unwrap_or_else(|_| PathBuf::from(&path));
        static GATES: OnceLock<Mutex<HashMap<PathBuf, Weak<WriteGate>>>> = OnceLock::new();
        let mut gates = GATES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        gates.retain(|_, gate| gate.strong_count() > 0);
        if let Some(gate) = gates.get(&key).and_then(Weak::upgrade) {
            return Some(gate);
        }
        let gate = Arc::new(Self::default());
        gates.insert(key, Arc::downgrade(&gate));
        Some(gate)
    }

    fn lock(&self) -> MutexGuard<'_, Tickets> {
        // Every update is a single step, so a panic elsewhere leaves the tickets consistent.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits for this writer's turn, at most [`SQLITE_BUSY_TIMEOUT`].
    pub(crate) fn enter(self: &Arc<Self>) -> Option<WriteTurn> {
        self.enter_within(SQLITE_BUSY_TIMEOUT)
    }

    fn enter_within(self: &Arc<Self>, patience: Duration) -> Option<WriteTurn> {
        let deadline = Instant::now().checked_add(patience);
        let mut state = self.lock();
        let ticket = state.next;
        state.next += 1;
        while state.serving != ticket {
            let left = deadline.map_or(patience, |d| d.saturating_duration_since(Instant::now()));
            if left.is_zero() {
                state.abandoned.insert(ticket);
                return None;
            }
            state = self
                .turn_over
                .wait_timeout(state, left)
                .map(|(s, _)| s)
                .unwrap_or_else(|poisoned| poisoned.into_inner().0);
        }
        Some(WriteTurn { gate: self.clone() })
    }
}

impl Drop for WriteTurn {
    fn drop(&mut self) {
        let mut state = self.gate.lock();
        state.serving += 1;
        let Tickets {
            serving, abandoned, ..
        } = &mut *state;
        while abandoned.remove(serving) {
            *serving += 1;
        }
        drop(state);
        self.gate.turn_over.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writers_take_turns_in_arrival_order_and_an_impatient_one_is_skipped() {
        let gate = Arc::new(WriteGate::default());
        let first = gate.enter().unwrap();
        assert!(
            gate.enter_within(Duration::from_millis(10)).is_none(),
            "busy: gives up"
        );
        let order = Arc::new(Mutex::new(Vec::new()));
        let waiters: Vec<_> = (0..4)
            .map(|i| {
                let (mine, order) = (gate.clone(), order.clone());
                let t = std::thread::spawn(move || {
                    let _turn = mine.enter().unwrap();
                    order.lock().unwrap().push(i);
                });
                // Each takes its ticket before the next thread starts.
                while gate.lock().next < i + 3 {
                    std::thread::sleep(Duration::from_millis(1));
                }
                t
            })
            .collect();
        drop(first);
        for w in waiters {
            w.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3]);
        assert!(gate.enter_within(Duration::ZERO).is_some(), "free again");
    }
}
