"""A TikTok Studio download sent the way creators send files: a Telegram document and the
Discord /import file option, against the fake platform servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import App
from bot.config import Settings
from tests.adapters.test_telegram import MAYA, Chat, fake, shown, tg, tg_app
from tests.auxil.fake_discord import FakeDiscord
from tests.auxil.fake_telegram import FakeTelegram

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tiktok_studio"
# The test clock says 2026-11-02, so the files' last day "November 27" is 2025-11-27.
LAST = date(2025, 11, 27)


def views_sum() -> float:
    text = (FIXTURES / "Overview.csv").read_text(encoding="utf-8-sig").splitlines()
    return sum(float(line.split('","')[1]) for line in text[-30:])


async def test_telegram_document_zip(tg: Chat, tg_app: App, fake: FakeTelegram) -> None:
    data = (FIXTURES / "tiktok_studio_export.zip").read_bytes()
    doc = fake.document(data, name="tiktok_studio_export.zip", mime="application/zip")
    preview = shown(await tg.say("/import", document=doc))
    assert "Overview: 365 days (2024-11-28 to 2025-11-27)" in preview, preview
    assert "counted back from today, 2026-11-02" in preview
    doc = fake.document(data, name="tiktok_studio_export.zip", mime="application/zip")
    done = shown(await tg.say("/import confirm", document=doc))
    assert "Imported from TikTok Studio" in done, done
    user = await tg_app.store.find_user("telegram", str(MAYA["id"]))
    assert user is not None
    latest = await tg_app.store.latest_snapshot(user.id)
    assert latest is not None and latest.taken_at.date() == LAST
    assert latest.views == views_sum() and latest.followers == 36441
    assert len(await tg_app.store.videos(user.id)) == 18
    videos = shown(await tg.say("/videos"))
    assert "Your top videos by views" in videos and "breakout" in videos


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


@pytest.fixture
def discord_settings(settings: Settings, discord_fake: FakeDiscord) -> Settings:
    return settings.model_copy(update={"discord_token": SecretStr("fake-token"),
                                       "discord_api_url": discord_fake.api_url})


@pytest.fixture
async def discord_app(discord_settings: Settings, clock: object) -> AsyncIterator[App]:
    from bot.app import running

    async with running(discord_settings, clock=clock) as app:  # type: ignore[arg-type]
        yield app


@pytest.fixture
async def bot(discord_app: App, discord_fake: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    adapter = DiscordAdapter(discord_app, guild_ready_timeout=0.05)
    await adapter.start()
    yield adapter
    await adapter.stop()


async def test_discord_file_option_xlsx(bot: DiscordAdapter, discord_fake: FakeDiscord,
                                        discord_app: App) -> None:
    data = (FIXTURES / "Overview.xlsx").read_bytes()
    [preview] = await discord_fake.answers(await discord_fake.interact(discord_fake.slash(
        "import", {"downloaded": "2026-01-05"}, file=("Overview.xlsx", data))))
    text = preview.text.replace("\\", "")
    assert "Overview: 30 days (2025-10-29 to 2025-11-27)" in text, text
    assert "confirm:True" in text and preview.ephemeral
    [done] = await discord_fake.answers(await discord_fake.interact(discord_fake.slash(
        "import", {"downloaded": "2026-01-05", "confirm": True}, file=("Overview.xlsx", data))))
    assert "Imported from TikTok Studio" in done.text
    user = await discord_app.store.find_user("discord", "500000000000000001")
    assert user is not None
    [snap] = await discord_app.store.history(user.id)
    assert snap.taken_at.date() == LAST and snap.views == views_sum()
    [bad] = await discord_fake.answers(await discord_fake.interact(discord_fake.slash(
        "import", {}, file=("notes.csv", b"name,age\nbob,3\n"))))
    assert "neither a TikTok Studio download" in bad.text
    assert LAST + timedelta(days=1) < date(2026, 1, 5)


async def test_telegram_a_file_telegram_wont_hand_over_gets_one_sentence(
        tg: Chat, tg_app: App, fake: FakeTelegram) -> None:
    """getFile refused (Telegram's 20 MB limit for bots) or the download cut off: one sentence
    asking to send it again, nothing imported (there was no reply at all: found by a hostile
    trial)."""
    data = (FIXTURES / "tiktok_studio_export.zip").read_bytes()
    for method, code in (("getFile", 400), ("getFile", 502)):
        fake.fail(method, code=code, description="Bad Request: file is too big")
        doc = fake.document(data, name="tiktok_studio_export.zip", mime="application/zip")
        assert shown(await tg.say("/import confirm", document=doc)) == (
            "I couldn't fetch that file from Telegram. Please send it again.")
    user = await tg_app.store.find_user("telegram", str(MAYA["id"]))
    assert user is None or await tg_app.store.latest_snapshot(user.id) is None
