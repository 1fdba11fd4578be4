"""TikTok Studio downloads through /import in the console, on a real SQLite file.

Expected numbers are computed here from the fixture files with the csv module and plain date
arithmetic (rows are consecutive days ending on the export's last day), not by the bot's code.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import sqlite3
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from bot.adapters.console import ConsoleAdapter
from bot.config import Settings
from bot.domain.numbers import count
from bot.store import parse_database_url
from tests.auxil.clock import FakeClock
from tests.auxil.requests import forget_everything

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tiktok_studio"
TODAY = date(2026, 11, 29)  # the day the fixtures were downloaded
LAST_ROW = date(2026, 11, 27)  # "November 27", their last daily row


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 29, 9, 0, tzinfo=UTC))


@pytest.fixture
def db(settings: Settings) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(parse_database_url(settings.database_url))
    yield conn
    conn.close()


def table(name: str) -> list[list[str]]:
    text = (FIXTURES / name).read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def daily(name: str, column: str, last: date = LAST_ROW) -> dict[date, float]:
    """A daily column by date: row i of n is ``last - (n - 1 - i)`` days."""
    rows = table(name)
    index = rows[0].index(column)
    body = rows[1:]
    out = {}
    for i, row in enumerate(body):
        if row[index] != "undefined":
            out[last - timedelta(days=len(body) - 1 - i)] = float(row[index])
    return out


def thirty_day_sums(series: dict[date, float]) -> dict[date, float]:
    days = sorted(series)
    return {days[i]: sum(series[d] for d in days[i - 29:i + 1]) for i in range(29, len(days))}


def stored(db: sqlite3.Connection, column: str) -> dict[date, float]:
    rows = db.execute(f"SELECT taken_at, {column} FROM snapshots WHERE instr(given, ?) > 0",
                      (column,)).fetchall()
    return {datetime.fromisoformat(t).date(): v for t, v in rows}


async def test_overview_preview_then_import_stores_30_day_sums(
        console: ConsoleAdapter, db: sqlite3.Connection) -> None:
    path = FIXTURES / "Overview.csv"
    preview = await console.ask(f"/import path={path}")
    assert preview.ok, preview.text
    views = daily("Overview.csv", "Video Views")
    expected = thirty_day_sums(views)
    assert len(views) == 365 and min(views) == date(2025, 11, 28)
    assert ("Overview: 365 days (2025-11-28 to 2026-11-27) of views, likes, comments, shares"
            in preview.text)
    assert f"30-day views now {count(expected[LAST_ROW])}" in preview.text  # 1.3M, as /stats
    assert "counted back from today, 2026-11-29" in preview.text
    assert db.execute("SELECT count(*) FROM snapshots").fetchone() == (0,)

    done = await console.ask(f"/import path={path} confirm")
    assert done.ok, done.text
    for metric, column in (("views", "Video Views"), ("likes", "Likes"),
                           ("comments", "Comments"), ("shares", "Shares")):
        want = {d: max(0.0, v) for d, v in thirty_day_sums(daily("Overview.csv", column)).items()}
        assert stored(db, metric) == want, metric
    # Daily values were never stored as 30-day totals.
    assert stored(db, "views")[LAST_ROW] != views[LAST_ROW]
    stats = await console.ask("/stats")
    assert "Views (30 days)" in stats.text


async def test_a_365_day_export_crossing_new_year_gets_the_right_years(
        console: ConsoleAdapter, db: sqlite3.Connection) -> None:
    rows = table("Overview.csv")[1:]
    assert rows[0][0] == "November 28" and rows[-1][0] == "November 27"
    assert any(r[0] == "January 1" for r in rows)
    await console.ask(f"/import path={FIXTURES / 'Overview.csv'} confirm")
    days = sorted(stored(db, "views"))
    assert days[0] == date(2025, 12, 27) and days[-1] == date(2026, 11, 27)
    assert date(2025, 12, 31) in days and date(2026, 1, 1) in days
    assert all((b - a).days == 1 for a, b in itertools.pairwise(days))
    # The day after New Year's row in the file is stored in the new year.
    new_year = [r[0] for r in rows].index("January 1")
    assert date(2026, 1, 1) == LAST_ROW - timedelta(days=len(rows) - 1 - new_year)


async def test_a_download_date_given_moves_the_years(console: ConsoleAdapter,
                                                     db: sqlite3.Connection) -> None:
    path = FIXTURES / "Overview.xlsx"
    preview = await console.ask(f"/import path={path} downloaded=2025-12-01")
    assert "(2025-10-29 to 2025-11-27)" in preview.text
    assert "counted back from 2025-12-01, the download date you gave" in preview.text
    future = await console.ask(f"/import path={path} downloaded=2026-12-25")
    assert not future.ok and "in the future" in future.text


@pytest.mark.parametrize(("language", "typed", "shown"), [
    ("de", "gestern", "„gestern“ ist kein Datum; nutze JJJJ-MM-TT"),
    ("ja", '"昨日 の"', "「昨日 の」は日付ではありません"),  # the space kept as typed
])
async def test_a_download_date_that_is_not_a_date_is_refused_in_the_creators_language(
        console: ConsoleAdapter, language: str, typed: str, shown: str) -> None:
    """Hostile trial: downloaded= refused what wasn't a date in English in every language
    ("'gestern' is not a date; use YYYY-MM-DD"), a sentence built in code outside the
    catalogues."""
    await console.ask(f"/settings language={language}")
    refused = await console.ask(f"/import path={FIXTURES / 'Overview.xlsx'} downloaded={typed}")
    assert not refused.ok, refused.text
    assert shown in refused.text, refused.text
    assert "is not a date" not in refused.text, refused.text


async def test_a_download_date_before_2016_gets_the_csv_floor_sentence_and_stores_nothing(
        console: ConsoleAdapter, db: sqlite3.Connection) -> None:
    # hostile test: downloaded= moved every row to 1999, past the floor of the plain CSV import
    path = FIXTURES / "Overview.xlsx"
    for line in (f"/import path={path} downloaded=1999-12-31",
                 f"/import path={path} downloaded=1999-12-31 confirm",
                 f"/import path={path} downloaded=2016-01-10 confirm"):  # its rows go to 2015
        result = await console.ask(line)
        assert not result.ok, result.text
        assert "is before 2016-01-01, earlier than any TikTok analytics; check the year" \
            in result.text, result.text
    assert db.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 0


async def test_spanish_dates(console: ConsoleAdapter, db: sqlite3.Connection) -> None:
    rows = table("Overview_es.csv")[1:]
    assert rows[0][0] == "29 de septiembre"
    done = await console.ask(f"/import path={FIXTURES / 'Overview_es.csv'} confirm")
    assert done.ok, done.text
    views = daily("Overview_es.csv", "Video Views")
    assert min(views) == date(2026, 9, 29)
    assert stored(db, "views") == thirty_day_sums(views)


async def test_xlsx_reads_like_the_csv(console: ConsoleAdapter, db: sqlite3.Connection) -> None:
    done = await console.ask(f"/import path={FIXTURES / 'Overview.xlsx'} confirm")
    assert done.ok, done.text
    sheet = openpyxl.load_workbook(FIXTURES / "Overview.xlsx").active
    assert sheet is not None
    values = [float(r[1]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(values) == 30
    assert stored(db, "views") == {LAST_ROW: sum(values)}


async def test_follower_history_running_total_and_undefined(
        console: ConsoleAdapter, db: sqlite3.Connection) -> None:
    await console.ask(f"/import path={FIXTURES / 'FollowerHistory.csv'} confirm")
    followers = daily("FollowerHistory.csv", "Followers")
    assert stored(db, "followers") == followers
    assert stored(db, "followers")[LAST_ROW] == 36441
    assert "undefined" in {r[1] for r in table("FollowerHistory.csv")}
    assert min(followers) > date(2025, 11, 28)  # "undefined" days stored nothing


async def test_zip_of_four_then_videos_stats_tips_export_forget(
        console: ConsoleAdapter, db: sqlite3.Connection) -> None:
    path = FIXTURES / "tiktok_studio_export.zip"
    preview = await console.ask(f"/import path={path}")
    for label in ("Overview: 365 days", "FollowerHistory: 365 days", "Viewers: 365 days",
                  "Content: 18 videos as of 2026-11-27"):
        assert label in preview.text, preview.text
    assert "followers now 36.4k" in preview.text  # shortened as every count (was 36,441)
    done = await console.ask(f"/import path={path} confirm")
    assert done.ok and "/videos" in done.text
    latest = db.execute("SELECT views, followers FROM snapshots ORDER BY taken_at DESC"
                        " LIMIT 1").fetchone()
    assert latest == (thirty_day_sums(daily("Overview.csv", "Video Views"))[LAST_ROW], 36441)

    content = table("Content.csv")[1:]
    views = sorted((float(r[7]) for r in content), reverse=True)
    mid = (views[8] + views[9]) / 2
    assert db.execute("SELECT count(*) FROM videos").fetchone() == (len(content),)
    listing = await console.ask("/videos")
    assert listing.ok
    lines = [line for line in listing.text.splitlines() if re.match(r"\d+\. ", line)]
    assert len(lines) == 10
    top = next(r for r in content if float(r[7]) == views[0])
    er = (float(top[4]) + float(top[5]) + float(top[6])) / float(top[7])
    assert lines[0].startswith(f"1. {top[1]}") and f"engagement {er:.1%}" in lines[0]
    breakouts = sum(v >= 3 * mid for v in views)
    assert sum("breakout" in line for line in lines) == breakouts
    assert f"{breakouts} breakouts" in listing.text
    stats = await console.ask("/stats")
    assert "Median views per video: " in stats.text and "over 18 videos" in stats.text
    tips = await console.ask("/tips category:content")
    assert "Follow up on your breakout videos" in tips.text

    export = await console.ask("/export")
    data = json.loads(export.files[0].read_text())
    assert len(data["videos"]) == 18 and data["daily"]
    assert {"video_id", "views", "title"} <= set(data["videos"][0])
    await forget_everything(console)
    for name in ("videos", "studio_daily", "snapshots"):
        assert db.execute(f"SELECT count(*) FROM {name}").fetchone() == (0,), name


async def test_reimporting_content_updates_the_same_videos(
        console: ConsoleAdapter, db: sqlite3.Connection, tmp_path: Path) -> None:
    await console.ask(f"/import path={FIXTURES / 'Content.csv'} confirm")
    text = (FIXTURES / "Content.csv").read_bytes().decode("utf-8-sig")
    first_id = table("Content.csv")[1][2].rsplit("/", 1)[1]
    newer = text.replace('"57444"', '"60000"', 1)
    assert newer != text
    again = tmp_path / "Content.csv"
    again.write_bytes(b"\xef\xbb\xbf" + newer.encode())
    done = await console.ask(f"/import path={again} confirm")
    assert done.ok, done.text
    assert db.execute("SELECT count(*) FROM videos").fetchone() == (18,)
    assert db.execute("SELECT views, posted_on FROM videos WHERE video_id = ?",
                      (first_id,)).fetchone() == (60000, "2026-10-03")


async def test_audience_files_in_stats_and_tips(console: ConsoleAdapter,
                                                db: sqlite3.Connection) -> None:
    for name in ("FollowerActivity.csv", "FollowerGender.csv", "FollowerTopTerritories.csv"):
        done = await console.ask(f"/import path={FIXTURES / name} confirm")
        assert done.ok, (name, done.text)
    await console.ask("/log followers=36k")
    by_hour: dict[int, list[float]] = {}
    for _, hour, active in table("FollowerActivity.csv")[1:]:
        by_hour.setdefault(int(hour), []).append(float(active))
    mean = {h: sum(v) / len(v) for h, v in by_hour.items()}
    start = max(range(24), key=lambda h: sum(mean[(h + k) % 24] for k in range(3)))
    hours = f"{start}–{(start + 2) % 24} h"
    stats = await console.ask("/stats")
    assert f"Followers most active: {hours}" in stats.text
    assert ("Followers by territory: United States 41%, United Kingdom 12%, Canada 8%, "
            "Australia 5% and Others 34%") in stats.text  # a list as English writes one
    assert "Followers by gender: Female 61%, Male 36% and Other 3%" in stats.text
    tips = await console.ask("/tips category:analytics")
    assert f"Your followers are most active {hours}" in tips.text
    assert db.execute("SELECT count(*) FROM audience_activity").fetchone() == (168,)


async def test_the_projects_own_csv_still_imports(console: ConsoleAdapter,
                                                  tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_bytes(b"date,followers,views\n2026-09-01,1k,4k\n")
    preview = await console.ask(f"/import path={path}")
    assert preview.ok and "1 day from 2026-09-01 to 2026-09-01" in preview.text


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def _two_sheets() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Date", "Video Views"])  # type: ignore[union-attr]
    book.create_sheet("Other")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _formulas() -> bytes:
    """A sheet written by a program: formulas, no values saved with them (hostile test)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Date", "Followers", "Difference in followers from previous day"])
    sheet.append(["November 20", "=1+1", "0"])
    sheet.append(["November 21", '=HYPERLINK("http://x","1")', 0])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BAD = [
    ("formulas.xlsx", _formulas(), "hold formulas without values; save the sheet as values"),
    ("undefined.csv", b'"Date","Followers","Difference in followers from previous day"\n'
     b'"November 20","undefined","0"\n', "holds no numbers to import"),
    ("notes.csv", b"name,age\nbob,3\n", "columns 'name' and 'age', so neither a TikTok Studio"),
    # Trial: a Markdown file whose title holds a comma and a quote was shown as "the columns #
    # TikTok Studio "Download data and exact layouts)": names cut without a mark, an unbalanced
    # quote, and nothing said about what to send instead.
    ("README.md", b'# TikTok Studio "Download data" files (synthetic, exact layouts)\n\nText\n',
     "the columns '# TikTok Studio \"Download dat…' and 'exact layouts)', so neither a TikTok "
     "Studio download"),
    ("README.md", b"# Notes\n", "Send a file as TikTok Studio made it, or a CSV whose first "
     "line names its columns, such as date,followers,views."),
    # Hostile trial: a CSV of numbers without its date column was "not a table (its first
    # line is 'followers')"; it says what is missing.
    ("nodate.csv", b"followers\n100\n", "nodate.csv has columns of your numbers ('followers') "
     "but no date column: add one, with each row's date, e.g. date,followers,views."),
    ("nodate2.csv", b"followers,views\n100,2000\n", "has columns of your numbers ('followers' "
     "and 'views') but no date column"),
    ("near.csv", b'"Date","Video Views","Likes","Comments","Shares"\n"May 1","1","1","1","1"\n',
     "looks like TikTok Studio's Overview file but lacks the column Profile Views"),
    ("pic.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "This is a PNG image"),
    ("empty.zip", _zip({"readme.txt": b"hi", "photo.jpg": b"x"}),
     "holds no TikTok Studio file"),
    # Trial: a header of 5,000 columns was refused naming eight of them as if they were all
    # ("the columns 'c0', … 'c6' and 'c7'"); a cut list says how many more there are.
    ("wide.csv", (",".join(f"c{i}" for i in range(5000)) + "\n"
                  + ",".join("1" for _ in range(5000)) + "\n").encode(),
     "the columns 'c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7' and 4,992 others, so neither"),
    ("other.zip", _zip({f"note{i}.txt": b"hi" for i in range(9)}),
     "it holds: note0.txt, note1.txt, note2.txt, note3.txt, note4.txt, note5.txt and 3 others."),
    ("two.xlsx", _two_sheets(), "has 2 sheets"),
    ("big.csv", b"date,followers\n" + b"2026-01-01,1\n" * 200_000, "too large"),
    ("many.zip", _zip({f"f{i}.csv": b"x" for i in range(60)}), "60 entries"),
    ("bomb.zip", _zip({f"Overview{i}.csv": b"\0" * 1_900_000 for i in range(11)}),
     "unpacks to more than"),
    ("huge.xlsx", _zip({"xl/workbook.xml": b"<x/>", "xl/sheet1.xml": b" " * 6_000_000}),
     "workbook unpacks to more than 5 MB"),
    ("broken.xlsx", _zip({"xl/workbook.xml": b"garbage"}), "not a workbook I can read"),
    ("bad_day.csv", b'"Date","Followers","Difference in followers from previous day"\n'
     b'"April 31","5","1"\n', "a date that no year has"),
    ("neg.csv", b'"Date","Video Views","Profile Views","Likes","Comments","Shares"\n'
     b'"May 1","-5","0","0","0","0"\n', "Video Views is negative"),
    # A comma is a thousands separator only in a valid grouping, and a count is whole: never
    # 24790,5 read as 247,905 views, nor 1.234 as 1.234 views (hostile trial).
    ("comma.csv", b'"Date","Video Views","Profile Views","Likes","Comments","Shares"\n'
     b'"May 1","24790,5","0","0","0","0"\n',
     "line 2: Video Views: '24790,5' is not a number I can read without guessing"),
    ("point.csv", b'"Date","Video Views","Profile Views","Likes","Comments","Shares"\n'
     b'"May 1","1.234","0","0","0","0"\n',
     "line 2: Video Views: '1.234' is not a whole number"),
    ("half.csv", b'"Date","Followers","Difference in followers from previous day"\n'
     b'"May 1","24790.5","0"\n', "line 2: Followers: '24790.5' is not a whole number"),
    ("exp.csv", b'"Date","Followers","Difference in followers from previous day"\n'
     b'"May 1","1e3","0"\n', "line 2: Followers: '1e3' is not a number"),
]


@pytest.mark.parametrize(("name", "data", "fragment"), BAD, ids=[b[0] for b in BAD])
async def test_bad_uploads_get_one_sentence_and_store_nothing(
        console: ConsoleAdapter, db: sqlite3.Connection, tmp_path: Path,
        name: str, data: bytes, fragment: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    preview = await console.ask(f"/import path={path}")
    assert not preview.ok and fragment in preview.text, preview.text
    result = await console.ask(f"/import path={path} confirm")
    assert not result.ok and "Imported" not in result.text
    assert fragment in result.text, result.text
    assert "Traceback" not in result.text
    message = result.text.splitlines()[0]
    assert message.count(". ") <= 1 and len(message) < 400, message
    for t in ("snapshots", "videos", "audience_shares", "audience_activity", "studio_daily"):
        assert db.execute(f"SELECT count(*) FROM {t}").fetchone() == (0,), t


async def test_negative_daily_comments_are_allowed(console: ConsoleAdapter,
                                                   db: sqlite3.Connection) -> None:
    assert any(float(r[4]) < 0 for r in table("Overview.csv")[1:])
    done = await console.ask(f"/import path={FIXTURES / 'Overview.csv'} confirm")
    assert done.ok
    assert stored(db, "comments") == thirty_day_sums(daily("Overview.csv", "Comments"))


async def test_today_is_the_creators_local_day(console: ConsoleAdapter, clock: FakeClock) -> None:
    clock.current = datetime(2026, 11, 29, 11, 0, tzinfo=UTC)  # already the 30th at UTC+14
    await console.ask("/settings timezone=Pacific/Kiritimati")
    # a dated file: FollowerGender.csv has no dates, so no year is counted back for it
    preview = await console.ask(f"/import path={FIXTURES / 'FollowerActivity.csv'}")
    assert "counted back from today, 2026-11-30" in preview.text, preview.text


async def test_viewers_are_kept_per_day(console: ConsoleAdapter, db: sqlite3.Connection) -> None:
    path = FIXTURES / "Viewers.csv"
    preview = await console.ask(f"/import path={path}")
    assert ("Viewers: 365 days (2025-11-28 to 2026-11-27) of total, new and returning viewers"
            in preview.text), preview.text
    assert (await console.ask(f"/import path={path} confirm")).ok
    for series, column in (("total_viewers", "Total Viewers"), ("new_viewers", "New Viewers"),
                           ("returning_viewers", "Returning Viewers")):
        rows = db.execute("SELECT day, value FROM studio_daily WHERE series = ?",
                          (series,)).fetchall()
        assert {date.fromisoformat(d): v for d, v in rows} == daily("Viewers.csv", column)


async def test_a_typo_in_the_bots_own_csv_is_not_taken_for_a_studio_file(
        console: ConsoleAdapter, tmp_path: Path) -> None:
    """A creator's date,followers,… CSV with an unknown column is refused by naming that column,
    not as a TikTok Studio FollowerHistory file missing one (found by a new-user trial)."""
    for header in ("date,followers,folowers", "date,followers,views,subscribers"):
        path = tmp_path / "mine.csv"
        path.write_text(f"{header}\n2026-11-01,100,100,4\n", encoding="utf-8")
        result = await console.ask(f"/import path={path}")
        assert not result.ok
        assert "unknown column:" in result.text, result.text
        assert "TikTok Studio" not in result.text.split("Known:")[0], result.text


async def test_a_video_with_more_likes_than_views_shows_engagement_unknown(
        console: ConsoleAdapter, tmp_path: Path) -> None:
    # hostile test: likes=1,000,000 on 1 view was shown as engagement 100000100%
    path = tmp_path / "Content.csv"
    path.write_text('"Time","Video title","Video link","Post time","Total likes",'
                    '"Total comments","Total shares","Total views"\n'
                    '"November 27","odd","https://www.tiktok.com/@c/video/1","October 3",'
                    '"1000000","0","1","1"\n'
                    '"November 27","fine","https://www.tiktok.com/@c/video/2","October 4",'
                    '"50","5","5","1000"\n')
    assert (await console.ask(f"/import path={path} confirm")).ok
    listing = (await console.ask("/videos")).text
    assert "100000100%" not in listing and "engagement unknown" in listing, listing
    assert "engagement 6%" in listing, listing


async def test_a_tenfold_jump_in_an_import_is_flagged_in_the_preview_as_log_does(
        console: ConsoleAdapter, tmp_path: Path, db: sqlite3.Connection) -> None:
    """Imports used to store a ×10 jump silently; the preview now lists the rows the /log
    check finds wrong, and only confirm stores them (TikTok Studio's file and the bot's CSV)."""
    studio = tmp_path / "FollowerHistory.csv"
    studio.write_text('"Date","Followers","Difference in followers from previous day"\n'
                      '"November 25","1000","10"\n"November 26","15000","14000"\n'
                      '"November 27","15010","10"\n', encoding="utf-8")
    preview = await console.ask(f"/import path={studio}")
    assert preview.ok, preview.text
    assert "These rows look wrong:" in preview.text
    assert ("• 2026-11-26: followers went from 1k to 15k since the snapshot before it, 10× "
            "or more") in preview.text
    assert "2026-11-27:" not in preview.text
    assert stored(db, "followers") == {}
    await console.ask(f"/import path={studio} confirm")
    assert stored(db, "followers")[date(2026, 11, 26)] == 15000

    own = tmp_path / "history.csv"  # against the stored rows: 15,010 on 2026-11-27
    own.write_text("date,followers\n2026-11-28,151000\n", encoding="utf-8")
    flagged = await console.ask(f"/import path={own}")
    assert "• 2026-11-28: followers went from 15k to 151k since the snapshot before it" \
        in flagged.text, flagged.text
    clean = tmp_path / "clean.csv"
    clean.write_text("date,followers\n2026-11-28,15100\n", encoding="utf-8")
    assert "look wrong" not in (await console.ask(f"/import path={clean}")).text


async def test_real_studio_downloads_flag_nothing(console: ConsoleAdapter) -> None:
    preview = await console.ask(f"/import path={FIXTURES / 'tiktok_studio_export.zip'}")
    assert preview.ok and "look wrong" not in preview.text, preview.text


@pytest.mark.parametrize(("name", "yearless"), [
    ("FollowerTopTerritories.csv", False), ("FollowerGender.csv", False),
    ("FollowerActivity.csv", True), ("Overview.csv", True), ("Content.csv", True),
])
async def test_the_year_note_is_only_for_files_whose_dates_have_no_year(
        console: ConsoleAdapter, name: str, yearless: bool) -> None:
    """New-user trial: FollowerTopTerritories.csv (no dates at all) got "Dates in these files
    have no year…". The note is for a file whose dates were counted back, with or without
    downloaded=."""
    for line in (f"/import path={FIXTURES / name}",
                 f"/import path={FIXTURES / name} downloaded=2026-11-29"):
        preview = await console.ask(line)
        assert preview.ok, preview.text
        assert ("Dates in these files have no year" in preview.text) is yearless, preview.text


async def test_a_count_with_thousands_separators_is_read_whole(
        console: ConsoleAdapter, db: sqlite3.Connection, tmp_path: Path) -> None:
    rows = "".join(f'"November {d}","1,024,790","0"\n' for d in range(1, 4))
    path = tmp_path / "FollowerHistory.csv"
    path.write_bytes(b'"Date","Followers","Difference in followers from previous day"\n'
                     + rows.encode())
    done = await console.ask(f"/import path={path} confirm")
    assert done.ok, done.text
    assert set(stored(db, "followers").values()) == {1_024_790.0}


async def test_a_missing_cell_is_named_in_the_preview_not_taken_for_a_short_file(
        console: ConsoleAdapter, tmp_path: Path) -> None:
    """One "undefined" Video Views and one empty Likes cell in a 365-day Overview: the preview
    names both days and what is left out; it never says the file has fewer than 30 days, nor
    calls an older 30-day total "now" (hostile trial)."""
    rows = table("Overview.csv")
    body = rows[1:]
    body[-3][1] = "undefined"  # Video Views, two days before the last row
    body[100][3] = ""  # Likes
    path = tmp_path / "Overview.csv"
    path.write_text("\n".join(",".join(f'"{c}"' for c in r) for r in [rows[0], *body]))
    preview = await console.ask(f"/import path={path}")
    assert preview.ok, preview.text
    assert "fewer than 30 days" not in preview.text and "30-day views now" not in preview.text
    gap_views = LAST_ROW - timedelta(days=2)
    gap_likes = LAST_ROW - timedelta(days=len(body) - 1 - 100)
    assert (f"no value on 2 days ({gap_likes.isoformat()} and {gap_views.isoformat()}), so "
            "each 30-day total that includes one of them is left out") in preview.text, \
        preview.text
    views = daily("Overview.csv", "Video Views")
    before = LAST_ROW - timedelta(days=3)
    want = sum(views[before - timedelta(days=k)] for k in range(30))
    assert f"30-day views {count(want)} to {before.isoformat()}" in preview.text, preview.text


async def test_a_video_without_a_title_is_named_in_the_creators_language(
        console: ConsoleAdapter, tmp_path: Path) -> None:
    rows = table("Content.csv")
    rows[1][1] = ""
    path = tmp_path / "Content.csv"
    path.write_text("\n".join(",".join(f'"{c}"' for c in r) for r in rows))
    assert (await console.ask(f"/import path={path} confirm")).ok
    await console.ask("/settings language=de")
    shown = await console.ask("/videos top=50")
    assert "(ohne Titel)" in shown.text and "(no title)" not in shown.text, shown.text


async def test_a_date_twice_in_a_studio_file_is_named_in_the_preview_as_the_own_csv_does(
        console: ConsoleAdapter, db: sqlite3.Connection, tmp_path: Path) -> None:
    """The same date on two rows of an Overview: the preview names it and says the last row
    is kept, as the bot's own CSV does (hostile trial: "views 1" silently replaced 24,790)."""
    rows = table("Overview.csv")
    rows.append([rows[-1][0], "1", "0", "0", "0", "0"])  # November 27 again, 1 view
    path = tmp_path / "Overview.csv"
    path.write_text("\n".join(",".join(f'"{c}"' for c in r) for r in rows))
    preview = await console.ask(f"/import path={path}")
    assert preview.ok, preview.text
    assert (f"Overview: 1 date appears on more than one row ({LAST_ROW.isoformat()}: 2 rows); "
            "the last row is kept.") in preview.text, preview.text
    own = await console.ask(f"/import path={FIXTURES / 'Overview.csv'}")
    assert "more than one row" not in own.text, own.text
    await console.ask("/settings language=de")
    german = await console.ask(f"/import path={path}")
    assert "27.11.2026" in german.text and "more than one row" not in german.text, german.text


async def test_a_download_date_before_the_files_last_day_is_said_not_dated_a_year_back(
        console: ConsoleAdapter) -> None:
    """downloaded= a week before the file's last day ("November 27"): the rows would be dated
    a year earlier (to 2025-11-27); the preview says so and names the date to give."""
    path = FIXTURES / "Overview.csv"
    preview = await console.ask(f"/import path={path} downloaded=2026-11-20")
    assert preview.ok, preview.text
    assert "to 2025-11-27)" in preview.text  # what the dating did
    assert ("Overview.csv ends on 2026-11-27, after 2026-11-20, the download date I counted "
            "back from, so I dated it a year earlier (to 2025-11-27); if you downloaded it on "
            "or after 2026-11-27, add downloaded=2026-11-27.") in preview.text
    right = await console.ask(f"/import path={path} downloaded={TODAY.isoformat()}")
    assert "a year earlier" not in right.text


async def test_japanese_studio_replies_write_japanese_punctuation(
        console: ConsoleAdapter, tmp_path: Path) -> None:
    """ja: the import's result joins its sentences with 。 (was "…）. /stats"), the /videos
    footer with 、 (was "動画 18本, 再生数"), and a counter follows its number ("60個")."""
    await console.ask("/settings language=ja")
    path = FIXTURES / "tiktok_studio_export.zip"
    done = await console.ask(f"/import path={path} confirm")
    assert done.ok, done.text
    assert ". " not in done.text and "）/stats" not in done.text, done.text
    assert "。/stats" in done.text or "。/" in done.text, done.text
    videos = await console.ask("/videos")
    footer = videos.text.splitlines()[-1]
    assert footer.startswith("動画 18本、再生数の中央値"), footer
    big = tmp_path / "many.zip"
    with zipfile.ZipFile(big, "w") as z:
        for i in range(60):
            z.writestr(f"f{i}.csv", "x")
    refused = await console.ask(f"/import path={big}")
    assert "60個" in refused.text and "60 個" not in refused.text, refused.text


async def test_full_width_date_cells_read_as_the_numbers_do(
        console: ConsoleAdapter, tmp_path: Path) -> None:
    """Trial: a Studio file whose date cells were written in full-width forms
    (``Ｎｏｖｅｍｂｅｒ ２７``, as an IME types them) was refused ("not a month and a day I can
    read") while its number cells were read through the width fold (１２３ is 123). Date
    cells take the same fold (studio._cell), in CSV and XLSX, Content's Post time too."""
    def wide(text: str) -> str:
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)

    for name, columns in (("Overview.csv", (0,)), ("Content.csv", (0, 3))):
        rows = table(name)
        out = io.StringIO()
        writer = csv.writer(out, quoting=csv.QUOTE_ALL)
        writer.writerow(rows[0])
        writer.writerows([wide(c) if i in columns else c for i, c in enumerate(r)]
                         for r in rows[1:])
        (tmp_path / name).write_text(out.getvalue(), encoding="utf-8-sig")
    overview = await console.ask(f"/import path={tmp_path / 'Overview.csv'}")
    assert overview.ok, overview.text
    assert "Overview: 365 days (2025-11-28 to 2026-11-27)" in overview.text, overview.text
    content = await console.ask(f"/import path={tmp_path / 'Content.csv'}")
    assert content.ok and "as of 2026-11-27" in content.text, content.text
    book = openpyxl.load_workbook(FIXTURES / "Overview.xlsx")
    for row in book.active.iter_rows(min_row=2):
        row[0].value = wide(str(row[0].value))
    book.save(tmp_path / "Overview.xlsx")
    sheet = await console.ask(f"/import path={tmp_path / 'Overview.xlsx'}")
    assert sheet.ok and "Overview: 30 days (2026-10-29 to 2026-11-27)" in sheet.text, sheet.text
