"""Who watches: the audience lines of /stats and of the TikTok Studio import preview (a
module of its own, so that /stats does not import the import code)."""

from __future__ import annotations

from typing import Any

from bot.domain.audience_words import audience_label
from bot.domain.numbers import items, pct
from bot.domain.studio import Audience, best_hours
from bot.i18n import gettext as _


def hours_text(hours: tuple[int, int] | None) -> str | None:
    return None if hours is None else f"{hours[0]}–{hours[1]} h"


def shares_text(shares: tuple[tuple[str, float], ...] | list[tuple[str, float]],
                limit: int = 5) -> str:
    """'United States 41%, …, Others 34%': the largest shares, each label (territory code or
    gender) named in the current language, Others last."""
    ordered = sorted(shares, key=lambda s: (s[0].casefold() == "others", -s[1]))
    return items(_("%(label)s %(share)s", label=audience_label(label), share=pct(share, 0))
                 for label, share in ordered[:limit])


def audience_view(audience: Audience) -> dict[str, Any]:
    return {"territories": shares_text(audience.territories) or None,
            "genders": shares_text(audience.genders) or None,
            "hours": hours_text(best_hours(audience.activity))}
