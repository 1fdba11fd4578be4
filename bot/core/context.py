"""What a command handler receives besides its parsed arguments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core.ports import Clock, Store, User
from bot.core.registry import Registry
from bot.core.types import Request


@dataclass(frozen=True, slots=True)
class Services:
    """Data loaded once at start and shared by handlers (pure, read-only)."""

    currencies: frozenset[str] = frozenset({"USD"})
    rates: Any = None  # bot.domain.rates.RateTables once loaded
    catalogue: Any = None  # bot.domain.rules.Catalogue once loaded
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CommandContext:
    request: Request
    user: User
    store: Store
    clock: Clock
    registry: Registry
    services: Services
