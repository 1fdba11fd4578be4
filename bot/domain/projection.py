"""When will a creator reach a target? A robust trend over recent history, not the last two points.

The trend is a Theil–Sen fit (the median of all pairwise slopes), which one viral week or one
typo cannot drag around. It is fitted twice, on the values (linear growth) and on their
logarithms (compound growth), and the model with the smaller median absolute residual is used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

#: History used for the trend: the most recent weeks only (growth changes over a year).
WINDOW = timedelta(weeks=12)
#: Beyond this a projected date means "not at this pace" rather than a date to plan around.
HORIZON = timedelta(days=5 * 365)
DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class Trend:
    model: str  # "linear" | "exponential" | "flat"
    slope_per_day: float  # value per day (linear) or log-growth per day (exponential)
    intercept: float  # at t = 0 (the first point of the window), in model space
    origin: datetime
    points: int

    def value_at(self, when: datetime) -> float:
        t = (when - self.origin).total_seconds() / DAY
        y = self.intercept + self.slope_per_day * t
        if self.model == "exponential":
            return math.exp(min(y, 700.0))
        return y

    def weekly_growth(self, now: datetime) -> float:
        """Absolute change per week at ``now``."""
        return self.value_at(now + timedelta(days=7)) - self.value_at(now)


@dataclass(frozen=True, slots=True)
class Projection:
    trend: Trend | None
    current: float
    target: float
    reached: bool
    eta: datetime | None  # None: not at this pace (flat, declining, or beyond the horizon)
    weekly_growth: float | None

    def needed_per_week(self, by: datetime, now: datetime) -> float | None:
        """Steady weekly growth needed to hit the target by ``by``."""
        weeks = (by - now).total_seconds() / (7 * DAY)
        if self.reached:
            return 0.0
        if weeks <= 0:
            return None
        return (self.target - self.current) / weeks


def theil_sen(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Median pairwise slope and the median intercept for it."""
    slopes = [
        (ys[j] - ys[i]) / (xs[j] - xs[i])
        for i in range(len(xs))
        for j in range(i + 1, len(xs))
        if xs[j] != xs[i]
    ]
    slope = median(slopes) if slopes else 0.0
    intercept = median(y - slope * x for x, y in zip(xs, ys, strict=True))
    return slope, intercept


def fit(points: list[tuple[datetime, float]], now: datetime | None = None) -> Trend | None:
    """The trend of ``points`` (time, value) over the last :data:`WINDOW`; None if < 2 points."""
    if not points:
        return None
    points = sorted(points)
    end = now or points[-1][0]
    recent = [(t, v) for t, v in points if t >= end - WINDOW]
    if len(recent) < 2:
        recent = points[-2:]
    if len(recent) < 2 or recent[-1][0] == recent[0][0]:
        return None
    origin = recent[0][0]
    xs = [(t - origin).total_seconds() / DAY for t, _ in recent]
    ys = [v for _, v in recent]
    slope, intercept = theil_sen(xs, ys)
    best = Trend("linear", slope, intercept, origin, len(recent))
    best_err = median(abs(y - best.intercept - best.slope_per_day * x) for x, y in zip(xs, ys,
                                                                                        strict=True))
    if all(y > 0 for y in ys):
        logs = [math.log(y) for y in ys]
        ls, li = theil_sen(xs, logs)
        exp = Trend("exponential", ls, li, origin, len(recent))
        exp_err = median(abs(y - exp.value_at(origin + timedelta(days=x)))
                         for x, y in zip(xs, ys, strict=True))
        if exp_err < best_err * 0.9:  # prefer the simpler model unless clearly better
            best = exp
    scale = max(abs(y) for y in ys) or 1.0
    if abs(best.weekly_growth(recent[-1][0])) < 1e-9 * scale:
        return Trend("flat", 0.0, median(ys), origin, len(recent))
    return best


def project(points: list[tuple[datetime, float]], target: float, now: datetime) -> Projection:
    """When ``target`` is reached at the current trend."""
    current = sorted(points)[-1][1] if points else 0.0
    trend = fit(points, now)
    if current >= target:
        return Projection(trend, current, target, True, None,
                          None if trend is None else trend.weekly_growth(now))
    if trend is None or trend.model == "flat" or trend.weekly_growth(now) <= 0:
        return Projection(trend, current, target, False, None,
                          None if trend is None else trend.weekly_growth(now))
    eta = _solve(trend, target, now)
    return Projection(trend, current, target, False, eta, trend.weekly_growth(now))


def _solve(trend: Trend, target: float, now: datetime) -> datetime | None:
    """First time after ``now`` the trend reaches ``target`` (None beyond the horizon)."""
    if trend.model == "linear":
        t = (target - trend.intercept) / trend.slope_per_day
    else:
        t = (math.log(target) - trend.intercept) / trend.slope_per_day
    horizon_days = (now + HORIZON - trend.origin).total_seconds() / DAY
    if not math.isfinite(t) or t > horizon_days:
        return None
    return max(trend.origin + timedelta(days=t), now)
