"""``creator-advisor db copy sqlite:///… postgresql://…`` (issue 21): every table, ids and
sequences, counts verified, a non-empty target refused."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import sqlite3
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.ports import StoreError
from bot.domain.payouts import Payout
from bot.domain.studio import StudioImport, Video
from bot.store import PostgresStore, open_store
from bot.store.copy import copy_database
from bot.store.postgres import TABLES
from bot.store.sqlite import _migrations
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


def _folder(path: Path) -> dict[str, str]:
    """Every file in ``path``'s folder and its SHA-1: what db copy must leave as it found."""
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(path.parent.iterdir()) if p.is_file()}


def _old_schema(path: Path) -> int:
    """A SQLite file on the schema before the newest migration, with one user; its version."""
    known = _migrations()
    db = sqlite3.connect(path)
    try:
        for version, _, sql in known[:-1]:
            db.executescript(sql)
            db.execute(f"PRAGMA user_version = {version}")
        db.execute("INSERT INTO users (platform, platform_user_id, display_name, created_at) "
                   "VALUES ('telegram', '1', 'Old', '2026-01-01T00:00:00+00:00')")
        db.commit()
    finally:
        db.close()
    return known[-2][0]


def _other_app(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE foo (x)")
    db.execute("INSERT INTO foo VALUES (1)")
    db.commit()
    db.close()


def _newer(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    db.execute("PRAGMA user_version = 9999")
    db.commit()
    db.close()


@pytest.mark.parametrize(("make", "refusal"), [
    (_other_app, "holds no Creator Advisor data"),
    (_newer, "written by a newer Creator Advisor"),
    (lambda path: path.write_bytes(b""), "holds no Creator Advisor data"),
    (lambda path: path.write_bytes(b"not a database at all, " * 100),
     "is not a SQLite database"),
])
async def test_db_copy_refuses_a_file_without_our_schema_and_leaves_it_alone(
        tmp_path: Path, pg_url: str, make: Any, refusal: str) -> None:
    path = tmp_path / "other.db"
    make(path)
    before = _folder(path)
    with pytest.raises(StoreError, match=refusal) as caught:
        await copy_database(f"sqlite:///{path}", pg_url)
    assert "\n" not in str(caught.value)
    assert _folder(path) == before  # same bytes, and no .lock, -wal or -shm beside it


async def test_db_copy_reads_an_older_schema_without_migrating_the_file(
        tmp_path: Path, pg_url: str) -> None:
    path = tmp_path / "old.db"
    version = _old_schema(path)
    before = _folder(path)
    report = await copy_database(f"sqlite:///{path}", pg_url)
    assert report.counts["users"] == 1
    assert await query(pg_url, "SELECT display_name FROM users") == [("Old",)]
    assert _folder(path) == before  # an older bot still opens it: not migrated in place
    assert await query(f"sqlite:///{path}", "PRAGMA user_version") == [(version,)]


async def test_db_copy_leaves_a_current_source_byte_for_byte(
        tmp_path: Path, pg_url: str) -> None:
    path = tmp_path / "bot.db"
    await _fill(f"sqlite:///{path}")
    before = _folder(path)  # the bot's own .lock is there; no -wal after a clean stop
    await copy_database(f"sqlite:///{path}", pg_url)
    assert _folder(path) == before


async def test_db_copy_refuses_a_source_a_bot_is_running_on(
        tmp_path: Path, pg_url: str) -> None:
    source = f"sqlite:///{tmp_path / 'bot.db'}"
    await _fill(source)
    bot = await open_store(source)
    try:
        with pytest.raises(StoreError, match="is using the source"):
            await copy_database(source, pg_url)
    finally:
        await bot.close()


async def test_db_copy_names_a_table_missing_from_the_target(
        tmp_path: Path, pg_url: str) -> None:
    source = f"sqlite:///{tmp_path / 'bot.db'}"
    await _fill(source)
    await (await open_store(pg_url)).close()  # the target's schema, then a table dropped
    await query(pg_url, "DROP TABLE seen_updates")
    with pytest.raises(StoreError, match="lacks the table seen_updates"):
        await copy_database(source, pg_url)
    assert await query(pg_url, "SELECT count(*) FROM users") == [(0,)]


async def test_db_copy_turns_a_postgres_refusal_into_one_sentence(
        tmp_path: Path, pg_url: str) -> None:
    """Any statement PostgreSQL refuses during the copy (here a column made NOT NULL that the
    source leaves empty) is one sentence, and the transaction leaves the target empty."""
    source = f"sqlite:///{tmp_path / 'bot.db'}"
    await _fill(source)
    await (await open_store(pg_url)).close()
    await query(pg_url, "ALTER TABLE users ADD COLUMN extra text NOT NULL")
    with pytest.raises(StoreError, match="refused the copy") as caught:
        await copy_database(source, pg_url)
    assert "nothing was changed" in str(caught.value)
    assert await query(pg_url, "SELECT count(*) FROM users") == [(0,)]


async def _cli(*args: str, cwd: Path, **env: str) -> tuple[int, str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env={**clean, **env}, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


MALFORMED = ["postgresql://postgres:pw@127.0.0.1:abc/db", "postgresql://postgres:pw@[::1/db",
             "postgresql://postgres:pw@127.0.0.1:99999/db",
             "postgresql:/postgres:pw@127.0.0.1/db"]


@pytest.mark.parametrize("url", MALFORMED)
async def test_a_malformed_postgres_url_is_one_sentence_without_its_password(url: str) -> None:
    with pytest.raises(StoreError, match=r"^DATABASE_URL .* is not a valid PostgreSQL URL: ") \
            as caught:
        await open_store(url)
    assert "pw" not in str(caught.value) and "***" in str(caught.value)


@pytest.mark.parametrize("command", [("ask", "hello"), ("post-due",), ("run",)])
async def test_a_malformed_database_url_on_the_command_line(
        tmp_path: Path, command: tuple[str, ...]) -> None:
    for url in MALFORMED[:2]:
        code, _, err = await _cli(*command, cwd=tmp_path, DATABASE_URL=url,
                                  TELEGRAM_BOT_TOKEN="", DISCORD_TOKEN="")
        assert code == 1, err
        assert "DATABASE_URL" in err and "is not a valid PostgreSQL URL" in err, err
        assert "Traceback" not in err and "pw" not in err


async def test_db_copy_names_the_argument_that_is_wrong(tmp_path: Path, pg_url: str) -> None:
    source = f"sqlite:///{tmp_path / 'bot.db'}"
    await _fill(source)
    code, _, err = await _cli("db", "copy", source, MALFORMED[1], cwd=tmp_path)
    assert code == 1 and "Traceback" not in err and "pw" not in err
    assert "the target postgresql://postgres:***@[::1/db is not a valid PostgreSQL URL" in err
    assert "DATABASE_URL" not in err
    code, _, err = await _cli("db", "copy", "sqlte:///x.db", pg_url, cwd=tmp_path)
    assert code == 1 and "the source 'sqlte:///x.db': scheme 'sqlte' is not supported" in err
    assert "DATABASE_URL" not in err
    await _fill(f"sqlite:///{tmp_path / 'running.db'}")
    bot = await open_store(f"sqlite:///{tmp_path / 'running.db'}")
    try:
        code, _, err = await _cli("db", "copy", f"sqlite:///{tmp_path / 'running.db'}",
                                  pg_url, cwd=tmp_path)
    finally:
        await bot.close()
    assert code == 1 and "is using the source" in err and "DATABASE_URL" not in err
    code, _, err = await _cli("db", "copy", source, f"{pg_url}&password=hunter2",
                              cwd=tmp_path)  # a wrong password, given as a query parameter
    assert "hunter2" not in err + _


async def test_upper_case_scheme_and_a_missing_schema(pg_url: str) -> None:
    store = await open_store("POSTGRESQL" + pg_url[len("postgresql"):])
    await store.close()
    missing = pg_url.rsplit("search_path=", 1)[0] + "search_path=nosuchschema"
    with pytest.raises(StoreError, match="no schema named in the search_path of DATABASE_URL "
                                         r"\(nosuchschema\) exists"):
        await open_store(missing)


async def test_db_copy_reads_what_a_killed_bot_left_in_the_wal(
        tmp_path: Path, pg_url: str) -> None:
    """A bot killed mid-run leaves rows in ``-wal`` only: they are copied, and the database
    file itself is not written (no checkpoint into it)."""
    running = tmp_path / "running" / "bot.db"
    await _fill(f"sqlite:///{running}")
    bot = await open_store(f"sqlite:///{running}")
    try:
        await bot.ensure_user("telegram", "late", "Late")
        killed = tmp_path / "killed"
        killed.mkdir()
        for suffix in ("", "-wal", "-shm"):  # the files as a kill -9 would leave them
            shutil.copyfile(f"{running}{suffix}", killed / f"bot.db{suffix}")
    finally:
        await bot.close()
    path = killed / "bot.db"
    assert b"Late" not in path.read_bytes()  # only in the WAL
    assert b"Late" in (killed / "bot.db-wal").read_bytes()
    main_file = hashlib.sha1(path.read_bytes()).hexdigest()
    report = await copy_database(f"sqlite:///{path}", pg_url)
    assert report.counts["users"] == 3
    assert ("Late",) in await query(pg_url, "SELECT display_name FROM users")
    assert hashlib.sha1(path.read_bytes()).hexdigest() == main_file
    assert sorted(p.name for p in killed.iterdir()) == ["bot.db", "bot.db-shm", "bot.db-wal"]
