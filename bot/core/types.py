"""The platform-neutral seam: a frozen Request comes in, Reply values go out.

Nothing here knows Discord or Telegram. Adapters build a :class:`Request` from a native event
and turn each :class:`Reply` into native messages; handlers never do I/O on the platform.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class Platform(StrEnum):
    CONSOLE = "console"
    TELEGRAM = "telegram"
    DISCORD = "discord"


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    CHANNEL = "channel"


class Visibility(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"  # only the requesting user should see it


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Request:
    platform: Platform
    user_id: str
    display_name: str
    chat_id: str
    chat_kind: ChatKind
    command: str
    raw_args: str = ""
    is_admin: bool = False
    locale: str = "en"
    received_at: datetime = field(default_factory=_now)
    event_id: str | None = None  # the platform's update / interaction id, for logs
    attachments: tuple[Attachment, ...] = ()  # files sent with the command (e.g. a CSV)
    thread_id: str | None = None  # the forum topic the command was sent in (Telegram)
    #: Why the bot may not post in this chat on its own (a missing permission, an app not in
    #: the server), as the adapter found out; None: it may.
    cannot_post: str | None = None


@dataclass(frozen=True, slots=True)
class Action:
    """A button the adapter may show. Pressing it runs ``command`` as the same user."""

    label: str
    command: str  # a full command line, e.g. "/forget cancel"
    style: str = "secondary"  # "primary" | "secondary" | "danger"
    url: str | None = None  # a link button instead: opens ``url`` (``command`` is unused)
    #: Pressing it makes a choice (*Save anyway*, *Delete everything*, *Cancel*): the buttons
    #: of its message take that one press, on every platform, and a second is expired. False
    #: for a button that only shows more (*Why this tip?*): it answers every press.
    choice: bool = True


@dataclass(frozen=True, slots=True)
class Reply:
    template: str
    context: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # None: as the command declares (private for personal commands, public otherwise)
    visibility: Visibility | None = None
    attachments: tuple[Attachment, ...] = ()
    actions: tuple[Action, ...] = ()
    is_error: bool = False
    title: str | None = None  # short heading; Discord uses it as the embed title
    # Machine-readable values for `ask --json` (plain numbers under their names); merged over
    # the context, so a key here replaces the formatted one.
    data: Mapping[str, Any] | None = None
    #: Nothing was stored: the input looked wrong (an implausible /log, a payout logged
    #: already) and the reply asks for ``confirm`` first. ``ask`` exits 3 on such a reply.
    held: bool = False
    #: The language it is rendered in (see bot.i18n); None: the language of the work being
    #: done (the dispatcher sets each reply's to the requester's language).
    locale: str | None = None
