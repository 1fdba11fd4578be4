"""A weekly tip set up through Discord arrives in the channel at the right local time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import App, weekly_poster
from bot.config import Settings
from tests.auxil.clock import FakeClock
from tests.auxil.fake_discord import FakeDiscord


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


@pytest.fixture
def settings(settings: Settings, fake: FakeDiscord) -> Settings:
    return settings.model_copy(update={"discord_token": SecretStr("fake-token"),
                                       "discord_api_url": fake.api_url})


@pytest.fixture
async def bot(app: App, fake: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    adapter = DiscordAdapter(app, guild_ready_timeout=0.05)
    await adapter.start()
    yield adapter
    await adapter.stop()


async def test_weekly_tip_arrives_at_ten_berlin_time(bot: DiscordAdapter, fake: FakeDiscord,
                                                     app: App, clock: FakeClock) -> None:
    token = await fake.interact(fake.slash(
        "subscribe", {"day": "monday", "time": "10:00", "timezone": "Europe/Berlin",
                      "topics": "trends"}, admin=True))
    [reply] = await fake.answers(token)
    assert "Weekly tips are on for this chat" in reply.text
    refused = await fake.answers(await fake.interact(fake.slash("unsubscribe", admin=False)))
    assert "Only admins" in refused[0].text

    poster = weekly_poster(app, {"discord": bot.deliverer})
    clock.current = datetime(2026, 11, 9, 8, 59, tzinfo=UTC)  # 09:59 in Berlin
    assert (await poster.run_due()).sent == 0
    clock.current += timedelta(minutes=2)  # 10:01 in Berlin
    report = await poster.run_due()
    assert report.sent == 1
    posts = [s for s in fake.sent if s.kind == "channel"]
    assert len(posts) == 1
    assert "Tip of the week" in posts[0].text and "trends" in posts[0].text
    assert posts[0].data["nonce"] and posts[0].data["enforce_nonce"] is True
    assert posts[0].data["allowed_mentions"] == {"parse": []}
    assert (await poster.run_due()).sent == 0  # never twice in a week


async def test_missing_access_pauses_the_subscription_until_a_post_goes_through(
        bot: DiscordAdapter, fake: FakeDiscord, app: App, clock: FakeClock) -> None:
    from tests.auxil.fake_discord import CHANNEL_ID

    await fake.answers(await fake.interact(fake.slash("subscribe", {}, admin=True)))
    fake.channel_errors[CHANNEL_ID] = (403, 50001, "Missing Access")
    [sub] = await app.store.subscriptions_for_chat("discord", str(CHANNEL_ID))
    assert sub.next_run_at is not None
    clock.current = sub.next_run_at + timedelta(minutes=1)
    poster = weekly_poster(app, {"discord": bot.deliverer})
    report = await poster.run_due()
    assert report.paused == 1 and report.deactivated == 0
    [sub] = await app.store.subscriptions_for_chat("discord", str(CHANNEL_ID))
    assert sub.active and "Missing Access" in (sub.paused_reason or "")
    del fake.channel_errors[CHANNEL_ID]  # an admin gave the permission back
    clock.current += timedelta(days=7)
    assert (await poster.run_due()).sent == 1
    [sub] = await app.store.subscriptions_for_chat("discord", str(CHANNEL_ID))
    assert sub.active and sub.paused_reason is None


async def test_progress_chart_arrives_as_an_embed_image(bot: DiscordAdapter, fake: FakeDiscord,
                                                        clock: FakeClock) -> None:
    for followers in ("1k", "1.4k", "2k"):
        await fake.answers(await fake.interact(fake.slash("log", {"followers": followers})))
        clock.advance(days=7)
    token = await fake.interact(fake.slash("progress", {"metric": "followers",
                                                        "period": "all"}))
    answers = await fake.answers(token)
    with_file = [s for s in answers if s.files]
    assert with_file, [s.kind for s in answers]
    upload = with_file[0].files[0]
    assert upload.filename.endswith(".png") and upload.data[:8] == b"\x89PNG\r\n\x1a\n"
    embed = with_file[0].embeds[0]
    assert embed["image"]["url"] == f"attachment://{upload.filename}"
    assert with_file[0].ephemeral  # your own numbers stay yours in a server


async def test_import_a_csv_through_the_file_option(bot: DiscordAdapter, fake: FakeDiscord,
                                                    app: App) -> None:
    csv = b"date,followers,views\n2026-09-01,1k,4k\n2026-09-08,1.2k,5k\n2026-10-01,1.5k,6k\n"
    [preview] = await fake.answers(await fake.interact(
        fake.slash("import", {}, file=("history.csv", csv))))
    text = preview.text.replace("\\", "")  # markdown escapes of - and < in user values
    assert "3 days from 2026-09-01 to 2026-10-01" in text
    assert "2026-09-01: followers=1k, views=4k" in text
    assert "confirm:True" in preview.text and preview.ephemeral
    [done] = await fake.answers(await fake.interact(
        fake.slash("import", {"confirm": True}, file=("history.csv", csv))))
    assert "Imported 3 days" in done.text
    user = await app.store.find_user("discord", "500000000000000001")
    assert user is not None and len(await app.store.history(user.id)) == 3
    [bad] = await fake.answers(await fake.interact(
        fake.slash("import", {}, file=("bad.csv", b"date,followers\n2026-09-01,lots\n"))))
    assert "line 2: followers" in bad.text and "Nothing was imported" in bad.text


async def test_a_500_mid_conversation_is_retried_and_the_log_kept(
        bot: DiscordAdapter, fake: FakeDiscord, app: App) -> None:
    from tests.auxil.fake_discord import CALLBACK

    fake.server_error("POST", CALLBACK)  # discord.py retries 5xx on its own
    token = await fake.interact(fake.slash("log", {"followers": "12k"}))
    [reply] = await fake.answers(token, seconds=10)
    assert "Followers: 12k" in reply.text
    attempts = [c.status for c in fake.calls_to("POST", CALLBACK) if c.params["token"] == token]
    assert attempts == [500, 200]
    assert len([s for s in fake.for_token(token) if s.is_message]) == 1  # answered once
    found = await app.store.find_user("discord", "500000000000000001")
    assert found is not None
    latest = await app.store.latest_snapshot(found.id)
    assert latest is not None and latest.followers == 12_000
    # Other users keep being served.
    other = await fake.answers(await fake.interact(fake.slash("help")))
    assert "/log" in other[0].text


async def test_mediakit_arrives_as_png_and_pdf_attachments(bot: DiscordAdapter,
                                                           fake: FakeDiscord) -> None:
    await fake.answers(await fake.interact(fake.slash("log", {"followers": "12k",
                                                              "avg_views": "3k"})))
    answers = await fake.answers(await fake.interact(fake.slash("mediakit")))
    files = [f for s in answers for f in s.files]
    assert sorted(f.filename.rsplit(".", 1)[1] for f in files) == ["pdf", "png"]
    png = next(f for f in files if f.filename.endswith(".png"))
    pdf = next(f for f in files if f.filename.endswith(".pdf"))
    assert png.data[:8] == b"\x89PNG\r\n\x1a\n" and pdf.data.startswith(b"%PDF")
    assert all(s.ephemeral for s in answers if s.files)  # personal by default
    shared = await fake.answers(await fake.interact(fake.slash("mediakit", {"public": True})))
    assert [s for s in shared if s.files] and not any(s.ephemeral for s in shared if s.files)
