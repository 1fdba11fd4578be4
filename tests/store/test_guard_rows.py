"""The PostgreSQL /log guard fetches only the rows it reads (review item: it fetched the
latest ``limit``, up to 104 rows, at once, where it reads a few), on the real PostgreSQL
(TEST_DATABASE_URL), and is shown what the SQLite store shows it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.core.ports import Store
from bot.domain.metrics import MetricSnapshot
from bot.store import open_store

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
async def pg(pg_url: str) -> AsyncIterator[Store]:
    s = await open_store(pg_url)
    yield s
    await s.close()


@pytest.fixture
async def lite(tmp_path: Path) -> AsyncIterator[Store]:
    s = await open_store(f"sqlite:///{tmp_path / 'guard.db'}")
    yield s
    await s.close()


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many snapshot rows each fetch of PostgreSQL returned."""
    counts: list[int] = []
    original = asyncpg.connection.Connection.fetch

    async def counting(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        rows = await original(self, query, *args, **kwargs)
        if "FROM snapshots" in query:
            counts.append(len(rows))
        return rows

    monkeypatch.setattr(asyncpg.connection.Connection, "fetch", counting)
    return counts


async def _guarded_log(store: Store, views_back: int, fetched: list[int] | None
                       ) -> tuple[list[list[float | None]], list[int]]:
    """60 daily logs, views given ``views_back`` logs before the latest (the rest followers
    only), then a guarded /log with limit 104: what the guard is shown, and the rows each
    snapshot fetch of the guard's returned (PostgreSQL)."""
    u = await store.ensure_user("console", "guard", "guard")
    for n in range(60):
        changes = {"followers": 1000.0 + n}
        if n == 59 - views_back:
            changes["views"] = 40_000.0
        await store.add_snapshot(u.id, changes, T0 + timedelta(days=n))
    seen: list[list[float | None]] = []

    def look(recent: list[MetricSnapshot], day: date) -> None:
        seen.append([s.followers for s in recent])
        if fetched is not None:
            during.extend(fetched)

    during: list[int] = []
    if fetched is not None:
        fetched.clear()
    await store.add_snapshot_and_history(u.id, {"followers": 1100.0},
                                         T0 + timedelta(days=60), limit=104, guard=look)
    return seen, during


@pytest.mark.parametrize("views_back", [0, 1, 9, 40])
async def test_the_pg_guard_fetches_only_what_it_reads(pg: Store, lite: Store,
                                                       fetched: list[int],
                                                       views_back: int) -> None:
    shown, rows = await _guarded_log(pg, views_back, fetched)
    expected, _ = await _guarded_log(lite, views_back, None)
    assert shown == expected  # the same snapshots as SQLite's guard is shown
    needed = max(2, views_back + 1)  # back to the views' log, the last two at least
    assert len(shown[0]) == needed
    # at most twice what it reads (pages of 4, 8, 16, …), never the 60 stored
    assert sum(rows) <= max(4, 2 * needed), (rows, needed)
