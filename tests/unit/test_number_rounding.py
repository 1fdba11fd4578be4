"""One rounding rule and one percent formatter for every number a creator reads, in every
language: a tie rounds half-up (money and shares as people round them), and a percentage is
written by :func:`bot.domain.numbers.pct` with the language's grouping, however large."""

from __future__ import annotations

import math
from datetime import UTC

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import i18n
from bot.commands.metrics import kpi_view
from bot.domain import numbers
from bot.domain.metrics import MetricSnapshot, compute_kpis

LANGUAGES = ("en", "de", "es", "fr", "ja", "pt_BR")


@pytest.mark.parametrize(("x", "digits", "en", "de"), [
    (0.00525, 2, "0.53%", "0,53\u00a0%"),  # English 0.53%, German 0,52 % (half-even of '0.525')
    (0.0125, 1, "1.3%", "1,3\u00a0%"),
    (0.125, 0, "13%", "13\u00a0%"),
])
def test_a_percentage_tie_rounds_alike_in_every_language(x: float, digits: int, en: str,
                                                         de: str) -> None:
    with i18n.using("en"):
        assert numbers.pct(x, digits) == en
    with i18n.using("de"):
        assert numbers.pct(x, digits) == de
    for lang in LANGUAGES:  # the same digits everywhere, whatever the signs around them
        with i18n.using(lang):
            shown = numbers.pct(x, digits)
        assert shown.replace(",", ".").replace("\u00a0", "").replace(" ", "") == en, lang


@pytest.mark.parametrize(("amount", "currency", "en"), [
    (2.5, "JPY", "¥3"),  # half-even wrote ¥2
    (3.5, "JPY", "¥4"),
    (0.125, "USD", "$0.13"),  # half-even wrote $0.12
    (2.675, "USD", "$2.68"),  # the float's binary value wrote $2.67 in English only
    (150.5, "USD", "$151"),
])
def test_money_rounds_half_up_in_every_language(amount: float, currency: str, en: str) -> None:
    with i18n.using("en"):
        assert numbers.money(amount, currency) == en
        assert numbers.price(amount, currency) == en
    digits = "".join(c for c in en if c.isdigit())
    for lang in LANGUAGES:
        with i18n.using(lang):
            for text in (numbers.money(amount, currency), numbers.price(amount, currency)):
                assert "".join(c for c in text if c.isdigit()) == digits, (lang, text)
            assert numbers.price_value(amount, currency) == float(
                en.strip("¥$").replace(",", "")), lang


def test_money_exact_and_fine_and_counts_round_half_up() -> None:
    with i18n.using("en"):
        assert numbers.money_exact(2.675) == "$2.68"
        assert numbers.money_fine(0.00405, "USD") == "$0.0041"
        assert numbers.grouped(2.5) == "3"
        assert numbers.count(12.5) == "13"
        assert numbers.compact(12_350) == "12.4k"
        assert numbers.decimal(0.125, 2) == "0.13"
    for lang in LANGUAGES[1:]:
        with i18n.using(lang):
            assert numbers.money_exact(2.675).count("68") == 1, lang
            assert "41" in numbers.money_fine(0.00405, "USD"), lang
            assert numbers.grouped(2.5) == "3", lang
            assert numbers.decimal(0.125, 2)[-2:] == "13", lang


@pytest.mark.parametrize(("lang", "shown"), [
    ("en", "33,333%"), ("de", "33.333\u00a0%"), ("fr", "33\u202f333\u00a0%"),
    ("es", "33.333\u00a0%"), ("pt_BR", "33.333%"), ("ja", "33,333%"),
])
def test_a_huge_percentage_is_grouped_with_sensible_digits(lang: str, shown: str) -> None:
    """A viral video on a small account: engagement by followers of 33,333% was written
    '33333.33%' in English (no grouping, two decimals)."""
    with i18n.using(lang):
        assert numbers.pct(333.3333, 2) == shown
        assert numbers.pct(333.3333) == shown
        assert numbers.pct(1.5, 2) in ("150%", "150\u00a0%")
        assert numbers.pct(1.2345, 2).replace(",", ".").startswith("123.5")  # one decimal
        assert numbers.signed_pct(-333.3333).endswith(shown)


def test_stats_show_engagement_by_followers_grouped() -> None:
    """/stats' engagement by followers (per video) for 3 followers and 1k likes on 1 video."""
    from datetime import datetime

    s = MetricSnapshot(taken_at=datetime(2026, 11, 30, tzinfo=UTC), followers=3, views=5000,
                       likes=1000, avg_views=5000)  # one video in the 30 days
    k = compute_kpis(s, zone=UTC)
    assert k.engagement_rate_followers is not None and k.engagement_rate_followers > 100
    with i18n.using("en"):
        view = kpi_view(s, [], k, (), UTC)
        assert view["engagement_rate_followers"] == "33,333%"


@pytest.mark.parametrize("n", [6849.5, 3149.5, 12_349.5, 1_249_999.5, 999_949.5, 9999.5,
                               -6849.5, 1000.4, 999.6])
def test_a_count_is_rounded_once(n: float) -> None:
    """Review: count() rounded to a whole number, then compact() rounded that again, so
    6,849.5 read '6.9k' (6,850 is a tie) where compact(6849.5) reads '6.8k'."""
    for lang in LANGUAGES:
        with i18n.using(lang):
            once = numbers.compact(n) if abs(n) >= 1000 else numbers.compact(numbers.whole(n))
            assert numbers.count(n) == once, (lang, n)


def test_a_count_from_a_thousand_reads_as_compact_reads_it() -> None:
    with i18n.using("en"):
        assert numbers.count(6849.5) == "6.8k" and numbers.count(999.6) == "1k"
    with i18n.using("de"):
        assert numbers.count(6849.5) == "6.850" and numbers.count(999.6) == "1.000"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_infinity_is_written_not_raised(lang: str) -> None:
    """The half-up rule quantizes a Decimal, which refuses an infinity: compact, count and
    money wrote 'inf' before the rule and raised InvalidOperation after it."""
    with i18n.using(lang):
        for value in (math.inf, -math.inf):
            assert "inf" in numbers.compact(value)
            assert "inf" in numbers.count(value)
            assert "inf" in numbers.money(value, "USD")


@settings(max_examples=500, deadline=None)
@given(st.integers(-2**60, 2**60) | st.integers(-2**60, 2**60).map(float)
       | st.floats(-1e18, 1e18) | st.sampled_from([2**53, -2**53, 2**53 + 1, 2.0**53, -0.0]))
def test_a_count_that_is_whole_already_is_the_whole_number_rounding_gives(x: float) -> None:
    """:func:`bot.domain.numbers.whole` returns a whole int or float (up to 2**53) without
    rounding it: the same int as rounding it by the one rule."""
    assert numbers.whole(x) == int(numbers.rounded(x))
    assert type(numbers.whole(x)) is int
