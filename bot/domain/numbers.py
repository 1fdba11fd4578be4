"""How numbers are shown to creators: the one place for 12k, 1.2M, 4.5 %, $1,200 and 1:05.

Every function formats for the language of the work being done (:func:`bot.i18n.current`):
English keeps the project's own short forms (``12.3k``, ``$1,200``, ``4.6%``); every other
language gets Babel's CLDR forms (German ``12.300``, ``1.200 $``, ``4,6 %``; French ``12 300``;
Japanese ``1.2万``, ``￥1,200``). The reverse (reading what creators type) lives in
``bot.core.args`` (:func:`bot.core.args.parse_number`), which reads back every form
written here.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Final, Literal, ParamSpec, TypeVar

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.lists import format_list
from babel.numbers import (
    NumberPattern,
    format_compact_currency,
    format_compact_decimal,
    format_currency,
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    parse_pattern,
)
from babel.units import format_unit

from bot import i18n

#: The one rounding rule of every number shown, in every language: a tie rounds away from
#: zero (0.525 % -> '0.53%', '0,53 %'; 2.5 yen -> '¥3'), as people round money and shares,
#: applied to the number's shortest decimal text (``repr``: what the creator typed, and what
#: Babel reads). Babel rounds in the active :mod:`decimal` context (half-even unless told),
#: so every Babel call here runs inside :func:`_half_up`; the English forms written here
#: round with :func:`rounded`, and so does every number rounded elsewhere before it is shown
#: (a rate card's prices, a goal's days: :func:`rounded`, :func:`whole`; never ``round()``,
#: which rounds half to even, nor ``f"{x:.0f}"``; tests/unit/test_one_rounding_rule.py).
ROUNDING: Final = ROUND_HALF_UP

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _half_up(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """``fn`` (a function that formats with Babel) run in a :mod:`decimal` context rounding
    by :data:`ROUNDING`, which Babel's quantization follows."""
    @functools.wraps(fn)
    def in_context(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(rounding=ROUNDING):
            return fn(*args, **kwargs)
    return in_context


def rounded(x: float, digits: int = 0) -> Decimal:
    """``x`` rounded to ``digits`` decimals by :data:`ROUNDING`, from its shortest decimal
    text (``repr``), as Babel rounds it here: 2.675 -> 2.68 (a float's binary value would
    give 2.67), 2.5 -> 3, -0.5 -> -1. ``x`` is finite. The one rounding for the forms this
    module writes itself (English; a whole count before grouping)."""
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-digits), ROUNDING)


#: The largest whole number a float holds exactly (2**53): a count up to it (an int, or a
#: float with no fraction) is already whole, as :func:`rounded` would give it.
_EXACT: Final = 2**53


def whole(x: float) -> int:
    """``x`` rounded to a whole number as every displayed number is (:func:`rounded`):
    2.5 -> 3, 12.4 -> 12, -0.5 -> -1. A count that is whole already (followers, a route's
    thresholds) is returned as it is, without the decimal arithmetic (1.3 us each)."""
    kind = x.__class__
    if (kind is int or (kind is float and x.is_integer())) and -_EXACT <= x <= _EXACT:
        return int(x)
    return int(rounded(x))


def fixed(x: float, digits: int) -> str:
    """``x`` with exactly ``digits`` decimals, a dot, no grouping, rounded as every displayed
    number is (:func:`rounded`): 2.675, 2 -> '2.68' (``f"{2.675:.2f}"`` gives '2.67'). An
    infinity is written as Python writes it ('inf'), as before this rule: it has no digits to
    round (``Decimal.quantize`` refuses it)."""
    if not math.isfinite(x):
        return f"{x:.{digits}f}"
    return f"{rounded(x, digits):f}"


#: Babel's list styles used here: "and" lists and "or" lists (CLDR ``standard``, ``or``).
ListStyle = Literal["standard", "or"]

#: Below this a count is never abbreviated in any language but English, whose own short forms
#: (``1.9k``) are the project's: a CLDR short form would write 1,953 as '2 mil' (es, pt_BR)
#: or '2 k' (fr) but '1.953' (de, ja: no thousands abbreviation), so the same number lost
#: its precision in some languages only. From here on every language abbreviates as CLDR
#: says ('12,3 mil', '12,3 k', '1,2万'; German only from a million: '12.345', '1,2 Mio.').
COMPACT_FROM = 10_000

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "BRL": "R$", "KRW": "₩"}


def locale() -> Locale:
    """The Babel locale of the current language (``en`` is ``en_US``)."""
    return _locale(i18n.current())


@functools.lru_cache(maxsize=32)
def _locale(lang: str) -> Locale:
    """Parsed once per language: ``Locale.parse`` resolves aliases and likely subtags on every
    call (about 20 µs), and a reply formats dozens of numbers. A handful of languages exist, so
    the cache stays small; Babel's locales are not changed after parsing."""
    return Locale.parse("en_US" if lang == i18n.SOURCE else lang)


@functools.lru_cache(maxsize=64)
def _pattern(pattern: str) -> NumberPattern:
    """A CLDR number pattern parsed once (``format_decimal`` parses it on every call); the
    patterns are the few :func:`decimal` builds from its digit counts."""
    return parse_pattern(pattern)


def _english() -> bool:
    return i18n.current() == i18n.SOURCE


def shown(value: object) -> object:
    """A value filling a placeholder (``%(x)s`` in a sentence, ``{{ x }}`` in a template) as
    the current language writes it, when it is a number, date or datetime: an int grouped
    (:func:`grouped`: '1,953', '1.953', '1 953'), a fraction as :func:`number`, a date as
    :func:`day`, a datetime as :func:`stamp`. Anything else (text, a bool, an already
    formatted value) is returned as it is. Registered with :func:`bot.i18n.format_values_with`
    when this module is imported, and used by the templates' escaping."""
    if value.__class__ is str or isinstance(value, bool) or not isinstance(
            value, int | float | date):  # text first: most values are
        return value
    if isinstance(value, int):
        return grouped(value)
    if isinstance(value, float):
        return number(value)
    if isinstance(value, datetime):
        return stamp(value)
    return day(value)


i18n.format_values_with(shown)


def _per_value(cached: Callable[..., str], fresh: Callable[..., str], value: float,
               *rest: object) -> str:
    """``fresh(value, negative, *rest)``, answered by ``cached`` (its bounded cache) when
    ``value`` is a plain float or int. ``negative`` is the sign of ``value``, -0.0 included:
    in the key, since 0.0 and -0.0 are equal keys but Babel writes them apart; any other kind
    of number (a Decimal) is formatted afresh."""
    kind = type(value)
    if kind is float or kind is int:
        return cached(value, math.copysign(1.0, value) < 0, *rest)
    return fresh(value, False, *rest)


def decimal(value: float, max_digits: int = 6, min_digits: int = 0) -> str:
    """A plain decimal, no grouping, with the locale's decimal sign: 0.5 -> '0.5' / '0,5'."""
    if not math.isfinite(value) or abs(value) >= 1e15:
        return f"{value:.3g}"
    if value == 0:  # 0.0 and -0.0 are one key to a cache, but Babel writes "-0" for one
        return _decimal(value, max_digits, min_digits, i18n.current())
    return _decimal_cached(value, max_digits, min_digits, i18n.current())


def days(value: float) -> str:
    """A number of days as a reply writes it: with one decimal only when it is not whole as
    shown ("1.5", "1,5"; 1.0 and 0.98 are "1", never "1.0" / "1,0"), in every language. The
    one rule for the days a change took (/stats, /log, a tip's days)."""
    return decimal(value, 1, 0)


def _digits(max_digits: int, min_digits: int = 0) -> str:
    """The number part of a pattern with ``min_digits`` to ``max_digits`` decimals: '0',
    '0.######' (0 to 6), '0.0#' (1 to 2). The one rule :func:`decimal` and :func:`usd`
    write their decimals by, in every language."""
    if max_digits <= 0:
        return "0"
    return "0." + "0" * min_digits + "#" * max(max_digits - min_digits, 0)


@_half_up
def _decimal(value: float, max_digits: int, min_digits: int, lang: str) -> str:
    # format_decimal(value, format=pattern, locale=…) without parsing the pattern each time
    return str(_pattern(_digits(max_digits, min_digits)).apply(value, _locale(lang)))


#: The same figures are written again and again (a rate table's sourced rates in every
#: /estimate, a creator's numbers in each reply about them): Babel's formatting is pure, so a
#: bounded least-recently-used cache keeps the recent ones. ``typed``: 1 and 1.0 apart.
_decimal_cached = functools.lru_cache(maxsize=4096, typed=True)(_decimal)


def usd(amount: float, places: int | None = None) -> str:
    """A sourced dollar figure as written in a rate table, with the decimals it has (up to
    six, as :func:`decimal`; never cents it does not have), in the language's currency form
    with its grouping: '$0.5', '$20', '$3,000' (English), '0,5 $', '3.000 $' (German),
    '$3,000' (Japanese); ``places``: exactly that many decimals (both ends of a range,
    :func:`usd_ends`)."""
    return _per_value(_usd_cached, _usd, amount, i18n.current(), places)


def _places(x: float) -> int:
    """The decimals :func:`decimal` writes ``x`` with (at most six)."""
    text = f"{rounded(abs(x), 6):f}" if math.isfinite(x) else "0"
    return len(text.partition(".")[2].rstrip("0"))


def same_places(*values: float) -> int:
    """The decimals every end of a range of sourced figures is written with: the most any
    of them has, so both ends read alike ('0.25–1.00', '$0.0020–$0.0053', never
    '$0.002–$0.0053'); :func:`range_digits` is the rule for amounts of money."""
    return max((_places(v) for v in values), default=0)


def usd_ends(low: float, high: float) -> dict[str, str]:
    """``low`` and ``high`` as :func:`usd` writes them, with the same decimals
    (:func:`same_places`), for a message's ``%(low)s–%(high)s``."""
    places = same_places(low, high)
    return {"low": usd(low, places), "high": usd(high, places)}


def decimal_ends(low: float, high: float) -> dict[str, str]:
    """``low`` and ``high`` as :func:`decimal` writes them, with the same decimals
    (:func:`same_places`), for a message's ``%(low)s–%(high)s``."""
    places = same_places(low, high)
    return {"low": decimal(low, places, places), "high": decimal(high, places, places)}


@_half_up
def _usd(amount: float, negative: bool, lang: str, places: int | None = None) -> str:
    """:func:`usd` in language ``lang``: the language's currency pattern with
    :func:`decimal`'s decimals (:func:`_digits`); ``negative`` (the sign of ``amount``, -0.0
    included) only keeps the cache's keys apart."""
    base = _locale(lang).currency_formats["standard"].pattern.split(";")[0]
    digits = _digits(6) if places is None else _digits(places, places)
    pattern = _pattern(base.replace("0.00", digits, 1))
    return _in_currency(amount, "USD", pattern, lang)


def _in_currency(amount: float, currency: str, pattern: NumberPattern, lang: str) -> str:
    """Babel's ``format_currency(amount, currency, format=pattern, locale=…,
    currency_digits=False)`` in language ``lang``: the same text, through the pattern with
    the currency's symbol written in (:func:`_with_symbol`) where there is one."""
    with_symbol = _with_symbol(pattern.pattern, currency, lang)
    if with_symbol is None:
        return str(format_currency(amount, currency, format=pattern, locale=_locale(lang),
                                   currency_digits=False))
    return str(with_symbol.apply(amount, _locale(lang)))


@functools.lru_cache(maxsize=256)
def _with_symbol(pattern: str, currency: str, lang: str) -> NumberPattern | None:
    """``pattern`` (a currency pattern of ``lang``: ``¤`` where the symbol goes) with the
    symbol of ``currency`` in ``lang`` written in as a quoted literal. Formatting with it
    (no currency given) writes what ``format_currency`` writes with ``pattern``: Babel puts
    the symbol where ``¤`` is, then takes the quotes away, and with ``currency_digits=False``
    the currency changes nothing else. It skips what Babel also works out on every call, for
    the ``¤¤¤`` no pattern here has: the currency's name in the plural the amount takes
    (about two thirds of a call). None where the text could differ: a pattern with a quote
    or a ``¤¤``, a symbol with a quote or a character a pattern reads itself (``%``, ``‰``,
    ``¤``); those go through ``format_currency``."""
    symbol = get_currency_symbol(currency, _locale(lang))
    if "'" in pattern or "¤¤" in pattern or any(c in symbol for c in "'%‰¤"):
        return None
    return parse_pattern(pattern.replace("¤", f"'{symbol}'"))


#: A rate table's sourced figures, in every /estimate explain and /ratecard: formatted once
#: per language, as :data:`_decimal_cached` (Babel's currency formatting is the dearest).
_usd_cached = functools.lru_cache(maxsize=4096, typed=True)(_usd)


def items(values: Iterable[object], style: ListStyle = "standard") -> str:
    """A list in words for the locale: 'a, b and c' / 'a, b und c' / 'a, b y c' / 'a、b、c'
    (``style="or"``: 'a, b or c' / 'a, b oder c'). The one place a list of names, fields or
    files is joined for reading (templates: the ``items`` filter). ``values`` is any iterable
    of strings (or things whose ``str`` is shown, e.g. lazy translations); empty gives ''."""
    texts = [str(v) for v in values]
    if len(texts) < 2:
        return texts[0] if texts else ""
    if _english():
        word = " or " if style == "or" else " and "
        return ", ".join(texts[:-1]) + word + texts[-1]
    return _items_cached(tuple(texts), style, i18n.current())


def _items(texts: tuple[str, ...], style: ListStyle, lang: str) -> str:
    """:func:`items` of two or more ``texts`` in language ``lang`` (not English)."""
    return str(format_list(list(texts), style=style, locale=_locale(lang)))


#: The same lists are joined again and again (the fields a route still needs, the routes a
#: creator has): as :data:`_decimal_cached`, keyed by the texts themselves.
_items_cached = functools.lru_cache(maxsize=1024)(_items)


#: The space a language writes before the two-part punctuation marks (``:`` ``;`` ``!``
#: ``?``), the one its catalogue writes in every translated sentence: French a no-break space
#: ("Abonnés : 10 k"). A language not listed writes none.
_SPACE_BEFORE_MARK: Final = {"fr": "\u00a0"}
_MARKS: Final = frozenset(":;!?")
#: Marks a language writes full-width, with no space after them, as its catalogue does:
#: Japanese "フォロワー：1万", and "、" between two notes ("要相談、/ratecard link=…") or two
#: details ("61万回の再生に対して、2026年10月").
_FULL_WIDTH: Final = {"ja": {":": "：", ";": "、", ",": "、"}}


def punct(mark: str) -> str:
    """``mark``, punctuation the bot writes itself between two parts of a reply (a label and
    its value, ``": "``; two notes, ``"; "``), as the current language writes it: with a
    no-break space before it in French (``"\\u00a0: "``), the full-width colon (and "、" for
    a semicolon) with no space in Japanese (``"："``), as it is elsewhere. The one place such
    a joint gets the language's typography (templates: the ``punct`` filter, ``{{ r.label
    }}{{ ": " | punct }}{{ r.value }}``); a translated sentence has it from its catalogue."""
    return _punct(mark, i18n.current())


def _punct(mark: str, language: str) -> str:
    """:func:`punct` in ``language``."""
    wide = _FULL_WIDTH.get(language, {}).get(mark[:1])
    if wide is not None:
        return wide + mark[1:].lstrip(" ")
    space = _SPACE_BEFORE_MARK.get(language)
    if space is None or mark[:1] not in _MARKS:
        return mark
    return space + mark


def source_list(text: str) -> str:
    """A rate file's ``source`` naming several sources ("https://a ; https://b (2025)") with
    the sources joined by :func:`punct`'s ``"; "`` ("https://a; https://b", French
    "https://a\u00a0; https://b", Japanese "https://a、https://b"): the files separate
    sources with " ; ", which no language writes. A ";" not followed by a space (in a link)
    is kept."""
    return _source_list(text, i18n.current())


#: Between two sources of one rate-file entry (" ; ", spaces around it or not).
_SOURCES_SPLIT: Final = re.compile(r"\s*;\s+")


@functools.lru_cache(maxsize=512)
def _source_list(text: str, language: str) -> str:
    """:func:`source_list` in ``language``: the rate files' few sources, each written once
    per language (every /estimate lists nine of them, 2-3 us each)."""
    parts = [p.strip() for p in _SOURCES_SPLIT.split(text)]
    return _punct("; ", language).join(p for p in parts if p)


#: The brackets a language puts around an aside the bot adds itself, with what goes before
#: them: Japanese full-width （…） and no space, as its catalogue writes every bracket.
_ASIDE: Final = {"ja": ("（", "）")}


def aside(text: object) -> str:
    """``text`` as an aside the bot adds after something (a source after a time, a change after
    a value, a tip's id after its title): ``" (text)"``, in Japanese ``"（text）"`` with no
    space, as the catalogue writes brackets. The one place such brackets are written
    (templates: the ``aside`` filter, ``{{ e.when | stamp }}{{ e.source | aside }}``)."""
    opening, closing = _ASIDE.get(i18n.current(), (" (", ")"))
    return f"{opening}{text}{closing}"


#: Kana (with ー and ・), kanji (with 々): Japanese text, next to which Japanese writes no
#: space (one stays only next to Latin letters or digits: "TikTok の", "あと 60,000 再生").
_JA_TEXT: Final = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
#: Spaces a reply holds that Japanese does not write: between two sentences a template joins
#: ("…です。 次に…"), after a closing bracket, a full-width colon or comma ("計算方法： 再生数"),
#: before an opening bracket (an aside after a value, a span of days after it), except the space
#: that ends an address ("https://… （出典）"); and one space between two pieces of Japanese text
#: (a placeholder's Japanese value and the particle after it: "フォロワー の" is "フォロワーの",
#: where the catalogue writes "%(name)s の" for a Latin value: "completion_rate の"), except
#: after a command or its ``key=value`` ("/log ジャンル=美容 フォロワー=12k" is typed as it is).
#:
#: A match is the run of spaces alone (the pattern starts with one, which the regular
#: expression engine looks for before it tries anything else), each case told by the
#: character before and after it, in this order: before an opening bracket after a word
#: (kept after an address), one space between Japanese text (kept after a command's word),
#: after a closing mark. :func:`_ja_space` reads the word before the spaces where it
#: decides. Written first as alternatives that each took the word before the spaces, tried
#: at every place, that read each word again from every place inside it: quadratic in a
#: line's length for Japanese, which writes no spaces (0.9 ms of a 1,100-character reply).
_JA_SPACES: Final = (rf" (?:(?<=\S ) *(?=（)()|(?<=[{_JA_TEXT}] )(?=[{_JA_TEXT}「])()"
                     rf"|(?<=[。！？）：、」] ) *(?=\S))")


@functools.cache
def _ja_spaces() -> re.Pattern[str]:
    """:data:`_JA_SPACES` compiled, once, by the first Japanese reply (1.5 ms: not at start)."""
    return re.compile(_JA_SPACES)


#: The two marks around a value the creator gave (a niche, a file's name, a typed command
#: line): Unicode noncharacters, which no text a creator sends or the bot writes holds.
KEPT_OPEN: Final = "\ufdd0"
KEPT_CLOSE: Final = "\ufdd1"
#: A space inside a kept value while :func:`tidy_spaces` works (no rule matches it).
_KEPT_SPACE: Final = "\ufdd2"
_KEPT_MARKS: Final = re.compile("([\ufdd0\ufdd1])")


def unmarked(text: str) -> str:
    """``text`` without the marks :func:`kept` and :func:`tidy_spaces` use, as a reply shows
    it outside a rendered template (``ask --json``'s values, logs) (three
    ``str.replace``: ``str.translate`` with a table looks each character up, about 30 ns
    a character, 50 us for a whole reply)."""
    return text.replace(KEPT_OPEN, "").replace(KEPT_CLOSE, "").replace(_KEPT_SPACE, "")


def kept(text: str) -> str:
    """``text``, a value the creator gave, marked so that :func:`tidy_spaces` changes nothing
    inside it (the renderer marks every text value it prints: templates' ``{{ niche }}``,
    sentences' ``%(path)s``); :func:`tidy_spaces` takes the marks away again."""
    if not text or text.isspace():  # nothing of the creator's to keep
        return text
    return f"{KEPT_OPEN}{unmarked(text)}{KEPT_CLOSE}"


def tidy_spaces(text: str) -> str:
    """``text``, a whole rendered reply, with the spaces its template or its filled sentences
    put between Japanese parts as the current language writes them: in Japanese none after
    。！？：、 or a closing bracket, nor before an opening one (unless after an address), nor
    between two pieces of Japanese text (unless after a command's word: see
    :data:`_JA_SPACES`); other languages unchanged. The renderer calls it on every reply, so
    a sentence's spacing around a placeholder follows the value it was filled with. Inside a
    value marked with :func:`kept` (the creator's: a niche "料理 レシピ", a file's name, a
    command line) nothing changes; the marks are taken away, in every language."""
    if KEPT_OPEN not in text:
        return _ja_spaces().sub(_ja_space, text) if i18n.current() == "ja" else text
    if i18n.current() != "ja":
        return unmarked(text)
    parts, depth = [], 0
    for part in _KEPT_MARKS.split(text):
        if part == KEPT_OPEN:
            depth += 1
        elif part == KEPT_CLOSE:
            depth = max(0, depth - 1)
        else:
            parts.append(part.replace(" ", _KEPT_SPACE) if depth else part)
    return _ja_spaces().sub(_ja_space, "".join(parts)).replace(_KEPT_SPACE, " ")


def _ja_space(m: re.Match[str]) -> str:
    """What :data:`_JA_SPACES`' match ``m`` (a run of spaces) becomes: nothing, or itself
    before a bracket after an address and between Japanese text after a command's word."""
    if m.group(1) is not None:  # before an opening bracket
        return m.group() if "://" in _word_before(m.string, m.start()) else ""
    if m.group(2) is not None:  # between two pieces of Japanese text
        word = _word_before(m.string, m.start())
        return m.group() if word.startswith("/") or "=" in word or "://" in word else ""
    return ""  # after 。！？：、」 or ）


def _word_before(text: str, end: int) -> str:
    """The word of ``text`` that ends at ``end`` (the characters up to the space before it)."""
    start = end
    while start and not text[start - 1].isspace():
        start -= 1
    return text[start:end]


#: The items a reply lists at most (the snapshots an /undo removes, the rows an /import
#: previews): the rest are counted, "… and 3 more" (:func:`first_shown`).
SHOWN_IN_A_LIST = 5

_Item = TypeVar("_Item")


def first_shown(items: Sequence[_Item], limit: int = SHOWN_IN_A_LIST
                ) -> tuple[list[_Item], int]:
    """The one rule for a list a reply shows: its first ``limit`` items, and how many more
    there are (0 for none), which the template says as "… and N more"."""
    return list(items[:limit]), max(0, len(items) - limit)


def day(value: date | datetime | str | None) -> str:
    """A calendar date: ISO in English ('2026-11-09', as creators type it), the locale's
    medium form elsewhere ('09.11.2026', '9 nov. 2026', '2026/11/09'). The one function
    every displayed date goes through (templates: the ``day`` filter, on the ISO strings a
    reply's data holds). ``value`` is a date, a datetime, an ISO string, or anything with an
    ISO ``isoformat()``; raises ``ValueError`` for a string that is not an ISO date."""
    if value is None:
        return "?"
    if not isinstance(value, str | date):
        value = str(value.isoformat())
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    if _english():
        return value.isoformat()
    if type(value) is date:
        return _day_cached(value, i18n.current())
    return _day(value, i18n.current())


def _day(value: date, lang: str) -> str:
    """:func:`day` of ``value`` in language ``lang`` (not English)."""
    return str(format_date(value, format="medium", locale=_locale(lang)))


#: Replies show the same few days again and again (the latest snapshot's, "since" last
#: week's, today's): each formatted once per language, in a bounded cache as
#: :data:`_decimal_cached` (Babel's date formatting costs tens of microseconds).
_day_cached = functools.lru_cache(maxsize=4096)(_day)


def stamp(value: date | datetime | str | None, offset: bool = False) -> str:
    """A moment to the minute, as a list shows when something was logged or imported:
    '2026-11-29 22:46' (English, like :func:`day`) or the locale's medium date and short time
    ('29.11.2026, 22:46', '29 nov. 2026, 22:46', '2026/11/29 22:46'). The wall-clock time of
    ``value`` is shown as it is (convert to the creator's zone first). ``value`` is a
    datetime, a date, or an ISO string (``'2026-11-29T22:46+01:00'``, ``'2026-11-29 22:46'``);
    a date, or a string holding only a date, is shown as :func:`day`. ``offset``: the UTC
    offset after it ('2026-11-01 01:30 (UTC-04:00)'), for a local time that happens twice
    (:func:`bot.domain.daily.wall_time_repeats`). Raises ``ValueError`` for a string that is
    not ISO."""
    shown = _stamp(value)
    if offset and isinstance(value, str) and len(value.strip()) > 10:
        value = datetime.fromisoformat(value.strip())
    if offset and isinstance(value, datetime) and (utc := value.utcoffset()) is not None:
        minutes = int(utc.total_seconds()) // 60
        sign = "-" if minutes < 0 else "+"
        shown += f" (UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d})"
    return shown


def _stamp(value: date | datetime | str | None) -> str:
    """:func:`stamp` without the offset."""
    if value is None:
        return "?"
    if not isinstance(value, str | date):  # anything with an ISO isoformat()
        value = str(value.isoformat())
    if isinstance(value, str):
        if len(value.strip()) <= 10:
            return day(value)
        value = datetime.fromisoformat(value.strip())
    if not isinstance(value, datetime):
        return day(value)
    if _english():
        return value.strftime("%Y-%m-%d %H:%M")
    loc = locale()
    pattern = str(loc.datetime_formats.get("medium", "{1} {0}"))
    return pattern.replace("{1}", str(format_date(value.date(), format="medium", locale=loc))
                           ).replace("{0}", str(format_time(value.timetz(), format="short",
                                                            locale=loc)))


def month(value: str | date | None) -> str:
    """A calendar month: ISO in English ('2026-10', as creators type it), the locale's
    abbreviated month and year elsewhere ('Okt. 2026', 'oct. 2026', '2026年10月'). ``value``
    is a ``'YYYY-MM'`` string (as /payout month= stores it), an ISO date string, or a date;
    raises ``ValueError`` for a string that is neither."""
    if value is None:
        return "?"
    if isinstance(value, str):
        text = value.strip()
        value = date.fromisoformat(f"{text}-01" if len(text) == 7 else text[:10])
    if _english():
        return f"{value:%Y-%m}"
    if type(value) is date:
        return _month_cached(value, i18n.current())
    return _month(value, i18n.current())


def _month(value: date, lang: str) -> str:
    """:func:`month` of ``value`` in language ``lang`` (not English)."""
    return str(format_skeleton("yMMM", value, locale=_locale(lang)))


#: A few months are shown (a payout's, this one): each formatted once per language.
_month_cached = functools.lru_cache(maxsize=1024)(_month)


def moment(value: datetime | str) -> str:
    """A local date and time in words: 'Monday 09 November 2026, 10:00' (English) or the
    locale's full date and short time ('Montag, 9. November 2026, 10:00'). ``value`` is a
    datetime or its ISO text (``'2026-11-09T10:00+01:00'``, as a reply's data holds it); its
    wall-clock time is shown as it is. Raises ``ValueError`` for a string that is not ISO."""
    if not isinstance(value, str | datetime):  # anything with an ISO isoformat()
        value = str(value.isoformat())
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    if _english():
        return value.strftime("%A %d %B %Y, %H:%M")
    loc = locale()
    return (f"{format_date(value.date(), format='full', locale=loc)}, "
            f"{format_time(value.timetz(), format='short', locale=loc)}")


def weekday(index: int) -> str:
    """0 -> 'Monday' / 'Montag' / '月曜日' (ISO weekday order, Monday first)."""
    from babel.dates import get_day_names

    return str(get_day_names("wide", "format", locale=locale())[index % 7])


def compact(n: float | None, short: bool | None = None) -> str:
    """12_345 -> '12.3k', 1_200_000 -> '1.2M', 950 -> '950' (English). Other languages: below
    :data:`COMPACT_FROM` (10,000) the number in full, grouped as the language groups
    ('1.953' de, '1 953' fr, '1953' es, '1,953' ja; a fraction to one decimal: '12,5'); from
    there CLDR's short form ('12.345' de, '12,3 mil' pt_BR, '1,2万' ja, '1,2 Mio.' de).
    ``short`` False: in full, grouped, even where a short form exists ('12,345', '12.345',
    '12,345' ja): what :func:`compact_ends` gives every number of a phrase when one of them
    has no short form."""
    if n is None or math.isnan(n):
        return "?"
    if short is False and math.isfinite(n) and abs(n) >= 1000:
        return _in_full(n)
    if not _english() and math.isfinite(n):
        return _per_value(_compact_cached, _compact_local, n, i18n.current())
    sign = "-" if n < 0 else ""
    a = abs(n)
    units = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))
    for i, (limit, suffix) in enumerate(units):
        if a >= limit:
            v = a / limit
            text = fixed(v, 1).rstrip("0").rstrip(".") if v < 100 else fixed(v, 0)
            if text == "1000" and i > 0:  # 999.96k reads as 1M, not 1000k
                return f"{sign}1{units[i - 1][1]}"
            return f"{sign}{text}{suffix}"
    if a == int(a):
        return f"{sign}{int(a)}"
    return f"{sign}{fixed(a, 1)}".rstrip("0").rstrip(".")


def _in_full(n: float) -> str:
    """A number from 1,000 on in full, whole and grouped as the language groups ('12,345',
    '12.345' de, '12 345' fr, '12,345' ja): :func:`compact`'s own form below its short one."""
    if _english():
        return f"{'-' if n < 0 else ''}{whole(abs(n)):,}"
    return grouped(n)


def short_form(n: float) -> bool:
    """Whether :func:`compact` writes ``n`` in a short form by itself ('12.3k', '1,2万',
    '12,3 mil'): English from 1,000, other languages from :data:`COMPACT_FROM` where CLDR
    abbreviates at that size (not German below a million)."""
    return math.isfinite(n) and _has_short_form(abs(n))


def shared_short(*values: float | None) -> bool:
    """The one style decision for numbers of one quantity written in one phrase (a range's two
    ends, a value and the one it was): short only when every one of them is written short by
    itself (:func:`short_form`), else all in full, so one phrase never mixes the two ('5万から
    6,000', '1.2k–950': '50,000から6,000', '1,200–950'). Numbers that are not shown ('?')
    and zero (the same in either style: '100k (now 0)') take no part."""
    shown = [v for v in values if v is not None and not math.isnan(v) and v != 0]
    return bool(shown) and all(short_form(v) for v in shown)


def compact_ends(*values: float | None) -> tuple[str, ...]:
    """``values`` (of one quantity, in one phrase) as :func:`compact` writes them, in one style
    for all (:func:`shared_short`): English 12,000 and 950 -> '12,000', '950', 50,000 and
    1,000,000 -> '50k', '1M'; Japanese 50,000 and 6,000 -> '50,000', '6,000' (never '5万'
    beside '6,000'), 50,000 and 1,000,000 -> '5万', '100万'."""
    short = shared_short(*values)
    return tuple(compact(v, short) for v in values)


def count_ends(*values: float | None) -> tuple[str, ...]:
    """:func:`compact_ends` of counts (:func:`count`: whole below 1,000)."""
    short = shared_short(*values)
    return tuple(count(v, short) for v in values)


def count_range(low: float, high: float) -> str:
    """``low``–``high`` of a count (followers of a size band: '5k–1M', '1,000–10,000' ja
    '1,000〜10,000', '1万〜5万'), both ends in one style (:func:`count_ends`); one number when
    both read the same."""
    a, b = count_ends(low, high)
    if a == b:
        return a
    return i18n.pgettext("a range of two numbers: 5k–1M", "%(low)s–%(high)s", low=a, high=b)


#: A follower band as the rate data names it: '5k–1M', '1k–10k' (two counts, English short).
_BAND: Final = re.compile(r"(\d+(?:\.\d+)?)([kM]?)–(\d+(?:\.\d+)?)([kM]?)")
_BAND_UNITS: Final = {"": 1, "k": 1_000, "M": 1_000_000}


def band_ends(label: str) -> tuple[float, float] | None:
    """The two counts of a band the rate data names ('5k–1M' -> (5,000, 1,000,000)); None for
    any other label ('1M+', 'under 5k', 'all sizes')."""
    m = _BAND.fullmatch(label)
    if m is None:
        return None
    return (float(m[1]) * _BAND_UNITS[m[2]], float(m[3]) * _BAND_UNITS[m[4]])


def size_band(label: str, short: bool | None = None) -> str:
    """A follower band of the rate data ('5k–1M') in the current language: a band of two
    counts written by :func:`count_range`, both ends in one style (English '5k–1M', French
    '5 000–1 000 000', Japanese '5,000〜1,000,000', '1万〜5万'; never '5,000〜100万'), any
    other label ('1M+') as its catalogue says. ``short``: the style of a phrase that writes
    another count of this quantity beside the band (:func:`shared_short`)."""
    ends = band_ends(label)
    if ends is None:
        return i18n.translate(label)
    if short is None:
        return count_range(*ends)
    a, b = count(ends[0], short), count(ends[1], short)
    return i18n.pgettext("a range of two numbers: 5k–1M", "%(low)s–%(high)s", low=a, high=b)


def counted(value: float, digits: int | None = None, min_digits: int = 0) -> tuple[str, int]:
    """``value`` as a sentence shows a count, and the count :func:`~bot.i18n.ngettext` takes
    for exactly that text (:func:`~bot.i18n.plural_count` with the decimals shown): with
    ``digits`` None :func:`compact` (one decimal below 1,000, as it rounds there: "0.5
    views", never "0.5 view"; none from there, "1.5k views" counts 1,500), else
    :func:`decimal` with at most ``digits`` decimals (and at least ``min_digits``: "7.0
    days"). The one way a count and its noun are written together: ``text, n =
    counted(x)``, then ``ngettext(…, n, num=text)``."""
    if digits is None:
        return compact(value), i18n.plural_count(value, 1 if abs(value) < 1000 else 0)
    return decimal(value, digits, min_digits), i18n.plural_count(value, digits)


def compact_finer(n: float, extra: int, short: bool | None = None) -> str:
    """:func:`compact` with ``extra`` more decimals, in the current language's own short form
    (a chart's ticks, made distinct: '12.5k', '12.52k'; '1.25万'; '12,52 k'); ``extra=0`` is
    exactly :func:`compact`. Below :data:`COMPACT_FROM` outside English (or where the language
    has no short form at that size) the number grouped, with up to ``extra`` decimals; so is
    every number with ``short`` False (:func:`shared_short`)."""
    if extra <= 0 or not math.isfinite(n):
        return compact(n, short)
    if short is False and abs(n) >= 1000:
        if _english():
            text = f"{rounded(abs(n), extra):,f}"
            text = text.rstrip("0").rstrip(".") if "." in text else text
            return f"{'-' if n < 0 else ''}{text}"
        with localcontext(rounding=ROUNDING):
            return str(format_decimal(n, format="#,##0." + "#" * extra, locale=locale()))
    if _english():
        sign = "-" if n < 0 else ""
        a = abs(n)
        for limit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"), (1.0, "")):
            if a >= limit or limit == 1.0:
                text = fixed(a / limit, extra + (1 if suffix else 0)).rstrip("0").rstrip(".")
                return f"{sign}{text}{suffix}"
    loc = locale()
    with localcontext(rounding=ROUNDING):
        if abs(n) >= COMPACT_FROM:
            text = str(format_compact_decimal(n, format_type="short", fraction_digits=1 + extra,
                                              locale=loc))
            if _abbreviated(text):
                return text
        return str(format_decimal(n, format="#,##0." + "#" * extra, locale=loc))


def money_finer(amount: float, currency: str, extra: int) -> str:
    """A chart's money tick: :func:`compact_finer` of the amount with the currency as the
    language writes it ('$12.5k', '￥1.25万', '12,5 k €'); ``extra=0`` writes no more decimals
    than the short form's one."""
    if not math.isfinite(amount):
        return money(amount, currency)
    if _english():
        return _english_amount(compact_finer(abs(amount), extra), amount < 0, currency)
    with localcontext(rounding=ROUNDING):
        if abs(amount) >= COMPACT_FROM:
            text = str(format_compact_currency(amount, currency, format_type="short",
                                               fraction_digits=1 + extra, locale=locale()))
            if _abbreviated(text.replace(currency, "")):
                return text
    return _currency(amount, currency, extra if abs(amount) >= 1 else max(extra, 2))


def _abbreviated(text: str) -> bool:
    """Whether Babel's compact decimal ``text`` is a short form ('12,3 mil', '1.2万', '1,2
    Mio.'): a language without one at that size ('782790,8' German, below a million) gives
    the raw number, which :func:`compact` then writes in full, grouped. :func:`money` asks it
    of :func:`compact`'s text, so both decide alike."""
    return any(c.isalpha() or c >= "\u3000" for c in text)


@_half_up
def _compact_local(n: float, negative: bool, lang: str) -> str:
    """:func:`compact` of a finite ``n`` in language ``lang`` (not English); ``negative``
    (the sign of ``n``, -0.0 included) only keeps the cache's keys apart."""
    loc = _locale(lang)
    if abs(n) >= COMPACT_FROM:
        text = str(format_compact_decimal(n, format_type="short", fraction_digits=1,
                                          locale=loc))
        if _abbreviated(text):
            return text
    # Below the threshold, or the language abbreviates nothing at this size (German
    # below a million): the number, grouped.
    return str(format_decimal(n if abs(n) < 1000 else whole(n), format=None
                              if abs(n) >= 1000 else "#,##0.#", locale=loc))


#: A creator's counts in each reply about them, a rate table's thresholds: as
#: :data:`_decimal_cached` (``typed``: 1 and 1.0 apart; the sign keeps 0.0 and -0.0 apart).
_compact_cached = functools.lru_cache(maxsize=4096, typed=True)(_compact_local)


def number(n: float | None) -> str:
    """A plain quantity that may have a fraction (videos a week, live hours): below 100 to
    one decimal at most, with the language's decimal sign (12.5 -> '12.5' English, '12,5'
    German, French, Spanish, Portuguese; 3.0 -> '3'); from 100 on as :func:`compact`. The one
    place :func:`bot.domain.metrics.format_metric` and ``facts.format_fact`` format a number."""
    if n is None or math.isnan(n) or not math.isfinite(n) or abs(n) >= 100:
        return compact(n)
    text = decimal(n, 1)
    return "0" if text == "-0" else text


#: The sign of a negative change, everywhere a change is shown: the minus sign (U+2212), never
#: a hyphen, so a count and its percentage in one line carry the same sign ("−24.4k (−67.1%)").
MINUS: Final = "\u2212"


def signed(n: float, shown: str) -> str:
    """``shown`` (already formatted, for ``abs(n)``) with a sign: '+12', '−3' (:data:`MINUS`,
    not a hyphen); a change that reads as zero ('0', '0.0%', '0 %') is '+0'. The one place a
    signed change gets its sign: counts, paces and percentages (:func:`signed_pct`) alike."""
    reads_nonzero = any(c.isdigit() and c != "0" for c in shown)
    return f"{MINUS if n < 0 and reads_nonzero else '+'}{shown}"


def signed_pct(x: float, digits: int = 1) -> str:
    """A change as a signed percentage (``x`` a fraction): -0.671 -> '−67.1%', 0.05 -> '+5%'
    ('−67,1 %' French), with the same sign as :func:`signed` gives counts."""
    return signed(x, pct(abs(x), digits))


def count(n: float | None, short: bool | None = None) -> str:
    """A count of people or things, always whole (a trend's 12.4 followers a week is shown as
    '12'), then as :func:`compact` in the current language: 12.4 -> '12', 999.6 -> '1k',
    12_345 -> '12.3k', -0.4 -> '0' (English); German 999.6 -> '1.000', Japanese
    12_345 -> '1.2万'. Rounded once: below 1,000 (where :func:`compact` may write a fraction)
    to a whole number, from there by :func:`compact` alone, which writes no fraction of a
    unit (6,849.5 -> '6.8k', as compact gives; the whole 6,850 first made a tie, '6.9k').
    ``short``: as :func:`compact`'s."""
    if n is None or math.isnan(n) or math.isinf(n):
        return compact(n)
    if abs(n) >= 1000:
        return compact(n, short)
    return compact(float(whole(n)) or 0.0, short)


def grouped(n: float | None) -> str:
    """12345.6 -> '12,346'."""
    if n is None or math.isnan(n):
        return "?"
    if not _english() and math.isfinite(n):
        return _grouped_cached(whole(n), i18n.current())
    return f"{whole(n):,}"


def _grouped(units: int, lang: str) -> str:
    """:func:`grouped` of the whole number ``units`` in language ``lang`` (not English)."""
    return str(format_decimal(units, locale=_locale(lang)))


#: Counts are written again and again (a creator's followers in each reply about them, the
#: thresholds of every route), as :data:`_decimal_cached`; the key is a whole number, which
#: has no negative zero.
_grouped_cached = functools.lru_cache(maxsize=4096, typed=True)(_grouped)


def times(value: float, digits: int = 1) -> str:
    """A multiple as the language writes one, the one place that decides it: 1.7 -> '1.7×'
    (English), '1,7×' (German), '1.7倍' (Japanese), with ``digits`` decimals (a tip's "1.0×",
    a threshold's "1.26×")."""
    number = decimal(value, digits, digits)
    return i18n.pgettext("a multiple: 1.7× the typical value", "%(value)s×", value=number)


def pct(x: float | None, digits: int = 1) -> str:
    """A share or rate as a percentage (``x`` a fraction), the one percent formatter: the
    language's percent pattern with its grouping, up to ``digits`` decimals (trailing zeros
    dropped), rounded by :data:`ROUNDING` in every language: 0.0456 -> '4.6%' (English),
    '4,6 %' (German, French), '4.6%' (Japanese); 0.00525, 2 -> '0.53%' / '0,53 %'.

    A large percentage (a viral video on a small account: engagement by followers far above
    100%) keeps fewer decimals: at most one from 100% on, none from 1,000% on (333.33 ->
    '33,333%', '33.333 %'); :func:`pct_digits` says how many."""
    if x is None or math.isnan(x):
        return "?"
    if not math.isfinite(x) or abs(x) >= 1e12:
        return f"{x * 100:.3g}%"
    digits = pct_digits(x, digits)
    if x == 0:  # 0.0 and -0.0 are one key to a cache, and are written apart ('-0%')
        return _pct(x, digits, i18n.current())
    return _pct_cached(x, digits, i18n.current())


def stated_pct(x: float) -> str:
    """A source's own figure (a fraction, as its table holds it) as a percentage with the
    decimals the source gave it, whatever it is compared with: 0.0414 -> '4.14%', 0.038 ->
    '3.8%', 0.075 -> '7.5%'. A study is quoted the same every time (:func:`pct` to one
    decimal wrote 4.14% as 4.1%, and a figure read off a line through the tiers moved with
    the creator's own numbers)."""
    if not math.isfinite(x):
        return pct(x)
    exponent = Decimal(repr(float(x))).normalize().scaleb(2).as_tuple().exponent
    return pct(x, -min(0, exponent) if isinstance(exponent, int) else 1)


def pct_digits(x: float, digits: int = 1) -> int:
    """The decimals :func:`pct` writes ``x`` (a fraction) with when asked for ``digits``:
    ``digits`` below 100%, at most 1 from 100%, none from 1,000% (as rounded: 9.9996 is
    '1,000%')."""
    size = abs(x) * 100
    if size >= 999.5:
        return 0
    if size >= 99.95:
        return min(digits, 1)
    return digits


@_half_up
def _pct(x: float, digits: int, lang: str) -> str:
    """:func:`pct` of a finite ``x`` in language ``lang`` with up to ``digits`` decimals:
    the language's percent pattern (CLDR; English: en_US's '#,##0%')."""
    return str(_pattern(_percent_pattern(lang, digits)).apply(x, _locale(lang)))


@functools.lru_cache(maxsize=64)
def _percent_pattern(lang: str, digits: int) -> str:
    """The percent pattern of ``lang`` (its positive part) with up to ``digits`` decimals:
    '#,##0.#%' (English, 1), '#,##0.# %' (German, 1), '#,##0%' (0)."""
    base = str(_locale(lang).percent_formats[None].pattern).split(";")[0]
    return base.replace("0", "0." + "#" * digits, 1) if digits > 0 else base


#: Shares and rates are written again and again (a rate table's ranges in every /estimate, a
#: creator's engagement in each reply about them), as :data:`_decimal_cached`.
_pct_cached = functools.lru_cache(maxsize=4096, typed=True)(_pct)


@functools.lru_cache(maxsize=64)
def minor_digits(currency: str) -> int:
    """The decimals ``currency`` is written with, from Babel (CLDR): 2 for USD and EUR, 0 for
    JPY, KRW and IDR (no minor unit), 3 for BHD. Every amount shown to the cent is shown to
    this many decimals instead (never '¥0.50')."""
    return int(get_currency_precision(currency))


def two_significant(a: float) -> int:
    """The decimals that show ``a`` (0 < a < 1) with two significant digits: 0.68 -> 2,
    0.004 -> 4, 0.0412 -> 3. The one rule for amounts and prices below a unit (money, the
    rate card's estimates)."""
    return 1 - math.floor(math.log10(a))


def _small_digits(a: float, currency: str, digits: int | None = None) -> int:
    """Decimals for an amount ``a`` (>= 0) of ``currency``: ``digits`` (default: the
    currency's own, :func:`minor_digits`), or, for a non-zero amount below one unit of the
    last of those decimals (half a yen; $0.004), enough for two significant digits ('¥0.50',
    '¥0.68', '$0.0040'; :func:`two_significant`), at most 8: never '¥0' or '¥1' for 0.68
    yen."""
    if digits is None:
        digits = minor_digits(currency)
    if 0 < a < 10.0 ** -digits:
        digits = min(8, max(digits, two_significant(a)))
    return digits


def _money_digits(a: float, currency: str) -> int:
    """The decimals :func:`money` writes ``a`` (>= 0, under 100) with: the currency's own
    below 10 (two significant digits below a unit of them: :func:`_small_digits`), none from
    10 on, none for 0."""
    return _small_digits(a, currency) if 0 < a < 10 else 0


def _english_amount(body: str, negative: bool, currency: str) -> str:
    """An amount as English writes it, ``body`` its digits: the symbol before them ('$4.20'),
    or the code after them where there is none ('12 CHF'); a minus first."""
    sym = _SYMBOLS.get(currency)
    sign = "-" if negative else ""
    return f"{sign}{sym}{body}" if sym else f"{sign}{body} {currency}"


def currency_symbol(currency: str) -> str | None:
    """'$' for USD, '€' for EUR; None where the code itself is shown (``12 CHF``)."""
    return _SYMBOLS.get(currency)


def money(amount: float | None, currency: str = "USD", short: bool | None = None,
          digits: int | None = None) -> str:
    """Rounded for reading: '$0', '$4.20', '$85', '$1,200', '$12k', '€3.4M'. Below 10 with the
    currency's own decimals (:func:`minor_digits`: '$4.20', but '¥4'), whole from there; an
    amount those would show as nothing with two significant digits ('¥0.50', '$0.0040').
    From 100,000 on in the language's short form where it has one (:func:`_short_money`);
    ``short`` True or False forces the short form (where the amount has one,
    :func:`_has_short_form`) or the full one: :func:`money_range` decides once for both ends,
    as it decides ``digits``, the decimals of an amount written in full
    (:func:`range_digits`)."""
    if amount is None or math.isnan(amount):
        return "?"
    a = abs(amount)
    if short is None:
        short = _short_money(a)
    short = short and math.isfinite(a) and _has_short_form(a)
    if not _english() and math.isfinite(amount):
        if short:
            with localcontext(rounding=ROUNDING):
                return str(format_compact_currency(amount, currency, format_type="short",
                                                   fraction_digits=1, locale=locale()))
        # (no short form at this size, German below a million: the amount in full)
        return _currency(amount, currency, _money_digits(a, currency) if digits is None
                         else _small_digits(a, currency, digits))
    if short:
        body = compact(a)
    elif digits and a >= 1000 and math.isfinite(a):  # grouped, with the range's decimals
        body = f"{rounded(a, digits):,f}"
    elif a >= 100 and math.isfinite(a) and not digits:  # (an infinity has no whole number)
        body = f"{whole(a):,}"
    else:
        body = fixed(a, _money_digits(a, currency) if digits is None
                     else _small_digits(a, currency, digits))
    return _english_amount(body, amount < 0, currency)


def _has_short_form(a: float) -> bool:
    """Whether the amount ``a`` (not negative) has a short form in the current language:
    English from 1,000 ('$1.2k'); others from :data:`COMPACT_FROM` where CLDR abbreviates
    ('￥2.8万', but German '800.000 €' below a million)."""
    if _english():
        return a >= 1000
    return a >= COMPACT_FROM and _abbreviated(compact(a))


def _short_money(a: float) -> bool:
    """Whether :func:`money` writes the amount ``a`` (not negative) short by itself: from
    100,000 on, where the language has a short form."""
    return a >= 100_000 and _has_short_form(a)


def money_exact(amount: float, currency: str = "USD") -> str:
    """An amount the creator typed, shown as typed, to the cent: '$12.50', '$99.99', '$350',
    '€1,200.00' is '€1,200' (whole amounts without cents); to the currency's own decimals
    (:func:`minor_digits`: '¥13' for 12.6 yen). Formatted by Babel (en locale)."""
    from babel.numbers import format_currency

    whole = float(amount).is_integer()
    digits = 0 if whole else _small_digits(abs(amount), currency)
    if not _english():
        return _currency(amount, currency, digits)
    pattern = "¤#,##0" + ("." + "0" * digits if digits else "")
    with localcontext(rounding=ROUNDING):
        return str(format_currency(amount, currency, format=pattern, currency_digits=False,
                                   locale="en_US"))


def money_fine(amount: float, currency: str, extra: int = 2) -> str:
    """A rate too small for the currency's minor unit (what one diamond paid), to ``extra``
    decimals more than the currency has (:func:`minor_digits`), and to two significant
    digits where those would show nothing: '$0.0040', '¥0.68', '$0.000040' (English, with the
    symbol as :func:`money` writes it, else the code: '0.0040 CHF') or the locale's currency
    pattern ('0,0040 $', '0,0040 €', '￥0.68')."""
    if not math.isfinite(amount):
        return f"{amount} {currency}"
    digits = _small_digits(abs(amount), currency, minor_digits(currency) + extra)
    if _english():
        return _english_amount(fixed(abs(amount), digits), amount < 0, currency)
    return _currency(amount, currency, digits)


def _currency(amount: float, currency: str, digits: int) -> str:
    """``amount`` in the locale's currency pattern with exactly ``digits`` decimals."""
    return _per_value(_currency_cached, _currency_in, amount, currency, digits, i18n.current())


@_half_up
def _currency_in(amount: float, negative: bool, currency: str, digits: int, lang: str) -> str:
    """:func:`_currency` in language ``lang``: Babel's ``format_currency`` with the
    language's standard currency pattern, its decimals set to ``digits``. ``negative`` (the
    sign of ``amount``, -0.0 included) only keeps the cache's keys apart."""
    return _in_currency(amount, currency, _currency_pattern(lang, digits), lang)


@functools.lru_cache(maxsize=64)
def _currency_pattern(lang: str, digits: int) -> NumberPattern:
    """The standard currency pattern of ``lang`` with exactly ``digits`` decimals, parsed once
    (a few languages, a few digit counts; Babel's patterns are not changed by formatting)."""
    base = _locale(lang).currency_formats["standard"].pattern.split(";")[0]
    head, _, tail = base.partition("0.00")
    pattern = f"{head}0{('.' + '0' * digits) if digits else ''}{tail}" if _ else base
    return _pattern(pattern)


#: Amounts are written again and again (a rate table's prices in every /estimate and
#: /ratecard, a creator's range in each reply about it), and Babel's currency formatting is
#: the dearest of all (it works out the currency's plural name on every call), as
#: :data:`_decimal_cached`; ``typed``: 1 and 1.0 apart, and the sign in the key keeps 0.0 and
#: -0.0 apart (equal keys otherwise, but Babel writes '-0,00 €' for one).
_currency_cached = functools.lru_cache(maxsize=4096, typed=True)(_currency_in)


def range_digits(low: float, high: float, currency: str = "USD") -> int:
    """The decimals both ends of a range are written with, the one rule for every range of
    amounts (:func:`money_range`, :func:`price_range`): the larger end's (the currency's own
    below 10, none from 10 on: :func:`money`), so '€9–€108', never '€9.00–€108'; with an end
    below one unit and the larger end under :data:`CENTS_BELOW` both ends get the currency's
    decimals: '€0.40–€12.00', never '€0–€12' or '€0.40–€12' (an end below one of those
    decimals keeps two significant digits: '$0.0040–$0.50'); from there both whole
    ('€0–€250,000', never '€0.40–€250,000.00': cents on a quarter million say nothing)."""
    ends = [abs(x) for x in (low, high) if math.isfinite(x)]
    if not ends:
        return 0
    top, bottom = max(ends), min(ends)
    # (an end below a unit of these decimals still gets two significant digits: money)
    small = top < 10 or (0 < bottom < 1 and top < CENTS_BELOW)
    return minor_digits(currency) if small else 0


#: The larger end of a range under which a sub-unit end gives both ends the currency's
#: decimals (:func:`range_digits`).
CENTS_BELOW: Final = 100


def _ends(low: float, high: float, currency: str,
          write: Callable[[float, int], str]) -> tuple[str, str]:
    """Both ends of a range written by ``write`` (an amount, the decimals) with
    :func:`range_digits`' decimals: an end below one unit written whole when they are fewer
    than the currency's ('€0–€250,000'); when two different amounts read the same whole
    ('$9.99' and '$10'), with the currency's decimals, so the range never reads as one
    amount it isn't ('$9.99–$10.00'; the same to the cent, one amount: '$10')."""
    digits = range_digits(low, high, currency)
    minor = minor_digits(currency)

    def end(x: float, places: int) -> str:
        # (whole when the range has fewer decimals than the currency: '€0', not '€0.40')
        return write(whole(x) if places < minor and math.isfinite(x) and abs(x) < 1 else x,
                     places)

    a, b = end(low, digits), end(high, digits)
    if a == b and low != high and digits < minor:
        finer = end(low, minor), end(high, minor)
        if finer[0] != finer[1]:  # (the same to the cent: one amount, as it was)
            return finer
    return a, b


def money_range(low: float, high: float, currency: str = "USD") -> str:
    """``low``–``high`` as :func:`money`, both ends in one form decided once for the range:
    short when the larger end is written short by itself and the other end has a short form
    too ('$75.6k–$575k', '￥7.6万–￥57.5万'), else both in full ('$50–$150,000',
    '￥5,000–￥115,000', never '￥28,235–￥11.5万'); one amount when both read the same
    (with the currency's decimals too: :func:`_ends`)."""
    ends = [abs(x) for x in (low, high) if math.isfinite(x)]
    short = bool(ends) and _short_money(max(ends)) and all(_has_short_form(x) for x in ends)
    if high is low:  # one amount (a route's typical): written once
        return money(low, currency, short)
    low_text, high_text = _ends(low, high, currency,  # both ends alike: '€9–€108'
                                lambda x, places: money(x, currency, short, places))
    return low_text if low_text == high_text else f"{low_text}–{high_text}"


def money_ends(*amounts: float, currency: str = "USD") -> tuple[str, ...]:
    """``amounts`` written in one phrase (a chart's first and last income) as :func:`money`,
    in one form decided once for all, as :func:`money_range` decides a range's: short only
    when the largest is written short by itself and every other has a short form too."""
    ends = [abs(x) for x in amounts if math.isfinite(x)]
    short = bool(ends) and _short_money(max(ends)) and all(_has_short_form(x) for x in ends)
    return tuple(money(x, currency, short) for x in amounts)


def price(amount: float, currency: str = "USD", digits: int | None = None) -> str:
    """A price-list amount: whole units, thousands grouped, never abbreviated ('$1,350',
    '150,000 CHF'); below 100 as :func:`money` ('$28', '$4.20'); ``digits``: the decimals a
    range gives both its ends (:func:`range_digits`)."""
    if digits:
        return money(amount, currency, False, digits)
    if abs(amount) < 100:
        return money(amount, currency, None, digits)
    if not _english():
        return _currency(whole(amount), currency, 0)
    return _english_amount(f"{whole(amount):,}", False, currency)


def price_value(amount: float, currency: str = "USD") -> float:
    """``amount`` as :func:`price` shows it, as a number: whole units from 10 on, below that
    the decimals :func:`money` writes (``1.005`` USD -> 1.0, ``1234.5`` JPY -> 1234.0,
    ``0.333`` JPY -> 0.33). What a figure built from a shown price multiplies, so a card's
    "3 × the price above" holds for the figures a reader sees."""
    a = abs(amount)
    if not math.isfinite(a):
        return amount
    # price() and money() round as every number shown is, in every language (:func:`rounded`)
    digits = 0 if a >= 100 else _money_digits(a, currency)
    return math.copysign(float(rounded(a, digits)), amount)


def price_range(low: float, high: float, currency: str = "USD",
                digits: int | None = None) -> str:
    """``low``–``high`` in one style ('$52,000–$150,000', '52,000–150,000 CHF': a code is
    written once); one price when both read the same; both ends with the same decimals
    (:func:`range_digits`: '€9–€250', never '€9.00–€250'; :func:`_ends`); ``digits`` given:
    those, as a rate card line to the cent has them ('€1.50–€288.15')."""
    if digits is None:
        a, b = _ends(low, high, currency, lambda x, places: price(x, currency, places))
    else:
        a, b = price(low, currency, digits), price(high, currency, digits)
    if a == b:
        return a
    if not _english():
        return f"{a}–{b}"
    if _SYMBOLS.get(currency):
        return f"{a}–{b}"
    return f"{a.removesuffix(' ' + currency)}–{b}"


def duration(seconds: float | None) -> str:
    """65 -> '1:05', 3700 -> '1:01:40' in every language; under a minute the seconds with the
    language's unit (:func:`quantity`): 42 -> '42s', '42 Sek.', '42 s', '42\u202fs', '42秒'."""
    if seconds is None or math.isnan(seconds):
        return "?"
    s = whole(seconds)
    if s < 60:
        return quantity(s, "duration-second", "narrow" if _english() else "short")
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def duration_exact(seconds: float) -> str:
    """A duration with every decimal of its seconds, as it was typed (:func:`duration`
    otherwise): 70.5 -> '1:10.5' ('1:10,5' in a language with a decimal comma), never '1:11',
    which reads back as 71; 42.25 -> '42.25s', '42,25 Sek.'. /log reads the clock form back
    with its decimals (``1:10.5``, ``1:10,5``)."""
    if not math.isfinite(seconds) or seconds < 0:
        return duration(seconds)
    exact = Decimal(repr(float(seconds)))
    whole_seconds = int(exact)
    fraction = exact - whole_seconds
    if not fraction:
        return duration(seconds)
    places = -int(fraction.normalize().as_tuple().exponent)
    if whole_seconds < 60:
        text = str(format_unit(exact, "duration-second",
                               length="narrow" if _english() else "short",
                               format=_digits(places, places), locale=locale()))
        return re.sub(r"(\d) (?=\D)", r"\1", text) if i18n.current() == "ja" else text
    h, rest = divmod(whole_seconds, 3600)
    m, sec = divmod(rest, 60)
    digits = f"{fraction:.{places}f}"[2:]  # (0.5 -> '5')
    clock = f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"
    return f"{clock}{get_decimal_symbol(locale())}{digits}"


def quantity(n: int, unit: str, length: Literal["long", "short", "narrow"] = "long") -> str:
    """``n`` of a CLDR ``unit`` (``"duration-month"``, ``"duration-second"``, …) in the current
    language's words, from Babel's unit patterns: '3 months', '3 Monate', '3 meses', '3\u00a0mois',
    '3か月' (Japanese writes no space between a number and its counter, as its catalogue
    does). The one place a period or a duration's unit is spelled for people."""
    if type(n) is int:  # (a float's -0.0 and 0.0 are one key: written afresh)
        return _quantity_cached(n, unit, length, i18n.current())
    return _quantity(n, unit, length, i18n.current())


def _quantity(n: int, unit: str, length: Literal["long", "short", "narrow"], lang: str) -> str:
    text = str(format_unit(n, unit, length=length, locale=_locale(lang)))
    if lang == "ja":
        text = re.sub(r"(\d) (?=\D)", r"\1", text)
    return text


#: The units a duration is written in (:func:`duration`, :func:`quantity`) and read back in
#: (:func:`duration_words`), largest first, with their seconds.
DURATION_UNITS: Final = (("duration-hour", 3600), ("duration-minute", 60),
                         ("duration-second", 1))
#: Numbers of every plural form of the six languages (one, many, other), so every form of a
#: unit's word is met.
_PLURAL_SAMPLES: Final = (0, 1, 2, 3, 5, 11, 21, 100, 1_000_000, 1.5)
_SPACE_CHARS = re.compile(r"[\s\u00a0\u202f\u2009]+")


@functools.lru_cache(maxsize=32)  # a handful of languages
def duration_words(lang: str) -> tuple[tuple[str, int], ...]:
    """The words written after a number of hours, minutes or seconds in language ``lang``,
    lower case with their spaces removed, and the seconds of each: what Babel's unit patterns
    write (:func:`quantity`, :func:`duration`: the one source), in every length and plural
    form, and English's in every language (``45s``, ``2m``, ``1h``, as every language's
    refusals show them); a word ending in a dot also without it. German: ``sek.``, ``sek``,
    ``sekunde``, ``min.``, ``std.``, …; Japanese ``秒``, ``分``, ``時間``. A word the two
    languages give different units is the language's own."""
    found: dict[str, int] = {}
    for source in dict.fromkeys((i18n.SOURCE, lang)):
        loc = _locale(source)
        for unit, seconds in DURATION_UNITS:
            for length in ("long", "short", "narrow"):
                for n in _PLURAL_SAMPLES:
                    text = str(format_unit(n, unit, length=length, locale=loc))
                    word = text.replace(format_decimal(n, locale=loc), "", 1)
                    word = _SPACE_CHARS.sub("", word).lower()
                    if word and not any(c.isdigit() for c in word):
                        found[word] = seconds
                        if word.endswith(".") and len(word) > 1:
                            found[word[:-1]] = seconds
    return tuple(found.items())


#: The same few quantities are written in every reply that has one (the 1:00 and the average
#: video length of Creator Rewards' requirement in every /estimate and /tips, a /progress
#: period): Babel's unit formatting is pure, so a bounded cache keeps them by language.
_quantity_cached = functools.lru_cache(maxsize=1024)(_quantity)
