"""``run`` with ``REDIS_URL`` pings Redis once at start: unreachable, one clear warning says
what falls back to what; reachable, nothing is said."""

from __future__ import annotations

import asyncio
import logging
import os

import pytest
from pydantic import SecretStr

from bot import cli
from bot.app import running
from bot.config import Settings
from tests.auxil.ports import free_port


async def _start_and_stop(settings: Settings, redis_url: str) -> None:
    configured = settings.model_copy(update={
        "redis_url": SecretStr(redis_url), "telegram_bot_token": SecretStr("1:abc")})
    async with running(configured) as app:
        stop = asyncio.Event()
        stop.set()  # stopped as soon as started: only the start-up checks run
        assert await cli._run(app, stop) == 0


async def test_an_unreachable_redis_is_one_warning_at_start(
        settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    url = f"redis://:hunter22@127.0.0.1:{free_port()}/0"
    await _start_and_stop(settings, url)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING
                and "REDIS_URL" in r.getMessage()]
    assert len(warnings) == 1, caplog.text
    (warning,) = warnings
    assert warning.startswith("REDIS_URL: Redis at redis://") and "does not answer" in warning
    assert "flood limit" in warning and "send budget" in warning
    assert "hunter22" not in warning


async def test_a_reachable_redis_says_nothing(
        settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("needs TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
    await _start_and_stop(settings, url)
    assert "REDIS_URL" not in caplog.text
