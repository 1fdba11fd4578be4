"""Every date shown for a snapshot is the creator's day (daily.snapshot_day in their
/settings time zone), as /history and /goal show it: /stats' "as of", the growth's "since",
/mediakit's "numbers as of" and the picture's "Last updated" and "on".

Trials on main: a creator in Pacific/Auckland who logged at 11:24 on 1 December (22:24 UTC on
30 November) read "Your numbers (as of 2026-11-30)" in /stats and "numbers as of 2026-11-30"
in /mediakit, where /history said 2026-12-01."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.cli import reply_json
from tests.auxil.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    # 09:00 on 20 November in Auckland (UTC+13): 20:00 UTC on the 19th
    return FakeClock(datetime(2026, 11, 19, 20, 0, tzinfo=UTC))


async def test_shown_dates_are_the_creators_days(both: ConsoleAdapter,
                                                 clock: FakeClock) -> None:
    console = both
    await console.ask("/settings timezone=Pacific/Auckland")
    assert (await console.ask("/log followers=1000")).ok
    clock.advance(days=11, minutes=24)  # 11:24 on 1 December in Auckland
    logged = await console.ask("/log followers=1200 views=20k likes=2k")
    assert "Followers since your log of 2026-11-20: +200" in logged.text, logged.text
    stats = await console.ask("/stats")
    assert "Your numbers (as of 2026-12-01)" in stats.text, stats.text
    growth = reply_json(stats.replies[0])["kpis"]["growth"]
    assert growth["since"] == "2026-11-20", growth
    kit = await console.ask("/mediakit")
    assert "numbers as of 2026-12-01" in kit.text, kit.text
    assert reply_json(kit.replies[0])["updated"] == "2026-12-01"
