"""A graceful stop of one worker never loses an acknowledged ``/log`` (issue 21).

Telegram (webhook mode, a real ``creator-advisor run`` process): an update is acknowledged when
the webhook answered 200, after which Telegram never sends it again. SIGTERM arrives while
/logs are still being handled (replies slowed down by the fake): every acknowledged /log is in
the database. Discord: a command already being answered when the adapter stops finishes, its
write and its reply included."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import App
from bot.config import Settings
from bot.core.context import CommandContext
from bot.core.registry import CommandSpec
from bot.core.types import Reply
from bot.store import open_store
from tests.auxil.fake_discord import FakeDiscord
from tests.auxil.fake_telegram import FakeTelegram, private_chat, user
from tests.auxil.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
LOGS = 60


async def _until(check: Any, seconds: float, what: str) -> None:
    try:
        async with asyncio.timeout(seconds):
            while not check():  # noqa: ASYNC110 - state of another process and the fake
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


async def test_sigterm_while_logs_are_in_flight_loses_no_acknowledged_log(
        tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'advisor.db'}"
    async with FakeTelegram(webhook=True) as fake:
        fake.delay("sendMessage", 0.5, times=10 * LOGS)  # replies slow: /logs stay in flight
        port = free_port()
        env = {**os.environ, "DATABASE_URL": database, "DATA_DIR": str(tmp_path),
               "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_BASE_URL": fake.base_url,
               "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/tg/hook",
               "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1", "TELEGRAM_WEBHOOK_PORT": str(port),
               "LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT)}
        for name in ("DISCORD_TOKEN", "REDIS_URL", "TIKTOK_CLIENT_KEY", "WORKER_INDEX",
                     "WORKER_COUNT"):
            env.pop(name, None)
        log = tmp_path / "worker.log"
        with log.open("ab") as sink:
            worker = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=ROOT, env=env, stdout=sink,
                stderr=sink)
        try:
            await _until(lambda: fake.named("setWebhook"), 60, "the worker's setWebhook")
            followers: dict[int, tuple[int, int]] = {}  # update id -> (person, followers)
            for n in range(LOGS):
                person = user(8000 + n, f"Creator{n}")
                update_id = fake.message(f"/log followers={1000 + n}",
                                         chat=private_chat(person), sender=person)
                followers[update_id] = (8000 + n, 1000 + n)
            await _until(lambda: len(fake.acknowledged) >= LOGS // 2, 60,
                         "half the /logs acknowledged")
            replied = len(fake.sent())
            acknowledged_then = len(fake.acknowledged)
            worker.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(worker.wait(), 60)
        finally:
            if worker.returncode is None:
                worker.kill()
                await worker.wait()
        acknowledged = set(fake.acknowledged)
    assert code == 0, log.read_text()[-3000:]
    assert replied < acknowledged_then, "nothing was in flight when SIGTERM came"
    store = await open_store(database)
    try:
        lost = []
        for update_id in sorted(acknowledged):
            person, count = followers[update_id]
            found = await store.find_user("telegram", str(person))
            latest = None if found is None else await store.latest_snapshot(found.id)
            if latest is None or latest.followers != count:
                lost.append(update_id)
    finally:
        await store.close()
    assert lost == [], f"acknowledged /logs missing from the database: {lost}"


# -- Discord: a command being answered finishes before the client closes ------------------------


async def _slow_log(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    await asyncio.sleep(0.5)
    await ctx.store.add_snapshot(ctx.user.id, {"followers": 4321.0}, ctx.request.received_at)
    return Reply("forget_cancelled")


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


@pytest.fixture
def settings(settings: Settings, discord_fake: FakeDiscord) -> Settings:
    return settings.model_copy(update={"discord_token": SecretStr("fake-token"),
                                       "discord_api_url": discord_fake.api_url})


async def test_a_discord_command_in_flight_finishes_when_the_worker_stops(
        app: App, discord_fake: FakeDiscord) -> None:
    app.registry.add(CommandSpec("slowlog", "Logs slowly", "Slow.", _slow_log))
    adapter = DiscordAdapter(app, defer_after=0.1, guild_ready_timeout=0.05)
    await adapter.start()
    token = await discord_fake.interact(discord_fake.slash("slowlog"))
    await discord_fake.wait_for(lambda: discord_fake.for_token(token))  # acknowledged (deferred)
    await adapter.stop()
    kinds = [s.kind for s in discord_fake.for_token(token)]
    assert kinds[0] == "defer" and kinds[-1] == "followup"  # answered before the close
    found = await app.store.find_user("discord", str(discord_fake.interactions[token]
                                                     ["member"]["user"]["id"]))
    assert found is not None
    latest = await app.store.latest_snapshot(found.id)
    assert latest is not None and latest.followers == 4321
