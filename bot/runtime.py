"""What a running bot is made of: the pieces adapters and the scheduler are handed.

Built only by ``bot.app`` (the composition root); adapters import this type, never ``bot.app``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import Settings
from bot.core.context import Services
from bot.core.dispatcher import Dispatcher
from bot.core.pace import Paces
from bot.core.ports import Clock, Store
from bot.core.registry import Registry
from bot.render.environment import Renderer
from bot.tiktok.service import TikTokService


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
    #: The TikTok account connection and daily sync (inactive without a client key).
    tiktok: TikTokService | None = None

    async def close(self) -> None:
        try:
            if self.tiktok is not None:
                await self.tiktok.close()
        finally:
            await self.store.close()
