"""Each hand-off to aiosqlite's worker thread costs a thread switch and an event-loop wake-up,
most of a short command's CPU: a command reads each result in one hop (execute + fetch +
close together), so the hops per command stay few. The reads a command makes before it works
are made on the event loop's thread (``SqliteStore._read_here``), no hop at all, but for the
reads of unbounded size a creator has rows of (TikTok Studio data, payouts: one hop): the
``hops`` fixture counts them too, as trips to the file (a read transaction each), and
``thread_hops`` the hand-offs alone. Counted, not timed."""

from __future__ import annotations

import asyncio
import collections
from dataclasses import replace
from typing import Any

import aiosqlite.core
import pytest

from bot.app import App
from bot.core.context import CommandContext
from bot.core.ports import Reads
from bot.core.types import ChatKind, Platform, Request
from bot.domain.profile import UserSettings
from bot.store.sqlite import SqliteStore, _in_thread


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch,
         thread_hops: collections.Counter[str]) -> collections.Counter[str]:
    """Trips to the file, by function: the hand-offs :func:`thread_hops` counts, and the
    reads made at once on the event loop's thread (``SqliteStore._read_here``: one read
    transaction each)."""
    counts: collections.Counter[str] = collections.Counter()
    handed_off = aiosqlite.core.Connection._execute  # (counting for thread_hops)
    read_here = SqliteStore._read_here

    async def hop(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        counts[getattr(fn, "__name__", "?")] += 1
        return await handed_off(self, fn, *args, **kwargs)

    def here(self: Any, fn: Any, *args: Any) -> Any:
        counts[getattr(fn, "__name__", "?")] += 1
        return read_here(self, fn, *args)

    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", hop)
    monkeypatch.setattr(SqliteStore, "_read_here", here)
    return counts


def request(command: str, raw: str = "") -> Request:
    return Request(platform=Platform.TELEGRAM, user_id="hops", display_name="Hops",
                   chat_id="hops", chat_kind=ChatKind.PRIVATE, command=command, raw_args=raw)


async def test_commands_cross_to_the_store_thread_a_few_times(
        app: App, hops: collections.Counter[str]) -> None:
    for raw in ("followers=1000 views=20000 likes=900", "followers=1100 views=21000 likes=950"):
        await app.dispatcher.handle(request("log", raw))
    for command in ("estimate", "tips", "stats"):  # first use fills the caches
        await app.dispatcher.handle(request(command))
    # were 6, 12 and 18 (three hops a query), then 3, 4 and 6 (one a query); the audience's
    # two tables are now read in one hop (/stats also reads the daily series since); then
    # 3, 3 and 6: a command's reads before it works are one hop (Store.reads); then /stats's
    # 4: its daily series, goals and count joined that hop
    limits = {"estimate": 1, "tips": 1, "stats": 1}
    for command, limit in limits.items():
        hops.clear()
        replies = await app.dispatcher.handle(request(command))
        assert replies and all(r.template != "errors/internal" for r in replies)
        assert sum(hops.values()) <= limit, (command, dict(hops))
    hops.clear()
    await app.dispatcher.handle(request("log", "followers=1200 views=22000 likes=990"))
    # was 21, then 10: the write (BEGIN … COMMIT, five statements) is now one hop; then 3:
    # the history /log shows is read in the write's hop; then 2: the last two snapshots its
    # check looks at were read in a hop before the write, now in the write's
    assert sum(hops.values()) == 1, dict(hops)


async def test_a_commands_reads_make_no_thread_hop(
        app: App, hops: collections.Counter[str], thread_hops: collections.Counter[str]) -> None:
    """The reads a command makes before it works (the user, their settings, what it declares)
    are made on the event loop's thread, in one read transaction: no hand-off to a worker
    thread (each costs more CPU than those reads; was one hop each). Writes still go to the
    writer's thread."""
    await app.dispatcher.handle(request("log", "followers=1000 views=20000 likes=900"))
    store: Any = app.store
    for cold in (False, True):
        for command in ("estimate", "tips", "stats"):
            if cold:  # as LRU eviction leaves them: the user and settings are read too
                store._users.clear()
                store._settings_cache.clear()
            hops.clear()
            thread_hops.clear()
            replies = await app.dispatcher.handle(request(command))
            assert replies and not replies[0].is_error, replies
            assert sum(hops.values()) == 1, (command, cold, dict(hops))  # one read transaction
            assert sum(thread_hops.values()) == 0, (command, cold, dict(thread_hops))
    thread_hops.clear()
    await app.dispatcher.handle(request("log", "followers=1100"))
    assert sum(thread_hops.values()) == 1, dict(thread_hops)  # the write, in the writer's
    thread_hops.clear()
    hops.clear()
    first = Request(platform=Platform.TELEGRAM, user_id="first-log", display_name="First",
                    chat_id="first-log", chat_kind=ChatKind.PRIVATE, command="log",
                    raw_args="followers=1000 views=20000 likes=900")
    assert (await app.dispatcher.handle(first))[0].template == "logged"
    # a first-time user's /log: their language's read (no row) made here, then the upsert
    # and the write in ONE hop to the writer's thread, one transaction (were three hops,
    # then two: the upsert, then the write)
    assert sum(thread_hops.values()) == 1, dict(thread_hops)
    assert sum(hops.values()) == 2, dict(hops)


async def _statements(store: Any, request_: Request, app: App) -> list[str]:
    """The SQL the writer's connection runs for ``request_`` (its first word each)."""
    ran: list[str] = []
    await _in_thread(store._writer, lambda conn: conn.set_trace_callback(ran.append))
    try:
        await app.dispatcher.handle(request_)
    finally:
        await _in_thread(store._writer, lambda conn: conn.set_trace_callback(None))
    return [statement.split()[0].upper() for statement in ran]


async def test_a_first_time_users_log_reads_nothing_in_its_write(app: App) -> None:
    """The upsert that makes a first-time user's row and their /log's snapshot are one
    transaction, which reads nothing: nothing can point at a row it has just made (no
    settings, no snapshot to carry on, no action before). A returning user's /log reads what
    it merges into and checks, as before."""
    store: Any = app.store
    first = Request(platform=Platform.TELEGRAM, user_id="reads-nothing", display_name="New",
                    chat_id="reads-nothing", chat_kind=ChatKind.PRIVATE, command="log",
                    raw_args="followers=1000 views=20000 likes=900")
    assert await _statements(store, first, app) == ["BEGIN", "INSERT", "INSERT", "COMMIT"]
    again = replace(first, raw_args="followers=1100")
    ran = await _statements(store, again, app)
    assert ran.count("SELECT") >= 2 and "BEGIN" in ran, ran


async def test_a_first_time_user_is_stored_whatever_their_log_does(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """/log makes a first-time user's row in its write: when it writes nothing (no numbers
    given, numbers held back for a confirm, a failure before its write) the row is made all
    the same, as every command leaves its user stored."""
    def first(name: str, raw: str) -> Request:
        return Request(platform=Platform.TELEGRAM, user_id=name, display_name=name.title(),
                       chat_id=name, chat_kind=ChatKind.PRIVATE, command="log", raw_args=raw)

    replies = await app.dispatcher.handle(first("prompted", ""))
    assert replies[0].template == "log_prompt"
    prompted = await app.store.find_user("telegram", "prompted")
    assert prompted is not None and prompted.display_name == "Prompted"
    replies = await app.dispatcher.handle(first("held", "views=1000 likes=5000"))
    assert replies[0].template == "log_check", replies
    held = await app.store.find_user("telegram", "held")
    assert held is not None and held.display_name == "Held"
    assert await app.store.history(held.id) == []

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("before the write")

    with monkeypatch.context() as patched:
        patched.setattr(CommandContext, "add_snapshot_and_history", broken)
        replies = await app.dispatcher.handle(first("failed", "followers=1000"))
    assert replies[0].template == "errors/internal"
    failed = await app.store.find_user("telegram", "failed")
    assert failed is not None and await app.store.history(failed.id) == []
    replies = await app.dispatcher.handle(first("logged", "followers=1000"))
    assert replies[0].template == "logged"
    logged = await app.store.find_user("telegram", "logged")
    assert logged is not None
    assert [s.followers for s in await app.store.history(logged.id)] == [1000]


async def test_reads_here_end_with_the_store(app: App) -> None:
    """The connection of the reads made on the loop's thread is the store's: closed with it,
    and not opened again by a read asked after (which fails: the store is closed)."""
    user = await app.store.ensure_user("telegram", "closing", "Closing")
    store: Any = app.store
    await app.store.reads(user.id, Reads(history=2))
    assert store._here is not None
    await app.store.close()
    with pytest.raises(ValueError, match="closed"):
        await app.store.reads(user.id, Reads(history=2))


async def test_a_first_time_user_costs_one_read_and_one_write(
        app: App, hops: collections.Counter[str]) -> None:
    user = await app.store.ensure_user("telegram", "newcomer", "New")
    assert sum(hops.values()) <= 2, dict(hops)  # was 4: a read, then BEGIN, INSERT, COMMIT
    assert await app.store.find_user("telegram", "newcomer") == user
    hops.clear()
    assert await app.store.ensure_user("telegram", "newcomer", "New") == user
    assert sum(hops.values()) == 0  # known: from memory


async def test_a_first_time_users_first_command_reads_their_row_once(
        app: App, hops: collections.Counter[str]) -> None:
    """The dispatcher asks for the person's language (no row yet), then creates them: the
    second look for the same missing row is skipped, the upsert alone creates it."""
    first = Request(platform=Platform.DISCORD, user_id="first-sight", display_name="First",
                    chat_id="c", chat_kind=ChatKind.PRIVATE, command="log",
                    raw_args="followers=1000 views=20000 likes=900")
    replies = await app.dispatcher.handle(first)
    assert replies and replies[0].template == "logged"
    # the language's read, then the user's upsert with /log's own write (its check, the
    # snapshot and the history after it) in one; was 6: ensure_user read the missing row
    # again before writing it; then 5: the history was read in a hop of its own; then 4:
    # the snapshots its check looks at too; then 3: the upsert was a hop of its own
    assert sum(hops.values()) == 2, dict(hops)
    user = await app.store.find_user("discord", "first-sight")
    assert user is not None and user.display_name == "First"
    hops.clear()
    second = Request(platform=Platform.DISCORD, user_id="first-sight", display_name="First",
                     chat_id="c", chat_kind=ChatKind.PRIVATE, command="estimate")
    replies = await app.dispatcher.handle(second)
    assert replies and replies[0].template == "estimate"
    # their reads in one hop; their settings (none stored yet) known since the row was made
    assert sum(hops.values()) == 1, dict(hops)
    renamed = await app.store.ensure_user("discord", "first-sight", "Renamed")  # still kept
    assert renamed.id == user.id and renamed.display_name == "Renamed"
    assert await app.store.get_settings(user.id) == UserSettings()
    await app.store.update_settings(user.id, {"region": "DE"})
    assert (await app.store.get_settings(user.id)).region == "DE"


async def test_a_remembered_missing_row_never_hides_a_user(
        app: App, hops: collections.Counter[str]) -> None:
    """A "no row" find_user remembers is forgotten by the upsert that makes the row (the
    store's only way to make one): find_user finds the user after it, ensure_user returns
    the same stored row."""
    assert await app.store.find_user("discord", "raced") is None
    created = await app.store.ensure_user("discord", "raced", "Raced")
    assert await app.store.find_user("discord", "raced") == created
    assert await app.store.ensure_user("discord", "raced", "Raced") == created


async def test_a_returning_user_out_of_memory_costs_one_read_before_the_command(
        app: App, hops: collections.Counter[str]) -> None:
    """A creator the caches have let go of (more users since than they keep): the dispatcher
    asks for their language (user and settings), then for the user again (ensure_user); the
    first read brings both into memory, and the command's declared reads come in it too."""
    await app.dispatcher.handle(request("log", "followers=1000 views=20000 likes=900"))
    user = await app.store.find_user("telegram", "hops")
    assert user is not None
    await app.store.update_settings(user.id, {"region": "DE", "language": "de"})
    store: Any = app.store
    store._users.clear()  # as LRU eviction leaves them
    store._settings_cache.clear()
    hops.clear()
    replies = await app.dispatcher.handle(request("estimate"))
    assert replies and replies[0].template == "estimate"
    assert replies[0].locale == "de"  # their settings, read in that first hop
    # was 4: the user, their settings, the user again (ensure_user), the command's reads;
    # then 2: the command's reads apart (CommandSpec.reads: Store.find_user_reading)
    assert sum(hops.values()) == 1, dict(hops)
    assert await app.store.find_user("telegram", "hops") == user
    assert (await app.store.get_settings(user.id)).region == "DE"
    hops.clear()
    await app.dispatcher.handle(request("estimate"))
    assert sum(hops.values()) == 1, dict(hops)  # kept: only the command's reads


async def test_a_persons_commands_sent_together_read_their_row_once(
        app: App, hops: collections.Counter[str]) -> None:
    """A first-time user's three commands arrive at once: each asks for their language before
    any has an answer; the reads for the same account while one is in flight are one read."""
    found = await asyncio.gather(*(app.store.find_user("discord", "together") for _ in range(3)))
    assert found == [None, None, None]
    assert sum(hops.values()) == 1, dict(hops)  # was 3
    created = await app.store.ensure_user("discord", "together", "Together")
    hops.clear()
    store: Any = app.store
    store._users.clear()
    found = await asyncio.gather(*(app.store.find_user("discord", "together") for _ in range(3)))
    assert found == [created] * 3
    assert sum(hops.values()) == 1, dict(hops)


async def test_a_read_in_flight_is_not_shared_after_a_write(app: App) -> None:
    """A find_user asked after ensure_user created the row never gets the answer of a read
    asked before it (which may have found no row)."""
    early = asyncio.ensure_future(app.store.find_user("discord", "raced-read"))
    await asyncio.sleep(0)  # its read is asked for
    created = await app.store.ensure_user("discord", "raced-read", "Raced")
    store: Any = app.store
    store._users.clear()
    assert await app.store.find_user("discord", "raced-read") == created
    await early


async def test_an_account_found_missing_is_not_read_again_until_it_is_made(
        app: App, hops: collections.Counter[str]) -> None:
    """find_user reads at once on the loop's thread (no read is ever in flight): an account
    it found missing is answered from memory until ensure_user makes the row, and found
    after."""
    assert await app.store.find_user("discord", "later") is None
    assert sum(hops.values()) == 1, dict(hops)
    hops.clear()
    assert await app.store.find_user("discord", "later") is None
    assert sum(hops.values()) == 0, dict(hops)
    created = await app.store.ensure_user("discord", "later", "Later")
    store: Any = app.store
    store._users.clear()
    hops.clear()
    assert await app.store.find_user("discord", "later") == created
    assert sum(hops.values()) == 1, dict(hops)


def person(user_id: str, command: str, raw: str = "") -> Request:
    return Request(platform=Platform.TELEGRAM, user_id=user_id, display_name=user_id,
                   chat_id=user_id, chat_kind=ChatKind.PRIVATE, command=command, raw_args=raw)


@pytest.mark.parametrize(("command", "raw", "known", "first_time"), [
    ("estimate", "", 1, 2), ("tips", "", 1, 2), ("stats", "", 1, 2),
    # was 7 and 9: three hops for each goal's write, one for each read after it
    ("goal", "followers=20k", 2, 3),
])
async def test_a_commands_declared_reads_come_with_the_user(
        app: App, hops: collections.Counter[str], command: str, raw: str, known: int,
        first_time: int) -> None:
    """A command that declares its reads (CommandSpec.reads) has them read in the trip that
    finds the user: one hop for a known creator, in memory or not; a first-time user's are
    read with the row's upsert (nothing to read for a row it created)."""
    await app.dispatcher.handle(person("known", "log", "followers=1000 views=20000 likes=900"))
    store: Any = app.store
    for cold in (False, True):
        if cold:  # as LRU eviction leaves them
            store._users.clear()
            store._settings_cache.clear()
        hops.clear()
        replies = await app.dispatcher.handle(person("known", command, raw))
        assert replies and not replies[0].is_error, replies
        assert sum(hops.values()) <= known, (cold, dict(hops))
    hops.clear()
    replies = await app.dispatcher.handle(person(f"new-{command}", command, raw))
    assert replies and not replies[0].is_error, replies
    assert sum(hops.values()) <= first_time, dict(hops)


async def test_a_command_reading_ahead_holds_the_lock_against_a_later_one(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """/stats reads with the user holding the person's lock (taken before that read): a /log
    of theirs sent meanwhile waits for it, so /stats shows the numbers before the /log, and
    the /log runs after it."""
    await app.dispatcher.handle(person("racer", "log", "followers=1000 views=20000 likes=900"))
    store: Any = app.store
    store._users.clear()
    store._settings_cache.clear()
    gate = asyncio.Event()
    found_first = asyncio.Event()
    original = store.find_user_reading

    async def held_back(*args: Any) -> Any:
        found = await original(*args)
        found_first.set()
        await gate.wait()
        return found

    monkeypatch.setattr(store, "find_user_reading", held_back)
    stats = asyncio.ensure_future(app.dispatcher.handle(person("racer", "stats")))
    await found_first.wait()  # /stats has read (the old numbers) and waits
    logged = asyncio.ensure_future(app.dispatcher.handle(person("racer", "log",
                                                                "followers=1500")))
    for _ in range(20):  # let the /log read its language and wait for the lock
        await asyncio.sleep(0)
    assert not logged.done()
    gate.set()
    replies = await stats
    assert replies[0].template == "stats"
    assert replies[0].data is not None and replies[0].data["followers"] == 1000
    assert (await logged)[0].template == "logged"
    replies = await app.dispatcher.handle(person("racer", "stats"))
    assert replies[0].data is not None and replies[0].data["followers"] == 1500


async def test_bad_arguments_wait_for_no_earlier_command(app: App) -> None:
    """A command that declares its reads still takes the person's lock after its arguments
    are read: bad arguments are answered while an earlier command of theirs holds it."""
    await app.dispatcher.handle(person("busy", "log", "followers=1000"))
    async with app.dispatcher._user_locks.hold(("telegram", "busy")):
        replies = await asyncio.wait_for(
            app.dispatcher.handle(person("busy", "estimate", "followers=lots")), 60)
    assert replies[0].template == "errors/bad_args"
    assert not app.dispatcher._user_locks._locks  # nothing left behind


async def test_goal_clear_reads_nothing_ahead(app: App, hops: collections.Counter[str]) -> None:
    """/goal clear only deletes: its argument line is not one /goal's declared reads are for
    (CommandSpec.reads_for), so nothing is read ahead for it (was one more hop than main's)."""
    await app.dispatcher.handle(person("clearer", "log", "followers=1000"))
    await app.dispatcher.handle(person("clearer", "goal", "followers=20k"))
    hops.clear()
    replies = await app.dispatcher.handle(person("clearer", "goal", "clear"))
    assert replies[0].template == "goals_cleared"
    assert "_user_reading_sync" not in hops and "_reads_sync" not in hops, dict(hops)
    assert sum(hops.values()) <= 4, dict(hops)
