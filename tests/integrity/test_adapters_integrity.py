"""Issue 14 through the real adapters: racing /forget, hostile uploads (python-telegram-bot
against the local fake Bot API; the core through the dispatcher with platform requests)."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from bot.app import App
from bot.core.types import ChatKind, Platform, Request
from bot.store import parse_database_url
from tests.adapters.test_telegram import MAYA, Chat, sends, shown
from tests.auxil.fake_telegram import FakeTelegram, group, private_chat, user
from tests.auxil.requests import forget_args

SERVER = group(-100777)


def rows_of(app: App, user_id: int) -> dict[str, int]:
    """Rows that name ``user_id`` in any table (by its user_id or created_by column)."""
    db = sqlite3.connect(parse_database_url(app.settings.database_url))
    try:
        out: dict[str, int] = {}
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            cols = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
            key = "id" if table == "users" else None
            for col in ({"user_id", "created_by"} & cols) | ({key} if key else set()):
                n = db.execute(f"SELECT count(*) FROM {table} WHERE {col} = ?",
                               (user_id,)).fetchone()[0]
                if n:
                    out[f"{table}.{col}"] = n
        return out
    finally:
        db.close()


async def test_a_1_7_mb_upload_of_bad_cells_is_one_short_answer(
        tg: Chat, fake: FakeTelegram) -> None:
    """It became 441 Telegram messages (4 MB of text): every cell echoed whole."""
    lines = [f"2026-01-{day:02},{day}{'x' * 99_999}\n" for day in range(1, 18)]
    data = ("date,followers\n" + "".join(lines)).encode()
    calls = sends(await tg.say("/import", document=fake.document(data)))
    assert 1 <= len(calls) <= 3
    text = shown(calls)
    assert "something went wrong" not in text and "too long for a value" in text
    assert sum(len(c.text) for c in calls) < 3_000


async def test_forget_racing_a_command_under_another_name_never_crosses_accounts(
        tg: Chat, tg_app: App, fake: FakeTelegram) -> None:
    """/stats under a server nickname while /forget confirm runs in the DM, then a new user:
    the first user's next /log lands in a fresh account of their own, never the newcomer's."""
    await tg.say("/log followers=5k")
    await tg.say("/settings currency=EUR")
    maya = await tg_app.store.find_user("telegram", str(MAYA["id"]))
    assert maya is not None
    nickname = {**MAYA, "first_name": "Maya (server)"}
    confirm = f"/forget {await forget_args(tg_app.store, 'telegram', str(MAYA['id']))}"
    first = fake.message(confirm, chat=private_chat(MAYA), sender=MAYA)
    second = fake.message("/stats", chat=SERVER, sender=nickname)
    await tg.settle(first)
    await tg.settle(second)
    assert rows_of(tg_app, maya.id) == {}
    newcomer = user(1003, "Nia")
    await tg.say("/settings", sender=newcomer)
    nia = await tg_app.store.find_user("telegram", "1003")
    assert nia is not None and nia.id != maya.id
    done = sends(await tg.say("/log followers=6k"))
    assert "Followers: 6k" in shown(done) and "went wrong" not in shown(done)
    again = await tg_app.store.find_user("telegram", str(MAYA["id"]))
    assert again is not None and again.id not in (maya.id, nia.id)
    assert await tg_app.store.history(nia.id) == []
    assert (await tg_app.store.get_settings(nia.id)).currency == "USD"


def _request(command: str, raw: str, *, name: str, chat: str) -> Request:
    return Request(platform=Platform.DISCORD, user_id="42", display_name=name, chat_id=chat,
                   chat_kind=ChatKind.PRIVATE if chat == "dm" else ChatKind.GROUP,
                   command=command, raw_args=raw, is_admin=False)


async def test_commands_racing_forget_run_before_it_or_as_a_fresh_user(app: App) -> None:
    """Many interleavings at once, through the dispatcher: every reply is a real answer (no
    FOREIGN KEY lock-out), and whatever ran after /forget belongs to a fresh account."""
    handle = app.dispatcher.handle
    for round_ in range(5):
        await handle(_request("log", f"followers={round_ + 1}k", name="Ana", chat="dm"))
        await handle(_request("settings", "currency=EUR", name="Ana", chat="dm"))
        before = await app.store.find_user("discord", "42")
        assert before is not None
        racing: list[Any] = [
            handle(_request("stats", "", name=f"Ana #{round_}", chat="server")),
            handle(_request("forget", await forget_args(app.store, "discord", "42"),
                            name="Ana", chat="dm")),
            handle(_request("log", "views=3k", name=f"Ana #{round_}", chat="server")),
            handle(_request("settings", "", name="Ana (srv)", chat="server")),
        ]
        replies = await asyncio.gather(*racing)
        for reply in replies:
            assert not any(r.template in ("errors/internal", "errors/storage") for r in reply)
        assert rows_of(app, before.id) == {}
        after = await app.store.find_user("discord", "42")
        newcomer = await app.store.ensure_user("discord", f"new{round_}", "New")
        assert newcomer.id != before.id
        assert await app.store.history(newcomer.id) == []
        assert (await app.store.get_settings(newcomer.id)).currency == "USD"
        if after is not None:  # the /log after /forget made a fresh account: its own data
            assert after.id != before.id
            assert (await app.store.get_settings(after.id)).currency == "USD"
