"""The core path in-process with realistic users (the bot's six languages in turn):
/estimate, /tips and /stats (and, as the baseline, a constant template: /start through the same
dispatcher) from a mix of users: one command in :data:`FIRST_TIME_EVERY` from someone the bot
has never seen (their user row is written, they have no history), the others from creators who
each have 52 weekly snapshots, taken in ONE rotation shared by every timed command over more
creators than the user cache holds, so a creator comes back only after more other users than
the cache keeps (many commands find their user and settings out of memory; the share that found
them in memory is measured and printed). Plus a first /log from first-time users (their first
snapshot written).

    python -m benchmarks.bench_core [--users 3000] [--cache 1000] [--commands 600]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import Row, ms, print_ratios, print_table, ratio, summary
from bot.app import freeze_startup_heap, running
from bot.config import Settings
from bot.core.types import ChatKind, Platform, Request
from bot.render.formats import Format
from bot.store.sqlite import SqliteStore

#: One timed command in this many comes from a first-time user.
FIRST_TIME_EVERY = 5


#: The creators speak the bot's six languages in turn (by the number in their id), so each
#: language's catalogue, field names and number formats are in the figures, not English only.
LANGUAGES = ("en", "es", "pt_BR", "de", "fr", "ja")
#: The first-time user's /log that is timed (and answered in the warm-up).
LOG_ARGS = "followers=1200 views=30k likes=2k"
#: Every command timed, with its arguments: the warm-up answers each of them in each
#: language, so no timed sample compiles a template or builds a language's caches.
TIMED: tuple[tuple[str, str], ...] = (
    ("start", ""), ("estimate", ""), ("tips", ""), ("stats", ""), ("log", LOG_ARGS))


def request(uid: str, command: str, raw: str = "") -> Request:
    number = int("".join(c for c in uid if c.isdigit()) or 0)
    return Request(platform=Platform.TELEGRAM, user_id=uid, display_name=f"Creator {uid}",
                   chat_id=uid, chat_kind=ChatKind.PRIVATE, command=command, raw_args=raw,
                   locale=LANGUAGES[number % len(LANGUAGES)])


async def measure(tmp: Path, users: int, cache: int, n: int) -> tuple[list[Row], dict[str, float]]:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp / 'core.db'}",  # type: ignore[call-arg]
                        data_dir=tmp, rate_limit_burst=0, user_cache_size=cache)
    async with running(settings) as app:
        start = datetime(2025, 11, 3, 12, tzinfo=UTC)
        for u in range(users):  # 52 weekly snapshots each, stored the way an import stores them
            user = await app.store.ensure_user("telegram", f"c{u}", f"Creator c{u}")
            await app.store.update_settings(user.id, {"region": "US", "adult": True})
            await app.store.import_snapshots(user.id, [
                (start + timedelta(weeks=w),
                 {"followers": 8000 + 150 * w + u, "views": 90_000 + 500 * w, "likes": 8000.0,
                  "comments": 300.0, "shares": 150.0, "videos_per_week": 3.0,
                  "avg_video_length": 40.0})
                for w in range(52)])
        # As `creator-advisor run` does once it is up, before its first command: what
        # start-up built is out of the collector's sight (before, a full collection walked it
        # inside a timed command: 20-30 ms, one sample of about 1,500 a run). What the
        # warm-up builds (templates, caches) stays in the collector's sight, as in the bot.
        freeze_startup_heap()
        for u in range(len(LANGUAGES)):  # compile templates, load each language once
            for command, raw in TIMED:
                # A /log from a person of its own (no creator gains a snapshot). Before, the
                # warm-up left /log out: the first /log in each language compiled its
                # template and its argument parser's per-language patterns inside the timed
                # window (6 of the /log row's samples, 1.5-7.5 ms each: its p99), which the
                # full-stack benchmarks' warm-up already did before timing.
                who = f"warm-{u}" if command == "log" else f"c{u}"
                for reply in await app.dispatcher.handle(request(who, command, raw)):
                    app.renderer.render(reply, Format.TELEGRAM_HTML)
        stride = 7919  # a prime: consecutive commands come from far-apart creators
        # One rotation over all creators, shared by every timed command (before this, each
        # command kind restarted it, so /estimate, /tips and /stats came from the very users
        # /start had just put back in the cache): a creator comes back only after `users`
        # others, more than the cache holds.
        turn = 0
        cache = app.store._users if isinstance(app.store, SqliteStore) else None
        in_memory: dict[str, float] = {}

        async def timed(command: str, raw: str = "", *, mixed: bool = True) -> list[float]:
            nonlocal turn
            out = []
            found = returning = 0
            for i in range(n):
                if not mixed or i % FIRST_TIME_EVERY == FIRST_TIME_EVERY - 1:
                    uid = f"new-{command}-{i}"  # never seen: no user row, no history
                else:
                    uid = f"c{(turn * stride) % users}"
                    turn += 1
                    returning += 1
                    found += cache is not None and ("telegram", uid) in cache
                t = time.perf_counter()
                for reply in await app.dispatcher.handle(request(uid, command, raw)):
                    app.renderer.render(reply, Format.TELEGRAM_HTML)
                out.append(time.perf_counter() - t)
            if returning and cache is not None:
                in_memory[command] = found / returning
            return out

        baseline = await timed("start")
        results = {
            "estimate": await timed("estimate"), "tips": await timed("tips"),
            "stats": await timed("stats"),
            "log, first-time user": await timed("log", LOG_ARGS, mixed=False),
        }
    b50, b99, _ = summary(baseline)
    mix = (f"1 in {FIRST_TIME_EVERY} first-time; creators found in memory: "
           + ", ".join(f"/{c} {share:.0%}" for c, share in in_memory.items()))
    rows = [Row("constant template (/start) p50 / p99", f"{ms(b50)} / {ms(b99)}", mix, "")]
    ratios: dict[str, float] = {"core_start_p50_ms": b50 * 1000, "core_start_p99_ms": b99 * 1000}
    for name, samples in results.items():
        p50, p99, _ = summary(samples)
        rows.append(Row(f"/{name} p50", ms(p50), f"/start {ms(b50)}", ratio(p50, b50)))
        rows.append(Row(f"/{name} p99", ms(p99), f"/start {ms(b99)}", ratio(p99, b99),
                        "< 2 ms"))
        key = name.split(",")[0]
        ratios[f"core_{key}_p50_vs_start"] = p50 / b50
        ratios[f"core_{key}_p99_ms"] = p99 * 1000
    for command, share in in_memory.items():
        ratios[f"core_{command}_found_in_memory"] = share
    return rows, ratios


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--users", type=int, default=3000, help="creators with 52 snapshots each")
    p.add_argument("--cache", type=int, default=1000, help="USER_CACHE_SIZE for this run")
    p.add_argument("--commands", type=int, default=600, help="commands timed per kind")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        rows, ratios = asyncio.run(measure(Path(tmp), args.users, args.cache, args.commands))
    print_table(f"Core path in-process, {args.users:,} creators × 52 snapshots rotating through "
                f"a user cache of {args.cache:,}, 1 command in {FIRST_TIME_EVERY} from a "
                "first-time user", rows)
    print_ratios(ratios)


if __name__ == "__main__":
    main()
