"""/progress, /goal and /import: growth over time, targets with projected dates, history import."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.core.args import ArgError
from bot.core.context import CommandContext
from bot.core.csv_import import ImportError_, ImportPlan, parse_csv
from bot.core.ports import Goal
from bot.core.registry import ArgSpec, ArgType, command, metric_arg
from bot.core.types import Action, Attachment, Platform, Reply
from bot.domain.metrics import METRIC_BY_NAME, METRICS, MetricSnapshot, compute_kpis, format_metric
from bot.domain.numbers import compact
from bot.domain.projection import project
from bot.render.charts import ChartSpec, render_png, sparkline

PERIODS = {"4w": timedelta(weeks=4), "3m": timedelta(days=91), "6m": timedelta(days=182),
           "1y": timedelta(days=365), "all": None}
CHART_METRICS = ("followers", "views", "avg_views", "engagement", "likes", "diamonds")
GOAL_METRICS = ("followers", "views", "avg_views", "likes", "diamonds")


def series(history: list[MetricSnapshot], metric: str) -> list[tuple[datetime, float]]:
    """The values the creator actually typed (carried-forward values would draw flat lines)."""
    if metric == "engagement":
        out = []
        for s in history:
            if {"likes", "views"} & s.given:
                er = compute_kpis(s).engagement_rate_views
                if er is not None:
                    out.append((s.taken_at, er))
        return out
    return [(s.taken_at, float(v)) for s in history
            if metric in s.given and (v := getattr(s, metric)) is not None]


def _label(metric: str) -> str:
    return "Engagement by views" if metric == "engagement" else METRIC_BY_NAME[metric].label


@command(
    "progress",
    summary="A chart of your growth: /progress followers 3m",
    help=("Draws how a number changed over the snapshots you logged: followers, views, "
          "avg_views, engagement, likes or diamonds, over 4w, 3m, 6m, 1y or all. Your goal is "
          "drawn as a line."),
    args=(
        ArgSpec("metric", ArgType.CHOICE, "What to chart.", "metric=followers",
                choices=CHART_METRICS, positional=True, default="followers"),
        ArgSpec("period", ArgType.CHOICE, "How far back.", "period=3m",
                choices=tuple(PERIODS), positional=True, default="3m"),
    ),
    examples=("/progress", "/progress views 1y", "/progress engagement all"),
    personal=True,
    group="your numbers",
)
async def progress(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    metric, period = str(args["metric"]), str(args["period"])
    span = PERIODS[period]
    since = None if span is None else ctx.clock.now() - span
    history = await ctx.store.history(ctx.user.id, since=since)
    points = series(history, metric)
    if len(points) < 2:
        return Reply("progress_empty", {"metric": _label(metric), "count": len(points),
                                        "period": period})
    goals = {g.metric: g for g in await ctx.store.goals(ctx.user.id)}
    lines = []
    if metric in goals:
        lines.append((f"goal {compact(goals[metric].target)}", goals[metric].target))
    spec = ChartSpec(title=f"{_label(metric)} · {period}", label=_label(metric), points=points,
                     percent=metric == "engagement", lines=lines)
    png = await asyncio.to_thread(render_png, spec)
    first, last = points[0][1], points[-1][1]
    shown = (lambda v: format_metric("completion_rate", v)) if metric == "engagement" else compact
    return Reply(
        "progress",
        {"metric": _label(metric), "period": period, "count": len(points),
         "first": shown(first), "last": shown(last),
         "change": None if metric == "engagement" else
         ("+" if last >= first else "−") + compact(abs(last - first)),
         "spark": sparkline([v for _, v in points])},
        attachments=(Attachment(f"progress-{metric}-{period}.png", "image/png", png),),
    )


def goal_view(goal: Goal, history: list[MetricSnapshot], now: datetime) -> dict[str, Any]:
    points = series(history, goal.metric)
    p = project(points, goal.target, now)
    deadline = None
    if goal.deadline is not None:
        by = datetime.combine(goal.deadline, datetime.min.time(), tzinfo=UTC)
        needed = p.needed_per_week(by, now)
        deadline = {"date": goal.deadline.isoformat(),
                    "needed": None if needed is None else compact(round(needed)),
                    "on_track": (p.eta is not None and p.eta <= by) or p.reached}
    return {
        "metric": _label(goal.metric),
        "target": format_metric(goal.metric, goal.target),
        "current": None if not points else format_metric(goal.metric, p.current),
        "reached": p.reached,
        "eta": None if p.eta is None else p.eta.date().isoformat(),
        "weekly": None if p.weekly_growth is None else
        ("+" if p.weekly_growth >= 0 else "−") + compact(abs(p.weekly_growth)),
        "model": None if p.trend is None else p.trend.model,
        "points": len(points),
        "deadline": deadline,
    }


def _parse_deadline(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"'{text}' is not a date; use YYYY-MM-DD, e.g. by=2027-03-01") from None


@command(
    "goal",
    summary="Set a target and see when you will reach it: /goal followers=10k",
    help=("Sets a target for a number (followers, views, avg_views, likes, diamonds) and "
          "projects the date you reach it from your recent trend (a robust fit over the last "
          "12 weeks). Add by=YYYY-MM-DD to see the weekly growth you need. /goal alone shows "
          "your goals; /goal clear removes them."),
    args=(*(metric_arg(METRIC_BY_NAME[m]) for m in GOAL_METRICS),
          ArgSpec("by", ArgType.TEXT, "A date to reach it by.", "by=2027-03-01",
                  normalize=_parse_deadline),
          ArgSpec("clear", ArgType.FLAG, "Remove your goals.", "clear")),
    examples=("/goal followers=10k", "/goal followers=10k by=2027-03-01", "/goal"),
    personal=True,
    group="your numbers",
)
async def goal(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    now = ctx.clock.now()
    if args.get("clear"):
        removed = await ctx.store.clear_goals(ctx.user.id)
        return Reply("goals_cleared", {"removed": removed})
    targets = {k: v for k, v in args.items() if k in GOAL_METRICS}
    deadline: date | None = args.get("by")
    if deadline is not None and not targets:
        raise ArgError("Say which number the date is for, e.g. /goal followers=10k "
                       "by=2027-03-01.", arg="by")
    if deadline is not None and deadline <= now.date():
        raise ArgError(f"by={deadline} is not in the future.", arg="by")
    for metric, target in targets.items():
        await ctx.store.set_goal(ctx.user.id, metric, target, deadline, now)
    goals = await ctx.store.goals(ctx.user.id)
    history = await ctx.store.history(ctx.user.id, limit=200)
    return Reply("goals", {"goals": [goal_view(g, history, now) for g in goals],
                           "set": sorted(targets)})


def _plan_view(plan: ImportPlan) -> dict[str, Any]:
    return {
        "rows": len(plan.rows),
        "columns": [c for c in plan.columns if c != "date"],
        "first": None if plan.first is None else plan.first.date().isoformat(),
        "last": None if plan.last is None else plan.last.date().isoformat(),
        "duplicates": plan.duplicates,
        "errors": plan.errors,
        "sample": [{"date": t.date().isoformat(),
                    "values": ", ".join(f"{k}={format_metric(k, v)}" for k, v in vals.items())}
                   for t, vals in plan.rows[:3]],
    }


@command(
    "import",
    summary="Load your history from a CSV file (date plus any metric columns)",
    help=("Send a CSV file with a header row: date (YYYY-MM-DD) and any of "
          f"{', '.join(m.name for m in METRICS)}. I show a preview first; nothing is written "
          "until you confirm, and a file with any bad row is not imported at all. In the "
          "console give the file's path: /import path=history.csv"),
    args=(ArgSpec("path", ArgType.TEXT, "Console only: the CSV file's path.",
                  "path=history.csv", positional=True, max_length=400),
          ArgSpec("confirm", ArgType.FLAG, "Write the previewed rows.", "confirm")),
    examples=("/import path=history.csv", "/import path=history.csv confirm"),
    personal=True,
    group="your numbers",
)
async def import_(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    data: bytes | None = None
    source = ""
    if args.get("path"):
        if ctx.request.platform is not Platform.CONSOLE:
            raise ArgError("Send the CSV file as an attachment instead of a path.", arg="path")
        path = Path(str(args["path"]))
        try:
            data = await asyncio.to_thread(lambda: path.expanduser().read_bytes())
        except OSError as exc:
            raise ArgError(f"I can't read {path}: {exc.strerror or exc}.", arg="path") from exc
        source = f"path={args['path']}"
    else:
        for attachment in ctx.request.attachments:
            data, source = attachment.data, attachment.filename
            break
    if data is None:
        return Reply("import_help", {"console": ctx.request.platform is Platform.CONSOLE})
    try:
        plan = parse_csv(data, now=ctx.clock.now())
    except ImportError_ as exc:
        return Reply("import_refused", {"message": str(exc), "errors": []}, is_error=True)
    if plan.errors:
        return Reply("import_refused", {"message": "Nothing was imported.",
                                        "errors": plan.errors}, is_error=True)
    if not args.get("confirm"):
        actions: tuple[Action, ...] = ()
        if ctx.request.platform is Platform.CONSOLE:
            actions = (Action("Import", f"/import {source} confirm", "primary"),)
        return Reply("import_preview", {"plan": _plan_view(plan), "source": source,
                                        "console": bool(actions)}, actions=actions)
    written = await ctx.store.import_snapshots(ctx.user.id, plan.rows)
    return Reply("imported", {"rows": written, "plan": _plan_view(plan)})
