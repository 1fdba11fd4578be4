"""Read a CSV of dated metrics into snapshots: every bad row reported by line, nothing partial.

Format: a header row with ``date`` and any metric names (or their aliases), then one row per
date. Dates are ``YYYY-MM-DD`` (or ISO date-times). Values are read by the same parser as chat
commands, so ``12k``, ``12,000`` and ``4.5%`` work. Empty cells mean "not known that day".
Duplicate dates: the later row in the file wins (the preview names each, with its rows).
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import functools
import gc
import io
import itertools
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import cast

from babel.dates import ParseError, format_date, get_date_format
from babel.dates import parse_date as parse_local_date

from bot import i18n
from bot.core.args import ArgError, closest_name, decimal_comma, did_you_mean, parse_number
from bot.core.fieldnames import column_names, field_name
from bot.core.registry import ArgSpec, ArgType, metric_args
from bot.domain.daily import (
    DATED_AT,
    DailyColumns,
    DateOnly,
    DaysOutOfOrder,
    WallTime,
    canonical_days,
    dated_by_day,
    iso_date,
    local_moment,
    repeated_days,
    row_moments,
    row_order,
    snapshot_day,
    week_alone,
)
from bot.domain.fieldnames import fold_width
from bot.domain.numbers import grouped, items, kept, stamp
from bot.domain.numbers import locale as number_locale
from bot.domain.refusals import Refusal
from bot.i18n import gettext as _
from bot.i18n import ngettext, standalone

MAX_ROWS = 5_000
MAX_BYTES = 2_000_000
MAX_ERRORS = 20
#: No value or date is longer; a longer cell is reported by a short prefix, never parsed.
MAX_CELL = 40
#: Column names listed in a message at most.
MAX_LISTED = 8


def quote(cell: str, limit: int = 20) -> str:
    """A cell as a message shows it: quoted, at most ``limit`` characters and an ellipsis."""
    text = cell.strip()
    return f"'{text}'" if len(text) <= limit else f"'{text[:limit]}…'"


def listed(names: Sequence[str]) -> str:
    """Names for a message: each quoted short, at most :data:`MAX_LISTED`, then "and N more"."""
    each = [kept(n if len(n) <= 20 else f"{n[:20]}…") if n else _("(blank)")
            for n in names[:MAX_LISTED]]
    return cut_list(each, len(names))


def cut_list(each: Sequence[str], total: int) -> str:
    """The one rule for a refusal's list of the creator's names (columns, files) cut short:
    ``each``, the first names as shown, of ``total``; all of them as a list ("a, b and c"),
    or, when some are left out, the shown ones then "and N more", so a cut list never reads
    as the whole of it."""
    if total <= len(each):
        return items(each)
    # the last item of the list, standing alone there (never a part of a sentence)
    more = standalone(ngettext("%(num)s other", "%(num)s others", total - len(each)))
    return items([*each, more])


#: The earliest date a row may have: TikTok Studio's analytics don't go back further, and
#: earlier dates are typos (2106 for 2016, a day-month swap).
EARLIEST = datetime(2016, 1, 1, tzinfo=UTC)


def before_earliest(day: date) -> str:
    """The one sentence for a date before :data:`EARLIEST` (a row's, or a Studio export's
    ``downloaded=``): ``"1999-12-31 is before 2016-01-01, earlier than any TikTok analytics;
    check the year"``."""
    return _("%(date)s is before %(earliest)s, earlier than any TikTok analytics; check the "
             "year", date=day, earliest=EARLIEST.date())


class ImportError_(Refusal):
    """The whole file is unusable (encoding, empty, no date column); the sentence marks the
    file's name and cells it quotes (:class:`~bot.domain.refusals.Refusal`)."""


@dataclass
class ImportPlan:
    #: In date order; a clean file's are :class:`DailyColumns` (reads as the same list).
    rows: Sequence[tuple[datetime, dict[str, float]]] = field(default_factory=list)
    #: One sentence per bad row, the cells it quotes marked (:func:`~bot.domain.numbers.kept`).
    errors: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    #: Each date on more than one row, with its number of rows (:func:`repeated_days`); a row
    #: with a time of day is counted by its moment (a ``datetime`` key): only a time repeated
    #: is merged, several times of a day are each kept.
    repeated: dict[date, int] = field(default_factory=dict)
    #: The file's rows read (blank lines and bad rows aside): more than :attr:`rows` when a
    #: date or time is repeated.
    read: int = 0
    #: The creator's time zone: which day a row with a time of day belongs to
    #: (:func:`~bot.domain.daily.snapshot_day`); the rows themselves stay in UTC.
    zone: tzinfo = UTC

    @property
    def duplicates(self) -> int:
        """How many dates appear on more than one row (each counted once)."""
        return len(self.repeated)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def day_span(self) -> tuple[int, date | None, date | None]:
        """How many days the rows cover (fewer than the rows when a day has several: rows
        with a time of day, each stored as a snapshot of its own), and the earliest and
        latest of them (None without rows): each row's day as
        :func:`~bot.domain.daily.snapshot_day` decides it in :attr:`zone`, worked out once."""
        if isinstance(self.rows, DailyColumns):  # one row a day, dated by day alone
            bounds = self.rows.bounds()
            if bounds is None:
                return 0, None, None
            return len(self.rows), bounds[0].date(), bounds[1].date()
        days = {snapshot_day(moment, self.zone) for moment in row_moments(self.rows)}
        return len(days), min(days, default=None), max(days, default=None)

    @property
    def first(self) -> datetime | None:
        return self.rows[0][0] if self.rows else None

    @property
    def last(self) -> datetime | None:
        return self.rows[-1][0] if self.rows else None


@functools.cache
def _specs() -> dict[str, ArgSpec]:
    """Metric arguments by name and alias (built once; read-only)."""
    out: dict[str, ArgSpec] = {}
    for spec in metric_args(first_positional=False):
        out[spec.name] = spec
        for alias in spec.aliases:
            out.setdefault(alias, spec)
    return out


def shown_column(key: str) -> str:
    """A column as messages name it: the own column's name in the current language (``views``
    -> ``Aufrufe``), the key itself for anything else (an alias as typed)."""
    return field_name(key)


def header_example(columns: Sequence[str] = ("date", "followers", "views", "likes")) -> str:
    """The first row of a CSV in the current language: ``date,followers,views,likes``, or with
    a decimal-comma language ``Datum;Follower;Aufrufe;Likes`` (``;`` so ``12,5`` stays one
    cell)."""
    names = column_names()
    return (";" if decimal_comma() else ",").join(names[c] for c in columns)


#: The date every example shows: its day is over 12, so the example itself tells whether the
#: day or the month comes first.
_EXAMPLE_DAY = date(2026, 3, 25)


def date_example() -> str:
    """How a CSV's dates are written, as a creator reads it: ``YYYY-MM-DD`` in English, else
    one date in the language's short form with the whole year (German ``25.03.2026``, Spanish
    ``25/3/2026``, Japanese ``2026/03/25``; CLDR's short date pattern through Babel), which
    the import reads (:func:`sample_date`)."""
    if i18n.current() == i18n.SOURCE:
        return "YYYY-MM-DD"
    return sample_date()


def sample_date() -> str:
    """One date (2026-03-25) written as the import reads it in the current language:
    ``2026-03-25`` in English, the short form of :func:`date_example` elsewhere."""
    if i18n.current() == i18n.SOURCE:
        return _EXAMPLE_DAY.isoformat()
    pattern = re.sub("y+", "yyyy", str(get_date_format("short", locale=number_locale()).pattern))
    return format_date(_EXAMPLE_DAY, pattern, locale=number_locale())


def column_key(header_cell: str) -> str:
    """A header cell as the bot's own CSV names columns: ``Avg Views`` -> ``avg_views``, and in
    the creator's language: German ``Datum`` -> ``date``, ``Aufrufe`` -> ``views``."""
    cell = header_cell.strip()
    if i18n.current() != i18n.SOURCE:
        local = {name.casefold(): key for key, name in column_names().items()}
        if cell.casefold() in local:
            return local[cell.casefold()]
    return cell.lower().replace(" ", "_").replace("-", "_")


def is_own_column(header_cell: str) -> bool:
    """Whether ``header_cell`` names a column of the bot's own CSV (``date``, a metric or one
    of its aliases)."""
    key = column_key(header_cell)
    return key == "date" or key in _specs()


#: A row dated by day alone is taken at noon UTC (here and in the column-wise fast path, which
#: parses ``YYYY-MM-DD`` + this suffix in one call).
_NOON_UTC = DATED_AT
_NOON_SUFFIX = "T" + _NOON_UTC.isoformat()


def repeat_key(moment: datetime) -> date:
    """How :attr:`ImportPlan.repeated` names a row's moment: a row dated by day alone
    (:class:`~bot.domain.daily.DateOnly`) by its date, as the fast path does; a row with a
    time of day by the moment itself."""
    return moment.date() if dated_by_day(moment) else moment


#: A date with slashes and the year last (``11/10/2026``): day/month or month/day, depending
#: on who wrote it, whatever language the creator speaks.
_SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")


def slash_order(cells: Sequence[str]) -> str | None:
    """How a file writes its slash dates (:data:`_SLASH_DATE`): ``"dmy"`` when some date's first
    number is over 12 (``25/10/2026``), ``"mdy"`` when some second number is (``10/25/2026``),
    ``None`` when it has none; a file that doesn't tell takes the order of the creator's language
    when that language writes its own dates with slashes (:func:`_own_slash_order`).

    Raises :class:`ImportError_` with one sentence when the file doesn't tell (``11/10/2026``
    only) or contradicts itself (``25/10/2026`` and ``10/25/2026``)."""
    found = [m for m in (_SLASH_DATE.fullmatch(c.strip()) for c in cells) if m]
    if not found:
        return None
    day_first = next((m[0] for m in found if int(m[1]) > 12), None)
    month_first = next((m[0] for m in found if int(m[2]) > 12), None)
    if day_first and month_first:
        raise ImportError_(_("The dates %(one)s and %(other)s put the day and the month in "
                             "different orders; write every date as YYYY-MM-DD and send the "
                             "file again.", one=kept(quote(day_first)),
                             other=kept(quote(month_first))))
    if day_first:
        return "dmy"
    if month_first:
        return "mdy"
    if all(m[1] == m[2] for m in found):
        return "dmy"  # 05/05/2026 reads the same either way
    own = _own_slash_order()
    if own is not None:
        return own  # the creator's language writes its dates with slashes in this order
    shown = next(m for m in found if m[1] != m[2])
    first, second, year = int(shown[1]), int(shown[2]), shown[3]
    raise ImportError_(_("Is %(text)s day/month or month/day? Nothing in the file tells, so "
                         "write the dates as YYYY-MM-DD (%(one)s or %(other)s) and send the "
                         "file again.", text=kept(quote(shown[0])),
                         one=f"{_year(year)}-{second:02d}-{first:02d}",
                         other=f"{_year(year)}-{first:02d}-{second:02d}"))


def _own_slash_order() -> str | None:
    """The day/month order of the current language's own short date when it is written with
    slashes (es, fr, pt_BR: ``dd/MM/y`` → ``"dmy"``), else None. English is left out: its users
    write both orders (US ``M/d``, UK ``d/M``), so an English file that doesn't tell is asked
    about. Source: CLDR's short date pattern through Babel."""
    language = i18n.current()
    if language == i18n.SOURCE:
        return None
    pattern = get_date_format("short", locale=number_locale()).pattern
    if "/" not in pattern or not pattern.endswith("y") or "d" not in pattern or "M" not in pattern:
        return None  # ja writes y/MM/dd: a file's dd/dd/yyyy is not its own form
    return "dmy" if pattern.index("d") < pattern.index("M") else "mdy"


def _year(text: str) -> str:
    return text if len(text) == 4 else f"20{text}"


def _parse_date(text: str, order: str | None = None, zone: tzinfo = UTC) -> datetime:
    """One date cell: a date alone as :class:`~bot.domain.daily.DateOnly` (noon UTC, dated by
    day), in any of ISO 8601's forms of a date (``2026-11-13``, ``20261113``,
    ``2026-W46-5``: whatever :meth:`date.fromisoformat` reads is a date, never a time of
    midnight); a date with a time of day as that moment in UTC: a time without an offset is
    the creator's (in ``zone``, their /settings time zone, as a /log's time is; marked
    :class:`~bot.domain.daily.WallTime`), one with an offset or ``Z`` as written; ``order``
    is the file's :func:`slash_order`."""
    t = text.strip()
    if (monday := week_alone(t)) is not None:  # 2026-W46: seven days, not its Monday
        raise Refusal(_("%(text)s is a week, not a date; write the day, e.g. %(weekday)s or "
                        "%(date)s for its Monday.", text=kept(quote(t)),
                        weekday=f"{t[:4]}-W{monday.isocalendar().week:02d}-1",
                        date=monday.isoformat()))
    try:
        if len(t) == 10 and t[4] == "-":
            return DateOnly.of(date.fromisoformat(t))
        if (alone := _iso_date(t)) is not None:  # 20261113, 2026-W46-5: a date all the same
            return DateOnly.of(alone)
        if order is not None and (m := _SLASH_DATE.fullmatch(t)):
            d, mo = (int(m[1]), int(m[2])) if order == "dmy" else (int(m[2]), int(m[1]))
            return DateOnly.of(date(int(_year(m[3])), mo, d))
        if i18n.current() != i18n.SOURCE and re.fullmatch(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}", t):
            # The creator's language's own order: German 09.11.2026, French 09/11/2026.
            return DateOnly.of(parse_local_date(t, locale=number_locale()))
        moment = datetime.fromisoformat(t)
        if moment.tzinfo is None:  # the creator's wall time: refused in a gap or an overlap
            return WallTime.of(local_moment(moment, zone))
        return moment.astimezone(UTC)
    except Refusal:
        raise
    except (ValueError, IndexError, ParseError):
        raise Refusal(_("%(text)s is not a date; write it like %(example)s.",
                        text=kept(quote(t)), example=sample_date())) from None
    except OverflowError:  # 0001-01-01T00:00+05:00 is before year 1 in UTC
        raise Refusal(_("%(text)s is out of the range of dates I can store.",
                        text=kept(quote(t)))) from None


def _iso_date(text: str) -> date | None:
    """``text`` as an ISO 8601 date alone (``2026-11-13``, the basic ``20261113``, a week
    date ``2026-W46-5``: :func:`~bot.domain.daily.iso_date`), or None when it is not one (a
    time of day with it, no date, or a week without its day)."""
    try:
        return iso_date(text)
    except ValueError:
        return None


def read_file(path: Path) -> bytes:
    """A CSV file's bytes from the local disk (the console's ``/import path=…``): a regular
    file only (never a device such as /dev/zero, nor a FIFO, whose reader would wait
    forever) and at most :data:`MAX_BYTES`. Blocking: call it in a worker thread.

    Raises :class:`ImportError_` for a file that is not a regular file or too large, and
    :class:`OSError` when it can't be opened or read."""
    # O_NONBLOCK: opening a FIFO with no writer returns at once instead of hanging.
    fd = os.open(path.expanduser(), os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ImportError_(_("%(path)s is not a regular file; give the path of a CSV file.",
                                 path=kept(quote(str(path), 60))))
        if info.st_size > MAX_BYTES:
            raise ImportError_(too_large())
        data = file.read(MAX_BYTES + 1)  # the size may change while we read
    if len(data) > MAX_BYTES:
        raise ImportError_(too_large())
    return data


def too_large(limit: int = MAX_BYTES) -> str:
    """The one sentence for a file over ``limit`` bytes."""
    return _("The file is too large (over %(size)s MB).", size=limit // 1_000_000)


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportError_(too_large())
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportError_(_("The file is UTF-16; save it as CSV UTF-8 and try again."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportError_(
            _("The file is not UTF-8 text (byte %(byte)s); save it as CSV UTF-8.",
              byte=exc.start + 1)
        ) from None
    if "\x00" in text:
        raise ImportError_(_("The file is not a text CSV file: send a TikTok Studio download "
                             "as it came, or save your sheet as CSV UTF-8."))
    return text


def csv_rows(text: str, *, max_rows: int | None = None) -> list[list[str]]:
    """The rows of a CSV text, the one way every importer reads CSV.

    The header names the columns (no separators inside names), so the separator used there is
    the file's: comma, semicolon (spreadsheets in many locales) or tab. Quoting is the standard
    one spreadsheets write. Lines may end in \\n, \\r\\n or a lone \\r (an old "CSV
    (Macintosh)" export): ``newline=""`` lets the csv module take all three, and line breaks
    inside quoted cells.

    Raises :class:`ImportError_` with one sentence naming the line (never quoting the cell)
    for a cell over the csv module's limit (131,072 characters) or broken quoting, and for
    more than ``max_rows`` rows."""
    first_line = _LINE_END.split(text.lstrip(), maxsplit=1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    try:  # read in C, with no Python statement per row
        rows = list(reader if max_rows is None else itertools.islice(reader, max_rows + 1))
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise ImportError_(_("Line %(line)s: a cell is far too long for a metrics file; is "
                                 "this the right file?", line=reader.line_num)) from None
        raise ImportError_(_("Line %(line)s: the quoting is broken (an opening \" without its "
                             "closing one); is this the right file?",
                             line=reader.line_num)) from None
    if max_rows is not None and len(rows) > max_rows:
        raise ImportError_(_("The file has more than %(rows)s rows.", rows=grouped(max_rows - 1)))
    return rows


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """CPython's cycle collector paused for the block (when it runs; on again after it).

    It starts a collection once 700 more containers are allocated than freed, and a file's
    rows are a list each (the csv module's), freed again before the parse returns: a year of
    rows started one in the middle of the parse, walking the young objects of everything
    else (0.1 ms of a 365-row import). Nothing a parse builds refers back to itself, so
    there is nothing for the collector to find there; paused, the rows come and go without
    counting. Process-wide for that while: another thread's collection waits too."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def parse_csv(data: bytes, *, now: datetime, today: date | None = None,
              zone: tzinfo = UTC) -> ImportPlan:
    """Parse ``data``; raises :class:`ImportError_` for an unusable file, else reports rows.

    ``zone`` is the creator's time zone (their /settings timezone): a time of day written
    without an offset is theirs, and it decides each row's day (:attr:`ImportPlan.zone`).
    ``today`` is the creator's date (default: ``now``'s in ``zone``): a row dated after it,
    a row with a time after ``now``, or before :data:`EARLIEST`, is a bad row.
    """
    with _collector_paused():
        return _parsed(data, now=now, today=today or now.astimezone(zone).date(), zone=zone)


def _parsed(data: bytes, *, now: datetime, today: date, zone: tzinfo) -> ImportPlan:
    """:func:`parse_csv`'s work."""
    text = decode(data)
    if not text or text.isspace():
        raise ImportError_(_("The file is empty: send a TikTok Studio download, or a CSV "
                             "with a header line such as date,followers,views and a row a "
                             "day."))
    rows = csv_rows(text)
    if not text.isascii():
        # every cell read as chat reads a value: full-width forms as the ASCII ones (１２ｋ,
        # ２０２６－１１－２９; fold_width, the one fold of args.parse_args); this file holds
        # dates and numbers only, no free text to keep as typed
        rows = [[fold_width(cell) for cell in row] for row in rows]
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    names = [column_key(h) for h in header]
    if "date" not in names:
        raise ImportError_(_("The first row must name the columns, with a '%(date)s' column, "
                             "e.g. %(example)s", date=shown_column("date"),
                             example=header_example(("date", "followers", "views"))))
    specs = _specs()
    unknown = [h.strip() for h, n in zip(header, names, strict=True)
               if n != "date" and n not in specs]
    if unknown:
        metrics = [s for s in specs if s == specs[s].name]
        known = items(shown_column(m) for m in metrics)
        # One unknown column near a known one (veiws): offered as chat offers an argument's.
        close = (closest_name(column_key(unknown[0]), [specs[m] for m in metrics])
                 if len(unknown) == 1 else None)
        if i18n.current() == i18n.SOURCE:
            said = ngettext("Line 1: unknown column: %(unknown)s. Known: %(known)s.",
                            "Line 1: unknown columns: %(unknown)s. Known: %(known)s.",
                            len(unknown), unknown=listed(unknown), known=known)
        else:  # The English names are read in every language: say so, and which they are.
            said = ngettext("Line 1: unknown column: %(unknown)s. Known: %(known)s; the "
                            "English names work too: %(english)s.",
                            "Line 1: unknown columns: %(unknown)s. Known: %(known)s; the "
                            "English names work too: %(english)s.", len(unknown),
                            unknown=listed(unknown), known=known, english=items(metrics))
        raise ImportError_(said if close is None else f"{said} {did_you_mean(close)}")
    columns = [specs[n].name if n in specs else n for n in names]
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:  # date,followers,followers (or followers and its alias f): which one is meant?
        raise ImportError_(ngettext("Line 1: %(columns)s is named twice; keep one of the two "
                                    "columns and send the file again.",
                                    "Line 1: %(columns)s are each named twice; keep one column "
                                    "of each and send the file again.", len(twice),
                                    columns=listed([shown_column(c) for c in twice])))
    plan = ImportPlan(columns=columns, zone=zone)
    fast = _fast_rows(names, specs, body, today)
    if fast is not None:
        plan.rows, plan.repeated = fast
        plan.read = len(body)
    else:
        dates = [row[names.index("date")] for row in body if len(row) > names.index("date")]
        order = slash_order(dates)
        plan.rows = _careful_rows(names, specs, body, today, plan, order, now)
    if len(plan.rows) > MAX_ROWS:
        raise ImportError_(_("The file has more than %(rows)s rows.", rows=grouped(MAX_ROWS)))
    if not plan.rows and not plan.errors:
        raise ImportError_(_("The file has a header but no rows: add a row for each day, "
                             "e.g. 2026-11-01,12000 under date,followers."))
    return plan


_LINE_END = re.compile(r"\r\n|\r|\n")


def _fast_rows(
    names: list[str], specs: dict[str, ArgSpec], body: list[list[str]], today: date
) -> tuple[Sequence[tuple[datetime, dict[str, float]]], dict[date, int]] | None:
    """The common, clean file, column by column: every row complete, ``YYYY-MM-DD`` dates
    from :data:`EARLIEST` to ``today`` (the creator's: every row is dated by day alone) and
    plain digits within bounds; its rows in date order and its dates on more than one row
    (:func:`repeated_days`).
    ``None`` as soon as anything needs :func:`_careful_rows`, which gives the same result for
    any file this accepts (tested) and reports problems by line."""
    keys = [specs[n].name for n in names if n != "date"]
    if not body or names.count("date") != 1 or len(set(keys)) != len(keys):
        return None
    try:  # the file's columns; every row as long as the first (else ValueError) …
        transposed = list(zip(*body, strict=True))
    except ValueError:
        return None
    if len(transposed) != len(names):  # … and the first as long as the header
        return None
    days: Sequence[str] = ()
    columns: list[Sequence[float | None]] = []
    whole: list[int] = []  # the columns with no gap, read as ints (floats only in the end)
    gaps = False
    for name, cells in zip(names, transposed, strict=True):
        if name == "date":
            days = cells  # checked below: YYYY-MM-DD only
            continue
        spec = specs[name]
        joined = "".join(cells)
        # Plain ASCII digits only (the bytes' isdigit: a tenth of the text's time; the same
        # answer for ASCII).
        if spec.type is ArgType.RATE or not (joined.isascii() and joined.encode().isdigit()):
            return None
        if _lengths_matter(spec, joined) and max(map(len, cells)) > 15:
            return None  # past 15 digits: the careful path (float overflow, bounds, too long)
        if "" in cells:
            gaps = True
            column: Sequence[float | None] = [float(c) if c else None for c in cells]
            present = [v for v in column if v is not None]
        else:
            # int() of plain digits: within the bounds (below 2**53), the same exact value as
            # float() of the text (the bounds compare the same too) in less than half its time
            # on CPython 3.11 (365 five-digit cells: 24 µs against 58 µs). DailyColumns keeps
            # the ints (the store writes them: a REAL column stores 1000 as 1000.0) and reads
            # them as floats; a file with gaps makes them floats below.
            try:
                column = present = list(map(int, cells))
            except ValueError:  # over sys.get_int_max_str_digits() digits: out of bounds
                return None
            whole.append(len(columns))
        if (spec.maximum is not None and max(present) > spec.maximum) or (
                spec.minimum is not None and spec.minimum > 0  # plain digits are never below 0
                and min(present) < spec.minimum):
            return None
        columns.append(column)
    if not keys:
        return None  # a date column alone: the careful path says which rows have no values
    if not gaps:
        return _daily_columns(days, keys, columns, today)
    for index in whole:  # the rows below are read as they are: floats, as the careful path's
        columns[index] = list(map(float, columns[index]))  # type: ignore[arg-type]
    # Canonical dates only: then text order is date order and equal text, equal date.
    if not canonical_days(days):
        return None
    rows = [{k: v for k, v in zip(keys, values, strict=True) if v is not None}
            for values in zip(*columns, strict=True)]
    if not all(rows):
        return None
    by_day = dict(zip(days, rows, strict=True))  # a later row for the same date wins
    try:
        out = [(DateOnly.fromisoformat(day + _NOON_SUFFIX), values)
               for day, values in sorted(by_day.items())]
    except ValueError:  # 2026-02-30
        return None
    if out[-1][0].date() > today or out[0][0].date() < EARLIEST.date():
        return None
    return out, ({} if len(out) == len(body) else repeated_days(map(date.fromisoformat, days)))


def _lengths_matter(spec: ArgSpec, digits: str) -> bool:
    """Whether the fast path must look at the lengths of a column of plain digits
    (``digits``: its cells joined) and take only cells of at most 15 digits (exact as floats,
    never too long). ``False`` spares a year of cells 9 µs, when the caller's check that
    every number is within ``spec``'s bounds is enough: a maximum below 2**53 keeps the
    numbers exact, and a cell over :data:`MAX_CELL` (which the careful path refuses) is either
    past the maximum or starts with more zeros than a run the column does not have (``MAX_CELL``
    less the maximum's digits, plus one)."""
    if spec.maximum is None or spec.maximum >= 2**53:
        return True
    return "0" * (MAX_CELL - len(str(int(spec.maximum))) + 1) in digits


def _daily_columns(
    days: Sequence[str], keys: list[str], columns: list[Sequence[float | None]],
    today: date,
) -> tuple[DailyColumns, dict[date, int]] | None:
    """:func:`_fast_rows` for a file with no gaps: its columns as they are (no dictionary or
    tuple per row), in date order, a later row for the same date winning."""
    count, given = len(days), days
    at = _NOON_UTC.replace(tzinfo=None)
    values = cast(dict[str, Sequence[float]], dict(zip(keys, columns, strict=True)))  # no gap
    try:
        try:
            rows = DailyColumns(days, at, values)
        except DaysOutOfOrder:  # (checked first) out of order, or a date twice
            last = dict(zip(days, range(count), strict=True))  # each date's row: its last
            days, kept = zip(*sorted(last.items()), strict=True)
            rows = DailyColumns(days, at, {k: [c[i] for i in kept] for k, c in values.items()})
    except ValueError:  # not YYYY-MM-DD, or 2026-02-30
        return None
    first_last = rows.bounds()
    if first_last is not None and (first_last[1].date() > today
                                   or first_last[0].date() < EARLIEST.date()):
        return None
    return rows, ({} if count == len(rows) else repeated_days(map(date.fromisoformat, given)))


def _careful_rows(
    names: list[str], specs: dict[str, ArgSpec], body: list[list[str]],
    today: date, plan: ImportPlan, order: str | None = None,
    now: datetime | None = None,
) -> list[tuple[datetime, dict[str, float]]]:
    """Row by row, every cell through the chat parser; problems go to ``plan.errors``. The
    rows in the order the store writes them (:func:`~bot.domain.daily.row_order` in
    ``plan.zone``: by the creator's day, a row dated by day alone after the day's rows with
    a time; a moment repeated: its last row), each moment told apart by whether it is dated
    by day alone too: a date and a time that falls at noon UTC that day (``2026-01-01`` and
    ``2026-01-01 12:00``) are two snapshots. A row dated after ``today`` (the creator's), or
    with a time after ``now``, is refused, and so is a row on a day of the creator's before
    :data:`EARLIEST`'s date (:func:`~bot.domain.daily.snapshot_day` in ``plan.zone``: a
    time's day is theirs, never UTC's)."""
    by_date: dict[tuple[datetime, bool], dict[str, float]] = {}
    columns = [(name, None if name == "date" else specs[name]) for name in names]
    shown = {name: shown_column("date" if spec is None else spec.name if name == spec.name
                                else name) for name, spec in columns}
    named = {name: dataclasses.replace(spec, name=shown[name]) for name, spec in columns
             if spec is not None}
    for line_no, row in enumerate(body, start=2):
        if not any(row) or not any(cell.strip() for cell in row):
            continue
        if len(row) > len(names):
            plan.errors.append(_("line %(line)s: %(cells)s cells for %(columns)s columns.",
                                 line=line_no, cells=len(row), columns=len(names)))
            continue
        values: dict[str, float] = {}
        when: datetime | None = None
        problem = None
        for (name, spec), cell in zip(columns, row, strict=False):
            if not cell.strip():
                continue
            if len(cell.strip()) > MAX_CELL:
                problem = _("line %(line)s: %(column)s: %(text)s is too long for a value.",
                            line=line_no, column=shown[name], text=kept(quote(cell)))
                break
            try:
                if spec is None:
                    when = _parse_date(cell, order, plan.zone)
                else:  # the problem names the column as the creator's file does
                    values[spec.name] = parse_number(cell, named[name])
            except (ArgError, ValueError) as exc:  # the cell quoted as typed (Refusal.marked)
                problem = _("line %(line)s: %(column)s: %(problem)s", line=line_no,
                            column=shown[name],
                            problem=standalone(exc.marked) if isinstance(exc, Refusal)
                            else exc)
                break
        if problem is None and when is None:
            problem = _("line %(line)s: the date is missing.", line=line_no)
        elif problem is None and when is not None and dated_by_day(when) and \
                when.date() > today:
            problem = _("line %(line)s: %(date)s is in the future.", line=line_no,
                        date=when.date())
        elif problem is None and when is not None and not dated_by_day(when) and (
                when > now if now is not None else snapshot_day(when, plan.zone) > today):
            # a time: by the creator's clock, to the minute
            problem = _("line %(line)s: %(date)s is in the future.", line=line_no,
                        date=stamp(when.astimezone(plan.zone)))
        elif problem is None and when is not None and (
                local := snapshot_day(when, plan.zone)) < EARLIEST.date():
            problem = _("line %(line)s: %(problem)s.", line=line_no,
                        problem=standalone(before_earliest(local)))
        elif problem is None and not values:
            problem = _("line %(line)s: no values.", line=line_no)
        if problem is not None:
            plan.errors.append(problem)
        elif when is not None:
            plan.read += 1
            at = (when, dated_by_day(when))
            if at in by_date:  # the same moment again (never another time of the same day)
                key = repeat_key(when)
                plan.repeated[key] = plan.repeated.get(key, 1) + 1
            by_date[at] = values  # a later row for the same date wins
        if len(plan.errors) >= MAX_ERRORS:
            plan.errors.append(_("… stopped after %(count)s problems", count=MAX_ERRORS))
            break
        if len(by_date) > MAX_ROWS:
            break
    return [(when, values) for (when, _dated), values in sorted(
        by_date.items(), key=lambda row: row_order(row[0][0], plan.zone))]
