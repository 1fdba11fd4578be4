"""Issue 20 follow-up: what a new user in each language types, imports and reads back, through
the console as they would (their own CSV headers, decimals, ambiguous numbers, dates)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from bot import i18n
from bot.adapters.console import ConsoleAdapter
from bot.core.csv_import import column_names, header_example
from bot.domain import numbers
from bot.domain.facts import format_fact
from bot.domain.metrics import METRICS, Kind, format_metric
from bot.domain.numbers import compact, locale
from tests.auxil.clock import FakeClock

LANGUAGES = i18n.LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
async def test_own_csv_in_each_language_imports(console: ConsoleAdapter, tmp_path: Path,
                                                language: str, line_end: str) -> None:
    """The header the bot suggests (each catalogue's column names), the language's short date
    and grouped numbers: ``Datum;Follower;Aufrufe`` / ``09.11.2026;27.500;35000`` imports."""
    assert (await console.ask(f"/settings language={language}")).ok
    with i18n.using(language):
        names = column_names()
        sep = header_example()[len(names["date"])]
        day = date(2026, 10, 9)
        written = (day.isoformat() if language == i18n.SOURCE
                   else format_date(day, format="short", locale=locale()))
        big = format_decimal(27_500, locale=locale())
        big = big if sep not in big else "27500"  # English: 27,500 would be two cells
    rows = [sep.join((names["date"], names["followers"], names["views"])),
            sep.join((written, big, "35000"))]
    csv = tmp_path / f"{language}.csv"
    csv.write_bytes(line_end.join(rows).encode() + line_end.encode())
    preview = await console.ask(f'/import path="{csv}"')
    assert preview.ok, (language, rows, preview.text)
    done = await console.ask(f'/import path="{csv}" confirm')
    assert done.ok, (language, done.text)
    stats = await console.ask("/stats")
    with i18n.using(language):
        assert format_metric("followers", 27_500) in stats.text, (language, stats.text)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_bad_date_is_answered_with_an_example_that_imports(
        console: ConsoleAdapter, tmp_path: Path, language: str) -> None:
    """A cell the import can't read as a date is answered with an example the import reads,
    not CLDR's pattern letters (``dd.MM.yyyy``) nor a date with a month name (Spanish
    ``1 mar 2026``, which it then refused: hostile trial). Every date the answer shows, put in
    a CSV, imports."""
    assert (await console.ask(f"/settings language={language}")).ok
    with i18n.using(language):
        names = column_names()
        sep = header_example()[len(names["date"])]
    header = sep.join((names["date"], names["followers"]))
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{header}\nsoon{sep}100\n")
    refused = await console.ask(f'/import path="{bad}"')
    assert not refused.ok and "soon" in refused.text, (language, refused.text)
    # no pattern letters (dd.MM.yyyy, yyyy/MM/dd, AAAA-MM-JJ)
    assert not re.search(r"\b[dMyYAJ]{1,4}[./-][dMyYAJ]{1,4}\b", refused.text), \
        (language, refused.text)
    shown = re.findall(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}", refused.text)
    assert shown, (language, refused.text)
    for example in shown:
        good = tmp_path / "good.csv"
        good.write_text(f"{header}\n{example}{sep}100\n")
        done = await console.ask(f'/import path="{good}" confirm')
        assert done.ok, (language, example, done.text)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_repeated_dates_are_counted_once_each_and_named(
        console: ConsoleAdapter, tmp_path: Path, language: str) -> None:
    """One date on five rows is one repeated date (not "4 dates appear twice": hostile trial),
    named with its rows; two such dates are two. The last row of each is the one imported."""
    assert (await console.ask(f"/settings language={language}")).ok
    with i18n.using(language):
        names = column_names()
        sep = header_example()[len(names["date"])]
        shown = {d: format_date(d, format="medium", locale=locale()) if language != i18n.SOURCE
                 else d.isoformat() for d in (date(2026, 3, 1), date(2026, 3, 2))}
    header = sep.join((names["date"], names["followers"]))
    one = [f"2026-03-01{sep}{100 + k}" for k in range(5)] + [f"2026-03-03{sep}200"]
    csv = tmp_path / "one.csv"
    csv.write_text("\n".join([header, *one]) + "\n")
    preview = await console.ask(f'/import path="{csv}"')
    assert preview.ok, (language, preview.text)
    lines = [line for line in preview.text.splitlines() if shown[date(2026, 3, 1)] in line
             and "5" in line]
    assert len(lines) == 1, (language, preview.text)
    assert "4" not in lines[0].replace("2026", ""), (language, lines[0])
    if language == i18n.SOURCE:
        assert ("1 date appears on more than one row (2026-03-01: 5 rows); the last row is "
                "kept.") in preview.text, preview.text
    two = [*one, f"2026-03-02{sep}150", f"2026-03-02{sep}151"]
    csv.write_text("\n".join([header, *two]) + "\n")
    preview = await console.ask(f'/import path="{csv}"')
    assert preview.ok and shown[date(2026, 3, 2)] in preview.text, (language, preview.text)
    if language == i18n.SOURCE:
        assert ("2 dates appear on more than one row (2026-03-01: 5 rows and 2026-03-02: 2 "
                "rows); for each, the last row is kept.") in preview.text, preview.text
    else:
        assert "appear" not in preview.text and "row" not in preview.text, preview.text
    done = await console.ask(f'/import path="{csv}" confirm')
    assert done.ok, (language, done.text)


#: One value of each metric kind with a fraction, and how each language writes it (Babel's
#: decimal sign; English keeps the project's short forms).
_KIND_VALUES = {Kind.NUMBER: 12.5, Kind.RATE: 0.125, Kind.COUNT: 1234.5, Kind.SECONDS: 65.0}


def _expected(kind: Kind, language: str) -> str:
    loc = locale()
    if kind is Kind.NUMBER:
        return str(format_decimal(12.5, format="0.#", locale=loc))
    if kind is Kind.RATE:
        return str(format_percent(0.125, format=loc.percent_formats[None].pattern.replace(
            "0", "0.#", 1), locale=loc)) if language != i18n.SOURCE else "12.5%"
    if kind is Kind.COUNT:
        # below numbers.COMPACT_FROM a count is never abbreviated outside English; 1234.5
        # rounds half-up, as every number shown does (numbers.ROUNDING)
        return "1.2k" if language == i18n.SOURCE else str(format_decimal(1235, locale=loc))
    return "1:05"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_metric_kind_writes_decimals_as_the_language_does(language: str) -> None:
    """``12,5`` videos a week in German, ``12,5 %`` in French: format_metric and format_fact
    read one function per kind (numbers.py), and never print a point where the language
    writes a comma."""
    with i18n.using(language):
        comma = locale().number_symbols["latn"]["decimal"] == ","
        for metric in METRICS:
            value = _KIND_VALUES[metric.kind]
            shown = format_metric(metric.name, value)
            assert shown == _expected(metric.kind, language), (language, metric.name, shown)
            assert format_fact(metric.name, value) == shown, (language, metric.name)
            if comma:
                assert "." not in shown.replace("1.235", ""), (language, metric.name, shown)
        assert format_fact("videos_per_week", 2.5) == ("2,5" if comma else "2.5")
        assert format_fact("videos_per_week", 150) == compact(150)


@pytest.mark.parametrize(("language", "typed", "shown"), [
    ("en", "12.5", "12.5"), ("de", "12,5", "12,5"), ("es", "2,5", "2,5"),
    ("fr", "2,5", "2,5"), ("pt_BR", "2,5", "2,5"), ("ja", "2.5", "2.5")])
async def test_log_a_decimal_answers_it_back_in_the_language(
        console: ConsoleAdapter, clock: FakeClock, language: str, typed: str,
        shown: str) -> None:
    """``/log videos_per_week=12,5`` in German answers ``Videos pro Woche: 12,5``; the weekly
    change and the days between logs are written the same way."""
    assert (await console.ask(f"/settings language={language}")).ok
    logged = await console.ask(f"/log videos_per_week={typed} followers=1000")
    assert logged.ok, logged.text
    assert f": {shown}" in logged.text or f"\uff1a{shown}" in logged.text, logged.text
    clock.advance(days=7.5)
    again = await console.ask("/log followers=1100")
    with i18n.using(language):
        days = str(format_decimal(7.5, format="0.0", locale=locale()))
    assert days in again.text, again.text


async def test_french_dot_number_asks_which_reading(console: ConsoleAdapter) -> None:
    """French writes 30 600 and 30,6: ``30.600`` is either, so both readings are offered, as
    French writes them, and never ``30.600k`` (that would be thirty million)."""
    assert (await console.ask("/settings language=fr")).ok
    asked = await console.ask("/log followers=30.600")
    assert not asked.ok
    assert "30600" in asked.text and "30,6" in asked.text, asked.text
    assert "30.600k" not in asked.text and "30.6k" not in asked.text, asked.text
    assert (await console.ask("/log followers=30600")).ok


@pytest.mark.parametrize("language", LANGUAGES)
async def test_count_with_decimals_advice_means_what_it_says(console: ConsoleAdapter,
                                                             language: str) -> None:
    """A count typed with a decimal is asked about; the suggested thousands form is written
    as the language writes a decimal and, typed back, is read as thousands."""
    assert (await console.ask(f"/settings language={language}")).ok
    with i18n.using(language):
        typed = str(format_decimal(12.5, format="0.#", locale=locale()))
        advice = typed + "k"
    asked = await console.ask(f"/log followers={typed}")
    assert not asked.ok and advice in asked.text, asked.text
    followed = await console.ask(f"/log followers={advice}")
    assert followed.ok, followed.text
    with i18n.using(language):
        assert format_metric("followers", 12_500) in followed.text, followed.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_dates_are_written_as_the_language_writes_them(console: ConsoleAdapter,
                                                             tmp_path: Path,
                                                             language: str) -> None:
    """"Stand 29.11.2026", never "Stand 2026-11-29" in German: every displayed date goes
    through numbers.day (Babel's medium date; English keeps ISO, as the README says), and
    ``date=YYYY-MM-DD`` is still accepted as typed."""
    assert (await console.ask(f"/settings language={language}")).ok
    assert (await console.ask("/log followers=1000")).ok
    stats = await console.ask("/stats")
    today = date(2026, 11, 2)
    with i18n.using(language):
        shown = (today.isoformat() if language == i18n.SOURCE
                 else format_date(today, format="medium", locale=locale()))
    assert shown in stats.text, (language, stats.text)
    if language != i18n.SOURCE:
        assert "2026-11-02" not in stats.text, stats.text
    csv = tmp_path / "n.csv"
    csv.write_text("date,followers\n2026-10-09,1200\n")
    preview = await console.ask(f'/import path="{csv}"')
    assert preview.ok, preview.text
    with i18n.using(language):
        assert numbers.day(date(2026, 10, 9)) in preview.text, preview.text
    if language != i18n.SOURCE:
        assert "2026-10-09" not in preview.text.replace("date=", ""), preview.text
    missing = await console.ask("/undo date=2026-10-01")
    with i18n.using(language):
        assert numbers.day(date(2026, 10, 1)) in missing.text, missing.text


async def test_today_in_a_refusal_is_written_as_the_language_writes_it(
        console: ConsoleAdapter) -> None:
    """The typed value stays as typed (by=2026-10-01); today is the language's date."""
    assert (await console.ask("/settings language=de")).ok
    refused = await console.ask("/goal followers=2k by=2026-10-01")
    assert not refused.ok and "by=2026-10-01" in refused.text, refused.text
    assert "02.11.2026" in refused.text, refused.text


@pytest.mark.parametrize(("language", "seconds"), [
    ("en", "9s"), ("de", "9 Sek."), ("es", "9 s"), ("fr", "9\u202fs"), ("ja", "9秒"),
    ("pt_BR", "9 s")])
async def test_durations_under_a_minute_use_the_languages_unit(
        console: ConsoleAdapter, language: str, seconds: str) -> None:
    # Japanese /stats read "平均視聴時間：9s": a duration under a minute kept English's "s"
    # in every language. The unit is the language's own (CLDR's, through Babel).
    await console.ask(f"/settings language={language}")
    await console.ask("/log followers=2000 avg_watch_time=9 avg_video_length=65")
    stats = await console.ask("/stats")
    assert stats.ok, stats.text
    assert seconds in stats.text, stats.text
    assert "1:05" in stats.text
    if language != "en":
        assert "9s" not in stats.text, stats.text
