"""Built-in sample creators: realistic profiles used by tests, ``rules check`` and benchmarks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.domain.metrics import MetricSnapshot
from bot.domain.profile import Profile, UserSettings
from bot.domain.studio import Audience, Video

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _history(weeks: list[dict[str, float]], *, end: datetime = NOW) -> tuple[MetricSnapshot, ...]:
    """Weekly snapshots, oldest first, ending at ``end``; values carry forward like the store."""
    out: list[MetricSnapshot] = []
    base = MetricSnapshot.empty(end)
    for i, changes in enumerate(weeks):
        taken = end - timedelta(weeks=len(weeks) - 1 - i)
        base = base.merged(changes, taken)
        out.append(base)
    return tuple(out)


def _profile(weeks: list[dict[str, float]], **settings: object) -> Profile:
    history = _history(weeks)
    return Profile(UserSettings(**settings), history[-1] if history else None,  # type: ignore[arg-type]
                   history)


def _growing(start: float, weekly: float, n: int, **rest: float) -> list[dict[str, float]]:
    weeks: list[dict[str, float]] = [
        {"followers": float(round(start * (1 + weekly) ** i))} for i in range(n)]
    weeks[0] = {**weeks[0], **rest}
    weeks[-1] = {**weeks[-1], **rest}
    return weeks


def _lapsed() -> tuple[MetricSnapshot | None, tuple[MetricSnapshot, ...]]:
    history = _history(_growing(6_000, 0.02, 3, views=50_000, likes=2_500, comments=100,
                                shares=80), end=NOW - timedelta(days=30))
    return history[-1], history


def _studio_history() -> tuple[MetricSnapshot | None, tuple[MetricSnapshot, ...]]:
    history = _history(_growing(18_000, 0.02, 3, views=400_000, likes=24_000, comments=700,
                                shares=1_500))
    return history[-1], history


# A creator who imported TikTok Studio's Content file: (post date, lifetime views); most of the
# five most viewed went up on a Tuesday, one is a breakout.
_STUDIO_VIDEOS = [(date(2026, 10, 6), 90_000), (date(2026, 10, 13), 25_000),
                  (date(2026, 10, 20), 22_000), (date(2026, 10, 27), 21_000),
                  (date(2026, 10, 9), 20_000), (date(2026, 10, 10), 9_000),
                  (date(2026, 10, 11), 8_000), (date(2026, 10, 12), 7_000)]


#: The personas the issue names (new, nano, micro, mid, macro, stalled, viral, LIVE, shop).
PERSONAS = ("new", "nano-2k", "micro-25k", "mid-300k", "macro-2m", "stalled", "viral-spike",
            "live-heavy", "shop-focused")

SAMPLES: dict[str, Profile] = {
    "new": Profile(UserSettings(), None, ()),
    "nano-2k": _profile(_growing(1_600, 0.05, 5, views=30_000, likes=2_200, comments=40,
                                 shares=30, videos_per_week=1, avg_video_length=22,
                                 completion_rate=0.22),
                        region="US", adult=True),
    "micro-25k": _profile(_growing(22_000, 0.03, 5, views=280_000, likes=24_000, comments=900,
                                   shares=700, videos_per_week=4, avg_video_length=40,
                                   completion_rate=0.5),
                          region="GB", adult=True),
    "mid-300k": _profile(_growing(290_000, 0.01, 4, views=2_500_000, likes=60_000,
                                  comments=2_500, shares=1_500, videos_per_week=5,
                                  avg_video_length=45, completion_rate=0.38),
                         region="US", adult=True),
    "macro-2m": _profile(_growing(1_950_000, 0.005, 4, views=9_000_000, likes=250_000,
                                  comments=9_000, shares=12_000, videos_per_week=6,
                                  avg_video_length=75, completion_rate=0.4,
                                  avg_watch_time=30),
                         region="US", adult=True),
    "stalled": _profile([
        {"followers": 8_000, "views": 90_000, "likes": 3_000, "comments": 200, "shares": 60,
         "videos_per_week": 4, "avg_video_length": 35},
        {"followers": 8_600}, {"followers": 9_200}, {"followers": 9_230},
        {"followers": 9_240, "videos_per_week": 1.5, "likes": 1_500, "views": 80_000,
         "comments": 200, "shares": 60},  # a 30-day window is logged whole (same_window)
    ], region="DE", adult=True),
    "viral-spike": _profile([
        {"followers": 3_000, "views": 40_000, "likes": 3_000, "comments": 100, "shares": 50,
         "videos_per_week": 3, "avg_video_length": 28},
        {"followers": 3_100, "views": 900_000, "likes": 70_000, "comments": 1_500,
         "shares": 4_000},
        {"followers": 3_150, "views": 1_400_000, "likes": 70_000, "comments": 1_500,
         "shares": 4_000},  # a 30-day window is logged whole (same_window)
    ], region="FR", adult=True),
    "live-heavy": _profile(_growing(14_000, 0.02, 4, views=120_000, likes=9_000,
                                    comments=600, shares=150, videos_per_week=2,
                                    live_hours=12, live_viewers=60, diamonds=2_500,
                                    avg_video_length=30),
                           region="PH", adult=True),
    "shop-focused": _profile(_growing(3_400, 0.04, 4, views=60_000, likes=3_000,
                                      comments=200, shares=150, videos_per_week=5,
                                      avg_video_length=50, completion_rate=0.48),
                             region="US", adult=True),
    # Situations the rules must cover beyond the main personas.
    "first-log": _profile([{"followers": 400, "views": 6_000, "likes": 500}]),
    "almost-live": _profile(_growing(760, 0.03, 3, views=15_000, likes=1_200, comments=60,
                                     shares=40), region="GB", adult=True),
    "teen": _profile(_growing(5_000, 0.03, 3, views=70_000, likes=6_000, comments=300,
                              shares=200), region="US", adult=False),
    "lapsed": Profile(UserSettings(region="US", adult=True),
                      *_lapsed()),
    "long-form": _profile(_growing(40_000, 0.01, 3, views=150_000, likes=9_000, comments=400,
                                   shares=300, avg_video_length=150, avg_watch_time=25),
                          region="US", adult=True),
    "big-low-reach": _profile(_growing(220_000, 0.0, 3, views=60_000, likes=3_000,
                                       comments=100, shares=80, videos_per_week=3),
                              region="US", adult=True),
    "needs-views": _profile(_growing(12_500, 0.02, 3, views=55_000, likes=3_000, comments=150,
                                     shares=100, avg_video_length=70), region="US", adult=True),
    "live-earner": _profile(_growing(30_000, 0.02, 3, views=200_000, likes=12_000,
                                     comments=600, shares=300, live_hours=6, live_viewers=150,
                                     diamonds=60_000), region="US", adult=True),
    "studio-import": Profile(
        UserSettings(region="US", adult=True), *_studio_history(),
        videos=tuple(Video(str(7_300_000_000_000_000_000 + i), f"video {i}", "", day,
                           NOW.date(), views, views * 0.06, views * 0.002, views * 0.004)
                     for i, (day, views) in enumerate(_STUDIO_VIDEOS)),
        audience=Audience(territories=(("US", 0.5), ("Others", 0.5)),
                          genders=(("Female", 0.6), ("Male", 0.4)),
                          activity=tuple((NOW.date(), h, 100.0 + (50 if 19 <= h <= 21 else 0))
                                         for h in range(24)))),
    "losing-followers": _profile([
        {"followers": 12_000, "views": 70_000, "likes": 4_000, "comments": 200, "shares": 90,
         "videos_per_week": 3},
        {"followers": 12_400}, {"followers": 12_700}, {"followers": 11_500},
    ], region="US", adult=True),
    "canada": _profile(_growing(4_000, 0.02, 3, views=50_000, likes=2_500, comments=100,
                                shares=60), region="CA", adult=True),
    "age-unknown": _profile(_growing(3_000, 0.02, 3, views=30_000, likes=1_500, comments=80,
                                     shares=40), region="GB"),
    "almost-shop": _profile(_growing(820, 0.03, 3, views=9_000, likes=600, comments=30,
                                     shares=20), region="US", adult=True),
}
