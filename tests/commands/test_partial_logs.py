"""A creator who logs only what changed: engagement by views (and what is known) is decided
in one place (``same_window`` with the stored history) for /stats, ask --json, /estimate and
the what-ifs, and a later log of another number never changes it.

The new-user trial: a whole /log, then ``/log views=41k``: /estimate said engagement was
unknown while /stats did too, but ``/log followers=12k`` (the same value) brought 8.3% back
in /estimate (41k views of the second log over the first log's likes) while /stats still said
"different snapshots"; with ``/settings does=brand`` the footer said "Missing: likes".

The final trial (totals of two 30-day windows): ``/log views=41k likes=3.3k`` over a whole
log gave 8% "likes + comments + shares ÷ views" in /stats though comments and shares (of the
first log) were not counted; ``/estimate views=100k`` and /mediakit asked for likes that were
logged; ``/log views=2k`` was held back for likes "of the same 30 days" that came from the
earlier log.

Since branch ``pairing``, totals given on the same day of the creator's are one window (a
minute-later ``/log views=...`` corrects the views), so these cases log the second window a day
later: what they check is a window of another day."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.adapters.console import ConsoleAdapter, ConsoleResult
from tests.auxil.clock import FakeClock

FULL = "/log followers=12k views=40k likes=3.1k comments=210 shares=95"
DIFFERENT = "Your likes and views come from different snapshots"
NOT_COUNTED = ("Not counted: comments and shares, logged in another 30 days than your views. "
               "Log them together with your views to count them.")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 29, 9, 0, tzinfo=UTC))


def _data(result: ConsoleResult) -> dict[str, Any]:
    """What ``ask --json`` prints for the reply (its data)."""
    assert result.ok, result.text
    return dict(result.replies[-1].data or {})


async def _ask(console: ConsoleAdapter, clock: FakeClock, line: str) -> ConsoleResult:
    clock.advance(minutes=1)  # the trial's commands were a minute or so apart
    result = await console.ask(line)
    assert result.ok, result.text
    return result


def _rate(est: ConsoleResult) -> float | None:
    rate = _data(est)["engagement_rate_views"]
    assert rate is None or isinstance(rate, float)
    return rate


async def test_a_whole_log_then_views_alone_then_an_unrelated_log(
        both: ConsoleAdapter, clock: FakeClock) -> None:
    await _ask(both, clock, FULL)
    first = await _ask(both, clock, "/estimate")
    assert _rate(first) == pytest.approx(3405 / 40_000)  # step 1: one window, known
    clock.advance(days=1)  # another day: totals of one day are one window
    await _ask(both, clock, "/log views=41k")
    second = await _ask(both, clock, "/estimate")
    stats = await _ask(both, clock, "/stats")
    # Step 2: the likes cover the first log's 30 days, the views the second's: /stats and
    # /estimate say so alike.
    assert _rate(second) is None and DIFFERENT in second.text, second.text
    assert _data(stats)["engagement_rate_views"] is None and DIFFERENT in stats.text
    await _ask(both, clock, "/log followers=12k")
    third = await _ask(both, clock, "/estimate")
    # Step 3: logging the same followers again changes nothing about engagement.
    assert _rate(third) is None, third.text
    assert "8.3%" not in third.text and DIFFERENT in third.text, third.text
    assert _data(third)["now"] == _data(second)["now"]
    assert _data(third)["could"] == _data(second)["could"]
    # Step 4: /stats and ask --json "/stats" agree with /estimate.
    stats = await _ask(both, clock, "/stats")
    assert _data(stats)["engagement_rate_views"] is None
    assert f"Engagement by views: unknown. {DIFFERENT}" in stats.text, stats.text


async def test_logging_likes_with_the_views_again_brings_it_back_everywhere(
        both: ConsoleAdapter, clock: FakeClock) -> None:
    await _ask(both, clock, FULL)
    clock.advance(days=1)  # another day: totals of one day are one window
    await _ask(both, clock, "/log views=41k")
    await _ask(both, clock, "/log views=41k likes=3.2k comments=220 shares=100")
    await _ask(both, clock, "/log followers=12.1k")  # an unrelated log keeps it
    est, stats = await _ask(both, clock, "/estimate"), await _ask(both, clock, "/stats")
    assert _rate(est) == pytest.approx(3520 / 41_000)
    assert _data(stats)["engagement_rate_views"] == pytest.approx(3520 / 41_000)
    assert "8.6%" in est.text and "Engagement by views: 8.6%" in stats.text


async def test_an_unrelated_log_after_a_whole_one_keeps_its_engagement(
        both: ConsoleAdapter, clock: FakeClock) -> None:
    await _ask(both, clock, FULL)
    before = await _ask(both, clock, "/estimate")
    await _ask(both, clock, "/log followers=12k")
    after = await _ask(both, clock, "/estimate")
    stats = await _ask(both, clock, "/stats")
    assert _rate(after) == _rate(before) == pytest.approx(3405 / 40_000)
    assert _data(stats)["engagement_rate_views"] == pytest.approx(3405 / 40_000)


async def test_brand_now_and_the_missing_footer_follow_the_same_decision(
        both: ConsoleAdapter, clock: FakeClock) -> None:
    await _ask(both, clock, FULL)
    await _ask(both, clock, "/settings does=brand")
    clock.advance(days=1)  # another day: totals of one day are one window
    await _ask(both, clock, "/log views=45k")
    est = await _ask(both, clock, "/estimate")
    assert _rate(est) is None and DIFFERENT in est.text, est.text
    # The likes are stored (/stats shows them): the footer never asks for them.
    assert "Likes (30 days): 3.1k" in (await _ask(both, clock, "/stats")).text
    missing = [line for line in est.text.splitlines() if line.startswith("Missing")]
    assert all("likes" not in line for line in missing), est.text
    assert all("likes" not in r["missing"] for r in _data(est)["routes"])
    again = await _ask(both, clock, "/log followers=12k")
    assert again.ok
    assert _data(await _ask(both, clock, "/estimate"))["now"] == _data(est)["now"]


async def test_a_what_if_over_mixed_windows_decides_as_the_estimate_does(
        both: ConsoleAdapter, clock: FakeClock) -> None:
    await _ask(both, clock, FULL)
    clock.advance(days=1)  # another day: totals of one day are one window
    await _ask(both, clock, "/log views=41k")
    await _ask(both, clock, "/log followers=12k")
    what_if = await _ask(both, clock, "/estimate followers=15k")
    assert _rate(what_if) is None and "8.3%" not in what_if.text, what_if.text


async def test_a_rate_of_likes_alone_names_its_formula_and_what_it_left_out(
        both: ConsoleAdapter, clock: FakeClock) -> None:
    await _ask(both, clock, FULL)
    clock.advance(days=1)  # another day: totals of one day are one window
    logged = await _ask(both, clock, "/log views=41k likes=3.3k")
    assert NOT_COUNTED in logged.text, logged.text
    assert "Engagement by views: 8%\nNot counted" in logged.text  # (a sentence of its own)
    stats = await _ask(both, clock, "/stats")
    rate = 3300 / 41_000
    assert _data(stats)["engagement_rate_views"] == pytest.approx(rate)
    assert _data(stats)["engagement_left_out"] == ["comments", "shares"]
    assert "likes + comments + shares ÷ views" not in stats.text, stats.text
    assert "Engagement by views: 8% (likes ÷ views, last 30 days)." in stats.text, stats.text
    assert NOT_COUNTED in stats.text
    est = await _ask(both, clock, "/estimate")
    assert _data(est)["engagement_rate_views"] == pytest.approx(rate)
    assert _data(est)["engagement_left_out"] == ["comments", "shares"]
    assert NOT_COUNTED in est.text, est.text


async def test_a_whole_window_leaves_nothing_out(both: ConsoleAdapter, clock: FakeClock) -> None:
    await _ask(both, clock, FULL)
    stats = await _ask(both, clock, "/stats")
    assert _data(stats)["engagement_left_out"] == []
    assert "likes + comments + shares ÷ views" in stats.text
    assert "Not counted" not in stats.text
    assert "Not counted" not in (await _ask(both, clock, "/estimate")).text


async def test_a_what_if_and_the_kit_give_the_different_snapshots_reason(
        both: ConsoleAdapter, clock: FakeClock) -> None:
    await _ask(both, clock, FULL)
    clock.advance(days=1)  # another day: totals of one day are one window
    await _ask(both, clock, "/log views=41k")
    what_if = await _ask(both, clock, "/estimate views=100k")
    assert _data(what_if)["engagement_rate_views"] is None
    assert DIFFERENT in what_if.text, what_if.text
    assert "Log your 30-day likes" not in what_if.text
    assert _data(what_if)["engagement_gap"] == "different_snapshots"
    assert _data(await _ask(both, clock, "/estimate"))["engagement_gap"] == "different_snapshots"
    kit = await _ask(both, clock, "/mediakit")
    assert "likes and views for your engagement rate" not in kit.text, kit.text
    assert "likes and views logged together for your engagement rate" in kit.text, kit.text


async def test_views_alone_are_not_compared_with_likes_of_an_earlier_log(
        both: ConsoleAdapter, clock: FakeClock) -> None:
    """Likes of another day's log are another 30 days: views logged alone are not compared
    with them. (The same day they are one window, and compared: branch trusttz,
    ``test_zone_change_trust``.)"""
    await _ask(both, clock, FULL)
    clock.advance(days=1)
    result = await both.ask("/log views=2k")
    assert result.ok and "are more than views" not in result.text, result.text
    assert not result.replies[-1].held
    # Given together they are one window: still held back.
    clock.advance(minutes=1)
    held = await both.ask("/log views=2k likes=3.1k")
    assert "likes (3.1k) are more than views (2k)" in held.text, held.text
