"""Issue 21 (hostile tester): a worker whose lock-holding ("holder") connection drops is taken
for dead by the others while it keeps sending. Each post must still go out at most once: the
lost worker's claim, released by a settler, is refused at its ``mark_attempt`` (so it never
sends), and the worker takes a new key before it claims more."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg

from bot.store.postgres import PostgresStore, open_postgres_store

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
WEEK = "2026-W49"


async def _subs(store: PostgresStore, count: int) -> list[int]:
    return [(await store.save_subscription(
        platform="console", chat_id=f"c{n}", chat_kind="group", kind="community",
        user_id=None, created_by=None, weekday=T0.weekday(), local_time=f"{T0:%H:%M}",
        timezone="UTC", topics=(), next_run_at=T0)).id for n in range(count)]


async def _cut_holder(store: PostgresStore, url: str) -> None:
    """What idle_session_timeout, a failover or an admin does to the holder connection."""
    admin = await asyncpg.connect(url)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)",
                                    store._holder.get_server_pid())
    finally:
        await admin.close()
    for _ in range(500):  # the server closes it; asyncpg notices on its own (up to 5 s: a
        # loaded 2-core machine took longer than 1 s once), then calls the store's
        # termination listener from the event loop
        if store._holder.is_closed() and store._holder_lost:
            break
        await asyncio.sleep(0.01)


async def test_a_worker_taken_for_dead_never_sends_a_claim_it_lost(pg_url: str) -> None:
    """The tester's repro: before, A's ``mark_attempt`` and ``finish_delivery`` changed no row
    and said nothing, so A and B both sent post 1's week."""
    a, b = await open_postgres_store(pg_url), await open_postgres_store(pg_url)
    try:
        ids = await _subs(a, 3)
        leased = await a.lease_due(T0, T0 + timedelta(minutes=10), platform="console", limit=3)
        assert [s.id for s in leased] == ids
        claim_a = await a.claim_delivery(ids[0], WEEK, None, T0)
        assert claim_a is not None
        await _cut_holder(a, pg_url)
        assert a._holder_lost  # noticed at once (asyncpg's termination listener)
        assert await a.schema_version() > 0  # A's pool still works: A goes on sending
        released, unknown = await b.settle_stale_claims(T0 - timedelta(minutes=10))
        assert (released, unknown) == (1, [])  # A looks dead: its unattempted claim is free
        assert [s.id for s in await b.lease_due(T0, T0 + timedelta(minutes=10),
                                                 platform="console", limit=3)] == ids
        claim_b = await b.claim_delivery(ids[0], WEEK, None, T0)
        assert claim_b is not None
        assert await a.mark_attempt(claim_a, T0) is False  # A must not send
        assert await a.finish_delivery(claim_a, "sent", T0) is False
        assert await b.mark_attempt(claim_b, T0) is True
        assert await b.finish_delivery(claim_b, "sent", T0) is True
        # A takes a new key before claiming more; its old claims are no longer its own.
        old = a.worker
        assert await a.renew_worker() is True and a.worker != old
        assert await a.renew_worker() is False  # alive now: nothing to renew
        claim_a2 = await a.claim_delivery(ids[1], WEEK, None, T0)
        assert claim_a2 is not None and await a.mark_attempt(claim_a2, T0) is True
        assert await b.settle_stale_claims(T0 + timedelta(minutes=1)) == (0, [])  # A is alive
    finally:
        await a.close()
        await b.close()


async def test_a_settled_attempted_claim_is_never_sent_again_and_keeps_the_true_status(
        pg_url: str) -> None:
    """The other order: A marked its attempt before the settler ran. The settler makes it
    "unknown" (never resent: B finds the week taken), and A's answer from the platform is the
    status the claim ends with."""
    a, b = await open_postgres_store(pg_url), await open_postgres_store(pg_url)
    try:
        ids = await _subs(a, 1)
        claim = await a.claim_delivery(ids[0], WEEK, None, T0)
        assert claim is not None and await a.mark_attempt(claim, T0) is True
        await _cut_holder(a, pg_url)
        released, unknown = await b.settle_stale_claims(T0 - timedelta(minutes=10))
        assert released == 0 and [d.id for d in unknown] == [claim]
        assert await b.claim_delivery(ids[0], WEEK, None, T0) is None
        assert await a.finish_delivery(claim, "sent", T0) is True
        admin = await asyncpg.connect(pg_url)
        try:
            rows = await admin.fetch("SELECT id, status FROM posted_tips")
        finally:
            await admin.close()
        assert [tuple(r) for r in rows] == [(claim, "sent")]
    finally:
        await a.close()
        await b.close()


async def test_a_poster_whose_holder_drops_mid_fan_out_sends_each_post_at_most_once(
        pg_url: str) -> None:
    """Two posters: A's holder connection is cut during its fan-out and B (taking A for
    dead) settles and sends at once; every post goes out once, none twice."""
    from bot.core.ports import DeliveryResult, DeliveryStatus, Destination
    from bot.core.types import Reply
    from bot.scheduler.runner import Composed, WeeklyPoster
    from tests.auxil.clock import FakeClock

    a, b = await open_postgres_store(pg_url), await open_postgres_store(pg_url)
    sent: list[str] = []
    cut = asyncio.Event()

    async def compose(sub: object, now: datetime) -> Composed:
        return Composed(Reply("start", {"name": "x", "commands": []}), None)

    class Deliverer:
        platform = "console"

        def __init__(self, first: bool) -> None:
            self.first = first

        async def deliver(self, destination: Destination, reply: Reply,
                          key: str) -> DeliveryResult:
            if self.first and not cut.is_set():
                cut.set()
                await _cut_holder(a, pg_url)
                await poster_b.run_due()  # B takes A's batch and unattempted claims now
            sent.append(destination.chat_id)
            await asyncio.sleep(0)
            return DeliveryResult(DeliveryStatus.SENT)

    try:
        await _subs(a, 40)
        clock = FakeClock(T0 + timedelta(minutes=1))
        poster_a = WeeklyPoster(a, clock, {"console": Deliverer(True)}, compose)
        poster_b = WeeklyPoster(b, clock, {"console": Deliverer(False)}, compose)
        await poster_a.run_due()
        await poster_b.run_due()  # anything A gave back
        assert sorted(sent) == sorted(f"c{n}" for n in range(40))  # each once, none twice
    finally:
        await a.close()
        await b.close()


async def test_a_worker_that_lost_its_holder_sends_nothing_until_it_has_a_new_key(
        pg_url: str) -> None:
    """No settler has run yet, but any may at any moment: the claim made under the lost key
    is not sent; under the new key, claims are sent again."""
    a = await open_postgres_store(pg_url)
    try:
        ids = await _subs(a, 2)
        claim = await a.claim_delivery(ids[0], WEEK, None, T0)
        assert claim is not None
        await _cut_holder(a, pg_url)
        assert await a.mark_attempt(claim, T0) is False
        await a.release_delivery(claim)
        assert await a.renew_worker() is True
        again = await a.claim_delivery(ids[0], WEEK, None, T0)
        assert again is not None and await a.mark_attempt(again, T0) is True
    finally:
        await a.close()
