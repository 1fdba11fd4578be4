"""A first-time /log makes its creator's row in its own write (``creates_user``): every path
it can take before that write (prompted, held back, refused, a confirm for other numbers)
leaves the creator stored and never reads the user it has not made yet; a command that
would is named in one clear error (``NoUserYet``), never a bare LookupError."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import App, running
from bot.config import Settings
from bot.core.context import CommandContext, NoUserYet
from bot.core.registry import CommandSpec
from bot.core.types import Reply
from tests.auxil.clock import FakeClock
from tests.auxil.requests import make_request

FIRST_LINES = [
    ("prompted", "/log", True),  # asks for the numbers
    ("held", "/log views=2k likes=3k", True),  # likes above views: held for a confirm
    ("other-key", "/log views=2k likes=3k confirm key=0000aaaa", True),  # still held
    ("refused", "/log followers=lots", False),  # bad arguments: nothing runs
    ("bad-key", "/log followers=12k key=??", False),  # a key that is none
]


@pytest.mark.parametrize(("name", "line", "runs"), FIRST_LINES)
async def test_every_first_log_path_leaves_its_creator_stored(
        console: ConsoleAdapter, app: App, name: str, line: str, runs: bool) -> None:
    result = await console.ask(line, user=name)
    assert "went wrong" not in result.text, result.text
    user = await app.store.find_user("console", name)
    assert (user is not None) == runs, (name, result.text)
    # and the next /log of theirs is stored for them
    assert (await console.ask("/log followers=12k", user=name)).ok
    user = await app.store.find_user("console", name)
    assert user is not None and len(await app.store.history(user.id)) == 1


async def test_reading_the_user_before_the_first_write_is_a_named_error(
        tmp_path: Path, caplog: Any) -> None:
    """Review item: ``ctx.user`` raised a bare LookupError ("a newcomer's user is made by the
    command's first write") for a creates_user command read before its write; it is
    :class:`NoUserYet`, naming the command and what to do, and the row is made anyway."""
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'n.db'}",  # type: ignore[call-arg]
                        data_dir=tmp_path, rate_limit_burst=0)
    seen: list[BaseException] = []

    async def early(ctx: CommandContext, args: dict[str, Any]) -> Reply:
        try:
            return Reply("help", {"user": ctx.user.id})
        except LookupError as exc:
            seen.append(exc)
            raise

    async with running(settings, clock=FakeClock()) as app:
        app.registry.add(CommandSpec("early", "Reads its user first", "Reads.", early,
                                     creates_user=True))
        replies = await app.dispatcher.handle(make_request("early", user="newbie"))
        assert replies[0].is_error
        (exc,) = seen
        assert isinstance(exc, NoUserYet), exc
        assert "/early read ctx.user before its first write" in str(exc)
        assert "/early read ctx.user before its first write" in caplog.text
        assert await app.store.find_user("telegram", "newbie") is not None
