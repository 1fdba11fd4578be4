"""/settings' example line is for the creator's own country, never another's."""

from __future__ import annotations

import pytest

from bot.adapters.console import ConsoleAdapter


@pytest.mark.parametrize(("setup", "example"), [
    # the language's country while nothing else is known
    ("/settings language=fr", "/settings currency=EUR timezone=Europe/Paris region=FR adult=yes"),
    ("/settings language=ja", "/settings currency=JPY timezone=Asia/Tokyo region=JP adult=yes"),
    ("/settings language=pt_BR",
     "/settings currency=BRL timezone=America/Sao_Paulo region=BR adult=yes"),
    ("/settings language=en",
     "/settings currency=USD timezone=America/New_York region=US adult=yes"),
    # the time zone's country, with the zone itself
    ("/settings timezone=Asia/Kolkata",
     "/settings currency=INR timezone=Asia/Kolkata region=IN adult=yes"),
    # the country set; a currency without an exchange rate is not offered (NGN)
    ("/settings region=NG",
     "/settings currency=USD timezone=Africa/Lagos region=NG adult=yes"),
    # a country of several zones none of which is named: no zone rather than another's
    ("/settings region=ES", "/settings currency=EUR region=ES adult=yes"),
])
async def test_the_example_is_the_creators_own_country(console: ConsoleAdapter, setup: str,
                                                       example: str) -> None:
    """Trial: a French creator's /settings offered "/settings currency=EUR
    timezone=Europe/Berlin region=DE adult=yes", another country's line, in every language."""
    await console.ask(setup)
    shown = await console.ask("/settings")
    assert shown.ok, shown.text
    assert shown.text.rstrip().endswith(example), shown.text
