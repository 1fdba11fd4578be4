"""as_known_now: a content field logged later stands in where it was not known yet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.eligibility import CONTENT_FIELDS, as_known_now, stood_in
from bot.domain.metrics import MetricSnapshot

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _logs(*changes: dict[str, float]) -> list[MetricSnapshot]:
    """Weekly snapshots, each carrying the previous one's values forward as the stores do."""
    out: list[MetricSnapshot] = []
    s = MetricSnapshot.empty(T0)
    for i, c in enumerate(changes):
        s = s.merged(c, T0 + timedelta(weeks=i))
        out.append(s)
    return out


def test_a_video_length_logged_later_stands_in_before_it() -> None:
    history = _logs({"followers": 56_000}, {"followers": 57_000},
                    {"followers": 58_000, "avg_video_length": 48})
    known = as_known_now(history)
    assert [k.snapshot.avg_video_length for k in known] == [48, 48, 48]
    assert [k.stood_in for k in known] == [(("avg_video_length", 48.0),)] * 2 + [()]
    # nothing else changes; the latest is the stored object itself
    assert [k.snapshot.followers for k in known] == [56_000, 57_000, 58_000]
    assert known[0].snapshot.given == history[0].given and known[2].snapshot is history[2]
    assert stood_in(known) == (("avg_video_length", 48.0),)
    assert CONTENT_FIELDS == ("avg_video_length",)


def test_the_nearest_later_value_stands_in_and_a_known_one_is_kept() -> None:
    history = _logs({"followers": 1}, {"avg_video_length": 48}, {"avg_video_length": 75})
    known = as_known_now(history)
    # the first takes the value logged next after it, never the latest (1:15): a change of
    # the length once known is real
    assert [k.snapshot.avg_video_length for k in known] == [48, 48, 75]
    assert known[1].snapshot is history[1] and known[2].snapshot is history[2]
    assert stood_in(known) == (("avg_video_length", 48.0),)


def test_counts_are_never_filled_and_nothing_known_changes_nothing() -> None:
    history = _logs({"followers": 1}, {"views": 100}, {"followers": 3})
    known = as_known_now(history)
    assert all(k.snapshot is s and not k.stood_in for k, s in zip(known, history, strict=True))
    assert known[0].snapshot.views is None and stood_in(known) == ()
    assert as_known_now([]) == []
