"""What a command handler receives besides its parsed arguments."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.connections import TikTokLink
from bot.core.ports import Clock, Store, User
from bot.core.registry import Registry
from bot.core.types import Request
from bot.domain.rates import RateTables
from bot.domain.rules import Catalogue


@dataclass(frozen=True, slots=True)
class Services:
    """Data loaded once at start and shared by handlers (pure, read-only)."""

    rates: RateTables
    catalogue: Catalogue
    #: The TikTok account connection (``bot.tiktok``), or None where it is not wired.
    tiktok: TikTokLink | None = None

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset(self.rates.currencies.per_eur)


@dataclass(frozen=True, slots=True)
class CommandContext:
    request: Request
    user: User
    store: Store
    clock: Clock
    registry: Registry
    services: Services
