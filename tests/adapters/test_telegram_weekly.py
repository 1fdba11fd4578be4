"""Weekly posts through Telegram: a group's admin subscribes, the tip arrives at 18:00 New York
time on the right day, once; a private digest arrives, and a blocked chat is deactivated.
DST correctness itself is pinned in tests/domain/test_schedule.py."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App, weekly_poster
from bot.core.ports import DeliveryStatus, Destination
from bot.core.types import Reply
from tests.adapters.test_telegram import GROUP, MAYA, Chat, fake, sends, tg, tg_app
from tests.auxil.clock import FakeClock
from tests.auxil.fake_telegram import FakeTelegram


async def test_group_tip_arrives_at_local_time(tg: Chat, fake: FakeTelegram,
                                                          tg_app: App, clock: FakeClock) -> None:
    fake.set_member(GROUP["id"], MAYA["id"], "administrator")
    await tg.say("/subscribe day=friday time=18:00 timezone=America/New_York topics=trends",
                 chat=GROUP)
    [sub] = await tg_app.store.subscriptions_for_chat("telegram", str(GROUP["id"]))
    # Clock: Monday 2 Nov 2026 (EST since 1 Nov). Next Friday 18:00 EST = 23:00 UTC.
    assert sub.next_run_at == datetime(2026, 11, 6, 23, 0, tzinfo=UTC)
    poster = weekly_poster(tg_app, {"telegram": tg.adapter.deliverer})
    clock.current = datetime(2026, 11, 6, 22, 59, tzinfo=UTC)
    assert (await poster.run_due()).sent == 0
    clock.current = datetime(2026, 11, 6, 23, 1, tzinfo=UTC)
    before = len(fake.sent(GROUP["id"]))
    assert (await poster.run_due()).sent == 1
    posts = fake.sent(GROUP["id"])[before:]
    assert len(posts) == 1 and "Tip of the week" in posts[0].shown
    assert posts[0].params.get("parse_mode") == "HTML"
    assert (await poster.run_due()).sent == 0  # never twice in a week


async def test_blocked_private_digest_is_deactivated(tg: Chat, fake: FakeTelegram,
                                                     tg_app: App, clock: FakeClock) -> None:
    await tg.say("/log followers=9k views=80k likes=7k")
    await tg.say("/subscribe day=monday time=09:00 timezone=UTC")
    [sub] = await tg_app.store.subscriptions_for_chat("telegram", str(MAYA["id"]))
    assert sub.kind == "personal" and sub.next_run_at is not None
    poster = weekly_poster(tg_app, {"telegram": tg.adapter.deliverer})
    clock.current = sub.next_run_at + timedelta(minutes=1)
    assert (await poster.run_due()).sent == 1
    digest = fake.sent(MAYA["id"])[-1]
    assert "Your week" in digest.shown and "followers: 9k" in digest.shown
    fake.close_private_chat(MAYA["id"])  # the user blocked the bot
    clock.current += timedelta(days=7)
    report = await poster.run_due()
    assert report.deactivated == 1
    [gone] = await tg_app.store.subscriptions_for_chat("telegram", str(MAYA["id"]))
    assert not gone.active and "403" in (gone.deactivated_reason or "")


async def test_a_429_on_a_weekly_post_goes_back_to_the_poster(tg: Chat, fake: FakeTelegram,
                                                              tg_app: App,
                                                              clock: FakeClock) -> None:
    """PTB would retry every post in flight at the same instant after a 429; a weekly post's
    429 is handed to the poster instead, which pauses the lane and re-paces the resend."""
    fake.fail("sendMessage", 1, retry_after=1)
    result = await tg.adapter.deliverer.deliver(
        Destination("telegram", str(GROUP["id"]), "group"), Reply("forget_cancelled"), "weekly-1")
    assert result.status is DeliveryStatus.RETRY_AFTER and result.retry_after == 1
    assert [c.status for c in fake.named("sendMessage")] == [429]  # not retried inside PTB

    fake.set_member(GROUP["id"], MAYA["id"], "administrator")
    await tg.say("/subscribe day=monday time=09:00 timezone=UTC", chat=GROUP)
    [sub] = await tg_app.store.subscriptions_for_chat("telegram", str(GROUP["id"]))
    assert sub.next_run_at is not None
    poster = weekly_poster(tg_app, {"telegram": tg.adapter.deliverer})
    clock.current = sub.next_run_at + timedelta(minutes=1)
    fake.fail("sendMessage", 1, retry_after=1)
    before = len(fake.named("sendMessage"))
    started = asyncio.get_running_loop().time()
    report = await poster.run_due()
    assert report.sent == 1 and report.failed == 0
    attempts = fake.named("sendMessage")[before:]
    assert [c.status for c in attempts] == [429, 200]  # posted once, after the pause
    assert asyncio.get_running_loop().time() - started >= 1.0


async def test_replies_go_first_while_a_fan_out_runs(tg: Chat, fake: FakeTelegram, tg_app: App,
                                                    clock: FakeClock) -> None:
    """A creator's /estimate never queues behind a weekly fan-out: it is answered while the
    broadcast is still going, and the broadcast gives up a slot for it."""
    chats = [-1_000_500 - n for n in range(120)]
    for chat in chats:
        await tg_app.store.save_subscription(
            platform="telegram", chat_id=str(chat), chat_kind="group", kind="community",
            user_id=None, created_by=None, weekday=0, local_time="10:00",
            timezone="Europe/Berlin", topics=(), next_run_at=clock.now())
    poster = weekly_poster(tg_app, {"telegram": tg.adapter.deliverer}, pace={"telegram": 60.0})
    clock.advance(minutes=1)

    def posted() -> int:
        return sum(1 for c in fake.sent() if c.chat_id in set(chats))

    run = asyncio.create_task(poster.run_due())
    await fake.wait_until(lambda: posted() >= 10)
    said = sends(await tg.say("/estimate followers=12k views=80k"))
    answer = [c for c in said if c.chat_id not in set(chats)]  # posts may interleave
    assert answer and "month" in answer[0].shown
    at_answer = posted()
    assert not run.done() and at_answer < 60  # not behind the remaining ~110 posts
    report = await run
    assert report.sent == 120 and posted() == 120


async def test_replies_count_in_the_budget_and_posts_do_not(
        tg: Chat, tg_app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.core.pace as pace_module

    monkeypatch.setattr(pace_module, "REPLY_WINDOW", 600.0)
    pace = tg_app.paces["telegram"]
    assert pace.owed == 0
    sent = sends(await tg.say("/estimate followers=12k views=80k"))
    assert pace.owed == len(sent) >= 1
    result = await tg.adapter.deliverer.deliver(
        Destination("telegram", str(GROUP["id"]), "group"), Reply("forget_cancelled"), "w-1")
    assert result.status is DeliveryStatus.SENT and pace.owed == len(sent)
