"""The names of the bot's own fields in the creator's language: one list for the CSV import's
column headers (``Datum;Follower;Aufrufe``), the names ``/log`` accepts (``Follower=12k``) and
the names every reply shows for a creator to read or type (:func:`field_name`)."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

from bot import i18n
from bot.domain import numbers
from bot.i18n import pgettext

#: The bot's own CSV columns whose names a creator sees in their language (Datum;Follower;Aufrufe).
OWN_COLUMNS = ("date", "followers", "views", "likes", "comments", "shares", "saves",
               "avg_views", "videos_per_week", "avg_watch_time", "completion_rate",
               "avg_video_length", "live_hours", "live_viewers", "diamonds")


def column_names() -> dict[str, str]:
    """Each own column's name in the current language (English: the key itself), e.g.
    ``{"date": "Datum", "followers": "Follower", "avg_views": "Aufrufe pro Video", …}``."""
    words = (pgettext("CSV column", "date"), pgettext("CSV column", "followers"),
             pgettext("CSV column", "views"), pgettext("CSV column", "likes"),
             pgettext("CSV column", "comments"), pgettext("CSV column", "shares"),
             pgettext("CSV column", "saves"), pgettext("CSV column", "avg_views"),
             pgettext("CSV column", "videos_per_week"),
             pgettext("CSV column", "avg_watch_time"),
             pgettext("CSV column", "completion_rate"),
             pgettext("CSV column", "avg_video_length"), pgettext("CSV column", "live_hours"),
             pgettext("CSV column", "live_viewers"), pgettext("CSV column", "diamonds"))
    return dict(zip(OWN_COLUMNS, words, strict=True))


#: Figures the bot works out and lets a creator choose (``/progress engagement``), never a CSV
#: column: they have a name in each language too, read by the same parser.
DERIVED_FIELDS = ("engagement", "income")


def field_names() -> dict[str, str]:
    """:func:`column_names` and each of :data:`DERIVED_FIELDS`' names in the current language
    (German ``{"followers": "Follower", …, "engagement": "Engagement", "income":
    "Einkommen"}``): every field a creator reads or types. A new dict each call."""
    return dict(_current_field_names())


def _current_field_names() -> Mapping[str, str]:
    """:func:`field_names` of the current language, read-only: worked out once per language
    (a German ``/estimate`` names fields a dozen times, 17 catalogue look-ups each)."""
    language = i18n.current()
    return _field_names(language, i18n.translations(language))


@functools.lru_cache(maxsize=32)  # a handful of languages
def _field_names(language: str, catalogue: object) -> Mapping[str, str]:
    """Keyed by the catalogue object too, as :func:`_local_field_names`. Each name as it reads
    inside a sentence and is typed before ``=`` (:func:`bot.i18n.inside`): a column's heading
    is a label, capitalised where the language capitalises headings (French ``Vues
    moyennes``), but a reply writes ``enregistrez vos vues moyennes (/log vues
    moyennes=8k)``, never ``Vues moyennes=8k`` (German nouns keep theirs: ``Aufrufe=40k``)."""
    with i18n.using(language):
        derived = (pgettext("field name", "engagement"), pgettext("field name", "income"))
        names = column_names() | dict(zip(DERIVED_FIELDS, derived, strict=True))
        return MappingProxyType({key: i18n.inside(name, language)
                                 for key, name in names.items()})


#: Apostrophes typed for ``'`` (French keyboards and phones type ’), folded by :func:`field_key`.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
#: The ideographic space and Unicode's Halfwidth and Fullwidth Forms block (full-width ASCII,
#: half-width katakana and Hangul, ￥ ￡ ￠): NFKC of these is the character each stands for.
#: Not all of NFKC: it reads ``12²`` as 122 and ``①`` as 1, another number than was typed.
_WIDE = re.compile(r"[\u3000\uff01-\uffef]+")


def fold_width(text: str) -> str:
    """``text`` with each full-width or half-width form as the character it stands for
    (Unicode NFKC of those characters only, :data:`_WIDE`): ``フォロワー＝１２ｋ`` ->
    ``フォロワー=12k``, ``50％`` -> ``50%``, ``２０２６－１０`` -> ``2026-10``, half-width
    ``ﾌｫﾛﾜｰ`` -> ``フォロワー``, the ideographic space a space. Everything else is kept as typed
    (kanji, accents, ``½``, ``²``). The one fold of every name and value
    :func:`bot.core.args.parse_args` reads; the creator's free text (a file's name, a handle,
    a niche: :attr:`~bot.core.registry.ArgSpec.free_text`) it leaves alone."""
    if text.isascii():
        return text
    return _WIDE.sub(lambda m: unicodedata.normalize("NFKC", m[0]), text)


def field_key(name: str) -> str:
    """A typed field name folded for lookup: case-insensitive, spaces and hyphens as ``_``
    (``Aufrufe pro Video`` and ``aufrufe-pro-video`` -> ``aufrufe_pro_video``), and the
    typographic apostrophes a keyboard types (French ``j’aime``: U+2019, U+2018, U+02BC) as
    the ASCII one (``j'aime``), and full-width letters as ASCII ones (:func:`fold_width`)."""
    folded = fold_width(name).strip().casefold().replace("-", " ").translate(_APOSTROPHES)
    return "_".join(folded.split())


def local_field_names() -> Mapping[str, str]:
    """Folded (:func:`field_key`) translated names of the current language -> the English key:
    German ``{"follower": "followers", "aufrufe_pro_video": "avg_views", …}`` (read-only).

    Every command's arguments are read with it, and it only depends on the language (the
    catalogues are loaded once per process): worked out once per language and kept."""
    language = i18n.current()
    return _local_field_names(language, i18n.translations(language))


@functools.lru_cache(maxsize=32)  # a handful of languages
def _local_field_names(language: str, catalogue: object) -> Mapping[str, str]:
    """Keyed by the catalogue object too: catalogues reloaded (``bot.i18n`` clears its cache
    after updating them) are read again, never answered from the old ones."""
    with i18n.using(language):
        return MappingProxyType({field_key(local): key
                                 for key, local in _current_field_names().items()})


def any_field_names() -> Mapping[str, str]:
    """:func:`local_field_names` of every supported language together (read-only): a name
    shown in one language is read in every other (the console shows a button's line with
    the field names of the language of the moment, and the creator may type it after
    switching language). A name two languages give to different fields is left out."""
    return _any_field_names(tuple(i18n.translations(language) for language in i18n.LANGUAGES))


@functools.lru_cache(maxsize=4)
def _any_field_names(catalogues: tuple[object, ...]) -> Mapping[str, str]:
    """Keyed by the catalogues, as :func:`_local_field_names`."""
    found: dict[str, str] = {}
    clashing: set[str] = set()
    for language, catalogue in zip(i18n.LANGUAGES, catalogues, strict=True):
        for folded, key in _local_field_names(language, catalogue).items():
            if found.setdefault(folded, key) != key:
                clashing.add(folded)
    return MappingProxyType({k: v for k, v in found.items() if k not in clashing})


def readable_field_names() -> Mapping[str, str]:
    """The field names a creator's arguments are read with, folded (:func:`field_key`) ->
    the English key: every supported language's (:func:`any_field_names`) with the current
    language's over them (:func:`local_field_names`: a name the current language gives one
    field is read as that field, whatever another language calls it). Read-only; worked
    out once per language (keyed by its catalogue too, as :func:`_local_field_names`:
    ``bot.i18n`` reloads every catalogue at once, so a new one means new names)."""
    language = i18n.current()
    return _readable_field_names(language, i18n.translations(language))


@functools.lru_cache(maxsize=32)  # a handful of languages
def _readable_field_names(language: str, catalogue: object) -> Mapping[str, str]:
    return MappingProxyType({**any_field_names(), **_local_field_names(language, catalogue)})


def field_name(key: str) -> str:
    """The name of field ``key`` as a creator of the current language reads and types it, the
    one its parser reads back (``followers`` -> German ``Follower``, ``avg_views`` -> ``Aufrufe
    pro Video``, ``engagement`` -> ``Engagement``; English: the key). A key that is not one of
    :data:`OWN_COLUMNS` or :data:`DERIVED_FIELDS` (``region``, ``price``) has no other name and
    is returned as it is."""
    if i18n.current() == i18n.SOURCE:
        return key
    return _current_field_names().get(key, key)


def typed(key: str, value: str) -> str:
    """``key=value`` as the creator types it in the current language: ``typed("followers",
    "12k")`` -> German ``Follower=12k``."""
    return f"{field_name(key)}={value}"


#: One word of a command line: ``followers=12k``, ``views`` (a choice: ``/progress views``,
#: ``metric=views``).
_WORD = re.compile(r"(?<![^\s=])([a-z_]+)(?==|\s|$)")


def typed_example(text: str) -> str:
    """A command line or argument example written with the English keys, as the creator types
    it in the current language: each own field's key, before ``=`` or as a word of its own,
    becomes :func:`field_name`, and so does a value that is one (a choice: German ``/log
    followers=12k views=40k`` -> ``/log Follower=12k Aufrufe=40k``, ``/progress views 1y`` ->
    ``/progress Aufrufe 1y``, ``metric=followers`` -> ``metric=Follower``). The command itself
    and every other word are kept (``/undo``, ``explain``, ``1y``)."""
    language = i18n.current()
    if language == i18n.SOURCE:
        return text
    names = _current_field_names()
    return _field_word(language, i18n.translations(language)).sub(
        lambda m: names[m.group(1)], _local_keys(text))


def _local_keys(text: str) -> str:
    """``text`` with each field's name in the current language that is written before ``=``
    (a translator's own ``/log Abonnés=12k``, ``Vues moyennes=8k``), in any case, as
    :func:`field_name` writes it, the name a creator types (``abonnés=12k``, ``vues
    moyennes=8k``; German ``Follower=12k`` as it was): a translation never shows a heading's
    capital, or another spelling, in a command line."""
    language = i18n.current()
    catalogue = i18n.translations(language)
    pattern = _local_key(language, catalogue)
    if pattern is None:
        return text
    names, folded = _current_field_names(), _local_field_names(language, catalogue)
    return pattern.sub(lambda m: names[folded[field_key(m.group(1))]], text)


@functools.lru_cache(maxsize=32)  # a handful of languages
def _local_key(language: str, catalogue: object) -> re.Pattern[str] | None:
    """A field's name of ``language`` (a column's heading or as :func:`field_name` writes it,
    in any case) before ``=``, at a word's start; None where there is none but the English
    keys (English). Keyed by the catalogue too, as :func:`_field_names`."""
    with i18n.using(language):
        written = {*column_names().values(), *_field_names(language, catalogue).values()}
    shown = sorted((n for n in written if n not in OWN_COLUMNS + DERIVED_FIELDS),
                   key=lambda n: (-len(n), n))
    if not shown:
        return None
    alternatives = "|".join(re.escape(n) for n in shown)
    return re.compile(rf"(?<![\w=])({alternatives})(?==)", re.IGNORECASE)


@functools.lru_cache(maxsize=32)  # a handful of languages
def _field_word(language: str, catalogue: object) -> re.Pattern[str]:
    """The words :data:`_WORD` finds that are a field's key in ``language``
    (:func:`_current_field_names`), and only those: every other word is kept as it is, so
    :func:`typed_example` need not call back for each word of a sentence (a hint or a note
    is a dozen). Keyed by the catalogue too, as :func:`_field_names`."""
    keys = [k for k in _field_names(language, catalogue) if re.fullmatch(r"[a-z_]+", k)]
    alternatives = "|".join(sorted(keys, key=lambda k: (-len(k), k))) or "(?!)"
    return re.compile(rf"(?<![^\s=])({alternatives})(?==|\s|$)")


#: A field's key where an argument is written out in a sentence: before ``=``, at a word's
#: start (``/payout rewards=412 views=610k``, ``（views=<…>）``).
_ARGUMENT_KEY = re.compile(r"(?<![\w=])([a-z_]+)(?==)")


def typed_arguments(text: str) -> str:
    """``text``, a translated sentence (a command's summary or help), with each argument it
    writes out (``key=value``) typed as the creator types it in the current language, as
    :func:`typed_example` types a whole example line: Japanese ``/payout rewards=412
    views=610k`` -> ``/payout rewards=412 再生数=610k``. Only a key before ``=`` changes (a
    sentence's other words may be a field's English key in another language); a name the
    translator already typed in the language is written as a creator types it (French
    ``/log Abonnés=12k`` -> ``/log abonnés=12k``; German ``/log Follower=12k`` stays)."""
    if i18n.current() == i18n.SOURCE:
        return text
    names = _current_field_names()
    return _ARGUMENT_KEY.sub(lambda m: names.get(m.group(1), m.group(1)), _local_keys(text))


class FieldList:
    """Field keys that read as their names, joined with "or" as the language joins a list
    (:func:`bot.domain.numbers.items`), in the language current when the text is made: a value for
    :func:`bot.i18n.lazy` (``lazy("Chart %(metrics)s.", metrics=FieldList("followers",
    "views", "likes"))`` says ``Follower, Aufrufe oder Likes`` in German)."""

    __slots__ = ("keys",)

    def __init__(self, *keys: str) -> None:
        self.keys = keys

    def __str__(self) -> str:
        return numbers.items([field_name(key) for key in self.keys], "or")

    def __repr__(self) -> str:
        return f"FieldList{self.keys!r}"
