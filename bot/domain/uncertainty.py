"""Uncertainty propagation for estimates: every assumed factor is a log-normal distribution.

Method (closed form, no sampling, so the same inputs always give the same numbers):

- A sourced range ``low``–``high`` is read as the central ``coverage`` share of creators
  (``coverage = 0.9`` by default: the ends are P5 and P95, the usual meaning of "typically
  X–Y" in rate guides; tables built from individual creator reports say ``coverage = 0.8``).
  The factor's median is the table's ``typical`` value and its log-spread is
  ``sigma = ln(high / low) / (2 z)`` with ``z`` the normal quantile of ``0.5 + coverage / 2``.
- A figure the creator gave (views, price, margin, diamonds) is exact: ``sigma = 0``.
- A product of independent log-normals is log-normal: medians multiply and ``sigma²`` add.
  The route's range is its P10–P90 (``median × exp(∓1.2816 sigma)``), the typical value its
  median. So 8 in 10 creators with these inputs fall inside the range.
- Two independent estimates of the same quantity (a brand price from the follower tier and from
  CPM on average views) combine by precision weighting; observations of a creator's own rate
  (their payouts) update the prior the same way (a conjugate normal update on the log scale).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from math import inf, isfinite
from statistics import NormalDist
from typing import Final

#: z of the 90th percentile: the range shown is P10–P90.
Z80: Final = NormalDist().inv_cdf(0.9)
#: Month-to-month spread (log scale) of one creator's own rate: their payouts vary around their
#: own typical rate by about ±40% between P10 and P90 (an assumption; shown in ``explain``).
OWN_RATE_SIGMA: Final = 0.3
_STANDARD: Final = NormalDist()


def z_for(coverage: float) -> float:
    """The normal quantile whose central interval holds ``coverage`` (0 < coverage < 1)."""
    if not 0 < coverage < 1:
        raise ValueError(f"coverage must be between 0 and 1, not {coverage}")
    return _STANDARD.inv_cdf(0.5 + coverage / 2)


@dataclass(frozen=True, slots=True)
class LogNormal:
    """A positive quantity with median ``median`` and log-scale spread ``sigma`` (≥ 0)."""

    median: float
    sigma: float = 0.0

    def __post_init__(self) -> None:
        if not (isfinite(self.median) and self.median >= 0):
            raise ValueError(f"median must be finite and non-negative, not {self.median}")
        if not (isfinite(self.sigma) and self.sigma >= 0):
            raise ValueError(f"sigma must be finite and non-negative, not {self.sigma}")

    @classmethod
    def exact(cls, value: float) -> LogNormal:
        return cls(value, 0.0)

    @classmethod
    def from_range(cls, low: float, typical: float, high: float,
                   coverage: float = 0.9) -> LogNormal:
        """``low``/``high`` are the ends of the central ``coverage`` share; median ``typical``.

        A range that starts at zero has no log-spread: the figure is taken as exact.
        """
        if low <= 0 or high <= 0:
            return cls(typical, 0.0)
        return cls(typical, math.log(high / low) / (2 * z_for(coverage)))

    def __mul__(self, other: LogNormal) -> LogNormal:
        return LogNormal(self.median * other.median, math.hypot(self.sigma, other.sigma))

    def scaled(self, k: float) -> LogNormal:
        return LogNormal(self.median * k, self.sigma)

    @property
    def p10(self) -> float:
        return self.median * math.exp(-Z80 * self.sigma)

    @property
    def p90(self) -> float:
        return self.median * math.exp(Z80 * self.sigma)

    @property
    def width(self) -> float:
        """P90 ÷ P10 (1.0 for an exact figure)."""
        return width_of(self.sigma)


def width_of(sigma: float) -> float:
    """P90 ÷ P10 of a log-normal of spread ``sigma`` (log scale), whatever its median: what
    :attr:`LogNormal.width` gives, for a spread with no distribution made around it."""
    return math.exp(2 * Z80 * sigma)


def product(*factors: LogNormal) -> LogNormal:
    """The distribution of a product of independent factors."""
    # ``LogNormal(1.0) * f1 * f2 * …`` in plain floats (the same operations in the same order),
    # without a checked object per step: each factor is a valid LogNormal, so a step can only
    # go wrong by overflowing to inf, and then that step's LogNormal raises what ``*`` raised.
    median, sigma = 1.0, 0.0
    for f in factors:
        median, sigma = median * f.median, math.hypot(sigma, f.sigma)
        if not (median < inf and sigma < inf):
            LogNormal(median, sigma)  # raises the error the step's product raised
    return LogNormal(median, sigma)


def combine(a: LogNormal, b: LogNormal) -> LogNormal:
    """Two independent estimates of one quantity, weighted by their precision (1 / sigma²)."""
    if a.median <= 0 or b.median <= 0:
        return a if a.median > 0 else b
    if a.sigma == 0 or b.sigma == 0:
        return a if a.sigma == 0 else b
    wa, wb = 1 / a.sigma**2, 1 / b.sigma**2
    mu = (wa * math.log(a.median) + wb * math.log(b.median)) / (wa + wb)
    return LogNormal(math.exp(mu), math.sqrt(1 / (wa + wb)))


def update(prior: LogNormal, observed: list[float],
           noise: float = OWN_RATE_SIGMA) -> LogNormal:
    """The predictive distribution of next month's rate after observing ``observed`` rates.

    Conjugate normal update of ``ln(rate)``: prior N(ln median, sigma²), each observation
    N(ln rate, noise²). The result adds ``noise²`` back (next month varies like past months),
    so it never gets narrower than one month's own spread, and it is capped at the prior's
    spread, so a payout never widens an estimate. Non-positive observations are ignored.

    The creator's own figure is never left outside the range: where their observations'
    centre (the geometric mean, their own typical rate) sits farther from the prior's median
    than the prior's spread and the months' spread explain, the prior's spread is read as
    that distance (prior-data conflict: they are evidently not a typical creator, so the
    market's weight shrinks and their payouts pull the figure to them); and where the cap
    on the spread would still leave that centre outside P10–P90, the median moves toward
    it until it sits on the range's end. The median stays between the prior's and the
    centre, and the spread is what the update gives.
    """
    logs = [math.log(x) for x in observed if x > 0 and math.isfinite(x)]
    if not logs:
        return prior
    n = len(logs)
    centre = sum(logs) / n
    if prior.sigma == 0 or prior.median <= 0:
        mu, var = centre, noise**2 / n
    else:
        prior_mu = math.log(prior.median)
        spread = max(prior.sigma**2, (centre - prior_mu) ** 2 - noise**2 / n)
        w0, w = 1 / spread, n / noise**2
        mu = (w0 * prior_mu + w * centre) / (w0 + w)
        var = 1 / (w0 + w)
    sigma = math.sqrt(var + noise**2)
    if prior.sigma:
        sigma = min(sigma, prior.sigma)
    reach = Z80 * sigma  # the range's ends are this far from the median (log scale)
    mu = min(max(mu, centre - reach), centre + reach)
    return LogNormal(math.exp(mu), sigma)
