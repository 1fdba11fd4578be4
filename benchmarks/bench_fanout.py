"""Weekly fan-out: a post to N chats through the real adapter (python-telegram-bot, or discord.py
with ``--platform discord``) against a local fake in a process of its own that enforces a
messages-per-second limit and answers 429 above it. Prints the achieved rate as a ratio of the
limit, the 429s and the duplicates, and the bot process's CPU time per post (user + system, all
threads, ``getrusage``) with the share of one core that costs at the platform's limit (Telegram:
30 messages a second to different chats; Discord: 50 requests a second for the whole bot, which
the poster paces at 45). ``--kind community`` (default) posts a rotating tip to groups (Discord:
server channels); ``--kind personal`` posts each creator (52 weekly snapshots each) their digest
in a private chat (Discord: their DM channel).

By default it runs at the platform's real limit (Telegram, 10,000 chats: about 6 minutes).
``--scale N`` multiplies the limit (and so shortens the run); above about ×2 the run becomes
CPU-bound on a 2-core machine (rendering, the HTTP client and the outbox writes for each
message), which is measured, not hidden.

    python -m benchmarks.bench_fanout [--chats 10000] [--scale 10] [--platform discord]
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

from benchmarks.arrivals import SlidingWindow, arrival, listening_socket
from benchmarks.common import Row, print_ratios, print_table
from bot.adapters.discord_adapter import DiscordAdapter
from bot.adapters.telegram_adapter import TelegramAdapter
from bot.app import freeze_startup_heap, running, weekly_poster
from bot.config import Settings
from bot.core.pace import DEFAULT_PACE
from tests.auxil.clock import FakeClock
from tests.auxil.fake_discord import API as DISCORD_API

TOKEN = "123456:BENCHBENCHBENCHBENCHBENCHBENCHBENCH"
#: Each platform's limit for posts to different chats, a second.
LIMITS = {"telegram": 30.0, "discord": 50.0}
RUN_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


class LimitedBotApi:
    """Just enough Bot API for a broadcast, with a sliding one-second send limit."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.window = SlidingWindow(limit)
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
        site = web.SockSite(self._runner, listening_socket())  # (kernel arrival times)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        # Counted when the request reached this host (benchmarks.arrivals), not when this
        # fake got the CPU to handle it: a busy fake must not add its own delays to the window.
        arrived = arrival(request)
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
            if self.window.admit(arrived) is not None:
                self.too_many += 1
                return web.json_response({"ok": False, "error_code": 429,
                                          "description": "Too Many Requests: retry after 1",
                                          "parameters": {"retry_after": 1}}, status=429)
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


def _stats(port: int, path: str = "/stats") -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as answer:
        return dict(json.load(answer))


async def fanout(chats: int, scale: float, tmp: Path, port: int,
                 kind: str = "community", platform: str = "telegram",
                 token: str = TOKEN) -> tuple[Any, float, float]:
    """Posts to ``chats`` subscribed chats through the fake on ``port``: the poster's report,
    the seconds it took and the CPU seconds this process spent."""
    limit = LIMITS[platform] * scale
    tokens: dict[str, Any] = (
        {"telegram_bot_token": SecretStr(token),
         "telegram_base_url": f"http://127.0.0.1:{port}/bot"} if platform == "telegram" else
        {"discord_token": SecretStr(token),
         "discord_api_url": f"http://127.0.0.1:{port}{DISCORD_API}"})
    settings = Settings(
        _env_file=None, database_url=f"sqlite:///{tmp / 'fanout.db'}", data_dir=tmp, **tokens)
    clock = FakeClock(RUN_AT - timedelta(days=1))
    # Discord ids are snowflakes: channels (and DM channels) far from the users' ids.
    first_chat = -1_000_000 if platform == "telegram" else 800_000_000_000_000_000
    async with running(settings, clock=clock) as app:
        for n in range(chats):
            user_id = None
            step = -n if platform == "telegram" else n
            chat_id, chat_kind = str(first_chat + step), "group"
            if kind == "personal":
                creator = await app.store.ensure_user(platform, str(1_000_000 + n), f"C{n}")
                user_id, chat_kind = creator.id, "private"
                chat_id = str(1_000_000 + n) if platform == "telegram" else chat_id
                await app.store.import_snapshots(creator.id, [
                    (RUN_AT - timedelta(weeks=52 - w),
                     {"followers": 8000.0 + 150 * w + n, "views": 90_000.0 + 500 * w,
                      "likes": 8000.0, "comments": 300.0, "shares": 150.0})
                    for w in range(52)])
            await app.store.save_subscription(
                platform=platform, chat_id=chat_id, chat_kind=chat_kind,
                kind=kind, user_id=user_id, created_by=user_id, weekday=0,
                local_time="10:00", timezone="Europe/Berlin", topics=(),
                next_run_at=RUN_AT)
        adapter: TelegramAdapter | DiscordAdapter
        if platform == "telegram":
            adapter = TelegramAdapter(app, overall_max_rate=limit)
        else:
            adapter = DiscordAdapter(app, guild_ready_timeout=0.05)
        await adapter.start()
        try:
            poster = weekly_poster(app, {platform: adapter.deliverer},
                                   pace={platform: DEFAULT_PACE[platform] * scale})
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
            stats: dict[str, Any], kind: str, platform: str = "telegram"
            ) -> tuple[list[Row], dict[str, float]]:
    delivered: dict[str, int] = stats["delivered"]
    sent = sum(delivered.values())
    duplicates = sum(c - 1 for c in delivered.values() if c > 1)
    rate = sent / seconds
    per_post = cpu / max(1, sent)
    at = LIMITS[platform]  # the platform's own limit, whatever the scale of this run
    prefix = "fanout" if platform == "telegram" else f"fanout_{platform}"
    ratios = {f"{prefix}_{kind}_rate_vs_limit": rate / limit,
              f"{prefix}_{kind}_429": float(stats["too_many"]),
              f"{prefix}_{kind}_duplicates": float(duplicates),
              f"{prefix}_{kind}_cpu_ms_per_post": per_post * 1000,
              f"{prefix}_{kind}_core_share_at_{at:.0f}_per_s": per_post * at}
    pace = DEFAULT_PACE[platform] * scale
    target = rate / limit if platform == "telegram" else rate / pace
    return [
        Row(f"fan-out to {chats:,} chats, messages/s", f"{rate:.1f}",
            f"server limit {limit:.0f}/s ({platform} {at:.0f}/s × {scale:g})"
            + ("" if platform == "telegram" else f", paced at {pace:.0f}/s"),
            f"{target:.2f}×" + ("" if platform == "telegram" else " of the pace"),
            "≥ 0.95×"),
        Row("429 answers", str(stats["too_many"]), "", "", "0"),
        Row("duplicates (a chat posted twice)", str(duplicates), "", "", "0"),
        Row("recorded sent / failed", f"{report.sent} / {report.failed}", f"{chats} due", "",
            ""),
        Row(f"bot CPU per post ({kind})", f"{per_post * 1000:.2f} ms", "", ""),
        Row(f"share of one core at {at:.0f} posts/s", f"{per_post * at:.1%}", "", ""),
    ], ratios


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # this process, every thread
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--chats", type=int, default=10_000)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--kind", choices=("community", "personal"), default="community")
    p.add_argument("--platform", choices=("telegram", "discord"), default="telegram")
    p.add_argument("--serve", type=float, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return
    limit = LIMITS[args.platform] * args.scale
    command = ([sys.executable, "-m", "benchmarks.bench_fanout", "--serve", str(limit)]
               if args.platform == "telegram" else
               [sys.executable, "-m", "benchmarks.fake_process", "discord", str(limit)])
    fake = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert fake.stdout is not None
        words = fake.stdout.readline().split()
        port = int(words[1])
        token = TOKEN if args.platform == "telegram" else words[3]
        with tempfile.TemporaryDirectory() as tmp:
            report, seconds, cpu = asyncio.run(fanout(args.chats, args.scale, Path(tmp), port,
                                                      args.kind, args.platform, token))
        stats = (_stats(port) if args.platform == "telegram" else
                 _stats(int(words[2]), "/control/posts"))
    finally:
        fake.terminate()
        fake.wait(10)
    rows, ratios = results(args.chats, limit, args.scale, report, seconds, cpu, stats,
                           args.kind, args.platform)
    print_table(f"Weekly fan-out ({args.kind}) through the {args.platform.title()} adapter", rows)
    print_ratios(ratios)


if __name__ == "__main__":
    main()
