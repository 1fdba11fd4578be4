"""Each platform's outgoing-message budget, shared by replies and weekly posts: replies first.

Replies never wait here: a creator's ``/estimate`` goes out at once (the platform library's own
limiter, PTB's ``AIORateLimiter`` or discord.py's buckets, still shapes bursts), and the adapter
counts it with :meth:`PlatformPace.replied`. Weekly posts take an even pace from an
``aiolimiter`` bucket of capacity one (and a little), so no one-second window bursts, and give
up one slot for every reply sent in the last second: a broadcast slows down while people use
the bot, and the two together stay within the platform's limit.

A post's slot is a departure time: every request that delivers it leaves
:data:`DEPARTURE_DELAY` after its slot, through :func:`depart`, which the adapters call right
before each request to the platform. So the time a post spends between its slot and the wire
(its outbox write, rendering, the platform library) no longer spreads its arrival, and a
second request of one post (a second message, a DM channel, a library's retry after a 429)
takes a slot of its own instead of riding on the first one's. With a shared budget the slot's
time is when the budget admitted the post (:meth:`SharedBudget.acquire`), not when its answer
was read: a worker busy at that moment would otherwise send late, next to the next turn's post.

With several workers on one token, both also take their slot in the token's shared budget
(Redis). If that budget can't be reached, a process paces itself alone (its own pace, as with
one worker) for :data:`SHARED_RETRY` seconds at a time, logging one warning per outage, and
takes the shared budget again once it answers: a post is never held back or failed for it.
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # imported by the first pace made: a one-shot ``ask`` makes none
    from aiolimiter import AsyncLimiter

log = logging.getLogger(__name__)

#: Messages a second the weekly fan-out may use per platform, under the limits (Telegram about
#: 30/s overall, Discord 50/s global) by enough to absorb a few milliseconds of jitter between
#: the limiter and the platform; benchmarks/bench_fanout.py measures Telegram's.
DEFAULT_PACE: Mapping[str, float] = {"telegram": 29.4, "discord": 48.0, "console": 1000.0}
#: Each platform's own limit, messages a second per bot token, counted by the platform in any
#: one-second window: Telegram's Bot API FAQ ("no more than 30 messages per second"), Discord's
#: global rate limit (50 requests a second). The shared budget sizes its catch-up under these.
PLATFORM_LIMIT: Mapping[str, float] = {"telegram": 30.0, "discord": 50.0}
#: The bucket holds one post plus this fraction of one: asyncio wakes a timer up to a
#: millisecond late, and with a capacity of exactly one that lateness is lost on every post
#: (2% of the pace at 30/s); this much lets the next post make it up, while any one-second
#: window still holds at most ``rate + 1.05`` posts.
CATCH_UP = 0.05
#: Seconds from a weekly post's slot to the moment its request leaves (see :func:`depart`):
#: the platform counts arrivals in any one second, so what spreads the delays between slots
#: and arrivals lets a second hold more than the pace; a fixed delay longer than the work in
#: between (the claim's attempt written to the store, rendering, the platform library) keeps
#: them apart by the pace. ``benchmarks/bench_workers_fanout.py --trace`` measured that work
#: (slot to HTTP request) at p50 5 ms, p90 17 ms, p99 57 ms with 3 workers on 2 busy cores
#: (load 4.5), where its spread put a 31st post into one second of Telegram's count 18 times
#: in 3,000. A post whose work takes longer misses its turn (:data:`LATE_DEPARTURE`). The
#: cost: this much latency a post, each holding one of the poster's 16 slots a platform
#: this much longer.
DEPARTURE_DELAY = 0.1
#: Seconds past its departure time a request may still leave; a request later than this (its
#: worker got no CPU, the store was slow) has missed its turn and takes the next slot instead
#: of leaving between other posts' (see :func:`depart`). Kept under the arrival jitter the
#: shared budget's catch-up allows (``bot.store.budget.ARRIVAL_JITTER``, 25 ms), leaving the
#: rest for the way from the HTTP client to the platform. A missed turn costs one slot.
LATE_DEPARTURE = 0.025
#: For a platform not listed above.
FALLBACK_PACE = 20.0
#: A reply older than this no longer costs the broadcast a slot.
REPLY_WINDOW = 1.0
#: Seconds a process paces itself alone after the shared budget failed, before asking it again
#: (so an unreachable Redis costs one try per interval, not one per message); the dispatcher
#: counts a person's commands itself as long after the shared flood limit failed.
SHARED_RETRY = 10.0


def shares_budget(platform: str) -> bool:
    """Whether ``platform``'s messages take a slot of a budget shared by every worker: those
    with a per-token limit, as any platform not known to have none. The console has none (one
    terminal, no token, no limit; see :data:`DEFAULT_PACE`)."""
    return platform != "console"


class SharedBudget(Protocol):
    """A platform's send budget shared by every worker on one bot token (e.g. in Redis)."""

    async def acquire(self, platform: str, *, even: bool = True) -> float | None:
        """Wait until one more message fits in the token's budget, and take it; ``even``
        (a weekly post): also wait for the token's next evenly spaced turn, which a reply
        (``even=False``) never queues for. Returns when the budget admitted the message, in
        ``time.monotonic()`` seconds (the event loop's clock), if it knows it: a weekly
        post's departure counts from then, so the time its answer took to come back and be
        read (a busy worker) does not move the post; None: count from the return."""
        ...


@dataclass
class _Departure:
    """The current post's turn: its pace, and the loop time its next request may leave
    (None: its slot was used by a request already)."""

    pace: PlatformPace
    at: float | None


#: The weekly post this task is delivering (set by :meth:`PlatformPace.post_slot`; each post
#: is delivered in a task of its own, so this never reaches another post or a reply).
_DEPARTURE: contextvars.ContextVar[_Departure | None] = contextvars.ContextVar(
    "departure", default=None)


async def depart() -> None:
    """Call right before each request to a platform (the adapters do, for every request their
    HTTP client makes). Outside a weekly post (replies, start-up): returns at once. In a post:
    waits for the post's departure time (its slot + :data:`DEPARTURE_DELAY`); a further request
    of the same post (another message, a DM channel, a library's own retry) first takes a slot
    of its own (:meth:`PlatformPace.post_slot`'s pace and budget), so every request that counts
    in the platform's window has its slot; so does a request more than
    :data:`LATE_DEPARTURE` past its departure, before or after waiting for it, once: a
    request that misses the turn it took here leaves late rather than queue again (a worker
    too starved to make its turns would otherwise spend the whole budget's turns, every
    worker's, without sending any sooner); :attr:`PlatformPace.missed` counts those."""
    departure = _DEPARTURE.get()
    if departure is None:
        return
    loop = asyncio.get_running_loop()
    at, departure.at = departure.at, None
    if at is not None and loop.time() <= at + LATE_DEPARTURE:
        await _sleep_until(loop, at)
        if loop.time() <= at + LATE_DEPARTURE:
            return  # (woken up in time: no CPU for a while would have made it late)
    if at is not None:
        departure.pace.missed += 1  # its turn passed, before or while it waited for it
    # A turn of its own (this post's went to an earlier request, or passed), used late or not.
    await _sleep_until(loop, await departure.pace.take_slot() + DEPARTURE_DELAY)


async def _sleep_until(loop: asyncio.AbstractEventLoop, at: float) -> None:
    """Sleep until the loop's clock reads ``at`` (at once if it has)."""
    delay = at - loop.time()
    if delay > 0:
        await asyncio.sleep(delay)


class PlatformPace:
    def __init__(self, rate: float, shared: SharedBudget | None = None,
                 platform: str = "") -> None:
        if rate <= 0:
            raise ValueError(f"a pace must be positive, not {rate}")
        self.rate = rate
        self._shared = shared
        self._platform = platform
        from aiolimiter import AsyncLimiter

        self._limiter: AsyncLimiter = AsyncLimiter(1 + CATCH_UP, (1 + CATCH_UP) / rate)
        self._replies: collections.deque[float] = collections.deque()
        self._budget_failed = False
        self._budget_retry_at = 0.0  # time.monotonic() before which the shared budget is skipped
        self._post_turn = asyncio.Lock()  # one post at a time asks the shared budget
        #: Turns this pace's posts missed (a request later than :data:`LATE_DEPARTURE`),
        #: each paid for with one more slot.
        self.missed = 0

    def replied(self, messages: int = 1) -> None:
        """A reply of ``messages`` messages was just sent (never waits)."""
        now = self._forget_old()
        self._replies.extend([now] * messages)

    async def reply_slot(self) -> None:
        """Before a reply message goes out: count it here (this process's broadcast makes
        room for it) and, with a shared budget, take its slot in the token's budget too, so
        replies and every worker's posts together stay under the platform's limit. Waits only
        while that budget is full (at 29/s a slot frees up every 35 ms or so); if the shared
        budget can't be reached, the reply goes out anyway (replies first) and it is logged."""
        self.replied()
        await self._shared_slot(even=False)

    async def _shared_slot(self, *, even: bool) -> float | None:
        """Take the message's slot in the shared budget, if any; returns when the budget
        admitted it, if it says (see :meth:`SharedBudget.acquire`). If it can't be reached (an
        exception: Redis down, or no answer in time), this process's own pace alone decides
        for :data:`SHARED_RETRY` seconds, logged once per outage; then it is asked again, and
        its return logged."""
        shared = self._shared
        if shared is None or time.monotonic() < self._budget_retry_at:
            return None
        if even:
            # Posts queue for their turn anyway (the budget takes one a process at a time);
            # queued here, each one sees a failure of the post before it and skips the budget
            # too, rather than each waiting out a silent Redis's timeout in turn.
            async with self._post_turn:
                if time.monotonic() < self._budget_retry_at:
                    return None
                return await self._try_shared(shared, even=True)
        return await self._try_shared(shared, even=False)

    async def _try_shared(self, shared: SharedBudget, *, even: bool) -> float | None:
        """Ask ``shared`` for the slot; a failure starts (or prolongs) this process's pacing
        alone, a success after one ends it."""
        admitted = None
        try:
            admitted = await shared.acquire(self._platform, even=even)
        except Exception as exc:  # Redis down: never hold back or fail a message for it
            if not self._budget_failed:
                log.warning("%s: the shared send budget is unreachable (%s: %s); this process "
                            "paces its messages alone until it is back", self._platform,
                            type(exc).__name__, exc)
            self._budget_failed = True
            self._budget_retry_at = time.monotonic() + SHARED_RETRY
        else:
            if self._budget_failed:
                log.info("%s: the shared send budget is reachable again", self._platform)
            self._budget_failed = False
        return admitted

    @property
    def owed(self) -> int:
        """Replies of the last second the broadcast has not yet made room for."""
        self._forget_old()
        return len(self._replies)

    def _forget_old(self) -> float:
        """Drop replies older than the window (so the record stays small with no broadcast)."""
        now = asyncio.get_running_loop().time()
        horizon = now - REPLY_WINDOW
        while self._replies and self._replies[0] < horizon:
            self._replies.popleft()
        return now

    async def post_slot(self) -> None:
        """Wait for a weekly post's turn: the even pace, less what recent replies used; the
        post's first request then leaves :data:`DEPARTURE_DELAY` after it (:func:`depart`)."""
        _DEPARTURE.set(_Departure(self, await self.take_slot() + DEPARTURE_DELAY))

    async def take_slot(self) -> float:
        """Take one slot of the post pace (and of the shared budget, see :meth:`_shared_slot`:
        never raises for it); no departure set. Returns the slot's time in the event loop's
        clock: when the shared budget admitted it, if it says (a worker busy when the answer
        came back must not shift the post, nor squeeze it against the next one), else now."""
        await self._limiter.acquire()
        while self.owed:
            self._replies.popleft()
            await self._limiter.acquire()
        admitted = await self._shared_slot(even=True)  # and the token's, across every worker
        now = asyncio.get_running_loop().time()
        return now if admitted is None else min(admitted, now)


class Paces:
    """The :class:`PlatformPace` of every platform, made on first use."""

    def __init__(self, rates: Mapping[str, float] | None = None,
                 shared: SharedBudget | None = None) -> None:
        self._rates = {**DEFAULT_PACE, **(rates or {})}
        self._paces: dict[str, PlatformPace] = {}
        #: With several workers on one token: the budget they share (None: this process only).
        self.shared = shared

    def __getitem__(self, platform: str) -> PlatformPace:
        pace = self._paces.get(platform)
        if pace is None:
            pace = self._paces[platform] = self._new(platform)
        return pace

    def set_rate(self, platform: str, rate: float) -> None:
        """Change a platform's pace (for the next posts; a benchmark scales it)."""
        self._rates[platform] = rate
        self._paces[platform] = self._new(platform)

    def _new(self, platform: str) -> PlatformPace:
        """A fresh pace for ``platform`` at its rate, sharing the budget where it counts."""
        return PlatformPace(self._rates.get(platform, FALLBACK_PACE),
                            self.shared if shares_budget(platform) else None, platform)
