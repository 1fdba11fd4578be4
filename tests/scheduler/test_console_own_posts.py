"""An interactive console on a shared database delivers its own user's weekly digest only:
another console user's stays due for ``post-due`` (or their own console), on both backends."""

from __future__ import annotations

import asyncio

import pytest

from bot import cli
from bot.adapters.console import ConsoleAdapter, ConsoleDeliverer
from bot.app import weekly_poster
from tests.auxil.clock import FakeClock


async def _due_digests(console: ConsoleAdapter, clock: FakeClock, *users: str) -> None:
    """Each of ``users`` logs numbers and subscribes for Monday 10:00 UTC; the clock then
    moves a week on, past it (the fixture clock is Monday 2 Nov 2026, 09:00 UTC)."""
    for user in users:
        assert (await console.ask("/log followers=7k views=60k", user=user)).ok
        done = await console.ask("/subscribe day=mon time=10:00 timezone=UTC", user=user)
        assert done.ok, done.text
    clock.advance(days=7, hours=1, minutes=1)


async def test_a_console_poster_sends_only_its_own_chat(both: ConsoleAdapter,
                                                        clock: FakeClock) -> None:
    await _due_digests(both, clock, "zed", "alice")
    app = both.app
    printed: list[str] = []
    mine = weekly_poster(app, {"console": ConsoleDeliverer(app, printed.append)},
                         chat_id=both.chat_id)
    planned = await mine.run_due(dry_run=True)
    assert [sub.chat_id for sub, _, _ in planned.planned] == ["console:alice"]
    report = await mine.run_due()
    assert report.sent == 1
    assert [line.splitlines()[0] for line in printed] == ["── weekly post for console:alice ──"]
    # zed's digest was neither printed nor used up: post-due (every chat) sends it.
    printed.clear()
    everyone = weekly_poster(app, {"console": ConsoleDeliverer(app, printed.append)})
    assert (await everyone.run_due()).sent == 1
    assert [line.splitlines()[0] for line in printed] == ["── weekly post for console:zed ──"]


async def test_the_interactive_console_leaves_other_users_digests(
        both: ConsoleAdapter, clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    await _due_digests(both, clock, "zed")
    app = both.app

    async def repl(self: ConsoleAdapter) -> None:  # the console stays open for a moment
        await asyncio.sleep(0.5)

    monkeypatch.setattr(ConsoleAdapter, "repl", repl)
    assert await cli._console(app) == 0
    assert "console:zed" not in capsys.readouterr().out
    (sub,) = await app.store.due_subscriptions(clock.now())
    assert sub.chat_id == "console:zed"
