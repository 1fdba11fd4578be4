"""Rate tables for the estimator, loaded from ``strategies/rates/*.toml`` and validated at start.

Every figure carries its source and date. A malformed file fails at load with
``file:line: field: problem`` (see :mod:`bot.domain.datafiles`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import cached_property, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.domain.brandprice import PriceCurve
from bot.domain.curves import OPEN_BAND_RATIO, band_middles, interpolate
from bot.domain.datafiles import DataFileError, load_toml
from bot.domain.uncertainty import LogNormal

T = TypeVar("T")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(Strict):
    source: str = Field(min_length=3)
    date: str = Field(min_length=4)


class Figure(Sourced):
    """A low / typical / high range: ``low`` and ``high`` are the ends of the central
    ``coverage`` share of creators (0.9: P5 and P95, the default; 0.8: P10 and P90), ``typical``
    the median. See :mod:`bot.domain.uncertainty` for how ranges become distributions."""

    low: float = Field(ge=0)
    typical: float = Field(ge=0)
    high: float = Field(ge=0)
    coverage: float = Field(default=0.9, gt=0, lt=1)

    @model_validator(mode="after")
    def _ordered(self) -> Figure:
        if not self.low <= self.typical <= self.high:
            raise ValueError(f"low ≤ typical ≤ high must hold ({self.low}, {self.typical}, "
                             f"{self.high})")
        return self

    def as_tuple(self) -> tuple[float, float, float]:
        return self.low, self.typical, self.high

    def dist(self) -> LogNormal:
        """The factor as a log-normal distribution (median ``typical``).

        Computed once per table figure (:func:`_figure_dist`, keyed on the figure's own
        numbers, never on a creator's): every estimate reads the same few figures.
        """
        return _figure_dist(self.low, self.typical, self.high, self.coverage)


@lru_cache(maxsize=1024, typed=True)
def _figure_dist(low: float, typical: float, high: float, coverage: float) -> LogNormal:
    """:meth:`Figure.dist` of a figure with these numbers (LogNormal is immutable)."""
    return LogNormal.from_range(low, typical, high, coverage)


class CountryFigure(Figure):
    """A figure in one country's own currency (``currency``, ISO 4217)."""

    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")


class Fact(Sourced, Generic[T]):
    value: T


class Regions(Sourced):
    """The countries a programme is offered in, as its sources list them. ``exhaustive``:
    the source is the whole list (an official page of the programme's countries), so a
    country not on it is known not to have the programme; otherwise (a list with "…", news
    of launches) a country not on it is not known either way: the creator is told the
    sources don't list it and to check in the app, never that it isn't offered there
    (:func:`bot.domain.eligibility.offered`). Required, so every list says which it is."""

    value: list[str]
    exhaustive: bool


class CreatorRewardsEligibility(Strict):
    followers: Fact[int]
    views_30d: Fact[int]
    min_video_seconds: Fact[int]
    adult: Fact[bool]
    regions: Regions
    min_age_by_region: Fact[dict[str, int]]


class CreatorRewardsRates(Strict):
    rpm_usd: Figure
    qualified_share: Figure
    rpm_by_country: dict[str, CountryFigure] = Field(default_factory=dict)

    def rpm(self, region: str | None) -> CountryFigure:
        """The RPM table of ``region``; the cross-country fallback (USD) otherwise."""
        if region is not None and region in self.rpm_by_country:
            return self.rpm_by_country[region]
        return _in_usd(self.rpm_usd)


@lru_cache(maxsize=64)
def _in_usd(figure: Figure) -> CountryFigure:
    """``figure`` as a :class:`CountryFigure` in USD, made once per table figure (frozen)."""
    return CountryFigure(**figure.model_dump(), currency="USD")


class CreatorRewards(Strict):
    name: str
    formula: str
    eligibility: CreatorRewardsEligibility
    rates: CreatorRewardsRates


class Tier(Strict):
    name: str
    label: str
    below: int | None = None
    price: Figure


class BrandEligibility(Strict):
    followers: Fact[int]


class ViewsRamp(Sourced):
    """Views per video over which a weight rises from 0 (``start``) to 1 (``full``)."""

    start: float = Field(gt=0)
    full: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> ViewsRamp:
        if not self.start < self.full:
            raise ValueError(f"start < full must hold ({self.start}, {self.full})")
        return self


class BrandRates(Strict):
    #: Views per video as a share of followers that the tier prices go with.
    typical_reach: Figure
    #: Videos a week assumed when 30-day views are known but not how many videos made them.
    videos_per_week: Figure
    #: Where the market CPM counts as evidence of the price (see bot.domain.brandprice).
    cpm_weight_views: ViewsRamp
    cpm_usd: Figure
    deals_per_month: Figure
    engagement_factor: Figure
    unknown_engagement: Figure


def _check_tiers(tiers: list[Any]) -> None:
    bounds = [t.below for t in tiers]
    if not tiers or bounds[-1] is not None or any(b is None for b in bounds[:-1]):
        raise ValueError("every tier but the last needs `below`; the last has none")
    if any(a >= b for a, b in pairwise(bounds[:-1])):
        raise ValueError("tiers must be in increasing order of `below`")


TierT = TypeVar("TierT", "Tier", "BenchmarkTier")


def _tier_for(tiers: list[TierT], followers: float) -> TierT:
    """The first tier whose upper bound (``below``) is above ``followers``; the last otherwise."""
    for t in tiers:
        if t.below is None or followers < t.below:
            return t
    return tiers[-1]


class AddOn(Strict):
    """A rate-card deliverable priced from the one-video price.

    ``of_video`` is a sourced multiplier of the one-video price (its own ``source`` and
    ``date``); when no source gives one, ``of_video`` is absent and ``unsourced`` says so, and
    the card shows no estimate for it rather than an invented one.
    """

    label: str
    of_video: Figure | None = None
    unsourced: str | None = None
    how: str = ""  # one line on what the multiplier means, shown on the card
    brand: str = ""  # the same said to a brand, on the media kit (empty: ``how``)

    @model_validator(mode="after")
    def _one(self) -> AddOn:
        if (self.of_video is None) == (self.unsourced is None):
            raise ValueError("give either `of_video` (a sourced multiplier) or `unsourced`")
        return self


class BrandDeals(Strict):
    name: str
    formula: str
    eligibility: BrandEligibility
    rates: BrandRates
    tiers: list[Tier]
    #: Rate-card deliverables besides one video, by key (``link``, ``live``, ``bundle``, …).
    add_ons: dict[str, AddOn]

    @model_validator(mode="after")
    def _tiers(self) -> BrandDeals:
        _check_tiers(self.tiers)
        _ = self.curve  # built once, at load: a curve that would fall is refused here
        return self

    @cached_property
    def curve(self) -> PriceCurve:
        """The price of one sponsored video against views per video
        (:mod:`bot.domain.brandprice`), built once from the tiers, the typical reach and the
        CPM."""
        r = self.rates
        reach = r.typical_reach.dist()
        if len(self.tiers) == 1:  # one open band: its price at any views
            middles: tuple[float, ...] = (float(max(self.eligibility.followers.value, 1)),)
            bottom = middles[0]
        else:  # the first band's bottom: its middle ÷ √(its width), one decade
            middles = band_middles([t.below for t in self.tiers])
            bottom = middles[0] / math.sqrt(OPEN_BAND_RATIO)
        return PriceCurve.build([m * reach.median for m in middles],
                                [t.price.dist() for t in self.tiers], reach, r.cpm_usd.dist(),
                                r.cpm_weight_views.start, r.cpm_weight_views.full,
                                bottom * reach.median)

    def followers_for(self, views_per_video: float) -> float:
        """The followers whose videos get ``views_per_video`` at typical reach: the size a
        creator's views stand for (what the engagement benchmark compares with)."""
        return views_per_video / self.rates.typical_reach.typical

    def tier(self, followers: float) -> Tier:
        """The price tier for ``followers``: the first whose ``below`` is above it (the
        first tier for an account below its band too, see :meth:`below_tiers`)."""
        return _tier_for(self.tiers, followers)

    def below_tiers(self, followers: float) -> bool:
        """Whether ``followers`` is below the first tier's band: the tiers start where brands
        start working with creators (``eligibility.followers``, 1k; the first tier's label
        says so), and an account below it is priced as the first tier all the same."""
        return followers < self.eligibility.followers.value


class LiveEligibility(Strict):
    followers: Fact[int]
    adult: Fact[bool]


class LiveRates(Strict):
    diamond_usd: Figure
    gifts_per_viewer_hour_usd: Figure
    creator_share: Figure
    diamond_usd_by_country: dict[str, Figure] = Field(default_factory=dict)
    creator_share_by_country: dict[str, Figure] = Field(default_factory=dict)

    def diamond(self, region: str | None) -> Figure:
        """What a diamond pays in ``region`` (USD); the outside-US rule otherwise."""
        return self.diamond_usd_by_country.get(region or "", self.diamond_usd)

    def share(self, region: str | None) -> Figure:
        return self.creator_share_by_country.get(region or "", self.creator_share)


class LiveGifts(Strict):
    name: str
    formula: str
    eligibility: LiveEligibility
    rates: LiveRates


class AffiliateEligibility(Strict):
    followers: Fact[int]
    full_access_followers: Fact[int]
    pilot_regions: Fact[list[str]]
    adult: Fact[bool]
    regions: Regions


class AffiliateRates(Strict):
    product_video_share: Figure
    click_through: Figure
    conversion: Figure
    order_value_usd: Figure
    commission: Figure
    commission_by_category: dict[str, Figure] = Field(default_factory=dict)

    def commission_for(self, category: str | None) -> Figure:
        return self.commission_by_category.get(category or "", self.commission)


class Affiliate(Strict):
    name: str
    formula: str
    eligibility: AffiliateEligibility
    rates: AffiliateRates


class OwnProductRates(Strict):
    product_video_share: Figure
    click_through: Figure
    conversion: Figure
    price_usd: Figure
    margin: Figure


class OwnProducts(Strict):
    name: str
    formula: str
    rates: OwnProductRates


class BenchmarkTier(Strict):
    label: str
    below: int | None = None
    rate: float = Field(gt=0, lt=1)


class BenchmarkSet(Strict):
    """One study's engagement-by-views benchmarks by follower tier."""

    name: str
    source: str = Field(min_length=3)
    date: str = Field(min_length=4)
    method: str
    tiers: list[BenchmarkTier]

    @model_validator(mode="after")
    def _tiers(self) -> BenchmarkSet:
        _check_tiers(self.tiers)
        return self

    def tier(self, followers: float) -> BenchmarkTier:
        return _tier_for(self.tiers, followers)

    def rate_at(self, followers: float) -> float:
        """The typical rate for an account of ``followers``: on the straight line in log size
        against log rate through the tiers' middles (:func:`bot.domain.curves.band_middles`),
        flat beyond the first and last, so it never jumps at a tier line."""
        if len(self.tiers) == 1 or followers <= 0:  # one figure for every size; the smallest
            return self.tiers[0].rate
        xs = [math.log(m) for m in band_middles([t.below for t in self.tiers])]
        ys = [math.log(t.rate) for t in self.tiers]
        return math.exp(interpolate(xs, ys, math.log(followers)))


class EngagementBenchmarks(Strict):
    """Every study's benchmarks; the first one scales brand prices."""

    sets: list[BenchmarkSet] = Field(min_length=1)

    @property
    def primary(self) -> BenchmarkSet:
        return self.sets[0]

    def tier(self, followers: float) -> BenchmarkTier:
        return self.primary.tier(followers)


class Currencies(Strict):
    #: The day of the reference rates: a date (an ISO ``date = "2025-02-28"`` in the file,
    #: refused at load otherwise), so a sentence naming it writes it as the creator's language
    #: writes dates ("28.02.2025", "2025/02/28"), as every date a reply shows.
    date: dt.date
    source: str
    per_eur: dict[str, float]

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        """Only a calendar date: TOML's own (``date = 2025-02-28``) or ISO text; never a
        timestamp, a number or a time of day, which pydantic would otherwise read as one."""
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return value
        raise ValueError(f"date must be a day as YYYY-MM-DD, not {value!r}")

    @model_validator(mode="after")
    def _check(self) -> Currencies:
        for code, rate in self.per_eur.items():
            if len(code) != 3 or not code.isupper():
                raise ValueError(f"currency codes are three capital letters, not {code!r}")
            if not rate > 0:
                raise ValueError(f"{code}: a rate must be positive")
        if "USD" not in self.per_eur:
            raise ValueError("USD is required (estimates are computed in USD)")
        return self

    def from_usd(self, amount: float, currency: str) -> float:
        return amount / self.per_eur["USD"] * self.per_eur[currency]

    def to_usd(self, amount: float, currency: str) -> float:
        """``amount`` in ``currency`` as USD (KeyError for a currency without a rate)."""
        return amount / self.per_eur[currency] * self.per_eur["USD"]


class RateTables(Strict):
    creator_rewards: CreatorRewards
    brand_deals: BrandDeals
    live_gifts: LiveGifts
    affiliate: Affiliate
    own_products: OwnProducts
    engagement: EngagementBenchmarks
    currencies: Currencies


_FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "creator_rewards": ("creator_rewards.toml", CreatorRewards),
    "brand_deals": ("brand_deals.toml", BrandDeals),
    "live_gifts": ("live_gifts.toml", LiveGifts),
    "affiliate": ("affiliate.toml", Affiliate),
    "own_products": ("own_products.toml", OwnProducts),
    "engagement": ("engagement_benchmarks.toml", EngagementBenchmarks),
    "currencies": ("currencies.toml", Currencies),
}


def load_rates(directory: Path) -> RateTables:
    """Load every rate table from ``directory`` (``strategies/rates``)."""
    parts: dict[str, BaseModel] = {}
    for key, (filename, model) in _FILES.items():
        path = directory / filename
        if not path.exists():
            raise DataFileError(path, [(None, "", "missing rate table")])
        parts[key] = load_toml(path, model)
    return RateTables.model_validate(parts)
