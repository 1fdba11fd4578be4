"""The engagement rate by views alone (a trend over every stored snapshot reads only it) is
the one :func:`compute_kpis` gives, for any snapshot, typed or carried values alike."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.metrics import MetricSnapshot, compute_kpis, engagement_rate_views

T0 = datetime(2026, 1, 5, 12, tzinfo=UTC)
_VALUE = st.none() | st.floats(min_value=0, max_value=1e7, allow_nan=False)
_FIELDS = ("views", "likes", "comments", "shares", "saves", "followers", "videos_per_week",
           "avg_views")


@given(st.fixed_dictionaries({name: _VALUE for name in _FIELDS}),
       st.sets(st.sampled_from(_FIELDS)))
def test_it_is_the_kpi(values: dict[str, float | None], typed: set[str]) -> None:
    s = replace(MetricSnapshot.empty(T0), **values, given=frozenset(typed))
    assert engagement_rate_views(s) == compute_kpis(s, zone=UTC).engagement_rate_views


def test_with_history_it_is_the_kpi_and_the_estimators() -> None:
    """The trial's three logs: a whole one, views alone, the same followers again. Every
    reader decides as ``same_window`` does with the history, and without it a snapshot pairs
    only what it typed itself (the third log's carried views and likes are two logs')."""
    from datetime import timedelta

    from bot.domain.estimator import engagement_rate, what_if
    from bot.domain.metrics import engagement_gap

    whole = MetricSnapshot.empty(T0).merged(
        {"followers": 12_000, "views": 40_000, "likes": 3_100, "comments": 210, "shares": 95},
        T0)
    views = whole.merged({"views": 41_000}, T0 + timedelta(minutes=1))
    again = views.merged({"followers": 12_000}, T0 + timedelta(minutes=2))
    history = [whole, views, again]
    for s in history:
        expected = 3405 / 40_000 if s is whole else None
        assert engagement_rate_views(s, history) == compute_kpis(s, history, zone=UTC) \
            .engagement_rate_views == engagement_rate(s, history) == expected
        assert (engagement_gap(s, history) is None) == (s is whole)
    assert engagement_rate_views(again) is None  # without history: not one window
    # a snapshot not in the history stands after all of it (the newest: a what-if of the
    # latest, a /log being checked), never placed by its moment (a row dated by day alone
    # has none of the creator's day; branch trusttz)
    assert engagement_rate_views(whole.merged({"followers": 13_000}, T0), [whole]) \
        == 3405 / 40_000  # views and likes both from the whole log
    assert engagement_rate_views(whole.merged({"followers": 13_000}, T0), history) is None
    hypothetical, basis = what_if(again, {"views": 80_000}, history)
    assert basis == "unknown" and engagement_rate(hypothetical, history) is None


_HISTORY = st.lists(st.tuples(st.fixed_dictionaries({name: _VALUE for name in _FIELDS}),
                              st.sets(st.sampled_from(_FIELDS)),
                              st.integers(min_value=0, max_value=60 * 24 * 40)),
                    min_size=1, max_size=6)


@given(_HISTORY)
def test_every_kpi_divides_what_same_window_keeps(rows: list[tuple[dict[str, float | None],
                                                                   set[str], int]]) -> None:
    """The KPIs, the parts left out and why the rate is unknown read the totals
    :func:`same_window` keeps, with and without the history; growth is the latest typed value
    against the most recent one typed a day or more before it."""
    from datetime import timedelta

    from bot.domain.metrics import (
        WINDOW_TOTALS,
        engagement_by_views,
        engagement_gap,
        growth,
        interactions,
        left_out,
        per_view,
        same_window,
        views_in_period,
    )

    history = sorted((replace(MetricSnapshot.empty(T0 + timedelta(minutes=m)), **values,
                              given=frozenset(typed)) for values, typed, m in rows),
                     key=lambda s: s.taken_at)
    for s in history:
        for h in (history, None):
            w = same_window(s, h)
            k = compute_kpis(s, h, zone=UTC)
            views = views_in_period(s)
            assert k.engagement_rate_views == engagement_by_views(interactions(w), views) \
                == engagement_rate_views(s, h)
            for name in WINDOW_TOTALS:
                assert getattr(k, f"{name}_per_view") == per_view(getattr(w, name), views)
            rate = k.engagement_rate_views
            assert left_out(s, h) == (() if rate is None else tuple(
                n for n in ("likes", "comments", "shares")
                if getattr(s, n) is not None and getattr(w, n) is None))
            assert (engagement_gap(s, h) is None) == (rate is not None)
    for metric in ("followers", "views"):
        typed = [s for s in history if metric in s.given and getattr(s, metric) is not None]
        earlier = [p for p in typed[:-1]
                   if (typed[-1].taken_at - p.taken_at) >= timedelta(days=1)]
        g = growth(history, metric, zone=UTC)
        if not earlier:
            assert g is None
        else:
            assert g is not None and g.since == earlier[-1].taken_at
            assert g.current == getattr(typed[-1], metric)
            assert g.previous == getattr(earlier[-1], metric)
