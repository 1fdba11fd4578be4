"""Store contract latency, PostgreSQL vs SQLite (issue 21): ``/log``, ``/stats`` and
``/estimate`` through the core dispatcher (and the reply rendered), for creators with 52 weekly
snapshots each, on the PostgreSQL store (a fresh database on the local server, asyncpg) and on
the SQLite store (a file, aiosqlite) in the same process, alternating blocks of commands so a
change in the machine's load hits both. Prints p50 / p99 per command and backend, and CPU per
command: this process's (user + system, every thread) and, for PostgreSQL, also the server
processes serving the database (read from ``/proc``; the server runs on this machine), since
that work is inside SQLite's figure but outside the bot's process on PostgreSQL.

    python -m benchmarks.bench_pg_store [--users 2000] [--commands 600]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import Row, ms, print_ratios, print_table, ratio, summary
from benchmarks.servers import backend_cpu, backend_pids, scratch_database, unreachable
from bot.app import App, running
from bot.config import Settings
from bot.core.types import ChatKind, Platform, Request
from bot.render.formats import Format

COMMANDS = {"log": "followers=+120 views=+900 likes=+40", "stats": "", "estimate": ""}
BLOCK = 50  # commands of one kind on one backend before switching to the other


def request(uid: str, command: str, raw: str = "") -> Request:
    return Request(platform=Platform.TELEGRAM, user_id=uid, display_name=f"Creator {uid}",
                   chat_id=uid, chat_kind=ChatKind.PRIVATE, command=command, raw_args=raw)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@asynccontextmanager
async def _app(url: str, tmp: Path) -> AsyncIterator[App]:
    settings = Settings(_env_file=None, database_url=url, data_dir=tmp,  # type: ignore[call-arg]
                        rate_limit_burst=0)
    async with running(settings) as app:
        yield app


async def _seed(app: App, users: int) -> None:
    start = datetime(2025, 11, 3, 12, tzinfo=UTC)

    async def one(u: int) -> None:
        user = await app.store.ensure_user("telegram", f"c{u}", f"Creator c{u}")
        await app.store.update_settings(user.id, {"region": "US", "adult": True})
        await app.store.import_snapshots(user.id, [
            (start + timedelta(weeks=w),
             {"followers": 8000 + 150 * w + u, "views": 90_000 + 500 * w, "likes": 8000.0,
              "comments": 300.0, "shares": 150.0, "videos_per_week": 3.0,
              "avg_video_length": 40.0})
            for w in range(52)])

    for first in range(0, users, 8):
        await asyncio.gather(*(one(u) for u in range(first, min(users, first + 8))))


async def measure(pg_url: str, tmp: Path, users: int, n: int
                  ) -> tuple[list[Row], dict[str, float]]:
    stride = 7919  # a prime: consecutive commands come from far-apart users
    samples: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], float] = {}
    server_cpu: dict[str, float] = {}
    async with _app(f"sqlite:///{tmp / 'bench.db'}", tmp) as lite, _app(pg_url, tmp) as pg:
        apps = {"sqlite": lite, "postgresql": pg}
        for app in apps.values():
            await _seed(app, users)
            for command in COMMANDS:  # compile templates, warm the pools
                await app.dispatcher.handle(request("c0", command, COMMANDS["log"]
                                                    if command == "log" else ""))
        pids = await backend_pids(pg_url)  # the pool grew to its size while seeding
        turn = 0
        for command, raw in COMMANDS.items():
            for first in range(0, n, BLOCK):
                for backend in (("sqlite", "postgresql") if turn % 2 == 0
                                else ("postgresql", "sqlite")):
                    app = apps[backend]
                    out = samples.setdefault((backend, command), [])
                    c0, s0 = _cpu(), backend_cpu(pids) if backend == "postgresql" else 0.0
                    for i in range(first, min(n, first + BLOCK)):
                        uid = f"c{(i * stride) % users}"
                        t = time.perf_counter()
                        for reply in await app.dispatcher.handle(request(uid, command, raw)):
                            app.renderer.render(reply, Format.TELEGRAM_HTML)
                        out.append(time.perf_counter() - t)
                    cpu[(backend, command)] = cpu.get((backend, command), 0.0) + _cpu() - c0
                    if backend == "postgresql":
                        server_cpu[command] = server_cpu.get(command, 0.0) + \
                            backend_cpu(pids) - s0
                turn += 1
    rows: list[Row] = []
    ratios: dict[str, float] = {}
    for command in COMMANDS:
        l50, l99, _ = summary(samples[("sqlite", command)])
        p50, p99, _ = summary(samples[("postgresql", command)])
        lcpu = cpu[("sqlite", command)] / n
        pcpu = cpu[("postgresql", command)] / n
        scpu = server_cpu[command] / n
        rows += [
            Row(f"/{command} p50", ms(p50), f"SQLite {ms(l50)}", ratio(p50, l50)),
            Row(f"/{command} p99", ms(p99), f"SQLite {ms(l99)}", ratio(p99, l99)),
            Row(f"/{command} CPU, bot process", ms(pcpu), f"SQLite {ms(lcpu)}",
                ratio(pcpu, lcpu)),
            Row(f"/{command} CPU, bot + PostgreSQL server", ms(pcpu + scpu),
                f"SQLite {ms(lcpu)}", ratio(pcpu + scpu, lcpu)),
        ]
        ratios |= {f"pg_store_{command}_p50_ms": p50 * 1000,
                   f"pg_store_{command}_p99_ms": p99 * 1000,
                   f"pg_store_{command}_sqlite_p50_ms": l50 * 1000,
                   f"pg_store_{command}_sqlite_p99_ms": l99 * 1000,
                   f"pg_store_{command}_p50_vs_sqlite": p50 / l50,
                   f"pg_store_{command}_p99_vs_sqlite": p99 / l99,
                   f"pg_store_{command}_cpu_ms": pcpu * 1000,
                   f"pg_store_{command}_cpu_with_server_ms": (pcpu + scpu) * 1000,
                   f"pg_store_{command}_sqlite_cpu_ms": lcpu * 1000}
    return rows, ratios


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--users", type=int, default=2000, help="creators with 52 snapshots each")
    p.add_argument("--commands", type=int, default=600, help="commands timed per kind and "
                   "backend")
    args = p.parse_args(argv)
    title = (f"Store contract latency, PostgreSQL vs SQLite, through the dispatcher "
             f"({args.users:,} creators × 52 snapshots, {args.commands} commands of each kind)")
    reason = unreachable()
    if reason:
        print(f"\n## {title}\n\n{reason}")
        return
    with scratch_database("store") as url, tempfile.TemporaryDirectory() as tmp:
        rows, ratios = asyncio.run(measure(url, Path(tmp), args.users, args.commands))
    print_table(title, rows)
    print_ratios(ratios)


if __name__ == "__main__":
    main()
