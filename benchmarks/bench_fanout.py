"""Weekly fan-out: a post to N Telegram chats through the real adapter (python-telegram-bot)
against a local Bot API fake that enforces a messages-per-second limit and answers 429 above it.
Prints the achieved rate as a ratio of the limit, the 429s and the duplicates, and the bot
process's CPU time per post (user + system, all threads, ``getrusage``: the fake runs in a
process of its own) with the share of one core that costs at Telegram's 30 posts a second.
``--kind community`` (default) posts a rotating tip to groups; ``--kind personal`` posts each
creator (52 weekly snapshots each) their digest in a private chat. Discord is not measured here.

By default it runs at Telegram's real limit (30 msg/s: 10,000 chats take about 6 minutes).
``--scale N`` multiplies the limit (and so shortens the run); above about ×2 the run becomes
CPU-bound on a 2-core machine (rendering, the HTTP client and the outbox writes for each
message), which is measured, not hidden.

    python -m benchmarks.bench_fanout [--chats 10000] [--scale 10]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from benchmarks.common import Row, print_ratios, print_table
from bot.adapters.telegram_adapter import TelegramAdapter
from bot.app import freeze_startup_heap, running, weekly_poster
from bot.config import Settings
from bot.core.pace import DEFAULT_PACE
from tests.auxil.clock import FakeClock

TOKEN = "123456:BENCHBENCHBENCHBENCHBENCHBENCHBENCH"
RUN_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


class LimitedBotApi:
    """Just enough Bot API for a broadcast, with a sliding one-second send limit."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.window: collections.deque[float] = collections.deque()
        self.delivered: collections.Counter[str] = collections.Counter()
        self.too_many = 0
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._api)
        app.router.add_get("/stats", self._stats)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(await request.post()) if request.can_read_body else {}
        if request.content_type == "application/json":
            params = await request.json()
        if method == "getMe":
            return web.json_response({"ok": True, "result": {
                "id": 123456, "is_bot": True, "first_name": "Bench", "username": "bench_bot",
                "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}})
        if method == "getUpdates":
            await asyncio.sleep(min(float(params.get("timeout") or 0), 1.0))
            return web.json_response({"ok": True, "result": []})
        if method == "sendMessage":
            now = time.monotonic()
            while self.window and now - self.window[0] >= 1.0:
                self.window.popleft()
            if len(self.window) >= self.limit:
                self.too_many += 1
                return web.json_response({"ok": False, "error_code": 429,
                                          "description": "Too Many Requests: retry after 1",
                                          "parameters": {"retry_after": 1}}, status=429)
            self.window.append(now)
            chat = str(params.get("chat_id"))
            self.delivered[chat] += 1
            return web.json_response({"ok": True, "result": {
                "message_id": sum(self.delivered.values()), "date": int(time.time()),
                "chat": {"id": int(chat), "type": "group", "title": "g"},
                "text": str(params.get("text", ""))}})
        return web.json_response({"ok": True, "result": True})

    async def _stats(self, request: web.Request) -> web.Response:
        return web.json_response({"delivered": dict(self.delivered),
                                  "too_many": self.too_many})


def serve(limit: float) -> None:
    """The fake in this process (``--serve``): prints ``PORT <n>``, runs until killed."""

    async def run() -> None:
        api = LimitedBotApi(limit)
        await api.start()
        print(f"PORT {api.port}", flush=True)
        await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


def _stats(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=60) as answer:
        return dict(json.load(answer))


async def fanout(chats: int, scale: float, tmp: Path, port: int,
                 kind: str = "community") -> tuple[Any, float, float]:
    """Posts to ``chats`` subscribed groups through the fake on ``port``: the poster's report,
    the seconds it took and the CPU seconds this process spent."""
    limit = 30.0 * scale
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=f"sqlite:///{tmp / 'fanout.db'}", data_dir=tmp,
        telegram_bot_token=SecretStr(TOKEN),
        telegram_base_url=f"http://127.0.0.1:{port}/bot")
    clock = FakeClock(RUN_AT - timedelta(days=1))
    async with running(settings, clock=clock) as app:
        for n in range(chats):
            user_id = None
            chat_id, chat_kind = str(-1_000_000 - n), "group"
            if kind == "personal":
                creator = await app.store.ensure_user("telegram", str(1_000_000 + n), f"C{n}")
                user_id, chat_id, chat_kind = creator.id, str(1_000_000 + n), "private"
                await app.store.import_snapshots(creator.id, [
                    (RUN_AT - timedelta(weeks=52 - w),
                     {"followers": 8000.0 + 150 * w + n, "views": 90_000.0 + 500 * w,
                      "likes": 8000.0, "comments": 300.0, "shares": 150.0})
                    for w in range(52)])
            await app.store.save_subscription(
                platform="telegram", chat_id=chat_id, chat_kind=chat_kind,
                kind=kind, user_id=user_id, created_by=user_id, weekday=0,
                local_time="10:00", timezone="Europe/Berlin", topics=(),
                next_run_at=RUN_AT)
        adapter = TelegramAdapter(app, overall_max_rate=limit)
        await adapter.start()
        try:
            poster = weekly_poster(app, {"telegram": adapter.deliverer},
                                   pace={"telegram": DEFAULT_PACE["telegram"] * scale})
            freeze_startup_heap()  # as `creator-advisor run` does once it is up
            clock.current = RUN_AT + timedelta(minutes=1)
            started = time.perf_counter()
            cpu = _cpu()
            report = await poster.run_due()
            cpu = _cpu() - cpu
            seconds = time.perf_counter() - started
        finally:
            await adapter.stop()
    return report, seconds, cpu


def results(chats: int, limit: float, scale: float, report: Any, seconds: float, cpu: float,
            stats: dict[str, Any], kind: str) -> tuple[list[Row], dict[str, float]]:
    delivered: dict[str, int] = stats["delivered"]
    sent = sum(delivered.values())
    duplicates = sum(c - 1 for c in delivered.values() if c > 1)
    rate = sent / seconds
    per_post = cpu / max(1, sent)
    ratios = {f"fanout_{kind}_rate_vs_limit": rate / limit,
              f"fanout_{kind}_429": float(stats["too_many"]),
              f"fanout_{kind}_duplicates": float(duplicates),
              f"fanout_{kind}_cpu_ms_per_post": per_post * 1000,
              f"fanout_{kind}_core_share_at_30_per_s": per_post * 30}
    return [
        Row(f"fan-out to {chats:,} chats, messages/s", f"{rate:.1f}",
            f"server limit {limit:.0f}/s (Telegram 30/s × {scale:g})",
            f"{rate / limit:.2f}×", "≥ 0.95×"),
        Row("429 answers", str(stats["too_many"]), "", "", "0"),
        Row("duplicates (a chat posted twice)", str(duplicates), "", "", "0"),
        Row("recorded sent / failed", f"{report.sent} / {report.failed}", f"{chats} due", "",
            ""),
        Row(f"bot CPU per post ({kind})", f"{per_post * 1000:.2f} ms", "", ""),
        Row("share of one core at 30 posts/s", f"{per_post * 30:.1%}", "", ""),
    ], ratios


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # this process, every thread
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--chats", type=int, default=10_000)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--kind", choices=("community", "personal"), default="community")
    p.add_argument("--serve", type=float, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return
    limit = 30.0 * args.scale
    fake = subprocess.Popen([sys.executable, "-m", "benchmarks.bench_fanout", "--serve",
                             str(limit)], stdout=subprocess.PIPE, text=True)
    try:
        assert fake.stdout is not None
        port = int(fake.stdout.readline().split()[1])
        with tempfile.TemporaryDirectory() as tmp:
            report, seconds, cpu = asyncio.run(fanout(args.chats, args.scale, Path(tmp), port,
                                                      args.kind))
        stats = _stats(port)
    finally:
        fake.terminate()
        fake.wait(10)
    rows, ratios = results(args.chats, limit, args.scale, report, seconds, cpu, stats,
                           args.kind)
    print_table(f"Weekly fan-out ({args.kind}) through the Telegram adapter", rows)
    print_ratios(ratios)


if __name__ == "__main__":
    main()
