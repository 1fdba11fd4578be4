"""Shared fixtures: settings on a temp dir, the app on a real SQLite file, the console bot.

A guard refuses any socket connection outside 127.0.0.0/8 and ::1 during tests.

Store backends: ``store_url`` is parametrised over SQLite and PostgreSQL. The PostgreSQL cases
need ``TEST_DATABASE_URL`` (a server URL such as ``postgresql://postgres@127.0.0.1:5432/
postgres``): the run creates a database ``ca_test_<random>`` there, gives each test a fresh
schema in it, and drops the database at the end. Without the variable they skip, naming it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import secrets
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot import i18n
from bot.adapters.console import ConsoleAdapter
from bot.app import App, running
from bot.config import Settings
from tests.auxil.clock import FakeClock

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _check(address: Any) -> None:
    if isinstance(address, tuple) and address:
        host = address[0]
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            if host != "localhost":
                raise OSError(f"tests may only connect to loopback, not {host!r}") from None
            return
        if not ip.is_loopback:
            raise OSError(f"tests may only connect to loopback, not {host}")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check(address)
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check(address)
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True)
def _english_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests read English unless they choose a language: the console follows the terminal's
    LC_ALL / LC_MESSAGES / LANG (bot.i18n.posix_locale), so the machine's must not leak in."""
    for key in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(autouse=True, scope="session")
def _no_glued_phrases() -> Iterator[None]:
    """A translated message filled with another translated phrase raises (bot.i18n.Phrase):
    such a sentence reads as nonsense in other languages, so no test may render one."""
    i18n.strict(True)
    yield
    i18n.strict(False)


@pytest.fixture(autouse=True, scope="session")
def _loopback_only() -> Iterator[None]:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'db' / 'advisor.db'}",
        data_dir=tmp_path / "data",
        telegram_bot_token=None,
        discord_token=None,
        rate_limit_burst=0,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> AsyncIterator[App]:
    async with running(settings, clock=clock) as app:
        yield app


@pytest.fixture
def console(app: App) -> ConsoleAdapter:
    return ConsoleAdapter(app, user="alice")


#: The variable that points the PostgreSQL cases at a server (``.ci/run`` sets it).
TEST_DATABASE_URL = "TEST_DATABASE_URL"
BACKENDS = ("sqlite", "postgresql")


def _with_database(url: str, name: str) -> str:
    """``url`` with its database (path) replaced by ``name`` (query kept)."""
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _with_search_path(url: str, schema: str) -> str:
    """``url`` whose connections use ``schema`` (asyncpg passes unknown query parameters on
    as server settings)."""
    return f"{url}{'&' if '?' in url else '?'}search_path={schema}"


async def _admin(url: str, *statements: str) -> None:
    import asyncpg

    db = await asyncpg.connect(url)
    try:
        for statement in statements:
            await db.execute(statement)
    finally:
        await db.close()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str | None]:
    """A fresh database for this test run on ``TEST_DATABASE_URL``'s server (None: unset);
    dropped at the end, even if a test left connections open."""
    server = os.environ.get(TEST_DATABASE_URL)
    if not server:
        yield None
        return
    name = f"ca_test_{secrets.token_hex(6)}"
    asyncio.run(_admin(server, f'CREATE DATABASE "{name}"'))
    try:
        yield _with_database(server, name)
    finally:
        asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _needs_postgres(database: str | None) -> str:
    if database is None:
        pytest.skip(f"PostgreSQL store cases need {TEST_DATABASE_URL} (e.g. "
                    "postgresql://postgres@127.0.0.1:5432/postgres); it is unset")
    return database


@pytest.fixture
def pg_url(pg_database: str | None) -> Iterator[str]:
    """A DATABASE_URL on an empty schema of its own in the run's PostgreSQL database."""
    database = _needs_postgres(pg_database)
    schema = f"t_{secrets.token_hex(6)}"
    asyncio.run(_admin(database, f'CREATE SCHEMA "{schema}"'))
    try:
        yield _with_search_path(database, schema)
    finally:
        asyncio.run(_admin(database, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The store backend of this case: "sqlite" or "postgresql"."""
    return str(request.param)


@pytest.fixture
def store_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A DATABASE_URL for an empty store of the case's backend (a file, or a fresh schema)."""
    if backend == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite:///{tmp_path / 'nested' / 'store.db'}"


@pytest.fixture
async def both(settings: Settings, store_url: str,
               clock: FakeClock) -> AsyncIterator[ConsoleAdapter]:
    """The console as creator ``alice``, on each store backend in turn (``store_url``); a
    module overrides ``clock`` for its own start time."""
    async with running(settings.model_copy(update={"database_url": store_url}),
                       clock=clock) as app:
        yield ConsoleAdapter(app, user="alice")
