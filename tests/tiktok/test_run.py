"""``creator-advisor run`` as deployed: Telegram and the TikTok callback in one process, the
creator connects from a chat, the page says so, the chat says what was read, SIGTERM ends it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.auxil.fake_telegram import FakeTelegram, private_chat, user
from tests.auxil.fake_tiktok import CLIENT_KEY, CLIENT_SECRET, FakeTikTok, videos
from tests.tiktok.helpers import browse, redirect_uri
from tests.tiktok.test_service import START, secrets_seen

MAYA = user(1001, "Maya")


async def test_connect_from_telegram_through_the_run_process(tmp_path: Path) -> None:
    async with FakeTelegram() as fake, FakeTikTok(redirect_uri=redirect_uri()) as tiktok:
        tiktok.account.videos = videos(5, newest=int(START.timestamp()))
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_", "TIKTOK_"))}
        env.update(TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_BASE_URL=fake.base_url,
                   DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
                   DATA_DIR=str(tmp_path / "data"), LOG_LEVEL="DEBUG",
                   TIKTOK_CLIENT_KEY=CLIENT_KEY, TIKTOK_CLIENT_SECRET=CLIENT_SECRET,
                   TIKTOK_REDIRECT_URI=tiktok.redirect_uri, TIKTOK_AUTH_URL=tiktok.auth_url,
                   TIKTOK_API_URL=tiktok.base_url)
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            async with asyncio.timeout(30):
                await fake.wait_until(lambda: bool(fake.named("getUpdates")))
                # The first sync round runs at start: nothing is connected yet.
                fake.message("/connect", chat=private_chat(MAYA), sender=MAYA)
                await fake.wait_until(lambda: any(c.buttons for c in fake.sent(MAYA["id"])))
            url = next(c for c in fake.sent(MAYA["id"]) if c.buttons).buttons[0]["url"]
            async with asyncio.timeout(30):
                while True:  # the callback server may still be starting
                    try:
                        status, page = await browse(url)
                        break
                    except OSError:
                        await asyncio.sleep(0.1)
            assert status == 200 and "Connected, you can close this page." in page
            async with asyncio.timeout(30):
                await fake.wait_until(lambda: any("TikTok connected" in c.shown
                                                  for c in fake.sent(MAYA["id"])))
            proc.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                _, err = await proc.communicate()
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        log = err.decode()
        assert proc.returncode == 0, log
        assert "tiktok: callback listening" in log and "Traceback" not in log
        assert not [s for s in secrets_seen(tiktok) if s in log]
