"""What the domain knows about one creator besides their metrics: settings and account facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from bot.domain.metrics import MetricSnapshot
from bot.domain.payouts import Payout
from bot.domain.studio import Audience, Video

DEFAULT_CURRENCY = "USD"
DEFAULT_TIMEZONE = "UTC"


#: A language's example country where the creator's own is not known (no region set and a
#: time zone of no country, such as UTC): what its catalogue showed before.
EXAMPLE_REGIONS: Final[dict[str, str]] = {"en": "US", "de": "DE", "es": "MX", "fr": "FR",
                                          "ja": "JP", "pt_BR": "BR"}
#: The time zone an example shows for a country of several (the zone of its largest city),
#: for the example countries of :data:`EXAMPLE_REGIONS` that have more than one; a country of
#: one zone needs none here (Babel's CLDR ``territory_zones``).
EXAMPLE_ZONES: Final[dict[str, str]] = {"US": "America/New_York", "MX": "America/Mexico_City",
                                        "BR": "America/Sao_Paulo", "DE": "Europe/Berlin"}


@dataclass(frozen=True, slots=True)
class UserSettings:
    """Per-user preferences. ``region`` is an ISO 3166-1 alpha-2 code (e.g. ``US``);
    ``adult`` is whether the creator is 18 or older (several payout routes require it);
    ``does`` holds the routes the creator says they already earn from (``brand_deals``,
    ``affiliate``, ``own_products``): only those count in an estimate's "now"."""

    currency: str = DEFAULT_CURRENCY
    timezone: str = DEFAULT_TIMEZONE
    region: str | None = None
    adult: bool | None = None
    does: frozenset[str] = frozenset()
    age: int | None = None  # years, when given; decides routes with a minimum above 18
    handle: str | None = None  # the public TikTok handle, "@name" (printed on the media kit)
    niche: str | None = None  # e.g. "beauty" (printed on the media kit)
    #: The language replies are in (bot.i18n.LANGUAGES), chosen with /settings language=…;
    #: None: the platform's locale (Telegram language_code, Discord locale, console LANG).
    language: str | None = None

    @property
    def zone(self) -> ZoneInfo:
        """The creator's time zone (UTC if the stored name is unknown to this system)."""
        try:
            return ZoneInfo(self.timezone)
        except (KeyError, ValueError):
            return ZoneInfo(DEFAULT_TIMEZONE)

    def local(self, now: datetime) -> datetime:
        """``now`` on the creator's clock (in their time zone): the one place a command
        reads their date, month or time of day from (never UTC's)."""
        return now.astimezone(self.zone)

    def today(self, now: datetime) -> date:
        """The creator's date at ``now``."""
        return self.local(now).date()

    def example_region(self, language: str) -> str:
        """The country code an example shows this creator (``/settings region=…, e.g. ES``):
        their own when set, else the country of their time zone (Babel's CLDR zone
        territories: Europe/Madrid is ES; a legacy name /settings takes, ``Asia/Calcutta``,
        ``US/Eastern``, read as the zone it links to, Babel's ``zone_aliases``), else the one
        ``language``'s readers most likely use (:data:`EXAMPLE_REGIONS`): never Mexico's to
        a creator in Madrid."""
        if self.region:
            return self.region
        from babel.core import get_global

        canonical = get_global("zone_aliases").get(self.timezone, self.timezone)
        zone = get_global("zone_territories").get(canonical)
        if zone and zone.isalpha() and zone != "ZZ":
            return str(zone)
        return EXAMPLE_REGIONS.get(language, "US")

    def example_zone(self, language: str) -> str | None:
        """The time zone an example shows this creator (``/settings timezone=…``): their own
        when set (not the default UTC), else their example country's
        (:meth:`example_region`): its only zone (Babel's CLDR ``territory_zones``:
        Europe/Paris for FR) or the one :data:`EXAMPLE_ZONES` names; None for a country of
        several zones not named there (an example then shows no time zone rather than
        another country's)."""
        if self.timezone != DEFAULT_TIMEZONE:
            return self.timezone
        from babel.core import get_global

        region = self.example_region(language)
        zones = get_global("territory_zones").get(region, ())
        if len(zones) == 1:
            return str(zones[0])
        return EXAMPLE_ZONES.get(region)

    def file_stamp(self, now: datetime, *, seconds: bool = False) -> str:
        """When a file the bot makes for the creator was made, as its name says it
        (/export, /mediakit): their date at ``now`` (``20261121``), with ``seconds`` their
        time too (``20261121-013000``), never UTC's."""
        return self.local(now).strftime("%Y%m%d-%H%M%S" if seconds else "%Y%m%d")


@dataclass(frozen=True, slots=True)
class Profile:
    """Everything the estimator and the strategy engine read for one creator."""

    settings: UserSettings
    latest: MetricSnapshot | None
    history: tuple[MetricSnapshot, ...] = field(default_factory=tuple)
    #: Per-video lifetime numbers and the follower audience, from TikTok Studio imports.
    videos: tuple[Video, ...] = ()
    audience: Audience = field(default_factory=Audience)
    #: The creator's logged payouts: a route they were paid by is one they are in
    #: (:meth:`bot.domain.eligibility.Eligibility.verdict`).
    payouts: tuple[Payout, ...] = ()
