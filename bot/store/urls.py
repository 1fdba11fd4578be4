"""What a ``DATABASE_URL`` names, without importing any database driver: deciding that a URL
is SQLite must not load asyncpg (a console ``ask`` on SQLite never needs it)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def is_postgres_url(url: str) -> bool:
    """Whether ``url`` names a PostgreSQL server (``postgresql://`` or ``postgres://``)."""
    return url.startswith(("postgresql://", "postgres://"))


def redacted(url: str) -> str:
    """``url`` without its password, fit for a log line or ``creator-advisor info``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))
