"""A count and its noun are written together, the noun in the plural of the number as shown
(:func:`bot.domain.numbers.counted`). Review: /videos chose "view" for a median of 0.5 views
(``plural_count(x, 0)`` beside ``compact(x)``, which shows one decimal): "median 0.5 view"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import i18n
from bot.domain import numbers

BOT = Path(__file__).resolve().parents[2] / "bot"


@pytest.mark.parametrize(("value", "digits", "shown", "n"), [
    (0.5, None, "0.5", 2), (1.4, None, "1.4", 2), (0.96, None, "1", 1), (1, None, "1", 1),
    (1500, None, "1.5k", 1500), (1.004, 2, "1", 1), (0.5, 2, "0.5", 2), (2, 0, "2", 2)])
def test_a_count_is_counted_as_it_is_shown(value: float, digits: int | None, shown: str,
                                           n: int) -> None:
    with i18n.using("en"):
        assert numbers.counted(value, digits) == (shown, n)


def test_every_plural_count_goes_through_counted() -> None:
    """Each call site picked its own decimals for the plural, apart from the formatting
    beside it; only :func:`bot.domain.numbers.counted` asks ``plural_count`` now."""
    callers = sorted(str(path.relative_to(BOT)) for path in BOT.rglob("*.py")
                     if path.name != "i18n.py"
                     and re.search(r"\bplural_count\(", path.read_text(encoding="utf-8")))
    assert callers == ["domain/numbers.py"], callers
