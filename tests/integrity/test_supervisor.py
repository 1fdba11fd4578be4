"""``creator-advisor run --workers N`` (issue 21): refused with one sentence where several
workers can't work (SQLite, Telegram polling, no token); otherwise a supervisor that restarts a
worker that dies, gives up on one that keeps failing at start, and stops every worker
gracefully. The workers here are small Python processes; ``test_multi_worker_e2e.py`` runs the
real bot."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import socket
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.supervisor import Supervisor

PG = "postgresql://postgres@127.0.0.1:5432/advisor"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "DISCORD_TOKEN", "TELEGRAM_WEBHOOK_URL",
                 "WORKER_INDEX", "WORKER_COUNT", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    return monkeypatch


@pytest.mark.parametrize(("env", "why"), [
    ({"DISCORD_TOKEN": "t"}, "SQLite is one file for one process"),
    ({"DATABASE_URL": PG, "TELEGRAM_BOT_TOKEN": "1:a"}, "polling (getUpdates) admits one reader"),
    ({"DATABASE_URL": PG}, "without TELEGRAM_BOT_TOKEN or DISCORD_TOKEN, run is the console"),
    # without Redis, each worker would keep its own send budget and flood limit (issue 21)
    ({"DATABASE_URL": PG, "DISCORD_TOKEN": "t"},
     "3 workers need REDIS_URL: without it each worker keeps its own send budget and "
     "per-person flood limit, so 3 workers would allow 3 times each"),
    ({"DATABASE_URL": PG, "TELEGRAM_BOT_TOKEN": "1:a",
      "TELEGRAM_WEBHOOK_URL": "https://bot.example.com/tg/hook"}, "need REDIS_URL"),
])
def test_several_workers_are_refused_with_one_sentence_where_they_cannot_work(
        clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        env: dict[str, str], why: str) -> None:
    for name, value in env.items():
        clean_env.setenv(name, value)
    assert main(["run", "--workers", "3"]) == 1
    err = capsys.readouterr().err.strip()
    assert why in err and "\n" not in err and "Traceback" not in err


def test_operator_started_workers_are_refused_the_same_way(
        clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    clean_env.setenv("DISCORD_TOKEN", "t")
    clean_env.setenv("WORKER_INDEX", "1")
    clean_env.setenv("WORKER_COUNT", "2")
    assert main(["run"]) == 1
    assert "WORKER_COUNT=2" in capsys.readouterr().err


def test_operator_started_workers_without_redis_are_refused(
        clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    clean_env.setenv("DATABASE_URL", PG)
    clean_env.setenv("DISCORD_TOKEN", "t")
    clean_env.setenv("WORKER_INDEX", "0")
    clean_env.setenv("WORKER_COUNT", "2")
    assert main(["run"]) == 1
    err = capsys.readouterr().err.strip()
    assert "WORKER_COUNT=2: 2 workers need REDIS_URL" in err and "\n" not in err


#: Nothing listens on port 9 of 127.0.0.1: the store can't open, so ``run`` stops right after
#: its start-up checks, with one sentence and exit 1.
UNREACHABLE_PG = "postgresql://postgres@127.0.0.1:9/advisor"


@pytest.mark.parametrize("redis", [None, "redis://127.0.0.1:6379/0"])
def test_one_run_on_postgresql_without_redis_warns_once_that_limits_are_per_process(
        clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        redis: str | None) -> None:
    clean_env.setenv("DATABASE_URL", UNREACHABLE_PG)
    clean_env.setenv("DISCORD_TOKEN", "t")
    if redis is not None:
        clean_env.setenv("REDIS_URL", redis)
    assert main(["run"]) == 1
    err = capsys.readouterr().err
    assert "127.0.0.1:9" in err  # it got as far as opening the store
    warned = [line for line in err.splitlines() if "without REDIS_URL" in line]
    if redis is None:
        assert len(warned) == 1 and "WARNING" in warned[0], err
        assert ("several bot processes on this database would each keep their own"
                in warned[0]), warned
    else:
        assert warned == [], err


def test_one_run_on_sqlite_does_not_warn(
        clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path}")  # a folder: can't open
    clean_env.setenv("DISCORD_TOKEN", "t")
    assert main(["run"]) == 1
    assert "REDIS_URL" not in capsys.readouterr().err


def test_operator_started_workers_need_their_index(
        clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    clean_env.setenv("DATABASE_URL", PG)
    clean_env.setenv("DISCORD_TOKEN", "t")
    clean_env.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    clean_env.setenv("WORKER_COUNT", "2")
    assert main(["run"]) == 1
    assert "each worker needs its own WORKER_INDEX" in capsys.readouterr().err


def test_a_worker_index_past_the_count_is_a_bad_setting(
        clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    clean_env.setenv("WORKER_INDEX", "2")
    clean_env.setenv("WORKER_COUNT", "2")
    assert main(["run"]) == 1
    assert "WORKER_INDEX must be below WORKER_COUNT" in capsys.readouterr().err


def test_workers_must_be_a_positive_number(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--workers", "0"])
    assert "between 1 and 1024" in capsys.readouterr().err


#: A stand-in worker: notes "<index> <pid>" when it starts and "stopped <index>" on SIGTERM.
WORKER = """
import os, signal, sys, time
out = sys.argv[1]
def note(line):
    with open(out, "a") as f:
        f.write(line + "\\n")
def stop(*_):
    note("stopped " + os.environ["WORKER_INDEX"])
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
note(os.environ["WORKER_INDEX"] + "/" + os.environ["WORKER_COUNT"] + " " + str(os.getpid()))
while True:
    time.sleep(0.05)
"""


async def _lines(path: Path, count: int, seconds: float = 20.0) -> list[str]:
    async with asyncio.timeout(seconds):
        while True:
            lines = path.read_text().splitlines() if path.exists() else []
            if len(lines) >= count:
                return lines
            await asyncio.sleep(0.05)


async def test_a_killed_worker_is_started_again_and_stop_reaches_every_worker(
        tmp_path: Path) -> None:
    out = tmp_path / "notes.txt"
    supervisor = Supervisor(3, [sys.executable, "-c", WORKER, str(out)], os.environ,
                            backoff=(0.1, 0.2), grace=10)
    running = asyncio.create_task(supervisor.run())
    started = await _lines(out, 3)
    assert sorted(line.split()[0] for line in started) == ["0/3", "1/3", "2/3"]
    victim = next(line for line in started if line.startswith("1/3"))
    os.kill(int(victim.split()[1]), signal.SIGKILL)
    again = (await _lines(out, 4))[3]
    assert again.startswith("1/3 ") and again != victim  # the same slot, a new process
    supervisor.stop()  # what SIGTERM / SIGINT to the supervisor do
    assert await asyncio.wait_for(running, 20) == 0
    stopped = [line for line in out.read_text().splitlines() if line.startswith("stopped")]
    assert sorted(stopped) == ["stopped 0", "stopped 1", "stopped 2"]
    assert supervisor.workers[1].restarts == 1


async def test_a_worker_that_keeps_failing_at_start_makes_the_supervisor_give_up(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / "notes.txt"
    failing = ("import os, sys, time\n"
               "if os.environ['WORKER_INDEX'] == '1': sys.exit(3)\n"
               "while True: time.sleep(0.05)\n")
    supervisor = Supervisor(2, [sys.executable, "-c", failing, str(out)], os.environ,
                            backoff=(0.05, 0.1), max_quick_failures=3, grace=10)
    assert await asyncio.wait_for(supervisor.run(), 30) == 1
    assert supervisor.workers[1].exit_codes == [3, 3, 3]
    assert "worker 1 exited 3 times within 10 s of starting (last: code 3)" in caplog.text
    assert all(w.process is not None and w.process.returncode is not None
               for w in supervisor.workers)  # the healthy one was stopped too


async def test_a_worker_that_ignores_sigterm_is_killed_after_the_grace(tmp_path: Path) -> None:
    stubborn = ("import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                "open(__import__('sys').argv[1], 'a').write('up\\n')\n"
                "while True: time.sleep(0.05)\n")
    out = tmp_path / "up.txt"
    supervisor = Supervisor(1, [sys.executable, "-c", stubborn, str(out)], os.environ,
                            grace=0.5)
    running = asyncio.create_task(supervisor.run())
    await _lines(out, 1)
    supervisor.stop()
    assert await asyncio.wait_for(running, 20) == 1  # not a clean stop
    assert supervisor.workers[0].exit_codes == [-signal.SIGKILL]


#: A stand-in worker that writes, as a worker does before and after its logging is set up, an
#: error on stderr with no tag, a log line tagged by its own logging, and a line on stdout;
#: then notes it is done and waits to be stopped.
TALKER = """
import logging, os, sys, time
from bot.logs import setup_logging
print("creator-advisor: cannot connect to PostgreSQL at postgresql://db:5432/x", file=sys.stderr)
setup_logging("INFO", (), "worker " + os.environ["WORKER_INDEX"])
logging.getLogger("bot.talker").info("up")
print("plain output")
open(sys.argv[1], "a").write("done\\n")
while True:
    time.sleep(0.05)
"""


async def test_every_line_of_a_workers_output_says_which_worker(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Only the workers' lines on stderr here: not the supervisor's own log (an earlier case's
    # setup_logging may have left a handler on its own, closed, capture).
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    notes = tmp_path / "notes.txt"
    supervisor = Supervisor(2, [sys.executable, "-c", TALKER, str(notes)], os.environ,
                            grace=10)
    running = asyncio.create_task(supervisor.run())
    await _lines(notes, 2)
    supervisor.stop()
    assert await asyncio.wait_for(running, 30) == 0
    out, err = capsys.readouterr()
    assert sorted(out.splitlines()) == ["worker 0: plain output", "worker 1: plain output"]
    lines = err.splitlines()
    for index in (0, 1):
        assert (f"worker {index}: creator-advisor: cannot connect to PostgreSQL at "
                "postgresql://db:5432/x") in lines
        assert any(line.endswith(f" INFO worker {index} bot.talker: up") for line in lines)
    assert len(lines) == 4, lines
    assert all(re.match(r"worker \d: |\S+ \S+ INFO worker \d ", line) for line in lines), lines


async def test_a_stop_the_supervisor_asked_for_is_no_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # No SIGTERM handler yet (a worker still starting): the SIGTERM ends it with -15.
    starting = ("import sys, time\nopen(sys.argv[1], 'a').write('up\\n')\n"
                "while True: time.sleep(0.05)\n")
    out = tmp_path / "up.txt"
    supervisor = Supervisor(1, [sys.executable, "-c", starting, str(out)], os.environ, grace=10)
    caplog.set_level(logging.INFO, "creator_advisor.workers")
    running = asyncio.create_task(supervisor.run())
    await _lines(out, 1)
    supervisor.stop()
    assert await asyncio.wait_for(running, 20) == 0
    assert supervisor.workers[0].exit_codes == [-signal.SIGTERM]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    messages = [r.getMessage() for r in caplog.records]
    assert "stopping 1 worker" in messages and "1 worker running; SIGTERM or Ctrl-C stops " \
        "them all gracefully" in messages


async def test_no_stopping_line_when_no_worker_is_left(
        caplog: pytest.LogCaptureFixture) -> None:
    supervisor = Supervisor(1, [sys.executable, "-c", "raise SystemExit(2)"], os.environ,
                            backoff=(0.05, 0.1), max_quick_failures=1, grace=10)
    caplog.set_level(logging.INFO, "creator_advisor.workers")
    assert await asyncio.wait_for(supervisor.run(), 20) == 1
    assert not any(r.getMessage().startswith("stopping") for r in caplog.records), caplog.text


def test_an_unreachable_database_is_one_sentence_before_any_worker_starts(
        clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens there once closed
    clean_env.setenv("DATABASE_URL", f"postgresql://postgres:s3cret@127.0.0.1:{port}/advisor")
    clean_env.setenv("DISCORD_TOKEN", "t")
    clean_env.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert main(["run", "--workers", "3"]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("creator-advisor: cannot connect to PostgreSQL at postgresql://")
    assert f"127.0.0.1:{port}/advisor" in err and "s3cret" not in err
    assert err.count("\n") == 1 and "worker" not in out + err
