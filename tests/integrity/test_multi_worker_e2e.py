"""Several workers end to end (issue 21's "done when"): ``creator-advisor run --workers 3`` on
one PostgreSQL, the fake Telegram in webhook mode (the workers share its port with
``SO_REUSEPORT``) and the fake Discord with 2 gateway shards (worker 0 and 1 take one each;
worker 2 sends over REST only). Weekly posts to Telegram chats and Discord channels are due at
start; one worker is killed with SIGKILL in the middle of the fan-out.

Checked: the surviving workers answer every Telegram update and the commands of the dead
worker's shard once the supervisor has started it again; each post goes out at most once, and
every one either went out exactly once or is recorded "unknown" because it was in flight in the
killed worker (never resent, never stranded in "sending"); SIGTERM to the supervisor stops all
three gracefully. Needs TEST_DATABASE_URL and TEST_REDIS_URL (several workers are refused
without REDIS_URL; skipped, naming them, when unset)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.store import open_store
from tests.auxil.fake_discord import GUILD_ID, SECOND_GUILD_ID, FakeDiscord
from tests.auxil.fake_telegram import FakeTelegram, private_chat, user
from tests.auxil.ports import free_port
from tests.store.rawdb import query

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
TELEGRAM_CHATS = 90
DISCORD_CHANNELS = 90
FIRST_CHANNEL = 440000000000000001


async def _until(check: Any, seconds: float, what: str, log: Path) -> None:
    try:
        async with asyncio.timeout(seconds):
            while not check():  # noqa: ASYNC110 - other processes' state
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}; log:\n"
                             f"{log.read_text()[-4000:]}") from None


async def _subscribe(url: str, slot: datetime) -> None:
    store = await open_store(url)
    try:
        for platform, first, count in (("telegram", -3_000_000, TELEGRAM_CHATS),
                                       ("discord", FIRST_CHANNEL, DISCORD_CHANNELS)):
            for n in range(count):
                chat = first - n if platform == "telegram" else first + n
                await store.save_subscription(
                    platform=platform, chat_id=str(chat), chat_kind="group", kind="community",
                    user_id=None, created_by=None, weekday=slot.weekday(),
                    local_time=slot.strftime("%H:%M"), timezone="UTC", topics=(),
                    next_run_at=slot)
    finally:
        await store.close()


def _pids(log: Path) -> dict[int, list[int]]:
    """Each worker's pids, oldest first, from the supervisor's log lines."""
    found: dict[int, list[int]] = {}
    for index, pid in re.findall(r"worker (\d+) started \(pid (\d+)\)", log.read_text()):
        found.setdefault(int(index), []).append(int(pid))
    return found


async def test_three_workers_webhook_and_two_shards_one_killed(
        tmp_path: Path, pg_url: str) -> None:
    redis_url = os.environ.get("TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("several workers need TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/0); "
                    "it is unset")
    slot = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
    await _subscribe(pg_url, slot)
    log = tmp_path / "workers.log"
    async with FakeTelegram(webhook=True) as telegram:
        discord = await FakeDiscord(shards=2).start()
        # Slow platforms: the fan-out is still running when a worker is killed.
        telegram.delay("sendMessage", 0.3, times=TELEGRAM_CHATS)
        port = free_port()
        env = {**os.environ, "DATABASE_URL": pg_url, "DATA_DIR": str(tmp_path),
               "TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_BASE_URL": telegram.base_url,
               "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/tg/hook",
               "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1", "TELEGRAM_WEBHOOK_PORT": str(port),
               "DISCORD_TOKEN": discord.token, "DISCORD_API_URL": discord.api_url,
               "DISCORD_SHARD_COUNT": "2", "LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT)}
        for name in ("TIKTOK_CLIENT_KEY", "WORKER_INDEX", "WORKER_COUNT", "DISCORD_GUILD_ID"):
            env.pop(name, None)
        env["REDIS_URL"] = redis_url
        with log.open("ab") as sink:
            supervisor = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", "--workers", str(WORKERS), cwd=ROOT,
                env=env, stdout=sink, stderr=sink)
        try:
            await _until(lambda: len(telegram.named("setWebhook")) == WORKERS
                         and set(discord.shard_sockets) == {0, 1}, 45,
                         "three webhooks registered and both shards connected", log)
            assert sorted(tuple(i["shard"]) for i in discord.identifies) == [(0, 2), (1, 2)]

            def posts() -> int:
                return len(_telegram_posts(telegram)) + len(_discord_posts(discord))

            await _until(lambda: posts() >= 12, 30, "the fan-out to start", log)
            victim = _pids(log)[1][0]  # worker 1: shard 1, and its share of the posts
            os.kill(victim, signal.SIGKILL)
            killed_at = posts()
            assert killed_at < TELEGRAM_CHATS + DISCORD_CHANNELS, "done before the kill"

            # Updates are still answered by the others: Telegram's go to the live sockets.
            people = [user(9000 + n, f"Creator{n}") for n in range(12)]
            for person in people:
                telegram.message("/help", chat=private_chat(person), sender=person)
            await _until(lambda: all(telegram.sent(p["id"]) for p in people), 30,
                         "every /help answered by the surviving workers", log)
            answer = await discord.answers(await discord.interact(
                discord.slash("help", guild_id=GUILD_ID)))  # shard 0: worker 0, alive
            assert "/estimate" in answer[0].text
            # The dead worker's shard is back once the supervisor has started it again.
            answer = await discord.answers(await discord.interact(
                discord.slash("help", guild_id=SECOND_GUILD_ID), seconds=40), seconds=20)
            assert "/estimate" in answer[0].text
            assert len(_pids(log)[1]) == 2  # restarted, in the same slot

            total = TELEGRAM_CHATS + DISCORD_CHANNELS

            async def settled_count() -> int:
                rows = await query(pg_url, "SELECT count(*) FROM posted_tips WHERE status IN"
                                           " ('sent', 'unknown')")
                return int(rows[0][0])

            async with asyncio.timeout(45):
                while await settled_count() < total:  # noqa: ASYNC110 - the database's state
                    await asyncio.sleep(0.2)
        finally:
            if supervisor.returncode is None:
                supervisor.send_signal(signal.SIGTERM)
                try:
                    code = await asyncio.wait_for(supervisor.wait(), 45)
                except TimeoutError:
                    supervisor.kill()
                    await supervisor.wait()
                    raise
            await discord.close()
        assert code == 0, log.read_text()[-4000:]
        for index, pids in _pids(log).items():
            for pid in pids:
                assert not _alive(pid), f"worker {index} (pid {pid}) outlived the supervisor"

        statuses = dict(await query(pg_url, "SELECT status, count(*) FROM posted_tips"
                                            " GROUP BY status"))
        unknown = await _with_status(pg_url, "unknown")
        sent = await _with_status(pg_url, "sent")
        sent_tg = Counter(_telegram_posts(telegram))
        sent_dc = Counter(_discord_posts(discord))
    assert "sending" not in statuses, statuses  # nothing stranded
    assert max(sent_tg.values()) == 1 and max(sent_dc.values()) == 1, "a post went out twice"
    delivered = {("telegram", c) for c in sent_tg} | {("discord", c) for c in sent_dc}
    everyone = ({("telegram", str(-3_000_000 - n)) for n in range(TELEGRAM_CHATS)}
                | {("discord", str(FIRST_CHANNEL + n)) for n in range(DISCORD_CHANNELS)})
    assert delivered | unknown == everyone  # each went out, or was in flight when killed
    assert len(unknown) <= 32, unknown  # at most the killed worker's posts in flight
    assert sent <= delivered and len(sent) + len(unknown) == len(everyone)


async def _with_status(url: str, status: str) -> set[tuple[str, str]]:
    """(platform, chat id) of every post of this week with ``status``."""
    rows = await query(url, "SELECT s.platform, s.chat_id FROM posted_tips p JOIN subscriptions"
                            f" s ON s.id = p.subscription_id WHERE p.status = '{status}'")
    return {(str(r[0]), str(r[1])) for r in rows}


def _telegram_posts(fake: FakeTelegram) -> list[str]:
    return [str(c.chat_id) for c in fake.sent()
            if c.chat_id is not None and c.chat_id <= -3_000_000]


def _discord_posts(fake: FakeDiscord) -> list[str]:
    return [str(fake.messages[s.message_id]["channel_id"]) for s in fake.sent
            if s.kind == "channel" and s.message_id is not None
            and int(fake.messages[s.message_id]["channel_id"]) >= FIRST_CHANNEL]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
