"""Full stack through python-telegram-bot: N mixed updates (/estimate, /tips, /log, /stats from
many users) pushed through the real Application against the local fake Bot API, vs. a bare PTB
echo bot on the same fake server, in the same run. Rate limiting is set out of the way for both
(the point is the bot's own cost), updates are handled concurrently in both.

    python -m benchmarks.bench_fullstack [--updates 2000] [--users 200]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, MessageHandler, filters

from benchmarks.common import Row, ms, print_table, ratio, summary
from bot.adapters.telegram_adapter import TelegramAdapter
from bot.app import running
from bot.config import Settings
from tests.auxil.fake_telegram import FakeTelegram, private_chat, user

MIX = ("/log followers={f} views={v} likes={l}", "/estimate", "/tips", "/stats")


class Timing:
    """Push time per chat (FIFO) and the time each reply arrived."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.pushed: dict[int, collections.deque[float]] = collections.defaultdict(
            collections.deque)
        self.latencies: list[float] = []
        self.replies = 0
        self.done = asyncio.Event()
        self.expected = 0
        original = fake._m_sendMessage

        async def send(params: dict[str, Any], files: dict[str, Any]) -> Any:
            result = await original(params, files)
            queue = self.pushed.get(int(params["chat_id"]))
            if queue:
                self.latencies.append(time.perf_counter() - queue.popleft())
            self.replies += 1
            if self.replies >= self.expected:
                self.done.set()
            return result

        fake._m_sendMessage = send  # type: ignore[method-assign]


async def drive(fake: FakeTelegram, timing: Timing, updates: int, users: int) -> float:
    people = [user(10_000 + n, f"U{n}") for n in range(users)]
    timing.expected = updates
    started = time.perf_counter()
    for i in range(updates):
        person = people[i % users]
        line = MIX[(i // users) % len(MIX)].format(f=1000 + i, v=20_000 + i, l=900 + i)
        timing.pushed[person["id"]].append(time.perf_counter())
        fake.message(line, chat=private_chat(person), sender=person)
    async with asyncio.timeout(600):
        await timing.done.wait()
    return time.perf_counter() - started


async def advisor(updates: int, users: int, tmp: Path) -> tuple[float, list[float]]:
    async with FakeTelegram() as fake:
        timing = Timing(fake)
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, database_url=f"sqlite:///{tmp / 'full.db'}", data_dir=tmp,
            telegram_bot_token=SecretStr(fake.token), telegram_base_url=fake.base_url,
            rate_limit_burst=0)
        async with running(settings) as app:
            adapter = TelegramAdapter(app, poll_timeout=1, overall_max_rate=1e6)
            await adapter.start()
            try:
                seconds = await drive(fake, timing, updates, users)
            finally:
                await adapter.stop()
    return seconds, timing.latencies


async def echo(updates: int, users: int) -> tuple[float, list[float]]:
    async with FakeTelegram() as fake:
        timing = Timing(fake)

        async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            assert update.effective_message is not None
            await update.effective_message.reply_text("ok")

        application = (ApplicationBuilder().token(fake.token).base_url(fake.base_url)
                       .rate_limiter(AIORateLimiter(overall_max_rate=1e6))
                       .concurrent_updates(32).build())
        application.add_handler(MessageHandler(filters.ALL, reply))
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(timeout=1)
            try:
                seconds = await drive(fake, timing, updates, users)
            finally:
                await application.updater.stop()
                await application.stop()
    return seconds, timing.latencies


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--updates", type=int, default=2000)
    p.add_argument("--users", type=int, default=200)
    args = p.parse_args(argv)
    base_s, base_lat = asyncio.run(echo(args.updates, args.users))
    with tempfile.TemporaryDirectory() as tmp:
        ours_s, ours_lat = asyncio.run(advisor(args.updates, args.users, Path(tmp)))
    b50, b99, _ = summary(base_lat)
    o50, o99, _ = summary(ours_lat)
    print_table(f"Full stack through python-telegram-bot: {args.updates:,} updates, "
                f"{args.users} users", [
        Row("updates/s", f"{args.updates / ours_s:,.0f}", f"echo bot {args.updates / base_s:,.0f}",
            ratio(base_s, ours_s), "≥ 0.8×"),
        Row("latency p50", ms(o50), f"echo bot {ms(b50)}", ratio(o50, b50)),
        Row("latency p99", ms(o99), f"echo bot {ms(b99)}", ratio(o99, b99)),
    ])


if __name__ == "__main__":
    main()
