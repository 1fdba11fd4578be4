"""Locale-aware parsing defects found in a hostile trial (issue #20): suffixed decimals in every
language, suggestions that parse back, localised field names, and slash dates in CSV imports."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import i18n
from bot.core.args import ArgError, parse_args, parse_number
from bot.core.csv_import import ImportError_, parse_csv
from bot.core.fieldnames import column_names
from bot.core.registry import ArgSpec, metric_args

LANGS = i18n.LANGUAGES
SPECS = metric_args()
BY_NAME = {s.name: s for s in SPECS}
NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


def ask(tmp_path: Path, lang: str, line: str) -> subprocess.CompletedProcess[str]:
    """``creator-advisor ask`` as a creator whose terminal speaks ``lang``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_", "LC_", "LANG"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", DATA_DIR=str(tmp_path / "d"),
               LANG=f"{lang}.UTF-8")
    return subprocess.run([sys.executable, "-m", "bot", "ask", line], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=60, check=False)


# 1. A compact suffix after one separator and one or two digits is a decimal, everywhere.

@pytest.mark.parametrize("line", [
    "/log followers=12k views=40k likes=3.1k",
    "/log 12.5k",
    "/log followers=12k avg_views=3.5k",
    "/estimate followers=12k views=1.2M",
])
@pytest.mark.parametrize("lang", ["de_DE", "es_ES", "pt_BR"])
def test_the_bots_own_examples_are_accepted_in_every_language(
        tmp_path: Path, lang: str, line: str) -> None:
    done = ask(tmp_path, lang, line)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("typed", "value"), [
    ("3.1k", 3100), ("3,1k", 3100), ("12.5k", 12500), ("12,5k", 12500), ("1.25M", 1_250_000),
    ("1,25m", 1_250_000), ("0.5k", 500),
])
def test_suffixed_decimals_read_the_same_in_every_language(
        lang: str, typed: str, value: float) -> None:
    with i18n.using(lang):
        assert parse_number(typed, BY_NAME["likes"]) == value


@pytest.mark.parametrize(("lang", "typed", "value"), [
    ("de", "1,2Mio.", 1_200_000), ("de", "12Tsd.", 12_000), ("es", "12mil", 12_000),
    ("pt_BR", "12,3mil", 12_300), ("pt_BR", "1,2mi", 1_200_000), ("ja", "1.2万", 12_000),
])
def test_the_languages_own_short_forms_are_read(lang: str, typed: str, value: float) -> None:
    with i18n.using(lang):
        assert parse_number(typed, BY_NAME["views"]) == value


def test_mil_is_asked_about_where_it_may_mean_a_million() -> None:
    with i18n.using("en"), pytest.raises(ArgError) as err:
        parse_number("1.2mil", BY_NAME["views"])
    assert err.value.suggestions == ("1.2k", "1200k")


def test_truly_ambiguous_forms_are_still_asked_about() -> None:
    with i18n.using("en"), pytest.raises(ArgError):
        parse_number("30.600", BY_NAME["followers"])
    with i18n.using("de"), pytest.raises(ArgError):
        parse_number("12,000", BY_NAME["followers"])


# 2. Every suggestion parses back, in the user's language, to the same number.

@pytest.mark.parametrize(("lang", "line", "suggestion"), [
    ("de_DE", "/log 12,5", "12,5k"),
    # From a thousand on the k reading would be a million: the whole numbers are offered
    ("de_DE", "/log 1.234,5", "1234"),
    ("es_ES", "/log 1.234,5", "1235"),
    ("pt_BR", "/log 1.234,5", "1234"),
    ("ja_JP", "/log 1,234.5", "1235"),
])
def test_a_suggestion_is_accepted_when_typed(
        tmp_path: Path, lang: str, line: str, suggestion: str) -> None:
    refused = ask(tmp_path, lang, line)
    assert refused.returncode == 2 and suggestion in refused.stderr, refused.stderr
    assert "1.234.5k" not in refused.stderr and "12.5k" not in refused.stderr
    assert "1234,5k" not in refused.stderr and "1234.5k" not in refused.stderr
    accepted = ask(tmp_path, lang, f"/log {suggestion}")
    assert accepted.returncode == 0, accepted.stderr


def _typed(draw: st.DrawFn) -> str:
    whole = draw(st.integers(0, 999_999))
    digits = str(whole)
    style = draw(st.sampled_from(["plain", "dots", "commas"]))
    if style != "plain":
        sep = "." if style == "dots" else ","
        groups = []
        while digits:
            groups.insert(0, digits[-3:])
            digits = digits[:-3]
        digits = sep.join(groups)
    if draw(st.booleans()):
        digits += draw(st.sampled_from([".", ","])) + str(draw(st.integers(0, 9999)))
    suffix = draw(st.sampled_from(["", "", "", "k", "M", "%"]))
    return digits + suffix


@settings(max_examples=400, deadline=None)
@given(lang=st.sampled_from(LANGS), typed=st.composite(_typed)(),
       name=st.sampled_from(["followers", "views", "completion_rate", "avg_watch_time"]))
def test_every_suggestion_parses_back_in_the_users_language(
        lang: str, typed: str, name: str) -> None:
    spec: ArgSpec = BY_NAME[name]
    with i18n.using(lang):
        try:
            parse_number(typed, spec)
        except ArgError as err:
            for suggestion in err.suggestions:
                try:
                    parse_number(suggestion, spec)
                except ArgError as again:
                    if again.suggestions or "ambiguous" in str(again) or "mehrdeutig" in str(
                            again):
                        raise AssertionError(
                            f"{lang}: {typed!r} suggests {suggestion!r}, refused: {again}"
                        ) from None  # out of bounds is fine: the number itself is too large


@pytest.mark.parametrize(("lang", "typed", "values"), [
    ("de", "12,5", (12_500,)), ("fr", "12,5", (12_500,)),
    # from a thousand on, "1234.5k" (1.2 million) is not what was typed: the whole numbers
    ("de", "1.234,5", (1234, 1235)), ("ja", "1,234.5", (1234, 1235)),
    ("en", "1,234.5", (1234, 1235)), ("fr", "12 300,5", (12_300, 12_301)),
    ("fr", "12\u202f300,5", (12_300, 12_301)),
])
def test_the_thousands_suggestion_means_the_number_typed(
        lang: str, typed: str, values: tuple[float, ...]) -> None:
    with i18n.using(lang):
        with pytest.raises(ArgError) as err:
            parse_number(typed, BY_NAME["followers"])
        read = tuple(parse_number(s, BY_NAME["followers"]) for s in err.value.suggestions)
        assert read == values


def test_a_rate_suggestion_is_written_as_the_language_writes_it() -> None:
    with i18n.using("de"):
        with pytest.raises(ArgError) as err:
            parse_number("0,5", BY_NAME["completion_rate"])
        fraction, percent = err.value.suggestions
        assert parse_number(fraction, BY_NAME["completion_rate"]) == pytest.approx(0.5)
        assert parse_number(percent, BY_NAME["completion_rate"]) == pytest.approx(0.005)


# 3. The translated field names are accepted besides English, case-insensitive.

def test_german_field_names_are_accepted_by_log(tmp_path: Path) -> None:
    named = ask(tmp_path, "de_DE", "/log Follower=12k")
    assert named.returncode == 0, named.stderr
    guided = ask(tmp_path, "de_DE", "/log 30.600 Follower")
    assert guided.returncode == 0, guided.stderr
    assert "30.600" in guided.stdout


@pytest.mark.parametrize("lang", LANGS)
def test_every_metrics_translated_name_is_accepted(lang: str) -> None:
    with i18n.using(lang):
        names = column_names()
        for key, local in names.items():
            if key not in BY_NAME or BY_NAME[key].type.value != "count":
                continue
            for written in (local, local.upper(), local.lower()):
                assert parse_args(SPECS, f"{written}=12k") == {key: 12_000}, (lang, written)
                assert parse_args(SPECS, f"12k {written}") == {key: 12_000}, (lang, written)
                assert parse_args(SPECS, f"{key}=12k") == {key: 12_000}


# 4. Slash dates: one rule in every language.

def _csv(lang: str, *dates: str) -> bytes:
    with i18n.using(lang):
        names = column_names()
        sep = ";" if lang != "en" and lang != "ja" else ","
    lines = [f"{names['date']}{sep}{names['followers']}"]
    lines += [f"{d}{sep}{1000 + i}" for i, d in enumerate(dates)]
    return "\n".join(lines).encode()


#: Languages whose own short date is day/month/year with slashes (CLDR): a file that doesn't tell
#: is read in that order; every other language (English: US and UK orders both) is asked.
SLASH_DMY = ("es", "fr", "pt_BR")


@pytest.mark.parametrize("lang", SLASH_DMY)
def test_undecided_slash_dates_follow_the_languages_own_order(lang: str) -> None:
    with i18n.using(lang):
        done = parse_csv(_csv(lang, "11/10/2026", "10/11/2026"), now=NOW)
    assert done.ok and [r[0].date().isoformat() for r in done.rows] == [
        "2026-10-11", "2026-11-10"]


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang not in SLASH_DMY])
def test_ambiguous_slash_dates_are_asked_about_in_every_language(lang: str) -> None:
    with i18n.using(lang), pytest.raises(ImportError_) as err:
        parse_csv(_csv(lang, "11/10/2026", "10/11/2026"), now=NOW)
    with i18n.using("en"):
        english = str(err.value) if lang == "en" else None
    assert "11/10/2026" in str(err.value) and "2026-10-11" in str(err.value)
    assert english is None or "day/month or month/day" in english


@pytest.mark.parametrize("lang", LANGS)
def test_a_file_that_disambiguates_its_slash_dates_is_read(lang: str) -> None:
    with i18n.using(lang):
        day_first = parse_csv(_csv(lang, "11/10/2026", "25/10/2026"), now=NOW)
        month_first = parse_csv(_csv(lang, "11/10/2026", "10/25/2026"), now=NOW)
    assert day_first.ok and [r[0].date().isoformat() for r in day_first.rows] == [
        "2026-10-11", "2026-10-25"]
    assert month_first.ok and [r[0].date().isoformat() for r in month_first.rows] == [
        "2026-10-25", "2026-11-10"]


def test_a_file_mixing_both_orders_is_refused() -> None:
    with i18n.using("de"), pytest.raises(ImportError_):
        parse_csv(_csv("de", "25/10/2026", "10/25/2026"), now=NOW)
