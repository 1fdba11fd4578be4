from __future__ import annotations

from collections.abc import Callable

from bot.core.ports import DeliveryResult, DeliveryStatus, Destination
from bot.core.types import Reply


class RecordingDeliverer:
    """Records every delivery; ``script`` can answer with errors for chosen calls."""

    def __init__(self, platform: str = "telegram",
                 script: Callable[[Destination, int], DeliveryResult | None] | None = None):
        self.platform = platform
        self.sent: list[tuple[Destination, Reply, str]] = []
        self.calls = 0
        self.script = script

    async def deliver(self, destination: Destination, reply: Reply, key: str) -> DeliveryResult:
        self.calls += 1
        if self.script is not None:
            answer = self.script(destination, self.calls)
            if answer is not None:
                return answer
        self.sent.append((destination, reply, key))
        return DeliveryResult(DeliveryStatus.SENT)

    def chats(self) -> list[str]:
        return [d.chat_id for d, _, _ in self.sent]
