"""Numbers from TikTok Studio imports that other commands read (issue 17), through the
console on a real SQLite file: views per video decided in one place (the imported videos'
median first) for /estimate, /stats and /tips; profile views and viewers in /stats and /export.

Expected figures are computed here from the fixture files with the csv module."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from statistics import median

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.domain.metrics import MetricSnapshot
from bot.domain.numbers import compact, count
from bot.domain.studio import Video
from bot.domain.videos import views_per_video
from tests.auxil.clock import FakeClock
from tests.commands.test_studio_import import FIXTURES, LAST_ROW, daily, table


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 29, 9, 0, tzinfo=UTC))


def _brand(text: str) -> str:
    block = text.split("Brand partnerships", 1)[1]
    found = re.search(r"could pay (\S+ a month)", block)
    assert found, text
    return found.group(1)


async def test_estimate_uses_the_imported_median_views_per_video(
        console: ConsoleAdapter) -> None:
    await console.ask("/log followers=36k avg_views=1k likes=20k views=400k")
    logged = await console.ask("/estimate explain")
    assert "views per video 1k: your average views per video" in logged.text, logged.text
    assert (await console.ask(f"/import path={FIXTURES / 'Content.csv'} confirm")).ok
    mid = median(float(r[7]) for r in table("Content.csv")[1:])
    imported = await console.ask("/estimate explain")
    assert (f"Views per video: {compact(mid)}, the median of your 18 imported videos"
            in imported.text), imported.text
    assert f"views per video {compact(mid)}: the median of your 18 imported videos" in \
        imported.text
    assert _brand(imported.text) != _brand(logged.text)  # the price follows the median
    what_if = await console.ask("/estimate avg_views=1k explain")  # a what-if's own number
    assert _brand(what_if.text) == _brand(logged.text)
    stats = await console.ask("/stats")
    assert f"Median views per video: {compact(mid)} over 18 videos" in stats.text


def test_one_function_decides_views_per_video() -> None:
    t = datetime(2026, 3, 1, tzinfo=UTC)
    snap = MetricSnapshot.empty(t).merged({"avg_views": 900.0, "views": 30_000.0,
                                           "videos_per_week": 7.0}, t)
    vids = [Video(str(i), "t", "l", None, date(2026, 3, 1), float(v), 1, 0, 0)
            for i, v in enumerate((100, 300, 10_000))]
    median_of_videos = views_per_video(snap, vids)
    assert median_of_videos is not None
    assert (median_of_videos.value, median_of_videos.basis) == (300, "videos")
    assert median_of_videos.label == "the median of your 3 imported videos"
    what_if = views_per_video(snap, vids, {"avg_views"})  # a what-if's own number wins
    assert what_if is not None and what_if.value == 900
    logged = views_per_video(snap, [])
    assert logged is not None and logged.basis == "logged"
    no_avg = MetricSnapshot.empty(t).merged({"views": 30_000.0, "videos_per_week": 7.0}, t)
    derived = views_per_video(no_avg, [])
    assert derived is not None and derived.basis == "derived" and derived.value == 1000
    assert views_per_video(MetricSnapshot.empty(t), []) is None


async def test_profile_views_and_viewers_in_stats_and_export(console: ConsoleAdapter) -> None:
    for name in ("Overview.csv", "Viewers.csv"):
        assert (await console.ask(f"/import path={FIXTURES / name} confirm")).ok
    window = [LAST_ROW - timedelta(days=k) for k in range(30)]
    profile = daily("Overview.csv", "Profile Views")
    total = daily("Viewers.csv", "Total Viewers")
    new = sum(daily("Viewers.csv", "New Viewers")[d] for d in window)
    returning = sum(daily("Viewers.csv", "Returning Viewers")[d] for d in window)
    stats = await console.ask("/stats")
    span = f"the 30 days to {LAST_ROW.isoformat()}"
    assert f"Profile views: {count(sum(profile[d] for d in window))} in {span}" in \
        stats.text, stats.text
    per_day = sum(total[d] for d in window) / 30
    assert (f"Viewers a day: {compact(per_day)} on average over {span} "
            f"({new / (new + returning):.0%} new to you, "
            f"{returning / (new + returning):.0%} returning)") in stats.text, stats.text

    export = await console.ask("/export")
    data = json.loads(export.files[0].read_text())
    series = {(r["day"], r["series"]): r["value"] for r in data["daily"]}
    for name, values in (("profile_views", profile), ("total_viewers", total)):
        assert {d: series[(d.isoformat(), name)] for d in values} == values
    assert [i["files"] for i in data["studio_imports"]] == ["Overview.csv", "Viewers.csv"]


async def test_stats_shows_studio_files_without_dated_numbers(console: ConsoleAdapter) -> None:
    """Viewers and audience files write no snapshot: /stats still shows what they hold."""
    assert (await console.ask(f"/import path={FIXTURES / 'Viewers.csv'} confirm")).ok
    assert (await console.ask(f"/import path={FIXTURES / 'FollowerGender.csv'} confirm")).ok
    stats = await console.ask("/stats")
    assert stats.ok, stats.text
    assert "Viewers a day: " in stats.text
    assert "returning)\n• Followers by gender: Female 61%" in stats.text, stats.text
    assert "No dated numbers yet" in stats.text
