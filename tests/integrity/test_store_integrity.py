"""Integrity of the store under races, upgrades and a second process (issue 14)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest

from bot.core.ports import StoreError
from bot.store import open_store, parse_database_url
from bot.store.sqlite import _explain, _statements

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
AT = "2026-01-01T00:00:00+00:00"


def _version_1(path: Path) -> None:
    """A database as schema version 1 wrote it, with data in every table."""
    sql = resources.files("bot.store").joinpath("migrations/0001_init.sql").read_text()
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")
    for statement in _statements(sql):
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO users VALUES (1, 'telegram', '11', 'Ana', ?),"
               " (2, 'discord', '22', 'Bo', ?), (3, 'telegram', '33', 'Cy', ?)", (AT,) * 3)
    db.execute("DELETE FROM users WHERE id = 3")  # the highest id was deleted before upgrading
    given = "followers"
    for user in (1, 2):
        for day in range(1, 4):
            db.execute("INSERT INTO snapshots (user_id, taken_at, followers, given) VALUES"
                       " (?, ?, ?, ?)", (user, f"2026-01-0{day}T12:00:00+00:00", 100 * day, given))
    db.execute("INSERT INTO user_settings VALUES (1, 'EUR', 'Europe/Berlin', 'DE', 1, ?)",
               (AT,))
    db.execute("INSERT INTO subscriptions (id, platform, chat_id, chat_kind, kind, user_id,"
               " created_by, weekday, local_time, timezone, created_at) VALUES"
               " (5, 'telegram', '11', 'private', 'personal', 1, 1, 0, '10:00', 'UTC', ?)", (AT,))
    db.execute("INSERT INTO posted_tips (subscription_id, week_key, status, created_at)"
               " VALUES (5, '2026-W01', 'sent', ?), (5, '2026-W02', 'sending', ?)", (AT, AT))
    db.commit()
    db.close()


async def test_version_1_database_upgrades_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    _version_1(path)
    store = await open_store(f"sqlite:///{path}")
    try:
        ana = await store.find_user("telegram", "11")
        bo = await store.find_user("discord", "22")
        assert ana is not None and ana.id == 1 and bo is not None and bo.id == 2
        for user in (ana, bo):
            assert [s.followers for s in await store.history(user.id)] == [100, 200, 300]
        assert (await store.get_settings(1)).currency == "EUR"
        subs = await store.subscriptions_for_chat("telegram", "11")
        assert [s.id for s in subs] == [5]
        new = await store.ensure_user("telegram", "44", "Di")
        # Above every id the old table held (id 3, deleted before the upgrade, can't be known:
        # no running process holds it, the upgrade runs at start under the instance lock).
        assert new.id == 3
        await store.forget_user(new.id)
        assert (await store.ensure_user("telegram", "55", "Ed")).id == 4  # 3 is not reused
    finally:
        await store.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT week_key, status, user_id, destination FROM posted_tips"
                      " ORDER BY id").fetchall() == [
        ("2026-W01", "sent", 1, "telegram:11:personal:1"),
        ("2026-W02", "sending", 1, "telegram:11:personal:1")]
    assert "AUTOINCREMENT" in db.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'users'").fetchone()[0]
    db.close()


async def test_opening_an_up_to_date_database_reads_no_migration(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue #19 (a fast ``ask``): every start checks the schema's version against the
    migrations' file names; only a migration still to run is read (a new database reads them
    all, and the version-1 upgrade above runs them)."""
    from bot.store import sqlite as sqlite_store

    url = f"sqlite:///{tmp_path / 'new.db'}"
    await (await open_store(url)).close()  # created: every migration read and run

    class Unread:
        def __init__(self, name: str) -> None:
            self.name = name

        def read_text(self, encoding: str = "utf-8") -> str:
            raise AssertionError(f"{self.name} was read")

    files = [(v, name, Unread(name)) for v, name, _ in sqlite_store._migration_files()]
    monkeypatch.setattr(sqlite_store, "_migration_files", lambda: files)
    store = await open_store(url)
    await store.close()


async def test_user_ids_are_never_reused(store_url: str) -> None:
    store = await open_store(store_url)
    try:
        first = await store.ensure_user("telegram", "1", "first")
        await store.forget_user(first.id)
        second = await store.ensure_user("telegram", "2", "second")
        assert second.id > first.id
    finally:
        await store.close()


async def test_a_racing_ensure_user_cannot_leave_a_forgotten_id_in_the_cache(
        store_url: str) -> None:
    """The /stats-under-another-name race: ensure_user's upsert is queued on the write lock
    before /forget's delete; before the fix its result was cached after the delete."""
    store = await open_store(store_url)
    try:
        ana = await store.ensure_user("discord", "7", "Ana")
        await store.update_settings(ana.id, {"currency": "EUR"})
        renamed = asyncio.create_task(store.ensure_user("discord", "7", "Ana in a server"))
        forget = asyncio.create_task(store.forget_user(ana.id))
        await asyncio.gather(renamed, forget)
        again = await store.ensure_user("discord", "7", "Ana in a server")
        assert again.id != ana.id
        newcomer = await store.ensure_user("telegram", "8", "New")
        assert newcomer.id not in (ana.id, again.id)
        assert (await store.get_settings(newcomer.id)).currency == "USD"
        assert (await store.get_settings(again.id)).currency == "USD"
        await store.add_snapshot(again.id, {"followers": 5}, T0)  # no FOREIGN KEY lock-out
        assert await store.history(newcomer.id) == []
    finally:
        await store.close()


async def test_a_settings_read_in_flight_does_not_cache_a_forgotten_users_settings(
        tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'settings.db'}")
    try:
        ana = await store.ensure_user("discord", "7", "Ana")
        await store.update_settings(ana.id, {"currency": "EUR"})
        store._settings_cache.clear()  # as after a restart
        read = asyncio.create_task(store.get_settings(ana.id))
        forget = asyncio.create_task(store.forget_user(ana.id))
        await asyncio.gather(read, forget)
        assert ana.id not in store._settings_cache
    finally:
        await store.close()


async def test_a_second_process_on_the_same_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "one.db"
    store = await open_store(f"sqlite:///{path}")
    try:
        script = textwrap.dedent(f"""
            import asyncio
            from bot.store import open_store
            asyncio.run(open_store("sqlite:///{path}"))
        """)
        done = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-c", script], capture_output=True, text=True,
            timeout=60)
        assert done.returncode != 0
        assert "another Creator Advisor process (pid " in done.stderr
        assert f"pid {os.getpid()}," in done.stderr
        # In this process too: a second store on the file is refused while the first is open.
        with pytest.raises(StoreError, match="another Creator Advisor process"):
            await open_store(f"sqlite:///{path}")
    finally:
        await store.close()
    again = await open_store(f"sqlite:///{path}")  # closing released the lock
    await again.close()


def test_in_memory_database_is_refused_with_one_sentence() -> None:
    for url in ("sqlite:///:memory:", ":memory:", "sqlite:///file:x?mode=memory"):
        with pytest.raises(StoreError, match="in-memory database"):
            parse_database_url(url)


def test_start_up_errors_say_what_is_wrong() -> None:
    path = Path("/data/bot.db")
    full = _explain(sqlite3.OperationalError("database or disk is full"), path)
    assert full is not None and "disk holding /data/bot.db is full" in full
    read_only = _explain(sqlite3.OperationalError("attempt to write a readonly database"), path)
    assert read_only is not None and "read-only" in read_only
    assert "read-only" in (_explain(OSError(30, "Read-only file system"), path) or "")
    assert "move it away" not in full + read_only


def test_a_disk_io_error_on_a_full_disk_is_not_called_a_damaged_file(tmp_path: Path) -> None:
    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorname = "SQLITE_IOERR_SHMSIZE"  # type: ignore[attr-defined]
    explained = _explain(error, tmp_path / "bot.db")
    assert explained is not None and "I/O error (SQLITE_IOERR_SHMSIZE)" in explained
    assert "move it away" not in explained


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (root only; skipped elsewhere), unmounted afterwards."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _ask(disk: Path, line: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DISCORD_"))}
    env.update(DATABASE_URL=f"sqlite:///{disk / 'bot.db'}", DATA_DIR=str(disk / "d"))
    return subprocess.run([sys.executable, "-m", "bot", "ask", line], capture_output=True,
                          text=True, env=env, timeout=60, check=False,
                          cwd=Path(__file__).resolve().parents[2])


def test_full_disk_and_read_only_folder_at_start_are_said_as_such(small_disk: Path) -> None:
    assert _ask(small_disk, "/log followers=1k").returncode == 0
    with (small_disk / "fill").open("wb") as fill, contextlib.suppress(OSError):
        fill.write(b"\0" * 4_000_000)
    full = _ask(small_disk, "/stats")
    assert full.returncode == 1 and "Traceback" not in full.stderr
    assert "is full; free some space" in full.stderr and "move it away" not in full.stderr
    (small_disk / "fill").unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    read_only = _ask(small_disk, "/stats")
    assert read_only.returncode == 1 and "read-only" in read_only.stderr
    assert "move it away" not in read_only.stderr


async def test_the_rebuild_keeps_every_row_of_every_table_that_points_at_users(
        tmp_path: Path) -> None:
    """A database as the version before 0014 left it, with a row in each table that names a
    user (whatever migrations added them): the users rebuild runs with foreign keys off, so
    none of them is cascade-deleted."""
    from bot.store.sqlite import _migrations

    path = tmp_path / "before.db"
    _version_1(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")
    for version, _name, sql in _migrations():
        if 1 < version < 14:
            for statement in _statements(sql):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {version}")
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    for table in tables:  # a row of user 1 in each table that has none yet, where it fits
        columns = list(db.execute(f"PRAGMA table_info({table})"))
        if db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] or not any(
                c[1] == "user_id" for c in columns):
            continue
        values = [1 if c[1] == "user_id" else 0 if c[2] in ("INTEGER", "REAL") else AT
                  for c in columns]
        with contextlib.suppress(sqlite3.IntegrityError):  # a CHECK this guess doesn't meet
            db.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * len(values))})", values)
    counts_before = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    referencing = [t for t in tables
                   if any(r[2] == "users" for r in db.execute(f"PRAGMA foreign_key_list({t})"))]
    db.commit()
    db.close()
    assert {"snapshots", "user_settings", "subscriptions", "goals"} <= set(referencing)
    assert all(counts_before[t] for t in ("snapshots", "user_settings", "goals"))
    store = await open_store(f"sqlite:///{path}")
    await store.close()
    db = sqlite3.connect(path)
    try:
        for table, count in counts_before.items():
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == count, table
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("PRAGMA user_version").fetchone()[0] >= 14
    finally:
        db.close()
