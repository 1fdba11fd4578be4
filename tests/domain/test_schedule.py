"""Weekly schedule: wall-clock times stay put across DST in two time zones."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.schedule import (
    due_run,
    next_run,
    parse_local_time,
    parse_weekday,
    previous_run,
    week_key,
)

BERLIN = ZoneInfo("Europe/Berlin")  # DST ends 2026-10-25, starts 2026-03-29
NEW_YORK = ZoneInfo("America/New_York")  # DST starts 2026-03-08, ends 2026-11-01


@pytest.mark.parametrize(("tz", "start"), [
    (BERLIN, datetime(2026, 10, 12, tzinfo=UTC)),  # across the autumn change
    (BERLIN, datetime(2026, 3, 16, tzinfo=UTC)),  # across the spring change
    (NEW_YORK, datetime(2026, 10, 19, tzinfo=UTC)),
    (NEW_YORK, datetime(2026, 2, 23, tzinfo=UTC)),
])
def test_monday_ten_stays_ten_local_across_dst(tz: ZoneInfo, start: datetime) -> None:
    run = start
    offsets = set()
    for _ in range(5):
        run = next_run(0, time(10), tz, run)
        local = run.astimezone(tz)
        assert (local.weekday(), local.hour, local.minute) == (0, 10, 0)
        offsets.add(local.utcoffset())
    assert len(offsets) == 2  # the series really crossed a change


def test_weekly_cadence_is_seven_local_days() -> None:
    runs = [next_run(2, time(18, 30), BERLIN, datetime(2026, 1, 1, tzinfo=UTC))]
    for _ in range(52):
        runs.append(next_run(2, time(18, 30), BERLIN, runs[-1]))
    days = {(b.astimezone(BERLIN).date() - a.astimezone(BERLIN).date()).days
            for a, b in itertools.pairwise(runs)}
    assert days == {7}
    assert len({week_key(r, BERLIN) for r in runs}) == 53


def test_nonexistent_and_repeated_local_times() -> None:
    gap = next_run(6, time(2, 30), NEW_YORK, datetime(2026, 3, 2, tzinfo=UTC))
    assert gap.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2026, 3, 8, 3, 30)
    repeated = next_run(6, time(1, 30), NEW_YORK, datetime(2026, 10, 27, tzinfo=UTC))
    assert repeated == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # first 01:30 (EDT)


def test_next_is_strictly_after_and_previous_is_at_or_before() -> None:
    at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # Monday 10:00 Berlin exactly
    assert next_run(0, time(10), BERLIN, at) == at + timedelta(days=7)
    assert previous_run(0, time(10), BERLIN, at) == at
    assert previous_run(0, time(10), BERLIN, at - timedelta(seconds=1)) == at - timedelta(days=7)


def test_grace_window_and_once_per_week() -> None:
    run = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    grace = timedelta(hours=12)
    due = due_run(0, time(10), BERLIN, run + timedelta(hours=11), grace, None)
    assert due is not None and due.week == "2026-W45" and due.run_at == run
    assert due_run(0, time(10), BERLIN, run + timedelta(hours=13), grace, None) is None
    assert due_run(0, time(10), BERLIN, run + timedelta(hours=1), grace, "2026-W45") is None


@pytest.mark.parametrize(("text", "expected"),
                         [("mon", 0), ("Monday", 0), ("1", 0), ("su", 6), ("fri", 4)])
def test_parse_weekday(text: str, expected: int) -> None:
    assert parse_weekday(text) == expected


@pytest.mark.parametrize(("text", "expected"),
                         [("10:00", time(10)), ("9:30", time(9, 30)), ("18", time(18)),
                          ("6pm", time(18)), ("12am", time(0)), ("6:30 pm", time(18, 30))])
def test_parse_local_time(text: str, expected: time) -> None:
    assert parse_local_time(text) == expected


@pytest.mark.parametrize("bad", ["25:00", "10:61", "noon", "13pm", "m", "",
                                 "9" * 30, "10:" + "9" * 30])  # (overflowed time())
def test_bad_times_and_days(bad: str) -> None:
    with pytest.raises(ValueError, match="is not a"):
        parse_local_time(bad)
    with pytest.raises(ValueError, match="is not a day"):
        parse_weekday(bad or "x")
