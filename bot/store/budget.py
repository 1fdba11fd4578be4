"""One send budget per bot token across workers, kept in Redis by the ``limits`` library.

Telegram's ~30 messages/s and Discord's 50 requests/s belong to the token, not the process:
with ``REDIS_URL`` set, every worker's weekly posts also take a slot from a moving-window limit
(``limits``' ``MovingWindowRateLimiter`` on Redis: no one-second window ever holds more than the
limit, whichever worker sent) keyed by the platform and a hash of its token (never the token).
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import time
from collections.abc import Mapping

from limits import RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from bot.core.pace import DEFAULT_PACE, FALLBACK_PACE

#: Longest single wait between two tries (a slot may free up sooner than the window says).
MAX_WAIT = 0.25


def token_key(platform: str, token: str | None) -> str:
    """The budget's Redis key part for a platform and token: a short hash, never the token."""
    digest = hashlib.sha256((token or "").encode()).hexdigest()[:16] if token else "none"
    return f"{platform}:{digest}"


class RedisBudget:
    """A :class:`bot.core.pace.SharedBudget` in Redis.

    ``rates``: messages a second per platform (default :data:`bot.core.pace.DEFAULT_PACE`),
    rounded down to whole messages (the library counts whole hits); ``tokens``: each
    platform's bot token, so two bots on one Redis never share a budget."""

    def __init__(self, url: str, tokens: Mapping[str, str | None],
                 rates: Mapping[str, float] | None = None) -> None:
        if url.startswith("redis://"):
            url = "async+" + url
        self._storage = storage_from_string(url, implementation="redispy")
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._rates = {**DEFAULT_PACE, **(rates or {})}
        self._tokens = dict(tokens)

    def _item(self, platform: str) -> RateLimitItemPerSecond:
        rate = self._rates.get(platform, FALLBACK_PACE)
        return RateLimitItemPerSecond(max(1, math.floor(rate)))

    def _key(self, platform: str) -> str:
        return token_key(platform, self._tokens.get(platform))

    async def try_acquire(self, platform: str) -> bool:
        """Take one slot now if the token's last second has room; never waits."""
        return bool(await self._limiter.hit(self._item(platform), "creator-advisor",
                                            self._key(platform)))

    async def acquire(self, platform: str) -> None:
        """Wait until the token's last second has room, then take one slot."""
        item = self._item(platform)
        while not await self._limiter.hit(item, "creator-advisor", self._key(platform)):
            stats = await self._limiter.get_window_stats(item, "creator-advisor",
                                                         self._key(platform))
            await asyncio.sleep(min(MAX_WAIT, max(0.001, stats.reset_time - time.time())))
