"""Piecewise straight lines in log-log space through a table's tier points. Pure.

Rate tables give figures by follower band ("10k–50k: $75–350"). Read as a step function, a
figure jumps at every band line (9,999 followers one price, 10,000 another). Each band is
read instead as one point at its middle, and a size between two points gets the figure on
the straight line between them in log size against log figure, so it moves smoothly.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from itertools import pairwise
from typing import Final

#: A band open at one end (the first band's bottom, the last band's top) is read as this many
#: times wide: one decade ("1M+" as 1M–10M), the width of most closed bands in the tables.
OPEN_BAND_RATIO: Final = 10.0


def band_middles(bounds: Sequence[float | None]) -> tuple[float, ...]:
    """The geometric middle of each band whose upper bounds (exclusive) are ``bounds``, in
    increasing order, the last ``None`` (open): band ``i`` runs from ``bounds[i - 1]`` to
    ``bounds[i]``; the first starts and the last ends :data:`OPEN_BAND_RATIO` times from its
    other end. A single open band (no bounds) has no middle: ``(nan,)``."""
    tops = list(bounds)
    if len(tops) == 1:
        return (math.nan,)
    closed = [t for t in tops if t is not None]
    lows = [closed[0] / OPEN_BAND_RATIO, *closed]
    highs = [*closed, closed[-1] * OPEN_BAND_RATIO]
    return tuple(math.sqrt(lo * hi) for lo, hi in zip(lows, highs, strict=True))


def segment_slopes(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, ...]:
    """The slope of each segment between consecutive points (``xs`` increasing)."""
    return tuple((y1 - y0) / (x1 - x0) for (x0, y0), (x1, y1) in pairwise(zip(xs, ys,
                                                                              strict=True)))


def interpolate(xs: Sequence[float], ys: Sequence[float], x: float, *,
                before: float = 0.0, after: float = 0.0) -> float:
    """The value at ``x`` of the broken line through ``(xs[i], ys[i])`` (``xs`` increasing):
    straight between points, and beyond the ends straight with slope ``before`` (left of the
    first) and ``after`` (right of the last); 0 keeps the end value. One point: its value.
    Continuous in ``x``."""
    if len(xs) == 1:
        return ys[0]
    if x <= xs[0]:
        return ys[0] + before * (x - xs[0])
    if x >= xs[-1]:
        return ys[-1] + after * (x - xs[-1])
    i = bisect_right(xs, x) - 1
    t = (x - xs[i]) / (xs[i + 1] - xs[i])
    return ys[i] + t * (ys[i + 1] - ys[i])
