"""Command and option names as Discord's menu shows them, in replies too.

Discord shows each slash command and option under its ``name_localizations`` entry for the
user's client language, and sends back the English name. Replies, help texts, tips and weekly
posts are written with English command lines (``/log views=40k``, ``/help log``), the ones
Telegram and the console take. On Discord, :func:`localise_commands` rewrites every such
command line to the names the reader's menu shows (``/eintragen aufrufe=40k``,
``/hilfe eintragen``), from the same table the menu is built from (:func:`shown_name`), so what
a reply says to type is what the menu offers.

A command line is recognised exactly: ``/`` + a command the registry has, at the start of the
text or after a space or an opening mark (never inside a URL, a path or a word), and ending
at a space, punctuation or the end; after it, its own options as ``name=value``,
``name:value`` or a bare flag (and, for ``/help``, a command name), up to the first word that
is none of these. Values are never changed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from bot import i18n
from bot.core.fieldnames import column_names
from bot.core.registry import ArgType, CommandSpec, Registry
from bot.i18n import NP_

#: The catalogue contexts of command and option names (see bot.i18n.NAME_ARGS).
NameKind = Literal["command name", "option name"]
COMMAND_NAME: Final[NameKind] = "command name"
OPTION_NAME: Final[NameKind] = "option name"
#: The option name of the file a command accepts (``CommandSpec.accepts_file``).
FILE_OPTION: Final = NP_("option name", "file")
#: Arguments whose value is a command name (``/help log``): shown as the menu names it.
COMMAND_VALUED: Final = frozenset({("help", "command")})
_NAME_MAX = 32


def _name_char(c: str) -> bool:
    """A character Discord allows in a command or option name: ``-``, ``_``, a letter or a
    number (Unicode categories L and N), or a Devanagari or Thai mark."""
    return (c in "-_" or unicodedata.category(c)[0] in "LN"
            or "\u0900" <= c <= "\u097f" or "\u0e00" <= c <= "\u0e7f")


def valid_name(name: str) -> bool:
    """Whether Discord accepts ``name`` as a command or option name: 1–32 characters matching
    ``^[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$``, lowercase where the letter
    has a lowercase form."""
    return (1 <= len(name) <= _NAME_MAX and all(_name_char(c) for c in name)
            and name == name.lower())


def discord_name(text: str) -> str | None:
    """A translated name as Discord takes it: lowercased, spaces as ``_``; ``None`` (no
    localisation for that language, Discord shows the English name) if it still isn't
    valid."""
    name = "_".join(text.strip().lower().split())
    return name if valid_name(name) else None


def localised_name(kind: NameKind, name: str, language: str) -> str | None:
    """The ``name_localizations`` entry of a command or option ``name`` for ``language`` (a
    supported language, see bot.i18n.LANGUAGES): its catalogue translation in ``kind``'s
    context made valid by :func:`discord_name`; ``None`` when there is none (English, no
    translation, or one Discord would refuse), and Discord then shows the English name."""
    if language == i18n.SOURCE:
        return None
    with i18n.using(language):
        translated = i18n.pgettext(kind, name)
    return None if translated == name else discord_name(translated)


def shown_name(kind: NameKind, name: str, language: str) -> str:
    """The name Discord's menu shows for ``name`` in ``language``: the localisation, else the
    English name itself."""
    return localised_name(kind, name, language) or name


@dataclass(frozen=True, slots=True)
class MenuNames:
    """Every name of one registry as the menu shows it in one language.

    ``commands``: English command name -> shown name. ``options``: command -> the names a
    command line may use for an option (its name and aliases) -> the option's shown name.
    ``flags``: command -> its options that stand alone (``confirm``). ``fields``: the names
    replies give the bot's own fields in ``language`` (bot.domain.fieldnames.field_name,
    German ``Aufrufe pro Video``), lowercased -> the English key, where they differ from it.
    ``language``: the language they are in. Built by :func:`menu_names`."""

    language: str
    commands: Mapping[str, str]
    options: Mapping[str, Mapping[str, str]]
    flags: Mapping[str, frozenset[str]]
    fields: Mapping[str, str] = field(default_factory=dict)
    #: Whether every shown name is the English one (nothing to rewrite).
    english: bool = field(init=False)
    #: The patterns :func:`localise_commands` looks for, compiled once per set of names: a
    #: command line's ``/name`` (:func:`_mention`), and a field's name in ``language`` after
    #: it (:func:`_field_word`; None when no field has a name of its own there).
    mention: re.Pattern[str] = field(init=False, repr=False, compare=False)
    field_word: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    #: Lines already rewritten in these names (:func:`_rewrite`): (line, in code) -> result.
    #: Most lines that quote a command are a template's own text, the same for everyone.
    lines: dict[tuple[str, bool], str] = field(default_factory=dict, init=False, repr=False,
                                               compare=False)

    def __post_init__(self) -> None:
        english = all(k == v for k, v in self.commands.items()) and all(
            k == v for names in self.options.values() for k, v in names.items()
        ) and not self.fields
        object.__setattr__(self, "english", english)
        object.__setattr__(self, "mention", _mention(frozenset(self.commands)))
        object.__setattr__(self, "field_word",
                           _field_word(frozenset(self.fields)) if self.fields else None)

    def command(self, name: str) -> str:
        """The shown name of command ``name`` (``name`` itself when unknown)."""
        return self.commands.get(name, name)

    def english_command(self, shown: str) -> str:
        """The English name of the command shown as ``shown`` (``/`` and case ignored);
        ``shown`` itself when it names none."""
        key = shown.strip().lstrip("/").lower()
        for english, local in self.commands.items():
            if key in (english, local):
                return english
        return shown


def _option_names(spec: CommandSpec, language: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for arg in spec.args:
        local = shown_name(OPTION_NAME, arg.name, language)
        for written in (arg.name, *arg.aliases):
            out.setdefault(written, local)
    if spec.accepts_file:
        out.setdefault(FILE_OPTION, shown_name(OPTION_NAME, FILE_OPTION, language))
    return out


def menu_names(registry: Registry, language: str) -> MenuNames:
    """The names Discord's menu shows to a client in ``language`` (a supported language, see
    bot.i18n.LANGUAGES; callers keep the result: it reads the catalogue for every name)."""
    specs = list(registry)
    return MenuNames(
        language=language,
        commands={s.name: shown_name(COMMAND_NAME, s.name, language) for s in specs},
        options={s.name: _option_names(s, language) for s in specs},
        flags={s.name: frozenset(a.name for a in s.args if a.type is ArgType.FLAG)
               for s in specs},
        fields=_field_names(language),
    )


def _field_names(language: str) -> dict[str, str]:
    """The field names replies are written with in ``language`` (German ``Follower=12k``,
    which the console and Telegram read), lowercased -> the English key, where they differ."""
    with i18n.using(language):
        names = column_names()
    return {local.lower(): key for key, local in names.items() if local != key}


@functools.lru_cache(maxsize=16)
def _field_word(fields: frozenset[str]) -> re.Pattern[str]:
    """A field's name in the reply's language followed by ``=`` or ``:`` and a value, after a
    command line's name (``/log Aufrufe pro Video=8k``); markdown may escape its ``-``."""
    def phrase(name: str) -> str:
        return r" +".join("".join(r"\\?" + re.escape(c) if c in "-_" else re.escape(c)
                                  for c in word) for word in name.split())
    names = "|".join(phrase(n) for n in sorted(fields, key=len, reverse=True))
    return re.compile(rf" +({names})([=:])([^\s`*()\[\]{{}}（）「」『』、。，]*)(?![\w])",
                      re.IGNORECASE)


# A command line's "/": at the start or after anything but an ASCII letter or digit or a
# character of a URL or a path (so "example.com/log", "a/log" and "https://…/log" are not one);
# after the name, anything but an ASCII letter or digit, "_", "/", ".x" or "-x" (so "/logs",
# "/log-in", "/log.txt" are not one; German "/log-Einträge" is). Japanese text may write
# "/logで": that is one.
_BEFORE_SLASH = r"[A-Za-z0-9_./:\\\-~%#=&?+@]"
_AFTER = r"(?![A-Za-z0-9_/]|-[a-z0-9]|\.[A-Za-z0-9])"
# A word after a command line's name: an ASCII name (markdown may escape its "_"), then for an
# option with a value "=" or ":" and the value, which ends at a space, markup or a bracket
# (Japanese writes "(/log followers=12k)か" with no space after it).
_WORD = re.compile(r" +([A-Za-z][A-Za-z0-9_\\]*)(?:([=:])([^\s`*()\[\]{}（）「」『』、。，]*))?"
                   r"(?![A-Za-z0-9_])")
_CODE = re.compile(r"(`+)(.*?)\1", re.DOTALL)


@functools.lru_cache(maxsize=64)
def _mention(commands: frozenset[str]) -> re.Pattern[str]:
    """``/name`` not after a :data:`_BEFORE_SLASH` character. The pattern starts with the
    literal ``/`` (the character before it checked by a lookbehind that spans it), so ``re``
    jumps from slash to slash: a lookbehind first was tried at every character of the reply,
    about nine times the time on a long one."""
    names = "|".join(sorted(map(re.escape, commands), key=len, reverse=True))
    return re.compile(rf"/(?<!{_BEFORE_SLASH}/)({names}){_AFTER}", re.MULTILINE)


def _escape(name: str, in_code: bool) -> str:
    """A shown name as markdown text: ``_`` and ``-`` escaped outside code spans."""
    return name if in_code else name.replace("_", "\\_").replace("-", "\\-")


_UNESCAPE_SPACES = re.compile(r"\\|\s+")


def _field_key(written: str) -> str:
    """A field's name as a reply writes it (``Aufrufe\\ pro  Video``) as :attr:`MenuNames.fields`
    keys it: markdown escapes dropped, each run of spaces one space, lowercased."""
    return _UNESCAPE_SPACES.sub(lambda m: "" if m[0] == "\\" else " ", written).lower()


#: Lines :attr:`MenuNames.lines` keeps per language; past it, it starts again (a reply's lines
#: with user data in them must not grow it without end). Longer lines (a video title, a
#: pasted note) are rewritten each time rather than kept: at most about 1 MiB a language.
MEMO_LINES = 4096
MEMO_LINE_LENGTH = 200


def _rewrite(text: str, names: MenuNames, in_code: bool) -> str:
    """``text`` with its command lines in ``names``, line by line: a command line never goes
    on past the end of its line (an option comes after spaces, a value ends at a space), so
    each line is rewritten alone, and a line rewritten before is looked up."""
    if "/" not in text:  # most code spans and many pieces between them: no command line
        return text
    if "\n" not in text:
        return _rewrite_line(text, names, in_code)
    return "\n".join(_rewrite_line(line, names, in_code) if "/" in line else line
                     for line in text.split("\n"))


def _rewrite_line(line: str, names: MenuNames, in_code: bool) -> str:
    if len(line) > MEMO_LINE_LENGTH:
        return _rewrite_commands(line, names, in_code)
    memo = names.lines
    done = memo.get((line, in_code))
    if done is None:
        done = _rewrite_commands(line, names, in_code)
        if len(memo) >= MEMO_LINES:
            memo.clear()
        memo[line, in_code] = done
    return done


def _rewrite_commands(text: str, names: MenuNames, in_code: bool) -> str:
    out: list[str] = []
    pos = 0
    field_word = names.field_word
    for match in names.mention.finditer(text):
        if match.start() < pos:  # inside the options of the previous command line
            continue
        command = match.group(1)
        out.append(text[pos:match.start()])
        out.append("/" + _escape(names.command(command), in_code))
        pos = match.end()
        while True:
            if field_word is not None and (local := field_word.match(text, pos)) is not None:
                key = names.fields.get(_field_key(local.group(1)))
                shown_field = None if key is None else names.options[command].get(key)
                if shown_field is None:
                    break  # not one of its options: the command line ended
                spaces = local.group(0)[: local.start(1) - local.start(0)]
                out.append(spaces + _escape(shown_field, in_code) + local.group(2)
                           + local.group(3))
                pos = local.end()
                continue
            word = _WORD.match(text, pos)
            if word is None:
                break
            shown = _shown_word(word, command, names)
            if shown is None:
                break  # not one of its options: the command line ended
            spaces = word.group(0)[: word.start(1) - word.start(0)]
            value = word.group(3) or ""
            if (command, word.group(1)) in COMMAND_VALUED and value in names.commands:
                value = _escape(names.command(value), in_code)  # /help command=log
            out.append(spaces + _escape(shown, in_code) + (word.group(2) or "") + value)
            pos = word.end()
    out.append(text[pos:])
    return "".join(out)


def _shown_word(word: re.Match[str], command: str, names: MenuNames) -> str | None:
    """The shown form of an option (or, for ``/help``, a command) named after ``command``'s
    name; None when the word is none of its options."""
    key = word.group(1).replace("\\", "")
    options = names.options[command]
    if word.group(2):  # name=value, name:value
        return options.get(key)
    if key in names.flags[command]:
        return options.get(key, key)
    if (command, "command") in COMMAND_VALUED and key in names.commands:
        return names.command(key)
    return None


def localise_commands(text: str, names: MenuNames) -> str:
    """``text`` (Discord markdown) with every command line in the names of ``names``: the
    command and, after it, its options (``/log views=40k`` -> ``/eintragen aufrufe=40k`` for
    German), inside code spans as well as in prose; unchanged when the names are English."""
    if not text or "/" not in text or names.english:
        return text
    if "`" not in text:  # no code span (most replies): skip looking for one
        return _rewrite(text, names, in_code=False)
    out: list[str] = []
    pos = 0
    for code in _CODE.finditer(text):
        out.append(_rewrite(text[pos:code.start()], names, in_code=False))
        out.append(code.group(1) + _rewrite(code.group(2), names, in_code=True)
                   + code.group(1))
        pos = code.end()
    out.append(_rewrite(text[pos:], names, in_code=False))
    return "".join(out)


def plain_commands(text: str, names: MenuNames) -> str:
    """:func:`localise_commands` for text that is not markdown (a command description in the
    menu, an embed title): names unescaped."""
    if not text or "/" not in text or names.english:
        return text
    return _rewrite(text, names, in_code=True)
