"""Progress charts as PNG: readable on a phone (large type, two colours, 12k-style axes).

This module is light: matplotlib (with numpy and PIL, most of the bot's import time and
memory) is imported by :mod:`bot.render.plot` only when a chart is drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from bot.domain.numbers import compact_finer, money_finer

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SERIES_COLOUR = "#1f6feb"
LINE_COLOUR = "#d1242f"
SPARKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class ChartSpec:
    """A chart: ``points`` are timezone-aware moments (a row dated by day alone placed by
    :func:`bot.domain.daily.drawn_at`) with their values; the time axis (ticks and their
    dates and times) is read in ``zone``, the creator's /settings timezone."""

    title: str
    label: str  # y-axis label
    points: list[tuple[datetime, float]]
    percent: bool = False
    lines: list[tuple[str, float]] = field(default_factory=list)  # (label, y) reference lines
    currency: str | None = None  # the y values are money in this currency
    zone: tzinfo = UTC  # the time axis's time zone


def precise(value: float, extra: int) -> str:
    """:func:`compact` with ``extra`` more decimals (``extra=0`` is exactly ``compact``), in
    the chart's language (:func:`bot.domain.numbers.compact_finer`: '12.5k', '1.25万')."""
    return compact_finer(value, extra)


def _money(currency: str) -> Callable[[float, int], str]:
    """A money axis's tick text: :func:`bot.domain.numbers.money_finer` in ``currency``."""

    def show(v: float, extra: int) -> str:
        return money_finer(v, currency, extra)

    return show


def build_figure(spec: ChartSpec) -> Figure:
    """The matplotlib figure for ``spec`` (see :func:`bot.render.plot.build_figure`); tests
    read its data back before it is saved. Imports matplotlib on first use."""
    from bot.render.plot import build_figure as build

    return build(spec)


def render_png(spec: ChartSpec) -> bytes:
    """``spec`` drawn as a PNG (bytes). matplotlib, numpy and PIL are imported here, on the
    first chart, not when the bot starts: a command without a chart never pays for them."""
    from bot.render.plot import build_figure as build
    from bot.render.plot import to_png

    return to_png(build(spec))


def sparkline(values: list[float], width: int = 24) -> str:
    """A text sparkline for places without images (the console)."""
    if not values:
        return ""
    if len(values) > width:
        step = len(values) / width
        values = [values[int(i * step)] for i in range(width - 1)] + [values[-1]]
    lo, hi = min(values), max(values)
    if hi == lo:
        return SPARKS[3] * len(values)
    return "".join(SPARKS[round((v - lo) / (hi - lo) * (len(SPARKS) - 1))] for v in values)
