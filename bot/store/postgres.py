"""The Store on PostgreSQL via asyncpg: several bot workers share one database.

Same contract and semantics as :mod:`bot.store.sqlite` (the contract suite runs on both): one
transaction per write, ids never reused (identity sequences), imports all or nothing, /forget
deletes every row, the same ordering of snapshots and the same thinning bound. What differs:

- **No per-process truth.** Nothing about users or settings is cached: every worker reads what
  every other worker wrote, at once. (``ensure_user`` reads first and writes only when the
  user is new or renamed, so the common case stays one indexed read.)
- **Writes to one user serialise** on a transaction-level advisory lock keyed by the user id
  (two workers logging for one creator would otherwise both read the same "previous snapshot"
  and both take the same action number).
- **Weekly-post claims** are ``INSERT … ON CONFLICT DO NOTHING`` on the unique
  (destination, ISO week) key: of any number of workers, one gets the claim. Each claim names
  its worker (``owner``), which holds a session advisory lock while it runs; a claim whose
  owner is gone (killed, its connection closed) is settled at once, a live worker's claim only
  by that worker (or past the lease the poster passes as ``before``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import secrets
from collections.abc import AsyncIterator, Collection, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from importlib import resources
from typing import Any, Final

import asyncpg

from bot.core.ports import (
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
    UserGone,
    UserReads,
)
from bot.core.userdata import (
    SHAPED_EXPORT,
    add_rows,
    count_statements,
    delete_statements,
    export_statements,
)
from bot.domain.daily import counted_day
from bot.domain.metrics import (
    EARLIER_WEEKS,
    METRIC_NAMES,
    HistoryReach,
    MetricSnapshot,
    reach_back,
)
from bot.domain.payouts import Payout
from bot.domain.profile import UserSettings
from bot.domain.ratecard import PinnedPrice
from bot.domain.studio import Audience, StudioImport, Video
from bot.store import studio_undo
from bot.store.pg_tiktok import PgTikTokTables
from bot.store.sqlite import (
    _ACTIONS_OF_USER,
    _ACTIVE,
    _AFTER_MIGRATION,
    _CREATORS,
    _DAYS_OF_USER,
    _HIDDEN_SAME_DAY,
    _IMPORTED_DAYS,
    _IMPORTS_OF_USER,
    _ORDER,
    _ORDER_DESC,
    _SETTINGS_KEYS,
    _SNAPSHOT_COLUMNS,
    MAX_SNAPSHOTS,
    _columns,
    _day_of,
    _delivery,
    _dt,
    _due_order,
    _entries,
    _exported_snapshots,
    _goal,
    _import_days,
    _import_rows,
    _imported_before,
    _in_order,
    _iso,
    _moved_days,
    _need_metrics,
    _recarried,
    _recorded_imports,
    _replaced_days,
    _settings,
    _snapshot,
    _statements,
    _stored_day,
    _subscription,
    _thin_plan,
    _user,
    _video,
    _zone_named,
    _zone_of,
)
from bot.store.urls import postgres_url_problem, redacted

_Conn = Any  # asyncpg.Connection (asyncpg ships no type information)

#: A weekly post's destination (see the SQLite store): one post per destination and ISO week.
_DESTINATION = "platform || ':' || chat_id || ':' || kind || ':' || coalesce(user_id::text, '')"
#: The keys of the workers alive now: each holds its key's session advisory lock (one bigint,
#: so ``objsubid`` 1) on this database while it runs.
_LIVE_WORKERS = (
    "SELECT ((l.classid::bigint << 32) | l.objid::bigint) AS worker_key FROM pg_locks AS l"
    " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.database ="
    " (SELECT oid FROM pg_database WHERE datname = current_database())")
_PLACEHOLDERS = ", ".join(f"${i}" for i in range(1, len(METRIC_NAMES) + 6))
_INSERT_SNAPSHOT = (f"INSERT INTO snapshots (user_id, {_SNAPSHOT_COLUMNS}, source, action, "  # noqa: S608
                    f"day, recorded_at) VALUES ({_PLACEHOLDERS}, ${len(METRIC_NAMES) + 6}, "
                    f"${len(METRIC_NAMES) + 7})")
#: An import's rows (:func:`~bot.store.sqlite._import_rows`: ``dated``, ``day``,
#: ``import_day``, ``recorded_at`` and ``wall`` last).
_INSERT_IMPORTED = (f"INSERT INTO snapshots (user_id, {_SNAPSHOT_COLUMNS}, source, action, "  # noqa: S608
                    f"dated, day, import_day, recorded_at, wall) VALUES ({_PLACEHOLDERS}, "
                    + ", ".join(f"${n}" for n in range(len(METRIC_NAMES) + 6,
                                                        len(METRIC_NAMES) + 11)) + ")")
#: A /log's action (the next one, as :func:`_next_action`) and the creator's stored time
#: zone (whose day it is on), in one round trip (parameter: the user's id).
_ACTION_AND_ZONE = (
    "SELECT greatest(coalesce((SELECT max(action) FROM snapshots WHERE user_id = $1), 0),"
    " coalesce((SELECT max(action) FROM studio_imports WHERE user_id = $1), 0)) + 1,"
    " (SELECT timezone FROM user_settings WHERE user_id = $1)")
_UPDATE_VALUES = ("UPDATE snapshots SET "  # noqa: S608
                  + ", ".join(f"{n} = ${i}" for i, n in enumerate(METRIC_NAMES, 1))
                  + f" WHERE id = ${len(METRIC_NAMES) + 1}")
#: Seconds :meth:`PostgresStore.renew_worker` waits for the holder connection to answer before
#: taking it for lost (a half-open connection after a failover answers never).
HOLDER_CHECK_SECONDS = 10.0
#: Advisory-lock namespace of the migration runner (one worker migrates, the others wait).
_MIGRATION_LOCK = 0x43_41_4D_49  # "CAMI"
#: The table that records which schema versions are applied.
_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)
#: Every table the bot keeps, parents first (``db copy`` and /forget follow this order).
TABLES = ("users", "user_settings", "snapshots", "goals", "subscriptions", "posted_tips",
          "videos", "audience_shares", "audience_activity", "studio_daily", "payouts",
          "tiktok_connections", "tiktok_auth_states", "video_totals", "rate_card",
          "studio_imports", "studio_before", "guided_steps", "long_buttons", "seen_updates")




def _migrations() -> list[tuple[int, str, str]]:
    """``(version, file name, SQL)`` of ``pg_migrations/`` in version order."""
    found = []
    for entry in resources.files("bot.store").joinpath("pg_migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    found.sort()
    for (a, a_name, _), (b, b_name, _) in itertools.pairwise(found):
        if a == b:
            raise StoreError(f"migrations {a_name} and {b_name} share version {a}")
    return found


def _affected(status: str) -> int:
    """The row count of a command status such as ``DELETE 3`` or ``INSERT 0 1``."""
    try:
        return int(status.rsplit(" ", 1)[-1])
    except (ValueError, IndexError):
        return 0


#: Rows :func:`_reached_in` fetches first; each further fetch, only when the rows fetched so
#: far were all read, twice as many (a /log whose latest snapshot gave its totals: one
#: fetch of a few rows, never the 104 of a two-year history).
_FIRST_PAGE: Final = 4


#: The first page of /stats' read (:attr:`~bot.domain.metrics.HistoryReach.STATS`): a weekly
#: logger's latest snapshot and the starts of the latest week and the
#: :data:`~bot.domain.metrics.EARLIER_WEEKS` steps before it (a daily logger's ~64 rows take
#: three fetches: 10, 20, 40).
_STATS_PAGE: Final = 2 + EARLIER_WEEKS


async def _reached_in(db: _Conn, user_id: int, limit: int, reach: HistoryReach,
                      minimum: int = 0, first: int = _FIRST_PAGE) -> list[MetricSnapshot]:
    """The snapshots of the latest ``limit`` that ``reach`` needs
    (:func:`~bot.domain.metrics.reach_back`, with ``minimum``), on ``db`` (inside the
    caller's transaction, so the pages are of one history), as the SQLite store's
    ``_reached_sync`` reads them a row at a time: newest first, ``first`` rows
    (:data:`_FIRST_PAGE` unless given), and a further page (twice the last) only when
    reach_back asked for a row after the last one fetched; each row made into a snapshot
    once."""
    rows: list[Any] = []
    made: list[MetricSnapshot] = []  # the rows made into snapshots so far, newest first
    page = first
    while True:
        more = await db.fetch(
            f"SELECT * FROM snapshots WHERE user_id = $1 AND {_ACTIVE} "  # noqa: S608
            f"ORDER BY {_ORDER_DESC} LIMIT $2 OFFSET $3", user_id,
            max(0, min(page, limit - len(rows))), len(rows))
        rows.extend(more)
        if not rows:
            return []
        at = _columns(tuple(rows[0].keys()))
        ran_out = False

        def counted(at: Any = at) -> Iterator[MetricSnapshot]:
            nonlocal ran_out
            for i, row in enumerate(rows):
                if i == len(made):  # (each row made once, whatever the pages)
                    made.append(_snapshot(row, at))
                yield made[i]
            ran_out = True  # reach_back asked for a row after the last fetched

        shown = reach_back(counted(), reach, minimum)
        if not ran_out or len(more) < page or len(rows) >= limit:
            return shown  # (it stopped before the end, or there is no more to read)
        page *= 2


async def _read_entries(db: _Conn, user_id: int, since: datetime | None,
                   limit: int | None) -> list[SnapshotEntry]:
    """:meth:`PostgresStore.entries` on ``db`` (a pooled connection or a transaction's)."""
    sql = f"SELECT * FROM snapshots WHERE user_id = $1 AND {_ACTIVE}"  # noqa: S608
    params: list[Any] = [user_id]
    if since is not None:  # the creator's day of it or after (as the SQLite store)
        params.append(_day_of(since, await _zone(db, user_id)))
        sql += f" AND day >= ${len(params)}"
    sql += f" ORDER BY {_ORDER_DESC}"
    if limit is not None:
        params.append(max(0, limit))
        sql += f" LIMIT ${len(params)}"
    rows = await db.fetch(sql, *params)
    return _entries(rows[::-1])


#: ``set_goal``'s write, one goal ($1 user_id, $2 metric, $3 target, $4 deadline,
#: $5 created_at); ``set_goals`` runs it for each.
_UPSERT_GOAL = (
    "INSERT INTO goals (user_id, metric, target, deadline, created_at)"
    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, metric) DO UPDATE SET"
    " target = excluded.target, deadline = excluded.deadline,"
    " created_at = excluded.created_at")


class PostgresStore(PgTikTokTables):
    """The Store on a PostgreSQL pool. Build it with :func:`open_postgres_store`."""

    def __init__(self, url: str, pool: Any, holder: _Conn, worker: int) -> None:
        self.url = url
        self._pool = pool
        self._holder = holder  # holds the worker's session advisory lock while open
        #: This worker's key: its "sending" claims carry it, and it is locked while we live.
        self.worker = worker
        self._closed = False
        #: Set when the holder connection is known to be gone (asyncpg's termination listener,
        #: or a failed check): from then on the key's lock may be free, so the other workers
        #: treat this one as dead; it claims nothing more under that key.
        self._holder_lost = False
        self._holder_guard = asyncio.Lock()  # one query at a time on the holder connection
        holder.add_termination_listener(self._on_holder_closed)
        #: When this worker last deleted expired rows of each short-lived table.
        self._sweeps = SweepSchedule()

    # -- plumbing ---------------------------------------------------------------------------

    @property
    def _holder_gone(self) -> bool:
        """Whether the lock-holding connection is known lost: the termination listener said
        so, or asyncpg already has it closed (its listener runs a moment later, after a
        callback of the event loop: a claim must not slip through that moment)."""
        return self._holder_lost or self._holder.is_closed()

    def _on_holder_closed(self, connection: _Conn) -> None:
        """asyncpg's termination listener: the lock-holding connection closed (terminated by an
        admin or ``idle_session_timeout``, a failover, a network cut)."""
        if connection is self._holder and not self._closed:
            self._holder_lost = True

    async def renew_worker(self) -> bool:
        """Make sure this worker still holds its key's advisory lock before it claims more:
        one round trip on the holder connection (``HOLDER_CHECK_SECONDS`` at most; it also
        keeps that connection from idling). When the holder is gone, the other workers see
        this one as dead (its claims and leases are theirs to settle and take), so it takes a
        new key on a new holder connection: its claims under the old key are no longer its
        own (:meth:`mark_attempt` refuses them). True when the key changed. Raises
        :class:`StoreError` when no new holder can be had (then nothing more is claimed)."""
        async with self._holder_guard:
            if not self._holder_lost and not self._holder.is_closed():
                try:
                    await self._holder.fetchval("SELECT 1", timeout=HOLDER_CHECK_SECONDS)
                    return False
                except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
                    pass
            self._holder_lost = True
            self._holder.terminate()
            holder, worker = await _take_worker_key(self.url)
            self._holder, self.worker, self._holder_lost = holder, worker, False
            holder.add_termination_listener(self._on_holder_closed)
            return True

    @asynccontextmanager
    async def _write(self, user_id: int | None = None) -> AsyncIterator[_Conn]:
        """One transaction (committed on success, rolled back on any error); with ``user_id``,
        serialised with every other write to that user, in any worker, and raising
        :class:`UserGone` when a row it writes points at that user and a /forget (in another
        worker) deleted the user since the command found them."""
        async with self._pool.acquire() as db:
            try:
                async with db.transaction():
                    if user_id is not None:
                        # Two-int keys (user writes: namespace 1) never meet the one-bigint
                        # worker keys.
                        await db.execute("SELECT pg_advisory_xact_lock(1, ($1::bigint % "
                                         "2147483647)::int)", user_id)
                    yield db
            except asyncpg.ForeignKeyViolationError as exc:
                # /forget takes the same lock: if the user is gone now, it ran in between.
                if user_id is not None and not await db.fetchval(
                        "SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)", user_id):
                    raise UserGone(f"user {user_id} was forgotten while a command for them "
                                   "ran; nothing was written") from exc
                raise

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[_Conn]:
        async with self._pool.acquire() as db:
            yield db

    @asynccontextmanager
    async def _autocommit(self) -> AsyncIterator[_Conn]:
        """A write of ONE statement, atomic on its own: one round trip, where a transaction
        (BEGIN, the statement, COMMIT) takes three. The weekly poster makes several such
        writes per post, one of them between its send-budget slot and the send."""
        async with self._pool.acquire() as db:
            yield db

    async def _migrate(self) -> None:
        known = _migrations()
        latest = known[-1][0] if known else 0
        async with self._pool.acquire() as db, db.transaction():
            await db.execute("SELECT pg_advisory_xact_lock(0, $1::int)", _MIGRATION_LOCK)
            await db.execute(_VERSION_TABLE)
            current = int(await db.fetchval("SELECT coalesce(max(version), 0) FROM "
                                            "schema_version"))
            if current > latest:
                raise StoreError(
                    f"the database was written by a newer Creator Advisor (schema {current}, "
                    f"this version knows {latest}); upgrade the bot instead of downgrading")
            for version, name, sql in known:
                if version <= current:
                    continue
                for statement in _statements(sql):
                    await db.execute(statement)
                if version in _AFTER_MIGRATION:  # (the SQLite store's versions: the same work)
                    await _relocalized_all(db)
                await db.execute("INSERT INTO schema_version (version, name, applied_at) "
                                 "VALUES ($1, $2, $3)", version, name, _iso(datetime.now(UTC)))

    async def schema_version(self) -> int:
        """The highest migration applied (``pg_migrations/NNNN_….sql``)."""
        async with self._read() as db:
            return int(await db.fetchval("SELECT coalesce(max(version), 0) FROM schema_version"))

    # -- users ------------------------------------------------------------------------------

    async def ensure_user(self, platform: str, platform_user_id: str, display_name: str) -> User:
        async with self._read() as db:
            row = await db.fetchrow(
                "SELECT * FROM users WHERE platform = $1 AND platform_user_id = $2",
                platform, platform_user_id)
        if row is not None and row["display_name"] == display_name:
            return _user(row)  # every command calls this: no write when nothing changed
        async with self._write() as db:
            row = await db.fetchrow(
                "INSERT INTO users (platform, platform_user_id, display_name, created_at) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT (platform, platform_user_id) "
                "DO UPDATE SET display_name = excluded.display_name "
                "RETURNING id, platform, platform_user_id, display_name, created_at",
                platform, platform_user_id, display_name, _iso(datetime.now(UTC)))
        assert row is not None
        return _user(row)

    async def find_user(self, platform: str, platform_user_id: str) -> User | None:
        async with self._read() as db:
            row = await db.fetchrow(
                "SELECT * FROM users WHERE platform = $1 AND platform_user_id = $2",
                platform, platform_user_id)
        return None if row is None else _user(row)

    async def find_user_reading(self, platform: str, platform_user_id: str,
                                wanted: Reads) -> KnownUser | None:
        # asyncpg awaits the server anyway: each read as its own method makes it.
        user = await self.find_user(platform, platform_user_id)
        if user is None:
            return None
        return KnownUser(user, await self.get_settings(user.id),
                         await self.reads(user.id, wanted))

    async def ensure_user_reading(self, platform: str, platform_user_id: str,
                                  display_name: str, wanted: Reads) -> tuple[User, UserReads]:
        user = await self.ensure_user(platform, platform_user_id, display_name)
        return user, await self.reads(user.id, wanted)

    # -- snapshots --------------------------------------------------------------------------

    async def add_snapshot(
        self, user_id: int, changes: Mapping[str, float], taken_at: datetime
    ) -> MetricSnapshot:
        _need_metrics(changes)
        async with self._write(user_id) as db:
            return await _insert_snapshot(db, user_id, changes, taken_at, "log")

    async def add_snapshot_and_history(
        self, user_id: int, changes: Mapping[str, float], taken_at: datetime, *, limit: int,
        guard: SnapshotGuard | None = None,
    ) -> tuple[MetricSnapshot, list[MetricSnapshot]]:
        _need_metrics(changes)
        # The reads in the write's transaction, under its per-user lock: the guard sees the
        # last two snapshots and the history stands as after this one, with no other write
        # for this user in between (the guard raising rolls the transaction back).
        async with self._write(user_id) as db:
            if guard is not None:
                shown = await _reached_in(db, user_id, max(2, limit), HistoryReach.ORIGINS, 2)
                guard(shown, counted_day(taken_at, await _zone(db, user_id)))
            snapshot = await _insert_snapshot(db, user_id, changes, taken_at, "log")
            entries = await _read_entries(db, user_id, None, limit)
        return snapshot, [e.snapshot for e in entries]

    async def ensure_user_adding_snapshot(
        self, platform: str, platform_user_id: str, display_name: str,
        changes: Mapping[str, float], taken_at: datetime, *, limit: int,
        guard: SnapshotGuard | None = None,
    ) -> tuple[User, MetricSnapshot, list[MetricSnapshot]]:
        # asyncpg awaits the server anyway: the user's row as ensure_user makes it (its own
        # transaction: kept when the guard raises), then the snapshot's transaction.
        _need_metrics(changes)
        user = await self.ensure_user(platform, platform_user_id, display_name)
        snapshot, history = await self.add_snapshot_and_history(
            user.id, changes, taken_at, limit=limit, guard=guard)
        return user, snapshot, history

    async def _insert(self, db: _Conn, user_id: int, changes: Mapping[str, float],
                      taken_at: datetime, source: str) -> MetricSnapshot:
        return await _insert_snapshot(db, user_id, changes, taken_at, source)

    async def latest_snapshot(self, user_id: int) -> MetricSnapshot | None:
        async with self._read() as db:
            return await _latest(db, user_id)

    async def history(
        self, user_id: int, *, since: datetime | None = None, limit: int | None = None
    ) -> list[MetricSnapshot]:
        return [e.snapshot for e in await self.entries(user_id, since=since, limit=limit)]

    async def entries(
        self, user_id: int, *, since: datetime | None = None, limit: int | None = None
    ) -> list[SnapshotEntry]:
        async with self._read() as db:
            return await _read_entries(db, user_id, since, limit)

    async def count_snapshots(self, user_id: int) -> int:
        async with self._read() as db:
            return int(await db.fetchval(
                f"SELECT count(*) FROM snapshots WHERE user_id = $1 AND {_ACTIVE}",  # noqa: S608
                user_id))

    async def last_action(self, user_id: int) -> list[SnapshotEntry]:
        async with self._read() as db:
            rows = await db.fetch(
                f"SELECT * FROM snapshots WHERE user_id = $1 AND {_ACTIVE} AND action = "  # noqa: S608
                f"(SELECT max(a) FROM (SELECT max(action) AS a FROM snapshots WHERE "
                f"user_id = $1 AND {_ACTIVE} UNION ALL SELECT max(action) FROM studio_imports "
                f"WHERE user_id = $1) AS latest) ORDER BY {_ORDER}", user_id)
        return _entries(rows)

    async def studio_imports(self, user_id: int) -> list[StudioRecord]:
        async with self._read() as db:
            rows = await db.fetch(
                "SELECT * FROM studio_imports WHERE user_id = $1 ORDER BY action", user_id)
        return [studio_undo.record(r) for r in rows]

    async def daily_series(self, user_id: int) -> dict[str, dict[date, float]]:
        async with self._read() as db:
            rows = await db.fetch(
                "SELECT day, series, value FROM studio_daily WHERE user_id = $1 "
                "ORDER BY series, day", user_id)
        out: dict[str, dict[date, float]] = {}
        for r in rows:
            out.setdefault(str(r["series"]), {})[date.fromisoformat(r["day"])] = r["value"]
        return out

    async def replaced_by(self, user_id: int, action: int) -> int:
        async with self._read() as db:
            return int(await db.fetchval(
                "SELECT count(*) FROM snapshots WHERE user_id = $1 AND replaced_by = $2",
                user_id, action))

    async def undo_action(self, user_id: int, action: int) -> int:
        async with self._write(user_id) as db:
            removed = _affected(await db.execute(
                "DELETE FROM snapshots WHERE user_id = $1 AND action = $2", user_id, action))
            await db.execute(
                "UPDATE snapshots SET replaced_by = NULL, replaced_day = NULL "
                "WHERE user_id = $1 AND replaced_by = $2", user_id, action)
            await _recarry(db, user_id)
            before = await db.fetch(
                "SELECT tbl, row_key, row_data FROM studio_before WHERE user_id = $1 "
                "AND action = $2", user_id, action)
            for step in studio_undo.restores((r[0], r[1], r[2]) for r in before):
                where = " AND ".join(f"{c} = ${i}" for i, c in enumerate(step.key, start=2))
                await db.execute(f"DELETE FROM {step.table} WHERE user_id = $1 AND {where}",  # noqa: S608
                                 user_id, *step.key.values())
                if step.row is not None:
                    places = ", ".join(f"${i}" for i in range(2, len(step.row) + 2))
                    await db.execute(
                        f"INSERT INTO {step.table} (user_id, {', '.join(step.row)}) "  # noqa: S608
                        f"VALUES ($1, {places})", user_id, *step.row.values())
            for table in ("studio_before", "studio_imports"):
                await db.execute(f"DELETE FROM {table} WHERE user_id = $1 AND action = $2",  # noqa: S608
                                 user_id, action)
        return removed

    async def remove_snapshots(self, user_id: int, ids: Sequence[int]) -> int:
        if not ids:
            return 0
        async with self._write(user_id) as db:
            # The imported rows these hid go with them (as in the SQLite store): a day removed
            # here never comes back by undoing the import that had replaced it.
            hidden: list[int] = []
            frontier = list(ids)
            while frontier:
                found = await db.fetch(_HIDDEN_SAME_DAY.format(
                    user="$1", ids="= ANY($2::bigint[])"), user_id, frontier)
                frontier = [int(r[0]) for r in found if int(r[0]) not in hidden]
                hidden.extend(frontier)
            removed = _affected(await db.execute(
                "DELETE FROM snapshots WHERE user_id = $1 AND id = ANY($2::bigint[])",
                user_id, list(ids)))
            if hidden:
                await db.execute(
                    "DELETE FROM snapshots WHERE user_id = $1 AND id = ANY($2::bigint[])",
                    user_id, hidden)
            await _recarry(db, user_id)
        return removed

    async def imported_days(self, user_id: int) -> set[date]:
        async with self._read() as db:
            rows = await db.fetch(_IMPORTED_DAYS.format("$1"), user_id)
        return _import_days(rows)

    # -- settings ---------------------------------------------------------------------------

    async def get_settings(self, user_id: int) -> UserSettings:
        async with self._read() as db:  # never cached: another worker may have changed them
            row = await db.fetchrow("SELECT * FROM user_settings WHERE user_id = $1", user_id)
        return _settings(row)

    async def update_settings(self, user_id: int, changes: Mapping[str, Any]) -> UserSettings:
        unknown = set(changes) - set(_SETTINGS_KEYS)
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        async with self._write(user_id) as db:
            row = await db.fetchrow("SELECT * FROM user_settings WHERE user_id = $1", user_id)
            current = _settings(row)
            merged = {key: changes.get(key, getattr(current, key)) for key in _SETTINGS_KEYS}
            adult = merged["adult"]
            merged["does"] = frozenset(merged["does"] or ())
            await db.execute(
                "INSERT INTO user_settings (user_id, currency, timezone, region, adult, does, "
                "age, handle, niche, language, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7,"
                " $8, $9, $10, $11) ON CONFLICT (user_id)"
                " DO UPDATE SET currency = excluded.currency, timezone = excluded.timezone, "
                "region = excluded.region, adult = excluded.adult, does = excluded.does, "
                "age = excluded.age, handle = excluded.handle, niche = excluded.niche, "
                "language = excluded.language, updated_at = excluded.updated_at",
                user_id, merged["currency"], merged["timezone"], merged["region"],
                None if adult is None else int(bool(adult)),
                ",".join(sorted(merged["does"])) or None, merged["age"],
                merged["handle"], merged["niche"], merged["language"], _iso(datetime.now(UTC)))
            zone = UserSettings(**merged).zone
            if zone != current.zone:  # the creator's days are another zone's now
                await _relocalized(db, user_id, zone)
        return UserSettings(**merged)

    # -- goals ------------------------------------------------------------------------------

    async def set_goal(
        self, user_id: int, metric: str, target: float, deadline: date | None, now: datetime
    ) -> Goal:
        async with self._write(user_id) as db:
            await db.execute(
                _UPSERT_GOAL, user_id, metric, float(target),
                None if deadline is None else deadline.isoformat(), _iso(now))
        return Goal(metric, target, deadline, now.astimezone(UTC))

    async def set_goals(self, user_id: int, targets: Mapping[str, float],
                        deadline: date | None, now: datetime) -> list[Goal]:
        day = None if deadline is None else deadline.isoformat()
        async with self._write(user_id) as db:
            await db.executemany(_UPSERT_GOAL, [(user_id, metric, float(target), day, _iso(now))
                                                for metric, target in targets.items()])
        return await self.goals(user_id)

    async def goals(self, user_id: int) -> list[Goal]:
        async with self._read() as db:
            rows = await db.fetch(
                "SELECT * FROM goals WHERE user_id = $1 ORDER BY created_at, metric", user_id)
        return [_goal(r) for r in rows]

    async def clear_goals(self, user_id: int) -> int:
        async with self._write(user_id) as db:
            return _affected(await db.execute("DELETE FROM goals WHERE user_id = $1", user_id))

    # -- import -----------------------------------------------------------------------------

    async def import_snapshots(
        self, user_id: int, rows: Sequence[tuple[datetime, Mapping[str, float]]], *,
        now: datetime | None = None,
    ) -> int:
        if not rows:
            return 0
        async with self._write(user_id) as db:
            return await _import(db, user_id, rows, now=now)

    async def import_studio(
        self, user_id: int, rows: Sequence[tuple[datetime, Mapping[str, float]]],
        studio: StudioImport, *, now: datetime | None = None,
    ) -> int:
        at = _iso(now or datetime.now(UTC))
        async with self._write(user_id) as db:
            action = await _next_action(db, user_id)
            written = await _import(db, user_id, rows, action, now=now)
            current = {}
            for table in studio_undo.KEYS:  # the constant table names of studio_undo
                found = await db.fetch(f"SELECT * FROM {table} WHERE user_id = $1",  # noqa: S608
                                       user_id)
                current[table] = [{k: r[k] for k in r.keys() if k != "user_id"}  # noqa: SIM118
                                  for r in found]
            plan = studio_undo.plan_write(studio, current)
            await db.execute("INSERT INTO studio_imports (user_id, action, imported_at, files,"
                             " videos_added, videos_updated, audience, daily_days)"
                             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                             *studio_undo.record_row(user_id, action, at, plan))
            await db.executemany(
                "INSERT INTO studio_before (user_id, action, tbl, row_key, row_data)"
                " VALUES ($1, $2, $3, $4, $5)",
                [(user_id, action, b.table, b.key, b.data) for b in plan.before])
            await db.executemany(
                "INSERT INTO videos (user_id, video_id, title, link, posted_on, as_of, views,"
                " likes, comments, shares, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
                " $9, $10, $11) ON CONFLICT (user_id, video_id) DO UPDATE SET"
                " title = excluded.title, link = excluded.link, posted_on = excluded.posted_on,"
                " as_of = excluded.as_of, views = excluded.views, likes = excluded.likes,"
                " comments = excluded.comments, shares = excluded.shares,"
                " updated_at = excluded.updated_at, source = 'import'",
                [(user_id, v.video_id, v.title, v.link,
                  None if v.posted_on is None else v.posted_on.isoformat(), v.as_of.isoformat(),
                  _num(v.views), _num(v.likes), _num(v.comments), _num(v.shares), at)
                 for v in studio.videos])
            as_of = studio.downloaded.isoformat()
            for dimension, shares in (("territory", studio.territories),
                                      ("gender", studio.genders)):
                if shares:
                    await db.execute("DELETE FROM audience_shares WHERE user_id = $1 AND "
                                     "dimension = $2", user_id, dimension)
                    await db.executemany(
                        "INSERT INTO audience_shares (user_id, dimension, label, share, as_of)"
                        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, dimension, label)"
                        " DO UPDATE SET share = excluded.share, as_of = excluded.as_of",
                        [(user_id, dimension, label, float(share), as_of)
                         for label, share in shares])
            if studio.activity:
                await db.execute("DELETE FROM audience_activity WHERE user_id = $1", user_id)
                await db.executemany(
                    "INSERT INTO audience_activity (user_id, day, hour, active_followers)"
                    " VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, day, hour)"
                    " DO UPDATE SET active_followers = excluded.active_followers",
                    [(user_id, d.isoformat(), h, float(a)) for d, h, a in studio.activity])
            await db.executemany(
                "INSERT INTO studio_daily (user_id, day, series, value) VALUES ($1, $2, $3, $4)"
                " ON CONFLICT (user_id, day, series) DO UPDATE SET value = excluded.value",
                [(user_id, d.isoformat(), name, float(value))
                 for d, name, value in studio.extra_daily()])
        return written

    async def reads(self, user_id: int, wanted: Reads) -> UserReads:
        # asyncpg awaits the server anyway: each read as its own method makes it.
        history = wanted.history
        if history is None:
            snapshots = None
        elif wanted.reach is HistoryReach.ALL:
            snapshots = await self.history(user_id, limit=history)
        else:
            snapshots = await self._reached(user_id, history, wanted.reach)
        return UserReads(
            history=snapshots,
            latest=await self.latest_snapshot(user_id) if wanted.latest else None,
            videos=await self.videos(user_id) if wanted.videos else None,
            audience=await self.audience(user_id) if wanted.audience else None,
            payouts=await self.payouts(user_id) if wanted.payouts else None,
            daily_series=await self.daily_series(user_id) if wanted.daily_series else None,
            goals=await self.goals(user_id) if wanted.goals else None,
            count_snapshots=(await self.count_snapshots(user_id) if wanted.count_snapshots
                             else None),
        )

    async def _reached(self, user_id: int, limit: int,
                       reach: HistoryReach) -> list[MetricSnapshot]:
        """The snapshots of :meth:`history` that ``reach`` needs
        (:func:`~bot.domain.metrics.reach_back`, as the SQLite store reads them): fetched in
        pages (:func:`_reached_in`, in one transaction), each row made into a snapshot only
        when asked for. /stats' first page holds a weekly logger's whole reach (the latest
        snapshot and the starts of the slowing rule's steps, :data:`_STATS_PAGE`)."""
        first = _STATS_PAGE if reach is HistoryReach.STATS else _FIRST_PAGE
        # (one snapshot of the table for every page: a write between two would shift them)
        async with self._read() as db, db.transaction(isolation="repeatable_read",
                                                      readonly=True):
            return await _reached_in(db, user_id, limit, reach, first=first)

    async def videos(self, user_id: int) -> list[Video]:
        async with self._read() as db:
            rows = await db.fetch(
                "SELECT * FROM videos WHERE user_id = $1 ORDER BY views DESC NULLS LAST,"
                " video_id", user_id)
        return [_video(r) for r in rows]

    async def audience(self, user_id: int) -> Audience:
        async with self._read() as db:
            shares = await db.fetch(
                "SELECT * FROM audience_shares WHERE user_id = $1 ORDER BY share DESC, label",
                user_id)
            activity = await db.fetch(
                "SELECT * FROM audience_activity WHERE user_id = $1 ORDER BY day, hour", user_id)
        return Audience(
            territories=tuple((r["label"], r["share"]) for r in shares
                              if r["dimension"] == "territory"),
            genders=tuple((r["label"], r["share"]) for r in shares if r["dimension"] == "gender"),
            activity=tuple((date.fromisoformat(r["day"]), int(r["hour"]),
                            float(r["active_followers"])) for r in activity),
        )

    # -- payouts ----------------------------------------------------------------------------

    async def add_payout(self, user_id: int, payout: Payout) -> Payout:
        async with self._write(user_id) as db:
            new_id = await db.fetchval(
                "INSERT INTO payouts (user_id, route, amount, currency, month, views, diamonds,"
                " recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                user_id, payout.route, float(payout.amount), payout.currency, payout.month,
                _num(payout.views), _num(payout.diamonds), _iso(payout.recorded_at))
        return replace(payout, id=int(new_id))

    async def remove_payout(self, user_id: int, payout_id: int) -> bool:
        async with self._write(user_id) as db:
            return _affected(await db.execute(
                "DELETE FROM payouts WHERE user_id = $1 AND id = $2", user_id, payout_id)) > 0

    async def payouts(self, user_id: int) -> list[Payout]:
        async with self._read() as db:
            rows = await db.fetch(
                "SELECT * FROM payouts WHERE user_id = $1 ORDER BY recorded_at, id", user_id)
        return [Payout(route=r["route"], amount=r["amount"], currency=r["currency"],
                       recorded_at=_dt(r["recorded_at"]), month=r["month"], views=r["views"],
                       diamonds=r["diamonds"], id=r["id"]) for r in rows]

    # -- rate card --------------------------------------------------------------------------

    async def pin_prices(self, user_id: int, prices: Mapping[str, float], currency: str,
                         now: datetime) -> None:
        async with self._write(user_id) as db:
            await db.executemany(
                "INSERT INTO rate_card (user_id, deliverable, amount, currency, set_at) "
                "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, deliverable) DO UPDATE SET "
                "amount = excluded.amount, currency = excluded.currency, "
                "set_at = excluded.set_at",
                [(user_id, k, float(v), currency, _iso(now)) for k, v in prices.items()])

    async def pinned_prices(self, user_id: int) -> list[PinnedPrice]:
        async with self._read() as db:
            rows = await db.fetch(
                "SELECT * FROM rate_card WHERE user_id = $1 ORDER BY deliverable", user_id)
        return [PinnedPrice(r["deliverable"], r["amount"], r["currency"], _dt(r["set_at"]))
                for r in rows]

    async def unpin_prices(self, user_id: int) -> int:
        async with self._write(user_id) as db:
            status = await db.execute("DELETE FROM rate_card WHERE user_id = $1", user_id)
        return int(str(status).rsplit(" ", 1)[-1] or 0)

    # -- privacy ----------------------------------------------------------------------------

    async def await_message(self, platform: str, chat_id: str, sender_id: str, command: str,
                            expires_at: datetime, now: datetime) -> None:
        sweep = self._sweeps.due("guided_steps", now)
        async with self._write() as db:
            if sweep:
                await db.execute("DELETE FROM guided_steps WHERE expires_at < $1", _iso(now))
            await db.execute(
                "INSERT INTO guided_steps (platform, chat_id, sender_id, command, expires_at)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform, chat_id, sender_id) DO"
                " UPDATE SET command = excluded.command, expires_at = excluded.expires_at",
                platform, chat_id, sender_id, command, _iso(expires_at))

    async def take_awaited(self, platform: str, chat_id: str, sender_id: str,
                           now: datetime) -> str | None:
        # One statement in one round trip (autocommit): the worker whose DELETE wins gets it.
        async with self._read() as db:
            row = await db.fetchrow(
                "DELETE FROM guided_steps WHERE platform = $1 AND chat_id = $2"
                " AND sender_id = $3 RETURNING command, expires_at", platform, chat_id,
                sender_id)
        if row is None or str(row["expires_at"]) < _iso(now):
            return None
        return str(row["command"])


    async def keep_button(self, platform: str, key: str, owner: str | None, data: str,
                          expires_at: datetime, now: datetime) -> None:
        sweep = self._sweeps.due("long_buttons", now)
        async with self._write() as db:
            if sweep:
                await db.execute("DELETE FROM long_buttons WHERE expires_at < $1", _iso(now))
            await db.execute(
                "INSERT INTO long_buttons (platform, key, owner, data, expires_at)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform, key) DO UPDATE"
                " SET expires_at = greatest(long_buttons.expires_at, excluded.expires_at)",
                platform, key, owner, data, _iso(expires_at))

    async def button(self, platform: str, key: str, now: datetime) -> str | None:
        async with self._read() as db:
            data = await db.fetchval(
                "SELECT data FROM long_buttons WHERE platform = $1 AND key = $2"
                " AND expires_at >= $3", platform, key, _iso(now))
        return None if data is None else str(data)

    async def first_sight(self, platform: str, event_id: str, now: datetime, *,
                          keep: timedelta = SEEN_EVENTS_KEPT) -> bool:
        return event_id in await self.first_sights(platform, [event_id], now, keep=keep)

    async def first_sights(self, platform: str, event_ids: Sequence[str],
                           now: datetime, *, keep: timedelta = SEEN_EVENTS_KEPT) -> set[str]:
        if self._sweeps.due("seen_updates", now):
            async with self._read() as db:
                await db.execute("DELETE FROM seen_updates WHERE seen_at < $1",
                                 _iso(now - SEEN_EVENTS_KEPT))
        ids = sorted(set(event_ids))  # (one order for every worker: no lock-order deadlock)
        if not ids:
            return set()
        # One statement (autocommit): of two workers given the same update, one inserts.
        async with self._read() as db:
            rows = await db.fetch(
                "INSERT INTO seen_updates (platform, event_id, seen_at)"
                " SELECT $1, unnest($2::text[]), $3"
                " ON CONFLICT (platform, event_id) DO NOTHING RETURNING event_id",
                platform, ids, _iso(now + keep - SEEN_EVENTS_KEPT))
        return {str(r["event_id"]) for r in rows}

    async def forget_user(self, user_id: int) -> int:
        deleted = 0
        async with self._write(user_id) as db:
            await db.execute(
                "UPDATE subscriptions SET created_by = NULL WHERE created_by = $1", user_id)
            for sql, _ in delete_statements("$1"):  # the tables /forget's preview counts
                deleted += _affected(await db.execute(sql, user_id))
        return deleted

    async def user_rows(self, user_id: int) -> dict[str, int]:
        async with self._read() as db, db.transaction(isolation="repeatable_read",
                                                      readonly=True):
            return {table: int(await db.fetchval(sql, user_id))
                    for table, sql, _ in count_statements("$1")}

    async def export_user(self, user_id: int) -> dict[str, Any]:
        async with self._read() as db, db.transaction(isolation="repeatable_read",
                                                      readonly=True):
            user = await db.fetchrow("SELECT * FROM users WHERE id = $1", user_id)
            snaps = await db.fetch(
                "SELECT * FROM snapshots WHERE user_id = $1 ORDER BY taken_at, id", user_id)
            subs = await db.fetch(
                "SELECT * FROM subscriptions WHERE user_id = $1 OR created_by = $1 ORDER BY id",
                user_id)
            settings_row = await db.fetchrow(
                "SELECT * FROM user_settings WHERE user_id = $1", user_id)
            goal_rows = await db.fetch(
                "SELECT * FROM goals WHERE user_id = $1 ORDER BY metric", user_id)
            payout_rows = await db.fetch(
                "SELECT * FROM payouts WHERE user_id = $1 ORDER BY recorded_at, id", user_id)
            price_rows = await db.fetch(
                "SELECT * FROM rate_card WHERE user_id = $1 ORDER BY deliverable", user_id)
            tiktok_row = await db.fetchrow(  # never the tokens
                "SELECT open_id, display_name, scope, status, connected_at, last_sync_at"
                " FROM tiktok_connections WHERE user_id = $1", user_id)
            tables = [(table, [dict(r) for r in await db.fetch(sql, user_id)])
                      for table, sql, _ in export_statements("$1", SHAPED_EXPORT)]
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
            "tiktok": None if tiktok_row is None else dict(tiktok_row),
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
        # Under the lock of the user it names, as every write for a user (a /forget racing it
        # in another worker: UserGone, and the command runs again).
        async with self._write(user_id if user_id is not None else created_by) as db:
            # Two admins subscribing one chat at once: the second waits, then replaces.
            await db.execute("SELECT pg_advisory_xact_lock(2, hashtext($1))",
                             f"{platform}:{chat_id}:{kind}")
            await db.execute(
                "DELETE FROM subscriptions WHERE platform = $1 AND chat_id = $2 AND kind = $3"
                " AND user_id IS NOT DISTINCT FROM $4", platform, chat_id, kind, user_id)
            row = await db.fetchrow(
                "INSERT INTO subscriptions (platform, chat_id, chat_kind, kind, user_id,"
                " created_by, weekday, local_time, timezone, topics, active, next_run_at,"
                " created_at, thread_id, language) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
                " $10, 1, $11, $12, $13, $14) RETURNING *",
                platform, chat_id, chat_kind, kind, user_id, created_by, weekday, local_time,
                timezone, ",".join(topics), _iso(next_run_at), _iso(datetime.now(UTC)),
                thread_id, language)
        assert row is not None
        return _subscription(row)

    async def subscriptions_for_chat(self, platform: str, chat_id: str) -> list[Subscription]:
        async with self._read() as db:
            rows = await db.fetch(
                "SELECT * FROM subscriptions WHERE platform = $1 AND chat_id = $2 ORDER BY id",
                platform, chat_id)
        return [_subscription(r) for r in rows]

    async def delete_subscription(
        self, platform: str, chat_id: str, kind: str, user_id: int | None
    ) -> bool:
        async with self._write() as db:
            return _affected(await db.execute(
                "DELETE FROM subscriptions WHERE platform = $1 AND chat_id = $2 AND kind = $3"
                " AND user_id IS NOT DISTINCT FROM $4", platform, chat_id, kind, user_id)) > 0

    async def due_subscriptions(
        self, now: datetime, limit: int = 1000, *, after: tuple[datetime, int] | None = None,
        platform: str | None = None, chat_id: str | None = None,
    ) -> list[Subscription]:
        sql = "SELECT * FROM subscriptions WHERE active = 1 AND next_run_at <= $1"
        params: list[Any] = [_iso(now)]
        if after is not None:
            sql += " AND (next_run_at, id) > ($2, $3)"
            params += [_iso(after[0]), after[1]]
        if platform is not None:
            params.append(platform)
            sql += f" AND platform = ${len(params)}"
        if chat_id is not None:
            params.append(chat_id)
            sql += f" AND chat_id = ${len(params)}"
        params.append(limit)
        async with self._read() as db:
            rows = await db.fetch(sql + f" ORDER BY next_run_at, id LIMIT ${len(params)}",
                                  *params)
        return [_subscription(r) for r in rows]

    async def lease_due(
        self, now: datetime, until: datetime, *, platform: str, limit: int,
        chat_id: str | None = None,
    ) -> list[Subscription]:
        """One statement: the due rows no live worker holds are locked ``FOR UPDATE SKIP
        LOCKED`` (two workers leasing at once never take the same row, and neither waits for
        the other) and leased to this worker until ``until``. A lease is free when it lapsed,
        or when its owner's advisory lock is (the worker was killed or disconnected), so a
        dead worker's batch goes to the survivors at once."""
        async with self._autocommit() as db:
            rows = await db.fetch(
                "WITH live AS MATERIALIZED (" + _LIVE_WORKERS + ")"  # noqa: S608 (a constant expression; values are bound)
                " UPDATE subscriptions SET lease_owner = $1, lease_until = $2 WHERE id IN"
                " (SELECT id FROM subscriptions WHERE active = 1 AND next_run_at <= $3"
                " AND platform = $4 AND ($6::text IS NULL OR chat_id = $6)"
                " AND (lease_owner IS NULL OR lease_until < $3"
                " OR lease_owner NOT IN (SELECT worker_key FROM live))"
                " ORDER BY next_run_at, id LIMIT $5 FOR UPDATE SKIP LOCKED) RETURNING *",
                self.worker, _iso(until), _iso(now), platform, limit, chat_id)
        return sorted((_subscription(r) for r in rows), key=_due_order)

    async def release_leases(self) -> int:
        async with self._autocommit() as db:
            return _affected(await db.execute(
                "UPDATE subscriptions SET lease_owner = NULL, lease_until = NULL"
                " WHERE lease_owner = $1", self.worker))

    async def set_next_run(self, subscription_id: int, at: datetime) -> None:
        async with self._autocommit() as db:
            await db.execute("UPDATE subscriptions SET next_run_at = $1, lease_owner = NULL,"
                             " lease_until = NULL WHERE id = $2", _iso(at), subscription_id)

    async def deactivate_subscription(self, subscription_id: int, reason: str) -> None:
        async with self._autocommit() as db:
            await db.execute(
                "UPDATE subscriptions SET active = 0, deactivated_reason = $1 WHERE id = $2",
                reason[:500], subscription_id)

    async def set_paused(
        self, subscription_id: int, reason: str | None, now: datetime
    ) -> bool:
        """Pause (``reason``) or resume (None); True if that changed the subscription."""
        async with self._write() as db:
            if reason is None:
                return _affected(await db.execute(
                    "UPDATE subscriptions SET paused_reason = NULL, paused_at = NULL"
                    " WHERE id = $1 AND paused_reason IS NOT NULL", subscription_id)) > 0
            changed = _affected(await db.execute(
                "UPDATE subscriptions SET paused_reason = $1, paused_at = coalesce(paused_at,"
                " $2) WHERE id = $3 AND paused_reason IS NULL",
                reason[:500], _iso(now), subscription_id)) > 0
            if not changed:  # already paused: keep the latest reason
                await db.execute("UPDATE subscriptions SET paused_reason = $1 WHERE id = $2",
                                 reason[:500], subscription_id)
        return changed

    async def move_chat(self, platform: str, old_chat_id: str, new_chat_id: str,
                        chat_kind: str) -> int:
        """As the SQLite store: re-key the chat's subscriptions, outbox rows and guided steps; a
        subscription (or a week's outbox row) the new chat already has wins."""
        if old_chat_id == new_chat_id:
            return 0
        old_key, new_key = f"{platform}:{old_chat_id}:", f"{platform}:{new_chat_id}:"
        async with self._write() as db:
            for chat in sorted((old_chat_id, new_chat_id)):  # the order save_subscription uses
                for kind in ("community", "personal"):
                    await db.execute("SELECT pg_advisory_xact_lock(2, hashtext($1))",
                                     f"{platform}:{chat}:{kind}")
            await db.execute(
                "UPDATE posted_tips AS p SET destination = $1 || substr(p.destination, $2)"
                " WHERE substr(p.destination, 1, $3) = $4 AND NOT EXISTS (SELECT 1 FROM"
                " posted_tips AS q WHERE q.week_key = p.week_key"
                " AND q.destination = $1 || substr(p.destination, $2))",
                new_key, len(old_key) + 1, len(old_key), old_key)
            moved = _affected(await db.execute(
                "UPDATE subscriptions AS s SET chat_id = $1, chat_kind = $2, thread_id = NULL"
                " WHERE s.platform = $3 AND s.chat_id = $4 AND NOT EXISTS (SELECT 1 FROM"
                " subscriptions AS t WHERE t.platform = s.platform AND t.chat_id = $1"
                " AND t.kind = s.kind AND (s.kind = 'community'"
                " OR t.user_id IS NOT DISTINCT FROM s.user_id))",
                new_chat_id, chat_kind, platform, old_chat_id))
            await db.execute("DELETE FROM subscriptions WHERE platform = $1 AND chat_id = $2",
                             platform, old_chat_id)
            await db.execute(  # a step the new chat already has wins
                "UPDATE guided_steps AS g SET chat_id = $1 WHERE g.platform = $2"
                " AND g.chat_id = $3 AND NOT EXISTS (SELECT 1 FROM guided_steps AS h"
                " WHERE h.platform = g.platform AND h.chat_id = $1"
                " AND h.sender_id = g.sender_id)", new_chat_id, platform, old_chat_id)
            await db.execute("DELETE FROM guided_steps WHERE platform = $1 AND chat_id = $2",
                             platform, old_chat_id)
        return moved

    async def user_by_id(self, user_id: int) -> User | None:
        async with self._read() as db:
            row = await db.fetchrow("SELECT * FROM users WHERE id = $1", user_id)
        return None if row is None else _user(row)

    async def release_delivery(self, delivery_id: int) -> None:
        """Take back a claim that was never sent, so the week stays due. Also one another
        worker's settler marked 'unknown' (this worker's holder connection dropped during the
        send): the platform's answer (a 429, a stop) says nothing was delivered, as
        :meth:`finish_delivery` overrides 'unknown' with what the platform answered."""
        async with self._autocommit() as db:
            await db.execute("DELETE FROM posted_tips WHERE id = $1"
                             " AND status IN ('sending', 'unknown')", delivery_id)

    async def claim_delivery(
        self, subscription_id: int, week_key: str, rule_id: str | None, now: datetime
    ) -> int | None:
        """Atomic across workers: the unique (destination, week) key lets exactly one
        ``INSERT`` win; the others get ``None`` (``ON CONFLICT DO NOTHING``, no error).
        Raises :class:`StoreError` while this worker's holder connection is known lost (a
        claim under a key the others take for dead is theirs to settle: see
        :meth:`renew_worker`)."""
        if self._holder_gone:
            raise StoreError("this worker's lock connection is lost: it claims nothing more"
                             " until it has a new worker key")
        async with self._autocommit() as db:
            found = await db.fetchval(
                "INSERT INTO posted_tips (subscription_id, user_id, destination, week_key,"  # noqa: S608 (a constant expression; values are bound)
                " rule_id, status, created_at, owner) SELECT id, user_id, " + _DESTINATION +
                ", $1, $2, 'sending', $3, $4 FROM subscriptions WHERE id = $5"
                " ON CONFLICT DO NOTHING RETURNING id",
                week_key, rule_id, _iso(now), self.worker, subscription_id)
        return None if found is None else int(found)

    async def claim_in_progress(self, subscription_id: int, week_key: str) -> bool:
        async with self._read() as db:
            return await db.fetchval(
                "SELECT 1 FROM posted_tips WHERE week_key = $1 AND status = 'sending' AND"  # noqa: S608 (a constant expression; values are bound)
                " destination = (SELECT " + _DESTINATION + " FROM subscriptions WHERE id = $2)",
                week_key, subscription_id) is not None

    async def mark_attempt(self, delivery_id: int, now: datetime) -> bool:
        """Only this worker's claim (under its current key, its holder not known lost) still
        "sending": one that a settler released (this worker looked dead) is someone else's
        to send now. The row lock orders this against :meth:`settle_stale_claims`: either
        the settler deletes the claim first (0 rows here: not sent) or it finds it attempted
        (and makes it "unknown", never resent)."""
        if self._holder_gone:
            return False
        async with self._autocommit() as db:
            return _affected(await db.execute(
                "UPDATE posted_tips SET attempted_at = $1 WHERE id = $2 AND owner = $3"
                " AND status = 'sending'", _iso(now), delivery_id, self.worker)) == 1

    async def finish_delivery(
        self, delivery_id: int, status: str, now: datetime, error: str | None = None
    ) -> bool:
        """A claim still open ("sending", or "unknown" when a settler took this worker for
        dead meanwhile: what the platform answered is the truer status)."""
        if status not in ("sent", "failed", "skipped", "unknown"):
            raise ValueError(f"unknown delivery status {status!r}")
        async with self._autocommit() as db:
            return _affected(await db.execute(
                "UPDATE posted_tips SET status = $1, error = $2, sent_at = $3 WHERE id = $4"
                " AND status IN ('sending', 'unknown')",
                status, None if error is None else error[:500],
                _iso(now) if status == "sent" else None, delivery_id)) == 1

    async def settle_stale_claims(
        self, before: datetime, in_flight: Collection[int] = ()
    ) -> tuple[int, list[Delivery]]:
        """As in the SQLite store for this worker's own claims (older than ``before``, not
        ``in_flight``); a claim of a worker that is gone (its advisory lock is free: killed,
        disconnected) is settled whatever its age; a live worker's claims are its own.
        Claims are locked ``FOR UPDATE SKIP LOCKED``: two workers settling at once each take
        a claim at most once."""
        stale = (
            "status = 'sending' AND NOT (id = ANY($2::bigint[])) AND ("
            # this worker's own (or an unowned) claim, older than ``before``
            " ((owner IS NULL OR owner = $3) AND created_at < $1)"
            # or any claim of a worker that is gone, however recent: its process is dead
            " OR (owner <> $3 AND owner NOT IN (SELECT worker_key FROM live)))")
        live = "WITH live AS MATERIALIZED (" + _LIVE_WORKERS + ") "
        params = (_iso(before), sorted(in_flight), self.worker)
        async with self._write() as db:
            released = _affected(await db.execute(
                live + "DELETE FROM posted_tips WHERE id IN (SELECT id FROM posted_tips WHERE"  # noqa: S608
                " attempted_at IS NULL AND " + stale + " FOR UPDATE SKIP LOCKED)", *params))
            rows = await db.fetch(
                live + "UPDATE posted_tips SET status = 'unknown', error = 'the bot stopped"  # noqa: S608
                " while"
                " sending: it may or may not have arrived, and is not sent again'"
                # attempted only: a claim made since the DELETE above (each statement sees
                # what is committed when it starts) was never sent; the next settle frees it
                " WHERE id IN (SELECT id FROM posted_tips WHERE attempted_at IS NOT NULL AND "
                + stale +
                " FOR UPDATE SKIP LOCKED) RETURNING *", *params)
        return released, sorted((_delivery(r) for r in rows), key=lambda d: d.id)

    async def recent_rules(self, subscription_id: int, limit: int) -> list[str]:
        async with self._read() as db:
            rows = await db.fetch(
                "SELECT rule_id FROM posted_tips WHERE subscription_id = $1 AND rule_id IS NOT"
                " NULL AND status IN ('sending', 'sent') ORDER BY created_at DESC, id DESC"
                " LIMIT $2", subscription_id, limit)
        return [str(r[0]) for r in rows]

    async def stale_deliveries(self, before: datetime) -> list[Delivery]:
        async with self._read() as db:
            rows = await db.fetch(
                "SELECT * FROM posted_tips WHERE status = 'sending' AND created_at < $1"
                " ORDER BY id", _iso(before))
        return [_delivery(r) for r in rows]

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            await self._holder.close()  # drops the worker's advisory lock
        finally:
            await self._pool.close()


async def _keep_session(connection: _Conn) -> None:
    """Nothing to reset when a connection goes back to the pool: no store call leaves session
    state on a pooled connection (no SET, LISTEN, cursor or session advisory lock: the
    worker's own lock is on a connection of its own, user locks end with their transaction,
    and asyncpg still ends any open transaction itself). asyncpg's default reset is one
    more round trip (``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``)
    after every store call, doubling the round trips of each weekly post's bookkeeping."""


async def _insert_snapshot(db: _Conn, user_id: int, changes: Mapping[str, float],
                           taken_at: datetime, source: str) -> MetricSnapshot:
    """One snapshot as its own action inside the caller's transaction (``/log``: "log", a
    TikTok sync: "sync"), as the SQLite store does."""
    action, timezone = await db.fetchrow(_ACTION_AND_ZONE, user_id)
    day = _day_of(taken_at, _zone_named(timezone))  # the creator's day
    row = await db.fetchrow(
        f"SELECT * FROM snapshots WHERE user_id = $1 AND {_ACTIVE} "  # noqa: S608
        f"AND day <= $2 ORDER BY {_ORDER_DESC} LIMIT 1", user_id, day)
    base = _snapshot(row) if row else MetricSnapshot.empty(taken_at)
    snap = replace(base.merged(dict(changes), taken_at), day=_stored_day(day))
    values = [_num(getattr(snap, name)) for name in METRIC_NAMES]
    await db.execute(_INSERT_SNAPSHOT, user_id, _iso(taken_at), *values,
                     ",".join(sorted(snap.given)), source, int(action), day, _iso(taken_at))
    later = await db.fetchval(
        f"SELECT 1 FROM snapshots WHERE user_id = $1 AND {_ACTIVE} "  # noqa: S608
        "AND day > $2 LIMIT 1", user_id, day)
    if later is not None:
        await _recarry(db, user_id)
    await _thin_if_needed(db, user_id)
    return snap


async def _relocalized(db: _Conn, user_id: int, zone: tzinfo) -> None:
    """Put a creator's snapshots on their days in ``zone`` and carry values forward again, as
    the SQLite store's :func:`~bot.store.sqlite._relocalized_sync` does."""
    moved = _moved_days(await db.fetch(_DAYS_OF_USER.format("$1"), user_id), zone)
    if moved:
        await db.executemany("UPDATE snapshots SET day = $1 WHERE id = $2", moved)
        await _recarry(db, user_id)


async def _relocalized_all(db: _Conn) -> None:
    """Migration 0239's second half (see :data:`~bot.store.sqlite._AFTER_MIGRATION`): every
    creator's hidden imported rows get the day of the row that replaced them, their imported
    rows the time they were recorded, then every creator's snapshots their days in their
    time zone."""
    now = _iso(datetime.now(UTC))
    for user_id, timezone in await db.fetch(_CREATORS):
        replaced = _replaced_days(await db.fetch(_IMPORTS_OF_USER.format("$1"), user_id))
        if replaced:
            await db.executemany("UPDATE snapshots SET replaced_day = $1 WHERE id = $2",
                                 replaced)
        recorded = _recorded_imports(await db.fetch(_ACTIONS_OF_USER.format("$1"), user_id),
                                     now)
        if recorded:
            await db.executemany("UPDATE snapshots SET recorded_at = $1 WHERE id = $2",
                                 recorded)
        await _relocalized(db, int(user_id), _zone_named(timezone))


async def _zone(db: _Conn, user_id: int) -> tzinfo:
    """The creator's time zone (their /settings timezone), on ``db``."""
    return _zone_of(await db.fetchrow("SELECT * FROM user_settings WHERE user_id = $1",
                                      user_id))


async def _latest(db: _Conn, user_id: int) -> MetricSnapshot | None:
    """The user's latest active snapshot (``latest_snapshot``), on ``db``."""
    row = await db.fetchrow(
        f"SELECT * FROM snapshots WHERE user_id = $1 AND {_ACTIVE} "  # noqa: S608
        f"ORDER BY {_ORDER_DESC} LIMIT 1", user_id)
    return None if row is None else _snapshot(row)


def _num(value: float | None) -> float | None:
    return None if value is None else float(value)


async def _next_action(db: _Conn, user_id: int) -> int:
    """Actions are numbered over the snapshots and the TikTok Studio imports (as SQLite)."""
    return int(await db.fetchval(
        "SELECT greatest(coalesce((SELECT max(action) FROM snapshots WHERE user_id = $1), 0),"
        " coalesce((SELECT max(action) FROM studio_imports WHERE user_id = $1), 0)) + 1",
        user_id))


async def _recarry(db: _Conn, user_id: int) -> None:
    """Recompute carried-forward values of all the user's active snapshots."""
    rows = await db.fetch(
        f"SELECT * FROM snapshots WHERE user_id = $1 AND {_ACTIVE} ORDER BY {_ORDER}",  # noqa: S608
        user_id)
    changed = _recarried(rows)
    if changed:
        await db.executemany(_UPDATE_VALUES, changed)


async def _thin_if_needed(db: _Conn, user_id: int) -> None:
    """Keep a user's stored history bounded, as the SQLite store does (same plan)."""
    count = await db.fetchval("SELECT count(*) FROM snapshots WHERE user_id = $1", user_id)
    if count is None or count <= MAX_SNAPSHOTS:
        return
    # Only the replaced rows no /undo of the latest import brings back (see the SQLite store).
    gone = await db.fetchval(
        "WITH gone AS (DELETE FROM snapshots WHERE user_id = $1 AND replaced_by < "
        "(SELECT max(replaced_by) FROM snapshots WHERE user_id = $1) RETURNING 1) "
        "SELECT count(*) FROM gone", user_id)
    if count - int(gone or 0) <= MAX_SNAPSHOTS:
        return
    hidden = await db.fetchval(
        "SELECT count(*) FROM snapshots WHERE user_id = $1 AND replaced_by IS NOT NULL", user_id)
    rows = await db.fetch(
        f"SELECT id, day, given FROM snapshots WHERE user_id = $1 AND {_ACTIVE} "  # noqa: S608
        f"ORDER BY {_ORDER}", user_id)
    deletes, updates = _thin_plan(rows, int(hidden or 0))
    if deletes:
        await db.execute("DELETE FROM snapshots WHERE id = ANY($1::bigint[])",
                         [d[0] for d in deletes])
    if updates:
        await db.executemany("UPDATE snapshots SET given = $1 WHERE id = $2", updates)


async def _import(db: _Conn, user_id: int,
                  rows: Sequence[tuple[datetime, Mapping[str, float]]],
                  action: int | None = None, *, now: datetime | None = None) -> int:
    """The body of an import made at ``now`` (default: the system clock), inside the caller's
    transaction (see the SQLite store), as ``action`` (default: the next one)."""
    recorded = now or datetime.now(UTC)
    if action is None:
        action = await _next_action(db, user_id)
    # A day imported again replaces the earlier imported rows of that day: the creator's day,
    # in their time zone (see the SQLite store's _imported_before).
    zone = await _zone(db, user_id)
    ordered = _in_order(rows, zone)
    earlier, replaced = _imported_before(await db.fetch(
        f"SELECT * FROM snapshots WHERE user_id = $1 AND {_ACTIVE} "  # noqa: S608
        f"AND source = 'import' ORDER BY {_ORDER}", user_id), ordered, zone)
    if replaced:
        await db.execute(
            "UPDATE snapshots AS s SET replaced_by = $1, replaced_day = r.day FROM "
            "unnest($3::text[], $4::bigint[]) AS r (day, id) WHERE s.user_id = $2 "
            "AND s.id = r.id", action, user_id, [day for day, _id in replaced],
            [row_id for _day, row_id in replaced])
    rows_out = _import_rows(user_id, ordered, earlier, action, zone, recorded)
    if rows_out:
        await db.executemany(_INSERT_IMPORTED, rows_out)
    await _recarry(db, user_id)
    await _thin_if_needed(db, user_id)
    return len(ordered)


async def _take_worker_key(url: str, what: str = "DATABASE_URL") -> tuple[_Conn, int]:
    """A new random worker key and a connection of its own holding the key's session advisory
    lock (``idle_session_timeout`` off on it, where the server has that setting, so a quiet
    worker is not taken for dead). Raises :class:`StoreError` with one sentence (see
    :func:`open_postgres_store`)."""
    worker = secrets.randbits(62) + 1
    if problem := postgres_url_problem(url):
        raise StoreError(f"{what} {redacted(url)} is not a valid PostgreSQL URL: {problem}")
    try:
        holder = await asyncpg.connect(url)
    except (ValueError, OverflowError, asyncpg.ClientConfigurationError) as exc:
        # asyncpg's URL parser and the socket layer: a port that is not a number or is out of
        # range, an unclosed IPv6 bracket, an unknown sslmode, …
        raise StoreError(f"{what} {redacted(url)} is not a valid PostgreSQL URL: "
                         f"{_scrubbed(exc, url)}") from None
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise StoreError(f"cannot connect to PostgreSQL at {redacted(url)}: "
                         f"{_scrubbed(exc, url)}") from exc
    try:
        if holder.get_server_version() >= (14, 0):
            await holder.execute("SET idle_session_timeout = 0")
        await holder.execute("SELECT pg_advisory_lock($1::bigint)", worker)
        if await holder.fetchval("SELECT current_schema()") is None:
            path = await holder.fetchval("SHOW search_path")
            raise StoreError(
                f"no schema named in the search_path of {what} ({path}) exists in the database"
                f" at {redacted(url)}; create it (CREATE SCHEMA …) or fix the search_path")
    except BaseException as exc:
        holder.terminate()
        if isinstance(exc, OSError | asyncpg.PostgresError | asyncpg.InterfaceError):
            raise StoreError(f"cannot use PostgreSQL at {redacted(url)}: "
                             f"{_scrubbed(exc, url)}") from exc
        raise
    return holder, worker


async def open_postgres_store(url: str, *, min_size: int = 1, max_size: int = 10,
                              what: str = "DATABASE_URL") -> PostgresStore:
    """Connect to the PostgreSQL database at ``url`` and bring its schema up to date.

    Several processes may open one database at once (that is the point); each takes a random
    worker key and holds its session advisory lock on a connection of its own. Raises
    :class:`StoreError` with one sentence (the URL's passwords masked) when ``url`` is
    malformed (``what`` names it: ``DATABASE_URL`` or a ``db copy`` argument), when the server
    cannot be reached or refuses us, or when none of the schemas its ``search_path`` names
    exists.
    """
    holder, worker = await _take_worker_key(url, what)
    try:
        pool = await asyncpg.create_pool(url, min_size=min_size, max_size=max_size,
                                         reset=_keep_session)
    except BaseException as exc:
        await holder.close()
        if isinstance(exc, OSError | asyncpg.PostgresError | asyncpg.InterfaceError):
            raise StoreError(f"cannot use PostgreSQL at {redacted(url)}: {exc}") from exc
        raise
    store = PostgresStore(url, pool, holder, worker)
    try:
        await store._migrate()
    except asyncpg.PostgresError as exc:
        await store.close()
        raise StoreError(f"cannot set up the schema at {redacted(url)}: {exc}") from exc
    except BaseException:
        with contextlib.suppress(Exception):
            await asyncio.shield(store.close())
        raise
    return store


def _scrubbed(exc: BaseException, url: str) -> str:
    """``str(exc)`` with the URL in it, if any, passwords masked (a driver may quote it)."""
    return str(exc).replace(url, redacted(url))
