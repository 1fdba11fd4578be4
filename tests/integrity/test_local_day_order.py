"""A creator's snapshots are ordered by the creator's day (daily.snapshot_day in their
/settings time zone), then by the action that wrote them, then by id, in both stores: which
snapshot is the latest, the row a /log merges into, what carries forward, /history and /undo.

Trials on main: for a creator in Asia/Tokyo or Pacific/Auckland, a file's row dated today
(by day alone, stored at 12:00 UTC: its UTC date is today) sorted after a morning /log whose
UTC date is yesterday, so the /log's numbers never became the latest: /stats kept the file's
8,200 after /log followers=8300, and the /log merged into the row of days before."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.adapters.console import ConsoleAdapter
from bot.cli import reply_json
from bot.domain.daily import DateOnly
from bot.store import open_store
from tests.auxil.clock import FakeClock
from tests.integrity.test_local_day_imports import confirm_of, downgraded

#: 2026-11-30 22:30 UTC: 07:30 on 1 December in Tokyo, 11:30 on 1 December in Auckland.
NOW = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


async def stats(console: ConsoleAdapter) -> dict[str, Any]:
    return reply_json((await console.ask("/stats")).replies[0])


async def history(console: ConsoleAdapter) -> list[tuple[str, dict[str, float]]]:
    """/history's entries, oldest first: (when shown, values)."""
    found = reply_json((await console.ask("/history n=50")).replies[0])
    return [(e["when"], e["values"]) for e in found["entries"]][::-1]


async def imported(console: ConsoleAdapter, tmp_path: Path) -> None:
    """A file of two rows dated by day alone, the second today (1 December, the creator's)."""
    path = tmp_path / "history.csv"
    path.write_text("date,followers,views,likes\n2026-11-24,8000,30000,2000\n"
                    "2026-12-01,8200,31000,2100\n", encoding="utf-8")
    done = await console.ask(f"/import path={path} confirm")
    assert done.ok, done.text


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "Pacific/Auckland"])
async def test_a_log_after_an_import_of_today_is_the_latest(both: ConsoleAdapter,
                                                           tmp_path: Path, zone: str) -> None:
    """The /log is on the creator's 1 December, as the file's row of 1 December is, and was
    written after it: it is the latest, merges into that row (likes carry from it, not from
    24 November's), and its growth is counted to its own 8,300."""
    console = both
    await console.ask(f"/settings timezone={zone}")
    await imported(console, tmp_path)
    logged = await console.ask("/log followers=8300 views=32k")
    assert logged.ok, logged.text
    assert "Followers: 8.3k (less than a day ago it was 8.2k)" in logged.text, logged.text
    assert "since your import of 2026-11-24: +300" in logged.text, logged.text  # (not +200)
    latest = await stats(console)
    assert (latest["followers"], latest["views"], latest["likes"]) == (8300, 32000, 2100)
    # The likes come from the file's row of the same day as the /log's views: one 30-day
    # window since totals of one local day pair (merge of branch 'pairing'), so no "30 days
    # to" label, and engagement by views is known (2,100 of 32,000).
    shown = (await console.ask("/stats")).text
    assert "Likes (30 days): 2.1k\n" in shown and "30 days to" not in shown, shown
    assert "Engagement by views: 6.6%" in shown, shown
    entries = await history(console)
    assert [e[1]["followers"] for e in entries] == [8000, 8200, 8300]
    # /undo takes the /log (the latest action) and today's imported row is the latest again
    undo = await console.ask("/undo")
    assert (await console.ask(confirm_of(undo.text))).ok, undo.text
    latest = await stats(console)
    assert (latest["followers"], latest["views"]) == (8200, 31000)


async def test_a_time_zone_change_reorders_by_the_new_days_and_back(
        both: ConsoleAdapter, tmp_path: Path, clock: FakeClock) -> None:
    """In UTC a morning /log made before the import (22:30 UTC on 30 November) is on 30
    November, with the file's row of 30 November, which the import wrote after it: the
    file's row is the latest there, and carries into nothing after it. In Tokyo the /log is
    on 1 December, after it. Back in Tokyo, everything is as it was: nothing lost, nothing
    left in the other zone's order. A /log made after the import of its own day is after it
    in either zone (branch trusttz: the file's 1 December, still the future in UTC when it
    was imported, counts on the day it was imported there, 30 November, so the /log after
    it is the latest; it used to stay after the /log as tomorrow's row)."""
    console = both
    await console.ask("/settings timezone=Asia/Tokyo")
    assert (await console.ask("/log followers=8300")).ok
    clock.advance(hours=1)
    path = tmp_path / "history.csv"
    path.write_text("date,followers,views,likes\n2026-11-24,8000,30000,2000\n"
                    "2026-11-30,8200,31000,2100\n", encoding="utf-8")
    assert (await console.ask(f"/import path={path} confirm")).ok
    in_tokyo = await history(console)
    assert [e[1]["followers"] for e in in_tokyo] == [8000, 8200, 8300]
    latest = await stats(console)
    assert (latest["followers"], latest["views"]) == (8300, 31000)  # views from 30 November's
    assert (await console.ask("/settings timezone=UTC")).ok
    assert [e[1]["followers"] for e in await history(console)] == [8000, 8300, 8200]
    latest = await stats(console)
    assert (latest["followers"], latest["views"]) == (8200, 31000)
    assert (await console.ask("/settings timezone=Asia/Tokyo")).ok
    assert await history(console) == in_tokyo
    latest = await stats(console)
    assert (latest["followers"], latest["views"]) == (8300, 31000)
    # the file's 1 December (today in Tokyo), then a /log: the /log is the latest in both zones
    today = tmp_path / "today.csv"
    today.write_text("date,followers,views,likes\n2026-12-01,8400,32000,2200\n",
                     encoding="utf-8")
    assert (await console.ask(f"/import path={today} confirm")).ok
    clock.advance(minutes=5)
    assert (await console.ask("/log followers=8500")).ok
    for zone in ("UTC", "Asia/Tokyo", "UTC"):
        assert (await console.ask(f"/settings timezone={zone}")).ok
        latest = await stats(console)
        assert (latest["followers"], latest["views"]) == (8500, 32000), zone
        assert [e[1]["followers"] for e in await history(console)][-2:] == [8400, 8500], zone


async def test_the_upgrade_puts_stored_snapshots_on_the_creators_days(
        store_url: str, backend: str) -> None:
    """A database from before the ``day`` column (its order was by UTC date): the migration
    works each creator's days out in their time zone and carries values forward again, so the
    Tokyo creator's morning /log is the latest; a creator in UTC is as before."""
    store = await open_store(store_url)
    try:
        tokyo = await store.ensure_user("console", "tokyo", "tokyo")
        await store.update_settings(tokyo.id, {"timezone": "Asia/Tokyo"})
        await store.import_snapshots(tokyo.id, [
            (DateOnly.of(date(2026, 11, 24)), {"followers": 8000.0, "views": 30000.0}),
            (DateOnly.of(date(2026, 12, 1)), {"followers": 8200.0, "views": 31000.0})])
        await store.add_snapshot(tokyo.id, {"followers": 8300.0}, NOW)
        london = await store.ensure_user("console", "london", "london")
        await store.add_snapshot(london.id, {"followers": 10.0}, NOW)
    finally:
        await store.close()
    await downgraded(store_url, backend, 236)
    # as they were stored before: in the UTC order, the /log's views carried from 24 November
    carried = "UPDATE snapshots SET views = 30000 WHERE source = 'log' AND followers = 8300"
    if backend == "sqlite":
        db = sqlite3.connect(store_url.removeprefix("sqlite:///"))
        db.execute(carried)
        db.commit()
        db.close()
    else:
        conn = await asyncpg.connect(store_url)
        await conn.execute(carried)
        await conn.close()
    store = await open_store(store_url)
    try:
        latest = await store.latest_snapshot(tokyo.id)
        assert latest is not None
        assert (latest.followers, latest.views) == (8300.0, 31000.0)
        assert [s.followers for s in await store.history(tokyo.id)] == [8000.0, 8200.0, 8300.0]
        assert [s.followers for s in await store.history(london.id)] == [10.0]
    finally:
        await store.close()


async def test_thinning_keeps_the_last_snapshot_of_each_of_the_creators_days(
        store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the bound, old snapshots keep the last of each day: the Tokyo creator's days. Four
    /logs a day at 05:00, 11:00, 17:00 and 23:00 in Tokyo (20:00 UTC the day before, then
    02:00, 08:00, 14:00 UTC): the 23:00 one of each Tokyo day stays, never the 05:00 one that
    closes a UTC date."""
    import bot.store.postgres as postgres_store
    import bot.store.sqlite as sqlite_store

    for module in (sqlite_store, postgres_store):
        monkeypatch.setattr(module, "MAX_SNAPSHOTS", 30)
    monkeypatch.setattr(sqlite_store, "KEEP_RECENT", 10)
    store = await open_store(store_url)
    try:
        user = await store.ensure_user("console", "tokyo", "tokyo")
        await store.update_settings(user.id, {"timezone": "Asia/Tokyo"})
        start = datetime(2026, 11, 1, 20, tzinfo=UTC)
        for n in range(40):
            await store.add_snapshot(user.id, {"followers": float(n)},
                                     start + timedelta(hours=6 * n))
        kept = [int(s.followers or 0) for s in await store.history(user.id)]
    finally:
        await store.close()
    # the 31st /log thinned the 21 oldest (all but the 10 newest) to the last of each Tokyo
    # day: 3, 7, … 19, and 20 (the last of its day then); in UTC dates: 0, 4, 8, … 20
    assert kept == [3, 7, 11, 15, 19, 20, *range(21, 40)]
