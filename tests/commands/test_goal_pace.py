"""/goal's trust at a slowed or slow pace (trial users): the date at the slowed week's pace
comes from the projection's own model, so a slower week never reads as an earlier date; a
steady gain from a small base is not "slowed"; and "you won't get there" is said only of a
pace of 0 or less, a slow one getting "more than 5 years"."""

from __future__ import annotations

from bot.adapters.console import ConsoleAdapter
from tests.auxil.clock import FakeClock


async def log_weekly(console: ConsoleAdapter, clock: FakeClock, values: list[int]) -> None:
    """One /log a week (exact counts: no typed rounding hides a change)."""
    for n, v in enumerate(values):
        if n:
            clock.advance(days=7)
        assert (await console.ask(f"/log followers={v}")).ok


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
