"""TikTok Studio's "Download data" files, read as they come: layouts, year-less dates, models.

Pure and synchronous: tables of strings in (a header row and the rows under it, as read from a
CSV or an .xlsx sheet by :mod:`bot.core.studio_import`), a :class:`StudioImport` out.

Layout facts (checked on real exports; see ``tests/fixtures/tiktok_studio``):

- Every file is recognised by its header row (:data:`LAYOUTS`); file names vary.
- Dates are a month name and a day **without a year** (``"February 28"``), in the creator's
  interface language (``"8 de marzo"``). Rows are oldest first, so years are inferred from the
  export's last day going backwards (:func:`infer_years`). Month names come from Babel's
  CLDR locale data, never from a hand-made list.
- ``"undefined"`` means TikTok had no value yet: it is read as unknown, not as zero.
- Overview values are one day's numbers, not 30-day totals; daily ``Comments`` can be negative
  (deleted comments outnumbered new ones).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from statistics import median
from typing import Final

from babel.core import UnknownLocaleError
from babel.dates import get_month_names
from babel.numbers import NumberFormatError, parse_decimal

from bot.domain.daily import DateOnly, repeated_days
from bot.domain.fieldnames import fold_width
from bot.domain.metrics import engagement_by_views
from bot.domain.numbers import kept
from bot.domain.refusals import Refusal
from bot.i18n import N_, standalone
from bot.i18n import gettext as _

#: The period the bot's count metrics cover (views, likes, … are 30-day totals).
WINDOW_DAYS: Final = 30

#: A breakout video has at least this many times the creator's median views per video.
BREAKOUT_MULTIPLE: Final = 3.0

#: Interface languages tried for month names after English and the chat's own language, in
#: this order (the first locale that reads every date of a file wins). The names themselves come
#: from Babel (CLDR); this is only the order of languages TikTok's interface offers.
DATE_LOCALES: Final = ("en", "es", "pt", "fr", "de", "it", "nl", "pl", "tr", "ro", "id", "ms",
                       "vi", "sv", "da", "nb", "fi", "cs", "hu", "el", "ru", "uk", "fil")

_UNDEFINED: Final = frozenset({"undefined", ""})


class StudioError(Refusal):
    """A Studio file that cannot be read; the message is one sentence fit to show a creator
    (the file's name and the cells it quotes marked: :class:`~bot.domain.refusals.Refusal`)."""


class Layout(StrEnum):
    OVERVIEW = "Overview"
    FOLLOWER_HISTORY = "FollowerHistory"
    VIEWERS = "Viewers"
    CONTENT = "Content"
    FOLLOWER_ACTIVITY = "FollowerActivity"
    FOLLOWER_GENDER = "FollowerGender"
    FOLLOWER_TERRITORIES = "FollowerTopTerritories"


#: Each file's header row, exactly as TikTok Studio writes it.
LAYOUTS: Final[dict[Layout, tuple[str, ...]]] = {
    Layout.OVERVIEW: ("Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"),
    Layout.FOLLOWER_HISTORY: ("Date", "Followers", "Difference in followers from previous day"),
    Layout.VIEWERS: ("Date", "Total Viewers", "New Viewers", "Returning Viewers"),
    Layout.CONTENT: ("Time", "Video title", "Video link", "Post time", "Total likes",
                     "Total comments", "Total shares", "Total views"),
    Layout.FOLLOWER_ACTIVITY: ("Date", "Hour", "Active followers"),
    Layout.FOLLOWER_GENDER: ("Gender", "Distribution"),
    Layout.FOLLOWER_TERRITORIES: ("Top territories", "Distribution"),
}

#: Daily series kept beside the bot's snapshots (the model has no metric for them).
EXTRA_SERIES: Final = ("profile_views", "total_viewers", "new_viewers", "returning_viewers")


def _key(cell: str) -> str:
    return " ".join(cell.split()).casefold()


_LAYOUT_BY_HEADER: Final = {tuple(_key(c) for c in h): lay for lay, h in LAYOUTS.items()}


def recognise(header: Sequence[str]) -> Layout | None:
    """The layout whose header is exactly ``header`` (case and spacing aside), else ``None``."""
    return _LAYOUT_BY_HEADER.get(tuple(_key(c) for c in header))


def closest_layout(header: Sequence[str]) -> tuple[Layout, list[str]] | None:
    """A layout ``header`` shares at least half its columns with (and its first column), with
    the columns it lacks: for a refusal that says what was recognised."""
    cells = {_key(c) for c in header}
    best: tuple[Layout, list[str]] | None = None
    for layout, columns in LAYOUTS.items():
        keys = [_key(c) for c in columns]
        if not header or _key(header[0]) != keys[0]:
            continue
        missing = [c for c, k in zip(columns, keys, strict=True) if k not in cells]
        if len(missing) * 2 <= len(columns) and (best is None or len(missing) < len(best[1])):
            best = (layout, missing)
    return best


# -- dates ------------------------------------------------------------------------------------

@functools.cache
def _month_names(locale: str) -> dict[str, int]:
    """Month names (wide and abbreviated, both CLDR contexts) in ``locale``, casefolded."""
    out: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for month, name in get_month_names(width, context, locale).items():
                out.setdefault(str(name).casefold().rstrip("."), int(month))
    return out


_WORDS = re.compile(r"[^\W\d_]+")
_DIGITS = re.compile(r"\d+")


def _cell(text: str) -> str:
    """A cell as it is read, a number's or a date's: its width forms folded as chat reads a
    value (:func:`~bot.domain.fieldnames.fold_width`: ``１２３`` is 123, ``Ｎｏｖｅｍｂｅｒ ２８``
    is ``November 28``), stripped. The one fold of every Studio cell read as a value."""
    return fold_width(text).strip()


def _month_day(text: str, locale: str) -> tuple[int, int] | None:
    """``"February 28"`` / ``"8 de marzo"`` -> (month, day) in ``locale``, else ``None``
    (full-width forms read as their ASCII ones: :func:`_cell`)."""
    folded = _cell(text).casefold()
    numbers = _DIGITS.findall(folded)
    if len(numbers) != 1 or not 1 <= int(numbers[0]) <= 31:
        return None
    names = _month_names(locale)
    months = [names[w] for w in _WORDS.findall(folded) if w in names]
    return (months[0], int(numbers[0])) if len(months) == 1 else None


def date_locale(cells: Iterable[str], preferred: str = "en") -> str | None:
    """The first locale (English, ``preferred``, then :data:`DATE_LOCALES`) that reads every
    cell in ``cells`` as a month and a day; ``None`` if none does."""
    distinct = {_cell(c) for c in cells if _cell(c)}
    order = dict.fromkeys(("en", preferred.split("-")[0].split("_")[0].lower(), *DATE_LOCALES))
    for locale in order:
        try:
            if all(_month_day(c, locale) is not None for c in distinct):
                return locale
        except (UnknownLocaleError, ValueError, LookupError, TypeError):  # unknown to Babel
            continue
    return None


def latest_on_or_before(month: int, day: int, bound: date) -> date:
    """The latest date with this month and day at or before ``bound`` (February 29 goes back
    to the last leap year). Raises ``ValueError`` for a day no year has (``April 31``)."""
    for year in range(bound.year, bound.year - 9, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= bound:
            return candidate
    raise ValueError(f"no date {month:02d}-{day:02d}")


def infer_years(keys: Sequence[tuple[int, int]], end: date) -> list[date]:
    """Dates for rows given as (month, day), oldest first, the last at or before ``end``.

    Going backwards from the last row, each row is the latest such date before the row after it
    (equal neighbours are the same day: FollowerActivity has 24 rows a day), so a 365-day export
    crossing New Year gets the right years. Raises ``ValueError`` for an impossible day.
    """
    out: list[date] = [end] * len(keys)
    bound = end
    previous: tuple[int, int] | None = None
    current = end
    for i in range(len(keys) - 1, -1, -1):
        if keys[i] != previous:
            current = latest_on_or_before(*keys[i], bound)
            bound = current - timedelta(days=1)
            previous = keys[i]
        out[i] = current
    return out


#: How far before the download date a yearless file may end before its dating is said to have
#: gone a year back: TikTok Studio's exports end a day or two before the day they are made.
YEAR_BACK_DAYS: Final = 31


def year_back(last: date, downloaded: date) -> date | None:
    """The day a yearless file's ``last`` row would be in ``downloaded``'s year, when
    :func:`infer_years` put it (and so the whole file) about a year back: that day falls
    after ``downloaded`` and ``last`` ends more than :data:`YEAR_BACK_DAYS` days before it
    (a download date given a few days too early, "November 27" downloaded=2026-11-20).
    ``None`` when the dating looks right (or the day has no such date, February 29)."""
    try:
        same_year = last.replace(year=downloaded.year)
    except ValueError:
        return None
    if same_year > downloaded and (downloaded - last).days > YEAR_BACK_DAYS:
        return same_year
    return None


# -- models -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Video:
    """One video's lifetime totals as of ``as_of`` (Content.csv, or a Display API sync).
    ``video_id`` is the number in its link; counts are ``None`` where TikTok wrote "undefined".
    A sync also knows the exact post time (``posted_at``, UTC) and the length in seconds."""

    video_id: str
    title: str
    link: str
    posted_on: date | None
    as_of: date
    views: float | None
    likes: float | None
    comments: float | None
    shares: float | None
    posted_at: datetime | None = None
    duration: float | None = None
    source: str = "import"  # "import" (TikTok Studio) | "sync" (Display API)

    @property
    def engagement_rate_views(self) -> float | None:
        """(likes + comments + shares) ÷ views, the standard engagement rate by views."""
        if not self.views or self.likes is None:
            return None
        return engagement_by_views(self.likes + (self.comments or 0) + (self.shares or 0),
                                   self.views)

    @property
    def engagement_implausible(self) -> bool:
        """Likes + comments + shares above views: the rate is shown as unknown."""
        return bool(self.views and self.likes is not None
                    and self.engagement_rate_views is None)


@dataclass(frozen=True, slots=True)
class Audience:
    """Shares of followers (0–1) by territory (ISO code or ``Others``) and by gender, and
    active followers by (day, hour of day) from FollowerActivity."""

    territories: tuple[tuple[str, float], ...] = ()
    genders: tuple[tuple[str, float], ...] = ()
    activity: tuple[tuple[date, int, float], ...] = ()


@dataclass(frozen=True, slots=True)
class FileSummary:
    """What one file in an import holds, for the preview."""

    layout: Layout
    name: str
    rows: int
    first: date | None
    last: date | None
    adds: tuple[str, ...]
    #: Its dates are a month and a day with no year, counted back from the download date
    #: (:func:`infer_years`); False for a file with no dates (territories, genders).
    yearless: bool = False
    #: Each date on more than one of its rows, with its number of rows (the last row is
    #: kept, as in the bot's own CSV: :func:`~bot.domain.daily.repeated_days`).
    repeated: tuple[tuple[date, int], ...] = ()


@dataclass
class StudioImport:
    """Everything read from one upload (a file, or a zip of several).

    ``daily`` maps a series name (``views``, ``likes``, ``comments``, ``shares``,
    ``followers`` and :data:`EXTRA_SERIES`) to its values by day. ``downloaded`` is the export's
    last possible day; ``downloaded_given`` says whether the creator named it or it was today.
    """

    downloaded: date
    downloaded_given: bool
    files: list[FileSummary] = field(default_factory=list)
    daily: dict[str, dict[date, float]] = field(default_factory=dict)
    videos: list[Video] = field(default_factory=list)
    territories: list[tuple[str, float]] = field(default_factory=list)
    genders: list[tuple[str, float]] = field(default_factory=list)
    activity: list[tuple[date, int, float]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def snapshot_rows(self) -> list[tuple[datetime, dict[str, float]]]:
        """Dated partial snapshots in the bot's model, oldest first, each dated by day alone
        (:class:`~bot.domain.daily.DateOnly`: noon UTC of its day).

        A day's ``views``, ``likes``, ``comments`` and ``shares`` are the sums of that day and
        the 29 before it, only where all 30 days are known (a negative sum of daily comments is
        kept at 0); ``followers`` is FollowerHistory's running total that day.
        """
        out: dict[date, dict[str, float]] = {}
        for metric in ("views", "likes", "comments", "shares"):
            series = self.daily.get(metric)
            if not series:
                continue
            for day, total in window_totals(series).items():
                out.setdefault(day, {})[metric] = max(0.0, total)
        for day, value in self.daily.get("followers", {}).items():
            out.setdefault(day, {})["followers"] = value
        return [(DateOnly.of(day), values)
                for day, values in sorted(out.items())]

    def audience(self) -> Audience:
        return Audience(tuple(self.territories), tuple(self.genders), tuple(self.activity))

    def extra_daily(self) -> list[tuple[date, str, float]]:
        """(day, series, value) for the series the snapshot model has no column for."""
        return [(day, name, value) for name in EXTRA_SERIES
                for day, value in sorted(self.daily.get(name, {}).items())]


def window_totals(series: dict[date, float], days: int = WINDOW_DAYS) -> dict[date, float]:
    """For each day that ends ``days`` consecutive known days: the sum over them."""
    out: dict[date, float] = {}
    for day in sorted(series):
        span = [day - timedelta(days=k) for k in range(days)]
        if all(d in series for d in span):
            out[day] = sum(series[d] for d in span)
    return out


# -- reading ----------------------------------------------------------------------------------

def _line(name: str, line: int) -> str:
    """Where a cell is, for an error sentence: "Overview.csv line 4"."""
    return _("%(name)s line %(line)s", name=kept(name), line=line)


#: What a Studio number cell may hold before Babel reads it: ASCII digits with an optional
#: sign, commas and a point (no exponent, no other script's digits, no "NaN").
_NUMERAL: Final = re.compile(r"[+-]?[0-9][0-9,.]*", re.ASCII)


def _number(cell: str, *, where: str, column: str, negative: bool = False,
            whole: bool = True) -> float | None:
    """A cell as a number; "undefined" or empty is unknown (``None``).

    Read with Babel's strict English number parser (TikTok Studio writes English numerals in
    every interface language): a comma only as a thousands separator in a valid grouping
    (``24,790``), a point only as the decimal mark. ``whole`` (counts: views, likes, followers,
    …) refuses any fraction (``1.234``, ``24790.5``); ``24790,5`` is refused as ambiguous.
    Raises :class:`StudioError` naming the cell; never guesses.
    """
    text = _cell(cell)  # (１２３ as chat reads it: 123)
    if text.casefold() in _UNDEFINED:
        return None
    shown = dict(where=standalone(where), column=column, text=kept(text[:40]))
    if _NUMERAL.fullmatch(text) is None:
        raise StudioError(_("%(where)s: %(column)s: '%(text)s' is not a number.", **shown))
    try:
        parsed = parse_decimal(text, locale="en", strict=True)
    except NumberFormatError:
        raise StudioError(_("%(where)s: %(column)s: '%(text)s' is not a number I can read "
                            "without guessing (commas only between groups of three digits, "
                            "as in 24,790).", **shown)) from None
    if whole and parsed != parsed.to_integral_value():
        raise StudioError(_("%(where)s: %(column)s: '%(text)s' is not a whole number, and "
                            "counts in TikTok Studio files are whole numbers.", **shown))
    value = float(parsed)
    if value != value or value in (float("inf"), float("-inf")) or abs(value) > 1e12:
        raise StudioError(_("%(where)s: %(column)s: '%(text)s' is out of range.", **shown))
    if value < 0 and not negative:
        raise StudioError(_("%(where)s: %(column)s is negative (%(text)s).", **shown))
    return value


def _dates(cells: Sequence[str], end: date, locale: str, what: str) -> list[date]:
    found = date_locale(cells, locale)
    if found is None:
        first = date_locale(cells[:1], locale)
        bad = next((c for c in cells if first is None or _month_day(c, first) is None), cells[0])
        if first is None:
            raise StudioError(_("%(what)s: '%(text)s' is not a month and a day I can read.",
                                what=what, text=kept(bad.strip()[:40])))
        raise StudioError(_("%(what)s: '%(text)s' is not a month and a day I can read in the "
                            "language of the other dates.", what=what,
                            text=kept(bad.strip()[:40])))
    keys = [_month_day(c, found) for c in cells]
    try:
        return infer_years([k for k in keys if k is not None], end)
    except ValueError:
        raise StudioError(_("%(what)s: a date that no year has (such as April 31).",
                            what=what)) from None


_VIDEO_ID = re.compile(r"/video/(\d{1,30})")

#: Daily series each file adds, in the bot's words: (column index, series, negatives allowed).
_DAILY: Final[dict[Layout, tuple[tuple[int, str, bool], ...]]] = {
    Layout.OVERVIEW: ((1, "views", False), (2, "profile_views", False), (3, "likes", False),
                      (4, "comments", True), (5, "shares", False)),
    Layout.FOLLOWER_HISTORY: ((1, "followers", False),),
    Layout.VIEWERS: ((1, "total_viewers", False), (2, "new_viewers", False),
                     (3, "returning_viewers", False)),
}

_ADDS: Final[dict[Layout, tuple[str, ...]]] = {
    Layout.OVERVIEW: (N_("views"), N_("likes"), N_("comments"), N_("shares"),
                      N_("profile views")),
    Layout.FOLLOWER_HISTORY: (N_("followers"),),
    Layout.VIEWERS: (N_("total, new and returning viewers"),),
    Layout.CONTENT: (N_("views, likes, comments and shares per video"),),
    Layout.FOLLOWER_ACTIVITY: (N_("followers' active hours"),),
    Layout.FOLLOWER_GENDER: (N_("followers by gender"),),
    Layout.FOLLOWER_TERRITORIES: (N_("followers by territory"),),
}


def read_table(into: StudioImport, layout: Layout, name: str, body: Sequence[Sequence[str]],
               *, locale: str = "en") -> None:
    """Add one file's rows (``body``: the rows under the header, line 2 on) to ``into``.

    Raises :class:`StudioError` (one sentence, with the line) for anything unreadable; then
    nothing of this upload should be stored.
    """
    width = len(LAYOUTS[layout])
    rows = [list(r) for r in body if any(c.strip() for c in r)]
    for line, row in enumerate(rows, start=2):
        if len(row) != width:
            raise StudioError(_("%(name)s line %(line)s: %(cells)s cells for %(width)s columns.",
                                name=kept(name), line=line, cells=len(row), width=width))
    if not rows:
        raise StudioError(_("%(name)s has a header but no rows.", name=kept(name)))
    what = f"{name}"
    first: date | None = None
    last: date | None = None
    counted: list[date] = []  # the dates read without a year (:func:`_dates`), if any
    repeated: tuple[tuple[date, int], ...] = ()

    def dates(cells: list[str]) -> list[date]:
        counted.extend(found := _dates(cells, into.downloaded, locale, what))
        return found

    if layout in _DAILY:
        days = dates([r[0] for r in rows])
        for index, series, negative in _DAILY[layout]:
            column = LAYOUTS[layout][index]
            values = into.daily.setdefault(series, {})
            for line, (day, row) in enumerate(zip(days, rows, strict=True), start=2):
                value = _number(row[index], where=_line(name, line), column=column,
                                negative=negative)
                if value is not None:
                    values[day] = value  # a later row for the same day wins
        first, last = days[0], days[-1]
        repeated = tuple(repeated_days(days).items())
    elif layout is Layout.CONTENT:
        exported = dates([r[0] for r in rows])
        as_of = max(exported)
        posted_cells = [r[3] for r in rows if _cell(r[3]).casefold() not in _UNDEFINED]
        posted_locale = date_locale(posted_cells, locale)
        if posted_locale is None:
            raise StudioError(_("%(name)s: a Post time is not a month and a day I can read.",
                                name=kept(name)))
        posted_keys = [_month_day(r[3], posted_locale) for r in rows]
        # One row per video: a video listed twice (two different counts for it) refuses the
        # upload, so the preview never counts a row the store would overwrite.
        seen = {v.video_id: None for v in into.videos}
        lines: dict[str, int] = {}
        for line, (row, key) in enumerate(zip(rows, posted_keys, strict=True), start=2):
            match = _VIDEO_ID.search(row[2])
            if match is None:
                raise StudioError(_("%(name)s line %(line)s: the video link has no video id.",
                                    name=kept(name), line=line))
            video_id = match.group(1)
            if video_id in seen or video_id in lines:
                if video_id in lines:
                    raise StudioError(_(
                        "%(file)s line %(line)s: video %(video)s is listed twice (also line "
                        "%(earlier)s); keep one row per video and send the file again.",
                        file=name, line=line, video=video_id, earlier=lines[video_id]))
                raise StudioError(_(
                    "%(file)s line %(line)s: video %(video)s is listed twice; keep one row per "
                    "video and send the file again.", file=name, line=line, video=video_id))
            lines[video_id] = line
            posted = None
            if key is not None:
                try:
                    posted = latest_on_or_before(*key, as_of)
                except ValueError:
                    posted = None
            counts = [_number(row[i], where=_line(name, line), column=LAYOUTS[layout][i])
                      for i in range(4, 8)]
            into.videos.append(Video(match.group(1), row[1].strip()[:300], row[2].strip()[:500],
                                     posted, as_of, views=counts[3], likes=counts[0],
                                     comments=counts[1], shares=counts[2]))
        posted_days = [v.posted_on for v in into.videos if v.posted_on is not None]
        first, last = (min(posted_days) if posted_days else None), as_of
    elif layout is Layout.FOLLOWER_ACTIVITY:
        days = dates([r[0] for r in rows])
        for line, (day, row) in enumerate(zip(days, rows, strict=True), start=2):
            hour = _number(row[1], where=_line(name, line), column="Hour")
            if hour is None or hour != int(hour) or not 0 <= hour <= 23:
                raise StudioError(_("%(name)s line %(line)s: Hour must be 0 to 23.",
                                    name=kept(name), line=line))
            active = _number(row[2], where=_line(name, line), column="Active followers")
            if active is not None:
                into.activity.append((day, int(hour), active))
        first, last = days[0], days[-1]
    else:
        target = into.genders if layout is Layout.FOLLOWER_GENDER else into.territories
        for line, row in enumerate(rows, start=2):
            share = _number(row[1], where=_line(name, line), column="Distribution",
                            whole=False)
            if share is not None and share > 1:
                raise StudioError(_("%(name)s line %(line)s: Distribution must be between 0 "
                                    "and 1.", name=kept(name), line=line))
            if share is not None and row[0].strip():
                target.append((row[0].strip()[:40], share))
    into.files.append(FileSummary(layout, name, len(rows), first, last, _ADDS[layout],
                                  yearless=bool(counted), repeated=repeated))


# -- what the numbers say ---------------------------------------------------------------------

def median_views(videos: Sequence[Video]) -> float | None:
    """Median lifetime views per video, over videos whose views are known."""
    views = [v.views for v in videos if v.views is not None]
    return median(views) if views else None


def breakouts(videos: Sequence[Video]) -> list[Video]:
    """Videos with at least :data:`BREAKOUT_MULTIPLE` × the median views (needs 3+ videos)."""
    mid = median_views(videos)
    if mid is None or mid <= 0 or len(videos) < 3:
        return []
    return [v for v in videos if v.views is not None and v.views >= BREAKOUT_MULTIPLE * mid]


def top_videos(videos: Sequence[Video], limit: int = 10) -> list[Video]:
    """Videos by lifetime views, most first (unknown views last)."""
    return sorted(videos, key=lambda v: -(v.views or -1.0))[:limit]


def best_hours(activity: Sequence[tuple[date, int, float]],
               width: int = 3) -> tuple[int, int] | None:
    """The ``width`` consecutive hours (wrapping past midnight) with the most active followers
    on average over the days given, as (first hour, last hour); ``None`` without data."""
    by_hour: dict[int, list[float]] = {}
    for _day, hour, active in activity:
        by_hour.setdefault(hour, []).append(active)
    if len(by_hour) < width:
        return None
    mean = {h: sum(v) / len(v) for h, v in by_hour.items()}
    start = max(range(24), key=lambda h: (sum(mean.get((h + k) % 24, 0.0) for k in range(width)),
                                          -h))
    return start, (start + width - 1) % 24


def top_weekday(videos: Sequence[Video], top: int = 5) -> tuple[int, float] | None:
    """The weekday (Monday = 0) most of the ``top`` best videos were posted on, with the share
    of them posted that day; ``None`` with fewer than ``top`` dated videos."""
    dated = [v for v in top_videos([v for v in videos if v.posted_on is not None], top)]
    if len(dated) < top:
        return None
    counts: dict[int, int] = {}
    for v in dated:
        assert v.posted_on is not None
        counts[v.posted_on.weekday()] = counts.get(v.posted_on.weekday(), 0) + 1
    weekday = max(counts, key=lambda d: (counts[d], -d))
    return weekday, counts[weekday] / len(dated)


@dataclass(frozen=True, slots=True)
class Reach:
    """Profile views and viewers over the last :data:`WINDOW_DAYS` days TikTok Studio gave
    (Overview's ``Profile Views``, Viewers' total/new/returning), ending on ``last``.

    ``days`` is how many of those days are known. ``profile_views`` is their sum; viewers are
    a per-day average (``viewers_a_day``: one person on two days counts twice in a sum, so a
    sum would not be people) with the new and returning shares of the total (0–1)."""

    last: date
    days: int
    profile_views: float | None
    viewers_a_day: float | None
    new_share: float | None
    returning_share: float | None


def reach(series: dict[str, dict[date, float]], days: int = WINDOW_DAYS) -> Reach | None:
    """:class:`Reach` from the stored daily series (``{"profile_views": {day: value}, …}``,
    :data:`EXTRA_SERIES`), over the ``days`` days ending on the latest day any of them has;
    ``None`` without any."""
    known = [d for name in EXTRA_SERIES for d in series.get(name, {})]
    if not known:
        return None
    last = max(known)
    window = {last - timedelta(days=k) for k in range(days)}

    def values(name: str) -> list[float]:
        return [v for d, v in series.get(name, {}).items() if d in window]

    profile = values("profile_views")
    total = values("total_viewers")
    new, returning = sum(values("new_viewers")), sum(values("returning_viewers"))
    counted = {d for name in EXTRA_SERIES for d in series.get(name, {}) if d in window}
    both = new + returning
    return Reach(last=last, days=len(counted),
                 profile_views=sum(profile) if profile else None,
                 viewers_a_day=sum(total) / len(total) if total else None,
                 new_share=new / both if both > 0 else None,
                 returning_share=returning / both if both > 0 else None)
