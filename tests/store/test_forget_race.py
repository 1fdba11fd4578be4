"""A /log racing a /forget in another worker on PostgreSQL (issue 21): the command runs
before the forget or after it, as a fresh user; never "something went wrong"."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import running
from bot.config import Settings
from bot.store import open_store
from tests.auxil.clock import FakeClock
from tests.store.rawdb import query

#: The per-user write lock of the PostgreSQL store (``PostgresStore._write``): namespace 1.
_USER_LOCK = "SELECT pg_advisory_lock(1, ($1::bigint % 2147483647)::int)"
_WAITING = ("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND classid = 1 AND objid = $1")


async def _waiters(url: str, user_id: int, count: int) -> None:
    """Until ``count`` sessions wait for ``user_id``'s write lock."""
    db = await asyncpg.connect(url)
    try:
        async with asyncio.timeout(30):
            while await db.fetchval(_WAITING, user_id % 2147483647) < count:  # noqa: ASYNC110 - the server's state
                await asyncio.sleep(0.02)
    finally:
        await db.close()


@pytest.mark.parametrize(("command", "written", "value"), [
    ("/log followers=250", "SELECT user_id, followers FROM snapshots", 250.0),
    ("/subscribe day=friday", "SELECT user_id, weekday FROM subscriptions", 4),  # created_by
    ("/goal followers=250", "SELECT user_id, target FROM goals", 250.0),  # declares reads
])
async def test_a_command_racing_a_forget_in_another_worker_runs_after_it_as_a_new_user(
        settings: Settings, pg_url: str, clock: FakeClock, command: str, written: str,
        value: float) -> None:
    async with running(settings.model_copy(update={"database_url": pg_url}),
                       clock=clock) as app:  # worker A
        console = ConsoleAdapter(app, user="alice")
        assert (await console.ask("/log followers=100")).ok
        (old_id,) = (await query(pg_url, "SELECT id FROM users"))[0]
        other = await open_store(pg_url)  # worker B
        gate = await asyncpg.connect(pg_url)  # holds alice's write lock while both line up
        try:
            await gate.execute(_USER_LOCK, old_id)
            forget = asyncio.create_task(other.forget_user(old_id))  # B first in the queue
            await _waiters(pg_url, old_id, 1)
            log = asyncio.create_task(console.ask(command))  # A found alice, then waits
            await _waiters(pg_url, old_id, 2)
            await gate.execute("SELECT pg_advisory_unlock_all()")  # B deletes, then A writes
            assert await forget > 0
            result = await log
        finally:
            await gate.close()
            await other.close()
        assert result.ok, result.text
        assert "went wrong" not in result.text
        (new_id,) = (await query(pg_url, "SELECT id FROM users"))[0]  # alice, afresh
        assert new_id != old_id
        assert await query(pg_url, written) == [(new_id, value)]
