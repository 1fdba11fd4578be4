"""Files and input that must not take the bot down (issue 14): each one sentence, or read."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter, file_prefix
from bot.app import App
from bot.commands.progress import MAX_POINTS, chart_points
from bot.core.csv_import import MAX_BYTES
from bot.domain.metrics import MetricSnapshot
from bot.domain.profile import UserSettings
from bot.render.formats import FORMATS, MAX_MESSAGES, Format, split
from bot.store.sqlite import MAX_SNAPSHOTS, _thinned
from tests.auxil.clock import FakeClock

NOW = datetime(2026, 3, 1, tzinfo=UTC)
INTERNAL = "something went wrong"

HOSTILE = {
    "400-digit cell": (b"date,followers\n2026-01-01," + b"9" * 400 + b"\n",
                       "is too long for a value"),
    "200,000-character cell": (b"date,followers\n2026-01-01," + b"9" * 200_000 + b"\n",
                               "Line 2: a cell is far too long"),
    "1.9 MB line": (b"date,followers\n2026-01-01," + b"," * 1_900_000 + b"\n",
                    "cells for 2 columns"),
    "year 0001 with an offset": (b"date,followers\n0001-01-01T00:00:00+05:00,100\n",
                                 "out of the range of dates"),
    "year 9999 with an offset": (b"date,followers\n9999-12-31T23:00:00-05:00,100\n",
                                 "out of the range of dates"),
    "100,000-character header": (b"date," + b"x" * 100_000 + b"\n2026-01-01,1\n",
                                 "unknown column: xxxxxxxxxxxxxxxxxxxx…"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
async def test_hostile_csv_gets_one_short_sentence(name: str, console: ConsoleAdapter,
                                                   tmp_path: Path) -> None:
    data, expected = HOSTILE[name]
    path = tmp_path / "hostile.csv"
    path.write_bytes(data)
    result = await console.ask(f"/import path={path}")
    assert not result.ok and INTERNAL not in result.text
    assert expected in result.text, result.text
    assert len(result.text) < 1_500  # a short prefix of a cell at most, never the cell


async def test_cr_only_line_endings_are_read(console: ConsoleAdapter, tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"date,followers,views\r2026-01-01,1000,5000\r2026-01-08,1200,6000\r")
    result = await console.ask(f"/import path={path} confirm")
    assert result.ok and "Imported 2 days" in result.text, result.text


async def test_a_file_of_bad_long_lines_is_answered_in_a_few_messages(
        console: ConsoleAdapter, tmp_path: Path) -> None:
    """One 1.7 MB upload became 441 Telegram messages: cells and header lists echoed whole."""
    lines = [f"2026-01-{day:02},{day}{'x' * 99_999}\n" for day in range(1, 18)]
    data = ("date,followers\n" + "".join(lines)).encode()
    assert len(data) > 1_700_000
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    result = await console.ask(f"/import path={path}")
    assert not result.ok and "line 18: followers: '17xxxxxxxxxxxxxxxxxx…'" in result.text
    assert len(result.text) < 2_000
    for fmt in (Format.TELEGRAM_HTML, Format.DISCORD_MD):
        messages = split(console.app.renderer.render(result.replies[0], fmt), FORMATS[fmt].limit)
        assert len(messages) <= 2


async def test_every_reply_is_capped_at_a_few_messages(app: App) -> None:
    from bot.core.types import Reply

    long = Reply("import_refused", {"message": "Nothing was imported.",
                                    "errors": [f"line {n}: " + "y" * 300 for n in range(3000)]})
    for fmt in Format:
        text = app.renderer.render(long, fmt)
        assert "more lines left out" in text
        limit = min(FORMATS[fmt].limit, 4096)
        assert len(split(text, limit)) <= MAX_MESSAGES
    from bot.adapters.telegram_format import split_html
    assert len(split_html(app.renderer.render(long, Format.TELEGRAM_HTML))) <= MAX_MESSAGES + 1


async def test_console_import_reads_only_regular_files(console: ConsoleAdapter,
                                                       tmp_path: Path) -> None:
    for device in ("/dev/zero", "/dev/urandom"):
        result = await console.ask(f"/import path={device}")
        assert not result.ok and "is not a regular file" in result.text, result.text
    folder = await console.ask(f"/import path={tmp_path}")
    assert not folder.ok and "that is a folder, not a file" in folder.text, folder.text
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = await console.ask(f"/import path={fifo}")
    assert "is not a regular file" in result.text and time.monotonic() - started < 5
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(MAX_BYTES + 1)
    result = await console.ask(f"/import path={big}")
    assert "too large" in result.text


def test_a_non_utf8_user_on_the_command_line_does_not_crash(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
           "DATA_DIR": str(tmp_path), "LC_ALL": "C.UTF-8"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.pop("DISCORD_TOKEN", None)
    done = subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"bot", b"ask", b"--user", b"caf\xe9\xff",
         b"/log followers=1k"], capture_output=True, env=env, timeout=120,
        cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert b"Traceback" not in done.stderr and b"1k" in done.stdout


async def test_console_export_on_a_full_disk_answers_and_keeps_the_console(
        console: ConsoleAdapter, clock: FakeClock) -> None:
    await console.ask("/log followers=1k")
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    console.exports.mkdir(parents=True, exist_ok=True)
    # exports carry their user in the name (alice-creator-advisor-export-….json)
    partial = console.exports / f".{file_prefix('alice')}creator-advisor-export-{stamp}.json.part"
    partial.symlink_to("/dev/full")  # every write there fails with ENOSPC
    lines = iter(["/export", "/stats"])
    written: list[str] = []

    def read(_: str) -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    await console.repl(read=read, write=written.append)
    text = "\n".join(written)
    assert "I couldn't save creator-advisor-export-" in text, text
    assert "no space is left on the disk" in text, text
    assert "Followers: 1k" in text  # the console went on to the next command
    assert not list(console.exports.glob("*.json"))  # nothing half-written


async def test_a_file_the_system_refuses_is_explained_in_the_creators_language(
        console: ConsoleAdapter, tmp_path: Path) -> None:
    """Hostile trial: the operating system's reason (``strerror``: "No such file or
    directory", "Is a directory", "File exists") was shown in English in every language, and
    the console's "I couldn't save" was not rendered in the creator's language at all."""
    await console.ask("/settings language=de")
    missing = await console.ask(f"/import path={tmp_path / 'fehlt.csv'}")
    assert not missing.ok and "es gibt keine solche Datei" in missing.text, missing.text
    folder = await console.ask(f"/import path={tmp_path}")
    assert "das ist ein Ordner, keine Datei" in folder.text, folder.text
    assert "directory" not in missing.text + folder.text
    await console.ask("/settings language=ja")
    await console.ask("/log フォロワー=1000")
    console.exports.parent.mkdir(parents=True, exist_ok=True)
    console.exports.write_text("x")  # a file where the exports folder goes
    saved = await console.ask("/export")
    assert "同じ名前のファイルがあるため作成できません" in saved.text, saved.text
    assert "I couldn't save" not in saved.text and "exists" not in saved.text, saved.text


def test_stored_history_is_bounded_newest_kept_whole() -> None:
    start = datetime(1970, 1, 1, 12, tzinfo=UTC)
    rows = [(1, (start + timedelta(days=n)).isoformat(), float(n), "followers")
            for n in range(20_000)]
    kept = _thinned(rows)
    assert len(kept) <= MAX_SNAPSHOTS
    assert kept[-2_000:] == rows[-2_000:]  # recent history untouched
    assert kept[0][1] < rows[2_000][1]  # old history thinned, not dropped
    assert [r[1] for r in kept] == sorted(r[1] for r in kept)


async def test_four_big_imports_stay_bounded(app: App) -> None:
    user = await app.store.ensure_user("console", "big", "big")
    for chunk in range(4):
        start = datetime(1960, 1, 1, 12, tzinfo=UTC) + timedelta(days=5_000 * chunk)
        rows = [(start + timedelta(days=n), {"followers": float(n)}) for n in range(5_000)]
        await app.store.import_snapshots(user.id, rows)
    history = await app.store.history(user.id)
    assert len(history) <= MAX_SNAPSHOTS
    assert history[-1].followers == 4_999.0


def test_progress_all_charts_a_bounded_number_of_points_off_the_loop() -> None:
    history = [MetricSnapshot.empty(NOW + timedelta(hours=n)).merged(
        {"followers": float(n), "views": 10.0 * n}, NOW + timedelta(hours=n))
        for n in range(20_000)]
    from bot.config import PROJECT_ROOT
    from bot.domain.rates import load_rates
    rates = load_rates(PROJECT_ROOT / "strategies" / "rates")
    for metric in ("followers", "income"):
        points, days, _stood = chart_points(history, metric, UserSettings(), rates,
                                            payouts=[], videos=[])
        assert 2 <= len(points) <= MAX_POINTS and days == 834  # 20,000 hours
        assert points[-1][0] == history[-1].taken_at


async def test_progress_runs_its_points_in_a_worker_thread(
        console: ConsoleAdapter, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.commands.progress as progress

    threads: list[str] = []
    real = progress.chart_points

    def spy(*args: object) -> object:
        threads.append(threading.current_thread().name)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(progress, "chart_points", spy)
    await console.ask("/log followers=1k views=10k")
    clock.advance(days=7)
    await console.ask("/log followers=2k views=20k")
    result = await console.ask("/progress income all")
    assert result.ok, result.text
    assert threads and threads[0] != threading.main_thread().name


async def test_logging_past_the_bound_thins_old_snapshots(
        app: App, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.store.sqlite as sqlite_store

    monkeypatch.setattr(sqlite_store, "MAX_SNAPSHOTS", 30)
    monkeypatch.setattr(sqlite_store, "KEEP_RECENT", 10)
    user = await app.store.ensure_user("console", "many", "many")
    start = clock.now()
    for n in range(40):  # four a day for ten days
        await app.store.add_snapshot(user.id, {"followers": float(n)},
                                     start + timedelta(hours=6 * n))
    history = await app.store.history(user.id)
    assert len(history) <= 30
    assert [s.followers for s in history[-10:]] == [float(n) for n in range(30, 40)]
    assert history[-1].followers == 39.0 and history[0].taken_at.date() == start.date()


async def test_an_import_past_the_bound_thins_in_its_own_transaction(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """The import counts the rows it writes itself (it no longer reads the count back after
    writing them): the import that goes past the bound thins, not the next write."""
    import bot.store.sqlite as sqlite_store

    monkeypatch.setattr(sqlite_store, "MAX_SNAPSHOTS", 30)
    monkeypatch.setattr(sqlite_store, "KEEP_RECENT", 10)
    start = datetime(2024, 1, 1, 12, tzinfo=UTC)
    alone = await app.store.ensure_user("console", "alone", "alone")  # one import of 40 days
    await app.store.import_snapshots(alone.id, [(start + timedelta(days=n), {"followers": n})
                                                for n in range(40)])
    assert len(await app.store.history(alone.id)) <= 30
    user = await app.store.ensure_user("console", "twice", "twice")  # 20 days, then 20 more
    for first in (0, 20):
        await app.store.import_snapshots(user.id, [(start + timedelta(days=n), {"followers": n})
                                                   for n in range(first, first + 20)])
    history = await app.store.history(user.id)
    assert len(history) <= 30
    assert [s.followers for s in history[-10:]] == [float(n) for n in range(30, 40)]
