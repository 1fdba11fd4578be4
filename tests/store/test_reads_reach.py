"""/estimate and /stats read the history only back to where their answer comes from
(``Store.reads(reach=...)``, :func:`bot.domain.metrics.reach_back`): on both stores, the part
read is what ``reach_back`` takes of the whole history, and the replies (text and data) are
those the whole history gives, after imports, /log corrections of the same day and /undo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.commands import estimate as estimate_module
from bot.commands import metrics as metrics_module
from bot.core.ports import Reads
from bot.domain.metrics import EARLIER_WEEKS, HistoryReach, reach_back
from tests.auxil.clock import FakeClock

START = datetime(2026, 3, 2, 10, tzinfo=UTC)
WHOLE = HistoryReach.ALL


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START + timedelta(weeks=30))


async def _answers(console: ConsoleAdapter) -> list[tuple[str, object]]:
    out = []
    for line in ("/stats", "/estimate", "/estimate views=90k", "/estimate likes=5k explain"):
        result = await console.ask(line)
        assert result.ok, result.text
        out.append((result.text, [r.data for r in result.replies]))
    return out


async def _same_as_whole(console: ConsoleAdapter, monkeypatch: pytest.MonkeyPatch) -> int:
    """The replies with the commands' reach and with the whole history are the same; and the
    part /stats reads is reach_back's of the whole. Returns how many snapshots /stats read."""
    store = console.app.store
    user = await store.find_user("console", "alice")
    assert user is not None
    whole = await store.history(user.id, limit=104)
    sizes = []
    for reach in (HistoryReach.ORIGINS, HistoryReach.STATS):
        part = (await store.reads(user.id, Reads(history=104, reach=reach))).history
        assert part == reach_back(reversed(whole), reach)
        sizes.append(len(part or []))
    partial = await _answers(console)
    with monkeypatch.context() as patch:  # the same commands reading the whole history
        patch.setattr(metrics_module, "STATS_READS", Reads(
            history=104, reach=WHOLE, videos=True, audience=True, daily_series=True,
            goals=True, count_snapshots=True))
        patch.setattr(estimate_module, "READS", Reads(
            latest=True, history=104, reach=WHOLE, payouts=True, videos=True))
        assert await _answers(console) == partial
    return sizes[1]


async def test_partial_history_reads_answer_as_the_whole(
        both: ConsoleAdapter, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    store = both.app.store
    assert (await both.ask("/log followers=900 views=10k likes=700 comments=30")).ok
    user = await store.find_user("console", "alice")
    assert user is not None
    # a year of weekly imported rows, some without shares, then typed logs over them
    rows = [(START + timedelta(weeks=w),
             {"followers": 1000.0 + 40 * w, "views": 20_000.0 + 100 * w,
              "likes": 1500.0 + w, "comments": 80.0,
              **({"shares": 30.0} if w % 3 == 0 else {})}) for w in range(26)]
    await store.import_snapshots(user.id, rows)
    # of 27: the latest and the starts of the latest week and the EARLIER_WEEKS steps
    # before it, which the slowing rule compares (three at most before /stats said it)
    assert await _same_as_whole(both, monkeypatch) == 2 + EARLIER_WEEKS
    # typed logs of another window: views alone, then a same-day correction of followers
    for line in ("/log views=41k", "/log followers=2.5k", "/log followers=2.6k confirm"):
        clock.advance(hours=3)
        assert (await both.ask(line)).ok
    await _same_as_whole(both, monkeypatch)
    clock.advance(days=2)
    assert (await both.ask("/log likes=3.3k")).ok  # likes of another window than the views
    await _same_as_whole(both, monkeypatch)
    assert (await both.ask("/undo")).ok
    await _same_as_whole(both, monkeypatch)
    # an import that replaces imported days (re-imported) and is undone again
    await store.import_snapshots(user.id, rows[-4:])
    await _same_as_whole(both, monkeypatch)
    assert (await both.ask("/undo")).ok
    await _same_as_whole(both, monkeypatch)


ALL_READS = Reads(history=104, latest=True, videos=True, audience=True, payouts=True,
                  daily_series=True, goals=True, count_snapshots=True)


async def test_reading_with_the_user_reads_what_each_method_does(
        both: ConsoleAdapter) -> None:
    """find_user_reading and ensure_user_reading (the dispatcher's one trip) give what
    find_user, get_settings and reads give; a user just created has nothing, as reads says;
    set_goals gives the goals as goals() reads them after."""
    store = both.app.store
    assert await store.find_user_reading("telegram", "nobody", ALL_READS) is None
    created, nothing = await store.ensure_user_reading("telegram", "nobody", "N", ALL_READS)
    assert nothing == await store.reads(created.id, ALL_READS)
    assert (await both.ask("/log followers=1k views=20k likes=900")).ok
    assert (await both.ask("/goal followers=5k")).ok
    user = await store.find_user("console", "alice")
    assert user is not None
    found = await store.find_user_reading("console", "alice", ALL_READS)
    assert found is not None and found.user == user
    assert found.settings == await store.get_settings(user.id)
    expected = await store.reads(user.id, ALL_READS)
    assert found.reads == expected
    assert await store.ensure_user_reading("console", "alice", user.display_name,
                                           ALL_READS) == (user, expected)
    day = datetime(2026, 12, 1, tzinfo=UTC)
    goals = await store.set_goals(user.id, {"views": 1e5, "followers": 2e4}, day.date(), day)
    assert goals == await store.goals(user.id)
    assert {g.metric: g.target for g in goals} == {"views": 1e5, "followers": 2e4}
