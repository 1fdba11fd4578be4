"""Output formats: how each platform escapes user text, marks up emphasis, and splits long text.

Every value a template prints goes through the format's escape function unless it is already
:class:`~markupsafe.Markup` built by the format's own markup helpers, so no user string can
inject markup, mentions or links.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from markupsafe import Markup


class Format(StrEnum):
    PLAIN = "plain"
    TELEGRAM_HTML = "telegram_html"
    DISCORD_MD = "discord_md"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_MENTION = re.compile(r"@(?=\S)")
_URL = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*)://")


def escape_plain(text: str) -> str:
    """Terminal-safe: drop control characters (ANSI escapes, bidi overrides)."""
    return _CONTROL.sub("", text)


#: Anything :func:`escape_telegram_html` would change (a control character of
#: :data:`_CONTROL`, or ``&``, ``<``, ``>``); most printed values hold none of it and are
#: returned after this one scan.
_HTML_ANY = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def escape_telegram_html(text: str) -> str:
    """Telegram HTML: control characters dropped (as :func:`escape_plain`), ``&``, ``<`` and
    ``>`` written as entities (quotes are left as they are)."""
    if _HTML_ANY.search(text) is None:
        return text
    import html  # (here: a console or Discord reply never needs it; it imports html.entities)

    return html.escape(_CONTROL.sub("", text), quote=False)


#: A character :func:`escape_discord_md` would change (besides a ``://``, looked for apart:
#: one class alone is scanned by the regex engine's fast path, a class or ``://`` tried at
#: every position cost twice as long); most printed values (numbers, names) hold none of
#: them and are returned after these two scans instead of five.
_DISCORD_ANY = re.compile(r"[\\*_~`|>#\[\]()\-<@\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
                          r"\u202a-\u202e\u2066-\u2069]")


#: One pass of :func:`escape_discord_md`: control characters dropped (:data:`_CONTROL`), a
#: backslash before every markdown character and before ``<`` (``re.sub`` with a ``\\1``
#: template, as before, expanded it in Python for every match).
_DISCORD_TABLE = str.maketrans(
    {**{chr(c): None for c in (*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f,
                                *range(0x202a, 0x202f), *range(0x2066, 0x206a))},
     **{c: "\\" + c for c in "\\*_~`|>#[]()-<"}})


def escape_discord_md(text: str) -> str:
    """Neutralise markdown, mentions (@everyone, <@id>) and auto-linked URLs."""
    if _DISCORD_ANY.search(text) is None and "://" not in text:
        return text
    text = text.translate(_DISCORD_TABLE)
    if "@" in text:
        # a zero-width space after every "@" that something follows, and between "<" and
        # "@" ("<@" may never be printed: with a user id after it, it is a mention)
        text = _MENTION.sub("@\u200b", text).replace("<@", "<\u200b@")
    if "://" in text:
        text = _URL.sub(lambda m: m.group(1) + ":\u200b//", text)
    return text


@dataclass(frozen=True, slots=True)
class FormatSpec:
    escape: Callable[[str], str]
    bold: tuple[str, str]
    italic: tuple[str, str]
    code: tuple[str, str]
    limit: int  # longest message the platform accepts


FORMATS: dict[Format, FormatSpec] = {
    Format.PLAIN: FormatSpec(escape_plain, ("", ""), ("", ""), ("", ""), 1_000_000),
    Format.TELEGRAM_HTML: FormatSpec(
        escape_telegram_html, ("<b>", "</b>"), ("<i>", "</i>"), ("<code>", "</code>"), 4096
    ),
    Format.DISCORD_MD: FormatSpec(escape_discord_md, ("**", "**"), ("*", "*"), ("`", "`"), 2000),
}


#: No reply is longer than this many of the platform's messages: a reply built from user data
#: (a file's errors, a long list) is cut, whatever the command or the platform.
MAX_MESSAGES = 3


def message_size(fmt: Format) -> int:
    """Characters of one message in ``fmt`` (the console, which has no limit, as Telegram)."""
    return min(FORMATS[fmt].limit, FORMATS[Format.TELEGRAM_HTML].limit)


def cut_lines(text: str, budget: int) -> tuple[str, int]:
    """``text`` cut between lines (never inside one: a line holds whole tags) to at most
    ``budget`` characters, and how many lines were left out."""
    if len(text) <= budget:
        return text, 0
    lines = text.split("\n")
    kept, size = 0, 0
    for line in lines:
        if size + len(line) + 1 > budget:
            break
        kept += 1
        size += len(line) + 1
    return "\n".join(lines[:kept]), len(lines) - kept


def split(text: str, limit: int, cut: Callable[[str, int], list[str]] | None = None
          ) -> list[str]:
    """Split on blank lines, then on lines, never inside a line unless a line alone is too long.

    Templates keep every tag inside one line, so a split between lines never cuts a tag. A line
    alone over ``limit`` is cut by ``cut`` (default: every ``limit`` characters).
    """
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for block in text.split("\n\n"):
        candidate = f"{current}\n\n{block}" if current else block
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
            current = ""
        if len(block) <= limit:
            current = block
            continue
        for line in block.split("\n"):
            candidate = f"{current}\n{line}" if current else line
            if len(candidate) <= limit:
                current = candidate
                continue
            if current:
                parts.append(current)
            if cut is not None and len(line) > limit:
                *whole, line = cut(line, limit)
                parts += whole
            while len(line) > limit:
                parts.append(line[:limit])
                line = line[limit:]
            current = line
    if current:
        parts.append(current)
    return parts


#: Discord markdown, atom by atom: an escape (``\*``), a marker the templates write (``**``
#: bold, ``*`` italic, `` ` `` code), or one character.
_MD_ATOM = re.compile(r"\\.|\*\*|\*|`|.", re.DOTALL)


def _toggled(stack: tuple[str, ...], atom: str) -> tuple[str, ...]:
    """The markers open after ``atom``; inside a code span only a backtick counts."""
    if atom not in ("**", "*", "`") or ("`" in stack and atom != "`"):
        return stack
    if stack and stack[-1] == atom:
        return stack[:-1]
    return (*stack, atom)


def cut_markdown(line: str, limit: int) -> list[str]:
    """Cut one over-long line of Discord markdown into pieces of at most ``limit`` characters,
    never between an escape's backslash and its character, and never leaving markup open: a
    marker open at a cut is closed at the end of the piece and reopened at the next one (a
    marker that would open nothing before a cut moves to the next piece)."""
    pieces: list[str] = []
    start: tuple[str, ...] = ()  # markers open where the current piece starts
    body: list[str] = []  # the piece's atoms
    states: list[tuple[str, ...]] = []  # markers open after each atom of the body
    stack: tuple[str, ...] = ()
    size = 0
    for atom in _MD_ATOM.findall(line):
        after = _toggled(stack, atom)
        if body and size + len(atom) + _width(after) > limit:
            while body and len(states[-1]) > len(states[-2] if len(states) > 1 else start):
                body.pop()  # an opener right before the cut: it opens the next piece instead
                states.pop()
            if body:
                pieces.append("".join(start) + "".join(body)
                              + "".join(reversed(states[-1])))
            start, body, states, size = stack, [], [], _width(stack)
        body.append(atom)
        states.append(after)
        size += len(atom)
        stack = after
    if body:
        pieces.append("".join(start) + "".join(body))
    return pieces


def _width(markers: tuple[str, ...]) -> int:
    return sum(len(m) for m in markers)


#: Telegram HTML, atom by atom: a tag, an entity, or one character.
_HTML_ATOM = re.compile(r"<[^<>]*>|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);|.", re.DOTALL)
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*>")


def cut_html(line: str, limit: int) -> list[str]:
    """Cut one over-long line of Telegram HTML into pieces of at most ``limit`` characters (as
    written), never inside a tag or an entity: a tag open at a cut is closed at the end of the
    piece and reopened at the start of the next."""
    pieces: list[str] = []
    start: tuple[tuple[str, str], ...] = ()  # (name, opening tag) open where the piece starts
    body: list[str] = []
    stack: tuple[tuple[str, str], ...] = ()
    size = 0
    for atom in _HTML_ATOM.findall(line):
        after = stack
        tag = _HTML_TAG.fullmatch(atom)
        if tag is not None:
            name = tag.group(2).lower()
            if tag.group(1):
                names = [n for n, _ in stack]
                if name in names:
                    at = len(names) - 1 - names[::-1].index(name)
                    after = stack[:at] + stack[at + 1:]
            else:
                after = (*stack, (name, atom))
        closing = sum(len(n) + 3 for n, _ in after)
        if body and size + len(atom) + closing > limit:
            pieces.append("".join(o for _, o in start) + "".join(body)
                          + "".join(f"</{n}>" for n, _ in reversed(stack)))
            start, body = stack, []
            size = sum(len(o) for _, o in start)
        body.append(atom)
        size += len(atom)
        stack = after
    if body:
        pieces.append("".join(o for _, o in start) + "".join(body))
    return pieces


def split_for(fmt: Format, text: str, limit: int) -> list[str]:
    """:func:`split` with ``fmt``'s own cut for a line too long for one message (never inside
    an escape, an entity or a tag, markup closed and reopened at the cut)."""
    if fmt is Format.DISCORD_MD:
        return split(text, limit, cut_markdown)
    if fmt is Format.TELEGRAM_HTML:
        return split(text, limit, cut_html)
    return split(text, limit)


def split_markdown(text: str, limit: int) -> list[str]:
    """:func:`split` for Discord markdown: an over-long line is cut by :func:`cut_markdown`."""
    return split(text, limit, cut_markdown)


__all__ = ["FORMATS", "MAX_MESSAGES", "Format", "FormatSpec", "Markup", "cut_html",
           "cut_lines", "cut_markdown", "message_size", "split", "split_for", "split_markdown"]
