"""Input handling kinds found by a hostile trial and reviews, each through the console as a
creator types it: one place decides each thing, and a wrong input gets one clear sentence."""

from __future__ import annotations

import pytest

from bot.adapters.console import ConsoleAdapter


async def test_full_width_forms_in_any_value_read_as_their_ascii(
        console: ConsoleAdapter) -> None:
    """Trial: full-width ``－`` and ``／`` in ``month=`` and ``timezone=`` were refused
    ("month is a year and month like 2026-10 (you typed '2026－10')"): names were folded, TEXT
    values never. Values are read in NFKC in the one place arguments are parsed."""
    zone = await console.ask("/settings timezone=Europe／Berlin")
    assert zone.ok and "Time zone: Europe/Berlin" in zone.text, zone.text
    paid = await console.ask("/payout rewards=41 views=61k month=２０２６－１０")
    assert "2026-10" not in paid.text or "you typed" not in paid.text, paid.text
    assert "year and month" not in paid.text, paid.text
    goal = await console.ask("/goal followers=10k by=２０２７－０３－０１")
    assert goal.ok, goal.text
    # the creator's free text stays as typed (a niche)
    niche = await console.ask("/settings niche=ｂｅａｕｔｙ")
    assert niche.ok and "ｂｅａｕｔｙ" in niche.text, niche.text
