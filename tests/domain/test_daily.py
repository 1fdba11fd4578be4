"""DailyColumns' checks on the days it is given."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.daily import canonical_days

ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d", re.ASCII)

# Texts near YYYY-MM-DD: real days with one character changed (a dash where a digit was, a
# digit where a dash was, another digit: Arabic-Indic, full-width; a lone surrogate), one
# dropped or one added; any text of such characters; and real days written the usual way.
chars = st.sampled_from([*"0123456789-W/ T", "٣", "２", "é", "\ud800"])
iso = st.dates().map(lambda d: d.isoformat())
changed = st.tuples(iso, st.integers(0, 9), chars).map(lambda t: t[0][:t[1]] + t[2]
                                                       + t[0][t[1] + 1:])
dropped = st.tuples(iso, st.integers(0, 9)).map(lambda t: t[0][:t[1]] + t[0][t[1] + 1:])
added = st.tuples(iso, st.integers(0, 10), chars).map(lambda t: t[0][:t[1]] + t[2] + t[0][t[1]:])
days = st.one_of(iso, iso, changed, dropped, added, st.text(chars, min_size=8, max_size=12))


@settings(max_examples=2000, deadline=None)
@given(st.lists(days, max_size=6))
def test_canonical_days_are_those_each_written_yyyy_mm_dd(texts: list[str]) -> None:
    """Checked column-wise over the texts joined, the answer is each text's own."""
    assert canonical_days(texts) == all(ISO_DAY.fullmatch(t) for t in texts)


@settings(deadline=None)
@given(st.integers(0, 3 * 365 * 24 * 60), st.integers(-400 * 24 * 60, 400 * 24 * 60),
       st.sampled_from(("UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
                        "Asia/Kolkata", "America/Sao_Paulo")))
def test_wall_days_is_the_difference_of_the_two_local_times(start: int, span: int,
                                                            zone_name: str) -> None:
    """wall_days (and days_between of two wall_time points, as the weekly rates measure) is
    the difference of the two moments' naive local times in the zone, across changes of the
    clocks (Lord Howe moves by half an hour), whichever of the two is later."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from bot.domain.daily import days_between, wall_days, wall_time

    zone = ZoneInfo(zone_name)
    earlier = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=start)
    later = earlier + timedelta(minutes=span)
    naive = (later.astimezone(zone).replace(tzinfo=None)
             - earlier.astimezone(zone).replace(tzinfo=None)).total_seconds() / 86_400
    assert wall_days(earlier, later, zone) == naive
    assert days_between(wall_time(earlier, zone), wall_time(later, zone)) == naive
