"""/progress, /goal and /import: growth over time, targets with projected dates, history import."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, NamedTuple

from bot import i18n
from bot.commands.checks import flagged_rows
from bot.commands.studio import import_studio, local_today, parse_downloaded
from bot.core.args import ArgError
from bot.core.context import CommandContext
from bot.core.csv_import import (
    EARLIEST,
    ImportError_,
    ImportPlan,
    date_example,
    header_example,
    read_file,
)
from bot.core.fieldnames import FieldList, field_name, typed
from bot.core.ports import Goal, Reads
from bot.core.registry import ArgSpec, ArgType, command, metric_arg
from bot.core.studio_import import read_upload
from bot.core.types import Action, Attachment, Platform, Reply
from bot.domain import numbers
from bot.domain.daily import (
    days_of,
    drawn_at,
    iso_date,
    repeated_text,
    row_moments,
    shown_moment,
    snapshot_day,
    wall_time_repeats,
)
from bot.domain.eligibility import KnownNow, as_known_now, stood_in
from bot.domain.engine import recommend
from bot.domain.estimator import income_now, rates_note
from bot.domain.facts import compute_facts
from bot.domain.metrics import (
    EARLIER_WEEKS,
    METRIC_BY_NAME,
    METRIC_NAMES,
    METRICS,
    MIN_PACE_DAYS,
    MetricSnapshot,
    corrected_series,
    engagement_rate_views,
    format_apart,
    format_metric,
    format_metrics,
    format_target,
    format_typed,
    has_weekly_pace,
    one_a_day,
    placed_at,
    typed_points,
)
from bot.domain.numbers import compact, day, money, pct
from bot.domain.payouts import Payout
from bot.domain.profile import Profile, UserSettings
from bot.domain.projection import HORIZON_YEARS, Projection, project
from bot.domain.rates import RateTables
from bot.domain.refusals import Refusal
from bot.domain.slowing import pace_shown, said_of_latest_week
from bot.domain.studio import StudioImport, Video
from bot.i18n import N_, Phrase, lazy, standalone, translate
from bot.i18n import gettext as _
from bot.render.charts import ChartSpec, render_png, sparkline

PERIODS = {"4w": timedelta(weeks=4), "3m": timedelta(days=91), "6m": timedelta(days=182),
           "1y": timedelta(days=365), "all": None}
#: How each period reads for people: an amount of a CLDR unit (:func:`numbers.quantity`);
#: "all" has no length and is said by its own sentences.
PERIOD_UNITS = {"4w": (4, "duration-week"), "3m": (3, "duration-month"),
                "6m": (6, "duration-month"), "1y": (1, "duration-year")}
CHART_METRICS = ("followers", "views", "avg_views", "engagement", "income", "likes", "diamonds")
GOAL_METRICS = ("followers", "views", "avg_views", "likes", "diamonds")
#: What each number means as /goal's argument: a target, not /log's "right now".
GOAL_HELP = {
    "followers": N_("Target followers."),
    "views": N_("Target video views in 30 days."),
    "avg_views": N_("Target average views per video."),
    "likes": N_("Target likes in 30 days."),
    "diamonds": N_("Target LIVE gift diamonds in 30 days."),
}
NAMED_GOALS = ("creator-rewards", "live", "shop")
GOAL_CATEGORIES = {"income": ("creator-rewards", "brand-deals", "live-gifts", "affiliate",
                              "own-products")}
GROWTH_CATEGORIES = ("content", "trends", "collaboration", "engagement")


def period_words(period: str) -> str | None:
    """A /progress period code (``4w``, ``3m``, ``6m``, ``1y``, ``all``) as people read it in
    the current language ('3 months', '3 Monate', '3か月'); ``None`` for ``all``, which the
    templates say with sentences of their own. Never the code itself."""
    if period not in PERIOD_UNITS:
        return None
    amount, unit = PERIOD_UNITS[period]
    return numbers.quantity(amount, unit)


def data_span(points: list[tuple[datetime, float]], zone: tzinfo) -> str:
    """The days a chart's ``points`` (oldest first) really cover, for its title: one day, or
    the first and last ('2026-11-01 – 2026-11-29'), never the period asked for, which the
    data may not fill. The creator's days (:func:`snapshot_day` in ``zone``), as /history's."""
    first = day(snapshot_day(points[0][0], zone))
    last = day(snapshot_day(points[-1][0], zone))
    return first if first == last else f"{first} – {last}"


def series(history: list[MetricSnapshot], metric: str) -> list[tuple[MetricSnapshot, float]]:
    """The values the creator actually typed (carried-forward values would draw flat lines),
    each with its snapshot, in the store's order."""
    if metric == "engagement":
        out = []
        for s in history:
            if {"likes", "views"} & s.given:
                er = engagement_rate_views(s)
                if er is not None:
                    out.append((s, er))
        return out
    return [(s, float(v)) for s in history
            if metric in s.given and (v := getattr(s, metric)) is not None]


def _label(metric: str) -> str:
    if metric == "income":
        return _("Estimated monthly income")
    return (_("Engagement by views") if metric == "engagement"
            else translate(METRIC_BY_NAME[metric].label))


def thresholds(rates: RateTables, region: str | None) -> dict[str, list[tuple[str, float]]]:
    """Payout thresholds per metric, from the rate tables (the one place that decides them)."""
    crp = rates.creator_rewards.eligibility
    crp_followers = crp.followers.value
    return {
        "followers": sorted([
            (_("LIVE"), float(rates.live_gifts.eligibility.followers.value)),
            (_("Shop"), float(rates.affiliate.eligibility.followers.value)),
            (_("Shop full"), float(rates.affiliate.eligibility.full_access_followers.value)),
            (_("Creator Rewards"), float(crp_followers)),
        ], key=lambda t: t[1]),
        "views": [(_("Creator Rewards"), float(crp.views_30d.value))],
    }


def next_threshold(rates: RateTables, region: str | None, metric: str,
                   current: float) -> tuple[str, float] | None:
    for label, value in thresholds(rates, region).get(metric, []):
        if value > current:
            return label, value
    return None


#: Points a chart draws at most: more would not show on a phone screen, and each income point
#: is a whole estimate.
MAX_POINTS = 400


def evenly(items: list[Any], limit: int = MAX_POINTS) -> list[Any]:
    """At most ``limit`` of ``items``, evenly spaced, the first and the last always kept."""
    if len(items) <= limit or limit < 2:
        return items
    step = (len(items) - 1) / (limit - 1)
    return [items[round(k * step)] for k in range(limit)]


class ChartPoints(NamedTuple):
    """What :func:`chart_points` gives: the points to draw, the creator's days they were
    chosen from (before :func:`evenly` thinned them: what the reply says it is "from logs
    on"), and for income, what was logged later and stood in at points drawn
    (:func:`~bot.domain.eligibility.as_known_now`)."""

    points: list[tuple[datetime, float]]
    days: int
    stood_in: tuple[tuple[str, float], ...] = ()


def chart_points(history: list[MetricSnapshot], metric: str, settings: UserSettings,
                 rates: RateTables, payouts: Sequence[Payout],
                 videos: Sequence[Video]) -> ChartPoints:
    """At most :data:`MAX_POINTS` points to chart (CPU-bound: run it in a worker thread), one
    a day of the creator's: the day's figure as ``/stats``, ``/goal`` and the tips read it
    (:func:`~bot.domain.metrics.one_a_day`, the rule behind
    :func:`~bot.domain.metrics.corrected_series`: the day each snapshot counts on, as the
    stores keep it; a later snapshot of the day corrects an earlier one, so a typo confirmed
    and fixed the same minute draws no spike), with how many days there were before
    thinning. Each at its stored moment (a row dated by day alone is drawn on its date). The
    days are thinned before the per-point income estimates, not after. Income is estimated
    at every point with what is known now (:func:`income_series`)."""
    zone = settings.zone
    if metric == "income":
        known = as_known_now(history)
        # each day's last snapshot, which carries the day's figures, as /goal income's fit
        # reads them a day
        daily = one_a_day([(k.snapshot, k) for k in known], zone)
        drawn = evenly(daily)
        return ChartPoints(income_series([s for s, _k in drawn], settings, rates, payouts,
                                         videos, [k.snapshot for k in known]),
                           len(daily), stood_in(k for _s, k in drawn))
    days = ([(s.taken_at, er) for s, er in one_a_day(series(history, metric), zone)]
            if metric == "engagement" else corrected_series(history, metric, zone=zone))
    return ChartPoints(evenly(days), len(days))


def income_series(history: list[MetricSnapshot], settings: UserSettings, rates: RateTables,
                  payouts: Sequence[Payout], videos: Sequence[Video],
                  stored: Sequence[MetricSnapshot], *,
                  placed: bool = False) -> list[tuple[datetime, float]]:
    """Typical monthly income "now" for each logged snapshot, in ``settings.currency``: the
    figure :func:`~bot.domain.estimator.income_now` decides (so the latest point is
    ``/estimate``'s "now", the creator's logged payouts included); ``stored`` is every
    snapshot read, which decides each point's engagement as ``/stats`` would have. Each at
    its moment, or ``placed`` where a trend is fitted on it (:func:`placed_at`). Both are
    :func:`~bot.domain.eligibility.as_known_now`'s (what /progress income and /goal income=
    pass): a video length logged later stands in where it was not known, so no point's
    eligibility differs from the latest's for want of it."""
    return [(placed_at(s, settings.zone) if placed else s.taken_at,
             income_now(s, settings, rates, payouts, videos, stored).typical)
            for s in history]


@command(
    "progress",
    summary="A chart of your growth: /progress followers 3m",
    help=lazy("Draws how a number changed over the snapshots you logged: %(metrics)s, over "
              "4w, 3m, 6m, 1y or all. Your goal is drawn as a line.",
              metrics=FieldList(*CHART_METRICS)),
    args=(
        ArgSpec("metric", ArgType.CHOICE, "What to chart.", "metric=followers",
                choices=CHART_METRICS, positional=True, default="followers"),
        ArgSpec("period", ArgType.CHOICE, "How far back.", "period=3m",
                choices=tuple(PERIODS), positional=True, default="3m"),
    ),
    examples=("/progress", "/progress views 1y", "/progress engagement all"),
    personal=True,
    group="your numbers",
    strategies=("rates",),
)
async def progress(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    metric, period = str(args["metric"]), str(args["period"])
    span = PERIODS[period]
    # "all" starts at the earliest date an import accepts: rows stored before that rule
    # (year 1, 1900) would otherwise draw a century of nothing, or no chart at all.
    since = EARLIEST if span is None else ctx.clock.now() - span
    history = await ctx.store.history(ctx.user.id, since=since)
    settings = await ctx.store.get_settings(ctx.user.id)
    payouts = await ctx.store.payouts(ctx.user.id) if metric == "income" else []
    videos = await ctx.store.videos(ctx.user.id) if metric == "income" else []
    # Off the event loop: a long history's points (and their estimates) wait for no one.
    points, days, stood = await asyncio.to_thread(chart_points, history, metric, settings,
                                                  ctx.services.rates, payouts, videos)
    if len(points) < 2:
        # The field's name as the creator types it (German keeps its capital: "Likes"),
        # never a label lower-cased to fit inside a sentence.
        return Reply("progress_empty", {"metric": field_name(metric), "count": len(points),
                                        "period": period_words(period)})
    goals = {g.metric: g for g in await ctx.store.goals(ctx.user.id)}
    lines = []
    if metric == "income" and "income" in goals:  # stored in USD, drawn in the chart's
        rates = ctx.services.rates
        currency = settings.currency if settings.currency in rates.currencies.per_eur else "USD"
        target = rates.currencies.from_usd(goals["income"].target, currency)
        lines.append((_("your goal: %(amount)s a month", amount=money(target, currency)),
                      target))
    elif metric in goals:
        # (the target as it was set: 5,001 is "5.001k", never "5k", format_target)
        lines.append((_("your goal: %(target)s",
                        target=format_target(metric, goals[metric].target, None)[0]),
                      goals[metric].target))
    unlock = next_threshold(ctx.services.rates, settings.region, metric, points[-1][1])
    if unlock is not None:
        lines.append((_("%(route)s unlocks at %(value)s %(metric)s", route=standalone(unlock[0]),
                        value=compact(unlock[1]), metric=field_name(metric)), unlock[1]))
    zone = settings.zone
    spec = ChartSpec(title=f"{_label(metric)} · {data_span(points, zone)}",
                     label=_label(metric),
                     points=[(drawn_at(at, zone), value) for at, value in points],
                     percent=metric == "engagement", lines=lines,
                     currency=settings.currency if metric == "income" else None, zone=zone)
    png = await asyncio.to_thread(render_png, spec)
    first, last = points[0][1], points[-1][1]
    # both with the digits that tell them apart (metrics.format_apart): never "2.1k → 2.1k"
    if metric == "income":
        ends = numbers.money_ends(first, last, currency=settings.currency)
    else:
        ends = format_apart("completion_rate" if metric == "engagement" else metric, first,
                            last)

    return Reply(
        "progress",
        # the days the points come from, not the points left after thinning (MAX_POINTS)
        {"metric": _label(metric), "period": period_words(period), "count": days,
         "first": ends[0], "last": ends[1],
         "change": None if metric in ("engagement", "income") else
         numbers.signed(last - first, format_metric(metric, abs(last - first))),
         "spark": sparkline([v for _, v in points]),
         # amounts converted from USD: the rates' day (None for USD, or no amounts)
         "rates_note": rates_note(ctx.services.rates.currencies, settings.currency)
         if metric == "income" else None,
         # what was logged later and stood in at earlier points (as_known_now)
         "stood_in": later_values(stood)},
        attachments=(Attachment(f"progress-{metric}-{period}.png", "image/png", png),),
        data={"metric": metric, "first": first, "last": last, "stood_in": dict(stood),
              # at: the stored moment (UTC); shown: as /history shows it (the creator's local
              # time, or the date of a row dated by day alone)
              "points": [{"at": at.isoformat(), "shown": shown_moment(at, zone), metric: value}
                         for at, value in points]},
    )


def later_values(stood: Sequence[tuple[str, float]]) -> str | None:
    """What was logged later and stood in at earlier points of an income series
    (:func:`~bot.domain.eligibility.stood_in`), as the creator types it, for the note that
    says so (``avg_video_length=48s``; German ``Videolänge=48 Sek.``); None when nothing
    did."""
    return numbers.items(typed(k, format_typed(k, v)) for k, v in stood) or None


def _usd(settings: UserSettings) -> UserSettings:
    return replace(settings, currency="USD")


def _slowed(history: list[MetricSnapshot], settings: UserSettings, p: Projection,
            now: datetime) -> dict[str, Any] | None:
    """When follower growth has slowed by the rule the tips read, or fell in the latest week
    (:func:`bot.domain.slowing.said_of_latest_week`: the latest week under half the median
    of the :data:`~bot.domain.metrics.EARLIER_WEEKS` weeks before it at most, or a fall: the
    week the tips' fall is decided on), the two paces as /why shows them (the earlier None
    for a fall with none to compare; ``weeks``: that most), whether it fell, and the day
    the target is reached at the latest week's pace by the projection's own model
    (:meth:`~bot.domain.projection.Projection.at_pace`: a linear trend goes on by the
    week's followers, a compound one by its percent, from the latest value's moment, never
    sooner than the trend's date); ``eta`` None with ``beyond`` when that pace grows but
    only past the projection's horizon (``years`` away), None without ``beyond`` when it
    never does: the trend fitted over 12 weeks would otherwise promise a date the recent
    pace no longer supports."""
    slow = said_of_latest_week(history, settings.zone)  # a fall without an earlier pace too
    if slow is None:
        return None
    arrival = p.at_pace(slow.gain, slow.latest, now)
    return {"latest": pace_shown(slow.latest),
            "earlier": None if slow.earlier is None else pace_shown(slow.earlier),
            "falling": slow.falling, "weeks": EARLIER_WEEKS,
            "eta": None if arrival.eta is None else settings.today(arrival.eta).isoformat(),
            "beyond": arrival.beyond, "years": HORIZON_YEARS}


def goal_view(goal: Goal, history: list[MetricSnapshot], settings: UserSettings,
              rates: RateTables, now: datetime, payouts: Sequence[Payout],
              videos: Sequence[Video]) -> dict[str, Any]:
    stood: list[tuple[datetime, KnownNow]] = []  # income points a later value stood in at
    if goal.metric == "income":  # stored and projected in USD, shown in the user's currency
        # every point estimated with what is known now, as /progress income draws them
        known = as_known_now(history)
        now_known = [k.snapshot for k in known]
        points = income_series(now_known, _usd(settings), rates, payouts, videos, now_known,
                               placed=True)
        stood = [(t, k) for (t, _v), k in zip(points, known, strict=True) if k.stood_in]
        currency = settings.currency if settings.currency in rates.currencies.per_eur else "USD"

        def show(v: float) -> str:
            return money(rates.currencies.from_usd(v, currency), currency)
    else:
        # each point where a trend places it (placed_at: a row dated by day alone at noon of
        # the creator's day it counts on, not at its noon UTC, nor on its date when that is
        # another day), so the fit's one a day (projection.one_per_day) is by the day each
        # counts on, as corrected_series gives the tips' facts and /progress draws them
        points = typed_points(history, goal.metric, settings.zone)

        def show(v: float) -> str:
            return format_metric(goal.metric, v)
    p = project(points, goal.target, now, zone=settings.zone)
    # the days the trend was fitted over (on the creator's wall clock, as /stats counts
    # them): a pace a week needs a week of them (weekly_pace)
    span = None if p.trend is None or not points else \
        p.trend.days_to(max(t for t, _v in points))
    paced = span is not None and has_weekly_pace(span)
    weekly_growth = p.weekly_growth if paced else None
    eta = p.eta if paced else None
    # from when the snapshots span a week: the first one the fit reads, plus a week
    pace_from = None if p.trend is None or paced else \
        max(snapshot_day(p.trend.origin, settings.zone) + timedelta(days=MIN_PACE_DAYS),
            settings.today(now))
    deadline = None
    needed = None
    if goal.deadline is not None and points:  # without a value now, nothing to count from
        # the deadline's day begins in the creator's time zone, not UTC's
        by = datetime.combine(goal.deadline, datetime.min.time(), tzinfo=settings.zone)
        days_left = (goal.deadline - settings.today(now)).days
        # a week or more away: the growth a week it needs; nearer, what it needs in all
        # (never a pace a week made from a few days or hours)
        needed = (p.needed_per_week(by, now, settings.zone) if has_weekly_pace(days_left)
                  else None)
        more = max(0.0, goal.target - p.current)
        # a pace that rounds to nothing (a far deadline: 20 followers in a few years) is
        # "less than 1 a week", never "about 0 a week"
        below = needed is not None and needed > 0 and show(needed) == show(0.0)
        deadline = {"date": goal.deadline.isoformat(),
                    "needed": None if needed is None else show(needed),
                    "needed_below": show(1.0) if below else None,
                    "days_left": days_left, "more": show(more),
                    "on_track": p.reached or (eta is not None and eta <= by),
                    # a passed date: the line that sets a new one (four weeks from today)
                    "example": None if days_left >= 0 else
                    _goal_line(goal, settings, rates, settings.today(now) + timedelta(weeks=4))}
    slowed = None
    if goal.metric == "followers" and paced and not p.reached and points:
        slowed = _slowed(history, settings, p, now)
    shown = (format_target(goal.metric, goal.target, p.current)
             if goal.metric in METRIC_BY_NAME else (show(goal.target), show(p.current)))
    return {
        "slowed": slowed,
        "metric": _label(goal.metric),
        "field": goal.metric,
        "field_name": field_name(goal.metric),  # as the creator types it (German "Follower")
        # (a number's target as it was set, and now with the digits that tell them apart:
        # format_target)
        "target": shown[0],
        "current": None if not points else shown[1],
        # the latest value's day when it is not today: every date below counts from it
        "as_of": None if p.as_of is None or snapshot_day(p.as_of, settings.zone)
        == settings.today(now) else snapshot_day(p.as_of, settings.zone).isoformat(),
        "reached": p.reached,
        "eta": None if eta is None else settings.today(eta).isoformat(),  # the creator's
        # growing, but the date lies past the projection's horizon: "more than N years"
        # (never "you won't get there", said only at a pace of 0 or less)
        "beyond": paced and p.beyond, "years": HORIZON_YEARS,
        "weekly": None if weekly_growth is None else
        numbers.signed(weekly_growth, pct(abs(p.weekly_rate)) if p.weekly_rate is not None
                       else show(abs(weekly_growth))),
        "falling": weekly_growth is not None and weekly_growth < 0,
        # what the pace is read from: so many logs (always 2 or more) over so many days
        "logs": None if p.trend is None or not points else p.trend.points,
        "days": None if span is None else numbers.whole(span),
        # a span too short for a pace, as shown: to the tenth below (6.96 days are "6.9",
        # never "7 days … (it takes 7 days)"), and the count that picks the plural form
        "short_span": None if span is None or paced else _short_span(span),
        "pace_from": None if pace_from is None else pace_from.isoformat(),
        # the day to log again is today: said so, not as a date the creator has to place
        "pace_today": pace_from is not None and pace_from == settings.today(now),
        "model": None if p.trend is None else p.trend.model,
        "points": len(points),
        # what was logged later and stood in at points the trend reads (as_known_now)
        "stood_in": None if p.trend is None else later_values(
            stood_in(k for t, k in stood if t >= p.trend.origin)),
        # how to log the goal's number (no value of it known yet)
        "log_example": "/log " + (typed(goal.metric, METRIC_BY_NAME[goal.metric].example
                                        .split("=", 1)[1])
                                  if goal.metric in METRIC_BY_NAME
                                  else f"{typed('followers', '12k')} {typed('views', '40k')}"),
        "deadline": deadline,
        # The same as plain numbers, in the goal's unit (USD a month for income), for
        # ``ask --json``: the change a week of the trend, and the one a deadline needs.
        "weekly_growth": weekly_growth,
        "needed_per_week": needed,
        "on_track": None if deadline is None else deadline["on_track"],
    }


def _goal_line(goal: Goal, settings: UserSettings, rates: RateTables, by: date) -> str:
    """``goal`` as the /goal line that sets it again with the deadline ``by``, typed as the
    current language types it (German ``/goal Follower=5.000 by=…``); an income goal in the
    creator's currency, as /goal income= takes it."""
    if goal.metric == "income":
        currency = settings.currency if settings.currency in rates.currencies.per_eur else "USD"
        amount = numbers.whole(rates.currencies.from_usd(goal.target, currency))
        return f"/goal {typed('income', str(amount))} by={by.isoformat()}"
    return f"/goal {typed(goal.metric, format_typed(goal.metric, goal.target))} " \
           f"by={by.isoformat()}"


def _short_span(days: float) -> dict[str, Any]:
    """``days`` (fewer than a week) as /goal says a span too short for a pace: the whole days
    it spans, counted down (6.96 days span 6 whole days, never "7 days … (it takes 7
    days)"), with the count that picks the plural form."""
    whole_days = math.floor(days)
    return {"shown": whole_days, "count": whole_days}


def _parse_deadline(text: str) -> date:
    try:
        return iso_date(text)  # (never a week without its day: 2026-W46)
    except ValueError:
        raise Refusal(_("'%(text)s' is not a date; use YYYY-MM-DD, e.g. by=2027-03-01.",
                        text=numbers.kept(text))) from None


def named_targets(name: str, rates: RateTables, region: str | None) -> dict[str, float]:
    crp = rates.creator_rewards.eligibility
    if name == "creator-rewards":
        return {"followers": float(crp.followers.value),
                "views": float(crp.views_30d.value)}
    if name == "live":
        return {"followers": float(rates.live_gifts.eligibility.followers.value)}
    return {"followers": float(rates.affiliate.eligibility.full_access_followers.value)}


def not_offered(name: str, rates: RateTables, region: str | None) -> str | None:
    """The programme of named goal ``name`` when it is known not to be offered in
    ``region`` (:func:`bot.domain.eligibility.offered`, what /estimate's country requirement
    reads: a country missing from an exhaustive list), else None."""
    from bot.domain.eligibility import offered

    lists = {"creator-rewards": ("Creator Rewards", rates.creator_rewards.eligibility.regions),
             "shop": ("TikTok Shop", rates.affiliate.eligibility.regions)}
    if region is None or name not in lists:
        return None
    programme, regions = lists[name]
    return programme if offered(region, regions) is False else None


#: What /goal reads for the creator besides their settings: the goals (as they stand
#: without the ones it sets), and what each goal's projection and income read.
GOAL_READS = Reads(history=200, payouts=True, videos=True, goals=True)


def goal_example(latest: MetricSnapshot | None, today: date, metric: str = "followers",
                 by: bool = False) -> str:
    """The one /goal example line for this creator, as the current language types it: a
    goal it takes for them, ``metric`` (a /goal number, or income) above their ``latest``
    number (the first round one: 50k now, followers=100k; 10k with none known; an income goal
    is an estimate's, never refused as met: income=500), and with ``by`` a date after their
    ``today`` (the first of the month three months on). What every /goal refusal, and /goal
    with no goals, shows (:func:`goal_refused_example`)."""
    if metric == "income":
        line = f"/goal {typed('income', '500')}"
    else:
        if metric not in GOAL_METRICS:
            metric = "followers"
        now_value = None if latest is None else getattr(latest, metric)
        target = _above(float(now_value)) if now_value is not None else 10_000.0
        line = f"/goal {typed(metric, compact(target))}"
    if not by:
        return line
    month = today.month + 3
    later = date(today.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return f"{line} by={later.isoformat()}"


async def goal_refused_example(store: Any, user_id: int | None, now: datetime,
                               exc: ArgError) -> str:
    """The example line under any /goal refusal (the dispatcher's, for a refusal of its
    arguments as read and of the handler alike): :func:`goal_example` for the number the
    refusal names (followers for any other), with a date when the refusal is of ``by=``, from
    the creator's latest snapshot and today (none known: a new creator's)."""
    latest = None if user_id is None else await store.latest_snapshot(user_id)
    zone_today = (now.date() if user_id is None
                  else (await store.get_settings(user_id)).today(now))
    metric = exc.arg if exc.arg in (*GOAL_METRICS, "income") else "followers"
    return goal_example(latest, zone_today, str(metric), by=exc.arg == "by")


def _reads_for(raw: str) -> bool:
    """Whether /goal with ``raw`` uses :data:`GOAL_READS`: not ``/goal clear`` (it only
    deletes; a rarer spelling such as clear=yes is read ahead for nothing, harmlessly)."""
    return raw.strip().lower() != "clear"


@command(
    "goal",
    summary="Set a target and see when you will reach it: /goal followers=10k",
    help=lazy("Sets a target and projects the date you reach it from your recent trend (a "
              "robust fit over the last 12 weeks): a number (%(metrics)s), a monthly income "
              "(income=500, in your currency), or a payout route's thresholds "
              "(creator-rewards, live, shop). Add by=YYYY-MM-DD to see the weekly growth you "
              "need. /goal alone shows your goals; /goal clear removes them.",
              metrics=FieldList(*GOAL_METRICS)),
    args=(ArgSpec("route", ArgType.CHOICE, "A payout route's thresholds as the goal.",
                  "creator-rewards", choices=NAMED_GOALS, positional=True),
          *(metric_arg(METRIC_BY_NAME[m], help=GOAL_HELP[m]) for m in GOAL_METRICS),
          ArgSpec("income", ArgType.NUMBER, "Monthly income, in your currency.", "income=500",
                  minimum=0, maximum=1e9),
          ArgSpec("by", ArgType.TEXT, "A date to reach it by.", "by=2027-03-01",
                  normalize=_parse_deadline),
          ArgSpec("clear", ArgType.FLAG, "Remove your goals.", "clear")),
    examples=("/goal followers=10k", "/goal creator-rewards", "/goal income=500 by=2027-06-01",
              "/goal"),
    personal=True,
    group="your numbers",
    reads=GOAL_READS,
    reads_for=_reads_for,
    strategies=("rates", "rules"),
    refusal_example=goal_refused_example,
)
async def goal(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    now = ctx.clock.now()
    rates = ctx.services.rates
    if args.get("clear"):
        removed = await ctx.store.clear_goals(ctx.user.id)
        return Reply("goals_cleared", {"removed": removed})
    settings = await ctx.store.get_settings(ctx.user.id)
    targets = {k: float(v) for k, v in args.items() if k in GOAL_METRICS}
    for metric in (*targets, "income"):
        target = float(args[metric]) if metric in args else None
        if target is not None and target <= 0:  # (met before it is set: no goal)
            # (the example line: the dispatcher's, goal_refused_example)
            raise ArgError(_("%(name)s: a goal must be above zero (you typed %(text)s).",
                             name=field_name(metric),
                             text=(numbers.whole(target) if metric == "income"
                                   else format_typed(metric, target))), arg=metric)
    preset = (named_targets(str(args["route"]), rates, settings.region)
              if args.get("route") else {})
    if args.get("income") is not None:
        currency = settings.currency if settings.currency in rates.currencies.per_eur else "USD"
        targets["income"] = float(args["income"]) / rates.currencies.from_usd(1.0, currency)
    deadline: date | None = args.get("by")
    if deadline is not None and not targets:
        raise ArgError(_("Say which number the date is for: a goal and by= on one line."),
                       arg="by")
    today = settings.today(now)  # the creator's today, not UTC's
    if deadline is not None and deadline <= today:
        raise ArgError(_("by=%(date)s is not in the future (today is %(today)s in "
                         "%(zone)s): pick a later date.", date=deadline.isoformat(),
                         today=day(today), zone=settings.timezone), arg="by")
    read = await ctx.read(GOAL_READS)  # (before the goals are written)
    assert read.history is not None and read.payouts is not None and read.videos is not None
    assert read.goals is not None
    history, payouts, videos = read.history, read.payouts, read.videos
    _refuse_met(targets, history)
    # a route's thresholds never silently replace a higher goal the creator set, nor set a
    # goal already met, nor raise a lower one unsaid: those are said ("kept", "qualified",
    # "raised")
    kept, qualified, raised = _preset_targets(preset, targets, read.goals, history)
    # the goals as they stand after the write, read in its trip
    goals = (await ctx.store.set_goals(ctx.user.id, targets, deadline, now) if targets
             else read.goals)
    views = [goal_view(g, history, settings, rates, now, payouts, videos) for g in goals]
    open_goals = [g for g, v in zip(goals, views, strict=True) if not v["reached"]]
    categories = sorted({c for g in open_goals
                         for c in GOAL_CATEGORIES.get(g.metric, GROWTH_CATEGORIES)})
    help_tips: list[dict[str, str]] = []
    if open_goals and history:
        profile = Profile(settings, history[-1], tuple(history), payouts=tuple(payouts))
        facts = compute_facts(profile, rates, now)
        ranked = [t for c in categories
                  for t in recommend(ctx.services.catalogue, facts, limit=1, category=c)]
        ranked.sort(key=lambda t: -t.score)
        help_tips = [{"id": t.id, "title": t.title} for t in ranked[:2]]
    latest = history[-1] if history else None

    def current(metric: str) -> float | None:  # income in USD a month, as its target
        if latest is None:
            return None
        if metric == "income":
            return income_now(latest, _usd(settings), rates, payouts, videos,
                              history, settings.today(now)).typical
        return getattr(latest, metric) if metric in METRIC_NAMES else None

    data = {"goals": [{"metric": g.metric, "target": g.target, "current": current(g.metric),
                       "deadline": None if g.deadline is None else g.deadline.isoformat()}
                      for g in goals]}
    # an income goal is shown converted from USD: the rates' day (None: USD, or no such goal)
    currency = settings.currency if settings.currency in rates.currencies.per_eur else "USD"
    note = (rates_note(rates.currencies, currency)
            if any(g.metric == "income" for g in goals) else None)
    return Reply("goals", {"goals": views, "set": sorted(targets), "tips": help_tips,
                           # a goal this creator can set (goal_example), alone and with a date
                           "examples": [goal_example(latest, today),
                                        goal_example(latest, today, by=True)],
                           "rates_note": note, "route": args.get("route"),
                           "not_offered": (None if not args.get("route") else not_offered(
                               str(args["route"]), rates, settings.region)),
                           "region": settings.region,
                           "kept": kept, "qualified": qualified, "raised": raised},
                 data=data)


def _latest_value(history: Sequence[MetricSnapshot], metric: str) -> float | None:
    """The last value of ``metric`` the creator has (a snapshot may lack it)."""
    for snap in reversed(history):
        value = getattr(snap, metric, None)
        if value is not None:
            return float(value)
    return None


def _above(current: float) -> float:
    """The first round number (1, 2 or 5 times a power of ten) above ``current``: a goal to
    offer for a number already met (5.3k -> 10k)."""
    step = 1.0
    while True:
        for factor in (1.0, 2.0, 5.0):
            if step * factor > current:
                return step * factor
        step *= 10


def _refuse_met(targets: dict[str, float], history: Sequence[MetricSnapshot]) -> None:
    """The one check of a typed goal against the creator's latest number: a goal already met
    when it is set (``/goal followers=3k`` at 5k, ``/goal creator-rewards views=1``) is no
    goal, refused in one sentence naming the number now and a goal above it; nothing is
    stored."""
    for metric, target in targets.items():
        if metric == "income":  # (an estimate, not a number typed: shown as it goes)
            continue
        now_value = _latest_value(history, metric)
        if now_value is not None and now_value >= target:
            shown, now_shown = format_target(metric, target, now_value)
            raise ArgError(
                _("Your %(field)s already meet a goal of %(target)s (%(current)s now): set a "
                  "higher one.", field=field_name(metric),
                  target=shown, current=now_shown),
                arg=metric)  # (the example line: goal_refused_example's)


def _preset_targets(preset: dict[str, float], targets: dict[str, float],
                    goals: Sequence[Goal], history: Sequence[MetricSnapshot],
                    ) -> tuple[list[dict[str, str]], list[dict[str, str]],
                               list[dict[str, str]]]:
    """Adds a route's thresholds (``preset``) to ``targets`` where they are news: a number
    typed alongside wins; a higher goal of the creator's own stays (listed in the first
    list: "kept"); a threshold the creator's latest number already meets is not set as a
    goal (the second list: "qualified"); a lower goal of the creator's own that the
    threshold replaces is said with its old and new value (the third: "raised")."""
    kept: list[dict[str, str]] = []
    qualified: list[dict[str, str]] = []
    raised: list[dict[str, str]] = []
    own = {g.metric: g.target for g in goals}
    for metric, threshold in preset.items():
        if metric in targets:
            continue
        now_value = _latest_value(history, metric)
        if now_value is not None and now_value >= threshold:
            current, shown = format_metrics(metric, now_value, threshold)
            qualified.append({"field": field_name(metric), "current": current,
                              "threshold": shown})
            continue
        # the creator's own goal as they set it (format_typed: 5,001 is "5.001k", never the
        # "5k" that reads as another goal)
        if own.get(metric, 0.0) > threshold:
            kept.append({"field": field_name(metric),
                         "target": format_typed(metric, own[metric]),
                         "threshold": format_metric(metric, threshold)})
            continue
        if metric in own and own[metric] < threshold:
            raised.append({"field": field_name(metric),
                           "old": format_typed(metric, own[metric]),
                           "new": format_metric(metric, threshold)})
        targets[metric] = threshold
    return kept, qualified, raised


def _plan_view(plan: ImportPlan) -> dict[str, Any]:
    sample, more = numbers.first_shown(plan.rows)  # the list rule /undo's lists follow
    days, first_day, last_day = plan.day_span()
    return {
        "rows": plan.read,  # the file's rows (a date or time repeated counts each row)
        "snapshots": len(plan.rows),  # what they make: one a date or time
        "days": days,
        "columns": [field_name(c) for c in plan.columns if c != "date"],
        # the creator's days (snapshot_day): a row's time of day in their time zone
        "first": None if first_day is None else first_day.isoformat(),
        "last": None if last_day is None else last_day.isoformat(),
        "duplicates": plan.duplicates,
        "repeated": {(d.astimezone(plan.zone) if isinstance(d, datetime) else d).isoformat(): n
                     for d, n in plan.repeated.items()},
        "repeated_text": repeated_text(plan.repeated, plan.zone),
        "errors": plan.errors,
        # a row's date, or with its time of day its local time to the minute (as /history)
        "sample": [{"date": shown_moment(t, plan.zone),
                    "offset": wall_time_repeats(t, plan.zone),  # a local time twice: +offset
                    # name=value pairs as /log takes them in the language, not a list in words
                    # each value with the digits the file has (36.441k, never 36.4k)
                    "fields": ", ".join(typed(k, format_typed(k, v)) for k, v in vals.items())}
                   for t, vals in sample],
        "more": more,  # the rows not in the sample: "… and 3 more"
    }


@command(
    "import",
    summary="Load your history: TikTok Studio's download, or a CSV of dated numbers",
    help=lazy("Send what TikTok Studio › Analytics › Download data gives you, as it comes: "
          "Overview, FollowerHistory, Viewers, Content, FollowerActivity, FollowerGender, "
          "FollowerTopTerritories (CSV or .xlsx), or the .zip of several. Their dates have no "
          "year: I count back from today, or from downloaded=YYYY-MM-DD if you downloaded them "
          "on another day. Or send your own CSV with a header row: date (YYYY-MM-DD) and any of "
          "%(fields)s. I show a preview first; nothing is written "
          "until you confirm, and a file with any bad row is not imported at all. In the "
          "console give the file's path: /import path=history.csv",
              fields=FieldList(*(m.name for m in METRICS))),
    args=(ArgSpec("path", ArgType.TEXT, "Console only: the file's path.",
                  "path=history.csv", positional=True, max_length=400, free_text=True),
          ArgSpec("downloaded", ArgType.TEXT,
                  "TikTok Studio files: the day you downloaded them (default: today).",
                  "downloaded=2026-03-09", normalize=parse_downloaded),
          ArgSpec("confirm", ArgType.FLAG, "Write the previewed rows.", "confirm")),
    examples=("/import path=history.csv", "/import path=history.csv confirm",
              "/import path=tiktok_studio_export.zip downloaded=2026-03-09"),
    personal=True,
    group="your numbers",
    accepts_file=True,
)
async def import_(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    data: bytes | None = None
    source = ""
    filename = ""
    if args.get("path"):
        if ctx.request.platform is not Platform.CONSOLE:
            raise ArgError(_("Send the CSV file as an attachment instead of a path."),
                           arg="path")
        path = Path(str(args["path"]))
        try:
            data = await asyncio.to_thread(read_file, path)
        except ImportError_ as exc:
            return Reply("import_refused", {"message": Phrase(exc.marked), "errors": []},
                         is_error=True)
        except OSError as exc:
            raise ArgError(_("I can't read %(path)s: %(reason)s.", path=numbers.kept(str(path)),
                             reason=i18n.os_reason(exc)), arg="path") from exc
        shown = str(args["path"])
        source = f'path="{shown}"' if any(c.isspace() for c in shown) else f"path={shown}"
        filename = path.name
    else:
        for attachment in ctx.request.attachments:
            data, source = attachment.data, attachment.filename
            filename = attachment.filename
            break
    if data is None:
        return Reply("import_help", {"platform": str(ctx.request.platform),
                                     "header_example": header_example(),
                                     "date_example": date_example()})
    now = ctx.clock.now()
    settings = await ctx.store.get_settings(ctx.user.id)
    today = local_today(now, settings.timezone)
    downloaded: date | None = args.get("downloaded")
    if downloaded is not None and downloaded > today:
        raise ArgError(_("downloaded=%(date)s is in the future (today is %(today)s).",
                         date=downloaded, today=day(today)),
                       arg="downloaded")
    try:
        # Off the event loop, like the store's side of the import: a big file waits for no one.
        plan = await asyncio.to_thread(
            lambda: read_upload(data, filename, now=now, downloaded=downloaded or today,
                                downloaded_given=downloaded is not None, today=today,
                                zone=settings.zone, locale=ctx.request.locale))
    except ImportError_ as exc:
        return Reply("import_refused", {"message": Phrase(exc.marked), "errors": []},
                         is_error=True)
    if isinstance(plan, StudioImport):
        return await import_studio(ctx, plan, source, bool(args.get("confirm")),
                                   ctx.again(args, confirm=True))
    if plan.errors:
        return Reply("import_refused", {"message": _("Nothing was imported."),
                                        "errors": plan.errors}, is_error=True)
    imported = await ctx.store.imported_days(ctx.user.id)
    # The days it replaces, decided as the store decides them when it writes: the creator's
    # days (snapshot_day) of its rows that an earlier import holds (replaced_on: the date its
    # file wrote, or the day a moment is on now; from the rows' moments: a clean file's rows
    # are not built only to be counted)
    replaces = len(days_of(row_moments(plan.rows), plan.zone) & imported)
    if not args.get("confirm"):
        actions: tuple[Action, ...] = ()
        if ctx.request.platform is Platform.CONSOLE:
            actions = (Action(_("Import"), ctx.again(args, confirm=True), "primary"),)
        return Reply("import_preview", {"plan": _plan_view(plan), "source": source,
                                        "replaces": replaces,
                                        "flagged": await flagged_rows(ctx, plan.rows),
                                        "console": bool(actions),
                                        "platform": str(ctx.request.platform)},
                     actions=actions)
    written = await ctx.store.import_snapshots(ctx.user.id, plan.rows, now=now)
    return Reply("imported", {"rows": plan.read, "snapshots": written, "plan": _plan_view(plan),
                              "replaces": replaces})
