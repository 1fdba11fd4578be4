"""Totals of two 30-day windows after partial logs: the one decider (``same_window``) also
says which parts engagement by views counts, why it is unknown, and what /log compares.

The final trial: ``/log views=41k likes=3.3k`` over a whole log gave 8% "likes + comments +
shares ÷ views" in /stats though comments and shares (of the first log) were not counted;
``/estimate views=100k`` and /mediakit asked for likes that were logged; ``/log views=2k``
was held back for likes "of the same 30 days" that came from the earlier log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.adapters.console import ConsoleAdapter, ConsoleResult
from tests.auxil.clock import FakeClock

FULL = "/log followers=12k views=40k likes=3.1k comments=210 shares=95"
DIFFERENT = "Your likes and views come from different snapshots"
NOT_COUNTED = ("Not counted: comments, shares, logged in another 30 days than your views. "
               "Log them together with your views to count them.")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 29, 9, 0, tzinfo=UTC))


def _data(result: ConsoleResult) -> dict[str, Any]:
    assert result.ok, result.text
    return dict(result.replies[-1].data or {})


async def _ask(console: ConsoleAdapter, clock: FakeClock, line: str) -> ConsoleResult:
    clock.advance(minutes=1)
    result = await console.ask(line)
    assert result.ok, result.text
    return result


async def test_a_rate_of_likes_alone_names_its_formula_and_what_it_left_out(
        both: ConsoleAdapter, clock: FakeClock) -> None:
    await _ask(both, clock, FULL)
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
    await _ask(both, clock, FULL)
    clock.advance(minutes=1)
    result = await both.ask("/log views=2k")
    assert result.ok and "are more than views" not in result.text, result.text
    assert not result.replies[-1].held
    # Given together they are one window: still held back.
    clock.advance(minutes=1)
    held = await both.ask("/log views=2k likes=3.1k")
    assert "likes (3.1k) are more than views (2k)" in held.text, held.text
