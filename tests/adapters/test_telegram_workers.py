"""Telegram webhook mode with several workers (issue 21): every worker binds the webhook port
with ``SO_REUSEPORT`` and any of them may receive any update; they all register the same URL and
secret; when one stops, the others answer everything. The real PTB ``Application`` against the
fake Bot API in webhook mode (it POSTs each update on a new connection, as Telegram does)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import secrets
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
from bot.adapters.telegram_format import BUTTON_EXPIRED
from bot.app import App, build_app, running
from bot.config import Settings
from tests.auxil.clock import FakeClock
from tests.auxil.fake_telegram import FakeTelegram, private_chat, user
from tests.auxil.ports import free_port


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(webhook=True) as server:
        yield server


@pytest.fixture
async def hook_app(settings: Settings, clock: FakeClock,
                   fake: FakeTelegram) -> AsyncIterator[App]:
    port = free_port()
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


class Workers:
    """Two bot workers (each its own app and store on one PostgreSQL, its own webhook port) on
    one fake Telegram; ``to(i, update)`` POSTs an update to worker ``i`` as Telegram would."""

    def __init__(self, fake: FakeTelegram, apps: list[App], ports: list[int]) -> None:
        self.fake, self.apps, self.ports = fake, apps, ports

    async def to(self, index: int, update: dict[str, Any], *, answered: bool = True) -> None:
        """Deliver ``update`` to worker ``index``; wait for the bot's next call to Telegram
        (``answered``), or else give it time to (wrongly) make one."""
        before = len(self.fake.calls)
        async with aiohttp.ClientSession() as session, session.post(
                f"http://127.0.0.1:{self.ports[index]}/tg/hook", json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": self.fake.webhook["secret_token"]}
        ) as answer:
            assert answer.status == 200
        if answered:
            await _eventually(lambda: len(self.fake.calls) > before)
        else:
            await asyncio.sleep(0.5)


def _text(person: dict[str, Any], update_id: int, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {"message_id": update_id, "date": 0,
                               "chat": private_chat(person), "from": person, "text": text}
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


@contextlib.asynccontextmanager
async def _two_workers(settings: Settings, clock: FakeClock, pg_url: str,
                       **configured: Any) -> AsyncIterator[Workers]:
    async with FakeTelegram() as fake:
        apps: list[App] = []
        adapters: list[TelegramAdapter] = []
        ports: list[int] = []
        try:
            for index in range(2):
                port = free_port()
                app = await build_app(settings.model_copy(update={
                    "database_url": pg_url, "telegram_bot_token": SecretStr(fake.token),
                    "telegram_base_url": fake.base_url, "worker_count": 2,
                    "worker_index": index, "telegram_webhook_port": port,
                    "telegram_webhook_url": f"http://127.0.0.1:{port}/tg/hook",
                    **configured}), clock=clock)
                apps.append(app)
                adapter = TelegramAdapter(app)
                await adapter.start()
                adapters.append(adapter)
                ports.append(port)
            yield Workers(fake, apps, ports)
        finally:
            for adapter in adapters:
                await adapter.stop()
            for app in apps:
                await app.close()


async def test_a_guided_log_answered_on_another_worker_is_logged(
        settings: Settings, clock: FakeClock, pg_url: str) -> None:
    """Before: the bare /log's waiting step lived in the worker that got it; the numbers,
    arriving at another worker, were answered "Commands start with /"."""
    async with _two_workers(settings, clock, pg_url) as workers:
        fake, maya = workers.fake, user(6001, "Maya")
        await workers.to(0, _text(maya, 1, "/log"))
        assert "Send me your numbers" in fake.sent(maya["id"])[-1].text
        await workers.to(1, _text(maya, 2, "followers=12k views=40k"))  # the other worker
        assert "Saved" in fake.sent(maya["id"])[-1].text
        found = await workers.apps[0].store.find_user("telegram", str(maya["id"]))
        assert found is not None
        latest = await workers.apps[0].store.latest_snapshot(found.id)
        assert latest is not None and latest.followers == 12_000
        await workers.to(0, _text(maya, 3, "13k"))  # the step was taken: nobody waits any more
        assert "Commands start with /" in fake.sent(maya["id"])[-1].text


async def test_a_long_button_pressed_on_another_worker_runs_its_command(
        settings: Settings, clock: FakeClock, pg_url: str) -> None:
    """Before: a button whose command line is longer than the 64 bytes of callback_data lived
    in the memory of the worker that sent it; pressed on another worker it said "expired"."""
    async with _two_workers(settings, clock, pg_url) as workers:
        fake, maya = workers.fake, user(6002, "Maya")
        await workers.to(0, _text(maya, 1, "/estimate followers=50k views=1.2M likes=40k "
                                           "region=US adult=yes"))
        (estimate,) = [c for c in fake.sent(maya["id"]) if c.buttons]
        (how,) = [b for b in estimate.buttons if b["text"] == "How was this computed?"]
        assert how["callback_data"].startswith("#")  # too long to carry its command
        message = fake.messages[(maya["id"], estimate.result["message_id"])]
        before = len(fake.sent(maya["id"]))
        await workers.to(1, {"update_id": 2, "callback_query": {
            "id": "cb2", "from": maya, "chat_instance": "ci1", "data": how["callback_data"],
            "message": message}})
        # The explanation is longer than one Telegram message: it comes in two, the ranges'
        # P10-P90 line in the last (the check read the first alone when the second was late).
        await _eventually(lambda: any("P10" in c.text for c in fake.sent(maya["id"])[before:]))
        answers = [c.params.get("text") for c in fake.named("answerCallbackQuery")]
        assert BUTTON_EXPIRED not in answers
        explained = "\n".join(c.text for c in fake.sent(maya["id"])[before:])
        assert "/estimate explain" not in explained and "How:" in explained


async def test_two_presses_of_save_anyway_on_two_workers_save_once(
        settings: Settings, clock: FakeClock, pg_url: str) -> None:
    """Before: a double tap on "Save anyway" (two updates) ran `/log … confirm` twice, and
    with two workers each press reached its own: two identical snapshots."""
    async with _two_workers(settings, clock, pg_url) as workers:
        fake, maya = workers.fake, user(6004, "Maya")
        await workers.to(0, _text(maya, 51, "/log followers=12k"))
        await workers.to(0, _text(maya, 52, "/log followers=1B"))
        (held,) = [c for c in fake.sent(maya["id"]) if c.buttons]
        (save,) = held.buttons
        message = dict(fake.messages[(maya["id"], held.result["message_id"])])
        for index, update_id in ((0, 53), (1, 54)):
            await workers.to(index, {"update_id": update_id, "callback_query": {
                "id": f"cb{update_id}", "from": maya, "chat_instance": "ci1",
                "data": save["callback_data"], "message": message}})
        await _eventually(lambda: len(fake.named("answerCallbackQuery")) == 2)
        answers = [c.params.get("text") for c in fake.named("answerCallbackQuery")]
        assert answers.count(BUTTON_EXPIRED) == 1
        app = workers.apps[0]
        person = await app.store.find_user("telegram", str(maya["id"]))
        assert person is not None
        await _eventually(lambda: len(fake.sent(maya["id"])) >= 3)
        assert [s.followers for s in await app.store.history(person.id)] == [12_000, 1e9]


async def test_a_redelivered_update_is_dropped_by_the_worker_it_reaches_second(
        settings: Settings, clock: FakeClock, pg_url: str) -> None:
    """Before: each worker remembered only the updates it had seen; Telegram's retry of an
    update reaching another worker logged the snapshot twice and answered twice."""
    async with _two_workers(settings, clock, pg_url) as workers:
        fake, maya = workers.fake, user(6003, "Maya")
        update = _text(maya, 41, "/log followers=12k views=40k")
        await workers.to(0, update)
        assert len(fake.sent(maya["id"])) == 1
        await workers.to(1, update, answered=False)  # the same update_id: a webhook retry
        await workers.to(0, update, answered=False)
        assert len(fake.sent(maya["id"])) == 1
        found = await workers.apps[1].store.find_user("telegram", str(maya["id"]))
        assert found is not None and len(await workers.apps[1].store.history(found.id)) == 1
        await workers.to(1, _text(maya, 42, "/stats"))  # a new update is answered
        assert len(fake.sent(maya["id"])) == 2


async def test_the_flood_limit_counts_one_person_across_workers(
        settings: Settings, clock: FakeClock, pg_url: str) -> None:
    """Before: each worker counted a person's commands itself, so two workers allowed twice
    RATE_LIMIT_BURST. With REDIS_URL the count is in Redis (the ``limits`` library)."""
    redis_url = os.environ.get("TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("the shared flood limit needs TEST_REDIS_URL (e.g. "
                    "redis://127.0.0.1:6379/0); it is unset")
    async with _two_workers(settings, clock, pg_url, redis_url=SecretStr(redis_url),
                            rate_limit_burst=2, rate_limit_per_minute=1.0) as workers:
        fake = workers.fake
        maya = user(7_000_000 + secrets.randbelow(10**9), "Maya")  # counted afresh in Redis
        await workers.to(0, _text(maya, 1, "/help"))
        await workers.to(1, _text(maya, 2, "/help"))  # the burst of 2, one on each worker
        assert len(fake.sent(maya["id"])) == 2
        await workers.to(1, _text(maya, 3, "/help"))
        assert "faster than I can answer" in fake.sent(maya["id"])[-1].text
        await workers.to(0, _text(maya, 4, "/help"), answered=False)  # told once: dropped
        await workers.to(1, _text(maya, 5, "/help"), answered=False)
        assert len(fake.sent(maya["id"])) == 3
        other = user(maya["id"] + 1, "Bo")  # someone else is answered at once
        await workers.to(0, _text(other, 6, "/help"))
        assert len(fake.sent(other["id"])) == 1
