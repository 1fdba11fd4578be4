"""The Store on SQLite via aiosqlite: WAL, versioned migrations, one transaction per write.

One writer connection (guarded by a lock) and a small pool of reader connections, so reads
never queue behind a write and handlers do not serialise on one connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import errno
import fcntl
import functools
import itertools
import json
import math
import os
import shutil
import sqlite3
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import fields, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from importlib import resources
from operator import add, attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

import aiosqlite
from cachetools import LRUCache

from bot.core.ports import (
    ACTIVE_SNAPSHOT,
    SEEN_EVENTS_KEPT,
    Delivery,
    Goal,
    KnownUser,
    Reads,
    SnapshotEntry,
    SnapshotGuard,
    StoreError,
    StudioRecord,
    Subscription,
    SweepSchedule,
    User,
    UserReads,
)
from bot.domain.daily import (
    DailyColumns,
    DateOnly,
    counted_day,
    dated_by_day,
    days_of,
    replaced_on,
    row_moments,
    row_order,
    written_as_wall_time,
)
from bot.domain.metrics import METRIC_NAMES, HistoryReach, MetricSnapshot, reach_back
from bot.domain.payouts import Payout
from bot.domain.profile import UserSettings
from bot.domain.studio import Audience, StudioImport, Video
from bot.store.tiktok_tables import TikTokTables
from bot.store.urls import is_postgres_url, redacted

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    # the media kit's (see pinned_prices): /stats imports no rate card code
    from bot.domain.ratecard import PinnedPrice

# bot.store.studio_undo and bot.core.userdata are imported by the methods that use them
# (Studio imports and /undo; /forget and /export): a console /stats needs neither.

CACHE_SIZE = 100_000
"""Default number of users (and, separately, of users' settings) kept in memory: least recently
used first out. About 0.5 KiB a cached user (``python -m benchmarks.bench_users`` estimates it),
some 50 MiB when full, plus the settings cache; a user not in the cache costs one indexed read,
never a write."""

_SETTINGS_KEYS = ("currency", "timezone", "region", "adult", "does", "age", "handle", "niche",
                  "language")
_SNAPSHOT_COLUMNS = ", ".join(("taken_at", *METRIC_NAMES, "given"))
_T = TypeVar("_T")


def parse_database_url(url: str, *, what: str = "DATABASE_URL") -> Path:
    """``sqlite:///rel.db`` -> ``rel.db``; ``sqlite:////abs.db`` -> ``/abs.db``; a bare path.
    An in-memory database is refused: each connection would see a database of its own, and
    nothing would survive a restart. ``what`` names the URL in errors (``DATABASE_URL``, or
    the argument of ``db copy`` it came from). Raises :class:`StoreError` with one sentence."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if not path:
            raise StoreError(f"{what} {url!r} names no file")
    else:
        path = url
    if path == ":memory:" or "mode=memory" in path:
        raise StoreError(
            f"{what} {url!r} is an in-memory database, which the bot cannot use (its "
            "connections would not share it and nothing would survive a restart); name a file"
        )
    if url.startswith("sqlite:///"):
        return Path(path)
    if is_postgres_url(url):
        raise StoreError(f"{what} {redacted(url)!r} names a PostgreSQL server, not a SQLite file")
    if "://" in url:
        scheme = url.split("://", 1)[0]
        raise StoreError(f"{what} {redacted(url)!r}: scheme {scheme!r} is not supported; use "
                         "sqlite:/// or postgresql://")
    return Path(url)


def _iso(moment: datetime) -> str:
    """The stored form of a moment: UTC ISO 8601, ``2026-01-05T12:00:00+00:00`` (text order is
    time order). Built from parts, with the time of day cached: an import writes thousands of
    rows, mostly at a handful of times of day, and this is half the cost of ``isoformat()``."""
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return f"{moment.date().isoformat()}T{_clock(moment.time())}+00:00"


@functools.lru_cache(maxsize=4096)
def _clock(moment: time) -> str:
    return moment.isoformat()


_TZINFO = attrgetter("tzinfo")


def _iso_all(moments: Sequence[datetime]) -> list[str]:
    """``[_iso(m) for m in moments]``, the same strings (raises the same ``ValueError``), built
    column-wise when every moment is in UTC at one time of day (an import's rows: every CSV
    row is dated at noon): the day's ``isoformat()`` plus one shared suffix, without a Python
    call per moment."""
    zones = set(map(_TZINFO, moments))
    if len(zones) != 1 or zones.pop() is not UTC:
        return list(map(_iso, moments))
    clocks = set(map(datetime.time, moments))  # naive: hashing aware times costs 7 times more
    if len(clocks) != 1:
        return list(map(_iso, moments))
    suffix = f"T{_clock(clocks.pop())}+00:00"
    return list(map(add, map(date.isoformat, map(datetime.date, moments)),
                    itertools.repeat(suffix)))


def _stamps(rows: Sequence[tuple[datetime, Mapping[str, float]]]) -> list[str]:
    """The stored form (:func:`_iso`) of each row's moment; a :class:`DailyColumns`' own
    (:attr:`~DailyColumns.stamps`), without touching a row."""
    if isinstance(rows, DailyColumns):
        return list(rows.stamps)
    return _iso_all(list(map(itemgetter(0), rows)))


def _in_order(
    rows: Sequence[tuple[datetime, Mapping[str, float]]], zone: tzinfo,
) -> Sequence[tuple[datetime, Mapping[str, float]]]:
    """An import's rows in the order they are written (:func:`~bot.domain.daily.row_order` in
    the creator's time zone ``zone``, as the preview lists them; :class:`DailyColumns`, one
    row a day each dated by day, already are)."""
    if isinstance(rows, DailyColumns):
        return rows
    return sorted(rows, key=lambda row: row_order(row[0], zone))


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _moment(taken_at: str, dated: Any) -> datetime:
    """A stored snapshot's moment: its ``taken_at`` text, as a
    :class:`~bot.domain.daily.DateOnly` when its ``dated`` column marks it dated by day
    alone (both stores: an int in SQLite, a boolean in PostgreSQL)."""
    moment = _dt(taken_at)
    return DateOnly.of(moment.date()) if dated else moment


def _day_of(moment: datetime, zone: tzinfo, recorded: datetime | None = None) -> str:
    """A snapshot's stored ``day`` (``2026-12-01``): the creator's day it counts on
    (:func:`~bot.domain.daily.counted_day` in ``zone``, their /settings time zone, for a row
    written at ``recorded``; without it, its :func:`~bot.domain.daily.snapshot_day`), by
    which both stores order a user's snapshots (:data:`_ORDER`)."""
    return counted_day(moment, zone, recorded).isoformat()


def _days(rows: Sequence[tuple[datetime, Mapping[str, float]]], zone: tzinfo,
          recorded: datetime | None = None) -> list[str]:
    """:func:`_day_of` each row's moment; a :class:`DailyColumns`' own days (each row dated
    by day alone keeps its date, up to the day of ``recorded``), without a conversion per
    row."""
    if isinstance(rows, DailyColumns):
        days = list(rows.days)
        if recorded is not None and rows.dated and days:
            last = recorded.astimezone(zone).date().isoformat()
            if days[-1] > last:  # (sorted: only then is any of them after it)
                days = [min(d, last) for d in days]
        return days
    return [_day_of(moment, zone, recorded) for moment in row_moments(rows)]


#: The westernmost time zone's offset (``Etc/GMT+12``): a date that has begun there has begun
#: everywhere.
_WESTMOST = timedelta(hours=-12)


def _begun_everywhere(rows: DailyColumns, recorded: datetime) -> bool:
    """Whether every date of ``rows`` (a clean file's, in order) had begun in every time zone
    at ``recorded``: then none counts on an earlier day in any
    (:func:`~bot.domain.daily.counted_day`)."""
    return not rows.days or rows.days[-1] <= (recorded + _WESTMOST).astimezone(UTC).date(
    ).isoformat()


def _now_on(taken_at: str, dated: Any, day: str) -> date:
    """A stored row's :func:`~bot.domain.daily.snapshot_day` in the creator's zone now, from
    its columns: the date of a row dated by day alone, any other's ``day`` (a row with a
    time of day counts on the day it is on: :func:`~bot.domain.daily.counted_day`)."""
    return _stored_day(taken_at[:10] if dated else day)


def _replaced_on(import_day: str | None, wall: Any, dated: Any, taken_at: str,
                 day: str) -> date:
    """A stored imported row's day by which a later import replaces it
    (:func:`~bot.domain.daily.replaced_on`), from its columns."""
    return replaced_on(None if import_day is None else _stored_day(import_day),
                       bool(wall) or bool(dated), _now_on(taken_at, dated, day))


def _import_days(rows: Iterable[Sequence[Any]]) -> set[date]:
    """:meth:`SqliteStore.imported_days` from the rows of :data:`_IMPORTED_DAYS`: each day
    by which an active imported row is replaced (:func:`_replaced_on`, worked out in SQL),
    once."""
    return {_stored_day(row[0]) for row in rows}


def _zone_of(row: Any) -> tzinfo:
    """The creator's time zone from their ``user_settings`` row (None: none stored), for
    either store: whose days an import's rows and the stored ones are on
    (:func:`~bot.domain.daily.snapshot_day`); read as :func:`_zone_named` reads the name."""
    return _zone_named(None if row is None else row["timezone"])


def _zone_named(name: str | None) -> tzinfo:
    """The creator's time zone from their stored ``user_settings.timezone`` (None or empty:
    none stored, the default), the one rule both stores read a zone by."""
    return UserSettings(timezone=name or UserSettings().timezone).zone


def _migration_files() -> list[tuple[int, str, Traversable]]:
    """``(version, file name, file)`` in version order, unread (a store opened on a database
    that is up to date reads none of them); two files with one version number are a
    packaging error (a database at that version would silently skip one of them)."""
    found = []
    for entry in resources.files("bot.store").joinpath("migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry))
    found.sort(key=lambda f: f[:2])
    for (a, a_name, _), (b, b_name, _) in itertools.pairwise(found):
        if a == b:
            raise StoreError(f"migrations {a_name} and {b_name} share version {a}")
    return found


def _migrations() -> list[tuple[int, str, str]]:
    """``(version, file name, SQL)`` in version order (:func:`_migration_files`, read)."""
    return [(version, name, entry.read_text(encoding="utf-8"))
            for version, name, entry in _migration_files()]


#: A migration whose first line is this runs with foreign keys off (a table rebuild: dropping
#: a parent table with them on would cascade-delete its children), then checks them.
_FOREIGN_KEYS_OFF = "-- foreign_keys: off"


class _Rows:
    """The rows of one statement, already fetched: ``fetchone``/``fetchall`` cost no hop."""

    __slots__ = ("_next", "_rows")

    def __init__(self, rows: Iterable[sqlite3.Row]) -> None:
        self._rows = list(rows)
        self._next = 0

    async def fetchone(self) -> sqlite3.Row | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    async def fetchall(self) -> list[sqlite3.Row]:
        rest = self._rows[self._next:]
        self._next = len(self._rows)
        return rest


@asynccontextmanager
async def _query(db: aiosqlite.Connection, sql: str,
                 params: Sequence[Any] | Mapping[str, Any] = ()) -> AsyncIterator[_Rows]:
    """Run ``sql`` and fetch all its rows in ONE hop to aiosqlite's worker thread, where
    ``async with db.execute(...) as cur`` + ``fetchone`` + the cursor's close take three (each
    hop is a thread hand-off and a wake-up of the event loop, a large part of a short command's
    CPU).
    For statements that return rows (SELECT, PRAGMA, RETURNING) and are meant to be read
    whole; a statement whose ``rowcount`` is needed keeps ``db.execute``."""
    yield _Rows(await db.execute_fetchall(sql, params))


async def _in_thread(db: aiosqlite.Connection, fn: Callable[..., _T], *args: Any) -> _T:
    """``fn(connection, *args)`` run whole in ``db``'s worker thread, in ONE hop, queued in
    order with the connection's other statements (aiosqlite runs them one at a time): for work
    of several statements that would otherwise pay a thread hop and a loop wake-up each."""
    result: _T = await db._execute(fn, db._conn, *args)  # type: ignore[no-untyped-call]
    return result


def _transaction(conn: sqlite3.Connection, fn: Callable[..., _T], *args: Any,
                 begin: str = "BEGIN IMMEDIATE") -> _T:
    """``fn(conn, *args)`` between ``begin`` and COMMIT, rolled back on any error, the
    COMMIT's own included (a deferred constraint, a full disk, a lock held too long): the
    error is raised and the connection is left with no transaction open. A plain ``BEGIN``
    (deferred) for reads: the statements see one state of the file, and take SQLite's locks
    once, not once a statement."""
    conn.execute(begin)
    try:
        result = fn(conn, *args)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # (an error may have ended it already)
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise
    return result


def _read_transaction(conn: sqlite3.Connection, fn: Callable[..., _T], *args: Any) -> _T:
    """``fn(conn, *args)`` in one read transaction (:func:`_transaction` with a deferred
    ``BEGIN``: it takes no write lock)."""
    return _transaction(conn, fn, *args, begin="BEGIN")


def _need_metrics(changes: Mapping[str, float]) -> None:
    """``add_snapshot``'s check, for every store: raises ValueError for a snapshot of nothing."""
    if not changes:
        raise ValueError("a snapshot needs at least one metric")


#: One snapshot row (user_id, taken_at, METRIC_NAMES, given, source, action, day,
#: recorded_at).
_INSERT_SNAPSHOT = (  # column names are constants, values are bound parameters
    f"INSERT INTO snapshots (user_id, {_SNAPSHOT_COLUMNS}, source, action, day, "  # noqa: S608
    f"recorded_at) VALUES ({', '.join('?' * (len(METRIC_NAMES) + 7))})")


def _snapshot_row(user_id: int, snap: MetricSnapshot, taken_at: str, source: str,
                  action: int, day: str) -> tuple[Any, ...]:
    """The parameters of :data:`_INSERT_SNAPSHOT` for ``snap``, stored at ``taken_at`` (its
    :func:`_iso` text, also when it was recorded: a /log or a sync is recorded as it is
    taken) on the creator's ``day``."""
    return (user_id, taken_at, *[getattr(snap, name) for name in METRIC_NAMES],
            ",".join(sorted(snap.given)), source, action, day, taken_at)


def _insert_snapshot_sync(conn: sqlite3.Connection, user_id: int,
                          changes: Mapping[str, float], taken_at: datetime,
                          source: str, zone: tzinfo | None = None) -> MetricSnapshot:
    """One snapshot as its own action, inside the caller's transaction, on the connection
    itself (run in its worker thread by :func:`_in_thread`). It merges into the latest
    snapshot of its day or before (the creator's day, :func:`_day_of`; ``zone``: their time
    zone, read here when not given)."""
    day = _day_of(taken_at, _zone_sync(conn, user_id) if zone is None else zone)
    row = conn.execute(
        f"SELECT * FROM snapshots WHERE user_id = ? AND {_ACTIVE} "  # noqa: S608
        f"AND day <= ? ORDER BY {_ORDER_DESC} LIMIT 1",
        (user_id, day),
    ).fetchone()
    base = _snapshot(row) if row else MetricSnapshot.empty(taken_at)
    snap = replace(base.merged(dict(changes), taken_at), day=_stored_day(day))
    found = conn.execute(_NEXT_ACTION, (user_id, user_id)).fetchone()
    action = int(found[0]) if found else 1
    conn.execute(_INSERT_SNAPSHOT,
                 _snapshot_row(user_id, snap, _iso(taken_at), source, action, day))
    later = conn.execute(  # rows dated after today (imported earlier) carry it on
        f"SELECT 1 FROM snapshots WHERE user_id = ? AND {_ACTIVE} "  # noqa: S608
        "AND day > ? LIMIT 1", (user_id, day),
    ).fetchone()
    if later is not None:
        rows = conn.execute(
            f"SELECT * FROM snapshots WHERE user_id = ? AND {_ACTIVE} ORDER BY {_ORDER}",  # noqa: S608
            (user_id,)).fetchall()
        changed = _recarried(rows)
        if changed:
            conn.executemany(_UPDATE_VALUES, changed)
    _thin_if_needed_sync(conn, user_id)
    return snap


class _Row(Protocol):
    """A ``snapshots`` row as both stores read it: a ``sqlite3.Row`` here, an asyncpg
    ``Record`` in the PostgreSQL store (which reads its snapshots with the functions below);
    each gives its column names (``keys()``) and its values by position."""

    def keys(self) -> Iterable[str]: ...

    def __getitem__(self, key: int, /) -> Any: ...


class _Columns(NamedTuple):
    """Where a ``snapshots`` row's fields are in a query's columns, by position: a
    ``sqlite3.Row`` looked up by name compares the name with each column's in turn, ignoring
    case, and a snapshot took twenty such lookups (half its reading, for a year of weekly
    rows about 0.25 ms of each /stats, /tips and /estimate); an asyncpg ``Record`` by name
    is a dictionary look-up per field, by position none."""

    taken_at: int
    metrics: tuple[int, ...]  # METRIC_NAMES' columns, in that order
    given: int
    source: int | None  # None: the query has no ``source`` column
    id: int | None
    action: int | None
    dated: int | None  # None: the query has no ``dated`` column (no row is dated by day)
    day: int | None  # None: the query has no ``day`` column (the snapshot's day is not known)
    import_day: int | None  # None: the query has no ``import_day`` column
    wall: int | None  # None: the query has no ``wall`` column
    #: The metrics' values of a row, as a tuple in METRIC_NAMES' order (``itemgetter`` of
    #: ``metrics``: one call in C, where a comprehension indexed the row fourteen times).
    metric_values: Callable[[_Row], tuple[Any, ...]]


@functools.lru_cache(maxsize=32)  # a handful of queries read snapshots
def _columns(names: tuple[str, ...]) -> _Columns:
    """The positions in a row whose column names are ``names`` (a :class:`_Row`'s
    ``keys()``, as a tuple)."""
    at: dict[str, int] = {}
    for index, name in enumerate(names):
        at.setdefault(name, index)  # (as a Row's lookup by name: the first column so named)
    metrics = tuple(at[name] for name in METRIC_NAMES)
    return _Columns(at["taken_at"], metrics, at["given"], at.get("source"), at.get("id"),
                    at.get("action"), at.get("dated"), at.get("day"), at.get("import_day"),
                    at.get("wall"), itemgetter(*metrics))


@functools.lru_cache(maxsize=1024)  # a snapshot's typed fields: a few combinations recur
def _given(text: str) -> frozenset[str]:
    """A stored ``given`` column (``followers,views``) as the set of names (immutable, so one
    set serves every row that has the same text)."""
    return frozenset(filter(None, text.split(",")))


def _snapshot(row: _Row, columns: _Columns | None = None) -> MetricSnapshot:
    """The snapshot in ``row`` (a ``snapshots`` row, or one with its columns, of either
    store: :class:`_Row`); ``columns``: where they are (:func:`_columns`), known already
    when reading many rows (:func:`_entries`; without it, found from the row's names).
    The metrics are passed by position (by name, a dictionary per row cost a fifth more)."""
    at = _columns(tuple(row.keys())) if columns is None else columns
    taken_at = (_dt(row[at.taken_at]) if at.dated is None
                else _moment(row[at.taken_at], row[at.dated]))
    return _new_snapshot((taken_at, *at.metric_values(row),
                          _given(str(row[at.given])),
                          None if at.source is None else row[at.source],
                          None if at.day is None else _stored_day(row[at.day])))


@functools.lru_cache(maxsize=4096)  # a history's rows: a few hundred days at most
def _stored_day(text: str) -> date:
    """A stored ``day`` column (``2026-12-01``, the creator's) as a date
    (:attr:`~bot.domain.metrics.MetricSnapshot.day`)."""
    return date.fromisoformat(text)


#: Each field's slot of MetricSnapshot, in field order (``taken_at``, METRIC_NAMES, ``given``,
#: ``source``, ``day``; checked here, and by a test): what :func:`_new_snapshot` sets.
_SNAPSHOT_SLOTS = tuple(getattr(MetricSnapshot, f.name).__set__ for f in fields(MetricSnapshot))
if (MetricSnapshot.__match_args__ != ("taken_at", *METRIC_NAMES, "given", "source", "day")
        or hasattr(MetricSnapshot, "__post_init__")):
    raise RuntimeError("MetricSnapshot's fields are not taken_at, METRIC_NAMES in order, given, "
                       "source and day, or it has a __post_init__: _new_snapshot can't make one")


def _new_snapshot(values: tuple[Any, ...], new: Callable[[type], Any] = object.__new__,
                  slots: tuple[Callable[[Any, Any], None], ...] = _SNAPSHOT_SLOTS
                  ) -> MetricSnapshot:
    """``MetricSnapshot(*values)`` (every field, in order), with each value put in its slot
    as the dataclass's own ``__init__`` does, without that ``__init__``: a frozen dataclass
    sets each field through ``object.__setattr__`` by name, which looks the slot up every
    time (1.8 us a snapshot, against 1.2 here; a year of weekly rows is read by every
    /stats, /tips and /estimate). MetricSnapshot has no ``__post_init__`` (checked above)."""
    snapshot = new(MetricSnapshot)
    for put, value in zip(slots, values, strict=True):
        put(snapshot, value)
    return snapshot  # type: ignore[no-any-return]



def _with_settings(row: sqlite3.Row) -> UserSettings:
    """The settings of a ``_USER_WITH_SETTINGS`` row (the defaults where none are stored:
    its ``user_id`` is NULL then)."""
    return _settings(None if row["user_id"] is None else row)


def _user(row: sqlite3.Row) -> User:
    return User(id=row["id"], platform=row["platform"], platform_user_id=row["platform_user_id"],
                display_name=row["display_name"], created_at=_dt(row["created_at"]))


#: ``ensure_user``'s write, in two statements (:func:`_upsert_user_row`): the user's row made
#: (a row back only if this statement made it), else its display name updated.
_INSERT_USER = (
    "INSERT INTO users (platform, platform_user_id, display_name, created_at) "
    "VALUES (?, ?, ?, ?) ON CONFLICT (platform, platform_user_id) DO NOTHING "
    "RETURNING id, platform, platform_user_id, display_name, created_at")
_RENAME_USER = (
    "UPDATE users SET display_name = ? WHERE platform = ? AND platform_user_id = ? "
    "RETURNING id, platform, platform_user_id, display_name, created_at")


def _upsert_user_row(conn: sqlite3.Connection, key: tuple[str, str], display_name: str,
                     now: str) -> tuple[sqlite3.Row, bool]:
    """The account ``key``'s row made at ``now``, or its display name updated: (the row as
    stored, whether this call made it). Made is what the INSERT says (a row comes back only
    from a row it inserted), never guessed from ``created_at`` equal to ``now`` (two calls in
    one tick of a coarse clock would both look new). Runs on the writer's thread, whose
    connection alone writes users, so nothing comes between the two statements. Raises
    :class:`StoreError` if the row vanished between them (it cannot, with one writer)."""
    row = conn.execute(_INSERT_USER, (*key, display_name, now)).fetchone()
    if row is not None:
        return row, True
    row = conn.execute(_RENAME_USER, (display_name, *key)).fetchone()
    if row is None:
        raise StoreError(f"the user row of {key[0]} vanished while it was updated")
    return row, False


#: ``set_goal``'s write, one goal (user_id, metric, target, deadline, created_at).
_UPSERT_GOAL = (
    "INSERT INTO goals (user_id, metric, target, deadline, created_at)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, metric) DO UPDATE SET"
    " target = excluded.target, deadline = excluded.deadline,"
    " created_at = excluded.created_at")
#: A user's row and their settings row (every column, as ``get_settings`` reads it; the
#: two tables share no column name; ``user_id`` NULL when none are stored), by (platform,
#: platform_user_id): ``find_user``'s one read.
_USER_WITH_SETTINGS = (
    "SELECT u.id, u.platform, u.platform_user_id, u.display_name, u.created_at, s.* "
    "FROM users AS u LEFT JOIN user_settings AS s ON s.user_id = u.id "
    "WHERE u.platform = ? AND u.platform_user_id = ?")
_ACTIVE = ACTIVE_SNAPSHOT
#: A user's snapshots in order: by the creator's day (the ``day`` column: :func:`_day_of`, in
#: their /settings time zone, kept so when it changes: :func:`_relocalized_sync`), then by the
#: action that wrote them, so that within one day the newer action wins (a /log after an
#: import of the same date, or the reverse), then, within one action's rows of a day, a row
#: dated by day alone (``dated``) after those with a time of day (it closes its day, as
#: :func:`~bot.domain.daily.row_order` places it: in any time zone, not only in the order an
#: import wrote them, which a /settings timezone change can undo), then by id (an import's rows
#: of one day in the order it wrote them). Both stores; the index ``snapshots_by_user_day`` is
#: ``(user_id, day, action, dated, id)``, so the latest and a history's LIMIT read in its order.
_ORDER = "day, action, dated, id"
_ORDER_DESC = "day DESC, action DESC, dated DESC, id DESC"
#: A user's most recent action still stored (parameters: user_id three times): the highest of
#: the active snapshots' and the TikTok Studio imports' (one may have written no snapshot).
_LATEST_ACTION = (f"SELECT max(a) FROM (SELECT max(action) AS a FROM snapshots "  # noqa: S608
                  f"WHERE user_id = ? AND {_ACTIVE} UNION ALL SELECT max(action) FROM "
                  "studio_imports WHERE user_id = ?) AS latest")
_UPDATE_VALUES = (f"UPDATE snapshots SET {', '.join(f'{n} = ?' for n in METRIC_NAMES)} "  # noqa: S608
                  "WHERE id = ?")


def _recarried(rows: Sequence[sqlite3.Row]) -> list[tuple[Any, ...]]:
    """Carry values forward again over ``rows`` (one user's active snapshots, in order): each
    row keeps what was typed in it and takes every other metric from the rows before it.
    Returns ``(*values, id)`` for the rows whose stored values must change."""
    known: dict[str, float | None] = dict.fromkeys(METRIC_NAMES)
    out = []
    for row in rows:
        for name in filter(None, str(row["given"]).split(",")):
            if name in known:
                known[name] = row[name]
        values = tuple(known.values())
        if values != tuple(row[name] for name in METRIC_NAMES):
            out.append((*values, row["id"]))
    return out


def _imported_before(
    stored: Iterable[Mapping[str, Any]], ordered: Sequence[tuple[datetime, Mapping[str, float]]],
    zone: tzinfo,
) -> tuple[dict[date, dict[str, float]], list[tuple[str, int]]]:
    """For an import of ``ordered``: the metrics each day of it already holds from earlier
    imports (``stored``: the user's active imported rows, in order, with their ``id``,
    ``taken_at``, ``dated``, ``wall``, ``day``, ``import_day``, metrics and ``given``), by
    day, and ``(day, id)`` of those rows (the day: the import's that replaces each). A day is the
    creator's (:func:`~bot.domain.daily.snapshot_day` in ``zone``, their time zone), and
    which stored row a day of the import replaces is :func:`~bot.domain.daily.replaced_on`'s
    to say: the one decision the previews' count of replaced days comes from too. A day
    imported again replaces the earlier imported rows of that day (kept hidden, so undoing
    this import brings them back); logged rows are never replaced. What the earlier row knew
    and the new one does not say (another Studio file's columns) is kept in the new row."""
    earlier: dict[date, dict[str, float]] = {}
    replaced: list[tuple[str, int]] = []
    days: set[date] | None = None  # the import's days, worked out only if anything is stored
    for old in stored:
        if days is None:
            days = days_of(row_moments(ordered), zone)
        day = _replaced_on(old["import_day"], old["wall"], old["dated"], old["taken_at"],
                           old["day"])
        if day in days:
            replaced.append((day.isoformat(), int(old["id"])))
            typed = earlier.setdefault(day, {})
            typed.update({k: old[k] for k in str(old["given"]).split(",")
                          if k in METRIC_NAMES and old[k] is not None})
    return earlier, replaced


def _import_rows(
    user_id: int, ordered: Sequence[tuple[datetime, Mapping[str, float]]],
    earlier: Mapping[date, Mapping[str, float]], action: int, zone: tzinfo,
    recorded: datetime,
) -> list[tuple[Any, ...]]:
    """The snapshot rows an import made at ``recorded`` writes, ``(user_id, taken_at,
    *metrics, given, "import", action, dated, day, import_day, recorded_at, wall)``: each dated
    row's known values over what :func:`_imported_before` kept for its day (in ``zone``, as
    it found them); ``dated``: whether the row is dated by day alone
    (:class:`~bot.domain.daily.DateOnly`); ``day``: the creator's day it counts on in
    ``zone`` (:func:`_day_of`); ``import_day``: its day as this import puts it
    (:func:`~bot.domain.daily.snapshot_day`, kept through time zone changes: what a later
    import of that day replaces, with ``wall``: whether its time was written without an
    offset, :class:`~bot.domain.daily.WallTime`). Raises ``ValueError`` for a metric the
    schema does not have."""
    if not earlier:
        uniform = _uniform_import_rows(user_id, ordered, action, zone, recorded)
        if uniform is not None:
            return uniform
    return _import_rows_by_row(user_id, ordered, earlier, action, zone, recorded)


def _import_rows_by_row(
    user_id: int, ordered: Sequence[tuple[datetime, Mapping[str, float]]],
    earlier: Mapping[date, Mapping[str, float]], action: int, zone: tzinfo,
    recorded: datetime,
) -> list[tuple[Any, ...]]:
    """:func:`_import_rows` for any rows, one row at a time."""
    given_by_columns: dict[tuple[str, ...], str] = {}
    # Per set of columns (a file has one or a few): where each of them goes in a row.
    slots_by_columns: dict[tuple[str, ...], tuple[str, list[int]]] = {}
    width = len(METRIC_NAMES)
    rows_out = []
    at = _iso(recorded)
    imported_on = _day_of(recorded, zone)  # the creator's day of the import

    def days(taken_at: datetime) -> tuple[str, str]:
        """The day a row counts on and the day it is on (:func:`_day_of`), worked out once:
        :func:`~bot.domain.daily.counted_day`'s rule on the ISO texts (a row dated by day
        alone counts no later than the day of the import; any other on the day it is on)."""
        on = _day_of(taken_at, zone)
        return (min(on, imported_on) if dated_by_day(taken_at) else on), on

    for taken_at, changes in ordered:
        stamp = _iso(taken_at)
        values_in = changes.values()
        if not earlier and None not in values_in:  # the usual row: every value given
            key = tuple(changes)
            found = slots_by_columns.get(key)
            if found is None:
                unknown = set(key) - set(METRIC_NAMES)
                if unknown:
                    raise ValueError(f"unknown metrics: {sorted(unknown)}")
                found = slots_by_columns[key] = (
                    ",".join(sorted(key)),
                    [key.index(n) if n in key else width for n in METRIC_NAMES])
            if not key:
                continue
            typed, slots = found
            given_values = [*map(float, values_in), *[None] * (width + 1 - len(key))]
            rows_out.append((user_id, stamp, *[given_values[i] for i in slots], typed,
                             "import", action, dated_by_day(taken_at), *days(taken_at), at,
                             written_as_wall_time(taken_at)))
            continue
        counted, on = days(taken_at)
        present = {k: v for k, v in changes.items() if v is not None}
        if earlier:
            kept = earlier.get(_stored_day(on))
            if kept:
                present = {**kept, **present}
        if not present:
            continue
        columns = tuple(present)
        given = given_by_columns.get(columns)
        if given is None:
            unknown = set(columns) - set(METRIC_NAMES)
            if unknown:
                raise ValueError(f"unknown metrics: {sorted(unknown)}")
            given = given_by_columns[columns] = ",".join(sorted(columns))
        values = [None if (v := present.get(n)) is None else float(v) for n in METRIC_NAMES]
        rows_out.append((user_id, stamp, *values, given, "import", action,
                         dated_by_day(taken_at), counted, on, at,
                         written_as_wall_time(taken_at)))
    return rows_out


def _uniform_import_rows(
    user_id: int, ordered: Sequence[tuple[datetime, Mapping[str, float]]], action: int,
    zone: tzinfo, recorded: datetime,
) -> list[tuple[Any, ...]] | None:
    """:func:`_import_rows` for the usual file (nothing imported before on its days), column by
    column: when every row gives the same metrics and none of them is ``None``, each metric's
    column is read with one ``map`` and the rows are zipped together in C, instead of a few
    Python statements and lists per row. ``None`` when any row differs (the row-by-row path
    then decides); the rows are the same either way (a property test checks it)."""
    if not ordered:
        return []
    columns = _uniform_columns(ordered)
    if columns is None:
        return None
    if not columns:
        return []  # no metric on any row: nothing to write, as row by row
    repeat = itertools.repeat
    return list(zip(repeat(user_id), _stamps(ordered),
                    *(columns.get(n, repeat(None)) for n in METRIC_NAMES),
                    repeat(",".join(sorted(columns))), repeat("import"), repeat(action),
                    _dated(ordered), _days(ordered, zone, recorded), _days(ordered, zone),
                    repeat(_iso(recorded)), _walls(ordered),
                    strict=False))  # the repeats are endless: the moments decide the length


def _walls(rows: Sequence[tuple[datetime, Mapping[str, float]]]) -> list[bool]:
    """Whether each row's time was written without an offset
    (:class:`~bot.domain.daily.WallTime`): the ``wall`` column an import writes; none of a
    :class:`DailyColumns`' rows (each dated by day alone)."""
    if isinstance(rows, DailyColumns):
        return [False] * len(rows)
    return list(map(written_as_wall_time, row_moments(rows)))


def _dated(rows: Sequence[tuple[datetime, Mapping[str, float]]]) -> list[bool]:
    """Whether each row is dated by day alone (:class:`~bot.domain.daily.DateOnly`): the
    ``dated`` column an import writes; a :class:`DailyColumns`' one mark for all its rows,
    without making their moments."""
    if isinstance(rows, DailyColumns):
        return [rows.dated] * len(rows)
    return list(map(dated_by_day, row_moments(rows)))


def _uniform_columns(
    ordered: Sequence[tuple[datetime, Mapping[str, float]]],
) -> dict[str, Sequence[float]] | None:
    """The usual import's values column by column (``ordered`` not empty): when every row gives
    the same metrics and none of them is ``None``, each metric's values in row order, as
    floats, or a :class:`DailyColumns`' numbers as it holds them (ints of a clean file's
    digits: a REAL column stores them as their floats; ``{}`` for no metric). ``None`` when
    any row differs. Raises ``ValueError`` for a metric the schema does not have."""
    if isinstance(ordered, DailyColumns):  # a clean CSV: its columns as they are
        unknown = set(ordered.numbers) - set(METRIC_NAMES)
        if unknown:
            raise ValueError(f"unknown metrics: {sorted(unknown)}")
        return dict(ordered.numbers)
    changes = list(map(itemgetter(1), ordered))
    keys = tuple(changes[0])
    if not keys or set(map(len, changes)) != {len(keys)}:
        return None
    columns: dict[str, Sequence[float]] = {}
    for key in keys:
        try:  # every row has as many keys as the first: holding each of its keys, the same set
            column = list(map(itemgetter(key), changes))
        except KeyError:
            return None
        if None in column:
            return None
        columns[key] = list(map(float, column))
    unknown = set(keys) - set(METRIC_NAMES)
    if unknown:  # as the row-by-row path says at the first row
        raise ValueError(f"unknown metrics: {sorted(unknown)}")
    return columns


#: The columns of the rows :func:`_carried_import` reads (``SELECT id, source, …``).
_STORED_KEYS = ("id", "source", "taken_at", *METRIC_NAMES, "given", "dated", "day",
                "import_day", "wall")


def _carried_import(
    stored: Sequence[Sequence[Any]], new: Sequence[tuple[Any, ...]],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Carry values forward over an import before it is written, as :func:`_recarried` does
    after the fact, without reading the rows back: ``stored`` is the user's active rows that
    stay active (:data:`_STORED_KEYS`, in :data:`_ORDER`), ``new`` the rows :func:`_import_rows`
    built (by the creator's day; their action is above every stored one, so within a day they
    come last).
    Returns the new rows with their carried values, and ``(*values, id)`` for the stored rows
    whose values change."""
    if not stored and len(set(map(itemgetter(2 + len(METRIC_NAMES)), new))) <= 1:
        # A first import whose rows all type the same metrics: each row already holds what it
        # typed, and no row before it typed anything else, so nothing carries.
        return list(new), []
    return _carried_by_row(stored, new)


def _insert_snapshots(db: sqlite3.Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert snapshot rows ``(user_id, taken_at, *metrics, given, source, action, dated,
    day, import_day, recorded_at, wall)``
    (the metrics in METRIC_NAMES' order), naming only the metric columns some row has a value in:
    the others are NULL either way (they have no default). Binding a None costs CPython 3.11's
    sqlite3 module an adapter look-up (about 0.25 µs, five times a float's binding), and an
    import of a few metrics has more Nones than values: naming them all took twice as long.
    A column every row has the same value in is bound once a statement
    (:func:`_insert_columns`)."""
    if not rows:
        return
    width = len(METRIC_NAMES)
    columns = list(zip(*rows, strict=True))  # column-wise, to test each metric's whole column
    nothing = (None,) * len(rows)  # (a column of values differs at its first: one comparison)
    metrics = {name: columns[2 + i] for i, name in enumerate(METRIC_NAMES)
               if columns[2 + i] != nothing}
    each = {"user_id": columns[0], "given": columns[2 + width], "source": columns[3 + width],
            "action": columns[4 + width], "dated": columns[5 + width],
            "day": columns[6 + width], "import_day": columns[7 + width],
            "recorded_at": columns[8 + width], "wall": columns[9 + width]}
    shared = {name: column[0] for name, column in each.items()
              if column == (column[0],) * len(rows)}
    _insert_columns(db, {"taken_at": columns[1], **metrics,
                         **{name: column for name, column in each.items() if name not in shared}},
                    shared)


#: Rows an import writes per INSERT statement (a multi-row ``VALUES``). Each statement run
#: opens the table's and its two indexes' cursors once: one row per run (``executemany`` of a
#: one-row INSERT) spent most of the write on that; 32 rows a run wrote a year of days in
#: three quarters of the time and ten years in two thirds. At most 32 × 24 parameters (every
#: column bound in every row), within SQLite's oldest limit of 999 a statement.
_ROWS_PER_INSERT = 32


def _insert_columns(db: sqlite3.Connection, columns: Mapping[str, Sequence[Any]],
                    shared: Mapping[str, Any] | None = None) -> None:
    """Insert snapshot rows given column by column: ``columns`` maps each column to its values
    in row order (all of one length, at least one column), ``shared`` each column every row
    has the same value in to that value; the columns not named are NULL (as
    :func:`_insert_snapshots` leaves them). Written :data:`_ROWS_PER_INSERT` rows a statement,
    in order (the ids ascend with the rows as one row a statement gave them); a shared value
    is bound once a statement (``?1`` in every row: a text bound per row is copied per row),
    the others once a row."""
    shared = shared or {}
    width = len(columns)
    values = list(itertools.chain.from_iterable(zip(*columns.values(), strict=True)))
    # ``?N`` for the shared values, numbered first; a plain ``?`` takes the next number
    one = f"({', '.join([*(f'?{n}' for n in range(1, len(shared) + 1)), *['?'] * width])})"
    names = ", ".join((*shared, *columns))
    first = list(shared.values())

    def insert(rows: int) -> str:  # column names are constants, values are bound parameters
        return f"INSERT INTO snapshots ({names}) VALUES {', '.join([one] * rows)}"  # noqa: S608

    step = _ROWS_PER_INSERT * width
    whole = len(values) - len(values) % step  # the values of the full statements
    if whole:
        db.executemany(insert(_ROWS_PER_INSERT),
                       [first + values[i:i + step] for i in range(0, whole, step)])
    if whole < len(values):
        db.execute(insert((len(values) - whole) // width), first + values[whole:])


def _carried_by_row(
    stored: Sequence[Sequence[Any]], new: Sequence[tuple[Any, ...]],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """:func:`_carried_import` for any rows, one row at a time."""
    width = len(METRIC_NAMES)
    slots: dict[str, list[int]] = {}

    def typed(given: str) -> list[int]:
        found = slots.get(given)
        if found is None:
            found = slots[given] = [METRIC_NAMES.index(n) for n in given.split(",")
                                    if n in METRIC_NAMES]
        return found

    known: list[Any] = [None] * width
    out: list[tuple[Any, ...]] = []
    changed: list[tuple[Any, ...]] = []
    i, n = 0, len(stored)
    for row in new:
        day = row[6 + width]  # (the creator's days: _STORED_KEYS end with it too)
        while i < n and stored[i][5 + width] <= day:  # stored rows of earlier days, or the same
            old = stored[i]
            for k in typed(str(old[3 + width] or "")):
                known[k] = old[3 + k]
            if tuple(known) != tuple(old[3:3 + width]):
                changed.append((*known, old[0]))
            i += 1
        for k in typed(row[2 + width]):
            known[k] = row[2 + k]
        out.append((row[0], row[1], *known, *row[2 + width:]))
    for old in stored[i:]:
        for k in typed(str(old[3 + width] or "")):
            known[k] = old[3 + k]
        if tuple(known) != tuple(old[3:3 + width]):
            changed.append((*known, old[0]))
    return out, changed


def _entry(row: _Row, at: _Columns) -> SnapshotEntry:
    """The stored snapshot in ``row`` (every column of ``snapshots``, of either store) with
    its provenance; ``at`` as ``columns`` for :func:`_snapshot`. Many rows: :func:`_entries`."""
    assert at.id is not None and at.source is not None and at.action is not None
    source = row[at.source]
    replaced = None
    if (source == "import" and at.import_day is not None and at.wall is not None
            and at.dated is not None and at.day is not None):
        replaced = _replaced_on(row[at.import_day], row[at.wall], row[at.dated],
                                row[at.taken_at], row[at.day])
    return SnapshotEntry(id=row[at.id], snapshot=_snapshot(row, at), source=source,
                         action=row[at.action], import_day=replaced)


def _exported_snapshots(snaps: Iterable[Any]) -> dict[str, list[dict[str, Any]]]:
    """/export's snapshot sections from a user's snapshot rows (``sqlite3.Row`` or asyncpg
    ``Record``, read by name): ``snapshots``, the ones the creator has, and apart
    ``replaced_snapshots``, those a newer import replaced (kept for /undo): the two counts
    /forget and /stats say (:data:`bot.core.ports.ACTIVE_SNAPSHOT`). Both stores' /export."""
    return {section: [
        {"taken_at": s["taken_at"], "dated": bool(s["dated"]), "recorded_at": s["recorded_at"],
         **{n: s[n] for n in METRIC_NAMES},
         "typed": [g for g in str(s["given"]).split(",") if g],
         "source": s["source"], "replaced": s["replaced_by"] is not None}
        for s in snaps if (s["replaced_by"] is not None) == replaced]
        for section, replaced in (("snapshots", False), ("replaced_snapshots", True))}


def _entries(rows: Sequence[_Row]) -> list[SnapshotEntry]:
    """:func:`_entry` for each of ``rows`` (one query's, of either store: the same columns,
    found once), in order."""
    if not rows:
        return []
    at = _columns(tuple(rows[0].keys()))
    return [_entry(row, at) for row in rows]


#: A weekly post's destination, from a ``subscriptions`` row: one post per destination and ISO
#: week, whichever subscription row (resubscribed, another time) it came from.
_DESTINATION = "platform || ':' || chat_id || ':' || kind || ':' || coalesce(user_id, '')"

#: Snapshots kept per user at most: past this, older ones are thinned (see :func:`_thinned`).
MAX_SNAPSHOTS = 10_000
#: The most recent snapshots are never thinned.
KEEP_RECENT = 2_000


def _thinned(rows: Sequence[tuple[Any, ...]], limit: int | None = None,
             recent: int | None = None) -> list[tuple[Any, ...]]:
    """Stored rows ``(id, day, …, given)`` in :data:`_ORDER` (``day``: the creator's,
    ``2026-12-01``; any text that begins with it), bounded: when there are more than
    ``limit``, all but the ``recent`` newest keep only the last snapshot of each of the
    creator's days, then of each ISO week, then of each month, until they fit (a kept row's
    ``given`` gains the fields typed in the rows it stands for; its values are already the
    latest of that period). If even monthly points don't fit, the oldest go."""
    limit = MAX_SNAPSHOTS if limit is None else limit
    recent = KEEP_RECENT if recent is None else recent
    if len(rows) <= limit:
        return list(rows)
    old, new = list(rows[:-recent]), list(rows[-recent:])

    def week(taken_at: str) -> tuple[int, int]:
        year, number, _ = date.fromisoformat(taken_at[:10]).isocalendar()
        return year, number

    for bucket in (lambda t: t[:10], week, lambda t: t[:7]):
        merged: dict[Any, tuple[Any, ...]] = {}
        typed: dict[Any, set[str]] = {}
        for row in old:
            key = bucket(row[1])
            merged.pop(key, None)  # re-inserted: dict order stays time order
            merged[key] = row
            typed.setdefault(key, set()).update(filter(None, str(row[-1]).split(",")))
        old = [(*row[:-1], ",".join(sorted(typed[key]))) for key, row in merged.items()]
        if len(old) + len(new) <= limit:
            return old + new
    return (old + new)[-limit:]


def _latest_sync(conn: sqlite3.Connection, user_id: int) -> MetricSnapshot | None:
    """The latest active snapshot (:meth:`SqliteStore.latest_snapshot`), on the connection
    itself (run in its worker thread by :func:`_in_thread`), as are the readers below."""
    row = conn.execute(
        f"SELECT * FROM snapshots WHERE user_id = ? AND {_ACTIVE} "  # noqa: S608
        f"ORDER BY {_ORDER_DESC} LIMIT 1", (user_id,)).fetchone()
    return None if row is None else _snapshot(row)


def _active_rows_sync(conn: sqlite3.Connection, user_id: int, since: datetime | None,
                      limit: int | None, columns: str = "*") -> list[sqlite3.Row]:
    """The rows (``columns``) of the active snapshots oldest first, the most recent
    ``limit``; with ``since``, those on the creator's day of it or after (the days they count
    on: a row dated by day alone is never compared with it as its noon UTC)."""
    sql = f"SELECT {columns} FROM snapshots WHERE user_id = ? AND {_ACTIVE}"  # noqa: S608
    params: list[Any] = [user_id]
    if since is not None:
        sql += " AND day >= ?"
        params.append(_day_of(since, _zone_sync(conn, user_id)))
    sql += f" ORDER BY {_ORDER_DESC}"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(max(0, limit))
    return conn.execute(sql, params).fetchall()[::-1]


def _zone_sync(conn: sqlite3.Connection, user_id: int) -> tzinfo:
    """The creator's time zone (their /settings timezone; :func:`_zone_of`), on ``conn``."""
    return _zone_of(conn.execute("SELECT * FROM user_settings WHERE user_id = ?",
                                 (user_id,)).fetchone())


#: A stored imported row's day by which a later import replaces it, in SQL: what
#: :func:`_replaced_on` gives from its columns (:func:`~bot.domain.daily.replaced_on`; both
#: stores: ``wall`` and ``dated`` are 0/1 in SQLite, booleans in PostgreSQL): its
#: ``import_day`` where that is the date its file wrote (dated by day alone, or a time
#: written without an offset), else the day it is on now (a dated row's date, any other's
#: ``day``). tests/store/test_imported_days.py holds the two to the same days.
_REPLACED_ON = ("CASE WHEN (wall OR dated) AND import_day IS NOT NULL THEN import_day "
                "WHEN dated THEN substr(taken_at, 1, 10) ELSE day END")

#: The days of the creator's active imported snapshots, one row a day (:func:`_import_days`
#: reads them; :meth:`SqliteStore.imported_days`; both stores, parameter: the user's id).
_IMPORTED_DAYS = (f"SELECT DISTINCT {_REPLACED_ON} FROM snapshots "  # noqa: S608
                  f"WHERE user_id = {{}} AND source = 'import' AND {_ACTIVE}")

#: The hidden imported rows an import replaced on the day of a row it wrote, as the import
#: that hid them decided it (a hidden row's ``replaced_day`` is the ``import_day`` of the
#: day that replaced it; neither moves with a time zone change):
#: :meth:`SqliteStore.remove_snapshots`' join (both stores; ``{user}`` and ``{ids}``: their
#: placeholders).
_HIDDEN_SAME_DAY = (
    "SELECT old.id FROM snapshots AS old JOIN snapshots AS new "
    "ON old.replaced_by = new.action AND old.user_id = new.user_id "
    "AND old.replaced_day = new.import_day "
    "WHERE new.user_id = {user} AND new.source = 'import' AND old.source = 'import' "
    "AND new.id {ids}")


def _moved_days(rows: Iterable[Sequence[Any]], zone: tzinfo) -> list[tuple[str, int]]:
    """For a creator's snapshot rows ``(id, taken_at, dated, day, recorded_at)`` (hidden ones
    too), the ``(day, id)`` of those whose stored day is not the day they count on in
    ``zone`` (:func:`_day_of`): what a change of their /settings time zone, or a migration
    that brought the column, rewrites. A row dated by day alone moves only when its date had
    not begun in ``zone`` when it was recorded (:func:`~bot.domain.daily.counted_day`)."""
    moved = []
    for row_id, taken_at, dated, stored_day, recorded_at in rows:
        day = _day_of(_moment(taken_at, dated), zone,
                      None if recorded_at is None else _dt(recorded_at))
        if day != stored_day:
            moved.append((day, int(row_id)))
    return moved


#: The rows :func:`_moved_days` reads (parameter: the user's id).
_DAYS_OF_USER = ("SELECT id, taken_at, dated, day, recorded_at FROM snapshots "
                 "WHERE user_id = {}")


def _recorded_imports(rows: Sequence[Sequence[Any]], now: str) -> list[tuple[str, int]]:
    """Migration 0239's estimate of when each imported row of one creator was written, for
    rows ``(id, source, action, taken_at, imported_at)`` (``imported_at``: its TikTok Studio
    import's, or None): that time where it is stored, else the moment of the creator's first
    /log or sync of a later action (the import was before it), else ``now`` (the migration's:
    it was before that). Never later than it was, so a row dated by day alone is never put
    after a day it may have been read on. Returns ``(recorded_at, id)``."""
    out = []
    later: str | None = None  # the earliest /log or sync of a later action than the row's
    for row_id, source, _action, taken_at, imported_at in sorted(
            rows, key=lambda r: r[2], reverse=True):
        if source == "import":
            out.append((imported_at or later or now, int(row_id)))
        elif later is None or _dt(taken_at) < _dt(later):
            later = taken_at
    return out


def _replaced_days(rows: Sequence[Sequence[Any]]) -> list[tuple[str, int]]:
    """Migration 0239's ``replaced_day`` of each hidden imported row of one creator, for their
    imported rows ``(id, action, replaced_by, taken_at, dated, day)`` (hidden ones too), where
    it is not the day the row is on now (the migration's SQL put that there): the day of the
    row of the import that replaced it (that row's ``import_day``: the day it is on now), so
    ``/undo date=`` takes it with that row (:data:`_HIDDEN_SAME_DAY`). Returns
    ``(replaced_day, id)``.

    Until then an import replaced the imported rows of its days, the creator's days in their
    time zone *then*, and a time zone change since moved every row with a time of day onto
    its day in the new zone (a row dated by day alone stayed on its date): a hidden row with
    a time and the row that replaced it may be on other days now. Which zone it was is not
    stored, so it is found from the rows: an import put every row it replaced on a day of
    its own rows (:func:`_paired_then`)."""
    rows_of: dict[Any, list[_Stored]] = {}
    hidden_by: dict[Any, list[_Stored]] = {}
    for row_id, action, replaced_by, taken_at, dated, day in rows:
        row = _Stored(int(row_id), taken_at, bool(dated), day)
        rows_of.setdefault(action, []).append(row)
        if replaced_by is not None:
            hidden_by.setdefault(replaced_by, []).append(row)
    zones: list[tzinfo] | None = None  # (read once, and only when needed)
    out: list[tuple[str, int]] = []
    for action, old in hidden_by.items():
        new = rows_of.get(action)
        if not new:
            continue
        days_now = {r.day for r in new}
        paired_now = sum(1 for r in old if r.day in days_now)
        if paired_now == len(old):
            continue  # the days they are on now pair them all: kept, as the stores matched
        if zones is None:
            zones = _every_zone()
        found = _paired_then(old, new, paired_now, zones)
        out.extend((day, r.id) for r, day in zip(old, found, strict=True)
                   if day is not None and day != r.day)
    return out


class _Stored(NamedTuple):
    """An imported row as :func:`_replaced_days` reads it."""

    id: int
    taken_at: str
    dated: bool
    day: str  # the day it is on now (the stored ``day``)


def _every_zone() -> list[tzinfo]:
    """Every time zone zoneinfo knows (a creator's /settings timezone is one), UTC first."""
    from zoneinfo import ZoneInfo, available_timezones

    zones: list[tzinfo] = [UTC]
    for name in sorted(available_timezones()):
        with contextlib.suppress(ValueError, OSError):
            zones.append(ZoneInfo(name))
    return zones


def _paired_then(old: Sequence[_Stored], new: Sequence[_Stored], paired_now: int,
                 zones: Iterable[tzinfo]) -> list[str | None]:
    """For :func:`_replaced_days`: the day now of the row of ``new`` (an import's rows) that
    replaced each of ``old`` (the rows that import hid), when it can be told. A row's day
    then is its date (dated by day alone) or its day in the zone the creator had then. Each
    zone is tried: those that pair the most of ``old`` with a row of ``new`` on the same day
    then (more than ``paired_now``, the days they are on now) decide, by the pairing most of
    them give (zones whose clocks change put a row near midnight on another day for part of
    the year; a row is paired with the row of ``new`` on its day then that is on that day now
    if there is one, else the first). Otherwise (no zone pairs more, or as many zones pair
    them one way as another) None for each: not known, each keeps the day it is on now (the
    README says so)."""
    moments = {r.taken_at: _dt(r.taken_at) for r in (*old, *new) if not r.dated}
    best = paired_now
    found: dict[tuple[str | None, ...], int] = {}  # a pairing: how many zones give it
    for zone in zones:
        def then(r: _Stored, zone: tzinfo = zone) -> str:
            return (r.taken_at[:10] if r.dated else
                    moments[r.taken_at].astimezone(zone).date().isoformat())

        replacing: dict[str, set[str]] = {}  # a day then: the days now of new's rows on it
        for r in new:
            replacing.setdefault(then(r), set()).add(r.day)
        pairs: list[str | None] = []
        for r in old:
            on = then(r)
            days = replacing.get(on)
            pairs.append(None if not days else on if on in days else min(days))
        paired = len(pairs) - pairs.count(None)
        if paired > best:
            best, found = paired, {}
        if paired == best > paired_now:
            found[tuple(pairs)] = found.get(tuple(pairs), 0) + 1
    ranked = sorted(found.items(), key=itemgetter(1), reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return [None] * len(old)
    return list(ranked[0][0])


#: The imported rows :func:`_replaced_days` reads (parameter: the user's id).
_IMPORTS_OF_USER = ("SELECT id, action, replaced_by, taken_at, dated, day FROM snapshots "
                    "WHERE user_id = {} AND source = 'import'")


#: The rows :func:`_recorded_imports` reads (parameter: the user's id).
_ACTIONS_OF_USER = (
    "SELECT s.id, s.source, s.action, s.taken_at, i.imported_at FROM snapshots AS s "
    "LEFT JOIN studio_imports AS i ON i.user_id = s.user_id AND i.action = s.action "
    "WHERE s.user_id = {}")


def _relocalized_sync(conn: sqlite3.Connection, user_id: int, zone: tzinfo) -> int:
    """Put a creator's snapshots on their days in ``zone`` (their new /settings time zone),
    inside the caller's transaction: each row's ``day`` (:func:`_moved_days`), then the values
    carried forward again in the new order (:func:`_recarried`: what each row typed is kept,
    nothing is lost; back in the old zone, everything is as it was). Returns how many rows
    moved to another day."""
    moved = _moved_days(conn.execute(_DAYS_OF_USER.format("?"), (user_id,)).fetchall(), zone)
    if moved:
        conn.executemany("UPDATE snapshots SET day = ? WHERE id = ?", moved)
        changed = _recarried(conn.execute(
            f"SELECT * FROM snapshots WHERE user_id = ? AND {_ACTIVE} ORDER BY {_ORDER}",  # noqa: S608
            (user_id,)).fetchall())
        if changed:
            conn.executemany(_UPDATE_VALUES, changed)
    return len(moved)


#: Every creator with a snapshot, and their settings row (NULL columns: none stored).
_CREATORS = ("SELECT DISTINCT s.user_id, u.timezone FROM snapshots AS s "
             "LEFT JOIN user_settings AS u ON u.user_id = s.user_id")


def _relocalized_all_sync(conn: sqlite3.Connection) -> None:
    """Migration 0239's second half (0237 brought the ``day`` column in UTC dates, 0239 when
    each row was recorded): every creator's hidden imported rows get the day of the row
    that replaced them (:func:`_replaced_days`, from the days before this migration moves
    any) and their imported rows the time they were recorded (:func:`_recorded_imports`),
    then every creator's snapshots their days in their time zone
    (:func:`_relocalized_sync`)."""
    now = _iso(datetime.now(UTC))
    for user_id, timezone in conn.execute(_CREATORS).fetchall():
        conn.executemany("UPDATE snapshots SET replaced_day = ? WHERE id = ?", _replaced_days(
            conn.execute(_IMPORTS_OF_USER.format("?"), (user_id,)).fetchall()))
        recorded = _recorded_imports(
            conn.execute(_ACTIONS_OF_USER.format("?"), (user_id,)).fetchall(), now)
        conn.executemany("UPDATE snapshots SET recorded_at = ? WHERE id = ?", recorded)
        _relocalized_sync(conn, int(user_id), _zone_named(timezone))


#: Work a migration needs beyond its SQL (what SQLite can't work out: a creator's days in
#: their time zone), run after it in its transaction, by version. (0237's, the days in each
#: creator's zone, is done by 0239's, which needs the columns 0239 adds.)
_AFTER_MIGRATION: dict[int, Callable[[sqlite3.Connection], None]] = {
    239: _relocalized_all_sync}


def _entries_sync(conn: sqlite3.Connection, user_id: int, since: datetime | None,
                  limit: int | None) -> list[SnapshotEntry]:
    """Active snapshots oldest first, the most recent ``limit`` (:meth:`SqliteStore.entries`)."""
    return _entries(_active_rows_sync(conn, user_id, since, limit))


#: The columns :func:`_snapshot` reads (a history needs no ids, user or action: 17 of 21).
_HISTORY_COLUMNS = f"{_SNAPSHOT_COLUMNS}, source, dated, day"


def _history_sync(conn: sqlite3.Connection, user_id: int, since: datetime | None,
                  limit: int | None) -> list[MetricSnapshot]:
    """The snapshots of :func:`_entries_sync` alone (:meth:`SqliteStore.history`): each made
    once, not inside an entry that is then dropped (a year of weekly rows read by every
    /stats, /tips and /estimate), from the columns a snapshot holds alone."""
    rows = _active_rows_sync(conn, user_id, since, limit, _HISTORY_COLUMNS)
    if not rows:
        return []
    at = _columns(tuple(rows[0].keys()))
    return [_snapshot(row, at) for row in rows]


def _reached_sync(conn: sqlite3.Connection, user_id: int, limit: int,
                  reach: HistoryReach, minimum: int = 0) -> list[MetricSnapshot]:
    """The snapshots of :func:`_history_sync` (no ``since``) that ``reach`` needs
    (:func:`~bot.domain.metrics.reach_back`): read newest first, one row at a time, each
    made into a snapshot only when asked for, and the statement ended as soon as enough
    are (a 52-week history whose latest snapshot gave all its totals: one or two rows, not
    52)."""
    cursor = conn.execute(
        f"SELECT {_HISTORY_COLUMNS} FROM snapshots WHERE user_id = ? AND {_ACTIVE} "  # noqa: S608
        f"ORDER BY {_ORDER_DESC} LIMIT ?", (user_id, max(0, limit)))
    try:
        at = _columns(tuple(d[0] for d in cursor.description))
        return reach_back((_snapshot(row, at) for row in cursor), reach, minimum)
    finally:
        cursor.close()


def _videos_sync(conn: sqlite3.Connection, user_id: int) -> list[Video]:
    return [_video(r) for r in conn.execute(
        "SELECT * FROM videos WHERE user_id = ? ORDER BY views DESC, video_id", (user_id,))]


def _audience_sync(conn: sqlite3.Connection, user_id: int) -> Audience:
    # One query for both tables.
    rows = conn.execute(
        "SELECT dimension AS kind, label, NULL AS hour, share AS value FROM audience_shares"
        " WHERE user_id = ? UNION ALL SELECT 'activity', day, hour, active_followers"
        " FROM audience_activity WHERE user_id = ?", (user_id, user_id)).fetchall()
    shares = sorted((r for r in rows if r["kind"] != "activity"),
                    key=lambda r: (-r["value"], r["label"]))
    activity = sorted((date.fromisoformat(r["label"]), int(r["hour"]), float(r["value"]))
                      for r in rows if r["kind"] == "activity")
    return Audience(
        territories=tuple((r["label"], r["value"]) for r in shares
                          if r["kind"] == "territory"),
        genders=tuple((r["label"], r["value"]) for r in shares if r["kind"] == "gender"),
        activity=tuple(activity),
    )


def _payouts_sync(conn: sqlite3.Connection, user_id: int) -> list[Payout]:
    rows = conn.execute(
        "SELECT * FROM payouts WHERE user_id = ? ORDER BY recorded_at, id", (user_id,))
    return [Payout(route=r["route"], amount=r["amount"], currency=r["currency"],
                   recorded_at=_dt(r["recorded_at"]), month=r["month"], views=r["views"],
                   diamonds=r["diamonds"], id=r["id"]) for r in rows]


def _guarded_insert(conn: sqlite3.Connection, user_id: int, changes: Mapping[str, float],
                    taken_at: datetime, guard: SnapshotGuard | None,
                    limit: int) -> MetricSnapshot:
    """``guard`` (if any) shown what it is shown (:data:`~bot.core.ports.SnapshotGuard`: of
    the latest ``limit`` snapshots, those back to where the latest one's 30-day totals were
    given, and the last two at least) and the day the snapshot goes on, then the snapshot of
    ``add_snapshot``; inside the caller's transaction."""
    zone = _zone_sync(conn, user_id)
    if guard is not None:
        guard(_guarded_snapshots(conn, user_id, limit), counted_day(taken_at, zone))
    return _insert_snapshot_sync(conn, user_id, changes, taken_at, "log", zone)


def _guarded_snapshots(conn: sqlite3.Connection, user_id: int,
                       limit: int) -> list[MetricSnapshot]:
    """The snapshots a /log's guard is shown (:data:`~bot.core.ports.SnapshotGuard`): of the
    latest ``limit``, those back to where the latest one's 30-day totals were given, and the
    last two at least."""
    return _reached_sync(conn, user_id, max(2, limit), HistoryReach.ORIGINS, 2)


def _add_then_history(conn: sqlite3.Connection, user_id: int, changes: Mapping[str, float],
                      taken_at: datetime, limit: int, guard: SnapshotGuard | None,
                      ) -> tuple[MetricSnapshot, list[MetricSnapshot]]:
    """:meth:`SqliteStore.add_snapshot_and_history` in the writer's thread: the guard and the
    write as ``add_snapshot`` makes it (committed; rolled back if the guard raises), then the
    read as ``history`` makes it."""
    snapshot = _transaction(conn, _guarded_insert, user_id, changes, taken_at, guard, limit)
    return snapshot, _history_sync(conn, user_id, None, limit)


def _first_snapshot_sync(conn: sqlite3.Connection, user_id: int,
                         changes: Mapping[str, float], taken_at: datetime,
                         ) -> tuple[MetricSnapshot, list[MetricSnapshot]]:
    """:func:`_insert_snapshot_sync` (a /log) and the history after it, as
    :func:`_add_then_history` makes them, for a user whose row the same transaction has just
    made: nothing points at a new id yet, so nothing is read. No settings (the default time
    zone, :func:`_zone_named`), no snapshot to merge into, no action before (this one is 1),
    no later row to carry it on, nothing to thin; the history is the snapshot alone, as
    :func:`_history_sync` would read it back (the values as SQLite's REAL columns give them,
    the moment from its stored text)."""
    day = _day_of(taken_at, _zone_named(None))
    snap = replace(MetricSnapshot.empty(taken_at).merged(dict(changes), taken_at),
                   day=_stored_day(day))
    stamp = _iso(taken_at)
    row = _snapshot_row(user_id, snap, stamp, "log", 1, day)
    conn.execute(_INSERT_SNAPSHOT, row)
    values = row[2:2 + len(METRIC_NAMES)]
    stored = _new_snapshot((_dt(stamp), *(None if v is None else float(v) for v in values),
                            _given(row[2 + len(METRIC_NAMES)]), "log", snap.day))
    return snap, [stored]


def _stored_as_given(changes: Mapping[str, float]) -> bool:
    """Whether SQLite gives each of ``changes`` back as it is, as a float (a finite float or
    int: a REAL column stores NaN as NULL), so :func:`_first_snapshot_sync` may write the
    history it reads back without reading it."""
    return all(value.__class__ in (float, int) and math.isfinite(value)
               for value in changes.values())


def _new_user_log_sync(
    conn: sqlite3.Connection, key: tuple[str, str], display_name: str, now: str,
    changes: Mapping[str, float], taken_at: datetime, limit: int, guard: SnapshotGuard | None,
) -> tuple[sqlite3.Row, bool, tuple[MetricSnapshot, list[MetricSnapshot]] | Exception]:
    """:meth:`SqliteStore.ensure_user_adding_snapshot`'s hop in the writer's thread, ONE
    transaction: the user's upsert (:func:`_upsert_user_row`), then the guard and the
    snapshot as :func:`_guarded_insert` makes them, and the history after it. For a row
    this upsert made nothing is read
    (:func:`_first_snapshot_sync`; the guard is shown no snapshot, and the day in the default
    time zone: no settings are stored for a new id). A guard that raises undoes the
    snapshot, not the user's row, as when the row was made before: its exception is
    returned with the row (committed), so the caller keeps the user in memory either way.
    Any other failure rolls back both. Returns (the user's row, whether this call made it,
    (snapshot, history) or the guard's exception)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        row, new = _upsert_user_row(conn, key, display_name, now)
        user_id = int(row["id"])
        zone = _zone_named(None) if new else _zone_sync(conn, user_id)
        try:
            if guard is not None:
                guard([] if new else _guarded_snapshots(conn, user_id, limit),
                      counted_day(taken_at, zone))
        except Exception as exc:
            conn.execute("COMMIT")  # the user's row alone
            return row, new, exc
        if new and _stored_as_given(changes):
            done = _first_snapshot_sync(conn, user_id, changes, taken_at)
            conn.execute("COMMIT")
            return row, new, done
        snapshot = _insert_snapshot_sync(conn, user_id, changes, taken_at, "log", zone)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # (a failed COMMIT included: _transaction)
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise
    return row, new, (snapshot, _history_sync(conn, user_id, None, limit))


def _daily_series_sync(conn: sqlite3.Connection, user_id: int) -> dict[str, dict[date, float]]:
    out: dict[str, dict[date, float]] = {}
    for r in conn.execute(
            "SELECT day, series, value FROM studio_daily WHERE user_id = ? ORDER BY series, day",
            (user_id,)):
        out.setdefault(str(r["series"]), {})[date.fromisoformat(r["day"])] = r["value"]
    return out


def _goals_sync(conn: sqlite3.Connection, user_id: int) -> list[Goal]:
    return [_goal(r) for r in conn.execute(
        "SELECT * FROM goals WHERE user_id = ? ORDER BY created_at, metric", (user_id,))]


def _count_snapshots_sync(conn: sqlite3.Connection, user_id: int) -> int:
    row = conn.execute(
        f"SELECT count(*) FROM snapshots WHERE user_id = ? AND {_ACTIVE}",  # noqa: S608
        (user_id,)).fetchone()
    return int(row[0]) if row else 0


def _reads_sync(conn: sqlite3.Connection, user_id: int, wanted: Reads) -> UserReads:
    """:meth:`SqliteStore.reads`: the asked-for readers above, one after another. The latest
    snapshot is the last of the history when that is read too (the same query's first row)."""
    history = wanted.history
    if history is None:
        snapshots = None
    elif wanted.reach is HistoryReach.ALL:
        snapshots = _history_sync(conn, user_id, None, history)
    else:
        snapshots = _reached_sync(conn, user_id, history, wanted.reach)
    newest = None
    if wanted.latest and snapshots is not None and history:  # (read with a limit of 1+)
        newest = snapshots[-1] if snapshots else None
    elif wanted.latest:
        newest = _latest_sync(conn, user_id)
    return UserReads(
        history=snapshots,
        latest=newest,
        videos=_videos_sync(conn, user_id) if wanted.videos else None,
        audience=_audience_sync(conn, user_id) if wanted.audience else None,
        payouts=_payouts_sync(conn, user_id) if wanted.payouts else None,
        daily_series=_daily_series_sync(conn, user_id) if wanted.daily_series else None,
        goals=_goals_sync(conn, user_id) if wanted.goals else None,
        count_snapshots=(_count_snapshots_sync(conn, user_id) if wanted.count_snapshots
                         else None),
    )


#: Whether a user has rows of each unbounded read (:func:`_bounded_reads_sync`), in the order
#: videos, audience, payouts, daily series (parameters: user_id five times); each an index
#: seek on the table's primary key (``user_id`` first).
_HOLDS_UNBOUNDED = (
    "SELECT EXISTS (SELECT 1 FROM videos WHERE user_id = ?),"
    " EXISTS (SELECT 1 FROM audience_shares WHERE user_id = ?)"
    " OR EXISTS (SELECT 1 FROM audience_activity WHERE user_id = ?),"
    " EXISTS (SELECT 1 FROM payouts WHERE user_id = ?),"
    " EXISTS (SELECT 1 FROM studio_daily WHERE user_id = ?)")


def _bounded_reads_sync(conn: sqlite3.Connection, user_id: int, wanted: Reads,
                        ) -> tuple[UserReads, Reads | None]:
    """:func:`_reads_sync` of ``wanted`` as the event loop's thread may make it
    (:meth:`SqliteStore._read_here`): the reads of a bounded number of rows (the history
    with its limit, the latest snapshot, the goals, the snapshots' count, kept under
    :data:`MAX_SNAPSHOTS`), and of the unbounded ones (videos, audience, payouts, daily
    series: a creator's whole TikTok Studio export can be thousands of rows, tens of
    milliseconds of Python to read) those the user has no rows of, answered empty after one
    indexed check (:data:`_HOLDS_UNBOUNDED`). Returns (those reads, the unbounded reads
    still to make on a reader's thread, or None when there are none:
    :meth:`SqliteStore._read_rest`)."""
    unbounded = wanted.videos or wanted.audience or wanted.payouts or wanted.daily_series
    if not unbounded:
        return _reads_sync(conn, user_id, wanted), None
    bounded = replace(wanted, videos=False, audience=False, payouts=False, daily_series=False)
    videos, audience, payouts, daily = (
        bool(held) for held in conn.execute(_HOLDS_UNBOUNDED, (user_id,) * 5).fetchone())
    rest = Reads(videos=wanted.videos and videos, audience=wanted.audience and audience,
                 payouts=wanted.payouts and payouts,
                 daily_series=wanted.daily_series and daily)
    none = _nothing_read(Reads(videos=wanted.videos and not videos,
                               audience=wanted.audience and not audience,
                               payouts=wanted.payouts and not payouts,
                               daily_series=wanted.daily_series and not daily))
    read = replace(_reads_sync(conn, user_id, bounded), videos=none.videos,
                   audience=none.audience, payouts=none.payouts,
                   daily_series=none.daily_series)
    if rest.videos or rest.audience or rest.payouts or rest.daily_series:
        return read, rest
    return read, None


def _nothing_read(wanted: Reads) -> UserReads:
    """What :func:`_reads_sync` reads of ``wanted`` for a user with nothing stored (one the
    same call created: every table's rows point at a user row, so a new row has none)."""
    some = wanted.history is not None
    return UserReads(
        history=[] if some else None, latest=None,
        videos=[] if wanted.videos else None,
        audience=Audience() if wanted.audience else None,
        payouts=[] if wanted.payouts else None,
        daily_series={} if wanted.daily_series else None,
        goals=[] if wanted.goals else None,
        count_snapshots=0 if wanted.count_snapshots else None,
    )


def _user_row_sync(conn: sqlite3.Connection, key: tuple[str, str]) -> sqlite3.Row | None:
    """The account ``key``'s user row with their settings (``_USER_WITH_SETTINGS``), or
    None."""
    row: sqlite3.Row | None = conn.execute(_USER_WITH_SETTINGS, key).fetchone()
    return row


def _user_reading_sync(
    conn: sqlite3.Connection, key: tuple[str, str], user_id: int | None, settings: bool,
    wanted: Reads,
) -> tuple[sqlite3.Row | None, sqlite3.Row | None, tuple[UserReads, Reads | None] | None]:
    """:meth:`SqliteStore.find_user_reading`'s read: the user's row with their settings
    (``_USER_WITH_SETTINGS``) unless ``user_id`` is known, else their settings row if
    ``settings``; then ``wanted`` for them as :func:`_bounded_reads_sync` reads it (None: no
    such user). Returns (user row, settings row, reads)."""
    user_row = settings_row = None
    if user_id is None:
        user_row = _user_row_sync(conn, key)
        if user_row is None:
            return None, None, None
        user_id = int(user_row["id"])
    elif settings:
        settings_row = conn.execute("SELECT * FROM user_settings WHERE user_id = ?",
                                    (user_id,)).fetchone()
    return user_row, settings_row, _bounded_reads_sync(conn, user_id, wanted)


def _upsert_user_sync(conn: sqlite3.Connection, key: tuple[str, str], display_name: str,
                      now: str, wanted: Reads) -> tuple[sqlite3.Row, bool, UserReads]:
    """:meth:`SqliteStore.ensure_user_reading`'s hop in the writer's thread: the user's
    upsert (:func:`_upsert_user_row`), then ``wanted`` for them: nothing to read for a row
    it created (see :func:`_nothing_read`). Returns (row, whether it made it, the reads)."""
    row, new = _upsert_user_row(conn, key, display_name, now)
    if new:
        return row, new, _nothing_read(wanted)
    return row, new, _reads_sync(conn, int(row["id"]), wanted)


def _set_goals_sync(conn: sqlite3.Connection, user_id: int,
                    rows: Sequence[tuple[Any, ...]]) -> list[Goal]:
    """:meth:`SqliteStore.set_goals` in the writer's thread: the upserts in one transaction,
    then the goals after it."""
    def upsert(db: sqlite3.Connection) -> None:
        db.executemany(_UPSERT_GOAL, rows)

    _transaction(conn, upsert)
    return _goals_sync(conn, user_id)


#: Every connection's settings (autocommit mode: transactions are explicit).
_PRAGMAS = ("PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = 5000",
            "PRAGMA synchronous = NORMAL")


def _connect_sync(path: Path) -> sqlite3.Connection:
    """A plain connection for work done whole in a worker thread (one thread at a time)."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    for pragma in _PRAGMAS:
        db.execute(pragma)
    return db


#: How long (ms) a read on the event loop's thread (:meth:`SqliteStore._read_here`) waits
#: for a lock SQLite rarely makes a WAL reader wait for (another connection recovering the
#: WAL index, a checkpoint restarting the log) before it is made on a reader's thread: the
#: loop runs nothing else meanwhile.
_HERE_BUSY_MS = 50


def _connect_here(path: Path) -> sqlite3.Connection:
    """The connection of :meth:`SqliteStore._read_here`, opened by the thread that runs the
    event loop (and usable from it alone: ``check_same_thread``) beside the store's others,
    so it is the same file theirs are even if the file is renamed later; the schema touched
    now (which also opens the WAL), with a short busy timeout (:data:`_HERE_BUSY_MS`)."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.row_factory = sqlite3.Row
        for pragma in (*_PRAGMAS, f"PRAGMA busy_timeout = {_HERE_BUSY_MS}"):
            db.execute(pragma)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        db.close()
        raise
    return db


def _busy(exc: sqlite3.OperationalError) -> bool:
    """Whether ``exc`` is SQLite's SQLITE_BUSY or SQLITE_LOCKED (any extended code of
    either): a lock held elsewhere, not a fault of the read."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


async def _connect(path: Path) -> aiosqlite.Connection:
    db = await aiosqlite.connect(path, isolation_level=None)
    try:
        db.row_factory = sqlite3.Row
        for pragma in _PRAGMAS:
            await db.execute(pragma)
        # Touch the schema now, so a file that is not a database fails here, not later.
        async with _query(db, "SELECT count(*) FROM sqlite_master") as cur:
            await cur.fetchone()
    except BaseException:
        await db.close()  # else aiosqlite's worker thread keeps the process alive
        raise
    return db


class SqliteStore(TikTokTables):
    def __init__(self, path: Path, writer: aiosqlite.Connection,
                 readers: list[aiosqlite.Connection],
                 bulk: sqlite3.Connection | None = None, *,
                 here: sqlite3.Connection | None = None,
                 cache_size: int = CACHE_SIZE) -> None:
        self.path = path
        self._writer = writer
        self._write_lock = asyncio.Lock()
        self._all_readers = readers
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        for reader in readers:
            self._readers.put_nowait(reader)
        self._closed = False
        # Bounded, least recently used first out: no cliff where the whole cache empties.
        # Changed only after COMMIT under the write lock, or by a read made at once on the
        # event loop's thread (_read_here: nothing is written while it runs; never by one
        # made on a reader's thread, which a write may finish during).
        self._users: LRUCache[tuple[str, str], User] = LRUCache(maxsize=max(1, cache_size))
        self._settings_cache: LRUCache[int, UserSettings] = LRUCache(maxsize=max(1, cache_size))
        #: Accounts a read made at once on the event loop's thread just found no row for (a
        #: first-time user's first command asks for their language, then creates them):
        #: :meth:`ensure_user` then writes the row without reading again, and
        #: :meth:`find_user` answers None without reading (a person's commands sent together
        #: read the missing row once). An entry is true while it is kept: a user's row is
        #: made only by this store's upsert (:meth:`_upsert`), and once one has run in the
        #: writer's thread its entry is forgotten, even if the command that asked for it was
        #: cancelled meanwhile (shielded) or the hop failed after it; a read that finds the
        #: row forgets it too (:meth:`_found`). A read that finds no row while an upsert is
        #: in flight adds an entry the upsert's end forgets after it. Forgetting one is
        #: always safe: it costs one read.
        self._unknown: LRUCache[tuple[str, str], bool] = LRUCache(maxsize=max(1, cache_size))
        #: Bumped by every finished settings write (update_settings, /forget): a settings
        #: read asked for before one is not kept in memory (the write's own entry may have
        #: left the LRU cache meanwhile, and the read would come back stale).
        self._settings_writes = 0
        #: The guided_steps table in memory (this process is its only user, so it can't go
        #: stale): most commands ask "is a step waiting?", and the answer costs no I/O.
        #: (platform, chat, sender) -> (command, expires_at as stored); None: not loaded yet.
        self._steps: dict[tuple[str, str, str], tuple[str, str]] | None = None
        self._steps_generation = 0  # bumped when the table changed under the mirror
        #: When this store last deleted expired rows of each short-lived table.
        self._sweeps = SweepSchedule()
        self._bulk = bulk  # imports' own connection (opened on first use if not given)
        #: The connection of :meth:`_read_here` (:func:`_connect_here`, opened with the
        #: others by :func:`open_store`; None once closed), used only on the event loop's
        #: thread.
        self._here = here
        self._lock: InstanceLock | None = None  # set by open_store; released by close()

    # -- plumbing ---------------------------------------------------------------------------

    @asynccontextmanager
    async def _write(
        self, on_commit: Callable[[], None] | None = None
    ) -> AsyncIterator[aiosqlite.Connection]:
        """One transaction: BEGIN IMMEDIATE … COMMIT, rolled back on any error. ``on_commit``
        runs after COMMIT, still under the write lock: the in-memory caches change in the same
        critical section as the rows they mirror, so no racing command sees one without the
        other."""
        async with self._write_lock:
            db = self._writer
            try:
                await db.execute("BEGIN IMMEDIATE")
                yield db
                await db.execute("COMMIT")  # (a failed COMMIT is rolled back too)
            except BaseException:
                # Also on cancellation: aiosqlite runs queued statements in order, so this
                # ROLLBACK follows whatever the cancelled caller had already queued.
                with contextlib.suppress(sqlite3.Error):
                    await asyncio.shield(db.execute("ROLLBACK"))
                raise
            if on_commit is not None:
                on_commit()

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[aiosqlite.Connection]:
        db = await self._readers.get()
        try:
            yield db
        finally:
            self._readers.put_nowait(db)

    def _read_here(self, fn: Callable[..., _T], *args: Any) -> _T:
        """``fn(connection, *args)`` run at once on the calling thread (the event loop's), in
        one read transaction (:func:`_read_transaction`) on a connection of its own: for the
        reads a command makes before it works (the user, their settings, the bounded reads it
        declares: :meth:`find_user_reading`, :meth:`ensure_user_reading`, :meth:`reads`,
        :func:`_bounded_reads_sync`), indexed queries of a bounded number of one person's
        rows. A hop to aiosqlite's worker thread costs more CPU than they do (about 40-60 µs
        on this project's machine: the worker's wake-up, the GIL passed back and forth, the
        event loop woken through its self-pipe: about five thread switches), and the loop
        would wait for the answer anyway; the GIL means the worker's Python (turning rows
        into objects) never ran beside the loop's. Reads of unbounded size are not made
        here: the loop would stall for all of them (:meth:`_read_rest`). In WAL mode a
        reader never waits for the writer; SQLite's rarer waits are cut short
        (:data:`_HERE_BUSY_MS`) and raise ``sqlite3.OperationalError``
        (:meth:`_read_quick`). Writes stay in the writer's thread (they can wait for
        SQLite's write lock). Raises ValueError once the store is closed."""
        if self._here is None:
            raise ValueError("the store is closed")
        return _read_transaction(self._here, fn, *args)

    async def _read_quick(self, fn: Callable[..., _T], *args: Any) -> tuple[_T, bool]:
        """``fn(connection, *args)`` at once on this thread (:meth:`_read_here`) or, when
        SQLite kept it waiting (:func:`_busy`), in one read transaction on a reader's thread.
        Returns (its result, whether it was read at once here): only a read made at once may
        fill the caches, as no write finishes while it runs."""
        try:
            return self._read_here(fn, *args), True
        except sqlite3.OperationalError as exc:
            if not _busy(exc):
                raise
        async with self._read() as db:
            return await _in_thread(db, _read_transaction, fn, *args), False

    async def _read_rest(self, user_id: int, read: UserReads,
                         rest: Reads | None) -> UserReads:
        """``read`` with the unbounded reads of ``rest`` (:func:`_bounded_reads_sync`) made
        in ONE hop to a reader's thread (none when ``rest`` is None); kept nowhere."""
        if rest is None:
            return read
        async with self._read() as db:
            more = await _in_thread(db, _read_transaction, _reads_sync, user_id, rest)
        return replace(read, videos=more.videos if rest.videos else read.videos,
                       audience=more.audience if rest.audience else read.audience,
                       payouts=more.payouts if rest.payouts else read.payouts,
                       daily_series=more.daily_series if rest.daily_series
                       else read.daily_series)

    async def _reads_of(self, user_id: int, wanted: Reads) -> UserReads:
        """:meth:`reads`: the bounded reads at once on this thread, the unbounded ones the user
        has rows of in one hop to a reader's thread (:func:`_bounded_reads_sync`)."""
        (read, rest), _ = await self._read_quick(_bounded_reads_sync, user_id, wanted)
        return await self._read_rest(user_id, read, rest)

    async def _migrate(self) -> None:
        db = self._writer
        async with _query(db, "PRAGMA user_version") as cur:
            row = await cur.fetchone()
        current = int(row[0]) if row else 0
        known = _migration_files()
        latest = known[-1][0] if known else 0
        if current > latest:
            raise StoreError(
                f"{self.path} was written by a newer Creator Advisor (schema {current}, "
                f"this version knows {latest}); upgrade the bot instead of downgrading"
            )
        for version, name, entry in known:
            if version <= current:
                continue
            sql = entry.read_text(encoding="utf-8")
            rebuild = sql.startswith(_FOREIGN_KEYS_OFF)
            if rebuild:  # a no-op inside a transaction, so set before BEGIN
                await db.execute("PRAGMA foreign_keys = OFF")
            try:
                async with self._write() as tx:
                    for statement in _statements(sql):
                        await tx.execute(statement)
                    if version in _AFTER_MIGRATION:
                        await _in_thread(tx, _AFTER_MIGRATION[version])
                    if rebuild:
                        async with _query(tx, "PRAGMA foreign_key_check") as cur:
                            broken = list(await cur.fetchall())
                        if broken:
                            raise StoreError(
                                f"migration {name} would leave {len(broken)} row(s) pointing at"
                                f" nothing (first: {tuple(broken[0])}); nothing was changed")
                    await tx.execute(f"PRAGMA user_version = {version}")
            finally:
                if rebuild:
                    await db.execute("PRAGMA foreign_keys = ON")

    # -- users ------------------------------------------------------------------------------

    async def ensure_user(self, platform: str, platform_user_id: str, display_name: str) -> User:
        """The stored user for a platform account, created on first sight; its display name
        follows the platform's. Writes only when the row is new or the name changed: a user
        the cache has forgotten costs one indexed read."""
        key = (platform, platform_user_id)
        cached = self._users.get(key)
        if cached is not None and cached.display_name == display_name:
            return cached  # every command calls this: no write when nothing changed
        if cached is None and self._unknown.pop(key, None) is None:
            row, here = await self._read_quick(_user_row_sync, key)
            if row is not None and row["display_name"] == display_name:
                return self._found(key, row) if here else _user(row)
        user, _ = await self._upsert(key, display_name, Reads())
        return user

    async def _upsert(self, key: tuple[str, str], display_name: str,
                      wanted: Reads) -> tuple[User, UserReads]:
        """The account ``key``'s row made, or its display name updated, then ``wanted`` for
        them, in ONE hop to the writer's thread (:func:`_upsert_user_sync`; the upsert is one
        statement, its own transaction), and the user kept in memory (:meth:`_upserted`).
        Shielded: once asked for, the write and what follows it in memory run to the end
        even if the caller is cancelled (else a row made by a cancelled command would leave
        its account remembered as missing: :attr:`_unknown`); if the hop fails, whether the
        row was made is not known, and the account is not remembered as missing."""
        now = _iso(datetime.now(UTC))

        async def write() -> tuple[User, UserReads]:
            async with self._write_lock:
                try:
                    row, new, read = await _in_thread(self._writer, _upsert_user_sync, key,
                                                      display_name, now, wanted)
                except BaseException:
                    self._unknown.pop(key, None)
                    raise
                return self._upserted(key, row, new), read

        return await asyncio.shield(write())

    def _upserted(self, key: tuple[str, str], row: sqlite3.Row, new: bool) -> User:
        """The user of ``ensure_user``'s upsert (``row``; ``new``: the upsert made it), kept
        in memory: called once it is committed, still under the write lock, as /forget
        evicts."""
        user = _user(row)
        self._users[key] = user
        self._unknown.pop(key, None)
        if new:  # a new id has no settings stored, so they are the defaults
            self._settings_cache.setdefault(user.id, _settings(None))
        return user

    async def ensure_user_reading(self, platform: str, platform_user_id: str,
                                  display_name: str, wanted: Reads) -> tuple[User, UserReads]:
        """A user found in memory: the reads as :meth:`reads` makes them (the bounded ones at
        once on this thread). One a read just found missing (the dispatcher asked for their
        language): the upsert and the reads in ONE hop to the writer's thread, with nothing
        to read for a row it created (:meth:`_upsert`). Otherwise :meth:`ensure_user`, then
        the reads as :meth:`reads`."""
        key = (platform, platform_user_id)
        cached = self._users.get(key)
        if cached is not None and cached.display_name == display_name:
            return cached, await self._reads_of(cached.id, wanted)
        if cached is None and key in self._unknown:
            return await self._upsert(key, display_name, wanted)
        user = await self.ensure_user(platform, platform_user_id, display_name)
        return user, await self._reads_of(user.id, wanted)

    async def find_user_reading(self, platform: str, platform_user_id: str,
                                wanted: Reads) -> KnownUser | None:
        """:meth:`find_user` (kept in memory as it keeps it), their settings and the bounded
        reads of ``wanted`` in one read transaction, at once on this thread
        (:meth:`_read_here`: no hop), the unbounded reads the user has rows of in one hop
        to a reader's thread (:func:`_bounded_reads_sync`); what is in memory is not read
        again."""
        key = (platform, platform_user_id)
        cached = self._users.get(key)
        settings = None if cached is None else self._settings_cache.get(cached.id)
        (user_row, settings_row, reading), here = await self._read_quick(
            _user_reading_sync, key, None if cached is None else cached.id, settings is None,
            wanted)
        if reading is None:
            if here:
                self._unknown[key] = True
            return None
        read, rest = reading
        if cached is None:  # kept in memory as find_user keeps what it reads
            assert user_row is not None
            if here:
                user = self._found(key, user_row)
                kept = self._settings_cache.get(user.id)  # (a fresher entry wins)
            else:
                user, kept = _user(user_row), None
            found = KnownUser(user, _with_settings(user_row) if kept is None else kept, read)
        else:
            if settings is None:
                settings = _settings(settings_row)
                if here:  # (made at once: no write finished while it was read)
                    settings = self._settings_cache.setdefault(cached.id, settings)
            found = KnownUser(cached, settings, read)
        if rest is None:
            return found
        return replace(found, reads=await self._read_rest(found.user.id, read, rest))

    async def find_user(self, platform: str, platform_user_id: str) -> User | None:
        """The stored user, or None. A user read from the file is kept in memory with their
        settings, read in the same query at once on this thread (:meth:`_read_here`: the
        dispatcher asks for both, then ``ensure_user`` for the user again: one read where
        there were three hops). An account a read just found missing (:attr:`_unknown`) is
        not read again."""
        key = (platform, platform_user_id)
        cached = self._users.get(key)
        if cached is not None:  # evicted by /forget under the write lock: never stale
            return cached
        if key in self._unknown:
            return None
        row, here = await self._read_quick(_user_row_sync, key)
        if row is None:
            if here:
                self._unknown[key] = True
            return None
        return self._found(key, row) if here else _user(row)

    def _found(self, key: tuple[str, str], row: sqlite3.Row) -> User:
        """The user of ``row`` (``_USER_WITH_SETTINGS``, read at once by :meth:`_read_here`:
        no write finished since), kept in memory with their settings, and no longer
        remembered as missing (:attr:`_unknown`): :meth:`find_user`, :meth:`ensure_user` and
        :meth:`find_user_reading`."""
        user = _user(row)
        self._unknown.pop(key, None)
        self._settings_cache.setdefault(user.id, _with_settings(row))
        return self._users.setdefault(key, user)

    # -- snapshots --------------------------------------------------------------------------

    async def add_snapshot(
        self, user_id: int, changes: Mapping[str, float], taken_at: datetime
    ) -> MetricSnapshot:
        _need_metrics(changes)
        # The whole transaction (BEGIN, read, insert, carry on, bound, COMMIT) in ONE hop to
        # the writer's thread, where statement by statement it took nine.
        async with self._write_lock:
            return await _in_thread(self._writer, _transaction, _insert_snapshot_sync,
                                    user_id, changes, taken_at, "log")

    async def add_snapshot_and_history(
        self, user_id: int, changes: Mapping[str, float], taken_at: datetime, *, limit: int,
        guard: SnapshotGuard | None = None,
    ) -> tuple[MetricSnapshot, list[MetricSnapshot]]:
        _need_metrics(changes)
        # The guard's read and add_snapshot's transaction, then history's read once it is
        # committed, in ONE hop.
        async with self._write_lock:
            return await _in_thread(self._writer, _add_then_history, user_id, changes,
                                    taken_at, limit, guard)

    async def ensure_user_adding_snapshot(
        self, platform: str, platform_user_id: str, display_name: str,
        changes: Mapping[str, float], taken_at: datetime, *, limit: int,
        guard: SnapshotGuard | None = None,
    ) -> tuple[User, MetricSnapshot, list[MetricSnapshot]]:
        """The upsert of :meth:`ensure_user` and :meth:`add_snapshot_and_history` in ONE hop
        to the writer's thread and one transaction (:func:`_new_user_log_sync`): for a row
        it makes, nothing is read. As :meth:`_upsert`, shielded, and the user kept in memory
        once committed (also when the guard raised: its exception is raised after)."""
        _need_metrics(changes)
        key = (platform, platform_user_id)
        now = _iso(datetime.now(UTC))

        async def write() -> tuple[User, MetricSnapshot, list[MetricSnapshot]]:
            async with self._write_lock:
                try:
                    row, new, done = await _in_thread(self._writer, _new_user_log_sync, key,
                                                      display_name, now, changes, taken_at,
                                                      limit, guard)
                except BaseException:
                    self._unknown.pop(key, None)
                    raise
                user = self._upserted(key, row, new)
            if isinstance(done, Exception):
                raise done
            return user, *done

        return await asyncio.shield(write())

    async def _insert_snapshot(
        self, db: aiosqlite.Connection, user_id: int, changes: Mapping[str, float],
        taken_at: datetime, source: str,
    ) -> MetricSnapshot:
        """One snapshot as its own action, inside the caller's transaction: ``/log``
        (``source`` "log") and a TikTok sync ("sync") write through here."""
        return await _in_thread(db, _insert_snapshot_sync, user_id, changes, taken_at, source)

    async def latest_snapshot(self, user_id: int) -> MetricSnapshot | None:
        async with self._read() as db:
            return await _in_thread(db, _latest_sync, user_id)

    async def history(
        self, user_id: int, *, since: datetime | None = None, limit: int | None = None
    ) -> list[MetricSnapshot]:
        async with self._read() as db:
            return await _in_thread(db, _history_sync, user_id, since, limit)

    async def entries(
        self, user_id: int, *, since: datetime | None = None, limit: int | None = None
    ) -> list[SnapshotEntry]:
        async with self._read() as db:
            return await _in_thread(db, _entries_sync, user_id, since, limit)

    async def reads(self, user_id: int, wanted: Reads) -> UserReads:
        # The bounded queries asked for at once, on this thread (_read_here), the unbounded
        # ones in one hop to a reader's thread; each as its own method runs it (the same
        # functions).
        return await self._reads_of(user_id, wanted)

    async def count_snapshots(self, user_id: int) -> int:
        async with self._read() as db:
            return await _in_thread(db, _count_snapshots_sync, user_id)

    async def last_action(self, user_id: int) -> list[SnapshotEntry]:
        async with self._read() as db, _query(db,
            f"SELECT * FROM snapshots WHERE user_id = ? AND {_ACTIVE} AND action = "  # noqa: S608
            f"({_LATEST_ACTION}) ORDER BY {_ORDER}", (user_id, user_id, user_id),
        ) as cur:
            return _entries(list(await cur.fetchall()))

    async def studio_imports(self, user_id: int) -> list[StudioRecord]:
        from bot.store import studio_undo

        async with self._read() as db, _query(db,
            "SELECT * FROM studio_imports WHERE user_id = ? ORDER BY action", (user_id,),
        ) as cur:
            return [studio_undo.record(r) for r in await cur.fetchall()]

    async def daily_series(self, user_id: int) -> dict[str, dict[date, float]]:
        async with self._read() as db:
            return await _in_thread(db, _daily_series_sync, user_id)

    async def replaced_by(self, user_id: int, action: int) -> int:
        async with self._read() as db, _query(db,
            "SELECT count(*) FROM snapshots WHERE user_id = ? AND replaced_by = ?",
            (user_id, action),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def undo_action(self, user_id: int, action: int) -> int:
        from bot.store import studio_undo

        async with self._write() as db:
            async with db.execute(
                "DELETE FROM snapshots WHERE user_id = ? AND action = ?", (user_id, action)
            ) as cur:
                removed = max(cur.rowcount, 0)
            await db.execute(
                "UPDATE snapshots SET replaced_by = NULL, replaced_day = NULL "
                "WHERE user_id = ? AND replaced_by = ?", (user_id, action),
            )
            await _recarry(db, user_id)
            async with _query(db,
                "SELECT tbl, row_key, row_data FROM studio_before WHERE user_id = ? "
                "AND action = ?", (user_id, action),
            ) as cur:
                before = [(r[0], r[1], r[2]) for r in await cur.fetchall()]
            for step in studio_undo.restores(before):
                where = " AND ".join(f"{c} = ?" for c in step.key)
                await db.execute(f"DELETE FROM {step.table} WHERE user_id = ? AND {where}",  # noqa: S608
                                 (user_id, *step.key.values()))
                if step.row is not None:
                    await db.execute(
                        f"INSERT INTO {step.table} (user_id, {', '.join(step.row)}) "  # noqa: S608
                        f"VALUES (?, {', '.join('?' * len(step.row))})",
                        (user_id, *step.row.values()))
            for table in ("studio_before", "studio_imports"):
                await db.execute(f"DELETE FROM {table} WHERE user_id = ? AND action = ?",  # noqa: S608
                                 (user_id, action))
        return removed

    async def remove_snapshots(self, user_id: int, ids: Sequence[int]) -> int:
        if not ids:
            return 0
        async with self._write() as db:
            # The imported rows these hid (an earlier import of the same day, and the rows that
            # one hid, …) go with them: a day removed here never comes back by undoing the
            # import that had replaced it.
            hidden: list[int] = []
            frontier = list(ids)
            while frontier:
                async with _query(db, _HIDDEN_SAME_DAY.format(
                        user="?", ids=f"IN ({', '.join('?' * len(frontier))})"),
                        (user_id, *frontier)) as cur:
                    frontier = [int(r[0]) for r in await cur.fetchall()
                                if int(r[0]) not in hidden]
                hidden.extend(frontier)
            async with db.execute(
                f"DELETE FROM snapshots WHERE user_id = ? AND id IN "  # noqa: S608
                f"({', '.join('?' * len(ids))})", (user_id, *ids),
            ) as cur:
                removed = max(cur.rowcount, 0)
            if hidden:
                await db.execute(
                    f"DELETE FROM snapshots WHERE user_id = ? AND id IN "  # noqa: S608
                    f"({', '.join('?' * len(hidden))})", (user_id, *hidden),
                )
            await _recarry(db, user_id)
        return removed

    async def imported_days(self, user_id: int) -> set[date]:
        async with self._read() as db, _query(db, _IMPORTED_DAYS.format("?"), (user_id,)) as cur:
            return _import_days(await cur.fetchall())

    # -- settings ---------------------------------------------------------------------------

    async def get_settings(self, user_id: int) -> UserSettings:
        cached = self._settings_cache.get(user_id)
        if cached is not None:
            return cached  # this process is the only writer, so the cache cannot go stale
        generation = self._settings_writes
        async with self._read() as db, _query(db,
            "SELECT * FROM user_settings WHERE user_id = ?", (user_id,)
        ) as cur:
            row = await cur.fetchone()
        settings = _settings(row)
        if generation != self._settings_writes:
            # a settings write or a /forget finished while this read was in flight: its
            # answer may be older than the write, so keep nothing (the write's, if kept, wins)
            fresher = self._settings_cache.get(user_id)
            return settings if fresher is None else fresher
        # setdefault: an update that finished while this read was in flight wins.
        return self._settings_cache.setdefault(user_id, settings)

    async def update_settings(self, user_id: int, changes: Mapping[str, Any]) -> UserSettings:
        unknown = set(changes) - set(_SETTINGS_KEYS)
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        merged: dict[str, Any] = {}

        def remember() -> None:
            self._settings_cache[user_id] = UserSettings(**merged)
            self._settings_writes += 1

        async with self._write(remember) as db:
            async with _query(db,
                "SELECT * FROM user_settings WHERE user_id = ?", (user_id,)
            ) as cur:
                row = await cur.fetchone()
            current = _settings(row)
            merged.update((key, changes.get(key, getattr(current, key))) for key in _SETTINGS_KEYS)
            adult = merged["adult"]
            merged["does"] = frozenset(merged["does"] or ())
            await db.execute(
                "INSERT INTO user_settings (user_id, currency, timezone, region, adult, does, "
                "age, handle, niche, language, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO "
                "UPDATE SET currency = excluded.currency, timezone = excluded.timezone, "
                "region = excluded.region, adult = excluded.adult, does = excluded.does, "
                "age = excluded.age, handle = excluded.handle, niche = excluded.niche, "
                "language = excluded.language, updated_at = excluded.updated_at",
                (user_id, merged["currency"], merged["timezone"], merged["region"],
                 None if adult is None else int(bool(adult)),
                 ",".join(sorted(merged["does"])) or None, merged["age"],
                 merged["handle"], merged["niche"], merged["language"],
                 _iso(datetime.now(UTC))),
            )
            zone = UserSettings(**merged).zone
            if zone != current.zone:  # the creator's days are another zone's now
                await _in_thread(db, _relocalized_sync, user_id, zone)
        return UserSettings(**merged)

    # -- goals ------------------------------------------------------------------------------

    async def set_goal(
        self, user_id: int, metric: str, target: float, deadline: date | None, now: datetime
    ) -> Goal:
        async with self._write() as db:
            await db.execute(_UPSERT_GOAL, (user_id, metric, float(target),
                                            None if deadline is None else deadline.isoformat(),
                                            _iso(now)))
        return Goal(metric, target, deadline, now.astimezone(UTC))

    async def set_goals(self, user_id: int, targets: Mapping[str, float],
                        deadline: date | None, now: datetime) -> list[Goal]:
        # BEGIN, the upserts, COMMIT and the goals' read in ONE hop (set_goal's write is three)
        day = None if deadline is None else deadline.isoformat()
        rows = [(user_id, metric, float(target), day, _iso(now))
                for metric, target in targets.items()]
        async with self._write_lock:
            return await _in_thread(self._writer, _set_goals_sync, user_id, rows)

    async def goals(self, user_id: int) -> list[Goal]:
        async with self._read() as db:
            return await _in_thread(db, _goals_sync, user_id)

    async def clear_goals(self, user_id: int) -> int:
        async with self._write() as db, db.execute(
            "DELETE FROM goals WHERE user_id = ?", (user_id,)
        ) as cur:
            return max(cur.rowcount, 0)

    # -- import -----------------------------------------------------------------------------

    async def import_snapshots(
        self, user_id: int, rows: Sequence[tuple[datetime, Mapping[str, float]]],
        also: Callable[[sqlite3.Connection, int], None] | None = None, *,
        now: datetime | None = None,
    ) -> int:
        if not rows and also is None:
            return 0
        recorded = now or datetime.now(UTC)
        # The whole transaction (read what is stored, merge, rewrite) runs in one worker
        # thread call on a connection of its own, under the single-writer lock: a year of
        # rows neither blocks the event loop nor pays a thread hop per statement.
        async with self._write_lock:
            # (the executor's future itself, not asyncio.to_thread's coroutine in a task of
            # its own: two event-loop turns fewer on the way back)
            work = asyncio.get_running_loop().run_in_executor(None, functools.partial(
                contextvars.copy_context().run, self._import_in_thread, user_id, rows, also,
                recorded))
            try:
                return await asyncio.shield(work)
            except asyncio.CancelledError:
                await asyncio.wait([work])  # a thread can't be stopped: hold the lock till done
                raise

    def _import_in_thread(
        self, user_id: int, rows: Sequence[tuple[datetime, Mapping[str, float]]],
        also: Callable[[sqlite3.Connection, int], None] | None = None,
        recorded: datetime | None = None,
    ) -> int:
        recorded = recorded or datetime.now(UTC)
        if self._bulk is None:
            self._bulk = _connect_sync(self.path)
        db = self._bulk
        # Every row written here is the one user's: their row is checked once below, not by a
        # foreign-key lookup per snapshot row (a tenth of a large import's time). Other tables
        # (``also``) keep the per-row checks. (The pragma cannot change inside a transaction.)
        checked_once = also is None
        if checked_once:
            db.execute("PRAGMA foreign_keys = OFF")
        db.execute("BEGIN IMMEDIATE")
        try:
            found, next_action, count = db.execute(_IMPORT_START, (user_id,) * 3).fetchone()
            if checked_once and found is None:
                raise sqlite3.IntegrityError("FOREIGN KEY constraint failed")
            action = int(next_action)
            # One read of the user's active rows, as plain tuples (no sqlite3.Row per row):
            # what earlier imports of the same days hold, and the rows to carry values over.
            # A user with no snapshot row at all (``count``, hidden rows included: a first
            # import) has none to read, and the statement is not prepared.
            stored: list[tuple[Any, ...]] = []
            if count:
                plain = db.cursor()
                plain.row_factory = None
                stored = plain.execute(
                    f"SELECT id, source, {_SNAPSHOT_COLUMNS}, dated, day, import_day, wall "  # noqa: S608
                    f"FROM snapshots WHERE user_id = ? AND {_ACTIVE} ORDER BY {_ORDER}",
                    (user_id,),
                ).fetchall()
            # Every row's day is the creator's, in their time zone (a clean file's rows, each
            # dated by day alone, keep their dates, up to the day of this import there); a day
            # imported again replaces (hides) the earlier imported rows of that day; see
            # _imported_before. (A first import of a clean file whose last date has begun
            # in every time zone by now reads no zone: its days are its dates.)
            zone = (_zone_sync(db, user_id) if stored or not isinstance(rows, DailyColumns)
                    or not _begun_everywhere(rows, recorded) else UTC)
            ordered = _in_order(rows, zone)
            earlier, replaced = _imported_before(
                (dict(zip(_STORED_KEYS, r, strict=True)) for r in stored if r[1] == "import"),
                ordered, zone)
            if replaced:  # (an executemany of no rows still prepares its statement)
                db.executemany("UPDATE snapshots SET replaced_by = ?, replaced_day = ? "
                               "WHERE id = ?", [(action, day, row_id) for day, row_id in replaced])
            gone = {row_id for _day, row_id in replaced}
            kept = [r for r in stored if r[0] not in gone]
            first = None if stored or not ordered else _uniform_columns(ordered)
            if first is not None:
                # A first import of the usual file (no active row stored to carry values from or
                # into, nor replaced; every row typing the same metrics): its rows are
                # what it typed, written column by column as they came, without a tuple of
                # every metric per row to take apart again.
                written = len(ordered) if first else 0  # (no metric on any row: no row)
                if written:
                    dated = _dated(ordered)
                    each: dict[str, Sequence[Any]] = {
                        "taken_at": _stamps(ordered), **first,
                        "day": _days(ordered, zone, recorded),
                        "import_day": _days(ordered, zone), "wall": _walls(ordered)}
                    shared: dict[str, Any] = {"user_id": user_id,
                                              "given": ",".join(sorted(first)),
                                              "source": "import", "action": action,
                                              "recorded_at": _iso(recorded)}
                    if len(set(dated)) == 1:  # (every row dated by day, or none)
                        shared["dated"] = dated[0]
                    else:
                        each["dated"] = dated
                    _insert_columns(db, each, shared)
            else:
                # (a first import whose rows are not uniform was found so just above: row by
                # row, without _import_rows asking _uniform_columns again)
                rows_for = _import_rows if stored or not ordered else _import_rows_by_row
                rows_out, changed = _carried_import(
                    kept, rows_for(user_id, ordered, earlier, action, zone, recorded))
                written = len(rows_out)
                _insert_snapshots(db, rows_out)
                if changed:
                    db.executemany(_UPDATE_VALUES, changed)
            # The rows it counts: those read above and the ones just written (none are deleted,
            # the replaced ones are hidden), without counting the new rows again in the index.
            _thin_if_needed_sync(db, user_id, count + written)
            if also is not None:  # more rows of the same import, in the same transaction
                also(db, action)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        else:
            db.execute("COMMIT")
        finally:
            if checked_once:
                db.execute("PRAGMA foreign_keys = ON")
        return len(rows)

    async def import_studio(
        self, user_id: int, rows: Sequence[tuple[datetime, Mapping[str, float]]],
        studio: StudioImport, *, now: datetime | None = None,
    ) -> int:
        """A TikTok Studio import: ``rows`` (snapshots) merged like :meth:`import_snapshots`,
        and its videos (updated by video id), audience shares and active hours (replaced by
        a new file of their kind) and extra daily series, all in ONE transaction and one
        action, with what it replaced kept for /undo (:mod:`bot.store.studio_undo`)."""
        from bot.store import studio_undo

        at = _iso(now or datetime.now(UTC))

        def write_studio(db: sqlite3.Connection, action: int) -> None:
            current = {table: [{k: r[k] for k in r.keys() if k != "user_id"}  # noqa: SIM118
                               for r in db.execute(f"SELECT * FROM {table} "  # noqa: S608
                                                   "WHERE user_id = ?", (user_id,))]
                       for table in studio_undo.KEYS}
            plan = studio_undo.plan_write(studio, current)
            db.execute("INSERT INTO studio_imports (user_id, action, imported_at, files,"
                       " videos_added, videos_updated, audience, daily_days)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       studio_undo.record_row(user_id, action, at, plan))
            db.executemany("INSERT INTO studio_before (user_id, action, tbl, row_key, row_data)"
                           " VALUES (?, ?, ?, ?, ?)",
                           [(user_id, action, b.table, b.key, b.data) for b in plan.before])
            db.executemany(
                "INSERT INTO videos (user_id, video_id, title, link, posted_on, as_of, views,"
                " likes, comments, shares, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (user_id, video_id) DO UPDATE SET title = excluded.title,"
                " link = excluded.link, posted_on = excluded.posted_on,"
                " as_of = excluded.as_of, views = excluded.views, likes = excluded.likes,"
                " comments = excluded.comments, shares = excluded.shares,"
                " updated_at = excluded.updated_at, source = 'import'",
                [(user_id, v.video_id, v.title, v.link,
                  None if v.posted_on is None else v.posted_on.isoformat(), v.as_of.isoformat(),
                  v.views, v.likes, v.comments, v.shares, at) for v in studio.videos])
            as_of = studio.downloaded.isoformat()
            for dimension, shares in (("territory", studio.territories),
                                      ("gender", studio.genders)):
                if shares:
                    db.execute("DELETE FROM audience_shares WHERE user_id = ? AND dimension = ?",
                               (user_id, dimension))
                    db.executemany(
                        "INSERT OR REPLACE INTO audience_shares (user_id, dimension, label,"
                        " share, as_of) VALUES (?, ?, ?, ?, ?)",
                        [(user_id, dimension, label, share, as_of) for label, share in shares])
            if studio.activity:
                db.execute("DELETE FROM audience_activity WHERE user_id = ?", (user_id,))
                db.executemany(
                    "INSERT OR REPLACE INTO audience_activity (user_id, day, hour,"
                    " active_followers) VALUES (?, ?, ?, ?)",
                    [(user_id, d.isoformat(), h, a) for d, h, a in studio.activity])
            db.executemany(
                "INSERT OR REPLACE INTO studio_daily (user_id, day, series, value)"
                " VALUES (?, ?, ?, ?)",
                [(user_id, d.isoformat(), name, value) for d, name, value in studio.extra_daily()])

        return await self.import_snapshots(user_id, rows, also=write_studio, now=now)

    async def videos(self, user_id: int) -> list[Video]:
        async with self._read() as db:
            return await _in_thread(db, _videos_sync, user_id)

    async def audience(self, user_id: int) -> Audience:
        async with self._read() as db:
            return await _in_thread(db, _audience_sync, user_id)

    # -- payouts ----------------------------------------------------------------------------

    async def add_payout(self, user_id: int, payout: Payout) -> Payout:
        async with self._write() as db, db.execute(
            "INSERT INTO payouts (user_id, route, amount, currency, month, views, diamonds, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (user_id, payout.route, payout.amount, payout.currency, payout.month, payout.views,
             payout.diamonds, _iso(payout.recorded_at)),
        ) as cur:
            new_id = cur.lastrowid
        return replace(payout, id=new_id)

    async def remove_payout(self, user_id: int, payout_id: int) -> bool:
        async with self._write() as db, db.execute(
            "DELETE FROM payouts WHERE user_id = ? AND id = ?", (user_id, payout_id),
        ) as cur:
            return cur.rowcount > 0

    async def payouts(self, user_id: int) -> list[Payout]:
        async with self._read() as db:
            return await _in_thread(db, _payouts_sync, user_id)

    # -- rate card --------------------------------------------------------------------------

    async def pin_prices(self, user_id: int, prices: Mapping[str, float], currency: str,
                         now: datetime) -> None:
        async with self._write() as db:
            await db.executemany(
                "INSERT INTO rate_card (user_id, deliverable, amount, currency, set_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, deliverable) DO UPDATE SET "
                "amount = excluded.amount, currency = excluded.currency, "
                "set_at = excluded.set_at",
                [(user_id, k, float(v), currency, _iso(now)) for k, v in prices.items()],
            )

    async def pinned_prices(self, user_id: int) -> list[PinnedPrice]:
        from bot.domain.ratecard import PinnedPrice  # (here: only the media kit reads them)

        async with self._read() as db, db.execute(
            "SELECT * FROM rate_card WHERE user_id = ? ORDER BY deliverable", (user_id,)
        ) as cur:
            rows = await cur.fetchall()
        return [PinnedPrice(r["deliverable"], r["amount"], r["currency"], _dt(r["set_at"]))
                for r in rows]

    async def unpin_prices(self, user_id: int) -> int:
        async with self._write() as db, db.execute(
            "DELETE FROM rate_card WHERE user_id = ?", (user_id,)
        ) as cur:
            return max(cur.rowcount, 0)

    # -- privacy ----------------------------------------------------------------------------

    async def forget_user(self, user_id: int) -> int:
        from bot.core.userdata import delete_statements

        keys: list[tuple[str, str]] = []

        def evict() -> None:  # after COMMIT, under the write lock (see _write)
            for key in keys:
                self._users.pop(key, None)
            self._settings_cache.pop(user_id, None)
            self._settings_writes += 1
            self._reload_steps()  # its guided steps went with it

        deleted = 0
        async with self._write(evict) as db:
            async with _query(db, "SELECT platform, platform_user_id FROM users WHERE id = ?",
                              (user_id,)) as found:
                keys.extend((r[0], r[1]) for r in await found.fetchall())
            await db.execute(
                "UPDATE subscriptions SET created_by = NULL WHERE created_by = ?", (user_id,)
            )
            for sql, binds in delete_statements("?"):  # the tables /forget's preview counts
                async with db.execute(sql, (user_id,) * binds) as cur:
                    deleted += max(cur.rowcount, 0)
        return deleted

    async def user_rows(self, user_id: int) -> dict[str, int]:
        from bot.core.userdata import count_statements

        counts: dict[str, int] = {}
        async with self._read() as db:
            for table, sql, binds in count_statements("?"):
                async with _query(db, sql, (user_id,) * binds) as cur:
                    row = await cur.fetchone()
                counts[table] = int(row[0]) if row else 0
        return counts

    async def export_user(self, user_id: int) -> dict[str, Any]:
        from bot.core.userdata import SHAPED_EXPORT, add_rows, export_statements

        async with self._read() as db:
            async with _query(db, "SELECT * FROM users WHERE id = ?", (user_id,)) as cur:
                user = await cur.fetchone()
            async with _query(db,
                "SELECT * FROM snapshots WHERE user_id = ? ORDER BY taken_at, id", (user_id,)
            ) as cur:
                snaps = await cur.fetchall()
            async with _query(db,
                "SELECT * FROM subscriptions WHERE user_id = ? OR created_by = ?",
                (user_id, user_id),
            ) as cur:
                subs = await cur.fetchall()
            async with _query(db,
                "SELECT * FROM user_settings WHERE user_id = ?", (user_id,)
            ) as cur:
                settings_row = await cur.fetchone()
            async with _query(db,
                "SELECT * FROM goals WHERE user_id = ? ORDER BY metric", (user_id,)
            ) as cur:
                goal_rows = await cur.fetchall()
            async with _query(db,
                "SELECT * FROM payouts WHERE user_id = ? ORDER BY recorded_at, id", (user_id,)
            ) as cur:
                payout_rows = await cur.fetchall()
            async with db.execute(  # never the tokens
                "SELECT open_id, display_name, scope, status, connected_at, last_sync_at"
                " FROM tiktok_connections WHERE user_id = ?", (user_id,),
            ) as cur:
                tiktok_row = await cur.fetchone()
            async with db.execute(
                "SELECT * FROM rate_card WHERE user_id = ? ORDER BY deliverable", (user_id,)
            ) as cur:
                price_rows = await cur.fetchall()
            tables = []
            for table, sql, binds in export_statements("?", SHAPED_EXPORT):
                async with _query(db, sql, (user_id,) * binds) as cur:
                    tables.append((table, [dict(r) for r in await cur.fetchall()]))
        settings = _settings(settings_row)
        export: dict[str, Any] = {
            "user": None if user is None else {
                "platform": user["platform"], "platform_user_id": user["platform_user_id"],
                "display_name": user["display_name"], "created_at": user["created_at"],
            },
            "settings": {key: (sorted(value) if isinstance(value, frozenset) else value)
                         for key in _SETTINGS_KEYS
                         for value in [getattr(settings, key)]},
            **_exported_snapshots(snaps),
            "tiktok": None if tiktok_row is None else dict(tiktok_row),
            # an income goal is stored (and exported) in US dollars a month: said beside it
            "goals": [{"metric": g["metric"], "target": g["target"],
                       "currency": "USD" if g["metric"] == "income" else None,
                       "deadline": g["deadline"]} for g in goal_rows],
            "payouts": [{k: p[k] for k in ("route", "amount", "currency", "month", "views",
                                           "diamonds", "recorded_at")} for p in payout_rows],
            "rate_card": [{k: p[k] for k in ("deliverable", "amount", "currency", "set_at")}
                          for p in price_rows],
            "subscriptions": [
                {k: s[k] for k in s.keys() if k not in ("user_id", "created_by")}  # noqa: SIM118
                for s in subs
            ],
        }
        for table, rows in tables:  # the per-user tables not shaped above, row by row
            add_rows(export, table, rows)
        return export

    # -- weekly posts -----------------------------------------------------------------------

    async def save_subscription(
        self, *, platform: str, chat_id: str, chat_kind: str, kind: str, user_id: int | None,
        created_by: int | None, weekday: int, local_time: str, timezone: str,
        topics: tuple[str, ...], next_run_at: datetime, thread_id: str | None = None,
        language: str | None = None,
    ) -> Subscription:
        async with self._write() as db:
            await db.execute(
                "DELETE FROM subscriptions WHERE platform = ? AND chat_id = ? AND kind = ?"
                " AND user_id IS ?", (platform, chat_id, kind, user_id),
            )
            async with _query(db,
                "INSERT INTO subscriptions (platform, chat_id, chat_kind, kind, user_id,"
                " created_by, weekday, local_time, timezone, topics, active, next_run_at,"
                " created_at, thread_id, language)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING *",
                (platform, chat_id, chat_kind, kind, user_id, created_by, weekday, local_time,
                 timezone, ",".join(topics), _iso(next_run_at), _iso(datetime.now(UTC)),
                 thread_id, language),
            ) as cur:
                row = await cur.fetchone()
        assert row is not None
        return _subscription(row)

    async def subscriptions_for_chat(self, platform: str, chat_id: str) -> list[Subscription]:
        async with self._read() as db, _query(db,
            "SELECT * FROM subscriptions WHERE platform = ? AND chat_id = ? ORDER BY id",
            (platform, chat_id),
        ) as cur:
            return [_subscription(r) for r in await cur.fetchall()]

    async def delete_subscription(
        self, platform: str, chat_id: str, kind: str, user_id: int | None
    ) -> bool:
        async with self._write() as db, db.execute(
            "DELETE FROM subscriptions WHERE platform = ? AND chat_id = ? AND kind = ?"
            " AND user_id IS ?", (platform, chat_id, kind, user_id),
        ) as cur:
            return cur.rowcount > 0

    async def due_subscriptions(
        self, now: datetime, limit: int = 1000, *, after: tuple[datetime, int] | None = None,
        platform: str | None = None, chat_id: str | None = None,
    ) -> list[Subscription]:
        sql = "SELECT * FROM subscriptions WHERE active = 1 AND next_run_at <= ?"
        params: list[Any] = [_iso(now)]
        if after is not None:
            sql += " AND (next_run_at, id) > (?, ?)"
            params += [_iso(after[0]), after[1]]
        if platform is not None:
            sql += " AND platform = ?"
            params.append(platform)
        if chat_id is not None:
            sql += " AND chat_id = ?"
            params.append(chat_id)
        async with self._read() as db, _query(db,
            sql + " ORDER BY next_run_at, id LIMIT ?", (*params, limit),
        ) as cur:
            return [_subscription(r) for r in await cur.fetchall()]

    async def lease_due(
        self, now: datetime, until: datetime, *, platform: str, limit: int,
        chat_id: str | None = None,
    ) -> list[Subscription]:
        """One process per database file: a lease here only keeps the poster's stream from
        reading again a post it is already sending (see :meth:`Store.lease_due`)."""
        async with self._write() as db, _query(db,
            "UPDATE subscriptions SET lease_owner = 0, lease_until = ? WHERE id IN (SELECT id"
            " FROM subscriptions WHERE active = 1 AND next_run_at <= ? AND platform = ?"
            " AND (? IS NULL OR chat_id = ?)"
            " AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_run_at, id LIMIT ?)"
            " RETURNING *",
            (_iso(until), _iso(now), platform, chat_id, chat_id, _iso(now), limit),
        ) as cur:
            rows = [_subscription(r) for r in await cur.fetchall()]
        return sorted(rows, key=_due_order)

    async def release_leases(self) -> int:
        async with self._write() as db:
            cur = await db.execute("UPDATE subscriptions SET lease_owner = NULL,"
                                   " lease_until = NULL WHERE lease_owner IS NOT NULL")
            return max(cur.rowcount, 0)

    async def set_next_run(self, subscription_id: int, at: datetime) -> None:
        async with self._write() as db:
            await db.execute("UPDATE subscriptions SET next_run_at = ?, lease_owner = NULL,"
                             " lease_until = NULL WHERE id = ?", (_iso(at), subscription_id))

    async def deactivate_subscription(self, subscription_id: int, reason: str) -> None:
        async with self._write() as db:
            await db.execute(
                "UPDATE subscriptions SET active = 0, deactivated_reason = ? WHERE id = ?",
                (reason[:500], subscription_id),
            )

    async def set_paused(
        self, subscription_id: int, reason: str | None, now: datetime
    ) -> bool:
        """Pause (``reason``) or resume (None); True if that changed the subscription."""
        async with self._write() as db:
            if reason is None:
                sql = ("UPDATE subscriptions SET paused_reason = NULL, paused_at = NULL"
                       " WHERE id = ? AND paused_reason IS NOT NULL")
                params: tuple[Any, ...] = (subscription_id,)
            else:
                sql = ("UPDATE subscriptions SET paused_reason = ?,"
                       " paused_at = coalesce(paused_at, ?) WHERE id = ?"
                       " AND paused_reason IS NULL")
                params = (reason[:500], _iso(now), subscription_id)
            async with db.execute(sql, params) as cur:
                changed = cur.rowcount > 0
            if reason is not None and not changed:  # already paused: keep the latest reason
                await db.execute("UPDATE subscriptions SET paused_reason = ? WHERE id = ?",
                                 (reason[:500], subscription_id))
        return changed

    async def move_chat(self, platform: str, old_chat_id: str, new_chat_id: str,
                        chat_kind: str) -> int:
        """A chat got a new id (a Telegram group upgraded to a supergroup): move everything
        keyed by it, its subscriptions, its outbox rows (so a week already posted in the
        old chat counts for the new one) and its guided steps. A subscription the new chat
        already has wins over the moved one. Returns how many subscriptions moved."""
        if old_chat_id == new_chat_id:
            return 0
        old_key, new_key = f"{platform}:{old_chat_id}:", f"{platform}:{new_chat_id}:"
        async with self._write(self._reload_steps) as db:
            await db.execute(
                "UPDATE OR IGNORE posted_tips SET destination = ? || substr(destination, ?)"
                " WHERE substr(destination, 1, ?) = ?",
                (new_key, len(old_key) + 1, len(old_key), old_key),
            )
            async with db.execute(
                "UPDATE OR IGNORE subscriptions SET chat_id = ?, chat_kind = ?,"
                " thread_id = NULL WHERE platform = ? AND chat_id = ?",
                (new_chat_id, chat_kind, platform, old_chat_id),
            ) as cur:
                moved = max(cur.rowcount, 0)
            await db.execute("DELETE FROM subscriptions WHERE platform = ? AND chat_id = ?",
                             (platform, old_chat_id))
            await db.execute("UPDATE OR REPLACE guided_steps SET chat_id = ? WHERE platform = ?"
                             " AND chat_id = ?", (new_chat_id, platform, old_chat_id))
        return moved

    async def _guided(self) -> dict[tuple[str, str, str], tuple[str, str]]:
        while self._steps is None:
            generation = self._steps_generation
            async with self._read() as db, _query(
                    db, "SELECT platform, chat_id, sender_id, command, expires_at"
                        " FROM guided_steps") as cur:
                rows = await cur.fetchall()
            if generation == self._steps_generation:  # no move or /forget meanwhile
                self._steps = {(str(r[0]), str(r[1]), str(r[2])): (str(r[3]), str(r[4]))
                               for r in rows}
        return self._steps

    def _reload_steps(self) -> None:
        """The table changed in bulk (a chat moved, a /forget): read it again on next use."""
        self._steps = None
        self._steps_generation += 1

    async def await_message(self, platform: str, chat_id: str, sender_id: str, command: str,
                            expires_at: datetime, now: datetime) -> None:
        steps = await self._guided()
        key, until, cutoff = (platform, chat_id, sender_id), _iso(expires_at), _iso(now)

        def mirror() -> None:  # after COMMIT, under the write lock
            for old in [k for k, (_, at) in steps.items() if at < cutoff]:
                del steps[old]
            steps[key] = (command, until)

        sweep = self._sweeps.due("guided_steps", now)
        async with self._write(mirror) as db:
            if sweep:
                await db.execute("DELETE FROM guided_steps WHERE expires_at < ?", (cutoff,))
            await db.execute(
                "INSERT INTO guided_steps (platform, chat_id, sender_id, command, expires_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, chat_id, sender_id) DO UPDATE"
                " SET command = excluded.command, expires_at = excluded.expires_at",
                (*key, command, until))

    async def take_awaited(self, platform: str, chat_id: str, sender_id: str,
                           now: datetime) -> str | None:
        steps = await self._guided()
        key = (platform, chat_id, sender_id)
        step = steps.get(key)
        if step is None:  # the usual case: no I/O at all
            return None
        def mirror() -> None:
            steps.pop(key, None)

        async with self._write(mirror) as db, db.execute(
                "DELETE FROM guided_steps WHERE platform = ? AND chat_id = ?"
                " AND sender_id = ?", key) as cur:
            removed = cur.rowcount  # 0: a command racing this one took it first
        command, until = step
        return command if removed > 0 and until >= _iso(now) else None


    async def keep_button(self, platform: str, key: str, owner: str | None, data: str,
                          expires_at: datetime, now: datetime) -> None:
        sweep = self._sweeps.due("long_buttons", now)
        async with self._write() as db:
            if sweep:
                await db.execute("DELETE FROM long_buttons WHERE expires_at < ?", (_iso(now),))
            await db.execute(
                "INSERT INTO long_buttons (platform, key, owner, data, expires_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, key) DO UPDATE"
                " SET expires_at = max(expires_at, excluded.expires_at)",
                (platform, key, owner, data, _iso(expires_at)))

    async def button(self, platform: str, key: str, now: datetime) -> str | None:
        async with self._read() as db, _query(
                db, "SELECT data FROM long_buttons WHERE platform = ? AND key = ?"
                    " AND expires_at >= ?", (platform, key, _iso(now))) as cur:
            row = await cur.fetchone()
        return None if row is None else str(row[0])

    async def first_sight(self, platform: str, event_id: str, now: datetime, *,
                          keep: timedelta = SEEN_EVENTS_KEPT) -> bool:
        return event_id in await self.first_sights(platform, [event_id], now, keep=keep)

    async def first_sights(self, platform: str, event_ids: Sequence[str],
                           now: datetime, *, keep: timedelta = SEEN_EVENTS_KEPT) -> set[str]:
        if self._sweeps.due("seen_updates", now):
            async with self._write() as db:
                await db.execute("DELETE FROM seen_updates WHERE seen_at < ?",
                                 (_iso(now - SEEN_EVENTS_KEPT),))
        ids = list(dict.fromkeys(event_ids))
        if not ids:
            return set()
        # One statement, its own transaction (the writer is in autocommit mode): one hop to
        # the writer thread for all of them, instead of BEGIN, INSERT, COMMIT and the cursor.
        async with self._write_lock, _query(
                self._writer, "INSERT INTO seen_updates (platform, event_id, seen_at)"
                " SELECT ?, value, ? FROM json_each(?) WHERE true"
                " ON CONFLICT DO NOTHING RETURNING event_id",
                (platform, _iso(now + keep - SEEN_EVENTS_KEPT), json.dumps(ids))) as rows:
            return {str(r[0]) for r in await rows.fetchall()}

    async def user_by_id(self, user_id: int) -> User | None:
        async with self._read() as db, _query(db,
            "SELECT * FROM users WHERE id = ?", (user_id,)
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else _user(row)

    async def release_delivery(self, delivery_id: int) -> None:
        """Take back a claim that was never sent (a 429 or a stop before the send), so the
        week stays due; also one marked 'unknown' meanwhile (see the PostgreSQL store)."""
        async with self._write() as db:
            await db.execute("DELETE FROM posted_tips WHERE id = ?"
                             " AND status IN ('sending', 'unknown')", (delivery_id,))

    async def claim_delivery(
        self, subscription_id: int, week_key: str, rule_id: str | None, now: datetime
    ) -> int | None:
        async with self._write() as db, _query(db,
            "INSERT INTO posted_tips (subscription_id, user_id, destination, week_key, rule_id,"  # noqa: S608 (a constant expression; values are bound)
            " status, created_at) SELECT id, user_id, " + _DESTINATION + ", ?, ?, 'sending', ?"
            " FROM subscriptions WHERE id = ? ON CONFLICT DO NOTHING RETURNING id",
            (week_key, rule_id, _iso(now), subscription_id),
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else int(row[0])

    async def claim_in_progress(self, subscription_id: int, week_key: str) -> bool:
        async with self._read() as db, db.execute(
            "SELECT 1 FROM posted_tips WHERE week_key = ? AND status = 'sending' AND"  # noqa: S608 (a constant expression; values are bound)
            " destination = (SELECT " + _DESTINATION + " FROM subscriptions WHERE id = ?)",
            (week_key, subscription_id),
        ) as cur:
            return await cur.fetchone() is not None

    async def renew_worker(self) -> bool:
        """One process per database file, which holds the file's lock while it is open: its
        identity cannot be lost while it runs."""
        return False

    async def mark_attempt(self, delivery_id: int, now: datetime) -> bool:
        """As on PostgreSQL (one process here: the claim is this poster's if it still
        exists and is "sending")."""
        async with self._write() as db:
            cur = await db.execute("UPDATE posted_tips SET attempted_at = ? WHERE id = ?"
                                   " AND status = 'sending'", (_iso(now), delivery_id))
            return cur.rowcount == 1

    async def finish_delivery(
        self, delivery_id: int, status: str, now: datetime, error: str | None = None
    ) -> bool:
        if status not in ("sent", "failed", "skipped", "unknown"):
            raise ValueError(f"unknown delivery status {status!r}")
        async with self._write() as db:
            cur = await db.execute(
                "UPDATE posted_tips SET status = ?, error = ?, sent_at = ? WHERE id = ?"
                " AND status IN ('sending', 'unknown')",
                (status, None if error is None else error[:500],
                 _iso(now) if status == "sent" else None, delivery_id),
            )
            return cur.rowcount == 1

    async def settle_stale_claims(
        self, before: datetime, in_flight: Collection[int] = ()
    ) -> tuple[int, list[Delivery]]:
        keep = json.dumps(sorted(in_flight))
        stale = ("status = 'sending' AND created_at < ?"
                 " AND id NOT IN (SELECT value FROM json_each(?))")
        async with self._write() as db:
            async with db.execute(
                "DELETE FROM posted_tips WHERE attempted_at IS NULL AND " + stale,  # noqa: S608
                (_iso(before), keep),
            ) as cur:
                released = max(cur.rowcount, 0)
            async with _query(db,
                "UPDATE posted_tips SET status = 'unknown', error = 'the bot stopped while"  # noqa: S608
                " sending: it may or may not have arrived, and is not sent again'"
                " WHERE attempted_at IS NOT NULL AND " + stale + " RETURNING *",
                (_iso(before), keep),
            ) as cur:
                unknown = [_delivery(r) for r in await cur.fetchall()]
        return released, sorted(unknown, key=lambda d: d.id)

    async def recent_rules(self, subscription_id: int, limit: int) -> list[str]:
        async with self._read() as db, _query(db,
            "SELECT rule_id FROM posted_tips WHERE subscription_id = ? AND rule_id IS NOT NULL"
            " AND status IN ('sending', 'sent') ORDER BY created_at DESC, id DESC LIMIT ?",
            (subscription_id, limit),
        ) as cur:
            return [str(r[0]) for r in await cur.fetchall()]

    async def stale_deliveries(self, before: datetime) -> list[Delivery]:
        async with self._read() as db, _query(db,
            "SELECT * FROM posted_tips WHERE status = 'sending' AND created_at < ? ORDER BY id",
            (_iso(before),),
        ) as cur:
            return [_delivery(r) for r in await cur.fetchall()]

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            await self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            for db in (*self._all_readers, self._writer):
                await db.close()
            if self._bulk is not None:
                self._bulk.close()
            if self._here is not None:
                self._here.close()
                self._here = None  # (a read after close fails: _read_here)
            if self._lock is not None:
                self._lock.release()


def _settings(row: sqlite3.Row | None) -> UserSettings:
    if row is None:
        return UserSettings()
    defaults = UserSettings()
    return UserSettings(
        currency=row["currency"] or defaults.currency,
        timezone=row["timezone"] or defaults.timezone,
        region=row["region"],
        adult=None if row["adult"] is None else bool(row["adult"]),
        does=frozenset(filter(None, str(row["does"] or "").split(","))),
        age=row["age"],
        handle=row["handle"],
        niche=row["niche"],
        language=row["language"],
    )


def _due_order(sub: Subscription) -> tuple[datetime, int]:
    """Subscriptions in the order they fell due (``RETURNING`` keeps no order)."""
    assert sub.next_run_at is not None  # due, so it has one
    return sub.next_run_at, sub.id


def _subscription(row: sqlite3.Row) -> Subscription:
    return Subscription(
        id=row["id"], platform=row["platform"], chat_id=row["chat_id"],
        chat_kind=row["chat_kind"], kind=row["kind"], user_id=row["user_id"],
        created_by=row["created_by"], weekday=row["weekday"], local_time=row["local_time"],
        timezone=row["timezone"], topics=tuple(t for t in str(row["topics"]).split(",") if t),
        active=bool(row["active"]), deactivated_reason=row["deactivated_reason"],
        next_run_at=None if row["next_run_at"] is None else _dt(row["next_run_at"]),
        thread_id=row["thread_id"], paused_reason=row["paused_reason"],
        paused_at=None if row["paused_at"] is None else _dt(row["paused_at"]),
        language=row["language"],
    )


def _goal(row: sqlite3.Row) -> Goal:
    return Goal(
        metric=row["metric"], target=row["target"],
        deadline=None if row["deadline"] is None else date.fromisoformat(row["deadline"]),
        created_at=_dt(row["created_at"]),
    )


def _video(row: sqlite3.Row) -> Video:
    return Video(
        video_id=row["video_id"], title=row["title"], link=row["link"],
        posted_on=None if row["posted_on"] is None else date.fromisoformat(row["posted_on"]),
        as_of=date.fromisoformat(row["as_of"]), views=row["views"], likes=row["likes"],
        comments=row["comments"], shares=row["shares"],
        posted_at=None if row["posted_at"] is None else _dt(row["posted_at"]),
        duration=row["duration"], source=row["source"],
    )


def _delivery(row: sqlite3.Row) -> Delivery:
    return Delivery(
        id=row["id"], subscription_id=row["subscription_id"], week_key=row["week_key"],
        rule_id=row["rule_id"], status=row["status"], error=row["error"],
        created_at=_dt(row["created_at"]),
        sent_at=None if row["sent_at"] is None else _dt(row["sent_at"]),
    )


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (our migrations hold no ';' inside literals)."""
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _explain(exc: BaseException, path: Path) -> str | None:
    """What an OS or SQLite error at start really means, in one sentence, for the cases an
    operator must not mistake for a damaged file; ``None`` for anything else (a file that is
    really not a database)."""
    code = getattr(exc, "errno", None)
    name = str(getattr(exc, "sqlite_errorname", ""))  # e.g. SQLITE_IOERR_WRITE (Python 3.11+)
    text = str(exc).lower()
    if code == errno.ENOSPC or name.startswith("SQLITE_FULL") or "disk is full" in text \
            or ((name.startswith("SQLITE_IOERR") or "disk i/o error" in text) and _full(path)):
        return f"the disk holding {path} is full; free some space and start again"
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or name.startswith("SQLITE_READONLY") \
            or "readonly" in text or "read-only" in text:
        return (f"{path} or its folder is read-only for this user; the bot needs to write "
                "the database and its -wal, -shm and .lock files there")
    if name.startswith("SQLITE_CANTOPEN") or "unable to open database file" in text:
        return (f"cannot open {path}: its folder is missing or not writable, or the file "
                "is not a regular file")
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return (f"cannot read or write {path}: the disk reported an I/O error ({name or exc});"
                " check the disk and its free space")
    if code is not None:
        return f"cannot use {path}: {os.strerror(code)}"
    return None


def _full(path: Path) -> bool:
    """Whether the file system holding ``path`` has (almost) no room left."""
    try:
        return shutil.disk_usage(path.parent if path.parent.exists() else ".").free < 256 * 1024
    except OSError:
        return False


class InstanceLock:
    """An OS lock on ``<database>.lock``, held while a store is open: a second bot process on
    the same file is refused at start (two writers with their own caches would write stale
    settings and into the wrong accounts). The kernel drops it when the process dies, kill -9
    included, so a crash never leaves a lock behind. The file names the holder."""

    def __init__(self, fd: int, path: Path) -> None:
        self._fd = fd
        self.path = path

    @classmethod
    def acquire(cls, database: Path) -> InstanceLock:
        """Take the lock or raise :class:`StoreError` naming the process that holds it."""
        path = database.with_name(database.name + ".lock")
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 300, 0).decode("utf-8", "replace").strip() or "unknown"
            os.close(fd)
            raise StoreError(
                f"another Creator Advisor process ({holder}) is already using {database}; "
                "stop it first, or point DATABASE_URL at another file"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
                          .encode(), 0)
        return cls(fd, path)

    @classmethod
    def share(cls, database: Path, *, what: str) -> InstanceLock | None:
        """For a reader that must not change the folder (``db copy``'s source): a shared lock
        on the existing ``<database>.lock``, so no bot starts while it reads; ``None`` when
        there is no lock file (no bot ever ran on ``database``: none runs now). Never creates
        a file. Raises :class:`StoreError` naming the bot process that holds the file;
        ``what`` names ``database`` in that sentence."""
        path = database.with_name(database.name + ".lock")
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"cannot read {path}, which tells whether a bot is using {what} "
                             f"{database}: {exc.strerror}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 300, 0).decode("utf-8", "replace").strip() or "unknown"
            os.close(fd)
            raise StoreError(f"a Creator Advisor process ({holder}) is using {what} "
                             f"{database}; stop it first") from None
        except BaseException:
            os.close(fd)
            raise
        return cls(fd, path)

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = -1
#: A user's next action number (parameters: user_id twice): actions are numbered over the
#: snapshots and the TikTok Studio imports, which may write no snapshot.
_NEXT_ACTION_VALUE = ("max(coalesce((SELECT max(action) FROM snapshots WHERE user_id = ?), 0),"
                      " coalesce((SELECT max(action) FROM studio_imports WHERE user_id = ?), 0))"
                      " + 1")
_NEXT_ACTION = f"SELECT {_NEXT_ACTION_VALUE}"
#: What an import reads before it writes, in one statement (parameters: user_id three times):
#: 1 if the user's row exists (else NULL), their next action (:data:`_NEXT_ACTION`) and how many
#: snapshot rows they have, hidden ones included (:func:`_thin_if_needed_sync`'s count). The
#: count and the latest action come from one pass over the user's snapshot rows (an aggregate
#: without GROUP BY: one row, also for none).
_IMPORT_START = ("SELECT (SELECT 1 FROM users WHERE id = ?), max(coalesce(max(action), 0),"
                 " coalesce((SELECT max(action) FROM studio_imports WHERE user_id = ?), 0)) + 1,"
                 " count(*) FROM snapshots WHERE user_id = ?")


async def _recarry(db: aiosqlite.Connection, user_id: int) -> None:
    """Recompute carried-forward values of all the user's active snapshots (after a removal)."""
    async with _query(db,
        f"SELECT * FROM snapshots WHERE user_id = ? AND {_ACTIVE} ORDER BY {_ORDER}",  # noqa: S608
        (user_id,),
    ) as cur:
        rows = list(await cur.fetchall())
    changed = _recarried(rows)
    if changed:
        await db.executemany(_UPDATE_VALUES, changed)


def _thin_plan(rows: Sequence[sqlite3.Row], hidden: int = 0,
               ) -> tuple[list[tuple[int]], list[tuple[str, int]]]:
    """For one user's active snapshots in order (see :data:`_ORDER`), what bounding them by
    :func:`_thinned` means: the ids to delete and ``(given, id)`` for the kept rows whose typed
    fields now include those of the rows they stand for. ``hidden``: the replaced rows kept
    beside them (those the latest import's /undo brings back), which count toward
    :data:`MAX_SNAPSHOTS` too, so the active rows get the rest of it (at least one: one
    import's replaced rows, at most one a date since 2016, stay far below the bound). Empty
    when under the bound."""
    limit = max(MAX_SNAPSHOTS - hidden, 1)
    if len(rows) <= limit:
        return [], []
    keys = [(r["id"], str(r["day"]), str(r["given"])) for r in rows]
    kept = _thinned(keys, limit)
    kept_ids = {k[0] for k in kept}
    before = {k[0]: k[2] for k in keys}
    return ([(k[0],) for k in keys if k[0] not in kept_ids],
            [(k[2], k[0]) for k in kept if k[2] != before[k[0]]])


_THIN_COUNT = "SELECT count(*) FROM snapshots WHERE user_id = ?"
#: The replaced rows no /undo of the latest import brings back: those replaced by an earlier
#: import than the latest one that replaced anything (parameters: user_id twice).
_THIN_HIDDEN = ("DELETE FROM snapshots WHERE user_id = ? AND replaced_by < "
                "(SELECT max(replaced_by) FROM snapshots WHERE user_id = ?)")
_THIN_HIDDEN_LEFT = "SELECT count(*) FROM snapshots WHERE user_id = ? AND replaced_by IS NOT NULL"
_THIN_ROWS = (f"SELECT id, day, given FROM snapshots WHERE user_id = ? AND {_ACTIVE} "  # noqa: S608
              f"ORDER BY {_ORDER}")
_THIN_DELETE = "DELETE FROM snapshots WHERE id = ?"
_THIN_GIVEN = "UPDATE snapshots SET given = ? WHERE id = ?"


def _thin_if_needed_sync(db: sqlite3.Connection, user_id: int, count: int | None = None) -> None:
    """Keep a user's stored history bounded (inside the caller's write, on the connection
    itself, in its worker thread): past :data:`MAX_SNAPSHOTS` rows, the hidden (replaced) rows
    no /undo of the latest import brings back go first (those an earlier import replaced: once
    the latest is undone, undoing that earlier one restores nothing, as its preview counts);
    the rows the latest import replaced are never deleted, so its /undo restores exactly them.
    If still past the bound, old active rows are thinned by :func:`_thinned` to what the kept
    hidden rows leave of it. Their values already carry forward, so nothing is recomputed.
    ``count``: the user's snapshot rows, hidden ones included, when the caller knows it (else
    counted here)."""
    if count is None:
        count = db.execute(_THIN_COUNT, (user_id,)).fetchone()[0]
    if count <= MAX_SNAPSHOTS:
        return
    count -= max(db.execute(_THIN_HIDDEN, (user_id, user_id)).rowcount, 0)
    if count <= MAX_SNAPSHOTS:
        return
    hidden = int(db.execute(_THIN_HIDDEN_LEFT, (user_id,)).fetchone()[0])
    deletes, updates = _thin_plan(db.execute(_THIN_ROWS, (user_id,)).fetchall(), hidden)
    db.executemany(_THIN_DELETE, deletes)
    db.executemany(_THIN_GIVEN, updates)


async def open_store(url: str, *, readers: int = 2, cache_size: int = CACHE_SIZE) -> SqliteStore:
    """Open (creating if needed) the database at ``url`` and bring its schema up to date.

    Raises :class:`StoreError` with one sentence when the file cannot be used: another bot
    process holds it, the folder is read-only, the disk is full, or it is not our database.
    """
    path = parse_database_url(url)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(_explain(exc, path.parent)
                         or f"cannot create the folder for {path}: {exc.strerror}") from exc
    try:
        lock = await asyncio.to_thread(InstanceLock.acquire, path)
    except OSError as exc:
        raise StoreError(_explain(exc, path) or f"cannot use {path}: {exc}") from exc
    try:
        store = await _open_locked(path, readers, cache_size)
    except BaseException:
        lock.release()
        raise
    store._lock = lock
    return store


async def _open_locked(path: Path, readers: int, cache_size: int) -> SqliteStore:
    connections: list[aiosqlite.Connection] = []
    try:
        writer = await _connect(path)
        connections.append(writer)
        async with writer.execute("PRAGMA journal_mode = WAL") as cur:
            await cur.fetchone()
        store = SqliteStore(path, writer, [])
        await store._migrate()
        for _ in range(max(1, readers)):
            connections.append(await _connect(path))
        bulk = await asyncio.to_thread(_connect_sync, path)
        try:
            # On the event loop's thread, which alone uses it (_read_here); now, beside the
            # others: opened later by path, it could be another file (one renamed since).
            here = _connect_here(path)
        except BaseException:
            bulk.close()
            raise
        return SqliteStore(path, writer, connections[1:], bulk, here=here,
                           cache_size=cache_size)
    except sqlite3.DatabaseError as exc:
        for db in connections:
            await db.close()
        if reason := _explain(exc, path):
            raise StoreError(reason) from exc
        raise StoreError(
            f"{path} is not a Creator Advisor database ({exc}); move it away or point "
            "DATABASE_URL at another file"
        ) from exc
    except BaseException:
        for db in connections:
            await db.close()
        raise
