"""The kit page draws any text a creator's data holds: no mathtext, no missing-glyph boxes."""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime

from pypdf import PdfReader

from bot.domain.mediakit import build_kit
from bot.domain.metrics import MetricSnapshot
from bot.domain.profile import UserSettings
from bot.domain.ratecard import RateCard
from bot.domain.studio import Audience, Video
from bot.render.mediakit import printable, render_kit

T = datetime(2026, 11, 29, tzinfo=UTC)


def video(n: int, title: str, views: float) -> Video:
    return Video(str(n), title, f"https://www.tiktok.com/@x/video/{n}", date(2026, 10, n),
                 date(2026, 11, 27), views, views / 10, 5, 5)


def test_hostile_titles_and_names_render_to_both_files() -> None:
    videos = [video(1, "Made $5 then $10 💸 in a day", 9000), video(2, "🔥🔥🔥", 8000),
              video(3, "a" * 300, 7000)]
    kit = build_kit(UserSettings(handle="@a_b.c", niche="food $ drink"),
                    [(MetricSnapshot(T, followers=5000, given=frozenset({"followers"})), "log")],
                    videos, Audience(territories=(("ZZ", 0.5), ("Others", 0.5))), None,
                    RateCard("EUR", (), 0), T)
    files = render_kit(kit)
    text = " ".join(PdfReader(io.BytesIO(files.pdf)).pages[0].extract_text().split())
    assert "Made $5 then $10 in a day" in text  # dollars kept literally, emoji dropped
    assert "Untitled video" in text  # a title of emoji only
    assert "a" * 43 + "…" in text  # cut, not run off the page
    assert "Unknown Region" in text and "Food $ drink creator on TikTok" in text
    assert printable("🚨BACK IN STOCK🚨") == "BACK IN STOCK"


def test_no_break_spaces_survive_tidying() -> None:
    # French puts a no-break space before a colon; tidying spaces must not turn it into one a
    # line can break at.
    assert printable("Source\u00a0:  vues  par vidéo") == "Source\u00a0: vues par vidéo"


def test_matplotlib_is_imported_only_to_draw() -> None:
    code = ("import sys, bot.render.mediakit, bot.domain.mediakit; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_synced_numbers_are_labelled_synced_from_tiktok() -> None:
    synced = [replace(video(n, f"clip {n}", 1000.0 * n), source="sync") for n in (1, 2, 3)]
    snap = MetricSnapshot(T, followers=5000, given=frozenset({"followers"}))
    kit = build_kit(UserSettings(handle="@x1"), [(snap, "sync")], synced, Audience(), None,
                    RateCard("USD", (), 0), T)
    assert kit.followers.source == "synced from TikTok"
    assert kit.views.source == "synced from TikTok" and kit.views.value == "2k"
    assert kit.sources == ("synced from TikTok",)
    text = " ".join(PdfReader(io.BytesIO(render_kit(kit).pdf)).pages[0].extract_text().split())
    assert "lifetime views · synced from TikTok" in text
    assert "imported from TikTok Studio" not in text
