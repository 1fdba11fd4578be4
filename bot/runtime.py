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

    async def close(self) -> None:
        await self.store.close()
