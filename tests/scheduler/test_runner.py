"""The weekly poster with a controlled clock, a real SQLite store and a recording deliverer."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.pace import Paces
from bot.core.ports import DeliveryResult, DeliveryStatus, Destination, Store, Subscription
from bot.core.types import Reply
from bot.domain.schedule import next_run
from bot.scheduler.runner import Composed, WeeklyPoster
from bot.store import open_store
from tests.auxil.clock import FakeClock
from tests.auxil.deliverer import RecordingDeliverer

BERLIN = ZoneInfo("Europe/Berlin")
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


async def subscribe(store: Store, chat: str, *, weekday: int = 0, at: str = "10:00",
                    tz: str = "Europe/Berlin", now: datetime) -> Subscription:
    hour, minute = map(int, at.split(":"))
    return await store.save_subscription(
        platform="telegram", chat_id=chat, chat_kind="group", kind="community", user_id=None,
        created_by=None, weekday=weekday, local_time=at, timezone=tz, topics=(),
        next_run_at=next_run(weekday, time(hour, minute), ZoneInfo(tz), now))


def poster(store: Store, clock: FakeClock, deliverer: RecordingDeliverer,
           **kw: object) -> WeeklyPoster:
    return WeeklyPoster(store, clock, {"telegram": deliverer}, compose, sleep=no_sleep,
                        **kw)  # type: ignore[arg-type]


async def test_posts_once_a_week_at_local_time(store: Store) -> None:
    clock = FakeClock(MONDAY_10 - timedelta(days=1))
    rec = RecordingDeliverer()
    await subscribe(store, "-100", now=clock.now())
    p = poster(store, clock, rec)
    assert (await p.run_due()).sent == 0  # Sunday: nothing due
    clock.current = MONDAY_10 - timedelta(seconds=1)
    assert (await p.run_due()).sent == 0
    clock.current = MONDAY_10 + timedelta(seconds=30)
    assert (await p.run_due()).sent == 1
    assert (await p.run_due()).sent == 0  # same week: never twice
    clock.current = MONDAY_10 + timedelta(days=7, seconds=30)
    assert (await p.run_due()).sent == 1
    assert rec.chats() == ["-100", "-100"]


async def test_missed_post_sent_within_grace_else_skipped(store: Store) -> None:
    clock = FakeClock(MONDAY_10 - timedelta(days=1))
    rec = RecordingDeliverer()
    await subscribe(store, "late", now=clock.now())
    await subscribe(store, "very-late", weekday=6, at="09:00", now=clock.now() - timedelta(days=1))
    clock.current = MONDAY_10 + timedelta(hours=11)  # bot was down since before both
    report = await poster(store, clock, rec).run_due()
    assert rec.chats() == ["late"]  # Monday 10:00 is 11 h ago; Sunday 09:00 is 36 h ago
    assert report.skipped_late == 1
    (sub,) = await store.subscriptions_for_chat("telegram", "very-late")
    assert sub.next_run_at is not None and sub.next_run_at > clock.now()


class StopsAt(RecordingDeliverer):
    """The process dies at call ``n``: before the platform got it, or after (not recorded)."""

    def __init__(self, n: int, *, after_send: bool) -> None:
        super().__init__()
        self.n, self.after_send = n, after_send
        self.reached = asyncio.Event()

    async def deliver(self, destination: Destination, reply: Reply, key: str) -> DeliveryResult:
        if self.calls + 1 == self.n:
            self.calls += 1
            if self.after_send:
                self.sent.append((destination, reply, key))
            self.reached.set()
            await asyncio.Event().wait()  # killed here
        return await super().deliver(destination, reply, key)


@pytest.mark.parametrize("after_send", [False, True])
async def test_restart_mid_batch_never_posts_twice(store: Store, after_send: bool) -> None:
    clock = FakeClock(MONDAY_10 - timedelta(hours=1))
    for n in range(20):
        await subscribe(store, f"chat{n}", now=clock.now())
    clock.current = MONDAY_10 + timedelta(minutes=1)
    first = StopsAt(11, after_send=after_send)
    p1 = WeeklyPoster(store, clock, {"telegram": first}, compose, sleep=no_sleep,
                      concurrency=1)
    task = asyncio.create_task(p1.run_due())
    await first.reached.wait()
    task.cancel()  # the process is killed mid-batch
    with pytest.raises(asyncio.CancelledError):
        await task

    second = RecordingDeliverer()
    clock.advance(minutes=20)
    report = await poster(store, clock, second).run_due()
    delivered = first.chats() + second.chats()
    assert len(delivered) == len(set(delivered))  # nobody got two posts
    assert len(report.stale) == 1  # the post in flight is reported, not resent
    assert len(second.chats()) == 9
    # Killed after the platform accepted it: every chat got exactly one post.
    assert len(set(delivered)) == (20 if after_send else 19)


async def test_gone_destination_is_deactivated_with_reason(store: Store) -> None:
    clock = FakeClock(MONDAY_10 - timedelta(hours=1))
    await subscribe(store, "blocked", now=clock.now())
    clock.current = MONDAY_10 + timedelta(minutes=1)
    rec = RecordingDeliverer(script=lambda d, n: DeliveryResult(
        DeliveryStatus.GONE, "Forbidden: bot was blocked by the user"))
    report = await poster(store, clock, rec).run_due()
    assert report.deactivated == 1 and rec.calls == 1
    (sub,) = await store.subscriptions_for_chat("telegram", "blocked")
    assert not sub.active and sub.deactivated_reason == "Forbidden: bot was blocked by the user"
    clock.advance(days=7)
    await poster(store, clock, rec).run_due()
    assert rec.calls == 1  # never retried


async def test_rate_limit_pauses_then_retries_once(store: Store) -> None:
    clock = FakeClock(MONDAY_10 - timedelta(hours=1))
    await subscribe(store, "busy", now=clock.now())
    clock.current = MONDAY_10 + timedelta(minutes=1)
    rec = RecordingDeliverer(script=lambda d, n: DeliveryResult(
        DeliveryStatus.RETRY_AFTER, "429", retry_after=0.01) if n == 1 else None)
    report = await poster(store, clock, rec).run_due()
    assert report.sent == 1 and rec.calls == 2 and rec.chats() == ["busy"]


async def test_transient_errors_back_off_and_give_up(store: Store) -> None:
    clock = FakeClock(MONDAY_10 - timedelta(hours=1))
    await subscribe(store, "flaky", now=clock.now())
    await subscribe(store, "down", now=clock.now())
    clock.current = MONDAY_10 + timedelta(minutes=1)
    rec = RecordingDeliverer(script=lambda d, n: (
        DeliveryResult(DeliveryStatus.TRANSIENT, "502 Bad Gateway")
        if d.chat_id == "down" or n <= 2 else None))
    report = await poster(store, clock, rec, max_attempts=3).run_due()
    assert rec.chats() == ["flaky"]
    assert report.sent == 1 and report.failed == 1
    (down,) = await store.subscriptions_for_chat("telegram", "down")
    assert down.active  # a flaky platform is not a gone destination


async def test_unknown_outcome_is_not_resent(store: Store) -> None:
    clock = FakeClock(MONDAY_10 - timedelta(hours=1))
    await subscribe(store, "timeout", now=clock.now())
    clock.current = MONDAY_10 + timedelta(minutes=1)
    rec = RecordingDeliverer(script=lambda d, n: DeliveryResult(DeliveryStatus.UNKNOWN,
                                                                "read timeout"))
    report = await poster(store, clock, rec).run_due()
    assert rec.calls == 1 and report.failed == 1


async def test_dry_run_sends_nothing(store: Store) -> None:
    clock = FakeClock(MONDAY_10 - timedelta(hours=1))
    await subscribe(store, "x", now=clock.now())
    clock.current = MONDAY_10 + timedelta(minutes=1)
    rec = RecordingDeliverer()
    report = await poster(store, clock, rec).run_due(dry_run=True)
    assert [(s.chat_id, week) for s, week, _ in report.planned] == [("x", "2026-W45")]
    assert rec.calls == 0
    assert (await poster(store, clock, rec).run_due()).sent == 1


async def test_a_run_pages_through_many_due_posts_once_each(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.scheduler.runner as runner

    monkeypatch.setattr(runner, "BATCH", 7)  # several batches, leased while earlier ones send
    clock = FakeClock(MONDAY_10 - timedelta(days=2))
    for n in range(40):  # due at different times: 10:00 and 09:00 Berlin, and Sunday 23:00
        at, weekday = [("10:00", 0), ("09:00", 0), ("23:00", 6)][n % 3]
        await subscribe(store, f"chat{n}", weekday=weekday, at=at, now=clock.now())
    await store.save_subscription(  # a platform with no deliverer running: left for later
        platform="discord", chat_id="d1", chat_kind="channel", kind="community", user_id=None,
        created_by=None, weekday=0, local_time="10:00", timezone="Europe/Berlin", topics=(),
        next_run_at=MONDAY_10)
    clock.current = MONDAY_10 + timedelta(minutes=1)
    rec = RecordingDeliverer()
    report = await poster(store, clock, rec, concurrency=3).run_due()
    assert report.sent == 40 and report.already_done == 0  # each read once, none twice
    assert sorted(rec.chats()) == sorted(f"chat{n}" for n in range(40))
    assert (await poster(store, clock, rec).run_due()).sent == 0
    (left,) = await store.subscriptions_for_chat("discord", "d1")
    assert left.active and left.next_run_at == MONDAY_10


async def test_stopping_mid_fan_out_finishes_what_is_in_flight_and_leaves_the_rest_due(
        store: Store) -> None:
    clock = FakeClock(MONDAY_10 - timedelta(hours=1))
    for n in range(60):
        await subscribe(store, f"chat{n}", now=clock.now())
    clock.current = MONDAY_10 + timedelta(minutes=1)
    stop = asyncio.Event()
    # SIGTERM arrives while the 5th post goes out; 60 posts at 40/s would take 1.5 s more.
    rec = RecordingDeliverer(script=lambda d, n: stop.set() if n == 5 else None)
    p = WeeklyPoster(store, clock, {"telegram": rec}, compose, sleep=no_sleep, concurrency=4,
                     paces=Paces({"telegram": 40.0}))
    async with asyncio.timeout(30):
        await p.serve(stop, poll_seconds=60)
    sent = rec.chats()
    # Only what was already claimed (at most the 4 slots) went out after the stop.
    assert 5 <= len(sent) <= 5 + 4 and len(set(sent)) == len(sent)
    assert await store.stale_deliveries(clock.now() + timedelta(days=1)) == []  # none stranded
    # The rest are still due and go out at the next start, each once.
    again = RecordingDeliverer()
    report = await poster(store, clock, again).run_due()
    assert report.sent == 60 - len(sent)
    assert sorted(sent + again.chats()) == sorted(f"chat{n}" for n in range(60))


async def test_a_post_another_worker_holds_is_neither_composed_nor_sent_here(
        store: Store) -> None:
    # Several workers on one database meet every due post; one holds this week's claim (it is
    # waiting for the send budget). The others leave the post due without composing it (most
    # of a post's CPU), so N workers do not compose every post N times.
    clock = FakeClock(MONDAY_10 + timedelta(seconds=30))
    sub = await subscribe(store, "-100", now=MONDAY_10 - timedelta(days=1))
    assert await store.claim_delivery(sub.id, "2026-W45", "rule-x", clock.now()) is not None
    composed: list[int] = []

    async def counting(s: Subscription, now: datetime) -> Composed:
        composed.append(s.id)
        return await compose(s, now)

    rec = RecordingDeliverer()
    other = WeeklyPoster(store, clock, {"telegram": rec}, counting, sleep=no_sleep)
    other._started_at = MONDAY_10  # the claim is newer than this worker: not its stale one
    report = await other.run_due()
    assert (report.elsewhere, report.sent, composed, rec.chats()) == (1, 0, [], [])
    assert [s.id for s in await store.due_subscriptions(clock.now())] == [sub.id]  # still due


async def test_a_slow_platform_does_not_hold_back_another(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # Telegram's posts wait (its pace, a pause); Discord's due posts, read after them, still
    # go out meanwhile: each platform streams its own due posts (in one stream, Telegram's
    # waiting posts filled the room and Discord waited for each of them).
    import bot.scheduler.runner as runner

    monkeypatch.setattr(runner, "BATCH", 2)  # room for 4 waiting posts a stream
    clock = FakeClock(MONDAY_10 - timedelta(days=1))
    for n in range(10):
        await subscribe(store, f"-{100 + n}", now=clock.now())
    for n in range(3):
        await store.save_subscription(
            platform="discord", chat_id=str(900 + n), chat_kind="group", kind="community",
            user_id=None, created_by=None, weekday=0, local_time="10:00",
            timezone="Europe/Berlin", topics=(), next_run_at=MONDAY_10)  # after Telegram's
    release = asyncio.Event()

    class Waiting(RecordingDeliverer):
        async def deliver(self, destination: Destination, reply: Reply,
                          key: str) -> DeliveryResult:
            await release.wait()
            return await super().deliver(destination, reply, key)

    discord_done = asyncio.Event()

    class Discord(RecordingDeliverer):
        async def deliver(self, destination: Destination, reply: Reply,
                          key: str) -> DeliveryResult:
            result = await super().deliver(destination, reply, key)
            if len(self.sent) == 3:
                discord_done.set()
            return result

    telegram, discord = Waiting("telegram"), Discord("discord")
    p = WeeklyPoster(store, clock, {"telegram": telegram, "discord": discord}, compose,
                     sleep=no_sleep)
    clock.current = MONDAY_10 + timedelta(seconds=30)
    run = asyncio.create_task(p.run_due())
    try:
        await asyncio.wait_for(discord_done.wait(), 10)
        assert telegram.chats() == []  # all of Telegram's still waiting
    finally:
        release.set()
    report = await asyncio.wait_for(run, 10)
    assert report.sent == 13 and sorted(discord.chats()) == ["900", "901", "902"]


async def test_weekly_posts_go_out_on_the_process_pace_while_redis_is_down(
        store: Store, caplog: pytest.LogCaptureFixture) -> None:
    """Issue 21: with REDIS_URL's server down, every post's slot in the shared budget raised,
    so each post was logged with a traceback, recorded as failed without ever being attempted
    and moved to next week. Now they go out on this process's own pace, with one warning."""
    from bot.store.budget import RedisBudget

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        down = s.getsockname()[1]  # nobody listens there once closed
    clock = FakeClock(MONDAY_10 - timedelta(hours=1))
    for chat in ("-1", "-2", "-3"):
        await subscribe(store, chat, now=clock.now())
    clock.current = MONDAY_10 + timedelta(minutes=1)
    rec = RecordingDeliverer()
    shared = RedisBudget(f"redis://127.0.0.1:{down}/5", {"telegram": "1:token"})
    with caplog.at_level(logging.WARNING):
        report = await poster(store, clock, rec,
                              paces=Paces({"telegram": 100.0}, shared=shared)).run_due()
    assert report.failed == 0 and report.sent == 3
    assert sorted(rec.chats()) == ["-1", "-2", "-3"]
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "shared send budget is unreachable" in caplog.records[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)  # no traceback per post
