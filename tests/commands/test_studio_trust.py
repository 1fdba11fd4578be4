"""Trust in the numbers after a TikTok Studio import, through the console on both store
backends: /stats never mixes sources without saying so, the import preview names clashes with
what the creator logged, replaced rows are not "the snapshot before it", same-day corrections
are not trends, and one minus sign per line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.domain import numbers
from bot.domain.facts import compute_facts
from bot.domain.metrics import MetricSnapshot, implausible_rows
from bot.domain.profile import Profile, UserSettings
from bot.domain.rates import load_rates
from tests.auxil.clock import FakeClock

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tiktok_studio"
ZIP = FIXTURES / "tiktok_studio_export.zip"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 29, 21, 0, tzinfo=UTC))



async def test_a_log_then_an_import_never_shows_mixed_sources_as_one_window(
        both: ConsoleAdapter) -> None:
    assert (await both.ask("/log followers=12k views=40k")).ok
    preview = (await both.ask(f"/import path={ZIP}")).text
    # the preview says the /log no longer fits the file's numbers before it
    assert "what you logged: followers fell from 36.4k to 12k" in preview, preview
    assert (await both.ask(f"/import path={ZIP} confirm")).ok
    stats = (await both.ask("/stats")).text
    assert "Views (30 days): 40k\n" in stats, stats
    # the imported likes cover another 30 days, and say which
    assert "Likes (30 days): 70.3k (30 days to 2026-11-27)" in stats, stats
    # the growth line names the import, not a log, and uses one minus sign
    line = next(x for x in stats.splitlines() if "Followers since" in x)
    assert "since your import of 2026-11-27" in line, line
    assert "your log" not in line, line
    assert "-" not in line.replace("2026-11-27", ""), line
    # the change and its percentage; 2.4 days give no pace a week (metrics.weekly_pace)
    assert line.count("\u2212") == 2 and "a week" not in line, line


async def test_the_preview_names_numbers_that_differ_from_a_log_of_the_same_day(
        both: ConsoleAdapter, clock: FakeClock) -> None:
    clock.current = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    assert (await both.ask("/log followers=12k")).ok
    clock.current = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    preview = (await both.ask(f"/import path={ZIP}")).text
    assert ("2026-11-27: you logged followers 12k that day and the file says 36.4k; the "
            "file's number is newer, so it counts for that day") in preview, preview


async def test_rounded_logs_of_the_same_day_are_no_clash(both: ConsoleAdapter,
                                                         clock: FakeClock) -> None:
    clock.current = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    assert (await both.ask("/log followers=36k")).ok
    clock.current = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    preview = (await both.ask(f"/import path={ZIP}")).text
    assert "that day and the file says" not in preview, preview
    assert "These rows look wrong" not in preview, preview


async def test_the_preview_quotes_the_corrected_log_as_a_clash_not_a_fault_of_the_file(
        both: ConsoleAdapter) -> None:
    assert (await both.ask("/log followers=850")).ok
    assert (await both.ask("/log followers=870")).ok  # the same day: corrects the typo
    preview = (await both.ask(f"/import path={ZIP}")).text
    assert "850" not in preview, preview
    assert "These rows look wrong" not in preview, preview
    assert "correct the file first" not in preview, preview
    assert ("Where the file and what you logged disagree:\n• 2026-11-29: what you logged: "
            "followers fell from 36,441 to 870 since the file's snapshot before it") in preview, \
        preview


async def test_a_file_without_followers_raises_no_followers_check(
        both: ConsoleAdapter, clock: FakeClock, tmp_path: Path) -> None:
    assert (await both.ask("/log followers=850")).ok
    assert (await both.ask("/log followers=870")).ok
    assert (await both.ask(f"/import path={ZIP} confirm")).ok
    clock.current = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    assert (await both.ask("/log followers=1020")).ok
    csv = tmp_path / "views.csv"
    csv.write_text("date,views\n2026-11-26,1300000\n2026-11-27,1310000\n"
                   "2026-11-28,1320000\n", encoding="utf-8")
    preview = (await both.ask(f"/import path={csv}")).text
    assert "850" not in preview and "Followers" not in preview and "fell" not in preview, \
        preview
    assert "look wrong" not in preview and "disagree" not in preview, preview
    # a check that does involve the file's column is still made against the stored log
    clash = tmp_path / "followers.csv"
    clash.write_text("date,followers\n2026-11-28,36500\n", encoding="utf-8")
    preview = (await both.ask(f"/import path={clash}")).text
    assert "followers fell from 36,500 to 870" in preview, preview  # one style (was "36.5k")


def _overview_csv(tmp_path: Path) -> Path:
    """The fixture's own-format CSV of 30-day totals: each date's likes far below the
    Studio file's, as an earlier hand-made import would be."""
    path = tmp_path / "history.csv"
    rows = ["date,likes"] + [f"2026-09-{d:02d},2100" for d in range(1, 19)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


async def test_a_replaced_row_is_not_the_snapshot_before_it(both: ConsoleAdapter,
                                                            tmp_path: Path) -> None:
    csv = _overview_csv(tmp_path)
    assert (await both.ask(f"/import path={csv} confirm")).ok
    preview = (await both.ask(f"/import path={FIXTURES / 'Overview.csv'}")).text
    assert "It replaces" in preview, preview
    assert "to 2.1k" not in preview and "from 2.1k" not in preview, preview
    assert "These rows look wrong" not in preview, preview


def test_rows_are_checked_against_the_previous_date_after_the_import() -> None:
    day = [datetime(2026, 9, d, 12, tzinfo=UTC) for d in (1, 2, 3)]
    stored = [MetricSnapshot(day[0], likes=2_100, given=frozenset({"likes"}), source="import"),
              MetricSnapshot(day[1], likes=2_100, given=frozenset({"likes"}), source="import")]
    rows = [(day[0], {"likes": 39_000.0}), (day[1], {"likes": 39_805.0})]
    assert implausible_rows(stored, rows) == []
    # a kept earlier row still counts where the import doesn't replace it
    kept = implausible_rows(stored[:1], [(day[1], {"likes": 39_805.0})])
    assert [at for at, _text in kept] == [day[1]]
    # a logged row of the same date is not replaced: it stays "before" the file's row
    logged = [MetricSnapshot(day[0], likes=2_100, given=frozenset({"likes"}), source="log")]
    found = implausible_rows(logged, [(day[0], {"likes": 39_000.0})])
    assert any("went from 2.1k to 39k" in t for _at, t in found), found


def _facts(history: list[MetricSnapshot]) -> dict[str, float]:
    return compute_facts(Profile(UserSettings(), history[-1], tuple(history)),
                         load_rates(Path(__file__).resolve().parents[2] / "strategies" / "rates"))


def test_a_same_day_correction_is_not_a_fall() -> None:
    t = [datetime(2026, 11, d, h, m, tzinfo=UTC) for d, h, m in ((1, 9, 0), (8, 9, 0),
                                                                 (8, 9, 10))]
    logs = [(t[0], 1_000), (t[1], 980), (t[2], 1_280)]  # 980 was a typo, corrected that day
    history = [MetricSnapshot(at, followers=v, given=frozenset({"followers"}), source="log")
               for at, v in logs]
    facts = _facts(history)
    assert facts["followers_falling"] == 0
    assert facts["follower_growth_per_week"] == pytest.approx(280, rel=0.01)


async def test_tips_and_goal_read_the_same_corrected_series(both: ConsoleAdapter,
                                                            clock: FakeClock) -> None:
    await both.ask("/settings language=ja")
    assert (await both.ask("/log followers=1000")).ok
    clock.advance(days=7)
    assert (await both.ask("/log followers=980")).ok
    clock.advance(minutes=10)
    assert (await both.ask("/log followers=1280")).ok  # the same day: a correction
    goal = (await both.ask("/goal followers=5000")).text
    assert "+280" in goal and "\u2212" not in goal, goal
    tips = (await both.ask("/tips")).text
    assert "trends-followers-falling" not in tips, tips


@pytest.mark.parametrize(("value", "shown"), [(-24_400, "\u221224.4k"), (12, "+12"),
                                              (-0.2, "+0"), (0, "+0")])
def test_signed_counts(value: float, shown: str) -> None:
    assert numbers.signed(value, numbers.count(abs(value))) == shown


def test_signed_percentages_share_the_minus_sign() -> None:
    assert numbers.signed_pct(-0.671) == "\u221267.1%"
    assert numbers.signed_pct(0.05) == "+5%"
    assert numbers.signed_pct(-0.0001) == "+0%"


async def test_a_rounded_log_after_an_import_is_no_fall(both: ConsoleAdapter) -> None:
    # the file's last count is 36,441; "36k" typed after it is that count rounded
    assert (await both.ask(f"/import path={ZIP}")).ok
    assert (await both.ask(f"/import path={ZIP} confirm")).ok
    assert (await both.ask("/log followers=36k")).ok
    stats = (await both.ask("/stats")).text
    line = next(x for x in stats.splitlines() if "Followers since" in x)
    assert "about the same" in line, line
    assert "\u2212" not in line and "441" not in line, line
    tips = (await both.ask("/tips")).text
    assert "fell" not in tips and "lost followers" not in tips.lower(), tips
    # a count outside the rounding is still a fall
    assert (await both.ask("/log followers=35k")).ok
    line = next(x for x in (await both.ask("/stats")).text.splitlines()
                if "Followers since" in x)
    assert ": \u22121.4k (\u22124%)" in line, line
