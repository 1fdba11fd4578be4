"""What a time zone change must not break: a row dated by day alone is never newer than what
was observed after it was recorded, /undo date= takes what its row hid in any zone, and a
file imported again replaces what it wrote. Each case through the console (``ask``), on a
real SQLite file and a real PostgreSQL schema (``both``).

Trials on main (branch trusttz):

1. A creator in Asia/Tokyo imports today's row (dated by day alone), then moves to
   America/Los_Angeles, where that date is still tomorrow: the row stayed the latest over
   every /log of the rest of the day (/stats kept the file's number).
2. ``/undo date=`` after a time zone change left a row that the removed import had hidden:
   undoing the rest of that import brought the removed day back.
3. A file of times without an offset, imported again after a time zone change, was read in
   the new zone onto other days, so it replaced nothing: every row twice.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.cli import reply_json
from bot.config import Settings
from tests.auxil.clock import FakeClock

#: 16:00 UTC on 20 November: 01:00 on the 21st in Tokyo, 08:00 on the 20th in Los Angeles.
NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def confirm_of(text: str) -> str:
    """The confirm an /undo preview's *Remove it* button runs."""
    found = re.search(r"\[Remove it: (/undo [^\]]+)\]", text)
    assert found, text
    return found[1]


async def stats(console: ConsoleAdapter) -> dict[str, Any]:
    return reply_json((await console.ask("/stats")).replies[0])


async def history(console: ConsoleAdapter) -> list[tuple[str, float]]:
    """/history's entries, oldest first: (when shown, followers)."""
    found = reply_json((await console.ask("/history n=50")).replies[0])
    if found["reply"] == "no_metrics":
        return []
    return [(e["when"], e["values"].get("followers")) for e in found["entries"]][::-1]


async def test_a_row_of_today_is_never_newer_than_a_later_log(both: ConsoleAdapter,
                                                             tmp_path: Path,
                                                             clock: FakeClock) -> None:
    """Tokyo's 21 November, imported at 01:00 there, is still tomorrow in Los Angeles after
    the move: it counts on the day it was imported there (the 20th), so each /log of the
    20th after it is the latest, carries the file's views, and /undo takes them back to it."""
    console = both
    assert (await console.ask("/settings timezone=Asia/Tokyo")).ok
    file = write(tmp_path, "studio.csv", "date,followers,views\n2026-11-20,1000,40000\n"
                                         "2026-11-21,1100,41000\n")
    done = await console.ask(f"/import path={file} confirm")
    assert done.ok, done.text
    assert (await console.ask("/settings timezone=America/Los_Angeles")).ok
    clock.advance(hours=2)  # 10:00 on the 20th in Los Angeles
    logged = await console.ask("/log followers=1200")
    assert logged.ok, logged.text
    latest = await stats(console)
    assert (latest["followers"], latest["views"]) == (1200, 41000)  # main: 1100
    clock.advance(hours=6)
    assert (await console.ask("/log followers=1250")).ok
    latest = await stats(console)
    assert (latest["followers"], latest["views"]) == (1250, 41000)
    # /history: the file's row keeps its date as written, and the /logs come after it
    assert [f for _when, f in await history(console)] == [1000, 1100, 1200, 1250]
    assert (await history(console))[1][0] == "2026-11-21"
    undo = await console.ask("/undo")
    assert (await console.ask(confirm_of(undo.text))).ok
    undo = await console.ask("/undo")
    assert (await console.ask(confirm_of(undo.text))).ok
    assert (await stats(console))["followers"] == 1100
    # back in Tokyo everything is as it was there: the row on its date, the /logs before it
    assert (await console.ask("/settings timezone=Asia/Tokyo")).ok
    assert [f for _when, f in await history(console)] == [1000, 1100]


async def test_a_studio_row_of_today_is_never_newer_than_a_later_log(
        both: ConsoleAdapter, tmp_path: Path, clock: FakeClock) -> None:
    """The same for TikTok Studio's FollowerHistory file, downloaded today in Tokyo."""
    console = both
    assert (await console.ask("/settings timezone=Asia/Tokyo")).ok
    file = write(tmp_path, "FollowerHistory.csv",
                 "Date,Followers,Difference in followers from previous day\n"
                 "November 20,1000,10\nNovember 21,1100,100\n")
    done = await console.ask(f"/import path={file} confirm")
    assert done.ok, done.text
    assert (await stats(console))["followers"] == 1100
    assert (await console.ask("/settings timezone=America/Los_Angeles")).ok
    clock.advance(hours=1)
    assert (await console.ask("/log followers=1150")).ok
    assert (await stats(console))["followers"] == 1150  # main: 1100


async def test_undo_date_after_a_zone_change_takes_what_its_row_hid(
        both: ConsoleAdapter, tmp_path: Path) -> None:
    """In UTC a file's 2026-11-18 05:00 is replaced by another's 2026-11-18; in Los Angeles
    the timed row is on the 17th (21:00 there). /undo date=2026-11-18 takes the dated row and
    the row it hid: undoing the rest of its import never brings the 18th's row back, and
    nothing is left hidden for /forget to count."""
    console = both
    assert (await console.ask("/settings timezone=UTC")).ok
    first = write(tmp_path, "a.csv", "date,followers\n2026-11-18 05:00,300\n")
    assert (await console.ask(f"/import path={first} confirm")).ok
    second = write(tmp_path, "b.csv", "date,followers\n2026-11-16,400\n2026-11-18,500\n")
    preview = await console.ask(f"/import path={second}")
    assert "1 of these dates was imported before" in preview.text, preview.text
    assert (await console.ask(f"/import path={second} confirm")).ok
    assert [f for _when, f in await history(console)] == [400, 500]
    assert (await console.ask("/settings timezone=America/Los_Angeles")).ok
    undo = await console.ask("/undo date=2026-11-18")
    assert "2026-11-18" in undo.text, undo.text
    done = await console.ask(confirm_of(undo.text))
    assert done.ok, done.text
    assert [f for _when, f in await history(console)] == [400]
    forget = await console.ask("/forget")
    assert "replaced" not in forget.text, forget.text  # main: 1 earlier imported snapshot
    undo = await console.ask("/undo")  # the rest of the second import
    assert (await console.ask(confirm_of(undo.text))).ok
    assert await history(console) == []  # main: 2026-11-17T21:00-08:00, 300 came back


@pytest.mark.parametrize("body", [
    "date,followers\n2026-11-18 14:00,100\n2026-11-19 09:30,110\n",  # the creator's times
    "date,followers\n2026-11-18T05:00:00Z,100\n2026-11-19T00:30:00Z,110\n",  # moments
])
async def test_a_file_imported_again_after_a_zone_change_replaces_itself(
        both: ConsoleAdapter, tmp_path: Path, body: str) -> None:
    """The same file, in Tokyo and then in Los Angeles: written without an offset its times
    are read in the new zone (other moments, other days there), with one the same moments;
    either way the second import replaces the first's rows, never adds to them."""
    console = both
    assert (await console.ask("/settings timezone=Asia/Tokyo")).ok
    file = write(tmp_path, "times.csv", body)
    assert (await console.ask(f"/import path={file} confirm")).ok
    assert [f for _when, f in await history(console)] == [100, 110]
    assert (await console.ask("/settings timezone=America/Los_Angeles")).ok
    preview = await console.ask(f"/import path={file}")
    assert "2 of these dates were imported before" in preview.text, preview.text
    done = await console.ask(f"/import path={file} confirm")
    assert done.ok, done.text
    assert [f for _when, f in await history(console)] == [100, 110]  # main: 100, 100, 110, 110
    forget = await console.ask("/forget")
    assert "2 earlier imported snapshots" in forget.text, forget.text  # kept for /undo
    undo = await console.ask("/undo")  # the first import's rows come back, once each
    assert (await console.ask(confirm_of(undo.text))).ok
    assert [f for _when, f in await history(console)] == [100, 110]


async def test_the_export_says_when_an_imported_row_was_recorded(
        both: ConsoleAdapter, tmp_path: Path, clock: FakeClock) -> None:
    """What decides a row's day is the creator's data too: /export gives each snapshot's
    ``recorded_at`` (when it was written) beside its moment."""
    console = both
    file = write(tmp_path, "a.csv", "date,followers\n2026-11-19,400\n")
    assert (await console.ask(f"/import path={file} confirm")).ok
    reply = await console.ask("/export")
    assert reply.ok, reply.text
    exported = next(console.exports.glob("*creator-advisor-export-*.json"))
    data = json.loads(exported.read_text(encoding="utf-8"))
    (row,) = data["snapshots"]
    assert (row["taken_at"], row["recorded_at"]) == ("2026-11-19T12:00:00+00:00",
                                                     clock.now().isoformat())


@pytest.mark.parametrize(("zone", "cell", "refused"), [
    # 05:00 on 1 January 2016 in Tokyo is 20:00 UTC on 31 December 2015: the creator's 2016
    ("Asia/Tokyo", "2016-01-01 05:00", False),
    # 20:00 on 31 December 2015 in Los Angeles is 04:00 UTC on 1 January: still their 2015
    ("America/Los_Angeles", "2015-12-31 20:00", True),
    ("America/Los_Angeles", "2016-01-01T03:00:00Z", True),  # 19:00 on the 31st there
    ("Pacific/Kiritimati", "2026-11-21", False),  # today there (06:00 on the 21st)
    ("Pacific/Kiritimati", "2026-11-22", True),
])
async def test_an_imports_date_checks_are_by_the_creators_day(
        both: ConsoleAdapter, tmp_path: Path, zone: str, cell: str, refused: bool) -> None:
    """Nothing before 2016-01-01 and nothing after today, each by the creator's day (their
    /settings timezone), never the UTC date of the row's moment."""
    console = both
    assert (await console.ask(f"/settings timezone={zone}")).ok
    file = write(tmp_path, "a.csv", f"date,followers\n2016-06-01,90\n{cell},100\n")
    preview = await console.ask(f"/import path={file}")
    assert preview.ok is not refused, preview.text
    if refused and cell.startswith("2026"):
        assert f"line 3: {cell} is in the future." in preview.text, preview.text
    elif refused:
        assert ("line 3: 2015-12-31 is before 2016-01-01, earlier than any TikTok analytics; "
                "check the year." in preview.text), preview.text


async def test_a_compact_iso_date_is_a_date_alone(both: ConsoleAdapter, tmp_path: Path) -> None:
    """``20261113`` (ISO 8601's basic form) and ``2026-W46-5`` are 13 November, dated by day
    alone as ``2026-11-13`` is, never a time of midnight: /history shows the date, and the
    same day written out replaces it."""
    console = both
    assert (await console.ask("/settings timezone=America/New_York")).ok
    file = write(tmp_path, "a.csv", "date,followers\n20261113,100\n2026-W46-4,90\n")
    preview = await console.ask(f"/import path={file}")
    assert "2026-11-13: followers=100" in preview.text, preview.text
    assert (await console.ask(f"/import path={file} confirm")).ok
    assert await history(console) == [("2026-11-12", 90), ("2026-11-13", 100)]  # main: 00:00
    again = write(tmp_path, "b.csv", "date,followers\n2026-11-13,110\n")
    preview = await console.ask(f"/import path={again}")
    assert "1 of these dates was imported before" in preview.text, preview.text
    assert (await console.ask(f"/import path={again} confirm")).ok
    assert await history(console) == [("2026-11-12", 90), ("2026-11-13", 110)]


async def test_the_upgrade_puts_a_row_of_tomorrow_on_the_day_it_was_imported(
        store_url: str, backend: str) -> None:
    """A database from before ``recorded_at``: a Los Angeles creator's row of 21 November
    (imported in Tokyo, where it was today), on the 21st, after a /log of the 20th made
    later. The upgrade puts it on the day it was imported at the latest: before the first
    /log after it (the only time known for a CSV import), so the /log is the latest again."""
    from bot.domain.daily import DateOnly
    from bot.store import open_store
    from tests.integrity.test_local_day_imports import downgraded

    store = await open_store(store_url)
    try:
        user = await store.ensure_user("console", "la", "la")
        await store.update_settings(user.id, {"timezone": "Asia/Tokyo"})
        await store.import_snapshots(user.id, [
            (DateOnly.of(datetime(2026, 11, 20).date()), {"followers": 1000.0}),
            (DateOnly.of(datetime(2026, 11, 21).date()), {"followers": 1100.0})], now=NOW)
        await store.update_settings(user.id, {"timezone": "America/Los_Angeles"})
        await store.add_snapshot(user.id, {"followers": 1200.0}, NOW.replace(hour=18))
    finally:
        await store.close()
    await downgraded(store_url, backend, 238)
    # as the store before it kept them: the row of the 21st on its date, after the /log
    undo = ("UPDATE snapshots SET day = '2026-11-21' WHERE followers = 1100",)
    if backend == "sqlite":
        import sqlite3

        db = sqlite3.connect(store_url.removeprefix("sqlite:///"))
        for statement in undo:
            db.execute(statement)
        db.commit()
        db.close()
    else:
        import asyncpg

        conn = await asyncpg.connect(store_url)
        for statement in undo:
            await conn.execute(statement)
        await conn.close()
    store = await open_store(store_url)
    try:
        latest = await store.latest_snapshot(user.id)
        assert latest is not None and latest.followers == 1200.0
        assert [s.followers for s in await store.history(user.id)] == [1000.0, 1100.0, 1200.0]
    finally:
        await store.close()


async def test_the_upgrade_keeps_which_day_replaced_a_hidden_row(
        settings: Settings, store_url: str, backend: str, tmp_path: Path,
        clock: FakeClock) -> None:
    """A database from before ``replaced_day``: in Tokyo a file's ``2026-11-17 14:00`` and
    ``2026-11-18T05:00:00Z`` (14:00 there) were replaced by another's 17th and 18th; then the
    creator moved to Los Angeles, where those two rows are on the 16th and the 17th (21:00).
    The upgrade keeps each hidden row with the day of the row that replaced it, not the day
    it is on now: ``/undo date=2026-11-17`` takes the 17th's row with the one it hid (the
    14:00), and undoing the rest of that import brings back the 18th's (the 05:00 UTC), never
    the removed day's. (39c21fd..27aea13: the 14:00 came back, the 05:00 UTC was deleted.)"""
    from bot.app import running
    from tests.integrity.test_local_day_imports import downgraded

    configured = settings.model_copy(update={"database_url": store_url})
    first = write(tmp_path, "ma.csv", "date,followers\n2026-11-17 14:00,1010\n"
                                      "2026-11-18T05:00:00Z,1020\n")
    second = write(tmp_path, "mb.csv", "date,followers\n2026-11-17,1015\n2026-11-18,1025\n")
    async with running(configured, clock=clock) as app:
        console = ConsoleAdapter(app, user="alice")
        assert (await console.ask("/settings timezone=Asia/Tokyo")).ok
        assert (await console.ask(f"/import path={first} confirm")).ok
        assert (await console.ask(f"/import path={second} confirm")).ok
        assert [f for _when, f in await history(console)] == [1015, 1025]
        assert (await console.ask("/settings timezone=America/Los_Angeles")).ok
    await downgraded(store_url, backend, 238)
    async with running(configured, clock=clock) as app:
        console = ConsoleAdapter(app, user="alice")
        undo = await console.ask("/undo date=2026-11-17")
        assert "1015" in undo.text or "1.015k" in undo.text, undo.text
        done = await console.ask(confirm_of(undo.text))
        assert done.ok, done.text
        assert await history(console) == [("2026-11-18", 1025)]
        undo = await console.ask("/undo")  # the rest of mb.csv: the row its 18th hid is back
        done = await console.ask(confirm_of(undo.text))
        assert done.ok, done.text
        assert await history(console) == [("2026-11-17T21:00-08:00", 1020)]  # was 1010


async def test_progress_last_point_is_the_latest_stats_reads(
        both: ConsoleAdapter, tmp_path: Path, clock: FakeClock) -> None:
    """Tokyo imports today's row (the 21st), moves to Los Angeles (still the 20th), logs.
    /stats and /goal read the /log as the latest (the row counts on the 20th); /progress
    grouped by the row's written date (corrected_series without placed=True), so its last
    point was the file's 1100 on "2026-11-21", a day that has not begun for the creator."""
    console = both
    assert (await console.ask("/settings timezone=Asia/Tokyo")).ok
    file = write(tmp_path, "f.csv",
                 "date,followers\n2026-11-19,900\n2026-11-20,1000\n2026-11-21,1100\n")
    assert (await console.ask(f"/import path={file} confirm")).ok
    assert (await console.ask("/settings timezone=America/Los_Angeles")).ok
    clock.advance(hours=2)
    assert (await console.ask("/log followers=1200")).ok
    assert (await stats(console))["followers"] == 1200
    progress = reply_json((await console.ask("/progress followers all")).replies[0])
    assert progress["last"] == 1200, progress["points"]  # 27aea13: 1100
    goal = reply_json((await console.ask("/goal followers=5000")).replies[0])
    assert "1,200" in json.dumps(goal) or "1.2k" in json.dumps(goal), goal


@pytest.mark.parametrize("metric", ["engagement", "income"])
async def test_every_chart_groups_by_the_day_a_row_counts_on(
        both: ConsoleAdapter, tmp_path: Path, clock: FakeClock, metric: str) -> None:
    """The same for the charts made of whole snapshots (engagement, income): the day's last
    snapshot is the /log's, not the file's row of a date that has not begun."""
    console = both
    assert (await console.ask("/settings timezone=Asia/Tokyo")).ok
    file = write(tmp_path, "f.csv", "date,followers,views,likes,comments,shares\n"
                                    "2026-11-19,900,10000,500,50,10\n"
                                    "2026-11-20,1000,11000,600,60,10\n"
                                    "2026-11-21,1100,12000,700,70,10\n")
    assert (await console.ask(f"/import path={file} confirm")).ok
    assert (await console.ask("/settings timezone=America/Los_Angeles")).ok
    clock.advance(hours=2)
    logged = await console.ask("/log followers=1150 views=11500 likes=900 comments=80 "
                               "shares=12")
    assert logged.ok and "held" not in logged.text, logged.text
    assert (await stats(console))["followers"] == 1150
    progress = reply_json((await console.ask(f"/progress {metric} all")).replies[0])
    points = progress["points"]
    assert len(points) == 2 and points[-1]["at"] == clock.now().isoformat(), points


@pytest.mark.parametrize("cell", ["2026-W46", "2026W46", "2026-W46 10:00", "2026-W46T10:00"])
async def test_a_week_without_its_day_is_not_a_date(both: ConsoleAdapter, tmp_path: Path,
                                                   cell: str) -> None:
    """``2026-W46`` is seven days, not its Monday (``date.fromisoformat`` reads it as 9
    November): the import refuses it with one sentence saying how to write the day; the
    week's day (``2026-W46-1``, ``2026W461``) and the basic ``20261109`` are dates."""
    console = both
    file = write(tmp_path, "a.csv", f"date,followers\n2026-11-02,90\n{cell},100\n")
    preview = await console.ask(f"/import path={file}")
    assert not preview.ok, preview.text  # 27aea13: 2026-11-09 (or its 10:00), followers=100
    assert (f"line 3: date: '{cell}' is a week, not a date; write the day, e.g. 2026-W46-1 or "
            "2026-11-09 for its Monday.") in preview.text, preview.text
    days = write(tmp_path, "b.csv", "date,followers\n2026-W46-1,100\n2026W462,110\n20261111,120\n")
    preview = await console.ask(f"/import path={days} confirm")
    assert preview.ok, preview.text
    assert await history(console) == [("2026-11-09", 100), ("2026-11-10", 110),
                                      ("2026-11-11", 120)]


@pytest.mark.parametrize("line", ["/undo date=2026-W46", "/goal followers=10k by=2027-W10",
                                  "/import downloaded=2026-W46"])
async def test_a_week_is_no_date_for_an_argument_either(both: ConsoleAdapter, line: str) -> None:
    """/undo date=, /goal by= and downloaded= read a date as the import does: a week without
    its day is refused as not a date (it was its Monday)."""
    reply = await both.ask(line)
    assert not reply.ok and "is not a date" in reply.text, reply.text
