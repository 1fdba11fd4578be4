"""The known-user and settings caches: bounded, least recently used out first, never stale
after /forget, and a user the cache has dropped costs a read, not a write."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.store import open_store
from bot.store.sqlite import SqliteStore


@pytest.fixture
async def small(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    s = await open_store(f"sqlite:///{tmp_path / 'cache.db'}", cache_size=3)
    yield s
    await s.close()


def changes(store: SqliteStore) -> int:
    """Rows the writer connection has changed so far (SQLite's total_changes)."""
    return int(store._writer.total_changes)


async def test_the_user_cache_is_bounded_and_drops_the_least_recently_used(
        small: SqliteStore) -> None:
    for n in range(3):
        await small.ensure_user("telegram", str(n), f"U{n}")
    await small.ensure_user("telegram", "0", "U0")  # 0 is now the most recently used
    await small.ensure_user("telegram", "3", "U3")  # evicts 1, the least recently used
    assert len(small._users) == 3
    assert set(small._users) == {("telegram", "0"), ("telegram", "2"), ("telegram", "3")}
    for n in range(100):
        await small.ensure_user("discord", str(n), "d")
    assert len(small._users) == 3  # never more than its size, never emptied all at once
    assert ("discord", "99") in small._users


async def test_a_user_the_cache_dropped_costs_no_write(small: SqliteStore) -> None:
    for n in range(10):
        await small.ensure_user("telegram", str(n), f"U{n}")
    before = changes(small)
    for _ in range(2):  # ten users rotate through a cache of three
        for n in range(10):
            user = await small.ensure_user("telegram", str(n), f"U{n}")
            assert user.platform_user_id == str(n)
    assert changes(small) == before
    renamed = await small.ensure_user("telegram", "4", "New name")  # a change is written
    assert renamed.display_name == "New name" and changes(small) == before + 1
    assert (await small.ensure_user("telegram", "4", "New name")).id == renamed.id


async def test_the_settings_cache_is_bounded(small: SqliteStore) -> None:
    users = [await small.ensure_user("console", str(n), "c") for n in range(5)]
    for u in users:
        await small.update_settings(u.id, {"currency": "EUR"})
    assert len(small._settings_cache) == 3
    for u in users:  # the dropped ones are read back, not defaulted
        assert (await small.get_settings(u.id)).currency == "EUR"
    assert len(small._settings_cache) == 3


async def test_forget_leaves_no_cached_user_or_settings(small: SqliteStore) -> None:
    ana = await small.ensure_user("telegram", "ana", "Ana")
    await small.update_settings(ana.id, {"currency": "EUR"})
    await small.get_settings(ana.id)
    await small.forget_user(ana.id)
    assert ("telegram", "ana") not in small._users
    assert ana.id not in small._settings_cache
    again = await small.ensure_user("telegram", "ana", "Ana")
    assert again.id != ana.id  # a new row, not the forgotten one from memory
    assert (await small.get_settings(again.id)).currency == "USD"


async def test_forget_of_a_user_no_longer_cached_still_recreates_them(
        small: SqliteStore) -> None:
    ana = await small.ensure_user("telegram", "ana", "Ana")
    for n in range(5):  # Ana drops out of the cache
        await small.ensure_user("telegram", str(n), "x")
    await small.forget_user(ana.id)
    again = await small.ensure_user("telegram", "ana", "Ana")
    assert again.id != ana.id
    assert await small.find_user("telegram", "ana") == again


def _gate_first_read(store: SqliteStore) -> asyncio.Event:
    """Hold the store's next read open after its query ran (its answer is read, the call not
    yet returned) until the returned event is set; later reads pass."""
    original = store._read
    gate = asyncio.Event()
    held = False

    @contextlib.asynccontextmanager
    async def read() -> AsyncIterator[Any]:
        nonlocal held
        first, held = not held, True
        async with original() as db:
            yield db
        if first:
            await gate.wait()

    store._read = read  # type: ignore[method-assign]
    return gate


async def test_a_read_asked_before_a_write_is_not_shared_after_it(small: SqliteStore) -> None:
    """Review: a find_user asked after ensure_user created the account must not get the answer
    of a read asked before (which found no row); without the write check on the read in
    flight it did (a new user "not found"). find_user now reads at once on the loop's thread
    (SqliteStore._read_here): no read of it is ever in flight, and the "no row" it remembers
    is forgotten by the write that makes the row."""
    early = asyncio.ensure_future(small.find_user("discord", "gen"))
    await asyncio.sleep(0.05)  # its query ran: no row
    created = await small.ensure_user("discord", "gen", "Gen")
    small._users.clear()
    later = asyncio.ensure_future(small.find_user("discord", "gen"))
    await asyncio.sleep(0.05)
    assert await later == created
    assert await early is None


async def test_settings_read_before_a_change_are_never_kept(small: SqliteStore) -> None:
    """Review: a read of a person's settings was in flight, /settings changed them meanwhile,
    and the change's own cache entry left the (LRU) cache before the read came back: the
    read's older settings were kept and served until evicted. (find_user's read is made at
    once now; get_settings' still goes to a reader's thread: held open here.)"""
    ana = await small.ensure_user("telegram", "ana", "Ana")
    others = [await small.ensure_user("telegram", f"o{n}", "O") for n in range(3)]
    small._users.clear()
    small._settings_cache.clear()
    gate = _gate_first_read(small)
    found = asyncio.ensure_future(small.get_settings(ana.id))
    await asyncio.sleep(0.05)  # read: language not set
    await small.update_settings(ana.id, {"language": "de"})
    for other in others:  # Ana's fresh entry leaves the cache of three
        await small.get_settings(other.id)
    gate.set()
    assert (await found).language is None  # the answer of a read asked before the change
    assert (await small.get_settings(ana.id)).language == "de"
