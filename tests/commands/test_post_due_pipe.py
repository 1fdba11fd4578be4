"""Issue 21 (hostile tester): ``post-due | head -2`` marked every post failed, printed a
traceback per post and went on. A closed console is a stop: the posts not written are given
back (still due), nothing is recorded failed, and the run ends quietly."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.commands.test_cli import _overdue_console_post


def test_post_due_into_a_closed_pipe_stops_and_gives_back_the_rest(tmp_path: Path) -> None:
    due_at = _overdue_console_post(tmp_path)
    db = sqlite3.connect(tmp_path / "cli.db")
    with db:  # 300 console chats more, all due
        row = db.execute("SELECT * FROM subscriptions").fetchone()
        names = [d[0] for d in db.execute("SELECT * FROM subscriptions").description]
        for n in range(300):
            values = dict(zip(names, row, strict=True), id=None, chat_id=f"chat{n}",
                          kind="community", user_id=None)
            db.execute(f"INSERT INTO subscriptions ({', '.join(names)}) VALUES"
                       f" ({', '.join('?' for _ in names)})", list(values.values()))
    db.close()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", DATA_DIR=str(tmp_path / "d"))
    poster = subprocess.Popen([sys.executable, "-m", "bot", "post-due"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    assert poster.stdout is not None and poster.stderr is not None
    poster.stdout.readline()
    poster.stdout.readline()
    poster.stdout.close()  # `| head -2`: the reader leaves
    err = poster.stderr.read().decode()
    assert poster.wait(timeout=60) == 0
    assert "Traceback" not in err and "BrokenPipeError" not in err, err[:2000]
    db = sqlite3.connect(tmp_path / "cli.db")
    try:
        statuses = dict(db.execute("SELECT status, count(*) FROM posted_tips GROUP BY 1"))
        due = db.execute("SELECT count(*) FROM subscriptions WHERE next_run_at = ?",
                         (due_at.isoformat(),)).fetchone()[0]
    finally:
        db.close()
    assert set(statuses) <= {"sent"}, statuses  # nothing failed, unknown or left sending
    assert due == 301 - statuses.get("sent", 0) and due > 0  # the rest are still due
