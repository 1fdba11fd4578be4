"""Store at scale: users × weekly snapshots; latest and history reads through the Store vs raw
sqlite3 on the same file; database size and peak memory.

    python -m benchmarks.bench_store [--users 100000] [--weeks 52] [--reads 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import Row, ms, peak_rss_mib, print_table, ratio, summary
from bot.domain.metrics import METRIC_NAMES
from bot.store import open_store

T0 = datetime(2025, 1, 6, tzinfo=UTC)


def seed(path: Path, users: int, weeks: int) -> float:
    """Fill the schema with raw executemany (fast) and return the seconds it took."""
    started = time.perf_counter()
    db = sqlite3.connect(path)
    # (``day``: the creator's day, which the store orders by; these users are in UTC)
    cols = ", ".join(("user_id", "taken_at", *METRIC_NAMES, "given", "day"))
    marks = ", ".join("?" * (len(METRIC_NAMES) + 4))
    rng = random.Random(7)
    with db:
        db.executemany(
            "INSERT INTO users (id, platform, platform_user_id, display_name, created_at)"
            " VALUES (?, 'telegram', ?, ?, ?)",
            ((u, str(u), f"user{u}", T0.isoformat()) for u in range(1, users + 1)),
        )

        def rows() -> object:
            for u in range(1, users + 1):
                followers = rng.uniform(500, 2_000_000)
                for w in range(weeks):
                    followers *= rng.uniform(0.99, 1.05)
                    values = [followers, followers * 3] + [rng.uniform(0, 1e5)] * (
                        len(METRIC_NAMES) - 2)
                    at = T0 + timedelta(weeks=w)
                    yield (u, at.isoformat(), *values, "followers", at.date().isoformat())

        db.executemany(f"INSERT INTO snapshots ({cols}) VALUES ({marks})", rows())
    db.close()
    return time.perf_counter() - started


async def measure(path: Path, users: int, reads: int) -> list[Row]:
    rng = random.Random(11)
    ids = [rng.randint(1, users) for _ in range(reads)]
    store = await open_store(f"sqlite:///{path}")
    raw = sqlite3.connect(path)
    try:
        latest, history, raw_latest, raw_history = [], [], [], []
        for uid in ids:
            t = time.perf_counter()
            await store.latest_snapshot(uid)
            latest.append(time.perf_counter() - t)
            t = time.perf_counter()
            await store.history(uid, limit=52)
            history.append(time.perf_counter() - t)
            t = time.perf_counter()
            raw.execute("SELECT * FROM snapshots WHERE user_id = ? ORDER BY taken_at DESC, id DESC"
                        " LIMIT 1", (uid,)).fetchall()
            raw_latest.append(time.perf_counter() - t)
            t = time.perf_counter()
            raw.execute("SELECT * FROM snapshots WHERE user_id = ? ORDER BY taken_at DESC, id DESC"
                        " LIMIT 52", (uid,)).fetchall()
            raw_history.append(time.perf_counter() - t)
        # Concurrency: many reads in flight at once must not serialise behind one connection.
        t = time.perf_counter()
        await asyncio.gather(*(store.latest_snapshot(uid) for uid in ids))
        concurrent = (time.perf_counter() - t) / len(ids)
    finally:
        raw.close()
        await store.close()
    lp50, lp99, _ = summary(latest)
    hp50, hp99, _ = summary(history)
    rl50, rl99, _ = summary(raw_latest)
    rh50, rh99, _ = summary(raw_history)
    return [
        Row("latest snapshot p50", ms(lp50), f"raw sqlite3 {ms(rl50)}", ratio(lp50, rl50)),
        Row("latest snapshot p99", ms(lp99), f"raw sqlite3 {ms(rl99)}", ratio(lp99, rl99)),
        Row("history (52) p50", ms(hp50), f"raw sqlite3 {ms(rh50)}", ratio(hp50, rh50)),
        Row("history (52) p99", ms(hp99), f"raw sqlite3 {ms(rh99)}", ratio(hp99, rh99)),
        Row("latest, all in flight, per read", ms(concurrent), f"sequential {ms(lp50)}",
            ratio(concurrent, lp50)),
    ]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--users", type=int, default=100_000)
    p.add_argument("--weeks", type=int, default=52)
    p.add_argument("--reads", type=int, default=2_000)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        asyncio.run(_create(path))
        seconds = seed(path, args.users, args.weeks)
        rows = asyncio.run(measure(path, args.users, args.reads))
        size = sum(f.stat().st_size for f in Path(tmp).iterdir()) / 2**20
    rows += [
        Row("database size", f"{size:.0f} MiB", f"{args.users * args.weeks:,} snapshots",
            f"{size * 2**20 / (args.users * args.weeks):.0f} B/snapshot"),
        Row("peak RSS of this process", f"{peak_rss_mib():.0f} MiB", "", ""),
        Row("seed time (raw executemany)", f"{seconds:.1f} s", "", ""),
    ]
    print_table(f"Store: {args.users:,} users × {args.weeks} weekly snapshots", rows,
                ratios_prefix="store")


async def _create(path: Path) -> None:
    store = await open_store(f"sqlite:///{path}")
    await store.close()


if __name__ == "__main__":
    main()
