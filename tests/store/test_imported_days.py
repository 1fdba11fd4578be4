"""The days an import preview asks the store for (``imported_days``): worked out in SQL, one
row a day read (``_IMPORTED_DAYS``), the same days as the rule the stores replace by
(``daily.replaced_on``) gives, on both stores."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

import asyncpg

from bot.domain.daily import DateOnly, WallTime
from bot.store import open_store
from bot.store.sqlite import _IMPORTED_DAYS, _replaced_on

#: (import_day, wall, dated, taken_at, day) of every active imported row
_COLUMNS = "SELECT import_day, wall, dated, taken_at, day FROM snapshots WHERE source = 'import'"


async def _read(store_url: str, backend: str, sql: str, *args: object) -> list[tuple[object, ...]]:
    if backend == "sqlite":
        db = sqlite3.connect(store_url.removeprefix("sqlite:///"))
        try:
            return db.execute(sql.replace("$1", "?"), args).fetchall()
        finally:
            db.close()
    conn = await asyncpg.connect(store_url)
    try:
        return [tuple(r) for r in await conn.fetch(sql, *args)]
    finally:
        await conn.close()


async def test_imported_days_read_one_row_a_day(store_url: str, backend: str) -> None:
    """Six moments of one Tokyo day, three of the creator's wall times of the next and two
    rows dated by day alone; then a move to Los Angeles. The days are the moments' day there
    (the 9th), the wall times' written date (the 11th) and the dates: four days, read as four
    rows (27aea13 read one row per imported snapshot, eleven)."""
    store = await open_store(store_url)
    try:
        user = await store.ensure_user("console", "days", "days")
        await store.update_settings(user.id, {"timezone": "Asia/Tokyo"})
        start = datetime(2026, 11, 10, 0, tzinfo=UTC)  # 09:00 on the 10th in Tokyo
        rows = ([(start + timedelta(hours=h), {"followers": 100.0 + h}) for h in range(6)]
                + [(WallTime.of(start + timedelta(days=1, hours=h)), {"followers": 200.0 + h})
                   for h in range(3)]
                + [(DateOnly.of(date(2026, 11, d)), {"followers": 300.0 + d}) for d in (12, 13)])
        await store.import_snapshots(user.id, rows, now=datetime(2026, 11, 20, tzinfo=UTC))
        await store.update_settings(user.id, {"timezone": "America/Los_Angeles"})
        days = await store.imported_days(user.id)
    finally:
        await store.close()
    assert days == {date(2026, 11, 9), date(2026, 11, 11), date(2026, 11, 12),
                    date(2026, 11, 13)}
    every = await _read(store_url, backend, _COLUMNS)
    assert len(every) == 11
    assert days == {_replaced_on(*row) for row in every}  # the stores' rule, row by row
    read = await _read(store_url, backend, _IMPORTED_DAYS.format("$1"), user.id)
    assert len(read) == len(days), read
