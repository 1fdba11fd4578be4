"""What a creator actually earned: logged payouts, the evidence that narrows their estimate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from bot.i18n import N_

#: Payout kinds as typed in /payout, and the estimator route each one informs.
KINDS: Final[dict[str, str]] = {
    "rewards": "creator_rewards",
    "diamonds": "live_gifts",
    "brand": "brand_deals",
    "affiliate": "affiliate",
}
ROUTE_NAMES: Final[dict[str, str]] = {
    "creator_rewards": N_("Creator Rewards"),
    "live_gifts": N_("LIVE gifts"),
    "brand_deals": N_("brand deal"),
    "affiliate": N_("affiliate commission"),
}


@dataclass(frozen=True, slots=True)
class Payout:
    """One payout in ``currency`` (ISO 4217).

    ``route`` is an estimator route key. Creator Rewards payouts carry the ``views`` they paid
    for (all views, not only qualified ones), LIVE payouts the ``diamonds`` cashed; ``month`` is
    ``YYYY-MM`` when given; a brand payout is the price of one sponsored video.
    """

    route: str
    amount: float
    currency: str
    recorded_at: datetime
    month: str | None = None
    views: float | None = None
    diamonds: float | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        if self.route not in ROUTE_NAMES:
            raise ValueError(f"unknown payout route {self.route!r}")
        if not self.amount > 0:
            raise ValueError("a payout amount must be positive")
