"""The reads SQLite makes at once on the event loop's thread (``SqliteStore._read_here``), and
what stays off it: the "missing" it remembers for an account (``_unknown``) stays true when a
command is cancelled; the reads of unbounded size go to a reader's thread; a read SQLite keeps
waiting is made there instead; the connection is the file the store opened. Counted and
ordered, not timed."""

from __future__ import annotations

import asyncio
import collections
import sqlite3
import threading
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.core.ports import Reads
from bot.domain.payouts import Payout
from bot.domain.studio import StudioImport, Video
from bot.store import open_store
from bot.store import sqlite as sqlite_store
from bot.store.sqlite import SqliteStore

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    s = await open_store(f"sqlite:///{tmp_path / 'loop.db'}")
    yield s
    await s.close()


# -- F1: the "missing" remembered for an account ------------------------------------------


async def _cancelled_first_command(store: Any, key: tuple[str, str]) -> None:
    """A first-time user's first command: find_user found no row (remembered in _unknown),
    then ensure_user_reading's upsert hop, cancelled once the writer's thread has run it."""
    assert await store.find_user(*key) is None
    task = asyncio.ensure_future(store.ensure_user_reading(*key, "Ana", Reads(history=2)))
    await asyncio.sleep(0)  # handed to the writer's thread
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(100):  # the thread commits the row anyway
        rows = await store._writer.execute_fetchall(
            "SELECT id FROM users WHERE platform = ? AND platform_user_id = ?", key)
        if rows:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the upsert never ran")


async def test_a_cancelled_first_command_does_not_hide_the_user_from_find_user(app: App) -> None:
    """Review of perf (F1): the upsert of a cancelled first command was committed, but the
    "missing" remembered for the account was never forgotten, so once the user left the
    cache find_user answered None and their language fell back to the chat's."""
    store: Any = app.store
    key = ("telegram", "ana")
    await _cancelled_first_command(store, key)
    found = await store.find_user_reading(*key, Reads())  # reads: finds them, keeps _unknown
    assert found is not None
    await store.update_settings(found.user.id, {"language": "de"})
    store._users.clear()  # as LRU eviction leaves them (more users than the cache keeps)
    assert await store.find_user(*key) is not None
    # what the person sees: a command without declared reads answers in the fallback
    assert await app.dispatcher.language("telegram", "ana", "en") == "de"


async def test_a_cancelled_ensure_user_forgets_the_missing_row_a_read_saw_meanwhile(
        store: SqliteStore) -> None:
    """ensure_user's upsert waits for SQLite's write lock (held here by another connection);
    meanwhile find_user finds no row and remembers it; the command is cancelled, the upsert
    then commits: it still forgets the "missing" (shielded), so find_user finds the user."""
    key = ("telegram", "cat")
    blocker = sqlite3.connect(store.path, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        task = asyncio.ensure_future(store.ensure_user(*key, "Cat"))
        await asyncio.sleep(0)  # its read (no row) made, its upsert handed off: it waits
        assert await store.find_user(*key) is None  # remembered as missing
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    async with store._write_lock:  # the shielded upsert is done, and what followed it
        pass
    store._users.clear()  # as LRU eviction leaves them
    found = await store.find_user(*key)
    assert found is not None and found.display_name == "Cat"


async def test_a_read_that_finds_the_row_forgets_the_missing(store: SqliteStore) -> None:
    """Were an account's "missing" ever stale (set by hand here: the store no longer leaves
    one so), the first read that finds its row forgets it (``_found``)."""
    user = await store.ensure_user("telegram", "bob", "Bob")
    store._users.clear()
    store._unknown[("telegram", "bob")] = True
    found = await store.find_user_reading("telegram", "bob", Reads())
    assert found is not None and found.user == user
    assert ("telegram", "bob") not in store._unknown
    store._users.clear()
    assert await store.find_user("telegram", "bob") == user


async def test_a_failed_upsert_leaves_no_missing_behind(store: SqliteStore) -> None:
    """A hop of the upsert that failed (here: after the write, in its reads) says nothing
    of whether the row was made: the account is not remembered as missing."""
    key = ("telegram", "dee")
    assert await store.find_user(*key) is None
    original = sqlite_store._upsert_user_sync

    def failing(*args: Any) -> Any:
        original(*args)
        raise sqlite3.OperationalError("disk I/O error")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sqlite_store, "_upsert_user_sync", failing)
        with pytest.raises(sqlite3.OperationalError):
            await store.ensure_user_reading(*key, "Dee", Reads(history=2))
    assert key not in store._unknown
    found = await store.find_user(*key)
    assert found is not None and found.display_name == "Dee"


# -- F2: unbounded reads go to a reader's thread --------------------------------------------


def _studio() -> StudioImport:
    studio = StudioImport(downloaded=date(2026, 3, 1), downloaded_given=True)
    studio.videos = [Video(f"73000000000000000{n:02}", "t", f"https://www.tiktok.com/@c/video/{n}",
                           date(2026, 2, 1), date(2026, 3, 1), 100.0 * n, 10, 1, 1)
                     for n in range(1, 6)]
    studio.territories = [("US", 0.5)]
    studio.genders = [("Female", 0.6)]
    studio.daily = {"profile_views": {date(2026, 3, 1): 7.0, date(2026, 3, 2): 3.0}}
    return studio


def _recording(name: str, threads: dict[str, set[int]]) -> Any:
    """``sqlite_store``'s function ``name``, noting in ``threads[name]`` each thread it ran
    on."""
    original = getattr(sqlite_store, name)

    def recording(*args: Any) -> Any:
        threads[name].add(threading.get_ident())
        return original(*args)

    return recording


async def test_unbounded_reads_are_made_on_a_readers_thread_in_one_hop(
        store: SqliteStore, thread_hops: collections.Counter[str]) -> None:
    """Review of perf (F2): a creator's Studio videos, audience, daily series and payouts
    (thousands of rows for some) were read on the event loop's thread, stopping it. They are
    read in ONE hop to a reader's thread, never on the loop's; the bounded reads stay on it;
    the answers are those of each read alone."""
    user = await store.ensure_user("telegram", "studio", "Studio")
    await store.import_studio(user.id, [(T0, {"views": 100.0, "followers": 50.0})], _studio())
    await store.add_payout(user.id, Payout("creator_rewards", 12, "USD", T0))
    await store.set_goal(user.id, "followers", 10_000, None, T0)
    loop_thread = threading.get_ident()
    threads: dict[str, set[int]] = collections.defaultdict(set)
    wanted = Reads(history=5, latest=True, videos=True, audience=True, payouts=True,
                   daily_series=True, goals=True, count_snapshots=True)
    with pytest.MonkeyPatch.context() as patch:
        for name in ("_videos_sync", "_audience_sync", "_payouts_sync", "_daily_series_sync",
                     "_history_sync", "_goals_sync"):
            patch.setattr(sqlite_store, name, _recording(name, threads))
        thread_hops.clear()
        store._users.clear()
        store._settings_cache.clear()
        found = await store.find_user_reading("telegram", "studio", wanted)
    assert found is not None
    assert sum(thread_hops.values()) == 1, dict(thread_hops)
    for name in ("_videos_sync", "_audience_sync", "_payouts_sync", "_daily_series_sync"):
        assert threads[name] and loop_thread not in threads[name], (name, threads)
    assert threads["_history_sync"] == threads["_goals_sync"] == {loop_thread}
    read = found.reads
    assert read.videos == await store.videos(user.id) and len(read.videos) == 5
    assert read.audience == await store.audience(user.id) and read.audience.territories
    assert read.payouts == await store.payouts(user.id) and len(read.payouts) == 1
    assert read.daily_series == await store.daily_series(user.id) and read.daily_series
    assert read.history == await store.history(user.id, limit=5)
    assert read.goals == await store.goals(user.id) and read.count_snapshots == 1
    for only in (Reads(videos=True), Reads(payouts=True), Reads(audience=True, goals=True)):
        thread_hops.clear()
        alone = await store.reads(user.id, only)
        assert sum(thread_hops.values()) == 1, (only, dict(thread_hops))
        for name in ("videos", "audience", "payouts", "goals"):
            asked = getattr(only, name)
            assert getattr(alone, name) == (getattr(read, name) if asked else None), name
    thread_hops.clear()
    assert (await store.ensure_user_reading("telegram", "studio", "Studio", wanted)
            )[1] == read
    assert sum(thread_hops.values()) == 1, dict(thread_hops)


async def test_unbounded_reads_of_kinds_without_rows_cost_no_hop(
        store: SqliteStore, thread_hops: collections.Counter[str]) -> None:
    """A creator with payouts but no Studio data: /stats' videos, audience and daily series
    are answered empty on the loop's thread (one indexed check), with no hop; asking for the
    payouts too makes one, for them alone."""
    user = await store.ensure_user("telegram", "payer", "Payer")
    await store.add_payout(user.id, Payout("creator_rewards", 12, "USD", T0))
    thread_hops.clear()
    read = await store.reads(user.id, Reads(history=3, videos=True, audience=True,
                                            daily_series=True))
    assert sum(thread_hops.values()) == 0, dict(thread_hops)
    assert (read.history, read.videos, read.daily_series) == ([], [], {})
    assert read.audience == await store.audience(user.id)
    thread_hops.clear()
    read = await store.reads(user.id, Reads(videos=True, payouts=True))
    assert dict(thread_hops) == {"_read_transaction": 1}
    assert read.videos == [] and read.payouts == await store.payouts(user.id)


# -- F3: a read SQLite keeps waiting ---------------------------------------------------------


class _Busy:
    """The loop thread's connection, its SELECTs answered with SQLITE_BUSY (what a WAL
    reader gets when it waits past its busy timeout: a WAL recovery can't be staged)."""

    def __init__(self, conn: sqlite3.Connection, code: int) -> None:
        self._conn = conn
        self._code = code
        self.refused = 0

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.lstrip().upper().startswith("SELECT"):
            self.refused += 1
            error = sqlite3.OperationalError("database is locked")
            error.sqlite_errorcode = self._code
            raise error
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:  # (in_transaction and the rest: the connection's)
        return getattr(self._conn, name)


@pytest.mark.parametrize("code", [sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED,
                                  sqlite3.SQLITE_BUSY | (2 << 8)])  # SQLITE_BUSY_SNAPSHOT
async def test_a_read_kept_waiting_is_made_on_a_readers_thread_and_kept_nowhere(
        store: SqliteStore, thread_hops: collections.Counter[str], code: int) -> None:
    """Review of perf (F3): the loop thread's connection waited up to SQLite's 5 s for a
    lock, the loop stopped meanwhile; it now gives up quickly, and the read is made on a
    reader's thread. What that read finds fills no cache (a write may finish while it is in
    flight)."""
    user = await store.ensure_user("telegram", "eve", "Eve")
    await store.update_settings(user.id, {"language": "de"})
    await store.add_snapshot(user.id, {"followers": 10.0}, T0)
    assert store._here is not None
    assert store._here.execute("PRAGMA busy_timeout").fetchone()[0] == 50
    real = store._here
    busy = _Busy(real, code)
    store._here = busy  # type: ignore[assignment]
    try:
        store._users.clear()
        store._settings_cache.clear()
        thread_hops.clear()
        assert await store.find_user("telegram", "eve") == user
        assert await store.find_user("telegram", "nobody") is None
        found = await store.find_user_reading("telegram", "eve", Reads(history=2))
        assert found is not None and found.user == user and found.settings.language == "de"
        assert found.reads.history == await store.history(user.id, limit=2)
        assert await store.ensure_user("telegram", "eve", "Eve") == user
        assert (await store.reads(user.id, Reads(count_snapshots=True))).count_snapshots == 1
        assert busy.refused == 5
        assert thread_hops["_read_transaction"] == 5, dict(thread_hops)
        assert not store._users and not store._settings_cache and not store._unknown
    finally:
        store._here = real


async def test_other_errors_of_a_read_here_are_not_retried(
        store: SqliteStore, thread_hops: collections.Counter[str]) -> None:
    """Only SQLite's "kept waiting" is made again on a reader's thread: any other error of
    the read is raised as it is."""
    real = store._here
    assert real is not None
    store._here = _Busy(real, sqlite3.SQLITE_IOERR)  # type: ignore[assignment]
    try:
        with pytest.raises(sqlite3.OperationalError):
            await store.find_user("telegram", "zed")
        assert not thread_hops
    finally:
        store._here = real


# -- F4: the loop thread's connection is the file the store opened --------------------------


async def test_the_loop_threads_connection_is_opened_with_the_store(tmp_path: Path) -> None:
    """Review of perf (F4): opened on the first read, by path, the loop thread's connection
    was a new empty file when the database had been renamed since the start ("no such
    table: users"). It is opened with the others, so it reads the store's file."""
    path = tmp_path / "first.db"
    first = await open_store(f"sqlite:///{path}")
    user = await first.ensure_user("telegram", "fay", "Fay")
    await first.close()
    store = await open_store(f"sqlite:///{path}")
    try:
        path.rename(tmp_path / "moved.db")
        assert await store.find_user("telegram", "fay") == user
        assert not path.exists()  # no new, empty file in its place
    finally:
        await store.close()


async def test_the_loop_threads_connection_is_used_on_that_thread_alone(
        store: SqliteStore) -> None:
    """It keeps sqlite3's check that one thread uses it (the loop's)."""
    assert store._here is not None
    with pytest.raises(sqlite3.ProgrammingError):
        await asyncio.to_thread(store._here.execute, "SELECT 1")
