"""The shared send budget: replies never wait, and a broadcast gives up a slot for each."""

from __future__ import annotations

import asyncio

import pytest

import bot.core.pace as pace_module
from bot.core.pace import DEFAULT_PACE, Paces, PlatformPace


async def slots(pace: PlatformPace, n: int) -> float:
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(n):
        await pace.post_slot()
    return loop.time() - started


async def test_each_recent_reply_costs_the_broadcast_one_slot() -> None:
    pace = PlatformPace(200.0)
    await pace.post_slot()  # the bucket is now in use: every further slot is 5 ms
    pace.replied(3)
    pace.replied()
    assert pace.owed == 4
    # 10 posts after 4 replies take at least 14 slot lengths (load can only make it longer).
    assert await slots(pace, 10) >= 13.9 / 200
    assert pace.owed == 0


async def test_old_replies_cost_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pace_module, "REPLY_WINDOW", 0.05)
    pace = PlatformPace(100.0)
    pace.replied(5)
    assert pace.owed == 5
    await asyncio.sleep(0.06)
    assert pace.owed == 0  # last week's replies are not paid for by this week's broadcast
    pace.replied()
    assert pace.owed == 1


def test_paces_per_platform_and_overrides() -> None:
    paces = Paces({"discord": 10.0})
    assert paces["telegram"].rate == DEFAULT_PACE["telegram"]
    assert paces["discord"].rate == 10.0
    assert paces["telegram"] is paces["telegram"]
    paces.set_rate("telegram", 60.0)
    assert paces["telegram"].rate == 60.0
    assert paces["somewhere"].rate == pace_module.FALLBACK_PACE
    with pytest.raises(ValueError, match="positive"):
        PlatformPace(0)
