"""Two ``creator-advisor post-due`` processes started at once against one PostgreSQL print each
due console subscription exactly once between them (issue 21). 300 posts, so the two
fan-outs overlap (each process sends part of them)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.store import open_store
from tests.store.rawdb import query

SUBSCRIBERS = 300


async def _seed(url: str, due_at: datetime) -> set[str]:
    store = await open_store(url)
    chats = set()
    try:
        for n in range(SUBSCRIBERS):
            user = await store.ensure_user("console", f"u{n}", f"u{n}")
            await store.add_snapshot(user.id, {"followers": 1000.0 + n, "views": 9000.0},
                                     due_at - timedelta(days=1))
            sub = await store.save_subscription(
                platform="console", chat_id=f"console:u{n}", chat_kind="private",
                kind="personal", user_id=user.id, created_by=user.id,
                weekday=due_at.weekday(), local_time=f"{due_at:%H:%M}", timezone="UTC",
                topics=(), next_run_at=due_at)
            chats.add(sub.chat_id)
    finally:
        await store.close()
    return chats


async def test_two_post_due_processes_post_each_due_subscription_once(
        pg_url: str, tmp_path: Path) -> None:
    due_at = (datetime.now(UTC) - timedelta(minutes=30)).replace(second=0, microsecond=0)
    chats = await _seed(pg_url, due_at)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_"))}
    env.update(DATABASE_URL=pg_url, DATA_DIR=str(tmp_path / "d"))
    workers = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "post-due", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE) for _ in range(2)]
    raw = await asyncio.wait_for(asyncio.gather(*(w.communicate() for w in workers)), 120)
    outputs = [(out.decode(), err.decode()) for out, err in raw]
    for worker, (_, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
        assert "Traceback" not in err
    printed = [chat for out, _ in outputs
               for chat in re.findall(r"── weekly post for (\S+) ──", out)]
    assert sorted(printed) == sorted(chats)  # every one, none twice
    sent = [int(m) for out, _ in outputs for m in re.findall(r"^sent (\d+),", out, re.M)]
    assert sum(sent) == SUBSCRIBERS
    # Neither worker settled the other's live claims as stale ("unknown", or released).
    statuses = await query(pg_url, "SELECT status, count(*) FROM posted_tips GROUP BY status")
    assert statuses == [("sent", SUBSCRIBERS)]
