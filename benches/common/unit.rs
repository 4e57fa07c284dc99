//! One timed unit of a workload, run by criterion or alone for an instruction count.
//!
//! Every benchmark registers its variants through [`iter`] or [`iter_prepared`] instead of
//! `group.bench_function`. Without `FSQL_BENCH_UNIT` they are criterion benchmarks as usual.
//! With it, the binary is the instruction-count harness that `benches/instructions.py` runs
//! under `valgrind --tool=callgrind --toggle-collect=fsql_bench_timed_unit`:
//!
//! - `FSQL_BENCH_UNIT=list` prints the name of every variant (`<group>/<variant>`), one per
//!   line, and runs none;
//! - `FSQL_BENCH_UNIT=<group>/<variant>` runs that variant's unit once as a warm-up and then
//!   `FSQL_BENCH_REPS` times (default 3) inside [`fsql_bench_timed_unit`], the only function
//!   callgrind counts, so setup, seeding and the untimed preparation stay out of the count.
//!
//! Instruction counts do not move with machine load, so a ratio of two of them is exact where
//! criterion's wall-clock ratio on a shared 2-core machine is ±5%.

#![allow(dead_code)]

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::BenchmarkGroup;

/// What the binary was asked to do.
enum Mode {
    Criterion,
    List,
    Run { name: String, reps: u32 },
}

fn mode() -> &'static Mode {
    static MODE: OnceLock<Mode> = OnceLock::new();
    MODE.get_or_init(|| match std::env::var("FSQL_BENCH_UNIT") {
        Err(_) => Mode::Criterion,
        Ok(v) if v == "list" => Mode::List,
        Ok(name) => {
            let reps = match std::env::var("FSQL_BENCH_REPS") {
                Err(_) => 3,
                Ok(r) => r.parse().unwrap_or_else(|_| {
                    panic!("FSQL_BENCH_REPS must be a positive whole number, got {r:?}")
                }),
            };
            assert!(reps > 0, "FSQL_BENCH_REPS must be at least 1");
            Mode::Run { name, reps }
        }
    })
}

/// Whether the binary runs for the instruction-count harness rather than for criterion: work
/// that only serves criterion's figures (extra pre-passes) can be skipped.
pub fn harness_mode() -> bool {
    !matches!(mode(), Mode::Criterion)
}

/// The only function callgrind counts (`--toggle-collect=fsql_bench_timed_unit`): everything
/// `unit` runs, callees included.
#[inline(never)]
#[no_mangle]
pub fn fsql_bench_timed_unit(unit: &mut dyn FnMut()) {
    unit();
    // Work after the call, so that it is not a tail jump: callgrind then sees this function
    // return after `unit`, and counts everything in between.
    let done = true;
    std::hint::black_box(&done);
}

/// A variant whose unit needs no preparation: `b.iter(unit)` under criterion.
pub fn iter(
    group: &mut BenchmarkGroup<'_, WallTime>,
    group_name: &str,
    variant: &str,
    mut unit: impl FnMut(),
) {
    iter_prepared(group, group_name, variant, || (), |()| unit());
}

/// A variant whose every repetition first runs `prepare` (untimed, uncounted: emptying a
/// table, building input) and then `unit` on what it returned (timed, counted).
pub fn iter_prepared<I>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    group_name: &str,
    variant: &str,
    mut prepare: impl FnMut() -> I,
    mut unit: impl FnMut(I),
) {
    let full = format!("{group_name}/{variant}");
    match mode() {
        Mode::Criterion => {
            group.bench_function(variant, |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let input = prepare();
                        let start = Instant::now();
                        unit(input);
                        total += start.elapsed();
                    }
                    total
                })
            });
        }
        Mode::List => println!("{full}"),
        Mode::Run { name, reps } if *name == full => {
            // One warm-up repetition, as WORKLOADS.md's timing rule has, then the counted ones.
            let warm = prepare();
            unit(warm);
            for _ in 0..*reps {
                let input = prepare();
                let mut once = Some(input);
                fsql_bench_timed_unit(&mut || {
                    if let Some(input) = once.take() {
                        unit(input);
                    }
                });
            }
            eprintln!("fsql-bench-unit: ran {full} x{reps}");
        }
        Mode::Run { .. } => {}
    }
}
