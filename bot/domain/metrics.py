"""Creator metrics: the one place that defines each metric, its unit and bounds, and the KPIs.

Everything here is pure: values in, values out. The store persists :class:`MetricSnapshot`
fields by the names in :data:`METRICS`; the command registry derives `/log` arguments from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time, tzinfo
from enum import StrEnum
from typing import Any, Final, TypeVar

from bot.domain.daily import dated_by_day, snapshot_day, wall_days
from bot.i18n import N_
from bot.i18n import gettext as _

_T = TypeVar("_T")


class Kind(StrEnum):
    """How a metric is typed by a creator and how it is shown back."""

    COUNT = "count"  # whole number, accepts 12k / 1.2M / 12,000
    RATE = "rate"  # fraction 0..1, typed as 4.5% or 0.045
    SECONDS = "seconds"  # duration, typed as 45, 45s, 1:05 or 2m
    NUMBER = "number"  # decimal, e.g. videos per week


@dataclass(frozen=True, slots=True)
class MetricDef:
    name: str
    kind: Kind
    label: str
    unit: str
    help: str
    example: str
    minimum: float = 0.0
    maximum: float = 1e12
    aliases: tuple[str, ...] = ()


#: Period, in days, that `views`, `likes`, `comments`, `shares` and `saves` cover.
PERIOD_DAYS: Final = 30

# Bounds are "absurd beyond this" guards, not targets: the largest TikTok account has
# under 200M followers, so 5e9 followers (more than humans online) is refused.
METRICS: Final[tuple[MetricDef, ...]] = (
    MetricDef("followers", Kind.COUNT, "Followers", "followers",
              "Followers right now.", "followers=12k", maximum=5e9, aliases=("f", "fans")),
    MetricDef("views", Kind.COUNT, "Views (30 days)", "views",
              "Video views in the last 30 days (TikTok Studio, Overview).", "views=40k",
              maximum=1e12, aliases=("v", "views30")),
    MetricDef("avg_views", Kind.COUNT, "Average views per video", "views",
              "Average views per video over your recent posts.", "avg_views=3.5k",
              maximum=1e11, aliases=("avgviews", "views_per_video")),
    MetricDef("likes", Kind.COUNT, "Likes (30 days)", "likes",
              "Likes on your videos in the last 30 days.", "likes=4k", maximum=1e12),
    MetricDef("comments", Kind.COUNT, "Comments (30 days)", "comments",
              "Comments on your videos in the last 30 days.", "comments=300", maximum=1e11),
    MetricDef("shares", Kind.COUNT, "Shares (30 days)", "shares",
              "Shares of your videos in the last 30 days.", "shares=150", maximum=1e11),
    MetricDef("saves", Kind.COUNT, "Saves (30 days)", "saves",
              "Saves (favourites) of your videos in the last 30 days.", "saves=200",
              maximum=1e11, aliases=("favorites", "favourites")),
    MetricDef("videos_per_week", Kind.NUMBER, "Videos per week", "videos/week",
              "How many videos you post in a typical week.", "videos_per_week=4",
              maximum=700, aliases=("posts_per_week", "vpw")),
    MetricDef("avg_watch_time", Kind.SECONDS, "Average watch time", "s",
              "Average watch time per view.", "avg_watch_time=12s", maximum=36_000,
              aliases=("watch_time",)),
    MetricDef("completion_rate", Kind.RATE, "Completion rate", "%",
              "Share of views that watch to the end.", "completion_rate=35%", maximum=1.0,
              aliases=("completion",)),
    MetricDef("avg_video_length", Kind.SECONDS, "Average video length", "s",
              "Typical length of your videos.", "avg_video_length=1:10", maximum=36_000,
              aliases=("video_length", "length")),
    MetricDef("live_hours", Kind.NUMBER, "LIVE hours per week", "h/week",
              "Hours you stream LIVE in a typical week.", "live_hours=3", maximum=168,
              aliases=("live",)),
    MetricDef("live_viewers", Kind.COUNT, "Average LIVE viewers", "viewers",
              "Average concurrent viewers during your LIVEs.", "live_viewers=80",
              maximum=1e8),
    MetricDef("diamonds", Kind.COUNT, "Diamonds (30 days)", "diamonds",
              "LIVE gift diamonds received in the last 30 days.", "diamonds=20k",
              maximum=1e12),
)

METRIC_BY_NAME: Final[dict[str, MetricDef]] = {m.name: m for m in METRICS}
METRIC_NAMES: Final[tuple[str, ...]] = tuple(m.name for m in METRICS)


@dataclass(frozen=True, slots=True)
class MetricSnapshot:
    """Metrics at one moment. ``None`` means "not known".

    ``given`` names the fields the creator typed in this snapshot; the others were carried
    forward from the previous snapshot so the latest row is always the whole picture.
    """

    taken_at: datetime
    followers: float | None = None
    views: float | None = None
    avg_views: float | None = None
    likes: float | None = None
    comments: float | None = None
    shares: float | None = None
    saves: float | None = None
    videos_per_week: float | None = None
    avg_watch_time: float | None = None
    completion_rate: float | None = None
    avg_video_length: float | None = None
    live_hours: float | None = None
    live_viewers: float | None = None
    diamonds: float | None = None
    given: frozenset[str] = field(default_factory=frozenset)
    #: Where the stored row came from: "log" (typed), "import" (a file) or "sync" (TikTok);
    #: None for a snapshot not read from the store (a what-if, a row being imported).
    source: str | None = field(default=None, compare=False)
    #: The creator's day the stored row is on (the stores' ``day`` column:
    #: :func:`~bot.domain.daily.snapshot_day` in their /settings time zone, moved when it
    #: changes); None for a snapshot not read from the store (a what-if, a row being
    #: imported, one built in a test): :func:`same_window` pairs 30-day totals given on one
    #: day (:func:`one_window`).
    day: date | None = field(default=None, compare=False)

    def values(self) -> dict[str, float | None]:
        return {name: getattr(self, name) for name in METRIC_NAMES}

    def known(self) -> dict[str, float]:
        return {name: v for name in METRIC_NAMES if (v := getattr(self, name)) is not None}

    def given_values(self) -> dict[str, float]:
        """The values this snapshot's source gave (:attr:`given`), by metric name; the rest
        were carried forward."""
        return {name: v for name in self.given if (v := getattr(self, name, None)) is not None}

    def is_empty(self) -> bool:
        return not self.known()

    def merged(self, changes: dict[str, float], taken_at: datetime) -> MetricSnapshot:
        """A new snapshot: this one's values, overridden by ``changes`` (a partial update)."""
        unknown = set(changes) - set(METRIC_NAMES)
        if unknown:
            raise ValueError(f"unknown metrics: {sorted(unknown)}")
        return replace(self, taken_at=taken_at, given=frozenset(changes), source=None,
                       day=None, **changes)

    @classmethod
    def empty(cls, taken_at: datetime) -> MetricSnapshot:
        return cls(taken_at=taken_at)


assert {f.name for f in fields(MetricSnapshot)} - {"taken_at", "given", "source", "day"} \
    == set(METRIC_NAMES)


@dataclass(frozen=True, slots=True)
class Growth:
    """Change of one metric between two snapshots where it was typed."""

    metric: str
    previous: float
    current: float
    days: float
    since: datetime | None = None  # when the earlier value was logged
    #: Where the earlier value came from (:attr:`MetricSnapshot.source`): growth lines name it
    #: ("since your import of …", never "your log" for a file's row).
    since_source: str | None = None
    #: The two values differ by no more than the rounding of a typed one (:func:`within_rounding`:
    #: a typed "36k" after a file's 36,441): no change is known, so :attr:`delta` is 0.
    rounded: bool = False

    @property
    def delta(self) -> float:
        """The change, ``current - previous``; 0 when :attr:`rounded` (inside the rounding of
        a typed value, the change is not known: never a fall or a rise)."""
        return 0.0 if self.rounded else self.current - self.previous

    @property
    def ratio(self) -> float | None:
        return self.delta / self.previous if self.previous else None

    @property
    def per_week(self) -> float | None:
        """The change a week (:func:`weekly_pace`): None over fewer than
        :data:`MIN_PACE_DAYS` days, whose change is quoted with its days instead."""
        return weekly_pace(self.delta, self.days)


@dataclass(frozen=True, slots=True)
class Kpis:
    """Derived numbers. ``None`` whenever an input is missing or a divisor is zero."""

    engagement_rate_views: float | None
    engagement_rate_followers: float | None
    likes_per_view: float | None
    comments_per_view: float | None
    shares_per_view: float | None
    saves_per_view: float | None
    videos_in_period: float | None
    follower_growth: Growth | None


def _div(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b <= 0:
        return None
    return a / b


#: Decimals of a percentage for the rates that need more than one: the small per-view rates
#: (under 1% for most creators) and engagement by followers, where one decimal would show
#: 0.15% as 0.2%. Read by :func:`rate_digits`, so /stats and advice show a rate alike (here,
#: not in :mod:`bot.domain.facts`, which has it too: /stats imports no fact code).
RATE_DIGITS: Final = {"engagement_rate_followers": 2, "comments_per_view": 2,
                      "shares_per_view": 2, "saves_per_view": 2}


def rate_digits(name: str) -> int:
    """The decimals rate fact ``name`` is shown with wherever it is shown (1 unless
    :data:`RATE_DIGITS` says more)."""
    return RATE_DIGITS.get(name, 1)


#: Engagement by views cannot pass this (likes + comments + shares above views): a rate above
#: it, saved with "Save anyway" or read from a file, is shown as unknown, never as 100000%.
MAX_ENGAGEMENT: Final = 1.0


def engagement_by_views(interactions: float | None, views: float | None) -> float | None:
    """Engagement rate by views, ``interactions / views`` (a fraction, 0–1); None when either
    is unknown, views are 0, or the rate is above :data:`MAX_ENGAGEMENT` (not possible)."""
    rate = _div(interactions, views)
    return None if rate is None or rate > MAX_ENGAGEMENT else rate


def interactions(s: MetricSnapshot) -> float | None:
    """Likes + comments + shares: the by-views engagement numerator (saves excluded)."""
    return _interactions(s.likes, s.comments, s.shares)


def _interactions(likes: float | None, comments: float | None,
                  shares: float | None) -> float | None:
    """:func:`interactions` of these three totals (None without likes)."""
    if likes is None:
        return None
    if comments is not None and shares is not None:
        return sum((likes, comments, shares))
    return sum(p for p in (likes, comments, shares) if p is not None)


def videos_in_period(s: MetricSnapshot) -> float | None:
    """Videos posted in the 30-day period: from posting frequency, else views / avg views (0
    views: 0 videos; average views of 0 divide nothing: None)."""
    if s.videos_per_week is not None:
        return s.videos_per_week * PERIOD_DAYS / 7
    if s.views is not None and s.avg_views is not None and s.avg_views > 0:
        return s.views / s.avg_views
    return None


def views_in_period(s: MetricSnapshot) -> float | None:
    """30-day views: as typed, else derived as average views × videos in the period (the one
    place that decides which views engagement and the estimator use)."""
    if s.views is not None:
        return s.views
    vids = videos_in_period(s)
    if s.avg_views is not None and vids is not None:
        return s.avg_views * vids
    return None


#: The shortest span a change may be measured over: two logs less than a day apart are a
#: correction, not growth, and give no "since your previous log", pace or projection.
MIN_SPAN_DAYS: Final = 1.0
#: The shortest span a pace *a week* may be read from: a week. A change over fewer days
#: (3.2 days of an import and a /log) is quoted with its days ("−1.4k in 3.2 days"), never
#: scaled up to a week; /stats, the tips' facts and /goal (its trend's pace and what a
#: deadline needs) all ask :func:`weekly_pace`.
MIN_PACE_DAYS: Final = 7.0


def counted_on(s: MetricSnapshot, zone: tzinfo = UTC) -> date:
    """The creator's day ``s`` counts on, the one day a snapshot is ordered and grouped by:
    the stores' (:attr:`MetricSnapshot.day`, in their /settings time zone, by which they
    order it and /stats, /goal and the tips read it), or for a snapshot not read from a store
    its :func:`~bot.domain.daily.snapshot_day` in ``zone`` (UTC unless given). Never a row's
    written date where it counts on another day (a row dated by day alone imported before
    its date began where the creator is now: :func:`~bot.domain.daily.counted_day`)."""
    return s.day if s.day is not None else snapshot_day(s.taken_at, zone)


def as_of(latest: MetricSnapshot, today: date) -> date:
    """The day the numbers of ``latest`` (the creator's latest snapshot) are as of, as
    /stats' "as of" and /mediakit's "numbers as of" say it: the day it counts on
    (:func:`counted_on`, the stores' order), never after ``today`` (the creator's). A row
    dated by day alone imported where its date had begun, read after a move west where it
    has not, is as of the day it was imported on there, not its file's date: that is
    tomorrow."""
    return min(counted_on(latest), today)


def days_apart(earlier: MetricSnapshot, later: MetricSnapshot,
               zone: tzinfo) -> float | None:
    """How many days ``later`` is after ``earlier``, for a change measured between them; None
    when they are on one day of the creator's (:func:`counted_on`), or ``later`` is on an
    earlier one: a change within a day is a correction, never growth. Between two
    snapshots with a time of day, the time between them on the creator's wall clock
    (:func:`~bot.domain.daily.wall_days` in ``zone``, their time zone: 09:00 on two Mondays
    is a week across a change of the clocks); with one dated by day alone, which
    has no moment (its stored noon UTC is the next day's small hours east of UTC+12), the
    creator's days between them. The one measure /stats' and /log's growth
    (:func:`growth`), how far back a read reaches for it (:func:`reach_back`), the weekly
    digest's "since last week" and /log's "less than a day ago" read."""
    first, last = counted_on(earlier), counted_on(later)
    if last <= first:
        return None
    if dated_by_day(earlier.taken_at) or dated_by_day(later.taken_at):
        return float((last - first).days)
    return wall_days(earlier.taken_at, later.taken_at, zone)


def placed_at(s: MetricSnapshot, zone: tzinfo) -> datetime:
    """Where ``s`` stands in time for a trend fitted over snapshots (``/goal``, the tips'
    trend facts): its moment, or for a snapshot dated by day alone noon of the creator's day
    it counts on (:func:`counted_on`; ``zone``: their time zone), never its stored noon UTC
    (the next day's small hours east of UTC+12), nor a day after the one it was imported
    on."""
    if dated_by_day(s.taken_at):
        return datetime.combine(counted_on(s), time(12), tzinfo=zone)
    return s.taken_at


def typed_points(history: Sequence[MetricSnapshot], metric: str,
                 zone: tzinfo) -> list[tuple[datetime, float]]:
    """``metric``'s values as typed (or imported), ``(time, value)`` in ``history``'s order,
    each at :func:`placed_at` (in ``zone``), which is on the day it counts on: the points a
    trend is fitted on (one a day by that day, :func:`~bot.domain.projection.one_per_day`,
    as :func:`one_a_day` takes them)."""
    return [(placed_at(s, zone), float(v)) for s in history
            if metric in s.given and (v := getattr(s, metric)) is not None]


def days_since(s: MetricSnapshot, now: datetime, zone: tzinfo) -> float:
    """How many days have passed since ``s`` at ``now`` (never below 0): the time since it
    on the creator's wall clock, or for a snapshot dated by day alone the creator's days
    since the day it counts on (``zone``: their time zone), as :func:`days_apart` measures."""
    if dated_by_day(s.taken_at):
        return max(0.0, float((now.astimezone(zone).date() - counted_on(s)).days))
    return max(0.0, wall_days(s.taken_at, now, zone))


def span_of_growth(earlier: MetricSnapshot, later: MetricSnapshot,
                   zone: tzinfo) -> float | None:
    """:func:`days_apart` (in ``zone``, the creator's time zone) when a change may be
    measured over it (:data:`MIN_SPAN_DAYS` or more), else None."""
    days = days_apart(earlier, later, zone)
    return days if days is not None and days >= MIN_SPAN_DAYS else None


def has_weekly_pace(days: float) -> bool:
    """Whether a change over ``days`` days (a span of snapshots, or the days left to a
    deadline) may be quoted as a pace a week: :data:`MIN_PACE_DAYS` or more. The one rule
    every reply that quotes a pace a week reads (/stats, tips, /goal)."""
    return days >= MIN_PACE_DAYS


def weekly_pace(change: float, days: float) -> float | None:
    """``change`` (in the metric's unit) over ``days`` days as a change a week, or None when
    :func:`has_weekly_pace` says no (a few days' change is not a weekly pace)."""
    return change / days * 7 if has_weekly_pace(days) else None


#: How many week-long steps before the latest week the slowing rule compares it with (the
#: median of their paces: :func:`bot.domain.slowing.weeks`), walking back from the latest
#: week's start: "growth slowed" is news about the recent weeks, never about a pace a year
#: ago (a creator who grew 5% a week in year one and 1% since is not "slowed" all of year
#: two). /stats reads the history back to the last of these steps' start, and no further
#: (:attr:`HistoryReach.STATS`).
EARLIER_WEEKS: Final = 8


class WeekWalk:
    """The week-long steps of the followers' series, walked back from its latest point: the
    one place that decides where each starts, read by the slowing rule
    (:func:`bot.domain.slowing.weeks`) and by how far back /stats reads for it
    (:func:`reach_back`, without the creator's time zone). Given the points' days newest
    first (:meth:`starts`, each the creator's day as an ordinal, :func:`counted_on`), the
    first is the latest point; a step from an end day E starts at the next point whose day is
    a week or more before E (:func:`has_weekly_pace`), and the step before it ends there. The
    walk is over (:attr:`done`) after the latest week and :data:`EARLIER_WEEKS` steps before
    it. A step whose start value is 0 is a step all the same (it adds no pace).

    The points may be the series' own (one a day, :func:`one_a_day`) or every snapshot that
    typed followers in the store's order, newest first: the first of a day met that way is the
    day's last, the one :func:`one_a_day` keeps, and the others of its day are never a start
    (under a week before the step's end, or after a start on their own day)."""

    __slots__ = ("_end", "steps")

    def __init__(self) -> None:
        self._end: int | None = None
        #: The steps started so far: 1 is the latest week's.
        self.steps = 0

    def starts(self, day: int) -> bool:
        """Whether the next point, newest first, on ``day`` starts a step (the latest week's
        first); False for the latest point itself and for any point after the walk is
        :attr:`done`."""
        if self._end is None:
            self._end = day
            return False
        if self.done or not has_weekly_pace(self._end - day):
            return False
        self._end = day
        self.steps += 1
        return True

    @property
    def done(self) -> bool:
        """The latest week and the :data:`EARLIER_WEEKS` steps before it have started."""
        return self.steps > EARLIER_WEEKS


def one_a_day(items: Iterable[tuple[MetricSnapshot, _T]],
              zone: tzinfo) -> list[tuple[MetricSnapshot, _T]]:
    """The last of ``items`` (``(snapshot, anything)`` in the store's order, oldest first) on
    each day of the creator's (:func:`counted_on` in ``zone``, their time zone), in day order:
    a later snapshot of the day corrects an earlier one. The one rule every series of one
    point a day reads (:func:`corrected_series`, /progress' charts, /goal's fit, the tips'
    trends), so they agree with /stats on which is the latest."""
    by_day: dict[date, tuple[MetricSnapshot, _T]] = {}
    for item in items:
        by_day[counted_on(item[0], zone)] = item
    return [by_day[d] for d in sorted(by_day)]


def corrected_series(history: Sequence[MetricSnapshot], metric: str, *,
                     zone: tzinfo, placed: bool = False) -> list[tuple[datetime, float]]:
    """``metric``'s values as typed (or imported), ``(time, value)`` oldest first, one a day
    of the creator's (:func:`one_a_day`: the day each counts on, as the stores keep it, in
    ``zone``, their time zone): a later snapshot on the same day corrects an earlier one, so
    the earlier is dropped (a same-day correction is not a trend). ``history`` is oldest
    first, in the store's order. ``/goal``'s fit and the trend facts behind tips read this
    series, and /progress draws it. Each at its stored moment, or ``placed`` where a change
    is measured between them (a trend's pace: :func:`placed_at`, as ``/goal`` fits them)."""
    return [(placed_at(s, zone) if placed else s.taken_at, v)
            for s, v in corrected_snapshots(history, metric, zone=zone)]


def corrected_snapshots(history: Sequence[MetricSnapshot], metric: str, *,
                        zone: tzinfo) -> list[tuple[MetricSnapshot, float]]:
    """The snapshots behind :func:`corrected_series` (one a day of the creator's, the day's
    last), each with its value of ``metric``: for a reader that needs more of a point than its
    time and value (whether it was typed, :func:`within_rounding`)."""
    typed = [(s, float(v)) for s in history
             if metric in s.given and (v := getattr(s, metric)) is not None]
    return one_a_day(typed, zone)


#: A typed count of this much or more may be rounded ("36k", "1.2M"); a smaller one is
#: written out in full (nobody types "0.8k"), so it is taken as exact.
ROUNDED_FROM: Final = 1_000.0


def typed_rounding(value: float, *, typed: bool = True) -> float:
    """How far ``value`` may be from the true number because it was rounded when typed: half
    a unit of its last non-zero digit, of the second significant digit at most, for a count of
    :data:`ROUNDED_FROM` or more that the creator typed (36,000, typed "36k" -> 500; 36,400,
    "36.4k" -> 50; 1,000 -> 50, as "1.0k"; 36,441 -> 0), 0 for a
    number read from a file or TikTok (``typed`` False: exact) or a smaller one. The store
    keeps the value, not the text typed, so the precision is read from the value: a count
    typed in full with trailing zeros (36000) is given the rounding "36k" would have."""
    if not typed or abs(value) < ROUNDED_FROM or value != int(value):
        return 0.0
    n, unit = abs(int(value)), 1
    top = 10 ** (len(str(n)) - 2)  # two significant digits at least: "1k" is not 1,280
    while n % 10 == 0 and unit < top:
        n //= 10
        unit *= 10
    return unit / 2 if unit > 1 else 0.0


def within_rounding(before: float, after: float, *, before_typed: bool = True,
                    after_typed: bool = True) -> bool:
    """Whether ``before`` and ``after`` of one metric differ by less than the rounding of the
    typed one(s) (:func:`typed_rounding`): the file's 36,441 and a typed "36k" are the same
    count as far as anyone knows. The one test /stats' and /log's change in followers, the
    tips' facts (``follower_change``, ``followers_falling``) and an import preview's clash
    with a log of the same day read."""
    slack = (typed_rounding(before, typed=before_typed)
             + typed_rounding(after, typed=after_typed))
    return before == after or abs(after - before) < slack


def typed_by_creator(s: MetricSnapshot) -> bool:
    """Whether ``s``'s given values were typed by the creator (not a file's or TikTok's)."""
    return s.source not in ("import", "sync")


def growth(history: list[MetricSnapshot], metric: str = "followers", *,
           zone: tzinfo) -> Growth | None:
    """Growth of ``metric`` from the latest snapshot in which the creator typed it back to the
    most recent earlier one typed on an earlier day of theirs and at least
    :data:`MIN_SPAN_DAYS` before it (:func:`span_of_growth`, on their wall clock in
    ``zone``); None without one. ``history`` is oldest first. A change inside the rounding
    of a typed value (:func:`within_rounding`) is :attr:`Growth.rounded`."""
    cur: MetricSnapshot | None = None
    for prev in reversed(history):  # newest first: stops at the pair it needs
        if metric not in prev.given or getattr(prev, metric) is None:
            continue
        if cur is None:
            cur = prev
            continue
        days = span_of_growth(prev, cur, zone)
        if days is not None:
            before, after = float(getattr(prev, metric)), float(getattr(cur, metric))
            return Growth(metric, before, after, days, prev.taken_at, prev.source,
                          within_rounding(before, after, before_typed=typed_by_creator(prev),
                                          after_typed=typed_by_creator(cur)))
    return None


#: A count (followers, views, likes, …) this many times its previous value or more is asked
#: about before it is saved (:func:`jumped`): 5k -> 5B followers is a typo far more often than
#: growth, an extra digit gives about 10× (12,345 -> 123,450 exactly 10×, 12.5k -> 125k), and
#: a real 10x month is rare enough that one "Save anyway" costs little.
MAX_JUMP: Final = 10.0
#: How far below an exact :data:`MAX_JUMP` a ratio may be and still count as it: typed
#: decimals (1.23k) carry float error, and 10× typed must never read as 9.999…×.
_JUMP_SLACK: Final = 1e-9


def jumped(before: float, after: float) -> bool:
    """Whether a count went from ``before`` (> 0) to ``after`` by :data:`MAX_JUMP` times or
    more: an extra digit, or more (12,345 -> 123,450 is exactly 10×). The one test of a jump
    that /log, what-ifs, imports and syncs share (:func:`implausibilities`)."""
    return after >= before * MAX_JUMP * (1 - _JUMP_SLACK)


def dropped(before: float, after: float) -> bool:
    """Whether a count went from ``before`` (> 0) to ``after`` at 1/:data:`MAX_JUMP` of it or
    less: a digit left out (123,450 -> 12,345), the mirror of :func:`jumped`."""
    return jumped(after, before) if after > 0 else True


@dataclass(frozen=True, slots=True)
class Implausible:
    """One thing that can't be right in a new snapshot: the ``fields`` it involves and one
    sentence saying what (``"followers went from 5k to 5B since your previous log, 10× or
    more"``)."""

    fields: frozenset[str]
    text: str


#: The sentences about a fall or a jump, by what the previous snapshot was: ``"log"`` (the
#: creator's previous /log), ``"row"`` (an imported row's snapshot before it) or ``"sync"``
#: (the latest snapshot, before a TikTok sync); one whole sentence each.
_FELL: Final = {
    "log": N_("followers fell from %(before)s to %(after)s since your previous log, more than "
              "half"),
    "row": N_("followers fell from %(before)s to %(after)s since the snapshot before it, more "
              "than half"),
    "file": N_("followers fell from %(before)s to %(after)s since the file's snapshot before "
               "it, more than half"),
    "sync": N_("followers fell from %(before)s to %(after)s since your latest snapshot, more "
               "than half"),
}
_JUMPED: Final = {
    "log": N_("%(name)s went from %(before)s to %(after)s since your previous log, %(times)s× "
              "or more"),
    "row": N_("%(name)s went from %(before)s to %(after)s since the snapshot before it, "
              "%(times)s× or more"),
    "file": N_("%(name)s went from %(before)s to %(after)s since the file's snapshot before "
               "it, %(times)s× or more"),
    "sync": N_("%(name)s went from %(before)s to %(after)s since your latest snapshot, "
               "%(times)s× or more"),
}


def _leap(before: MetricSnapshot, after: MetricSnapshot, name: str) -> bool:
    """Whether ``name`` moved from ``before`` to ``after`` as no real account moves between
    two snapshots: followers falling by more than half, a count :data:`MAX_JUMP` times its
    value before or more (:func:`jumped`; the two checks of :func:`implausibilities` against
    the snapshot before)."""
    old, new = getattr(before, name, None), getattr(after, name, None)
    if not old or new is None:
        return False
    if name == "followers" and new < old / 2:
        return True
    metric = METRIC_BY_NAME.get(name)
    return metric is not None and metric.kind is Kind.COUNT and jumped(old, new)


#: The sentence about a /log value that moved as no account moves since the previous log
#: but is back near the value before it (:func:`_restores`): the previous log was an outlier
#: saved with confirm (or a typo too low, never asked about), so either it was a typo and this
#: is the correction, or it was real (a viral jump) and this is a typo. The values can't tell
#: which, so the sentence names both and what to do for each; nothing is saved unasked.
_BACK: Final = N_("%(name)s went from %(outlier)s to %(after)s since your previous log, back "
                  "near the %(earlier)s before it. If %(outlier)s was a typo, /undo takes that "
                  "log back; if it was right, check %(after)s")


def _restores(earlier: MetricSnapshot | None, previous: MetricSnapshot,
              after: MetricSnapshot, name: str) -> bool:
    """Whether ``after`` puts ``name`` back after an outlier: ``previous``'s value was a leap
    from ``earlier`` (:func:`_leap`: saved only because the creator confirmed it) or fell to
    to 1/:data:`MAX_JUMP` of it or less (:func:`dropped`: a typo too low, which nothing asks
    about), and
    ``after``'s is no leap from ``earlier``. Such a value is the correction of a typo, or a
    typo after a real outlier (5k, a viral 60k confirmed, then 6k for 60k): still asked
    about, with the sentence that names both (:data:`_BACK`), never saved unasked."""
    if earlier is None or _leap(earlier, after, name):
        return False
    old, outlier = getattr(earlier, name, None), getattr(previous, name, None)
    metric = METRIC_BY_NAME.get(name)
    fell = (metric is not None and metric.kind is Kind.COUNT and old is not None and old > 0
            and outlier is not None and dropped(old, outlier))
    return fell or _leap(earlier, previous, name)


def implausibilities(previous: MetricSnapshot | None, after: MetricSnapshot,
                     typed: frozenset[str] | set[str], *,
                     since: str = "log",
                     earlier: MetricSnapshot | None = None,
                     history: Sequence[MetricSnapshot] | None = None) -> list[Implausible]:
    """What looks impossible in a new snapshot ``after`` (``typed``: the fields just given),
    compared with itself and with ``previous`` (the snapshot before it), one each: likes,
    comments or shares above views for the same 30 days, engagement by views above 100%,
    followers falling by more than half since the previous snapshot, a count given now
    :data:`MAX_JUMP` times its previous value or more (:func:`jumped`). ``since`` says what
    ``previous`` is (``"log"``, ``"row"``, ``"file"`` or ``"sync"``, see :data:`_FELL`); the
    sentences are in the language of the work being done (:mod:`bot.i18n`). The one place
    that decides plausibility: ``/log``, ``/estimate`` what-ifs, imports
    (:func:`implausible_rows`) and TikTok syncs (:func:`without_implausible`).

    ``earlier`` is the snapshot before ``previous``, where known (``/log`` only): it changes
    what is said, never whether. A value back in line with ``earlier`` after an outlier in
    ``previous`` (:func:`_restores`) is still a fall or jump from ``previous``, said as
    :data:`_BACK`: the correction of a typo, or a typo after a real leap, which only the
    creator can tell apart.

    ``history`` (the stored snapshots before ``after``, oldest first, where known: ``/log``)
    tells where the totals ``after`` carries came from, so that totals of one 30-day window
    are compared however they were logged: :func:`same_window` decides it, the one rule
    /stats pairs them by (given together, or on one day of the creator's: ``after`` then
    carries its :attr:`~MetricSnapshot.day`). Without it only the fields just given pair."""
    from bot.domain import numbers
    from bot.domain.fieldnames import field_name

    problems = []
    views = after.views
    # Only totals of the views' 30 days are compared with them (:func:`same_window`): likes
    # of an earlier day's log are not this log's 30 days; the same day's are.
    window = same_window(after, history)
    if views is not None and typed & {"views", "likes", "comments", "shares"}:
        over = [name for name in ("likes", "comments", "shares")
                if (v := getattr(window, name)) is not None and v > views]
        for name in over:
            problems.append(Implausible(
                frozenset({name, "views"}),
                _("%(name)s (%(value)s) are more than views (%(views)s) for the same "
                  "%(days)s days", name=field_name(name),
                  value=numbers.compact(getattr(after, name)),
                  views=numbers.compact(views), days=PERIOD_DAYS)))
        inter = interactions(window)
        if not over and inter is not None and views > 0 and inter > views:
            problems.append(Implausible(
                frozenset({"views", "likes", "comments", "shares"}),
                _("engagement by views would be %(rate)s (likes + comments + shares above "
                  "views), which can't be", rate=numbers.pct(inter / views))))
    if (
        "followers" in typed and previous is not None and previous.followers
        and after.followers is not None and after.followers < previous.followers / 2
    ):
        problems.append(Implausible(
            frozenset({"followers"}),
            _back(earlier, previous, after, "followers", since)
            or _(_FELL[since], **dict(zip(("before", "after"), numbers.compact_ends(
                previous.followers, after.followers), strict=True)))))
    if previous is not None:
        for name in sorted(typed):
            metric = METRIC_BY_NAME.get(name)
            before, now = getattr(previous, name, None), getattr(after, name, None)
            if (metric is not None and metric.kind is Kind.COUNT and before and now is not None
                    and jumped(before, now)):
                problems.append(Implausible(
                    frozenset({name}),
                    _back(earlier, previous, after, name, since)
                    or _(_JUMPED[since], name=field_name(name),
                         **dict(zip(("before", "after"), numbers.compact_ends(before, now),
                                    strict=True)), times=f"{MAX_JUMP:g}")))
    return problems


def _back(earlier: MetricSnapshot | None, previous: MetricSnapshot, after: MetricSnapshot,
          name: str, since: str) -> str | None:
    """The sentence :data:`_BACK` for ``name``, a fall or jump from ``previous`` in a /log
    (``since == "log"``) that :func:`_restores` puts back near ``earlier``; None otherwise."""
    if since != "log" or earlier is None or not _restores(earlier, previous, after, name):
        return None
    from bot.domain import numbers
    from bot.domain.fieldnames import field_name

    # (three numbers of one quantity in one sentence: one style for all, numbers.compact_ends)
    outlier, now, before = numbers.compact_ends(getattr(previous, name), getattr(after, name),
                                                getattr(earlier, name))
    return _(_BACK, name=field_name(name), outlier=outlier, after=now, earlier=before)


def implausible(previous: MetricSnapshot | None, after: MetricSnapshot,
                typed: frozenset[str] | set[str], *,
                since: str = "log", earlier: MetricSnapshot | None = None,
                history: Sequence[MetricSnapshot] | None = None) -> list[str]:
    """The sentences of :func:`implausibilities` (empty: nothing looks wrong)."""
    return [p.text for p in implausibilities(previous, after, typed, since=since,
                                             earlier=earlier, history=history)]


@dataclass(frozen=True, slots=True)
class ImportChecks:
    """What an import's preview says before anything is written (:func:`import_checks`):
    ``rows``, the file's rows that look wrong, and ``clashes``, where the file and what the
    creator logged disagree (neither side is known to be the wrong one). Each is a list of
    ``(date's time, sentence)`` in date order."""

    rows: list[tuple[datetime, str]]
    clashes: list[tuple[datetime, str]]


def implausible_rows(
    history: Sequence[MetricSnapshot], rows: Sequence[tuple[datetime, Mapping[str, float]]],
    zone: tzinfo = UTC,
) -> list[tuple[datetime, str]]:
    """``(date's time, sentence)`` for every imported row that :func:`implausibilities` finds
    wrong, in date order: :attr:`ImportChecks.rows` of :func:`import_checks` (``zone``: the
    creator's, whose days the rows are on)."""
    return import_checks(history, rows, zone=zone).rows


def _replaced_on(h: MetricSnapshot, key: date | None, zone: tzinfo) -> date:
    """The day by which an import replaces the stored snapshot ``h`` (``key``: the store's,
    :attr:`~bot.core.ports.SnapshotEntry.import_day`; None: not known, its
    :func:`~bot.domain.daily.snapshot_day` in ``zone``)."""
    return snapshot_day(h.taken_at, zone) if key is None else key


def _current_days(history: Sequence[MetricSnapshot], days: set[date],
                  zone: tzinfo, keys: Sequence[date | None]
                  ) -> list[tuple[date, list[MetricSnapshot]]]:
    """The stored snapshots an import leaves standing, grouped by the creator's day each
    counts on (:func:`counted_on` in ``zone``) in the store's order: a stored
    imported row that a day in ``days`` (the import's) replaces (:func:`_replaced_on`, its
    ``keys``) is left out. Within a day a later snapshot corrects an earlier one, so a group
    is read as one: its latest value of each field."""
    out: dict[date, list[MetricSnapshot]] = {}
    for h, key in zip(history, keys, strict=True):
        if not (h.source == "import" and _replaced_on(h, key, zone) in days):
            # (the day it counts on, as the store orders it: a row of a date that had not
            # begun when it was imported counts on the day it was)
            out.setdefault(counted_on(h, zone), []).append(h)
    return list(out.items())


def import_checks(
    history: Sequence[MetricSnapshot], rows: Sequence[tuple[datetime, Mapping[str, float]]],
    *, zone: tzinfo, replaced_on: Sequence[date | None] | None = None,
) -> ImportChecks:
    """The checks an import's preview shows, on the timeline the import leaves.

    ``history`` is the stored snapshots (oldest first, in the store's order, with their
    :attr:`~MetricSnapshot.source`; undone ones are not stored), ``rows`` the import's
    ``(time, values)`` by date; a day is the creator's (:func:`~bot.domain.daily.snapshot_day`
    in ``zone``, their time zone); ``replaced_on``, for each of ``history``, the day by which
    an import replaces it where the store said
    (:attr:`~bot.core.ports.SnapshotEntry.import_day`:
    :func:`~bot.domain.daily.replaced_on`), the one the stores decide an import's
    replacements by. A stored imported row of a day the import writes is replaced
    (what it knew and the new row doesn't say is kept), so it is never "the snapshot before
    it"; within a day the import comes after what is stored (it is newer); the stored
    snapshots of one day are one, their latest value of each field (a same-day ``/log`` corrects
    the one before it, so a typo already corrected is never quoted). Then:

    - ``rows``: each row checked as a ``/log`` of its fields on its date would be, against the
      snapshot before it (the previous date's, stored or imported);
    - ``clashes``: a stored day's ``/log`` checked again where the file's numbers come before
      it ("what you logged: followers fell from 36.4k to 12k …"), only for what involves a
      number the file gave (a check of a metric the file has no column for is about the
      creator's own numbers, which the import does not change), and a row's number that
      differs by more than the rounding (:func:`within_rounding`: a typed "36k" for the
      file's 36,441 is rounding, "12k" is another number) from the one the creator logged
      last on the same day, with which one counts for that day.
    """
    from bot.domain.fieldnames import field_name
    from bot.i18n import standalone

    row_days = [snapshot_day(at, zone) for at, _values in rows]
    days = set(row_days)
    keys: Sequence[date | None] = replaced_on or [None] * len(history)
    kept: dict[date, dict[str, float]] = {}
    for h, key in zip(history, keys, strict=True):
        if h.source == "import" and (day := _replaced_on(h, key, zone)) in days:
            kept.setdefault(day, {}).update(h.given_values())
    stored = _current_days(history, days, zone, keys)
    timeline = sorted([(day, 0, i) for i, (day, _group) in enumerate(stored)]
                      + [(day, 1, i) for i, day in enumerate(row_days)])
    logged_on: dict[date, dict[str, float]] = {}
    for h in history:
        if h.source == "log":
            logged_on.setdefault(snapshot_day(h.taken_at, zone), {}).update(h.given_values())
    state: MetricSnapshot | None = None
    from_file: set[str] = set()  # the fields whose value in ``state`` is the file's
    found = ImportChecks([], [])
    for _day, kind, i in timeline:
        if kind == 0:
            group = stored[i][1]
            typed: dict[str, float] = {}
            by_log: set[str] = set()
            for h in group:  # in the store's order: the later corrects the earlier
                for n, v in h.given_values().items():
                    typed[n] = v
                    if h.source == "log":
                        by_log.add(n)
                    else:  # a sync read it later: no longer the creator's typing
                        by_log.discard(n)
            last = group[-1]
            if not from_file:  # the timeline so far is the stored one: the store's values
                state = last
                continue
            after = (state or MetricSnapshot.empty(last.taken_at)).merged(typed, last.taken_at)
            found.clashes.extend(
                (last.taken_at, _("what you logged: %(problem)s", problem=standalone(p.text)))
                for p in implausibilities(state, after, frozenset(by_log), since="file")
                if p.fields & from_file)
            state = after
            from_file -= set(typed)
            continue
        at, given = rows[i]
        values = {k: v for k, v in given.items() if k in METRIC_BY_NAME}
        carried = {**kept.get(row_days[i], {}), **values}
        after = (state or MetricSnapshot.empty(at)).merged(carried, at)
        found.rows.extend((at, p.text) for p in implausibilities(
            state, after, frozenset(values), since="row"))
        for name, typed_value in sorted(logged_on.get(row_days[i], {}).items()):
            imported = values.get(name)
            if imported is None or typed_value == imported:
                continue
            if not within_rounding(typed_value, imported, after_typed=False):
                found.clashes.append((at, _(
                    "you logged %(name)s %(logged)s that day and the file says %(imported)s; "
                    "the file's number is newer, so it counts for that day",
                    name=field_name(name),
                    **dict(zip(("logged", "imported"), format_metrics(name, typed_value, imported),
                               strict=True)))))
        state = after
        from_file = (from_file - set(carried)) | set(values)
    found.clashes.sort(key=lambda c: c[0])
    return found


def without_implausible(previous: MetricSnapshot | None, changes: Mapping[str, float],
                        at: datetime) -> tuple[dict[str, float], list[Implausible]]:
    """``changes`` (read, not typed: a TikTok sync) without the fields
    :func:`implausibilities` finds wrong against ``previous``, and what was found."""
    base = previous or MetricSnapshot.empty(at)
    problems = implausibilities(previous, base.merged(dict(changes), at), frozenset(changes),
                                since="sync")
    dropped = frozenset[str]().union(*(p.fields for p in problems))
    return {k: v for k, v in changes.items() if k not in dropped}, problems


#: The 30-day totals divided by 30-day views in the KPIs.
WINDOW_TOTALS: Final = ("likes", "comments", "shares", "saves")


def _given_in(s: MetricSnapshot, history: Sequence[MetricSnapshot] | None,
              name: str) -> MetricSnapshot | None:
    """The snapshot ``s``'s value of ``name`` was typed (or imported) in: ``s`` itself, else
    the latest of ``history`` up to ``s`` that gave it; None when that can't be told. "Up to
    ``s``" is in ``history``'s own order (the store's: by the creator's day, then action)
    when ``s`` is one of its snapshots: a file's row dated today (noon UTC) stands before a
    Tokyo morning /log of the same day (23:00 UTC the day before) and is where that /log's
    carried likes came from. A snapshot not in ``history`` (a what-if of the latest, or the
    snapshot a /log just wrote, or checks before writing) stands after all of it: each is
    the newest. (It is never placed by its moment: a row dated by day alone has none of the
    creator's day, and its noon UTC put today's file row after a Tokyo morning /log.)"""
    if name in s.given:
        return s
    before: Sequence[MetricSnapshot] = history or ()
    for i in range(len(before) - 1, -1, -1):
        if before[i] is s:
            before = before[:i]
            break
    for h in reversed(before):
        if name in h.given:
            return h
    return None


def same_window(s: MetricSnapshot,
                history: Sequence[MetricSnapshot] | None = None) -> MetricSnapshot:
    """``s`` with every 30-day total of :data:`WINDOW_TOTALS` that is not of the same 30-day
    window as its 30-day views set to None: given in the same snapshot, or in one stored on
    the same day of the creator's (:func:`one_window`). A likes total carried forward from a
    log or import of an earlier day is not divided by views typed later (another 30 days,
    another source), nor is views typed on a later day divided by it; the same day, a
    ``/log views=1.25M`` correcting a whole log's views, or likes logged alone after it, pair.

    Where each value came from is read from ``history`` (oldest first, may include ``s``):
    the latest snapshot up to ``s`` that gave it. Without ``history`` only ``s`` itself is
    known: a value ``s`` did not give comes from a snapshot that can't be named, so it pairs
    with nothing (a ``/log followers=12k`` over views and likes from two earlier logs never
    reads as one window). A snapshot that names no given field at all (a hypothetical built
    whole, not read from the store) is one window; a what-if names its views' window
    (:func:`hypothetical`). The one place that decides what KPI
    ratios may divide, and so whether engagement by views is known: :func:`compute_kpis`,
    :func:`engagement_gap`, :func:`engagement_rate_views` and the estimator read it, with
    the same history wherever the creator's stored snapshots are at hand."""
    totals = _window_totals(s, history)
    mixed: dict[str, Any] = {n: None for n, v in zip(WINDOW_TOTALS, totals, strict=True)
                             if v is None and getattr(s, n) is not None}
    return replace(s, **mixed) if mixed else s


_Totals = tuple[float | None, ...]  # likes, comments, shares, saves (WINDOW_TOTALS' order)
_NO_TOTALS: Final[_Totals] = (None, None, None, None)
if WINDOW_TOTALS != ("likes", "comments", "shares", "saves"):
    raise RuntimeError("_window_totals reads WINDOW_TOTALS one by one, in this order")


def _window_totals(s: MetricSnapshot, history: Sequence[MetricSnapshot] | None) -> _Totals:
    """:func:`same_window`'s likes, comments, shares and saves (:data:`WINDOW_TOTALS`), without
    making the snapshot: the KPIs and the engagement trend only divide these."""
    totals = (s.likes, s.comments, s.shares, s.saves)
    given = s.given
    if s.views is None or (history is None and not given):
        return totals
    if history is None:  # only ``s`` is known: a total pairs with views it was given with
        if "views" not in given:
            return _NO_TOTALS
        # (WINDOW_TOTALS one by one: the engagement trend asks this of every snapshot)
        likes, comments, shares, saves = totals
        return (likes if "likes" in given else None,
                comments if "comments" in given else None,
                shares if "shares" in given else None, saves if "saves" in given else None)
    named = zip(WINDOW_TOTALS, totals, strict=True)
    views_from = _given_in(s, history, "views")
    if views_from is None:
        return (None,) * len(totals)
    return tuple(v if v is None or one_window(_given_in(s, history, n), views_from) else None
                 for n, v in named)


def one_window(a: MetricSnapshot | None, b: MetricSnapshot | None) -> bool:
    """Whether 30-day totals given in snapshot ``a`` and in snapshot ``b`` are of one 30-day
    window, as far as dividing one by the other goes: the same snapshot, or two stored on the
    same day of the creator's (:attr:`MetricSnapshot.day`: the stores' ``day``, their day in
    their /settings time zone). Two 30-day windows that end hours apart are the same window
    for a rate (``/log views=1.25M`` a minute after a whole log corrects its views; likes
    logged alone later that day complete it); a total from an earlier day is of another
    window. A snapshot with no stored day (a what-if, one built in a test) is one window
    with itself alone. The one rule :func:`same_window` and :func:`window_ends` read."""
    if a is None or b is None:
        return False
    return a is b or (a.day is not None and a.day == b.day)


def hypothetical(real: MetricSnapshot, typed: Mapping[str, float],
                 history: Sequence[MetricSnapshot] | None = None,
                 scaled: Mapping[str, float] | None = None) -> MetricSnapshot:
    """``real`` (the creator's latest snapshot) with a what-if's values ``typed`` (by metric
    name) and ``scaled`` (totals of :data:`WINDOW_TOTALS` that :func:`same_window` pairs with
    the views in ``real``, scaled with new views), as the creator's current numbers changed in
    place: not a new snapshot logged later, whose values would pair with nothing logged.

    Each value given replaces the current one within its 30 days (``history``: the creator's
    stored snapshots, as :func:`same_window` reads them for ``real``):

    - views replace the current views and pair with the totals those pair with (typed,
      imported, or derived from average views: every total). A creator with no views yet
      gets the what-if's own: no stored total is of their 30 days;
    - a total given with views is of the views' 30 days;
    - a total given alone replaces the current one in its own 30 days: it pairs with the
      views if that one did, and stays apart if it was logged in another window than the
      views (:func:`what_if_apart`); a total never logged joins the views' 30 days.

    The result names as :attr:`~MetricSnapshot.given` its views' window (views and the totals
    that share their 30 days), so :func:`same_window` pairs exactly those, with ``history``
    or without (no stored snapshot is this one). ``taken_at`` is ``real``'s. ValueError for
    a name that is no metric."""
    unknown = (set(typed) | set(scaled or {})) - set(METRIC_NAMES)
    if unknown:
        raise ValueError(f"unknown metrics: {sorted(unknown)}")
    window = _window_totals(real, history)
    paired = {n for n, v in zip(WINDOW_TOTALS, window, strict=True)
              if v is not None and getattr(real, n) is not None}
    if "views" in typed and views_in_period(real) is None:
        paired = set()  # the what-if's own views: no stored total is of their 30 days
    paired.update(n for n in WINDOW_TOTALS
                  if n in typed and ("views" in typed or getattr(real, n) is None))
    values: dict[str, Any] = {**(scaled or {}), **typed}
    # (no stored day: the what-if's window is what ``given`` names, whatever was stored on
    # ``real``'s day, so a total it keeps apart stays apart)
    return replace(real, **values, given=frozenset({"views", *paired}), source=None,
                   day=None)


def what_if_apart(s: MetricSnapshot, typed: Iterable[str],
                  history: Sequence[MetricSnapshot] | None = None) -> tuple[str, ...]:
    """The parts of engagement by views (:data:`ENGAGEMENT_PARTS`) a what-if gave (``typed``)
    that :func:`same_window` does not pair with the views of ``s`` (made by
    :func:`hypothetical`): each replaced a total logged in another 30 days than the views, so
    the rate leaves it out (or is unknown, for likes) until the views are given with it."""
    window = same_window(s, history)
    given = set(typed)
    return tuple(n for n in ENGAGEMENT_PARTS
                 if n in given and getattr(s, n) is not None and getattr(window, n) is None)


def window_ends(s: MetricSnapshot,
                history: Sequence[MetricSnapshot] | None) -> dict[str, datetime]:
    """The 30-day totals of ``s`` (views and :data:`WINDOW_TOTALS`) that cover another 30 days
    than the newest of them (given on another day: :func:`one_window`), each with the date
    its window ends (the snapshot that gave it):
    after ``/log views=40k`` over an import, the imported likes are ``{"likes": <import's
    date>}``. Empty when every total shown comes from one window, or where they come from
    can't be told (no ``history``). ``/stats`` labels these totals with their dates, so a
    carried likes total never reads as this window's (more likes than views)."""
    if not history:
        return {}
    origin = {n: found for n in ("views", *WINDOW_TOTALS)
              if getattr(s, n) is not None and (found := _given_in(s, history, n)) is not None}
    if len({id(o) for o in origin.values()}) < 2:
        return {}
    # the newest is the last in ``history``'s order (the store's: by the creator's day, then
    # action), as _given_in reads it, not the latest moment: a file's row of today (noon UTC)
    # is older than a Tokyo morning /log of the same day
    place = {id(h): i for i, h in enumerate(history)}
    place.setdefault(id(s), len(history))
    newest = max(origin.values(), key=lambda o: place[id(o)])
    # (a total given earlier the same day as the newest is of its window: one_window)
    return {n: o.taken_at for n, o in origin.items() if not one_window(o, newest)}


#: The totals engagement by views adds up (likes + comments + shares).
ENGAGEMENT_PARTS: Final = ("likes", "comments", "shares")


def left_out(s: MetricSnapshot,
             history: Sequence[MetricSnapshot] | None = None) -> tuple[str, ...]:
    """The parts of engagement by views (:data:`ENGAGEMENT_PARTS`) that ``s`` holds but
    :func:`same_window` leaves out of it, because they come from another 30-day window than
    the views (``/log views=41k likes=3.3k`` over comments and shares of an earlier log):
    the rate is then measured in the views' window from the other parts alone. Empty when
    nothing is left out, or when the rate is unknown (:func:`engagement_gap` says why)."""
    likes, comments, shares, _saves = _window_totals(s, history)
    if engagement_by_views(_interactions(likes, comments, shares), views_in_period(s)) is None:
        return ()
    return tuple(n for n, kept in zip(ENGAGEMENT_PARTS, (likes, comments, shares), strict=True)
                 if kept is None and getattr(s, n) is not None)


def left_out_sentence(names: Sequence[str]) -> str | None:
    """What :func:`left_out` returned, as one whole sentence in the work's language (None when
    nothing is left out): every reply giving the rate says it the same way."""
    from bot.domain.fieldnames import field_name
    from bot.domain.numbers import items

    if not names:
        return None
    return _("Not counted: %(names)s, logged in another 30 days than your views. Log them "
             "together with your views to count them.",
             names=items([field_name(n) for n in names]))


def engagement_formula(names: Sequence[str]) -> str:
    """The parts engagement by views adds up after :func:`left_out` (``names``), joined as the
    formula reads: ``likes + comments + shares`` when nothing is left out, ``likes`` when
    comments and shares are."""
    from bot.domain.fieldnames import field_name

    return " + ".join(field_name(n) for n in ENGAGEMENT_PARTS if n not in names)


def per_view(total: float | None, views: float | None) -> float | None:
    """``total / views`` (a fraction) for one 30-day total; None when unknown, views are 0,
    or above 1 (more likes than views in the same 30 days can't be)."""
    rate = _div(total, views)
    return None if rate is None or rate > 1 else rate


class EngagementGap(StrEnum):
    """Why engagement by views is unknown (:func:`engagement_gap`); :attr:`sentence` says it
    as one whole sentence, shown on its own by /stats and /estimate."""

    NO_VIEWS_OR_LIKES = "no_views_or_likes"
    NO_VIEWS = "no_views"
    NO_LIKES = "no_likes"
    ZERO_VIEWS = "zero_views"
    DIFFERENT_SNAPSHOTS = "different_snapshots"
    ABOVE_VIEWS = "above_views"

    @property
    def sentence(self) -> str:
        """What to do about it, a whole sentence in the work's language."""
        if self is EngagementGap.NO_VIEWS_OR_LIKES:
            return _("Log your 30-day views and likes to see your engagement rate.")
        if self is EngagementGap.NO_VIEWS:
            return _("Log your 30-day views to see your engagement rate.")
        if self is EngagementGap.NO_LIKES:
            return _("Log your 30-day likes to see your engagement rate.")
        if self is EngagementGap.ZERO_VIEWS:
            return _("With 0 views in 30 days there is no engagement rate.")
        if self is EngagementGap.DIFFERENT_SNAPSHOTS:
            return _("Your likes and views come from different snapshots: log both together "
                     "(or /import them) to see your engagement rate.")
        return _("Your likes + comments + shares are above your views, which can't be: "
                 "check them.")

    @property
    def todo(self) -> str:
        """What to log, as an item of a list (the media kit's "To complete it")."""
        if self is EngagementGap.DIFFERENT_SNAPSHOTS:
            return _("likes and views logged together for your engagement rate (yours come "
                     "from different snapshots)")
        return _("likes and views for your engagement rate")


def engagement_gap(s: MetricSnapshot,
                   history: Sequence[MetricSnapshot] | None = None) -> EngagementGap | None:
    """Why engagement by views of ``s`` is unknown, or None when it is known (the same
    divisions as :func:`compute_kpis`)."""
    views = views_in_period(s)
    if s.likes is None and views is None:
        return EngagementGap.NO_VIEWS_OR_LIKES
    if views is None:
        return EngagementGap.NO_VIEWS
    if s.likes is None:
        return EngagementGap.NO_LIKES
    if views <= 0:
        return EngagementGap.ZERO_VIEWS
    likes, comments, shares, _saves = _window_totals(s, history)
    if likes is None:
        return EngagementGap.DIFFERENT_SNAPSHOTS
    if engagement_by_views(_interactions(likes, comments, shares), views) is None:
        return EngagementGap.ABOVE_VIEWS
    return None


def engagement_rate_views(s: MetricSnapshot,
                          history: Sequence[MetricSnapshot] | None = None) -> float | None:
    """``compute_kpis(s, history).engagement_rate_views`` alone, without the other KPIs
    (:func:`same_window` decides which totals divide). Without ``history`` it is the rate
    measured in ``s`` itself: a trend over every stored snapshot needs only this one."""
    if s.likes is None:  # no numerator, whatever the window
        return None
    likes, comments, shares, _saves = _window_totals(s, history)
    return engagement_by_views(_interactions(likes, comments, shares), views_in_period(s))


def compute_kpis(s: MetricSnapshot, history: list[MetricSnapshot] | None = None, *,
                 zone: tzinfo) -> Kpis:
    """KPIs for snapshot ``s``; ``history`` (oldest first, may include ``s``) gives growth
    (over the creator's days in ``zone``, their time zone: :func:`growth`), and tells where
    each 30-day total came from (:func:`same_window`)."""
    likes, comments, shares, saves = _window_totals(s, history)
    inter = _interactions(likes, comments, shares)
    vids = videos_in_period(s)
    views = views_in_period(s)  # derived views count too
    per_post = _div(inter, vids)
    return Kpis(
        engagement_rate_views=engagement_by_views(inter, views),
        engagement_rate_followers=_div(per_post, s.followers),
        likes_per_view=per_view(likes, views),
        comments_per_view=per_view(comments, views),
        shares_per_view=per_view(shares, views),
        saves_per_view=per_view(saves, views),
        videos_in_period=vids,
        follower_growth=growth(history or [], "followers", zone=zone),
    )


class HistoryReach(StrEnum):
    """How far back into the most recent snapshots a command reads (``Store.reads``): all of
    them, or only as far as its answer depends on them (:func:`reach_back`)."""

    ALL = "all"
    #: Back to where each 30-day total the latest snapshot holds (views and
    #: :data:`WINDOW_TOTALS`) was given: what :func:`same_window`, :func:`window_ends`,
    #: :func:`left_out`, :func:`engagement_gap` and the engagement rate read (/estimate).
    ORIGINS = "origins"
    #: Those, back to the earlier snapshot of the latest follower growth (:func:`growth`),
    #: and back to the start of the last week-long step the slowing rule compares
    #: (:class:`WeekWalk`: the latest week and :data:`EARLIER_WEEKS` before it): what /stats
    #: reads (its KPIs, growth line and slowed line).
    STATS = "stats"


#: How far a creator's wall clock may move against UTC between two of their snapshots (a
#: change of the clocks: an hour in most places, two at most): :func:`reach_back`, which
#: reads without their time zone, goes back until a span is a day even so.
WALL_SHIFT_DAYS: Final = 3 / 24


def _surely_growth(earlier: MetricSnapshot, later: MetricSnapshot) -> bool:
    """Whether :func:`span_of_growth` finds ``earlier`` far enough before ``later`` in any
    time zone: their days differ and, between two moments, they are
    :data:`MIN_SPAN_DAYS` apart in UTC with :data:`WALL_SHIFT_DAYS` to spare (however the
    clocks changed between them)."""
    if span_of_growth(earlier, later, UTC) is None:
        return False
    if dated_by_day(earlier.taken_at) or dated_by_day(later.taken_at):
        return True  # the creator's days between them, the same in every zone
    days = (later.taken_at - earlier.taken_at).total_seconds() / 86_400
    return days >= MIN_SPAN_DAYS + WALL_SHIFT_DAYS


def reach_back(newest_first: Iterable[MetricSnapshot],
               reach: HistoryReach, minimum: int = 0) -> list[MetricSnapshot]:
    """The snapshots of ``newest_first`` (a creator's history, newest first, as the store
    reads it) that ``reach`` needs, oldest first: taken one at a time, and no more once the
    answer is known (a store passes a lazy iterable: what is not needed is never read).

    The functions ``reach`` names look at the history newest first and stop at what they
    look for: where each total of the latest snapshot was given (:func:`_given_in`), and for
    growth the latest snapshot that typed followers and the most recent one far enough
    before it (:func:`span_of_growth`; read without the creator's time zone, so the first
    one far enough before it in any zone, :func:`_surely_growth`: that one, or one or two
    older); and for the slowing rule (:attr:`HistoryReach.STATS`) the followers' points back
    to where the last step it compares starts (:class:`WeekWalk`, by the stores' day of each
    snapshot, :attr:`MetricSnapshot.day`, the same in any zone). The snapshots taken are all
    those up to the oldest
    of these, so each of those functions gives the same answer, the
    same snapshot objects included, as with the whole history; where one of them finds
    nothing, the whole history is taken (it looked through all of it to find nothing).
    The newest ``minimum`` are taken in any case (a /log's checks compare with the one
    before the latest too)."""
    taken: list[MetricSnapshot] = []
    if reach is HistoryReach.ALL:
        taken.extend(newest_first)
        taken.reverse()
        return taken
    latest: MetricSnapshot | None = None
    pending: set[str] = set()
    growth_left = weeks_left = reach is HistoryReach.STATS
    typed: MetricSnapshot | None = None  # the latest snapshot that typed followers
    walk, unwalked = WeekWalk(), False
    for s in newest_first:
        taken.append(s)
        if latest is None:
            latest = s
            pending = {n for n in ("views", *WINDOW_TOTALS) if getattr(s, n) is not None}
        # (each one is before the latest in order, where _given_in looks for the latest's
        # totals, and for those of a what-if of it, which stands after all of them)
        if pending:
            pending.difference_update(s.given)
        if growth_left and "followers" in s.given and s.followers is not None:
            if typed is None:
                typed = s
            elif _surely_growth(s, typed):
                growth_left = False  # growth() finds its pair here or later
        if weeks_left and "followers" in s.given and s.followers is not None:
            # (by the stores' day, the creator's in any zone; after a snapshot without one,
            # not read from a store, the walk can't be told: the whole history is taken)
            if s.day is None:
                unwalked = True
            elif not unwalked and walk.starts(s.day.toordinal()) and walk.done:
                weeks_left = False  # the slowing rule's last step starts here
        if not pending and not growth_left and not weeks_left and len(taken) >= minimum:
            break
    taken.reverse()
    return taken


def format_metric(name: str, value: float | None, short: bool | None = None) -> str:
    """A metric value as a creator reads it: 12.3k followers, 35%, 1:05. ``short``: a count's
    style decided for every number of a phrase (:func:`bot.domain.numbers.shared_short`)."""
    from bot.domain import numbers

    kind = METRIC_BY_NAME[name].kind
    if kind is Kind.RATE:
        return numbers.pct(value)
    if kind is Kind.SECONDS:
        return numbers.duration(value)
    if kind is Kind.NUMBER:
        return numbers.number(value) if short is None or value is None or abs(value) < 100 \
            else numbers.compact(value, short)
    if kind is Kind.COUNT:
        return numbers.count(value, short)
    return numbers.compact(value, short)


def format_metrics(name: str, *values: float | None) -> tuple[str, ...]:
    """``values`` of metric ``name`` written in one phrase (a goal and the number now, what was
    logged and what a file says) as :func:`format_metric` writes each, in one style for all
    (:func:`bot.domain.numbers.shared_short`): never Japanese '5万' beside '6,000'."""
    from bot.domain import numbers

    short = numbers.shared_short(*values)
    return tuple(format_metric(name, v, short) for v in values)


def format_apart(name: str, before: float, after: float,
                 short: bool | None = None) -> tuple[str, str]:
    """``before`` and ``after`` of metric ``name`` as :func:`format_metric` writes them, with
    as many more digits as it takes to tell them apart when they differ but would read the
    same ("2.05k" and "2.1k" for 2,050 and 2,100, never "2.1k" twice; "35.25%" and "35.3%").
    The one rule of every display of a value beside another of the same number: /log's
    "less than a day ago it was …", /progress' first → last, a goal's target and now (in
    /goal and the weekly digest)."""
    import math

    from bot.domain import numbers

    # both in one style: never '9,000' beside '1.2万' (numbers.shared_short); ``short``
    # given: the style of a phrase with more numbers of this quantity (a change beside them)
    if short is None:
        short = numbers.shared_short(before, after)
    shown = format_metric(name, before, short), format_metric(name, after, short)
    if (before == after or shown[0] != shown[1] or not math.isfinite(before)
            or not math.isfinite(after)):
        return shown
    kind = METRIC_BY_NAME[name].kind
    for extra in range(1, 16):
        if kind is Kind.RATE:
            finer = numbers.pct(before, 1 + extra), numbers.pct(after, 1 + extra)
        elif kind is Kind.SECONDS:
            return shown  # (whole seconds: what a duration is typed in)
        else:
            finer = (numbers.compact_finer(before, extra, short),
                     numbers.compact_finer(after, extra, short))
        if finer[0] != finer[1]:
            return finer
    return shown


def format_target(name: str, target: float, current: float | None) -> tuple[str, str | None]:
    """A goal's ``target`` of metric ``name`` and the ``current`` value beside it (``None``:
    none known), as every goal line shows them (/goal, /stats' goals, the weekly digest, a
    refused /goal): the target as it was set, with every digit it has (:func:`format_typed`:
    5,001 is "5.001k", never the "5k" that reads as met at 5,000), and now with the digits
    that tell it apart from the target (:func:`format_apart`'s rule: 4,990 is "4.99k"); a
    current value equal to the target reads as the target does."""
    from bot.domain import numbers

    # one style for the two (never Japanese "5.0001万（現在 6,000）"): in full unless both
    # are written short by themselves
    short = None if current is None else numbers.shared_short(target, current)
    shown = format_typed(name, target, short)
    if current is None:
        return shown, None
    if current == target:
        return shown, shown
    now = format_apart(name, target, current, short)[1]
    return shown, (format_typed(name, current, short) if now == shown else now)


def goal_share(current: float, target: float) -> str:
    """How far ``current`` is toward a goal of ``target``, as a percent (/stats' goals): a
    whole percent, with as many decimals as it takes for a share short of the goal never to
    read as the whole way ("99.8%" for 4,990 of 5,001, "99.9%" for 4,999, never "100%")."""
    from bot.domain import numbers

    share = min(1.0, current / target) if target else 1.0
    if share < 1.0:  # short of it: at most 99.9% (pct writes 99.96% as "100%": one decimal
        share = min(share, 0.999)  # from 99.95% on), never the whole way
    text = numbers.pct(share, 0)
    whole_way = numbers.pct(1.0, 0)
    for digits in range(1, 8):
        if share >= 1.0 or text != whole_way:
            break
        text = numbers.pct(share, digits)
    return text


def _significant(digits: str) -> str:
    """``digits`` (the digits of a number, in order) without the zeros before and after its
    significant ones: "01250" -> "125"."""
    return digits.strip("0") or "0"


def format_typed(name: str, value: float | None, short: bool | None = None) -> str:
    """``value`` of metric ``name`` shown as what the creator typed (or a file held): as
    :func:`format_metric` writes it, with as many more digits as it takes to be that value,
    never rounded to another ("1.25M", not "1.3M"; "36.441k"; "35.25%"), in the current
    language. The one place /history, /undo and an import's preview write the values they show
    as typed. ``short`` False: a count in full ("50,001"), for a phrase whose other number is
    written in full (:func:`bot.domain.numbers.shared_short`)."""
    import math
    from decimal import Decimal

    from bot.domain import numbers

    if value is None or not math.isfinite(value):
        return format_metric(name, value)
    kind = METRIC_BY_NAME[name].kind
    if kind is Kind.SECONDS:  # 70.5: 1:10.5, never the 1:11 that reads back as 71
        return numbers.duration_exact(value)
    if kind is Kind.RATE:
        exact = numbers.rounded(value * 100, 10)
        digits = next((d for d in range(1, 9) if numbers.rounded(value * 100, d) == exact), 8)
        return numbers.pct(value, digits)
    if kind is Kind.NUMBER and abs(value) < 100:  # every decimal it has: 1.3333333
        return numbers.decimal(value, max(0, -int(Decimal(repr(value)).normalize()
                                                  .as_tuple().exponent)))
    if short is False and value == int(value):
        return numbers.grouped(value)
    wanted = _significant("".join(str(d) for d in
                                  Decimal(repr(abs(value))).normalize().as_tuple().digits))
    for extra in range(16):
        text = numbers.compact_finer(value, extra)
        if _significant("".join(c for c in text if c.isdigit())) == wanted:
            return text
    return numbers.grouped(value)


def held_key(kind: str, values: Mapping[str, float | str | None],
             seen: Mapping[str, float | str | None] | None = None) -> str:
    """What the confirm of a held reply is for: a key of exactly the ``values`` it held back
    (every value of the line, as parsed, but its ``confirm`` and ``key``) and of ``seen``,
    what the hold was decided on (the numbers stored then, how many copies of a payout were
    logged): 8 hex digits of a SHA-256 of ``kind`` and their names and values, the same in
    every process. The held reply's confirm line and its button carry it; a confirm acts
    past the hold only with the key of its own values, so it never saves other values than
    the ones shown (held ``views=4M`` does not confirm ``views=5M``; a payout held as a
    repeat does not confirm another amount, nor the same one with ``currency=`` added), and
    only once: what it saves changes ``seen``, so the same confirm sent again (a replay, a
    double tap on its button) is checked as any line is, finds what it saved and is held
    again. The one key of /log's hold (:func:`log_key`) and /payout's."""
    import hashlib
    import json

    def written(value: float | str | None) -> str:
        return repr(float(value)) if isinstance(value, int | float) else json.dumps(value)

    def text(pairs: Mapping[str, float | str | None]) -> str:
        return ";".join(f"{name}={written(value)}" for name, value in sorted(pairs.items()))

    kept = f"{kind}:{text(values)}" + ("" if seen is None else f"|{text(seen)}")
    return hashlib.sha256(kept.encode()).hexdigest()[:8]


def log_key(values: Mapping[str, float], latest: MetricSnapshot | None) -> str:
    """What a held /log's confirm is for (:func:`held_key` of the numbers held back and of
    what ``latest``, the snapshot stored when they were held, says for the same names); a
    TikTok sync's offer of the numbers it held back carries it too."""
    return held_key("log", values, seen_by_log(values, latest))


def seen_by_log(values: Mapping[str, float],
                latest: MetricSnapshot | None) -> dict[str, float | str | None]:
    """What a /log hold of ``values`` was decided on: ``latest``'s numbers for the same names
    (None where it has none): once a confirm saves them, they are these ``values``."""
    return {name: None if latest is None else getattr(latest, name) for name in values}
