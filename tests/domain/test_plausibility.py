"""Property: the snapshot before the previous one (``earlier``, which /log passes) changes how
a fall or jump is said, never whether it is held: no value a /log would hold against the
previous snapshot is saved unasked because of what came before it (review: 5k, a confirmed
viral 60k, then a dropped zero 6k was saved with no question)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.metrics import MetricSnapshot, implausibilities

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
VALUES = st.integers(min_value=1, max_value=10**9).map(float)


def _at(days: int, **values: float) -> MetricSnapshot:
    return MetricSnapshot(taken_at=T0 + timedelta(days=days), given=frozenset(values),
                          **values)  # type: ignore[arg-type]


@given(st.sampled_from(["followers", "views", "diamonds"]), VALUES, VALUES, VALUES)
def test_earlier_never_decides_whether_a_log_is_held(
        name: str, first: float, outlier: float, now: float) -> None:
    earlier, previous, after = _at(0, **{name: first}), _at(1, **{name: outlier}), _at(
        2, **{name: now})
    alone = implausibilities(previous, after, {name})
    told = implausibilities(previous, after, {name}, earlier=earlier)
    assert [p.fields for p in told] == [p.fields for p in alone]


def test_a_value_back_near_the_one_before_an_outlier_names_both_readings() -> None:
    told = implausibilities(_at(1, followers=60_000), _at(2, followers=6000), {"followers"},
                            earlier=_at(0, followers=5000))
    assert [p.text for p in told] == [
        "followers went from 60k to 6k since your previous log, back near the 5k before it. "
        "If 60k was a typo, /undo takes that log back; if it was right, check 6k"]
    # an import's or sync's check has no /undo of a log to offer: the usual sentence
    row = implausibilities(_at(1, followers=60_000), _at(2, followers=6000), {"followers"},
                           earlier=_at(0, followers=5000), since="row")
    assert [p.text for p in row] == [
        "followers fell from 60k to 6k since the snapshot before it, more than half"]


@given(st.sampled_from(["followers", "views", "likes", "diamonds"]),
       st.integers(min_value=1, max_value=10**8), st.sampled_from([10, 11, 100]))
def test_an_extra_digit_is_asked_about_in_every_check(name: str, value: int, times: int) -> None:
    """An extra digit gives about 10× (12,345 -> 123,450 is exactly 10×, 12.5k -> 125k):
    /log, imports, files and syncs (one function, every ``since``) ask about a count 10× its
    previous value or more; the check was "more than 10×", so the typo was saved unasked."""
    for since in ("log", "row", "file", "sync"):
        found = implausibilities(_at(0, **{name: float(value)}),
                                 _at(1, **{name: float(value * times)}), {name}, since=since)
        assert [p.fields for p in found] == [frozenset({name})], (since, found)
        assert "10× or more" in found[0].text
    # and under 10× it is growth
    assert not implausibilities(_at(0, **{name: float(value * 10)}),
                                _at(1, **{name: float(value * 99)}), {name})


def test_typed_decimals_at_exactly_ten_times_are_asked_about() -> None:
    """12.5k then 125k (the trial's typo) and other typed decimals whose product has float
    error still count as 10×."""
    from bot.domain.metrics import dropped, implausible_rows, jumped

    for before, after in [(12_500.0, 125_000.0), (1.23 * 1000, 12.3 * 1000),
                          (0.7 * 1000, 7 * 1000.0), (12_345.0, 123_450.0)]:
        assert jumped(before, after) and dropped(after, before), (before, after)
    assert not jumped(12_500.0, 124_999.0) and not dropped(125_000.0, 12_501.0)
    # an import's rows: the same check
    rows = [(T0, {"followers": 12_500.0}), (T0 + timedelta(days=1), {"followers": 125_000.0})]
    found = implausible_rows([], rows)
    assert len(found) == 1 and "12.5k to 125k" in found[0][1], found
