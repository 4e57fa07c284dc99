#!/usr/bin/env python3
"""Instruction counts of the W1-W6 units, fsql against hand-written Diesel (stdlib only).

Builds the SQLite benchmarks in release, asks each binary for its variants
(`FSQL_BENCH_UNIT=list`), then runs every variant of every group that has a `diesel_raw`
under `valgrind --tool=callgrind --toggle-collect=fsql_bench_timed_unit`, which counts only
the timed repetitions (benches/common/unit.rs): no setup, seeding or untimed preparation.
Prints one Markdown table: instructions per unit and the ratio to `diesel_raw` of the same
group. Instruction counts do not depend on machine load, so the ratio is exact where
criterion's wall-clock ratio on a shared machine moves by several percent.

    python3 benches/instructions.py                  # every group
    python3 benches/instructions.py W1 W4_o2m_lazy   # groups whose name starts so
    python3 benches/instructions.py --reps 1 W2      # repetitions per count (default 2)

Needs valgrind (`apt-get install valgrind`). Each count runs the workload ~50x slower than
native; the full table takes about ten minutes on 2 cores.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

BENCHES = [
    "w1_get_by_pk",
    "w2_w3_paginate",
    "w4_w5_relationships",
    "w6_bulk_insert",
    "w6b_session_update_delete",
    "w8_timeline",
    "replicas",
]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def build():
    """The release bench binaries, by bench name."""
    present = [b for b in BENCHES if os.path.exists(os.path.join(ROOT, "benches", b + ".rs"))]
    # `chrono`: W8's posts have a creation time.
    cmd = ["cargo", "bench", "--no-run", "--message-format=json", "--features", "chrono"]
    for b in present:
        cmd += ["--bench", b]
    out = subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    exes = {}
    for line in out.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        target = msg.get("target", {})
        if msg.get("executable") and "bench" in target.get("kind", []):
            exes[target["name"]] = msg["executable"]
    return exes


def variants(exe):
    env = dict(os.environ, FSQL_BENCH_UNIT="list")
    out = subprocess.run([exe], env=env, check=True, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    return [l.strip() for l in out.splitlines() if "/" in l]


def count(exe, unit, reps):
    """Instructions per repetition of `unit`."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, FSQL_BENCH_UNIT=unit, FSQL_BENCH_REPS=str(reps))
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", "--toggle-collect=fsql_bench_timed_unit",
             "--callgrind-out-file=" + os.path.join(tmp, "out"), exe],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    ran = "fsql-bench-unit: ran " + unit in proc.stderr
    # A helper process the binary starts (criterion probing for gnuplot) reports its own
    # zero count; the benchmark process's is the largest.
    counts = [int(n) for n in COLLECTED.findall(proc.stderr)]
    if proc.returncode != 0 or not ran or not counts or max(counts) == 0:
        sys.exit(f"{unit}: callgrind run failed (exit {proc.returncode})\n{proc.stderr[-3000:]}")
    return max(counts) / reps


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("groups", nargs="*", help="group-name prefixes (default: all)")
    ap.add_argument("--reps", type=int, default=2, help="counted repetitions per variant")
    args = ap.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("valgrind not found: apt-get install valgrind")
    groups = {}
    for bench, exe in sorted(build().items()):
        for unit in variants(exe):
            group, variant = unit.split("/", 1)
            groups.setdefault(group, []).append((variant, exe))
    rows = []
    for group, vs in groups.items():
        if args.groups and not any(group.startswith(g) for g in args.groups):
            continue
        if not any(v == "diesel_raw" for v, _ in vs):
            continue
        counts = {}
        for variant, exe in vs:
            counts[variant] = count(exe, f"{group}/{variant}", args.reps)
            print(f"{group}/{variant}: {counts[variant]:,.0f}", file=sys.stderr)
        raw = counts["diesel_raw"]
        for variant, n in counts.items():
            if variant != "diesel_raw":
                rows.append((group, variant, n, raw))
    print("| group | variant | instructions per unit | diesel_raw | ratio |")
    print("|---|---|---:|---:|---:|")
    for group, variant, n, raw in rows:
        print(f"| {group} | {variant} | {n:,.0f} | {raw:,.0f} | {n / raw:.3f} |")


if __name__ == "__main__":
    main()
