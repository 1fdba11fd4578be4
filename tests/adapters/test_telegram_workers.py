"""Telegram webhook mode with several workers (issue 21): every worker binds the webhook port
with ``SO_REUSEPORT`` and any of them may receive any update; they all register the same URL and
secret; when one stops, the others answer everything. The real PTB ``Application`` against the
fake Bot API in webhook mode (it POSTs each update on a new connection, as Telegram does)."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr
from telegram import Update
from telegram.ext import TypeHandler

from bot.adapters.telegram_adapter import TelegramAdapter, reuse_port_socket, webhook_secret
from bot.app import App, build_app, running
from bot.config import Settings
from tests.auxil.clock import FakeClock
from tests.auxil.fake_telegram import FakeTelegram, private_chat, user


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(webhook=True) as server:
        yield server


@pytest.fixture
async def hook_app(settings: Settings, clock: FakeClock,
                   fake: FakeTelegram) -> AsyncIterator[App]:
    port = _free_port()
    configured = settings.model_copy(update={
        "telegram_bot_token": SecretStr(fake.token), "telegram_base_url": fake.base_url,
        "telegram_webhook_url": f"http://127.0.0.1:{port}/tg/hook",
        "telegram_webhook_listen": "127.0.0.1", "telegram_webhook_port": port,
        "worker_count": 2})
    async with running(configured, clock=clock) as app:
        yield app


class Worker:
    """One adapter (a worker), recording the updates it handled."""

    def __init__(self, app: App, index: int) -> None:
        settings = app.settings.model_copy(update={"worker_index": index})
        self.adapter = TelegramAdapter(dataclasses.replace(app, settings=settings))
        self.handled: list[int] = []
        self.adapter.application.add_handler(TypeHandler(Update, self._seen), group=1000)

    async def _seen(self, update: Update, context: Any) -> None:
        self.handled.append(update.update_id)


async def _eventually(check: Callable[[], bool], seconds: float = 15.0) -> None:
    """Poll ``check`` (set from two adapters' handlers and the fake: no one event to wait on)."""
    async with asyncio.timeout(seconds):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


def _ask(fake: FakeTelegram, n: int) -> int:
    person = user(5000 + n, f"Creator{n}")
    return fake.message("/help", chat=private_chat(person), sender=person)


async def test_any_worker_may_receive_any_update_and_the_others_take_over(
        hook_app: App, fake: FakeTelegram) -> None:
    a, b = Worker(hook_app, 0), Worker(hook_app, 1)
    await a.adapter.start()
    await b.adapter.start()  # the same port: SO_REUSEPORT
    try:
        calls = fake.named("setWebhook")
        assert len(calls) == 2 and calls[0].params == calls[1].params  # idempotent
        asked = [_ask(fake, n) for n in range(40)]
        await _eventually(lambda: len(fake.sent()) >= 40 and len(a.handled + b.handled) >= 40)
        handled = Counter(a.handled + b.handled)
        assert set(handled) == set(asked) and max(handled.values()) == 1
        assert a.handled and b.handled, "the kernel gave every connection to one worker"
        assert fake.acknowledged == set(asked)

        await a.adapter.stop()  # one worker stops; the other answers everything
        before = len(b.handled)
        more = [_ask(fake, 100 + n) for n in range(10)]
        await _eventually(lambda: len(fake.sent()) >= 50 and len(b.handled) >= before + 10)
        assert set(b.handled[before:]) == set(more)
        assert all(c.ok for c in fake.sent())
    finally:
        await b.adapter.stop()
        if a.adapter.application.running:
            await a.adapter.stop()


def test_every_worker_derives_the_same_webhook_secret_from_the_token(settings: Settings) -> None:
    one = settings.model_copy(update={"telegram_bot_token": SecretStr("1:abc")})
    other = settings.model_copy(update={"telegram_bot_token": SecretStr("1:abd")})
    assert webhook_secret(one) == webhook_secret(one.model_copy())
    assert webhook_secret(one) != webhook_secret(other)
    assert "abc" not in webhook_secret(one) and len(webhook_secret(one)) == 64
    chosen = one.model_copy(update={"telegram_webhook_secret": SecretStr("my-secret")})
    assert webhook_secret(chosen) == "my-secret"


def test_the_webhook_port_is_shared_only_with_sockets_that_ask_for_it() -> None:
    first = reuse_port_socket("127.0.0.1", 0)
    port = first.getsockname()[1]
    try:
        second = reuse_port_socket("127.0.0.1", port)
        second.close()
        with socket.socket() as plain, pytest.raises(OSError, match="in use"):
            plain.bind(("127.0.0.1", port))  # another program can't take it over
    finally:
        first.close()


async def test_a_guided_log_answered_on_another_worker_is_logged(
        settings: Settings, clock: FakeClock, pg_url: str) -> None:
    """Before: the bare /log's waiting step lived in the worker that got it; the numbers,
    arriving at another worker, were answered "Commands start with /"."""
    async with FakeTelegram() as fake:
        apps, adapters, ports = [], [], []
        try:
            for index in range(2):
                port = _free_port()
                configured = settings.model_copy(update={
                    "database_url": pg_url, "telegram_bot_token": SecretStr(fake.token),
                    "telegram_base_url": fake.base_url, "worker_count": 2,
                    "worker_index": index, "telegram_webhook_port": port,
                    "telegram_webhook_url": f"http://127.0.0.1:{port}/tg/hook"})
                app = await build_app(configured, clock=clock)
                apps.append(app)
                adapter = TelegramAdapter(app)
                await adapter.start()
                adapters.append(adapter)
                ports.append(port)
            secret = fake.webhook["secret_token"]
            maya = user(6001, "Maya")

            async def to_worker(index: int, update_id: int, text: str) -> None:
                update = {"update_id": update_id, "message": {
                    "message_id": update_id, "date": 0, "chat": private_chat(maya),
                    "from": maya, "text": text}}
                if text.startswith("/"):
                    update["message"]["entities"] = [
                        {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
                before = len(fake.sent(maya["id"]))
                async with aiohttp.ClientSession() as session, session.post(
                        f"http://127.0.0.1:{ports[index]}/tg/hook", json=update,
                        headers={"X-Telegram-Bot-Api-Secret-Token": secret}) as answer:
                    assert answer.status == 200
                await _eventually(lambda: len(fake.sent(maya["id"])) > before)

            await to_worker(0, 1, "/log")
            assert "Send me your numbers" in fake.sent(maya["id"])[-1].text
            await to_worker(1, 2, "followers=12k views=40k")  # the other worker
            assert "Saved" in fake.sent(maya["id"])[-1].text
            found = await apps[0].store.find_user("telegram", str(maya["id"]))
            assert found is not None
            latest = await apps[0].store.latest_snapshot(found.id)
            assert latest is not None and latest.followers == 12_000
            await to_worker(0, 3, "13k")  # the step was taken: nobody waits any more
            assert "Commands start with /" in fake.sent(maya["id"])[-1].text
        finally:
            for adapter in adapters:
                await adapter.stop()
            for app in apps:
                await app.close()
