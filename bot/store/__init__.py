"""Store implementations. Callers depend on ``bot.core.ports.Store``; ``bot.app`` picks one.

The PostgreSQL store (and asyncpg with it) is imported only when a ``postgresql://`` URL is
opened or :class:`PostgresStore` is asked for: a bot or a console ``ask`` on SQLite never
loads the driver."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.core.ports import StoreError
from bot.store.sqlite import SqliteStore, parse_database_url
from bot.store.sqlite import open_store as open_sqlite_store
from bot.store.urls import is_postgres_url, redacted

if TYPE_CHECKING:
    from bot.store.postgres import PostgresStore

__all__ = ["PostgresStore", "SqliteStore", "StoreError", "describe_database_url",
           "is_postgres_url", "open_store", "parse_database_url"]


def __getattr__(name: str) -> Any:
    """``bot.store.PostgresStore``, imported on first use (with asyncpg)."""
    if name == "PostgresStore":
        from bot.store.postgres import PostgresStore

        return PostgresStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


async def open_store(url: str, *, cache_size: int | None = None) -> SqliteStore | PostgresStore:
    """Open the store ``DATABASE_URL`` names: ``postgresql://…`` (or ``postgres://…``) is a
    PostgreSQL server that several bot workers may share; ``sqlite:///…`` or a bare path is a
    SQLite file for one process. ``cache_size``: users the SQLite store keeps in memory (the
    PostgreSQL store keeps none: another worker may change them). Raises
    :class:`StoreError` with one sentence on failure."""
    if is_postgres_url(url):
        from bot.store.postgres import open_postgres_store

        return await open_postgres_store(url)
    if cache_size is None:
        return await open_sqlite_store(url)
    return await open_sqlite_store(url, cache_size=cache_size)


def describe_database_url(url: str) -> str:
    """Where ``url`` keeps the data, for ``creator-advisor info``: the SQLite file's absolute
    path, or the PostgreSQL URL without its password. Raises :class:`StoreError`."""
    if is_postgres_url(url):
        return f"{redacted(url)} (PostgreSQL)"
    return str(parse_database_url(url).resolve())
