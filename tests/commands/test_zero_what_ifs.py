"""A zero is a value: views per video of 0 and 30-day views of 0 in /estimate what-ifs."""

from __future__ import annotations

import re

from bot.adapters.console import ConsoleAdapter


def brand_typical(text: str) -> float:
    """The brand route's typical monthly figure in an /estimate reply (USD)."""
    block = text.split("Brand partnerships", 1)[1]
    found = re.search(r"typical \$([\d,.]+)\)", block)
    assert found, text
    return float(found.group(1).replace(",", ""))


async def test_zero_views_per_video_prices_at_the_curves_floor(console: ConsoleAdapter) -> None:
    """Trial: with 25k followers and 300k views, avg_views=0 was priced above avg_views=1 (as
    if unknown). 0 views per video is a value: the curve's floor, as 1 view is, never more."""
    await console.ask("/log followers=25k views=300k avg_views=10k")
    ten_k = brand_typical((await console.ask("/estimate avg_views=10k")).text)
    one = brand_typical((await console.ask("/estimate avg_views=1")).text)
    zero = await console.ask("/estimate avg_views=0 explain")
    assert zero.ok, zero.text
    assert brand_typical(zero.text) == one < ten_k, zero.text
    assert "input: views per video 0: your average views per video" in zero.text
    logged = await console.ask("/log avg_views=0")
    assert logged.ok and "Average views per video: 0" in logged.text, logged.text
    assert brand_typical((await console.ask("/estimate")).text) == one


async def test_zero_views_what_ifs_say_one_clear_thing(console: ConsoleAdapter) -> None:
    """Trial: /estimate views=0 said "your real rate is unknown" though it was known (10.1%),
    and /estimate views=0 likes=0 was refused with "comments (400) are more than views (0)"
    as if the creator had typed those comments."""
    await console.ask("/log followers=25k views=300k avg_views=10k likes=30k comments=400")
    alone = await console.ask("/estimate views=0")
    assert alone.ok, alone.text
    assert "real rate is unknown" not in alone.text, alone.text
    assert "With 0 views in 30 days there is no engagement rate." in alone.text, alone.text
    with_likes = await console.ask("/estimate views=0 likes=0")
    assert not with_likes.ok
    assert ("That what-if can't be: comments (400) are more than views (0) for the same 30 "
            "days (your logged comments, kept beside the views you gave); give them too, e.g. "
            "comments=0.") in with_likes.text, with_likes.text
    whole = await console.ask("/estimate views=0 likes=0 comments=0")
    assert whole.ok, whole.text
    assert "With 0 views in 30 days there is no engagement rate." in whole.text, whole.text
