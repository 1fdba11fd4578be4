"""/settings: currency, timezone, region and age."""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from typing import Any
from zoneinfo import available_timezones

from bot import i18n
from bot.core.args import ArgError
from bot.core.context import CommandContext
from bot.core.registry import ArgSpec, ArgType, command
from bot.core.types import Reply
from bot.domain.numbers import items, kept
from bot.domain.refusals import Refusal
from bot.i18n import N_, translate
from bot.i18n import gettext as _

_REGION_ALIASES = {"UK": "GB", "USA": "US", "EN": "GB"}


#: Names in the time zone database that are no place: the server's own zone (``localtime``,
#: whatever the machine is set to) and the placeholder ``Factory``.
_NOT_PLACES = frozenset({"localtime", "Factory"})


@functools.cache
def _zones() -> dict[str, str]:
    """The IANA time zone names a creator may set, by their lower-case spelling: the zoneinfo
    database's (:func:`zoneinfo.available_timezones`, which leaves out its ``posix/`` and
    ``right/`` copies and ``posixrules``) without :data:`_NOT_PLACES`."""
    return {tz.lower(): tz for tz in available_timezones() - _NOT_PLACES}


def normalize_timezone(text: str) -> str:
    """``text`` as the IANA name it spells, in the database's own case ("europe/berlin" →
    "Europe/Berlin"; UTC, GMT and Z are "UTC"). Raises :class:`Refusal` with one sentence
    for anything else, including names that are no place (``localtime``, ``Factory``,
    ``right/UTC``)."""
    candidate = text.strip()
    if candidate.upper() in {"UTC", "GMT", "Z"}:
        return "UTC"
    found = _zones().get(candidate.lower())
    if found is not None:
        return found
    city = _by_city().get(candidate.casefold().replace(" ", "_"))
    if city is not None:
        raise Refusal(_("'%(text)s' is not a time zone name; the one for that city is "
                        "%(zone)s.", text=kept(candidate), zone=city),
                      usage=f"/settings timezone={city}")
    raise Refusal(_("'%(text)s' is not a time zone I know; use a name like Europe/Berlin "
                    "or America/New_York.", text=kept(candidate)),
                  usage="/settings timezone=Europe/Berlin")


#: The areas of the time zone database whose names are places (not ``Etc/``, ``US/``, …).
_AREAS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/",
          "Indian/", "Pacific/")


@functools.cache
def _by_city() -> dict[str, str]:
    """Time zone names by their city, lower-case with underscores ("berlin" →
    "Europe/Berlin", "new_york" → "America/New_York"): only zones of a place's area (never
    ``Etc/GMT+2``, which is UTC−2: "GMT+2" is no city, and its POSIX sign is the reverse of
    what a creator means), the shorter name of two for one city ("America/Indianapolis",
    not ".../Indiana/...")."""
    out: dict[str, str] = {}
    for tz in sorted(_zones().values(), key=lambda z: (z.count("/"), z)):
        if tz.startswith(_AREAS):
            out.setdefault(tz.rsplit("/", 1)[1].casefold(), tz)
    return out


#: CLDR territories that are not countries a creator lives in: unknown (ZZ), outlying Oceania,
#: the EU and eurozone, the UN, pseudo-locales and ISO 3166's exceptionally reserved codes.
_NOT_COUNTRIES = frozenset({"ZZ", "QO", "EU", "EZ", "UN", "XA", "XB",
                            "AC", "CP", "DG", "EA", "IC", "TA"})


@functools.cache
def _countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from Babel's (CLDR) territory list (Kosovo's XK included)."""
    from babel import Locale

    return frozenset(code for code in Locale("en").territories
                     if isinstance(code, str) and re.fullmatch(r"[A-Z]{2}", code)
                     and code not in _NOT_COUNTRIES)


def normalize_region(text: str) -> str:
    """``region=gb`` -> ``"GB"``: an ISO 3166-1 alpha-2 country code (``UK`` and ``USA``
    accepted); ``ValueError`` with one sentence for anything else, ``ZZ`` included."""
    code = text.strip().upper()
    code = _REGION_ALIASES.get(code, code)
    if not re.fullmatch(r"[A-Z]{2}", code):
        named = _named(text, "territories", _countries())
        if named is not None:
            raise Refusal(_("'%(text)s' is not a country code; the code for that country is "
                            "%(code)s.", text=kept(text.strip()), code=named),
                          usage=f"/settings region={named}")
        raise Refusal(_("region must be a two-letter country code like US, GB or DE (you "
                        "typed '%(text)s').", text=kept(text)), usage="/settings region=US")
    if code not in _countries():
        raise Refusal(_("%(code)s is not a country code; use one like US, GB or DE.",
                        code=kept(code)), usage="/settings region=US")
    return code


def _named(text: str, kind: str, codes: Collection[str]) -> str | None:
    """The code among ``codes`` whose name (Babel's ``kind``: ``territories`` or
    ``currencies``) is ``text``, in the current language or English, any case ("Germany",
    "Deutschland" → "DE"; "euro" → "EUR"); None when no name is."""
    from babel import Locale

    wanted = text.strip().casefold()
    for language in dict.fromkeys((i18n.current(), "en")):
        names = getattr(Locale.parse(language), kind)
        for code, name in names.items():
            if code in codes and str(name).casefold() == wanted:
                return str(code)
    return None


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
    code = text.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        from babel import Locale

        named = _named(text, "currencies", frozenset(Locale("en").currencies))
        if named is not None:
            raise Refusal(_("'%(text)s' is not a currency code; the code for that currency is "
                            "%(code)s.", text=kept(text.strip()), code=named),
                          usage=f"/settings currency={named}")
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
    ``.``, 2–24 characters); ``none`` clears it."""
    value = text.strip()
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
                "age=19", minimum=13, maximum=120, thousands=False),
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
    # (the exchange rates: which currencies there are)
    strategies_for=lambda args: args.get("currency") is not None,
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
    })
