"""/connect through the real discord.py client against the Discord fake: a link button to
TikTok, private in a server, and nobody's numbers announced in a server channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr

from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import App
from bot.config import Settings
from tests.adapters.test_discord import ask, fake
from tests.auxil.fake_discord import FakeDiscord
from tests.auxil.fake_tiktok import FakeTikTok
from tests.tiktok.helpers import authorize, redirect_uri, tiktok_settings

__all__ = ["fake"]  # the Discord fake fixture, reused


@pytest.fixture
async def tiktok() -> AsyncIterator[FakeTikTok]:
    async with FakeTikTok(redirect_uri=redirect_uri()) as server:
        yield server


@pytest.fixture
def settings(settings: Settings, fake: FakeDiscord, tiktok: FakeTikTok) -> Settings:
    discord = settings.model_copy(update={"discord_token": SecretStr("fake-token"),
                                          "discord_api_url": fake.api_url})
    return tiktok_settings(discord, tiktok)


@pytest.fixture
async def bot(app: App, fake: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    adapter = DiscordAdapter(app, defer_after=1.0, guild_ready_timeout=0.05)
    await adapter.start()
    yield adapter
    await adapter.stop()


def link_buttons(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in data.get("components") or [] for c in row.get("components", [])
            if c.get("style") == 5]


async def test_connect_answers_with_a_link_button(bot: DiscordAdapter, fake: FakeDiscord,
                                                  tiktok: FakeTikTok, app: App) -> None:
    [reply] = await ask(fake, "connect", guild=False)
    [button] = link_buttons(reply.data)
    assert button["label"] == "Connect TikTok" and button["url"].startswith(tiktok.auth_url)
    assert "10 minutes" in reply.text
    query = await authorize(button["url"])
    assert app.tiktok is not None
    pending = await app.tiktok.connections.take_auth_state(query["state"])
    assert pending is not None and pending.chat_platform == "discord" and pending.chat_id


async def test_in_a_server_the_link_is_private_and_nothing_is_told_there(
        bot: DiscordAdapter, fake: FakeDiscord, app: App) -> None:
    [reply] = await ask(fake, "connect", guild=True)
    assert reply.ephemeral
    [button] = link_buttons(reply.data)
    query = await authorize(button["url"])
    assert app.tiktok is not None
    pending = await app.tiktok.connections.take_auth_state(query["state"])
    assert pending is not None and pending.chat_id is None  # no announcement in the channel
