"""TikTok Studio downloads: the /import preview and result for them, and /videos."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from bot.commands.audience import hours_text, shares_text
from bot.commands.checks import flagged_rows
from bot.commands.corrections import entry_day
from bot.core.context import CommandContext
from bot.core.registry import ArgSpec, ArgType, command
from bot.core.types import Action, Platform, Reply
from bot.domain.daily import days_of, iso_date, repeated_text
from bot.domain.numbers import compact, count, counted, day, items, kept, number, pct, punct, whole
from bot.domain.profile import UserSettings
from bot.domain.refusals import Refusal
from bot.domain.studio import (
    BREAKOUT_MULTIPLE,
    Layout,
    StudioImport,
    Video,
    best_hours,
    breakouts,
    median_views,
    top_videos,
    year_back,
)
from bot.i18n import gettext as _
from bot.i18n import lazy, ngettext, translate

VIDEOS_SHOWN = 10

#: Days with no value named in an import's preview; more are counted, not listed.
MISSING_SHOWN = 5

#: Overview's daily series summed into 30-day totals.
WINDOW_METRICS = ("views", "likes", "comments", "shares")


def parse_downloaded(text: str) -> date:
    """``downloaded=2026-03-09`` -> that date (:class:`Refusal` with the expected form)."""
    try:
        return iso_date(text)  # (never a week without its day: 2026-W46)
    except ValueError:
        raise Refusal(_("'%(text)s' is not a date; use YYYY-MM-DD, e.g. downloaded=2026-03-09.",
                        text=kept(text))) from None


def local_today(now: datetime, timezone: str) -> date:
    """Today in the creator's time zone (UTC if the stored zone is unknown): what
    :meth:`~bot.domain.profile.UserSettings.today` says, the one rule."""
    return UserSettings(timezone=timezone).today(now)


def studio_view(studio: StudioImport,
                rows: list[tuple[datetime, dict[str, float]]]) -> dict[str, Any]:
    """The preview's (and the result's) facts about each file, in plain words."""
    latest: dict[str, float] = {}
    for _when, values in rows:
        latest.update(values)
    files = []
    for f in studio.files:
        notes: list[str] = []
        if f.layout is Layout.OVERVIEW:
            notes.extend(_overview_notes(studio, f.first, f.last, rows))
        elif f.layout is Layout.FOLLOWER_HISTORY and "followers" in latest:
            notes.append(_("followers now %(followers)s", followers=count(latest["followers"])))
        elif f.layout is Layout.CONTENT:
            mid = median_views(studio.videos)
            notes.append(_("median views per video %(views)s", views=compact(mid)))
        elif f.layout is Layout.FOLLOWER_ACTIVITY and (hours := best_hours(studio.activity)):
            notes.append(_("most active %(hours)s", hours=hours_text(hours)))
        elif f.layout is Layout.FOLLOWER_GENDER:
            notes.append(shares_text(studio.genders))
        elif f.layout is Layout.FOLLOWER_TERRITORIES:
            notes.append(shares_text(studio.territories))
        what = items([translate(a) for a in f.adds])
        # one whole phrase per kind of span: "365 days (… to …) of views, likes, …"
        if f.layout is Layout.CONTENT:
            span = ngettext("%(num)s video as of %(day)s of %(what)s",
                            "%(num)s videos as of %(day)s of %(what)s", len(studio.videos),
                            day=day(f.last), what=what)
        elif f.first and f.last:
            span = ngettext("%(num)s day (%(first)s to %(last)s) of %(what)s",
                            "%(num)s days (%(first)s to %(last)s) of %(what)s",
                            (f.last - f.first).days + 1, first=day(f.first), last=day(f.last),
                            what=what)
        else:
            span = ngettext("%(num)s row of %(what)s", "%(num)s rows of %(what)s", f.rows,
                            what=what)
        files.append({"label": f.layout.value, "name": f.name, "span": span,
                      "notes": punct("; ").join(n for n in notes if n),
                      "repeated": repeated_text(dict(f.repeated))})
    return {"files": files, "snapshots": len(rows),
            "downloaded": studio.downloaded.isoformat(),
            "downloaded_given": studio.downloaded_given, "ignored": studio.ignored[:10],
            # the note on counting years back: only for files whose dates have none
            "yearless": any(f.yearless for f in studio.files),
            "year_back": _year_back_notes(studio),
            "first": rows[0][0].date().isoformat() if rows else None,
            "last": rows[-1][0].date().isoformat() if rows else None}


def _year_back_notes(studio: StudioImport) -> list[str]:
    """One sentence per yearless file whose rows were dated about a year back because its
    last day falls after the download date (:func:`~bot.domain.studio.year_back`)."""
    notes = []
    for f in studio.files:
        if not f.yearless or f.last is None:
            continue
        same_year = year_back(f.last, studio.downloaded)
        if same_year is None:
            continue
        notes.append(_("%(file)s ends on %(last)s, after %(date)s, the download date I counted "
                       "back from, so I dated it a year earlier (to %(dated)s); if you "
                       "downloaded it on or after %(last)s, add %(option)s.",
                       file=kept(f.name), last=day(same_year), date=day(studio.downloaded),
                       dated=day(f.last), option=f"downloaded={same_year.isoformat()}"))
    return notes


def missing_days(studio: StudioImport, first: date | None, last: date | None) -> list[date]:
    """The days from ``first`` to ``last`` on which any of Overview's count series (views,
    likes, comments, shares) has no value ("undefined" or an empty cell), oldest first."""
    if first is None or last is None:
        return []
    series = [studio.daily.get(m, {}) for m in WINDOW_METRICS]
    span = (first + timedelta(days=k) for k in range((last - first).days + 1))
    return [d for d in span if any(d not in s for s in series)]


def _overview_notes(studio: StudioImport, first: date | None, last: date | None,
                    rows: list[tuple[datetime, dict[str, float]]]) -> list[str]:
    """The Overview file's notes: its latest 30-day views (and their day when that is not the
    file's last), and the days with no value, whose 30-day windows are left out."""
    notes: list[str] = []
    with_views = [(t.date(), v["views"]) for t, v in rows if "views" in v]
    gaps = missing_days(studio, first, last)
    if with_views and with_views[-1][0] == last:
        notes.append(_("30-day views now %(views)s", views=count(with_views[-1][1])))
    elif with_views:
        notes.append(_("30-day views %(views)s to %(day)s", views=count(with_views[-1][1]),
                       day=day(with_views[-1][0])))
    elif not gaps:
        notes.append(_("fewer than 30 days: no 30-day totals yet"))
    if gaps:
        shown = [day(d) for d in gaps[:MISSING_SHOWN]]
        if len(gaps) > MISSING_SHOWN:
            shown.append(ngettext("%(num)s more", "%(num)s more", len(gaps) - MISSING_SHOWN))
        notes.append(ngettext(
            "no value on %(num)s day (%(days)s), so each 30-day total that includes it is "
            "left out", "no value on %(num)s days (%(days)s), so each 30-day total that "
            "includes one of them is left out", len(gaps), days=items(shown)))
    return notes


async def held_dates(ctx: CommandContext, zone: tzinfo
                     ) -> tuple[set[date], set[date], set[date]]:
    """The dates the creator already has numbers for: ``(imported, series, logged)``.
    Imported: an imported snapshot of that date (its
    :attr:`~bot.core.ports.SnapshotEntry.import_day`, the day by which an import replaces
    it: :func:`~bot.domain.daily.replaced_on`); series: an imported daily series (profile
    views, viewers) of that date; logged: a /log or TikTok sync on that day, the creator's
    day in their time zone ``zone`` (:func:`entry_day`)."""
    series: set[date] = {d for values in (await ctx.store.daily_series(ctx.user.id)).values()
                         for d in values}
    imported: set[date] = set()
    logged: set[date] = set()
    for e in await ctx.store.entries(ctx.user.id):
        if e.source == "import":
            imported.add(entry_day(e, zone) if e.import_day is None else e.import_day)
        else:
            logged.add(entry_day(e, zone))
    return imported, series, logged


def replaced_dates(studio: StudioImport, rows: list[tuple[datetime, dict[str, float]]],
                   imported: set[date], series: set[date], logged: set[date],
                   zone: tzinfo) -> dict[str, int]:
    """How many of the dates ``studio`` writes already hold numbers of the same kind:
    ``total``, of which ``imported`` (an earlier import's snapshot of a date it writes a
    snapshot of, or an earlier daily series value of a date it writes one of: replaced, and
    /undo of this import brings them back) and ``logged`` only (the /log stays stored; this
    import's row is newer). A file's daily series of a date never replaces a snapshot of it,
    nor a snapshot a daily series value (a new-user trial: a TikTok Studio Overview over the
    creator's own CSV was said to replace the CSV's dates, and replaced nothing). The days
    are the creator's (``zone``), as the store decides which it replaces
    (:func:`~bot.domain.daily.replaced_on`)."""
    snapshot_days = days_of((t for t, _ in rows), zone)
    again = (snapshot_days & imported) | ({d for d, _, _ in studio.extra_daily()} & series)
    only_logged = (snapshot_days & logged) - again
    return {"total": len(again) + len(only_logged), "imported": len(again),
            "logged": len(only_logged)}


async def import_studio(ctx: CommandContext, studio: StudioImport, source: str,
                        confirm: bool, again: str) -> Reply:
    """Preview a TikTok Studio upload, or (``confirm``) store all of it as one import;
    ``again`` is the preview's confirm (:meth:`~bot.core.context.CommandContext.again`)."""
    rows = studio.snapshot_rows()
    view = studio_view(studio, rows)
    zone = (await ctx.store.get_settings(ctx.user.id)).zone
    view["replaces"] = replaced_dates(studio, rows, *await held_dates(ctx, zone), zone)
    if not confirm:
        actions: tuple[Action, ...] = ()
        if ctx.request.platform is Platform.CONSOLE:
            actions = (Action(_("Import"), again, "primary"),)
        return Reply("import_studio_preview", {"plan": view, "source": source,
                                               "flagged": await flagged_rows(ctx, rows),
                                               "console": bool(actions),
                                               "platform": str(ctx.request.platform)},
                     actions=actions)
    written = await ctx.store.import_studio(ctx.user.id, rows, studio, now=ctx.clock.now())
    return Reply("imported_studio", {"plan": view, "rows": written})


def video_view(v: Video, mid: float | None) -> dict[str, Any]:
    er = v.engagement_rate_views
    views, n = counted(v.views or 0)
    return {"title": v.title or _("(no title)"), "link": v.link, "views": compact(v.views),
            # the views with their noun, in the plural form the count as shown takes
            "views_said": ngettext("%(num)s view", "%(num)s views", n,
                                   num=compact(v.views) if v.views is None else views),
            "er": None if er is None else pct(er), "er_implausible": v.engagement_implausible,
            "posted": v.posted_on.isoformat() if v.posted_on else None,
            "breakout": bool(mid and v.views is not None and v.views >= BREAKOUT_MULTIPLE * mid
                             and mid > 0)}


@command(
    "videos",
    summary="Your top videos by views, with engagement, from a TikTok Studio import",
    help=lazy("Lists your most viewed videos (from TikTok Studio's Content file, sent with "
              "/import) with engagement rate by views ((likes + comments + shares) ÷ views) and "
              "flags breakouts: videos with at least %(multiple)s× your median views.",
              multiple=whole(BREAKOUT_MULTIPLE)),
    args=(ArgSpec("top", ArgType.COUNT, "How many videos to list.", "top=10", minimum=1,
                  maximum=50, thousands=False),),
    examples=("/videos", "/videos top=20"),
    personal=True,
    group="your numbers",
)
async def videos(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    stored = await ctx.store.videos(ctx.user.id)
    if not stored:
        return Reply("videos_empty", {"platform": str(ctx.request.platform)})
    mid = median_views(stored)
    shown = top_videos(stored, int(args.get("top") or VIDEOS_SHOWN))
    median, median_n = counted(mid or 0)
    return Reply("videos", {
        "videos": [video_view(v, mid) for v in shown],
        "count": len(stored), "median": compact(mid) if mid is None else median,
        "median_n": median_n,
        "breakouts": len(breakouts(stored)), "multiple": number(BREAKOUT_MULTIPLE),
        "as_of": max(v.as_of for v in stored).isoformat(),
    })
