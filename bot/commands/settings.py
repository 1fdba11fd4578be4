"""/settings: currency, timezone, region and age."""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Mapping
from datetime import UTC, datetime, timedelta
from itertools import zip_longest
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from bot import i18n
from bot.core.args import ArgError
from bot.core.context import CommandContext
from bot.core.registry import ArgSpec, ArgType, command
from bot.core.types import Reply
from bot.domain.fieldnames import fold_width
from bot.domain.numbers import items, kept
from bot.domain.profile import UserSettings
from bot.domain.refusals import Refusal
from bot.i18n import N_, translate
from bot.i18n import gettext as _

#: Names of a country that are no ISO or CLDR alias of its code: the nations of the United
#: Kingdom, and ``EN`` (the language's code, typed for England). Every other alias (``UK``,
#: ``USA``, ISO alpha-3 ``GBR``, ``DEU``) is Babel's (:func:`_region_aliases`).
_REGION_ALIASES = {"EN": "GB", "ENGLAND": "GB", "SCOTLAND": "GB", "WALES": "GB",
                   "NORTHERN IRELAND": "GB"}


@functools.cache
def _locale(language: str) -> Any:
    """Babel's :class:`~babel.Locale` for ``language``, parsed once (it was parsed on each
    look-up)."""
    from babel import Locale

    return Locale.parse(language)


#: Names in the time zone database that are no place: the server's own zone (``localtime``,
#: whatever the machine is set to) and the placeholder ``Factory``.
_NOT_PLACES = frozenset({"localtime", "Factory"})
#: The database's names for UTC itself (``Etc/UTC``, ``Zulu``, ``GMT0``…): read as UTC.
_UTC_NAMES = re.compile(r"(?:etc/)?(?:utc|uct|gmt[+-]?0?|universal|zulu|greenwich|z)",
                        re.IGNORECASE)
#: A POSIX rule's name (``EST5EDT``, ``PST8PDT``): an abbreviation, no place.
_POSIX_RULE = re.compile(r"[A-Z]{3,4}\d+[A-Z]{3,4}")
#: A winter and a summer moment (of the northern hemisphere) to read a zone's offsets and
#: abbreviations at.
_JANUARY, _JULY = datetime(2026, 1, 15, 12, tzinfo=UTC), datetime(2026, 7, 15, 12, tzinfo=UTC)


def _abbreviation(zone: str, when: datetime) -> str:
    """``zone``'s abbreviation at ``when`` (``EST``, ``CET``, ``-05``)."""
    return when.astimezone(ZoneInfo(zone)).tzname() or ""


def _offsets(zone: str) -> tuple[timedelta | None, timedelta | None]:
    """``zone``'s offsets from UTC in January and July."""
    return (_JANUARY.astimezone(ZoneInfo(zone)).utcoffset(),
            _JULY.astimezone(ZoneInfo(zone)).utcoffset())


@functools.cache
def _zones() -> dict[str, str]:
    """The IANA time zone names a creator may set, by their lower-case spelling: the zoneinfo
    database's (:func:`zoneinfo.available_timezones`, which leaves out its ``posix/`` and
    ``right/`` copies and ``posixrules``) without :data:`_NOT_PLACES`."""
    return {tz.lower(): tz for tz in available_timezones() - _NOT_PLACES}


def _no_place(zone: str) -> bool:
    """Whether ``zone`` (a database name) names no place: an ``Etc/`` fixed offset, a POSIX
    rule (``EST5EDT``) or an abbreviation (``EST``, ``MST``, ``HST``, ``CET``: a name that is
    the abbreviation it writes), which keeps one offset all year or another place's rules.
    A place's legacy name (``US/Eastern``, ``Asia/Calcutta``, ``Japan``) is a place."""
    if zone.startswith("Etc/") or _POSIX_RULE.fullmatch(zone):
        return True
    return "/" not in zone and zone in {_abbreviation(zone, d) for d in (_JANUARY, _JULY)}


@functools.cache
def _principal_zones() -> frozenset[str]:
    """The zone of each timekeeping in use today, the most populous of the zones that keep
    it (tzdata's ``zonenow.tab``: Europe/Lisbon for western Europe's, not Atlantic/Faroe);
    none when the tzdata package has no such table."""
    from importlib import resources

    try:
        table = resources.files("tzdata.zoneinfo").joinpath("zonenow.tab").read_text("utf-8")
    except (ModuleNotFoundError, OSError):
        return frozenset()
    return frozenset(row.split("\t")[2] for row in table.splitlines()
                     if row and not row.startswith("#") and row.count("\t") >= 2)


@functools.cache
def _usual_places(zone: str) -> tuple[str, ...]:
    """The place zones a creator who typed ``zone`` (:func:`_no_place`) usually means, at most
    three, each zone once under its current name (a link and its target, Atlantic/Faeroe
    and Atlantic/Faroe, are one: Babel's ``zone_aliases``, else the same tzdata):
    CLDR's main zone of each Windows zone (Babel's ``windows_zone_mapping``: one per region
    of the world) whose January abbreviation is ``zone``'s (``EST``: America/New_York), else
    any place zone's, the principal ones first (:func:`_principal_zones`: ``WET``,
    Europe/Lisbon). Those that keep summer time come first (who types EST5EDT lives by New
    York's clock, summer time and all), unless ``zone`` keeps none and a place writes its
    abbreviation all year: then one of each kind in turn, principal zones first (``HST``:
    Pacific/Honolulu, America/Adak). For a numeric one (``Etc/GMT+5``), the zones of its
    offsets, the main ones else any place's; none when no place keeps them (``Etc/GMT+12``).
    """
    from babel.core import get_global

    aliases = get_global("zone_aliases")

    def current(z: str) -> str:
        name = str(aliases.get(z, z))
        return name if name.lower() in _zones() else z

    def once(zones: list[str]) -> list[str]:
        # (a link Babel doesn't know, Pacific/Midway of Pacific/Pago_Pago: the same data)
        kept_zones: dict[object, str] = {}
        for z in zones:
            kept_zones.setdefault(_zone_data(current(z)), current(z))
        return list(kept_zones.values())

    main = [z for z in get_global("windows_zone_mapping").values()
            if z.startswith(_AREAS) and z.lower() in _zones()]
    principal = _principal_zones()
    places = sorted(_by_city_zones(), key=lambda z: (z not in principal, z))
    short = _abbreviation(zone, _JANUARY)

    def summer(z: str) -> bool:
        first, second = _offsets(z)
        return first != second

    def all_year(z: str) -> bool:
        return _abbreviation(z, _JANUARY) == short == _abbreviation(z, _JULY)

    found: list[str] = []
    if short[:1].isalpha():
        found = ([z for z in main if _abbreviation(z, _JANUARY) == short]
                 or [z for z in places if _abbreviation(z, _JANUARY) == short])
    found = once(found or [z for z in main if _offsets(z) == _offsets(zone)]
                 or [z for z in main if _offsets(z)[0] == _offsets(zone)[0]]
                 or [z for z in places if _offsets(z) == _offsets(zone)])
    keeping = [z for z in found if summer(z)]
    if summer(zone) or not any(all_year(z) for z in found):
        return tuple([*keeping, *(z for z in found if not summer(z))][:3])
    # a standard-time abbreviation some place writes all year: neither kind first, one
    # of each in turn, the principal zones first (HST: Pacific/Honolulu, America/Adak; MST:
    # America/Phoenix, America/Denver; EST: America/New_York, America/Cancun)
    steady = [z for z in found if not summer(z)]
    turns = [z for pair in zip_longest(steady, keeping) for z in pair if z is not None]
    return tuple(sorted(turns, key=lambda z: z not in principal)[:3])


@functools.cache
def _zone_data(zone: str) -> object:
    """What tells ``zone`` apart from another zone: its compiled data in the tzdata package
    (a link is a copy of its target's); its name when the package has none."""
    from importlib import resources

    try:
        return resources.files("tzdata.zoneinfo").joinpath(*zone.split("/")).read_bytes()
    except (ModuleNotFoundError, OSError):
        return zone


def normalize_timezone(text: str) -> str:
    """``text`` as the IANA name it spells, in the database's own case ("europe/berlin" →
    "Europe/Berlin"; UTC's own names, ``Etc/UTC``, ``Zulu``, are "UTC"). Raises
    :class:`Refusal` with one sentence for anything else: names that are no place
    (``localtime``, ``Factory``, ``right/UTC``), abbreviations and fixed offsets
    (:func:`_no_place`: ``EST``, ``CET``, ``EST5EDT``, ``Etc/GMT+2``, with the places they
    usually mean), a city's name (its zone, or the zones of the cities of that name)."""
    candidate = text.strip()
    if _UTC_NAMES.fullmatch(candidate):
        return "UTC"
    found = _zones().get(candidate.lower())
    if found is not None and _no_place(found):
        places = _usual_places(found)
        if not places:
            raise Refusal(_("'%(text)s' names no place (an abbreviation or a fixed offset); "
                            "set the zone of your place, a name like Europe/Berlin or "
                            "America/New_York.", text=kept(candidate)),
                          usage="/settings timezone=Europe/Berlin")
        raise Refusal(_("'%(text)s' names no place (an abbreviation or a fixed offset, which "
                        "can be an hour off for part of the year); set the zone of your "
                        "place, e.g. %(zones)s.", text=kept(candidate),
                        zones=items(places, "or")),
                      usage=f"/settings timezone={places[0]}", suggestions=places)
    if found is not None:
        return found
    cities = _by_city().get(_city_key(candidate), ())
    if len(cities) == 1:
        raise Refusal(_("'%(text)s' is not a time zone name; the one for that city is "
                        "%(zone)s.", text=kept(candidate), zone=cities[0]),
                      usage=f"/settings timezone={cities[0]}", suggestions=cities)
    if cities:
        raise Refusal(_("'%(text)s' is not a time zone name; for a city of that name it is "
                        "%(zones)s.", text=kept(candidate), zones=items(cities, "or")),
                      usage=f"/settings timezone={cities[0]}", suggestions=cities)
    raise Refusal(_("'%(text)s' is not a time zone I know; use a name like Europe/Berlin "
                    "or America/New_York.", text=kept(candidate)),
                  usage="/settings timezone=Europe/Berlin")


#: The areas of the time zone database whose names are places (not ``Etc/``, ``US/``, …).
_AREAS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/",
          "Indian/", "Pacific/")


def _city_key(text: str) -> str:
    """A city's name folded for look-up: case, width forms, spaces and underscores alike
    ("New York", "new_york", "ＮＥＷ ＹＯＲＫ")."""
    return "_".join(fold_width(text).replace("_", " ").casefold().split())


@functools.cache
def _by_city_zones() -> frozenset[str]:
    """The place zones of the database (of an area in :data:`_AREAS`)."""
    return frozenset(z for z in _zones().values() if z.startswith(_AREAS))


@functools.cache
def _tz_links() -> frozenset[str]:
    """The time zone names that are the database's links (its ``backward`` names, ``L
    Europe/Kyiv Europe/Kiev`` in the tzdata package's ``tzdata.zi``): old names of a zone,
    never the one to suggest (Europe/Kyiv, not Europe/Kiev). Empty if the file is missing."""
    from importlib import resources

    try:
        text = resources.files("tzdata.zoneinfo").joinpath("tzdata.zi").read_text("utf-8")
    except (ModuleNotFoundError, OSError):
        return frozenset()
    return frozenset(line.split()[2] for line in text.splitlines()
                     if line.startswith("L ") and len(line.split()) == 3)


@functools.cache
def _by_city() -> dict[str, tuple[str, ...]]:
    """Time zone names by their city (:func:`_city_key`): the database's own city part
    ("berlin" → Europe/Berlin, "new_york" → America/New_York) and CLDR's name of the city in
    each of the six languages (Babel: German "tokio", Japanese "東京", Spanish "nueva_york").
    Only zones of a place's area (never ``Etc/GMT+2``, which is UTC−2: "GMT+2" is no city, and
    its POSIX sign is the reverse of what a creator means); names of one zone (a link and its
    target: ``Asia/Calcutta``, ``Asia/Kolkata``) count once, the database's current name
    kept (not a link of its ``backward`` file: Europe/Kyiv, never Europe/Kiev), else the
    shorter; a name of
    several cities gives them all."""
    from babel.core import get_global

    aliases = get_global("zone_aliases")

    def same(zone: str) -> str:
        return str(aliases.get(zone, zone))

    found: dict[str, dict[str, str]] = {}  # key -> CLDR's zone -> the name shown

    def add(key: str, zone: str) -> None:
        if not key or zone not in _by_city_zones():
            return
        kept_zones = found.setdefault(key, {})
        shown = kept_zones.get(same(zone))
        # the database's current name first (Europe/Kyiv over its link Europe/Kiev), then
        # the shorter one
        links = _tz_links()
        if shown is None or ((shown in links, shown.count("/"), shown)
                             > (zone in links, zone.count("/"), zone)):
            kept_zones[same(zone)] = zone

    for tz in sorted(_by_city_zones()):
        add(tz.rsplit("/", 1)[1].casefold(), tz)
    for language in i18n.LANGUAGES:
        for zone, names in _locale(language).time_zones.items():
            city = names.get("city") if isinstance(names, Mapping) else None
            if city:
                add(_city_key(str(city)), str(zone))
    return {key: tuple(sorted(zones.values())) for key, zones in found.items()}


#: CLDR territories that are not countries a creator lives in: unknown (ZZ), outlying Oceania,
#: the EU and eurozone, the UN, pseudo-locales and ISO 3166's exceptionally reserved codes.
_NOT_COUNTRIES = frozenset({"ZZ", "QO", "EU", "EZ", "UN", "XA", "XB",
                            "AC", "CP", "DG", "EA", "IC", "TA"})


@functools.cache
def _countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from Babel's (CLDR) territory list (Kosovo's XK included)."""
    return frozenset(code for code in _locale("en").territories
                     if isinstance(code, str) and re.fullmatch(r"[A-Z]{2}", code)
                     and code not in _NOT_COUNTRIES)


@functools.cache
def _region_aliases() -> dict[str, str]:
    """Other codes of a country, upper case -> its alpha-2 code: CLDR's territory aliases of
    one country (Babel: ``UK`` and ISO alpha-3 ``GBR``, ``DEU``, ``USA``, numeric ``276``),
    and :data:`_REGION_ALIASES`."""
    from babel.core import get_global

    out = {alias: codes[0] for alias, codes in get_global("territory_aliases").items()
           if len(codes) == 1 and codes[0] in _countries() and alias not in _countries()}
    out.update(_REGION_ALIASES)
    return out


def normalize_region(text: str) -> str:
    """``region=gb`` -> ``"GB"``: an ISO 3166-1 alpha-2 country code (``UK``, ``USA`` and
    other codes of one country accepted: :func:`_region_aliases`); :class:`Refusal` with one
    sentence for anything else, ``ZZ`` included, naming the code of a country's name."""
    code = " ".join(text.split()).upper()
    code = _region_aliases().get(code, code)
    if not re.fullmatch(r"[A-Z]{2}", code):
        _refuse_named(text, "region", _named(text, "territories", _countries()),
                      N_("'%(text)s' is not a country code; the code for that country is "
                         "%(code)s."),
                      N_("'%(text)s' is not a country code; for a country of that name it "
                         "is %(codes)s."))
        raise Refusal(_("region must be a two-letter country code like US, GB or DE (you "
                        "typed '%(text)s').", text=kept(text)), usage="/settings region=US")
    if code not in _countries():
        raise Refusal(_("%(code)s is not a country code; use one like US, GB or DE.",
                        code=kept(code)), usage="/settings region=US")
    return code


def _refuse_named(text: str, field: str, named: tuple[str, ...], one: str,
                  several: str) -> None:
    """Refuse ``text`` typed for ``field`` (``region``, ``currency``) when it is a name of
    the ``named`` codes (:func:`_named`): with the whole sentence ``one`` (its ``%(code)s``)
    for one code, else ``several`` (its ``%(codes)s``, "KP or KR"), each marked with
    :func:`~bot.i18n.N_` by the caller; the first code's line offered, every code
    suggested. Nothing when no code has that name."""
    if not named:
        return
    typed = kept(text.strip())
    said = (_(one, text=typed, code=named[0]) if len(named) == 1
            else _(several, text=typed, codes=items(named, "or")))
    raise Refusal(said, usage=f"/settings {field}={named[0]}", suggestions=named)


#: At most this many codes are offered for a name several have (``dollar``).
_MOST_NAMED = 6


@functools.cache
def _names(kind: str, codes: frozenset[str]) -> tuple[dict[str, tuple[str, ...]],
                                                      dict[str, tuple[str, ...]]]:
    """Babel's names of ``codes`` (``kind``: ``territories`` or ``currencies``) in the six
    languages, folded (:func:`_city_key` with spaces): the whole names (with a currency's
    plural forms: "euros", "Japanese yen") -> codes, and each word of a name -> the codes whose
    names hold it ("korea" → KP, KR; "dollar" → USD, CAD, AUD…)."""
    whole: dict[str, dict[str, None]] = {}
    words: dict[str, dict[str, None]] = {}
    for language in i18n.LANGUAGES:
        loc = _locale(language)
        named: list[tuple[str, str]] = [(str(c), str(n)) for c, n in getattr(loc, kind).items()
                                        if c in codes]
        if kind == "currencies":
            plurals = loc._data.get("currency_names_plural", {})
            named += [(str(c), str(n)) for c in codes for n in plurals.get(c, {}).values()]
        for code, name in named:
            key = " ".join(fold_width(name).casefold().split())
            whole.setdefault(key, {})[code] = None
            for word in re.findall(r"[^\W\d_]+", key):
                words.setdefault(word, {})[code] = None
    return ({k: tuple(v) for k, v in whole.items()}, {k: tuple(v) for k, v in words.items()})


def _named(text: str, kind: str, codes: Collection[str]) -> tuple[str, ...]:
    """The codes among ``codes`` whose name (Babel's ``kind``: ``territories`` or
    ``currencies``) in any of the six languages is ``text``, any case ("Germany",
    "Deutschland" → DE; "euro", "euros" → EUR); else those a name of which holds ``text`` as
    a word ("Korea" → KP, KR; "yen" → JPY; "dollar" → USD, AUD…), the most used first and
    at most :data:`_MOST_NAMED`; ``()`` when none is."""
    wanted = " ".join(fold_width(text).casefold().split())
    for language in dict.fromkeys((i18n.current(), "en")):  # a name as these write it
        for code, name in getattr(_locale(language), kind).items():
            if code in codes and " ".join(str(name).casefold().split()) == wanted:
                return (str(code),)
    whole, words = _names(kind, frozenset(codes))
    # another language's whole name, and every name holding it as a word ("Congo": Spanish
    # names CG so, English neither alone: CD and CG)
    found = dict.fromkeys((*whole.get(wanted, ()),
                           *(words.get(wanted, ()) if " " not in wanted else ())))
    return tuple(sorted(found, key=_usage_rank(kind)))[:_MOST_NAMED]


def _usage_rank(kind: str) -> Any:
    """A sort key putting the currencies most countries use first (Babel's territory
    currencies); territories by code."""
    if kind != "currencies":
        return lambda code: code
    users = _currency_users()
    return lambda code: (-users.get(code, 0), code)


@functools.cache
def _currency_users() -> dict[str, int]:
    """Currency code -> how many territories use it today (Babel's territory currencies)."""
    from babel.numbers import get_territory_currencies

    count: dict[str, int] = {}
    for territory in _countries():
        for code in get_territory_currencies(territory, tender=True):
            count[code] = count.get(code, 0) + 1
    return count


def normalize_language(text: str) -> str:
    """``language=de`` / ``pt-BR`` / ``Deutsch`` -> a supported language code (bot.i18n);
    ``auto`` (or ``none``) -> ``""``: follow the app's language again. ``ValueError`` with one
    sentence naming the supported ones for anything else."""
    value = text.strip()
    if value.lower() in {"auto", "none", "default", "-"}:
        return ""
    by_name = {name.casefold(): code for code, name in i18n.NAMES.items()}
    code = by_name.get(value.casefold()) or i18n.normalize(value)
    if code is None:
        raise Refusal(_("I can't answer in '%(text)s' yet; choose one of %(languages)s, or "
                        "auto for your app's language.", text=kept(value),
                           languages=items(i18n.LANGUAGES, "or")))
    return code


def unparse_language(code: str) -> str:
    """:func:`normalize_language`'s value as it reads it back: ``""`` (follow the app) is
    ``auto``."""
    return code or "auto"


def normalize_currency(text: str) -> str:
    """``currency=eur`` -> ``"EUR"``: a three-letter code; :class:`Refusal` with one sentence
    for anything else, naming the code (or codes) of a currency's name in any of the six
    languages (``yen``, ``euros``, ``dollar``: :func:`_named`)."""
    code = text.strip().upper()
    currencies = frozenset(_locale("en").currencies)
    if code not in currencies:  # ("yen" is three letters and no code)
        _refuse_named(text, "currency",
                      _named(text, "currencies", frozenset(_currency_users())),  # (in use)
                      N_("'%(text)s' is not a currency code; the code for that currency is "
                         "%(code)s."),
                      N_("'%(text)s' is not a currency code; for a currency of that name it "
                         "is %(codes)s."))
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise Refusal(_("currency must be a three-letter code like USD, EUR or GBP (you "
                        "typed '%(text)s').", text=kept(text)), usage="/settings currency=EUR")
    return code


_DOES = {"brand": "brand_deals", "brands": "brand_deals", "brand_deals": "brand_deals",
         "affiliate": "affiliate", "shop": "affiliate", "products": "own_products",
         "own_products": "own_products", "product": "own_products"}
DOES_WORDS = {"brand_deals": N_("brand deals"), "affiliate": N_("affiliate"),
              "own_products": N_("own products")}


def normalize_does(text: str) -> frozenset[str]:
    """``brand,affiliate`` -> the route keys; ``none`` clears the list."""
    words = [w for w in re.split(r"[,+\s]+", text.strip().lower()) if w]
    if words == ["none"]:
        return frozenset()
    unknown = [w for w in words if w not in _DOES]
    if unknown or not words:
        raise Refusal(_("does= takes brand, affiliate and products (comma-separated) or "
                        "none (you typed '%(text)s').", text=kept(text)))
    return frozenset(_DOES[w] for w in words)


def unparse_does(routes: frozenset[str]) -> str:
    """:func:`normalize_does`'s value as it reads it back: ``affiliate,brand_deals``, or
    ``none``."""
    return ",".join(sorted(routes)) or "none"


def unparse_cleared(value: str | None) -> str:
    """A value of :func:`normalize_handle` or :func:`normalize_niche` as they read it back:
    None (cleared) is ``none``."""
    return "none" if value is None else value


_HANDLE = re.compile(r"@?([A-Za-z0-9_.]{2,24})")
_NICHE = re.compile(r"[^\W\d_][\w &+/'-]{0,39}")
_CLEAR = {"none", "-", "clear"}


def normalize_handle(text: str) -> str | None:
    """``name`` or ``@name`` -> ``@name`` (TikTok usernames: letters, digits, ``_`` and
    ``.``, 2–24 characters); ``none`` clears it. Its full-width forms are the ASCII ones
    (``＠ｍａｙａ``: ``@maya``; :func:`~bot.domain.fieldnames.fold_width`, as every value not
    free text is read): a username has no others."""
    value = fold_width(text).strip()
    if value.lower() in _CLEAR:
        return None
    m = _HANDLE.fullmatch(value)
    if not m or m.group(1).endswith("."):
        raise Refusal(_("handle is your TikTok username like @maya.makes: letters, "
                        "digits, _ and . (you typed '%(text)s').", text=kept(text)))
    return "@" + m.group(1)


def normalize_niche(text: str) -> str | None:
    """A short niche like ``beauty`` or ``home & garden`` (at most 40 characters, starting with
    a letter); ``none`` clears it."""
    value = " ".join(text.split())
    if value.lower() in _CLEAR:
        return None
    if not _NICHE.fullmatch(value):
        raise Refusal(_("niche is a word or two like beauty, fitness or home & garden, at "
                        "most 40 characters (you typed '%(text)s').", text=kept(text)))
    return value.lower()


@command(
    "settings",
    summary="Your currency, time zone, country and age: /settings currency=EUR",
    help=("Without arguments, shows your settings. Set any of them: currency for estimates, "
          "time zone for your weekly digest, country (some payouts exist only in some "
          "countries), whether you are 18 or older (several payouts require it) and what you "
          "already earn from (does=brand,affiliate,products). Your TikTok handle and niche go on "
          "your /mediakit (handle=@name niche=beauty). language=de (or es, pt_BR, fr, ja) "
          "sets the language I answer you in; language=auto follows your app again."),
    args=(
        ArgSpec("currency", ArgType.TEXT, "Currency for money amounts.", "currency=EUR",
                normalize=normalize_currency),
        ArgSpec("timezone", ArgType.TEXT, "Your time zone (IANA name).",
                "timezone=Europe/Berlin", aliases=("tz",), normalize=normalize_timezone),
        ArgSpec("region", ArgType.TEXT, "Your country, two-letter code.", "region=US",
                aliases=("country",), normalize=normalize_region),
        ArgSpec("adult", ArgType.BOOL, "Are you 18 or older? yes or no.", "adult=yes",
                aliases=("18plus", "over18")),
        ArgSpec("age", ArgType.COUNT, "Your age: South Korea's payouts need 19, not 18.",
                "age=19", minimum=13, maximum=120, thousands=False, completed=True),
        ArgSpec("does", ArgType.TEXT, "What you already earn from: brand, affiliate, products "
                "or none (counts in /estimate's 'now').",
                "does=brand,affiliate", normalize=normalize_does, unparse=unparse_does),
        ArgSpec("handle", ArgType.TEXT, "Your TikTok handle, for your media kit (none clears).",
                "handle=@maya.makes", normalize=normalize_handle, unparse=unparse_cleared,
                free_text=True),
        ArgSpec("niche", ArgType.TEXT, "What your videos are about, for your media kit.",
                "niche=beauty", normalize=normalize_niche, unparse=unparse_cleared,
                free_text=True),
        ArgSpec("language", ArgType.TEXT, "The language I answer you in: en, es, pt_BR, de, "
                "fr or ja (auto: your app's language).", "language=de",
                aliases=("lang", "locale"), normalize=normalize_language,
                unparse=unparse_language),
    ),
    examples=("/settings", "/settings currency=EUR timezone=Europe/Berlin region=DE adult=yes"),
    personal=True,
    group="your numbers",
    strategies=("rates",),
    # (the exchange rates: which currencies there are, for a currency given or the example
    # line a reply without changes offers)
    strategies_for=lambda args: not args or args.get("currency") is not None,
)
async def settings(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    currency = args.get("currency")
    if currency is not None and currency not in ctx.services.currencies:
        supported = items(sorted(ctx.services.currencies))
        raise ArgError(_("I have no exchange rate for %(currency)s; supported: %(supported)s.",
                         currency=currency, supported=supported),
                       arg="currency", example="EUR")
    if "age" in args:
        age = int(args["age"])
        if "adult" in args and bool(args["adult"]) != (age >= 18):
            raise ArgError(_("age=%(age)s and adult=%(adult)s disagree; give one of them.",
                             age=age, adult="yes" if args["adult"] else "no"), arg="adult")
        args = {**args, "age": age, "adult": age >= 18}
    elif "adult" in args:
        args = {**args, "age": None}  # a new yes/no replaces an age given before
    if "language" in args:
        args = {**args, "language": args["language"] or None}
    if args:
        current = await ctx.store.update_settings(ctx.user.id, args)
    else:
        current = await ctx.store.get_settings(ctx.user.id)
    if "language" in args:  # this reply is already in the new language
        i18n.switch(current.language or ctx.request.locale)
    return Reply("settings", {
        "changed": sorted(args),
        "currency": current.currency,
        "timezone": current.timezone,
        "region": current.region,
        "adult": current.adult,
        "age": current.age,
        "does": [translate(DOES_WORDS[d]) for d in sorted(current.does)],
        "handle": current.handle,
        "niche": current.niche,
        "language": i18n.NAMES[i18n.choose(current.language or ctx.request.locale)],
        "language_chosen": current.language is not None,
        "example": (None if args else
                    _example(current, i18n.current(), ctx.services.currencies)),
    })


def _example(current: UserSettings, language: str, currencies: Collection[str]) -> str:
    """The /settings line the reply offers as an example, for this creator's own country
    (:meth:`UserSettings.example_region`: theirs, else their time zone's, else their
    language's): its currency (Babel's CLDR tender of the country, when there is an
    exchange rate for it, else theirs), its time zone (:meth:`UserSettings.example_zone`)
    and ``adult=yes``; never Germany's to a creator in France."""
    from babel.numbers import get_territory_currencies

    region = current.example_region(language)
    tender = [c for c in get_territory_currencies(region, tender=True) if c in currencies]
    zone = current.example_zone(language)
    parts = [f"currency={tender[0] if tender else current.currency}",
             *([f"timezone={zone}"] if zone else []), f"region={region}", "adult=yes"]
    return "/settings " + " ".join(parts)
