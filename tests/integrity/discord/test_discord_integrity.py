"""Issue 14 through discord.py: a hostile upload is one short answer (it was 861 messages),
and /forget racing a command under a server nickname never crosses accounts."""

from __future__ import annotations

import asyncio

from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import App
from bot.commands.privacy import forget_key
from tests.auxil.fake_discord import FakeDiscord

USER = "500000000000000001"  # the fake's default member


async def test_a_1_7_mb_upload_of_bad_cells_is_one_short_answer(
        bot: DiscordAdapter, fake: FakeDiscord) -> None:
    lines = [f"2026-01-{day:02},{day}{'x' * 99_999}\n" for day in range(1, 18)]
    data = ("date,followers\n" + "".join(lines)).encode()
    answers = await fake.answers(await fake.interact(
        fake.slash("import", {}, file=("big.csv", data))))
    assert 1 <= len(answers) <= 3
    text = "\n".join(a.text for a in answers)
    assert "too long for a value" in text and "went wrong" not in text
    assert len(text) < 4_000


async def test_forget_racing_stats_never_crosses_accounts(
        bot: DiscordAdapter, fake: FakeDiscord, app: App) -> None:
    await fake.answers(await fake.interact(fake.slash("log", {"followers": "5k"})))
    await fake.answers(await fake.interact(fake.slash("settings", {"currency": "EUR"})))
    before = await app.store.find_user("discord", USER)
    assert before is not None
    forget, stats = await asyncio.gather(
        fake.interact(fake.slash("forget", {"confirm": True, "key": forget_key(before)})),
        fake.interact(fake.slash("stats", {})))
    for token in (forget, stats):
        for answer in await fake.answers(token):
            assert "went wrong" not in answer.text and "storage" not in answer.text
    newcomer = await app.store.ensure_user("discord", "600000000000000002", "New")
    assert newcomer.id != before.id
    assert (await app.store.get_settings(newcomer.id)).currency == "USD"
    [logged] = await fake.answers(await fake.interact(fake.slash("log", {"followers": "6k"})))
    assert "6k" in logged.text and "went wrong" not in logged.text
    after = await app.store.find_user("discord", USER)
    assert after is not None and after.id not in (before.id, newcomer.id)
    assert await app.store.history(newcomer.id) == []
