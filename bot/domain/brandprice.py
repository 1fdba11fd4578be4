"""The market price of one sponsored video, as a curve over views per video. Pure.

Brands pay for the audience a video reaches. The follower-tier prices of
``strategies/rates/brand_deals.toml`` are for creators whose videos reach a typical share of
their followers (``typical_reach``: 15–40 %, typical 24.5 %), so each tier is one point of a
curve over views per video: at the views its band's middle gets at typical reach
(:func:`bot.domain.curves.band_middles` × 24.5 %), the tier's price. Where the views are large
the market CPM (``cpm_usd`` × views ÷ 1,000) is blended into a point by precision, with a
weight rising smoothly from 0 to 1 between ``cpm_weight_views.start`` and ``.full`` views.
Between points the curve is a straight line in log views against log price; below the first
point it keeps the first segment's slope down to the views of the first band's bottom, and is
flat below that (an account below the first band is priced as the band's bottom); above the
last point it keeps the last segment's slope.

The spread at a point is the tier's, less what the spread of reach among the tier's creators
explains (a creator whose views are known is not spread over every reach): σ² − (slope ×
σ_reach)², but never below the CPM's own spread (a price is known no more precisely than
the market's price per view; a tier from one narrow source, 500k–1M's $3,000–7,000, is
widened to it). When views per
video are uncertain (30-day views ÷ a posting prior, or followers × the reach prior), the
price's median is the curve at the median views (the curve rises, so medians carry over) and
its spread adds the curve's slope over ± one spread of the views times that spread; so with
views from followers a point reproduces the tier's own price range, and known views narrow it.

Every point must rise: :class:`PriceCurve` refuses a table that would make the price fall with
views (a `ValueError`, reported at load with the file's name).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from bot.domain.curves import interpolate, segment_slopes
from bot.domain.metrics import PERIOD_DAYS, MetricSnapshot, views_in_period
from bot.domain.uncertainty import LogNormal, combine
from bot.domain.videos import ViewsPerVideo

if TYPE_CHECKING:
    from bot.domain.rates import RateTables


def smoothstep(x: float, start: float, full: float) -> float:
    """0 at or below ``start``, 1 at or above ``full``, and 3t² − 2t³ of the way ``t`` between:
    a weight that rises without a corner at either end."""
    if full <= start:
        return 1.0 if x >= start else 0.0
    t = min(max((x - start) / (full - start), 0.0), 1.0)
    return t * t * (3 - 2 * t)


@dataclass(frozen=True, slots=True)
class PriceCurve:
    """Log price (USD per sponsored video) against log views per video.

    ``xs``: ln views of each point (increasing); ``mus``: ln median price there; ``sigmas``:
    the log spread there; ``floor``: ln views below which the price no longer falls."""

    xs: tuple[float, ...]
    mus: tuple[float, ...]
    sigmas: tuple[float, ...]
    floor: float
    #: The first and the last segment's slopes (0 for one point), which the curve keeps
    #: beyond its ends: worked out once here, not at every price read.
    ends: tuple[float, float] = field(init=False)

    def __post_init__(self) -> None:
        if any(b <= a for a, b in pairwise(self.xs)):
            raise ValueError("the tiers' typical views must rise from tier to tier")
        slopes = segment_slopes(self.xs, self.mus)
        if any(s < 0 for s in slopes):
            raise ValueError("the price per video must not fall as views per video rise "
                             "(check the tiers' typical prices against the CPM)")
        object.__setattr__(self, "ends", (slopes[0], slopes[-1]) if slopes else (0.0, 0.0))

    @classmethod
    def build(cls, views: Sequence[float], prices: Sequence[LogNormal], reach: LogNormal,
              cpm: LogNormal, cpm_start: float, cpm_full: float, floor_views: float
              ) -> PriceCurve:
        """The curve through ``prices`` (each tier's price) at ``views`` (each tier's typical
        views per video), their spread less what ``reach`` explains (at least ``cpm``'s),
        each blended with
        ``cpm`` (USD per 1,000 views) by precision, the CPM weighted by :func:`smoothstep`
        of ln views between ``cpm_start`` and ``cpm_full``. ``floor_views``: the views below
        which the price stays flat."""
        xs = [math.log(v) for v in views]
        raw = [math.log(p.median) for p in prices]
        local = [0.0]  # each point's slope: its segments' mean (one point: none)
        if len(xs) > 1:
            slopes = segment_slopes(xs, raw)
            local = [slopes[0], *((a + b) / 2 for a, b in pairwise(slopes)), slopes[-1]]
        mus, sigmas = [], []
        for x, p, b in zip(xs, prices, local, strict=True):
            sigma = math.sqrt(max(p.sigma**2 - (b * reach.sigma) ** 2, cpm.sigma**2))
            weight = smoothstep(x, math.log(cpm_start), math.log(cpm_full))
            tier = LogNormal(p.median, sigma)
            blended = tier if weight == 0 else combine(
                tier, LogNormal(math.exp(x) / 1000 * cpm.median, cpm.sigma / math.sqrt(weight)))
            mus.append(math.log(blended.median))
            sigmas.append(blended.sigma)
        return cls(tuple(xs), tuple(mus), tuple(sigmas), math.log(floor_views))

    def _mu(self, x: float) -> float:
        before, after = self.ends
        return interpolate(self.xs, self.mus, max(x, self.floor), before=before, after=after)

    def read_between(self, views: float) -> tuple[int, ...]:
        """The points the price at ``views`` is read from: the two it lies between, or the
        nearest end's (beyond an end, or at a point)."""
        x = max(math.log(views), self.floor) if views > 0 else self.floor
        if x <= self.xs[0]:
            return (0,)
        if x >= self.xs[-1]:
            return (len(self.xs) - 1,)
        i = bisect_right(self.xs, x) - 1
        return (i,) if x == self.xs[i] else (i, i + 1)

    def at(self, views: float) -> LogNormal:
        """The price of a video with ``views`` views (exact): the curve's median and spread."""
        x = math.log(views) if views > 0 else self.floor
        return LogNormal(math.exp(self._mu(x)),
                         interpolate(self.xs, self.sigmas, max(x, self.floor)))

    def over(self, views: LogNormal) -> LogNormal:
        """The price of a video whose views per video are ``views`` (uncertain): median at the
        median views, spread widened by the curve's slope over ± ``views.sigma``."""
        price = self.at(views.median)
        if views.sigma == 0 or views.median <= 0:
            return price
        x, s = math.log(views.median), views.sigma
        slope = (self._mu(x + s) - self._mu(x - s)) / (2 * s)
        return LogNormal(price.median, math.hypot(price.sigma, slope * s))


@dataclass(frozen=True, slots=True)
class BrandViews:
    """Views per video as the brand price reads them (:func:`brand_views`): ``views`` (exact
    when known, else with the spread of the prior it comes from) and ``basis``: ``"known"``
    (:func:`~bot.domain.videos.views_per_video`: the videos' median, average views, or 30-day
    views ÷ the videos posted), ``"posting"`` (30-day views ÷ the posting prior) or
    ``"followers"`` (followers × the typical reach)."""

    views: LogNormal
    basis: str


def brand_views(s: MetricSnapshot, per_video: ViewsPerVideo | None,
                rates: RateTables) -> BrandViews | None:
    """The one place that decides the views per video a brand pays for: the creator's own
    figure where known (``per_video``), exact; else 30-day views ÷ the videos of 30 days at
    the sourced posting prior (``videos_per_week``, whose spread it carries); else followers ×
    the typical reach (``typical_reach``, 15–40 %); None without any of them."""
    r = rates.brand_deals.rates
    if per_video is not None:
        return BrandViews(LogNormal.exact(max(per_video.value, 0.0)), "known")
    views = views_in_period(s)
    if views is not None:
        posts = r.videos_per_week.dist()
        return BrandViews(LogNormal(views / (posts.median * PERIOD_DAYS / 7), posts.sigma),
                          "posting")
    if s.followers is not None:
        reach = r.typical_reach.dist()
        return BrandViews(LogNormal(s.followers * reach.median, reach.sigma), "followers")
    return None


def benchmark_size(s: MetricSnapshot, per_video: ViewsPerVideo | None,
                   rates: RateTables) -> float | None:
    """The account size the engagement benchmark is read at (``/estimate``, the media kit and
    the tips' ``er_benchmark`` alike): the followers whose videos would get the creator's
    views per video (:func:`brand_views`) at typical reach, so it follows the views the brand
    price follows and a follower count alone never moves it once views are known; followers
    where nothing else is known; None without either."""
    seen = brand_views(s, per_video, rates)
    if seen is None:
        return None
    return rates.brand_deals.followers_for(seen.views.median)


def read_by_reach(followers: float, size: float, rates: RateTables) -> bool:
    """Whether the engagement benchmark read at ``size`` (:func:`benchmark_size`) is named
    as the views' band rather than the account's: the size falls in another band of the
    first study than ``followers`` do. The one rule for how the band is worded, in
    /estimate and the media kit (:func:`bot.domain.estimator.band_wording`) and in the
    tips (the ``er_band`` fact): never "your size" for a 2M-follower account read at the
    views of a smaller one."""
    primary = rates.engagement.primary
    return primary.tier(followers).label != primary.tier(size).label
