"""/forget's one list of what is stored about a creator (``bot.core.userdata``), on SQLite and
PostgreSQL: every per-user table of the schema is in it, the preview's counts are what
``forget_user`` deletes, and nothing about the user is left afterwards."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.adapters.console import ConsoleAdapter
from bot.app import running
from bot.config import Settings
from bot.core.connections import DayTotals, PendingAuth, StoredConnection, SyncWrite
from bot.core.ports import UNDO_RECEIPT_PREFIX, Store, User
from bot.core.types import Platform
from bot.core.userdata import NOT_PERSONAL, SHAPED_EXPORT, USER_TABLES
from bot.domain.payouts import Payout
from bot.domain.studio import StudioImport, Video
from bot.store import open_store
from tests.auxil.clock import FakeClock
from tests.store.rawdb import columns, query

T0 = datetime(2026, 3, 2, 12, tzinfo=UTC)


async def test_every_table_is_listed_or_holds_nothing_about_a_person(store_url: str) -> None:
    """Whatever a table calls a person's id (``user_id``, ``sender_id``, ``owner``: the long
    buttons of migration 0234 escaped a check that looked for the first two), it is in
    USER_TABLES or, with why, in NOT_PERSONAL."""
    store = await open_store(store_url)
    await store.close()
    schema = await columns(store_url)
    listed = {t.table for t in USER_TABLES}
    assert set(schema) - listed - set(NOT_PERSONAL) == set(), \
        "add these tables to bot/core/userdata.py USER_TABLES (or NOT_PERSONAL, saying why)"
    assert listed | set(NOT_PERSONAL) <= set(schema)
    assert listed.isdisjoint(NOT_PERSONAL)
    for table in NOT_PERSONAL:  # no column of these names a person
        assert {"user_id", "sender_id", "owner", "created_by"}.isdisjoint(schema[table]), table
    assert len({t.export for t in USER_TABLES}) == len(USER_TABLES)  # one section each


async def _fill(store: Store, who: User) -> None:
    """A row about ``who`` in every table of USER_TABLES (and one in seen_updates)."""
    sender = who.platform_user_id
    await store.add_snapshot(who.id, {"followers": 100.0}, T0 - timedelta(days=3))
    await store.import_snapshots(who.id, [(T0 - timedelta(days=9), {"views": 50.0})])
    # the same date again: the first row is replaced, kept for /undo
    await store.import_snapshots(who.id, [(T0 - timedelta(days=9), {"views": 60.0})])
    await store.update_settings(who.id, {"currency": "EUR"})
    await store.set_goal(who.id, "followers", 10_000, date(2026, 12, 31), T0)
    studio = StudioImport(downloaded=date(2026, 3, 1), downloaded_given=True)
    studio.videos = [Video("7300000000000000001", "t", "https://www.tiktok.com/@c/v/7",
                           date(2026, 2, 1), date(2026, 3, 1), 900.0, 10, 1, 1)]
    studio.territories = [("US", 0.5)]
    studio.activity = [(date(2026, 3, 1), 20, 40.0)]
    studio.daily = {"profile_views": {date(2026, 3, 1): 12.0}}
    await store.import_studio(who.id, [(T0 - timedelta(days=1), {"followers": 90.0})], studio)
    await store.add_payout(who.id, Payout(route="creator_rewards", amount=12.5,
                                          currency="USD", recorded_at=T0))
    sub = await store.save_subscription(
        platform=who.platform, chat_id=f"p{who.id}", chat_kind="private",
        kind="personal", user_id=who.id, created_by=who.id, weekday=0,
        local_time="10:00", timezone="UTC", topics=(), next_run_at=T0)
    claim = await store.claim_delivery(sub.id, "2026-W10", "rule-a", T0)
    assert claim is not None
    await store.finish_delivery(claim, "sent", T0)
    connection = StoredConnection(
        user_id=who.id, open_id=f"o{who.id}", display_name="x", scope="s",
        access_token=b"access-secret", access_expires_at=T0, refresh_token=b"refresh-secret",
        refresh_expires_at=None, status="active", notified=False, chat_platform=None,
        chat_id=None, connected_at=T0, last_sync_at=None, likes_total=None,
        video_count=None)
    await store.save_sync(SyncWrite(
        user_id=who.id, taken_at=T0, day_start=T0.replace(hour=0),
        changes={"views": 900.0}, videos=[],
        totals=DayTotals("2026-03-02", 900.0, 10.0, 1.0, 1.0), display_name="x",
        likes_total=10.0, video_count=1.0, connection=connection))
    await store.save_auth_state(PendingAuth(f"state-secret-{who.id}", who.id, b"verifier",
                                            None, None, T0 + timedelta(hours=1)))
    await store.pin_prices(who.id, {"video": 450.0}, "EUR", T0)
    await store.await_message(who.platform, f"p{who.id}", sender, "log",
                              T0 + timedelta(minutes=5), T0)
    await store.keep_button(who.platform, f"key{who.id}", sender,  # a long Telegram button
                            f"e{sender}:/estimate followers={who.id}k explain",
                            T0 + timedelta(days=7), T0)
    await store.keep_button(who.platform, f"{UNDO_RECEIPT_PREFIX}{who.id}:k{who.id}",
                            sender, "/undo confirm key=k", T0 + timedelta(days=30), T0)
    assert await store.first_sight(who.platform, f"{1000 + who.id}", T0)


async def test_the_preview_counts_are_what_forget_deletes(store_url: str) -> None:
    store = await open_store(store_url)
    try:
        ana = await store.ensure_user("telegram", "1", "Ana")
        bo = await store.ensure_user("telegram", "2", "Bo")
        for who in (ana, bo):
            await _fill(store, who)
        counts = await store.user_rows(ana.id)
        assert list(counts) == [t.name for t in USER_TABLES]
        empty = [table for table, n in counts.items() if n == 0]
        assert empty == [], f"the test stores nothing in {empty}"
        tables = {t.table for t in USER_TABLES}
        before = {t: (await query(store_url, f"SELECT count(*) FROM {t}"))[0][0]
                  for t in tables}
        assert await store.forget_user(ana.id) == sum(counts.values())
        assert set((await store.user_rows(ana.id)).values()) == {0}
        for table in tables:  # Bo's rows are all still there
            n = sum(counts[t.name] for t in USER_TABLES if t.table == table)
            left = (await query(store_url, f"SELECT count(*) FROM {table}"))[0][0]
            assert left == before[table] - n, table
        assert all(n > 0 for n in (await store.user_rows(bo.id)).values())
    finally:
        await store.close()


async def test_the_forget_preview_names_every_table_it_deletes_from(
        store_url: str, tmp_path: Path) -> None:
    """/forget's confirm step says what it will delete, table by table: a row in any table of
    USER_TABLES shows up (the long buttons /forget deleted were missing from it)."""
    settings = Settings(_env_file=None, database_url=store_url,  # type: ignore[call-arg]
                        data_dir=tmp_path / "data", telegram_bot_token=None,
                        discord_token=None, rate_limit_burst=0)
    async with running(settings, clock=FakeClock()) as app:
        console = ConsoleAdapter(app, user="alice")
        assert (await console.ask("/forget cancel")).ok  # alice's users row
        alice = await app.store.find_user(Platform.CONSOLE.value, "alice")
        assert alice is not None
        await _fill(app.store, alice)
        counts = await app.store.user_rows(alice.id)
        preview = await console.ask("/forget")
        assert preview.ok, preview.text
        for table in USER_TABLES:
            assert counts[table.name] > 0, table.name
            assert f"• {table.says(counts[table.name])}" in preview.text, \
                (table.name, preview.text)
        assert "1 button sent to you (the command it runs)" in preview.text
        assert (await console.ask(preview.replies[0].actions[0].command)).ok
        assert set((await app.store.user_rows(alice.id)).values()) == {0}


async def test_the_export_carries_every_table_of_the_list(store_url: str) -> None:
    """/export reads the same list as /forget: every table of USER_TABLES has its section,
    with this person's rows only and never a secret (tokens, the consent's state and
    verifier)."""
    store = await open_store(store_url)
    try:
        ana = await store.ensure_user("telegram", "1", "Ana")
        bo = await store.ensure_user("telegram", "2", "Bo")
        for who in (ana, bo):
            await _fill(store, who)
        exported = await store.export_user(ana.id)
        counts = await store.user_rows(ana.id)
        for table in USER_TABLES:
            section: Any = exported
            for key in table.export.split("."):
                section = section[key]
            assert section, (table.table, table.export)
            if isinstance(section, list) and table.export not in SHAPED_EXPORT:
                assert len(section) == counts[table.name], table.name
        assert exported["buttons"] == [{"platform": "telegram",
                                        "data": "e1:/estimate followers=1k explain",
                                        "expires_at": "2026-03-09T12:00:00+00:00"}]
        assert [r["destination"] for r in exported["weekly_posts"]] == [
            f"telegram:p{ana.id}:personal:{ana.id}"]
        assert exported["waiting_commands"][0]["command"] == "log"
        text = json.dumps(exported)
        for secret in ("access-secret", "refresh-secret", "state-secret", "verifier",
                       "followers=2k", '"owner"', '"user_id"'):
            assert secret not in text, secret
    finally:
        await store.close()
