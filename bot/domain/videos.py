"""Per-video lifetime counts and what the snapshot model derives from them. Pure.

TikTok's Display API (and TikTok Studio's Content file) give each video's *lifetime* views,
likes, comments and shares. The snapshot model's ``views``, ``likes``, ``comments`` and
``shares`` are totals over the last :data:`~bot.domain.metrics.PERIOD_DAYS` days; they are
the growth of the summed lifetime counts between today and a day at least 30 days ago.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from statistics import fmean
from typing import Final

from bot.domain.metrics import PERIOD_DAYS, MetricSnapshot, videos_in_period
from bot.domain.studio import Video, median_views
from bot.i18n import gettext as _
from bot.i18n import ngettext

#: Videos whose lengths make the typical length (``avg_video_length``).
RECENT_FOR_LENGTH: Final = 10
#: Days whose posts make the posting frequency (``videos_per_week``): four whole weeks.
FREQUENCY_DAYS: Final = 28
COUNTS: Final = ("views", "likes", "comments", "shares")


def posted(video: Video, zone: tzinfo = UTC) -> datetime | None:
    """When the video was posted: the exact time from a sync, else noon of the day a Studio
    import gives, in the creator's time zone ``zone`` (a date alone is theirs, never UTC's
    noon)."""
    if video.posted_at is not None:
        return video.posted_at
    if video.posted_on is not None:
        return datetime.combine(video.posted_on, time(12), zone)
    return None


def on_local_days(video: Video, zone: tzinfo, today: date) -> Video:
    """A video read by a sync ``today`` (the creator's date), its day of posting the
    creator's too (the API gives a moment: its date in ``zone``, not UTC's)."""
    posted_on = (video.posted_on if video.posted_at is None
                 else video.posted_at.astimezone(zone).date())
    return replace(video, posted_on=posted_on, as_of=today)


@dataclass(frozen=True, slots=True)
class DayTotals:
    """Sum of every stored video's lifetime counts on one of the creator's days (``day``:
    ISO date, in their time zone)."""

    day: str
    views: float
    likes: float
    comments: float
    shares: float


def merge_videos(stored: Iterable[Video], read: Iterable[Video]) -> list[Video]:
    """Stored videos updated by the ones just read (same id: the read one wins)."""
    by_id = {v.video_id: v for v in stored}
    by_id.update((v.video_id, v) for v in read)
    return list(by_id.values())


def totals(day: str, videos: Iterable[Video]) -> DayTotals:
    """Lifetime counts summed over ``videos`` (unknown counts add nothing)."""
    sums = dict.fromkeys(COUNTS, 0.0)
    for video in videos:
        for name in COUNTS:
            sums[name] += getattr(video, name) or 0.0
    return DayTotals(day, **sums)


def period_counts(now: datetime, current: DayTotals, history: Sequence[DayTotals],
                  videos: Sequence[Video], zone: tzinfo = UTC) -> dict[str, float]:
    """30-day views, likes, comments and shares, or ``{}`` when they cannot be known yet.

    From the latest stored day at least :data:`PERIOD_DAYS` days before today (``current``'s
    day, the creator's in ``zone``): today's sums minus that day's (never below 0: a deleted
    video lowers the sum). Before a month of history exists, only when every video was
    posted within the period (then the lifetime counts are the period's counts); otherwise
    nothing, rather than a guess.
    """
    cutoff = (date.fromisoformat(current.day) - timedelta(days=PERIOD_DAYS)).isoformat()
    base = None
    for day in history:
        if day.day <= cutoff:
            base = day
    if base is not None:
        return {n: max(0.0, getattr(current, n) - getattr(base, n)) for n in COUNTS}
    start = now - timedelta(days=PERIOD_DAYS)
    if videos and all((p := posted(v, zone)) is not None and p >= start for v in videos):
        return {n: getattr(current, n) for n in COUNTS}
    return {}


def posting_habits(now: datetime, videos: Sequence[Video],
                   zone: tzinfo = UTC) -> dict[str, float]:
    """``videos_per_week`` (posts in the last 28 days / 4) and ``avg_video_length`` (mean
    length of the 10 newest videos, seconds); each only when there is something to count."""
    out: dict[str, float] = {}
    dated = sorted(((p, v) for v in videos if (p := posted(v, zone)) is not None),
                   key=lambda pair: pair[0], reverse=True)
    if dated:
        start = now - timedelta(days=FREQUENCY_DAYS)
        recent = sum(1 for p, _ in dated if p >= start)
        out["videos_per_week"] = recent * 7 / FREQUENCY_DAYS
    lengths = [v.duration for _, v in dated[:RECENT_FOR_LENGTH] if v.duration]
    if lengths:
        out["avg_video_length"] = round(fmean(lengths), 1)
    return out


@dataclass(frozen=True, slots=True)
class ViewsPerVideo:
    """How many views a typical video of the creator gets, and where that figure came from.

    ``basis`` is ``"videos"`` (the median of the stored per-video lifetime views: TikTok
    Studio's Content file or a TikTok sync, ``videos`` of them, read from ``sources``),
    ``"logged"`` (the ``avg_views`` the creator logged or imported, or gave in a what-if) or
    ``"derived"`` (30-day views ÷ videos posted in the period)."""

    value: float
    basis: str
    videos: int = 0
    sources: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Where the figure came from, in words, e.g. ``"the median of your 18 imported
        videos"``."""
        if self.basis == "videos":
            kinds = set(self.sources)
            if kinds == {"import"}:
                return ngettext("the views of your imported video",
                                "the median of your %(num)s imported videos", self.videos)
            if kinds == {"sync"}:
                return ngettext("the views of your synced video",
                                "the median of your %(num)s synced videos", self.videos)
            if kinds == {"import", "sync"}:
                return ngettext("the views of your imported and synced video",
                                "the median of your %(num)s imported and synced videos",
                                self.videos)
            return ngettext("the views of your stored video",
                            "the median of your %(num)s stored videos", self.videos)
        if self.basis == "logged":
            return _("your average views per video")
        return _("your 30-day views ÷ videos posted")


def views_per_video(s: MetricSnapshot | None, videos: Sequence[Video],
                    what_if: Collection[str] = ()) -> ViewsPerVideo | None:
    """The one place that decides the views per video /estimate, /tips, /stats and the media
    kit use: the median of ``videos``' lifetime views where any has views (a median is not
    pulled up by one viral video, unlike an average), else the snapshot's ``avg_views``, else
    30-day views ÷ videos in the period (:func:`~bot.domain.metrics.videos_in_period`);
    ``None`` when none is known. An ``avg_views`` named in ``what_if`` (a what-if's own
    numbers) wins over the stored videos."""
    if s is not None and "avg_views" in what_if and s.avg_views is not None:
        return ViewsPerVideo(s.avg_views, "logged")
    counted = [v for v in videos if v.views is not None]
    mid = median_views(counted)
    if mid is not None:
        return ViewsPerVideo(mid, "videos", len(counted),
                             tuple(dict.fromkeys(v.source for v in counted)))
    if s is None:
        return None
    if s.avg_views is not None:
        return ViewsPerVideo(s.avg_views, "logged")
    vids = videos_in_period(s)
    if s.views is not None and vids is not None and vids >= 1:
        return ViewsPerVideo(s.views / vids, "derived")
    return None
