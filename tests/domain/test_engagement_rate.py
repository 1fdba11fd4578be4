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
    assert engagement_rate_views(s) == compute_kpis(s).engagement_rate_views
