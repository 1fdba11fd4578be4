"""``creator-advisor db copy SQLITE_URL POSTGRESQL_URL``: move a bot's data to PostgreSQL.

Every table is copied row by row with its ids, in one PostgreSQL transaction; the counts of
every table are checked before COMMIT; a target that already holds any row is refused (no
merge, no overwrite). The identity sequences are moved past the highest id the SQLite file
ever handed out (its AUTOINCREMENT counter, not only the highest id left), so an id is never
reused after the move either.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg

from bot.core.ports import StoreError
from bot.store.postgres import TABLES, PostgresStore, open_postgres_store
from bot.store.sqlite import InstanceLock, _migrations, parse_database_url
from bot.store.sqlite import open_store as open_sqlite_store
from bot.store.urls import is_postgres_url, redacted


@dataclass(frozen=True, slots=True)
class CopyReport:
    """Rows copied per table (in copy order); the target's counts matched these."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _convert(kind: str, value: Any) -> Any:
    """A SQLite value for a PostgreSQL column of type ``kind`` (SQLite's types are loose)."""
    if value is None:
        return None
    if kind == "double precision":
        return float(value)
    if kind in ("bigint", "integer"):
        return int(value)
    if kind == "bytea":
        return bytes(value)
    if kind == "boolean":
        return bool(value)
    return str(value)


async def copy_database(source_url: str, target_url: str) -> CopyReport:
    """Copy every table of the SQLite database at ``source_url`` into the empty PostgreSQL
    database at ``target_url`` (its schema is created if missing).

    The source is only read: opened read-only, never migrated in place, no file created next
    to it. A source of an older schema is migrated in a temporary copy (as starting the bot
    on it would), and that copy is read. Raises :class:`StoreError` with one sentence when the
    URLs are not SQLite then PostgreSQL or are malformed, the source holds no Creator Advisor
    data or a running bot holds it, the target cannot be opened, lacks one of the bot's tables
    or is not empty, PostgreSQL refuses a statement, or the counts differ after copying; in
    every case nothing was written."""
    if is_postgres_url(source_url):
        raise StoreError("db copy reads a SQLite database (sqlite:///…) first, then writes "
                         "PostgreSQL (postgresql://…); the source is not SQLite")
    if not is_postgres_url(target_url):
        raise StoreError("db copy writes to a PostgreSQL database (postgresql://…); the "
                         "target is not PostgreSQL")
    path = parse_database_url(source_url, what="the source")
    if not path.is_file():  # opening it would create an empty database and copy nothing
        raise StoreError(f"there is no SQLite database at {path}; check the source path")
    lock = await asyncio.to_thread(InstanceLock.share, path, what="the source")
    try:
        with tempfile.TemporaryDirectory(prefix="creator-advisor-copy-") as scratch:
            lite = await _open_source(path, Path(scratch))
            try:
                target = await open_postgres_store(target_url, max_size=2, what="the target")
                try:
                    return await _copy(lite, target)
                except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
                    raise StoreError(f"PostgreSQL at {redacted(target_url)} refused the copy "
                                     f"({exc}); nothing was changed") from exc
                except sqlite3.DatabaseError as exc:
                    raise StoreError(f"cannot read the source {path} ({exc}); nothing was "
                                     "changed") from exc
                finally:
                    await target.close()
            finally:
                await lite.close()
    finally:
        if lock is not None:
            lock.release()


def _read_only_uri(path: Path) -> str:
    """The SQLite URI that opens ``path`` without writing it or its folder. A database without
    a ``-wal`` file (its bot stopped cleanly, and none runs: the caller holds the instance
    lock shared) is opened immutable, else SQLite would create ``-wal`` and ``-shm`` files
    beside it; one with a ``-wal`` file (a bot was killed) is read through it."""
    immutable = "" if path.with_name(path.name + "-wal").exists() else "&immutable=1"
    return f"{path.resolve().as_uri()}?mode=ro{immutable}"


async def _connect_read_only(path: Path) -> aiosqlite.Connection:
    """A connection that cannot write ``path`` (see :func:`_read_only_uri`)."""
    uri = await asyncio.to_thread(_read_only_uri, path)
    return await aiosqlite.connect(uri, uri=True)


async def _open_source(path: Path, scratch: Path) -> aiosqlite.Connection:
    """A read-only connection on the data of ``path`` in the current schema: ``path`` itself,
    or a copy migrated in ``scratch`` when its schema is older. Raises :class:`StoreError`
    when ``path`` is not a SQLite file, holds no Creator Advisor schema (an empty file,
    another program's database) or was written by a newer version."""
    try:
        lite = await _connect_read_only(path)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot open the source {path} for reading ({exc}); nothing was "
                         "changed") from exc
    try:
        try:
            async with lite.execute("PRAGMA user_version") as cur:
                row = await cur.fetchone()
            async with lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cur:
                tables = {str(r[0]) for r in await cur.fetchall()}
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the source {path} is not a SQLite database ({exc}); nothing "
                             "was changed") from exc
        version = int(row[0]) if row else 0
        latest = _migrations()[-1][0]
        if version == 0 or "users" not in tables:
            raise StoreError(f"the source {path} holds no Creator Advisor data (it is empty or "
                             "another program's database); nothing was changed")
        if version > latest:
            raise StoreError(f"the source {path} was written by a newer Creator Advisor (schema"
                             f" {version}, this version knows {latest}); upgrade this one")
        if version == latest:
            return lite
        # An older schema: migrate a copy, as the bot would at start, and leave the file alone
        # (an older bot must still open it).
        upgraded = scratch / path.name
        copy = await aiosqlite.connect(upgraded)
        try:
            await lite.backup(copy)
        finally:
            await copy.close()
    except BaseException:
        await lite.close()
        raise
    await lite.close()
    store = await open_sqlite_store(f"sqlite:///{upgraded}")
    await store.close()
    return await _connect_read_only(upgraded)


async def _copy(lite: aiosqlite.Connection, target: PostgresStore) -> CopyReport:
    counts: dict[str, int] = {}
    await lite.execute("BEGIN")  # one read transaction: every table from the same moment
    async with lite.execute("SELECT name, seq FROM sqlite_sequence") as cur:
        highest = {str(r[0]): int(r[1]) for r in await cur.fetchall()}
    async with lite.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name"
                            " NOT LIKE 'sqlite_%'") as cur:
        unknown = sorted({str(r[0]) for r in await cur.fetchall()} - set(TABLES))
    if unknown:  # a table this version cannot copy would be lost silently
        raise StoreError(f"the source has table(s) {', '.join(unknown)} that this version "
                         "cannot copy to PostgreSQL; nothing was changed")
    async with target._write() as pg:
        absent = [str(r[0]) for r in await pg.fetch(
            "SELECT t FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n) "
            "WHERE to_regclass(quote_ident(t)) IS NULL ORDER BY n", list(TABLES))]
        if absent:  # its schema version says they exist: someone dropped them
            raise StoreError(
                f"the target {redacted(target.url)} lacks the table {absent[0]} its schema "
                "version promises (it was changed by hand); copy into a new, empty database;"
                " nothing was changed")
        await pg.execute(f"LOCK TABLE {', '.join(TABLES)} IN EXCLUSIVE MODE")
        for table in TABLES:  # constants: the bot's own tables
            if await pg.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):  # noqa: S608
                raise StoreError(
                    f"the target {redacted(target.url)} already holds data (table "
                    f"{table}); db copy only fills an empty database, nothing was changed")
        for table in TABLES:
            kinds = {str(r[0]): str(r[1]) for r in await pg.fetch(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = $1", table)}
            async with lite.execute(f"SELECT * FROM {table}") as cur:  # noqa: S608
                names = [d[0] for d in cur.description]
                rows = await cur.fetchall()
            missing = [n for n in names if n not in kinds]
            if missing:
                raise StoreError(f"the target's {table} has no column {missing[0]}; "
                                 "upgrade the bot that created it")
            records = [tuple(_convert(kinds[n], r[i]) for i, n in enumerate(names))
                       for r in rows]
            await pg.copy_records_to_table(table, records=records, columns=names)
            counts[table] = len(records)
            if "id" in kinds:
                top = max(highest.get(table, 0),
                          int(await pg.fetchval(f"SELECT coalesce(max(id), 0) FROM {table}")))  # noqa: S608
                if top > 0:
                    await pg.execute("SELECT setval(pg_get_serial_sequence($1, 'id'), $2)",
                                     table, top)
        for table, expected in counts.items():
            found = int(await pg.fetchval(f"SELECT count(*) FROM {table}"))  # noqa: S608
            if found != expected:
                raise StoreError(f"{table}: copied {expected} rows but the target holds "
                                 f"{found}; nothing was changed")
    return CopyReport(counts)
