"""Plain SQL on a store's database, SQLite or PostgreSQL, for tests that check the rows."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from bot.store import is_postgres_url, parse_database_url


def _dollars(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's ``$1``, ``$2``, …"""
    count = iter(range(1, 1000))
    return re.sub(r"\?", lambda _: f"${next(count)}", sql)


async def query(url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run one statement (``?`` placeholders) and return its rows as tuples."""
    if is_postgres_url(url):
        import asyncpg

        db = await asyncpg.connect(url)
        try:
            return [tuple(r) for r in await db.fetch(_dollars(sql), *params)]
        finally:
            await db.close()
    conn = sqlite3.connect(parse_database_url(url))
    try:
        with conn:
            return [tuple(r) for r in conn.execute(sql, params).fetchall()]
    finally:
        conn.close()


async def columns(url: str) -> dict[str, list[str]]:
    """Every table of the bot's schema and its columns (not the version bookkeeping)."""
    if is_postgres_url(url):
        rows = await query(url, "SELECT table_name::text, column_name::text FROM"
                                " information_schema.columns WHERE table_schema = current_schema()"
                                " ORDER BY table_name, ordinal_position")
    else:
        rows = await query(url, "SELECT m.name, p.name FROM sqlite_master AS m,"
                                " pragma_table_info(m.name) AS p WHERE m.type = 'table'"
                                " AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid")
    out: dict[str, list[str]] = {}
    for table, column in rows:
        if table != "schema_version":
            out.setdefault(table, []).append(column)
    return out
