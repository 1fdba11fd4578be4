"""Issue 21 (hostile tester): how many posts one poster holds, and what a store outage during
a fan-out does to the posts not sent yet."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from bot.core.ports import DeliveryResult, DeliveryStatus, Destination, Subscription
from bot.core.types import Reply
from bot.scheduler.runner import BATCH, Composed, WeeklyPoster
from bot.store import open_store
from tests.auxil.clock import FakeClock

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def compose(sub: Subscription, now: datetime) -> Composed:
    return Composed(Reply("start", {"name": sub.chat_id, "commands": []}), None)


async def _subscribe(store: object, count: int) -> None:
    for n in range(count):
        await store.save_subscription(  # type: ignore[attr-defined]
            platform="console", chat_id=f"c{n}", chat_kind="group", kind="community",
            user_id=None, created_by=None, weekday=T0.weekday(), local_time=f"{T0:%H:%M}",
            timezone="UTC", topics=(), next_run_at=T0)


class Held:
    """A deliverer whose sends wait until released."""

    platform = "console"

    def __init__(self) -> None:
        self.go = asyncio.Event()
        self.calls = 0

    async def deliver(self, destination: Destination, reply: Reply, key: str) -> DeliveryResult:
        self.calls += 1
        await self.go.wait()
        return DeliveryResult(DeliveryStatus.SENT)


async def test_a_poster_leases_at_most_two_batches(tmp_path: Path) -> None:
    """Before: with the sends held, the stream leased a third batch (300 posts) and waited
    for room post by post; the README says a worker holds at most two batches."""
    path = tmp_path / "s.db"
    store = await open_store(f"sqlite:///{path}")
    try:
        await _subscribe(store, 3 * BATCH + 50)
        held = Held()
        poster = WeeklyPoster(store, FakeClock(T0 + timedelta(minutes=1)),
                              {"console": held}, compose)
        run = asyncio.create_task(poster.run_due())
        for _ in range(500):  # until the sends wait, and whatever leasing follows is done
            await asyncio.sleep(0.01)
        assert held.calls > 0
        db = sqlite3.connect(path)
        try:
            leased = db.execute("SELECT count(*) FROM subscriptions"
                                " WHERE lease_owner IS NOT NULL").fetchone()[0]
        finally:
            db.close()
        assert leased <= 2 * BATCH
        held.go.set()
        report = await run
        assert report.sent == 3 * BATCH + 50
    finally:
        await store.close()


async def test_a_store_outage_mid_fan_out_gives_back_the_posts_not_sent(pg_url: str) -> None:
    """Before: after every connection of the poster was cut, posts never attempted ended
    "failed" and moved to next week (one failed in claim_in_progress, never claimed), and
    the summary's counts differed from what the outbox held. Now a post hit by a store error
    before its send stays due, and the report counts each post by its recorded status."""
    store = await open_store(pg_url)
    sent: list[str] = []
    cut = asyncio.Event()

    class Cutting:
        platform = "console"

        async def deliver(self, destination: Destination, reply: Reply,
                          key: str) -> DeliveryResult:
            if len(sent) == 5 and not cut.is_set():
                cut.set()
                pids = [c._con.get_server_pid() for c in store._pool._holders  # type: ignore[attr-defined]
                        if c._con is not None and not c._con.is_closed()]
                admin = await asyncpg.connect(pg_url)
                try:
                    await admin.execute("SELECT pg_terminate_backend(p) FROM unnest($1::int[])"
                                        " AS p", pids)
                finally:
                    await admin.close()
            sent.append(destination.chat_id)
            await asyncio.sleep(0)
            return DeliveryResult(DeliveryStatus.SENT)

    try:
        await _subscribe(store, 60)
        poster = WeeklyPoster(store, FakeClock(T0 + timedelta(minutes=1)),
                              {"console": Cutting()}, compose)
        report = await poster.run_due()
        admin = await asyncpg.connect(pg_url)
        try:
            rows = await admin.fetch("SELECT status, attempted_at IS NOT NULL AS attempted,"
                                     " count(*) AS n FROM posted_tips GROUP BY 1, 2")
            moved = await admin.fetchval("SELECT count(*) FROM subscriptions"
                                         " WHERE next_run_at > $1", T0.isoformat())
        finally:
            await admin.close()
        held = {(r["status"], r["attempted"]): r["n"] for r in rows}
        assert ("failed", False) not in held  # nothing failed without being attempted
        assert report.sent == held.get(("sent", True), 0)
        assert report.failed == 0
        assert report.unknown == held.get(("unknown", True), 0) + held.get(("sending", True), 0)
        # Only a post whose week is recorded moved on (one recorded whose move failed is
        # due again, to find its week done); the rest stay due.
        assert moved <= sum(n for (status, _), n in held.items() if status != "sending")
        assert report.given_back + report.sent + report.unknown == 60
        again = await WeeklyPoster(store, FakeClock(T0 + timedelta(minutes=2)),
                                   {"console": Cutting()}, compose).run_due()
        assert again.sent == report.given_back  # each given back goes out once
    finally:
        await store.close()


async def test_a_store_error_leasing_the_next_batch_lets_the_posts_on_their_way_finish(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: the error left the stream's task group, which cancelled every post in flight
    (mid-send: their claims stranded "sending", later settled "unknown") and the run raised."""
    path = tmp_path / "s.db"
    store = await open_store(f"sqlite:///{path}")
    try:
        await _subscribe(store, BATCH + 30)
        real = store.lease_due
        leases = 0

        async def lease_due(*args: object, **kwargs: object) -> list[Subscription]:
            nonlocal leases
            leases += 1
            if leases == 2:
                raise ConnectionError("the database went away")
            return await real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(store, "lease_due", lease_due)
        held = Held()
        held.go.set()
        report = await WeeklyPoster(store, FakeClock(T0 + timedelta(minutes=1)),
                                    {"console": held}, compose).run_due()
        assert report.sent == BATCH and report.unknown == 0
        db = sqlite3.connect(path)
        try:
            statuses = dict(db.execute("SELECT status, count(*) FROM posted_tips GROUP BY 1"))
        finally:
            db.close()
        assert statuses == {"sent": BATCH}
        again = await WeeklyPoster(store, FakeClock(T0 + timedelta(minutes=2)),
                                   {"console": held}, compose).run_due()
        assert again.sent == 30
    finally:
        await store.close()
