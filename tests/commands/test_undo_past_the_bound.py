"""A hostile trial: importing the same file again and again keeps the rows each import replaced
(for /undo), and the import that crossed the per-user bound thinned them all away, the latest
import's too, so its /undo left nothing stored ("Nothing is stored for you now") though its
preview had promised the old rows back. Thinning now drops only replaced rows no /undo can
bring back first; /undo of the latest import restores exactly what it replaced, on both stores.
The bound is made small here (as in tests/integrity/test_hostile_files.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import bot.store.postgres as postgres_store
import bot.store.sqlite as sqlite_store
from bot.adapters.console import ConsoleAdapter
from tests.auxil.clock import FakeClock
from tests.commands.test_studio_undo import undo

DAYS = 40
BOUND = 100  # three imports of DAYS rows (one active, two replaced) already cross it


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 29, 9, 0, tzinfo=UTC))


@pytest.fixture(autouse=True)
def _small_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (sqlite_store, postgres_store):
        monkeypatch.setattr(module, "MAX_SNAPSHOTS", BOUND)
    monkeypatch.setattr(sqlite_store, "KEEP_RECENT", 20)


def _csv(path: Path, shift: int) -> Path:
    """The bot's own CSV: DAYS days of followers ending yesterday, ``shift`` added to each."""
    first = date(2026, 11, 28) - timedelta(days=DAYS - 1)
    lines = ["date,followers"] + [f"{first + timedelta(days=n)},{1000 + n + shift}"
                                  for n in range(DAYS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_undo_of_the_latest_import_restores_what_it_replaced_past_the_bound(
        both: ConsoleAdapter, tmp_path: Path) -> None:
    for n in range(7):  # 7 imports of the same 40 days (280 rows, bound 100); the 7th crosses it
        reply = await both.ask(f"/import path={_csv(tmp_path / f'f{n}.csv', n)} confirm")
        assert reply.ok, reply.text
    _, done = await undo(both)  # the preview's own confirm, both answered ok
    assert "Nothing is stored" not in done, done
    user = await both.app.store.find_user("console", both.user)
    assert user is not None
    history = await both.app.store.history(user.id)
    # exactly what the 7th import replaced: the 6th import's rows (shift 5)
    assert len(history) == DAYS
    assert [s.followers for s in history] == [float(1000 + n + 5) for n in range(DAYS)]
    stats = (await both.ask("/stats")).text
    assert "Followers: 1k" in stats and "40 snapshots stored" in stats, stats


async def test_the_stored_rows_stay_bounded_and_the_latest_undo_kept(
        both: ConsoleAdapter, tmp_path: Path) -> None:
    """Replaced rows no /undo of the latest import brings back go first; the bound holds."""
    store = both.app.store
    for n in range(8):  # after every import, the first one aside
        assert (await both.ask(f"/import path={_csv(tmp_path / f'f{n}.csv', n)} confirm")).ok
        user = await store.find_user("console", both.user)
        assert user is not None
        latest = max(e.action for e in await store.last_action(user.id))
        hidden = {a: await store.replaced_by(user.id, a) for a in range(1, latest + 1)}
        assert hidden[latest] == (DAYS if n else 0), (n, hidden)
        assert await store.count_snapshots(user.id) == DAYS
        assert DAYS + sum(hidden.values()) <= BOUND, (n, hidden)
