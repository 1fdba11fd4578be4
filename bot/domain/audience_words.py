"""Audience labels from TikTok Studio in the creator's language: territories and genders.

TikTok Studio's follower files name a territory by its ISO 3166 code (``US``) or ``Others``, and
a gender as ``Female``, ``Male``, ``Other`` or ``Others`` (English, whatever the app's language).
Country names come from CLDR through Babel (``Locale("de").territories["US"]`` is
``Vereinigte Staaten``); the gender words and "Others" are catalogue messages.
"""

from __future__ import annotations

from bot.domain.numbers import locale
from bot.i18n import pgettext


def territory_name(label: str) -> str:
    """``US`` -> ``United States`` / ``Vereinigte Staaten`` / ``アメリカ合衆国``; ``Others`` in
    the current language; any other label (not an ISO code CLDR knows) as it is."""
    text = label.strip()
    if text.casefold() in {"other", "others"}:
        return pgettext("audience territory", "Others")
    if len(text) == 2 and text.isalpha():
        name = locale().territories.get(text.upper())
        if name:
            return str(name)
    return text


def gender_name(label: str) -> str:
    """``Female``/``Male``/``Other``/``Others`` in the current language; any other label as
    it is."""
    key = label.strip().casefold()
    if key == "female":
        return pgettext("audience gender", "Female")
    if key == "male":
        return pgettext("audience gender", "Male")
    if key == "other":
        return pgettext("audience gender", "Other")
    if key == "others":
        return pgettext("audience gender", "Others")
    return label.strip()


def audience_label(label: str) -> str:
    """A label from either follower file in the current language: a gender word
    (:func:`gender_name`), else a territory (:func:`territory_name`)."""
    if label.strip().casefold() in {"female", "male", "other"}:
        return gender_name(label)
    return territory_name(label)
