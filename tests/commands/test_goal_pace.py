"""/goal's trust at a slowed or slow pace (trial users): the date at the slowed week's pace
comes from the projection's own model, so a slower week never reads as an earlier date; a
steady gain from a small base is not "slowed"; and "you won't get there" is said only of a
pace of 0 or less, a slow one getting "more than 5 years"."""

from __future__ import annotations

import re

from bot.adapters.console import ConsoleAdapter
from tests.auxil.clock import FakeClock

DATE = r"(\d{4}-\d{2}-\d{2})"


async def log_weekly(console: ConsoleAdapter, clock: FakeClock, values: list[int]) -> None:
    """One /log a week (exact counts: no typed rounding hides a change)."""
    for n, v in enumerate(values):
        if n:
            clock.advance(days=7)
        assert (await console.ask(f"/log followers={v}")).ok


async def test_a_slowed_week_never_gives_an_earlier_date(console: ConsoleAdapter,
                                                         clock: FakeClock) -> None:
    """Trial: +300 a week from 1,001 (a linear trend), then +150 in the latest week: /goal's
    12-week date for 30k was about 88 weeks away, and "at the latest week's pace" (+4.4%,
    compounded) about 49 weeks: slower growth, an earlier date. The slowed date goes on by
    the trend's own model (linear: +150 a week), so it is later."""
    await log_weekly(console, clock, [1_001 + 300 * i for i in range(9)] + [3_551])
    goal = (await console.ask("/goal followers=30k")).text
    fitted = re.search(r"you get there around " + DATE, goal)
    slowed = re.search(r"slowed, .* at the latest week's pace you get there (?:around "
                       + DATE + r"|in more than 5 years)", goal)
    assert fitted is not None and slowed is not None, goal
    assert slowed.group(1) is None or slowed.group(1) > fitted.group(1), goal


async def test_a_steady_gain_from_a_small_base_is_not_slowed(console: ConsoleAdapter,
                                                             clock: FakeClock) -> None:
    """Trial: 20 → 40 → 60 → 80 followers, +20 every week: /stats and /goal said growth had
    slowed (+33% against a median of 75%) for a creator gaining just what they always did.
    Steps from under 100 followers give no pace, and a steady gain is never slowed."""
    await log_weekly(console, clock, [21, 41, 61, 81])
    for command in ("/stats", "/goal followers=1k"):
        text = (await console.ask(command)).text
        assert "slowed" not in text, (command, text)
    # from 100 followers on, still steady: +100 a week is a falling percent, not a slowdown
    clock.advance(days=7)
    await log_weekly(console, clock, [101, 201, 301, 401])
    for command in ("/stats", "/goal followers=1k"):
        text = (await console.ask(command)).text
        assert "slowed" not in text, (command, text)


async def test_a_gap_in_the_logs_is_not_the_latest_week(console: ConsoleAdapter,
                                                        clock: FakeClock) -> None:
    """Trial: weekly logs at +300, then the next log a month later with +400: /stats said
    growth had slowed "in the latest week" of a 30-day gap. A span over 14 days is not
    judged as a week."""
    await log_weekly(console, clock, [10_001, 10_301, 10_601, 10_901])
    clock.advance(days=30)
    await console.ask("/log followers=11301")
    for command in ("/stats", "/goal followers=20k"):
        text = (await console.ask(command)).text
        assert "slowed" not in text and "latest week" not in text, (command, text)


async def test_a_slow_positive_pace_is_far_never_never(console: ConsoleAdapter,
                                                       clock: FakeClock) -> None:
    """Trial: +10 followers a week, goal 1M: /goal said "you won't get there" of a growing
    pace. Past the projection's 5-year horizon it says "more than 5 years"; "you won't get
    there" is for a pace of 0 or less."""
    await log_weekly(console, clock, [10_001 + 10 * i for i in range(6)])
    goal = (await console.ask("/goal followers=1M")).text
    assert "you get there in more than 5 years" in goal, goal
    assert "won't get there" not in goal, goal


async def test_a_slowed_but_growing_week_is_far_never_never(console: ConsoleAdapter,
                                                            clock: FakeClock) -> None:
    """Trial: +300 a week, then +20 in the latest week, goal 50k: /goal said "at the latest
    week's pace you won't get there" of a week that grew. It is "more than 5 years"."""
    await log_weekly(console, clock, [10_001 + 300 * i for i in range(9)] + [12_421])
    goal = (await console.ask("/goal followers=50k")).text
    assert re.search(r"at your pace over the last 63 days \(\+300 a week, from 10 snapshots\) "
                     r"you get there around " + DATE, goal), goal
    assert ("slowed, 0.2% in the latest week against a median of 2.7% a week in up to 8 weeks "
            "before it: at the latest week's pace you get there in more than 5 years") in goal, \
        goal
    assert "won't get there" not in goal, goal
