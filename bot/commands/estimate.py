"""/estimate: what you could earn a month, route by route, and what stands in the way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.commands.metrics import HISTORY_FOR_TRENDS
from bot.commands.settings import normalize_region
from bot.core.args import ArgError, local_line
from bot.core.context import CommandContext
from bot.core.fieldnames import field_name, typed, typed_example
from bot.core.ports import Reads
from bot.core.registry import ArgSpec, ArgType, command, metric_args
from bot.core.types import Action, Reply, Visibility
from bot.domain.estimator import (
    PACE_MONTHS,
    EngagementComparison,
    Estimate,
    Money,
    RouteEstimate,
    band_wording,
    brand_pace_gap,
    brand_payout_example,
    estimate,
    what_if,
)
from bot.domain.metrics import (
    METRIC_NAMES,
    EngagementGap,
    HistoryReach,
    MetricSnapshot,
    implausibilities,
    left_out_sentence,
    what_if_apart,
)
from bot.domain.numbers import (
    compact,
    decimal,
    items,
    money_range,
    pct,
    size_band,
    source_list,
    stated_pct,
    whole,
)
from bot.domain.payouts import Payout
from bot.domain.profile import UserSettings
from bot.domain.studio import Video
from bot.domain.uncertainty import Z80
from bot.i18n import gettext as _
from bot.i18n import pgettext, standalone, translate

_EXTRA = (
    ArgSpec("region", ArgType.TEXT, "What if you were in this country (two letters).",
            "region=US", aliases=("country",), normalize=normalize_region),
    ArgSpec("adult", ArgType.BOOL, "What if you were (not) 18 or older.", "adult=yes"),
    ArgSpec("price", ArgType.NUMBER, "Your product's price, in your currency.", "price=29",
            minimum=0, maximum=1e6),
    ArgSpec("margin", ArgType.RATE, "What you keep of each sale.", "margin=60%", minimum=0,
            maximum=1),
    ArgSpec("order_value", ArgType.NUMBER, "Your average affiliate order, in your currency.",
            "order_value=40", aliases=("aov",), minimum=1, maximum=1e6),
    ArgSpec("commission", ArgType.RATE, "Your affiliate commission.", "commission=12%",
            minimum=0.001, maximum=1),
    ArgSpec("category", ArgType.CHOICE, "What you promote as an affiliate.",
            "category=electronics", choices=("electronics", "beauty", "other")),
    ArgSpec("explain", ArgType.FLAG, "Show how every number was computed.", "explain"),
    ArgSpec("public", ArgType.FLAG, "Post the estimate where everyone in the chat sees it.",
            "public"),
)


#: The arguments that make /estimate a what-if (the creator's numbers, country, age or a
#: route's inputs as they are not stored): any of them given, the reply is titled and marked
#: as a what-if, never as the creator's estimate. ``explain`` and ``public`` change only how
#: it is shown.
WHAT_IF_ARGS: frozenset[str] = frozenset(
    {*METRIC_NAMES, *(s.name for s in _EXTRA if s.name not in ("explain", "public"))})


def is_what_if(args: dict[str, Any]) -> bool:
    """Whether /estimate with ``args`` (as parsed) answers a what-if (:data:`WHAT_IF_ARGS`):
    the one rule its title, its heading and ``ask --json``'s ``what_if`` read."""
    return any(name in WHAT_IF_ARGS for name in args)


def _money(m: Money | None, currency: str) -> dict[str, str] | None:
    if m is None:
        return None
    return {"range": money_range(m.low, m.high, currency),
            "typical": money_range(m.typical, m.typical, currency)}


def route_view(r: RouteEstimate, currency: str, explain: bool = True) -> dict[str, Any]:
    """One route in words for the reply; its sources are written only when ``explain``
    (the template shows them only then, as the inputs and assumptions the estimate writes
    only then: :func:`bot.domain.estimator.estimate`'s ``explain``)."""
    holding = r.holding  # (worked out once for the gaps and the unknowns)
    return {
        "key": r.key, "name": r.name,
        "status": (pgettext("estimate status", "eligible") if r.eligible is True else
                   pgettext("estimate status", "not yet") if r.eligible is False else
                   pgettext("estimate status", "maybe")),
        "now": r.now,
        # a payout from a route puts the creator in it: its entry counts and what is
        # unknown are behind them (eligibility.holds), a country, age or video length known
        # not to qualify still shows as a gap and keeps them out
        "paid": r.paid and r.eligible is True,
        "monthly": _money(r.monthly, currency),
        "gaps": [q.gap for q in holding if q.met is False and q.gap],
        "unknown": [{"name": q.name, "hint": q.hint} for q in holding if q.met is None],
        "requirements": [{"name": q.name, "needed": q.needed, "have": q.have or "?",
                          "met": q.met} for q in r.requirements],
        "formula": r.formula, "inputs": list(r.inputs), "assumptions": list(r.assumptions),
        "missing": [field_name(m) for m in r.missing],
        "sources": [source_list(translate(s)) for s in r.sources] if explain else [],
        # the /log in a note or hint names its field as the creator's language types it
        "note": typed_example(r.note) if r.note else r.note,
        "narrow": typed_example(r.narrow) if r.narrow else r.narrow,
        "assumed": typed_example(r.assumed) if r.assumed else None,
        "per_video": _money(r.per_video, currency),
    }


def _apart_sentence(names: Sequence[str], line: str) -> str:
    """What a what-if's ``names`` (:func:`bot.domain.metrics.what_if_apart`) are: totals of
    another 30 days than the views, and ``line``, the what-if with the views given too (which
    counts them), as one whole sentence."""
    return _("The %(names)s in this what-if replace ones logged in another 30 days than your "
             "views, so they are left out of engagement by views. To count them with your "
             "views, give those too: %(line)s",
             names=items([field_name(n) for n in names]), line=line)


def engagement_view(e: EngagementComparison | None, apart: Sequence[str] = (),
                    line: str = "") -> dict[str, Any] | None:
    """The engagement comparison as the numbers and the case the template writes a whole
    sentence for (raised, lowered, typical, unknown with why). ``apart`` are a what-if's
    totals left out as of another 30 days than its views
    (:func:`bot.domain.metrics.what_if_apart`): said of the what-if, with ``line``, the
    what-if that gives the views with them, not as logged numbers (log them together); the
    what-if's likes apart are why the rate is unknown."""
    if e is None:
        return None
    reason = None if e.gap is None else e.gap.sentence
    left = left_out_sentence([n for n in e.left_out if n not in apart])
    if apart:
        said = _apart_sentence(apart, line)
        if e.rate is not None:
            left = f"{left} {said}" if left else said
        elif e.gap is EngagementGap.DIFFERENT_SNAPSHOTS and "likes" in apart:
            reason = said
        else:
            reason = f"{reason} {said}" if reason else said
    return {
        "case": str(e.effect),
        "rate": None if e.rate is None else pct(e.rate),
        "ratio": None if e.ratio is None else decimal(e.ratio, 1, 1),
        "typical": pct(e.benchmark),
        # the band named as the kit names it (estimator.band_wording decides for both)
        "tier": band_wording(e).tier, "by_reach": band_wording(e).by_reach,
        "benchmarks": items([_("%(study)s: %(rate)s (%(tier)s)", study=b.study,
                               rate=stated_pct(b.rate), tier=size_band(b.tier))
                             for b in e.benchmarks]),
        "reason": reason,
        "left_out": left,  # parts not counted in the rate
    }


def _videos_kind(sources: tuple[str, ...]) -> str:
    kinds = set(sources)
    return {frozenset({"import"}): "import", frozenset({"sync"}): "sync",
            frozenset({"import", "sync"}): "both"}.get(frozenset(kinds), "stored")


def _numbers(m: Money | None, currency: str | None = None) -> dict[str, Any] | None:
    if m is None:
        return None
    out: dict[str, Any] = {"low": round(m.low, 4), "typical": round(m.typical, 4),
                           "high": round(m.high, 4)}
    if currency is not None:
        out["currency"] = currency
    return out


def route_data(r: RouteEstimate, currency: str) -> dict[str, Any]:
    """One route as plain numbers (the ``ask --json`` interface, documented in the README)."""
    out: dict[str, Any] = {"key": r.key, "eligible": r.eligible, "now": r.now,
                           "paid": r.paid,
                           "monthly": _numbers(r.monthly, currency),
                           "payouts_used": r.payouts_used,
                           "missing": list(r.missing)}
    if r.key == "creator_rewards":
        out["rpm"] = _numbers(r.rpm)
        out["qualified_share"] = None if r.qualified_share is None else {
            "low": round(r.qualified_share[0], 4), "high": round(r.qualified_share[1], 4)}
    if r.key == "brand_deals":
        out["per_video"] = _numbers(r.per_video)
    return out


def estimate_data(e: Estimate) -> dict[str, Any]:
    return {
        "currency": e.currency,
        "interval": {"low": "P10", "typical": "median", "high": "P90", "z": round(Z80, 4)},
        "now": _numbers(e.now, e.currency),
        "could": _numbers(e.potential, e.currency),
        "potential": _numbers(e.potential, e.currency),
        "routes": [route_data(r, e.currency) for r in e.routes],
        "engagement_rate_views": None if e.engagement is None else e.engagement.rate,
        "engagement_left_out": [] if e.engagement is None else list(e.engagement.left_out),
        # why the rate is unknown (bot.domain.metrics.EngagementGap), as /stats decides it
        "engagement_gap": None if e.engagement is None or e.engagement.gap is None
        else str(e.engagement.gap),
    }


def estimate_view(e: Estimate, *, what_if: bool, explain: bool, apart: Sequence[str] = (),
                  line: str = "") -> dict[str, Any]:
    """The reply's context; ``apart`` and ``line`` as :func:`engagement_view` takes them."""
    could_only = [r for r in e.routes if r.monthly is not None and not r.now]
    return {
        "currency": e.currency,
        "now": _money(e.now, e.currency),
        "has_now": any(r.now for r in e.routes),
        "potential": _money(e.potential, e.currency),
        "routes": [route_view(r, e.currency, explain) for r in e.routes],
        "could_names": [r.name for r in could_only],
        "engagement": engagement_view(e.engagement, apart, line),
        "missing": [field_name(m) for m in e.missing],
        "currency_note": e.currency_note,
        "views_note": e.views_note,
        "per_video": None if e.views_per_video is None else {
            "value": compact(e.views_per_video.value), "basis": e.views_per_video.basis,
            "videos": e.views_per_video.videos,
            "kind": _videos_kind(e.views_per_video.sources)},
        "what_if": what_if,
        "explain": explain,
        "nothing_now": None,  # (the command says why "now" is empty: nothing_now)
    }


def nothing_now(e: Estimate, settings: UserSettings, payouts: Sequence[Payout],
                snapshot: MetricSnapshot, now: datetime) -> dict[str, Any] | None:
    """Why "now" holds nothing, for a creator who said which routes they do: the case the
    template writes one whole sentence for (None when something counts, or nothing was
    declared: the template asks which routes they do). Brand deals declared count only at the
    creator's own pace, so while ``snapshot`` gives them none what is missing is a brand
    payout with its month, as the estimator decides it
    (:func:`bot.domain.estimator.brand_pace_gap`): ``brand_no_fee`` with none logged,
    ``brand_no_month`` with fees logged without one, ``brand_old`` with dated ones all older
    than the pace's window (:data:`bot.domain.estimator.PACE_MONTHS`); ``example`` the
    /payout that adds one, for the creator's last ended month. ``declared``: the routes they
    do (brand deals with a pace too) still need the numbers named below."""
    if any(r.now for r in e.routes) or not settings.does:
        return None
    today = settings.today(now)
    gap = brand_pace_gap(payouts, snapshot, today) if "brand_deals" in settings.does else None
    if gap is not None:
        return {"case": gap, "example": brand_payout_example(today),
                "months": PACE_MONTHS}
    return {"case": "declared"}


def engagement_basis_view(basis: str, result: Estimate) -> dict[str, Any]:
    """How a what-if treated engagement (:func:`bot.domain.estimator.what_if`), with the rate
    the estimate actually used: "kept" names that rate, and a rate the estimate could not use
    is "unknown", so the sentence never contradicts the engagement line below it."""
    used = None if result.engagement is None else result.engagement.rate
    if basis == "kept" and used is None:
        basis = "unknown"
    return {"engagement_basis": basis,
            "kept_rate": pct(used) if basis == "kept" and used is not None else None}


#: What /estimate reads for the creator besides their settings: the latest snapshot,
#: payouts, videos, and the history /stats reads (engagement is decided from where each
#: total came from), back only as far as that (everything else in the estimate is of the
#: latest snapshot: it gives the same answer as the whole history).
READS = Reads(latest=True, history=HISTORY_FOR_TRENDS, reach=HistoryReach.ORIGINS,
              payouts=True, videos=True)


async def _stored(ctx: CommandContext) -> tuple[MetricSnapshot | None, list[Payout],
                                                 list[Video], list[MetricSnapshot],
                                                 UserSettings]:
    """What /estimate reads for the creator (:data:`READS`) and their settings."""
    read = await ctx.read(READS)
    settings = await ctx.store.get_settings(ctx.user.id)
    return (read.latest, list(read.payouts or []), list(read.videos or []),
            list(read.history or []), settings)


async def stored_route(ctx: CommandContext, key: str) -> tuple[RouteEstimate, list[Payout]]:
    """Route ``key`` of the creator's /estimate as it stands (their latest snapshot, payouts
    and videos; an empty snapshot before any /log), and the payouts it was worked out from:
    what /payout's reply reads, so it says what /estimate then shows (whether a payout is
    used, or what to log first) and counts the route's payouts without reading them again."""
    latest, payouts, videos, history, settings = await _stored(ctx)
    base = latest or MetricSnapshot.empty(ctx.clock.now())
    route = estimate(base, settings, ctx.services.rates, payouts=payouts, videos=videos,
                     explain=False, hints=False, history=history,
                     today=settings.today(ctx.clock.now())).route(key)
    return route, payouts


def _figures(e: Estimate) -> list[tuple[Any, ...]]:
    """What a what-if can change in ``e``: each route's figure, verdict and place in "now"."""
    return [(r.key, r.monthly, r.eligible, r.now) for r in e.routes]


def _changes_nothing(ctx: CommandContext, args: dict[str, Any], overrides: dict[str, float],
                     base: MetricSnapshot, result: Estimate, settings: UserSettings,
                     payouts: Sequence[Payout], videos: Sequence[Video],
                     history: Sequence[MetricSnapshot]) -> dict[str, Any] | None:
    """The sentence's values when a what-if's numbers (``overrides``) change no route of
    ``result`` against the same estimate of the creator's own numbers (``base``): followers
    stop setting any figure once views are known, so ``/estimate followers=100k`` would
    otherwise repeat the plain estimate under another title. Names the values given and,
    when views are known and not among them, a line with views that would change it; ``same``
    when every value given is the one logged (the reason nothing changes)."""
    if not overrides:
        return None
    plain = estimate(base, settings, ctx.services.rates, price=args.get("price"),
                     margin=args.get("margin"), order_value=args.get("order_value"),
                     commission=args.get("commission"), category=args.get("category"),
                     payouts=payouts, videos=videos, explain=False, hints=False,
                     settings_what_if="region" in args or "adult" in args, history=history,
                     today=settings.today(ctx.clock.now()))
    if _figures(plain) != _figures(result):
        return None
    # the numbers already logged, given again: that is why nothing changes, not that they
    # set no figure (views=<logged views> drive nearly every route)
    if all(getattr(base, k) == v for k, v in overrides.items()):
        return {"names": items(field_name(k) for k in overrides), "example": None,
                "same": True}
    example = None
    if "views" not in overrides and base.views:
        example = local_line(ctx.again({}, views=whole(base.views * 2)))
    return {"names": items(field_name(k) for k in overrides), "example": example,
            "same": False}


@command(
    "estimate",
    summary="What you could earn a month, by route: /estimate or /estimate followers=50k",
    help=("Estimates your monthly income from the Creator Rewards Program, brand deals, LIVE "
          "gifts, TikTok Shop affiliate and your own products, as low–high ranges, and shows "
          "what stands between you and each route. Without numbers it uses your latest /log; "
          "with numbers it answers a what-if without saving it. Ranges are P10–P90: 8 in 10 "
          "creators like you fall inside. 'Now' counts only routes you have (set the ones you "
          "do with /settings does=brand,affiliate,products, or log a /payout); brand deals "
          "only at the pace of your brand payouts logged with month=. Add explain for "
          "the formulas and sources."),
    args=(*metric_args(), *_EXTRA),
    examples=("/estimate", "/estimate followers=50k views=1.2M", "/estimate explain",
              "/estimate price=29 margin=60%"),
    personal=True,
    group="money",
    reads=READS,
    strategies=("rates",),
)
async def estimate_(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    rates = ctx.services.rates
    overrides = {k: v for k, v in args.items() if k in METRIC_NAMES}
    latest, payouts, videos, history, settings = await _stored(ctx)
    if "region" in args or "adult" in args:
        settings = replace(settings, region=args.get("region", settings.region),
                           adult=args.get("adult", settings.adult),
                           age=None if "adult" in args else settings.age)
    if latest is None and not overrides:
        return Reply("no_metrics", {"command": "estimate"})
    base = latest or MetricSnapshot.empty(ctx.clock.now())
    snapshot, engagement_basis = (what_if(base, overrides, history) if overrides
                                  else (base, "unchanged"))
    # The same check as /log (without the jump one: a what-if may be far from today), so a
    # what-if never shows an engagement above 100%: the totals of the views' 30 days (the
    # hypothetical names them as given, with the views) against those views; a total of
    # another window, which the rate does not divide, is not compared with them.
    if overrides and (problems := implausibilities(None, snapshot, frozenset(overrides))):
        # a logged total the what-if kept beside views it gave (views=0 likes=0 over logged
        # comments): said as the creator's own, with what to add; views alone scale them
        kept = sorted(problems[0].fields - {"views"} - overrides.keys())
        if "views" in overrides and len(kept) == 1 and len(problems[0].fields) == 2:
            raise ArgError(_("That what-if can't be: %(problem)s (your logged %(name)s, kept "
                             "beside the views you gave); give them too, e.g. %(example)s.",
                             problem=standalone(problems[0].text), name=field_name(kept[0]),
                             example=typed(kept[0], "0")))
        raise ArgError(_("That what-if can't be: %(problem)s.",
                         problem=standalone(problems[0].text)))
    explain = bool(args.get("explain"))  # the routes' inputs and assumptions only then
    result = estimate(snapshot, settings, rates, price=args.get("price"),
                      margin=args.get("margin"), order_value=args.get("order_value"),
                      commission=args.get("commission"), category=args.get("category"),
                      payouts=payouts, videos=videos,
                      what_if=frozenset(overrides), explain=explain,
                      settings_what_if="region" in args or "adult" in args, history=history,
                      today=settings.today(ctx.clock.now()))
    # what-if totals of another window than the views: the what-if that counts them
    apart = what_if_apart(snapshot, overrides, history) if overrides else ()
    # (totals apart change nothing either, and their own sentence says what would)
    unchanged = None if apart else _changes_nothing(ctx, args, overrides, base, result,
                                                    settings, payouts, videos, history)
    line = local_line(ctx.again(args, views=snapshot.views)) if apart else ""
    actions: tuple[Action, ...] = ()
    if not explain:
        actions = (Action(_("How was this computed?"), ctx.again(args, explain=True),
                          choice=False),)
    hypothetical = is_what_if(args)
    return Reply(
        "estimate",
        {**estimate_view(result, what_if=hypothetical, explain=explain, apart=apart,
                         line=line),
         "nothing_now": nothing_now(result, settings, payouts, snapshot,
                                    ctx.clock.now()),
         **engagement_basis_view(engagement_basis, result), "unchanged": unchanged},
        actions=actions,
        title=_("What-if estimate (not saved)") if hypothetical else _("Your income estimate"),
        visibility=Visibility.PUBLIC if args.get("public") else None,
        data=estimate_data(result),
    )
