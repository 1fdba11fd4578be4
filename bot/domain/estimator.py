"""What a creator could earn a month, route by route: honest ranges from sourced rate tables.

Likes, comments and shares pay nothing directly. They move the brand-deal price (engagement
against the benchmark for the creator's size) and the reach that feeds every other route. Each
route reports whether the creator qualifies (and the distance to each unmet requirement), what
it would pay once they do, the inputs and assumptions used, and what was missing.

Pure and synchronous: values in, values out. Money is computed in USD and converted once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Final

from bot.domain.metrics import (
    PERIOD_DAYS,
    MetricSnapshot,
    compute_kpis,
    interactions,
    videos_in_period,
    views_in_period,
)
from bot.domain.numbers import compact, duration, grouped, pct
from bot.domain.profile import UserSettings
from bot.domain.rates import Figure, RateTables

ROUTES: Final = ("creator_rewards", "brand_deals", "live_gifts", "affiliate", "own_products")
WEEKS_PER_MONTH: Final = PERIOD_DAYS / 7


@dataclass(frozen=True, slots=True)
class Money:
    """A monthly amount as low / typical / high, in one currency."""

    low: float
    typical: float
    high: float

    def __post_init__(self) -> None:
        values = (self.low, self.typical, self.high)
        if not all(math.isfinite(v) and v >= 0 for v in values):
            raise ValueError(f"money must be finite and non-negative: {values}")

    def scaled(self, k: float) -> Money:
        return Money(self.low * k, self.typical * k, self.high * k)

    def __add__(self, other: Money) -> Money:
        return Money(self.low + other.low, self.typical + other.typical, self.high + other.high)


ZERO = Money(0.0, 0.0, 0.0)


def _product(*ranges: tuple[float, float, float]) -> Money:
    low = typical = high = 1.0
    for lo, ty, hi in ranges:
        low, typical, high = low * lo, typical * ty, high * hi
    return Money(low, typical, high)


def _fixed(value: float) -> tuple[float, float, float]:
    return value, value, value


@dataclass(frozen=True, slots=True)
class Requirement:
    name: str  # what is required, in words
    needed: str
    have: str | None  # None: not known
    met: bool | None  # None: not known
    gap: str | None = None  # "3,800 followers to go"


@dataclass(frozen=True, slots=True)
class RouteEstimate:
    key: str
    name: str
    eligible: bool | None  # None: nothing unmet, but something unknown
    requirements: tuple[Requirement, ...]
    monthly: Money | None  # what it pays once eligible; None when inputs are missing
    formula: str
    inputs: tuple[str, ...]
    assumptions: tuple[str, ...]
    missing: tuple[str, ...]
    sources: tuple[str, ...]
    note: str | None = None

    @property
    def unmet(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if r.met is False)


@dataclass(frozen=True, slots=True)
class EngagementComparison:
    rate: float | None  # by views; None when likes or views are missing
    benchmark: float
    tier: str
    ratio: float | None
    factor: tuple[float, float, float]  # applied to the brand-deal price
    sentence: str


@dataclass(frozen=True, slots=True)
class Estimate:
    routes: tuple[RouteEstimate, ...]
    currency: str
    now: Money  # routes the creator qualifies for now
    potential: Money  # every route with known inputs, as if eligible
    engagement: EngagementComparison | None
    missing: tuple[str, ...]
    currency_note: str
    views_note: str | None = None
    extra_assumptions: tuple[str, ...] = field(default_factory=tuple)

    def route(self, key: str) -> RouteEstimate:
        return next(r for r in self.routes if r.key == key)


def _fig(f: Figure) -> tuple[float, float, float]:
    return f.as_tuple()


def _count_req(name: str, needed: int, have: float | None, unit: str) -> Requirement:
    if have is None:
        return Requirement(name, grouped(needed), None, None)
    met = have >= needed
    gap = None if met else f"{grouped(needed - have)} {unit} to go"
    return Requirement(name, grouped(needed), grouped(have), met, gap)


def _adult_req(adult: bool | None) -> Requirement:
    if adult is None:
        return Requirement("18 or older", "yes", None, None)
    return Requirement("18 or older", "yes", "yes" if adult else "no", adult,
                       None if adult else "available from 18")


def _region_req(region: str | None, allowed: list[str]) -> Requirement:
    listed = ", ".join(allowed)
    if region is None:
        return Requirement("available in your country", listed, None, None)
    ok = region in allowed
    return Requirement("available in your country", listed, region, ok,
                       None if ok else f"not offered in {region} yet")


def _eligibility(reqs: list[Requirement]) -> bool | None:
    if any(r.met is False for r in reqs):
        return False
    if any(r.met is None for r in reqs):
        return None
    return True


def _views(s: MetricSnapshot) -> tuple[float | None, str | None]:
    """30-day views (typed or derived, :func:`views_in_period`) and how they were derived."""
    views = views_in_period(s)
    if views is None or s.views is not None:
        return views, None
    vids = videos_in_period(s)
    return views, (f"30-day views estimated as {compact(s.avg_views)} average views × "
                   f"{vids or 0:.0f} videos")


def views_30d(s: MetricSnapshot) -> float | None:
    """30-day views, typed or derived (:func:`bot.domain.metrics.views_in_period`)."""
    return views_in_period(s)


def engagement_rate(s: MetricSnapshot) -> float | None:
    """Engagement rate by views, (likes + comments + shares) ÷ 30-day views, where the views
    may be derived; None when unknown (the KPI of :func:`bot.domain.metrics.compute_kpis`)."""
    return compute_kpis(s).engagement_rate_views


def what_if(real: MetricSnapshot, overrides: dict[str, float]) -> tuple[MetricSnapshot, str]:
    """The hypothetical snapshot for ``overrides`` over ``real``, keeping the creator's
    engagement *rate* when only views change: likes, comments, shares and saves scale with
    views. When the real rate is unknown they are dropped, so the engagement of the
    hypothetical is unknown rather than real likes divided by imaginary views. Returns the
    snapshot and how engagement was treated: ``"given"``, ``"kept"``, ``"unknown"`` or
    ``"unchanged"``."""
    snapshot = real.merged(overrides, real.taken_at)
    inter_keys = {"likes", "comments", "shares", "saves"}
    if inter_keys & overrides.keys():
        return snapshot, "given"
    old, new = views_30d(real), views_30d(snapshot)
    if new == old:
        return snapshot, "unchanged"
    if old and new is not None and interactions(real) is not None:
        scale = new / old
        scaled = {k: float(round(v * scale)) for k in inter_keys
                  if (v := getattr(real, k)) is not None}
        return snapshot.merged({**overrides, **scaled}, real.taken_at), "kept"
    return replace(snapshot, likes=None, comments=None, shares=None, saves=None), "unknown"


def compare_engagement(s: MetricSnapshot, rates: RateTables) -> EngagementComparison | None:
    if s.followers is None:
        return None
    bench = rates.engagement.tier(s.followers)
    ef = rates.brand_deals.rates.engagement_factor
    rate = engagement_rate(s)
    if rate is None:
        unknown = _fig(rates.brand_deals.rates.unknown_engagement)
        return EngagementComparison(
            None, bench.rate, bench.label, None, unknown,
            "engagement unknown (log likes and views): brand range widened")
    ratio = rate / bench.rate
    factor = min(max(ratio, ef.low), ef.high)
    if ratio >= 1.15:
        effect = "brand range raised"
    elif ratio <= 0.85:
        effect = "brand range lowered"
    else:
        effect = "about typical"
    sentence = (f"your engagement is {ratio:.1f}× the typical {pct(bench.rate)} for "
                f"{bench.label} accounts: {effect}")
    return EngagementComparison(rate, bench.rate, bench.label, ratio, _fixed(factor), sentence)


def _creator_rewards(s: MetricSnapshot, st: UserSettings, rates: RateTables,
                     views: float | None) -> RouteEstimate:
    t = rates.creator_rewards
    e = t.eligibility
    region_followers = e.followers_by_region.value.get(st.region or "", e.followers.value)
    reqs = [
        _count_req("followers", region_followers, s.followers, "followers"),
        _count_req("views in the last 30 days", e.views_30d.value, views, "views"),
        _adult_req(st.adult),
        _region_req(st.region, e.regions.value),
    ]
    if s.avg_video_length is None:
        reqs.append(Requirement("videos over 1 minute", "yes", None, None))
    else:
        ok = s.avg_video_length >= e.min_video_seconds.value
        reqs.append(Requirement("videos over 1 minute", "yes", duration(s.avg_video_length), ok,
                                None if ok else "only videos over 1 minute earn"))
    missing = [] if views is not None else ["views"]
    monthly = None
    if views is not None:
        monthly = _product(_fixed(views / 1000), _fig(t.rates.qualified_share),
                           _fig(t.rates.rpm_usd))
    qs, rpm = t.rates.qualified_share, t.rates.rpm_usd
    return RouteEstimate(
        "creator_rewards", t.name, _eligibility(reqs), tuple(reqs), monthly, t.formula,
        inputs=tuple(f"views {compact(views)}" for _ in [0] if views is not None),
        assumptions=(f"{pct(qs.low, 0)}–{pct(qs.high, 0)} of views qualify (For You, watched "
                     "5 s or more, videos over 1 minute)",
                     f"${rpm.low:.2f}–${rpm.high:.2f} per 1,000 qualified views"),
        missing=tuple(missing),
        sources=(rpm.source, e.followers.source),
    )


def _brand_deals(s: MetricSnapshot, rates: RateTables, views: float | None,
                 engagement: EngagementComparison | None) -> RouteEstimate:
    t = rates.brand_deals
    reqs = [_count_req("followers", t.eligibility.followers.value, s.followers, "followers")]
    missing: list[str] = []
    inputs: list[str] = []
    assumptions = [f"{t.rates.deals_per_month.low:g}–{t.rates.deals_per_month.high:g} "
                   "sponsored videos a month"]
    monthly = None
    if s.followers is None:
        missing.append("followers")
    else:
        tier = t.tier(s.followers)
        inputs.append(f"followers {compact(s.followers)} ({tier.name}, {tier.label})")
        price = _fig(tier.price)
        avg = s.avg_views
        vids = videos_in_period(s)
        if avg is None and views is not None and vids is not None and vids >= 1:
            avg = views / vids  # average views per video, from at least one video
        if avg is not None:
            inputs.append(f"average views {compact(avg)}")
            cpm = _product(_fixed(avg / 1000), _fig(t.rates.cpm_usd))
            price = ((price[0] + cpm.low) / 2, (price[1] + cpm.typical) / 2,
                     (price[2] + cpm.high) / 2)
            assumptions.append("price per video: average of the size-tier range and "
                               f"${t.rates.cpm_usd.low:g}–${t.rates.cpm_usd.high:g} per 1,000 "
                               "average views")
        else:
            missing.append("avg_views")
            assumptions.append("price per video from the size-tier range only")
        factor = engagement.factor if engagement is not None else _fig(
            t.rates.unknown_engagement)
        if engagement is None or engagement.rate is None:
            missing.append("likes")
        monthly = _product(price, factor, _fig(t.rates.deals_per_month))
    return RouteEstimate(
        "brand_deals", t.name, _eligibility(reqs), tuple(reqs), monthly, t.formula,
        tuple(inputs), tuple(assumptions), tuple(missing),
        (t.tiers[0].price.source, t.rates.cpm_usd.source),
        note=None if engagement is None else engagement.sentence,
    )


def _live_gifts(s: MetricSnapshot, st: UserSettings, rates: RateTables) -> RouteEstimate:
    t = rates.live_gifts
    reqs = [_count_req("followers", t.eligibility.followers.value, s.followers, "followers"),
            _adult_req(st.adult)]
    monthly = None
    missing: list[str] = []
    inputs: list[str] = []
    assumptions: list[str] = []
    if s.diamonds is not None:
        inputs.append(f"diamonds {compact(s.diamonds)} in 30 days")
        monthly = _product(_fixed(s.diamonds), _fig(t.rates.diamond_usd))
        assumptions.append(f"1 diamond ≈ ${t.rates.diamond_usd.typical:g} to you")
    elif s.live_hours is not None and s.live_viewers is not None:
        hours = s.live_hours * WEEKS_PER_MONTH
        inputs.append(f"{s.live_hours:g} LIVE hours a week, {compact(s.live_viewers)} viewers")
        g, sh = t.rates.gifts_per_viewer_hour_usd, t.rates.creator_share
        monthly = _product(_fixed(hours * s.live_viewers), _fig(g), _fig(sh))
        assumptions += [f"viewers gift ${g.low:g}–${g.high:g} per viewer per hour (rough)",
                        f"you keep {pct(sh.low, 0)}–{pct(sh.high, 0)} of gift value"]
    else:
        missing.append("diamonds (or live_hours and live_viewers)")
    return RouteEstimate(
        "live_gifts", t.name, _eligibility(reqs), tuple(reqs), monthly, t.formula,
        tuple(inputs), tuple(assumptions), tuple(missing),
        (t.rates.diamond_usd.source, t.eligibility.followers.source),
    )


def _affiliate(s: MetricSnapshot, st: UserSettings, rates: RateTables,
               views: float | None) -> RouteEstimate:
    t = rates.affiliate
    e = t.eligibility
    reqs = [_count_req("followers", e.followers.value, s.followers, "followers"),
            _adult_req(st.adult), _region_req(st.region, e.regions.value)]
    r = t.rates
    note = None
    if s.followers is not None and e.followers.value <= s.followers < e.full_access_followers.value:
        note = (f"under {grouped(e.full_access_followers.value)} followers US creators start "
                "in a limited 30-day pilot")
    monthly = None if views is None else _product(
        _fixed(views), _fig(r.product_video_share), _fig(r.click_through), _fig(r.conversion),
        _fig(r.order_value_usd), _fig(r.commission))
    return RouteEstimate(
        "affiliate", t.name, _eligibility(reqs), tuple(reqs), monthly, t.formula,
        inputs=tuple(f"views {compact(views)}" for _ in [0] if views is not None),
        assumptions=(
            f"{pct(r.product_video_share.low, 0)}–{pct(r.product_video_share.high, 0)} of views "
            "on videos with a product",
            f"{pct(r.click_through.low)}–{pct(r.click_through.high)} click the link, "
            f"{pct(r.conversion.low)}–{pct(r.conversion.high)} of those buy",
            f"orders ${r.order_value_usd.low:g}–${r.order_value_usd.high:g}, commission "
            f"{pct(r.commission.low, 0)}–{pct(r.commission.high, 0)}"),
        missing=() if views is not None else ("views",),
        sources=(r.commission.source, e.followers.source),
        note=note,
    )


def _own_products(rates: RateTables, views: float | None, price_usd: float | None,
                  margin: float | None) -> RouteEstimate:
    t = rates.own_products
    r = t.rates
    price = _fixed(price_usd) if price_usd is not None else _fig(r.price_usd)
    marg = _fixed(margin) if margin is not None else _fig(r.margin)
    monthly = None if views is None else _product(
        _fixed(views), _fig(r.product_video_share), _fig(r.click_through), _fig(r.conversion),
        price, marg)
    assumptions = [
        f"{pct(r.product_video_share.low, 0)}–{pct(r.product_video_share.high, 0)} of views on "
        f"videos about your product, {pct(r.click_through.low)}–{pct(r.click_through.high)} "
        f"click, {pct(r.conversion.low, 0)}–{pct(r.conversion.high, 0)} of those buy"]
    if price_usd is None:
        assumptions.append(f"price ${r.price_usd.low:g}–${r.price_usd.high:g} (give yours: "
                           "price=29)")
    if margin is None:
        assumptions.append(f"margin {pct(r.margin.low, 0)}–{pct(r.margin.high, 0)} (give yours: "
                           "margin=60%)")
    return RouteEstimate(
        "own_products", t.name, True, (), monthly, t.formula,
        inputs=tuple(f"views {compact(views)}" for _ in [0] if views is not None),
        assumptions=tuple(assumptions),
        missing=() if views is not None else ("views",),
        sources=(r.margin.source, r.conversion.source),
    )


def estimate(
    snapshot: MetricSnapshot,
    settings: UserSettings,
    rates: RateTables,
    *,
    price: float | None = None,
    margin: float | None = None,
) -> Estimate:
    """Estimate every route for ``snapshot``. ``price`` is in the user's currency."""
    currency = settings.currency if settings.currency in rates.currencies.per_eur else "USD"
    to_user = rates.currencies.from_usd(1.0, currency)
    views, views_note = _views(snapshot)
    engagement = compare_engagement(snapshot, rates)
    price_usd = None if price is None else price / to_user
    routes_usd = (
        _creator_rewards(snapshot, settings, rates, views),
        _brand_deals(snapshot, rates, views, engagement),
        _live_gifts(snapshot, settings, rates),
        _affiliate(snapshot, settings, rates, views),
        _own_products(rates, views, price_usd, margin),
    )
    routes = tuple(
        r if r.monthly is None else _in_currency(r, to_user) for r in routes_usd
    )
    now = sum((r.monthly for r in routes if r.eligible is True and r.monthly), ZERO)
    potential = sum((r.monthly for r in routes if r.monthly), ZERO)
    missing = tuple(dict.fromkeys(m for r in routes for m in r.missing))
    note = (f"Amounts in {currency} at ECB reference rates of {rates.currencies.date}"
            if currency != "USD" else "Amounts in USD")
    return Estimate(routes, currency, now, potential, engagement, missing, note, views_note)


def _in_currency(route: RouteEstimate, rate: float) -> RouteEstimate:
    assert route.monthly is not None
    return replace(route, monthly=route.monthly.scaled(rate))
