"""The names of the bot's own fields in the creator's language: one list for the CSV import's
column headers (``Datum;Follower;Aufrufe``) and the names ``/log`` accepts (``Follower=12k``)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

from bot import i18n
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


def field_key(name: str) -> str:
    """A typed field name folded for lookup: case-insensitive, spaces and hyphens as ``_``
    (``Aufrufe pro Video`` and ``aufrufe-pro-video`` -> ``aufrufe_pro_video``)."""
    return "_".join(name.strip().casefold().replace("-", " ").split())


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
        return MappingProxyType({field_key(local): key for key, local in column_names().items()})
