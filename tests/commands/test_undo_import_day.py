"""/undo date= on a day of an import removes that day's imported snapshot only, and says so."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from tests.auxil.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))


async def test_undo_of_one_day_of_an_import_names_the_day(console: ConsoleAdapter,
                                                          tmp_path: Path) -> None:
    """New-user trial: /undo date=2026-11-15 on a 42-day import asked "Remove your import of
    1 snapshot?", though it removes that day's imported snapshot only."""
    first = date(2026, 10, 20)
    rows = "".join(f"{first + timedelta(days=i)},{10_000 + 10 * i}\n" for i in range(42))
    path = tmp_path / "f.csv"
    path.write_text("date,followers\n" + rows, encoding="utf-8")
    assert (await console.ask(f"/import path={path} confirm")).ok
    undo = (await console.ask("/undo date=2026-11-15")).text
    # (dates as the creator's language writes them: ISO in English, as they type them)
    assert "Remove your imported snapshot of 2026-11-15?" in undo, undo
    assert "Remove your import of" not in undo and "It covers" not in undo, undo
    whole = (await console.ask("/undo")).text  # the whole import: as before
    assert "Remove your import of 42 snapshots?" in whole, whole
    await console.ask("/settings language=es")
    spanish = (await console.ask("/undo date=2026-11-15")).text
    assert "¿Eliminar tu instantánea importada del 15 nov 2026?" in spanish, spanish
