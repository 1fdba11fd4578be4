"""A what-if changes the creator's current numbers in place (:func:`bot.domain.metrics.
hypothetical`): repeating a number already logged changes nothing, and more likes, comments
or shares never lower any route, whatever windows the creator's logs left (totals carried
from earlier logs, views logged alone, imports)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.config import PROJECT_ROOT
from bot.domain.estimator import Estimate, estimate, what_if
from bot.domain.metrics import (
    ENGAGEMENT_PARTS,
    METRIC_BY_NAME,
    METRIC_NAMES,
    WINDOW_TOTALS,
    EngagementGap,
    MetricSnapshot,
    engagement_gap,
    hypothetical,
    implausible,
    same_window,
    what_if_apart,
)
from bot.domain.profile import UserSettings
from bot.domain.rates import load_rates

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)  # the first log
RATES = load_rates(PROJECT_ROOT / "strategies" / "rates")
#: What a creator logs, with values of their size (rates and lengths within their bounds).
_VALUES = {
    "followers": st.integers(0, 2_000_000), "views": st.integers(0, 5_000_000),
    "avg_views": st.integers(0, 200_000), "likes": st.integers(0, 400_000),
    "comments": st.integers(0, 20_000), "shares": st.integers(0, 20_000),
    "saves": st.integers(0, 20_000), "videos_per_week": st.integers(0, 21),
    "avg_watch_time": st.integers(1, 60), "completion_rate": st.floats(0.01, 1),
    "avg_video_length": st.integers(5, 600), "live_hours": st.integers(0, 40),
    "live_viewers": st.integers(0, 5_000), "diamonds": st.integers(0, 500_000),
}
if set(_VALUES) != set(METRIC_NAMES):
    raise RuntimeError("a metric without values to draw")
USERS = st.builds(UserSettings, region=st.sampled_from((None, "US", "GB", "DE", "BR")),
                  adult=st.sampled_from((None, True)),
                  does=st.sampled_from(((), ("brand",), ("brand", "affiliate", "products"))))


@st.composite
def logs(draw: st.DrawFn) -> list[MetricSnapshot]:
    """A creator's stored snapshots, each carrying the one before it forward as the store
    does: logs of any fields (a whole one, views alone, …), imports and syncs."""
    out: list[MetricSnapshot] = []
    for i in range(draw(st.integers(1, 5))):
        at = T0 + timedelta(days=i * draw(st.sampled_from((0, 1, 7))), minutes=i)
        names = draw(st.sets(st.sampled_from(METRIC_NAMES), min_size=1, max_size=8))
        values = {n: float(draw(_VALUES[n])) for n in sorted(names)}
        base = out[-1] if out else MetricSnapshot.empty(at)
        out.append(replace(base.merged(values, at),
                           source=draw(st.sampled_from(("log", "import", "sync")))))
    return out


def _estimate(snapshot: MetricSnapshot, user: UserSettings, history: list[MetricSnapshot],
              typed: frozenset[str] = frozenset()) -> Estimate:
    return estimate(snapshot, user, RATES, history=history, what_if=typed)


def _same_as_plain(history: list[MetricSnapshot], user: UserSettings,
                   overrides: dict[str, float]) -> None:
    latest = history[-1]
    snapshot, _basis = what_if(latest, overrides, history)
    assert _estimate(snapshot, user, history, frozenset(overrides)) \
        == _estimate(latest, user, history), overrides
    # /estimate's check refuses the creator's own numbers only where they can't be now:
    # totals of the views' 30 days above them
    now = replace(same_window(latest, history), given=frozenset(METRIC_NAMES))
    assert bool(implausible(None, snapshot, frozenset(overrides))) <= bool(
        implausible(None, now, frozenset(overrides))), overrides


@given(logs(), USERS, st.data())
@settings(max_examples=300, deadline=None)
def test_a_what_if_of_the_current_value_is_the_plain_estimate(
        history: list[MetricSnapshot], user: UserSettings, data: st.DataObject) -> None:
    """Each field alone, and several at once but never views with a total (given together
    they are one window, though the creator logged them in two: the reply's advice for a
    total of another window, "add views=… to the what-if", relies on it)."""
    latest = history[-1]
    known = [n for n in METRIC_NAMES if getattr(latest, n) is not None]
    for name in known:
        _same_as_plain(history, user, {name: getattr(latest, name)})
    assume(known)
    names = data.draw(st.sets(st.sampled_from(known), min_size=1, max_size=4))
    assume(not ("views" in names and names & set(WINDOW_TOTALS)))
    _same_as_plain(history, user, {n: getattr(latest, n) for n in names})


@given(logs(), USERS, st.sampled_from(ENGAGEMENT_PARTS), st.floats(1.01, 20))
@settings(max_examples=300, deadline=None)
def test_more_likes_comments_or_shares_never_lower_any_route(
        history: list[MetricSnapshot], user: UserSettings, part: str, times: float) -> None:
    latest = history[-1]
    now = getattr(latest, part)
    assume(now is not None and now > 0)
    overrides = {part: float(round(now * times))}
    snapshot, _basis = what_if(latest, overrides, history)
    assume(not implausible(None, snapshot, frozenset(overrides)))  # /estimate refuses it
    # above derived views (average views × videos) engagement can't be: the reply says so
    assume(engagement_gap(snapshot, history) is not EngagementGap.ABOVE_VIEWS)
    plain = _estimate(latest, user, history)
    more = _estimate(snapshot, user, history, frozenset(overrides))
    for before, after in zip(plain.routes, more.routes, strict=True):
        assert (before.monthly is None) == (after.monthly is None)
        if before.monthly is not None and after.monthly is not None:
            assert after.monthly.typical >= before.monthly.typical * (1 - 1e-12), before.key
    assert more.potential.typical >= plain.potential.typical * (1 - 1e-12)
    assert more.now.typical >= plain.now.typical * (1 - 1e-12)


# -- the windows of a what-if, one rule each (:func:`hypothetical`) ------------------------------

WHOLE = MetricSnapshot.empty(T0).merged(
    {"followers": 12_000, "views": 40_000, "likes": 3_100, "comments": 210, "shares": 95}, T0)


def _paired(s: MetricSnapshot, history: list[MetricSnapshot]) -> set[str]:
    window = same_window(s, history)
    return {n for n in WINDOW_TOTALS if getattr(window, n) is not None}


def test_every_field_of_one_whole_log_keeps_its_window() -> None:
    history = [WHOLE]
    for name in METRIC_NAMES:
        value = getattr(WHOLE, name)
        s = hypothetical(WHOLE, {name: 7.0 if value is None else value}, history)
        expected = {"likes", "comments", "shares"} | ({name} & set(WINDOW_TOTALS))
        assert _paired(s, history) == expected, name
        assert _paired(s, []) == _paired(s, history)  # the same read without history


def test_views_logged_later_stay_apart_from_totals_of_the_earlier_log() -> None:
    views = WHOLE.merged({"views": 41_000}, T0 + timedelta(days=1))
    history = [WHOLE, views]
    assert _paired(hypothetical(views, {"views": 50_000}, history), history) == set()
    likes = hypothetical(views, {"likes": 3_500}, history)
    assert _paired(likes, history) == set()
    assert what_if_apart(likes, {"likes"}, history) == ("likes",)
    assert engagement_gap(likes, history) is EngagementGap.DIFFERENT_SNAPSHOTS
    # given with the views, the likes are of their 30 days
    both = hypothetical(views, {"views": 41_000, "likes": 3_500}, history)
    assert _paired(both, history) == {"likes"}
    # a total never logged joins the views' 30 days
    assert _paired(hypothetical(views, {"saves": 20}, history), history) == {"saves"}


def test_views_of_a_creator_without_any_pair_with_no_stored_total() -> None:
    likes = MetricSnapshot.empty(T0).merged({"followers": 2_000, "likes": 630}, T0)
    s, basis = what_if(likes, {"views": 1_200_000}, [likes])
    assert basis == "unknown" and _paired(s, [likes]) == set()
    assert _paired(hypothetical(likes, {"views": 9_000, "likes": 630}, [likes]),
                   [likes]) == {"likes"}


def test_views_replacing_derived_ones_pair_as_those_did() -> None:
    derived = MetricSnapshot.empty(T0).merged(
        {"avg_views": 5_000, "videos_per_week": 7, "likes": 4_000}, T0)
    s, basis = what_if(derived, {"views": 300_000}, [derived])
    assert basis == "kept" and _paired(s, [derived]) == {"likes"}


def test_an_unknown_metric_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown metrics"):
        hypothetical(WHOLE, {"followrs": 1.0}, [WHOLE])


def test_every_metric_has_values_to_draw() -> None:
    assert all(name in _VALUES for name in METRIC_BY_NAME)
