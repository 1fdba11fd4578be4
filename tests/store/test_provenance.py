"""Snapshot provenance (migration 0007): old databases keep their snapshots, and the store can
list, undo and replace by source and action."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

from bot.store import open_store
from bot.store.sqlite import _statements

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _old_database(path: Path) -> None:
    """A database as the version before provenance wrote it (schema 3), with snapshots."""
    db = sqlite3.connect(path)
    folder = resources.files("bot.store").joinpath("migrations")
    for name in ("0001_init.sql", "0002_subscriptions.sql", "0003_goals.sql"):
        for statement in _statements(folder.joinpath(name).read_text(encoding="utf-8")):
            db.execute(statement)
    db.execute("PRAGMA user_version = 3")
    db.execute("INSERT INTO users (id, platform, platform_user_id, display_name, created_at) "
               "VALUES (1, 'console', 'old', 'old', '2026-01-01T00:00:00+00:00')")
    for i, (followers, views, given) in enumerate([(100.0, 900.0, "followers,views"),
                                                   (150.0, 900.0, "followers")]):
        db.execute("INSERT INTO snapshots (user_id, taken_at, followers, views, given) "
                   "VALUES (1, ?, ?, ?, ?)",
                   ((T0 + timedelta(days=7 * i)).isoformat(), followers, views, given))
    db.commit()
    db.close()


async def test_snapshots_survive_the_upgrade_and_can_be_undone(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_database(path)
    store = await open_store(f"sqlite:///{path}")
    try:
        entries = await store.entries(1)
        assert [(e.snapshot.followers, e.snapshot.views, e.source) for e in entries] == [
            (100.0, 900.0, "log"), (150.0, 900.0, "log")]
        assert entries[0].action < entries[1].action
        assert await store.count_snapshots(1) == 2
        (last,) = await store.last_action(1)
        assert last.snapshot.followers == 150
        assert await store.undo_action(1, last.action) == 1
        latest = await store.latest_snapshot(1)
        assert latest is not None and latest.followers == 100
    finally:
        await store.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] >= 7


async def test_reimport_replaces_and_undo_restores(store_url: str) -> None:
    store = await open_store(store_url)
    try:
        u = await store.ensure_user("console", "a", "a")
        day = T0.replace(hour=12)
        await store.import_snapshots(u.id, [(day, {"followers": 10.0}),
                                            (day + timedelta(days=1), {"followers": 11.0})])
        await store.add_snapshot(u.id, {"views": 500.0}, day + timedelta(days=1, hours=3))
        await store.import_snapshots(u.id, [(day + timedelta(days=1), {"followers": 12.0})])
        assert await store.count_snapshots(u.id) == 3
        assert await store.imported_days(u.id) == {day.date(), (day + timedelta(days=1)).date()}
        latest = await store.latest_snapshot(u.id)
        assert latest is not None and (latest.followers, latest.views) == (12.0, 500.0)
        (last,) = await store.last_action(u.id)
        await store.undo_action(u.id, last.action)
        history = await store.history(u.id)
        assert [(s.followers, s.views) for s in history] == [(10.0, None), (11.0, None),
                                                             (11.0, 500.0)]
    finally:
        await store.close()


async def test_reimport_keeps_what_the_earlier_import_knew_of_that_day(store_url: str) -> None:
    """Two TikTok Studio files imported one after the other (followers, then views) for the
    same days: the second replaces the first day by day, but keeps its followers."""
    store = await open_store(store_url)
    try:
        u = await store.ensure_user("console", "a", "a")
        day = T0.replace(hour=12)
        await store.import_snapshots(u.id, [(day, {"followers": 10.0})])
        await store.import_snapshots(u.id, [(day, {"views": 400.0})])
        (only,) = await store.entries(u.id)
        assert (only.snapshot.followers, only.snapshot.views) == (10.0, 400.0)
        assert only.snapshot.given == {"followers", "views"}
        await store.import_snapshots(u.id, [(day, {"views": 500.0})])  # the same file again
        (only,) = await store.entries(u.id)
        assert (only.snapshot.followers, only.snapshot.views) == (10.0, 500.0)
    finally:
        await store.close()


async def test_removing_a_day_takes_the_imports_it_hid_and_payouts_go_one_by_one(
        store_url: str) -> None:
    """Both backends: i1 (days 1, 2), then i2 (days 2, 3); removing i2's day 2
    removes i1's hidden day 2 too, so undoing i2 never brings it back (hostile test)."""
    from bot.domain.payouts import Payout

    store = await open_store(store_url)
    try:
        u = await store.ensure_user("console", "a", "a")
        day = T0.replace(hour=12)
        one, two, three = day, day + timedelta(days=1), day + timedelta(days=2)
        await store.import_snapshots(u.id, [(one, {"followers": 10.0}),
                                            (two, {"followers": 11.0})])
        await store.import_snapshots(u.id, [(two, {"followers": 12.0}),
                                            (three, {"followers": 13.0})])
        (second_day,) = [e for e in await store.entries(u.id) if e.snapshot.taken_at == two]
        assert await store.remove_snapshots(u.id, [second_day.id]) == 1
        (last,) = await store.last_action(u.id)
        assert await store.undo_action(u.id, last.action) == 1
        assert [s.followers for s in await store.history(u.id)] == [10.0]
        paid = await store.add_payout(u.id, Payout("creator_rewards", 41.0, "USD", day,
                                                   views=61_000.0))
        assert paid.id is not None
        assert await store.remove_payout(u.id, paid.id)
        assert not await store.remove_payout(u.id, paid.id)
        assert await store.payouts(u.id) == []
    finally:
        await store.close()
