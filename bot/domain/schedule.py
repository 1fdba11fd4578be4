"""When weekly posts are due: local wall-clock times with ``zoneinfo``, correct across DST.

A subscription says "Monday 10:00 Europe/Berlin". Each run is computed from the local date and
time, never by adding 7×24 h to the previous UTC instant, so 10:00 stays 10:00 when the clocks
change. A time that does not exist on a spring-forward day (02:30 in the gap) is posted one
gap later (03:30); a repeated time on a fall-back day is posted at its first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.numbers import kept
from bot.domain.refusals import Refusal
from bot.i18n import gettext as _

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_weekday(text: str) -> int:
    """'mon', 'Monday', '1' (ISO, Monday = 1) -> 0..6 (Monday = 0)."""
    t = text.strip().lower()
    if t.isdigit() and 1 <= int(t) <= 7:
        return int(t) - 1
    for i, name in enumerate(WEEKDAYS):
        if len(t) >= 2 and name.startswith(t):
            return i
    raise Refusal(_("'%(text)s' is not a day of the week; use e.g. monday or mon.",
                    text=kept(text)))


def parse_local_time(text: str) -> time:
    """'10:00', '9:30', '18', '6pm', '6:30 pm' -> time."""
    t = text.strip().lower().replace(" ", "")
    suffix = None
    if t.endswith(("am", "pm")):
        suffix, t = t[-2:], t[:-2]
    parts = t.split(":")
    try:
        if len(parts) > 2 or not all(p.isdigit() for p in parts):
            raise ValueError
        hour, minute = int(parts[0]), int(parts[1]) if len(parts) == 2 else 0
        if suffix:
            if not 1 <= hour <= 12:
                raise ValueError
            hour = hour % 12 + (12 if suffix == "pm" else 0)
        return time(hour, minute)
    except (ValueError, OverflowError):  # (an hour of 30 digits overflows time())
        raise Refusal(_("'%(text)s' is not a time of day; use e.g. 10:00 or 6pm.",
                        text=kept(text))) from None


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock ``at`` on ``day`` in ``tz``.

    PEP 495 ``fold=0``: a time repeated when clocks go back is its first occurrence; a time
    skipped when clocks go forward is moved forward by the gap (02:30 becomes 03:30).
    """
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def next_run(weekday: int, at: time, tz: ZoneInfo, after: datetime) -> datetime:
    """The first run strictly after ``after`` (aware), as an aware UTC datetime."""
    local_now = after.astimezone(tz)
    day = local_now.date() + timedelta(days=(weekday - local_now.weekday()) % 7)
    for _attempt in range(3):
        candidate = local_to_utc(day, at, tz)
        if candidate > after:
            return candidate
        day += timedelta(days=7)
    raise AssertionError("unreachable: a week later is always after")  # pragma: no cover


def previous_run(weekday: int, at: time, tz: ZoneInfo, now: datetime) -> datetime:
    """The latest run at or before ``now``, as an aware UTC datetime."""
    local_now = now.astimezone(tz)
    day = local_now.date() - timedelta(days=(local_now.weekday() - weekday) % 7)
    candidate = local_to_utc(day, at, tz)
    if candidate > now:
        candidate = local_to_utc(day - timedelta(days=7), at, tz)
    return candidate


def week_key(run_at: datetime, tz: ZoneInfo) -> str:
    """ISO week of the run's local date, e.g. '2026-W48': one post per destination per key."""
    year, week, _ = run_at.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True, slots=True)
class Due:
    """A run that should be sent now: its scheduled instant and outbox week key."""

    run_at: datetime
    week: str


def due_run(
    weekday: int, at: time, tz: ZoneInfo, now: datetime, grace: timedelta,
    last_week: str | None,
) -> Due | None:
    """The run to send at ``now``, if any: the latest scheduled run, when it is not older than
    ``grace`` and its week was not already recorded (``last_week``)."""
    run_at = previous_run(weekday, at, tz, now)
    key = week_key(run_at, tz)
    if key == last_week or now - run_at > grace:
        return None
    return Due(run_at, key)
