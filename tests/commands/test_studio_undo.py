"""/undo takes a TikTok Studio import back as ONE import (issue 17), through the console on a
real SQLite file: its snapshots, videos, audience and daily series together; a Content
re-import undone brings the earlier per-video numbers back; an audience-only import is itself
undoable; all of it survives a restart and shows in /history."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import running
from bot.config import Settings
from bot.store import parse_database_url
from tests.auxil.clock import FakeClock
from tests.commands.test_studio_import import FIXTURES, table


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 29, 9, 0, tzinfo=UTC))


@pytest.fixture
def db(settings: Settings) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(parse_database_url(settings.database_url))
    yield conn
    conn.close()


def count(db: sqlite3.Connection, name: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM {name}").fetchone()[0])


async def undo(console: ConsoleAdapter) -> tuple[str, str]:
    """/undo's preview, then its confirm command's reply."""
    preview = await console.ask("/undo")
    assert preview.ok, preview.text
    command = re.search(r"/undo confirm key=[0-9a-f]{8}", preview.text)
    assert command, preview.text
    done = await console.ask(command.group(0))
    assert done.ok, done.text
    return preview.text, done.text


def _content_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (FIXTURES / "Content.csv").read_bytes().decode("utf-8-sig")
    changed = text.replace(f'"{old}"', f'"{new}"', 1)
    assert changed != text
    path = tmp_path / "Content.csv"
    path.write_bytes(b"\xef\xbb\xbf" + changed.encode())
    return path


async def test_undoing_a_content_reimport_restores_the_earlier_numbers_across_a_restart(
        settings: Settings, clock: FakeClock, tmp_path: Path) -> None:
    first_id = table("Content.csv")[1][2].rsplit("/", 1)[1]
    views = "SELECT views FROM videos WHERE video_id = ?"
    async with running(settings, clock=clock) as app:
        console = ConsoleAdapter(app, user="alice")
        db = sqlite3.connect(parse_database_url(settings.database_url))
        assert (await console.ask(f"/import path={FIXTURES / 'Content.csv'} confirm")).ok
        clock.advance(hours=1)
        newer = _content_with(tmp_path, "57444", "60000")
        assert (await console.ask(f"/import path={newer} confirm")).ok
        assert db.execute(views, (first_id,)).fetchone() == (60000,)
        history = await console.ask("/history")
        assert history.ok, history.text
        assert "TikTok Studio imports" in history.text
        assert history.text.count("Content.csv · ") == 2, history.text
        assert "18 new videos" in history.text and "18 videos updated" in history.text

    async with running(settings, clock=clock) as app:  # a restart: nothing was in memory
        console = ConsoleAdapter(app, user="alice")
        preview, done = await undo(console)
        assert "Remove your TikTok Studio import" in preview
        assert "18 videos it updated go back to the numbers from before it" in preview
        assert "Took back your TikTok Studio import" in done
        assert db.execute(views, (first_id,)).fetchone() == (57444,)
        assert count(db, "videos") == 18
        history = await console.ask("/history")
        assert history.text.count("Content.csv · ") == 1, history.text

        preview, _ = await undo(console)  # the first import: its videos go
        assert "18 videos it added go" in preview
        assert count(db, "videos") == 0
        nothing = await console.ask("/undo")
        assert "Nothing to undo" in nothing.text
    db.close()


async def test_an_audience_only_import_is_undone_before_the_log_under_it(
        console: ConsoleAdapter, db: sqlite3.Connection) -> None:
    await console.ask("/log followers=36k")
    assert (await console.ask(f"/import path={FIXTURES / 'FollowerGender.csv'} confirm")).ok
    assert count(db, "audience_shares") == 3
    preview, done = await undo(console)
    assert "Remove your TikTok Studio import" in preview, preview
    assert "follower genders go back" in preview
    assert "• 0 snapshots removed" in done and "follower genders back to what you had" in done
    assert count(db, "audience_shares") == 0
    assert count(db, "snapshots") == 1  # the /log is still there...
    preview, _ = await undo(console)
    assert "Remove your last /log?" in preview  # ...and is what /undo offers next
    assert count(db, "snapshots") == 0


async def test_undoing_a_whole_zip_takes_every_part_back(
        console: ConsoleAdapter, db: sqlite3.Connection) -> None:
    await console.ask("/log followers=30k")
    before = count(db, "snapshots")
    done = await console.ask(f"/import path={FIXTURES / 'tiktok_studio_export.zip'} confirm")
    assert done.ok, done.text
    assert count(db, "videos") and count(db, "studio_daily") and count(db, "snapshots") > before
    preview, _ = await undo(console)
    assert "profile views and viewers of 365 days" in preview, preview
    for name in ("videos", "studio_daily", "audience_shares", "audience_activity",
                 "studio_imports", "studio_before"):
        assert count(db, name) == 0, name
    assert count(db, "snapshots") == before


async def test_the_preview_says_how_many_dates_it_replaces(
        console: ConsoleAdapter, clock: FakeClock) -> None:
    clock.current = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    await console.ask("/log followers=36k")  # 2026-11-27, the file's last date
    clock.current = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    overview = FIXTURES / "Overview.csv"
    first = await console.ask(f"/import path={overview}")
    assert "It replaces 1 date you already have numbers for: 1 you logged" in first.text, \
        first.text
    assert (await console.ask(f"/import path={overview} confirm")).ok
    # Every one of its days holds numbers now: the snapshots (the days with 30 known days
    # before them) and the profile views (each day of the file).
    days = len(table("Overview.csv")) - 1
    again = await console.ask(f"/import path={overview}")
    assert (f"It replaces {days} dates you already have numbers for: {days} from an earlier "
            "import") in again.text, again.text
    viewers = await console.ask(f"/import path={FIXTURES / 'Viewers.csv'}")
    assert f"It replaces {days} dates" in viewers.text, viewers.text
    gender = await console.ask(f"/import path={FIXTURES / 'FollowerGender.csv'}")
    assert "It replaces" not in gender.text  # no dated rows at all


async def test_the_preview_counts_only_dates_it_replaces(
        console: ConsoleAdapter, clock: FakeClock, tmp_path: Path) -> None:
    """New-user trial: after importing their own CSV (1 and 15 November), a TikTok Studio
    Overview of 30 days said "It replaces 2 dates you already have numbers for: 2 from an
    earlier import (its numbers for those dates give way…)", and replaced nothing: the file
    writes one snapshot (its last day) and profile views of every day, and those were counted
    against the CSV's snapshots. A date is replaced only by the same kind of number (a
    snapshot by a snapshot, a daily series value by one)."""
    clock.current = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    own = tmp_path / "mine.csv"
    own.write_text("date,followers\n2026-11-01,8000\n2026-11-15,8200\n", encoding="utf-8")
    assert (await console.ask(f"/import path={own} confirm")).ok
    overview = f"/import path={FIXTURES / 'Overview.xlsx'} downloaded=2026-11-27"
    preview = await console.ask(overview)
    assert "1 dated snapshot from 2026-11-27" in preview.text, preview.text
    assert "It replaces" not in preview.text, preview.text
    assert (await console.ask(f"{overview} confirm")).ok
    history = (await console.ask("/history 50")).text
    assert "2026-11-01 · imported · followers=8k" in history, history
    assert "2026-11-15 · imported · followers=8.2k" in history, history


def test_an_imports_undo_key_is_the_same_in_every_process(tmp_path: Path) -> None:
    """Each ``ask`` is its own process with its own PYTHONHASHSEED: the key /undo's preview
    shows for a TikTok Studio import (whose snapshots name many typed fields, a frozenset)
    is the same in the next process, and that process's confirm takes the import back (the
    key was a hash of a repr listing the set in hash order, so it changed on every start)."""
    from tests.commands.test_cli import run

    zip_path = FIXTURES / "tiktok_studio_export.zip"
    done = run(tmp_path, "ask", f"/import path={zip_path} downloaded=2026-03-09 confirm",
               PYTHONHASHSEED="1")
    assert done.returncode == 0, done.stderr
    keys = set()
    for seed in ("2", "3", "4"):
        preview = run(tmp_path, "ask", "/undo", PYTHONHASHSEED=seed)
        assert preview.returncode == 0, preview.stderr
        keys |= set(re.findall(r"/undo confirm key=([0-9a-f]{8})", preview.stdout))
    assert len(keys) == 1, keys
    undone = run(tmp_path, "ask", f"/undo confirm key={keys.pop()}", PYTHONHASHSEED="5")
    assert undone.returncode == 0, undone.stdout + undone.stderr
    assert "Took back your TikTok Studio import" in undone.stdout, undone.stdout
    assert "336 snapshots removed" in undone.stdout, undone.stdout
    history = run(tmp_path, "ask", "/history", PYTHONHASHSEED="6")
    assert "don't have any numbers for you yet" in history.stdout, history.stdout


def test_key_text_refuses_what_it_cannot_write_the_same_everywhere() -> None:
    from bot.commands.keys import confirm_key, key_text

    assert key_text(frozenset({"views", "likes", "comments"})) == \
        '{"comments","likes","views"}'
    assert confirm_key("a", {"b": {1, 2}}) == confirm_key("a", {"b": {2, 1}})
    with pytest.raises(TypeError):
        key_text(object())


async def test_stats_forget_and_export_count_the_same_snapshots(
        settings: Settings, clock: FakeClock) -> None:
    """New-user trial: after importing the same zip twice /stats said "342 snapshots stored"
    and /export and /forget "678 snapshots (logged or imported)", counting the rows the
    second import replaced (kept for /undo) as snapshots. All three count the snapshots the
    creator has; /forget and /export name the replaced rows apart."""
    zip_path = FIXTURES / "tiktok_studio_export.zip"
    async with running(settings, clock=clock) as app:
        console = ConsoleAdapter(app, user="alice")
        assert (await console.ask("/log followers=40k")).ok
        for _ in range(2):
            clock.advance(hours=1)
            done = await console.ask(f"/import path={zip_path} downloaded=2026-03-09 confirm")
            assert done.ok, done.text
        stats = (await console.ask("/stats")).text
        stored = re.search(r"([\d,]+) snapshots stored", stats)
        assert stored, stats
        n = stored.group(1)
        replaced = "336 earlier imported snapshots a newer import replaced (kept for /undo)"
        for line in ("/forget", "/export"):
            text = (await console.ask(line)).text
            assert f"{n} snapshots (logged or imported)" in text, (line, n, text)
            assert replaced in text, (line, text)
        assert (await console.ask("/forget cancel")).ok
        # /undo of the second import brings them back: still one count everywhere
        await undo(console)
        stats = (await console.ask("/stats")).text
        assert f"{n} snapshots stored" in stats, stats
        forget = (await console.ask("/forget")).text
        assert f"{n} snapshots (logged or imported)" in forget
        assert "earlier imported snapshot" not in forget, forget
