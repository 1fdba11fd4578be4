"""Run every benchmark: ``python -m benchmarks`` (``--quick`` for smaller, shorter runs).

Each benchmark runs in a fresh interpreter (``python -m benchmarks.<name> ...``), as a user's
bot process starts: run in this one process, the later benchmarks paid for the objects the
earlier ones left behind (the garbage collector walks them) and their peak RSS included them.
Arguments after ``--only`` pick benchmarks by module name.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime


def plan(quick: bool) -> list[tuple[str, list[str]]]:
    """The benchmarks in running order: ``[(module name, argv), ...]``.

    ``quick`` picks the smaller sizes (each benchmark well under a minute).
    """
    runs: list[tuple[str, list[str]]] = [
        ("bench_start", ["--runs", "5" if quick else "15"]),
        ("bench_core", ["--users", "1500", "--cache", "500", "--commands", "300"] if quick
         else []),
        ("bench_fullstack", ["--updates", "600", "--runs", "1"] if quick else []),
        ("bench_discord", ["--interactions", "300", "--runs", "1"] if quick else []),
        ("bench_engine", []),
        ("bench_progress", []),
        ("bench_store", ["--users", "10000" if quick else "100000"]),
        ("bench_users", ["--users", "10000" if quick else "100000"]),
    ]
    for chat_platform in ("telegram", "discord"):
        for kind in ("community", "personal"):
            runs.append(("bench_fanout", ["--chats", "600" if quick else "10000",
                                          "--kind", kind, "--platform", chat_platform]))
    # PostgreSQL and several workers (skipped, saying which variable to set, without a server)
    runs += [
        ("bench_pg_store", ["--users", "300", "--commands", "200"] if quick else []),
        ("bench_workers_log", ["--logs", "500"] if quick else []),
        ("bench_budget", ["--seconds", "5"] if quick else []),
        ("bench_workers_fanout", ["--chats", "600", "--baseline-chats", "300"] if quick
         else []),
    ]
    return runs


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks one after another, each in its own process; 1 if any failed."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true",
                   help="smaller runs, each well under a minute (one alternating run per "
                   "full-stack benchmark: run it three times for ranges)")
    p.add_argument("--only", nargs="+", metavar="NAME", default=None,
                   help="run only these benchmarks (module names, e.g. bench_store)")
    args = p.parse_args(argv)
    names = [name for name, _ in plan(args.quick)]
    unknown = sorted(set(args.only or ()) - set(names))
    if unknown:
        p.error(f"no benchmark named {', '.join(unknown)}; the names are: "
                f"{', '.join(dict.fromkeys(names))}")
    started = time.perf_counter()
    print(f"# Creator Advisor benchmarks, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
          f"Python {platform.python_version()}, {platform.machine()}", flush=True)
    failed: list[str] = []
    for name, bench_argv in plan(args.quick):
        if args.only is not None and name not in args.only:
            continue
        done = subprocess.run([sys.executable, "-m", f"benchmarks.{name}", *bench_argv],
                              check=False)
        if done.returncode != 0:
            failed.append(f"{name} {' '.join(bench_argv)} (exit {done.returncode})")
    print(f"\nall benchmarks took {time.perf_counter() - started:.0f} s")
    for line in failed:
        print(f"failed: {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
