"""Store implementations. Callers depend on ``bot.core.ports.Store``; ``bot.app`` picks one."""

from bot.core.ports import StoreError
from bot.store.sqlite import SqliteStore, open_store, parse_database_url

__all__ = ["SqliteStore", "StoreError", "open_store", "parse_database_url"]
