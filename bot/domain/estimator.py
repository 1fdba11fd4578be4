"""What a creator earns or could earn a month, route by route: P10–P90 ranges from sourced rates.

Every assumed factor (RPM, qualified share, CPM, click-through, …) is a log-normal
distribution read from its sourced range; factors the creator gave (views, diamonds, price,
margin, order value, commission, their own payouts) are exact or update the prior. A route's
range is the P10–P90 of the product, its typical value the median (closed form, see
:mod:`bot.domain.uncertainty`), so 8 in 10 creators with these inputs fall inside it.

"Now" adds only the routes the creator has: every route they logged a payout from (being paid
by a route is being in it unless a country, age or video length is known not to qualify,
:meth:`bot.domain.eligibility.Eligibility.verdict`), programmes they
qualify for with logged inputs, and brand deals, affiliate and own products once they say they
do them (``/settings does=…``); brand deals only at the creator's own pace, brand payouts
logged with a month (:func:`brand_pace`), never at the assumed deals a month. Every route
with known inputs adds to "could". Totals add the route P10s and P90s (a conservative band
around the sum). Eligibility comes from
:mod:`bot.domain.eligibility`, the same place /tips reads.

Pure and synchronous: values in, values out. Money is computed in USD and converted once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from math import isfinite
from typing import Any, Final

from bot.domain import eligibility as elig
from bot.domain.brandprice import BrandViews, benchmark_size, brand_views, read_by_reach
from bot.domain.eligibility import Requirement
from bot.domain.fieldnames import field_name
from bot.domain.metrics import (
    PERIOD_DAYS,
    WINDOW_TOTALS,
    EngagementGap,
    MetricSnapshot,
    counted_on,
    engagement_gap,
    engagement_rate_views,
    hypothetical,
    left_out,
    same_window,
    views_in_period,
)
from bot.domain.numbers import (
    aside,
    band_ends,
    compact,
    counted,
    decimal,
    decimal_ends,
    grouped,
    items,
    money,
    money_exact,
    money_fine,
    month,
    pct,
    price_range,
    punct,
    shared_short,
    size_band,
    usd_ends,
    whole,
)
from bot.domain.payouts import Payout
from bot.domain.profile import UserSettings
from bot.domain.rates import Currencies, Figure, RateTables
from bot.domain.studio import Video
from bot.domain.uncertainty import LogNormal, product, update
from bot.domain.videos import ViewsPerVideo, views_per_video
from bot.i18n import N_, ngettext, standalone, translate
from bot.i18n import gettext as _

ROUTES: Final = ("creator_rewards", "brand_deals", "live_gifts", "affiliate", "own_products")
#: Routes that count as "now" only once the creator says they do them (or logged a payout).
DECLARED: Final = ("brand_deals", "affiliate", "own_products")
WEEKS_PER_MONTH: Final = PERIOD_DAYS / 7
__all__ = ["ROUTES", "Estimate", "Money", "Requirement", "RouteEstimate", "estimate"]


@dataclass(frozen=True, slots=True)
class Money:
    """A monthly amount as P10 (``low``) / median (``typical``) / P90 (``high``), one currency."""

    low: float
    typical: float
    high: float

    def __post_init__(self) -> None:
        low, typical, high = self.low, self.typical, self.high
        if not (isfinite(low) and low >= 0 and isfinite(typical) and typical >= 0
                and isfinite(high) and high >= 0):
            raise ValueError(f"money must be finite and non-negative: {(low, typical, high)}")

    @classmethod
    def of(cls, d: LogNormal) -> Money:
        return cls(d.p10, d.median, d.p90)

    def scaled(self, k: float) -> Money:
        return Money(self.low * k, self.typical * k, self.high * k)

    def __add__(self, other: Money) -> Money:
        return Money(self.low + other.low, self.typical + other.typical, self.high + other.high)

    @property
    def width(self) -> float:
        """P90 ÷ P10 (1.0 when both are zero)."""
        return self.high / self.low if self.low > 0 else (1.0 if self.high == 0 else math.inf)


ZERO = Money(0.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class RouteEstimate:
    key: str
    name: str
    eligible: bool | None  # None: nothing unmet, but something unknown
    requirements: tuple[Requirement, ...]
    monthly: Money | None  # what it pays (once eligible); None when inputs are missing
    formula: str
    inputs: tuple[str, ...]
    assumptions: tuple[str, ...]
    missing: tuple[str, ...]
    sources: tuple[str, ...]
    note: str | None = None
    now: bool = False  # counted in "now": the creator has this route today
    #: The creator logged a payout from this route (under their own settings): its entry
    #: counts and what is unknown no longer hold them back (:func:`~bot.domain.eligibility.
    #: holds`); they are in it unless ``eligible`` is False (a country, age or video length
    #: known not to qualify).
    paid: bool = False
    narrow: str | None = None  # "tell me your average order value to narrow this 3×"
    #: The creator's logged payouts for this route that its figure is built on (none while
    #: the figure can't be worked out).
    payouts_used: int = 0
    #: Logged payouts this route's figure does not use yet: the inputs that would use them
    #: are missing (``waiting`` says which to log).
    payouts_waiting: int = 0
    #: The sentence on those payouts alone (:func:`_waiting`, LIVE gifts'
    #: :func:`_own_diamond_value`), None when none wait: part of ``note``, which may say more
    #: (the affiliate pilot), and what /payout repeats word for word.
    waiting: str | None = None
    rpm: Money | None = None  # Creator Rewards: per 1,000 qualified views
    qualified_share: tuple[float, float] | None = None  # Creator Rewards: P10, P90
    per_video: Money | None = None  # brand deals: price per sponsored video
    #: Brand deals of a creator who does them but logged no brand payout with a month: the
    #: sentence saying the figure assumes the market's deals a month (:func:`_assumed_deals`).
    assumed: str | None = None

    @property
    def holding(self) -> tuple[Requirement, ...]:
        """The requirements that still hold the creator back or are unknown
        (:func:`~bot.domain.eligibility.holding`): what /estimate lists as gaps and
        questions."""
        return elig.holding(self.requirements, paid=self.paid)


@dataclass(frozen=True, slots=True)
class Benchmark:
    """One study's figure for the creator's band, as the study states it (``rate``, the
    band's own figure: quoted the same every time, :func:`bot.domain.numbers.stated_pct`)."""

    study: str
    tier: str
    rate: float
    source: str


class BrandEffect(StrEnum):
    """What the creator's engagement by views does to their brand-deal prices."""

    RAISED = "raised"  # 1.15× the benchmark or more
    LOWERED = "lowered"  # 0.85× or less
    TYPICAL = "typical"  # in between
    UNKNOWN = "unknown"  # engagement unknown: the range is widened instead


@dataclass(frozen=True, slots=True)
class EngagementComparison:
    """The creator's engagement by views against the benchmarks for their size: numbers and
    a case (:class:`BrandEffect`, and why it is unknown), from which a reply writes whole
    sentences."""

    rate: float | None  # by views; None when likes or views are missing
    benchmark: float  # the first study's figure (it scales brand prices)
    tier: str
    ratio: float | None
    factor: LogNormal  # applied to the brand-deal price
    effect: BrandEffect
    benchmarks: tuple[Benchmark, ...] = ()
    gap: EngagementGap | None = None  # why the rate is unknown (effect UNKNOWN)
    #: parts of the rate from another window than the views, not counted in it
    #: (:func:`bot.domain.metrics.left_out`)
    left_out: tuple[str, ...] = ()
    #: the size the benchmark is read at (:func:`benchmark_size`, from the views per video)
    #: falls in another tier than the creator's followers: ``tier`` is not their follower band
    by_reach: bool = False


@dataclass(frozen=True, slots=True)
class Estimate:
    routes: tuple[RouteEstimate, ...]
    currency: str
    now: Money  # routes the creator has now
    potential: Money  # every route with known inputs ("could earn"); always ≥ now
    engagement: EngagementComparison | None
    missing: tuple[str, ...]
    currency_note: str  # a whole sentence
    views_note: str | None = None  # a whole sentence
    extra_assumptions: tuple[str, ...] = field(default_factory=tuple)
    views_per_video: ViewsPerVideo | None = None  # from views_per_video(), for the reply

    def route(self, key: str) -> RouteEstimate:
        return next(r for r in self.routes if r.key == key)


def _clip(value: float, lo: float, hi: float) -> float:
    return min(max(value, lo), hi)


def engagement_rate(s: MetricSnapshot,
                    history: Sequence[MetricSnapshot] | None = None) -> float | None:
    """Engagement rate by views, (likes + comments + shares) ÷ 30-day views, where the views
    may be derived; None when unknown (the KPI of :func:`bot.domain.metrics.compute_kpis`,
    with the same ``history``)."""
    return engagement_rate_views(s, history)


def what_if(real: MetricSnapshot, overrides: dict[str, float],
            history: Sequence[MetricSnapshot] | None = None) -> tuple[MetricSnapshot, str]:
    """The hypothetical snapshot for ``overrides`` over ``real``: the creator's current
    numbers with those values in their place (:func:`bot.domain.metrics.hypothetical`, which
    decides the 30-day window of each), keeping the creator's engagement *rate* when only
    views change: likes, comments, shares and saves scale with views. The rate kept is
    :func:`engagement_rate` of ``real``, the one the real estimate uses: only the
    interactions it divides (same 30-day window as the views,
    :func:`bot.domain.metrics.same_window`) are scaled; totals of another window stay as they
    are, left out as in the real estimate. When that rate is unknown they are all kept as
    stored, so the engagement of the hypothetical is unknown for the reason
    :func:`bot.domain.metrics.engagement_gap` gives ("different snapshots", not "log your
    likes") rather than likes from another window divided by imaginary views. A value equal to
    the current one changes nothing. ``history`` is the creator's stored snapshots (what
    :func:`bot.domain.metrics.same_window` reads; pass the same to :func:`estimate`).
    Views of 0 keep the rate as any others (the totals they divide scale to 0), but 0 views
    have no rate: ``"none"``, so nothing says the real rate is unknown when it is known.
    Returns the snapshot and how engagement was treated: ``"given"``, ``"kept"``,
    ``"none"``, ``"unknown"`` or ``"unchanged"``."""
    snapshot = hypothetical(real, overrides, history)
    if set(WINDOW_TOTALS) & overrides.keys():
        return snapshot, "given"
    old, new = views_in_period(real), views_in_period(snapshot)
    if new == old:
        return snapshot, "unchanged"
    if old and new is not None and engagement_rate(real, history) is not None:
        paired = same_window(real, history)
        scale = new / old
        # not rounded to whole counts: 1,015 interactions on 30k views scaled to 50 views
        # are 1.69, and rounded to 2 they made the kept 3.4% a 4% (a whole count of a
        # hypothetical is never shown; the rate it keeps is)
        scaled = {k: v * scale for k in WINDOW_TOTALS
                  if (v := getattr(paired, k)) is not None}
        return hypothetical(real, overrides, history, scaled), "kept" if new else "none"
    return snapshot, "unknown"


def compare_engagement(s: MetricSnapshot, rates: RateTables,
                       history: Sequence[MetricSnapshot] | None = None,
                       per_video: ViewsPerVideo | None = None) -> EngagementComparison | None:
    """The creator's engagement by views against every study's benchmark for their size
    (``history``: the creator's stored snapshots, :func:`bot.domain.metrics.same_window`;
    ``per_video``: their views per video, :func:`~bot.domain.videos.views_per_video`). The
    size is :func:`benchmark_size`, each study's figure there read off its line through its
    tiers (:meth:`bot.domain.rates.BenchmarkSet.rate_at`), so it moves smoothly with size.

    The brand-price factor is the ratio to the first study, clamped to the table's band.
    """
    size = benchmark_size(s, per_video, rates)
    if s.followers is None or size is None:
        return None
    primary = rates.engagement.primary
    bench = primary.rate_at(size)
    label = primary.tier(size).label
    # each study quoted by its own figure for the band (as the source states it), never a
    # figure read off the line through its bands, which moved with the creator's numbers
    benchmarks = tuple(Benchmark(b.name, b.tier(size).label, b.tier(size).rate, b.source)
                       for b in rates.engagement.sets)
    ef = rates.brand_deals.rates.engagement_factor
    rate = engagement_rate(s, history)
    # the size the benchmark is read at falls in another band than the followers: the band
    # is named as the views' (band_wording), never as "accounts your size"; the tips'
    # er_band reads the same rule
    by_reach = read_by_reach(s.followers, size, rates)
    if rate is None:
        return EngagementComparison(
            None, bench, label, None, rates.brand_deals.rates.unknown_engagement.dist(),
            BrandEffect.UNKNOWN, benchmarks,
            gap=engagement_gap(s, history) or EngagementGap.NO_VIEWS_OR_LIKES,
            by_reach=by_reach)
    ratio = rate / bench
    factor = _clip(ratio, ef.low, ef.high)
    effect = (BrandEffect.RAISED if ratio >= 1.15 else
              BrandEffect.LOWERED if ratio <= 0.85 else BrandEffect.TYPICAL)
    return EngagementComparison(rate, bench, label, ratio, LogNormal.exact(factor),
                                effect, benchmarks, left_out=left_out(s, history),
                                by_reach=by_reach)


@dataclass(frozen=True, slots=True)
class BandWording:
    """How the benchmark's band is named (:func:`band_wording`): ``by_reach`` says it is
    the band the views per video stand for, not the account's follower band (a template
    writes one whole sentence per case), ``tier`` is the band as brands name it
    ("5k–1M")."""

    by_reach: bool
    tier: str


def band_wording(e: EngagementComparison) -> BandWording:
    """The one place that decides how the engagement benchmark's band is named, for
    /estimate and the media kit alike: as the account's size ("accounts your size (5k–1M
    followers)") only when the followers fall in that band, else as the views' ("accounts
    with views like yours (those of 5k–1M followers)"), never "your size" for a 2M-follower
    account read at the views of a smaller one."""
    return BandWording(e.by_reach, size_band(e.tier))


#: A hint is shown only when its input would narrow the route's P90/P10 by at least this.
MIN_GAIN: Final = 1.2


def _narrowest(total: Money, candidates: Sequence[tuple[str, Money | None]]) -> str | None:
    """Which missing input would narrow the route's range ``total`` most, and by how much
    (P90/P10 before ÷ after); None when none would narrow it by :data:`MIN_GAIN` or more.

    A candidate is a hint (a message id marked with :func:`N_` holding ``%(factor)s``: what to
    do and by how much it narrows, one phrase) and the route's monthly figure once that input
    is given: the route function re-run on a context with the input (:func:`_given`), so the
    factor shown is what the estimate really becomes, not a guess about which factor the input
    removes. The value given is a typical one: every factor is log-normal, so the spread after
    does not depend on it (brand deals' average views excepted: the price curve's spread
    varies along views, so that hint is measured at the views per video assumed now).
    """
    width = total.width
    best: tuple[float, str] | None = None
    for hint, after in candidates:
        if after is None or not (0 < after.width < math.inf) or not width < math.inf:
            continue
        gain = width / after.width
        if best is None or gain > best[0]:
            best = (gain, hint)
    if best is None or best[0] < MIN_GAIN:
        return None
    gain, hint = best
    shown = decimal(gain, 1, 1) if gain < 3 else decimal(gain, 0)
    return _(hint, factor=shown)  # a message id marked with N_() (one whole phrase per hint)


@dataclass(frozen=True, slots=True)
class _Ctx:
    s: MetricSnapshot
    st: UserSettings
    rates: RateTables
    views: float | None
    payouts: tuple[Payout, ...]
    #: Every route's requirements, and the routes the creator was paid by.
    who: elig.Eligibility
    per_video: ViewsPerVideo | None = None
    #: Whether the routes' inputs and assumptions are written (only an explained estimate
    #: shows them; see :func:`estimate`).
    explain: bool = True
    #: The creator's currency (ISO 4217) that amounts they typed are in; USD for one the
    #: rate table lacks. ``to_user``: that currency per dollar.
    currency: str = "USD"
    to_user: float = 1.0
    #: Whether the routes work out their "to narrow this N×" hints (off inside
    #: :func:`_given`, whose figure is only measured, and for callers that show none:
    #: ``estimate(hints=False)``).
    hints: bool = True
    #: The creator's day the estimate is read on, where the caller knows it (:func:`estimate`).
    today: date | None = None

    def to_usd(self, amount: float, currency: str) -> float:
        c = self.rates.currencies
        return c.to_usd(amount, currency) if currency in c.per_eur else amount

    def mine(self, route: str) -> list[Payout]:
        return [p for p in self.payouts if p.route == route]


def _given(c: _Ctx, *, payout: tuple[str, float] | None = None, views: float | None = None,
           **changes: Any) -> _Ctx:
    """``c`` as it would be once the creator gave one more input, for measuring a hint
    (:func:`_narrowest`): ``payout`` is ``(route, amount in USD)`` of one more logged payout
    (``views`` those it paid for, Creator Rewards), ``changes`` replace context fields (a
    snapshot with the value logged, views per video as logged). No hints, nothing explained."""
    extra: tuple[Payout, ...] = ()
    if payout is not None and 0 < payout[1] < math.inf:
        route, amount = payout
        extra = (Payout(route, amount, "USD", c.s.taken_at, views=views),)
    return replace(c, payouts=c.payouts + extra, hints=False, explain=False, **changes)


def _monthly(dist: LogNormal | None) -> Money | None:
    """A route's monthly figure from its distribution (None: inputs missing)."""
    return None if dist is None else Money.of(dist)


def _based_on(n: int) -> str:
    """The note under a route that uses the creator's own payouts (shown on its own)."""
    return ngettext("based on your payout", "based on your %(num)s payouts", n)


def _waiting(n: int, missing: Sequence[str]) -> str:
    """The note under a route whose ``n`` logged payouts its figure can't use yet: the
    creator's own rate is known, and logging ``missing`` (field keys or phrases, as
    :attr:`RouteEstimate.missing` holds them) gives a monthly figure built on it. The same
    note is /payout's reply when it logs such a payout, so the two never disagree."""
    return ngettext("your own rate from your payout is ready: log %(missing)s for a "
                    "monthly figure that uses it",
                    "your own rate from your %(num)s payouts is ready: log %(missing)s for a "
                    "monthly figure that uses it", n,
                    missing=items(field_name(m) for m in missing))


def _uses(mine: Sequence[Payout], monthly: Money | None, missing: Sequence[str]
          ) -> dict[str, Any]:
    """A route's payout fields (``note``, ``payouts_used``, ``payouts_waiting``, ``waiting``)
    for its logged payouts ``mine``: used once the route has a figure (``monthly``, built on
    them), else waiting for ``missing``."""
    if not mine:
        return {"note": None, "payouts_used": 0, "payouts_waiting": 0, "waiting": None}
    if monthly is not None:
        return {"note": _based_on(len(mine)), "payouts_used": len(mine), "payouts_waiting": 0,
                "waiting": None}
    return _waits(len(mine), _waiting(len(mine), missing))


def _waits(n: int, sentence: str) -> dict[str, Any]:
    """A route's payout fields when its ``n`` logged payouts wait, as ``sentence`` says."""
    return {"note": sentence, "payouts_used": 0, "payouts_waiting": n, "waiting": sentence}


def _creator_rewards_dist(c: _Ctx) -> LogNormal | None:
    """The Creator Rewards route's monthly pay in USD for ``c`` (None without views): the
    figure :func:`_creator_rewards` shows, and what its hint measures with the input given."""
    if c.views is None:
        return None
    return LogNormal.exact(c.views / 1000) * _rewards_per_1000(c)


def _rewards_per_1000(c: _Ctx) -> LogNormal:
    """What Creator Rewards pay ``c`` per 1,000 views of any kind, in USD: the region's RPM
    times the qualified share, updated with the rate of each of their Creator Rewards payouts
    with its views (:func:`bot.domain.uncertainty.update`)."""
    rates = c.rates.creator_rewards.rates
    rpm_fig = rates.rpm(c.st.region)
    rpm = rpm_fig.dist().scaled(c.to_usd(1.0, rpm_fig.currency))
    observed = [c.to_usd(p.amount, p.currency) / p.views * 1000
                for p in c.mine("creator_rewards") if p.views]
    return update(rpm * rates.qualified_share.dist(), observed)


def _creator_rewards(c: _Ctx, reqs: tuple[Requirement, ...]) -> RouteEstimate:
    t = c.rates.creator_rewards
    rpm_fig = t.rates.rpm(c.st.region)
    rpm = rpm_fig.dist().scaled(c.to_usd(1.0, rpm_fig.currency))
    share = t.rates.qualified_share.dist()
    mine = [p for p in c.mine("creator_rewards") if p.views]
    monthly = None
    narrow = None
    dist = _creator_rewards_dist(c)
    if dist is not None:
        monthly = Money.of(dist)
        if not mine and c.hints:
            narrow = _narrowest(monthly, [(
                N_("log a payout (/payout rewards=412 views=610k) to narrow this %(factor)s×"),
                _monthly(_creator_rewards_dist(_given(
                    c, payout=("creator_rewards", dist.median), views=c.views))))])
    rpm_values = {**decimal_ends(rpm_fig.low, rpm_fig.high),
                  "currency": rpm_fig.currency} if c.explain else {}
    assumptions = [] if not c.explain else [
        _("%(low)s–%(high)s of views qualify (For You, watched 5 s or more, videos longer than "
          "1:00)", low=pct(share.p10, 0), high=pct(share.p90, 0)),
        _("%(low)s–%(high)s %(currency)s per 1,000 qualified views (%(where)s)",
          where=c.st.region, **rpm_values) if c.st.region in t.rates.rpm_by_country else
        _("%(low)s–%(high)s %(currency)s per 1,000 qualified views (other countries)",
          **rpm_values)]
    if mine and monthly is not None and c.explain:
        assumptions.append(ngettext(
            "your rate, %(rate)s per 1,000 views: your payout weighed against market "
            "rates", "your rate, %(rate)s per 1,000 views: your %(num)s payouts weighed against "
            "market rates", len(mine),
            rate=money(_rewards_per_1000(c).median * c.to_user, c.currency)))
    missing = () if c.views is not None else ("views",)
    return RouteEstimate(
        "creator_rewards", translate(t.name), c.who.verdict("creator_rewards"), reqs, monthly,
        translate(t.formula),
        inputs=tuple(_("views %(views)s", views=compact(c.views)) for _i in [0]
                     if c.views is not None and c.explain),
        assumptions=tuple(assumptions),
        missing=missing,
        sources=(rpm_fig.source, t.rates.qualified_share.source),
        narrow=narrow, **_uses(mine, monthly, missing),
        rpm=Money.of(rpm), qualified_share=(share.p10, share.p90),
    )


def _tier_input(c: _Ctx, followers: float) -> str:
    """The brand route's follower input as it is priced: the tier's name and band
    ("followers 12k (micro, 10k–50k)"), or, below the first tier's band (an account under the
    follower count brands start at, :meth:`bot.domain.rates.BrandDeals.below_tiers`), that it
    is below the band and priced as that tier all the same."""
    t = c.rates.brand_deals
    tier = t.tier(followers)
    # the followers and the band's ends in one style (numbers.shared_short)
    short = shared_short(followers, *(band_ends(tier.label) or ()))
    shown, label = compact(followers, short), size_band(tier.label, short)
    if t.below_tiers(followers):
        return _("followers %(followers)s (below the %(tier)s tier, %(label)s: priced as "
                 "%(tier)s)", followers=shown, tier=translate(tier.name), label=label)
    return _("followers %(followers)s (%(tier)s, %(label)s)", followers=shown,
             tier=translate(tier.name), label=label)


def _brand_dists(c: _Ctx, engagement: EngagementComparison | None
                 ) -> tuple[LogNormal, LogNormal] | None:
    """The brand route's price per sponsored video and monthly pay in USD for ``c`` (None
    without followers): the figures :func:`_brand_deals` shows, the rate card reuses, and
    what its hints measure with the input given. The price is the market curve
    (:attr:`bot.domain.rates.BrandDeals.curve`) at the creator's views per video
    (:func:`brand_views`), times the engagement factor, updated with the creator's own brand
    payouts."""
    seen = brand_views(c.s, c.per_video, c.rates)
    if c.s.followers is None or seen is None:
        return None
    r = c.rates.brand_deals.rates
    factor = engagement.factor if engagement is not None else r.unknown_engagement.dist()
    video = update(c.rates.brand_deals.curve.over(seen.views) * factor,
                   [c.to_usd(p.amount, p.currency) for p in c.mine("brand_deals")])
    pace = brand_pace(c.payouts, c.s, c.today)
    deals = r.deals_per_month.dist() if pace is None else LogNormal.exact(pace.per_month)
    return video, video * deals


#: How far back brand payouts set the creator's pace: the months up to the last one counted
#: (README, "Brand deals in now only at your own pace"); an older payout is left out, so one
#: deal in 2020 never spreads the pace over years.
PACE_MONTHS: Final = 12


@dataclass(frozen=True, slots=True)
class BrandPace:
    """How many sponsored videos a month the creator's own brand payouts show: ``deals``
    brand payouts logged with a month, over the ``months`` from the first of them to the
    later of the last one and the last month ended by the snapshot's day (both counted),
    within the :data:`PACE_MONTHS` up to that month; ``older`` payouts before them (since
    ``since``) are left out."""

    deals: int
    months: int
    first: str  # YYYY-MM
    last: str  # YYYY-MM
    older: int = 0
    since: str = ""  # YYYY-MM: the first month of the window

    @property
    def per_month(self) -> float:
        return self.deals / self.months


def _month_index(month: str) -> int:
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def _month_name(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def example_month(today: date) -> str:
    """The month an example ``/payout … month=`` names: the last month that has ended on the
    creator's day ``today`` (``2026-11`` on 1 December). The one place every line of a reply
    reads it from (/estimate's "Now" and its brand route's sentence named 2026-11 and a fixed
    2026-10 in one reply)."""
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def brand_payout_example(today: date) -> str:
    """The ``/payout`` that logs a brand fee with its month, for :func:`example_month`."""
    return f"/payout brand=350 per=video month={example_month(today)}"


def pace_day(snapshot: MetricSnapshot, today: date | None = None) -> date:
    """The creator's day the brand pace is read on: ``today`` (theirs, in their /settings time
    zone) where the caller knows it, never before the day of the snapshot read."""
    day = counted_on(snapshot)
    return day if today is None else max(day, today)


def _pace_window(payouts: Sequence[Payout], day: date
                 ) -> tuple[list[str], list[str], str, str] | None:
    """The brand payouts' months inside the pace's window and before it, the window's last
    month and its first (:data:`PACE_MONTHS`); None while none was logged with a month.

    The window is the last :data:`PACE_MONTHS` months that have ended on the creator's
    ``day`` (:func:`pace_day`), whatever was logged: a payout of the month under way (its
    deals are not all in yet: one November deal read on 1 December is 1 a month, and a
    December one then is not 2) counts once its month has ended, and never moves the window
    (a payout for December 2026 read on 1 December left December 2025 out)."""
    months = sorted(p.month for p in payouts if p.route == "brand_deals" and p.month)
    if not months:
        return None
    last = example_month(day)
    start = _month_index(last) - PACE_MONTHS + 1
    ended = [m for m in months if m <= last]
    recent = [m for m in ended if _month_index(m) >= start]
    return recent, ended[:len(ended) - len(recent)], last, _month_name(start)


def brand_pace(payouts: Sequence[Payout], snapshot: MetricSnapshot,
               today: date | None = None) -> BrandPace | None:
    """The creator's own brand-deal frequency (:class:`BrandPace`), None while no brand
    payout was logged with ``month=`` within the last :data:`PACE_MONTHS` months: the one
    place that decides whether brand deals count in "now" (only at this frequency, never at
    the assumed 0.5–2 a month). ``today``: the creator's day, :func:`pace_day`."""
    window = _pace_window(payouts, pace_day(snapshot, today))
    if window is None or not window[0]:
        return None
    recent, older, last, since = window
    return BrandPace(len(recent), _month_index(last) - _month_index(recent[0]) + 1,
                     recent[0], last, len(older), since)


def brand_pace_gap(payouts: Sequence[Payout], snapshot: MetricSnapshot,
                   today: date | None = None) -> str | None:
    """What keeps brand deals out of "now" for want of a pace, read from :func:`brand_pace`'s
    own window (on ``today``, :func:`pace_day`): None when they have a pace (whatever else
    their figure lacks); ``"brand_old"`` when payouts with a month were logged but none in
    the window; ``"brand_no_month"`` when brand fees were logged, none with a month;
    ``"brand_no_fee"`` when none was logged."""
    window = _pace_window(payouts, pace_day(snapshot, today))
    if window is not None:
        return None if window[0] else "brand_old"
    return ("brand_no_month" if any(p.route == "brand_deals" for p in payouts)
            else "brand_no_fee")


def _pace_note(payouts: Sequence[Payout], snapshot: MetricSnapshot,
               today: date | None = None) -> str | None:
    """The one sentence that says brand payouts were left out of the pace as older than its
    window (:func:`brand_pace`), with the month it is read since; None when none was."""
    window = _pace_window(payouts, pace_day(snapshot, today))
    if window is None or not window[1]:
        return None
    recent, older, _last, since = window
    if not recent:
        return ngettext(
            "Your brand payout logged with a month is from before %(since)s, older "
            "than the %(months)s months your pace is read from, so it sets no pace: log "
            "recent ones with their month.",
            "Your %(num)s brand payouts logged with a month are from before %(since)s, older "
            "than the %(months)s months your pace is read from, so they set no pace: log "
            "recent ones with their month.", len(older), since=month(since), months=PACE_MONTHS)
    return ngettext(
        "Your brand pace is read from your payouts since %(since)s (the last %(months)s "
        "months): %(num)s older one is left out.",
        "Your brand pace is read from your payouts since %(since)s (the last %(months)s "
        "months): %(num)s older ones are left out.", len(older), since=month(since),
        months=PACE_MONTHS)


def _brand_deals(c: _Ctx, reqs: tuple[Requirement, ...],
                 engagement: EngagementComparison | None) -> RouteEstimate:
    t = c.rates.brand_deals
    r = t.rates
    missing: list[str] = []
    inputs: list[str] = []
    sources: list[str] = []
    # (what only an explained estimate shows, as for the other routes: c.explain)
    pace = brand_pace(c.payouts, c.s, c.today)
    assumptions = [] if not c.explain or pace is not None else [
        _("%(low)s–%(high)s sponsored videos a month", low=decimal(r.deals_per_month.low),
          high=decimal(r.deals_per_month.high))]
    if pace is not None and c.explain:
        # one count to a sentence, each in its plural form (numbers.counted: 0.5 and 1 too)
        per_month, per_month_n = counted(pace.per_month, 2)
        inputs.append(ngettext(
            "%(num)s sponsored video a month, your own pace from your brand payouts logged "
            "with a month", "%(num)s sponsored videos a month, your own pace from your brand "
            "payouts logged with a month", per_month_n, num=per_month))
        inputs.append(ngettext(
            "%(num)s brand payout logged with a month, from %(first)s to %(last)s",
            "%(num)s brand payouts logged with a month, from %(first)s to %(last)s",
            pace.deals, first=pace.first, last=pace.last))
    monthly = per_video = None
    mine = c.mine("brand_deals")
    narrow = None
    dists = _brand_dists(c, engagement)
    seen = brand_views(c.s, c.per_video, c.rates)
    if c.s.followers is None or dists is None or seen is None:  # (all three together)
        missing.append("followers")
    else:
        reach, posts = r.typical_reach, r.videos_per_week
        if c.per_video is not None:
            inputs.append(_("views per video %(views)s: %(basis)s",
                            views=compact(c.per_video.value),
                            basis=standalone(c.per_video.label)))  # "label: what it is"
        elif seen.basis == "posting":
            missing.append("avg_views")
            inputs.append(_("views %(views)s", views=compact(c.views or 0.0)))
            if c.explain:
                assumptions.append(_(
                    "views per video: your 30-day views ÷ %(low)s–%(high)s videos a week, "
                    "about %(views)s (tell me yours: /log videos_per_week=4)",
                    views=compact(whole(seen.views.median)), low=decimal(posts.low),
                    high=decimal(posts.high)))
            sources.append(posts.source)
        else:
            missing.append("avg_views")
            if c.explain:
                assumptions.append(_("views per video: %(low)s–%(high)s of your followers, "
                                     "about %(views)s", views=compact(whole(seen.views.median)),
                                     low=pct(reach.low, 0), high=pct(reach.high, 0)))
        if seen.basis == "followers":  # (with views known, followers set no figure)
            inputs.append(_tier_input(c, c.s.followers))  # the size band, as brands name it
        used = [t.tiers[i] for i in t.curve.read_between(seen.views.median)]
        if c.explain:
            assumptions.append(_(
                "price per video: a curve over views per video through each follower tier's "
                "price at its typical views (%(reach_low)s–%(reach_high)s of followers), here "
                "%(tiers)s, blended with %(cpm_low)s–%(cpm_high)s per 1,000 views where "
                "videos get many views",
                reach_low=pct(reach.low, 0), reach_high=pct(reach.high, 0),
                tiers=items(_("%(tier)s (%(low)s–%(high)s)", tier=translate(u.name),
                              **usd_ends(u.price.low, u.price.high)) for u in used),
                **{f"cpm_{k}": v for k, v in usd_ends(r.cpm_usd.low, r.cpm_usd.high).items()}))
        sources += [*(u.price.source for u in used), reach.source, r.cpm_usd.source,
                    r.cpm_weight_views.source]
        if c.s.likes is None:  # likes logged in another 30 days are not missing: the
            missing.append("likes")  # engagement sentence says what to log instead
        video, dist = dists
        if mine and c.explain:
            # /ratecard quotes the fees themselves (ratecard.rate_card): said, with why the
            # figure here differs from them, in one sentence
            fees = [c.to_usd(p.amount, p.currency) * c.to_user for p in mine]
            assumptions.append(ngettext(
                "your price per video, %(price)s: your brand fee (%(fees)s, the price "
                "/ratecard quotes) weighed against market prices, since a few fees do not yet "
                "show your own rate", "your price per video, %(price)s: your %(num)s brand "
                "fees (%(fees)s, the prices /ratecard quotes) weighed against market prices, "
                "since a few fees do not yet show your own rate", len(mine),
                price=money(video.median * c.to_user, c.currency),
                fees=price_range(min(fees), max(fees), c.currency)))
        monthly, per_video = Money.of(dist), Money.of(video)
        if c.hints:
            narrow = _narrowest(monthly, _brand_hints(c, engagement, video, seen, bool(mine)))
    return RouteEstimate(
        "brand_deals", translate(t.name), c.who.verdict("brand_deals"), reqs, monthly,
        translate(t.formula),
        tuple(inputs), tuple(assumptions), tuple(missing), tuple(dict.fromkeys(sources)),
        narrow=narrow, per_video=per_video, **_uses(mine, monthly, missing),
    )


def _brand_hints(c: _Ctx, engagement: EngagementComparison | None, video: LogNormal,
                 seen: BrandViews, paid: bool) -> list[tuple[str, Money | None]]:
    """The brand route's hints, each with the route's figure once given: a price of their
    own (one brand payout) while none is logged, and average views logged while the views
    per video are only assumed (``seen``: from 30-day views and the posting prior, or from
    followers), measured at the views assumed now. Views ÷ videos (derived) already price
    the video as the same average logged would, to the same width, so no hint is measured
    for them. Deals a month, the rest of the range, have no input: no hint names one."""
    cands: list[tuple[str, Money | None]] = []
    if not paid:
        cands.append((N_("tell me your price per sponsored video (/payout brand=350 per=video) "
                         "to narrow this %(factor)s×"),
                      _brand_monthly(_given(c, payout=("brand_deals", video.median)),
                                     engagement)))
    if c.per_video is None:
        logged = ViewsPerVideo(seen.views.median, "logged")
        cands.append((N_("log your average views (/log avg_views=8k) to narrow this "
                         "%(factor)s×"),
                      _brand_monthly(_given(c, per_video=logged), engagement)))
    return cands


def _brand_monthly(c: _Ctx, engagement: EngagementComparison | None) -> Money | None:
    """The brand route's monthly figure for ``c`` (:func:`_brand_dists`)."""
    dists = _brand_dists(c, engagement)
    return None if dists is None else Money.of(dists[1])


#: What a diamond pays and what share of gifts a creator keeps, by which rule applies: US
#: scaled LIVE rewards, outside the US, or the country is unknown (one message per case).
_DIAMOND_VALUE: Final = {
    "us": N_("1 diamond pays you %(low)s–%(high)s (US scaled LIVE rewards)"),
    "outside": N_("1 diamond pays you %(low)s–%(high)s (outside the US)"),
    "unknown": N_("1 diamond pays you %(low)s–%(high)s (outside the US; tell me your country)"),
}
_GIFT_SHARE: Final = {
    "us": N_("you keep %(low)s–%(high)s of gift value (US scaled LIVE rewards)"),
    "outside": N_("you keep %(low)s–%(high)s of gift value (outside the US)"),
    "unknown": N_("you keep %(low)s–%(high)s of gift value (outside the US; tell me your "
                  "country)"),
}


def _live_gifts_dist(c: _Ctx) -> LogNormal | None:
    """The LIVE gifts route's monthly pay in USD for ``c``: the month's diamonds at what a
    diamond pays the creator, else LIVE hours × viewers at what viewers gift and the share
    kept; None without either. The figure :func:`_live_gifts` shows, and what its hint
    measures with the diamonds given."""
    r = c.rates.live_gifts.rates
    region = c.st.region
    if c.s.diamonds is not None:
        mine = [p for p in c.mine("live_gifts") if p.diamonds]
        return LogNormal.exact(c.s.diamonds) * _diamond_value(c, r.diamond(region), mine)
    if c.s.live_hours is not None and c.s.live_viewers is not None:
        hours = c.s.live_hours * WEEKS_PER_MONTH
        return product(LogNormal.exact(hours * c.s.live_viewers),
                       r.gifts_per_viewer_hour_usd.dist(), r.share(region).dist())
    return None


def _live_gifts(c: _Ctx, reqs: tuple[Requirement, ...]) -> RouteEstimate:
    t = c.rates.live_gifts
    r = t.rates
    region = c.st.region
    monthly = None
    missing: list[str] = []
    inputs: list[str] = []
    assumptions: list[str] = []
    mine = [p for p in c.mine("live_gifts") if p.diamonds]
    diamond: Figure = r.diamond(region)
    share: Figure = r.share(region)
    sources = [diamond.source]
    narrow = None
    rule = "us" if region in r.diamond_usd_by_country else (
        "outside" if region is not None else "unknown")
    dist = _live_gifts_dist(c)
    if c.s.diamonds is not None and dist is not None:
        inputs.append(_("diamonds %(diamonds)s in 30 days", diamonds=compact(c.s.diamonds)))
        monthly = Money.of(dist)
        if c.explain:
            assumptions.append(_(_DIAMOND_VALUE[rule], **usd_ends(diamond.low, diamond.high)))
    elif c.s.live_hours is not None and c.s.live_viewers is not None and dist is not None:
        hours, hours_n = counted(c.s.live_hours, 6)
        viewers, viewers_n = counted(c.s.live_viewers)
        inputs += [ngettext("%(num)s LIVE hour a week", "%(num)s LIVE hours a week", hours_n,
                            num=hours),
                   ngettext("%(num)s viewer", "%(num)s viewers", viewers_n, num=viewers)]
        g = r.gifts_per_viewer_hour_usd
        monthly = Money.of(dist)
        if c.explain:
            assumptions += [_("viewers gift %(low)s–%(high)s per viewer per hour (rough)",
                              **usd_ends(g.low, g.high)),
                            _(_GIFT_SHARE[rule], low=pct(share.low, 0),
                              high=pct(share.high, 0))]
        sources = [share.source, g.source]
        if c.hints:
            diamonds = dist.median / _diamond_value(c, diamond, mine).median
            logged = replace(c.s, diamonds=diamonds)
            narrow = _narrowest(monthly, [(
                N_("log your diamonds (/log diamonds=20k) to narrow this %(factor)s×"),
                _monthly(_live_gifts_dist(_given(c, s=logged))))])
    else:
        missing.append(_("%(diamonds)s (or %(hours)s and %(viewers)s)",
                         diamonds=field_name("diamonds"), hours=field_name("live_hours"),
                         viewers=field_name("live_viewers")))
    used = mine if c.s.diamonds is not None else []
    if used and c.explain:
        assumptions.append(ngettext(
            "your diamond value, %(rate)s: your payout weighed against market rates",
            "your diamond value, %(rate)s: your %(num)s payouts weighed against market rates",
            len(used), rate=money_fine(_diamond_value(c, diamond, used).median * c.to_user,
                                       c.currency)))
    payouts = _uses(used, monthly, missing)
    if mine and not used:  # the diamond value is known; the month's diamonds are not
        payouts = _waits(len(mine), _own_diamond_value(c, diamond, mine))
    return RouteEstimate(
        "live_gifts", translate(t.name), c.who.verdict("live_gifts"), reqs, monthly,
        translate(t.formula),
        tuple(inputs), tuple(assumptions), tuple(missing),
        tuple(sources), narrow=narrow, **payouts,
    )


def _diamond_value(c: _Ctx, diamond: Figure, mine: Sequence[Payout]) -> LogNormal:
    """What one diamond pays, in USD: the market figure ``diamond`` (for the creator's
    region) updated with what a diamond paid in their LIVE payouts ``mine`` (each with its
    diamonds; :func:`bot.domain.uncertainty.update`). The one value LIVE gifts' estimate
    multiplies the month's diamonds by, and :func:`_own_diamond_value` shows."""
    return update(diamond.dist(), [c.to_usd(p.amount, p.currency) / p.diamonds
                                   for p in mine if p.diamonds])


def _own_diamond_value(c: _Ctx, diamond: Figure, mine: Sequence[Payout]) -> str:
    """The note under LIVE gifts when the creator logged LIVE payouts (``mine``, each with
    its diamonds) but not the diamonds of the last 30 days: what a diamond pays them (the
    median of :func:`_diamond_value`, their payouts weighed against the market figure, in
    their currency: the value the estimate uses once the month's diamonds are logged; not
    what one payout paid, which /payout states) is ready, and logging those diamonds gives a figure
    built on it (an estimate from LIVE hours and viewers does not use it)."""
    value = _diamond_value(c, diamond, mine).median * c.to_user
    return ngettext("your diamond value (%(rate)s, from your payout weighed against "
                    "market rates) is ready: log your diamonds of the last 30 days (/log "
                    "diamonds=20k) for a monthly figure that uses it",
                    "your diamond value (%(rate)s, from your %(num)s payouts weighed against "
                    "market rates) is ready: log your diamonds of the last 30 days (/log "
                    "diamonds=20k) for a monthly figure that uses it", len(mine),
                    rate=money_fine(value, c.currency))


def _affiliate_dist(c: _Ctx, aov: LogNormal, com: LogNormal) -> LogNormal | None:
    """The affiliate route's monthly commission in USD for ``c`` with average order ``aov``
    and commission ``com`` (None without views), updated with the creator's own affiliate
    payouts: the figure :func:`_affiliate` shows, and what its hints measure with the input
    given."""
    if c.views is None:
        return None
    r = c.rates.affiliate.rates
    dist = product(LogNormal.exact(c.views), r.product_video_share.dist(),
                   r.click_through.dist(), r.conversion.dist(), aov, com)
    return update(dist, [c.to_usd(p.amount, p.currency) for p in c.mine("affiliate")])


def _affiliate(c: _Ctx, reqs: tuple[Requirement, ...], pilot: bool, order_value: float | None,
               commission: float | None, category: str | None) -> RouteEstimate:
    t = c.rates.affiliate
    r = t.rates
    e = t.eligibility
    note = None
    if pilot:
        note = _("under %(followers)s followers US creators start in a limited 30-day pilot",
                 followers=grouped(e.full_access_followers.value))
    com_fig = r.commission_for(category)
    aov = LogNormal.exact(order_value) if order_value is not None else r.order_value_usd.dist()
    com = LogNormal.exact(commission) if commission is not None else com_fig.dist()
    mine = c.mine("affiliate")
    monthly = None
    narrow = None
    dist = _affiliate_dist(c, aov, com)
    if dist is not None:
        monthly = Money.of(dist)
        cands: list[tuple[str, Money | None]] = []
        if not mine and c.hints:
            # each with the input given (an order value or commission given is exact)
            cands.append((N_("log a month's commission (/payout affiliate=220) to narrow this "
                             "%(factor)s×"),
                          _monthly(_affiliate_dist(_given(c, payout=("affiliate", dist.median)),
                                                   aov, com))))
            if order_value is None:
                cands.append((N_("tell me your average order value (/estimate order_value=40) to "
                                "narrow this %(factor)s×"),
                              _monthly(_affiliate_dist(c, LogNormal.exact(aov.median), com))))
            if commission is None:
                cands.append((N_("tell me your commission (/estimate commission=12%%) to "
                                 "narrow this %(factor)s×"),
                              _monthly(_affiliate_dist(c, aov, LogNormal.exact(com.median)))))
        narrow = _narrowest(monthly, cands)
    assumptions, inputs = _affiliate_basis(c, mine if monthly is not None else [],
                                           order_value, commission, category, com_fig)
    missing = () if c.views is not None else ("views",)
    payouts = _uses(mine, monthly, missing)
    if payouts["note"] is not None:
        payouts["note"] = (f"{note}{punct('; ')}" if note else "") + payouts["note"]
    else:
        payouts["note"] = note
    return RouteEstimate(
        "affiliate", translate(t.name), c.who.verdict("affiliate"), reqs, monthly,
        translate(t.formula),
        inputs=tuple(inputs), assumptions=tuple(assumptions),
        missing=missing,
        sources=(com_fig.source, r.conversion.source),
        narrow=narrow, **payouts,
    )


def _affiliate_basis(c: _Ctx, mine: list[Payout], order_value: float | None,
                     commission: float | None, category: str | None, com_fig: Figure
                     ) -> tuple[list[str], list[str]]:
    """The affiliate route's assumptions and inputs, as an explained estimate writes them
    (none when it is not explained)."""
    if not c.explain:
        return [], []
    r = c.rates.affiliate.rates
    assumptions = [
        _("%(low)s–%(high)s of views on videos with a product",
          low=pct(r.product_video_share.low, 0), high=pct(r.product_video_share.high, 0)),
        _("%(click_low)s–%(click_high)s click the link, %(buy_low)s–%(buy_high)s of those buy",
          click_low=pct(r.click_through.low), click_high=pct(r.click_through.high),
          buy_low=pct(r.conversion.low), buy_high=pct(r.conversion.high))]
    if order_value is None:
        assumptions.append(_("orders %(low)s–%(high)s",
                             **usd_ends(r.order_value_usd.low, r.order_value_usd.high)))
    if commission is None:
        label = aside(category) if category in r.commission_by_category else ""
        assumptions.append(_("commission %(low)s–%(high)s", low=pct(com_fig.low, 0),
                             high=pct(com_fig.high, 0)) + label)
    if mine:
        assumptions.append(ngettext("your own commissions, based on your payout",
                                    "your own commissions, based on your %(num)s payouts",
                                    len(mine)))
    inputs = [_("views %(views)s", views=compact(c.views))] if c.views is not None else []
    if order_value is not None:
        if c.currency == "USD":
            inputs.append(_("order value %(amount)s USD", amount=decimal(order_value, 2, 2)))
        else:  # as typed, in the creator's currency, then what the formula uses
            typed = round(order_value * c.to_user, 6)
            inputs.append(_("order value %(typed)s (%(amount)s USD)",
                            typed=money_exact(typed, c.currency),
                            amount=decimal(order_value, 2, 2)))
    if commission is not None:
        inputs.append(_("commission %(rate)s", rate=pct(commission)))
    return assumptions, inputs


def _own_products_dist(c: _Ctx, price: LogNormal, margin: LogNormal) -> LogNormal | None:
    """The own-products route's monthly profit in USD for ``c`` at ``price`` and ``margin``
    (None without views): the figure :func:`_own_products` shows, and what its hints measure
    with the input given."""
    if c.views is None:
        return None
    r = c.rates.own_products.rates
    return product(LogNormal.exact(c.views), r.product_video_share.dist(),
                   r.click_through.dist(), r.conversion.dist(), price, margin)


def _own_products(c: _Ctx, price_usd: float | None, margin: float | None) -> RouteEstimate:
    t = c.rates.own_products
    r = t.rates
    price = LogNormal.exact(price_usd) if price_usd is not None else r.price_usd.dist()
    marg = LogNormal.exact(margin) if margin is not None else r.margin.dist()
    monthly = None
    narrow = None
    dist = _own_products_dist(c, price, marg)
    if dist is not None:
        monthly = Money.of(dist)
        cands: list[tuple[str, Money | None]] = []
        # each with the input given (a price or margin given is exact)
        if margin is None and c.hints:
            cands.append((N_("tell me your margin (/estimate margin=60%%) to narrow this "
                             "%(factor)s×"),
                          _monthly(_own_products_dist(c, price, LogNormal.exact(marg.median)))))
        if price_usd is None and c.hints:
            cands.append((N_("tell me your price (/estimate price=29) to narrow this "
                             "%(factor)s×"),
                          _monthly(_own_products_dist(c, LogNormal.exact(price.median), marg))))
        narrow = _narrowest(monthly, cands)
    assumptions = [] if not c.explain else [
        _("%(low)s–%(high)s of views on videos about your product, %(click_low)s–%(click_high)s "
          "click, %(buy_low)s–%(buy_high)s of those buy",
          low=pct(r.product_video_share.low, 0), high=pct(r.product_video_share.high, 0),
          click_low=pct(r.click_through.low), click_high=pct(r.click_through.high),
          buy_low=pct(r.conversion.low, 0), buy_high=pct(r.conversion.high, 0))]
    if price_usd is None and c.explain:
        assumptions.append(_("price %(low)s–%(high)s (give yours: price=29)",
                             **usd_ends(r.price_usd.low, r.price_usd.high)))
    if margin is None and c.explain:
        assumptions.append(_("margin %(low)s–%(high)s (give yours: margin=60%%)",
                             low=pct(r.margin.low, 0), high=pct(r.margin.high, 0)))
    return RouteEstimate(
        "own_products", translate(t.name), c.who.verdict("own_products"), (), monthly,
        translate(t.formula),
        inputs=tuple(_("views %(views)s", views=compact(c.views)) for _i in [0]
                     if c.views is not None and c.explain),
        assumptions=tuple(assumptions),
        missing=() if c.views is not None else ("views",),
        sources=(r.margin.source, r.conversion.source), narrow=narrow,
    )


def _has_now(route: RouteEstimate, does: frozenset[str], *, paid: bool,
             brand_paced: bool) -> bool:
    """Whether the creator has this route today (see the module docstring): one with a
    figure that they were ``paid`` by (a logged payout from it, every route alike), or one
    they qualify for, brand deals, affiliate and own products only once they say they do
    them (``does``). Brand deals count only at the creator's own frequency
    (``brand_paced``: brand payouts logged with a month, :func:`brand_pace`): a fee alone
    says what one sponsored video pays, not how many a month they get."""
    if route.monthly is None or route.eligible is False:
        return False
    if route.key == "brand_deals" and not brand_paced:
        return False
    if paid:
        return True
    if route.key in DECLARED:
        return route.key in does
    return route.eligible is True


def _assumed_deals(route: RouteEstimate, rates: RateTables, today: date) -> RouteEstimate:
    """The brand route of a creator who does brand deals (a fee logged or ``does=brand``)
    but logged none with a month: its ``assumed`` sentence says that the figure assumes the
    market's sponsored videos a month, and how to count it in "now": a copy of ``route``
    with that sentence (:func:`dataclasses.replace`), whose example names the creator's last
    ended month on ``today`` (:func:`brand_payout_example`)."""
    r = rates.brand_deals.rates
    said = _("This assumes %(low)s–%(high)s sponsored videos a month at your price, so it "
             "isn't counted in Now: log each brand payout with its month (%(example)s) to "
             "count your own deals a month.",
             low=decimal(r.deals_per_month.low), high=decimal(r.deals_per_month.high),
             example=brand_payout_example(today))
    return replace(route, assumed=said)


def estimate(
    snapshot: MetricSnapshot,
    settings: UserSettings,
    rates: RateTables,
    *,
    price: float | None = None,
    margin: float | None = None,
    order_value: float | None = None,
    commission: float | None = None,
    category: str | None = None,
    payouts: Sequence[Payout] = (),
    videos: Sequence[Video] = (),
    what_if: frozenset[str] = frozenset(),
    explain: bool = True,
    hints: bool = True,
    settings_what_if: bool = False,
    history: Sequence[MetricSnapshot] | None = None,
    today: date | None = None,
) -> Estimate:
    """Estimate every route for ``snapshot``.

    ``videos`` are the creator's stored per-video numbers and ``what_if`` the metrics a
    what-if gave: views per video come from :func:`~bot.domain.videos.views_per_video` (the
    median of the videos where there are any).

    ``price`` and ``order_value`` are in the user's currency; ``margin`` and ``commission`` are
    fractions (0.6 = 60%). ``payouts`` are the creator's own logged payouts: each route with
    payouts uses the creator's rate (a conjugate update of the sourced prior).

    ``history`` is the creator's stored snapshots (oldest first, may include ``snapshot``):
    where each 30-day total came from, so engagement is decided as ``/stats`` decides it
    (:func:`bot.domain.metrics.same_window`).

    ``explain=False`` leaves out what only an explained estimate shows: the creator rewards,
    affiliate and own-products routes' ``inputs`` and ``assumptions`` are then empty (every
    figure, range, note and hint is the same).

    ``hints=False`` leaves every route's ``narrow`` ("to narrow this N×") at ``None``: each
    hint re-runs its route with the input given, so a caller that shows none (income "now",
    the rate card, /payout's reply) skips that work. Every figure and range is the same.

    ``settings_what_if=True``: ``settings`` are a what-if (another country or age), not the
    creator's own. Their payouts still set their rates, but put no route in (they were
    earned under the creator's own settings): every requirement then holds.

    ``today``: the creator's day the reply is read on (their /settings time zone), which an
    example month names (:func:`example_month`) and the brand pace's months end before
    (:func:`pace_day`); the snapshot's day when not given.
    """
    currency = settings.currency if settings.currency in rates.currencies.per_eur else "USD"
    to_user = rates.currencies.from_usd(1.0, currency)
    views, views_note = elig.views_30d(snapshot)
    per_video = views_per_video(snapshot, videos, what_if)
    engagement = compare_engagement(snapshot, rates, history, per_video)
    who = elig.assess(snapshot, settings, rates,
                      frozenset() if settings_what_if else elig.paid_routes(payouts))
    c = _Ctx(snapshot, settings, rates, views, tuple(payouts), who, per_video, explain,
             currency, to_user, hints, today)
    routes_usd = (
        _creator_rewards(c, who.creator_rewards),
        _brand_deals(c, who.brand_deals, engagement),
        _live_gifts(c, who.live_gifts),
        _affiliate(c, who.affiliate, who.shop_pilot,
                   None if order_value is None else order_value / to_user, commission,
                   category),
        _own_products(c, None if price is None else price / to_user, margin),
    )
    does = frozenset(settings.does)
    paced = brand_pace(payouts, snapshot, today) is not None
    placed = []
    for r in routes_usd:
        paid = r.key in who.paid
        has = _has_now(r, does, paid=paid, brand_paced=paced)
        if (r.key == "brand_deals" and not paced and r.monthly is not None
                and (paid or "brand_deals" in does)):
            r = _assumed_deals(r, rates, pace_day(snapshot, today))
        if r.key == "brand_deals" and (left := _pace_note(payouts, snapshot, today)):
            # payouts older than the pace's window: said, never spread over years silently
            r = replace(r, assumed=f"{r.assumed} {left}" if r.assumed else left)
        placed.append(_in_currency(r, to_user, now=has, paid=paid))
    routes = tuple(placed)
    now = sum((r.monthly for r in routes if r.now and r.monthly), ZERO)
    potential = sum((r.monthly for r in routes if r.monthly), ZERO)
    missing = tuple(dict.fromkeys(m for r in routes for m in r.missing))
    note = rates_note(rates.currencies, currency) or _("Amounts in USD.")
    return Estimate(routes, currency, now, potential, engagement, missing, note, views_note,
                    views_per_video=per_video)


def rates_note(currencies: Currencies, currency: str) -> str | None:
    """The sentence a reply that shows amounts converted from US dollars into ``currency``
    ends with: the ECB reference rates' day, the one stored with the rate table
    (``strategies/rates/currencies.toml``), so an old table is never read as today's rates;
    None for USD (nothing converted). The one sentence /estimate, /goal, /progress income,
    /ratecard, /mediakit and the weekly digest say it with."""
    if currency == "USD":
        return None
    return _("Amounts in %(currency)s at ECB reference rates of %(date)s.",
             currency=currency, date=currencies.date)


def income_now(snapshot: MetricSnapshot, settings: UserSettings, rates: RateTables,
               payouts: Sequence[Payout], videos: Sequence[Video],
               history: Sequence[MetricSnapshot], today: date | None = None) -> Money:
    """The creator's monthly income "now" for ``snapshot``, in ``settings.currency`` (USD when
    the tables have no rate for it): the routes they have, each on their own rate where they
    logged payouts (the conjugate update :func:`estimate` makes), with views per video from
    their imported ``videos``.

    The one figure ``/estimate`` ("now"), ``/goal income=``, ``/progress income`` and the weekly
    digest's income goal show; ``payouts``, ``videos`` and ``history`` (the stored snapshots
    up to ``snapshot``, which decide engagement as ``/stats`` does) are required so no caller
    can leave them out. ``today``: the creator's day, for the figure as it stands now
    (:func:`estimate`); a past snapshot's own day when not given.
    """
    return estimate(snapshot, settings, rates, payouts=payouts, videos=videos,
                    explain=False, hints=False, history=history, today=today).now


def _in_currency(route: RouteEstimate, rate: float, *, now: bool,
                 paid: bool) -> RouteEstimate:
    """``route`` (in USD) in the currency ``rate`` USD buys, marked as a route the creator
    has ``now`` or not, and was ``paid`` by or not.

    Converted in place and returned: the routes :func:`estimate` passes are its own, made a
    moment before by the route functions and seen by nothing else yet, so setting these
    fields on the frozen object (as a ``__post_init__`` may) is safe and spares making every
    route twice. Amounts are converted (and checked) in the order they always were: every
    route first, then monthly, RPM and price per video of each.
    """
    monthly = None if route.monthly is None else route.monthly.scaled(rate)
    rpm = None if route.rpm is None else route.rpm.scaled(rate)
    per_video = None if route.per_video is None else route.per_video.scaled(rate)
    set_field = object.__setattr__
    set_field(route, "monthly", monthly)
    set_field(route, "rpm", rpm)
    set_field(route, "per_video", per_video)
    set_field(route, "now", now)
    set_field(route, "paid", paid)
    return route
