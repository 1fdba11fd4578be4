"""How money and reach are said (new-user and hostile trials): each fault is a kind fixed in
one place, and each example is a test here, through the console as a creator meets it."""

from __future__ import annotations

from bot.adapters.console import ConsoleAdapter

#: a 2M-follower account whose videos get the views of a much smaller one
BIG_FEW_VIEWS = "/log followers=2M views=600k avg_views=20k likes=40k comments=1k shares=500"


async def test_estimate_names_the_band_as_read_from_views_as_the_kit_does(
        console: ConsoleAdapter) -> None:
    """Trial: "accounts your size (5k–1M followers)" for a 2M-follower account. /estimate and
    the media kit read one function for the band's wording (estimator.band_wording)."""
    await console.ask(BIG_FEW_VIEWS)
    text = (await console.ask("/estimate")).text
    assert "accounts your size (5k–1M)" not in text, text
    assert ("the typical 4.2% for accounts with views like yours (those of 5k–1M "
            "followers)") in text, text
    assert "Typical engagement by views for accounts with views like yours:" in text


async def test_followers_in_the_band_of_their_views_are_still_your_size(
        console: ConsoleAdapter) -> None:
    await console.ask("/log followers=80k views=600k avg_views=20k likes=40k comments=1k "
                      "shares=500")
    text = (await console.ask("/estimate")).text
    assert "for accounts your size (5k–1M)" in text, text
    assert "Typical engagement by views for your size:" in text
