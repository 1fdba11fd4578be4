"""Charts a creator can read (issue 13): distinct tick labels at the precision shown, the
currency on an income axis, and no reference line without a legend entry naming it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from matplotlib.backends.backend_agg import FigureCanvasAgg

from bot.render.charts import ChartSpec, build_figure

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def _labels(spec: ChartSpec) -> tuple[list[str], list[str], list[str], str]:
    fig = build_figure(spec)
    FigureCanvasAgg(fig).draw()
    (ax,) = fig.axes
    ys = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    xs = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    legend = ax.get_legend()
    names = [] if legend is None else [t.get_text() for t in legend.get_texts()]
    return ys, xs, names, ax.get_ylabel()


def test_y_ticks_are_distinct_at_the_shown_precision() -> None:
    points = [(NOW + timedelta(days=i), float(v)) for i, v in enumerate([1000, 1020, 1050, 1080])]
    ys, _, _, _ = _labels(ChartSpec("t", "Followers", points))
    assert len(ys) >= 3 and len(set(ys)) == len(ys), ys
    tiny = [(NOW + timedelta(days=i), float(v)) for i, v in enumerate([1000, 1001, 1002])]
    ys, _, _, _ = _labels(ChartSpec("t", "Followers", tiny))
    assert len(set(ys)) == len(ys) and not any("." in y and "k" not in y for y in ys), ys


def test_date_ticks_are_distinct_for_logs_hours_apart() -> None:
    points = [(NOW + timedelta(hours=3 * i), float(1000 + i)) for i in range(5)]
    _, xs, _, _ = _labels(ChartSpec("t", "Followers", points))
    assert len(xs) >= 2 and len(set(xs)) == len(xs), xs


def test_income_axis_shows_the_currency() -> None:
    points = [(NOW + timedelta(days=7 * i), float(v)) for i, v in enumerate([80, 120, 150])]
    ys, _, _, ylabel = _labels(ChartSpec("t", "Estimated monthly income", points,
                                         currency="EUR"))
    assert ylabel == "Estimated monthly income (EUR)"
    assert all(y.startswith(("€", "-€", "−€")) for y in ys), ys


def test_every_reference_line_has_a_legend_entry() -> None:
    points = [(NOW + timedelta(days=i), float(v)) for i, v in enumerate([3000, 3500, 4000])]
    lines = [("Shop full unlocks at 5k followers", 5000.0), ("", 4500.0)]
    fig = build_figure(ChartSpec("t", "Followers", points, lines=lines))
    (ax,) = fig.axes
    assert len(ax.get_lines()) == 2  # the series and the named line; the unnamed one is not drawn
    _, _, names, _ = _labels(ChartSpec("t", "Followers", points, lines=lines))
    assert "Shop full unlocks at 5k followers" in names


SPANS = [timedelta(0), timedelta(seconds=5), timedelta(seconds=50), timedelta(minutes=3),
         timedelta(hours=2), timedelta(days=1), timedelta(days=3), timedelta(days=83),
         timedelta(days=400), timedelta(days=3000)]


def test_date_ticks_are_distinct_and_readable_over_any_span() -> None:
    # Logs seconds apart were ticked at seconds all reading "2026-11-30 14:27"; a single day
    # got six years of axis. Every span, in a Latin and a CJK language: distinct labels, at
    # least two, none overlapping its neighbour, all inside the figure, the year named when
    # the axis runs over two years.
    from bot import i18n

    end = datetime(2026, 11, 30, 14, 27, 3, tzinfo=UTC)
    for language in ("en", "ja"):
        with i18n.using(language):
            for span in SPANS:
                points = [(end - span * (4 - i) / 4, float(1000 + i)) for i in range(5)]
                fig = build_figure(ChartSpec("t", "Followers", points))
                canvas = FigureCanvasAgg(fig)
                canvas.draw()
                (ax,) = fig.axes
                lo, hi = ax.get_xlim()
                ticks = [t for t, at in zip(ax.get_xticklabels(), ax.get_xticks(), strict=True)
                         if t.get_text() and lo <= at <= hi]  # the ticks drawn
                xs = [t.get_text() for t in ticks]
                assert len(xs) >= 2 and len(set(xs)) == len(xs), (language, span, xs)
                boxes = [t.get_window_extent(canvas.get_renderer()) for t in ticks]
                page = fig.bbox
                for a, b in pairwise(boxes):
                    assert a.x1 < b.x0, (language, span, xs)
                assert all(b.x0 >= page.x0 and b.x1 <= page.x1 for b in boxes), (span, xs)
                assert hi - lo <= max(span.total_seconds() / 86400 * 1.2, 1 / 24 + 1e-9)
                if span >= timedelta(days=400):
                    assert all(any(str(y) in x for y in range(2017, 2028)) for x in xs), xs
