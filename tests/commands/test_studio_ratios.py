"""Issue #17: KPI ratios divide only 30-day totals of the same snapshot, and the engagement
hint says what is missing, through the console on both store backends."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.domain.metrics import MetricSnapshot, compute_kpis, engagement_gap
from tests.auxil.clock import FakeClock

ZIP = Path(__file__).resolve().parents[1] / "fixtures" / "tiktok_studio" / \
    "tiktok_studio_export.zip"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 29, 9, 0, tzinfo=UTC))



def _percents(text: str) -> list[float]:
    return [float(p.replace(",", ".")) for p in re.findall(r"(\d+(?:[.,]\d+)?)\s?%", text)]


async def test_an_import_after_a_log_never_divides_carried_likes_by_typed_views(
        both: ConsoleAdapter) -> None:
    assert (await both.ask("/log followers=1000 views=5000")).ok
    assert (await both.ask(f"/import path={ZIP} confirm")).ok
    stats = (await both.ask("/stats")).text
    assert "Likes per view" not in stats and "Shares per view" not in stats, stats
    assert "1406" not in stats and "79.24" not in stats, stats
    meaning = stats.split("What they mean")[1].split("From TikTok Studio")[0]
    assert all(p <= 100 for p in _percents(meaning.split("Followers since")[0])), meaning
    assert "log views and likes to see it" not in stats, stats
    assert "different snapshots" in stats, stats
    estimate = (await both.ask("/estimate")).text
    assert "(log likes and views)" not in estimate, estimate
    assert "different snapshots" in estimate, estimate


async def test_the_import_alone_gives_its_own_ratios(both: ConsoleAdapter) -> None:
    assert (await both.ask(f"/import path={ZIP} confirm")).ok
    stats = (await both.ask("/stats")).text
    assert "Engagement by views: " in stats and "Likes per view" in stats, stats


async def test_zero_views_say_they_give_no_rate(both: ConsoleAdapter) -> None:
    assert (await both.ask("/log followers=0 views=0 likes=0 confirm")).ok
    stats = (await both.ask("/stats")).text
    assert "Log your 30-day views and likes" not in stats, stats
    assert ("Engagement by views: unknown. With 0 views in 30 days there is no engagement "
            "rate.") in stats, stats


async def test_the_hint_names_what_is_missing(both: ConsoleAdapter) -> None:
    assert (await both.ask("/log followers=1000 views=5000")).ok
    assert ("Engagement by views: unknown. Log your 30-day likes to see your engagement "
            "rate.") in (await both.ask("/stats")).text


def test_history_tells_where_carried_totals_came_from() -> None:
    t0, t1, t2 = (datetime(2026, 11, d, tzinfo=UTC) for d in (1, 2, 3))
    imported = MetricSnapshot(taken_at=t0, views=100_000, likes=7_000,
                              given=frozenset({"views", "likes"}))
    logged = MetricSnapshot(taken_at=t1, views=5_000, likes=7_000, given=frozenset({"views"}))
    later = MetricSnapshot(taken_at=t2, views=5_000, likes=7_000, followers=10,
                           given=frozenset({"followers"}))
    history = [imported, logged, later]
    assert compute_kpis(imported, history, zone=UTC).likes_per_view == pytest.approx(0.07)
    for s in (logged, later):
        k = compute_kpis(s, history, zone=UTC)
        assert k.likes_per_view is None and k.engagement_rate_views is None
        assert engagement_gap(s, history) is not None
    # without history: typed vs carried
    assert compute_kpis(logged, zone=UTC).likes_per_view is None


async def test_a_video_listed_twice_refuses_the_file_and_stores_nothing(
        both: ConsoleAdapter, tmp_path: Path) -> None:
    # hostile test: the preview said "19 videos, median 10.4k", 18 were stored with the
    # 57.4k video overwritten by a second row of 999 views, silently
    source = (ZIP.parent / "Content.csv").read_bytes().decode("utf-8-sig")
    lines = source.splitlines()
    twice = lines[1].replace('"57444"', '"999"')
    assert twice != lines[1]
    path = tmp_path / "Content.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join([*lines, twice]).encode())
    video = lines[1].split("/video/")[1].split('"')[0]
    for line in (f"/import path={path}", f"/import path={path} confirm"):
        reply = await both.ask(line)
        assert not reply.ok, reply.text
        assert f"video {video} is listed twice (also line 2)" in reply.text, reply.text
        assert "19 videos" not in reply.text, reply.text
    assert "Median views per video" not in (await both.ask("/stats")).text
    assert (await both.ask(f"/import path={ZIP.parent / 'Content.csv'} confirm")).ok
    assert "18 videos, median 11.1k views" in (await both.ask("/videos")).text


async def test_a_count_takes_the_plural_of_the_number_shown(
        console: ConsoleAdapter, tmp_path: Path) -> None:
    """Review: /videos chose "view" for a median of 0.5 views (the plural of 0.5 rounded to
    a whole number, beside the 0.5 shown): "median 0.5 view". The noun is chosen for the
    number as shown (numbers.counted)."""
    rows = ['"Time","Video title","Video link","Post time","Total likes","Total comments",'
            '"Total shares","Total views"']
    for n, views in enumerate((0, 1)):
        rows.append(f'"November 27","Clip {n}","https://www.tiktok.com/@creator/video/'
                    f'730000000000000000{n}","October 3","0","0","0","{views}"')
    path = tmp_path / "Content.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(rows).encode())
    assert (await console.ask(f"/import path={path} confirm")).ok
    text = (await console.ask("/videos")).text
    assert "2 videos, median 0.5 views" in text, text
    assert "1 view" in text and "0 views" in text, text

