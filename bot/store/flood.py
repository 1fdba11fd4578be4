"""The per-person flood limit counted in Redis by the ``limits`` library, for every worker.

With ``REDIS_URL`` set, every worker on one bot token counts a person's commands in the same
place, so N workers allow the burst once, not N times. The limit is ``limits``' moving window
(its ``MovingWindowRateLimiter`` on Redis): at most ``RATE_LIMIT_BURST`` commands in any
window of ``RATE_LIMIT_BURST × 60 ÷ RATE_LIMIT_PER_MINUTE`` seconds (10 commands in any 20 s
by default: the burst at once, and the per-minute rate sustained). The first command over it
gets a slow-down notice, and at most one notice a window; the rest are dropped. Keys hold the
platform, a hash of the bot token (never the token) and the person's platform id.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from limits import RateLimitItemPerSecond

from bot.core.dispatcher import Admission, RateLimit
from bot.store.budget import moving_window, token_key

_COMMANDS = "creator-advisor-flood"
_NOTICES = "creator-advisor-flood-notice"


def flood_window(limit: RateLimit) -> int:
    """Seconds of the moving window that holds ``limit.burst`` commands: the burst spread at
    the sustained rate (``burst × 60 ÷ per_minute``, rounded up, at least 1)."""
    return max(1, math.ceil(limit.burst * 60 / limit.per_minute))


class RedisFloodGuard:
    """A :class:`bot.core.dispatcher.FloodGuard` in Redis.

    ``url``: ``redis://host:port/db``; ``limit``: ``RATE_LIMIT_BURST`` and
    ``RATE_LIMIT_PER_MINUTE`` (a burst of 0 turns the limit off); ``tokens``: each platform's
    bot token, so two bots on one Redis never share a person's count. Redis errors propagate
    (the dispatcher then counts in its own process)."""

    def __init__(self, url: str, limit: RateLimit, tokens: Mapping[str, str | None]) -> None:
        # Every command waits for this answer: a Redis that stops answering costs at most
        # REDIS_TIMEOUT before the dispatcher counts in its own process instead.
        self._limiter = moving_window(url)
        self._off = limit.burst <= 0
        window = flood_window(limit) if not self._off else 1
        self._commands = RateLimitItemPerSecond(max(1, limit.burst), window)
        self._notices = RateLimitItemPerSecond(1, window)
        self._tokens = dict(tokens)

    async def admit(self, platform: str, user_id: str) -> Admission:
        if self._off:
            return Admission.RUN
        key = token_key(platform, self._tokens.get(platform))
        if await self._limiter.hit(self._commands, _COMMANDS, key, user_id):
            return Admission.RUN
        if await self._limiter.hit(self._notices, _NOTICES, key, user_id):
            return Admission.SLOW_DOWN
        return Admission.DROP
