"""An import carries values forward as it writes (the SQLite store no longer reads the user's
rows back and rewrites them): whatever mix of logs, imports and re-imports of the same days
came before, every active row holds what was typed in it plus, for every other metric, the
latest value typed before it (by day, then by action)."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.metrics import METRIC_NAMES
from bot.store import open_store
from bot.store.sqlite import SqliteStore

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
NAMES = ("followers", "views", "likes")

values = st.dictionaries(st.sampled_from(NAMES), st.integers(1, 10**6), min_size=1)
log = st.tuples(st.just("log"), st.integers(0, 12), values)
imported = st.tuples(st.just("import"),
                     st.lists(st.tuples(st.integers(0, 12), values), min_size=1, max_size=8))


def carried_from_scratch(rows: list[sqlite3.Row]) -> list[tuple[object, ...]]:
    """Each row's values as carrying forward defines them, from its typed fields alone."""
    known: dict[str, object] = dict.fromkeys(METRIC_NAMES)
    out = []
    for row in rows:
        for name in filter(None, str(row["given"]).split(",")):
            known[name] = row[name]
        out.append(tuple(known.values()))
    return out


async def replay(path: Path, steps: list[tuple[str, object, object]]) -> None:
    store = await open_store(f"sqlite:///{path}")
    try:
        user = await store.ensure_user("console", "carry", "carry")
        for kind, first, second in steps:
            if kind == "log":
                assert isinstance(first, int) and isinstance(second, dict)
                await store.add_snapshot(user.id, second, T0 + timedelta(days=first))
            else:
                assert isinstance(first, list)
                await store.import_snapshots(user.id, [
                    (T0 + timedelta(days=day, hours=3), dict(typed)) for day, typed in first])
    finally:
        await store.close()
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    try:
        rows = db.execute(
            "SELECT * FROM snapshots WHERE replaced_by IS NULL "
            "ORDER BY substr(taken_at, 1, 10), action, id").fetchall()
    finally:
        db.close()
    assert [tuple(r[n] for n in METRIC_NAMES) for r in rows] == carried_from_scratch(rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(log, imported.map(lambda s: (s[0], s[1], None))),
                min_size=1, max_size=6))
def test_every_row_carries_what_came_before_it(steps: list[tuple[str, object, object]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(replay(Path(tmp) / "carry.db", steps))


def test_an_import_for_a_user_that_is_not_stored_writes_nothing(tmp_path: Path) -> None:
    """The import checks its user once instead of a foreign-key lookup per row: a user id
    with no row is still refused, nothing is written, and the connection keeps checking
    foreign keys for everything else."""
    async def run() -> None:
        store = await open_store(f"sqlite:///{tmp_path / 'fk.db'}")
        try:
            with pytest.raises(sqlite3.IntegrityError):
                await store.import_snapshots(404, [(T0, {"followers": 10.0})])
            user = await store.ensure_user("console", "fk", "fk")
            assert await store.import_snapshots(user.id, [(T0, {"followers": 10.0})]) == 1
            assert isinstance(store, SqliteStore)
            bulk = store._bulk
            assert bulk is not None
            assert bulk.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        finally:
            await store.close()
        db = sqlite3.connect(tmp_path / "fk.db")
        try:
            assert db.execute("SELECT count(*) FROM snapshots WHERE user_id = 404"
                              ).fetchone()[0] == 0
        finally:
            db.close()

    asyncio.run(run())
