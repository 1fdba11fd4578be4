"""The database and Redis servers the several-worker benchmarks use, on 127.0.0.1 only.

``BENCH_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``) names a
PostgreSQL server where each run creates a database of its own (``bench_…``) and drops it
afterwards; ``BENCH_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``) the Redis that holds the
shared send budget (each run uses a bot token of its own, so its budget key is its own). When
either cannot be reached, the benchmark prints one line saying which variable to set, and
``python -m benchmarks`` goes on with the others.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import asyncpg

DATABASE_ENV = "BENCH_DATABASE_URL"
REDIS_ENV = "BENCH_REDIS_URL"
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def server_url() -> str:
    return os.environ.get(DATABASE_ENV) or DEFAULT_DATABASE


def redis_url() -> str:
    return os.environ.get(REDIS_ENV) or DEFAULT_REDIS


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _admin(url: str, statement: str) -> None:
    db = await asyncpg.connect(url, timeout=5)
    try:
        await db.execute(statement)
    finally:
        await db.close()


def unreachable() -> str | None:
    """Why the benchmark cannot run here (one sentence), or None when both servers answer."""
    url = server_url()
    try:
        asyncio.run(_admin(url, "SELECT 1"))
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
        return (f"skipped: no PostgreSQL at {url} ({type(exc).__name__}); "
                f"set {DATABASE_ENV} to a server URL")
    try:
        import redis

        redis.Redis.from_url(redis_url(), socket_connect_timeout=5).ping()
    except (OSError, redis.RedisError) as exc:
        return (f"skipped: no Redis at {redis_url()} ({type(exc).__name__}); "
                f"set {REDIS_ENV} to a Redis URL")
    return None


@contextmanager
def scratch_database(label: str) -> Iterator[str]:
    """A fresh, empty database on the benchmark server for one run; dropped afterwards."""
    server = server_url()
    name = f"bench_{label}_{secrets.token_hex(4)}"
    asyncio.run(_admin(server, f'CREATE DATABASE "{name}"'))
    try:
        yield with_database(server, name)
    finally:
        asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def backend_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) the server processes ``pids`` have used so far, from
    ``/proc`` (the database server runs on this machine); 0 for a pid that is gone."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


async def backend_pids(url: str) -> list[int]:
    """The server processes serving ``url``'s database right now (every worker's pool)."""
    db = await asyncpg.connect(url)
    try:
        rows = await db.fetch("SELECT pid FROM pg_stat_activity WHERE datname ="
                              " current_database() AND pid <> pg_backend_pid()")
    finally:
        await db.close()
    return [int(r["pid"]) for r in rows]
