""""Growth slowed" is news about the recent weeks: the latest week against the median of the
EARLIER_WEEKS (8) weeks before it, never of every week in the history read. A creator who grew
5% a week for a year and 1% a week since hears it when the pace drops, and no longer once a
few weeks at the new pace make the recent median; before the rule was bounded, /stats and
/tips said "slowed" every week of the second year (the median of two years stayed 5%)."""

from __future__ import annotations

from bot.adapters.console import ConsoleAdapter
from tests.auxil.clock import FakeClock

SLOWED = "Your follower growth has slowed"
TIP = "Growth slowed: join a rising trend this week"


async def _log_week(console: ConsoleAdapter, clock: FakeClock, followers: float) -> None:
    clock.advance(days=7)
    # (counts ending in 1: exact, no typed rounding hides a week's change)
    assert (await console.ask(f"/log followers={int(followers) | 1}")).ok


async def test_a_year_of_fast_growth_then_slower_weeks_is_slowed_only_while_it_is_news(
        console: ConsoleAdapter, clock: FakeClock) -> None:
    followers = 2_001.0
    assert (await console.ask(f"/log followers={int(followers)}")).ok
    for _ in range(52):  # year one: +5% a week
        followers *= 1.05
        await _log_week(console, clock, followers)
    stats = (await console.ask("/stats")).text
    assert SLOWED not in stats, stats
    # the first week at +1%: slowed against the recent weeks' 5%, by every reply
    followers *= 1.01
    await _log_week(console, clock, followers)
    stats = (await console.ask("/stats")).text
    assert SLOWED in stats and "against a median of 5% a week in up to 8 weeks before it" \
        in stats, stats
    assert TIP in (await console.ask("/tips all")).text
    why = (await console.ask("/why trends-ride-one-early")).text
    assert "follower growth slowing: yes (you: yes" in why, why
    # five more weeks at +1%: the 8 weeks before the latest are 5 of +1% and 3 of +5%, a
    # median of 1%: growth has not slowed against the recent weeks (the median of the whole
    # history read was still 5%, and the rule said "slowed" every week for a year)
    for _ in range(5):
        followers *= 1.01
        await _log_week(console, clock, followers)
    stats = (await console.ask("/stats")).text
    assert SLOWED not in stats and "fell in the latest week" not in stats, stats
    tips = (await console.ask("/tips all")).text
    assert TIP not in tips, tips
    why = (await console.ask("/why trends-ride-one-early")).text
    assert "follower growth slowing: yes (you: no" in why, why
    goal = (await console.ask("/goal followers=100k")).text
    assert "has slowed" not in goal, goal
