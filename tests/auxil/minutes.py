"""Console commands a minute apart on a fake clock, and the data of their replies: what the
tests of 30-day windows (what-ifs, same-day pairing) share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.adapters.console import ConsoleAdapter, ConsoleResult
from tests.auxil.clock import FakeClock

#: Where those tests' fake clock starts: 9:00 UTC on 29 November 2026.
START = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


async def ask_ok(console: ConsoleAdapter, clock: FakeClock, line: str) -> ConsoleResult:
    """``line`` a minute after the one before (so each /log is a snapshot of its own); it
    must succeed."""
    clock.advance(minutes=1)
    result = await console.ask(line)
    assert result.ok, result.text
    return result


def reply_data(result: ConsoleResult) -> dict[str, Any]:
    """The data of the last reply (what ``ask --json`` prints), empty when it has none."""
    return dict(result.replies[-1].data or {})
