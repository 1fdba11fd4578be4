"""/stats reads only the snapshots its answer needs (``STATS_READS``,
:attr:`~bot.domain.metrics.HistoryReach.STATS`): for a creator with a year of weekly or daily
numbers, the latest and back to the start of the last week-long step the slowing rule compares
(:data:`~bot.domain.metrics.EARLIER_WEEKS` before the latest week), never the 104 most
recent; on a real SQLite file (rows made into snapshots: the cursor steps no further) and on
the real PostgreSQL (rows fetched, in pages: at most twice those read)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from bot.adapters.console import ConsoleAdapter
from bot.domain.metrics import EARLIER_WEEKS, MetricSnapshot
from bot.store import postgres as postgres_store
from bot.store import sqlite as sqlite_store
from tests.auxil.clock import FakeClock

START = datetime(2025, 11, 3, 12, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START + timedelta(days=400))


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """Snapshot rows made into snapshots (both stores: one list entry a row) and the rows
    each PostgreSQL fetch of snapshots returned."""
    seen: dict[str, list[int]] = {"made": [], "fetched": []}
    made = sqlite_store._snapshot

    def making(row: Any, columns: Any = None) -> MetricSnapshot:
        seen["made"].append(1)
        return made(row, columns)

    monkeypatch.setattr(sqlite_store, "_snapshot", making)
    monkeypatch.setattr(postgres_store, "_snapshot", making)
    fetch = asyncpg.connection.Connection.fetch

    async def fetching(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        rows = await fetch(self, query, *args, **kwargs)
        if "FROM snapshots" in query:
            seen["fetched"].append(len(rows))
        return rows

    monkeypatch.setattr(asyncpg.connection.Connection, "fetch", fetching)
    return seen


async def _stats_reads(console: ConsoleAdapter, counted: dict[str, list[int]],
                       every: timedelta, count: int) -> tuple[int, list[int]]:
    """A creator with ``count`` imported rows ``every`` apart (every total in each), then
    /stats: the snapshots it made and the rows each PostgreSQL fetch returned."""
    store = console.app.store
    assert (await console.ask("/settings timezone=Europe/Berlin")).ok
    user = await store.find_user("console", "alice")
    assert user is not None
    await store.import_snapshots(user.id, [
        (START + every * n, {"followers": 8001.0 + 150 * n, "views": 90_001.0 + 500 * n,
                             "likes": 8001.0, "comments": 301.0, "shares": 151.0})
        for n in range(count)])
    assert (await console.ask("/stats")).ok  # (the user read, cached)
    counted["made"].clear()
    counted["fetched"].clear()
    stats = await console.ask("/stats")
    assert stats.ok, stats.text
    assert f"{count} snapshots stored." in stats.text
    return len(counted["made"]), list(counted["fetched"])


async def test_stats_reads_a_weekly_logger_back_nine_weeks(
        both: ConsoleAdapter, counted: dict[str, list[int]], backend: str) -> None:
    made, fetched = await _stats_reads(both, counted, timedelta(weeks=1), 52)
    needed = 2 + EARLIER_WEEKS  # the latest, and the starts of 1 + EARLIER_WEEKS steps
    assert made == needed  # (of 52; all 52 while the rule read every week)
    if backend == "postgresql":
        assert fetched == [needed]  # one page holds it


async def test_stats_reads_a_daily_logger_back_nine_weeks_of_days(
        both: ConsoleAdapter, counted: dict[str, list[int]], backend: str) -> None:
    made, fetched = await _stats_reads(both, counted, timedelta(days=1), 200)
    needed = 1 + 7 * (1 + EARLIER_WEEKS)  # every day back to the ninth step's start: 64
    assert made == needed  # (of the 104 most recent, all read before)
    if backend == "postgresql":
        assert sum(fetched) <= 2 * needed, fetched
