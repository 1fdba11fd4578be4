"""Whether follower growth has slowed, and whether followers fell: one rule each, in one
place, that every reply reads (the tips' ``growth_slowing`` and ``followers_falling`` facts
and /why, /goal, /stats). Kept apart from :mod:`bot.domain.facts`
so /stats reads it without importing the fact code (``tests/unit/test_fast_start.py``)."""

from __future__ import annotations

import math
from datetime import datetime, tzinfo
from decimal import Decimal
from statistics import median
from typing import Final, NamedTuple

from bot.domain import numbers
from bot.domain.daily import days_between, wall_time
from bot.domain.metrics import (
    Growth,
    MetricSnapshot,
    WeekWalk,
    corrected_snapshots,
    counted_on,
    placed_at,
    rate_digits,
    typed_by_creator,
    within_rounding,
)

#: A week-long step that starts from fewer followers than this gives no pace to the slowing
#: rule (as a step from 0 gives none): from a small base a steady gain is a falling percent
#: (20 → 40 → 60 followers, +20 every week, is +100% then +50% a week), which the rule would
#: read as "slowed" while the creator gains just what they gained before. Such an earlier
#: step is left out of the median; a latest week from under it is not judged (a fall in it
#: is still said: :func:`said_of_latest_week`).
MIN_BASE_FOLLOWERS: Final = 100
#: The most days "the latest week" may span and still be judged as a week: a longer span is
#: a gap in the logs (the latest log a month after the one before), not a week, and its pace
#: a week says nothing of how the latest week went. Such a span is neither called slowed nor
#: "fell in the latest week" (the tips still quote the change with its days:
#: :func:`latest_change`).
MAX_WEEK_DAYS: Final = 14.0


class Weeks(NamedTuple):
    """Follower growth a week (as ratios) over week-long windows of the corrected series,
    walking back from the latest day (:func:`weeks`): what the slowing rule compares."""

    #: The latest week's growth: from the series' value a week before the latest day (or the
    #: nearest day before that) to the latest value; None without such a day, or from 0.
    latest: float | None
    #: The paces of the week-long steps before that window, newest first (never a day's
    #: change): the :data:`~bot.domain.metrics.EARLIER_WEEKS` steps before it at most (a step
    #: from 0 is one of them, with no pace).
    earlier: list[float]
    #: The latest week's window as a change in followers and the days it spans (0 inside
    #: the rounding of a typed value, as :attr:`latest`); None without a day a week or more
    #: before the latest.
    window: tuple[float, float] | None = None
    #: The followers the latest week's window starts from; None without it.
    base: float | None = None
    #: The followers gained a week in each step of :attr:`earlier`, in its order.
    gains: tuple[float, ...] = ()

    @property
    def is_week(self) -> bool:
        """The latest week's window spans :data:`MAX_WEEK_DAYS` or fewer: a week, not a
        gap in the logs."""
        return self.window is not None and self.window[1] <= MAX_WEEK_DAYS

    @property
    def judged(self) -> bool:
        """The slowing rule judges the latest week: a week (:attr:`is_week`) from
        :data:`MIN_BASE_FOLLOWERS` or more, with a pace (:attr:`latest`)."""
        return (self.latest is not None and self.is_week and self.base is not None
                and self.base >= MIN_BASE_FOLLOWERS)


def weeks(history: list[MetricSnapshot], zone: tzinfo) -> Weeks:
    """The week-long windows of the followers' corrected series
    (:func:`~bot.domain.metrics.corrected_series`, the one ``/goal`` fits: one value a day of
    the creator's, a later log on the same day replacing an earlier one), each as a growth
    ratio a week. "The latest week" runs from the series' point a week (:data:`MIN_PACE_DAYS`
    of the creator's days in ``zone``: days apart on their calendar, so a weekly log an hour
    earlier than the one before still closes a week; each pace divided by the days on their
    wall clock) before the latest one, or the nearest point
    before that, to the latest; each earlier step runs the same way from the point a week or
    more before its end to that end, walking back from the latest week's start, for
    :data:`~bot.domain.metrics.EARLIER_WEEKS` steps at most (where each starts:
    :class:`~bot.domain.metrics.WeekWalk`, the one rule /stats' read goes back by too), so
    the latest week is compared with recent weeks, never with a pace of a year ago. So a creator
    who logs every day (or imports TikTok Studio's daily rows) and one who logs once a week
    get the same weeks, and a week's pace is never a day's (or a few days') change scaled up
    (a gap of more than a week in the logs is one longer step, as a pace a week; a latest
    week longer than :data:`MAX_WEEK_DAYS` is not judged, :attr:`Weeks.judged`). An earlier
    step from fewer than :data:`MIN_BASE_FOLLOWERS` followers adds no pace. The
    latest week's change is 0 inside the rounding of a typed value
    (:func:`~bot.domain.metrics.within_rounding`, as /stats says "about the same"). One
    backward pass over the series (each step starts where the one after it begins), which
    stops at the last step's start.

    The one place the windows are decided; :func:`paces`, the tips' facts and every reply
    read it."""
    series = corrected_snapshots(history, "followers", zone=zone)
    latest: float | None = None
    window: tuple[float, float] | None = None
    earlier: list[float] = []
    gains: list[float] = []
    base: float | None = None
    walk = WeekWalk()  # where each step starts (the one rule, read by /stats' read too)
    end = len(series) - 1
    end_time: datetime | None = None
    for start in range(end, -1, -1):
        # each point on the creator's calendar: a window is a week when its days are a week
        # apart (a weekly log an hour earlier than the last, 6.96 days on the clock, is still
        # a week: it took in the log before and read two weeks as the latest)
        if not walk.starts(counted_on(series[start][0], zone).toordinal()):
            continue
        (first, before), (last, after) = series[start], series[end]
        # its pace by the clock's days: each point on the creator's wall clock (a row dated
        # by day alone at noon of its day in ``zone``, placed_at), measured as wall_days does
        start_time = wall_time(placed_at(first, zone), zone)
        if end_time is None:
            end_time = wall_time(placed_at(last, zone), zone)
        days = days_between(start_time, end_time)
        if walk.steps == 1:
            rounded = within_rounding(before, after, before_typed=typed_by_creator(first),
                                      after_typed=typed_by_creator(last))
            window = (0.0 if rounded else after - before, days)
            base = before
            if before:
                latest = window[0] / before / days * 7
        elif before >= MIN_BASE_FOLLOWERS:  # (from under it, no pace: MIN_BASE_FOLLOWERS)
            earlier.append((after - before) / before / days * 7)
            gains.append((after - before) / days * 7)
        if walk.done:
            break
        end, end_time = start, start_time
    return Weeks(latest, earlier, window, base, tuple(gains))


class Slowdown(NamedTuple):
    """Follower growth slowed (:func:`is_slowing`): the two paces the rule compared; or, from
    :func:`said_of_latest_week` only, a fall in the latest week with no earlier pace."""

    #: The latest week's growth (a ratio a week): :attr:`Weeks.latest`.
    latest: float
    #: The median weekly growth of the (up to :data:`~bot.domain.metrics.EARLIER_WEEKS`)
    #: weeks before it (never "the week before" alone); None for a
    #: fall with no earlier pace it is slower than (:func:`said_of_latest_week`).
    earlier: float | None
    #: The followers gained a week in the latest week (negative: lost): the pace /goal's
    #: date at the slowed week's pace goes on by when the projection is linear.
    gain: float = 0.0

    @property
    def falling(self) -> bool:
        """Followers fell in the latest week: slowed, and every reader says it as a fall (the
        same week :func:`latest_change` decides a fall on, so never a fall here and growth
        there)."""
        return self.latest < 0


class Change(NamedTuple):
    """The change in followers a fall is decided on (:func:`latest_change`)."""

    #: Followers gained (negative: lost) over the span; 0 inside the rounding of a typed value.
    delta: float
    #: The days it spans, on the creator's wall clock.
    days: float
    #: The span is the latest week (:attr:`Weeks.window`); else the change since the previous
    #: snapshot a day or more before the latest, with less than a week of them: never to be
    #: called "the latest week".
    week: bool

    @property
    def falling(self) -> bool:
        return self.delta < 0


def latest_change(found: Weeks, pair: Growth | None) -> Change | None:
    """Whether followers fell, and by how much over which span: the one place that decides
    it for the tips (``followers_falling``, ``follower_change``) and the replies (/stats,
    /goal). The latest week's window (``found``, :func:`weeks`) when the series reaches a
    week back, so a creator who logs daily is judged on the week every reply quotes, never
    on the day's change; with less than a week, the change since the previous snapshot a day
    or more before (``pair``: ``growth(history, "followers", zone=zone)``), said with its
    span. None when neither is known."""
    if found.window is not None:
        return Change(*found.window, week=True)
    if pair is None:
        return None
    return Change(pair.delta, pair.days, week=False)


class Paces(NamedTuple):
    """The follower paces the slowing rule compares (:func:`paces`)."""

    #: The latest week's growth, a ratio a week (:attr:`Weeks.latest`).
    latest: float
    #: The median of the earlier steps' ratios a week (:attr:`Weeks.earlier`).
    earlier: float
    #: The followers gained a week in the latest week (negative: lost).
    latest_gain: float
    #: The median of the earlier steps' followers gained a week (:attr:`Weeks.gains`).
    earlier_gain: float


def paces(found: Weeks) -> Paces | None:
    """The follower paces the slowing rule compares: the latest week's and the median of the
    (up to :data:`~bot.domain.metrics.EARLIER_WEEKS`) week-long steps before it
    (:func:`weeks`), as ratios and as followers a week; None without a latest week the rule
    judges (:attr:`Weeks.judged`: a week, not a gap, from :data:`MIN_BASE_FOLLOWERS` or
    more) or an earlier step from :data:`MIN_BASE_FOLLOWERS` or more."""
    if not found.judged or not found.earlier:
        return None
    assert found.latest is not None and found.window is not None  # (judged)
    delta, days = found.window
    return Paces(found.latest, median(found.earlier), delta / days * 7, median(found.gains))


def is_slowing(found: Paces) -> bool:
    """Whether follower growth has slowed: the latest week under half the earlier pace (the
    median of the :data:`~bot.domain.metrics.EARLIER_WEEKS` weeks before it at most), which
    was more than 0.5% a week, AND fewer followers gained in it than in the earlier weeks
    (the median of their gains a week). A steady gain is never slowed: the same +N
    followers a week is a falling percent as the base grows (100 → 200 → 300 → 400 is
    +100%, +50%, +33% a week), but a creator gaining what they always gained has not
    slowed, and "your growth has slowed" would read as a fault. The percent still decides
    the size of the slowdown (a big account's +N a week is a smaller share each week, and
    "under half" is of the percent). A fall is slowed too (:attr:`Slowdown.falling`): never
    better than a flat week. The one rule the tips (``growth_slowing``), /why, /goal and
    /stats read."""
    return (found.earlier > 0.005 and found.latest < found.earlier * 0.5
            and found.latest_gain < found.earlier_gain)


def slowdown(history: list[MetricSnapshot], zone: tzinfo) -> Slowdown | None:
    """The latest and earlier weekly follower growth when growth has slowed by
    :func:`is_slowing` over ``history`` (oldest first), as the tips decide it; else None."""
    found = paces(weeks(history, zone))
    if found is None or not is_slowing(found):
        return None
    return Slowdown(found.latest, found.earlier, found.latest_gain)


def said_of_latest_week(history: list[MetricSnapshot], zone: tzinfo) -> Slowdown | None:
    """What /stats and /goal say of the latest week: :func:`slowdown` when growth slowed,
    else a fall in it with no earlier pace it is slower than (under two weeks of logs, or
    flat weeks before it: :attr:`Slowdown.earlier` None), so a week the tips call a fall
    (:func:`latest_change`) is one they call a fall too; None otherwise (a latest window
    longer than :data:`MAX_WEEK_DAYS` is a gap, never "the latest week")."""
    found = weeks(history, zone)
    pair = paces(found)
    if pair is not None and is_slowing(pair):
        return Slowdown(pair.latest, pair.earlier, pair.latest_gain)
    if found.latest is not None and found.latest < 0 and found.is_week:
        assert found.window is not None  # (is_week)
        return Slowdown(found.latest, None, found.window[0] / found.window[1] * 7)
    return None


def slowdown_ratio(latest: float, earlier: float) -> float:
    """The latest week's pace ÷ the earlier weeks', of the two as the reply shows them
    (:func:`pace_shown`'s digits), in decimal: the one figure the word for the fall is picked
    from (:func:`bot.domain.facts.slowdown_sentence`), so "+2.4% against a median of 6%" is
    0.4, halved, never "about a third" from the unrounded 0.39. ``earlier`` > 0."""
    if not (math.isfinite(latest) and math.isfinite(earlier)) or max(
            abs(latest), earlier) >= 1e12:  # (no digits to round: as it is)
        return latest / earlier
    digits = rate_digits("latest_growth_rate_week") + 2  # (a fraction: the percent's digits)
    low, high = numbers.rounded(latest, digits), numbers.rounded(earlier, digits)
    if high <= 0:  # shown as 0%: the unrounded ratio (no figure to read a fall from)
        return latest / earlier
    return float(Decimal(low) / Decimal(high))


def pace_shown(value: float) -> str:
    """A weekly growth ratio of :class:`Slowdown` as every reply shows it: as
    :func:`bot.domain.facts.format_fact` writes ``latest_growth_rate_week`` and
    ``earlier_growth_rate_week`` (/why), with the minus sign of a fall ("−0.9%")."""
    digits = rate_digits("latest_growth_rate_week")
    if value < 0:
        return numbers.signed(value, numbers.pct(-value, digits)).removeprefix("+")
    return numbers.pct(value, digits)


