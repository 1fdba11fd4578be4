from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.types import ChatKind, Platform, Request

if TYPE_CHECKING:
    from bot.adapters.console import ConsoleAdapter, ConsoleResult
    from bot.core.ports import Store


def make_request(command: str, raw_args: str = "", *, user: str = "u1",
                 chat: str = "c1", kind: ChatKind = ChatKind.PRIVATE, admin: bool = False,
                 platform: Platform = Platform.TELEGRAM) -> Request:
    return Request(platform=platform, user_id=user, display_name=user, chat_id=chat,
                   chat_kind=kind, command=command, raw_args=raw_args, is_admin=admin)


async def forget_everything(console: ConsoleAdapter, *, user: str | None = None
                            ) -> ConsoleResult:
    """/forget, then the confirm its list shows (the key it issued): a bare /forget confirm
    only shows the list."""
    preview = await console.ask("/forget", user=user)
    confirm = preview.replies[0].actions[0].command
    assert confirm.startswith("/forget confirm key="), confirm
    return await console.ask(confirm, user=user)


async def forget_args(store: Store, platform: str, user_id: str) -> str:
    """The raw arguments of the confirm /forget's list would show this account now (a
    bare ``confirm`` only shows the list); just ``confirm`` if there is no account yet."""
    from bot.commands.privacy import forget_key

    user = await store.find_user(platform, user_id)
    return "confirm" if user is None else f"confirm key={forget_key(user)}"


async def save_anyway(console: ConsoleAdapter, line: str, *, user: str | None = None
                      ) -> ConsoleResult:
    """``line`` (a /log without confirm), then, if its numbers were held back, the confirm
    the held reply shows (its *Save anyway* button, with the key of exactly those numbers):
    a typed ``confirm`` without that key is checked like any /log."""
    first = await console.ask(line, user=user)
    if not first.held:
        return first
    (button,) = [a for a in first.replies[0].actions if " confirm key=" in a.command]
    return await console.ask(button.command, user=user)
