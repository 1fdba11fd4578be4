"""Shared pieces of the TikTok tests: settings pointing at the fake, a consenting "browser"."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
from pydantic import SecretStr

from bot.config import Settings
from tests.auxil.fake_tiktok import CLIENT_KEY, CLIENT_SECRET, FakeTikTok
from tests.auxil.ports import free_port

TABLES = ("snapshots", "videos", "video_totals", "tiktok_connections")


def redirect_uri() -> str:
    return f"http://127.0.0.1:{free_port()}/tiktok/callback"


def tiktok_settings(settings: Settings, fake: FakeTikTok, **more: Any) -> Settings:
    return settings.model_copy(update={
        "tiktok_client_key": CLIENT_KEY,
        "tiktok_client_secret": SecretStr(CLIENT_SECRET),
        "tiktok_redirect_uri": fake.redirect_uri,
        "tiktok_auth_url": fake.auth_url,
        "tiktok_api_url": fake.base_url,
        **more,
    })


async def authorize(url: str) -> dict[str, str]:
    """What TikTok's authorize page redirects to (no callback server needed): its query."""
    async with aiohttp.ClientSession() as http, http.get(url, allow_redirects=False) as resp:
        assert resp.status == 302, await resp.text()
        location = resp.headers["Location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def browse(url: str) -> tuple[int, str]:
    """A browser: follow the authorize redirect to the callback page; (status, page)."""
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        return resp.status, await resp.text()


def counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def raw_bytes(db: Path) -> bytes:
    """The database and its WAL, as bytes (to check no token is stored in plain text)."""
    data = db.read_bytes()
    wal = db.with_name(db.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")
