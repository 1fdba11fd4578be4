"""Discord gateway shards split across workers (issue 21): worker i of N connects shards i, i+N,
…; each server's commands arrive on its shard's worker; a worker without a shard still sends
weekly posts over REST. The real discord.py ``AutoShardedClient`` against the fake Discord."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr

from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import App
from bot.config import Settings
from bot.core.ports import DeliveryStatus, Destination
from bot.core.types import Reply
from tests.auxil.fake_discord import (
    GUILD_ID,
    SECOND_CHANNEL_ID,
    SECOND_GUILD_ID,
    FakeDiscord,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord(shards=2).start()
    yield server
    await server.close()


@pytest.fixture
def settings(settings: Settings, fake: FakeDiscord) -> Settings:
    return settings.model_copy(update={"discord_token": SecretStr("fake-token"),
                                       "discord_api_url": fake.api_url})


def worker(app: App, index: int, count: int, **more: Any) -> DiscordAdapter:
    settings = app.settings.model_copy(update={"worker_index": index, "worker_count": count,
                                               **more})
    return DiscordAdapter(dataclasses.replace(app, settings=settings), defer_after=1.0,
                          guild_ready_timeout=0.05)


async def answered(fake: FakeDiscord, guild_id: int) -> str:
    token = await fake.interact(fake.slash("help", guild_id=guild_id))
    sent = await fake.answers(token)
    return sent[0].text


async def test_two_workers_each_connect_their_own_shard_and_answer_its_servers(
        app: App, fake: FakeDiscord) -> None:
    first, second = worker(app, 0, 2), worker(app, 1, 2)
    await first.start()
    await second.start()
    try:
        assert sorted(tuple(i["shard"]) for i in fake.identifies) == [(0, 2), (1, 2)]
        assert (first.shard_ids, second.shard_ids) == ([0], [1])
        assert len(fake.command_puts) == 1  # worker 0 syncs the commands for all
        assert "/estimate" in await answered(fake, GUILD_ID)  # shard 0: the first worker
        assert "/estimate" in await answered(fake, SECOND_GUILD_ID)  # shard 1: the second
        await second.stop()
        assert "/estimate" in await answered(fake, GUILD_ID)  # shard 0 unaffected
        with pytest.raises(AssertionError, match="timed out"):
            await fake.interact(fake.slash("help", guild_id=SECOND_GUILD_ID), seconds=0.5)
    finally:
        await second.stop()
        await first.stop()


async def test_a_worker_past_the_shard_count_sends_posts_but_connects_no_shard(
        app: App, fake: FakeDiscord) -> None:
    rest_only = worker(app, 2, 3, discord_shard_count=2)
    await rest_only.start()
    try:
        assert rest_only.shard_ids == [] and rest_only.shard_count == 2
        assert fake.identifies == []  # no gateway session at all
        tip = Reply("weekly_tip", {"category": "trends", "title": "Ride a trend early",
                                   "advice": "Use sounds in their first week."})
        result = await rest_only.deliver(Destination("discord", str(SECOND_CHANNEL_ID), "group"),
                                         tip, "k1")
        assert result.status is DeliveryStatus.SENT
        assert [s.kind for s in fake.sent] == ["channel"]
    finally:
        await rest_only.stop()


async def test_without_a_shard_count_each_worker_gets_at_least_one_shard(
        app: App, fake: FakeDiscord) -> None:
    """Discord recommends 2 shards; 3 workers make it 3 (one each), never a worker without."""
    third = worker(app, 2, 3)
    await third.start()
    try:
        assert (third.shard_count, third.shard_ids) == (3, [2])
        assert [i["shard"] for i in fake.identifies] == [[2, 3]]
    finally:
        await third.stop()
