"""``creator-advisor connect`` / ``sync`` as a creator runs them: a real process, a real
``webbrowser`` (``$BROWSER`` is a stand-in that follows TikTok's redirect), the fake TikTok."""

from __future__ import annotations

import asyncio
import os
import shlex
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.auxil.fake_tiktok import CLIENT_KEY, CLIENT_SECRET, FakeTikTok, videos
from tests.tiktok.helpers import redirect_uri
from tests.tiktok.test_service import START, secrets_seen

BROWSER = Path(__file__).resolve().parent.parent / "auxil" / "fake_browser.py"


@pytest.fixture
async def tiktok() -> AsyncIterator[FakeTikTok]:
    async with FakeTikTok(redirect_uri=redirect_uri()) as fake:
        fake.account.videos = videos(25, newest=int(START.timestamp()))
        yield fake


class Cli:
    def __init__(self, tmp_path: Path, fake: FakeTikTok) -> None:
        self.tmp_path = tmp_path
        self.db = tmp_path / "cli.db"
        self.pages = tmp_path / "pages.txt"
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_", "TIKTOK_"))}
        self.env.update(
            DATABASE_URL=f"sqlite:///{self.db}", DATA_DIR=str(tmp_path / "d"),
            LOG_LEVEL="DEBUG", TIKTOK_CLIENT_KEY=CLIENT_KEY,
            TIKTOK_CLIENT_SECRET=CLIENT_SECRET, TIKTOK_REDIRECT_URI=fake.redirect_uri,
            TIKTOK_AUTH_URL=fake.auth_url, TIKTOK_API_URL=fake.base_url,
            BROWSER=f"{shlex.quote(sys.executable)} {shlex.quote(str(BROWSER))} %s",
            FAKE_BROWSER_PAGE=str(self.pages),
        )
        self.fake = fake
        self.stderr = ""

    async def __call__(self, *args: str, **env: str) -> tuple[int, str, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *args, cwd=self.tmp_path, env={**self.env, **env},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        async with asyncio.timeout(60):
            out, err = await process.communicate()
        assert process.returncode is not None
        self.stderr += err.decode()
        return process.returncode, out.decode(), err.decode()

    def no_secret_anywhere(self, *texts: str) -> None:
        seen = secrets_seen(self.fake)
        everything = self.stderr + "".join(texts)
        assert not [s for s in seen if s in everything]

    def connections(self) -> int:
        con = sqlite3.connect(self.db)
        try:
            return int(con.execute("SELECT count(*) FROM tiktok_connections").fetchone()[0])
        finally:
            con.close()


@pytest.fixture
def cli(tmp_path: Path, tiktok: FakeTikTok) -> Cli:
    return Cli(tmp_path, tiktok)


def sentence(text: str) -> str:
    lines = [line for line in text.splitlines() if " DEBUG " not in line and " INFO " not in line
             and " WARNING " not in line]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


async def test_connect_sync_and_disconnect_from_the_command_line(
        cli: Cli, tiktok: FakeTikTok) -> None:
    code, out, err = await cli("connect", "--user", "maya", "--timeout", "30")
    assert code == 0, err
    assert tiktok.auth_url in out  # the link is printed for a machine without a browser
    assert "TikTok connected: maya.makes" in out
    assert ("Read from TikTok: followers 12.3k, likes in total 457k, videos 25 "
            "(25 videos read, new: 25).") in out
    assert "Connected, you can close this page." in cli.pages.read_text()
    assert [c.body.get("cursor") for c in tiktok.named("/v2/video/list/")] == [None, 20]
    assert cli.connections() == 1

    tiktok.expire_access_tokens()  # short-lived: the next sync refreshes it
    code, out, err = await cli("sync", "--user", "maya")
    assert code == 0, err
    assert "TikTok synced: maya.makes" in out
    assert [c.form["grant_type"] for c in tiktok.named("/v2/oauth/token/")] == [
        "authorization_code", "refresh_token"]

    code, out, err = await cli("ask", "--user", "maya", "/disconnect")
    assert code == 0, err
    assert "withdrew my access at TikTok" in out and tiktok.revoked
    assert cli.connections() == 0
    cli.no_secret_anywhere(out)


async def test_a_denied_consent_exits_1_with_one_sentence(cli: Cli, tiktok: FakeTikTok) -> None:
    tiktok.consent = "deny"
    code, out, err = await cli("connect", "--user", "maya", "--timeout", "30")
    assert code == 1
    assert sentence(err).startswith("You didn't allow access on TikTok")
    assert cli.connections() == 0
    cli.no_secret_anywhere(out)


async def test_a_forged_state_exits_1_with_one_sentence(cli: Cli, tiktok: FakeTikTok) -> None:
    code, out, err = await cli("connect", "--user", "maya", "--timeout", "30",
                               FAKE_BROWSER_STATE="forged")
    assert code == 1
    assert "expired or was already used" in sentence(err)
    assert tiktok.named("/v2/oauth/token/") == [] and cli.connections() == 0
    cli.no_secret_anywhere(out)


async def test_no_answer_in_time_exits_1_with_one_sentence(cli: Cli, tiktok: FakeTikTok) -> None:
    code, _, err = await cli("connect", "--user", "maya", "--timeout", "1", BROWSER="true %s")
    assert code == 1
    assert "No answer came back from TikTok in time" in sentence(err)
    assert cli.connections() == 0


async def test_sync_without_a_connection_and_connect_without_an_app(cli: Cli) -> None:
    code, _, err = await cli("sync", "--user", "nobody")
    assert code == 1 and "No TikTok account is connected" in sentence(err)
    code, _, err = await cli("connect", "--user", "maya", TIKTOK_CLIENT_KEY="")
    assert code == 1 and "developers.tiktok.com" in err and "Traceback" not in err
