"""The rate card: what to charge a brand for the usual deliverables, and how each price was set.

Once the creator has logged brand fees (``/payout brand=…``), a sponsored video is priced from
those fees alone. Before that, one place prices it: the estimator's brand-deal model
(:func:`bot.domain.estimator.estimate`, ``route("brand_deals").per_video``); the card reuses
that distribution and never re-derives a rate. Other deliverables are the one-video line as
shown times a sourced multiplier from ``strategies/rates/brand_deals.toml`` (``[add_ons]``),
figure by figure (lowest by lowest, highest by highest); a deliverable no source prices
gets no estimate, only a request for the creator's own price. A price the creator pinned
(``/ratecard video=450``) replaces the estimate and is marked as theirs; add-ons then build
on their video price.

A fee or a pinned price is an amount of money, kept to the currency's cent (:func:`cents`):
the card's figures are those amounts (or the estimate's, rounded for a price list) and the
add-ons' exact multiples of them, rounded once, when shown (:func:`shown`, the one rule for
every line of /ratecard and of the media kit): a line with cents in it is shown to the cent
('€1.50–€288.15' under '€0.50–€96.05'), one without as every price is.

Pure and synchronous.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final

from bot.domain.numbers import (
    _small_digits,
    items,
    minor_digits,
    price_range,
    price_value,
    rounded,
    two_significant,
)
from bot.domain.uncertainty import Z80, LogNormal
from bot.i18n import N_, ngettext, translate
from bot.i18n import gettext as _

if TYPE_CHECKING:
    from bot.domain.estimator import RouteEstimate
    from bot.domain.rates import AddOn

#: The smallest price, in the creator's currency: a cent. The one minimum of a brand fee
#: (``/payout brand=``) and a price the creator sets (``/ratecard video=``): a €0.50 fee was
#: logged while /ratecard refused any price under 1.
PRICE_MINIMUM: Final = 0.01

#: Rate-card deliverables in card order; ``video`` is priced by the estimator, the rest from it.
DELIVERABLES: Final = ("video", "link", "live", "bundle", "usage")
VIDEO_LABEL: Final = N_("One sponsored video")


@dataclass(frozen=True, slots=True)
class PinnedPrice:
    """A price the creator set for one deliverable, in ``currency`` (ISO 4217)."""

    deliverable: str
    amount: float
    currency: str
    set_at: datetime


@dataclass(frozen=True, slots=True)
class Price:
    """One line of the card: a range (``low``/``typical``/``high``, the card's currency; the
    video's P10–P90, an add-on's its multiplier's ends times the video line's lowest and
    highest) or, when nothing prices it, ``None`` everywhere; ``mine`` when the creator set
    it. ``how`` is the one line on how it was set, for the creator (/ratecard); ``brand``
    the same said to a brand (the media kit: third person, no inputs or internal terms;
    empty: ``how`` serves both); ``hint`` the command that would set or sharpen it (for the
    creator only)."""

    key: str
    label: str
    low: float | None
    typical: float | None
    high: float | None
    mine: bool
    how: str
    hint: str | None = None
    brand: str = ""

    @property
    def for_brand(self) -> str:
        """How the price was set, as the media kit says it to a brand."""
        return self.brand or self.how

    @property
    def known(self) -> bool:
        return self.typical is not None


@dataclass(frozen=True, slots=True)
class RateCard:
    """The whole card in ``currency``. ``payouts_used`` counts the logged brand fees behind the
    video estimate (0: market range only). ``p10_p90``: the one-video line is the estimator's
    P10–P90 range with two different ends (not the creator's own price, not their fees, not
    one exact figure), the only case the card may explain a range as P10–P90."""

    currency: str
    prices: tuple[Price, ...]
    payouts_used: int
    p10_p90: bool = False

    @property
    def mine(self) -> tuple[str, ...]:
        return tuple(p.label for p in self.prices if p.mine)


def nice(value: float) -> float:
    """An estimate rounded for a price list: two significant digits (213 -> 210, 1,480 ->
    1,500); values from 1 to 10 keep one decimal; below 1, two significant digits again
    (0.041, never 0). A tie rounds as every number shown does (:func:`rounded`: 225 -> 230,
    2.25 -> 2.3, 0.0125 -> 0.013)."""
    if value <= 0 or not math.isfinite(value):
        return 0.0
    if value < 1:
        return float(rounded(value, two_significant(value)))
    if value < 10:
        return float(rounded(value, 1))
    # to the tens of 10-99, the hundreds of 100-999, …: two significant digits
    return float(rounded(value, 1 - math.floor(math.log10(value))))


def cents(amount: float, currency: str) -> float:
    """An amount of money (a fee, a price the creator typed) to the currency's cent, as
    :func:`bot.domain.numbers.money_exact` shows it: 96.05 stays 96.05, 1.005 USD is 1.01,
    1234.5 JPY is 1235 (a tie half-up, as every amount shown); an amount below one cent keeps
    two significant digits (0.004 USD, 0.33 JPY)."""
    a = abs(amount)
    if not math.isfinite(a) or a == 0:
        return amount
    return math.copysign(float(rounded(a, _small_digits(a, currency))), amount)


def line_digits(low: float, high: float, currency: str) -> int | None:
    """The decimals a card line's two ends are shown with: the currency's own when either has
    cents there ('€1.50–€288.15', '€0.25–€192.10'), else ``None``, the rule every price range
    follows (:func:`bot.domain.numbers.range_digits`)."""
    d = minor_digits(currency)
    if d and any(float(rounded(abs(x), d)) != float(rounded(abs(x), 0))
                 for x in (low, high) if math.isfinite(x)):
        return d
    return None


def shown(p: Price, currency: str) -> str | None:
    """The line's price as /ratecard and the media kit show it (``None``: no price): the
    creator's own as one amount, else the range, both ends rounded once here, by
    :func:`line_digits`."""
    if p.low is None or p.high is None:
        return None
    if p.mine:
        return price_range(p.low, p.low, currency, line_digits(p.low, p.low, currency))
    return price_range(p.low, p.high, currency, line_digits(p.low, p.high, currency))


def _dist(low: float, typical: float, high: float) -> LogNormal:
    """The log-normal whose P10/median/P90 are ``low``/``typical``/``high``."""
    if low <= 0 or high <= low:
        return LogNormal.exact(typical)
    return LogNormal(typical, math.log(high / low) / (2 * Z80))


def _ranged(key: str, label: str, d: LogNormal, how: str, hint: str | None,
            brand: str = "") -> Price:
    """A price from ``d``: an estimate rounded for a price list, an exact one kept to the
    cent."""
    if d.sigma == 0:
        v = float(rounded(d.median, 2))
        return Price(key, label, v, v, v, False, how, hint, brand)
    return Price(key, label, nice(d.p10), nice(d.median), nice(d.p90), False, how, hint,
                 brand)


def fees_basis(fees: Sequence[float], currency: str) -> str:
    """How the video line reads the creator's logged brand fees (sorted), as many as there
    are: the one place the wording follows their count. One fee is that fee; two are the two
    (the line shows them as its range); from three, the line is the lowest to the highest and
    the median is named with its amount, never "lowest, median and highest" for two. Fees
    that are all one amount are said so ("your 4 fees, all €300"), never "your lowest to your
    highest"."""
    n = len(fees)
    if n == 1:
        return _("from the brand fee you were actually paid")
    if fees[0] == fees[-1]:
        fee = price_range(fees[0], fees[0], currency, line_digits(fees[0], fees[0], currency))
        if n == 2:
            return _("from the two brand fees you were actually paid, both %(fee)s", fee=fee)
        return ngettext("from your %(num)s brand fees actually paid, all %(fee)s",
                        "from your %(num)s brand fees actually paid, all %(fee)s", n, fee=fee)
    if n == 2:
        return _("from the two brand fees you were actually paid, the lower and the higher")
    median = statistics.median(fees)
    return ngettext("from the %(num)s brand fees you were actually paid: your lowest to your "
                    "highest, median %(median)s", "from the %(num)s brand fees you were "
                    "actually paid: your lowest to your highest, median %(median)s", n,
                    median=price_range(median, median, currency,
                                       line_digits(median, median, currency)))


def rate_card(brand: RouteEstimate, add_ons: Mapping[str, AddOn], pinned: Mapping[str, float],
              currency: str, fees: Sequence[float] = ()) -> RateCard:
    """The card for one creator.

    ``brand`` is the estimator's brand-deal route in ``currency`` (its ``per_video`` is the
    price of one sponsored video, P10/median/P90, ``None`` without followers); ``add_ons`` the
    sourced deliverables (``RateTables.brand_deals.add_ons``); ``pinned`` the creator's own
    prices by deliverable key, already in ``currency``; ``fees`` the creator's logged brand fees
    for one video (``/payout brand=…``), already in ``currency``: once there is one, the video
    price is theirs (P10/median/P90 taken as their lowest/median/highest fee), not the market's.
    """
    prices: list[Price] = []
    pinned = {k: cents(v, currency) for k, v in pinned.items()}
    fees = [cents(f, currency) for f in fees]
    if "video" in pinned:
        v = pinned["video"]
        prices.append(Price("video", translate(VIDEO_LABEL), v, v, v, True,
                            _("the creator's own price"), "/ratecard video=…"))
    elif fees:
        ordered = sorted(fees)
        n = len(ordered)
        how = fees_basis(ordered, currency)
        prices.append(Price("video", translate(VIDEO_LABEL), ordered[0], statistics.median(ordered),
                            ordered[-1], False, how, None,
                            ngettext("from %(num)s brand fee paid for one video",
                                     "from %(num)s brand fees paid for one video", n)))
    elif brand.per_video is not None:
        pv = brand.per_video
        n = brand.payouts_used
        brand_how = ""
        if n:
            how = ngettext("based on %(num)s brand fee actually paid, weighed against market "
                           "rates for this size",
                           "based on %(num)s brand fees actually paid, weighed against market "
                           "rates for this size", n)
            hint = None
        else:
            how = _("estimated from market rates for %(inputs)s, scaled by engagement",
                    inputs=items(brand.inputs))
            hint = _("log a fee a brand paid you (/payout brand=350 per=video) to use your own "
                     "rate")
            brand_how = _("estimated from market rates for accounts of this size, scaled by "
                          "engagement")
        prices.append(_ranged("video", translate(VIDEO_LABEL), _dist(pv.low, pv.typical, pv.high),
                              how, hint, brand_how))
    else:
        prices.append(Price("video", translate(VIDEO_LABEL), None, None, None, False,
                            _("needs the follower count to estimate"),
                            _("log your followers (/log followers=12k) or set your price "
                              "(/ratecard video=450)"), _("priced for each campaign")))
    for key in DELIVERABLES[1:]:
        add = add_ons[key]
        label = translate(add.label)
        set_it = f"/ratecard {key}=…"
        if key in pinned:
            v = pinned[key]
            prices.append(Price(key, label, v, v, v, True, _("the creator's own price"),
                                set_it))
        elif add.of_video is None:
            prices.append(Price(key, label, None, None, None, False,
                                _("%(why)s: quoted on request",
                                  why=translate(add.unsourced) if add.unsourced
                                  else _("no sourced price")),
                                _("set your price with %(command)s", command=set_it),
                                _("priced for each campaign")))
        elif not prices[0].known:
            prices.append(Price(key, label, None, None, None, False,
                                _("%(how)s, not known yet", how=translate(add.how)),
                                brand=_("priced for each campaign")))
        else:
            # The video line above times the multiplier, figure by figure (its lowest by the
            # lowest multiple, its median by the typical, its highest by the highest):
            # "3 × the one-video price above" is three times each figure a brand reads, and
            # "0.5–2 ×" is half its lowest to twice its highest. (A product of distributions
            # showed its own P10–P90, $26–$78 under a $45 video for "0.5–2 ×"; and one refitted
            # to the logged fees need not pass through their lowest and highest.) The video's
            # figures as they are (fees and prices to the cent, estimates rounded for a price
            # list), never rounded again first: 3 × €96.05 is €288.15, not 3 × €96.
            video = prices[0]
            assert video.low is not None and video.typical is not None
            assert video.high is not None
            fig = add.of_video
            low, typical, high = (v * m for v, m in (
                (video.low, fig.low), (video.typical, fig.typical), (video.high, fig.high)))
            prices.append(Price(key, label, low, typical, high, False, translate(add.how),
                                None, translate(add.brand) if add.brand else ""))
    used = len(fees) or brand.payouts_used
    estimated = "video" not in pinned and not fees and brand.per_video is not None
    video = prices[0]
    return RateCard(currency, tuple(prices), 0 if "video" in pinned else used,
                    p10_p90=estimated and video.low is not None and video.high is not None
                    and price_value(video.low, currency) != price_value(video.high, currency))
