"""SIGTERM while the bot is busy: a clean exit, the WAL checkpointed, no acknowledged /log lost."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

from tests.auxil.fake_telegram import FakeTelegram, private_chat, user


async def test_sigterm_under_load(tmp_path: Path) -> None:
    async with FakeTelegram() as fake:
        db = tmp_path / "bot.db"
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_"))}
        env.update(TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_BASE_URL=fake.base_url,
                   DATABASE_URL=f"sqlite:///{db}", DATA_DIR=str(tmp_path / "data"),
                   RATE_LIMIT_BURST="0", LOG_LEVEL="INFO")
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            async with asyncio.timeout(30):
                await fake.wait_until(lambda: bool(fake.named("getUpdates")))
            people = [user(5000 + n, f"P{n}") for n in range(40)]
            for n, p in enumerate(people):
                fake.message(f"/log followers={2000 + n}", chat=private_chat(p), sender=p)
            async with asyncio.timeout(30):
                await fake.wait_until(lambda: len([c for c in fake.named("sendMessage")
                                                   if c.ok]) >= 10)
            proc.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                _, err = await proc.communicate()
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    log = err.decode()
    assert proc.returncode == 0, log
    assert "shutting down" in log and "Traceback" not in log
    assert fake.token not in log
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed on the way out
    replied = {int(c.params["chat_id"]) for c in fake.named("sendMessage") if c.ok}
    con = sqlite3.connect(db)
    try:
        stored = {int(r[0]) for r in con.execute(
            "SELECT u.platform_user_id FROM users u JOIN snapshots s ON s.user_id = u.id")}
    finally:
        con.close()
    assert replied <= stored  # every /log the bot acknowledged is on disk
