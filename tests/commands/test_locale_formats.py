"""Issue 20 follow-up: what a new user in each language types, imports and reads back, through
the console as they would (their own CSV headers, decimals, ambiguous numbers, dates)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal

from bot import i18n
from bot.adapters.console import ConsoleAdapter
from bot.core.csv_import import column_names, header_example
from bot.domain.metrics import format_metric
from bot.domain.numbers import locale

LANGUAGES = i18n.LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
async def test_own_csv_in_each_language_imports(console: ConsoleAdapter, tmp_path: Path,
                                                language: str, line_end: str) -> None:
    """The header the bot suggests (each catalogue's column names), the language's short date
    and grouped numbers: ``Datum;Follower;Aufrufe`` / ``09.11.2026;27.500;35000`` imports."""
    assert (await console.ask(f"/settings language={language}")).ok
    with i18n.using(language):
        names = column_names()
        sep = header_example()[len(names["date"])]
        day = date(2026, 10, 9)
        written = (day.isoformat() if language == i18n.SOURCE
                   else format_date(day, format="short", locale=locale()))
        big = format_decimal(27_500, locale=locale())
        big = big if sep not in big else "27500"  # English: 27,500 would be two cells
    rows = [sep.join((names["date"], names["followers"], names["views"])),
            sep.join((written, big, "35000"))]
    csv = tmp_path / f"{language}.csv"
    csv.write_bytes(line_end.join(rows).encode() + line_end.encode())
    preview = await console.ask(f'/import path="{csv}"')
    assert preview.ok, (language, rows, preview.text)
    done = await console.ask(f'/import path="{csv}" confirm')
    assert done.ok, (language, done.text)
    stats = await console.ask("/stats")
    with i18n.using(language):
        assert format_metric("followers", 27_500) in stats.text, (language, stats.text)
