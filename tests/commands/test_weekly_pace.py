"""A pace a week is read from a week of snapshots or more, in every reply that quotes one
(``bot.domain.metrics.has_weekly_pace``), and a goal with no value of its number known, or a
deadline days away, gets a sentence instead of a pace extrapolated from nothing or hours."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.adapters.console import ConsoleAdapter
from tests.auxil.clock import FakeClock


async def test_a_few_days_give_a_change_with_its_days_never_a_pace_a_week(
        console: ConsoleAdapter, clock: FakeClock) -> None:
    """Trial: a /log 3.2 days after the previous snapshot showed "−1.4k (−4%) in 3.2 days,
    −3.1k a week" in /stats, against the README's "never a weekly pace made from a few
    days"; /goal quoted "+… a week" from the same 3 days."""
    assert (await console.ask("/log followers=35k views=90k likes=9k")).ok
    clock.advance(days=3.2)
    logged = await console.ask("/log followers=36.4k")
    assert logged.ok and "a week" not in logged.text, logged.text
    stats = await console.ask("/stats")
    assert "+1.4k (+4%) in 3.2 days" in stats.text, stats.text
    assert "a week" not in stats.text, stats.text
    tips = await console.ask("/tips all")
    assert "a week)" not in tips.text, tips.text
    why = await console.ask("/why all")
    assert "new followers a week" not in why.text, why.text
    goal = await console.ask("/goal followers=50k")
    assert goal.ok and "a week" not in goal.text, goal.text
    assert ("your snapshots of it span 3 days so far, too few for a pace per week (it "
            "takes 7 days): log it again from 2026-11-09") in goal.text, goal.text
    # a week after the first snapshot: the pace shows, in both
    clock.advance(days=3.9)
    assert (await console.ask("/log followers=37.1k")).ok
    stats = await console.ask("/stats")
    assert "in 3.9 days" in stats.text and "a week" not in stats.text, stats.text
    goal = await console.ask("/goal")
    assert "a week, from 3 snapshots" in goal.text, goal.text


async def test_a_pace_a_week_from_a_week_of_snapshots(console: ConsoleAdapter,
                                                      clock: FakeClock) -> None:
    assert (await console.ask("/log followers=10k")).ok
    clock.advance(days=7)
    assert (await console.ask("/log followers=10.7k")).ok
    stats = await console.ask("/stats")
    assert "+700 (+7%) in 7 days, +700 a week" in stats.text, stats.text


async def test_goal_without_a_value_now_asks_for_one(console: ConsoleAdapter,
                                                     clock: FakeClock) -> None:
    """Trial: with no followers logged, "/goal followers=10k by=2026-12-01" said "by
    2026-12-01 you need about 251k a week" (0 assumed now, counted to midnight)."""
    clock.current = datetime(2026, 11, 30, 17, 18, tzinfo=UTC)
    goal = await console.ask("/goal followers=10k by=2026-12-01")
    assert goal.ok, goal.text
    assert "a week" not in goal.text and "251k" not in goal.text, goal.text
    assert ("I don't know your followers now yet: log it first (/log followers=12k), then "
            "I can work out the pace you need") in goal.text, goal.text
    assert "log this number at least twice" not in goal.text
    income = await console.ask("/goal income=500")
    assert "I don't know your income now yet: log your numbers first" in income.text, \
        income.text


async def test_goal_deadline_days_away_says_what_it_needs_not_a_pace(
        console: ConsoleAdapter, clock: FakeClock) -> None:
    """A deadline less than a week away: the followers still needed, never a pace a week
    made from hours (2k more by tomorrow read "about 8.6k a week")."""
    clock.current = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    for value in (1000, 1100, 1200):
        assert (await console.ask(f"/log followers={value}")).ok
        clock.advance(weeks=1)
    clock.current = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    goal = await console.ask("/goal followers=3.2k by=2026-11-24")
    assert "by 2026-11-24, 1 day away, you need 2k more" in goal.text, goal.text
    assert "you need about" not in goal.text, goal.text
    goal = await console.ask("/goal followers=3.2k by=2026-11-28")
    assert "by 2026-11-28, 5 days away, you need 2k more" in goal.text, goal.text
    goal = await console.ask("/goal followers=3.2k by=2026-12-21")
    # 2k in the 27.25 days to midnight UTC of the 21st
    assert "by 2026-12-21 you need about 514 a week" in goal.text, goal.text


async def test_a_week_across_a_change_of_the_clocks_is_a_week(console: ConsoleAdapter,
                                                              clock: FakeClock) -> None:
    """Hostile trial: logs at 09:00 on 2 and 9 March 2026 in New York (the clocks go forward
    on the 8th) are 6.96 days apart in UTC: /stats gave no weekly pace and /goal said "span
    6 days so far, too few for a pace per week". The days a creator reads are their wall
    clock's (daily.wall_days): one measure for /stats' growth, /goal's pace and the trends."""
    from zoneinfo import ZoneInfo

    new_york = ZoneInfo("America/New_York")
    clock.current = datetime(2026, 3, 2, 9, 0, tzinfo=new_york).astimezone(UTC)
    assert (await console.ask("/settings timezone=America/New_York")).ok
    assert (await console.ask("/log followers=10k")).ok
    clock.current = datetime(2026, 3, 9, 9, 0, tzinfo=new_york).astimezone(UTC)
    logged = await console.ask("/log followers=10.7k")
    assert "Followers since your log of 2026-03-02: +700" in logged.text, logged.text
    assert "over 7 days" in logged.text, logged.text
    stats = await console.ask("/stats")
    assert "+700 (+7%) in 7 days, +700 a week" in stats.text, stats.text
    goal = await console.ask("/goal followers=20k")
    assert "too few for a pace" not in goal.text, goal.text
    assert "+700 a week, from 2 snapshots" in goal.text, goal.text
    # a day apart across the change: 23 hours of UTC are a day of the creator's too
    clock.current = datetime(2026, 3, 7, 9, 0, tzinfo=new_york).astimezone(UTC)
    assert (await console.ask("/log followers=11k", user="bo")).ok
    clock.current = datetime(2026, 3, 8, 9, 0, tzinfo=new_york).astimezone(UTC)
    assert (await console.ask("/settings timezone=America/New_York", user="bo")).ok
    again = await console.ask("/log followers=11.1k", user="bo")
    assert "less than a day ago" not in again.text, again.text


async def test_a_pace_that_rounds_to_nothing_says_less_than_one(console: ConsoleAdapter,
                                                                 clock: FakeClock) -> None:
    """Hostile trial: ``/goal followers=2k by=9999-12-31`` said "you need about 0 a week". A
    deadline has no bound but being after today; a pace a week that rounds to 0 is "less
    than 1 a week"; one that rounds to 1 or more is as before."""
    assert (await console.ask("/log followers=1.9k")).ok
    far = await console.ask("/goal followers=2k by=9999-12-31")
    assert far.ok and "by 9999-12-31 you need less than 1 a week" in far.text, far.text
    assert "about 0" not in far.text
    near = await console.ask("/goal followers=2k by=2027-11-01")
    assert "by 2027-11-01 you need about 2 a week" in near.text, near.text
