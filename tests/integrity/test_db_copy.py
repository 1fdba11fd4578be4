"""``creator-advisor db copy sqlite:///… postgresql://…`` (issue 21): every table, ids and
sequences, counts verified, a non-empty target refused."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.ports import StoreError
from bot.domain.payouts import Payout
from bot.domain.studio import StudioImport, Video
from bot.store import PostgresStore, open_store
from bot.store.copy import copy_database
from bot.store.postgres import TABLES
from tests.store.rawdb import columns, query

T0 = datetime(2026, 3, 2, 12, tzinfo=UTC)


async def _fill(url: str) -> None:
    """A SQLite bot with a row in every table, and a forgotten (highest-id) user."""
    store = await open_store(url)
    try:
        ana = await store.ensure_user("telegram", "1", "Ana")
        bo = await store.ensure_user("discord", "2", "Bo")
        gone = await store.ensure_user("telegram", "3", "Gone")
        for n in range(5):
            await store.add_snapshot(ana.id, {"followers": 100.0 * n}, T0 + timedelta(days=n))
        await store.import_snapshots(bo.id, [(T0, {"views": 5000.0})])
        await store.update_settings(ana.id, {"currency": "EUR", "adult": True, "age": 19,
                                            "language": "de"})
        await store.set_goal(ana.id, "followers", 10_000, date(2026, 12, 31), T0)
        studio = StudioImport(downloaded=date(2026, 3, 1), downloaded_given=True)
        studio.videos = [Video("7300000000000000001", "t", "https://www.tiktok.com/@c/video/73",
                               date(2026, 2, 1), date(2026, 3, 1), 900.0, 10, 1, 1)]
        studio.territories = [("US", 0.5)]
        studio.activity = [(date(2026, 3, 1), 20, 40.0)]
        await store.import_studio(ana.id, [(T0, {"followers": 450.0})], studio)
        await store.add_payout(ana.id, Payout(route="creator_rewards", amount=12.5,
                                              currency="USD", recorded_at=T0, month="2026-02"))
        sub = await store.save_subscription(
            platform="telegram", chat_id="1", chat_kind="private", kind="personal",
            user_id=ana.id, created_by=ana.id, weekday=0, local_time="10:00", timezone="UTC",
            topics=("growth",), next_run_at=T0, language="pt_BR")
        claim = await store.claim_delivery(sub.id, "2026-W10", "rule-a", T0)
        assert claim is not None
        await store.finish_delivery(claim, "sent", T0)
        from bot.core.connections import PendingAuth, StoredConnection

        await store.save_connection(StoredConnection(  # tokens are ciphertext (bytes)
            user_id=ana.id, open_id="o", display_name="Ana", scope="s",
            access_token=b"\x00a", access_expires_at=T0, refresh_token=b"r\xff",
            refresh_expires_at=None, status="active", notified=False, chat_platform=None,
            chat_id=None, connected_at=T0, last_sync_at=None, likes_total=None,
            video_count=None))
        await store.save_auth_state(PendingAuth("st", ana.id, b"v\x00", None, None, T0))
        await store.pin_prices(ana.id, {"video": 450.0}, "EUR", T0)  # the rate card
        await store.await_message("telegram", "1", "1", "log",  # a guided step waiting
                                  T0 + timedelta(days=3650), T0)
        await store.keep_button("telegram", "k" * 20, "1", "s1:/estimate explain",  # too long
                                T0 + timedelta(days=3650), T0)
        assert await store.first_sight("telegram", "77", T0)  # an update received
        await store.forget_user(gone.id)
    finally:
        await store.close()


async def test_db_copy_moves_every_table_and_keeps_ids_unused(
        tmp_path: Path, pg_url: str) -> None:
    source = f"sqlite:///{tmp_path / 'bot.db'}"
    await _fill(source)
    report = await copy_database(source, pg_url)
    assert list(report.counts) == list(TABLES)
    for table in TABLES:  # every table of the schema had rows, and all of them came
        assert (await query(source, f"SELECT count(*) FROM {table}"))[0][0] >= 1 or \
            table in ("studio_daily", "video_totals"), table
        count = f"SELECT count(*) FROM {table}"
        assert report.counts[table] == (await query(pg_url, count))[0][0]
        assert report.counts[table] == (await query(source, count))[0][0]
    assert set(await columns(source)) <= set(TABLES)
    store = await open_store(pg_url)
    try:
        assert isinstance(store, PostgresStore)
        ana = await store.find_user("telegram", "1")
        assert ana is not None
        pg_history = await store.history(ana.id)
        assert 450.0 in [s.followers for s in pg_history]
        settings = await store.get_settings(ana.id)
        assert (settings.currency, settings.adult, settings.age) == ("EUR", True, 19)
        assert settings.language == "de"  # issue 20: a creator's language is copied
        assert [v.views for v in await store.videos(ana.id)] == [900.0]
        assert (await store.payouts(ana.id))[0].amount == 12.5
        connection = await store.connection(ana.id)
        assert connection is not None and connection.refresh_token == b"r\xff"
        (sub,) = await store.subscriptions_for_chat("telegram", "1")
        assert sub.language == "pt_BR"  # and a weekly post's
        assert await store.claim_delivery(sub.id, "2026-W10", None, T0) is None  # posted
        newcomer = await store.ensure_user("telegram", "4", "New")
        assert newcomer.id == 4  # 3 belonged to a forgotten user: never handed out again
        exported_pg = await store.export_user(ana.id)
    finally:
        await store.close()
    lite = await open_store(source)
    try:
        lite_ana = await lite.find_user("telegram", "1")
        assert lite_ana is not None
        assert await lite.export_user(lite_ana.id) == exported_pg
        assert await lite.history(lite_ana.id) == pg_history
    finally:
        await lite.close()


async def test_db_copy_refuses_a_non_empty_target_and_changes_nothing(
        tmp_path: Path, pg_url: str) -> None:
    source = f"sqlite:///{tmp_path / 'bot.db'}"
    await _fill(source)
    target = await open_store(pg_url)
    await target.ensure_user("console", "already", "here")
    await target.close()
    with pytest.raises(StoreError, match="already holds data"):
        await copy_database(source, pg_url)
    assert await query(pg_url, "SELECT count(*) FROM users") == [(1,)]
    with pytest.raises(StoreError, match="not PostgreSQL"):
        await copy_database(source, f"sqlite:///{tmp_path / 'other.db'}")
    typo = tmp_path / "typo.db"
    with pytest.raises(StoreError, match="there is no SQLite database at"):
        await copy_database(f"sqlite:///{typo}", pg_url)
    assert not typo.exists()  # not created (an empty copy would look like success)


async def test_db_copy_from_the_command_line(tmp_path: Path, pg_url: str) -> None:
    source = f"sqlite:///{tmp_path / 'bot.db'}"
    await _fill(source)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "db", "copy", source, pg_url, env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    assert "every table's count matches the source" in out.decode()
    again = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "db", "copy", source, pg_url, env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(again.communicate(), 60)
    assert again.returncode == 1
    assert "already holds data" in err.decode() and "Traceback" not in err.decode()
