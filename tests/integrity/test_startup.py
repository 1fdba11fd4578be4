"""Start-up: one sentence for each failure, never a traceback; one platform down holds up no
other (issue 14)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import running
from bot.cli import _run
from bot.config import Settings
from tests.auxil.fake_discord import FakeDiscord
from tests.auxil.fake_telegram import FakeTelegram
from tests.auxil.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_", "LOG_"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
                "DATA_DIR": str(tmp_path / "d"), **more})
    return env


async def until(predicate: Callable[[], bool], seconds: float = 30) -> None:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


def _cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          env=_env(tmp_path, **env), cwd=ROOT, timeout=60, check=False)


def test_an_unknown_log_level_is_one_line(tmp_path: Path) -> None:
    done = _cli(tmp_path, "run", LOG_LEVEL="verbose", TELEGRAM_BOT_TOKEN="1:x")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert "LOG_LEVEL: " in done.stderr and "DEBUG, INFO, WARNING" in done.stderr


def test_in_memory_database_is_refused_in_one_line(tmp_path: Path) -> None:
    done = _cli(tmp_path, "ask", "/stats", DATABASE_URL="sqlite:///:memory:")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "in-memory database" in done.stderr


def test_a_second_bot_on_the_same_database_is_refused_naming_the_first(tmp_path: Path) -> None:
    first = subprocess.Popen([sys.executable, "-m", "bot", "console"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=_env(tmp_path), cwd=ROOT, text=True)
    try:
        assert first.stdout is not None
        assert "Creator Advisor" in first.stdout.readline() + first.stdout.readline()
        second = _cli(tmp_path, "ask", "/stats")
        assert second.returncode == 1 and "Traceback" not in second.stderr
        assert f"another Creator Advisor process (pid {first.pid}," in second.stderr
    finally:
        first.communicate("", timeout=30)
    assert _cli(tmp_path, "ask", "/stats").returncode == 0  # the lock went with the process


def test_a_telegram_api_unreachable_at_start_is_retried_in_one_line_each(
        tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, cwd=ROOT, env=_env(
            tmp_path, TELEGRAM_BOT_TOKEN="123:abc",
            TELEGRAM_BASE_URL=f"http://127.0.0.1:{free_port()}/bot", LOG_LEVEL="INFO"))
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(2)]
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    output = "".join(lines) + rest
    assert "Traceback" not in output, output
    assert output.count("cannot reach the Telegram Bot API at 127.0.0.1") >= 2
    assert "trying again in" in output and proc.returncode == 0


async def test_one_platform_down_at_start_does_not_hold_up_the_other(
        settings: Settings, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.cli as cli

    monkeypatch.setattr(cli, "START_BACKOFF", (0.05, 0.2))
    caplog.set_level(logging.INFO)
    async with FakeTelegram() as fake:
        configured = settings.model_copy(update={
            "telegram_bot_token": SecretStr(fake.token), "telegram_base_url": fake.base_url,
            "discord_token": SecretStr("fake-token"),
            "discord_api_url": f"http://127.0.0.1:{free_port()}/api/v10"})
        async with running(configured) as app:
            stop = asyncio.Event()
            task = asyncio.create_task(_run(app, stop))
            await until(lambda: caplog.text.count("discord: cannot reach Discord") >= 3
                        and "telegram adapter running" in caplog.text)
            stop.set()
            assert await task == 0
    assert "Traceback" not in caplog.text


async def test_a_wrong_discord_token_is_one_line_and_the_other_adapter_runs(
        settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    discord = await FakeDiscord().start()
    try:
        async with FakeTelegram() as fake:
            configured = settings.model_copy(update={
                "telegram_bot_token": SecretStr(fake.token),
                "telegram_base_url": fake.base_url, "discord_token": SecretStr("wrong"),
                "discord_api_url": discord.api_url})
            async with running(configured) as app:
                stop = asyncio.Event()
                task = asyncio.create_task(_run(app, stop))
                await until(lambda: "telegram adapter running" in caplog.text
                            and "Discord refused the bot token" in caplog.text)
                stop.set()
                assert await task == 0
    finally:
        await discord.close()
    errors = [r for r in caplog.records if "Discord refused" in r.getMessage()]
    assert len(errors) == 1 and errors[0].exc_info is None


async def test_only_adapter_with_a_wrong_token_exits_with_one_line(
        settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    discord = await FakeDiscord().start()
    try:
        configured = settings.model_copy(update={
            "discord_token": SecretStr("wrong"), "discord_api_url": discord.api_url})
        async with running(configured) as app:
            assert await asyncio.wait_for(_run(app, asyncio.Event()), 30) == 1
    finally:
        await discord.close()
    assert "Discord refused the bot token" in caplog.text and "no adapter could start" in \
        caplog.text


async def test_telegram_back_after_an_outage_at_start_is_picked_up(
        settings: Settings, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import aiohttp.web

    import bot.cli as cli

    monkeypatch.setattr(cli, "START_BACKOFF", (0.05, 0.2))
    caplog.set_level(logging.INFO)
    port = free_port()
    real_site = aiohttp.web.TCPSite
    monkeypatch.setattr(aiohttp.web, "TCPSite",
                        lambda runner, host, _port: real_site(runner, host, port))
    fake = FakeTelegram()
    configured = settings.model_copy(update={
        "telegram_bot_token": SecretStr(fake.token),
        "telegram_base_url": f"http://127.0.0.1:{port}/bot"})
    async with running(configured) as app:
        stop = asyncio.Event()
        task = asyncio.create_task(_run(app, stop))
        try:
            await until(lambda: caplog.text.count("cannot reach the Telegram Bot API") >= 2)
            await fake.start()  # the network is back
            await until(lambda: "telegram adapter running" in caplog.text)
        finally:
            stop.set()
            assert await task == 0
            await fake.stop()
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize(("args", "url"), [
    (("post-due",), "redis://:s3cretR@127.0.0.1:abc/5"),
    (("post-due",), "redis//:s3cretR@127.0.0.1:6379/5"),
    (("post-due",), "http://:s3cretR@127.0.0.1:6379/5"),
    (("post-due",), "redis://:s3cretR@127.0.0.1:6379/99"),
    (("run", "--workers", "2"), "redis://:s3cretR@127.0.0.1:abc/5"),
])
def test_a_bad_redis_url_is_one_line_without_the_password(
        tmp_path: Path, args: tuple[str, ...], url: str) -> None:
    """Issue 21: a traceback quoting the password (once per worker start, while the workers
    crash-looped under run --workers 2), or for /99 nothing at all. Now: one sentence, exit 1,
    before any worker starts."""
    workers = {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_URL": "https://bot.example/hook",
               "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none"}  # as they need
    done = _cli(tmp_path, *args, REDIS_URL=url, **(workers if args[0] == "run" else {}))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "s3cretR" not in done.stderr + done.stdout
    assert done.stderr.strip().count("\n") == 0 and "REDIS_URL: " in done.stderr
