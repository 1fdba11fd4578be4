"""Progress charts as PNG: readable on a phone (large type, two colours, 12k-style axes).

Uses matplotlib's object API with the Agg canvas (no display, no pyplot global state), so a
chart can be drawn in a worker thread while the event loop keeps serving.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

from matplotlib.dates import AutoDateLocator, DateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from bot.domain.numbers import compact, pct

SERIES_COLOUR = "#1f6feb"
LINE_COLOUR = "#d1242f"
SPARKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class ChartSpec:
    title: str
    label: str  # y-axis label
    points: list[tuple[datetime, float]]
    percent: bool = False
    lines: list[tuple[str, float]] = field(default_factory=list)  # (label, y) reference lines


def build_figure(spec: ChartSpec) -> Figure:
    """The figure for ``spec``; tests read its data back before it is saved."""
    fig = Figure(figsize=(8, 4.5), dpi=120)
    ax = fig.add_subplot()
    xs = date2num([t for t, _ in spec.points])  # type: ignore[no-untyped-call]
    ys = [v for _, v in spec.points]
    ax.plot(xs, ys, color=SERIES_COLOUR, linewidth=3, marker="o", markersize=5,
            label=spec.label)
    for label, y in spec.lines:
        ax.axhline(y, color=LINE_COLOUR, linewidth=2, linestyle="--", label=label)
    # Tick values arrive as numpy floats: convert before formatting.
    fmt = ((lambda v, _pos: pct(float(v), 0)) if spec.percent
           else (lambda v, _pos: compact(float(v))))
    ax.yaxis.set_major_formatter(FuncFormatter(fmt))
    locator = AutoDateLocator(minticks=3, maxticks=6)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(DateFormatter("%d %b"))  # type: ignore[no-untyped-call]
    ax.set_title(spec.title, fontsize=18, pad=12)
    ax.set_ylabel(spec.label, fontsize=14)
    ax.set_xlabel("date", fontsize=14)
    ax.tick_params(labelsize=13)
    ax.grid(True, alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if spec.lines:
        ax.legend(fontsize=12, frameon=False, loc="best")
    fig.tight_layout()
    return fig


def to_png(fig: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def render_png(spec: ChartSpec) -> bytes:
    return to_png(build_figure(spec))


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
