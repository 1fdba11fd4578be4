"""Whether follower growth slowed, for a creator with a value every day (TikTok Studio's
Overview file, a TikTok sync, or a /log a day): the rule compares week-long windows of the
corrected series, never a day's change, and every reply quotes the same week."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from tests.auxil.clock import FakeClock

LAST = date(2026, 11, 2)  # the console clock's day (tests.auxil.clock.FakeClock)


def daily(values: list[int]) -> bytes:
    """A ``date,followers`` file of one row a day ending today."""
    first = LAST - timedelta(days=len(values) - 1)
    rows = "".join(f"{first + timedelta(days=n)},{v}\n" for n, v in enumerate(values))
    return f"date,followers\n{rows}".encode()


async def imported(console: ConsoleAdapter, tmp_path: Path, values: list[int]) -> None:
    path = tmp_path / "overview.csv"
    path.write_bytes(daily(values))
    assert (await console.ask(f"/import path={path} confirm")).ok


#: 53 days of +50 a day (about +3% a week), then a week of +5 a day: 60 daily rows.
SLOWED = [10_000 + 50 * d for d in range(53)] + [12_600 + 5 * d for d in range(1, 8)]


async def test_a_daily_logger_whose_week_slowed_hears_it_from_every_reply(
        console: ConsoleAdapter, tmp_path: Path) -> None:
    """Trial: 60 daily rows whose latest week grew +0.3% after weeks of about +3% got no
    "slowed" anywhere: the latest week's pace was read from /stats' change, a day's, and a
    pace a week is never read from a day. The latest week is from the day a week before the
    latest to the latest (+35 on 12.6k: 0.3%), against the median of the week-long steps
    before it (+350 a week on 10.2k to 12.3k: 3.1%), in /tips, /why, /goal and /stats alike."""
    await imported(console, tmp_path, SLOWED)
    stats = (await console.ask("/stats")).text
    # /stats' own change is the day's, and says so; the slowed line is the week's
    assert "Followers since your import of 2026-11-01: +5 (+0%) in 1 day\n" in stats, stats
    assert ("Your follower growth has slowed: 0.3% in the latest week against a median of "
            "3.1% a week in up to 8 weeks before it (under half).") in stats, stats
    why = (await console.ask("/why trends-ride-one-early")).text
    assert ("follower growth slowing: yes (you: yes, with 0.3% in the latest week against a "
            "median of 3.1% a week in up to 8 weeks before it; slowing is under half, a fall "
            "included) ✓") in why, why
    tips = (await console.ask("/tips all")).text
    assert "Growth slowed" in tips, tips
    goal = (await console.ask("/goal followers=20k")).text
    assert ("but your growth has slowed, 0.3% in the latest week against a median of 3.1% a "
            "week in up to 8 weeks before it: at the latest week's pace") in goal, goal


async def test_a_daily_logger_growing_steadily_hears_of_no_slowdown(
        console: ConsoleAdapter, tmp_path: Path) -> None:
    """60 daily rows of +50 a day: no reply says growth slowed, and /why says it has not."""
    await imported(console, tmp_path, [10_000 + 50 * d for d in range(60)])
    for command in ("/stats", "/goal followers=20k", "/tips all"):
        text = (await console.ask(command)).text
        assert "slowed" not in text, (command, text)
    why = (await console.ask("/why trends-ride-one-early")).text
    assert "follower growth slowing: yes (you: no, with 2.8% in the latest week" in why, why


async def test_a_daily_log_reads_the_week_not_the_day(console: ConsoleAdapter,
                                                      clock: FakeClock) -> None:
    """A /log every day at 09:00 for four weeks, +50 a day, then +5 a day for six days: the
    latest week is +80 from the log a week before (0.7%), against the median of the two
    week-long steps before it (+350 on 10.3k and 10.65k: 3.3%); the day's +5 is /stats'
    change, quoted with its day, never as the week."""
    for d in range(28):
        if d:
            clock.advance(days=1)
        value = 10_001 + 50 * d if d <= 21 else 11_051 + 5 * (d - 21)  # exact counts
        assert (await console.ask(f"/log followers={value}")).ok
    stats = (await console.ask("/stats")).text
    assert "Followers since your log of 2026-11-28: +5 (+0%) in 1 day\n" in stats, stats
    assert ("Your follower growth has slowed: 0.7% in the latest week against a median of "
            "3.3% a week in up to 8 weeks before it (under half).") in stats, stats
    goal = (await console.ask("/goal followers=20k")).text
    assert "but your growth has slowed, 0.7% in the latest week against a median of 3.3%" \
        in goal, goal
    why = (await console.ask("/why trends-ride-one-early")).text
    assert "with 0.7% in the latest week against a median of 3.3% a week" in why, why


#: 53 days of +50 a day, then six days of −30 a day and a last day of +10: the latest week
#: fell (−170 on 12.6k) though the latest day rose.
WEEK_FELL_DAY_ROSE = ([10_000 + 50 * d for d in range(53)]
                      + [12_600 - 30 * k for k in range(1, 7)] + [12_430])
#: 59 days of +50 a day, then a last day of −5: the latest week grew though the day dipped.
WEEK_ROSE_DAY_DIPPED = [10_000 + 50 * d for d in range(59)] + [12_895]


async def test_a_week_that_fell_is_a_fall_in_the_tips_though_the_day_rose(
        console: ConsoleAdapter, tmp_path: Path) -> None:
    """Trial: /stats and /goal said "your followers fell in the latest week" while /tips,
    reading the day's +10, showed "Growth slowed" instead of the fall tip. One place decides
    a fall (slowing.latest_change: the latest week when there is one), and the fall tip
    quotes that week's change."""
    await imported(console, tmp_path, WEEK_FELL_DAY_ROSE)
    stats = (await console.ask("/stats")).text
    assert "Your followers fell in the latest week: −1.3%" in stats, stats
    tips = (await console.ask("/tips all")).text
    assert "You lost followers" in tips and "Growth slowed" not in tips, tips
    assert "−170 over the 7 days to your latest snapshot" in tips, tips
    assert "halved" not in tips and "stopped" not in tips, tips
    goal = (await console.ask("/goal followers=20k")).text
    assert "but your followers fell in the latest week, −1.3%" in goal, goal


async def test_a_week_that_grew_is_no_fall_in_the_tips_though_the_day_dipped(
        console: ConsoleAdapter, tmp_path: Path) -> None:
    """Trial: a day's −5 after weeks of +50 a day made /tips say "You lost followers" while
    /stats and /goal read a growing week: the week decides, and /stats still shows the day's
    change with its day."""
    await imported(console, tmp_path, WEEK_ROSE_DAY_DIPPED)
    tips = (await console.ask("/tips all")).text
    assert "You lost followers" not in tips, tips
    stats = (await console.ask("/stats")).text
    assert "Followers since your import of 2026-11-01: −5 (" in stats, stats
    assert ") in 1 day\n" in stats, stats
    assert "fell" not in stats, stats
    goal = (await console.ask("/goal followers=20k")).text
    assert "fell" not in goal and "you get there around" in goal, goal


@pytest.mark.parametrize(("language", "whole", "part"), [
    ("en", "in 1 day", "in 1.5 days"), ("es", "en 1 día", "en 1,5 días"),
    ("de", "in 1 Tag", "in 1,5 Tagen"), ("pt_BR", "em 1 dia", "em 1,5 dia"),
])
async def test_days_have_a_decimal_only_when_not_whole(console: ConsoleAdapter,
                                                       clock: FakeClock, language: str,
                                                       whole: str, part: str) -> None:
    """New-user trial (Spanish): /stats said "en 1,0 día" for a whole day; a decimal is
    shown only for days that are not whole, in every language."""
    await console.ask(f"/settings language={language}")
    await console.ask("/log 1000")
    clock.advance(days=1)
    await console.ask("/log 1010")
    stats = (await console.ask("/stats")).text
    assert whole in stats and ",0 " not in stats and ".0 " not in stats, stats
    clock.advance(days=1.5)
    await console.ask("/log 1020")
    stats = (await console.ask("/stats")).text
    assert part in stats, stats
