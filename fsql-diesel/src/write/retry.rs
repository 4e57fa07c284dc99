//! [`Database::transaction_with_retry`]: a transaction the database asked to run again, run
//! again.
//!
//! PostgreSQL at `REPEATABLE READ` or `SERIALIZABLE` aborts a transaction that cannot be
//! ordered with a concurrent one (SQLSTATE 40001), every backend aborts one side of a deadlock
//! (PostgreSQL 40P01, MySQL/MariaDB error 1213), and the distributed PostgreSQL-compatible
//! engines (CockroachDB, YugabyteDB) answer contention with 40001 at any isolation level. The
//! transaction did nothing; running it again usually succeeds. This is the loop every such
//! application writes, with backoff.

use std::hash::{BuildHasher, Hasher};
use std::panic::Location;
use std::time::Duration;

use crate::conn::instrument::with_location;
use crate::database::Database;
use crate::write::session::Session;
use fsql_core::Result;

/// The `tracing` target of the warning logged before each retry.
pub const RETRY_TARGET: &str = "fsql::retry";

/// How [`Database::transaction_with_retry_policy`] runs a transaction again.
///
/// ```
/// use std::time::Duration;
/// use fsql_diesel::RetryPolicy;
///
/// let patient = RetryPolicy { max_attempts: 10, ..RetryPolicy::default() };
/// assert_eq!(patient.initial_backoff, Duration::from_millis(10));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Runs of the transaction at most, the first included (0 counts as 1). Default 5.
    pub max_attempts: u32,
    /// The wait before the second run; each later wait doubles, up to `max_backoff`, and is
    /// spread by up to half again at random so that the transactions that collided do not
    /// collide again. Default 10 ms.
    pub initial_backoff: Duration,
    /// The longest wait between two runs. Default 1 s.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_secs(1),
        }
    }
}

impl RetryPolicy {
    /// The wait after the `failed`-th run failed (1-based).
    fn backoff(&self, failed: u32) -> Duration {
        let doubled = self
            .initial_backoff
            .checked_mul(1u32 << failed.saturating_sub(1).min(30))
            .unwrap_or(self.max_backoff);
        let base = doubled.min(self.max_backoff);
        // `RandomState` is seeded at random per instance: jitter without a dependency.
        let random = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        let jitter = base.mul_f64((random % 1000) as f64 / 2000.0);
        base.saturating_add(jitter)
    }
}

impl Database {
    /// Runs `f` in a new [`Session`] and commits it; when `f` or the commit fails with a
    /// [serialization failure or a deadlock](fsql_core::Error::is_retryable), rolls back,
    /// waits and runs `f` again in a fresh session, up to [`RetryPolicy::default`]'s 5 runs.
    /// Any other error, or the last retryable one, is returned as it is, after a rollback.
    ///
    /// `f` may run more than once: keep side effects outside the database (sending mail,
    /// pushing to a queue) after this returns. It runs on the primary, as every session does.
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Account {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub balance: i64,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # let mut s = db.session();
    /// # s.add(Account { id: 1, balance: 100 });
    /// # s.add(Account { id: 2, balance: 0 });
    /// # s.commit()?;
    /// db.transaction_with_retry(|session| {
    ///     let from = Account::query().get_or_404(&mut *session, 1)?;
    ///     let to = Account::query().get_or_404(&mut *session, 2)?;
    ///     session.update(Account { balance: from.balance - 10, ..from });
    ///     session.update(Account { balance: to.balance + 10, ..to });
    ///     Ok(())
    /// })?;
    /// # assert_eq!(Account::query().get_or_404(&db, 2)?.balance, 10);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn transaction_with_retry<R>(&self, f: impl FnMut(&mut Session) -> Result<R>) -> Result<R> {
        let location = Location::caller();
        with_location(location, || self.retry_loop(&RetryPolicy::default(), f))
    }

    /// [`transaction_with_retry`](Self::transaction_with_retry) with a policy of your own.
    #[track_caller]
    pub fn transaction_with_retry_policy<R>(
        &self,
        policy: &RetryPolicy,
        f: impl FnMut(&mut Session) -> Result<R>,
    ) -> Result<R> {
        let location = Location::caller();
        with_location(location, || self.retry_loop(policy, f))
    }

    fn retry_loop<R>(
        &self,
        policy: &RetryPolicy,
        mut f: impl FnMut(&mut Session) -> Result<R>,
    ) -> Result<R> {
        let attempts = policy.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            let mut session = self.session();
            let outcome = f(&mut session).and_then(|out| session.commit().map(|()| out));
            match outcome {
                Ok(out) => return Ok(out),
                Err(error) if error.is_retryable() && attempt < attempts => {
                    // Dropping the session rolls back whatever it still holds open.
                    drop(session);
                    let wait = policy.backoff(attempt);
                    tracing::warn!(target: RETRY_TARGET, attempt, ?wait, %error,
                        "transaction failed and may succeed if run again; running it again");
                    std::thread::sleep(wait);
                    attempt += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_bound_with_at_most_half_again_of_jitter() {
        let policy = RetryPolicy {
            max_attempts: 50,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(100),
        };
        for (failed, base) in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (40, 100)] {
            let base = Duration::from_millis(base);
            let wait = policy.backoff(failed);
            assert!(
                wait >= base && wait <= base.mul_f64(1.5),
                "after run {failed}: {wait:?} outside [{base:?}, 1.5 × {base:?}]"
            );
        }
        let huge = RetryPolicy {
            initial_backoff: Duration::MAX,
            ..policy
        };
        assert!(huge.backoff(3) <= Duration::from_millis(150));
    }
}
