"""Protocols the core depends on. Concrete classes are picked only in ``bot.app``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.domain.metrics import MetricSnapshot
from bot.domain.profile import UserSettings


class StoreError(Exception):
    """A storage failure with a message fit to show an operator (never a raw traceback)."""


@dataclass(frozen=True, slots=True)
class User:
    id: int
    platform: str
    platform_user_id: str
    display_name: str
    created_at: datetime


class Store(Protocol):
    """Per-user data. Every write is one transaction; reads never see half a write.

    A PostgreSQL implementation must pass the same contract suite (``tests/store``).
    """

    async def ensure_user(self, platform: str, platform_user_id: str, display_name: str) -> User:
        """Return the user, creating it (or refreshing its display name) as needed."""
        ...

    async def find_user(self, platform: str, platform_user_id: str) -> User | None: ...

    async def add_snapshot(
        self, user_id: int, changes: Mapping[str, float], taken_at: datetime
    ) -> MetricSnapshot:
        """Record a partial update: ``changes`` over the latest snapshot's values."""
        ...

    async def latest_snapshot(self, user_id: int) -> MetricSnapshot | None: ...

    async def history(
        self, user_id: int, *, since: datetime | None = None, limit: int | None = None
    ) -> list[MetricSnapshot]:
        """Snapshots oldest first; ``limit`` keeps the most recent ones."""
        ...

    async def get_settings(self, user_id: int) -> UserSettings: ...

    async def update_settings(self, user_id: int, changes: Mapping[str, Any]) -> UserSettings: ...

    async def forget_user(self, user_id: int) -> int:
        """Delete every row about this user in every table; return how many rows went."""
        ...

    async def export_user(self, user_id: int) -> dict[str, Any]:
        """Everything stored about this user, as JSON-ready data."""
        ...

    async def close(self) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """Aware UTC datetime."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Adapter(Protocol):
    """A running platform connection (Telegram, Discord). The console is driven directly."""

    name: str

    async def start(self) -> None:
        """Connect and begin handling events; return once running (do not block forever)."""
        ...

    async def stop(self) -> None:
        """Disconnect cleanly; safe to call once after start()."""
        ...
