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


def _kits() -> list[object]:
    """A full kit (a CSV's rows and a log 90 days apart, videos with long titles, audience,
    a priced card) and a bare one (tiles saying "not yet", nothing imported)."""
    from datetime import timedelta

    logs = [(MetricSnapshot(T - timedelta(days=d), followers=12_000.0 + 300 * (100 - d),
                            views=1_250_000.0, likes=75_000.0, comments=2_100.0,
                            shares=4_000.0, avg_views=11_500.0,
                            given=frozenset({"followers", "views", "likes", "comments",
                                             "shares", "avg_views"})), "csv" if d else "log")
            for d in (100, 31, 0)]  # growth "imported from a CSV file and logged"
    videos = [video(n, f"POV: your first brand deal with a very long title #{n} " * 2,
                    100_000.0 * n) for n in (1, 2, 3)]
    audience = Audience(territories=(("JP", 0.6), ("US", 0.2), ("Others", 0.2)),
                        genders=(("Female", 0.7), ("Male", 0.3)))
    full = build_kit(UserSettings(handle="@maya.makes.things", niche="beauty and skincare"),
                     logs, videos, audience, None, RateCard("JPY", (), 0), T)
    one = [(MetricSnapshot(T, followers=5000, given=frozenset({"followers"})), "log")]
    bare = build_kit(UserSettings(), one, [], Audience(), None, RateCard("EUR", (), 0), T)
    return [full, bare]


def test_every_text_fits_its_box_and_the_page_in_every_language() -> None:
    # Japanese ran the audience and top-video lines off the right edge, spilled "まだあり
    # ません" out of its tile and let a tile's note run into its source label: lengths were
    # judged by English character counts. Now every text is measured; check the drawn
    # extents in six languages.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    from bot import i18n
    from bot.render import fonts
    from bot.render.mediakit import draw

    fonts.install()
    for language in ("en", "de", "es", "fr", "ja", "pt_BR"):
        with i18n.using(language):
            for kit in _kits():
                fig = draw(kit)  # type: ignore[arg-type]
                fig.set_dpi(130)
                canvas = FigureCanvasAgg(fig)
                canvas.draw()
                renderer = canvas.get_renderer()
                to_page = fig.transFigure.inverted()

                def extent(t: Text, r: object = renderer,
                           inv: object = to_page) -> tuple[float, float, float, float]:
                    b = t.get_window_extent(r).transformed(inv)  # type: ignore[arg-type]
                    return b.x0, b.x1, b.y0, b.y1

                texts = [t for t in fig.findobj(Text) if t.get_text().strip()
                         and t.get_visible()]
                for t in texts:
                    x0, x1, y0, y1 = extent(t)
                    assert x0 >= 0.0 and x1 <= 1.0 and y0 >= 0.0 and y1 <= 1.0, \
                        (language, t.get_text())
                for t, (bx0, bx1, by0, by1) in getattr(fig, "kit_boxes", []):
                    x0, x1, y0, y1 = extent(t)
                    assert bx0 - 1e-3 <= x0 and x1 <= bx1 + 1e-3, (language, t.get_text())
                    assert by0 - 1e-3 <= y0 and y1 <= by1 + 1e-3, (language, t.get_text())
                page = [t for t in fig.texts if t.get_text().strip()]
                boxes = [extent(t) for t in page]
                for i, a in enumerate(boxes):
                    for j in range(i + 1, len(boxes)):
                        b = boxes[j]
                        apart = a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2]
                        assert apart, (language, page[i].get_text(), page[j].get_text())


def _long_kits() -> list[object]:
    """Trial: a CSV of 42 daily rows and a /log, so a growth tile's source reads "imported
    from a CSV file and logged" (two lines in Spanish); and the same with 100 days of rows
    (four tiles), a long handle and niche and eight-digit numbers."""
    from datetime import timedelta

    def snap(days: int, followers: float) -> MetricSnapshot:
        return MetricSnapshot(T - timedelta(days=days), followers=followers,
                              views=followers * 12, likes=followers, comments=380.0,
                              shares=290.0, given=frozenset({"followers", "views", "likes",
                                                             "comments", "shares"}))

    def logged(followers: float) -> MetricSnapshot:
        return replace(snap(0, followers), avg_views=followers / 2,
                       given=frozenset({"followers", "views", "likes", "comments", "shares",
                                        "avg_views"}))

    settings = UserSettings(handle="@maya.makes.things.daily",
                            niche="beauty, skincare and budget makeup for sensitive skin")
    kits = []
    for days, base, step in ((42, 10_000.0, 22.0), (100, 12_345_678.0, 23_456.0)):
        rows = [(snap(d, base + step * (days - d)), "csv") for d in range(days, 0, -1)]
        latest = logged(base + step * days + 900)
        kits.append(build_kit(settings, [*rows, (latest, "log")], [], Audience(), None,
                              RateCard("USD", (), 0), T, latest))
    return kits


def test_no_two_texts_of_a_card_overlap_and_titles_keep_one_size() -> None:
    # Trial (es, en): in "Crecimiento, 31 días" the line "10,918 → 11,800" ran into
    # "importado de un archivo CSV y registrado", and "Media de visualizaciones por video"
    # was shrunk far below the other titles. Checked by the drawn extents of every text
    # inside each card's frame, in six languages.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.patches import FancyBboxPatch

    from bot import i18n
    from bot.render import fonts
    from bot.render.mediakit import draw

    fonts.install()
    for language in ("en", "de", "es", "fr", "ja", "pt_BR"):
        with i18n.using(language):
            for kit in _long_kits():
                fig = draw(kit)  # type: ignore[arg-type]
                canvas = FigureCanvasAgg(fig)
                canvas.draw()
                renderer = canvas.get_renderer()
                cards = [a.get_window_extent(renderer) for a in fig.findobj(FancyBboxPatch)]
                shown = (kit.followers, *kit.growth, kit.views)  # type: ignore[attr-defined]
                stats = [s for s in shown if s.value is not None]
                assert len(cards) == len(stats) >= 3, language
                labels = {" ".join(printable(s.label).split()) for s in stats}
                texts = [t for t in fig.texts if t.get_text().strip()]
                titles: list[float] = []
                for card in cards:
                    boxes = [(t, t.get_window_extent(renderer)) for t in texts]
                    inside = [(t, b) for t, b in boxes
                              if card.contains((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2)]
                    assert len(inside) >= 3, (language, [t.get_text() for t, _ in inside])
                    for t, box in inside:
                        assert card.x0 <= box.x0 and box.x1 <= card.x1, (language, t.get_text())
                        assert card.y0 <= box.y0 and box.y1 <= card.y1, (language, t.get_text())
                    for i, (a, ba) in enumerate(inside):
                        for b, bb in inside[i + 1:]:
                            apart = (ba.x1 <= bb.x0 or bb.x1 <= ba.x0 or ba.y1 <= bb.y0
                                     or bb.y1 <= ba.y0)
                            assert apart, (language, a.get_text(), b.get_text())
                    titles += [t.get_fontsize() for t, _ in inside
                               if " ".join(t.get_text().split()) in labels]
                assert len(titles) == len(cards), language
                assert min(titles) >= 0.85 * max(titles), (language, titles)
