"""The shared send budget: replies never wait, and a broadcast gives up a slot for each."""

from __future__ import annotations

import asyncio
import logging
import time

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


class CountingBudget:
    """A shared budget that grants at once and counts what it granted."""

    def __init__(self) -> None:
        self.posts = 0
        self.replies = 0

    async def acquire(self, platform: str, *, even: bool = True) -> None:
        if even:
            self.posts += 1
        else:
            self.replies += 1


async def test_a_posts_request_leaves_a_fixed_delay_after_its_slot(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the post does between its slot and its request (the outbox write, rendering),
    the request leaves at slot + DEPARTURE_DELAY, so those delays never spread arrivals."""
    monkeypatch.setattr(pace_module, "DEPARTURE_DELAY", 0.05)
    loop = asyncio.get_running_loop()
    pace = PlatformPace(1000.0)
    before_slot = loop.time()
    await pace.post_slot()
    await pace_module.depart()
    assert loop.time() >= before_slot + 0.05 - 0.001  # (the slot came after before_slot)


async def test_every_further_request_of_a_post_takes_a_slot_of_its_own(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A second message, a DM channel, a library's own retry after a 429: each counts in the
    platform's window, so each takes a slot from the same budget as the post's first."""
    monkeypatch.setattr(pace_module, "DEPARTURE_DELAY", 0.0)
    budget = CountingBudget()
    pace = Paces({"discord": 1000.0}, shared=budget)["discord"]
    await pace.post_slot()
    assert budget.posts == 1
    await pace_module.depart()  # the post's first request: its own slot
    assert budget.posts == 1
    await pace_module.depart()
    await pace_module.depart()
    assert budget.posts == 3


async def test_requests_outside_a_post_take_no_post_slot(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pace_module, "DEPARTURE_DELAY", 0.0)
    budget = CountingBudget()
    pace = Paces({"telegram": 1000.0}, shared=budget)["telegram"]

    async def post() -> None:
        await pace.post_slot()
        await pace_module.depart()

    await asyncio.create_task(post())  # a post in a task of its own, as the poster sends
    await pace_module.depart()  # a reply, start-up: not a post, nothing taken, no wait
    assert (budget.posts, budget.replies) == (1, 0)


async def test_a_request_that_missed_its_departure_takes_the_next_slot(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A post whose work outlasted the departure delay (a starved worker, a slow store) would
    leave between later posts' and crowd their second: it takes the next slot instead."""
    monkeypatch.setattr(pace_module, "DEPARTURE_DELAY", 0.0)
    monkeypatch.setattr(pace_module, "LATE_DEPARTURE", 0.01, raising=False)
    budget = CountingBudget()
    pace = Paces({"discord": 1000.0}, shared=budget)["discord"]
    await pace.post_slot()
    await asyncio.sleep(0.03)  # the work between the slot and the request took too long
    await pace_module.depart()
    assert budget.posts == 2
    assert pace.missed == 1


async def test_a_request_woken_past_its_departure_takes_the_next_slot(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """In time for its turn, but the process got no CPU while it waited (here: another task
    holds the loop): it would leave late all the same, so it takes the next slot."""
    monkeypatch.setattr(pace_module, "DEPARTURE_DELAY", 0.02)
    monkeypatch.setattr(pace_module, "LATE_DEPARTURE", 0.01, raising=False)
    budget = CountingBudget()
    pace = Paces({"discord": 1000.0}, shared=budget)["discord"]

    async def hog() -> None:
        await asyncio.sleep(0.005)
        time.sleep(0.06)  # noqa: ASYNC251  (on purpose: a loop busy past the departure)

    await pace.post_slot()
    hogging = asyncio.create_task(hog())
    await pace_module.depart()
    await hogging
    assert budget.posts == 2
    assert pace.missed == 1


class SlowAnswerBudget:
    """A shared budget whose answer comes back ``late`` seconds after it admitted the post
    (a busy worker reads Redis's reply late), and says when it admitted it."""

    def __init__(self, late: float) -> None:
        self.late = late
        self.admitted: list[float] = []

    async def acquire(self, platform: str, *, even: bool = True) -> float | None:
        admitted = asyncio.get_running_loop().time()
        self.admitted.append(admitted)
        await asyncio.sleep(self.late)
        return admitted


async def test_a_posts_departure_counts_from_when_the_budget_admitted_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: the departure counted from when the budget's answer was read, so a worker that
    read it late sent its post late too, next to the post of the turn after (a 31st post in
    Telegram's second under load). Now it leaves at the admission + DEPARTURE_DELAY."""
    monkeypatch.setattr(pace_module, "DEPARTURE_DELAY", 0.1)
    budget = SlowAnswerBudget(late=0.04)
    pace = Paces({"telegram": 1000.0}, shared=budget)["telegram"]
    await pace.post_slot()
    departure = pace_module._DEPARTURE.get()
    assert departure is not None and departure.at is not None
    assert departure.at == pytest.approx(budget.admitted[0] + 0.1, abs=1e-9)
    await pace_module.depart()
    assert len(budget.admitted) == 1


async def test_a_post_spends_at_most_one_more_turn_however_late_its_answers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Review: with every budget answer read later than DEPARTURE_DELAY + LATE_DEPARTURE (a
    starved worker), each retaken turn was already late, and a post took three turns of the
    token's budget (every worker's) and still left late. A turn taken in depart() is used,
    late or not."""
    monkeypatch.setattr(pace_module, "DEPARTURE_DELAY", 0.0)
    monkeypatch.setattr(pace_module, "LATE_DEPARTURE", 0.02)
    budget = SlowAnswerBudget(late=0.04)
    pace = Paces({"telegram": 1000.0}, shared=budget)["telegram"]
    await pace.post_slot()  # its answer came 40 ms after its turn: the turn has passed
    await pace_module.depart()
    assert len(budget.admitted) == 2 and pace.missed == 1
    await pace_module.depart()  # a further request: its own turn, late as well, used
    assert len(budget.admitted) == 3 and pace.missed == 1


async def test_a_budget_cannot_put_a_slot_in_the_future() -> None:
    class Future(SlowAnswerBudget):
        async def acquire(self, platform: str, *, even: bool = True) -> float | None:
            return asyncio.get_running_loop().time() + 5.0

    pace = Paces({"telegram": 1000.0}, shared=Future(0.0))["telegram"]
    before = asyncio.get_running_loop().time()
    assert await pace.take_slot() <= asyncio.get_running_loop().time()
    assert await pace.take_slot() >= before


class _Budget:
    """A shared budget that fails while ``down`` (as Redis does when unreachable) and counts
    the slots it gave."""

    def __init__(self) -> None:
        self.down = True
        self.asked = 0
        self.given: list[tuple[str, bool]] = []

    async def acquire(self, platform: str, *, even: bool = True) -> None:
        self.asked += 1
        if self.down:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")
        self.given.append((platform, even))


async def test_an_unreachable_shared_budget_leaves_posts_to_the_process_pace_logged_once(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """Issue 21: with Redis down, every weekly post raised out of post_slot (and was recorded
    as failed, never attempted). Now the process paces its posts alone, warns once, asks the
    budget again only every SHARED_RETRY seconds, and takes it again once it answers."""
    monkeypatch.setattr(pace_module, "SHARED_RETRY", 1.0)
    budget = _Budget()
    pace = Paces({"telegram": 1000.0}, shared=budget)["telegram"]
    with caplog.at_level(logging.INFO, logger="bot.core.pace"):
        for _ in range(5):
            await pace.post_slot()  # never raises
        await pace.reply_slot()
        assert budget.asked == 1  # not once a message while it is down
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and "unreachable" in warnings[0].getMessage()
        await asyncio.sleep(1.0)
        await pace.post_slot()
        assert budget.asked == 2  # asked again after the interval, still down: still quiet
        assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
        budget.down = False
        await asyncio.sleep(1.0)
        await pace.post_slot()
        await pace.reply_slot()
        assert budget.given == [("telegram", True), ("telegram", False)]  # shared again
        assert any("reachable again" in r.getMessage() for r in caplog.records)


async def test_the_console_takes_no_slot_of_the_shared_budget() -> None:
    """The console has no platform limit: its posts never wait for (or on) Redis."""
    budget = _Budget()
    budget.down = False
    paces = Paces(shared=budget)
    await paces["console"].post_slot()
    await paces["console"].reply_slot()
    paces.set_rate("console", 50.0)
    await paces["console"].post_slot()
    await paces["telegram"].post_slot()
    assert budget.given == [("telegram", True)]
