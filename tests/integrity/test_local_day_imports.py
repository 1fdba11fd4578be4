"""An import's days are the creator's, in every decision: which stored days a re-import
replaces (the store's action and the preview's count), which days clash with a /log, and
which rows are dated by day alone (marked so, never told by their time: 12:00 UTC is a time
like any other). Each case runs on a real SQLite file and a real PostgreSQL schema.

Trials on main: for a creator in America/New_York, a row at 21:00 local on 2026-01-01
(02:00 UTC on the 2nd) was matched with the 2nd: a re-import replaced the 2nd's snapshot, or
missed the 1st's and kept two snapshots for that day; a row written 12:00 UTC was shown
without its time and put on the wrong day in Pacific/Auckland."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from bot.adapters.console import ConsoleAdapter
from bot.cli import reply_json
from bot.store import open_store
from tests.auxil.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    # 2026-11-01 21:00 in New York (02:00 UTC on the 2nd): a /log now is on New York's 1st
    return FakeClock(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(f"date,followers\n{body}", encoding="utf-8")
    return path


def confirm_of(preview: str) -> str:
    """The confirm an /undo preview's *Remove it* button runs."""
    found = re.search(r"\[Remove it: (/undo [^\]]+)\]", preview)
    assert found, preview
    return found[1]


async def entries(console: ConsoleAdapter) -> list[tuple[str, float]]:
    """The creator's snapshots as /history's JSON lists them: (when shown, followers)."""
    history = reply_json((await console.ask("/history n=50")).replies[0])
    if history["reply"] == "no_metrics":
        return []
    return sorted((e["when"], e["values"]["followers"]) for e in history["entries"])


async def test_new_york_reimport_replaces_the_creators_day(both: ConsoleAdapter,
                                                           tmp_path: Path) -> None:
    """A row at 21:00 on New York's 1st is the 1st's: a file dated 2026-01-01 replaces it (the
    preview says so, and the store does it), and a row at 22:00 on the 1st never replaces the
    2nd's snapshot."""
    console = both
    await console.ask("/settings timezone=America/New_York")
    first = write(tmp_path, "a.csv", "2026-01-01T21:00:00-05:00,100\n2026-01-02,200\n")
    assert (await console.ask(f"/import path={first} confirm")).ok
    again = write(tmp_path, "b.csv", "2026-01-01,150\n")
    preview = await console.ask(f"/import path={again}")
    assert "1 of these dates was imported before" in preview.text, preview.text
    done = await console.ask(f"/import path={again} confirm")
    assert done.ok, done.text
    assert await entries(console) == [("2026-01-01", 150.0), ("2026-01-02", 200.0)]
    # 22:00 on the 1st (03:00 UTC on the 2nd): the 1st's again, never the 2nd's
    evening = write(tmp_path, "c.csv", "2026-01-01T22:00:00-05:00,160\n")
    preview = await console.ask(f"/import path={evening}")
    assert "1 of these dates was imported before" in preview.text, preview.text
    assert (await console.ask(f"/import path={evening} confirm")).ok
    assert await entries(console) == [("2026-01-01T22:00-05:00", 160.0),
                                      ("2026-01-02", 200.0)]
    # /undo date= of the 1st takes the rows that import hid with it: undoing later imports
    # never brings the 1st back
    undo = await console.ask("/undo date=2026-01-01")
    assert (await console.ask(confirm_of(undo.text))).ok
    assert await entries(console) == [("2026-01-02", 200.0)]
    undo = await console.ask("/undo")  # the first import's row of the 2nd is left
    assert (await console.ask(confirm_of(undo.text))).ok
    assert await entries(console) == []


async def test_auckland_reimport_replaces_the_creators_day(both: ConsoleAdapter,
                                                          tmp_path: Path) -> None:
    """Pacific/Auckland is UTC+13 in January: 08:00 on the 2nd there is 19:00 UTC on the 1st.
    Re-importing it replaces the 2nd's snapshot, not the 1st's."""
    console = both
    await console.ask("/settings timezone=Pacific/Auckland")
    dated = write(tmp_path, "a.csv", "2026-01-01,400\n2026-01-02,500\n")
    assert (await console.ask(f"/import path={dated} confirm")).ok
    morning = write(tmp_path, "b.csv", "2026-01-02T08:00:00+13:00,510\n")
    preview = await console.ask(f"/import path={morning}")
    assert "1 of these dates was imported before" in preview.text, preview.text
    assert (await console.ask(f"/import path={morning} confirm")).ok
    assert await entries(console) == [("2026-01-01", 400.0), ("2026-01-02T08:00+13:00", 510.0)]


async def test_a_file_clashes_with_a_log_of_the_creators_day(both: ConsoleAdapter,
                                                             tmp_path: Path) -> None:
    """A /log at 21:00 on New York's 1 November (02:00 UTC on the 2nd) and a file's row for
    1 November are the same day: the preview names the clash."""
    console = both
    await console.ask("/settings timezone=America/New_York")
    assert (await console.ask("/log followers=1000")).ok
    file = write(tmp_path, "a.csv", "2026-11-01,5000\n")
    preview = await console.ask(f"/import path={file}")
    assert preview.ok, preview.text
    assert ("2026-11-01: you logged followers 1k that day and the file says 5k"
            in preview.text), preview.text


@pytest.mark.parametrize(("zone", "cell", "shown", "day"), [
    ("UTC", "2026-01-01 12:00", "2026-01-01T12:00+00:00", "2026-01-01"),
    ("Pacific/Auckland", "2026-01-02T01:00:00+13:00", "2026-01-02T01:00+13:00", "2026-01-02"),
])
async def test_a_row_at_noon_utc_keeps_its_time(both: ConsoleAdapter, tmp_path: Path,
                                               zone: str, cell: str, shown: str,
                                               day: str) -> None:
    """A row written with a time that is 12:00 UTC is a moment, shown with its time and on
    the creator's day; a row of the same date alone is another snapshot, dated by day."""
    console = both
    await console.ask(f"/settings timezone={zone}")
    file = write(tmp_path, "a.csv", f"{cell},100\n")
    assert (await console.ask(f"/import path={file} confirm")).ok
    assert await entries(console) == [(shown, 100.0)]
    undo = await console.ask(f"/undo date={day}")
    assert undo.ok and "/undo confirm date=" in undo.text, undo.text  # found on the creator's day
    if zone == "UTC":  # the same date alone: a snapshot of its own, not a repeat of the row
        both_rows = write(tmp_path, "b.csv", f"{cell},100\n2026-01-01,90\n")
        preview = await console.ask(f"/import path={both_rows}")
        assert "appears on more than one row" not in preview.text, preview.text


async def test_rows_at_noon_utc_stay_dated_by_day_after_the_upgrade(
        store_url: str, backend: str, tmp_path: Path) -> None:
    """A database from before the mark: its imported rows at noon UTC were dated by day, and
    still are; a /log at noon UTC never was."""
    store = await open_store(store_url)
    try:
        user = await store.ensure_user("console", "old", "old")
        noon = datetime(2026, 1, 1, 12, tzinfo=UTC)
        await store.import_snapshots(user.id, [(noon, {"followers": 1.0})])
        await store.add_snapshot(user.id, {"followers": 2.0}, datetime(2026, 1, 5, 12,
                                                                       tzinfo=UTC))
    finally:
        await store.close()
    await downgraded(store_url, backend, 235)
    store = await open_store(store_url)
    try:
        from bot.domain.daily import dated_by_day

        snaps = await store.history(user.id)
        assert [(s.source, dated_by_day(s.taken_at)) for s in snaps] == [
            ("import", True), ("log", False)]
    finally:
        await store.close()


#: What migrations 0236 to 0239 added, undone (newest first), for a database as it was
#: before each.
_UNDONE = {
    239: ("ALTER TABLE snapshots DROP COLUMN recorded_at",  # (0239: when, and which days)
          "ALTER TABLE snapshots DROP COLUMN import_day",
          "ALTER TABLE snapshots DROP COLUMN replaced_day",
          "ALTER TABLE snapshots DROP COLUMN wall"),
    238: ("DROP INDEX snapshots_by_user_day",  # (0238: the order key gained ``dated``)
          "CREATE INDEX snapshots_by_user_day ON snapshots (user_id, day, action, id)"),
    237: ("DROP INDEX snapshots_by_user_day", "ALTER TABLE snapshots DROP COLUMN day",
          "CREATE INDEX snapshots_by_user_day ON snapshots "
          "(user_id, substr(taken_at, 1, 10), action, id)"),
    236: ("ALTER TABLE snapshots DROP COLUMN dated",),
}


async def downgraded(store_url: str, backend: str, version: int) -> None:
    """Make the (closed) store at ``store_url`` a database of schema ``version`` (235 or
    236): what the later migrations added is dropped and their versions forgotten."""
    statements = [s for v, undo in sorted(_UNDONE.items(), reverse=True) if v > version
                  for s in undo]
    if backend == "sqlite":
        db = sqlite3.connect(store_url.removeprefix("sqlite:///"))
        for statement in statements:
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {version}")
        db.commit()
        db.close()
        return
    conn = await asyncpg.connect(store_url)
    try:
        for statement in statements:
            await conn.execute(statement)
        await conn.execute("DELETE FROM schema_version WHERE version > $1", version)
    finally:
        await conn.close()

