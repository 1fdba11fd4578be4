"""/connect and /disconnect through the real PTB Application against the Telegram fake, with the
``run`` process's TikTok side (callback server, daily sync) against the TikTok fake."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from bot.adapters.telegram_adapter import TelegramAdapter
from bot.app import App, running
from bot.config import Settings
from bot.tiktok.web import TikTokRunner
from tests.adapters.test_telegram import (
    BOT_USERNAME,
    MAYA,
    Chat,
    fake,
    sends,
    shown,
    snapshot,
    telegram_settings,
)
from tests.auxil.clock import FakeClock
from tests.auxil.fake_telegram import FakeTelegram, group
from tests.auxil.fake_tiktok import FakeTikTok, videos
from tests.tiktok.helpers import browse, counts, redirect_uri, tiktok_settings
from tests.tiktok.test_service import START, secrets_seen

__all__ = ["fake"]  # the Telegram fake fixture, reused


@pytest.fixture
async def tiktok() -> AsyncIterator[FakeTikTok]:
    async with FakeTikTok(redirect_uri=redirect_uri()) as server:
        server.account.videos = videos(30, newest=int(START.timestamp()) - 3600)
        yield server


@pytest.fixture
async def tt_app(settings: Settings, clock: FakeClock, fake: FakeTelegram,
                 tiktok: FakeTikTok) -> AsyncIterator[App]:
    both = tiktok_settings(telegram_settings(settings, fake), tiktok)
    async with running(both, clock=clock) as app:
        yield app


@pytest.fixture
async def tt(tt_app: App, fake: FakeTelegram) -> AsyncIterator[Chat]:
    adapter = TelegramAdapter(tt_app, poll_timeout=1)
    chat = Chat(adapter, fake)
    await adapter.start()
    assert tt_app.tiktok is not None
    runner = TikTokRunner(tt_app.tiktok, tt_app.renderer, {"telegram": adapter.deliverer},
                          check_every=3600)
    await runner.start()
    try:
        yield chat
    finally:
        await runner.stop()
        await adapter.stop()


async def told(fake: FakeTelegram, text: str, start: int = 0) -> str:
    """Wait for a message to Maya containing ``text``; return it as shown."""
    async with asyncio.timeout(10):
        while True:
            for call in fake.calls[start:]:
                if call.method == "sendMessage" and call.chat_id == MAYA["id"] and call.ok \
                        and text in call.shown:
                    return call.shown
            await asyncio.sleep(0.02)


async def test_connect_in_chat_then_refresh_then_disconnect(
        tt: Chat, tt_app: App, fake: FakeTelegram, tiktok: FakeTikTok, clock: FakeClock,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    tiktok.account.display_name = "<i>maya</i> & co"  # TikTok's text, escaped like any other
    (reply,) = sends(await tt.say("/connect"))
    assert "Connect your TikTok account" in reply.shown and "10 minutes" in reply.shown
    (button,) = reply.buttons
    assert button["text"] == "Connect TikTok" and button["url"].startswith(tiktok.auth_url)

    start = len(fake.calls)
    status, page = await browse(button["url"])  # the creator presses Allow on TikTok
    assert status == 200 and "Connected, you can close this page." in page
    message = await told(fake, "TikTok connected", start)
    assert "TikTok connected: <i>maya</i> & co" in message and "followers 12.3k" in message
    stored = await snapshot(tt_app, MAYA["id"])
    assert stored is not None and stored.followers == 12_345
    assert "Followers: 12.3k" in shown(await tt.say("/stats"))

    status, page = await browse(button["url"])  # the same link again: refused, nothing new
    assert status == 400 and "expired or was already used" in page

    clock.advance(days=1, hours=1)  # the access token expired meanwhile
    tiktok.account.follower_count = 12_400
    assert tt_app.tiktok is not None
    assert await tt_app.tiktok.sync_due() == 1
    assert [c.form["grant_type"] for c in tiktok.named("/v2/oauth/token/")] == [
        "authorization_code", "refresh_token"]
    stored = await snapshot(tt_app, MAYA["id"])
    assert stored is not None and stored.followers == 12_400

    (bye,) = sends(await tt.say("/disconnect"))
    assert "withdrew my access at TikTok" in bye.shown and tiktok.revoked
    user = await tt_app.store.find_user("telegram", str(MAYA["id"]))
    assert user is not None and await tt_app.tiktok.status(user.id) is None
    seen = secrets_seen(tiktok)
    for record in caplog.get_records("call"):
        line = record.getMessage() + (record.exc_text or "")
        assert not [s for s in seen if s in line], line
    for call in fake.calls:  # no token ever went to Telegram either
        assert not [s for s in seen if s in str(call.params)], call.method


async def test_a_withdrawn_consent_is_told_once_in_chat(
        tt: Chat, tt_app: App, fake: FakeTelegram, tiktok: FakeTikTok,
        clock: FakeClock) -> None:
    (reply,) = sends(await tt.say("/connect"))
    await browse(reply.buttons[0]["url"])
    await told(fake, "TikTok connected")
    tiktok.withdraw_consent()
    clock.advance(days=1, hours=1)
    assert tt_app.tiktok is not None
    start = len(fake.calls)
    await tt_app.tiktok.sync_due()
    assert "access to your account was withdrawn" in await told(fake, "withdrawn", start)
    clock.advance(days=1, hours=1)
    await tt_app.tiktok.sync_due()
    withdrawn = [c for c in fake.named("sendMessage") if "withdrawn" in c.shown]
    assert len(withdrawn) == 1


async def test_a_denied_consent_shows_one_sentence_and_stores_nothing(
        tt: Chat, tt_app: App, fake: FakeTelegram, tiktok: FakeTikTok,
        settings: Settings) -> None:
    tiktok.consent = "deny"
    (reply,) = sends(await tt.say("/connect"))
    status, page = await browse(reply.buttons[0]["url"])
    assert status == 400 and "You didn't allow access on TikTok" in page
    from bot.store.sqlite import parse_database_url

    assert counts(parse_database_url(settings.database_url))["tiktok_connections"] == 0


async def test_connect_in_a_group_points_to_the_private_chat(tt: Chat,
                                                            fake: FakeTelegram) -> None:
    room = group(-100777)
    calls = await tt.say(f"/connect@{BOT_USERNAME}", chat=room)
    (note,) = sends([c for c in calls if c.chat_id == room["id"]])
    assert note.buttons == [{"text": "Open a private chat",
                             "url": f"https://t.me/{BOT_USERNAME}?start=connect"}]
    assert "127.0.0.1" not in str(note.params)  # no authorization link in a group


async def test_without_a_client_key_connect_explains_the_setup(
        settings: Settings, clock: FakeClock, fake: FakeTelegram) -> None:
    async with running(telegram_settings(settings, fake), clock=clock) as app:
        adapter = TelegramAdapter(app, poll_timeout=1)
        chat = Chat(adapter, fake)
        await adapter.start()
        try:
            (reply,) = sends(await chat.say("/connect"))
        finally:
            await adapter.stop()
    assert "not set up on this bot yet" in reply.shown
    assert "developers.tiktok.com" in reply.shown and "video.list" in reply.shown


async def test_a_head_request_does_not_spend_the_link(tt: Chat, fake: FakeTelegram,
                                                      tiktok: FakeTikTok) -> None:
    import aiohttp

    from tests.tiktok.helpers import authorize

    (reply,) = sends(await tt.say("/connect"))
    query = await authorize(reply.buttons[0]["url"])
    async with aiohttp.ClientSession() as http:
        async with http.head(tiktok.redirect_uri, params=query) as head:
            assert head.status == 405  # a link prefetcher must not use up the state
        async with http.get(tiktok.redirect_uri, params=query) as get:
            assert get.status == 200
    await told(fake, "TikTok connected")
