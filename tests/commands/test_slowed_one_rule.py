"""Whether follower growth slowed is decided in one place (``bot.domain.facts.slowdown``) and
every reply reads it: /stats, /goal, /tips and /why, through the console."""

from __future__ import annotations

import re

from bot.adapters.console import ConsoleAdapter
from tests.auxil.clock import FakeClock

RISING = ("10k", "10.3k", "10.6k", "10.9k")  # about +3% a week, typed as creators type them


async def log_weeks(console: ConsoleAdapter, clock: FakeClock, values: tuple[str, ...]) -> None:
    """One /log a week; the clock stops at the last log's moment (today is its day)."""
    for n, v in enumerate(values):
        if n:
            clock.advance(days=7)
        assert (await console.ask(f"/log followers={v}")).ok


async def test_a_fall_reads_as_slowed_never_better_than_a_flat_week(
        console: ConsoleAdapter, clock: FakeClock) -> None:
    """Trial: after weeks of +3%, a flat week made /goal say "your growth has slowed … you
    won't get there" and /why "slowing: yes (you: yes)", while a fall in followers made
    /goal promise the 12-week date with no word of it and /why say "(you: no, with −0.9% …;
    slowing is under half)": a drop read better than a flat week. A fall is slowed, named
    as a fall by every reader."""
    await log_weeks(console, clock, (*RISING, "10.8k"))
    goal = (await console.ask("/goal followers=12k")).text
    assert ("but your followers fell in the latest week, −0.9% against a median of 2.9% a week "
            "in up to 8 weeks before it: at the latest week's pace you won't get there"
            ) in goal, goal
    why = (await console.ask("/why trends-ride-one-early")).text
    assert ("follower growth slowing: yes (you: yes, with −0.9% in the latest week against a "
            "median of 2.9% a week in up to 8 weeks before it; slowing is under half, a fall "
            "included) ✓") in why, why
    # the fall has its own tip in the topic; the slowed one names it as what keeps it out
    assert "followers falling: no (you: yes) ✗" in why, why
    tips = (await console.ask("/tips all")).text
    assert "You lost followers" in tips and "Growth slowed" not in tips, tips
    stats = (await console.ask("/stats")).text
    assert ("Your followers fell in the latest week: −0.9% against a median of 2.9% a week in "
            "up to 8 weeks before it") in stats, stats


async def test_stats_about_the_same_and_goal_slowed_read_one_rule(
        console: ConsoleAdapter, clock: FakeClock) -> None:
    """Trial: "10.9k" then "11k" a week later: /stats said "about the same" (inside the
    rounding of what was typed) while /goal said growth had slowed to "+0.9% in the latest
    week against 2.9% a week before it": two rules for one week. The latest week's pace is 0
    inside the rounding of what was typed (the rule /stats' "about the same" reads), and
    /stats says it slowed too; the earlier pace is named for what it is, the median of the
    weeks before."""
    await log_weeks(console, clock, (*RISING, "11k"))
    stats = (await console.ask("/stats")).text
    assert "about the same in 7 days" in stats, stats
    assert ("Your follower growth has slowed: 0% in the latest week against a median of 2.9% a "
            "week in up to 8 weeks before it (under half).") in stats, stats
    goal = (await console.ask("/goal followers=12k")).text
    assert ("but your growth has slowed, 0% in the latest week against a median of 2.9% a week "
            "in up to 8 weeks before it: at the latest week's pace you won't get there"
            ) in goal, goal
    assert "0.9% in the latest week" not in goal and "a week before it:" not in goal, goal
    # steady growth: no reply says it slowed
    clock.advance(days=7)
    await console.ask("/log followers=11.6k")
    assert "slowed" not in (await console.ask("/stats")).text
    assert "slowed" not in (await console.ask("/goal")).text


async def test_goal_dates_count_from_the_latest_snapshot(console: ConsoleAdapter,
                                                         clock: FakeClock) -> None:
    """Trial: with the latest snapshot 10 days old, /goal's date at the slowed week's pace
    counted from today while the 12-week date counted from the snapshot: both count from the
    latest snapshot's day, and the reply says which day that is."""
    # +3% a week, then +0.9% (exact counts: no rounding of a typed "11k" hides the change)
    for followers in (10_001, 10_301, 10_601, 10_901, 11_001):
        if followers != 10_001:
            clock.advance(days=7)
        await console.ask(f"/log followers={followers}")
    fresh = (await console.ask("/goal followers=12k")).text
    assert "(now 11k)" in fresh and "as of" not in fresh, fresh
    assert "slowed, 0.9% in the latest week" in fresh, fresh
    dates = re.findall(r"you get there around (\d{4}-\d{2}-\d{2})", fresh)
    assert len(dates) == 2, fresh
    clock.advance(days=10)  # no log since
    old = (await console.ask("/goal")).text
    assert ("Followers: 12k (11k as of 2026-11-30: every date below counts from that day)"
            in old), old
    # the same two dates: nothing happened since the snapshot both count from
    assert re.findall(r"you get there around (\d{4}-\d{2}-\d{2})", old) == dates, old


async def test_a_weekly_loggers_fall_is_the_week_every_reply_quotes(
        console: ConsoleAdapter, clock: FakeClock) -> None:
    """A weekly logger's fall is decided on the week as before (the previous snapshot is a
    week back): the fall tip quotes the change /stats shows, with its span."""
    await log_weeks(console, clock, (*RISING, "10.8k"))
    stats = (await console.ask("/stats")).text
    assert "−100 (−0.9%) in 7 days" in stats, stats
    tips = (await console.ask("/tips all")).text
    assert ("Your followers went down: −100 over the 7 days to your latest snapshot."
            in tips), tips


async def test_under_a_week_of_logs_a_fall_says_its_span_never_the_latest_week(
        console: ConsoleAdapter, clock: FakeClock) -> None:
    """With less than a week of logs the fall is the change since the previous snapshot,
    and every reply says its span, never "the latest week"."""
    await console.ask("/log followers=10001")  # exact counts (no rounding hides the change)
    clock.advance(days=3)
    await console.ask("/log followers=9951")
    tips = (await console.ask("/tips all")).text
    assert "Your followers went down: −50 over the 3 days to your latest snapshot." \
        in tips, tips
    for command in ("/stats", "/goal followers=12k", "/tips all"):
        text = (await console.ask(command)).text
        assert "latest week" not in text, (command, text)


async def test_a_fall_in_the_latest_week_is_said_without_earlier_weeks(
        console: ConsoleAdapter, clock: FakeClock) -> None:
    """Eight days of logs, the latest week a fall: the tips' fall tip and /stats read one
    decision (no earlier week to call it slowed against), and /stats names the week."""
    await console.ask("/log followers=10001")
    clock.advance(days=1)
    await console.ask("/log followers=10101")
    clock.advance(days=7)
    await console.ask("/log followers=10051")
    tips = (await console.ask("/tips all")).text
    assert "Your followers went down: −50 over the 7 days to your latest snapshot." \
        in tips, tips
    stats = (await console.ask("/stats")).text
    assert "Your followers fell in the latest week: −0.5% (/tips shows" in stats, stats
