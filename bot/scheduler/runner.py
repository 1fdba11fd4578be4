"""The weekly-post loop: find what is due, claim it in the outbox, send it paced, record it.

Guarantees (see README, "Weekly posts"):
- a post is claimed in the outbox with a unique (destination, ISO week) key *before* sending,
  so a restart never posts the same week twice;
- the claim says "sending" until the platform answers, then "sent". It has a lease: a claim
  left "sending" by a crash (or older than ``LEASE``) whose send was never attempted is
  released, so the post is due again; one whose send may have happened becomes "unknown" once,
  is reported once and is never resent (at most once), and the next week goes out as usual;
- a destination (chat, and the user for a personal digest) gets at most one post per ISO week,
  whatever admins change (subscribing again at another time, unsubscribing and subscribing);
- one post's failure (composing, sending, recording) is contained and recorded for that post
  alone: its siblings in the fan-out go out;
- posts missed while the bot was down go out once on start within the grace window, otherwise
  the subscription moves on to its next week;
- a destination that is gone (blocked, deleted) is deactivated with the reason; one that
  refuses for now (a closed forum topic, a missing permission) is paused: still retried every
  week, shown with the reason in /subscriptions, its admin told once, and resumed by the next
  post that goes through;
- a chat that moved (a Telegram group upgraded to a supergroup) takes its subscription along,
  and that week's post goes to the new chat;
- a 429, whatever its shape, is "not delivered, slow down": the platform's lane pauses, and a
  post that could not go out is given back (its claim released), so it stays due; a stop ends
  the pause at once;
- a store error (a dropped connection, an outage) before a post's send gives the post back
  (it stays due), it is not "failed"; a destination that cannot take posts any more in this
  run (the console's reader left: ``post-due | head``) gives its post back and stops the run;
- a post goes out only if its claim is still this poster's right before the send
  (:meth:`Store.mark_attempt`): a poster taken for dead (its lock connection dropped) whose
  claims were released never sends them as well, and it takes a new identity
  (:meth:`Store.renew_worker`) before it leases or claims more;
- the report counts each post once, by the status its claim was left with.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.core.pace import Paces
from bot.core.ports import (
    Clock,
    Deliverer,
    DeliveryResult,
    DeliveryStatus,
    Destination,
    Store,
    Subscription,
)
from bot.core.types import Reply
from bot.domain.schedule import due_run, next_run

log = logging.getLogger(__name__)

#: Due subscriptions a poster leases from the store at a time (per platform; it holds at most
#: two batches: the next is leased only when a whole batch fits): small enough that a batch is
#: sent within seconds, so at the end of a fan-out no worker is left alone with a long batch
#: while the others are done.
BATCH = 100
#: How long a claim may stay "sending" in a running bot before it is settled as stale.
LEASE = timedelta(minutes=10)
#: Seconds a platform's lane pauses after a 429 that named no wait (a proxy's or an edge's
#: 429, a body without ``retry_after``).
DEFAULT_RETRY_AFTER = 60.0


@dataclass(frozen=True, slots=True)
class Composed:
    reply: Reply
    rule_id: str | None


Composer = Callable[[Subscription, datetime], Awaitable[Composed | None]]
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class RunReport:
    sent: int = 0
    skipped_late: int = 0
    already_done: int = 0
    elsewhere: int = 0  # claimed by another worker, still being sent: left due here
    deactivated: int = 0
    paused: int = 0
    moved: int = 0
    rate_limited: int = 0  # given back after 429s (or a stop during the pause): still due
    given_back: int = 0  # not sent: a store error before the send, a claim taken back, a stop
    failed: int = 0
    unknown: int = 0  # may have gone out (recorded "unknown", or left to be settled so)
    nothing_to_post: int = 0
    stale: list[int] = field(default_factory=list)  # claims settled "unknown" (maybe sent)
    released: int = 0  # stale claims never attempted: due again
    planned: list[tuple[Subscription, str, Composed | None]] = field(default_factory=list)

    def count(self, outcome: Outcome) -> None:
        """Count one post under its final outcome (a field of this report)."""
        setattr(self, outcome, getattr(self, outcome) + 1)


#: Where one post ended, named as the :class:`RunReport` field that counts it.
Outcome = Literal["sent", "skipped_late", "already_done", "elsewhere", "deactivated", "paused",
                  "rate_limited", "given_back", "failed", "unknown", "nothing_to_post"]
#: The claim status each recorded outcome leaves (what the report counts it by).
_RECORDED: dict[str, Outcome] = {"sent": "sent", "failed": "failed", "unknown": "unknown"}


@dataclass
class _PostState:
    """How far one post got, so a failure is recorded for what actually happened."""

    week: str | None = None
    following: datetime | None = None
    claim: int | None = None
    attempted: bool = False
    #: The post's own code is running (its schedule, its composer): an exception there is
    #: the post's fault, recorded "failed"; elsewhere before the send, the store's (given back).
    own_code: bool = False
    #: The status to record for the claim once the platform answered ("sent", "failed").
    meant: str | None = None
    #: Set once the claim's final status is recorded (or nothing is to be recorded).
    outcome: Outcome | None = None


def _when(sub: Subscription) -> tuple[time, ZoneInfo]:
    hour, minute = (int(p) for p in sub.local_time.split(":"))
    return time(hour, minute), ZoneInfo(sub.timezone)


class WeeklyPoster:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        deliverers: Mapping[str, Deliverer],
        compose: Composer,
        *,
        grace: timedelta = timedelta(hours=12),
        paces: Paces | None = None,
        max_attempts: int = 4,
        concurrency: int = 16,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        chat_id: str | None = None,
    ) -> None:
        """``chat_id``: deliver only that chat's posts (an interactive console: its own user's
        digests, never another's on a shared database); None: every due post of the
        platforms in ``deliverers`` (``run``, ``post-due``)."""
        self.store = store
        self.chat_id = chat_id
        self.clock = clock
        self.deliverers = dict(deliverers)
        self.compose = compose
        self.grace = grace
        self.max_attempts = max_attempts
        self._sleep = sleep
        self._rng = rng or random.Random()
        # Shared with the adapters, which count their replies there: replies go first.
        self.paces = paces or Paces()
        self._concurrency = concurrency
        self._slots = {p: asyncio.Semaphore(concurrency) for p in self.deliverers}
        self._paused_until: dict[str, float] = {}
        self._stopping = False
        # Claims older than this poster are a dead process's (one process per database); of
        # this process's own, only those no task holds any more (a cancelled task) are stale.
        self._started_at = clock.now()
        self._in_flight: set[int] = set()
        self._stop = asyncio.Event()

    def add_deliverer(self, deliverer: Deliverer) -> None:
        """Send this platform's posts from now on (its adapter came up after the poster)."""
        self.deliverers[deliverer.platform] = deliverer
        self._slots.setdefault(deliverer.platform, asyncio.Semaphore(self._concurrency))

    def stop(self) -> None:
        """Start no new post, and end any 429 pause at once (unsent posts stay due)."""
        self._stopping = True
        self._stop.set()

    async def run_due(self, *, dry_run: bool = False) -> RunReport:
        """Send everything due now (bounded concurrency per platform)."""
        now = self.clock.now()
        report = RunReport()
        if not dry_run:
            await self._settle(max(now - LEASE, self._started_at), report)
            # What this poster left due last time (given back after 429s, a stop) is anyone's.
            await self.store.release_leases()
        if dry_run:
            for sub in await self.store.due_subscriptions(now, limit=10_000,
                                                          chat_id=self.chat_id):
                at, tz = _when(sub)
                due = due_run(sub.weekday, at, tz, now, self.grace, None)
                if due is None:
                    report.skipped_late += 1
                    continue
                report.planned.append((sub, due.week, await self.compose(sub, now)))
            return report
        # One stream per platform, each at its own pace: in one shared stream, the slower
        # platform's waiting posts filled the room and held the faster one to its pace.
        async with asyncio.TaskGroup() as group:
            for platform in list(self.deliverers):
                group.create_task(self._stream(platform, now, report))
        return report

    async def _settle(self, before: datetime, report: RunReport) -> None:
        """Settle stale claims (see :meth:`Store.settle_stale_claims`): this poster's own
        older than ``before`` and not in flight, and any of a worker that is gone."""
        released, unknown = await self.store.settle_stale_claims(before, self._in_flight)
        for delivery in unknown:  # settled, so each is reported once, never again
            log.warning("weekly post %s (subscription %s, %s) was being sent when the bot "
                        "stopped: it may or may not have arrived; not resending it",
                        delivery.id, delivery.subscription_id, delivery.week_key)
        if released:
            log.info("%d weekly post(s) claimed but never sent before a stop are due again",
                     released)
        report.stale += [d.id for d in unknown]
        report.released += released

    async def _stream(self, platform: str, now: datetime, report: RunReport) -> None:
        """A platform's due posts as a stream of leased batches: the next batch is leased
        while the last one is being sent, so the pace never drains at a batch boundary; at
        most two batches are held at a time (the next is leased only when a whole batch
        fits). Each batch is this poster's alone (other workers on the database lease
        others), so no worker walks another's posts."""
        held = 0  # posts of this stream leased and not finished
        freed = asyncio.Event()

        def done(_: object) -> None:
            nonlocal held
            held -= 1
            freed.set()

        async with asyncio.TaskGroup() as group:
            while not self._stopping:
                while held > BATCH:  # room for less than a whole batch: wait
                    freed.clear()
                    await freed.wait()
                if self._stopping:
                    break
                try:
                    batch = await self._next_batch(platform, now, report)
                except Exception:
                    # A store error (an outage): the posts on their way finish (a raise here
                    # would cancel them mid-send); the rest stays due for the next poll.
                    log.exception("weekly posts: could not lease %s's next batch; the rest "
                                  "stays due", platform)
                    break
                if not batch:
                    break
                for sub in batch:
                    held += 1
                    task = group.create_task(self._one(sub, now, report))
                    task.add_done_callback(done)

    async def _next_batch(self, platform: str, now: datetime,
                          report: RunReport) -> list[Subscription]:
        """Lease ``platform``'s next batch of due posts (at most ``BATCH``), as this poster."""
        # A poster the others took for dead (its lock connection dropped) lost its claims and
        # leases to them: it takes a new identity before leasing more.
        if await self.store.renew_worker():
            log.warning("weekly posts: this worker's lock connection was lost (the others "
                        "may have taken its posts); continuing as a new worker")
        # A worker that died during the fan-out left claims as well as its batch: settled
        # before each batch (only the dead's: this run's own claims are all newer than this
        # poster), so its posts come to the survivors now, in this run, rather than at their
        # next poll.
        await self._settle(self._started_at, report)
        return await self.store.lease_due(now, self.clock.now() + LEASE, platform=platform,
                                          limit=BATCH, chat_id=self.chat_id)

    async def _one(self, sub: Subscription, now: datetime, report: RunReport) -> None:
        """One post, its failure contained: an exception here (a composer bug, a deliverer or
        store error) is recorded for this post alone; the fan-out's other posts go on. The
        post is counted once, by where it ended."""
        state = _PostState()
        try:
            await self._post(sub, now, report, state)
        except Exception as exc:
            await self._contain(sub, now, state, exc)
        finally:
            if state.claim is not None:
                self._in_flight.discard(state.claim)
        report.count(state.outcome or "unknown")

    async def _contain(self, sub: Subscription, now: datetime, state: _PostState,
                       exc: Exception) -> None:
        """A post that raised. Its outcome already recorded (a bookkeeping write after it
        failed): it stands, and the post is due again only to find its week done. Before
        the send, a store error (a dropped connection, an outage) gives the post back: it
        stays due. Otherwise it is settled by :meth:`_record_failure`."""
        detail = f"{type(exc).__name__}: {exc}"
        if state.outcome is not None:
            log.warning("weekly post to %s %s (subscription %s) is recorded %s, but moving "
                        "the subscription on failed: %s", sub.platform, sub.chat_id, sub.id,
                        state.outcome, detail)
            return
        if not state.attempted and not state.own_code:
            log.warning("weekly post to %s %s (subscription %s) not sent, given back (it "
                        "stays due): %s", sub.platform, sub.chat_id, sub.id, detail)
            state.outcome = "given_back"
            if state.claim is not None:
                with contextlib.suppress(Exception):  # else settled later: never attempted
                    await self._give_back(state.claim, state)
            return
        log.exception("weekly post to %s %s (subscription %s) failed", sub.platform,
                      sub.chat_id, sub.id)
        await self._record_failure(sub, now, state, detail)

    async def _record_failure(self, sub: Subscription, now: datetime, state: _PostState,
                              detail: str) -> None:
        """Settle a post that raised: what the platform answered if it did (the write of it
        failed), "unknown" if its send may have happened (never resent), else "failed" for
        this week; the subscription moves on to its next week either way, so a broken post
        is neither retried nor logged on every poll. Counted by the status recorded; one
        that could not be recorded is "unknown" (a settler makes its claim so later)."""
        status = state.meant or ("unknown" if state.attempted else "failed")
        state.outcome = "unknown" if state.attempted else "failed"
        try:
            if state.claim is None and state.week is not None:
                state.claim = await self.store.claim_delivery(sub.id, state.week, None, now)
            if state.claim is not None and await self.store.finish_delivery(
                    state.claim, status, self.clock.now(), detail):
                state.outcome = _RECORDED[status]
            if state.following is not None:
                await self.store.set_next_run(sub.id, state.following)
        except Exception:
            log.exception("could not record the failure of subscription %s's post", sub.id)

    async def _post(self, sub: Subscription, now: datetime, report: RunReport,
                    state: _PostState) -> None:
        """Send one post; ``state.outcome`` says where it ended (counted by :meth:`_one`)."""
        state.own_code = True
        at, tz = _when(sub)
        due = due_run(sub.weekday, at, tz, now, self.grace, None)
        if due is None:
            state.outcome = "skipped_late"
            state.own_code = False
            await self.store.set_next_run(sub.id, next_run(sub.weekday, at, tz, now))
            return
        following = state.following = next_run(sub.weekday, at, tz, due.run_at)
        state.own_code = False
        state.week = due.week
        # Everything a post needs is done inside its slot, before it takes its place in the
        # pace: composing a whole batch up front would stall the loop, and any wait between
        # the limiter and the send would bunch the sends the limiter spaced out.
        async with self._slots[sub.platform]:
            if self._stopping:
                # still due: it goes out at the next start (within the grace window)
                state.outcome = "given_back"
                return
            if await self.store.claim_in_progress(sub.id, due.week):
                # Another worker holds this week's claim (its lease on the batch lapsed while
                # it was still sending, or it died and its claim is not settled yet): leave
                # the post due, as below, without composing it here too.
                state.outcome = "elsewhere"
                return
            # (Once claimed, a post is sent even when stopping: at most one slot per post in
            # flight, well under a second, and no claim is left "sending".)
            state.own_code = True
            composed = await self.compose(sub, now)
            state.own_code = False
            if composed is None:
                state.outcome = "nothing_to_post"
                await self.store.set_next_run(sub.id, following)
                return
            # Claimed right before the first attempt, so a crash can strand at most the few
            # posts that are in flight (reported as stale, never resent).
            claim = state.claim = await self.store.claim_delivery(
                sub.id, due.week, composed.rule_id, now)
            if claim is not None:
                self._in_flight.add(claim)
            if claim is None:
                state.week = None  # nothing of ours to record
                if await self.store.claim_in_progress(sub.id, due.week):
                    # Another worker is sending it (or died doing so: its claim is settled
                    # on a later poll and, if never attempted, this post is due again). It
                    # stays due here, so a released claim is never stranded for the week.
                    state.outcome = "elsewhere"
                    return
                state.outcome = "already_done"  # this destination's week is done
                await self.store.set_next_run(sub.id, following)
                return
            if not await self._wait_if_paused(sub.platform):
                await self._give_back(claim, state)
                state.outcome = "rate_limited"
                return  # stopping: still due
            await self.paces[sub.platform].post_slot()
            # From here the post may reach the platform: a claim stranded after this line is
            # "unknown" (never resent), one stranded before it is released (due again). Only
            # a claim still this poster's is sent: one taken back (a settler took this poster
            # for dead and released it) may be another's to send now.
            if not await self.store.mark_attempt(claim, self.clock.now()):
                log.warning("weekly post to %s %s (subscription %s): its claim was taken back "
                            "(this worker looked dead to the others); not sending it here",
                            sub.platform, sub.chat_id, sub.id)
                await self._give_back(claim, state)
                state.outcome = "given_back"
                return
            state.attempted = True
            result = await self._send(sub, composed.reply, f"weekly-{claim}", report)
        status, detail = result.status, result.detail
        if status in (DeliveryStatus.RETRY_AFTER, DeliveryStatus.STOP):
            # Never delivered (429s to the end, a stop during the pause, a destination closed
            # for this run): not a failure.
            await self._give_back(claim, state)
            state.outcome = "rate_limited" if status is DeliveryStatus.RETRY_AFTER else (
                "given_back")
            log.info("weekly post to %s %s given back (%s); it stays due",
                     sub.platform, sub.chat_id, detail or status.value)
            return
        outcome: Outcome
        if status is DeliveryStatus.SENT:
            state.meant, outcome = "sent", "sent"
        elif status is DeliveryStatus.PAUSED:
            state.meant, outcome = "failed", "paused"
        elif status is DeliveryStatus.GONE:
            state.meant, outcome = "failed", "deactivated"
        else:
            state.meant, outcome = "failed", "failed"
        if not await self.store.finish_delivery(
                claim, state.meant, self.clock.now(),
                None if status is DeliveryStatus.SENT else detail):
            # Settled by another meanwhile (taken for dead after the send): it says "unknown".
            outcome = "unknown"
        state.outcome = outcome
        self._in_flight.discard(claim)
        state.claim = None  # settled
        if status is DeliveryStatus.SENT:
            if sub.paused_reason is not None and await self.store.set_paused(
                    sub.id, None, self.clock.now()):
                log.info("subscription %s resumed: a post went through again", sub.id)
        elif status is DeliveryStatus.PAUSED:
            if await self.store.set_paused(sub.id, detail, self.clock.now()):
                log.info("paused subscription %s (retried weekly): %s", sub.id, detail)
                await self._tell_admin(sub, detail)
        elif status is DeliveryStatus.GONE:
            await self.store.deactivate_subscription(sub.id, detail)
            log.info("deactivated subscription %s: %s", sub.id, detail)
        else:
            log.warning("weekly post to %s %s failed: %s", sub.platform, sub.chat_id, detail)
        await self.store.set_next_run(sub.id, following)

    async def _give_back(self, claim: int, state: _PostState) -> None:
        """Release a claim whose post was never delivered (429s, a stop during the pause):
        the week stays due, and nothing is recorded as failed."""
        await self.store.release_delivery(claim)
        self._in_flight.discard(claim)
        state.claim = None
        state.week = None  # nothing to record for this week

    async def _send(self, sub: Subscription, reply: Reply, key: str,
                    report: RunReport) -> DeliveryResult:
        """Attempt the delivery; the caller already holds a rate-limiter slot for attempt 1.

        A 429 pauses the platform's lane and tries again; a stop during that pause gives up
        (RETRY_AFTER: nothing was delivered). A chat that moved is followed once."""
        deliverer = self.deliverers[sub.platform]
        destination = Destination(sub.platform, sub.chat_id, sub.chat_kind, sub.thread_id)
        result = DeliveryResult(DeliveryStatus.TRANSIENT, "gave up after retries")
        for attempt in range(self.max_attempts):
            if attempt:
                if not await self._wait_if_paused(sub.platform):
                    return DeliveryResult(DeliveryStatus.RETRY_AFTER, "stopped while paused")
                await self.paces[sub.platform].post_slot()
            try:
                result = await deliverer.deliver(destination, reply, key)
            except Exception as exc:  # an adapter bug must not stop the whole fan-out
                log.exception("deliverer for %s raised", sub.platform)
                return DeliveryResult(DeliveryStatus.UNKNOWN, f"{type(exc).__name__}: {exc}")
            if result.status is DeliveryStatus.STOP:
                self.stop()  # the destination is closed for this run: start no new post
                return result
            if result.status is DeliveryStatus.RETRY_AFTER:
                # Pause the whole sender for this platform, as the platform asked.
                wait = result.retry_after if result.retry_after > 0 else DEFAULT_RETRY_AFTER
                self._paused_until[sub.platform] = max(
                    self._paused_until.get(sub.platform, 0.0),
                    asyncio.get_running_loop().time() + wait)
                continue
            if result.status is DeliveryStatus.MOVED and result.moved_to:
                moved = await self.store.move_chat(sub.platform, destination.chat_id,
                                                   result.moved_to, sub.chat_kind)
                log.info("chat %s %s is now %s: %d subscription(s) moved", sub.platform,
                         destination.chat_id, result.moved_to, moved)
                report.moved += 1
                there = await self.store.subscriptions_for_chat(sub.platform, result.moved_to)
                if all(s.id != sub.id for s in there):
                    # The new chat had a subscription of its own, which won: it posts there.
                    return DeliveryResult(DeliveryStatus.GONE,
                                          f"replaced by the subscription of {result.moved_to}")
                destination = replace(destination, chat_id=result.moved_to, thread_id=None)
                continue
            if result.status is DeliveryStatus.TRANSIENT and attempt + 1 < self.max_attempts:
                await self._sleep(min(30.0, 0.5 * 2**attempt) * (0.5 + self._rng.random()))
                continue
            return result
        if result.status is DeliveryStatus.MOVED:
            return DeliveryResult(DeliveryStatus.UNKNOWN, result.detail)
        return result

    async def _tell_admin(self, sub: Subscription, reason: str) -> None:
        """Tell whoever set up a community subscription, in private, that it is paused: once
        per pause. Nobody to tell for an anonymous admin or a channel (their id is the chat's)."""
        if sub.kind != "community" or sub.created_by is None:
            return
        admin = await self.store.user_by_id(sub.created_by)
        if admin is None or admin.platform_user_id == sub.chat_id:
            return
        notice = Reply("subscription_paused", {"reason": reason, "chat_id": sub.chat_id,
                                               "time": sub.local_time,
                                               "timezone": sub.timezone})
        try:
            await self.paces[sub.platform].post_slot()
            told = await self.deliverers[sub.platform].deliver(
                Destination(sub.platform, admin.platform_user_id, "user"), notice,
                f"paused-{sub.id}-{sub.paused_at or self.clock.now():%Y%m%d%H%M}")
        except Exception:
            log.exception("telling the admin of subscription %s it is paused failed", sub.id)
            return
        if told.status is not DeliveryStatus.SENT:
            log.info("could not tell the admin of subscription %s it is paused: %s", sub.id,
                     told.detail)

    async def _wait_if_paused(self, platform: str) -> bool:
        """Wait out the platform's 429 pause; False if a stop came first (or had come)."""
        if self._stopping:
            return False
        until = self._paused_until.get(platform)
        if until is None:
            return True
        delay = until - asyncio.get_running_loop().time()
        if delay <= 0:
            return True
        sleeping = asyncio.ensure_future(self._sleep(delay))
        stopping = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait({sleeping, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeping.cancel()
            stopping.cancel()
        return not self._stopping

    async def serve(self, stop: asyncio.Event, *, poll_seconds: float = 30.0) -> None:
        """Run until ``stop`` is set: check what is due every ``poll_seconds``. When ``stop``
        is set during a fan-out, the posts already on their way finish and no new one starts
        (those left stay due for the next start), so shutting down takes seconds, not the
        rest of the broadcast."""
        async def watch() -> None:
            await stop.wait()
            self.stop()

        watcher = asyncio.create_task(watch())
        try:
            await self._serve(stop, poll_seconds)
        finally:
            watcher.cancel()

    async def _serve(self, stop: asyncio.Event, poll_seconds: float) -> None:
        while not stop.is_set():
            try:
                await self.run_due()
            except Exception:
                log.exception("weekly posts: run failed; will try again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
