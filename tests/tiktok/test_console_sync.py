"""The console keeps connected TikTok accounts synced while it is open, as ``run`` does."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot import cli
from bot.adapters.console import ConsoleAdapter
from bot.app import running
from bot.config import Settings

#: A configured TikTok app (the sync runs only with one).
TIKTOK_APP = {"tiktok_client_key": "key", "tiktok_client_secret": SecretStr("secret"),
              "tiktok_redirect_uri": "http://127.0.0.1:8765/tiktok/callback"}


async def _syncs_while_console_open(configured: Settings,
                                    monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Open the console on ``configured`` for up to a second (it closes at the first daily
    sync) and return the syncs it ran."""
    rounds: list[str] = []

    async with running(configured) as app:
        assert app.tiktok is not None and app.tiktok.configured

        async def sync_due() -> int:
            rounds.append("sync")
            return 0

        async def repl(self: ConsoleAdapter) -> None:
            for _ in range(100):  # the creator chats for a moment
                if rounds:
                    return
                await asyncio.sleep(0.01)

        monkeypatch.setattr(app.tiktok, "sync_due", sync_due)
        monkeypatch.setattr(ConsoleAdapter, "repl", repl)
        assert await cli._console(app) == 0
    return rounds


async def test_the_console_runs_the_daily_sync_while_open(
        settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    configured = settings.model_copy(update=TIKTOK_APP)
    assert await _syncs_while_console_open(configured, monkeypatch) == ["sync"]


async def test_a_console_on_postgresql_leaves_the_daily_sync_to_run(
        settings: Settings, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # On a shared database worker 0 of `run` syncs every account; a console syncing them too
    # would refresh the same rotating tokens twice at once.
    configured = settings.model_copy(update={"database_url": pg_url, **TIKTOK_APP})
    assert await _syncs_while_console_open(configured, monkeypatch) == []
