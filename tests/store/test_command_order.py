"""One person's commands run one at a time, in the order they arrive, also when the first
declares reads (CommandSpec.reads) that the dispatcher reads ahead, with the user, before it
parses the arguments: it takes the person's lock before that read, never leaves it behind."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest

from bot.app import App
from bot.core.context import CommandContext, ReadAhead
from bot.core.ports import Reads
from tests.store.test_thread_hops import person


async def test_a_persons_commands_run_in_the_order_they_arrive(app: App) -> None:
    """Two commands of one person handled concurrently (Telegram's concurrent_updates,
    Discord's task per interaction), the first one declaring reads: the first runs first,
    though the second (user in memory) reaches the lock while the first reads ahead."""
    await app.dispatcher.handle(person("order", "log", "followers=1000 views=20000 likes=900"))
    await app.dispatcher.handle(person("order", "stats"))  # warm: user and settings in memory
    first = asyncio.ensure_future(app.dispatcher.handle(person("order", "goal", "followers=20k")))
    second = asyncio.ensure_future(app.dispatcher.handle(person("order", "goal", "clear")))
    set_, cleared = await asyncio.gather(first, second)
    assert set_[0].template == "goals"
    assert cleared[0].template == "goals_cleared"
    assert cleared[0].context["removed"] == 1
    store: Any = app.store
    user = await store.find_user("telegram", "order")
    assert await store.goals(user.id) == []  # set, then cleared


async def test_stats_sent_before_a_log_shows_the_numbers_before_it(app: App) -> None:
    await app.dispatcher.handle(person("order2", "log", "followers=1000 views=20000 likes=900"))
    await app.dispatcher.handle(person("order2", "stats"))
    stats = asyncio.ensure_future(app.dispatcher.handle(person("order2", "stats")))
    logged = asyncio.ensure_future(app.dispatcher.handle(person("order2", "log",
                                                                "followers=1500")))
    replies, _ = await asyncio.gather(stats, logged)
    assert replies[0].data is not None and replies[0].data["followers"] == 1000


async def test_a_command_cancelled_during_its_read_ahead_leaves_no_lock(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    await app.dispatcher.handle(person("gone", "log", "followers=1000"))
    store: Any = app.store
    started = asyncio.Event()

    async def stuck(*args: Any) -> Any:
        started.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(store, "find_user_reading", stuck)
    task = asyncio.ensure_future(app.dispatcher.handle(person("gone", "stats")))
    await started.wait()
    lock, _ = app.dispatcher._user_locks._locks[("telegram", "gone")]
    assert lock.locked()  # taken before the read ahead
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not app.dispatcher._user_locks._locks
    assert not lock.locked()


async def test_a_command_cancelled_waiting_for_the_lock_leaves_no_lock(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another command of the person holds the lock: /stats reads as any command does, then
    waits for it, and is cancelled waiting."""
    await app.dispatcher.handle(person("gone2", "log", "followers=1000"))
    store: Any = app.store
    original = store.find_user
    gate, started = asyncio.Event(), asyncio.Event()

    async def held_back(*args: Any) -> Any:
        found = await original(*args)
        started.set()
        await gate.wait()
        return found

    holder_in, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with app.dispatcher._user_locks.hold(("telegram", "gone2")):
            holder_in.set()
            await release.wait()

    holder = asyncio.ensure_future(hold())
    await holder_in.wait()
    monkeypatch.setattr(store, "find_user", held_back)
    stats = asyncio.ensure_future(app.dispatcher.handle(person("gone2", "stats")))
    await started.wait()
    gate.set()
    for _ in range(20):  # let /stats reach the lock and wait on it
        await asyncio.sleep(0)
    stats.cancel()
    with pytest.raises(asyncio.CancelledError):
        await stats
    release.set()
    await holder
    assert not app.dispatcher._user_locks._locks


async def test_bad_arguments_of_a_command_that_read_ahead_leave_no_lock(app: App) -> None:
    """No other command of theirs: /estimate takes the lock, reads ahead, then its arguments
    are bad; the lock is given back (held.release() in Dispatcher._handle's finally), and
    the person's next command runs."""
    await app.dispatcher.handle(person("typo", "log", "followers=1000"))
    replies = await app.dispatcher.handle(person("typo", "estimate", "followers=lots"))
    assert replies[0].template == "errors/bad_args"
    assert not app.dispatcher._user_locks._locks
    replies = await asyncio.wait_for(app.dispatcher.handle(person("typo", "stats")), 60)
    assert replies[0].template == "stats"


async def test_an_error_after_the_read_ahead_leaves_no_lock(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unexpected error in the handler (after the lock was taken ahead and entered), and
    one before the block is entered (the arguments' parser failing): no lock left."""
    await app.dispatcher.handle(person("oops", "log", "followers=1000"))
    store: Any = app.store

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(store, "get_settings", broken)
    replies = await app.dispatcher.handle(person("oops", "estimate"))
    assert replies[0].template == "errors/internal"
    assert not app.dispatcher._user_locks._locks
    monkeypatch.undo()

    def parse_fails(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("bot.core.dispatcher.parse_args", parse_fails)
    replies = await app.dispatcher.handle(person("oops", "estimate"))
    assert replies[0].template == "errors/internal"
    assert not app.dispatcher._user_locks._locks


async def test_a_name_change_while_the_user_is_forgotten_elsewhere_reads_for_the_new_user(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """The platform's display name changed (the found user is written again) and another
    worker forgot the user between the read-ahead and that write (simulated with this store's
    own forget): the upsert makes a new user, and what was read ahead of the old one is not
    used (Dispatcher._run_once's ``user.id == found.user.id``)."""
    await app.dispatcher.handle(person("renamed", "log", "followers=1000 views=20000 likes=900"))
    store: Any = app.store
    original = store.find_user_reading

    async def forgotten_after(*args: Any) -> Any:
        found = await original(*args)
        assert found is not None and found.reads.history
        await store.forget_user(found.user.id)  # as /forget in another worker
        return found

    monkeypatch.setattr(store, "find_user_reading", forgotten_after)
    renamed = replace(person("renamed", "stats"), display_name="Renamed")
    replies = await app.dispatcher.handle(renamed)
    assert replies[0].template == "no_metrics"  # a new user: nothing stored for them
    user = await store.find_user("telegram", "renamed")
    assert user is not None and user.display_name == "Renamed"


async def test_what_was_read_ahead_is_given_once(app: App) -> None:
    """ctx.read gives the read-ahead to the first call only: a read after the handler wrote
    reads again (never what was read before the write)."""
    await app.dispatcher.handle(person("once", "log", "followers=1000 views=20000 likes=900"))
    store: Any = app.store
    user = await store.find_user("telegram", "once")
    before = await store.reads(user.id, Reads(goals=True))
    assert before.goals == []
    ctx = CommandContext(request=person("once", "goal"), user=user, store=store,
                         clock=app.dispatcher.clock, registry=app.registry,
                         services=app.dispatcher.services,
                         read_ahead=ReadAhead(Reads(goals=True), before))
    assert await ctx.read(Reads(goals=True)) is before
    await store.set_goal(user.id, "followers", 2000.0, None, app.dispatcher.clock.now())
    after = await ctx.read(Reads(goals=True))
    assert after.goals is not None and [g.metric for g in after.goals] == ["followers"]
    # one that does not match is not kept for a later call either
    ctx = CommandContext(request=person("once", "goal"), user=user, store=store,
                         clock=app.dispatcher.clock, registry=app.registry,
                         services=app.dispatcher.services,
                         read_ahead=ReadAhead(Reads(goals=True), before))
    assert (await ctx.read(Reads(videos=True))).videos == []
    assert await ctx.read(Reads(goals=True)) is not before
