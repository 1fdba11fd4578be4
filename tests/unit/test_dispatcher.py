"""Dispatcher guarantees: never raises, floods are limited per user, errors become replies."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import pytest

from bot.app import running
from bot.config import Settings
from bot.core.context import CommandContext
from bot.core.dispatcher import _UserLocks
from bot.core.registry import CommandSpec
from bot.core.types import ChatKind, Reply
from bot.render.formats import Format
from tests.auxil.clock import FakeClock
from tests.auxil.requests import make_request


async def test_a_flood_from_one_user_does_not_limit_others(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'r.db'}",  # type: ignore[call-arg]
                        data_dir=tmp_path, rate_limit_burst=5, rate_limit_per_minute=6)
    async with running(settings, clock=FakeClock()) as app:
        flood = [await app.dispatcher.handle(make_request("help", user="spammer"))
                 for _ in range(20)]
        limited = [r[0] for r in flood if r and r[0].template == "errors/slow_down"]
        assert len(limited) == 1  # a burst of 5, then one notice
        assert sum(1 for r in flood if not r) == 14  # the rest are dropped without a reply
        text = app.renderer.render(limited[0], Format.PLAIN)
        assert "faster than I can answer" in text
        other = await app.dispatcher.handle(make_request("help", user="someone-else"))
        assert other[0].template == "help"


async def test_a_crashing_handler_becomes_an_apology(tmp_path: Path, caplog: Any) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'c.db'}",  # type: ignore[call-arg]
                        data_dir=tmp_path, rate_limit_burst=0)

    async def boom(ctx: CommandContext, args: dict[str, Any]) -> Reply:
        raise RuntimeError("kaboom")

    async with running(settings, clock=FakeClock()) as app:
        app.registry.add(CommandSpec("boom", "Always fails", "Fails.", boom))
        request = make_request("boom", kind=ChatKind.GROUP, chat="-5")
        replies = await app.dispatcher.handle(request)
        assert replies[0].is_error
        assert "something went wrong on my side" in app.renderer.render(replies[0],
                                                                         Format.PLAIN)
        assert "kaboom" in caplog.text and "command /boom failed" in caplog.text
        # The bot keeps serving.
        assert (await app.dispatcher.handle(make_request("help")))[0].template == "help"


async def test_a_flood_of_unknown_commands_is_a_flood_too(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'u.db'}",  # type: ignore[call-arg]
                        data_dir=tmp_path, rate_limit_burst=3, rate_limit_per_minute=1)
    async with running(settings, clock=FakeClock()) as app:
        flood = [await app.dispatcher.handle(make_request("nope", user="spammer"))
                 for _ in range(10)]
    assert [r[0].template for r in flood[:4]] == ["errors/unknown_command"] * 3 + [
        "errors/slow_down"]
    assert flood[4:] == [[]] * 6


async def test_with_redis_unreachable_the_flood_limit_counts_in_the_process(
        tmp_path: Path, caplog: Any) -> None:
    """REDIS_URL set but nothing listening: commands are still answered, a flood is still
    limited (by this process's own count), and the outage is logged once."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # a port nobody listens on
    port = closed.getsockname()[1]
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'x.db'}",  # type: ignore[call-arg]
                        data_dir=tmp_path, rate_limit_burst=3, rate_limit_per_minute=1,
                        redis_url=f"redis://127.0.0.1:{port}/0")
    try:
        async with running(settings, clock=FakeClock()) as app:
            flood = [await app.dispatcher.handle(make_request("help", user="spammer"))
                     for _ in range(6)]
    finally:
        closed.close()
    assert [r[0].template if r else None for r in flood] == [
        "help", "help", "help", "errors/slow_down", None, None]
    assert caplog.text.count("shared flood limit is unreachable") == 1


async def test_the_console_has_no_flood_limit(tmp_path: Path) -> None:
    """One local person at a keyboard, or a script piping lines: every command runs, however
    fast; the same person on a shared bot is limited."""
    from bot.core.types import Platform

    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'k.db'}",  # type: ignore[call-arg]
                        data_dir=tmp_path, rate_limit_burst=3, rate_limit_per_minute=1)
    async with running(settings, clock=FakeClock()) as app:
        console = [await app.dispatcher.handle(make_request("help", user="me",
                                                            platform=Platform.CONSOLE))
                   for _ in range(30)]
        telegram = [await app.dispatcher.handle(make_request("help", user="me"))
                    for _ in range(5)]
    assert [r[0].template for r in console] == ["help"] * 30
    assert [r[0].template if r else None for r in telegram] == [
        "help", "help", "help", "errors/slow_down", None]


async def test_the_flood_notice_names_the_command_in_the_persons_language(
        tmp_path: Path) -> None:
    """The notice is in the /settings language (not the platform's locale) and says which
    command was not run."""
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'n.db'}",  # type: ignore[call-arg]
                        data_dir=tmp_path, rate_limit_burst=2, rate_limit_per_minute=1)
    async with running(settings, clock=FakeClock()) as app:
        await app.dispatcher.handle(make_request("settings", "language=de", user="maya"))
        await app.dispatcher.handle(make_request("help", user="maya"))
        [notice] = await app.dispatcher.handle(make_request("stats", user="maya"))
        text = app.renderer.render(notice, Format.PLAIN)
    assert notice.template == "errors/slow_down" and notice.locale == "de"
    assert "/stats" in text and "nicht ausgeführt" in text


async def test_errors_before_the_command_runs_use_the_chosen_language(tmp_path: Path) -> None:
    """Unknown command, not allowed, bad arguments: the person's /settings language wins
    over the platform's locale (request.locale "en")."""
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'l.db'}",  # type: ignore[call-arg]
                        data_dir=tmp_path, rate_limit_burst=0)
    async with running(settings, clock=FakeClock()) as app:
        await app.dispatcher.handle(make_request("settings", "language=de", user="maya"))
        [typo] = await app.dispatcher.handle(make_request("stast", user="maya"))
        [group] = await app.dispatcher.handle(make_request("subscribe", user="maya",
                                                           kind=ChatKind.GROUP, chat="-7"))
        [stranger] = await app.dispatcher.handle(make_request("stast", user="someone"))
        typo_text = app.renderer.render(typo, Format.PLAIN)
        group_text = app.renderer.render(group, Format.PLAIN)
        stranger_text = app.renderer.render(stranger, Format.PLAIN)
    assert typo.locale == "de" and "/stast kenne ich nicht" in typo_text
    assert group.locale == "de" and group.template == "errors/not_allowed", group_text
    assert stranger.locale == "en" and "I don't know /stast" in stranger_text


async def test_one_users_commands_take_turns_and_idle_users_leave_no_lock() -> None:
    """The per-user lock (``_UserLocks``): a second command of the same person waits for
    the first, another person's does not; a command cancelled while it waits, or one that
    fails inside, gives its turn back; nothing is kept for a person with no command left."""
    locks = _UserLocks()
    maya, sam = ("discord", "1"), ("discord", "2")
    order: list[str] = []
    first_in, let_go = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with locks.hold(maya):
            order.append("first in")
            first_in.set()
            await let_go.wait()
            order.append("first out")

    async def second() -> None:
        async with locks.hold(maya):
            order.append("second in")

    async def other() -> None:
        async with locks.hold(sam):
            order.append("other in")

    running_first = asyncio.create_task(first())
    await first_in.wait()
    waiting = asyncio.create_task(second())
    cancelled = asyncio.create_task(second())
    await asyncio.sleep(0)
    await other()  # another person's command is not held up
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert order == ["first in", "other in"]
    let_go.set()
    await asyncio.gather(running_first, waiting)
    assert order == ["first in", "other in", "first out", "second in"]
    with pytest.raises(RuntimeError, match="inside"):
        async with locks.hold(maya):
            raise RuntimeError("inside")
    async with locks.hold(maya):  # free again after the failure
        pass
    assert locks._locks == {}
    locks.hold(sam)  # made, never entered (review: it was counted when made)
    assert locks._locks == {}
