//! A steadier fsql/diesel_raw ratio on a shared machine: the two units run alternately, one
//! each per round, and the ratio of their medians is printed beside criterion's groups.
//! Criterion measures one variant after the other, seconds or minutes apart, and on a 2-core
//! machine that someone else also uses, the load can change in between (bimodal samples,
//! ±50% on a server round trip); alternating puts both sides under the same load.

#![allow(dead_code)]

use std::time::{Duration, Instant};

/// At least this many rounds, then more while the time budget lasts (up to `MAX_ROUNDS`).
const MIN_ROUNDS: usize = 5;
const MAX_ROUNDS: usize = 100;
const BUDGET: Duration = Duration::from_secs(4);

/// Runs `fsql` and `raw` alternately, each repetition after its own untimed `prepare`, and
/// prints `<group>: <what> interleaved …` (`what`: the two variants' names, e.g.
/// `fsql/diesel_raw`). Does nothing under the unit harness (`harness_mode`), whose counts need
/// no such pre-pass.
pub fn ratio<I, J>(
    group: &str,
    what: &str,
    harness_mode: bool,
    mut fsql_prepare: impl FnMut() -> I,
    mut fsql: impl FnMut(I),
    mut raw_prepare: impl FnMut() -> J,
    mut raw: impl FnMut(J),
) {
    if harness_mode {
        return;
    }
    let (mut f, mut r) = (Vec::new(), Vec::new());
    let start = Instant::now();
    while f.len() < MIN_ROUNDS || (start.elapsed() < BUDGET && f.len() < MAX_ROUNDS) {
        let input = fsql_prepare();
        let t = Instant::now();
        fsql(input);
        f.push(t.elapsed());
        let input = raw_prepare();
        let t = Instant::now();
        raw(input);
        r.push(t.elapsed());
    }
    f.sort();
    r.sort();
    let (fm, rm) = (f[f.len() / 2], r[r.len() / 2]);
    eprintln!(
        "{group}: {what} interleaved over {} rounds: median ratio {:.3} ({fm:.2?} / \
         {rm:.2?}), min ratio {:.3}",
        f.len(),
        fm.as_secs_f64() / rm.as_secs_f64(),
        f[0].as_secs_f64() / r[0].as_secs_f64()
    );
}
