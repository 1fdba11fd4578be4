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
