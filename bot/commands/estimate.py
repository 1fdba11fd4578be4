"""/estimate: what you could earn a month, route by route, and what stands in the way."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.commands.settings import normalize_region
from bot.core.context import CommandContext
from bot.core.registry import ArgSpec, ArgType, command, metric_args
from bot.core.types import Action, Reply, Visibility
from bot.domain.estimator import (
    Estimate,
    Money,
    RouteEstimate,
    engagement_rate,
    estimate,
    what_if,
)
from bot.domain.metrics import METRIC_NAMES, MetricSnapshot
from bot.domain.numbers import money_range, pct

_EXTRA = (
    ArgSpec("region", ArgType.TEXT, "What if you were in this country (two letters).",
            "region=US", aliases=("country",), normalize=normalize_region),
    ArgSpec("adult", ArgType.BOOL, "What if you were (not) 18 or older.", "adult=yes"),
    ArgSpec("price", ArgType.NUMBER, "Your product's price, in your currency.", "price=29",
            minimum=0, maximum=1e6),
    ArgSpec("margin", ArgType.RATE, "What you keep of each sale.", "margin=60%", minimum=0,
            maximum=1),
    ArgSpec("explain", ArgType.FLAG, "Show how every number was computed.", "explain"),
    ArgSpec("public", ArgType.FLAG, "Post the estimate where everyone in the chat sees it.",
            "public"),
)


def _money(m: Money | None, currency: str) -> dict[str, str] | None:
    if m is None:
        return None
    return {"range": money_range(m.low, m.high, currency),
            "typical": money_range(m.typical, m.typical, currency)}


def route_view(r: RouteEstimate, currency: str) -> dict[str, Any]:
    return {
        "key": r.key, "name": r.name,
        "status": {True: "eligible", False: "not yet", None: "maybe"}[r.eligible],
        "monthly": _money(r.monthly, currency),
        "gaps": [q.gap for q in r.unmet if q.gap],
        "unknown": [q.name for q in r.requirements if q.met is None],
        "requirements": [{"name": q.name, "needed": q.needed, "have": q.have or "?",
                          "met": q.met} for q in r.requirements],
        "formula": r.formula, "inputs": list(r.inputs), "assumptions": list(r.assumptions),
        "missing": list(r.missing), "sources": list(r.sources), "note": r.note,
    }


def estimate_view(e: Estimate, *, what_if: bool, explain: bool) -> dict[str, Any]:
    return {
        "currency": e.currency,
        "now": _money(e.now, e.currency),
        "potential": _money(e.potential, e.currency),
        "routes": [route_view(r, e.currency) for r in e.routes],
        "engagement": None if e.engagement is None else e.engagement.sentence,
        "missing": list(e.missing),
        "currency_note": e.currency_note,
        "views_note": e.views_note,
        "what_if": what_if,
        "explain": explain,
    }


@command(
    "estimate",
    summary="What you could earn a month, by route: /estimate or /estimate followers=50k",
    help=("Estimates your monthly income from the Creator Rewards Program, brand deals, LIVE "
          "gifts, TikTok Shop affiliate and your own products, as low–high ranges, and shows "
          "what stands between you and each route. Without numbers it uses your latest /log; "
          "with numbers it answers a what-if without saving it. Add explain for the formulas "
          "and sources."),
    args=(*metric_args(), *_EXTRA),
    examples=("/estimate", "/estimate followers=50k views=1.2M", "/estimate explain",
              "/estimate price=29 margin=60%"),
    personal=True,
    group="money",
)
async def estimate_(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    rates = ctx.services.rates
    overrides = {k: v for k, v in args.items() if k in METRIC_NAMES}
    latest = await ctx.store.latest_snapshot(ctx.user.id)
    settings = await ctx.store.get_settings(ctx.user.id)
    if "region" in args or "adult" in args:
        settings = replace(settings, region=args.get("region", settings.region),
                           adult=args.get("adult", settings.adult))
    if latest is None and not overrides:
        return Reply("no_metrics", {"command": "estimate"})
    base = latest or MetricSnapshot.empty(ctx.clock.now())
    snapshot, engagement_basis = what_if(base, overrides) if overrides else (base, "unchanged")
    result = estimate(snapshot, settings, rates, price=args.get("price"),
                      margin=args.get("margin"))
    explain = bool(args.get("explain"))
    actions: tuple[Action, ...] = ()
    if not explain:
        raw = ctx.request.raw_args.strip()
        actions = (Action("How was this computed?", f"/estimate {raw} explain".replace(
            "  ", " ")),)
    return Reply(
        "estimate",
        {**estimate_view(result, what_if=bool(overrides), explain=explain),
         "engagement_basis": engagement_basis,
         "real_rate": None if (r := engagement_rate(base)) is None else pct(r)},
        actions=actions,
        title="Your income estimate",
        visibility=Visibility.PUBLIC if args.get("public") else None,
    )
