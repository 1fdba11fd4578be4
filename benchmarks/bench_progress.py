"""CSV import throughput vs raw sqlite3.executemany on the same rows, and chart render time.

Both sides are timed best of 15 in the same process, with the heap frozen as in a running bot.

    python -m benchmarks.bench_progress
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import Row, ms, print_table, ratio
from bot.app import freeze_startup_heap
from bot.core.csv_import import parse_csv
from bot.domain.daily import dated_by_day, snapshot_day
from bot.domain.metrics import METRIC_NAMES
from bot.render.charts import ChartSpec, build_figure, render_png
from bot.store import open_store

NOW = datetime(2026, 11, 2, tzinfo=UTC)


def year_csv(days: int = 365) -> bytes:
    lines = ["date,followers,views,likes,comments,shares"]
    for d in range(days):
        day = (NOW - timedelta(days=days - d)).date().isoformat()
        f = 1000 + 40 * d
        lines.append(f"{day},{f},{f * 4},{f // 3},{f // 50},{f // 80}")
    return ("\n".join(lines) + "\n").encode()


async def import_rate(data: bytes, tmp: Path) -> tuple[float, float, int, float, float]:
    """Seconds for parse + validate + store (on an open store) and for raw executemany, the
    rows written, then the CPU seconds of each (``process_time``: every thread, so the
    store's worker thread counts; on a loaded machine this is the steadier figure)."""
    store = await open_store(f"sqlite:///{tmp / 'import.db'}")
    try:
        user = await store.ensure_user("console", "bench", "bench")
        started = time.perf_counter()
        cpu = time.process_time()
        plan = parse_csv(data, now=NOW)
        written = await store.import_snapshots(user.id, plan.rows)
        ours = time.perf_counter() - started
        ours_cpu = time.process_time() - cpu
    finally:
        await store.close()
    # Baseline: the same rows, already parsed and in the stored form (the same columns and
    # values the store writes: only the metric columns the file has, as the store names them,
    # since binding a None costs sqlite3 several times a float), with raw executemany in one
    # transaction into the same schema (same table and indexes) on a second database file
    # with the same settings (WAL, which the file keeps, and the store's synchronous =
    # NORMAL: with the default FULL every commit waits for an fsync the store does not).
    baseline = await open_store(f"sqlite:///{tmp / 'raw.db'}")
    await baseline.close()
    raw_db = sqlite3.connect(tmp / "raw.db")
    raw_db.execute("PRAGMA synchronous = NORMAL")
    raw_db.execute("INSERT INTO users (id, platform, platform_user_id, display_name, created_at)"
                   " VALUES (1, 'console', 'raw', 'raw', '2026-01-01T00:00:00+00:00')")
    raw_db.commit()
    present = {m for _, v in plan.rows for m in v}
    names = [m for m in METRIC_NAMES if m in present]
    # the columns the store's import names: its ``dated`` mark and the creator's ``day`` too
    cols = ", ".join(("user_id", "taken_at", *names, "given", "source", "action", "dated",
                      "day"))
    rows = [(1, t.isoformat(), *(v.get(m) for m in names), ",".join(sorted(v)),
             "import", 1, int(dated_by_day(t)), snapshot_day(t, UTC).isoformat())
            for t, v in plan.rows]
    started = time.perf_counter()
    cpu = time.process_time()
    with raw_db:
        raw_db.executemany(f"INSERT INTO snapshots ({cols}) VALUES "
                           f"({', '.join('?' * (len(names) + 7))})", rows)
    raw = time.perf_counter() - started
    raw_cpu = time.process_time() - cpu
    raw_db.close()
    return ours, raw, written, ours_cpu, raw_cpu


def main() -> None:
    # As in a running bot (`creator-advisor run` freezes its startup heap once it is up), so
    # garbage left by benchmarks that ran before this one does not slow the collector here.
    freeze_startup_heap()
    results = []
    for days in (365, 3650):
        runs = []
        for _ in range(15):  # best of 15 for both sides: noise only ever adds time
            with tempfile.TemporaryDirectory() as tmp:
                runs.append(asyncio.run(import_rate(year_csv(days), Path(tmp))))
        results.append((min(r[0] for r in runs), min(r[1] for r in runs), runs[0][2],
                        min(r[3] for r in runs), min(r[4] for r in runs)))
    points = [(NOW - timedelta(days=365 - d), 1000.0 + 40 * d) for d in range(365)]
    spec = ChartSpec("Followers · 1y", "Followers", points, lines=[("goal 20k", 20_000.0)])
    render_png(spec)  # warm up fonts
    started = time.perf_counter()
    render_png(spec)
    chart = time.perf_counter() - started
    started = time.perf_counter()
    build_figure(spec)
    figure = time.perf_counter() - started
    print_table("Progress: import and charts", [
        *(Row(f"import {n} daily rows (parse + validate + store), rows/s", f"{n / ours:,.0f}",
              f"raw executemany {n / raw:,.0f} rows/s", ratio(n / ours, n / raw), "≥ 0.5×")
          for ours, raw, n, _, _ in results),
        *(Row(f"import {n} daily rows, rows per CPU second", f"{n / ours_cpu:,.0f}",
              f"raw executemany {n / raw_cpu:,.0f}", ratio(n / ours_cpu, n / raw_cpu), "")
          for _, _, n, ours_cpu, raw_cpu in results),
        Row("chart of a year of daily data (PNG)", ms(chart), f"figure only {ms(figure)}",
            ratio(chart, figure), "< 1000 ms"),
    ], ratios_prefix="progress")


if __name__ == "__main__":
    main()
