"""Fault injection through the real PTB Application: the platform answers 500s and 429s
mid-conversation; no /log write is lost, no reply is sent twice, other users keep being served."""

from __future__ import annotations

import asyncio

from bot.app import App
from tests.adapters.test_telegram import MAYA, Chat, fake, sends, snapshot, tg, tg_app
from tests.auxil.fake_telegram import FakeTelegram, private_chat, user


async def test_a_failed_reply_never_loses_the_log(tg: Chat, fake: FakeTelegram,
                                                  tg_app: App) -> None:
    fake.fail("sendMessage", 1, code=500, description="Internal Server Error")
    calls = await tg.say("/log followers=12k views=40k")
    assert sends(calls) == []  # the reply failed; it is not sent twice either
    stored = await snapshot(tg_app, MAYA["id"])
    assert stored is not None and stored.followers == 12_000
    assert "Followers: 12k" in sends(await tg.say("/stats"))[0].shown


async def test_429_in_a_guided_log_delivers_each_reply_once(tg: Chat, fake: FakeTelegram,
                                                            tg_app: App) -> None:
    prompt = sends(await tg.say("/log"))
    assert len(prompt) == 1 and "Send me your numbers" in prompt[0].shown
    fake.fail("sendMessage", 1, retry_after=1)
    calls = await tg.say("followers=5k likes=300")
    attempts = [c for c in calls if c.method == "sendMessage"]
    assert [c.status for c in attempts] == [429, 200]  # retried, delivered exactly once
    stored = await snapshot(tg_app, MAYA["id"])
    assert stored is not None and stored.followers == 5_000


async def test_many_users_at_once_while_the_platform_fails(tg: Chat, fake: FakeTelegram,
                                                           tg_app: App) -> None:
    people = [user(3000 + n, f"U{n}") for n in range(30)]
    fake.fail("sendMessage", 3, code=502, description="Bad Gateway")
    fake.fail("sendMessage", 2, retry_after=1)
    ids = [fake.message(f"/log followers={1000 + n}", chat=private_chat(p), sender=p)
           for n, p in enumerate(people)]
    async with asyncio.timeout(30):
        for update_id in ids:
            await tg.settle(update_id)
    for n, p in enumerate(people):  # every write landed
        stored = await snapshot(tg_app, p["id"])
        assert stored is not None and stored.followers == 1000 + n
    delivered: dict[int, int] = {}
    for call in fake.named("sendMessage"):
        if call.ok:
            chat = int(call.params["chat_id"])
            delivered[chat] = delivered.get(chat, 0) + 1
    assert all(count == 1 for count in delivered.values())  # nobody got a reply twice
    assert len(delivered) >= 27  # only the three 502s went unanswered; 429s were retried


async def test_timeouts_and_dropped_connections_mid_conversation(
        tg_app: App, fake: FakeTelegram) -> None:
    from bot.adapters.telegram_adapter import TelegramAdapter

    adapter = TelegramAdapter(tg_app, poll_timeout=1, read_timeout=0.5)
    chat = Chat(adapter, fake)
    await adapter.start()
    try:
        fake.delay("sendMessage", 2.0)  # Telegram answers after the client gave up
        calls = await chat.say("/log followers=7k")
        assert len([c for c in calls if c.method == "sendMessage"]) == 1  # not resent
        stored = await snapshot(tg_app, MAYA["id"])
        assert stored is not None and stored.followers == 7_000
        fake.drop("sendMessage")  # the connection drops mid-request
        calls = await chat.say("/log followers=8k")
        assert len([c for c in calls if c.method == "sendMessage"]) == 1
        stored = await snapshot(tg_app, MAYA["id"])
        assert stored is not None and stored.followers == 8_000
        bob = user(4242, "Bob")
        served = sends(await chat.say("/help", sender=bob, chat=private_chat(bob)))
        assert served and "Commands" in served[0].shown  # the bot keeps serving
    finally:
        await adapter.stop()
