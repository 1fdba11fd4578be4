"""After a successful ``db copy``, one line says the source is left as it was and should be
moved away, naming its real path (a process started elsewhere would fall back to it)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.app import running
from bot.cli import db_copy
from bot.config import Settings


async def _one_user(settings: Settings, url: str) -> None:
    async with running(settings.model_copy(update={"database_url": url})) as app:
        await app.store.ensure_user("console", "zed", "zed")


def test_db_copy_says_to_move_the_source_away(
        settings: Settings, tmp_path: Path, pg_url: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "creator-advisor.db"
    asyncio.run(_one_user(settings, f"sqlite:///{source}"))
    assert db_copy(f"sqlite:///{source}", pg_url) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("Copied ")
    assert lines[1].startswith(f"The source {source.resolve()} is left as it was: move or "
                               "rename it")
    assert source.exists()  # left as it was
