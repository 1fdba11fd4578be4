"""Several workers on one PostgreSQL database (issue 21): no per-process truth, one claim per
post and week, and a dead worker's claims are settled while a live worker's are left alone.

Each "worker" is a store of its own (its own pool and worker key), as in separate processes;
the two-process ``post-due`` test is in ``test_post_due_workers.py``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.ports import StoreError, Subscription
from bot.store import PostgresStore, describe_database_url, open_store

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def workers(pg_url: str) -> AsyncIterator[list[PostgresStore]]:
    opened = [await open_store(pg_url) for _ in range(3)]
    assert all(isinstance(s, PostgresStore) for s in opened)
    yield opened  # type: ignore[misc]
    for s in opened:
        await s.close()


async def test_every_worker_sees_another_workers_writes_at_once(
        workers: list[PostgresStore]) -> None:
    a, b, _ = workers
    ana = await a.ensure_user("discord", "7", "Ana")
    assert (await a.get_settings(ana.id)).currency == "USD"  # read (and, before, cached) by a
    await b.update_settings(ana.id, {"currency": "EUR"})
    assert (await a.get_settings(ana.id)).currency == "EUR"
    # b forgets Ana; a, which knew her, must not route her next /log to the old id.
    await b.forget_user(ana.id)
    again = await a.ensure_user("discord", "7", "Ana")
    assert again.id != ana.id
    await a.add_snapshot(again.id, {"followers": 5}, T0)
    assert (await b.get_settings(again.id)).currency == "USD"
    assert [s.followers for s in await b.history(again.id)] == [5]


async def test_concurrent_logs_for_one_user_from_several_workers_all_land(
        workers: list[PostgresStore]) -> None:
    ana = await workers[0].ensure_user("telegram", "1", "Ana")

    async def log(store: PostgresStore, n: int) -> None:
        await store.add_snapshot(ana.id, {"followers": float(n)}, T0 + timedelta(minutes=n))

    await asyncio.gather(*(log(workers[n % 3], n) for n in range(30)))
    entries = await workers[1].entries(ana.id)
    assert len(entries) == 30
    assert len({e.action for e in entries}) == 30  # each /log its own action: /undo stays exact


async def test_one_claim_per_destination_and_week_among_workers(
        workers: list[PostgresStore]) -> None:
    subs = [await workers[0].save_subscription(
        platform="console", chat_id=f"c{n}", chat_kind="private", kind="community",
        user_id=None, created_by=None, weekday=0, local_time="10:00", timezone="UTC",
        topics=(), next_run_at=T0) for n in range(20)]
    claims = await asyncio.gather(*(w.claim_delivery(s.id, "2026-W45", None, T0)
                                    for s in subs for w in workers for _ in range(2)))
    won = [c for c in claims if c is not None]
    assert len(won) == len(subs) == len(set(won))


async def test_a_dead_workers_claims_are_settled_a_live_workers_are_not(pg_url: str) -> None:
    live, dying, settler = [await open_store(pg_url) for _ in range(3)]
    try:
        subs = [await live.save_subscription(
            platform="console", chat_id=f"c{n}", chat_kind="private", kind="community",
            user_id=None, created_by=None, weekday=0, local_time="10:00", timezone="UTC",
            topics=(), next_run_at=T0) for n in range(3)]
        mine = await live.claim_delivery(subs[0].id, "2026-W45", None, T0)
        never_sent = await dying.claim_delivery(subs[1].id, "2026-W45", None, T0)
        maybe_sent = await dying.claim_delivery(subs[2].id, "2026-W45", None, T0)
        assert None not in (mine, never_sent, maybe_sent)
        assert maybe_sent is not None
        await dying.mark_attempt(maybe_sent, T0)
        later = T0 + timedelta(minutes=1)
        assert await settler.settle_stale_claims(later) == (0, [])  # both owners alive
        await dying.close()  # killed: its connections close, its advisory lock goes
        # However recent: a dead worker's claims are settled at once, not after the lease.
        released, unknown = await settler.settle_stale_claims(T0 - timedelta(hours=1))
        assert released == 1 and [d.id for d in unknown] == [maybe_sent]
        assert await settler.claim_delivery(subs[1].id, "2026-W45", None, later) is not None
        assert await settler.claim_delivery(subs[2].id, "2026-W45", None, later) is None
        assert [d.id for d in await settler.stale_deliveries(later)] == [mine]  # still live's
    finally:
        for s in (live, dying, settler):
            await s.close()


async def test_an_unreachable_server_is_one_sentence_naming_it_without_the_password() -> None:
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL at") as caught:
        await open_store("postgresql://bot:hunter2@127.0.0.1:1/advisor")
    assert "hunter2" not in str(caught.value) and "bot:***@127.0.0.1:1" in str(caught.value)


def test_info_shows_a_postgresql_url_without_its_password() -> None:
    shown = describe_database_url("postgresql://bot:hunter2@db.internal:5432/advisor")
    assert shown == "postgresql://bot:***@db.internal:5432/advisor (PostgreSQL)"


async def test_a_user_id_past_two_to_the_31_still_locks_and_writes(
        workers: list[PostgresStore]) -> None:
    a = workers[0]
    await a.ensure_user("console", "first", "first")
    big = 2**31 + 5
    async with a._write() as db:
        await db.execute("INSERT INTO users (id, platform, platform_user_id, display_name,"
                         " created_at) VALUES ($1, 'console', 'big', 'big', 'x')", big)
    await a.add_snapshot(big, {"followers": 1.0}, T0)
    assert await a.count_snapshots(big) == 1


async def test_a_post_another_worker_holds_stays_due_until_that_claim_settles(
        pg_url: str) -> None:
    """Before: a worker that found the week claimed by another moved the subscription on to
    next week; when that claim was released (its worker died before sending), the post was
    stranded for the week."""
    from bot.core.types import Reply
    from bot.domain.schedule import due_run
    from bot.scheduler.runner import Composed, WeeklyPoster
    from tests.auxil.clock import FakeClock
    from tests.auxil.deliverer import RecordingDeliverer

    async def compose(sub: Subscription, now: datetime) -> Composed:
        return Composed(Reply("start", {"name": sub.chat_id, "commands": []}), None)

    async def no_sleep(_: float) -> None:
        return None

    dying, survivor = [await open_store(pg_url) for _ in range(2)]
    try:
        assert isinstance(dying, PostgresStore) and isinstance(survivor, PostgresStore)
        clock = FakeClock(T0 - timedelta(hours=1))
        sub = await survivor.save_subscription(
            platform="telegram", chat_id="-100", chat_kind="group", kind="community",
            user_id=None, created_by=None, weekday=T0.weekday(), local_time=f"{T0:%H:%M}",
            timezone="UTC", topics=(), next_run_at=T0)
        clock.current = T0 + timedelta(minutes=1)
        due = due_run(sub.weekday, T0.time(), ZoneInfo("UTC"), clock.now(),
                      timedelta(hours=12), None)
        assert due is not None
        assert await dying.claim_delivery(sub.id, due.week, None, clock.now()) is not None
        rec = RecordingDeliverer()
        poster = WeeklyPoster(survivor, clock, {"telegram": rec}, compose, sleep=no_sleep)
        report = await poster.run_due()
        assert report.sent == 0 and report.elsewhere == 1 and report.already_done == 0
        assert [s.id for s in await survivor.due_subscriptions(clock.now())] == [sub.id]
        await dying.close()  # killed before it sent
        clock.advance(seconds=30)
        report = await poster.run_due()
        assert report.released == 1 and report.sent == 1 and rec.chats() == ["-100"]
    finally:
        for s in (dying, survivor):
            await s.close()


async def _due_subs(store: PostgresStore, platform: str, count: int) -> list[Subscription]:
    return [await store.save_subscription(
        platform=platform, chat_id=f"{platform}{n}", chat_kind="group", kind="community",
        user_id=None, created_by=None, weekday=T0.weekday(), local_time=f"{T0:%H:%M}",
        timezone="UTC", topics=(), next_run_at=T0 + timedelta(seconds=n % 7))
        for n in range(count)]


async def test_workers_lease_disjoint_batches_of_the_due_posts(
        workers: list[PostgresStore]) -> None:
    """Before: every worker read every due post (and skipped two thirds of them as another's
    after a query each); now each leases batches of its own, atomically."""
    telegram = await _due_subs(workers[0], "telegram", 60)
    await _due_subs(workers[0], "discord", 5)
    now, until = T0 + timedelta(minutes=1), T0 + timedelta(minutes=11)
    taken: list[list[int]] = [[], [], []]
    while True:
        batches = await asyncio.gather(*(w.lease_due(now, until, platform="telegram", limit=7)
                                         for w in workers for _ in range(2)))
        if not any(batches):
            break
        for n, batch in enumerate(batches):
            assert all(s.platform == "telegram" for s in batch)
            assert [(s.next_run_at, s.id) for s in batch] == sorted(
                (s.next_run_at, s.id) for s in batch if s.next_run_at is not None)
            taken[n // 2] += [s.id for s in batch]
    every = [i for ids in taken for i in ids]
    assert sorted(every) == sorted(s.id for s in telegram)  # each leased once, by one worker
    assert all(taken)  # and each worker got some
    # A subscription that moved on leaves its batch; what a worker gives back is free again.
    await workers[0].set_next_run(taken[0][0], T0 + timedelta(days=7))
    assert await workers[0].release_leases() == len(taken[0]) - 1
    again = await workers[1].lease_due(now, until, platform="telegram", limit=100)
    assert sorted(s.id for s in again) == sorted(taken[0][1:])


async def test_a_dead_workers_batch_is_free_at_once_a_live_ones_when_its_lease_lapses(
        pg_url: str) -> None:
    live, dying, other = [await open_store(pg_url) for _ in range(3)]
    try:
        assert isinstance(live, PostgresStore) and isinstance(dying, PostgresStore)
        assert isinstance(other, PostgresStore)
        subs = await _due_subs(live, "discord", 10)
        now = T0 + timedelta(minutes=1)
        mine = await live.lease_due(now, now + timedelta(minutes=10), platform="discord",
                                    limit=4)
        theirs = await dying.lease_due(now, now + timedelta(minutes=10), platform="discord",
                                       limit=4)
        assert len(mine) == len(theirs) == 4
        rest = await other.lease_due(now, now + timedelta(minutes=10), platform="discord",
                                     limit=10)
        assert len(rest) == 2  # both batches are held by live workers
        await dying.close()  # killed: its advisory lock goes, and its batch with it
        freed = await other.lease_due(now, now + timedelta(minutes=10), platform="discord",
                                      limit=10)
        assert sorted(s.id for s in freed) == sorted(s.id for s in theirs)
        # A live worker's batch is its own until the lease lapses.
        assert await other.lease_due(now + timedelta(minutes=9), now + timedelta(minutes=20),
                                     platform="discord", limit=10) == []
        lapsed = await other.lease_due(now + timedelta(minutes=11),
                                       now + timedelta(minutes=21), platform="discord",
                                       limit=10)
        assert {s.id for s in mine + theirs + rest} == {s.id for s in subs}
        # Every lease lapsed by then (the live worker's among them): all ten are free.
        assert sorted(s.id for s in lapsed) == sorted(s.id for s in subs)
    finally:
        for s in (live, dying, other):
            await s.close()


async def test_posters_on_one_database_compose_and_send_each_post_once(pg_url: str) -> None:
    """Three posters run one fan-out together: every post goes out once, none is composed
    twice, and no poster meets another's post (before: each met every due post and left two
    thirds of them as "elsewhere", a query each)."""
    from bot.core.pace import Paces
    from bot.core.types import Reply
    from bot.scheduler.runner import Composed, WeeklyPoster
    from tests.auxil.clock import FakeClock
    from tests.auxil.deliverer import RecordingDeliverer

    composed: list[int] = []

    async def compose(sub: Subscription, now: datetime) -> Composed:
        composed.append(sub.id)
        return Composed(Reply("start", {"name": sub.chat_id, "commands": []}), None)

    async def no_sleep(_: float) -> None:
        return None

    stores = [await open_store(pg_url) for _ in range(3)]
    try:
        subs = await _due_subs(stores[0], "telegram", 90)  # type: ignore[arg-type]
        clock = FakeClock(T0 + timedelta(minutes=1))
        recs = [RecordingDeliverer() for _ in stores]
        posters = [WeeklyPoster(s, clock, {"telegram": r}, compose, sleep=no_sleep,
                                concurrency=4, paces=Paces({"telegram": 600.0}))
                   for s, r in zip(stores, recs, strict=True)]
        reports = await asyncio.gather(*(p.run_due() for p in posters))
        sent = [c for r in recs for c in r.chats()]
        assert sorted(sent) == sorted(s.chat_id for s in subs)
        assert sorted(composed) == sorted(s.id for s in subs)  # each composed once
        assert sum(r.sent for r in reports) == 90
        assert [r.elsewhere for r in reports] == [0, 0, 0]
        assert await stores[1].due_subscriptions(clock.now()) == []
    finally:
        for s in stores:
            await s.close()


async def test_a_weekly_posts_bookkeeping_write_is_one_round_trip(pg_url: str) -> None:
    """Before: every store call was followed by asyncpg's reset of the pooled connection (one
    more round trip: ``SELECT pg_advisory_unlock_all(); CLOSE ALL; ...``), and a one-statement
    write was BEGIN, the statement, COMMIT: the mark between a post's send-budget slot and its
    send took four round trips instead of one."""
    from bot.store.postgres import open_postgres_store

    store = await open_postgres_store(pg_url, min_size=1, max_size=1)
    try:
        sub = (await _due_subs(store, "telegram", 1))[0]
        claim = await store.claim_delivery(sub.id, "2026-W45", None, T0)
        assert claim is not None
        seen: list[str] = []
        async with store._pool.acquire() as db:  # the pool's only connection
            db.add_query_logger(lambda record: seen.append(record.query))
        seen.clear()
        await store.mark_attempt(claim, T0)
        await store.finish_delivery(claim, "sent", T0)
        await store.set_next_run(sub.id, T0 + timedelta(days=7))
        assert [q.split()[0] for q in seen] == ["UPDATE", "UPDATE", "UPDATE"], seen
    finally:
        await store.close()
