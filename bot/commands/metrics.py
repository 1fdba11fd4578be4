"""/log and /stats: a creator's numbers over time."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from bot.commands.audience import audience_view
from bot.commands.keys import confirms, typed_key
from bot.core.context import CommandContext
from bot.core.ports import Reads
from bot.core.registry import ArgSpec, ArgType, command, metric_args
from bot.core.types import Action, Reply
from bot.domain import numbers
from bot.domain.daily import snapshot_day
from bot.domain.metrics import (
    EARLIER_WEEKS,
    METRIC_BY_NAME,
    METRIC_NAMES,
    METRICS,
    PERIOD_DAYS,
    Growth,
    HistoryReach,
    Kpis,
    MetricSnapshot,
    as_of,
    compute_kpis,
    engagement_formula,
    engagement_gap,
    format_apart,
    format_metric,
    format_target,
    goal_share,
    implausible,
    left_out,
    left_out_sentence,
    log_key,
    rate_digits,
    span_of_growth,
    window_ends,
)
from bot.domain.numbers import count, pct
from bot.domain.refusals import Refusal
from bot.domain.slowing import pace_shown, said_of_latest_week
from bot.domain.studio import Reach, Video, breakouts, reach
from bot.domain.videos import ViewsPerVideo, views_per_video
from bot.i18n import gettext as _
from bot.i18n import lazy, translate

HISTORY_FOR_TRENDS = 104  # snapshots read for growth and trends (two years of weekly logs)


def metric_rows(snapshot: MetricSnapshot, history: list[MetricSnapshot] | None = None,
                zone: tzinfo = UTC) -> list[dict[str, Any]]:
    """The snapshot's known metrics as /stats lists them; a 30-day total from another window
    than the newest (:func:`~bot.domain.metrics.window_ends`) says which 30 days it covers,
    to the creator's day of the snapshot that gave it (in ``zone``, their time zone)."""
    older = window_ends(snapshot, history)

    def shown(name: str, value: float) -> str:
        text = format_metric(name, value)
        if name in older:
            return _("%(value)s (30 days to %(day)s)", value=text,
                     day=numbers.day(snapshot_day(older[name], zone)))
        return text

    return [
        {"name": m.name, "label": translate(m.label), "value": shown(m.name, v),
         "typed": m.name in snapshot.given}
        for m in METRICS
        if (v := getattr(snapshot, m.name)) is not None
    ]


def growth_view(g: Growth | None, zone: tzinfo) -> dict[str, Any] | None:
    """The change in followers ``g`` in words for /stats and /log; a change inside the rounding
    of a typed count (:attr:`Growth.rounded`) is "about the same", with no percentage or
    pace (:func:`bot.domain.metrics.within_rounding`). The earlier snapshot's day is the
    creator's (in ``zone``, their time zone: :func:`~bot.domain.daily.snapshot_day`)."""
    if g is None:
        return None
    def signed(change: float) -> str:  # followers are people: whole, "+12", "−3", "+0"
        return numbers.signed(change, format_metric("followers", abs(change)))

    since_day = snapshot_day(g.since, zone) if g.since else None
    since = numbers.day(since_day) if since_day else None
    tenths = numbers.rounded(g.days, 1)  # the days as shown (days_shown): 7, 1.2
    if g.rounded and g.since_source == "import":
        heading = _("Followers since your import of %(since)s: about the same", since=since)
    elif g.rounded and g.since_source == "sync":
        heading = _("Followers since your TikTok sync of %(since)s: about the same",
                    since=since)
    elif g.rounded:
        heading = _("Followers since your log of %(since)s: about the same", since=since)
    elif g.since_source == "import":
        heading = _("Followers since your import of %(since)s: %(delta)s", since=since,
                    delta=signed(g.delta))
    elif g.since_source == "sync":
        heading = _("Followers since your TikTok sync of %(since)s: %(delta)s", since=since,
                    delta=signed(g.delta))
    else:
        heading = _("Followers since your log of %(since)s: %(delta)s", since=since,
                    delta=signed(g.delta))
    return {
        "heading": heading,  # names where the earlier count came from
        "delta": signed(g.delta),
        "ratio": None if g.ratio is None or g.rounded else numbers.signed_pct(g.ratio),
        "per_week": None if g.per_week is None or g.rounded else signed(g.per_week),
        # chooses the plural form (an int: gettext refuses 7.5); 1.2 days are "days"
        "days": int(tenths) if tenths == int(tenths) else max(2, numbers.whole(g.days)),
        "days_shown": numbers.days(g.days),  # 7 / 1.5 / 1,5: a decimal only when not whole
        "since": since_day.isoformat() if since_day else None,
    }


def slowed_view(history: list[MetricSnapshot], zone: tzinfo) -> dict[str, Any] | None:
    """Whether follower growth has slowed or fell in the latest week
    (:func:`bot.domain.slowing.said_of_latest_week`, the rules the tips read), with the two
    paces as /why and /goal quote them (``earlier`` None: a fall with none to compare with;
    ``weeks``: the most weeks before it the earlier pace is the median of); None: neither.
    ``history`` may be the part /stats reads (:attr:`HistoryReach.STATS`)."""
    slow = said_of_latest_week(history, zone)
    if slow is None:
        return None
    return {"latest": pace_shown(slow.latest),
            "earlier": None if slow.earlier is None else pace_shown(slow.earlier),
            "falling": slow.falling,
            "weeks": EARLIER_WEEKS}  # the most weeks the earlier pace is the median of


def metric_data(snapshot: MetricSnapshot, k: Kpis, out: tuple[str, ...]) -> dict[str, Any]:
    """Metric and KPI values (``k``: ``compute_kpis(snapshot, history)``) as plain numbers
    under their names (for ``ask --json``), with the parts of engagement by views not counted
    in it (``out``: ``left_out(snapshot, history)``, :func:`bot.domain.metrics.left_out`)."""
    kpis = {name: getattr(k, name) for name in (
        "engagement_rate_views", "engagement_rate_followers", "likes_per_view",
        "comments_per_view", "shares_per_view")}
    return {**snapshot.known(), **kpis, "taken_at": snapshot.taken_at.isoformat(),
            "engagement_left_out": list(out)}


def kpi_view(snapshot: MetricSnapshot, history: list[MetricSnapshot], k: Kpis,
             out: tuple[str, ...], zone: tzinfo) -> dict[str, Any]:
    """The KPIs ``k`` (``compute_kpis(snapshot, history)``) in words for a reply; ``out`` is
    ``left_out(snapshot, history)`` (:func:`bot.domain.metrics.left_out`), which the reply's
    data gives too (:func:`metric_data`); ``zone``: the creator's time zone (whose days the
    growth names)."""
    rates = {name: None if (value := getattr(k, name)) is None else pct(value, rate_digits(name))
             for name in ("engagement_rate_views", "engagement_rate_followers", "likes_per_view",
                          "comments_per_view", "shares_per_view")}
    return {
        **rates,
        "growth": growth_view(k.follower_growth, zone),
        "engagement_gap": None if (gap := engagement_gap(snapshot, history)) is None
        else gap.sentence,
        # the parts of another window than the views, not counted: the formula names the rest
        "engagement_formula": engagement_formula(out),
        "engagement_left_out": left_out_sentence(out),
    }


class _HeldBack(Exception):
    """``/log``'s numbers look wrong next to ``recent`` (the snapshots stored, the latest
    last, as the guard was shown them) on the creator's ``day``; nothing was written."""

    def __init__(self, recent: list[MetricSnapshot], day: date) -> None:
        super().__init__("held back for a confirm")
        self.recent = recent
        self.day = day


def _problems(values: dict[str, float], now: datetime, recent: list[MetricSnapshot],
              day: date) -> list[str]:
    """What looks wrong in logging ``values`` at ``now``, on the creator's ``day``, after
    ``recent`` (snapshots stored, oldest first: back to where the latest one's 30-day totals
    were given and the last two at least, as the write's transaction reads them; empty:
    none), in sentences of the current language (:func:`~bot.domain.metrics.implausible`;
    empty: nothing). Its totals are compared with its views where they are of one 30-day
    window (:func:`~bot.domain.metrics.same_window` with ``recent``, as /stats pairs them:
    given together, or on one day: ``/log likes=3k`` after the day's ``/log views=2k``). A
    value back near what was there before a confirmed outlier (the latest) is still held,
    with a sentence naming both readings (the correction of a typo saved with confirm, or a
    typo after a real leap; :func:`bot.domain.metrics.implausibilities`)."""
    latest = recent[-1] if recent else None
    base = latest or MetricSnapshot.empty(now)
    return implausible(latest, replace(base.merged(values, now), day=day), frozenset(values),
                       earlier=recent[-2] if len(recent) >= 2 else None, history=recent)


class _Repeated(Exception):
    """A confirm of ``/log``'s numbers sent again after it saved them (a replay, a double tap
    on its button): its key is no longer the one of what is stored, and the numbers are
    already the latest. Nothing was written."""


def _hold_if_implausible(values: dict[str, float], now: datetime, key: str | None,
                         confirmed: list[bool], recent: list[MetricSnapshot],
                         day: date) -> None:
    """``/log``'s guard (``Store.add_snapshot_and_history``,
    :data:`~bot.core.ports.SnapshotGuard`): a confirm with ``key``, the key of these values
    and of what the latest snapshot says for them (:func:`~bot.domain.metrics.log_key`),
    saves them unchecked (``confirmed`` gets True); any other line gets :class:`_HeldBack`
    if :func:`_problems` finds anything, and a confirm whose key is not that one
    (:class:`_Repeated`) if the numbers are the latest already: a confirm saves once. That
    is asked before the check: a replayed confirm of numbers that look wrong by themselves
    (likes above views) is saved already, never held again as "didn't carry the key"."""
    latest = recent[-1] if recent else None
    if key is not None and key == log_key(values, latest):
        confirmed.append(True)
        return
    if key is not None and latest is not None and all(
            getattr(latest, name) == value for name, value in values.items()):
        raise _Repeated()
    if _problems(values, now, recent, day):
        raise _HeldBack(recent, day)


def parse_held_key(text: str) -> str:
    """A held reply's confirm key as typed (/log's and /payout's:
    :func:`~bot.domain.metrics.held_key`)."""
    key = typed_key(text)
    if key is None:
        raise Refusal(_("'%(text)s' is not a confirm key; send the numbers again and use the "
                        "confirm line I show.", text=numbers.kept(text)))
    return key


@command(
    "log",
    summary="Record your current numbers: /log followers=12k views=40k likes=3k",
    help=lazy(
        "Saves a snapshot of your TikTok numbers. Give only what changed: the rest is kept "
        "from last time. Views, likes, comments, shares, saves and diamonds are totals for "
        "the last %(days)s days (TikTok Studio › Analytics). A bare number is followers.",
        days=PERIOD_DAYS,
    ),
    args=(*metric_args(),
          ArgSpec("confirm", ArgType.FLAG, "Save numbers that look wrong, as typed.",
                  "confirm"),
          ArgSpec("key", ArgType.TEXT, "Which held-back numbers the confirm is for (set by "
                  "the confirm line I show).", "key=3fa9c2d1", normalize=parse_held_key)),
    examples=("/log followers=12k views=40k likes=3.1k comments=210 shares=95",
              "/log 12.5k", "/log videos_per_week=4 avg_video_length=1:10"),
    personal=True,
    group="your numbers",
    creates_user=True,
)
async def log_(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    values = {k: v for k, v in args.items() if k in METRIC_NAMES}
    if not values:
        return Reply("log_prompt", {"examples": [m.example for m in METRICS[:5]]})
    now = ctx.clock.now()
    # Numbers that look wrong next to the last two snapshots (the one before the latest: what
    # a value after a confirmed outlier may go back to) are held back for a confirm,
    # checked in the write's own transaction, which reads them (no trip of its own, nothing
    # between the check and the write).
    # A confirm saves past the check only the numbers it was shown for (the key of exactly
    # these values, from the held reply): any others are checked as any /log is.
    # (a key= alone is a confirm: keys.confirms; the key is worked out only for a confirm
    # and for numbers held back, not for every /log)
    confirmed: list[bool] = []  # (True once the guard took the confirm's key)
    guard = functools.partial(_hold_if_implausible, values, now,
                              args.get("key") if confirms(args) else None, confirmed)
    try:
        # (a first-time user's row is made in the same trip: creates_user)
        snapshot, history = await ctx.add_snapshot_and_history(
            values, now, limit=HISTORY_FOR_TRENDS, guard=guard)
    except _HeldBack as held:
        # worded here, in the creator's language (the guard may have run in another thread)
        problems = _problems(values, now, held.recent, held.day)
        key = log_key(values, held.recent[-1] if held.recent else None)
        return Reply("log_check", {"problems": problems,
                                   "command": ctx.typed_again(args, key=key),
                                   # a confirm sent for other numbers than these
                                   "unconfirmed": confirms(args),
                                   # the 30-day totals' note only when some were given
                                   "totals": any(v in values for v in (
                                       "views", "likes", "comments", "shares"))},
                     actions=(Action(_("Save anyway"), ctx.again(args, confirm=True, key=key),
                                     "primary"),),
                     held=True)
    except _Repeated:
        return Reply("log_confirmed_already", {}, held=True)
    previous = history[-2] if len(history) >= 2 else None
    zone = (await ctx.store.get_settings(ctx.user.id)).zone  # (kept in memory: no read)
    changes = []
    for name in values:
        before = None if previous is None else getattr(previous, name)
        after = getattr(snapshot, name)
        diff = None
        value = format_metric(name, after)
        if before is not None and after is not None and before != after:
            assert previous is not None
            delta = after - before
            # (by the creator's days where the earlier one is dated by day alone: its noon
            # UTC is no moment of theirs; metrics.days_apart, as growth measures it)
            if span_of_growth(previous, snapshot, zone) is None:
                # the time first, the earlier value last: "was 850 less than a day ago" read
                # as "850 fewer"
                # both with the digits that tell them apart (2.05k, then 2.1k: never
                # "2.1k … it was 2.1k"; metrics.format_apart)
                earlier, value = format_apart(name, before, after)
                diff = _("less than a day ago it was %(value)s", value=earlier)
            else:
                diff = numbers.signed(delta, format_metric(name, abs(delta)))
        changes.append({"label": translate(METRIC_BY_NAME[name].label),
                        "value": value, "diff": diff})
    k = compute_kpis(snapshot, history, zone=zone)
    out = left_out(snapshot, history)
    return Reply("logged", {"changes": changes,
                            "kpis": kpi_view(snapshot, history, k, out, zone),
                            "first": previous is None,
                            # saved past a held check: how to take it back if it was a typo
                            "confirmed": bool(confirmed) and snapshot.day is not None
                            and bool(_problems(values, now, history[:-1], snapshot.day))},
                 data=metric_data(snapshot, k, out))


def reach_view(r: Reach | None) -> dict[str, Any] | None:
    """Profile views and viewers from TikTok Studio, in words for /stats."""
    if r is None:
        return None
    return {"days": r.days, "last": r.last.isoformat(),
            "profile_views": None if r.profile_views is None else count(r.profile_views),
            "viewers": None if r.viewers_a_day is None else count(r.viewers_a_day),
            "new": None if r.new_share is None else pct(r.new_share, 0),
            "returning": None if r.returning_share is None else pct(r.returning_share, 0)}


#: Everything /stats shows, read in one trip: the history back only as far as its answer
#: depends on it (:attr:`~bot.domain.metrics.HistoryReach.STATS`: where the latest snapshot's
#: totals came from, its follower growth's earlier snapshot, and the starts of the week-long
#: steps the slowing rule compares, :data:`~bot.domain.metrics.EARLIER_WEEKS` before the
#: latest week); how many snapshots the whole of it holds is counted.
STATS_READS = Reads(history=HISTORY_FOR_TRENDS, reach=HistoryReach.STATS,
                    videos=True, audience=True, daily_series=True, goals=True,
                    count_snapshots=True)


async def _income_goal(ctx: CommandContext, target_usd: float, latest: MetricSnapshot,
                       history: list[MetricSnapshot], videos: list[Video]) -> dict[str, Any]:
    """An income goal as /stats' Goals list shows it: the target in the creator's currency
    (stored in USD a month) and the share of it their monthly income "now" reaches, the one
    figure /estimate, /goal income= and /progress income show
    (:func:`bot.domain.estimator.income_now`). Payouts are read only for it."""
    from bot.domain.estimator import income_now

    settings = await ctx.store.get_settings(ctx.user.id)
    rates = ctx.services.rates
    payouts = await ctx.store.payouts(ctx.user.id)
    now = income_now(latest, settings, rates, payouts, videos, history,
                     settings.today(ctx.clock.now()))
    currency = settings.currency if settings.currency in rates.currencies.per_eur else "USD"
    target = rates.currencies.from_usd(target_usd, currency)
    return {"label": translate("Estimated monthly income"),  # (the /goal label, a heading)
            "target": numbers.money(target, currency),
            "share": goal_share(now.typical, target)}


@command(
    "stats",
    summary="Your latest numbers and what they mean (engagement, growth)",
    help=("Shows your latest numbers with engagement rate by views and by followers, likes, "
          "comments and shares per view, and follower growth since your previous /log."),
    examples=("/stats",),
    personal=True,
    group="your numbers",
    reads=STATS_READS,
)
async def stats(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    read = await ctx.read(STATS_READS)
    assert read.history is not None and read.videos is not None and read.audience is not None
    assert read.daily_series is not None and read.goals is not None
    assert read.count_snapshots is not None
    history, videos, audience = read.history, read.videos, read.audience
    shown_reach = reach_view(reach(read.daily_series))
    shown_audience = audience_view(audience)
    studio = {"reach": shown_reach, "audience": shown_audience}
    if not history:  # only TikTok Studio files without a dated series (audience, viewers, …)
        per = views_per_video(None, videos)
        if per is None and shown_reach is None and not any(shown_audience.values()):
            return Reply("no_metrics", {"command": "stats"})
        shown_videos = _videos_view(per, videos)
        return Reply("stats", {**studio, "videos": shown_videos, "goals": [],
                               "studio_heading": _studio_heading(studio, shown_videos),
                               "rows": [], "kpis": {}, "taken_at": None, "snapshots": 0,
                               "period_days": PERIOD_DAYS})
    latest = history[-1]
    goals = []
    for g in read.goals:
        if g.metric in METRIC_BY_NAME and (current := getattr(latest, g.metric)) is not None:
            # the target as it was set (5,001 is "5.001k", never "5k": format_target), and
            # a share short of it never shown as the whole way (99.8% is not "100%")
            goals.append({"label": translate(METRIC_BY_NAME[g.metric].label),
                          "target": format_target(g.metric, g.target, None)[0],
                          "share": goal_share(current, g.target)})
        elif g.metric == "income":
            goals.append(await _income_goal(ctx, g.target, latest, history, videos))
    settings = await ctx.store.get_settings(ctx.user.id)  # (kept in memory: no read)
    zone, settings_today = settings.zone, settings.today(ctx.clock.now())
    k = compute_kpis(latest, history, zone=zone)
    out = left_out(latest, history)
    shown_videos = _videos_view(views_per_video(latest, videos), videos)
    return Reply("stats", {
        **studio,
        "videos": shown_videos,
        "studio_heading": _studio_heading(studio, shown_videos),
        "goals": goals,
        "rows": metric_rows(latest, history, zone),
        "kpis": kpi_view(latest, history, k, out, zone),
        # growth slowed or fell, by the rule /tips, /why and /goal read (one place decides)
        "slowed": slowed_view(history, zone),
        # the creator's day it counts on (metrics.as_of, as /mediakit's "as of"), not its
        # UTC date nor a day after their today
        "taken_at": as_of(latest, settings_today).isoformat(),
        "snapshots": read.count_snapshots,
        "period_days": PERIOD_DAYS,
    }, data=metric_data(latest, k, out))


def _videos_view(per: ViewsPerVideo | None, videos: list[Video]) -> dict[str, Any] | None:
    """The stored videos' line of /stats: their median views (from :func:`views_per_video`)
    and how many broke out."""
    if per is None or per.basis != "videos":
        return None
    return {"count": per.videos, "median": count(per.value), "label": per.label,
            "breakouts": len(breakouts(videos)),
            # where the videos came from: TikTok Studio's Content file ("import"), a TikTok
            # sync ("sync"), or both; the section's heading names it (_studio_heading)
            "origins": sorted(set(per.sources))}


def _studio_heading(studio: dict[str, Any], videos: dict[str, Any] | None) -> str:
    """The heading of /stats' section of numbers not typed with /log, named by where they came
    from: TikTok Studio's files (profile views, viewers and the audience only ever come from
    them; videos from its Content file) or a TikTok sync (videos read from the account)."""
    audience = studio["audience"] or {}
    from_studio = bool(studio["reach"]) or any(audience.values()) or (
        videos is not None and "import" in videos["origins"])
    synced = videos is not None and "sync" in videos["origins"]
    if synced and from_studio:
        return _("From TikTok Studio and your TikTok account")
    if synced:
        return _("From your TikTok account")
    return _("From TikTok Studio")
