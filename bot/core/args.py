"""Read the numbers creators actually type: ``12k``, ``1.2M``, ``12,000``, ``12 000``, ``4.5%``.

One parser for every platform. Every failure is an :class:`ArgError` whose message is one
sentence naming the argument with an example; nothing else ever escapes :func:`parse_args`.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

from bot import i18n
from bot.core.fieldnames import (
    field_key,
    field_name,
    readable_field_names,
    typed_example,
)
from bot.core.registry import ArgSpec, ArgType
from bot.domain.fieldnames import fold_width
from bot.domain.numbers import (
    MINUS,
    compact,
    decimal,
    duration,
    duration_words,
    items,
    kept,
    pct,
)
from bot.domain.numbers import locale as number_locale
from bot.domain.refusals import Refusal
from bot.i18n import gettext as _
from bot.i18n import pgettext

#: Longest argument string accepted (a guard against floods and pasted essays). Room for
#: every argument of the longest command written out with the longest field names of any
#: language (a Spanish /estimate with all its what-ifs, as the bot writes it back, passed 500).
MAX_ARGS_LENGTH = 1000


class ArgError(Refusal):
    """Bad input. ``str(err)`` is a sentence fit to show the creator as it is; ``marked``
    the same with the values they typed in it marked (:class:`~bot.domain.refusals.Refusal`):
    what the reply shows."""

    def __init__(self, message: str, *, arg: str | None = None, example: str | None = None,
                 suggestions: tuple[str, ...] = (), usage: str | None = None):
        super().__init__(message)
        self.arg = arg
        #: The command line the reply shows on its own "Example:" line under the message (as
        #: typed in the creator's language); None: the command's first declared example.
        #: The message itself is sentences, each ending with its period: a whole command
        #: line to copy goes here, never at the end of the message without a period.
        self.usage = usage
        self.example = example
        #: The values the message proposes instead (``("30600", "30.6k")``): each one parses,
        #: in the language of the message, to one reading of what was typed.
        self.suggestions = suggestions
        #: A value of several words as typed and the one value proposed for them (set where
        #: they are read together: parse_args puts it in the typed line for the example).
        self.replaces: tuple[str, str] | None = None


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
#: One argument: runs of non-space characters, where a quoted part may hold spaces
#: (``path="export (1).csv"``); an unmatched quote is an ordinary character.
_TOKEN = re.compile(r"""(?:"[^"]*"|'[^']*'|[^\s\u00a0\u202f\u2009])+""")
#: Compact suffixes, lower case, as creators type them in any language: English's own
#: (``12k``, ``1.2M``, ``3B``) and the common German, Spanish, Portuguese and Japanese short
#: forms. The current language's CLDR short forms (:func:`_suffixes`) come on top and win:
#: each language reads back exactly what :func:`bot.domain.numbers.compact` writes in it.
_BASE_SUFFIX = {"k": 1e3, "m": 1e6, "mm": 1e6, "b": 1e9, "bn": 1e9, "tsd.": 1e3, "tsd": 1e3,
                "mio.": 1e6, "mio": 1e6, "mrd.": 1e9, "mrd": 1e9, "mil": 1e3, "mi": 1e6,
                "mill.": 1e6, "t": 1e12, "万": 1e4, "億": 1e8, "兆": 1e12}


@functools.lru_cache(maxsize=32)  # a handful of languages
def _cldr_suffixes(lang: str) -> tuple[tuple[str, float], ...]:
    """The compact suffixes language ``lang`` writes, lower case and with their inner spaces
    (``("mil m", 1e9)`` Spanish), and their multipliers: Babel's CLDR
    ``compact_decimal_formats["short"]``, the forms :func:`~bot.domain.numbers.compact` writes
    (German ``mio.`` 1e6 and ``bio.`` 1e12, Spanish ``b`` 1e12 (a billón), French ``md`` 1e9,
    Japanese ``兆`` 1e12)."""
    with i18n.using(lang):
        loc = number_locale()
    found: dict[str, float] = {}
    for forms in loc.compact_decimal_formats.get("short", {}).values():
        for magnitude, pattern in forms.items():
            text = str(pattern.pattern)
            zeros = text.count("0")
            word = " ".join(_SPACES.split(text.replace("0", "").replace("'", "").lower())).strip()
            if word and zeros:
                found[word] = int(magnitude) / 10 ** (zeros - 1)
    return tuple(found.items())


@functools.lru_cache(maxsize=32)
def _suffixes(lang: str) -> dict[str, float]:
    """Lower-case compact suffix without spaces -> its multiplier, in language ``lang``:
    :data:`_BASE_SUFFIX` with the language's own (:func:`_cldr_suffixes`) on top, so each
    language reads back exactly what :func:`~bot.domain.numbers.compact` writes in it."""
    table = dict(_BASE_SUFFIX)
    table.update((word.replace(" ", ""), factor) for word, factor in _cldr_suffixes(lang))
    return table


@functools.lru_cache(maxsize=32)
def _number_pattern(lang: str) -> re.Pattern[str]:
    """A number with an optional exponent, compact suffix of ``lang`` and percent sign, in
    text with the spaces removed and lower-cased (``1,2mio.``, ``35,5%``, ``12,3k``)."""
    alternatives = "|".join(re.escape(s) for s in sorted(_suffixes(lang), key=len, reverse=True))
    return re.compile(
        r"^(?P<sign>[+-]?)(?P<num>\d+(?:[.,]\d+)*|\.\d+)(?:e(?P<exp>[+-]?\d{1,3}))?"
        r"(?P<suffix>" + alternatives + r")?(?P<pct>%)?$"
    )


@functools.lru_cache(maxsize=32)
def _suffix_after_space(lang: str) -> re.Pattern[str]:
    """Spaces (any: NBSP, narrow NBSP) between a digit and a compact suffix of ``lang`` or a
    percent sign, as Babel writes them (``1,2 Mio.``, ``12,3 k``, ``35,5 %``, ``1,2 mil M``):
    :func:`_split` removes them (and those inside the suffix), so a number and its suffix
    are one value; group ``suffix`` is the suffix."""
    words = set(_BASE_SUFFIX) | {w for w, _ in _cldr_suffixes(lang)}
    spaced = sorted((r"[\s\u00a0\u202f\u2009]+".join(map(re.escape, w.split()))
                     for w in words), key=len, reverse=True)
    # the suffix must end the word: "12 millions" is not "12 mil"
    return re.compile(r"(?<=\d)[\s\u00a0\u202f\u2009]+(?P<suffix>(?:(?:" + "|".join(spaced)
                      + r")(?:[\s\u00a0\u202f\u2009]*%)?|%)(?![\w%]))", re.IGNORECASE)


#: A number before a compact suffix with one separator and one or two digits after it
#: (``3.1k``, ``3,1k``, ``12.5k``, ``1,25M``): a decimal in every language, since nobody
#: groups thousands in front of a k.
_SUFFIXED_DECIMAL = re.compile(r"\d+[.,]\d{1,2}")


@functools.lru_cache(maxsize=32)  # a handful of languages
def _duration_pattern(lang: str) -> re.Pattern[str]:
    """A duration as hours, minutes and seconds with their unit words, in that order, each
    left out or not (the seconds' word too: ``70`` is 70 seconds), in text with the spaces
    removed and lower-cased: the words language ``lang`` writes after each
    (:func:`~bot.domain.numbers.duration_words`, Babel's, as the bot shows a duration):
    ``48s``, ``48sek.``, ``42,25sek.``, ``1min.5sek.``, ``1分5秒``, ``1h2m``. A duration's
    comma is a decimal sign in every language, as its dot is."""
    words: dict[int, list[str]] = {}
    for word, seconds in duration_words(lang):
        words.setdefault(seconds, []).append(word)

    def unit(seconds: int) -> str:
        return "|".join(re.escape(w) for w in sorted(words[seconds], key=len, reverse=True))

    number = r"\d+(?:[.,]\d+)?"
    return re.compile(rf"^(?:(?P<h>{number})(?:{unit(3600)}))?(?:(?P<m>{number})(?:{unit(60)}))?"
                      rf"(?:(?P<s>{number})(?:{unit(1)})?)?$")


def _duration_word(token: str) -> bool:
    """Whether ``token`` (as typed) is one of the current language's words for a unit of a
    duration (:func:`~bot.domain.numbers.duration_words`: ``Sek.``, ``min``, ``秒``)."""
    return _SPACES.sub("", fold_width(unjoined(token))).lower() in _duration_word_set(
        i18n.current())


@functools.lru_cache(maxsize=32)
def _duration_word_set(lang: str) -> frozenset[str]:
    """:func:`~bot.domain.numbers.duration_words` of ``lang``, the words alone."""
    return frozenset(w for w, _ in duration_words(lang))

#: 1:05, 1:02:30, and seconds with decimals as /history shows them (1:10.5, 1:10,5: a
#: comma in a duration is a decimal sign)
_CLOCK = re.compile(r"^(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{2}(?:[.,]\d+)?)$")
_DOT_THOUSANDS = re.compile(r"\d{1,3}\.\d{3}")
_COMMA_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
_TRUE = {"yes", "y", "true", "on", "1"}
_FALSE = {"no", "n", "false", "off", "0"}


def decimal_comma() -> bool:
    """Whether the current language writes a decimal comma (de, es, fr, pt_BR: ``12,5``)."""
    return get_decimal_symbol(number_locale()) == ","


def _dot_is_neither() -> bool:
    """Whether the current language writes a dot neither as its decimal sign nor between
    thousands (French: ``12,5`` and ``30\u202f600``), from Babel's CLDR symbols."""
    loc = number_locale()
    return "." not in (get_decimal_symbol(loc), get_group_symbol(loc))


def _local_digits(text: str, name: str, example: str) -> float:
    """Digits as the current language writes them, read by Babel (CLDR symbols, strict):
    German ``30.600`` -> 30600, ``12,5`` -> 12.5, ``1.234,5`` -> 1234.5. A form the language
    doesn't write (German ``12.5``) is asked about, never guessed."""
    loc = number_locale()
    try:
        return float(parse_decimal(text, locale=loc, strict=True))
    except NumberFormatError:
        raise ArgError(
            _("I can't read '%(text)s' for %(name)s as a number in %(language)s: write "
              "%(decimal)s for a decimal, %(grouped)s with thousands separators, or the digits "
              "alone, e.g. %(example)s.", text=kept(text), name=name,
              language=i18n.name_in_sentence(i18n.current()),
              decimal=format_decimal(12.5, locale=loc),
              grouped=format_decimal(30600, locale=loc), example=example),
            arg=name, example=example) from None


def _digits(text: str, name: str, example: str) -> float:
    """'12,000' -> 12000; '1,5' -> 1.5; '1,234.5' -> 1234.5. Ambiguous forms are refused.
    In a language with a decimal comma, as that language writes numbers (:func:`_local_digits`)."""
    if ("," in text or "." in text) and decimal_comma():
        return _local_digits(text, name, example)
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        if text.rfind(",") > text.rfind("."):
            raise ArgError(
                _("I can't read '%(text)s' for %(name)s: write it without separators, e.g. "
                  "%(example)s.", text=kept(text), name=name, example=example),
                arg=name, example=example,
            )
        text = text.replace(",", "")
    elif commas:
        groups = text.split(",")
        if all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3:
            text = text.replace(",", "")
        elif commas == 1:
            text = text.replace(",", ".")  # decimal comma: 1,5k
        else:
            raise ArgError(
                _("I can't read '%(text)s' for %(name)s: use commas every three digits, e.g. "
                  "%(example)s.", text=kept(text), name=name, example=example), arg=name,
                example=example,
            )
    elif dots > 1:
        groups = text.split(".")
        if all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3:
            text = text.replace(".", "")
        else:
            raise ArgError(_("I can't read '%(text)s' for %(name)s; try e.g. %(example)s.",
                             text=kept(text), name=name, example=example),
                           arg=name, example=example)
    return float(text)


def parse_number(raw: str, spec: ArgSpec) -> float:
    """Parse one numeric value for ``spec`` (COUNT, NUMBER, RATE or SECONDS) and check bounds."""
    if len(raw) > 40:  # no number we accept is this long (and 400 digits overflow a float)
        raise ArgError(_("%(name)s: '%(start)s…' is too long to be a number; try e.g. "
                         "%(example)s.", name=_shown(spec), start=kept(raw.strip()[:12]),
                         example=_example(spec)), arg=spec.name, example=spec.example_value)
    if raw.isascii() and raw.isdigit() and spec.type is not ArgType.RATE:  # plain digits
        return _check_bounds(float(raw), spec, raw)
    name, example = _shown(spec), spec.example_value
    # the minus sign (U+2212) the bot itself prints ("−62", numbers.MINUS) is a minus, so the
    # bounds say "can't be negative", never "not a number" (the one place numbers are read:
    # chat, CSV cells)
    text = _SPACES.sub("", raw).lower().lstrip("~≈").replace(MINUS, "-")
    if not text:
        raise ArgError(_("%(name)s needs a value, e.g. %(example)s.", name=name,
                         example=_example(spec)), arg=spec.name, example=example)
    value: float
    #: digits and an exponent (``355e-1``, as :func:`command_line` writes a decimal), read
    #: exactly: one rounding to a float, so every float written so reads back as it was
    exact: Decimal | None = None
    if spec.type is ArgType.SECONDS:
        value = _parse_seconds(text, spec, raw.strip())
    else:
        m = _number_pattern(i18n.current()).match(text)
        if not m and whole_number(spec):
            raise _needs_whole(spec, raw.strip())
        if not m:
            raise ArgError(
                _("%(name)s must be a number like %(example)s — '%(text)s' isn't one.",
                  name=name, example=example, text=kept(raw.strip())),
                arg=spec.name, example=example,
            )
        if (
            spec.type is ArgType.COUNT
            and not m["suffix"]
            and not m["pct"]
            and _DOT_THOUSANDS.fullmatch(m["num"])
            and _dot_is_neither()
        ):
            # French groups with a narrow space and writes a decimal comma: a dot is
            # neither, so "30.600" is thirty thousand six hundred or 30.6 as English writes
            # it. Both readings are offered, as French writes them.
            loc = number_locale()
            raise ArgError(
                _("'%(text)s' for %(name)s: a dot is not how %(language)s writes numbers. Do "
                  "you mean %(whole)s (thousands) or %(decimal)s (a decimal)? Send the one "
                  "you mean.", text=kept(raw.strip()), name=name, language=i18n.name_in_sentence(
                      i18n.current()), whole=m["num"].replace(".", ""),
                  decimal=format_decimal(float(m["num"]), format="0.###", locale=loc)),
                arg=spec.name, example=example)
        if (
            spec.type is ArgType.COUNT
            and not m["suffix"]
            and not m["pct"]
            and _DOT_THOUSANDS.fullmatch(m["num"])
            and not decimal_comma()  # German 30.600 is thirty thousand six hundred
        ):
            # Read as a decimal, a count is thousands with the k left off: 1.500 -> 1.5k.
            whole = m["num"].replace(".", "")
            short = _shorthand(float(m["num"]))
            raise ArgError(
                _("'%(text)s' for %(name)s is ambiguous (a decimal or a thousands dot?): "
                  "write %(whole)s or %(short)s.", text=kept(raw.strip()), name=name,
                  whole=whole, short=short),
                arg=spec.name, example=example, suggestions=(whole, short),
            )
        if (
            spec.type is ArgType.COUNT
            and not m["suffix"]
            and not m["pct"]
            and decimal_comma()
            and _COMMA_THOUSANDS.fullmatch(m["num"])
            and m["num"].count(",") == 1  # 1,000,100 has one reading: thousands commas
        ):
            # German "12,000": twelve thousand with the k left off (as German writes it) or
            # 12000 (as English does)? Either way a count: 12,000 -> 12000 or 12k.
            whole = m["num"].replace(",", "")
            short = _shorthand(float(m["num"].replace(",", ".")))
            raise ArgError(
                _("'%(text)s' for %(name)s is ambiguous (a decimal comma or a thousands "
                  "comma?): write %(whole)s or %(short)s.", text=kept(raw.strip()), name=name,
                  whole=whole, short=short),
                arg=spec.name, example=example, suggestions=(whole, short))
        if m["suffix"] and _SUFFIXED_DECIMAL.fullmatch(m["num"]):
            value = float(m["num"].replace(",", "."))
        elif m["num"].count(",") > 1 and _COMMA_THOUSANDS.fullmatch(m["num"]):
            value = float(m["num"].replace(",", ""))  # 1,000,100 in any language
        else:
            value = _digits(m["num"], name, example)
        if m["exp"]:
            exponent = int(m["exp"])
            if exponent > 30:  # beyond any bound we accept; avoids float overflow
                raise ArgError(_("%(name)s=%(text)s looks too large; try e.g. %(example)s.",
                                 name=name, text=kept(raw.strip()), example=_example(spec)),
                               arg=spec.name, example=example)
            if m["num"].isdigit():
                exact = Decimal(m["num"]).scaleb(exponent)
                value = float(exact)
            else:
                value *= 10.0**exponent
        if m["suffix"] == "mil" and i18n.current().split("_")[0] not in ("es", "pt"):
            # Spanish and Portuguese "mil" is a thousand; elsewhere it may be a million.
            thousand, million = _shorthand(value), _shorthand(value * 1000)
            raise ArgError(
                _("'%(text)s' for %(name)s is ambiguous ('mil': a thousand or a million?): "
                  "write %(thousand)s or %(million)s.", text=kept(raw.strip()), name=name,
                  thousand=thousand, million=million),
                arg=spec.name, example=example, suggestions=(thousand, million))
        #: a count with a suffix, exactly (``1.2345k`` is 1234.5): never rounded silently
        scaled: Decimal | None = None
        if m["suffix"]:
            factor = _suffixes(i18n.current())[m["suffix"]]
            if spec.type is ArgType.COUNT and math.isfinite(value):
                scaled = Decimal(repr(value)) * Decimal(repr(factor))
                value = float(scaled)
            else:
                value *= factor
        if m["sign"] == "-":
            value = -value
            exact = None if exact is None else -exact
            scaled = None if scaled is None else -scaled
        if scaled is not None and scaled != scaled.to_integral_value():
            raise _not_whole(raw, spec, float(scaled))
        if spec.type is ArgType.RATE:
            # "4.5%" and "4.5" both mean 4.5 %. A bare value from 0 to 1 could be a fraction
            # or a percentage ("1": 100% or 1%?), so it is asked about.
            if not m["pct"] and 0 < value <= 1:
                shown = raw.strip()
                fraction, percent = pct(value), pct(value / 100, 6)  # one percent style
                raise ArgError(
                    _("'%(text)s' for %(name)s is ambiguous: write %(fraction)s or "
                      "%(percent)s (with the %% sign).", text=kept(shown), name=name,
                      fraction=fraction, percent=percent),
                    arg=spec.name, example=example, suggestions=(fraction, percent))
            value = value / 100 if exact is None or m["suffix"] else float(exact.scaleb(-2))
        elif (
            spec.type is ArgType.COUNT and not m["suffix"] and not m["pct"]
            and math.isfinite(value) and value != int(value)
        ):
            # A count has no decimals: "12,5" or "12.5" is 12.5 thousand with the k left
            # off, or a typo, never twelve and a half followers. From a thousand on
            # ("12 300,5") the k reading would be millions: the whole numbers either side are
            # what was meant.
            # (a thousands reading that is not whole either, 0.1001, is no reading)
            thousands = Decimal(repr(value)) * 1000
            if (abs(value) >= 1000 or not spec.thousands
                    or thousands != thousands.to_integral_value()):
                raise _not_whole(raw, spec, value)
            short = _shorthand(value)
            raise ArgError(
                _("'%(text)s' for %(name)s is ambiguous (a count has no decimals): write "
                  "%(short)s if you mean thousands, or the whole number.", text=kept(raw.strip()),
                  name=name, short=short),
                arg=spec.name, example=example, suggestions=(short,))
        elif m["pct"]:
            raise ArgError(_("%(name)s is a number, not a percentage; try e.g. %(example)s.",
                             name=name, example=example),
                           arg=spec.name, example=example)
    if not math.isfinite(value):
        raise ArgError(_("%(name)s must be a finite number like %(example)s.", name=name,
                         example=example), arg=spec.name,
                       example=example)
    return _check_bounds(value, spec, raw.strip())


def _within(spec: ArgSpec, value: float) -> bool:
    """Whether ``spec``'s bounds take ``value``."""
    return ((spec.minimum is None or value >= spec.minimum)
            and (spec.maximum is None or value <= spec.maximum))


def whole_number(spec: ArgSpec) -> bool:
    """Whether ``spec`` is a whole number that is no size (an index, an age, a number of
    rows: a COUNT without :attr:`~bot.core.registry.ArgSpec.thousands`), whose hints name
    its bounds."""
    return spec.type is ArgType.COUNT and not spec.thousands


def _needs_whole(spec: ArgSpec, typed: str | None = None) -> ArgError:
    """The refusal of a whole-number ``spec`` (:func:`whole_number`) given no number
    (``typed``: the word typed for it; None: its name alone, ``/history last``): the range
    it takes, from its bounds, and its example."""
    lo, hi = (None if b is None else _show(b, spec) for b in (spec.minimum, spec.maximum))
    name, example = _shown(spec), _example(spec)
    if lo is not None and hi is not None:
        message = (_("%(name)s needs a whole number from %(minimum)s to %(maximum)s, e.g. "
                     "%(example)s.", name=name, minimum=lo, maximum=hi, example=example)
                   if typed is None else
                   _("%(name)s needs a whole number from %(minimum)s to %(maximum)s, and "
                     "'%(text)s' isn't one; e.g. %(example)s.", name=name, minimum=lo,
                     maximum=hi, text=kept(typed), example=example))
    else:
        message = (_("%(name)s needs a whole number, e.g. %(example)s.", name=name,
                     example=example) if typed is None else
                   _("%(name)s needs a whole number, and '%(text)s' isn't one; e.g. "
                     "%(example)s.", name=name, text=kept(typed), example=example))
    return ArgError(message, arg=spec.name, example=spec.example_value)


def _not_whole(raw: str, spec: ArgSpec, value: float) -> ArgError:
    """The question for a count ``spec`` typed as ``raw`` that is ``value``, not a whole
    number (``1234,5``, ``1.2345k``, an index ``1.5``): the whole numbers either side that
    its bounds take, as suggestions too (``/history 0.5``: 1 alone, never 0); never one of
    them chosen silently. The one place these hints are made. Neither in its bounds: the
    bounds' own refusal (:func:`_check_bounds`)."""
    either = (math.floor(value),) if spec.completed else (math.floor(value), math.ceil(value))
    near = [str(n) for n in dict.fromkeys(either) if _within(spec, n)]
    if not near:
        _check_bounds(math.floor(value) if spec.completed else value, spec, raw.strip())
        near = [str(n) for n in dict.fromkeys(either)]
    typed = kept(raw.strip())
    if len(near) == 1:
        message = _("'%(text)s' for %(name)s: it must be a whole number; write %(value)s.",
                    text=typed, name=_shown(spec), value=near[0])
    elif spec.thousands:
        message = _("'%(text)s' for %(name)s: a count has no decimals; write %(lower)s or "
                    "%(upper)s.", text=typed, name=_shown(spec), lower=near[0], upper=near[1])
    else:
        message = _("'%(text)s' for %(name)s: it must be a whole number; write %(lower)s or "
                    "%(upper)s.", text=typed, name=_shown(spec), lower=near[0], upper=near[1])
    return ArgError(message, arg=spec.name, example=spec.example_value,
                    suggestions=tuple(near))


def _shorthand(thousands: float) -> str:
    """``thousands`` thousand as the current language writes a decimal before a k, which
    :func:`parse_number` reads back in that language: 12.5 -> '12.5k' (English, Japanese),
    '12,5k' (German); 1234.5 -> '1234,5k' (never '1.234.5k')."""
    return decimal(thousands) + "k"


def _parse_seconds(text: str, spec: ArgSpec, typed: str) -> float:
    """Seconds of the duration ``text`` (spaces removed, lower case; ``typed``: as typed, for
    a refusal): a clock (``1:05``, ``3:54.67``, ``1:02:30``) or hours, minutes and seconds
    with the words of the current language's units (:func:`_duration_pattern`: ``48s``,
    ``48 Sek.``, ``1 min 5 s``, ``1分5秒``), or seconds alone (``70``). Counted in decimal,
    so the seconds typed are the seconds kept: ``3:54.67`` is 234.67, never
    234.67000000000002."""
    m = _CLOCK.match(text)
    if m:
        seconds = Decimal(m["s"].replace(",", "."))
        if seconds >= 60 or (m["h"] is not None and int(m["m"]) >= 60):
            raise ArgError(
                _("%(name)s: '%(text)s' isn't a duration (minutes and seconds go up to 59); "
                  "write it like 1:05 or 1:02:30.", name=_shown(spec), text=kept(typed)),
                arg=spec.name, example=spec.example_value)
        return float(int(m["h"] or 0) * 3600 + int(m["m"]) * 60 + seconds)
    m = _duration_pattern(i18n.current()).match(text)
    if m and any(m.group(g) for g in ("h", "m", "s")):
        h, mins, s = (Decimal((m[g] or "0").replace(",", ".")) for g in ("h", "m", "s"))
        return float(h * 3600 + mins * 60 + s)
    raise ArgError(
        _("%(name)s must be a duration like 45s, 1:05 or 2m — '%(text)s' isn't one.",
          name=_shown(spec), text=kept(typed)),
        arg=spec.name, example=spec.example_value,
    )


def _check_bounds(value: float, spec: ArgSpec, typed: str = "") -> float:
    """``value`` if ``spec``'s bounds take it (a count rounded), else :class:`ArgError`
    naming it as ``typed`` (a rounded 0.001 read "you typed 0"); a typed "-0" is 0 (-0.0
    passes a minimum of 0 and would be shown as "-0")."""
    value += 0.0  # -0.0 + 0.0 is 0.0; anything else is unchanged
    lo, hi = spec.minimum, spec.maximum
    if lo is not None and value < lo:
        shown = kept(typed) if typed else _show(value, spec)
        if lo == 0:
            raise ArgError(_("%(name)s can't be negative (you typed %(text)s).",
                             name=_shown(spec), text=shown),
                           arg=spec.name, example=spec.example_value)
        raise ArgError(_("%(name)s must be at least %(minimum)s (you typed %(text)s).",
                         name=_shown(spec), minimum=_show(lo, spec), text=shown),
                       arg=spec.name, example=spec.example_value)
    if hi is not None and value > hi:
        limit = compact(hi) if spec.type is ArgType.COUNT else _show(hi, spec)
        raise ArgError(
            _("%(name)s=%(text)s looks too large (the most I accept is %(limit)s); try e.g. "
              "%(example)s.", name=_shown(spec), text=kept(typed) if typed else _show(value, spec),
              limit=limit,
              example=_example(spec)), arg=spec.name, example=spec.example_value,
        )
    if spec.type is ArgType.COUNT:
        return float(round(value))
    return value


def _show(value: float, spec: ArgSpec) -> str:
    """A bound or value of ``spec`` in a refusal, as the bot writes one: a duration as a
    duration (36,000 seconds: ``10:00:00``, never ``36k``, which reads back as no duration)."""
    if spec.type is ArgType.RATE:
        return pct(value)
    if spec.type is ArgType.SECONDS and math.isfinite(value) and value >= 0:
        return duration(value)
    if abs(value) >= 1e15:
        return f"{value:.3g}"
    if 0 < abs(value) < 1:  # a bound below one (a price's cent): '0.01', never '0'
        return decimal(value)
    return compact(value)


def _shown(spec: ArgSpec) -> str:
    """``spec``'s name as the creator of the current language types it (German ``Follower``
    for ``followers``; :func:`~bot.domain.fieldnames.field_name`)."""
    return field_name(spec.name)


def _example(spec: ArgSpec) -> str:
    """``spec``'s example as the creator of the current language types it (``Follower=12k``)."""
    return typed_example(spec.example)


def parse_value(raw: str, spec: ArgSpec) -> Any:
    """Parse a value of any type for ``spec``."""
    if spec.type in (ArgType.COUNT, ArgType.NUMBER, ArgType.RATE, ArgType.SECONDS):
        inner = raw.strip()
        if len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "\"'":
            inner = inner[1:-1]  # quotes may hold spaces: followers="12 000"
        return parse_number(inner, spec)
    text = raw.strip().strip("\"'")
    if not text:
        raise ArgError(_("%(name)s needs a value, e.g. %(example)s.", name=_shown(spec),
                         example=_example(spec)), arg=spec.name,
                       example=spec.example_value)
    if spec.type is ArgType.BOOL or spec.type is ArgType.FLAG:
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ArgError(_("%(name)s must be yes or no (you typed '%(text)s').", name=_shown(spec),
                         text=kept(text)), arg=spec.name,
                       example=spec.example_value)
    if len(text) > spec.max_length:
        raise ArgError(_("%(name)s is too long (at most %(count)s characters).",
                         name=_shown(spec), count=spec.max_length),
                       arg=spec.name, example=spec.example_value)
    if spec.type is ArgType.CHOICE:
        low = text.lower()
        for choice in spec.choices:
            if choice.lower() == low:
                return choice
        # A choice that is a field is also its name in the creator's language, as /log
        # reads it (German "/progress Follower 3m"), or in any other.
        local = readable_field_names().get(field_key(text))
        if local in spec.choices:
            return local
        if len(spec.choices) == 1:
            raise ArgError(
                _("%(name)s can only be %(choice)s (you typed '%(text)s').", name=_shown(spec),
                  choice=field_name(spec.choices[0]), text=kept(text)),
                arg=spec.name, example=spec.example_value)
        raise ArgError(
            _("%(name)s must be one of %(choices)s (you typed '%(text)s').", name=_shown(spec),
              choices=items([field_name(c) for c in spec.choices], "or"), text=kept(text)),
            arg=spec.name, example=spec.example_value,
        )
    if spec.normalize is not None:
        try:
            return spec.normalize(text)
        except ValueError as exc:
            raise ArgError(exc.marked if isinstance(exc, Refusal) else f"{exc}",
                           arg=spec.name, example=spec.example_value,
                           usage=exc.usage if isinstance(exc, Refusal) else None,
                           suggestions=exc.suggestions if isinstance(exc, Refusal) else ()
                           ) from exc
    return text


#: The full-width signs that stand between names and values, as the ASCII ones (the rest of a
#: line's full-width forms are folded name by name and value by value: :func:`parse_args`).
_WIDE_SIGNS = str.maketrans({"\uff1d": "=", "\uff1a": ":", "\uff0c": ",", "\uff1b": ";",
                             "\u3000": " "})
#: A name and the sign after it at the start of an argument (``フォロワー＝``, ``path=``).
_NAME_SIGN = re.compile(r"([^\W\d_][\w'’‘-]*)([=:\uff1d\uff1a])")
#: A comma or semicolon, ASCII or full-width, that may stand between two arguments.
_SEPARATOR = re.compile(r"[,;\uff0c\uff1b]+")


def _fold_signs(raw: str, by_name: Mapping[str, ArgSpec]) -> str:
    """``raw`` with the full-width signs that act as syntax as the ASCII ones
    (:data:`_WIDE_SIGNS`): ``＝``/``：`` right after a known argument's name (``フォロワー＝12k``,
    also ``フォロワー ＝ 12k``), a full-width comma or semicolon at the end of an argument or
    right before the next known ``name＝``, and every sign inside a value that is not TEXT (a
    number, a date). Inside quotes, inside a TEXT value (a file's name, a niche: ``path=
    レポート：１１月.csv``, ``niche=料理，旅行``) and in a bare word that is no argument's name
    (``/import レポート＝１１月.csv``) they are the creator's text, kept as typed."""
    if raw.isascii():
        return raw

    def known(word: str) -> ArgSpec | None:
        return by_name.get(field_key(word))

    def piece(text: str, spec: ArgSpec | None) -> str:
        """One argument: ``spec`` is the named argument a leading sign belongs to."""
        m = _NAME_SIGN.match(text)
        if m is not None and known(m[1]) is not None:
            spec, head, text = known(m[1]), m[1] + m[2].translate(_WIDE_SIGNS), text[m.end():]
        elif spec is not None and text[:1] in "\uff1d\uff1a":
            head, text = text[0].translate(_WIDE_SIGNS), text[1:]
        else:
            return text
        assert spec is not None
        return head + (text if spec.free_text else text.translate(_WIDE_SIGNS))

    def token(text: str, before: ArgSpec | None) -> str:
        if '"' in text or "'" in text:  # quoted text: only the name's sign before it
            return piece(text, before)
        out: list[str] = []
        start = 0
        for sep in _SEPARATOR.finditer(text):
            end = sep.end()
            nxt = _NAME_SIGN.match(text, end)
            if end == len(text) or (nxt is not None and known(nxt[1]) is not None):
                out.append(piece(text[start:sep.start()], before if not out else None))
                out.append(sep[0].translate(_WIDE_SIGNS))
                start = end
        if start < len(text) or not out:
            out.append(piece(text[start:], before if not out else None))
        return "".join(out)

    parts: list[str] = []
    last = 0
    before: ArgSpec | None = None  # a name typed alone, whose sign may come next
    for m in _TOKEN.finditer(raw):
        parts.append(raw[last:m.start()])
        parts.append(token(m[0], before))
        before = known(m[0]) if _NAME_SIGN.fullmatch(m[0] + "=") else None
        last = m.end()
    parts.append(raw[last:])
    return "".join(parts)
#: A comma or semicolon between two arguments (``followers=5.2k, views=42k``,
#: ``followers=5.2k;views=42k``): a semicolon anywhere, a comma at the end of an argument or
#: right before the next ``key=`` / ``key:``. A comma between digits (``12,5``, ``12,000``)
#: or between words (``does=brand,affiliate``) is part of the value.
_BETWEEN = re.compile(r";+|,+$|,+(?=[^\W\d][\w'’‘-]*[=:])")
#: What arguments the separators apply to are made of: words, numbers and their signs. In
#: anything else (quotes, ``&amp;``, ``<b>``) a comma or semicolon is part of the text.
_PLAIN = re.compile(r"[\w.,;:%+~≈=/@#$€£¥₹₩-]*")


def _pieces(token: str) -> tuple[list[str], bool]:
    """``token`` split at the separators of :data:`_BETWEEN`, and whether it ended with one;
    a token that is not :data:`_PLAIN` is kept whole."""
    if not _PLAIN.fullmatch(token):
        return [token], False
    return [p for p in _BETWEEN.split(token) if p], bool(re.search(r"[,;]$", token))


#: Spaces around an ``=`` (``key = value`` -> ``key=value``) and after a name's ``:``
#: (``key: value`` -> ``key:value``), taken out by :func:`_split`; compiled once, with plain
#: replacements (a ``\1`` template is expanded in Python for every match).
_AROUND_EQUALS = re.compile(r"\s*=\s*")
_AFTER_COLON = re.compile(r"(?<=[^\W\d])\s*:\s+")


def _split(raw: str) -> tuple[list[str], frozenset[int]]:
    """Split arguments; ``key = value`` and ``key: value`` become one token; ``12 000`` too;
    commas and semicolons between arguments (:data:`_BETWEEN`) separate like spaces. The
    tokens, and the indexes of those a comma or semicolon follows
    (``12k followers, 40k views`` -> ``{1}``): a name and a value are never paired across
    one (:func:`_paired`)."""
    raw = _AROUND_EQUALS.sub("=", raw.strip())
    raw = _AFTER_COLON.sub(":", raw)
    # "1,2 Mio." -> "1,2Mio.", "12 mil M" -> "12milM": the number and its suffix, one value
    raw = _suffix_after_space(i18n.current()).sub(lambda m: _SPACES.sub("", m["suffix"]), raw)
    tokens: list[str] = []
    breaks: set[int] = set()
    joinable = False  # the last token may take the next group of three digits ("12 000")
    for found in _TOKEN.findall(raw):
        pieces, ended = _pieces(found)
        for i, tok in enumerate(pieces):
            if (
                i == 0 and joinable and tokens
                and re.fullmatch(r"\d{3}(?:[.,]\d+)?(?:[^\W\d_]+\.?)*%?", tok)
                and re.search(r"(?:^|[=:])[+-]?\d{1,3}(?:[ ,.]\d{3})*$", tokens[-1])
            ):
                tokens[-1] += tok  # "12 000" is one number, grouped by a space
            else:
                tokens.append(tok)
            if i < len(pieces) - 1 or ended:
                breaks.add(len(tokens) - 1)
        joinable = bool(pieces) and not ended  # never across a separator
    return tokens, frozenset(breaks)


#: How many tokens after a duration's number its unit words and further parts may take
#: (``1 Std. 2 Min. 5 Sek.``: five).
_DURATION_PARTS = 5


def _with_units(tokens: list[str], breaks: frozenset[int], by_name: Mapping[str, ArgSpec],
                flags: Mapping[str, ArgSpec]) -> tuple[list[str], frozenset[int]]:
    """``tokens`` (and ``breaks``, as :func:`_split` gives them) with a duration's value and
    the unit words typed after it with spaces as one token, as the bot shows a duration
    (``48 Sek.``, ``48\u202fs``, ``1 Min. 5 Sek.``): after a duration argument's ``name=``
    (``avg_video_length=48 Sek.``) or a bare value beside a duration argument's name
    (``Videolänge 48 Sek.``). Only words of the current language's units
    (:func:`_duration_word`) and numbers between them are taken, never across a comma or
    semicolon, never an argument's name, a flag or a ``name=value``, and only where the
    whole reads as a duration (:func:`_duration_pattern`) ending in a unit word: ``… 12k``
    or a number after the duration (``/log avg_video_length=48 Sek. 12k``) stays the next
    argument."""
    if not tokens:
        return tokens, breaks

    def seconds_name(i: int) -> bool:
        spec = by_name.get(field_key(tokens[i])) if 0 <= i < len(tokens) else None
        return spec is not None and spec.type is ArgType.SECONDS

    def part(token: str) -> bool:
        # (a unit word or a number first: most lines have neither after a value)
        if not (_duration_word(token) or _BARE_VALUE.fullmatch(fold_width(token))):
            return False
        return not (_key_value(token) is not None or fold_width(token).lower() in flags
                    or field_key(token) in by_name)

    pattern = _duration_pattern(i18n.current())
    out: list[str] = []
    out_breaks: set[int] = set()
    i = 0
    while i < len(tokens):
        token, end = tokens[i], i + 1
        if i in breaks or end == len(tokens) or not part(tokens[end]):
            out.append(token)
            if i in breaks:
                out_breaks.add(len(out) - 1)
            i = end
            continue
        kv = _key_value(token)
        if kv is not None:
            spec = by_name.get(kv[0])
            value = kv[1] if spec is not None and spec.type is ArgType.SECONDS else ""
            named = True
        else:
            value = token if _BARE_VALUE.fullmatch(fold_width(token)) else ""
            named = i - 1 not in breaks and seconds_name(i - 1)
        best = None
        k = i + 1
        while (value and k < len(tokens) and k - 1 not in breaks and k - i <= _DURATION_PARTS
               and part(tokens[k])):
            k += 1
            text = _SPACES.sub("", fold_width(unjoined("".join([value, *tokens[i + 1:k]]))))
            if (not re.fullmatch(r"[\d.,]+", fold_width(tokens[k - 1]))
                    and pattern.match(text.lower())
                    and (named or (k < len(tokens) and k - 1 not in breaks
                                   and seconds_name(k)))):
                best = k
        if best is not None:
            token, end = " ".join(tokens[i:best]), best
        out.append(token)
        if end - 1 in breaks:
            out_breaks.add(len(out) - 1)
        i = end
    return out, frozenset(out_breaks)


def _key_value(token: str) -> tuple[str, str] | None:
    m = re.match(r"^([^\W\d_][\w'’‘-]*)[=:](.*)$", token)
    if not m:
        return None
    return field_key(m.group(1)), m.group(2)


def parse_args(specs: Sequence[ArgSpec], raw: str, *, command: str = "",
               examples: Sequence[str] = ()) -> dict[str, Any]:
    """:func:`_parse_args`; a refusal of a value of several words that proposes one
    (:attr:`ArgError.replaces`) gets the line as typed with that value in their place as its
    example line: the other arguments kept (``/settings timezone=New York currency=EUR``:
    ``/settings timezone=America/New_York currency=EUR``)."""
    try:
        return _parse_args(specs, raw, command=command, examples=examples)
    except ArgError as exc:
        if exc.replaces is not None and command and exc.replaces[0] in raw:
            typed, value = exc.replaces
            exc.usage = typed_example(f"/{command} " + " ".join(
                raw.replace(typed, value, 1).split()))
        raise


def _parse_args(specs: Sequence[ArgSpec], raw: str, *, command: str = "",
                examples: Sequence[str] = ()) -> dict[str, Any]:
    """Parse ``raw`` against ``specs``. Returns values for given args plus defaults.

    Accepts ``key=value`` / ``key:value`` anywhere, flags by name (``explain``), and bare
    values for positional args in declaration order. ``examples`` are the command's declared
    examples (:attr:`~bot.core.registry.CommandSpec.examples`): a usage hint shows one.
    """
    if len(raw) > MAX_ARGS_LENGTH:
        raise ArgError(
            _("That's too long for /%(command)s (at most %(count)s characters).",
              command=command, count=MAX_ARGS_LENGTH)
            if command else _("That's too long (at most %(count)s characters).",
                              count=MAX_ARGS_LENGTH)
        )
    raw = visible(raw)  # (what every adapter's arguments pass: Discord's options too)
    if not raw or raw.isspace():  # most commands: nothing typed, every value its default
        return _defaults(specs)
    by_name, positional, flags, phrases, first_words = _lookup(specs, readable_field_names())
    if first_words:
        # Only a phrase whose first word was typed can change the line (a set look-up per
        # word, where one search for any of the six languages' phrases took 60 µs a line).
        typed = first_words.intersection(_WORDS.findall(raw.casefold()))
        for first, pattern, folded in phrases:
            if first in typed:
                # "Aufrufe pro Video=3k" is one name, not three words
                raw = pattern.sub(folded, raw)
    # Full-width signs that act as syntax (Japanese フォロワー＝12000, a full-width comma
    # between two arguments) are the ASCII ones (_fold_signs); names are folded one by one
    # below and values likewise (fold_width, NFKC of the width forms: フォロワー=１２ｋ, 50％,
    # month=２０２６－１０, timezone=Europe／Berlin), the creator's free text never
    # (ArgSpec.free_text: a file's name, a handle, a niche), quoted or not, kept as typed.
    raw = _fold_signs(raw, by_name)
    values: dict[str, Any] = {}

    def put(spec: ArgSpec, value: Any) -> None:
        if spec.name in values:
            raise ArgError(_("%(name)s is given twice; keep one, e.g. %(example)s.",
                             name=_shown(spec), example=_example(spec)),
                           arg=spec.name, example=spec.example_value)
        values[spec.name] = value

    tokens = _paired(*_with_units(*_split(raw), by_name, flags), by_name, flags)
    for i, token in enumerate(tokens):
        kv = _key_value(token)
        if kv is not None and not re.fullmatch(r"\d", token[0]):
            key, text = kv
            spec_kv = by_name.get(key)
            if spec_kv is None or not spec_kv.free_text:
                text = fold_width(unjoined(text))
            if spec_kv is None:
                if positional and kv[1] and _looks_like_time(token):
                    kv = None  # a bare "10:00" style value, handled as positional below
                else:
                    raise _unknown(key, specs, command, examples)
            if kv is not None:
                assert spec_kv is not None
                if text == "" and whole_number(spec_kv):
                    raise _needs_whole(spec_kv)
                if text == "" and spec_kv.type is not ArgType.FLAG:
                    raise ArgError(_("%(name)s needs a value, e.g. %(example)s.",
                                     name=_shown(spec_kv), example=_example(spec_kv)),
                                   arg=spec_kv.name, example=spec_kv.example_value)
                if text != "" and spec_kv.type is ArgType.TEXT:
                    put(spec_kv, _text_value(text, spec_kv, tokens[i + 1:], by_name, flags))
                else:
                    put(spec_kv, True if text == "" else parse_value(text, spec_kv))
                continue
        as_typed = token
        token = fold_width(unjoined(token))
        flag = flags.get(token.lower())
        if flag is not None:
            put(flag, True)
            continue
        named = by_name.get(field_key(token))
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if named is not None and named.type is not ArgType.TEXT:
            raise _name_alone(named, after, by_name, flags)
        target = next((s for s in positional if s.name not in values), None)
        if target is not None and target.is_numeric and not re.search(r"\d", token):
            # a word or a lone sign ("%", "Mio.") where a number goes: say we don't know it,
            # never blame the next positional field for it
            target = None
        if target is None and named is not None:  # "key 8b3de27e": key=8b3de27e meant
            raise _name_alone(named, after, by_name, flags)
        if target is None:
            import difflib  # (here: only a mistyped word needs it)

            words = list(flags) + [s.name for s in specs] + [
                field_key(field_name(s.name)) for s in specs]
            close = difflib.get_close_matches(token.lower(), words, n=1, cutoff=0.75)
            if close:
                raise ArgError(_("I don't know what '%(text)s' means here. Did you mean "
                                 "'%(close)s'?", text=kept(token),
                                 close=_spoken(close[0], specs)))
            hint, usage = _usage_hint(specs, command, examples)
            raise ArgError(_("I don't know what '%(text)s' means here.", text=kept(token))
                           + " " + hint, usage=usage)
        put(target, parse_value(as_typed if target.free_text else token, target))

    return _defaults(specs, values)


def _text_value(text: str, spec: ArgSpec, rest: Sequence[str],
                by_name: Mapping[str, ArgSpec], flags: Mapping[str, ArgSpec]) -> Any:
    """A TEXT argument's value ``text`` read (:func:`parse_value`); where it is refused and
    bare words follow it (``timezone=New York``: no name, no ``name=value``, no flag), what
    the words together would be: a refusal that proposes a value for them (``New York`` is
    America/New_York) is the answer, and words read together say to quote them. Never the
    first word's refusal alone ("'New' is not a time zone I know")."""
    try:
        return parse_value(text, spec)
    except ArgError as refused:
        words: list[str] = []
        for word in rest:
            if (_key_value(word) is not None or fold_width(word).lower() in flags
                    or field_key(word) in by_name):
                break
            words.append(word)
        if not words:
            raise
        together = " ".join([text, *(fold_width(unjoined(w)) for w in words)])
        try:
            parse_value(together, spec)
        except ArgError as joined:
            if joined.suggestions:
                # its example line keeps the rest of the line as typed (parse_args: /settings
                # timezone=America/New_York currency=EUR, never the one argument alone)
                joined.replaces = (" ".join([text, *words]), joined.suggestions[0])
                raise joined from None
            raise refused from None
        quoted = '"' + together + '"' if '"' not in together else "'" + together + "'"
        raise ArgError(_("A value with spaces goes in quotes: write %(name)s=%(value)s.",
                         name=_shown(spec), value=kept(quoted)), arg=spec.name,
                       example=spec.example_value, suggestions=(quoted,)) from None


def _name_alone(spec: ArgSpec, after: str | None, by_name: Mapping[str, ArgSpec],
                flags: Mapping[str, ArgSpec]) -> ArgError:
    """The refusal of ``spec``'s name typed alone, where its value goes after it with an
    ``=`` (``/settings timezone Asia/Kolkata``, ``/undo confirm key 3fa9c2d1``): the pair to
    write, with ``after`` (the word typed after the name) as its value, when that is a
    bare word (no argument's name nor ``name=value``) and ``spec`` no number (a number's
    name pairs with a number after it, :func:`_paired`: a word after it is none); else what
    it needs, as for a value left out (a whole number: its range, :func:`_needs_whole`).
    Never "did you mean" the name that was typed."""
    bare = (after is not None and _key_value(after) is None
            and fold_width(unjoined(after)).lower() not in flags
            and field_key(after) not in by_name)
    if whole_number(spec):  # ("/settings age twelve": no number after it to pair with)
        return _needs_whole(spec, after if bare else None)
    if bare and not spec.is_numeric:  # (a numeric name pairs with a number after it)
        assert after is not None
        # The pair offered is one the argument takes: the value as typed if it is read, else
        # the one value its refusal proposes (timezone Berlin: timezone=Europe/Berlin), else
        # that refusal itself (never a pair that would be refused in turn).
        usage = None
        try:
            parse_value(after, spec)
            value = kept(after)
        except ArgError as refused:
            if len(refused.suggestions) != 1:
                return refused
            value = refused.suggestions[0]
            usage = refused.usage  # (its example line sets that value, not the command's)
        return ArgError(_("Write %(name)s=%(value)s: the value goes right after the name "
                          "and an = sign.", name=_shown(spec), value=value),
                        arg=spec.name, example=spec.example_value, usage=usage)
    return ArgError(_("%(name)s needs a value, e.g. %(example)s.", name=_shown(spec),
                      example=_example(spec)), arg=spec.name, example=spec.example_value)


class _Lookup(NamedTuple):
    """What :func:`parse_args` reads a command's arguments with, in one language."""

    by_name: dict[str, ArgSpec]  # by name, alias and the language's field names (read only)
    positional: list[ArgSpec]
    flags: dict[str, ArgSpec]
    #: The field names of more than one word (``aufrufe_pro_video``) as typed with spaces,
    #: each replaced by its folded form, in this order, with its first word (casefolded);
    #: ``first_words`` holds those first words.
    phrases: tuple[tuple[str, re.Pattern[str], str], ...]
    first_words: frozenset[str]


#: Built lookups by (id of the specs, id of the language's field names), each kept with the
#: two objects it was built from (so an id reused by another object is never a hit).
_LOOKUPS: dict[tuple[int, int], tuple[object, object, _Lookup]] = {}
_LOOKUPS_MAX = 1024  # commands × languages, with room to spare


def _lookup(specs: Sequence[ArgSpec], names: Mapping[str, str]) -> _Lookup:
    """The lookup for ``specs`` in the language whose field names are ``names``
    (:func:`~bot.domain.fieldnames.readable_field_names`); kept
    when ``specs`` is a tuple (a command's arguments: they never change), built afresh
    otherwise. A /log in English spent most of its argument parsing building it (about
    60 of 95 µs)."""
    if type(specs) is not tuple:
        return _build_lookup(specs, names)
    key = (id(specs), id(names))
    found = _LOOKUPS.get(key)
    if found is not None and found[0] is specs and found[1] is names:
        return found[2]
    built = _build_lookup(specs, names)
    if len(_LOOKUPS) >= _LOOKUPS_MAX:
        _LOOKUPS.clear()
    _LOOKUPS[key] = (specs, names, built)
    return built


def _build_lookup(specs: Sequence[ArgSpec], names: Mapping[str, str]) -> _Lookup:
    by_name: dict[str, ArgSpec] = {}
    for spec in specs:
        by_name[spec.name] = spec
        for alias in spec.aliases:
            by_name.setdefault(alias, spec)
    # The names the creator's language gives the fields (German Follower, Aufrufe pro Video),
    # the same as the CSV import's column names, besides the English ones.
    # Then the names every other language gives them: a line the console showed in German
    # (/log Aufrufe=40000 confirm) is read after a switch to English too. A name the current
    # language gives another field, or two languages give different fields, is not
    # (``names``: :func:`~bot.domain.fieldnames.readable_field_names`).
    local = {folded: by_name[key] for folded, key in names.items() if key in by_name}
    for folded, spec in local.items():
        by_name.setdefault(folded, spec)
    # ... and the fields a choice names (German "/progress Aufrufe pro Video 1y").
    chosen = {c for s in specs if s.type is ArgType.CHOICE for c in s.choices}
    # (longest first: a phrase inside a longer one of another language never cuts it up)
    phrases = tuple((next(iter(_WORDS.findall(folded)), folded), _phrase(folded), folded)
                    for folded, key in sorted(names.items(), key=lambda n: -len(n[0]))
                    if (key in by_name or key in chosen) and "_" in folded)
    return _Lookup(by_name, [s for s in specs if s.positional],
                   {s.name: s for s in specs if s.type is ArgType.FLAG}, phrases,
                   frozenset(first for first, _, _ in phrases))


def _defaults(specs: Sequence[ArgSpec], values: dict[str, Any] | None = None
              ) -> dict[str, Any]:
    """``values`` (the arguments given; none if None) plus the default of each argument not
    given; :class:`ArgError` for a required one not given."""
    values = {} if values is None else values
    for spec in specs:
        if spec.name not in values:
            if spec.required:
                raise ArgError(_("%(name)s is required, e.g. %(example)s.", name=_shown(spec),
                                 example=_example(spec)),
                               arg=spec.name, example=spec.example_value)
            if spec.default is not None:
                values[spec.name] = spec.default
    return values


#: The runs of letters of a line (casefolded): a phrase's first one is looked up in them.
_WORDS = re.compile(r"[^\W\d_]+")


@functools.lru_cache(maxsize=256)  # a few field names in each of a handful of languages
def _phrase(folded: str) -> re.Pattern[str]:
    """A field's folded local name (``aufrufe_pro_video``) as typed with spaces, ``_`` or
    ``-`` between its words (``Aufrufe pro Video``), as a whole name in any case."""
    phrase = r"[\s_-]+".join(map(re.escape, folded.split("_")))
    return re.compile(rf"(?<![\w'’‘])({phrase})(?![\w'’‘])", re.IGNORECASE)


_BARE_VALUE = re.compile(r"[~≈+-]?(?:\d|\.\d)[\w.,:%]*")


def _paired(tokens: list[str], breaks: frozenset[int], by_name: dict[str, ArgSpec],
            flags: dict[str, ArgSpec]) -> list[str]:
    """``followers 2300`` and ``2.7k followers`` -> ``followers=2300`` / ``followers=2.7k``:
    a numeric argument's bare name next to a bare value, where that reading is the only one.

    Names and values are read in runs that alternate (a value, a name, a value...) with no
    comma or semicolon inside (``breaks``: the indexes a separator follows). A run that starts
    with a name pairs each name with the value after it (``views 40k likes 3k``); one that
    starts with a value and ends with a name, each value with the name after it (``40k views
    3k likes``); one that starts and ends with a value (``40k views 12k``) reads two ways
    (views 40k and a bare 12k, or a bare 40k and views 12k) and is asked about
    (:class:`ArgError`), never guessed, unless a value of one reading is one its name cannot
    take (:func:`parse_value`: ``12k avg_watch_time 0:45`` is no watch time of 12k): then the
    other reading is the one. Other tokens are as they were."""

    def name(i: int) -> str | None:
        key = field_key(tokens[i])
        spec = by_name.get(key)
        if spec is None or not spec.is_numeric or key in flags:
            return None
        return spec.name

    #: "v" a bare value, "n" a numeric argument's bare name, "" anything else
    kinds = ["v" if _BARE_VALUE.fullmatch(_SPACES.sub("", fold_width(t))) else "n" if name(i)
             else "" for i, t in enumerate(tokens)]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        end = i + 1
        while (end < len(tokens) and kinds[i] and kinds[end] and kinds[end] != kinds[end - 1]
               and end - 1 not in breaks):
            end += 1
        run = tokens[i:end]
        if len(run) == 1:
            out.extend(run)
        elif kinds[i] == "n":  # views 40k likes 3k (a name left over needs a value)
            out.extend(f"{name(k)}={fold_width(tokens[k + 1])}" for k in range(i, end - 1, 2))
            if len(run) % 2:
                out.append(tokens[end - 1])
        elif len(run) % 2 == 0:  # 40k views 3k likes
            out.extend(f"{name(k + 1)}={fold_width(tokens[k])}" for k in range(i, end, 2))
        else:  # 40k views 12k: views=40k and 12k, or 40k and views=12k
            # each reading: its (value, name) pairs and the value left bare; one whose values
            # a name cannot take (avg_watch_time=12k) is no reading: the other is the answer
            before = ([(k, k + 1) for k in range(i, end - 1, 2)], end - 1)
            after = ([(k + 1, k) for k in range(i + 1, end - 1, 2)], i)
            readings = [r for r in (before, after)
                        if all(_takes(tokens[v], by_name[name(n) or ""]) for v, n in r[0])]
            if len(readings) == 1:
                pairs, bare = readings[0]
                paired = {min(v, n): f"{name(n)}={fold_width(tokens[v])}" for v, n in pairs}
                out.extend(paired[k] if k in paired else tokens[k]
                           for k in range(i, end) if k in paired or k == bare)
                i = end
                continue
            key = name(i + 1)
            assert key is not None
            shown = field_name(key)
            raise ArgError(
                _("In '%(text)s', is %(name)s %(first)s or %(second)s? Write %(name)s="
                  "%(first)s or %(name)s=%(second)s.", text=kept(" ".join(run)), name=shown,
                  first=kept(tokens[i]), second=kept(tokens[i + 2])),
                arg=key, example=by_name[key].example_value)
        i = end
    return out


def _takes(value: str, spec: ArgSpec) -> bool:
    """Whether ``spec`` reads ``value`` (:func:`parse_value`, full-width forms folded)."""
    try:
        parse_value(fold_width(value), spec)
    except ArgError:
        return False
    return True


def _looks_like_time(token: str) -> bool:
    return bool(re.fullmatch(r"\d{1,2}:\d{2}", token))


def _spoken(word: str, specs: Sequence[ArgSpec]) -> str:
    """An argument's name or alias, or the folded local name of one (``aufrufe_pro_video``),
    as the creator of the current language types it (``Aufrufe pro Video``)."""
    for spec in specs:
        if word in (spec.name, field_key(field_name(spec.name))):
            return field_name(spec.name)
    return word


def closest_name(key: str, specs: Sequence[ArgSpec]) -> str | None:
    """The name nearest to a mistyped ``key`` (``veiws``) among ``specs``' names, aliases and
    local names, as the creator of the current language types it (``views``, ``Aufrufe``);
    ``None`` when none is near. The one rule for "Did you mean …?", of a chat argument and
    of a CSV column alike."""
    import difflib  # (here: only a mistyped name needs it)

    names = ([s.name for s in specs] + [a for s in specs for a in s.aliases]
             + [field_key(field_name(s.name)) for s in specs])
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    return _spoken(close[0], specs) if close else None


def did_you_mean(close: str) -> str:
    """The sentence that offers ``close`` (:func:`closest_name`) for what was typed."""
    return _("Did you mean '%(close)s'?", close=close)


def _unknown(key: str, specs: Sequence[ArgSpec], command: str,
             examples: Sequence[str] = ()) -> ArgError:
    close = closest_name(key, specs)
    unknown = (_("Unknown argument '%(key)s' for /%(command)s.", key=kept(key),
                 command=command)
               if command else _("Unknown argument '%(key)s'.", key=kept(key)))
    if close:
        return ArgError(unknown + " " + did_you_mean(close), arg=key)
    if not specs:
        return ArgError(_("/%(command)s takes no arguments.", command=command) if command else
                        _("This command takes no arguments."), arg=key)
    hint, usage = _usage_hint(specs, command, examples)
    return ArgError(f"{unknown} {hint}", arg=key, usage=usage)


def _hint_example(specs: Sequence[ArgSpec], command: str, examples: Sequence[str]) -> str:
    """The example a usage hint ends with: the command's first declared example that gives
    an argument (as /help shows it, in the creator's language), else one argument's example
    alone. Never two arguments' examples joined: they may contradict each other (``/forget
    confirm cancel`` cancelled) or make a call nobody would type."""
    declared = next((e for e in examples if len(e.split()) > 1), None)
    if declared is not None:
        return typed_example(declared)
    sample = _example(specs[0])
    return f"/{command} {sample}" if command else sample


def _usage_hint(specs: Sequence[ArgSpec], command: str,
                examples: Sequence[str] = ()) -> tuple[str, str | None]:
    """The sentence saying what the command takes, and the example the reply shows on its
    own line under it (:attr:`ArgError.usage`; None when nothing is taken)."""
    if not specs:
        return (_("/%(command)s takes no arguments.", command=command) if command
                else _("This takes no arguments.")), None
    example = _hint_example(specs, command, examples)
    if len(specs) <= 8 or not command:
        return _("It takes: %(names)s.", names=items([_shown(s) for s in specs])), example
    # A cut list ends in a word (no "…" for the sentence's period to follow: "….") and says
    # where the whole list is.
    cut = items([*(_shown(s) for s in specs[:8]), pgettext("the end of a list cut short",
                                                           "more")])
    return _("It takes %(names)s (see /help %(command)s).", names=cut,
             command=command), example


#: A TEXT value written as it is in a canonical line: no space, quote, separator or sign the
#: tokenizer or the field-name matching would read (anything else is quoted).
_BARE_TEXT = re.compile(r"[\w.@/+-]+")


def command_line(command: str, specs: Sequence[ArgSpec], values: Mapping[str, Any]) -> str:
    """``values`` (as :func:`parse_args` returns them for ``specs``) written back as a command
    line that :func:`parse_args` reads to the same values in every supported language:
    ``/log followers=12000 views=40000 confirm``. A button that runs typed input again runs
    this, never the typed text: that was read in the language of the moment (German
    ``Follower=12,5k``) and may mean something else, or nothing, after /language.

    The canonical form: English argument names (``key=value``, a flag set its bare name), in
    declaration order; a value equal to its default is left out (it comes back as the
    default). Counts as digits (``12000``); other numbers as digits, a decimal as digits and an
    exponent (``4125e-1`` for 412.5: no decimal sign reads alike in English and German);
    rates as a percentage (``35%``, ``45e-1%``); durations in seconds (``70``, ``70.5``: a
    duration's dot is a decimal in every language); yes/no; choices as declared; text by
    :attr:`~bot.core.registry.ArgSpec.unparse` (a date in ISO form), quoted when it holds a
    space or a separator. ``ValueError`` for a name ``specs`` lack or a value no line can
    hold (text with both kinds of quote and a space, or a quote or space at an end)."""
    known = {s.name for s in specs}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"/{command} has no argument {', '.join(unknown)}")
    tokens = [f"/{command}"]
    for spec in specs:
        if spec.name not in values:
            continue
        value = values[spec.name]
        if spec.default is not None and value == spec.default:
            continue
        if spec.type is ArgType.FLAG and value is True:
            tokens.append(spec.name)
        else:
            tokens.append(f"{spec.name}={write_value(value, spec)}")
    return " ".join(tokens)


def write_value(value: Any, spec: ArgSpec) -> str:
    """One value of ``spec`` as :func:`command_line` writes it (language-neutral)."""
    if spec.type in (ArgType.BOOL, ArgType.FLAG):
        return "yes" if value else "no"
    if spec.type is ArgType.CHOICE:
        return _quoted(str(value))
    if spec.type is ArgType.TEXT:
        return _quoted(_unparsed(value, spec))
    number = float(value)
    if spec.type is ArgType.SECONDS:
        # _parse_seconds reads a dot as a decimal in every language; repr is the shortest
        # text float() reads back exactly, written without an exponent (_duration_pattern has none)
        return _positional(Decimal(repr(number)))
    if spec.type is ArgType.RATE:  # as a percentage: 0.355 -> 355e-1%
        return _scientific(Decimal(repr(number)).scaleb(2)) + "%"
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return _scientific(Decimal(repr(number)))


def _unparsed(value: Any, spec: ArgSpec) -> str:
    if spec.unparse is not None:
        return spec.unparse(value)
    if isinstance(value, str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ",".join(map(str, value))
    raise ValueError(f"{spec.name}: no canonical text for {value!r} (give the spec an unparse)")


def _quoted(text: str) -> str:
    """``text`` as one value :func:`parse_value` reads back to it: as it is, or quoted."""
    if _BARE_TEXT.fullmatch(text):
        return text
    if text != text.strip().strip("\"'"):  # parse_value strips these from the ends
        raise ValueError(f"no command line holds {text!r} (a quote or space at an end)")
    for quote in "\"'":
        if quote not in text:
            return f"{quote}{text}{quote}"
    raise ValueError(f"no command line holds {text!r} (both quotes)")


def _positional(number: Decimal) -> str:
    """``number`` in positional notation: ``Decimal('1E+2')`` -> ``100``, ``0.5`` as it is."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _scientific(number: Decimal) -> str:
    """``number`` as digits and an exponent, as :func:`parse_number` reads it exactly in every
    language (no decimal or thousands sign): ``Decimal('412.5')`` -> ``4125e-1``; a whole
    number as its digits (``100``)."""
    sign, digits, exponent = number.normalize().as_tuple()
    assert isinstance(exponent, int)  # a finite number
    text = ("-" if sign else "") + "".join(map(str, digits))
    if exponent >= 0 and len(digits) + exponent <= 15:  # a whole number: its digits (100)
        return text + "0" * exponent
    return f"{text}e{exponent}"


#: A decimal as :func:`_scientific` writes it in a canonical line, one value on its own
#: (``4125e-1``, ``355e-1%``), with its percent sign if it has one.
_EXPONENT = re.compile(r"(-?\d+)e(-\d+)(%?)")


#: A decimal with three places after one to three digits (``1.125``, ``-12,125``): the
#: form a thousands sign writes too (``1,125`` is 1125 in English, ``1.125`` in German).
_LIKE_THOUSANDS = re.compile(r"-?\d{1,3}\.\d{3}")


def _local_decimal(value: str, symbol: str) -> str:
    """``value`` (one argument's value) with a decimal :func:`_scientific` wrote, as a
    language whose decimal sign is ``symbol`` writes it (``355e-1%`` -> ``35,5%``); any
    other value, or a decimal longer than 20 characters so (``3e-33``), as it is.

    A decimal that would look like thousands (three places after one to three digits:
    ``1,125``, read as 1125 in English) is written with a fourth place (``1,1250``), which
    no language reads as thousands: the line is read to the same value in every language
    that writes that decimal sign, and refused with a sentence (never read as another
    number) in one that doesn't (German ``1.1250``): the console's line may be typed after
    a switch of language."""
    m = _EXPONENT.fullmatch(value)
    if m is None:
        return value
    text = _positional(Decimal(f"{m[1]}e{m[2]}"))
    if _LIKE_THOUSANDS.fullmatch(text):
        text += "0"
    return text.replace(".", symbol) + m[3] if len(text) <= 20 else value


#: One argument of a canonical line: unquoted text, or quoted text with spaces, glued; a
#: quote with no partner is a character of its own (``Bob's``).
_LINE_TOKEN = re.compile(r"""(?:[^\s"']+|"[^"]*"|'[^']*'|["'])+""")
_NAMED = re.compile(r"([a-z_]+)=(.*)", re.DOTALL)


def local_line(line: str) -> str:
    """A canonical line (:func:`command_line`) as a creator of the current language types
    it: each argument's name as the language names the field (German ``Aufrufe=40000``) and
    each decimal as the language writes it (:func:`_local_decimal`: ``rewards=4125e-1`` ->
    English ``rewards=412.5``, German ``rewards=412,5``); values are never
    translated (a file name with the word ``followers`` in it stays as it is). Read back in
    that language to the same values; in any other, to the same values too or refused with
    a sentence where it can't read the decimal sign, never as another number (every language
    reads every language's field names; :func:`_local_decimal`). A button runs the canonical
    line itself."""
    symbol = get_decimal_symbol(i18n.current())
    out = []
    for token in _LINE_TOKEN.findall(line):
        named = _NAMED.fullmatch(token)
        if named is not None:
            token = f"{field_name(named[1])}={_local_decimal(named[2], symbol)}"
        out.append(token)
    return " ".join(out)


_COMMAND = re.compile(r"^/([A-Za-z][A-Za-z0-9_]{0,31})(?:@[A-Za-z0-9_]+)?(?:\s+(.*))?$", re.DOTALL)
#: A line that starts with / and a word that is no command's name (``//stats``, ``/123``).
_MISTYPED = re.compile(r"^/(\S+)(?:\s+(.*))?$", re.DOTALL)


def invisible(char: str) -> bool:
    """Whether ``char`` is an invisible formatting character (Unicode category Cf: a
    zero-width space U+200B, the direction marks U+200E/U+200F and overrides U+202A–U+202E,
    a byte order mark U+FEFF, a soft hyphen…): nothing a person sees, often pasted along."""
    return unicodedata.category(char) == "Cf"


def trimmed(text: str) -> str:
    """``text`` without the spaces and invisible formatting characters (:func:`invisible`)
    at either end: ``""`` when nothing visible is in it."""
    start, end = 0, len(text)
    while start < end and not _shows(text[start]):
        start += 1
    while end > start and not _shows(text[end - 1]):
        end -= 1
    return text[start:end]


#: The joiners (ZWNJ, ZWJ): invisible, but between two characters part of what they write
#: (an emoji sequence 👩‍💻, a Persian or Indic word), so :func:`visible` keeps them there.
_JOINERS = "\u200c\u200d"


def visible(text: str) -> str:
    """``text``, a command line or its arguments, without the invisible formatting characters
    (:func:`invisible`) pasted along with it, which made confusing refusals (``/stats\u200b``:
    "I don't know /stats​"; ``/log \u202efollowers=12k``: "'followers=12k' isn't one").
    Nothing else changes: a joiner between two characters stays (:data:`_JOINERS`), as do the
    tag characters of an emoji flag after its flag (:func:`_is_tag`), so a file's name or other
    free text keeps its emoji; no name, number or other value the bot reads holds one."""
    if text.isprintable():  # (the usual line: nothing to look at one by one)
        return text
    kept_chars: list[str] = []
    last = len(text) - 1
    for i, char in enumerate(text):
        if invisible(char):
            joins = (char in _JOINERS and 0 < i < last
                     and _shows(text[i - 1]) and _shows(text[i + 1]))
            tags = _is_tag(char) and bool(kept_chars) and (
                _shows(kept_chars[-1]) or _is_tag(kept_chars[-1]))
            if not (joins or tags):
                continue
        kept_chars.append(char)
    return "".join(kept_chars)


def _is_tag(char: str) -> bool:
    """A Unicode tag character (U+E0020-U+E007F): invisible, but the letters of an emoji tag
    sequence (the flags of Scotland or Wales: a black flag, tags, a cancel tag), kept after
    a character that shows."""
    return "\U000e0020" <= char <= "\U000e007f"


def _shows(char: str) -> bool:
    """Whether ``char`` is seen: neither a space nor :func:`invisible`."""
    return not (char.isspace() or invisible(char))


def unjoined(text: str) -> str:
    """``text`` without joiners either (:data:`_JOINERS`): a value the bot reads as a name, a
    number or a word, which no joiner is part of."""
    return text.replace("\u200c", "").replace("\u200d", "") if "\u200c" in text \
        or "\u200d" in text else text


def split_command(line: str) -> tuple[str, str] | None:
    """``"/log@Bot followers=12k"`` -> ``("log", "followers=12k")``; None if not a command.

    A line that starts with / and a word no command can be called (``//stats``: ``"/stats"``;
    ``/123``) is a mistyped command, split the same way: no command has that name, so the
    dispatcher answers it as any unknown one ("I don't know //stats. Did you mean /stats?"),
    never with the hint for a line that does not start with /; so is a name longer than a
    command's 32 characters. None for / alone. Invisible
    formatting characters are no part of it (:func:`visible`): ``/stats\u200b`` is /stats."""
    line = visible(line).strip()
    m = _COMMAND.match(line) or _MISTYPED.match(line)
    if not m:
        return None
    return m.group(1).lower(), (m.group(2) or "").strip()
