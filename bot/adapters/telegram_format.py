"""Telegram-specific text rules: message splitting, button data and the adapter's own notes.

- :func:`split_html` splits rendered Telegram HTML to the 4096-character limit the way Telegram
  counts it (visible text after entity parsing, in UTF-16 code units): on blank lines first, then
  on lines, and only inside a line that alone is too long. A tag left open at a cut is closed at
  the end of one message and reopened at the start of the next, so no message is ever cut
  mid-tag or mid-entity.
- :class:`ButtonCodec` turns a :class:`~bot.core.types.Action` into ``callback_data`` (at most
  64 bytes) and back; a longer one is kept in the store, so any worker can read it back.
- The few sentences the adapter itself says (the group note that opens the private chat,
  "Cancelled.") are built here, with every user-supplied string escaped.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.guided import CANCEL_SUMMARY as CANCEL_SUMMARY
from bot.core.guided import CANCELLED as CANCELLED
from bot.core.guided import NOTHING_TO_CANCEL as NOTHING_TO_CANCEL
from bot.i18n import N_, lazy
from bot.render.formats import escape_telegram_html

LIMIT = 4096  # characters in one message, after entity parsing
CALLBACK_DATA_LIMIT = 64  # bytes of callback_data

_ATOM = re.compile(r"<[^<>]*>|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);|.", re.DOTALL)
# The same, but plain text as whole runs: for measuring, where cutting points don't matter.
_RUN = re.compile(r"<[^<>]*>|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);|[^<&]+|.", re.DOTALL)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*>")
# A visible character for sure: neither space nor markup, outside every tag (after the start
# or a ">", with no "<") and outside every entity (no "&" before it since).
_PLAIN_CHARACTER = re.compile(r"(?:^|>)[^<&]*?[^\s<&]")


def _units(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts it."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _width(atom: str) -> int:
    if len(atom) > 1 and atom[0] == "<":
        return 0  # a tag
    if len(atom) > 1 and atom[0] == "&":
        return _units(html.unescape(atom))  # an entity
    return _units(atom)


def visible_length(text: str) -> int:
    """How long Telegram considers ``text`` (HTML) to be."""
    if "<" not in text and "&" not in text:
        return _units(text)
    return sum(_width(atom) for atom in _RUN.findall(text))


def split_html(text: str, limit: int = LIMIT) -> list[str]:
    """Split Telegram HTML into messages of at most ``limit`` visible characters each.

    Parts with no visible text (Telegram refuses them) are dropped.
    """
    # Tags and entities only ever make the visible text shorter than the source, so a text
    # no longer than the limit as written (a usual reply) needs no measuring.
    if _units(text) <= limit or visible_length(text) <= limit:
        return [text] if _has_text(text) else []
    parts: list[str] = []
    current, size = "", 0

    def add(piece: str, width: int, separator: str) -> None:
        nonlocal current, size
        if current and size + len(separator) + width <= limit:
            current, size = current + separator + piece, size + len(separator) + width
            return
        if current:
            parts.append(current)
        current, size = piece, width

    for block in text.split("\n\n"):
        width = visible_length(block)
        if width <= limit:
            add(block, width, "\n\n")
            continue
        for index, line in enumerate(block.split("\n")):
            separator = "\n\n" if index == 0 else "\n"
            line_width = visible_length(line)
            if line_width <= limit:
                add(line, line_width, separator)
                continue
            for piece in _cut(line, limit):
                add(piece, visible_length(piece), separator)
                separator = ""
    if current:
        parts.append(current)
    return [p for p in _rebalance(parts) if _has_text(p)]


def _cut(line: str, limit: int) -> list[str]:
    """A line longer than ``limit``: cut between atoms (never inside a tag or an entity),
    preferably after a space."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for atom in _ATOM.findall(line):
        width = _width(atom)
        if size + width > limit and current:
            spaces = [i for i, a in enumerate(current) if a == " "]
            cut = spaces[-1] + 1 if spaces and spaces[-1] + 1 > len(current) // 2 else len(current)
            pieces.append("".join(current[:cut]))
            current = current[cut:]
            size = sum(_width(a) for a in current)
        current.append(atom)
        size += width
    if current:
        pieces.append("".join(current))
    return pieces


def _rebalance(parts: list[str]) -> list[str]:
    """Close the tags a part leaves open and reopen them at the start of the next part."""
    out: list[str] = []
    carried: list[tuple[str, str]] = []  # (tag name, opening tag as written)
    for part in parts:
        prefix = "".join(opening for _, opening in carried)
        stack = list(carried)
        for match in _TAG.finditer(part):
            closing, name = match.group(1) == "/", match.group(2).lower()
            if not closing:
                stack.append((name, match.group(0)))
                continue
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == name:
                    del stack[i]
                    break
        suffix = "".join(f"</{name}>" for name, _ in reversed(stack))
        out.append(prefix + part + suffix)
        carried = stack
    return out


def _has_text(text: str) -> bool:
    if _PLAIN_CHARACTER.search(text):  # a usual reply: no need to strip it of its tags
        return True
    return bool(html.unescape(_TAG.sub("", text)).strip())


# -- buttons ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Button:
    """What an inline button does when pressed."""

    command: str  # a full command line, e.g. "/forget cancel"
    owner: str | None  # only this sender may press it (None: anyone)
    edit: bool  # the answer replaces the message that carries the button
    #: A choice (:attr:`bot.core.types.Action.choice`): the message's buttons take one press.
    choice: bool = True


class ButtonStore(Protocol):
    """Where :class:`ButtonCodec` keeps the buttons too long for ``callback_data`` (the
    store's :meth:`~bot.core.ports.Store.keep_button` and :meth:`~bot.core.ports.Store.button`)."""

    async def keep_button(self, platform: str, key: str, owner: str | None, data: str,
                          expires_at: datetime, now: datetime) -> None: ...

    async def button(self, platform: str, key: str, now: datetime) -> str | None: ...


#: How long a button too long for ``callback_data`` can still be pressed after it was last
#: sent (a short one carries its whole command and never expires).
BUTTON_LIFETIME = timedelta(days=7)


class ButtonCodec:
    """``callback_data`` is at most 64 bytes: ``"e<owner>:<command line>"`` when that fits (it
    survives restarts; the first letter ``e`` when the answer replaces the message, else
    ``s``, upper case for a button that only shows more: a button sent before choices were
    told apart reads as a choice, one press), otherwise ``"#<key>"``, the key under which that same
    text is kept in the store for :data:`BUTTON_LIFETIME` (so whichever worker receives the
    press runs it).

    The key is a hash of the text (20 URL-safe characters of SHA-256): the same button sent
    again reuses its row (and extends its lifetime), and no one can guess another's key."""

    platform = "telegram"

    def __init__(self, store: ButtonStore, lifetime: timedelta = BUTTON_LIFETIME) -> None:
        self._store = store
        self._lifetime = lifetime

    async def encode(self, button: Button, now: datetime) -> str:
        """The ``callback_data`` for ``button``, kept in the store if it is too long."""
        mode = "e" if button.edit else "s"
        data = f"{mode if button.choice else mode.upper()}{button.owner or ''}:{button.command}"
        if len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
            return data
        digest = hashlib.sha256(data.encode("utf-8")).digest()[:15]
        key = base64.urlsafe_b64encode(digest).decode("ascii")
        await self._store.keep_button(self.platform, key, button.owner, data,
                                      now + self._lifetime, now)
        return f"#{key}"

    async def decode(self, data: str | None, now: datetime) -> Button | None:
        """The button behind ``callback_data``; None when malformed, unknown or expired."""
        if not data:
            return None
        if data.startswith("#"):
            kept = await self._store.button(self.platform, data[1:], now) \
                if _KEY.fullmatch(data[1:]) else None
            return None if kept is None or kept.startswith("#") else _parse(kept)
        return _parse(data)


_KEY = re.compile(r"[A-Za-z0-9_-]{20}")


def _parse(data: str) -> Button | None:
    mode = data[0]
    owner, sep, command = data[1:].partition(":")
    if mode not in "esES" or not sep or not command.startswith("/"):
        return None
    return Button(command=command, owner=owner or None, edit=mode in "eE",
                  choice=mode.islower())


# -- what the adapter says itself ---------------------------------------------------------------

# Message ids (English); the adapter says them in the person's language with i18n.translate.
OPEN_PRIVATE_CHAT = N_("Open a private chat")
NOT_A_COMMAND = N_("Commands start with /, for example /help or /log followers=12k.")
BUTTON_EXPIRED = N_("This button has expired. Send the command again.")
FILE_NOT_FETCHED = N_("I couldn't fetch that file from Telegram. Please send it again.")
NOT_YOURS = N_("These buttons belong to the person who ran the command. Run it yourself to get "
               "yours.")


def file_too_large(limit: str) -> str:
    return lazy("That file is too large for me; send at most %(limit)s.", limit=limit)


def personal_note(name: str, command: str) -> str:
    """The public answer to a personal command sent in a group: no numbers, a way out."""
    return lazy("%(name)s, /%(command)s works with your own numbers, so I answer it in a "
                "private chat. Tap the button below.", name=escape_telegram_html(name),
                command=command)


def sent_privately(name: str) -> str:
    return lazy("%(name)s, I've sent you the answer in a private message.",
                name=escape_telegram_html(name))


def start_private_first(name: str) -> str:
    return lazy("%(name)s, I can't message you privately until you open a chat with me: tap "
                "the button below, press Start, then try again.", name=escape_telegram_html(name))
