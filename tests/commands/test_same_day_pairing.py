"""Totals given on the same day of the creator's are of one 30-day window.

The new-user trial: ``/log followers=8k views=1.2M likes=68k comments=1.9k shares=3.9k``, then a
minute later ``/log views=1.25M`` (a correction: the bot itself said "less than a day ago it
was 1.2M") made engagement by views unknown ("Your likes and views come from different
snapshots"), dropped the typical brand price from $212 to $149 while /estimate called the range
"wider", and /ratecard and the media kit lost engagement; logging likes, comments and shares
again on a line of their own did not bring it back, nor did ``/log likes=2.5k`` alone after a
whole log. Two 30-day windows ending minutes apart are one window for a rate: a total now pairs
with the views when both were given on the same local day (the stores' ``day``), and a total of
an earlier day still does not. Real SQLite file and real PostgreSQL (``both``)."""

from __future__ import annotations

import itertools

import pytest

from bot.adapters.console import ConsoleAdapter, ConsoleResult
from tests.auxil.clock import FakeClock
from tests.auxil.minutes import START
from tests.auxil.minutes import ask_ok as _ask
from tests.auxil.minutes import reply_data as _data

FULL = "/log followers=8k views=1.2M likes=68k comments=1.9k shares=3.9k"
DIFFERENT = "different snapshots"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


def _brand(result: ConsoleResult) -> float:
    value = next(r for r in _data(result)["routes"]
                 if r["key"] == "brand_deals")["monthly"]["typical"]
    assert isinstance(value, float)
    return value


async def test_the_trial_a_same_day_correction_of_views_keeps_engagement(
        both: ConsoleAdapter, clock: FakeClock) -> None:
    await _ask(both, clock, FULL)
    before = await _ask(both, clock, "/estimate")
    corrected = await _ask(both, clock, "/log views=1.25M")
    assert "less than a day ago it was 1.2M" in corrected.text, corrected.text
    rate = (68_000 + 1_900 + 3_900) / 1_250_000
    stats = await _ask(both, clock, "/stats")
    assert _data(stats)["engagement_rate_views"] == pytest.approx(rate)
    assert DIFFERENT not in stats.text and "Engagement by views: unknown" not in stats.text
    assert _data(stats)["engagement_left_out"] == []
    assert "(30 days to" not in stats.text, stats.text  # one window: no dated totals
    est = await _ask(both, clock, "/estimate")
    assert _data(est)["engagement_rate_views"] == pytest.approx(rate)
    assert _data(est)["engagement_gap"] is None
    # 4% more views, the same likes: the brand price moves a little, never by a third
    assert 0.9 <= _brand(est) / _brand(before) <= 1.1, (_brand(before), _brand(est))
    kit = await _ask(both, clock, "/mediakit")
    assert "for your engagement rate" not in kit.text, kit.text
    card = await _ask(both, clock, "/ratecard")
    assert DIFFERENT not in card.text, card.text


async def test_likes_alone_the_same_day_pair_with_the_views(
        both: ConsoleAdapter, clock: FakeClock) -> None:
    await _ask(both, clock, FULL)
    await _ask(both, clock, "/log likes=2.5k")  # the trial: "unknown"
    stats = await _ask(both, clock, "/stats")
    assert _data(stats)["engagement_rate_views"] == pytest.approx(
        (2_500 + 1_900 + 3_900) / 1_200_000)
    assert _data(stats)["engagement_left_out"] == []


@pytest.mark.parametrize("order", list(itertools.permutations(
    ["/log views=50k", "/log likes=4k", "/log comments=300 shares=120"])))
async def test_same_day_partial_logs_pair_in_any_order(
        both: ConsoleAdapter, clock: FakeClock, order: tuple[str, ...]) -> None:
    await _ask(both, clock, "/log followers=12k")
    for line in order:
        await _ask(both, clock, line)
    stats = await _ask(both, clock, "/stats")
    assert _data(stats)["engagement_rate_views"] == pytest.approx(4_420 / 50_000), stats.text
    assert _data(stats)["engagement_left_out"] == []
    est = await _ask(both, clock, "/estimate")
    assert _data(est)["engagement_rate_views"] == pytest.approx(4_420 / 50_000)


async def test_a_total_from_yesterday_does_not_pair(
        both: ConsoleAdapter, clock: FakeClock) -> None:
    await _ask(both, clock, FULL)
    clock.advance(days=1)
    await _ask(both, clock, "/log views=1.25M")
    stats = await _ask(both, clock, "/stats")
    assert _data(stats)["engagement_rate_views"] is None
    assert DIFFERENT in stats.text, stats.text
    assert "Likes (30 days): 68k (30 days to 2026-11-29)" in stats.text, stats.text
    est = await _ask(both, clock, "/estimate")
    assert _data(est)["engagement_gap"] == "different_snapshots"
    # the estimate says what an unknown engagement does (the typical rate, a wider range),
    # not only "wider" when the price moved down
    assert "brand prices assume the typical engagement for accounts your size" in est.text
    # Likes logged again today pair with today's views, comments and shares of yesterday not
    await _ask(both, clock, "/log likes=70k")
    stats = await _ask(both, clock, "/stats")
    assert _data(stats)["engagement_rate_views"] == pytest.approx(70_000 / 1_250_000)
    assert _data(stats)["engagement_left_out"] == ["comments", "shares"]


async def test_the_pairing_follows_the_local_day_across_a_timezone_change(
        both: ConsoleAdapter, clock: FakeClock) -> None:
    clock.advance(hours=14)  # 23:00 UTC
    await _ask(both, clock, "/settings timezone=UTC")
    await _ask(both, clock, FULL)  # 23:02 UTC, the 29th
    clock.advance(hours=1)
    await _ask(both, clock, "/log views=1.25M")  # 00:03 UTC, the 30th: another day
    assert _data(await _ask(both, clock, "/stats"))["engagement_rate_views"] is None
    # In Los Angeles both were on the 29th (15:02 and 16:03): one window
    await _ask(both, clock, "/settings timezone=America/Los_Angeles")
    stats = await _ask(both, clock, "/stats")
    assert _data(stats)["engagement_rate_views"] == pytest.approx(73_800 / 1_250_000)
    # and back in UTC, two days again
    await _ask(both, clock, "/settings timezone=UTC")
    assert _data(await _ask(both, clock, "/stats"))["engagement_rate_views"] is None
