"""/estimate and /stats read the history only back to where their answer comes from
(:func:`bot.domain.metrics.reach_back`): every function they give it answers as it does with
the whole history, for any history (carried values, totals of other windows, same-day
corrections, snapshots of a day out of time order, imports)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import PROJECT_ROOT
from bot.domain.estimator import compare_engagement, estimate, what_if
from bot.domain.metrics import (
    EARLIER_WEEKS,
    WINDOW_TOTALS,
    HistoryReach,
    MetricSnapshot,
    compute_kpis,
    engagement_gap,
    engagement_rate_views,
    growth,
    left_out,
    reach_back,
    same_window,
    window_ends,
)
from bot.domain.profile import UserSettings
from bot.domain.rates import load_rates

RATES = load_rates(PROJECT_ROOT / "strategies" / "rates")
T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
NAMES = ("followers", "views", *WINDOW_TOTALS)


@st.composite
def histories(draw: st.DrawFn) -> list[MetricSnapshot]:
    """Snapshots in the store's order (by day), each carrying the one before it forward as
    the store does, typed or imported, some on the same day as the one before (a correction),
    at any hour (so a later one of a day may be earlier in time); read from a store (with the
    stored day, the one /stats' walk over the weeks goes by) or not (none: the whole history
    is walked)."""
    out: list[MetricSnapshot] = []
    stored = draw(st.booleans())
    day = 0
    for _ in range(draw(st.integers(0, 14))):
        day += draw(st.sampled_from((0, 0, 1, 2, 7)))
        at = T0 + timedelta(days=day, hours=draw(st.integers(0, 23)))
        given_names = draw(st.sets(st.sampled_from(NAMES), min_size=1))
        values = {n: float(draw(st.integers(0, 50_000))) for n in sorted(given_names)}
        base = out[-1] if out else MetricSnapshot.empty(at)
        source = draw(st.sampled_from(("log", "import", "sync")))
        out.append(replace(base.merged(values, at), source=source,
                           day=(T0 + timedelta(days=day)).date() if stored else None))
    return out


def cut(history: list[MetricSnapshot], reach: HistoryReach) -> list[MetricSnapshot]:
    return reach_back(reversed(history), reach)


#: Time zones whose clocks change in the histories' months (New York on 8 March, Lord Howe
#: by half an hour, Troll by two hours): the reach is read without the zone, and growth
#: counts the creator's wall-clock days (daily.wall_days).
ZONES = (UTC, ZoneInfo("America/New_York"), ZoneInfo("Australia/Lord_Howe"),
         ZoneInfo("Antarctica/Troll"))


@given(histories(), st.sampled_from(ZONES))
@settings(max_examples=400, deadline=None)
def test_stats_answers_the_same_from_the_part_it_reads(history: list[MetricSnapshot],
                                                       zone: tzinfo) -> None:
    part = cut(history, HistoryReach.STATS)
    assert part == history[len(history) - len(part):]  # the most recent ones, in order
    if not history:
        assert part == []
        return
    latest = history[-1]
    assert part[-1] is latest
    assert compute_kpis(latest, part, zone=zone) == compute_kpis(latest, history, zone=zone)
    assert growth(part, zone=zone) == growth(history, zone=zone)
    assert left_out(latest, part) == left_out(latest, history)
    assert window_ends(latest, part) == window_ends(latest, history)
    assert engagement_gap(latest, part) == engagement_gap(latest, history)


@given(histories(), st.dictionaries(st.sampled_from(NAMES), st.integers(1, 90_000).map(float),
                                     max_size=2))
@settings(max_examples=400, deadline=None)
def test_estimate_answers_the_same_from_the_part_it_reads(
        history: list[MetricSnapshot], overrides: dict[str, float]) -> None:
    part = cut(history, HistoryReach.ORIGINS)
    assert part == history[len(history) - len(part):]
    if not history:
        return
    latest = history[-1]
    assert same_window(latest, part) == same_window(latest, history)
    assert engagement_rate_views(latest, part) == engagement_rate_views(latest, history)
    assert what_if(latest, overrides, part) == what_if(latest, overrides, history)
    snapshot = what_if(latest, overrides, history)[0] if overrides else latest
    assert compare_engagement(snapshot, RATES, part) == compare_engagement(snapshot, RATES,
                                                                            history)
    whole = estimate(snapshot, UserSettings(region="US", adult=True), RATES, history=history,
                     what_if=frozenset(overrides))
    assert estimate(snapshot, UserSettings(region="US", adult=True), RATES, history=part,
                    what_if=frozenset(overrides)) == whole


def test_a_latest_snapshot_that_gave_everything_needs_itself_alone() -> None:
    """The benchmark's weekly imports: each row gives every total (and followers a week after
    the one before): /estimate reads one snapshot, /stats ten of 52 (the latest, and the
    start of the latest week and of the EARLIER_WEEKS steps before it the slowing rule
    compares; two before the rule read the median of every week, then all 52)."""
    history = []
    for week in range(52):
        at = T0 + timedelta(weeks=week)
        history.append(replace(MetricSnapshot.empty(at).merged(
            {"followers": 8000.0 + week, "views": 9e4, "likes": 8e3, "comments": 300.0,
             "shares": 150.0}, at), day=at.date()))
    assert cut(history, HistoryReach.ORIGINS) == history[-1:]
    assert cut(history, HistoryReach.STATS) == history[-2 - EARLIER_WEEKS:]
    assert cut(history, HistoryReach.ALL) == history


def test_a_total_given_long_ago_is_read_back_to() -> None:
    """``/log followers=… views=…`` every week over likes logged once, months ago: the likes'
    snapshot is read (its window is named in /stats), and nothing before it (nine weeks
    after it: the start of the slowing rule's last step too)."""
    def stored(s: MetricSnapshot) -> MetricSnapshot:
        return replace(s, day=s.taken_at.date())

    first = stored(MetricSnapshot.empty(T0).merged(
        {"followers": 1e3, "likes": 500.0, "views": 1e4}, T0))
    history = [stored(MetricSnapshot.empty(T0 - timedelta(days=3)).merged(
        {"followers": 900.0}, T0 - timedelta(days=3))), first]
    for week in range(1, 10):
        at = T0 + timedelta(weeks=week)
        history.append(stored(history[-1].merged({"followers": 1e3 + week, "views": 2e4}, at)))
    assert cut(history, HistoryReach.ORIGINS) == history[1:]
    assert cut(history, HistoryReach.STATS) == history[1:]


def test_the_reach_goes_back_past_a_pair_the_clocks_going_back_make_less_than_a_day() -> None:
    """Logs at 09:30 on 31 October and 09:00 on 1 November 2026 in New York (the clocks go
    back in between) are 24.5 hours apart in UTC but 23.5 on the creator's clock: no growth
    between them, so growth reads the log of 25 October. The store reads the reach without
    the zone: it goes back until a span is a day in any zone (metrics._surely_growth)."""
    new_york = ZoneInfo("America/New_York")
    history: list[MetricSnapshot] = []
    for wall, followers in ((datetime(2026, 10, 25, 9, 0), 1000.0),
                            (datetime(2026, 10, 31, 9, 30), 1100.0),
                            (datetime(2026, 11, 1, 9, 0), 1200.0)):
        at = wall.replace(tzinfo=new_york).astimezone(UTC)
        base = history[-1] if history else MetricSnapshot.empty(at)
        history.append(replace(base.merged({"followers": followers}, at), source="log"))
    whole = growth(history, zone=new_york)
    assert whole is not None and whole.previous == 1000.0 and whole.days == 7.0
    assert growth(cut(history, HistoryReach.STATS), zone=new_york) == whole
