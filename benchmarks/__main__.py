"""Run every benchmark: ``python -m benchmarks`` (``--quick`` for smaller, shorter runs)."""

from __future__ import annotations

import argparse
import platform
import time
from datetime import UTC, datetime

from benchmarks import (
    bench_budget,
    bench_core,
    bench_discord,
    bench_engine,
    bench_fanout,
    bench_fullstack,
    bench_pg_store,
    bench_progress,
    bench_start,
    bench_store,
    bench_users,
    bench_workers_fanout,
    bench_workers_log,
)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true",
                   help="smaller runs, each well under a minute (one alternating run per "
                   "full-stack benchmark: run it three times for ranges)")
    args = p.parse_args()
    started = time.perf_counter()
    print(f"# Creator Advisor benchmarks, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
          f"Python {platform.python_version()}, {platform.machine()}")
    bench_start.main(["--runs", "5" if args.quick else "15"])
    bench_core.main(["--users", "1500", "--cache", "500", "--commands", "300"] if args.quick
                    else [])
    bench_fullstack.main(["--updates", "600", "--runs", "1"] if args.quick else [])
    bench_discord.main(["--interactions", "300", "--runs", "1"] if args.quick else [])
    bench_engine.main()
    bench_progress.main()
    bench_store.main(["--users", "10000" if args.quick else "100000"])
    bench_users.main(["--users", "10000" if args.quick else "100000"])
    for chat_platform in ("telegram", "discord"):
        for kind in ("community", "personal"):
            bench_fanout.main(["--chats", "600" if args.quick else "10000", "--kind", kind,
                               "--platform", chat_platform])
    # PostgreSQL and several workers (skipped, saying which variable to set, without a server)
    bench_pg_store.main(["--users", "300", "--commands", "200"] if args.quick else [])
    bench_workers_log.main(["--logs", "500"] if args.quick else [])
    bench_budget.main(["--seconds", "5"] if args.quick else [])
    bench_workers_fanout.main(["--chats", "600", "--baseline-chats", "300"] if args.quick
                              else [])
    print(f"\nall benchmarks took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
