"""The slowing rule's weeks (``bot.domain.slowing.weeks``): week-long windows of the corrected
follower series, walking back from the latest day, so daily and weekly data read alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from statistics import median

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import slowing
from bot.domain.metrics import EARLIER_WEEKS, MetricSnapshot

START = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def history(points: list[tuple[float, float]]) -> list[MetricSnapshot]:
    """Logged followers ``(days after START, value)``, oldest first."""
    return [MetricSnapshot(START + timedelta(days=d), followers=v,
                           given=frozenset({"followers"}), source="log") for d, v in points]


def old_weekly(points: list[tuple[float, float]]) -> list[float]:
    """What the rule read from a weekly logger before: each week's growth a week between
    consecutive logs, oldest first (the last one the latest week)."""
    return [(b - a) / a / (e - d) * 7 for (d, a), (e, b) in pairwise(points)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1_001, max_value=90_001), min_size=2, max_size=60))
def test_a_daily_series_reads_the_weeks_of_its_weekly_logs(values: list[int]) -> None:
    """A value every day gives the weeks a log every 7 days (on the latest's weekday) gives,
    and those are the figures a weekly logger got before: latest and earlier alike. (Values
    end in 1: exact counts, no typed rounding.)"""
    values = [v | 1 for v in values]
    days = list(enumerate(values))
    weekly = [(float(d), float(v)) for d, v in days if (len(days) - 1 - d) % 7 == 0]
    every_day = slowing.weeks(history([(float(d), float(v)) for d, v in days]), UTC)
    once_a_week = slowing.weeks(history(weekly), UTC)
    assert every_day == once_a_week
    before = old_weekly(weekly)
    if len(before) >= 1:
        assert every_day.latest == pytest.approx(before[-1])
        assert every_day.earlier == pytest.approx(before[-2::-1])
    if len(before) >= 2:
        found = slowing.paces(every_day)
        assert found is not None
        assert (found.latest, found.earlier) == pytest.approx((before[-1], median(before[:-1])))


def test_the_latest_week_starts_at_the_nearest_day_a_week_or_more_before() -> None:
    """Logs 6 days apart: the latest week runs from the log 12 days before (the nearest a
    week or more back), as a pace a week, and the step before it from there back to the
    nearest log a week or more before it (11 days); never 6 days' change scaled up."""
    found = slowing.weeks(history([(0, 1_001), (5, 1_051), (11, 1_101), (17, 1_201),
                                   (23, 1_205)]), UTC)
    assert found.latest == pytest.approx(104 / 1_101 / 12 * 7)
    assert found.earlier == [pytest.approx(100 / 1_001 / 11 * 7)]


def test_one_pass_over_the_series(monkeypatch: pytest.MonkeyPatch) -> None:
    """A year of daily values measures each span once as it walks back (no search from each
    point), and the walk stops after the latest week and the EARLIER_WEEKS steps before it
    (the rule compares the recent weeks): one measurement a step, none of the year before."""
    calls = 0
    measure = slowing.days_between

    def counted(a: datetime, b: datetime) -> float:
        nonlocal calls
        calls += 1
        return measure(a, b)

    monkeypatch.setattr(slowing, "days_between", counted)
    found = slowing.weeks(history([(d, 10_001 + 7 * d) for d in range(365)]), UTC)
    assert len(found.earlier) == EARLIER_WEEKS  # (51 before the rule was bounded)
    assert calls == 1 + EARLIER_WEEKS


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=-180, max_value=180), min_size=3, max_size=12))
def test_weekly_logs_at_other_hours_are_still_weeks(minutes: list[int]) -> None:
    """A weekly log an hour (up to three) earlier or later than the one before is a week of
    the creator's days: the latest week is the last two logs, never two weeks read as one
    (review: 10001 … 12801 a week apart, then 12811 an hour early, read 2.9% a week beside
    /stats' +0.1%), each pace over the days on the clock; the EARLIER_WEEKS steps before the
    latest week at most."""
    points = [(7 * i + m / 1440, 1_001 + 700 * i + (0 if i < len(minutes) - 1 else -690))
              for i, m in enumerate(minutes)]
    found = slowing.weeks(history([(d, float(v)) for d, v in points]), UTC)
    assert found.latest == pytest.approx(old_weekly(points)[-1])
    assert found.earlier == pytest.approx(old_weekly(points)[-2::-1][:EARLIER_WEEKS])


def test_the_reviewed_week_an_hour_early() -> None:
    """The review's case: the last log 7 days less an hour after the one before."""
    points = [(0.0, 10_001.0), (7.0, 10_701.0), (14.0, 11_401.0), (21.0, 12_101.0),
              (28.0, 12_801.0), (35 - 1 / 24, 12_811.0)]
    found = slowing.weeks(history(points), UTC)
    assert found.latest == pytest.approx(10 / 12_801 / (7 - 1 / 24) * 7)
    assert len(found.earlier) == 4


def weekly_history(values: list[float]) -> list[MetricSnapshot]:
    return history([(7.0 * i, v) for i, v in enumerate(values)])


def test_a_steady_gain_from_a_small_base_is_not_slowed() -> None:
    """Trial: 20 → 40 → 60 → 80 followers, +20 every week, read "slowed" (+33% against a
    median of 75%): steps from under MIN_BASE_FOLLOWERS give no pace."""
    found = slowing.weeks(weekly_history([21, 41, 61, 81]), UTC)
    assert found.earlier == [] and not found.judged
    assert slowing.paces(found) is None
    assert slowing.said_of_latest_week(weekly_history([21, 41, 61, 81]), UTC) is None
    # the earlier steps from under it are left out of the median, the later ones kept
    found = slowing.weeks(weekly_history([41, 81, 121, 161, 201]), UTC)
    assert found.earlier == [pytest.approx(40 / 121)]  # (121 → 161; 81 → 121 left out)
    assert found.judged


def test_a_steady_gain_is_never_slowed() -> None:
    """101 → 201 → 301 → 401: +100 every week is a falling percent (+33% against a median of
    75%) but no slowdown; a week of +40 after it is."""
    steady = slowing.paces(slowing.weeks(weekly_history([101, 201, 301, 401]), UTC))
    assert steady is not None and steady.latest < steady.earlier * 0.5
    assert not slowing.is_slowing(steady)
    slowed = slowing.paces(slowing.weeks(weekly_history([101, 201, 301, 401, 441]), UTC))
    assert slowed is not None and slowing.is_slowing(slowed)


def test_a_compound_slowdown_is_still_slowed() -> None:
    """+10% a week for 8 weeks, then +4%: fewer followers than the earlier weeks' median
    (86 against about 140) and under half the percent: slowed."""
    values = [1_000 * 1.1**i for i in range(9)]
    values.append(values[-1] * 1.04)
    found = slowing.paces(slowing.weeks(weekly_history([v // 2 * 2 + 1 for v in values]), UTC))
    assert found is not None and slowing.is_slowing(found)


def test_a_gap_is_not_the_latest_week() -> None:
    """Weekly logs, then one 30 days later: that span is a gap, not a week (MAX_WEEK_DAYS):
    neither slowed nor "fell in the latest week"; the tips' fall still has its change and
    its days (latest_change)."""
    points = [(0.0, 10_001.0), (7.0, 10_301.0), (14.0, 10_601.0), (21.0, 10_901.0)]
    grew = slowing.weeks(history([*points, (51.0, 11_001.0)]), UTC)
    assert grew.latest is not None and not grew.is_week and not grew.judged
    assert slowing.paces(grew) is None
    fell = history([*points, (51.0, 10_801.0)])
    assert slowing.said_of_latest_week(fell, UTC) is None
    change = slowing.latest_change(slowing.weeks(fell, UTC), None)
    assert change is not None and change.falling and change.days == 30
    # two weeks is still a week's window (a log a day late, twice)
    assert slowing.weeks(history([*points, (35.0, 10_951.0)]), UTC).judged
