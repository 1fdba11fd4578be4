"""One send budget per bot token across workers, kept in Redis by well-kept limiter libraries.

Telegram's ~30 messages/s and Discord's 50 requests/s belong to the token, not the process:
with ``REDIS_URL`` set, every worker's weekly posts also take a slot from the token's budget,
keyed by the platform and a hash of its token (never the token). Two limits, both in Redis:

- **an even pace** across workers: ``pyrate_limiter``'s GCRA (a leaky bucket kept as one
  theoretical arrival time in Redis), one post every ``1/rate`` s whichever worker sends it,
  with room for :func:`catch_up` of a post so a late wake-up is made up. The GCRA alone
  bounds any window of ``T`` s to ``rate·T + 1 + catch_up`` posts, so the catch-up is also
  kept under what the platform's limit (:data:`bot.core.pace.PLATFORM_LIMIT`) leaves once
  posts reach it up to :data:`ARRIVAL_JITTER` apart from when their slots were granted;
- **a cap**: ``limits``' moving window, so no one-second window ever holds more than ``rate``
  posts, whatever the clocks do.

The even pace is what keeps the platform's count under its limit: with the cap alone, three
workers took a second's budget in its first third, and every later second repeated that burst,
so a few milliseconds between taking a slot and the request's arrival (the outbox write, the
HTTP client, a busy core) pushed a 31st post into the platform's window (429s; measured in
``benchmarks/bench_workers_fanout.py``). ``benchmarks/bench_budget.py`` measures the budget
alone: slots a second and the most grants in any one second.
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
from pyrate_limiter import GCRA, Limiter, Rate, RedisStateStore, StateBucket, WallClock
from pyrate_limiter.limiter import SingleBucketFactory
from redis.asyncio import Redis

from bot.core.pace import DEFAULT_PACE, FALLBACK_PACE, PLATFORM_LIMIT

#: Seconds to wait for Redis to connect or answer one command: a Redis that stops answering
#: costs a post or a reply at most this long before its process paces itself alone
#: (:meth:`bot.core.pace.PlatformPace.post_slot`) or counts a person's commands itself.
REDIS_TIMEOUT = 1.0
#: Longest single wait between two tries (a slot may free up sooner than the window says).
MAX_WAIT = 0.25
#: Units one post weighs in the even pace, so its bucket can hold ``1 + CATCH_UP`` posts
#: (the library counts whole units).
UNITS = 20
#: Room in the even pace for this much of a post beyond the next one, so a late wake-up (the
#: library's clock counts whole milliseconds) is made up rather than lost; at most, see
#: :func:`catch_up`. More is not better: bench_budget put 31–33 grants into some second in 4 of
#: 6 runs with 0.55 (Telegram, 3 or 1 processes × 16 waiters, load 7–10), in 1 of 4 with this.
SHARED_CATCH_UP = 0.25
#: How far apart (seconds) the delays between granting two posts' slots and their arrival at
#: the platform may be while the platform still never counts more than its limit in a second.
ARRIVAL_JITTER = 0.025


class AdmissionClock(WallClock):
    """The even pace's clock: the library's clock for state shared through Redis (epoch
    milliseconds, as :class:`pyrate_limiter.WallClock`), which also keeps when it was last
    read, in ``time.monotonic()`` seconds. The limiter reads it for each try and the GCRA in
    Redis judges the try at that reading, so after an admission :attr:`read_at` is the moment
    the post was admitted: before the round trip to Redis and the wait for the event loop to
    read the answer, which a busy worker stretches by milliseconds (or, under load, tens).
    One clock per limiter, read by one waiter at a time (:meth:`RedisBudget.acquire`)."""

    def __init__(self) -> None:
        self.read_at = 0.0

    def now(self) -> int:
        self.read_at = time.monotonic()
        return super().now()


def catch_up(rate: int, limit: float | None) -> float:
    """Posts the even pace may make up after a late wake-up, for ``rate`` posts/s under a
    platform ``limit`` (messages in any one second; None: unknown): :data:`SHARED_CATCH_UP`,
    or less where the limit leaves less.

    The GCRA admits at most ``rate·T + 1 + c`` posts in any window of ``T`` s. Posts granted
    within ``1 + d`` s reach the platform within one second when their delays differ by
    ``d``, so the platform counts at most ``floor(rate·(1 + d) + 1 + c)``: within its limit
    while ``c + rate·d < limit − rate``. With ``d`` = :data:`ARRIVAL_JITTER` that leaves
    Telegram (29 of 30) 0.25 and Discord (48 of 50) 0.75 (so 0.25 too), in whole
    :data:`UNITS` strictly under the bound, capped at :data:`SHARED_CATCH_UP`; never negative
    (a pace that close to the limit needs lowering instead). A catch-up of 2–4 posts would
    let a second hold 32–34 posts at Telegram's pace."""
    if limit is None:
        return SHARED_CATCH_UP
    room = limit - rate - rate * ARRIVAL_JITTER
    return min(SHARED_CATCH_UP, max(0, math.ceil(UNITS * room) - 1) / UNITS)


def moving_window(url: str) -> MovingWindowRateLimiter:
    """``limits``' moving-window limiter kept in the Redis at ``url`` (a ``REDIS_URL``), whose
    connections give up after :data:`REDIS_TIMEOUT`: the send budget's cap and the per-person
    flood limit both count through one. Nothing is connected until the first count."""
    storage = storage_from_string(limits_uri(url), implementation="redispy",
                                  socket_connect_timeout=REDIS_TIMEOUT,
                                  socket_timeout=REDIS_TIMEOUT)
    return MovingWindowRateLimiter(storage)


def limits_uri(url: str) -> str:
    """``limits``' async storage URI for a ``REDIS_URL`` (``redis://``, ``rediss://``,
    ``unix://``, as :func:`bot.config.redis_url_problem` admits): ``async+redis://…``,
    ``async+rediss://…``, ``async+redis+unix://…``. Without the ``async+`` prefix ``limits``
    makes a synchronous storage, which its async limiter refuses with a bare AssertionError."""
    if url.startswith("unix://"):
        return "async+redis+" + url
    return "async+" + url


def token_key(platform: str, token: str | None) -> str:
    """The budget's Redis key part for a platform and token: a short hash, never the token."""
    digest = hashlib.sha256((token or "").encode()).hexdigest()[:16] if token else "none"
    return f"{platform}:{digest}"


class RedisBudget:
    """A :class:`bot.core.pace.SharedBudget` in Redis.

    ``rates``: messages a second per platform (default :data:`bot.core.pace.DEFAULT_PACE`),
    rounded down to whole messages (the cap counts whole hits; the even pace uses the same
    figure); ``tokens``: each platform's bot token, so two bots on one Redis never share a
    budget. Redis errors (unreachable, or no answer within :data:`REDIS_TIMEOUT`) propagate:
    :class:`bot.core.pace.PlatformPace` then paces its process alone for a while."""

    def __init__(self, url: str, tokens: Mapping[str, str | None],
                 rates: Mapping[str, float] | None = None) -> None:
        self._url = url
        self._limiter = moving_window(url)
        self._rates = {**DEFAULT_PACE, **(rates or {})}
        self._tokens = dict(tokens)
        self._redis: Redis | None = None
        self._even: dict[str, tuple[Limiter, AdmissionClock]] = {}
        self._turn: dict[str, asyncio.Lock] = {}

    def _rate(self, platform: str) -> int:
        return max(1, math.floor(self._rates.get(platform, FALLBACK_PACE)))

    def _item(self, platform: str) -> RateLimitItemPerSecond:
        return RateLimitItemPerSecond(self._rate(platform))

    def _key(self, platform: str) -> str:
        return token_key(platform, self._tokens.get(platform))

    def _pace(self, platform: str) -> tuple[Limiter, AdmissionClock]:
        """The token's even pace (GCRA in Redis) and its clock, made on first use."""
        made = self._even.get(platform)
        if made is None:
            if self._redis is None:
                self._redis = Redis.from_url(self._url, socket_connect_timeout=REDIS_TIMEOUT,
                                             socket_timeout=REDIS_TIMEOUT)
            per_second = self._rate(platform)
            burst = UNITS + round(UNITS * catch_up(per_second, PLATFORM_LIMIT.get(platform)))
            rate = Rate(per_second * UNITS, 1000, burst=burst)
            store = RedisStateStore(self._redis, f"creator-advisor:pace:{self._key(platform)}")
            clock = AdmissionClock()
            bucket = StateBucket([rate], GCRA(), store, clock=clock)
            # No leak thread: GCRA keeps one number per key, which Redis expires itself.
            made = self._even[platform] = (Limiter(
                SingleBucketFactory(bucket, schedule_leak=False), buffer_ms=0), clock)
        return made

    async def try_acquire(self, platform: str) -> bool:
        """Take one slot now if the token's last second has room; never waits (the cap
        only: for a caller that does its own spacing)."""
        return bool(await self._limiter.hit(self._item(platform), "creator-advisor",
                                            self._key(platform)))

    async def acquire(self, platform: str, *, even: bool = True) -> float | None:
        """Wait until the token's last second has room and take a place in it; with ``even``
        (weekly posts), then wait for the token's next evenly spaced turn, and return when
        the even pace admitted it (``time.monotonic()`` seconds, see :class:`AdmissionClock`).
        A reply (``even=False``) takes only its place in the window: it never queues behind
        posts (returns None). Redis errors propagate."""
        if not even:
            await self._window(platform)
            return None
        async with self._turn.setdefault(platform, asyncio.Lock()):  # one waiter a process
            await self._window(platform)
            # Then the turn: a slot of the even pace is never taken only to wait on the cap
            # (each such wait lost that slot for every worker).
            limiter, clock = self._pace(platform)
            await limiter.try_acquire_async(platform, weight=UNITS)
            return clock.read_at

    async def _window(self, platform: str) -> None:
        item = self._item(platform)
        while not await self._limiter.hit(item, "creator-advisor", self._key(platform)):
            stats = await self._limiter.get_window_stats(item, "creator-advisor",
                                                         self._key(platform))
            await asyncio.sleep(min(MAX_WAIT, max(0.001, stats.reset_time - time.time())))
