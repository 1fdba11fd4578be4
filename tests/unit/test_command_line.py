"""The canonical command line (bot.core.args.command_line) a button runs: for every command
and values of every argument type, ``parse_args`` reads it back to the very same values in each
supported language, however those values were typed (German ``12,5k``, French ``35,5 %``)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import i18n
from bot.commands import build_registry
from bot.core.args import (
    ArgError,
    command_line,
    local_line,
    parse_args,
    split_command,
    write_value,
)
from bot.core.fieldnames import typed_example
from bot.core.registry import ArgSpec, ArgType, CommandSpec

REGISTRY = build_registry()
COMMANDS = tuple(REGISTRY)

#: Text values beyond the examples, as their command's normalize returns them: spaces and
#: quotes (quoted in the line), cleared values (None, ""), sets and tuples, dates.
TEXT_VALUES: dict[str, tuple[Any, ...]] = {
    "path": ("history.csv", "export (1).csv", "my export.csv", "it's here.csv",
             'the "best" one.csv', "/tmp/exports/tiktok_studio_export.zip", "C:/a,b;c.csv"),
    "niche": ("home & garden", "beauty", None),
    "handle": ("@maya.makes", None),
    "does": (frozenset(), frozenset({"brand_deals"}),
             frozenset({"brand_deals", "affiliate", "own_products"})),
    "language": ("", "de", "pt_BR", "ja"),
    "topics": (("trends",), ("trends", "monetization", "content")),
    "day": tuple(range(7)),
    "time": ("18:00", "06:30", "00:00"),
    "timezone": ("UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires"),
    "date": (date(2026, 11, 20), date(2024, 2, 29)),
    "downloaded": (date(2026, 3, 9),),
    "by": (date(2027, 6, 1),),
    "month": ("2026-10", "2016-01"),
    "region": ("US", "DE", "JP"),
    "currency": ("EUR", "USD", "JPY"),
    "key": ("3fa9c2d1",),
    "tip": ("content-fix-the-hook",),
    "command": ("log", "estimate"),
}


def _in_every_language(spec: CommandSpec, line: str) -> dict[str, dict[str, Any]]:
    parsed = split_command(line)
    assert parsed is not None and parsed[0] == spec.name, line
    out = {}
    for language in i18n.LANGUAGES:
        with i18n.using(language):
            out[language] = parse_args(spec.args, parsed[1], command=spec.name)
    return out


def _reads_back(spec: CommandSpec, values: dict[str, Any]) -> None:
    line = command_line(spec.name, spec.args, values)
    expected = {**{a.name: a.default for a in spec.args if a.default is not None}, **values}
    for language, got in _in_every_language(spec, line).items():
        assert got == expected, (language, line)
        # the same type too: a count stays a float, a date a date
        assert {k: type(v) for k, v in got.items()} == {
            k: type(v) for k, v in expected.items()}, (language, line)
        # ... and as the console shows it, with the language's field names, in that language
        with i18n.using(language):
            shown = local_line(line)
            parsed = split_command(shown)
            assert parsed is not None, shown
            read = parse_args(spec.args, parsed[1], command=spec.name)
            # a decimal as the language writes it ("0,7%") reads as typed, which may differ
            # from the canonical exact reading in a float's last bit
            assert read.keys() == expected.keys() and all(
                math.isclose(v, expected[k], rel_tol=1e-12)
                if isinstance(v, float) and isinstance(expected[k], float)
                else v == expected[k] for k, v in read.items()), (language, shown)


def _typed(spec: CommandSpec) -> list[tuple[str, str]]:
    """(language, arguments) of each declared example and each argument's example, as the
    creator of each language types them."""
    found = []
    for language in i18n.LANGUAGES:
        with i18n.using(language):
            for example in spec.examples:
                found.append((language, typed_example(example).partition(" ")[2]))
            found += [(language, typed_example(a.example)) for a in spec.args]
    return found


@pytest.mark.parametrize("spec", COMMANDS, ids=[s.name for s in COMMANDS])
def test_every_example_as_typed_in_any_language_reads_back_in_every_language(
        spec: CommandSpec) -> None:
    for language, typed in _typed(spec):
        with i18n.using(language):
            values = parse_args(spec.args, typed, command=spec.name)
        given_ = {k: v for k, v in values.items()
                  if spec.arg(k).default is None or v != spec.arg(k).default}
        _reads_back(spec, given_)


@pytest.mark.parametrize(("language", "typed", "line"), [
    ("de", "Follower=12,5k Aufrufe=1,2 Mio. Abschlussrate=35,5% Videos pro Woche=3,5 "
           "Videolänge=1:10 confirm",
     "/log followers=12500 views=1200000 videos_per_week=35e-1 completion_rate=355e-1% "
     "avg_video_length=70 confirm"),
    ("fr", "abonnés=30 600 taux de complétion=35,5 %",
     "/log followers=30600 completion_rate=355e-1%"),
    ("ja", "フォロワー=1.2万 再生数=4万", "/log followers=12000 views=40000"),
    ("en", "followers=12,000 avg_watch_time=12.5s completion_rate=100%",
     "/log followers=12000 avg_watch_time=12.5 completion_rate=100%"),
])
def test_a_typed_log_is_written_with_english_names_and_neutral_values(
        language: str, typed: str, line: str) -> None:
    spec = REGISTRY.get("log")
    assert spec is not None
    with i18n.using(language):
        values = parse_args(spec.args, typed, command="log")
    assert command_line("log", spec.args, values) == line


def test_text_is_quoted_when_it_holds_a_space_or_a_separator() -> None:
    spec = REGISTRY.get("import")
    assert spec is not None
    assert command_line("import", spec.args, {"path": "my export.csv", "confirm": True}) == \
        '/import path="my export.csv" confirm'
    assert command_line("import", spec.args, {"path": "it's.csv"}) == '/import path="it\'s.csv"'
    assert command_line("import", spec.args, {"path": 'a "b".csv'}) == "/import path='a \"b\".csv'"
    with pytest.raises(ValueError, match="both quotes"):
        command_line("import", spec.args, {"path": "it's \"a\" b.csv"})
    with pytest.raises(ValueError, match="at an end"):
        command_line("import", spec.args, {"path": "'quoted'.csv"})
    with pytest.raises(ValueError, match="no argument"):
        command_line("import", spec.args, {"followers": 12.0})


def _value(arg: ArgSpec) -> st.SearchStrategy[Any]:
    """Values of ``arg`` as ``parse_args`` returns them."""
    lo = arg.minimum if arg.minimum is not None else 0.0
    hi = arg.maximum if arg.maximum is not None else 1e9
    if arg.type is ArgType.COUNT:
        return st.integers(int(lo), int(hi)).map(float)
    if arg.type in (ArgType.NUMBER, ArgType.RATE):
        return st.one_of(st.floats(lo, hi), st.integers(0, 10**6).map(lambda n: n / 1000)
                         .filter(lambda x: lo <= x <= hi))
    if arg.type is ArgType.SECONDS:  # as typed: at most three decimals (1:05, 12.5s)
        return st.integers(int(lo) * 1000, int(hi) * 1000).map(lambda n: n / 1000)
    if arg.type is ArgType.BOOL:
        return st.booleans()
    if arg.type is ArgType.FLAG:
        return st.booleans()
    if arg.type is ArgType.CHOICE:
        return st.sampled_from(arg.choices)
    with i18n.using("en"):
        example = parse_args((arg,), arg.example)[arg.name]
    return st.sampled_from((example, *TEXT_VALUES.get(arg.name, ())))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_values_of_any_command_read_back_in_every_language(data: st.DataObject) -> None:
    spec = data.draw(st.sampled_from([s for s in COMMANDS if s.args]), label="command")
    names = data.draw(st.sets(st.sampled_from([a.name for a in spec.args]), min_size=1),
                      label="given")
    values = {a.name: data.draw(_value(a), label=a.name) for a in spec.args
              if a.name in names or a.required}
    values = {k: v for k, v in values.items()
              if spec.arg(k).default is None or v != spec.arg(k).default}
    _reads_back(spec, values)


@pytest.mark.parametrize(("value", "written"), [
    (0.0, "0%"), (1.0, "100%"), (0.045, "45e-1%"), (0.001, "1e-1%"), (0.355, "355e-1%")])
def test_a_rate_is_a_percentage(value: float, written: str) -> None:
    spec = REGISTRY.get("estimate")
    assert spec is not None
    assert write_value(value, spec.arg("margin")) == written


def test_the_console_shows_a_decimal_as_the_language_writes_it() -> None:
    """A button's canonical decimal (``4125e-1``) is for the parser; the console, where the
    creator types the line, shows it as their language writes it and reads it back."""
    line = "/payout rewards=4125e-1 views=610000 confirm"
    shown = {}
    for language in ("en", "de", "ja"):
        with i18n.using(language):
            shown[language] = local_line(line)
    assert shown == {"en": "/payout rewards=412.5 views=610000 confirm",
                     "de": "/payout rewards=412,5 Aufrufe=610000 confirm",
                     "ja": "/payout rewards=412.5 再生数=610000 confirm"}
    with i18n.using("fr"):
        # the name as typed, without the column heading's capital (was "Taux de complétion")
        assert local_line("/log completion_rate=355e-1%") == "/log taux de complétion=35,5%"


def test_a_quote_with_no_partner_stays_in_the_shown_line() -> None:
    """Review: local_line dropped a lone apostrophe (``Bob's`` -> ``Bob s``)."""
    line = "/import path=Bob's \"best\" clip.csv confirm"
    with i18n.using("de"):
        assert local_line(line) == line


def _shown_in_one_read_in_another(spec: CommandSpec, line: str) -> list[str]:
    """Each pair of languages (shown in, typed in) in which the console's line for ``line``
    (:func:`local_line`) is read to other values than ``line`` itself, or refused for a
    reason other than a decimal sign the typing language doesn't write; a refusal is
    allowed only there: a number is never read as another number."""
    parsed = split_command(line)
    assert parsed is not None
    expected = parse_args(spec.args, parsed[1], command=spec.name)
    wrong = []
    for shown_in in i18n.LANGUAGES:
        with i18n.using(shown_in):
            shown = split_command(local_line(line))
        assert shown is not None
        for typed_in in i18n.LANGUAGES:
            with i18n.using(typed_in):
                try:
                    read = parse_args(spec.args, shown[1], command=spec.name)
                except ArgError as exc:
                    refused = spec.arg(exc.arg) if exc.arg else None
                    if refused is None or refused.type not in (ArgType.NUMBER, ArgType.RATE):
                        wrong.append(f"{shown_in}->{typed_in}: {shown[1]}: {exc}")
                    continue
            if read.keys() != expected.keys() or not all(
                    math.isclose(v, expected[k], rel_tol=1e-12)
                    if isinstance(v, float) and isinstance(expected[k], float)
                    else v == expected[k] for k, v in read.items()):
                wrong.append(f"{shown_in}->{typed_in}: {shown[1]} read as {read}")
    return wrong


@pytest.mark.parametrize("spec", COMMANDS, ids=[s.name for s in COMMANDS])
def test_a_shown_line_typed_after_a_switch_of_language_is_read_the_same_or_refused(
        spec: CommandSpec) -> None:
    """The console shows a button's line in the language of the moment (German
    ``Aufrufe=40000``, ``rewards=412,5``); the creator may type it after /settings
    language=…: every language reads every other's field names, and a decimal is read to
    the same value or refused with a sentence, never read as another number."""
    for language, typed in _typed(spec):
        with i18n.using(language):
            values = parse_args(spec.args, typed, command=spec.name)
        given_ = {k: v for k, v in values.items()
                  if spec.arg(k).default is None or v != spec.arg(k).default}
        line = command_line(spec.name, spec.args, given_)
        assert _shown_in_one_read_in_another(spec, line) == [], line


@settings(max_examples=150, deadline=None)
@given(places=st.integers(1, 4), digits=st.integers(1, 9_999_999))
def test_a_shown_decimal_is_never_read_as_another_number_in_another_language(
        places: int, digits: int) -> None:
    """Review: ``rewards=1,125`` shown in German was read as 1125 in English, and English
    ``1.125`` as 1125 in German: three decimal places look like a thousands group."""
    payout = REGISTRY.get("payout")
    estimate = REGISTRY.get("estimate")
    assert payout is not None and estimate is not None
    amount = digits / 10**places
    line = command_line("payout", payout.args, {"rewards": amount, "confirm": True})
    assert _shown_in_one_read_in_another(payout, line) == [], line
    if amount <= 100:  # a rate, as a percentage: 1.125 -> 1125e-3%
        line = command_line("estimate", estimate.args, {"margin": amount / 100})
        assert _shown_in_one_read_in_another(estimate, line) == [], line


def test_a_decimal_like_a_thousands_group_is_shown_with_a_fourth_place() -> None:
    for language, shown in (("en", "rewards=1.1250"), ("de", "rewards=1,1250"),
                            ("fr", "rewards=1,1250"), ("ja", "rewards=1.1250")):
        with i18n.using(language):
            assert local_line("/payout rewards=1125e-3") == f"/payout {shown}"


def _context(command: str, raw: str) -> Any:
    from bot.core.context import CommandContext
    from tests.auxil.requests import make_request

    return CommandContext(request=make_request(command, raw), user=None, store=None,  # type: ignore[arg-type]
                          clock=None, registry=REGISTRY, services=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(("language", "command", "raw", "line"), [
    ("en", "log", "followers=1B  views=40k", "/log followers=1B views=40k confirm"),
    ("en", "log", "confirm followers=1B", "/log followers=1B confirm"),
    ("en", "payout", "rewards=412 views=610k", "/payout rewards=412 views=610k confirm"),
    ("de", "log", "Follower=12,5k", "/log Follower=12,5k confirm"),
    # 1,125 is 1125 in English: the button's line, as German writes it
    ("de", "payout", "rewards=1,125 views=610k",
     "/payout rewards=1,1250 Aufrufe=610000 confirm"),
    # English 1.125 is 1125 in German
    ("en", "payout", "rewards=1.125 views=610k", "/payout rewards=1.1250 views=610000 confirm"),
])
def test_the_line_a_held_reply_asks_for(language: str, command: str, raw: str,
                                        line: str) -> None:
    """One function (CommandContext.typed_again) writes the line /log's and /payout's held
    replies ask for: the typed words and confirm, unless another language reads them as
    other values."""
    spec = REGISTRY.get(command)
    assert spec is not None
    with i18n.using(language):
        args = parse_args(spec.args, raw, command=command)
        assert _context(command, raw).typed_again(args) == line
