"""An import carries values forward as it writes (the SQLite store no longer reads the user's
rows back and rewrites them): whatever mix of logs, imports and re-imports of the same days
came before, every active row holds what was typed in it plus, for every other metric, the
latest value typed before it (by day, then by action)."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.daily import DailyColumns
from bot.domain.metrics import METRIC_NAMES
from bot.store import open_store
from bot.store.sqlite import (
    _ROWS_PER_INSERT,
    SqliteStore,
    _carried_by_row,
    _carried_import,
    _import_rows,
    _import_rows_by_row,
    _in_order,
    _insert_columns,
    _insert_snapshots,
    _iso,
    _iso_all,
    _stamps,
)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
#: When the imports below are made: amid their dates, so a row dated after it counts on its
#: day (bot.domain.daily.counted_day), on each path alike.
RECORDED = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
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


# The column-wise paths of an import (the usual file: every row gives the same metrics) give
# exactly what the row-by-row paths give, for any rows.
metric_values = st.one_of(st.none(), st.integers(-5, 10**12),
                          st.floats(allow_nan=False, allow_infinity=False))
zones = st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)),
                        timezone(-timedelta(hours=8))])
moments = st.builds(lambda day, seconds, micro, zone: datetime(2016, 1, 1, tzinfo=zone)
                    + timedelta(days=day, seconds=seconds, microseconds=micro),
                    st.integers(0, 4000), st.sampled_from([43200, 43200, 0, 3600, 86399]),
                    st.sampled_from([0, 0, 0, 1, 250000]), zones)
same_metrics = st.lists(st.sampled_from(METRIC_NAMES), min_size=1, max_size=6, unique=True)


@st.composite
def import_rows(draw: st.DrawFn) -> list[tuple[datetime, dict[str, float]]]:
    """Rows as an import gives them: usually each with the same metrics in the same order,
    sometimes with a metric missing, reordered, None or unknown to the schema."""
    names = draw(same_metrics)
    rows = []
    for moment in sorted(draw(st.lists(moments, min_size=1, max_size=12))):
        typed = {n: draw(st.integers(0, 10**9).map(float)) for n in names}
        change = draw(st.sampled_from(["same"] * 6 + ["drop", "reorder", "none", "value",
                                                      "unknown"]))
        if change == "drop" and len(typed) > 1:
            typed.pop(draw(st.sampled_from(sorted(typed))))
        elif change == "reorder":
            typed = dict(reversed(typed.items()))
        elif change == "none":
            typed[draw(st.sampled_from(names))] = None  # type: ignore[assignment]
        elif change == "value":
            typed[draw(st.sampled_from(names))] = draw(metric_values)  # type: ignore[assignment]
        elif change == "unknown":
            typed["not_a_metric"] = 1.0
        rows.append((moment, typed))
    return rows


def outcome(build: Callable[[], object]) -> object:
    try:
        return build()
    except ValueError as exc:
        return ("ValueError", str(exc))


@settings(max_examples=300, deadline=None)
@given(import_rows(), st.integers(1, 5))
def test_column_wise_import_rows_are_the_row_by_row_ones(
        rows: list[tuple[datetime, dict[str, float]]], action: int) -> None:
    by_row = outcome(lambda: _import_rows_by_row(7, rows, {}, action, UTC, RECORDED))
    assert outcome(lambda: _import_rows(7, rows, {}, action, UTC, RECORDED)) == by_row
    if not isinstance(by_row, list):
        return
    assert _carried_import([], by_row) == _carried_by_row([], by_row)


@settings(max_examples=300, deadline=None)
@given(st.lists(moments, max_size=8), st.booleans())
def test_stored_moments_column_wise_are_each_moments_stored_form(
        at: list[datetime], naive: bool) -> None:
    if naive and at:
        at = [*at[:-1], at[-1].replace(tzinfo=None)]
    assert outcome(lambda: _iso_all(at)) == outcome(lambda: [_iso(m) for m in at])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dates(min_value=date(2016, 1, 1), max_value=date(2030, 1, 1)),
                min_size=1, max_size=10, unique=True),
       st.lists(st.sampled_from([*METRIC_NAMES, "not_a_metric"]), max_size=5, unique=True),
       st.sampled_from([time(12), time(0), time(23, 59, 59, 999999)]), st.data())
def test_daily_columns_are_written_as_their_rows(days: list[date], names: list[str], at: time,
                                                 data: st.DataObject) -> None:
    """A clean CSV's rows reach the store as columns (:class:`DailyColumns`) and are written
    from them: the same stored rows as the row-by-row path makes of the same rows."""
    ordered = sorted(d.isoformat() for d in days)
    values = {n: data.draw(st.lists(st.integers(0, 10**12).map(float), min_size=len(days),
                                    max_size=len(days))) for n in names}
    columns = DailyColumns(ordered, at, values)
    rows = list(columns)
    assert [_iso(t) for t, _ in rows] == _stamps(columns)
    assert outcome(lambda: _import_rows(3, columns, {}, 2, UTC, RECORDED)) == outcome(
        lambda: _import_rows_by_row(3, rows, {}, 2, UTC, RECORDED))


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file with the store's schema (every migration run), and no rows."""
    path = tmp_path_factory.mktemp("schema") / "schema.db"

    async def create() -> None:
        await (await open_store(f"sqlite:///{path}")).close()

    asyncio.run(create())
    return path


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def _stored_both_ways(schema_file: Path, *inserts: Callable[[sqlite3.Connection], object]
                      ) -> list[list[tuple[object, ...]]]:
    """The snapshots table's rows after each of ``inserts`` wrote into a fresh copy of the
    store's ``snapshots`` table (in memory), ordered by id: one list of rows per insert."""
    with sqlite3.connect(schema_file) as source:
        table = source.execute("SELECT sql FROM sqlite_master WHERE name = 'snapshots'"
                               ).fetchone()[0]
    db = sqlite3.connect(":memory:")
    try:
        stored: list[list[tuple[object, ...]]] = []
        for insert in inserts:
            db.execute("DROP TABLE IF EXISTS snapshots")
            db.execute(table)
            insert(db)
            stored.append(db.execute("SELECT * FROM snapshots ORDER BY id").fetchall())
        return stored
    finally:
        db.close()


@given(st.lists(st.lists(st.one_of(st.none(), st.none(), metric_values),
                         min_size=len(METRIC_NAMES), max_size=len(METRIC_NAMES)),
                min_size=1, max_size=6))
def test_inserted_rows_are_stored_as_with_every_column_named(
        schema_file: Path, values: list[list[float | None]]) -> None:
    """An import names only the metric columns some row has a value in (binding a None is
    the slow part of a wide insert): what is stored is what naming every column stores."""
    rows = [(1, f"2026-01-{n + 1:02d}T12:00:00+00:00", *v, "followers", "import", 1, n % 2 == 0,
             f"2026-01-{n + 1:02d}", f"2026-01-{n + 1:02d}", "2026-02-01T00:00:00+00:00",
             n % 3 == 0) for n, v in enumerate(values)]
    every = ", ".join(("user_id", "taken_at", *METRIC_NAMES, "given", "source", "action",
                       "dated", "day", "import_day", "recorded_at", "wall"))
    stored = _stored_both_ways(
        schema_file, lambda db: _insert_snapshots(db, rows),
        lambda db: db.executemany(f"INSERT INTO snapshots ({every}) VALUES "
                                  f"({', '.join('?' * len(rows[0]))})", rows))
    assert stored[0] == stored[1]
    assert [r[3:3 + len(METRIC_NAMES)] for r in stored[0]] == [tuple(v) for v in values]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.integers(1, 3 * _ROWS_PER_INSERT + 1), st.data())
def test_rows_written_many_a_statement_are_stored_as_one_a_statement_stores_them(
        schema_file: Path, count: int, data: st.DataObject) -> None:
    """An import writes :data:`_ROWS_PER_INSERT` rows an INSERT (and the rest in one more),
    a value every row shares bound once a statement: every row is stored, in order (ids
    ascending with the rows), as one row an INSERT stores it, whatever the count (below, at
    and past each multiple of the statement's rows) and whichever values are shared."""
    names = data.draw(st.lists(st.sampled_from(METRIC_NAMES), min_size=1, max_size=5,
                               unique=True))
    constants = {"user_id": 1, "given": ",".join(sorted(names)), "source": "import",
                 "action": 3}
    shared = {k: v for k, v in constants.items() if data.draw(st.booleans(), label=k)}
    columns = {"user_id": [1] * count,
               "taken_at": [f"2026-01-01T12:00:{n // 60:02d}.{n % 60:06d}+00:00"
                            for n in range(count)],
               **{n: data.draw(st.lists(metric_values, min_size=count, max_size=count))
                  for n in names},
               **{k: [v] * count for k, v in constants.items() if k != "user_id"}}
    stored = _stored_both_ways(
        schema_file,
        lambda db: _insert_columns(db, {k: v for k, v in columns.items() if k not in shared},
                                   shared),
        lambda db: db.executemany(f"INSERT INTO snapshots ({', '.join(columns)}) VALUES "
                                  f"({', '.join('?' * len(columns))})",
                                  zip(*columns.values(), strict=True)))
    assert stored[0] == stored[1]
    assert [r[2] for r in stored[0]] == columns["taken_at"]


@st.composite
def first_imports(draw: st.DrawFn) -> list[tuple[datetime, dict[str, float]]] | DailyColumns:
    """A first import as the store gets it: a clean CSV's columns, or rows (of the same metrics,
    usually)."""
    if draw(st.booleans()):
        return draw(import_rows())
    days = draw(st.lists(st.dates(min_value=date(2016, 1, 1), max_value=date(2030, 1, 1)),
                         min_size=1, max_size=8, unique=True))
    names = draw(st.lists(st.sampled_from([*METRIC_NAMES, "not_a_metric"]), max_size=5,
                          unique=True))
    # (a clean CSV's columns hold the ints of its digits; built by hand, floats)
    number = st.integers(0, 10**12) | st.integers(0, 10**12).map(float)
    return DailyColumns(sorted(d.isoformat() for d in days), time(12), {
        n: draw(st.lists(number, min_size=len(days), max_size=len(days))) for n in names})


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first_imports())
def test_a_first_import_stores_the_rows_it_builds(
        rows: list[tuple[datetime, dict[str, float]]] | DailyColumns) -> None:
    """A user's first import of the usual file is written column by column, without the
    wide rows the other imports build: what is stored is those rows all the same."""
    ordered = _in_order(rows, UTC)
    expected = outcome(lambda: _carried_import(
        [], _import_rows(1, ordered, {}, 1, UTC, RECORDED))[0])

    async def run(path: Path) -> object:
        store = await open_store(f"sqlite:///{path}")
        try:
            user = await store.ensure_user("console", "first", "first")
            assert user.id == 1
            try:
                await store.import_snapshots(user.id, rows, now=RECORDED)
            except ValueError as exc:
                written: object = ("ValueError", str(exc))
            else:
                written = None
        finally:
            await store.close()
        db = sqlite3.connect(path)
        try:
            stored = db.execute(
                f"SELECT user_id, taken_at, {', '.join(METRIC_NAMES)}, given, source, action, "
                "dated, day, import_day, recorded_at, wall FROM snapshots ORDER BY id"
            ).fetchall()
        finally:
            db.close()
        if written is not None:
            assert not stored  # refused whole
            return written
        # stored as REAL whatever number type came (an int of a clean file's digits too)
        assert {type(v) for row in stored for v in row[2:2 + len(METRIC_NAMES)]} <= {
            float, type(None)}
        return stored

    with tempfile.TemporaryDirectory() as tmp:
        assert asyncio.run(run(Path(tmp) / "first.db")) == expected
