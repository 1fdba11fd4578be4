"""``creator-advisor db copy SQLITE_URL POSTGRESQL_URL``: move a bot's data to PostgreSQL.

Every table is copied row by row with its ids, in one PostgreSQL transaction; the counts of
every table are checked before COMMIT; a target that already holds any row is refused (no
merge, no overwrite). The identity sequences are moved past the highest id the SQLite file
ever handed out (its AUTOINCREMENT counter, not only the highest id left), so an id is never
reused after the move either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.ports import StoreError
from bot.store.postgres import TABLES, PostgresStore, open_postgres_store
from bot.store.sqlite import SqliteStore, parse_database_url
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
    return str(value)


async def copy_database(source_url: str, target_url: str) -> CopyReport:
    """Copy every table of the SQLite database at ``source_url`` into the empty PostgreSQL
    database at ``target_url`` (its schema is created if missing).

    Raises :class:`StoreError` when the URLs are not SQLite then PostgreSQL, either cannot be
    opened (a running bot holds the SQLite file, the server is unreachable), the target is not
    empty, or the counts differ after copying (then nothing was written)."""
    if is_postgres_url(source_url):
        raise StoreError("db copy reads a SQLite database (sqlite:///…) first, then writes "
                         "PostgreSQL (postgresql://…); the source is not SQLite")
    if not is_postgres_url(target_url):
        raise StoreError("db copy writes to a PostgreSQL database (postgresql://…); the "
                         "target is not PostgreSQL")
    path = parse_database_url(source_url)
    if not path.is_file():  # opening it would create an empty database and copy nothing
        raise StoreError(f"there is no SQLite database at {path}; check the source path")
    source = await open_sqlite_store(source_url)  # refused while a bot holds the file
    try:
        target = await open_postgres_store(target_url, max_size=2)
        try:
            return await _copy(source, target)
        finally:
            await target.close()
    finally:
        await source.close()


async def _copy(source: SqliteStore, target: PostgresStore) -> CopyReport:
    counts: dict[str, int] = {}
    async with source._read() as lite:
        async with lite.execute("SELECT name, seq FROM sqlite_sequence") as cur:
            highest = {str(r[0]): int(r[1]) for r in await cur.fetchall()}
        async with lite.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name"
                                " NOT LIKE 'sqlite_%'") as cur:
            unknown = sorted({str(r[0]) for r in await cur.fetchall()} - set(TABLES))
        if unknown:  # a table this version cannot copy would be lost silently
            raise StoreError(f"the source has table(s) {', '.join(unknown)} that this version "
                             "cannot copy to PostgreSQL; nothing was changed")
        async with target._write() as pg:
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
