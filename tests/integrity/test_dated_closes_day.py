"""A row dated by day alone closes its day among its import's rows, in any time zone.

The hostile trial: ``/settings timezone=UTC``; an import of ``date,followers`` rows
``2026-11-20,500`` and ``2026-11-21 05:00,300``; ``/settings timezone=America/Los_Angeles``:
the timed row moved onto the 20th (21:00 there), and with its higher id it sorted after the
dated row, so /history listed 2026-11-20 21:00 (300) above 2026-11-20 (500) and /stats said 300,
while the same file imported in Los Angeles gave 500. The order was only the order the import
wrote its rows; the stores' order key now carries it (day, action, dated, id). Real SQLite
file and real PostgreSQL (``both``)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.cli import reply_json
from bot.store.sqlite import _ACTIVE, _ORDER_DESC
from tests.auxil.clock import FakeClock

FILE = "date,followers\n2026-11-20,500\n2026-11-21 05:00,300\n"
#: The same moments for a creator in Los Angeles (a file's times are the creator's): 05:00 UTC
#: on the 21st is 21:00 on their 20th.
FILE_UTC = "date,followers\n2026-11-20,500\n2026-11-21T05:00:00+00:00,300\n"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))


async def _history(console: ConsoleAdapter, user: str) -> list[tuple[str, float]]:
    """/history's entries, newest first, as shown: (when, followers)."""
    data = reply_json((await console.ask("/history n=50", user=user)).replies[0])
    return [(e["when"], e["values"]["followers"]) for e in data["entries"]]


async def test_a_timezone_change_keeps_the_dated_row_last_of_its_day(
        both: ConsoleAdapter, tmp_path: Path) -> None:
    for user, first, body in (("utc", "UTC", FILE), ("la", "America/Los_Angeles", FILE_UTC)):
        path = tmp_path / f"{user}.csv"
        path.write_text(body, encoding="utf-8")
        assert (await both.ask(f"/settings timezone={first}", user=user)).ok
        if user == "la":  # the preview in Los Angeles: the 20th's number is the dated row's
            preview = await both.ask(f"/import path={path}", user=user)
            assert preview.ok, preview.text
        done = await both.ask(f"/import path={path} confirm", user=user)
        assert done.ok, done.text
    assert (await both.ask("/settings timezone=America/Los_Angeles", user="utc")).ok
    expected = [("2026-11-20", 500.0), ("2026-11-20T21:00-08:00", 300.0)]
    assert await _history(both, "la") == expected
    assert await _history(both, "utc") == expected  # the trial: 300 listed above 500
    for user in ("utc", "la"):
        stats = await both.ask("/stats", user=user)
        assert "Followers: 500" in stats.text, stats.text
    # and back in UTC the rows are on two days again, the timed one the latest
    assert (await both.ask("/settings timezone=UTC", user="utc")).ok
    assert await _history(both, "utc") == [("2026-11-21T05:00+00:00", 300.0),
                                           ("2026-11-20", 500.0)]


def test_the_hot_reads_stay_in_index_order(tmp_path: Path) -> None:
    """The latest snapshot and a history with LIMIT are read in the index's order (no
    temporary B-tree to sort): the index follows the order key, ``dated`` included."""
    import asyncio

    from bot.store import open_store

    url = f"sqlite:///{tmp_path / 'b.db'}"

    async def make() -> None:
        store = await open_store(url)
        await store.close()

    asyncio.run(make())
    db = sqlite3.connect(tmp_path / "b.db")
    try:
        for sql in (
            f"SELECT * FROM snapshots WHERE user_id = 1 AND {_ACTIVE} "
            f"ORDER BY {_ORDER_DESC} LIMIT 1",
            f"SELECT * FROM snapshots WHERE user_id = 1 AND {_ACTIVE} "
            f"AND day <= '2026-11-20' ORDER BY {_ORDER_DESC} LIMIT 1",
            f"SELECT * FROM snapshots WHERE user_id = 1 AND {_ACTIVE} "
            f"ORDER BY {_ORDER_DESC} LIMIT 104",
        ):
            plan = " ".join(str(r[-1]) for r in db.execute(f"EXPLAIN QUERY PLAN {sql}"))
            assert "snapshots_by_user_day" in plan and "TEMP B-TREE" not in plan, (sql, plan)
    finally:
        db.close()
