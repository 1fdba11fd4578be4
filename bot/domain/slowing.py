"""Whether follower growth has slowed: one rule, in one place, that every reply reads (the
tips' ``growth_slowing`` fact and /why, /goal, /stats). Kept apart from :mod:`bot.domain.facts`
so /stats reads it without importing the fact code (``tests/unit/test_fast_start.py``)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from statistics import median
from typing import NamedTuple

from bot.domain import numbers
from bot.domain.daily import days_between, wall_time
from bot.domain.metrics import (
    MIN_SPAN_DAYS,
    Growth,
    MetricSnapshot,
    corrected_series,
    growth,
    rate_digits,
)


def weekly_rates(history: list[MetricSnapshot], zone: tzinfo) -> list[float]:
    """Follower growth per week (as a ratio) between consecutive days of the corrected series
    (:func:`~bot.domain.metrics.corrected_series`, the one ``/goal`` fits: a later log on the
    same day replaces an earlier one), at least :data:`MIN_SPAN_DAYS` apart."""
    out = []
    last: tuple[datetime, float] | None = None
    # (each at placed_at: a row dated by day alone at noon of its day in ``zone``, so the days
    # between two points are the creator's, never from a noon UTC; each point on their wall
    # clock once, measured as wall_days measures)
    for at, value in corrected_series(history, "followers", zone=zone, placed=True):
        at = wall_time(at, zone)
        if last is None or not last[1]:
            last = (at, value)
            continue
        days = days_between(last[0], at)  # (their wall clock's days, as growth's)
        if days >= MIN_SPAN_DAYS:
            out.append((value - last[1]) / last[1] / days * 7)
            last = (at, value)
    return out


class Slowdown(NamedTuple):
    """Follower growth slowed (:func:`is_slowing`): the two paces the rule compared."""

    #: The latest week's growth (a ratio a week): the change /stats shows (:func:`latest_pace`).
    latest: float
    #: The median weekly growth of the weeks before it (never "the week before").
    earlier: float

    @property
    def falling(self) -> bool:
        """Followers fell in the latest week: slowed, and every reader says it as a fall."""
        return self.latest < 0


def latest_pace(followers: Growth) -> float | None:
    """The latest week's follower growth as a ratio a week: the change /stats shows, and its
    pace a week as /stats shows it (:func:`~bot.domain.metrics.growth`: the same pair of
    snapshots and the same rounding, "about the same" is 0, never the +0.9% a typed "11k"
    after "10.9k" would make; :attr:`~bot.domain.metrics.Growth.per_week`: a pace a week only
    from a week or more, never from a few days); None without one, or without a previous
    count to divide by."""
    per_week = followers.per_week
    if per_week is None or not followers.previous:
        return None
    return per_week / followers.previous


def paces(weekly: list[float], followers: Growth | None) -> tuple[float, float] | None:
    """The two follower paces the slowing rule compares: the latest week's (:func:`latest_pace`,
    the change /stats shows) and the median of the weeks before it (``weekly``: the weekly
    growth ratios between days, oldest first, :func:`weekly_rates`; its last one is the
    latest week's); None with fewer than two weeks."""
    latest = None if followers is None else latest_pace(followers)
    if latest is None or len(weekly) < 2:
        return None
    return latest, median(weekly[:-1])


def is_slowing(latest: float, earlier: float) -> bool:
    """Whether follower growth has slowed: the latest week under half the earlier pace (the
    median week before it), which was more than 0.5% a week. A fall is slowed too
    (:attr:`Slowdown.falling`): never better than a flat week. The one rule the tips
    (``growth_slowing``), /why, /goal and /stats read."""
    return earlier > 0.005 and latest < earlier * 0.5


def slowdown(history: list[MetricSnapshot], zone: tzinfo) -> Slowdown | None:
    """The latest and earlier weekly follower growth when growth has slowed by
    :func:`is_slowing` over ``history`` (oldest first), as the tips decide it; else None."""
    followers = growth(history, "followers", zone=zone)
    found = paces(weekly_rates(history, zone), followers)
    if found is None or not is_slowing(*found):
        return None
    return Slowdown(*found)


def pace_shown(value: float) -> str:
    """A weekly growth ratio of :class:`Slowdown` as every reply shows it: as
    :func:`bot.domain.facts.format_fact` writes ``latest_growth_rate_week`` and
    ``earlier_growth_rate_week`` (/why), with the minus sign of a fall ("−0.9%")."""
    digits = rate_digits("latest_growth_rate_week")
    if value < 0:
        return numbers.signed(value, numbers.pct(-value, digits)).removeprefix("+")
    return numbers.pct(value, digits)


