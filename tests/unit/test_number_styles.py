"""Numbers of one quantity written in one phrase share one style (issue: Japanese
"フォロワーが 5万 から 6,000 に減っています", "同じ規模のアカウント（5,000〜100万）"; French
"(5 000–1 M)"; English "1.2k" beside "950"): a range's ends, a value and the one it was, a
goal and the number now, a condition's value and bounds are all short or all in full
(numbers.shared_short), as money_range decides an amount range's two ends."""

from __future__ import annotations

import itertools

import pytest

from bot import i18n
from bot.adapters.console import ConsoleAdapter
from bot.domain import numbers

LANGUAGES = ("en", "de", "es", "fr", "ja", "pt_BR")
COUNTS = (0, 12, 950, 999.6, 1_200, 5_000, 6_000, 9_999, 12_500, 50_000, 99_999, 610_000,
          1_000_000, 1_500_000, 23_000_000)


def _short(text: str) -> bool:
    if i18n.current() == "en":
        return any(c in text for c in "kMBT")
    return numbers._abbreviated(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_pair_of_counts_shares_one_style(language: str) -> None:
    with i18n.using(language):
        for a, b in itertools.product(COUNTS, repeat=2):
            for ends in (numbers.compact_ends(a, b), numbers.count_ends(a, b)):
                # (zero reads the same in either style: it takes no part)
                assert _short(ends[0]) == _short(ends[1]) or 0 in (a, b), (a, b, ends)


def test_the_testers_examples() -> None:
    with i18n.using("ja"):
        assert numbers.compact_ends(50_000, 6_000) == ("50,000", "6,000")  # was 5万, 6,000
        assert numbers.count_range(5_000, 1_000_000) == "5,000〜1,000,000"
        assert numbers.count_range(10_000, 50_000) == "1万〜5万"  # both short: kept
        assert numbers.size_band("5k–1M") == "5,000〜1,000,000"  # was 5,000〜100万
    with i18n.using("en"):
        assert numbers.compact_ends(1_200, 950) == ("1,200", "950")  # was 1.2k, 950
        assert numbers.compact_ends(50_000, 1_000_000) == ("50k", "1M")
        assert numbers.size_band("5k–1M") == "5k–1M"
        assert numbers.size_band("1M+") == "1M+"
    with i18n.using("fr"):
        assert numbers.size_band("5k–1M") == "5\u202f000–1\u202f000\u202f000"  # was 5 000–1 M


def test_a_value_beside_another_of_its_metric_shares_its_style() -> None:
    from bot.domain.metrics import format_apart, format_metrics

    with i18n.using("ja"):
        assert format_apart("followers", 9_000, 12_000) == ("9,000", "12,000")
        assert format_metrics("followers", 60_000, 6_000) == ("60,000", "6,000")
        assert format_metrics("followers", 60_000, 20_000) == ("6万", "2万")


async def test_a_fall_reads_with_both_counts_in_one_style(console: ConsoleAdapter) -> None:
    assert (await console.ask("/settings language=ja")).ok
    assert (await console.ask("/log followers=50000")).ok
    result = await console.ask("/log followers=6000")
    assert "50,000 から 6,000" in result.text, result.text  # was "5万 から 6,000"


async def test_the_size_band_reads_in_one_style_in_every_language(
        console: ConsoleAdapter) -> None:
    for language in LANGUAGES:
        assert (await console.ask(f"/settings language={language}")).ok
        text = (await console.ask(
            "/estimate followers=50k views=1.2M likes=40k region=FR adult=yes")).text
        with i18n.using(language):
            band = numbers.count_range(5_000, 1_000_000)
        assert band in text, (language, text)


async def test_a_goal_and_the_number_now_read_in_one_style(console: ConsoleAdapter) -> None:
    """Trial: a goal's target, shown as it was set, kept its short style beside a number now
    in full: Japanese "5.0001万（現在 6,000）", "1.2345万（現在 6,000）"."""
    assert (await console.ask("/settings language=ja")).ok
    assert (await console.ask("/log followers=6000")).ok
    goal = (await console.ask("/goal followers=50001")).text
    assert "50,001（現在 6,000）" in goal, goal
    assert "万" not in goal.split("50,001")[0].splitlines()[-1], goal
    listed = (await console.ask("/goal")).text
    assert "50,001（現在 6,000）" in listed, listed
