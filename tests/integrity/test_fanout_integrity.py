"""The weekly fan-out under a failing post, stranded claims and admins' changes (issue 14)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.ports import DeliveryResult, Destination, Store, Subscription
from bot.core.types import Reply
from bot.domain.schedule import next_run
from bot.scheduler.runner import Composed, WeeklyPoster
from bot.store import open_store
from tests.auxil.clock import FakeClock
from tests.auxil.deliverer import RecordingDeliverer
from tests.store.rawdb import query

MONDAY_10 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # Monday 10:00 in Berlin


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    s = await open_store(store_url)
    yield s
    await s.close()


async def compose(sub: Subscription, now: datetime) -> Composed:
    return Composed(Reply("start", {"name": sub.chat_id, "commands": []}), f"rule-{sub.id}")


async def no_sleep(_: float) -> None:
    return None


async def subscribe(store: Store, chat: str, *, at: str = "10:00", now: datetime,
                    kind: str = "community", user_id: int | None = None) -> Subscription:
    hour, minute = map(int, at.split(":"))
    return await store.save_subscription(
        platform="telegram", chat_id=chat, chat_kind="group", kind=kind, user_id=user_id,
        created_by=None, weekday=0, local_time=at, timezone="Europe/Berlin", topics=(),
        next_run_at=next_run(0, time(hour, minute), ZoneInfo("Europe/Berlin"), now))


async def statuses(url: str) -> dict[str, int]:
    return dict(await query(url, "SELECT status, count(*) FROM posted_tips GROUP BY status"))


async def test_a_composer_that_raises_for_one_chat_stops_no_other_post(
        store: Store, store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """The personal digest's KeyError('income') cancelled its siblings in the TaskGroup."""
    clock = FakeClock(MONDAY_10 - timedelta(hours=1))
    for n in range(31):
        await subscribe(store, f"chat{n}", now=clock.now())
    clock.current = MONDAY_10 + timedelta(minutes=1)

    async def fragile(sub: Subscription, now: datetime) -> Composed:
        if sub.chat_id in ("chat3", "chat17"):
            raise KeyError("income")
        return await compose(sub, now)

    rec = RecordingDeliverer()
    poster = WeeklyPoster(store, clock, {"telegram": rec}, fragile, sleep=no_sleep,
                          concurrency=4)
    report = await poster.run_due()
    assert sorted(rec.chats()) == sorted(f"chat{n}" for n in range(31) if n not in (3, 17))
    assert report.sent == 29 and report.failed == 2
    assert await statuses(store_url) == {"sent": 29, "failed": 2}  # recorded, none left "sending"
    caplog.clear()
    clock.advance(minutes=1)
    again = await poster.run_due()  # the broken post is not retried (nor logged) every poll
    assert again.failed == 0 and again.sent == 0 and "KeyError" not in caplog.text
    clock.current = MONDAY_10 + timedelta(days=7, minutes=1)
    assert (await WeeklyPoster(store, clock, {"telegram": rec}, compose,
                               sleep=no_sleep).run_due()).sent == 31  # next week: everyone


async def test_a_deliverer_that_raises_for_one_chat_stops_no_other_post(
        store: Store, store_url: str) -> None:
    clock = FakeClock(MONDAY_10 - timedelta(hours=1))
    for n in range(10):
        await subscribe(store, f"chat{n}", now=clock.now())
    clock.current = MONDAY_10 + timedelta(minutes=1)

    class Raises(RecordingDeliverer):
        async def deliver(self, destination: Destination, reply: Reply,
                          key: str) -> DeliveryResult:
            if destination.chat_id == "chat4":
                raise RuntimeError("adapter bug")
            return await super().deliver(destination, reply, key)

    rec = Raises()
    report = await WeeklyPoster(store, clock, {"telegram": rec}, compose, sleep=no_sleep,
                                concurrency=3).run_due()
    assert len(rec.chats()) == 9 and report.failed == 1
    assert "sending" not in await statuses(store_url)


async def test_a_store_error_recording_one_post_stops_no_other_post(
        store: Store, store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock(MONDAY_10 - timedelta(hours=1))
    subs = [await subscribe(store, f"chat{n}", now=clock.now()) for n in range(6)]
    clock.current = MONDAY_10 + timedelta(minutes=1)
    real = store.set_next_run
    broken = subs[2].id

    async def set_next_run(subscription_id: int, at: datetime) -> None:
        if subscription_id == broken and at > clock.now():
            raise sqlite3.OperationalError("database is locked")
        await real(subscription_id, at)

    monkeypatch.setattr(store, "set_next_run", set_next_run)
    rec = RecordingDeliverer()
    report = await WeeklyPoster(store, clock, {"telegram": rec}, compose,
                                sleep=no_sleep).run_due()
    # Sent and recorded "sent", then not rescheduled: counted by its recorded status (issue
    # 21: before, it was counted both sent and failed, and the summary disagreed with the
    # outbox).
    assert len(rec.chats()) == 6 and (report.sent, report.failed) == (6, 0)
    assert await statuses(store_url) == {"sent": 6}


class Dies(RecordingDeliverer):
    """Blocks forever at call ``n``, as a process killed there would."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n
        self.reached = asyncio.Event()

    async def deliver(self, destination: Destination, reply: Reply, key: str) -> DeliveryResult:
        if self.calls + 1 == self.n:
            self.calls += 1
            self.reached.set()
            await asyncio.Event().wait()
        return await super().deliver(destination, reply, key)


async def test_claims_stranded_by_a_crash_are_settled_once(
        store: Store, store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock(MONDAY_10 - timedelta(hours=1))
    for n in range(20):
        await subscribe(store, f"chat{n}", now=clock.now())
    clock.current = MONDAY_10 + timedelta(minutes=1)
    first = Dies(5)
    p1 = WeeklyPoster(store, clock, {"telegram": first}, compose, sleep=no_sleep,
                      concurrency=1)
    task = asyncio.create_task(p1.run_due())
    await first.reached.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # A claim made but never attempted, as a crash while waiting for the pace leaves it.
    await query(store_url,
                "INSERT INTO posted_tips (subscription_id, destination, week_key, status,"
                " created_at) SELECT id, 'telegram:' || chat_id || ':community:', "
                " '2026-W45', 'sending', '2026-11-02T09:01:00+00:00' FROM subscriptions"
                " WHERE chat_id = 'chat19'")

    caplog.set_level(logging.INFO)
    clock.advance(seconds=30)  # restarted at once: well inside the lease, yet settled
    second = RecordingDeliverer()
    p2 = WeeklyPoster(store, clock, {"telegram": second}, compose, sleep=no_sleep)
    clock.advance(seconds=1)
    report = await p2.run_due()
    assert len(report.stale) == 1 and report.released == 1
    assert "chat4" not in second.chats()  # may have been sent: never resent
    assert "chat19" in second.chats()  # never attempted: went out now
    assert sorted(first.chats() + second.chats()) == sorted(
        f"chat{n}" for n in range(20) if n != 4)
    assert caplog.text.count("may or may not have arrived") == 1
    assert await statuses(store_url) == {"sent": 19, "unknown": 1}
    caplog.clear()
    for _ in range(3):  # reported once, not on every poll
        clock.advance(minutes=15)
        assert (await p2.run_due()).stale == []
    assert "may or may not" not in caplog.text
    clock.current = MONDAY_10 + timedelta(days=7, seconds=5)  # the next week is on time
    assert sorted((await p2.run_due(), second.chats())[1][-20:]) == sorted(
        f"chat{n}" for n in range(20))


@pytest.mark.parametrize("change", ["resubscribe at another time", "unsubscribe, subscribe"])
async def test_one_post_per_destination_and_iso_week_whatever_admins_change(
        store: Store, change: str) -> None:
    clock = FakeClock(MONDAY_10 - timedelta(hours=1))
    await subscribe(store, "-100", now=clock.now())
    clock.current = MONDAY_10 + timedelta(minutes=1)
    rec = RecordingDeliverer()
    p = WeeklyPoster(store, clock, {"telegram": rec}, compose, sleep=no_sleep)
    assert (await p.run_due()).sent == 1
    if change.startswith("unsubscribe"):
        assert await store.delete_subscription("telegram", "-100", "community", None)
        await subscribe(store, "-100", now=clock.now() - timedelta(hours=1))
    else:
        await subscribe(store, "-100", at="11:00", now=clock.now())
    clock.current = MONDAY_10 + timedelta(hours=1, minutes=1)
    assert (await p.run_due()).sent == 0
    assert rec.chats() == ["-100"]
    clock.current = MONDAY_10 + timedelta(days=7, hours=1, minutes=1)
    assert (await p.run_due()).sent == 1  # next week as usual


async def test_a_claim_still_in_flight_is_not_settled_by_the_lease(
        store: Store, store_url: str) -> None:
    clock = FakeClock(MONDAY_10 - timedelta(hours=1))
    await subscribe(store, "slow", now=clock.now())
    clock.current = MONDAY_10 + timedelta(minutes=1)
    release = asyncio.Event()

    class Slow(RecordingDeliverer):
        async def deliver(self, destination: Destination, reply: Reply,
                          key: str) -> DeliveryResult:
            self.reached = True
            await release.wait()  # a 429 pause far longer than the lease, say
            return await super().deliver(destination, reply, key)

    rec = Slow()
    rec.reached = False
    poster = WeeklyPoster(store, clock, {"telegram": rec}, compose, sleep=no_sleep)
    first = asyncio.create_task(poster.run_due())
    for _ in range(200):
        if rec.reached:
            break
        await asyncio.sleep(0.01)
    clock.advance(minutes=30)
    meanwhile = await poster.run_due()
    assert meanwhile.stale == [] and meanwhile.released == 0 and meanwhile.sent == 0
    release.set()
    assert (await first).sent == 1
    assert rec.chats() == ["slow"] and await statuses(store_url) == {"sent": 1}
