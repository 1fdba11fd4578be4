"""Projection on synthetic histories: linear, exponential, flat, declining, noisy."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.projection import fit, project

T0 = datetime(2026, 1, 5, tzinfo=UTC)


def weekly(values: list[float]) -> list[tuple[datetime, float]]:
    return [(T0 + timedelta(weeks=i), v) for i, v in enumerate(values)]


def test_linear_growth_projects_the_right_week() -> None:
    points = weekly([1000 + 500 * i for i in range(10)])  # +500/week, now 5,500
    now = points[-1][0]
    p = project(points, 10_000, now, zone=UTC)
    assert p.trend is not None and p.trend.model == "linear"
    assert p.weekly_growth == pytest.approx(500)
    assert p.eta is not None
    assert (p.eta - now).days == pytest.approx(63, abs=1)  # 4,500 more at 500/week = 9 weeks


def test_exponential_growth_is_recognised() -> None:
    points = weekly([1000 * 1.1**i for i in range(12)])
    now = points[-1][0]
    p = project(points, 10_000, now, zone=UTC)
    assert p.trend is not None and p.trend.model == "exponential"
    expected_weeks = math.log(10_000 / points[-1][1]) / math.log(1.1)
    assert p.eta is not None
    assert (p.eta - now).total_seconds() / (7 * 86400) == pytest.approx(expected_weeks, abs=0.2)


def test_flat_and_declining_have_no_date() -> None:
    flat = weekly([2000] * 8)
    assert project(flat, 10_000, flat[-1][0], zone=UTC).eta is None
    assert fit(flat, zone=UTC) is not None and fit(flat, zone=UTC).model == "flat"  # type: ignore[union-attr]
    down = weekly([5000 - 100 * i for i in range(8)])
    p = project(down, 10_000, down[-1][0], zone=UTC)
    assert p.eta is None and p.weekly_growth is not None and p.weekly_growth < 0


def test_one_viral_week_does_not_move_the_trend_much() -> None:
    values = [1000 + 200 * i for i in range(10)]
    values[6] += 20_000  # a spike, then back to normal
    p = project(weekly(values), 10_000, weekly(values)[-1][0], zone=UTC)
    assert p.weekly_growth == pytest.approx(200, rel=0.05)


def test_only_recent_weeks_count() -> None:
    old = [100 * i for i in range(30)]  # fast growth long ago
    recent = [old[-1] + 10 * i for i in range(1, 13)]
    points = weekly(old + recent)
    assert project(points, 1e6, points[-1][0], zone=UTC).weekly_growth == pytest.approx(10, rel=0.1)


def test_already_reached_and_needed_growth() -> None:
    points = weekly([9000, 9500, 10_200])
    p = project(points, 10_000, points[-1][0], zone=UTC)
    assert p.reached and p.needed_per_week(points[-1][0] + timedelta(weeks=4),
                                           points[-1][0]) == 0
    q = project(weekly([1000, 1100]), 2000, T0 + timedelta(weeks=1), zone=UTC)
    assert q.needed_per_week(T0 + timedelta(weeks=11), T0 + timedelta(weeks=1)) == \
        pytest.approx(90)
    assert q.needed_per_week(T0, T0 + timedelta(weeks=1)) is None  # date in the past


def test_too_little_history() -> None:
    assert fit([], zone=UTC) is None
    assert fit(weekly([5]), zone=UTC) is None
    p = project(weekly([5]), 10, T0, zone=UTC)
    assert p.trend is None and p.eta is None and not p.reached


def test_very_slow_growth_is_beyond_the_horizon() -> None:
    points = weekly([1000 + i for i in range(10)])
    assert project(points, 1e9, points[-1][0], zone=UTC).eta is None


def test_one_point_a_day_is_a_day_of_the_creators() -> None:
    """An Auckland creator's /log at 11:30 on 1 December (22:30 UTC on 30 November), after a
    file's row for 1 December (dated by day alone), is that day's one point: it corrects the
    file's, as the store orders them; in UTC they are two days."""
    from datetime import date
    from zoneinfo import ZoneInfo

    from bot.domain.daily import DateOnly
    from bot.domain.projection import one_per_day

    file_row = (DateOnly.of(date(2026, 12, 1)), 8200.0)
    logged = (datetime(2026, 11, 30, 22, 30, tzinfo=UTC), 8300.0)
    before = (DateOnly.of(date(2026, 11, 24)), 8000.0)
    points = [before, file_row, logged]
    assert one_per_day(points, zone=ZoneInfo("Pacific/Auckland")) == [before, logged]
    assert one_per_day([before, logged, file_row], zone=UTC) == [before, logged, file_row]


# --- a pace becomes a date in one place (reached_at), slower never earlier ----------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bot.domain.projection import HORIZON, Arrival, reached_at  # noqa: E402


def later_key(arrival: Arrival) -> tuple[int, float]:
    """An arrival ordered by how late it is: a date, then "beyond the horizon", then never."""
    if arrival.eta is not None:
        return (0, arrival.eta.timestamp())
    return (1, 0.0) if arrival.beyond else (2, 0.0)


paces = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["linear", "exponential", "flat"]),
       st.floats(min_value=1, max_value=1e8), st.floats(min_value=1.0001, max_value=1e3),
       paces, paces, st.floats(min_value=0, max_value=400))
def test_a_slower_pace_never_gives_an_earlier_date(model: str, current: float, times: float,
                                                   a: float, b: float, age: float) -> None:
    """For any model, from any value towards any higher target, counted from a latest value
    up to 400 days old: a slower weekly pace is never sooner (a date before "more than 5
    years", that before never), and a pace of 0 or less is never."""
    slow, fast = sorted((a, b))
    now = T0 + timedelta(days=age)
    target = current * times
    slower = reached_at(model, slow, current, target, T0, now)
    faster = reached_at(model, fast, current, target, T0, now)
    assert later_key(slower) >= later_key(faster)
    if slow <= 0 or model == "flat":
        assert slower == Arrival(None, False)
    else:
        assert slower.eta is not None or slower.beyond
    if slower.eta is not None:
        assert now <= slower.eta <= now + HORIZON


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=100, max_value=5_000), min_size=3, max_size=12),
       st.floats(min_value=1.01, max_value=20), paces, st.floats(-0.5, 2.0))
def test_a_slowed_week_never_dates_before_the_trend(steps: list[int], times: float,
                                                    gain: float, rate: float) -> None:
    """Whatever week's pace /goal feeds the projection (Projection.at_pace), its date is never
    before the 12-week trend's own."""
    values = [1_000.0]
    for s in steps:
        values.append(values[-1] + s)
    points = weekly(values)
    p = project(points, values[-1] * times, points[-1][0], zone=UTC)
    at = p.at_pace(gain, rate, points[-1][0])
    assert later_key(at) >= later_key(Arrival(p.eta, p.beyond))


def test_the_slowed_pace_goes_on_by_the_trends_model() -> None:
    """The trial's case: +300 a week (a linear trend), then a week of +150 (4.4%): at that
    week's pace, +150 a week, 30k is further than at the trend's; compounded at 4.4% it read
    about 49 weeks, sooner than the trend's 88."""
    values = [1_001.0 + 300 * i for i in range(9)] + [3_551.0]
    points = weekly(values)
    now = points[-1][0]
    p = project(points, 30_000, now, zone=UTC)
    assert p.trend is not None and p.trend.model == "linear" and p.eta is not None
    slowed = p.at_pace(150, 150 / 3_401, now)
    assert slowed.eta is not None and slowed.eta > p.eta
    assert (slowed.eta - now).days == pytest.approx((30_000 - 3_551) / 150 * 7, abs=1)


def test_a_slow_growing_pace_is_beyond_never_never() -> None:
    """+1 a week towards 1e9: past the horizon ("more than 5 years"), not "won't get there";
    a flat or falling trend never gets there."""
    points = weekly([1000 + i for i in range(10)])
    p = project(points, 1e9, points[-1][0], zone=UTC)
    assert p.eta is None and p.beyond
    flat = weekly([2000] * 8)
    assert not project(flat, 10_000, flat[-1][0], zone=UTC).beyond
    down = weekly([5000 - 100 * i for i in range(8)])
    assert not project(down, 10_000, down[-1][0], zone=UTC).beyond
