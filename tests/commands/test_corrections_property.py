"""Property: whatever sequence of /logs (same-day ones included) and /undos a creator sends,
no weekly pace or projection comes from a span under one day, and /undo of the last /log
brings /stats back to what it showed before that /log."""

from __future__ import annotations

import asyncio
import re
import tempfile
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.console import ConsoleAdapter
from bot.app import running
from bot.config import Settings
from tests.auxil.clock import FakeClock
from tests.auxil.requests import save_anyway

LOG = st.tuples(st.just("log"), st.integers(min_value=100, max_value=100_000),
                st.one_of(st.integers(min_value=1, max_value=600).map(lambda m: m / 1440),
                          st.integers(min_value=1, max_value=10).map(float)))
UNDO = st.tuples(st.just("undo"), st.just(0), st.just(0.0))
OPS = st.lists(st.one_of(LOG, LOG, UNDO), min_size=1, max_size=12)

_SPAN = re.compile(r"in ([\d.]+) days, [+−][\d.,]+[kMB]? a week")


async def _scenario(ops: list[tuple[str, int, float]], folder: Path) -> None:
    config = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=f"sqlite:///{folder / 'p.db'}", data_dir=folder / "data",
        telegram_bot_token=None, discord_token=None, rate_limit_burst=0)
    clock = FakeClock()
    async with running(config, clock=clock) as app:
        console = ConsoleAdapter(app, user="prop")
        before: list[str] = []  # /stats before each /log still stored
        # when each stored /log was taken, in days: exact fractions, as the fake clock's
        # timedeltas are (float sums made 1.234 + 1.0 - 1.234 read 0.9999999999999998)
        logged_days: list[Fraction] = []
        elapsed = Fraction(0)
        for op, value, advance in ops:
            if op == "log":
                before.append((await console.ask("/stats")).text)
                result = await save_anyway(console, f"/log followers={value}")
                assert result.ok, result.text
                logged_days.append(elapsed)
            else:
                preview = await console.ask("/undo")
                confirm = preview.replies[0].actions[0].command if before else None
                undone = await console.ask(confirm) if confirm else preview
                if before:
                    assert (await console.ask("/stats")).text == before.pop(), undone.text
                    logged_days.pop()
                else:
                    assert "Nothing to undo" in undone.text
            stats = (await console.ask("/stats")).text
            for days in _SPAN.findall(stats):
                assert float(days) >= 1.0, stats
            clock.advance(days=advance)
            elapsed += Fraction(advance).limit_denominator(1440)
        goal = (await console.ask("/goal followers=5M")).text
        span = (max(logged_days) - min(logged_days)) if logged_days else Fraction(0)
        if "a week" in goal:
            assert span >= 1.0, (goal, logged_days)


@given(OPS)
@settings(max_examples=30, deadline=None)
def test_no_pace_under_a_day_and_undo_restores_stats(ops: list[tuple[str, int, float]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(_scenario(ops, Path(folder)))
