"""What goes on a creator's one-page media kit, each number with where it came from.

Pure and synchronous: the stored snapshots (with their source), Studio videos and audience,
settings, the engagement comparison and the rate card in; a :class:`MediaKit` of labelled,
formatted values out, for :mod:`bot.render.mediakit` to lay out. A number the bot does not hold
is never invented: its :class:`Stat` has ``value=None`` and ``missing`` says what to add.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Final

from bot.domain.daily import snapshot_day
from bot.domain.estimator import EngagementComparison, band_wording
from bot.domain.metrics import EngagementGap, MetricSnapshot, as_of
from bot.domain.numbers import (
    compact,
    counted,
    day,
    decimal,
    grouped,
    items,
    locale,
    pct,
    signed,
    signed_pct,
    size_band,
    stated_pct,
)
from bot.domain.profile import UserSettings
from bot.domain.ratecard import RateCard
from bot.domain.studio import Audience, Video, top_videos
from bot.domain.videos import views_per_video
from bot.i18n import N_, ngettext, standalone, translate
from bot.i18n import gettext as _

#: How a number's origin reads on the kit: a snapshot's ``source`` ("sync": TikTok account
#: sync), with an imported one named by what was imported (:func:`snapshot_origin`): "import"
#: TikTok Studio's files (a video's "import" is always its Content file), "csv" the
#: creator's own CSV of dated numbers.
SOURCE_LABELS: Final[dict[str, str]] = {
    "log": N_("logged"),
    "import": N_("imported from TikTok Studio"),
    "csv": N_("imported from a CSV file"),
    "sync": N_("synced from TikTok"),
}


def snapshot_origin(source: str, action: int, studio_actions: Iterable[int]) -> str:
    """Where a stored snapshot came from, named by what was actually imported: its
    ``source`` (``log``/``import``/``sync``), except that a row of an import that was no
    TikTok Studio upload (its ``action`` none of ``studio_actions``, the Studio imports'
    actions) is ``csv``, the creator's own CSV. The one rule the kit names an import by."""
    if source == "import" and action not in set(studio_actions):
        return "csv"
    return source
#: Growth periods on the kit, in days; the earlier count may be up to half a period older.
GROWTH_DAYS: Final = (30, 90)
TOP_VIDEOS: Final = 3
TOP_COUNTRIES: Final = 5


def source_label(source: str) -> str:
    """The kit's words for a snapshot source in the current language (the raw name when it is
    a new one)."""
    return translate(SOURCE_LABELS[source]) if source in SOURCE_LABELS else source


def provenance(sources: Iterable[str]) -> str | None:
    """Where some numbers came from, in words for a reader of the current language: each
    snapshot source (``log``/``import``/``sync``, or a new raw name) named once, in the order
    first met, joined as the language joins a list (:func:`bot.domain.numbers.items`:
    "logged and imported from TikTok Studio", "eingetragen und aus TikTok Studio importiert");
    ``None`` when there are none. The one place the kit's page, its tiles and the chat reply
    that comes with it name their sources."""
    labels = [source_label(s) for s in dict.fromkeys(sources)]
    return items(labels) if labels else None


@dataclass(frozen=True, slots=True)
class Stat:
    """One labelled number. ``value`` is formatted (``None``: not held, see ``missing``, the
    sentence on what to add); ``detail`` qualifies it; ``origins`` are the snapshot sources
    it came from (``log``/``import``/``sync``), ``source`` the same in words."""

    label: str
    value: str | None
    detail: str | None = None
    origins: tuple[str, ...] = ()
    missing: str | None = None
    raw: float | None = None

    @property
    def source(self) -> str | None:
        """Where the number came from, in words (:func:`provenance`)."""
        return provenance(self.origins)


@dataclass(frozen=True, slots=True)
class KitVideo:
    title: str
    views: str
    #: The count ``views`` is, as :func:`~bot.i18n.ngettext` takes it
    #: (:func:`~bot.domain.numbers.counted`: the plural of the number as shown).
    views_n: int
    engagement: str | None
    posted: str | None


@dataclass(frozen=True, slots=True)
class MediaKit:
    """The kit's content. ``countries``/``genders`` are (name, share 0–1), largest first;
    ``updated`` is the date of the newest number on it; ``made`` the day it was drawn."""

    handle: str | None
    niche: str | None
    made: date
    updated: date | None
    followers: Stat
    growth: tuple[Stat, ...]
    views: Stat
    engagement: Stat
    benchmarks: tuple[str, ...]
    countries: tuple[tuple[str, float], ...]
    genders: tuple[tuple[str, float], ...]
    audience_missing: str | None
    videos: tuple[KitVideo, ...]
    videos_missing: str | None
    videos_origins: tuple[str, ...]
    card: RateCard
    todo: tuple[str, ...]

    @property
    def origins(self) -> tuple[str, ...]:
        """Every snapshot source (``log``/``import``/``sync``) a number on the kit came from,
        once each, in the order the page shows them."""
        stats = (self.followers, *self.growth, self.views, self.engagement)
        out = [o for s in stats for o in s.origins]
        if self.countries or self.genders:
            out.append("import")  # the audience is only ever imported from Studio's files
        out += self.videos_origins
        return tuple(dict.fromkeys(out))

    @property
    def sources(self) -> tuple[str, ...]:
        """:attr:`origins` in words, one each."""
        return tuple(source_label(o) for o in self.origins)

    @property
    def provenance(self) -> str | None:
        """Where the kit's numbers came from, as one phrase (:func:`provenance`)."""
        return provenance(self.origins)

    @property
    def videos_source(self) -> str | None:
        """Where the top videos came from, in words (:func:`provenance`)."""
        return provenance(self.videos_origins)


def _day(moment: datetime, zone: tzinfo) -> str:
    """A snapshot's day as the kit shows it: the creator's (in ``zone``, their time zone;
    :func:`~bot.domain.daily.snapshot_day`), as /history and /goal show it."""
    return day(snapshot_day(moment, zone))


def _given(entries: Sequence[tuple[MetricSnapshot, str]], metric: str
           ) -> list[tuple[datetime, float, str]]:
    """(when, value, source) of every snapshot where ``metric`` was given, oldest first."""
    return [(s.taken_at, float(v), src) for s, src in entries
            if metric in s.given and (v := getattr(s, metric)) is not None]


def _growth(points: list[tuple[datetime, float, str]], days: int, zone: tzinfo) -> Stat:
    """Follower growth over about ``days`` days to the latest count in ``points`` (when,
    value, source; oldest first): from the latest count 1 to 1.5 × ``days`` before it,
    headed with the days between the two on the creator's calendar in ``zone`` ("Growth,
    35 days"), or what is missing."""
    label = _("Growth, %(days)s days", days=days)
    if not points:
        return Stat(label, None, missing=_("log your followers (/log followers=12k)"))
    end_at, end, end_src = points[-1]
    window = [p for p in points
              if end_at - timedelta(days=days * 1.5) <= p[0] <= end_at - timedelta(days=days)]
    if not window:
        return Stat(label, None, missing=_("needs a follower count from %(days)s+ days "
                                           "earlier: /import your TikTok Studio history",
                                           days=days))
    start_at, start, start_src = window[-1]
    # the days it really spans (30 to 45 for "30 days"): a brand reads the heading as the span
    label = _("Growth, %(days)s days", days=(snapshot_day(end_at, zone)
                                             - snapshot_day(start_at, zone)).days)
    change = end - start
    detail = f"{grouped(start)} → {grouped(end)}"
    if start > 0:
        detail = _("%(change)s since %(day)s", change=signed_pct(change / start),
                   day=_day(start_at, zone)) + f"\n{detail}"
    else:
        detail = _("since %(day)s", day=_day(start_at, zone)) + f"\n{detail}"
    return Stat(label, signed(change, compact(abs(change))), detail, (start_src, end_src),
                raw=change)


def _country(code: str) -> str:
    if len(code) == 2 and code.isalpha():
        return str(locale().territories.get(code.upper(), code))
    return code


def build_kit(settings: UserSettings, entries: Sequence[tuple[MetricSnapshot, str]],
              videos: Sequence[Video], audience: Audience,
              engagement: EngagementComparison | None, card: RateCard, now: datetime,
              latest: MetricSnapshot | None = None) -> MediaKit:
    """The kit for one creator at ``now``.

    ``entries`` are the stored snapshots with their source (``log``/``import``/``sync``),
    oldest first; ``engagement`` compares the latest snapshot with the benchmark for its size
    (:func:`bot.domain.estimator.compare_engagement`, ``None`` without followers); ``latest``
    is that snapshot (the numbers as they stand), whose views per video the kit shows when
    no video holds views, as /ratecard reads them (:func:`views_per_video`).
    """
    todo: list[str] = []
    if not settings.handle or not settings.niche:
        todo.append(_("your handle and niche (/settings handle=@name niche=beauty)"))
    followers_pts = _given(entries, "followers")
    if followers_pts:
        at, value, src = followers_pts[-1]
        followers = Stat(_("Followers"), compact(value),
                         _("on %(day)s", day=_day(at, settings.zone)), (src,), raw=value)
    else:
        followers = Stat(_("Followers"), None,
                         missing=_("log your followers (/log followers=12k)"))
        todo.append(_("your followers (/log followers=12k)"))
    growth = tuple(_growth(followers_pts, d, settings.zone) for d in GROWTH_DAYS)
    if followers_pts and growth[0].value is None:
        todo.append(_("a follower count from 30 days ago (/import your TikTok Studio history)"))

    with_views = [v for v in videos if v.views is not None]
    # the one place that decides it (videos first, then the logged numbers), as /ratecard
    per = views_per_video(latest, with_views)
    avg_pts = _given(entries, "avg_views")
    videos_origins = tuple(dict.fromkeys(v.source for v in with_views))
    if per is not None and per.basis == "videos":
        n = per.videos
        views = Stat(_("Median views per video"), compact(per.value),
                     ngettext("across %(num)s video", "across %(num)s videos", n), videos_origins,
                     raw=per.value)
    elif per is not None and per.basis == "logged" and avg_pts:
        at, _value, src = avg_pts[-1]
        views = Stat(_("Avg. views per video"), compact(per.value),
                     _("on %(day)s", day=_day(at, settings.zone)), (src,), raw=per.value)
    elif per is not None:  # 30-day views ÷ the videos posted in them
        pts = _given(entries, "views")
        views = Stat(_("Views per video"), compact(per.value),
                     _("30-day views ÷ videos posted in them"),
                     (pts[-1][2],) if pts else (), raw=per.value)
    else:
        views = Stat(_("Median views per video"), None,
                     missing=_("/import Studio's Content file or /log avg_views=8k"))
        todo.append(_("views per video (/import your Studio Content file, or /log "
                      "avg_views=8k)"))

    benchmarks: tuple[str, ...] = ()
    if engagement is None or engagement.rate is None:
        gap = None if engagement is None else engagement.gap
        why = (_("log your followers, likes and views") if engagement is None
               else _("log your likes and views together (/log likes=4k views=60k)")
               if gap is EngagementGap.DIFFERENT_SNAPSHOTS
               else _("log your likes and views (/log likes=4k views=60k)"))
        eng = Stat(_("Engagement by views"), None, missing=why)
        todo.append((gap or EngagementGap.NO_VIEWS_OR_LIKES).todo)
    else:
        pts = [p for m in ("likes", "views") for p in _given(entries, m)]
        eng_src = (max(pts)[2],) if pts else ()
        ratio = engagement.ratio or 0.0
        # (the benchmark is read at the size the views per video imply: where that is another
        # tier than the followers, the band is named as what it is, not as the account's size)
        band = band_wording(engagement)  # the one decision /estimate reads too
        compared = (_("%(ratio)s× the typical %(typical)s for accounts with views like these "
                      "(those of %(tier)s followers)", ratio=decimal(ratio, 1, 1),
                      typical=pct(engagement.benchmark), tier=band.tier)
                    if band.by_reach else
                    _("%(ratio)s× the typical %(typical)s for accounts this size (%(tier)s "
                      "followers)", ratio=decimal(ratio, 1, 1),
                      typical=pct(engagement.benchmark), tier=band.tier))
        eng = Stat(_("Engagement by views"), pct(engagement.rate), compared, eng_src,
                   raw=engagement.rate)
        benchmarks = tuple(f"{b.study} {stated_pct(b.rate)} ({size_band(b.tier)})"
                           for b in engagement.benchmarks)

    named = [(c, s) for c, s in audience.territories if c.lower() != "others"]
    rest = [(c, s) for c, s in audience.territories if c.lower() == "others"]
    countries = tuple((_country(c), s) for c, s in named[:TOP_COUNTRIES - len(rest[:1])]
                      + rest[:1])  # TikTok's "Others" bucket last
    genders = tuple(audience.genders)
    audience_missing = None
    if not countries and not genders:
        audience_missing = _("import TikTok Studio's Followers files (FollowerTopTerritories, "
                             "FollowerGender) with /import")
        todo.append(_("audience countries and gender (/import Studio's Followers files)"))

    kit_videos = tuple(
        KitVideo(v.title or _("Video %(id)s", id=v.video_id), *counted(v.views or 0),
                 None if (er := v.engagement_rate_views) is None else pct(er),
                 None if v.posted_on is None else day(v.posted_on))
        for v in top_videos(with_views, TOP_VIDEOS))
    videos_missing = None if kit_videos else _(
        "import TikTok Studio's Content file (/import) or connect TikTok (/connect) to show "
        "your top videos")
    if not kit_videos:
        todo.append(_("your top videos (/import Studio's Content file)"))
    todo += [_("%(label)s: %(hint)s", label=p.label, hint=standalone(p.hint))  # label: item
             for p in card.prices if p.hint and not p.mine]

    # the day the latest snapshot counts on (metrics.as_of, as /stats' "as of"), or a later
    # Studio file's; never after the creator's today
    today = settings.today(now)
    dates = [as_of(entries[-1][0], today)] if entries else []
    dates += [min(v.as_of, today) for v in videos]
    return MediaKit(
        handle=settings.handle, niche=settings.niche, made=today,
        updated=max(dates) if dates else None, followers=followers, growth=growth,
        views=views, engagement=eng, benchmarks=benchmarks, countries=countries,
        genders=genders, audience_missing=audience_missing, videos=kit_videos,
        videos_missing=videos_missing, videos_origins=videos_origins, card=card,
        todo=tuple(todo),
    )
