"""What a running bot is made of: the pieces adapters and the scheduler are handed.

Built only by ``bot.app`` (the composition root); adapters import this type, never ``bot.app``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from bot.config import Settings
from bot.core.context import Services
from bot.core.dispatcher import Dispatcher
from bot.core.pace import Paces
from bot.core.ports import Clock, Store
from bot.core.registry import Registry
from bot.render.environment import Renderer

if TYPE_CHECKING:  # made when first used (App.tiktok): ``ask "/stats"`` imports none of it
    from bot.tiktok.service import TikTokService

T = TypeVar("T")


class Once(Generic[T]):
    """``make()`` called when the value is first asked for (calling this), then kept;
    :attr:`made` is the value, None until then."""

    __slots__ = ("_make", "made")

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self.made: T | None = None

    def __call__(self) -> T:
        if self.made is None:
            self.made = self._make()
        return self.made


@dataclass
class App:
    settings: Settings
    store: Store
    registry: Registry
    dispatcher: Dispatcher
    renderer: Renderer
    services: Services
    clock: Clock
    #: Each platform's message budget: adapters count replies, the weekly poster paces posts.
    paces: Paces = field(default_factory=Paces)
    #: Makes the TikTok account connection and daily sync (:attr:`tiktok`), once, when first
    #: used; the services' connection is the same one (``Services.connect``).
    make_tiktok: Once[TikTokService] | None = None

    @property
    def tiktok(self) -> TikTokService | None:
        """The TikTok account connection and daily sync (inactive without a client key)."""
        return None if self.make_tiktok is None else self.make_tiktok()

    async def close(self) -> None:
        try:
            if self.make_tiktok is not None and self.make_tiktok.made is not None:
                await self.make_tiktok.made.close()
        finally:
            await self.store.close()
