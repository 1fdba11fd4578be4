"""Migration 0239's ``replaced_day`` for rows hidden before it (``_replaced_days``): the day
of the row of the import that replaced each, in the time zone the creator had then, found
from the rows; the day a row is on now where that zone pairs them, or nothing tells."""

from __future__ import annotations

from bot.store.sqlite import _replaced_days

#: (id, action, replaced_by, taken_at, dated, day now)
TIMED_1017 = (1, 1, 2, "2026-11-17T05:00:00+00:00", 0, "2026-11-16")  # 14:00 in Tokyo
TIMED_1018 = (2, 1, 2, "2026-11-18T05:00:00+00:00", 0, "2026-11-17")
DATED_17 = (3, 2, None, "2026-11-17T12:00:00+00:00", 1, "2026-11-17")
DATED_18 = (4, 2, None, "2026-11-18T12:00:00+00:00", 1, "2026-11-18")


def test_rows_hidden_in_tokyo_get_the_days_that_replaced_them_there() -> None:
    """Imported in Tokyo, both replaced by the dated rows of their dates there; after a move
    to Los Angeles they are on the 16th and the 17th. The 14:00 row pairs with the 17th only
    in a zone east of UTC-5, and there the other pairs with the 18th: so both are."""
    assert sorted(_replaced_days([TIMED_1017, TIMED_1018, DATED_17, DATED_18])) == [
        ("2026-11-17", 1), ("2026-11-18", 2)]


def test_rows_on_the_days_of_their_replacement_keep_them() -> None:
    """No time zone change since (each is on its day in the zone it was replaced in)."""
    assert _replaced_days([(1, 1, 2, "2026-11-17T05:00:00+00:00", 0, "2026-11-17"),
                           (2, 1, 2, "2026-11-18T05:00:00+00:00", 0, "2026-11-18"),
                           DATED_17, DATED_18]) == []


def test_a_row_no_zone_pairs_keeps_its_day() -> None:
    """The replacing import has no row within a day of it in any zone: not known."""
    assert _replaced_days([(1, 1, 2, "2026-11-10T05:00:00+00:00", 0, "2026-11-09"),
                           DATED_17, DATED_18]) == []
