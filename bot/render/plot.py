"""The matplotlib side of the progress charts, imported only when a chart is drawn.

Uses matplotlib's object API with the Agg canvas (no display, no pyplot global state), so a
chart can be drawn in a worker thread while the event loop keeps serving.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import UTC, tzinfo
from typing import Any

from matplotlib.dates import AutoDateLocator, date2num, num2date
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator

from bot.domain import numbers
from bot.domain.numbers import pct
from bot.i18n import gettext
from bot.render import fonts
from bot.render.charts import LINE_COLOUR, SERIES_COLOUR, ChartSpec, _money, precise


class DistinctFormatter(Formatter):
    """Tick labels that differ from each other at the precision shown: the fewest decimals
    for which no two ticks read the same (never "1k, 1k, 1k, 1.1k")."""

    def __init__(self, show: Callable[[float, int], str]) -> None:
        self.show = show

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self.show(float(x), 0)

    def format_ticks(self, values: Sequence[Any]) -> list[str]:
        labels: list[str] = []
        for extra in range(6):
            labels = [self.show(float(v), extra) for v in values]
            if len(set(labels)) == len(labels):
                break
        return labels


class DistinctDateFormatter(Formatter):
    """Date ticks as "29 Nov", with the year or the time of day added when two ticks would
    otherwise read the same; with the year whenever the axis spans two calendar years.
    Read in ``zone`` (the creator's time zone): a tick at 13:25 there reads "13:25"."""

    def __init__(self, zone: tzinfo = UTC) -> None:
        self.zone = zone

    #: CLDR (Babel), so month names are in the chart's language ("29 Nov", "29. Nov.",
    #: "29 nov.", "11月29日"): day and month, then with the year or the time of day.
    #: English keeps its day-first patterns; other languages use the CLDR skeleton at the same
    #: index, which orders and punctuates the parts as the language does.
    #: The last step has the seconds: with the axis at least :data:`MIN_SPAN` wide the locator
    #: never puts two ticks within one second, so some step always tells every tick apart.
    FORMATS = ("d MMM", "d MMM y", "d MMM HH:mm", "y-MM-dd HH:mm", "y-MM-dd HH:mm:ss")
    SKELETONS = ("MMMd", "yMMMd", "MMMdHm", "yMMddHm", "yMMddHms")

    def _show(self, moment: Any, pattern: str) -> str:
        from babel.dates import format_datetime, format_skeleton

        loc = numbers.locale()
        if loc.language == "en":
            return str(format_datetime(moment, pattern, locale=loc))
        skeleton = self.SKELETONS[self.FORMATS.index(pattern)]
        if "H" not in skeleton:
            return str(format_skeleton(skeleton, moment, locale=loc))
        # CLDR has no skeleton for a date with a time ("MMMdHm" raises KeyError in every
        # language): the date and the time each by their own skeleton, joined the way the
        # language joins a date and a time ("{1}, {0}", "{1} {0}").
        date_part, _, time_part = skeleton.partition("H")
        day = format_skeleton(date_part, moment, locale=loc)
        clock = format_skeleton("H" + time_part, moment, locale=loc)
        joined = str(loc.datetime_formats["medium"])
        return joined.replace("{1}", str(day)).replace("{0}", str(clock))

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self._show(num2date(x, tz=self.zone),  # type: ignore[no-untyped-call]
                          self.FORMATS[0])

    def format_ticks(self, values: Sequence[Any]) -> list[str]:
        moments = [num2date(v, tz=self.zone) for v in values]  # type: ignore[no-untyped-call]
        formats: tuple[str, ...] = self.FORMATS
        if self.axis is not None:  # an axis over two calendar years names the year
            lo, hi = self.axis.get_view_interval()
            lo_year = num2date(lo, tz=self.zone).year  # type: ignore[no-untyped-call]
            if lo_year != num2date(hi, tz=self.zone).year:  # type: ignore[no-untyped-call]
                formats = tuple(f for f in formats if "y" in f)
        labels: list[str] = []
        for fmt in formats:
            labels = [self._show(m, fmt) for m in moments]
            if len(set(labels)) == len(labels):
                break
        return labels


#: The narrowest date axis, in days (one hour). Logs typed minutes or seconds apart (or a
#: single snapshot) are drawn on an hour around them, so the locator ticks at whole minutes
#: that :class:`DistinctDateFormatter` can name, not at seconds that all read "14:27" (nor
#: matplotlib's own six years around a single date).
MIN_SPAN = 1 / 24


def _widen_to_min_span(ax: Any, xs: Sequence[float]) -> None:
    """Set the x limits to at least :data:`MIN_SPAN` days, centred on the points."""
    lo, hi = float(min(xs)), float(max(xs))
    if hi - lo < MIN_SPAN:
        mid = (lo + hi) / 2
        ax.set_xlim(mid - MIN_SPAN / 2, mid + MIN_SPAN / 2)


def build_figure(spec: ChartSpec) -> Figure:
    """The figure for ``spec``; tests read its data back before it is saved."""
    fonts.install()  # Japanese falls back to IPAexGothic
    fig = Figure(figsize=(8, 4.5), dpi=120)
    ax = fig.add_subplot()
    xs = date2num([t for t, _ in spec.points])  # type: ignore[no-untyped-call]
    ys = [v for _, v in spec.points]
    ax.plot(xs, ys, color=SERIES_COLOUR, linewidth=3, marker="o", markersize=5,
            label=spec.label)
    for label, y in spec.lines:
        if label.strip():  # a line nobody can name is not drawn
            ax.axhline(y, color=LINE_COLOUR, linewidth=2, linestyle="--", label=label)
    show: Callable[[float, int], str]
    if spec.percent:
        show = lambda v, extra: pct(v, extra)  # noqa: E731
    elif spec.currency:
        show = _money(spec.currency)
    else:
        show = precise
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True, min_n_ticks=3))
    ax.yaxis.set_major_formatter(DistinctFormatter(show))
    _widen_to_min_span(ax, xs)
    # ticks at the creator's midnights and hours, named in their time zone
    locator = AutoDateLocator(tz=spec.zone, minticks=3,  # type: ignore[no-untyped-call]
                              maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(DistinctDateFormatter(spec.zone))
    ax.set_title(spec.title, fontsize=18, pad=12)
    ax.set_ylabel(spec.label + numbers.aside(spec.currency) if spec.currency else spec.label,
                  fontsize=14)
    ax.set_xlabel(gettext("date"), fontsize=14)
    ax.tick_params(labelsize=13)
    ax.grid(True, alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if any(label.strip() for label, _ in spec.lines):  # every reference line is named here
        ax.legend(fontsize=12, frameon=False, loc="best")
    fig.tight_layout()
    return fig


def to_png(fig: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
