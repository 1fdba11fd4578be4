"""The known-user cache has no cliff: N users each send a command (first pass: every user row
is written once), then the same N users again in the same rotating order (second pass). The
rows SQLite changed in each pass are counted (the writer connection's ``total_changes``) and
printed; the second pass must change none, with a cache that holds all N users and with one
that holds a tenth of them (a dropped user costs one indexed read, never a write).

    python -m benchmarks.bench_users [--users 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Row, print_ratios, print_table, ratio
from bot.store import open_store
from bot.store.sqlite import SqliteStore


async def one_pass(store: SqliteStore, users: int) -> tuple[float, int]:
    before = store._writer.total_changes
    started = time.perf_counter()
    for n in range(users):
        await store.ensure_user("telegram", str(1_000_000 + n), f"Creator {n}")
    return time.perf_counter() - started, store._writer.total_changes - before


async def measure(tmp: Path, users: int, cache_size: int) -> tuple[float, int, float, int, float]:
    store = await open_store(f"sqlite:///{tmp / f'users-{cache_size}.db'}", cache_size=cache_size)
    try:
        first_s, first_w = await one_pass(store, users)
        second_s, second_w = await one_pass(store, users)
        per_entry = 0.0
        if cache_size >= users:  # every user cached: the cache's own memory per entry
            cached = store._users
            size = sys.getsizeof
            per_entry = sum(size(k) + size(k[1]) + size(v) + size(v.display_name)
                            + size(v.created_at) for k, v in cached.items()) / len(cached)
            per_entry += 2 * 104  # the dict slot and the LRU order entry (CPython, 64-bit)
        return first_s, first_w, second_s, second_w, per_entry
    finally:
        await store.close()


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--users", type=int, default=100_000)
    args = p.parse_args(argv)
    n = args.users
    rows: list[Row] = []
    ratios: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, size in (("cache holds all", n), ("cache holds a tenth", max(1, n // 10))):
            first_s, first_w, second_s, second_w, per_entry = asyncio.run(
                measure(Path(tmp), n, size))
            rows.append(Row(f"{label} ({size:,}): first pass, rows written", f"{first_w:,}",
                            f"{n:,} new users", ""))
            rows.append(Row(f"{label}: second pass, rows written", f"{second_w:,}", "", "",
                            "0"))
            rows.append(Row(f"{label}: second pass µs per command",
                            f"{second_s / n * 1e6:.1f}", f"first pass {first_s / n * 1e6:.1f}",
                            ratio(second_s, first_s)))
            key = "all" if size >= n else "tenth"
            ratios[f"users_second_pass_writes_cache_{key}"] = second_w
            ratios[f"users_second_vs_first_pass_time_cache_{key}"] = second_s / first_s
            if per_entry:
                rows.append(Row("cache memory per user (estimate)", f"{per_entry:.0f} B",
                                "", ""))
    print_table(f"Known-user cache: {n:,} rotating users, two passes", rows)
    print_ratios(ratios)


if __name__ == "__main__":
    main()
