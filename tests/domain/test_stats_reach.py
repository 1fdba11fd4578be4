"""/stats reads the history back only to the start of the last week-long step the slowing rule
compares (:attr:`HistoryReach.STATS`, :class:`bot.domain.metrics.WeekWalk`), besides the
30-day totals' origins and the growth pair: everything it shows from that part is what the
whole history gives, for weekly and daily logs, gaps longer than a week, same-day
corrections, imported rows dated by day, a count of 0 where a step starts, in any zone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands.metrics import growth_view, kpi_view, metric_rows, slowed_view
from bot.config import PROJECT_ROOT
from bot.domain.daily import DateOnly, snapshot_day
from bot.domain.estimator import income_now
from bot.domain.metrics import (
    EARLIER_WEEKS,
    WINDOW_TOTALS,
    HistoryReach,
    MetricSnapshot,
    _surely_growth,
    compute_kpis,
    counted_on,
    left_out,
    reach_back,
)
from bot.domain.profile import UserSettings
from bot.domain.rates import load_rates
from bot.domain.slowing import paces, said_of_latest_week, slowdown, weeks

RATES = load_rates(PROJECT_ROOT / "strategies" / "rates")
T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
ZONES = (UTC, ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo"),
         ZoneInfo("Pacific/Kiritimati"))
#: Weekly paces the followers' walk draws from: falls, flat, slow and fast growth.
PACES = (-0.03, 0.0, 0.0, 0.004, 0.01, 0.02, 0.05, 0.08)


@st.composite
def stored_histories(draw: st.DrawFn) -> tuple[list[MetricSnapshot], tzinfo]:
    """A creator's snapshots as a store reads them (oldest first, by their day, then written
    order, each with its stored day in the creator's zone): logged at any hour or imported
    dated by day alone, every day, every week or with gaps of weeks, a day's later log
    correcting an earlier one; followers follow a walk of weekly paces that changes now and
    then (so the latest week slowed, or did not), sometimes 0; other totals now and then."""
    zone = draw(st.sampled_from(ZONES))
    out: list[MetricSnapshot] = []
    days = 0
    followers = float(draw(st.integers(500, 50_000)))
    pace = draw(st.sampled_from(PACES))
    steps = draw(st.sampled_from((1, 1, 7, 7, 3)))  # mostly daily or weekly
    for _ in range(draw(st.integers(0, 120))):
        gap = draw(st.sampled_from((steps, steps, steps, 0, 1, 6, 8, 13, 21)))
        days += gap
        if draw(st.integers(0, 9)) == 0:
            pace = draw(st.sampled_from(PACES))
        followers = max(0.0, round(followers * (1 + pace * gap / 7)) + draw(st.integers(-3, 3)))
        if draw(st.integers(0, 29)) == 0:
            followers = 0.0
        names = {"followers"} if draw(st.integers(0, 3)) else set()
        names |= draw(st.sets(st.sampled_from(("views", *WINDOW_TOTALS)), max_size=3))
        if not names:
            names = {"views"}
        values = {n: followers if n == "followers" else float(draw(st.integers(0, 90_000)))
                  for n in sorted(names)}
        imported = draw(st.booleans())
        if imported:
            at: datetime = DateOnly.of((T0 + timedelta(days=days)).date())
        else:
            at = T0 + timedelta(days=days, hours=draw(st.integers(0, 23)),
                                minutes=draw(st.integers(0, 59)))
        base = out[-1] if out else MetricSnapshot.empty(at)
        out.append(replace(base.merged(values, at), source="import" if imported else "log",
                           day=snapshot_day(at, zone)))
    # the stores' order: by the creator's day, then as written (a row dated by day alone and
    # a log of the same day in another order than their moments)
    order = {id(s): i for i, s in enumerate(out)}
    out.sort(key=lambda s: (s.day, order[id(s)]))
    return out, zone


def _starts(history: list[MetricSnapshot]) -> list[date]:
    """The days the slowing rule's steps start on, walking back (the latest week's first)."""
    found: list[date] = []
    end: date | None = None
    for s in reversed(history):
        if "followers" not in s.given or s.followers is None:
            continue
        day = counted_on(s)
        if end is None or (end - day).days >= 7:
            if end is not None:
                found.append(day)
            end = day
    return found


@given(stored_histories())
@settings(max_examples=500, deadline=None)
def test_stats_answers_the_same_from_the_weeks_it_reads(
        drawn: tuple[list[MetricSnapshot], tzinfo]) -> None:
    history, zone = drawn
    part = reach_back(reversed(history), HistoryReach.STATS)
    assert part == history[len(history) - len(part):]  # the most recent ones, in order
    if not history:
        return
    latest = history[-1]
    assert part[-1] is latest
    # the slowing rule and every reader of it
    assert weeks(part, zone) == weeks(history, zone)
    assert paces(weeks(part, zone)) == paces(weeks(history, zone))
    assert said_of_latest_week(part, zone) == said_of_latest_week(history, zone)
    assert slowdown(part, zone) == slowdown(history, zone)
    assert slowed_view(part, zone) == slowed_view(history, zone)
    # the KPIs, the growth line, the rows and what engagement leaves out
    kpis = compute_kpis(latest, history, zone=zone)
    assert compute_kpis(latest, part, zone=zone) == kpis
    assert growth_view(compute_kpis(latest, part, zone=zone).follower_growth, zone) \
        == growth_view(kpis.follower_growth, zone)
    out = left_out(latest, history)
    assert left_out(latest, part) == out
    assert kpi_view(latest, part, kpis, out, zone) == kpi_view(latest, history, kpis, out, zone)
    assert metric_rows(latest, part, zone) == metric_rows(latest, history, zone)
    # an income goal's "now" (its engagement: the totals' origins)
    user = UserSettings(region="US", adult=True)
    assert income_now(latest, user, RATES, (), (), part) \
        == income_now(latest, user, RATES, (), (), history)
    # and no further back than the oldest of these: the start of the last step the rule
    # compares, where the latest's totals were given, growth's pair (surely a day or more
    # before in any zone); all of it where one of them is not found
    assert len(part) == _expected_reach(history)


def _expected_reach(history: list[MetricSnapshot]) -> int:
    typed = [i for i, s in enumerate(history) if "followers" in s.given
             and s.followers is not None]
    starts = _starts(history)
    if len(starts) <= EARLIER_WEEKS:
        return len(history)
    walk = max(i for i in typed if counted_on(history[i]) == starts[EARLIER_WEEKS])
    pair = [i for i in typed[:-1] if _surely_growth(history[i], history[typed[-1]])]
    if not pair:
        return len(history)
    origins = len(reach_back(reversed(history), HistoryReach.ORIGINS))
    return max(len(history) - walk, len(history) - pair[-1], origins)


def test_a_weekly_logger_of_a_year_is_read_back_nine_weeks() -> None:
    """52 weekly logs of followers alone: the latest and the starts of the latest week and the
    EARLIER_WEEKS steps before it (10 snapshots), not 52; and the same verdict as the
    whole year."""
    history = []
    for week in range(52):
        at = T0 + timedelta(weeks=week)
        history.append(replace(MetricSnapshot.empty(at).merged(
            {"followers": 1001.0 + 37 * week + (week % 5) * 11}, at), day=at.date()))
    part = reach_back(reversed(history), HistoryReach.STATS)
    assert part == history[-2 - EARLIER_WEEKS:]
    assert weeks(part, UTC) == weeks(history, UTC)
    assert len(weeks(history, UTC).earlier) == EARLIER_WEEKS


def test_a_daily_logger_is_read_back_to_the_ninth_step() -> None:
    """A log every day with a same-day correction each: back to the day 63 days before the
    latest (nine steps of a week), both logs of each day between."""
    history = []
    for d in range(200):
        for hour, extra in ((8, 0.0), (20, 3.0)):
            at = T0 + timedelta(days=d, hours=hour)
            base = history[-1] if history else MetricSnapshot.empty(at)
            history.append(replace(base.merged({"followers": 5001.0 + 9 * d + extra}, at),
                                   day=at.date()))
    part = reach_back(reversed(history), HistoryReach.STATS)
    first_day = history[-1].day - timedelta(days=7 * (1 + EARLIER_WEEKS))  # type: ignore[operator]
    assert part[0].day == first_day
    assert part[0] is [s for s in history if s.day == first_day][-1]  # the day's last
    assert weeks(part, UTC) == weeks(history, UTC)
