"""Languages: which one a reply is in, and the gettext catalogues that translate it.

The English text in templates and code is the message id; ``bot/locales/<lang>/LC_MESSAGES/
messages.po`` (made and updated with Babel, see ``python -m bot.i18n --help``) holds each
translation. Placeholders are named, Python ``%`` style: ``_("Hi %(name)s!", name=name)``.

The language of the work being done is a context variable (:func:`using`), so code deep in a
command (an error sentence, a chart label) translates without passing a locale around, and each
asyncio task (one per request) has its own. A catalogue is read from its ``.mo`` when that is
newer than its ``.po``; otherwise the ``.po`` is compiled in memory, so a stale or missing
``.mo`` never shows old text.

This module imports nothing from ``bot``: every layer may use it.
"""

from __future__ import annotations

import argparse
import errno
import functools
import gettext as _gettext
import io
import os
import re
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import chdir, contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

# babel.support and babel.messages (the .po reader and .mo writer) are imported where a
# catalogue is loaded or compiled: English, the console's usual language, needs neither.

#: The languages replies can be in; the first is the source language of every message id.
LANGUAGES: tuple[str, ...] = ("en", "es", "pt_BR", "de", "fr", "ja")
SOURCE = LANGUAGES[0]
#: Each language's own name, as shown in /settings and /help.
NAMES: dict[str, str] = {
    "en": "English", "es": "Español", "pt_BR": "Português (Brasil)", "de": "Deutsch",
    "fr": "Français", "ja": "日本語",
}


def name_in_sentence(language: str) -> str:
    """``language``'s name as the current language writes it inside a sentence, by Babel
    (CLDR), which gives each language's own case: 'en español', 'en français', 'in Spanish',
    'auf Deutsch' (the :data:`NAMES` are labels, capitalised: 'Español' mid-sentence read
    wrong)."""
    from babel import Locale

    return str(Locale.parse(language).get_display_name(current()) or NAMES[language])


#: Languages whose names keep their capital inside a sentence (German nouns; no case).
CAPITAL_INSIDE: frozenset[str] = frozenset({"de", "ja"})


def inside(text: str, language: str | None = None) -> str:
    """``text``, a name a catalogue writes as a label or a column's heading ('Vues moyennes',
    'Diamants', 'Heures de LIVE'), as it reads inside a sentence and as a creator types it
    before ``=`` in ``language`` (the current one by default): with a small first letter
    where the language writes one ('vues moyennes', 'diamants', 'heures de LIVE'), never in
    :data:`CAPITAL_INSIDE` (German 'Diamanten'); a first word written with other capitals
    (TikTok, LIVE) is kept as it is. The one rule for labels reused inside running text
    (:func:`bot.domain.facts.label`, :func:`bot.domain.fieldnames.field_name`)."""
    language = current() if language is None else language
    if not text or language in CAPITAL_INSIDE:
        return text
    first = text.split(" ", 1)[0]
    if first[1:] != first[1:].lower():
        return text
    return text[0].lower() + text[1:]


DOMAIN = "messages"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
ROOT = Path(__file__).resolve().parent.parent

_current: ContextVar[str] = ContextVar("language", default=SOURCE)


@functools.lru_cache(maxsize=512)
def normalize(tag: str | None) -> str | None:
    """The supported language for a platform or POSIX locale tag, or None if none fits.

    ``pt-BR``/``pt_BR``/``pt`` -> ``pt_BR``; ``es-ES``/``es-419`` -> ``es``; ``en-US``/``en-GB``
    -> ``en``; ``de_DE.UTF-8`` -> ``de``; ``ko`` -> None. Case and ``-``/``_`` don't matter.
    """
    if not tag:
        return None
    text = tag.strip().split(".", 1)[0].split("@", 1)[0].replace("-", "_")
    if not text or text.upper() in {"C", "POSIX"}:
        return None
    try:
        loc = Locale.parse(text)
    except (UnknownLocaleError, ValueError, TypeError):
        parts = text.split("_")
        language, territory = parts[0].lower(), (parts[1].upper() if len(parts) > 1 else None)
    else:
        language, territory = loc.language, loc.territory
    if territory and f"{language}_{territory}" in LANGUAGES:
        return f"{language}_{territory}"
    if language in LANGUAGES:
        return language
    variants = [lang for lang in LANGUAGES if lang.split("_")[0] == language]
    return variants[0] if variants else None


def choose(*candidates: str | None) -> str:
    """The first candidate that :func:`normalize` knows, else English."""
    for tag in candidates:
        lang = normalize(tag)
        if lang is not None:
            return lang
    return SOURCE


def posix_locale(environ: Mapping[str, str] | None = None) -> str | None:
    """The language a terminal asks for: ``LC_ALL``, then ``LC_MESSAGES``, then ``LANG`` (the
    POSIX order), as a supported language; None for ``C``/``POSIX``/unset or unsupported."""
    env = os.environ if environ is None else environ
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key)
        if value:
            return normalize(value)
    return None


#: ``current()``: the language of the work being done now (English unless :func:`using` says
#: other). The context variable's own ``get``: every translated word and formatted number asks
#: for it (tens of thousands of times a second under load), so no Python frame around it.
current: Callable[[], str] = _current.get


def switch(language: str | None) -> str:
    """Work in ``language`` from now on, inside the enclosing :func:`using` block (a command
    that changes the creator's language answers in the new one)."""
    lang = choose(language)
    _current.set(lang)
    return lang


@contextmanager
def using(language: str | None) -> Iterator[str]:
    """Work in ``language`` (normalised; English if unknown) inside the block."""
    lang = choose(language)
    token = _current.set(lang)
    try:
        yield lang
    finally:
        _current.reset(token)


def catalogue_path(language: str, suffix: str = "po") -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.{suffix}"


@functools.cache
def translations(language: str) -> _gettext.NullTranslations:
    """The catalogue of ``language``: its ``.mo`` when it is at least as new as the ``.po``,
    else the ``.po`` compiled now. English, and a language with no catalogue, translate
    nothing (every message id is its English text)."""
    if language == SOURCE:
        return _gettext.NullTranslations()
    from babel.support import Translations

    po, mo = catalogue_path(language), catalogue_path(language, "mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    if not po.exists():
        return _gettext.NullTranslations()
    return Translations(io.BytesIO(compile_po(po)), domain=DOMAIN)


def compile_po(po: Path) -> bytes:
    """A ``.po`` file compiled to ``.mo`` bytes (fuzzy and empty entries left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fp:
        catalog = read_po(fp)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


#: How a placeholder's value that is a number, date or datetime is written in the current
#: language: :func:`bot.domain.numbers.shown`, which registers itself with
#: :func:`format_values_with` when imported (this module imports nothing from ``bot``).
_value_text: Callable[[Any], Any] | None = None


def format_values_with(shown: Callable[[Any], Any]) -> None:
    """Write every placeholder value through ``shown`` from now on (a number ``1953`` as
    ``'1.953'`` in German, a date in the language's form): the values a sentence is filled
    with never reach a reader as ``str()`` of a number or an ISO date."""
    global _value_text
    _value_text = shown


class Phrase(str):
    """Text :func:`gettext` or :func:`ngettext` translated: a sentence or a phrase in the
    current language (``str`` is the text).

    It marks what must not be put into another translated message's placeholder: a phrase
    glued into a sentence ("Likes don't pay directly, but %(engagement)s.") reads well only in
    the language it was written in (word order, gender, case and capitals differ). Write one
    whole sentence per case instead, chosen by data. A list of phrases is formatted with
    :func:`bot.domain.numbers.items` (a plain ``str``); a phrase that really stands alone
    inside another message (a heading, one list item) is passed through :func:`standalone`.
    """

    __slots__ = ()


class GluedPhrase(TypeError):
    """A translated message was filled with another translated phrase (see :class:`Phrase`);
    raised only in strict mode (:func:`strict`), which the tests turn on."""


_strict = False


def strict(on: bool = True) -> None:
    """Make filling a message with a :class:`Phrase` value raise :class:`GluedPhrase` (the
    test suite does, ``tests/conftest.py``); off, the bot shows the text as it is."""
    global _strict
    _strict = on


def standalone(text: str) -> str:
    """``text`` (a :class:`Phrase`) as plain text that may fill a placeholder because it
    stands alone there: a heading or one item of a list, never a part of a sentence."""
    return str.__str__(text) if isinstance(text, Phrase) else text


def check_values(message: str, variables: Mapping[str, Any]) -> None:
    """Raise :class:`GluedPhrase` in strict mode when a value of ``variables`` is a
    :class:`Phrase` (the one check, for code and templates); ``message`` is the message id
    (the singular of a plural)."""
    if not _strict:
        return
    for name, value in variables.items():
        if isinstance(value, Phrase):
            raise GluedPhrase(
                f"{message!r}: %({name})s is filled with the translated phrase {value!r}; "
                "write a whole sentence per case instead (or bot.i18n.standalone() for a "
                "heading or a list item)")


def _fill(text: str, variables: Mapping[str, Any], msgid: str) -> Phrase:
    """``text`` filled with ``variables`` (numbers and dates as :data:`_value_text` writes
    them; text, most values, as it is: ``shown`` returns it unchanged), as a :class:`Phrase`;
    ``%`` is applied only with values."""
    if not variables:
        return Phrase(text)
    if _strict:
        check_values(msgid, variables)
    shown = _value_text
    if shown is not None:
        variables = {k: v if type(v) is str else shown(v) for k, v in variables.items()}
    return Phrase(text % variables)


def gettext(message: str, /, **variables: Any) -> str:
    """``message`` in the current language, with ``%(name)s`` placeholders filled; a
    :class:`Phrase`. A value may not be another :class:`Phrase` (see :func:`strict`)."""
    text = _text(translations(current()), message)
    return _fill(text, variables, message) if variables else text


def catalogue_text(message: str) -> str:
    """The current language's catalogue text of ``message`` as it is (no placeholder
    filled; the message itself where the catalogue has none): what :func:`gettext` fills,
    kept (:func:`_text`). The templates' ``_`` reads it."""
    return _text(translations(current()), message)


#: Each catalogue's texts as :func:`_text` kept them, by the catalogue object: an entry goes
#: with its catalogue (catalogues read again, :func:`compile_all`, are asked afresh).
_TEXTS: weakref.WeakKeyDictionary[_gettext.NullTranslations, dict[str, Phrase]] = (
    weakref.WeakKeyDictionary())


def _text(catalogue: _gettext.NullTranslations, message: str) -> Phrase:
    """``catalogue``'s text of ``message`` as a :class:`Phrase`, kept: a reply asks for the
    same messages in its language again and again (a requirement's name and hint in every
    /estimate and /tips, each template's sentences), and a catalogue's look-up and a new
    Phrase each time cost more than a dict's. One dict per catalogue object (:data:`_TEXTS`),
    never a bounded cache shared by all six: the messages asked are the code's and
    templates' own (every msgid of ``messages.pot``, some 1,600, in each of six catalogues),
    so each catalogue keeps at most its own messages and none pushes out another's."""
    texts = _TEXTS.get(catalogue)
    if texts is None:
        texts = _TEXTS[catalogue] = {}
    found = texts.get(message)
    if found is None:
        found = texts[message] = Phrase(catalogue.gettext(message))
    return found


def ngettext(singular: str, plural: str, n: int, /, **variables: Any) -> str:
    """The singular or plural form for ``n`` in the current language (``%(num)s`` is ``n``
    unless given); a :class:`Phrase`, as :func:`gettext`."""
    variables.setdefault("num", n)
    return _fill(translations(current()).ngettext(singular, plural, n), variables, singular)


def plural_count(value: float, digits: int = 2) -> int:
    """The count :func:`ngettext` takes for ``value`` as a reply shows it (at most ``digits``
    decimals): the one rule for every count in a sentence, a decimal one too ("0.5 sponsored
    videos a month", French "0,5 vidéo", "1 sponsored video a month"). A whole number is
    itself (the catalogue's own plural rule decides); a fraction takes the form Babel's
    CLDR plural rules give it in the current language ("one": 1, else 2), since gettext's
    rules read whole numbers only. Asked through :func:`bot.domain.numbers.counted`, which
    writes the number with the same decimals."""
    from decimal import ROUND_HALF_UP, Decimal

    shown = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    shown = shown.normalize() if shown == shown.to_integral() else shown
    if shown == shown.to_integral():
        return int(shown)
    form = _plural_locale(current()).plural_form(abs(shown.normalize()))
    return 1 if form == "one" else 2


@functools.lru_cache(maxsize=16)
def _plural_locale(language: str) -> Locale:
    return Locale.parse(language)


def pgettext(context: str, message: str, /, **variables: Any) -> str:
    """``message`` in the current language, in ``context`` (a word that means different things
    in different places, e.g. a CSV column name or a status word). Not a :class:`Phrase`:
    what is said in context is a name or a word shown on its own."""
    text = _in_context(translations(current()), context, message)
    return text % variables if variables else text


@functools.lru_cache(maxsize=4096)
def _in_context(catalogue: _gettext.NullTranslations, context: str, message: str) -> str:
    """``catalogue``'s ``pgettext``, kept: a reply asks for the same few names in context
    (every CSV column's name, for each field a hint shows) many times. Keyed by the catalogue
    object too, so catalogues read again (:func:`compile_all` clears :func:`translations`)
    are asked afresh, never answered from the old ones."""
    return catalogue.pgettext(context, message)


_ = gettext


_SPACES = re.compile(r"[ \t\r\n\f\v]+")


def collapse_spaces(text: str) -> str:
    """``text`` with each run of ordinary whitespace as one space, ends stripped; no-break
    spaces (U+00A0, U+202F: French ``Source\u00a0:``) are typography and are kept, unlike
    ``" ".join(text.split())``, which would let a line break before the colon."""
    return _SPACES.sub(" ", text).strip(" ")


def N_(message: str) -> str:
    """Marks ``message`` for extraction without translating it (translated where it is shown,
    e.g. a command's help text declared at import time)."""
    return message


def NP_(context: str, message: str) -> str:
    """Marks ``message`` in ``context`` for extraction without translating it (see
    :func:`pgettext`)."""
    return message


#: Why a file operation failed, for the commonest ``errno`` codes, said the creator's way
#: (the operating system's ``strerror`` is English whatever the language).
_OS_REASONS: dict[int, str] = {
    errno.ENOENT: N_("there is no such file or folder"),
    errno.EISDIR: N_("that is a folder, not a file"),
    errno.ENOTDIR: N_("part of the path is a file, not a folder"),
    errno.EEXIST: N_("a file of that name is in the way"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.ENOSPC: N_("no space is left on the disk"),
    errno.EROFS: N_("the folder is read-only"),
    errno.ENAMETOOLONG: N_("the name is too long"),
}


def os_reason(exc: OSError) -> str:
    """Why ``exc`` happened, in the current language, as a clause of its own that a sentence
    quotes after a colon ("I can't read x.csv: %(reason)s"; it agrees with nothing around
    it, so it is :func:`standalone`); the system's own English text for a code not listed."""
    reason = _OS_REASONS.get(exc.errno or 0)
    if reason is not None:
        return standalone(gettext(reason))
    return exc.strerror or str(exc)


class Message(str):
    """English text that remembers its message id and values (``str`` is the English text), so
    a declaration made at import time with values (a default, a limit) translates where it is
    shown: ``help=lazy("The last %(n)s.", n=10)`` then ``translate(spec.help)``."""

    __slots__ = ("msgid", "values")
    msgid: str
    values: dict[str, Any]

    def __new__(cls, msgid: str, /, **values: Any) -> Message:
        obj = super().__new__(cls, msgid % values if values else msgid)
        obj.msgid, obj.values = msgid, values
        return obj


def lazy(message: str, /, **values: Any) -> Message:
    """A :class:`Message`, extracted like ``_()`` and translated by :func:`translate`."""
    return Message(message, **values)


def translate(message: str) -> str:
    """Text kept from import time (see :func:`N_` and :func:`lazy`) in the current language."""
    if not message or not isinstance(message, str):  # a template filter may get any value
        return message
    if isinstance(message, Message):
        text = translations(current()).gettext(message.msgid)
        return text % message.values if message.values else text
    return translations(current()).gettext(message)


def translate_stored(text: str | None) -> str | None:
    """A sentence stored in English (a pause reason saved by the scheduler, in whatever
    language was current then) in the current language: the whole text, or else the part
    before a trailing technical detail in brackets (``"I'm missing access to that channel
    (50001 Missing Access)"``), whose message id is marked where it was made."""
    if not text or not isinstance(text, str):  # a template filter may get any value
        return text
    if text.endswith(")") and " (" in text:
        head, tail = text.rsplit(" (", 1)
        shown = translate(head)
        if shown != head:
            return f"{shown} ({tail}"
    return translate(text)


def complete(language: str) -> bool:
    """Whether every message of the template has a translation in ``language``."""
    if language == SOURCE:
        return True
    po = catalogue_path(language)
    if not po.exists():
        return False
    from babel.messages.pofile import read_po

    with po.open("rb") as fp:
        catalog = read_po(fp)
    return all(m.string and not m.fuzzy and (not isinstance(m.string, tuple) or all(m.string))
               for m in catalog if m.id)


# --- catalogue maintenance ------------------------------------------------------------------

#: The translatable fields of a rule in ``strategies/rules/*.toml`` (``{fact}`` placeholders).
RULE_FIELDS = ("title", "advice", "why",
               "title_unknown", "advice_unknown", "why_unknown",
               "title_unknown_without", "advice_unknown_without", "why_unknown_without")


#: Call -> (positions, keywords) of its arguments that are messages: ``_``/``N_`` calls and the
#: declarations made at import time (commands, their arguments, metrics, buttons), translated
#: where they are shown with :func:`translate`.
MESSAGE_ARGS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "_": ((0,), ()), "gettext": ((0,), ()), "N_": ((0,), ()), "lazy": ((0,), ()),
    "command": ((), ("summary", "help")),
    "ArgSpec": ((2,), ("help", "unit")),
    "MetricDef": ((2, 3, 4), ("label", "unit", "help")),
    "Action": ((0,), ("label",)),
}


#: Declarations whose first argument (or ``name=``) is a command or option name, and the
#: message context its translation has (Discord shows translated names in its menu; the name
#: a creator's client sends back is always the English one).
NAME_ARGS: dict[str, str] = {"command": "command name", "ArgSpec": "option name",
                             "MetricDef": "option name"}


def extract_python(fileobj: Any, keywords: Any, comment_tags: Any, options: Any
                   ) -> Iterator[tuple[int, str | None, str | tuple[str, str], list[str]]]:
    """Babel extractor (``babel.cfg``) for ``bot/``: the arguments named in
    :data:`MESSAGE_ARGS` that are string literals, and ``ngettext(singular, plural, n)``."""
    import ast

    tree = ast.parse(fileobj.read().decode("utf-8"))

    def text(node: ast.AST | None) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
            return node.value
        return None

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else "")
        if name in ("pgettext", "NP_") and len(node.args) >= 2:
            context, message = text(node.args[0]), text(node.args[1])
            if context and message:
                yield node.lineno, "pgettext", (context, message), []
            continue
        if name == "ngettext" and len(node.args) >= 2:
            one, many = text(node.args[0]), text(node.args[1])
            if one and many:
                yield node.lineno, "ngettext", (one, many), []
            continue
        if name in NAME_ARGS:
            named = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg == "name"), None)
            ident = text(named)
            if ident and named is not None:
                note = ("Translators: a Discord slash-command name: lowercase, no spaces "
                        "(use - or _), at most 32 characters")
                yield named.lineno, "pgettext", (NAME_ARGS[name], ident), [note]
        if name not in MESSAGE_ARGS:
            continue
        positions, names = MESSAGE_ARGS[name]
        found = [node.args[i] for i in positions if i < len(node.args)]
        found += [k.value for k in node.keywords if k.arg in names]
        for arg in found:
            message = text(arg)
            if message:
                yield arg.lineno, None, message, []


def extract_rules(fileobj: Any, keywords: Any, comment_tags: Any, options: Any
                  ) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel extractor (``babel.cfg``) for rule files: each rule's title, advice and why, with
    a comment naming the rule; their ``{fact}`` placeholders must stay as they are."""
    import tomllib

    rule_id = ""
    for lineno, raw in enumerate(fileobj.read().decode("utf-8").splitlines(), start=1):
        line = raw.strip()
        key = line.split("=", 1)[0].strip()
        if key == "id":
            rule_id = tomllib.loads(line)["id"]
        elif key in RULE_FIELDS:
            text = _not_python_format(tomllib.loads(line)[key], f"rule {rule_id}, {key}")
            note = f"Translators: rule {rule_id}, {key}; keep {{placeholders}} as they are"
            yield lineno, None, text, [note]


#: The translatable fields of a rate table in ``strategies/rates/*.toml`` (route, tier and
#: deliverable names, formulas, how a price is made, source notes), at any depth.
RATE_FIELDS = ("name", "label", "formula", "how", "brand", "method", "unsourced",
               "source")


def _not_python_format(text: str, where: str) -> str:
    """``text``, refused if Babel would flag it ``python-format``: rule and rate texts are
    filled with ``str.format_map`` (``{fact}``), never ``%``, so a ``%`` followed by what reads
    as a conversion (``40% of``, ``50% or``, ``50% retention``) would make every translation
    that writes the ``%`` differently fail ``pybabel compile``. Write it another way ("half or
    more", "a retention of 40–50%")."""
    from babel.messages.catalog import Message as _BabelMessage

    if _BabelMessage(text).python_format:
        raise ValueError(f"{where}: {text!r} reads as a Python %-format to gettext tools; "
                         "reword it so no '%' is followed by a letter or a space and a letter")
    return text


#: A rate table's follower band of two counts ('5k–1M'): never a message, the numbers write
#: it in each language's style (:func:`bot.domain.numbers.size_band`, its ``_BAND``).
_BAND_LABEL = re.compile(r"(\d+(?:\.\d+)?)([kM]?)–(\d+(?:\.\d+)?)([kM]?)")


def extract_rates(fileobj: Any, keywords: Any, comment_tags: Any, options: Any
                  ) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel extractor (``babel.cfg``) for rate tables: every :data:`RATE_FIELDS` string,
    wherever it is (top level, ``[[tiers]]``, inline ``{ value, source }`` figures), with a
    comment naming the file's key path. Translated where shown with :func:`translate`."""
    import tomllib

    raw = fileobj.read().decode("utf-8")
    lines = raw.splitlines()
    name = getattr(fileobj, "name", "rates")

    def lineno(text: str) -> int:
        quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        for i, line in enumerate(lines, start=1):
            if quoted in line:
                return i
        return 1

    def walk(node: Any, path: str) -> Iterator[tuple[int, str | None, str, list[str]]]:
        if isinstance(node, dict):
            for key, value in node.items():
                where = f"{path}.{key}" if path else key
                if key == "label" and _BAND_LABEL.fullmatch(str(value)):
                    continue  # (a band of two counts: written by numbers.size_band)
                if key in RATE_FIELDS and isinstance(value, str) and value:
                    _not_python_format(value, f"{name}: {where}")
                    yield lineno(value), None, value, [f"Translators: rates {where}"]
                else:
                    yield from walk(value, where)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item, path)

    yield from walk(tomllib.loads(raw), "")


def _pybabel(*args: str) -> None:
    """Run a ``pybabel`` command in the project's root (the paths in babel.cfg are relative)."""
    from babel.messages.frontend import CommandLineInterface

    with chdir(ROOT):
        CommandLineInterface().run(["pybabel", "--quiet", *args])  # type: ignore[no-untyped-call]


def extract(pot: Path | None = None) -> Path:
    """Re-extract every marked message into ``pot`` (default ``bot/locales/messages.pot``).

    Written to a file beside it first and moved over it only once the extraction succeeded:
    an extractor's refusal (a rate text :func:`_not_python_format` refuses, a syntax error)
    raises and leaves the template as it was (``pybabel`` writes its output as it goes, so a
    failure used to leave an emptied template behind)."""
    pot = pot or LOCALES_DIR / f"{DOMAIN}.pot"
    partial = pot.with_name(pot.name + ".partial")
    try:
        _pybabel("extract", "-F", "babel.cfg", "-k", "N_", "-k", "_", "-k", "ngettext:1,2",
                 "-k", "pgettext:1c,2", "-k", "NP_:1c,2",
                 "--sort-by-file", "--no-wrap", "--add-comments=Translators:",
                 "--project=Creator Advisor", "-o", str(partial), ".")
        partial.replace(pot)
    finally:
        partial.unlink(missing_ok=True)
    return pot


def update() -> None:
    """Extract, then merge the template into every language's ``.po``."""
    pot = extract()
    for lang in LANGUAGES[1:]:
        if catalogue_path(lang).exists():
            # No fuzzy guesses: a new or changed message starts empty (a guess borrowed from
            # a similar message has the wrong placeholders and makes pybabel compile fail).
            _pybabel("update", "-i", str(pot), "-d", str(LOCALES_DIR), "-l", lang,
                     "--no-wrap", "--ignore-obsolete", "--no-fuzzy-matching")
            drop_broken_guesses(catalogue_path(lang))
        else:
            _pybabel("init", "-i", str(pot), "-d", str(LOCALES_DIR), "-l", lang, "--no-wrap")


def drop_broken_guesses(po: Path) -> int:
    """Empty every fuzzy entry of ``po`` whose text fails Babel's placeholder checks (a guess
    borrowed from another message: ``pybabel compile`` reports it even though it never
    compiles it); the number emptied. Good translations and reviewed entries are untouched."""
    from babel.messages.pofile import read_po, write_po

    with po.open("rb") as fp:
        catalog = read_po(fp)
    emptied = 0
    for message, errors in list(catalog.check()):
        if errors and message.fuzzy:
            message.string = ("",) * len(message.string) if isinstance(
                message.string, tuple) else ""
            message.flags.discard("fuzzy")
            emptied += 1
    if emptied:
        with po.open("wb") as fp:
            write_po(fp, catalog, width=0, ignore_obsolete=True)
    return emptied


def compile_all() -> list[Path]:
    """Write every language's ``.mo`` next to its ``.po``."""
    written = []
    for lang in LANGUAGES[1:]:
        po = catalogue_path(lang)
        if po.exists():
            mo = catalogue_path(lang, "mo")
            mo.write_bytes(compile_po(po))
            written.append(mo)
    translations.cache_clear()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.i18n", description="Maintain the translation catalogues.")
    parser.add_argument("action", choices=["extract", "update", "compile", "status"],
                        help="extract: write messages.pot; update: extract and merge into "
                             "every .po; compile: write the .mo files; status: which "
                             "languages are complete")
    action = parser.parse_args(argv).action
    if action == "extract":
        print(extract())
    elif action == "update":
        update()
    elif action == "compile":
        for path in compile_all():
            print(path)
    else:
        for lang in LANGUAGES:
            print(f"{lang}: {'complete' if complete(lang) else 'incomplete'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
