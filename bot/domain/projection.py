"""When will a creator reach a target? A robust trend over recent history, not the last two points.

The trend is a Theil–Sen fit (the median of all pairwise slopes), which one viral week or one
typo cannot drag around. It is fitted twice, on the values (linear growth) and on their
logarithms (compound growth), and the model with the smaller median absolute residual is used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from statistics import median
from typing import Final

from bot.domain.daily import snapshot_day, wall_days

#: History used for the trend: the most recent weeks only (growth changes over a year).
WINDOW = timedelta(weeks=12)
#: How far ahead a date is given, in years: beyond it a growing pace is "more than 5 years
#: away" (:attr:`Projection.beyond`), never a date to plan around nor "you won't get there"
#: (said only of a pace of 0 or less).
HORIZON_YEARS: Final = 5
#: :data:`HORIZON_YEARS` as a span.
HORIZON = timedelta(days=HORIZON_YEARS * 365)
DAY = 86_400.0
#: Points closer than this give no slope: minutes apart, a second log is a correction.
MIN_SPAN = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Trend:
    model: str  # "linear" | "exponential" | "flat"
    slope_per_day: float  # value per day (linear) or log-growth per day (exponential)
    intercept: float  # at t = 0 (the first point of the window), in model space
    origin: datetime
    points: int
    #: The creator's time zone: the trend's days are their wall clock's
    #: (:func:`~bot.domain.daily.wall_days`), as /stats' growth counts them.
    zone: tzinfo = UTC

    def days_to(self, when: datetime) -> float:
        """Days from :attr:`origin` to ``when`` on the creator's wall clock."""
        return wall_days(self.origin, when, self.zone)

    def value_at(self, when: datetime) -> float:
        t = self.days_to(when)
        y = self.intercept + self.slope_per_day * t
        if self.model == "exponential":
            return math.exp(min(y, 700.0))
        return y

    def weekly_growth(self, now: datetime) -> float:
        """Absolute change per week at ``now``."""
        return self.value_at(now + timedelta(days=7)) - self.value_at(now)

    @property
    def weekly_rate(self) -> float | None:
        """Compound change per week as a fraction (``0.055`` is +5.5% a week); None if linear."""
        if self.model != "exponential":
            return None
        return math.expm1(min(self.slope_per_day * 7, 700.0))


@dataclass(frozen=True, slots=True)
class Projection:
    trend: Trend | None
    current: float
    target: float
    reached: bool
    eta: datetime | None  # None: not at this pace (flat, declining, or beyond the horizon)
    weekly_growth: float | None  # absolute change a week, from ``current``
    weekly_rate: float | None = None  # compound change a week (a fraction) when the fit
    #: is compound, else None
    #: The moment of the latest value (:attr:`current`): every date is counted from it, the
    #: trend's (:attr:`eta`) and a slowed week's (:meth:`at_pace`) alike; None: no value.
    as_of: datetime | None = None
    #: Growing, but the date lies beyond :data:`HORIZON` (:attr:`eta` None): "more than
    #: :data:`HORIZON_YEARS` years away", never "you won't get there".
    beyond: bool = False

    def at_pace(self, gain: float, rate: float, now: datetime) -> Arrival:
        """When the target is reached going on from :attr:`current` at another week's pace
        (a slowed latest week's) instead of the trend's, by the trend's own model: a linear
        trend goes on by ``gain`` followers a week, a compound one by ``rate`` a week
        (``0.02``: +2%), each no faster than the trend's own pace (:attr:`weekly_growth`), so a
        slower week never gives an earlier date than :attr:`eta`. Counted from
        :attr:`as_of`, as :attr:`eta` is (:func:`reached_at`, the one place a pace becomes a
        date)."""
        if self.trend is None or self.as_of is None or self.weekly_growth is None:
            return Arrival(None, False)
        model = self.trend.model
        weekly = self.current * rate if model == "exponential" else gain
        return reached_at(model, min(weekly, self.weekly_growth), self.current, self.target,
                          self.as_of, now)

    def needed_per_week(self, by: datetime, now: datetime,
                        zone: tzinfo = UTC) -> float | None:
        """Steady weekly growth needed to hit the target by ``by``: the weeks to it on the
        creator's wall clock (``zone``, their time zone; :func:`wall_days`)."""
        weeks = wall_days(now, by, zone) / 7
        if self.reached:
            return 0.0
        if weeks <= 0:
            return None
        return (self.target - self.current) / weeks


def theil_sen(xs: list[float], ys: list[float], min_dx: float = 0.0) -> tuple[float, float]:
    """Median pairwise slope and the median intercept for it; pairs closer than ``min_dx`` in
    x give no slope."""
    slopes = [
        (ys[j] - ys[i]) / (xs[j] - xs[i])
        for i in range(len(xs))
        for j in range(i + 1, len(xs))
        if xs[j] != xs[i] and abs(xs[j] - xs[i]) >= min_dx
    ]
    slope = median(slopes) if slopes else 0.0
    intercept = median(y - slope * x for x, y in zip(xs, ys, strict=True))
    return slope, intercept


def one_per_day(points: list[tuple[datetime, float]], *,
                zone: tzinfo) -> list[tuple[datetime, float]]:
    """The last point of each of the creator's days (:func:`~bot.domain.daily.snapshot_day`
    in ``zone``, their time zone: a point dated by day alone is on its date), in the order
    given (the store's: a later point on the same day is a correction of the earlier one),
    then in day order. A snapshot's point is placed where a trend places it
    (:func:`~bot.domain.metrics.placed_at`: on the day it counts on, as the stores keep it),
    so its day here is that day, the one :func:`~bot.domain.metrics.one_a_day` groups by."""
    by_day: dict[date, tuple[datetime, float]] = {}
    for t, v in points:
        by_day[snapshot_day(t, zone)] = (t, v)
    return [by_day[d] for d in sorted(by_day)]


def fit(points: list[tuple[datetime, float]], now: datetime | None = None, *,
        zone: tzinfo) -> Trend | None:
    """The trend of ``points`` (time, value) over the last :data:`WINDOW`, one point a day
    (:func:`one_per_day`: the creator's days, in ``zone``); None unless the points span at
    least :data:`MIN_SPAN`. Days are the creator's wall clock's (:func:`wall_days` in
    ``zone``): a log at 09:00 on two Mondays is a week apart across a change of the
    clocks."""
    points = one_per_day(points, zone=zone)
    if not points:
        return None
    end = now or points[-1][0]
    recent = [(t, v) for t, v in points if t >= end - WINDOW]
    min_dx = MIN_SPAN.total_seconds() / DAY
    if len(recent) < 2 or wall_days(recent[0][0], recent[-1][0], zone) < min_dx:
        # Too little in the window: the last point and the latest one a day or more before it.
        last = points[-1]
        earlier = [p for p in points if wall_days(p[0], last[0], zone) >= min_dx]
        if not earlier:
            return None
        recent = [earlier[-1], last]
    origin = recent[0][0]
    xs = [wall_days(origin, t, zone) for t, _ in recent]
    ys = [v for _, v in recent]
    slope, intercept = theil_sen(xs, ys, min_dx)
    best = Trend("linear", slope, intercept, origin, len(recent), zone)
    best_err = median(abs(y - best.intercept - best.slope_per_day * x) for x, y in zip(xs, ys,
                                                                                        strict=True))
    if all(y > 0 for y in ys):
        logs = [math.log(y) for y in ys]
        ls, li = theil_sen(xs, logs, min_dx)
        exp = Trend("exponential", ls, li, origin, len(recent), zone)
        exp_err = median(abs(y - math.exp(min(li + ls * x, 700.0)))  # (value_at, at x)
                         for x, y in zip(xs, ys, strict=True))
        if exp_err < best_err * 0.9:  # prefer the simpler model unless clearly better
            best = exp
    scale = max(abs(y) for y in ys) or 1.0
    if abs(best.weekly_growth(recent[-1][0])) < 1e-9 * scale:
        return Trend("flat", 0.0, median(ys), origin, len(recent), zone)
    return best


def project(points: list[tuple[datetime, float]], target: float, now: datetime, *,
            zone: tzinfo) -> Projection:
    """When ``target`` is reached going on from the latest value at the trend's pace: a linear
    trend adds the same amount each week, a compound one the same percentage, so the date
    agrees with the pace quoted (:attr:`Projection.weekly_growth`, :attr:`weekly_rate`)."""
    daily = one_per_day(points, zone=zone)
    current = daily[-1][1] if daily else 0.0
    trend = fit(points, now, zone=zone)
    weekly: float | None = None
    rate: float | None = None
    if trend is not None:
        rate = trend.weekly_rate
        weekly = current * rate if rate is not None else trend.slope_per_day * 7
    as_of = daily[-1][0] if daily else None
    if current >= target:
        return Projection(trend, current, target, True, None, weekly, rate, as_of)
    if trend is None or weekly is None:
        return Projection(trend, current, target, False, None, weekly, rate, as_of)
    arrival = reached_at(trend.model, weekly, current, target, daily[-1][0], now)
    return Projection(trend, current, target, False, arrival.eta, weekly, rate, as_of,
                      arrival.beyond)


@dataclass(frozen=True, slots=True)
class Arrival:
    """When a pace reaches a target (:func:`reached_at`)."""

    #: The moment; None when the pace never reaches it or only beyond :data:`HORIZON`.
    eta: datetime | None
    #: The pace grows, but reaches the target only beyond :data:`HORIZON`: "more than
    #: :data:`HORIZON_YEARS` years away". False with :attr:`eta` None: never (a pace of 0
    #: or less), the one case that is "you won't get there".
    beyond: bool


def reached_at(model: str, weekly: float, current: float, target: float, at: datetime,
               now: datetime) -> Arrival:
    """When ``current`` at ``at`` (its moment: :attr:`Projection.as_of`, never ``now``) going on
    by ``weekly`` a week (the change in the first week from ``current``) reaches ``target``
    (above ``current``), by ``model``: ``"linear"`` adds ``weekly`` each week, ``"exponential"``
    the same percentage (``weekly / current``) each week, compounded; any other ("flat") never
    grows. The one place a pace becomes a date: the 12-week projection (:func:`project`) and
    a slowed week's (:meth:`Projection.at_pace`) alike, so a slower pace never gives an
    earlier date. Never at a pace of 0 or less (or compound from 0); beyond
    :data:`HORIZON` (counted from ``now``) no date, :attr:`Arrival.beyond`."""
    if model not in ("linear", "exponential") or not weekly > 0:
        return Arrival(None, False)
    if model == "exponential":
        if current <= 0:
            return Arrival(None, False)
        per_day, ahead = math.log1p(weekly / current) / 7, math.log(target / current)
    else:
        per_day, ahead = weekly / 7, target - current
    if per_day <= 0:  # growing, by too little to count (under a float's least): beyond
        return Arrival(None, True)
    days = ahead / per_day
    if not math.isfinite(days) or at + timedelta(days=min(days, 1e6)) > now + HORIZON:
        return Arrival(None, True)
    return Arrival(max(at + timedelta(days=days), now), False)
