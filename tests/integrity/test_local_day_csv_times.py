"""A CSV row with a time of day and no offset is the creator's time (their /settings time
zone), as a /log's is; a time after now is refused as a date after today is; a row dated by
day alone is its day's number as the day ends, after that day's rows with a time, in the
preview and in the store alike. Each case on a real SQLite file and a real PostgreSQL schema.

Trials on main: a New York creator's ``2026-11-21 14:00`` was read as 14:00 UTC and shown as
09:00 in /history; in Auckland it moved to the 22nd, where ``/undo date=2026-11-21`` could not
find it; ``2026-11-30 23:59`` was accepted at 22:25 UTC; and a file's ``2026-11-21`` after its
``2026-11-21 14:00`` lost to it (stored at noon UTC, before 14:00)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.cli import reply_json
from tests.auxil.clock import FakeClock
from tests.integrity.test_local_day_imports import entries, write

#: 22:25 UTC on 30 November: 17:25 in New York, 11:25 on 1 December in Auckland.
NOW = datetime(2026, 11, 30, 22, 25, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


async def test_a_time_without_an_offset_is_the_creators(both: ConsoleAdapter,
                                                        tmp_path: Path) -> None:
    console = both
    await console.ask("/settings timezone=America/New_York")
    file = write(tmp_path, "a.csv", "2026-11-21 14:00,100\n2026-11-22T09:30,110\n"
                                    "2026-11-23T09:30:00Z,120\n")
    preview = await console.ask(f"/import path={file}")
    assert preview.ok, preview.text
    assert (await console.ask(f"/import path={file} confirm")).ok
    assert await entries(console) == [("2026-11-21T14:00-05:00", 100.0),
                                      ("2026-11-22T09:30-05:00", 110.0),
                                      ("2026-11-23T04:30-05:00", 120.0)]  # (Z: as written)


async def test_a_time_is_on_the_creators_day_for_undo(both: ConsoleAdapter,
                                                      tmp_path: Path) -> None:
    console = both
    await console.ask("/settings timezone=Pacific/Auckland")
    file = write(tmp_path, "a.csv", "2026-11-21 14:00,100\n")
    assert (await console.ask(f"/import path={file} confirm")).ok
    assert await entries(console) == [("2026-11-21T14:00+13:00", 100.0)]
    undo = await console.ask("/undo date=2026-11-21")
    assert undo.ok and "/undo confirm date=2026-11-21" in undo.text, undo.text


@pytest.mark.parametrize(("zone", "cell", "future"), [
    ("UTC", "2026-11-30 23:59", True),
    ("UTC", "2026-11-30 22:00", False),
    ("Pacific/Auckland", "2026-12-01 10:00", False),
    ("Pacific/Auckland", "2026-12-01 12:00", True),
    ("America/New_York", "2026-11-30 18:00", True),
    ("America/New_York", "2026-11-30T23:00:00Z", True),
])
async def test_a_time_after_now_is_refused(both: ConsoleAdapter, tmp_path: Path, zone: str,
                                           cell: str, future: bool) -> None:
    """By the creator's clock: 10:00 on 1 December has passed in Auckland at 11:25, 18:00 on
    30 November has not in New York at 17:25."""
    console = both
    await console.ask(f"/settings timezone={zone}")
    file = write(tmp_path, "a.csv", f"2026-11-20,90\n{cell},100\n")
    preview = await console.ask(f"/import path={file}")
    if future:
        assert not preview.ok, preview.text
        shown = cell.replace("T", " ")[:16] if not cell.endswith("Z") else "2026-11-30 18:00"
        assert f"line 3: {shown} is in the future." in preview.text, preview.text
        assert "Nothing was imported." in preview.text
    else:
        assert preview.ok, preview.text


@pytest.mark.parametrize("rows", [
    "2026-11-21 14:00,100\n2026-11-21,90\n",
    "2026-11-21,90\n2026-11-21 14:00,100\n",
])
async def test_a_date_alone_is_the_days_number_as_it_ends(both: ConsoleAdapter,
                                                         tmp_path: Path, rows: str) -> None:
    """A row dated 2026-11-21 and a row at 14:00 that day are two snapshots of the day; the
    one dated by day alone comes after the timed one, wherever it stands in the file: it is
    the day's latest in the preview's last row and in the store (/stats, /history)."""
    console = both
    await console.ask("/settings timezone=America/New_York")
    file = write(tmp_path, "a.csv", rows)
    preview = await console.ask(f"/import path={file}")
    assert preview.ok, preview.text
    assert (await console.ask(f"/import path={file} confirm")).ok
    # the preview lists them as they are stored: the timed row, then the day's own
    assert (preview.text.index("2026-11-21 14:00: followers=100")
            < preview.text.index("2026-11-21: followers=90")), preview.text
    assert reply_json((await console.ask("/stats")).replies[0])["followers"] == 90
    history = await entries(console)
    assert sorted(history) == [("2026-11-21", 90.0), ("2026-11-21T14:00-05:00", 100.0)]
