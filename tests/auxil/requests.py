from __future__ import annotations

from bot.core.types import ChatKind, Platform, Request


def make_request(command: str, raw_args: str = "", *, user: str = "u1",
                 chat: str = "c1", kind: ChatKind = ChatKind.PRIVATE, admin: bool = False,
                 platform: Platform = Platform.TELEGRAM) -> Request:
    return Request(platform=platform, user_id=user, display_name=user, chat_id=chat,
                   chat_kind=kind, command=command, raw_args=raw_args, is_admin=admin)
