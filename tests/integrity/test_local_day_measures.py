"""What is measured between snapshots, and what a day is, are the creator's: a row dated by
day alone is never compared as its stored noon UTC with an instant, and nothing decides a
"day", a "month" or a date in a name by UTC. Each case through the console (``ask``) on a
real SQLite file and a real PostgreSQL schema (``both``), or the weekly composer on both
stores.

Trials on main (branch trusttz):

4. East of UTC+12 (Pacific/Kiritimati, Pacific/Tongatapu) a file's row of today is stored at
   noon UTC, the small hours of the next day there: /stats' growth compared it with a /log
   of the same day ("since your log of 2026-11-20: +100 in 1.1 days"), the weekly digest's
   "since last week" too, and a /log the next day said "less than a day ago it was …".
7. /export's and /mediakit's file names carried the UTC date.
8. ``/log views=2k`` then ``/log likes=3k`` the same day was saved without a word, though the
   two are one 30-day window (/stats pairs them, and can't divide them).
   And /payout month= was "in the future" by the UTC month.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.cli import reply_json
from bot.core.ports import Subscription
from bot.domain.daily import DateOnly
from bot.scheduler.compose import WeeklyComposer
from bot.store import open_store
from tests.auxil.clock import FakeClock
from tests.scheduler.test_compose import CATALOGUE, RATES

#: 10:30 UTC on 17 November: 00:30 on the 18th in Kiritimati (UTC+14), 23:30 on the 17th in
#: Tongatapu (UTC+13).
START = datetime(2026, 11, 17, 10, 30, tzinfo=UTC)

#: Each zone east of UTC+12 and a UTC moment that is 00:30 on a day there.
EAST = {"Pacific/Kiritimati": timedelta(hours=0), "Pacific/Tongatapu": timedelta(hours=1)}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


async def data(console: ConsoleAdapter, line: str) -> dict[str, Any]:
    reply = await console.ask(line)
    assert reply.ok, reply.text
    return reply_json(reply.replies[-1])


@pytest.mark.parametrize("zone", sorted(EAST))
async def test_growth_is_measured_between_the_creators_days(
        both: ConsoleAdapter, clock: FakeClock, tmp_path: Path, zone: str) -> None:
    """A /log at 00:30 on the 18th and on the 20th (the creator's), then the file's row of the
    20th, imported that morning: the row is the latest, and its growth goes back to the 18th
    (2 days), never to the /log of its own day."""
    console = both
    clock.advance(hours=EAST[zone].total_seconds() / 3600)  # 00:30 on the 18th there
    assert (await console.ask(f"/settings timezone={zone}")).ok
    assert (await console.ask("/log followers=900")).ok
    clock.advance(days=2)  # 00:30 on the 20th
    assert (await console.ask("/log followers=1000")).ok
    clock.advance(hours=6)
    file = write(tmp_path, "a.csv", "date,followers\n2026-11-20,1100\n")
    assert (await console.ask(f"/import path={file} confirm")).ok
    stats = await console.ask("/stats")
    assert "Followers: 1.1k" in stats.text, stats.text
    # main: "Followers since your log of 2026-11-20: +100 (+10%) in 1.1 days"
    assert "Followers since your log of 2026-11-18: +200 (+22.2%) in 2 days" in stats.text, \
        stats.text
    assert reply_json(stats.replies[-1])["kpis"]["growth"]["since"] == "2026-11-18"


async def test_a_log_the_next_day_is_a_day_after_todays_row(
        both: ConsoleAdapter, clock: FakeClock, tmp_path: Path) -> None:
    """In Kiritimati the file's row of the 18th (noon UTC: 02:00 on the 19th there) and a
    /log at 13:00 on the 19th (11 hours after that noon UTC): another day, so the change is
    shown as one, never "less than a day ago"."""
    console = both
    assert (await console.ask("/settings timezone=Pacific/Kiritimati")).ok
    file = write(tmp_path, "a.csv", "date,followers\n2026-11-18,1100\n")
    assert (await console.ask(f"/import path={file} confirm")).ok
    clock.advance(hours=36, minutes=30)  # 13:00 on the 19th there, 23:00 UTC on the 18th
    logged = await console.ask("/log followers=1200")
    assert logged.ok, logged.text
    assert "Followers: 1.2k (+100)" in logged.text, logged.text  # main: less than a day ago


async def test_the_digest_never_compares_two_snapshots_of_one_day(store_url: str) -> None:
    """The weekly digest's "since last week" in Kiritimati: the /log of the 20th (00:30
    there) and the file's row of the 20th are one day, not a change; with a /log of the
    13th, the change is since the 13th."""
    store = await open_store(store_url)
    try:
        user = await store.ensure_user("console", "kiri", "kiri")
        await store.update_settings(user.id, {"timezone": "Pacific/Kiritimati"})
        log_at = datetime(2026, 11, 19, 10, 30, tzinfo=UTC)  # 00:30 on the 20th there
        await store.add_snapshot(user.id, {"followers": 1000.0}, log_at)
        await store.import_snapshots(user.id, [(DateOnly.of(date(2026, 11, 20)),
                                                {"followers": 1100.0})])
        sub = Subscription(id=1, platform="console", chat_id="kiri", chat_kind="private",
                           kind="personal", user_id=user.id, created_by=user.id, weekday=0,
                           local_time="10:00", timezone="Pacific/Kiritimati", topics=(),
                           active=True, deactivated_reason=None,
                           next_run_at=log_at + timedelta(days=1))
        now = log_at + timedelta(hours=12)
        composed = await WeeklyComposer(store, CATALOGUE, RATES)(sub, now)
        assert composed is not None
        (followers,) = [c for c in composed.reply.context["changes"]
                        if c["metric"] == "followers"]
        assert followers["delta"] is None, followers  # main: +100 since 2026-11-20
        await store.add_snapshot(user.id, {"followers": 950.0}, log_at - timedelta(days=7))
        composed = await WeeklyComposer(store, CATALOGUE, RATES)(sub, now)
        assert composed is not None
        (followers,) = [c for c in composed.reply.context["changes"]
                        if c["metric"] == "followers"]
        assert (followers["delta"], followers["since"]) == ("+150", "2026-11-13")
    finally:
        await store.close()


async def test_likes_above_the_days_views_are_held_however_they_are_logged(
        both: ConsoleAdapter, clock: FakeClock) -> None:
    """/log views=2k, then later the same day /log likes=3k: one 30-day window, as /stats
    pairs them, so it is held as likes above views given on one line are; the next day's
    likes are another window's, and saved."""
    console = both
    assert (await console.ask("/log followers=1000 views=2k")).ok
    clock.advance(hours=3)
    held = await console.ask("/log likes=3k")
    assert held.replies[-1].held, held.text  # main: saved, engagement then unknown
    assert "likes (3k) are more than views (2k) for the same 30 days" in held.text, held.text
    assert (await data(console, "/stats"))["views"] == 2000  # nothing was written
    same_line = await console.ask("/log views=2k likes=3k")
    assert same_line.replies[-1].held, same_line.text  # (the same-line case: the same rule)
    clock.advance(days=1)
    saved = await console.ask("/log likes=3k")
    assert saved.ok and not saved.replies[-1].held, saved.text


async def test_likes_above_the_views_of_todays_imported_row_are_held(
        both: ConsoleAdapter, clock: FakeClock, tmp_path: Path) -> None:
    """In Tokyo at 08:00 the file's row of today (stored at noon UTC, after that moment) gave
    views of 2k; likes of 3k logged then are that day's window, and held."""
    console = both
    clock.current = datetime(2026, 11, 19, 23, 0, tzinfo=UTC)  # 08:00 on the 20th in Tokyo
    assert (await console.ask("/settings timezone=Asia/Tokyo")).ok
    file = write(tmp_path, "a.csv", "date,followers,views\n2026-11-20,1000,2000\n")
    assert (await console.ask(f"/import path={file} confirm")).ok
    held = await console.ask("/log likes=3k")
    assert held.replies[-1].held, held.text
    assert "likes (3k) are more than views (2k)" in held.text, held.text


async def test_file_names_carry_the_creators_date(both: ConsoleAdapter,
                                                  clock: FakeClock) -> None:
    """16:00 UTC on 20 November is 06:00 on the 21st in Kiritimati: /export's and /mediakit's
    files are named by that date and time, as the creator's clock reads it."""
    console = both
    clock.current = datetime(2026, 11, 20, 16, 0, 5, tzinfo=UTC)
    assert (await console.ask("/settings timezone=Pacific/Kiritimati")).ok
    assert (await console.ask("/log followers=1000 views=20k likes=1k")).ok
    assert (await console.ask("/export")).ok
    assert (await console.ask("/mediakit")).ok
    names = sorted(p.name for p in console.exports.iterdir())
    assert any(n.endswith("creator-advisor-export-20261121-060005.json") for n in names), names
    assert any(n.endswith("mediakit-creator-20261121.pdf") for n in names), names


@pytest.mark.parametrize(("zone", "at", "accepted"), [
    ("Pacific/Kiritimati", datetime(2026, 11, 30, 16, 0, tzinfo=UTC), True),  # 1 December
    ("America/Los_Angeles", datetime(2026, 12, 1, 2, 0, tzinfo=UTC), False),  # 30 November
])
async def test_a_payouts_month_is_the_creators(both: ConsoleAdapter, clock: FakeClock,
                                               zone: str, at: datetime,
                                               accepted: bool) -> None:
    """December has begun in Kiritimati at 16:00 UTC on 30 November, and not yet in Los
    Angeles at 02:00 UTC on 1 December."""
    console = both
    clock.current = at
    assert (await console.ask(f"/settings timezone={zone}")).ok
    reply = await console.ask("/payout rewards=40 views=100k month=2026-12")
    assert reply.ok is accepted, reply.text
    if not accepted:
        assert "hasn't happened yet" in reply.text, reply.text


async def test_history_dates_a_payout_by_the_creators_day(both: ConsoleAdapter,
                                                          clock: FakeClock) -> None:
    """A payout logged at 16:00 UTC on 30 November is logged on 1 December in Kiritimati:
    /history lists it so (``--json`` gives the moment on the creator's clock)."""
    console = both
    clock.current = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert (await console.ask("/settings timezone=Pacific/Kiritimati")).ok
    assert (await console.ask("/payout rewards=40 views=100k month=2026-11")).ok
    shown = await console.ask("/history")
    assert "• 2026-12-01 · Creator Rewards" in shown.text, shown.text  # main: 2026-11-30
    (payout,) = reply_json(shown.replies[-1])["payouts"]
    assert payout["recorded_at"] == "2026-12-01T06:00:00+14:00"
