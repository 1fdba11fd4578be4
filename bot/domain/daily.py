"""Dated metric rows kept column by column: what a clean CSV of daily numbers gives.

An import's rows are ``(moment, {metric: value})`` pairs everywhere (the preview, the checks,
the store's port). A clean file is read column by column (:mod:`bot.core.csv_import`), and the
store writes column by column; :class:`DailyColumns` carries the columns between the two, so a
large import does not build a dictionary and a tuple per row only to take them apart again.
It still reads as those rows for everyone else (built once, on first use).
"""

from __future__ import annotations

import collections
import itertools
import operator
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, overload

from bot.domain.numbers import day, first_shown, items, stamp
from bot.domain.refusals import Refusal
from bot.i18n import gettext as _
from bot.i18n import ngettext

#: Repeated dates a sentence names at most (then "and N more").
SHOWN_REPEATS = 5


#: The moment of an imported row dated by day alone (``2026-03-01``): noon UTC of that date.
#: Stored as such, beside a mark saying the row has no time of day (:class:`DateOnly`): the
#: time itself tells nothing, a row written ``2026-03-01 12:00`` (UTC) has the same one.
DATED_AT = time(12, tzinfo=UTC)


class _Marked(datetime):
    """A row's moment marked with how its file wrote it (:class:`DateOnly`,
    :class:`WallTime`). Any other moment made from one (``astimezone``, ``replace``, adding
    or subtracting a duration) is a plain ``datetime``: only the row itself is so written."""

    __slots__ = ()

    def plain(self) -> datetime:
        """The same moment as a plain ``datetime`` (no longer marked)."""
        return datetime.combine(self.date(), self.timetz())

    # (datetime's own return the subclass, as its stubs say: a moment made from a row's is
    # not that row, so these return a plain datetime, on purpose against the stubs)
    def astimezone(self, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        return self.plain().astimezone(tz)

    def replace(self, *args: Any, **kwargs: Any) -> datetime:  # type: ignore[override]
        return self.plain().replace(*args, **kwargs)

    def __add__(self, other: timedelta) -> datetime:  # type: ignore[override]
        return self.plain() + other

    __radd__ = __add__  # type: ignore[assignment]

    @overload  # type: ignore[override]
    def __sub__(self, other: timedelta) -> datetime: ...

    @overload
    def __sub__(self, other: datetime) -> timedelta: ...

    def __sub__(self, other: timedelta | datetime) -> datetime | timedelta:
        return self.plain() - other


class DateOnly(_Marked):
    """The moment of an imported row dated by day alone (a CSV's ``2026-03-01``, a TikTok
    Studio file's ``March 1``): noon UTC of its date (:data:`DATED_AT`), known as dated by
    day by its type, never by its time (a row written with the time 12:00 UTC is a plain
    :class:`~datetime.datetime`). The stores keep the mark in a column of its own
    (``snapshots.dated``) and read it back as this type.

    Any other moment made from one (``astimezone``, ``replace``, adding or subtracting a
    duration) is a plain ``datetime``: only the stored row itself is dated by day. Make one
    with :meth:`of`."""

    __slots__ = ()

    @classmethod
    def of(cls, day: date) -> DateOnly:
        """The moment of a row dated ``day``: noon UTC of it."""
        return cls.combine(day, DATED_AT)

    def __reduce__(self) -> tuple[Any, ...]:
        return DateOnly.of, (self.date(),)


class WallTime(_Marked):
    """The moment (UTC) of an imported row whose time of day was written without an offset
    (``2026-11-21 14:00``): the creator's wall time in their time zone when it was read. Its
    date as written is its day (:func:`snapshot_day` in that zone); the stores keep it
    (``snapshots.import_day``, marked by ``snapshots.wall``), so the same file imported
    again after a time zone change, read in the new zone, replaces it
    (:func:`replaced_on`). Make one with :meth:`of`."""

    __slots__ = ()

    @classmethod
    def of(cls, moment: datetime) -> WallTime:
        """``moment`` (timezone-aware) marked as written without an offset, in UTC."""
        utc = moment.astimezone(UTC)
        return cls.combine(utc.date(), utc.timetz())

    def __reduce__(self) -> tuple[Any, ...]:
        return WallTime.of, (self.plain(),)


#: An ISO 8601 week without its day (``2026-W46``, ``2026W46``), alone or before a time of
#: day: a week, which :meth:`date.fromisoformat` would read as its Monday.
_WEEK_ALONE = re.compile(r"\d{4}-?W\d{2}(?![-\d])")


def week_alone(text: str) -> date | None:
    """The Monday of the ISO week ``text`` names without a day (``2026-W46``, ``2026W46``, or
    one with a time after it), or None when it names none: a week is not a date, and every
    reader of a date refuses it rather than take its Monday."""
    found = _WEEK_ALONE.match(text.strip())
    if found is None:
        return None
    try:
        return date.fromisoformat(found[0])
    except ValueError:  # (no such week: not a date at all)
        return None


def iso_date(text: str) -> date:
    """``text`` as a date alone, in any of ISO 8601's ways of writing one that
    :meth:`date.fromisoformat` reads (``2026-11-13``, the basic ``20261113``, the week date
    ``2026-W46-5``), never a week without its day (``2026-W46`` names seven days, not its
    Monday). Raises :class:`ValueError` for anything else. The one reader of a date a
    creator types (``/undo date=``, ``/goal by=``, ``downloaded=``) or a file writes alone."""
    t = text.strip()
    if not t[:1].isdigit() or week_alone(t) is not None:
        raise ValueError(f"not a date: {text!r}")
    return date.fromisoformat(t)


def snapshot_day(moment: datetime, zone: tzinfo) -> date:
    """The day a snapshot belongs to: the one place that decides it, for an import's counts
    and range, its "appears on more than one row", which stored days an import replaces and
    which it clashes with, /history, /undo date= and the checks.

    Stored moments stay in UTC; the day is the creator's: a moment in their time zone
    (``zone``, their /settings timezone), as /log's day is. A row dated by day alone
    (:class:`DateOnly`) keeps the date written in its file whatever the zone."""
    if isinstance(moment, DateOnly):
        return moment.date()
    return moment.astimezone(zone).date()


def counted_day(moment: datetime, zone: tzinfo, recorded: datetime | None = None) -> date:
    """The day a stored snapshot counts on among the creator's others (the stores' ``day``
    column, by which they are ordered: which is the latest, what carries forward, which
    pairs as one 30-day window): its :func:`snapshot_day` in ``zone``, except that a row
    dated by day alone (:class:`DateOnly`) never counts on a day that had not begun in
    ``zone`` when it was recorded (``recorded``: when the import wrote it; None: not known).
    It then counts on the day it was recorded: a date-only row is its day's number as the
    day ends, but no newer than the moment it was read. So after a Tokyo creator's import
    of today's row, a move to Los Angeles (where that date is still tomorrow) puts the row
    on the day of the import there, and a /log made after it that day is the latest.

    A row with a time of day is never after its recording (no row is in the future when it
    is written), so only a row dated by day alone is ever moved; it keeps its date wherever
    it is shown (:func:`shown_moment`) and found (/undo date=, an import's days)."""
    day = snapshot_day(moment, zone)
    if recorded is not None and isinstance(moment, DateOnly):
        return min(day, recorded.astimezone(zone).date())
    return day


def replaced_on(import_day: date | None, fixed: bool, now_on: date) -> date:
    """The day by which a later import replaces a stored imported row (an import replaces the
    earlier imported rows of its own days): the day its import put it on (``import_day``)
    when that day is what its file wrote (``fixed``: a row dated by day alone, or one whose
    time was written without an offset, :class:`WallTime`), the same in any time zone; else
    (a time written with an offset: a moment; ``import_day`` not known) the day it is on now
    (``now_on``: its :func:`snapshot_day` in the creator's zone now). So the same file
    imported again after a time zone change replaces what it wrote: its times without an
    offset are read in the new zone (other moments, on the dates written), its moments are
    the same moments (on the days they are on now). The one rule the stores replace by and
    the import previews count with."""
    return import_day if fixed and import_day is not None else now_on


def row_order(moment: datetime, zone: tzinfo) -> tuple[date, bool, datetime]:
    """Where an imported row goes among the others of its file (the import preview's order
    and the order the store writes them, so within a day their ids keep it): by the
    creator's day (:func:`snapshot_day` in ``zone``); within a day, a row dated by day alone
    (:class:`DateOnly`) after the rows with a time of day (it is the day's number as the day
    ends: the latest of that day, wherever it stands in the file); then by moment."""
    return snapshot_day(moment, zone), isinstance(moment, DateOnly), moment


def days_of(moments: Iterable[datetime], zone: tzinfo) -> set[date]:
    """The creator's days (:func:`snapshot_day` in ``zone``) of ``moments``: an import's
    days, the days stored imports hold; what an import replaces is where the two meet."""
    return {snapshot_day(moment, zone) for moment in moments}


def wall_days(earlier: datetime, later: datetime, zone: tzinfo) -> float:
    """How many days ``later`` is after ``earlier`` on the creator's wall clock (``zone``,
    their /settings time zone): the difference of the two local times, so 09:00 on two
    Mondays is 7 days apart across a change of the clocks (6.96 days of UTC in New York's
    March). The one measure of a span a creator reads in days or weeks: /stats' and /log's
    growth (:func:`~bot.domain.metrics.days_apart`), /goal's pace and its trend
    (:mod:`bot.domain.projection`), the tips' weekly rates. Negative when ``later`` is
    before ``earlier``."""
    return days_between(wall_time(earlier, zone), wall_time(later, zone))


def wall_time(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` on the creator's wall clock: in ``zone`` (aware, its ``tzinfo`` that very
    object), what :func:`wall_days` measures between. A caller measuring many spans over the
    same points (the weekly follower rates) converts each point once and measures with
    :func:`days_between`."""
    return moment.astimezone(zone)


def days_between(earlier: datetime, later: datetime) -> float:
    """The days from one :func:`wall_time` to another of the same zone: :func:`wall_days` of
    their moments. Python subtracts two datetimes with the same ``tzinfo`` by their wall
    clocks, the zone's offsets left out (the ``datetime`` documentation, "Supported
    operations"), as the difference of the two naive local times this measured before, and
    without making them (``replace(tzinfo=None)`` cost twice the conversion); two of other
    zones are measured by their naive local times all the same."""
    if earlier.tzinfo is not later.tzinfo:
        earlier, later = earlier.replace(tzinfo=None), later.replace(tzinfo=None)
    return (later - earlier).total_seconds() / 86_400


def written_as_wall_time(moment: datetime) -> bool:
    """Whether ``moment`` is a row's whose time was written without an offset
    (:class:`WallTime`)."""
    return isinstance(moment, WallTime)


def dated_by_day(moment: datetime) -> bool:
    """Whether ``moment`` is a row's dated by day alone (:class:`DateOnly`)."""
    return isinstance(moment, DateOnly)


def shown_moment(moment: datetime, zone: tzinfo) -> str:
    """A snapshot's moment as /history, /undo and the import preview show it (ISO text for
    the templates' ``stamp`` filter): the date of a row dated by day alone
    (``'2026-11-09'``), any other's time in ``zone`` to the minute with its offset
    (``'2026-11-29T22:46+01:00'``)."""
    if dated_by_day(moment):
        return moment.date().isoformat()
    return moment.astimezone(zone).isoformat(timespec="minutes")


def drawn_at(moment: datetime, zone: tzinfo) -> datetime:
    """Where a snapshot stands on a chart's time axis (drawn in ``zone``, the creator's
    /settings timezone): its own moment, or for a row dated by day alone
    (:class:`DateOnly`) noon of its date in ``zone`` (the middle of the creator's day, as
    :func:`snapshot_day` gives it that date), never noon UTC. Timezone-aware."""
    if dated_by_day(moment):
        return datetime.combine(moment.date(), time(12), tzinfo=zone)
    return moment


def local_moment(wall: datetime, zone: tzinfo) -> datetime:
    """The moment (UTC) of ``wall``, a naive local time in ``zone`` (the creator's /settings
    timezone), as an import reads a time written without an offset. Decided by zoneinfo's
    fold semantics, never a table of clock changes: a wall time that does not survive a round
    trip through UTC does not exist there (the clocks went forward over it); one whose two
    folds have different offsets happens twice (the clocks went back). Both are refused
    (:class:`~bot.domain.refusals.Refusal`, one sentence with the offsets to write instead):
    which of two moments was meant is the creator's to say, never a guess."""
    first = wall.replace(tzinfo=zone, fold=0)
    moment = first.astimezone(UTC)
    clock = wall.time().isoformat(timespec="minutes")
    if moment.astimezone(zone).replace(tzinfo=None) != wall.replace(fold=0):
        shifted = moment.astimezone(zone).isoformat(timespec="minutes")
        raise Refusal(_("%(time)s does not exist on %(date)s in %(zone)s (the clocks go "
                        "forward); write the time with its offset, e.g. %(example)s.",
                        time=clock, date=day(wall.date()), zone=str(zone), example=shifted))
    second = wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        raise Refusal(_("%(time)s happens twice on %(date)s in %(zone)s (the clocks go back); "
                        "write the time with its offset: %(first)s the first time, "
                        "%(second)s the second.", time=clock, date=day(wall.date()),
                        zone=str(zone), first=first.isoformat(timespec="minutes"),
                        second=second.isoformat(timespec="minutes")))
    return moment


def wall_time_repeats(moment: datetime, zone: tzinfo) -> bool:
    """Whether ``moment``'s local time in ``zone`` happens twice there (the hour the clocks go
    back): then its time alone does not tell it apart, and it is shown with its offset."""
    if dated_by_day(moment):
        return False
    local = moment.astimezone(zone)
    return local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset()


def repeated_days(days: Iterable[date]) -> dict[date, int]:
    """Each date that appears more than once among ``days``, with how many times, in date
    order (``{2026-03-01: 5}`` for one date on five rows); empty when none repeats."""
    return {d: n for d, n in sorted(collections.Counter(days).items()) if n > 1}


def repeated_text(repeated: Mapping[date, int], zone: tzinfo = UTC) -> str:
    """The preview's sentence on dates (or times) that appear on more than one row of a file
    (the last row of each is kept), naming each (at most :data:`SHOWN_REPEATS`) and its rows:
    ``"1 date appears on more than one row (2026-03-01: 5 rows); the last row is kept."``;
    ``""`` for none. A key that is a :class:`~datetime.datetime` is a moment with its time of
    day (rows of a day at several times are kept each; only a time repeated is merged), named
    to the minute in ``zone`` (the creator's); a plain date is a day's row."""
    if not repeated:
        return ""
    named, more = first_shown(list(repeated.items()), SHOWN_REPEATS)
    each = [ngettext("%(date)s: %(num)s row", "%(date)s: %(num)s rows", n,
                     date=stamp(d.astimezone(zone)) if isinstance(d, datetime) else day(d))
            for d, n in named]
    shown = items(each) if not more else _(
        "%(shown)s and %(count)s more", shown=", ".join(each), count=more)
    if any(isinstance(d, datetime) for d in repeated):
        # (not "the last row is kept" next to "each kept with its time of day": only a date
        # or time repeated is one snapshot)
        return ngettext("%(num)s date or time appears on more than one row (%(dates)s): one "
                        "snapshot, from its last row.",
                        "%(num)s dates or times appear on more than one row (%(dates)s): one "
                        "snapshot each, from its last row.", len(repeated), dates=shown)
    return ngettext("%(num)s date appears on more than one row (%(dates)s); the last row is "
                    "kept.",
                    "%(num)s dates appear on more than one row (%(dates)s); for each, the last "
                    "row is kept.", len(repeated), dates=shown)


def canonical_days(days: Sequence[str]) -> bool:
    """Whether every text is written ``YYYY-MM-DD`` (ASCII digits; not yet checked to be a
    date): then text order is date order, and equal texts are equal dates. Column-wise, over
    the texts joined: ten characters each, a ``-`` fifth and eighth and nowhere else, ASCII
    digits elsewhere (a few passes in C: half a regular expression's time over a year)."""
    if not days:
        return True
    if set(map(len, days)) != {10}:
        return False
    joined, count = "".join(days), len(days)
    # (the UTF-8 bytes' isdigit: ASCII digits alone, any other character's bytes are not; a
    # lone surrogate, which has none, is a "?")
    return (joined[4::10] == joined[7::10] == "-" * count and joined.count("-") == 2 * count
            and joined.encode(errors="replace").translate(None, b"-").isdigit())


def row_moments(rows: Sequence[tuple[datetime, Any]]) -> Sequence[datetime]:
    """Each row's moment, in order; a :class:`DailyColumns`' own, without building its rows."""
    return rows.moments if isinstance(rows, DailyColumns) else [moment for moment, _ in rows]


class DaysOutOfOrder(ValueError):
    """:class:`DailyColumns` was given days not in strictly increasing order (checked first:
    a caller that can sort them catches this one, and pays for no other check twice)."""


class DailyColumns(Sequence[tuple[datetime, dict[str, float]]]):
    """Rows ``(moment, {metric: value})``, one a day, kept as columns.

    ``days`` are ``YYYY-MM-DD`` texts in strictly increasing order; every row is at the time
    of day ``at`` (naive: in UTC); ``values`` maps each metric to its column, one number per
    day (none missing: a row with a gap is not this shape): floats, or ints below 2**53 (a
    clean file's plain digits), kept as given in :attr:`numbers` and read as floats
    (:attr:`values`, and the rows). The row for ``days[i]`` is
    ``(moments[i], {metric: float(values[metric][i]), …})`` with the metrics in ``values``'s
    order.

    Read-only. Reads (``len``, index, slice, iteration) as the list of rows (a slice is a
    list); equal to any sequence of the same rows. Raises :class:`DaysOutOfOrder` (a
    ``ValueError``) when built from days out of order or repeated, and ``ValueError`` from a
    day not written ``YYYY-MM-DD`` or not a date (``2026-02-30``), or columns of another
    length."""

    __slots__ = ("_moments", "_plain", "_rows", "_values", "at", "days", "numbers", "stamps")

    def __init__(self, days: Sequence[str], at: time, values: Mapping[str, Sequence[float]]
                 ) -> None:
        if at.tzinfo is not None:
            raise ValueError("the time of day is naive (UTC)")
        self.days: tuple[str, ...] = tuple(days)
        # (operator.lt and operator.add below, not str.__lt__ and str.__add__: calling a slot
        # wrapper costs more than the comparison or the join itself; a year of days: 8 µs
        # against 20 µs to compare them, 14 µs against 26 µs to join them to a time)
        if not all(map(operator.lt, self.days, self.days[1:])):
            raise DaysOutOfOrder("days must be strictly increasing")
        if not canonical_days(self.days):
            raise ValueError("days are written YYYY-MM-DD")
        self.at = at
        #: Each metric's column as given: what the store writes (a REAL column stores the int
        #: 1000 as it stores 1000.0, and binding an int costs less), without a float made of
        #: every number of a file only to write it.
        self.numbers: dict[str, tuple[float, ...]] = {
            name: tuple(column) for name, column in values.items()}
        if any(len(column) != len(self.days) for column in self.numbers.values()):
            raise ValueError("every column has one value a day")
        self._values: dict[str, tuple[float, ...]] | None = None
        #: Each row's moment as the stores write it (``2026-03-01T12:00:00+00:00``).
        self.stamps: tuple[str, ...] = tuple(map(
            operator.add, self.days, itertools.repeat(f"T{at.isoformat()}+00:00")))
        # Each row's moment as a plain datetime: read here, which raises ValueError for a
        # day that isn't one (2026-02-30); the marked moments (:attr:`moments`) are made
        # only when asked for (a DateOnly costs three times a datetime to make, and a first
        # import of a clean file never asks: the store writes stamps, days and the mark).
        self._plain: tuple[datetime, ...] = tuple(map(datetime.fromisoformat, self.stamps))
        self._moments: tuple[datetime, ...] | None = None
        self._rows: list[tuple[datetime, dict[str, float]]] | None = None

    @property
    def dated(self) -> bool:
        """Whether the rows are dated by day alone (at noon UTC, :data:`DATED_AT`): all of
        them or none."""
        return self.at == DATED_AT.replace(tzinfo=None)

    @property
    def moments(self) -> tuple[datetime, ...]:
        """Each row's moment, timezone-aware (UTC): a :class:`DateOnly` at noon (the rows of
        a file dated by day alone), made on first use and kept."""
        if self._moments is None:
            self._moments = (tuple(map(DateOnly.fromisoformat, self.stamps)) if self.dated
                             else self._plain)
        return self._moments

    def bounds(self) -> tuple[datetime, datetime] | None:
        """The first and last row's moments (None without rows), as instants: compared
        without making every row's marked moment."""
        return (self._plain[0], self._plain[-1]) if self._plain else None

    @property
    def values(self) -> dict[str, tuple[float, ...]]:
        """Each metric's column as floats (made on first use and kept)."""
        if self._values is None:
            self._values = {name: tuple(map(float, column))
                            for name, column in self.numbers.items()}
        return self._values

    def _built(self) -> list[tuple[datetime, dict[str, float]]]:
        """The rows, built on first use and kept."""
        if self._rows is None:
            names = tuple(self.values)
            typed = ([dict(zip(names, v, strict=True)) for v in zip(*self.values.values(),
                                                                    strict=True)]
                     if names else [{} for _ in self.days])
            self._rows = list(zip(self.moments, typed, strict=True))
        return self._rows

    def __len__(self) -> int:
        return len(self.days)

    @overload
    def __getitem__(self, index: int) -> tuple[datetime, dict[str, float]]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[datetime, dict[str, float]]]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if self._rows is None:  # the preview's first, last and first three: those rows alone
            if isinstance(index, slice):
                return [self[i] for i in range(*index.indices(len(self.days)))]
            moment = self.moments[index]  # raises IndexError like a list
            return moment, {name: float(column[index])
                            for name, column in self.numbers.items()}
        return self._built()[index]

    def __iter__(self) -> Iterator[tuple[datetime, dict[str, float]]]:
        return iter(self._built())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DailyColumns):  # (an int equals the float of it)
            return (self.moments, self.numbers) == (other.moments, other.numbers)
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return self._built() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # compares by content, like a list

    def __repr__(self) -> str:
        return f"DailyColumns({self._built()!r})"
