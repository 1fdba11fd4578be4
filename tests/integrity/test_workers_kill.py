"""Three ``creator-advisor run`` workers on one PostgreSQL share a weekly fan-out; one is
killed with SIGKILL halfway (issue 21). The others finish it: no chat gets the post twice, no
claim is left "sending", and every chat either got it or is recorded "unknown" (it was in
flight in the killed worker). The platform is a fake Bot API in its own process."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.store import open_store
from tests.integrity.test_kill_fanout import ROOT, TOKEN, _delivered, _wait_for
from tests.store.rawdb import query

CHATS = 600
WORKERS = 3


def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    return asyncio.run(query(url, sql))


async def _subscribe(url: str, slot: datetime) -> None:
    store = await open_store(url)
    try:
        for n in range(CHATS):
            await store.save_subscription(
                platform="telegram", chat_id=str(-2_000_000 - n), chat_kind="group",
                kind="community", user_id=None, created_by=None, weekday=slot.weekday(),
                local_time=slot.strftime("%H:%M"), timezone="UTC", topics=(),
                next_run_at=slot)
    finally:
        await store.close()


def test_three_workers_one_killed_mid_fan_out_post_each_chat_once(
        tmp_path: Path, pg_url: str) -> None:
    slot = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=2)
    asyncio.run(_subscribe(pg_url, slot))
    out = tmp_path / "delivered.txt"
    api = subprocess.Popen([sys.executable, "-m", "tests.auxil.bot_api_process", str(out),
                            "--delay", "0.3"], cwd=ROOT, stdout=subprocess.PIPE)
    workers: list[subprocess.Popen[bytes]] = []
    try:
        assert api.stdout is not None
        port = int(api.stdout.readline().split()[1])
        env = {**os.environ, "DATABASE_URL": pg_url, "DATA_DIR": str(tmp_path),
               "TELEGRAM_BOT_TOKEN": TOKEN, "LOG_LEVEL": "INFO",
               "TELEGRAM_BASE_URL": f"http://127.0.0.1:{port}/bot"}
        env.pop("DISCORD_TOKEN", None)
        logs = [tmp_path / f"worker{n}.log" for n in range(WORKERS)]
        workers = [subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                                    stdout=log.open("ab"), stderr=subprocess.STDOUT)
                   for log in logs]
        _wait_for(lambda: sum(_delivered(out).values()) >= 60, 60, "the fan-out to start")
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(10)
        assert sum(_delivered(out).values()) < CHATS, "the fan-out finished before the kill"

        def settled() -> bool:
            done = _rows(pg_url, "SELECT count(*) FROM posted_tips WHERE status IN"
                                 " ('sent', 'unknown')")[0][0]
            return int(done) == CHATS

        # The survivors settle the dead worker's claims on their next poll (30 s).
        try:
            _wait_for(settled, 120, "every post settled by the surviving workers")
        except AssertionError as exc:
            rows = _rows(pg_url, "SELECT status, count(*) FROM posted_tips GROUP BY status")
            due = _rows(pg_url, "SELECT count(*) FROM subscriptions WHERE next_run_at <= "
                                f"'{datetime.now(UTC).isoformat()}'")
            raise AssertionError(f"{exc}: {rows}, still due {due}; "
                                 f"{logs[1].read_text()[-2000:]}") from None
    finally:
        for worker in workers[1:]:
            worker.send_signal(signal.SIGTERM)
        for worker in workers[1:]:
            worker.wait(30)
        api.kill()
        api.wait(10)
    for worker, log in zip(workers[1:], logs[1:], strict=True):
        assert worker.returncode == 0, log.read_text()[-3000:]

    delivered: Counter[str] = _delivered(out)
    assert max(delivered.values()) == 1, "a chat got the weekly post twice"
    statuses = dict(_rows(pg_url, "SELECT status, count(*) FROM posted_tips GROUP BY status"))
    unknown = {r[0] for r in _rows(
        pg_url, "SELECT s.chat_id FROM posted_tips p JOIN subscriptions s"
                " ON s.id = p.subscription_id WHERE p.status = 'unknown'")}
    assert "sending" not in statuses  # nothing stranded
    assert set(delivered) | unknown == {str(-2_000_000 - n) for n in range(CHATS)}
    assert len(unknown) <= 16  # at most the killed worker's posts in flight
