"""The argument parser: what creators type, and that bad input is always one clear ArgError."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands import build_registry
from bot.core.args import ArgError, _split, parse_args, split_command, visible
from bot.core.fieldnames import typed_example
from bot.core.registry import ArgSpec, ArgType, metric_args
from bot.i18n import LANGUAGES, using

METRICS = metric_args()


def parse(raw: str) -> dict[str, object]:
    return parse_args(METRICS, raw, command="log")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("followers=12k", 12_000),
        ("followers=1.2M", 1_200_000),
        ("followers=12,000", 12_000),
        ("followers=12 000", 12_000),
        ("followers=12\u202f000", 12_000),
        ("followers=1,234,567", 1_234_567),
        ("followers=1.5k", 1_500),
        ("followers=1,5k", 1_500),
        ("followers=2b", 2_000_000_000),
        ("followers=1e6", 1_000_000),
        ("followers = 12k", 12_000),
        ("followers:12k", 12_000),
        ("FOLLOWERS=12K", 12_000),
        ("f=300", 300),
        ("12k", 12_000),
        ("12 500", 12_500),
        ('followers="12 000"', 12_000),  # quotes may hold spaces (hostile test)
        ("followers='12 000'", 12_000),
        ('followers="12k"', 12_000),
        ('"12 000"', 12_000),
    ],
)
def test_counts(raw: str, expected: float) -> None:
    assert parse(raw)["followers"] == expected


def test_several_keys_and_positional() -> None:
    got = parse("12k views=40k likes=3.1k comments=210 shares=95")
    assert got == {"followers": 12_000, "views": 40_000, "likes": 3_100, "comments": 210,
                   "shares": 95}


@pytest.mark.parametrize(("raw", "expected"),
                         [("4.5%", 0.045), ("35", 0.35), ("0.35%", 0.0035), ("100%", 1.0)])
def test_rates(raw: str, expected: float) -> None:
    assert parse(f"completion_rate={raw}")["completion_rate"] == pytest.approx(expected)


@pytest.mark.parametrize(("raw", "expected"),
                         [("45", 45), ("45s", 45), ("1:05", 65), ("2m", 120), ("1m30s", 90),
                          ("1:01:40", 3700)])
def test_durations(raw: str, expected: float) -> None:
    assert parse(f"avg_video_length={raw}")["avg_video_length"] == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("followers=-5", "can't be negative"),
        ("followers=abc", "must be a number like 12k"),
        ("followers=nan", "must be a number"),
        ("followers=inf", "must be a number"),
        ("followers=1e15", "looks too large"),
        ("followers=1000000000000000", "looks too large"),
        ("folowers=12k", "Did you mean 'followers'"),
        ("subscribers=12k", "Unknown argument 'subscribers'"),
        ("followers=", "followers needs a value"),
        ("followers", "followers needs a value"),
        ("followers=12k followers=13k", "given twice"),
        ("12k 13k", "I don't know what '13k' means"),
        ("followers=12.000", "ambiguous"),
        ("completion_rate=150%", "too large"),
        ("followers=4.5%", "not a percentage"),
        ("avg_video_length=soon", "must be a duration"),
        ("followers=1,2,3", "commas every three digits"),
    ],
)
def test_bad_input_names_the_argument(raw: str, fragment: str) -> None:
    with pytest.raises(ArgError) as err:
        parse(raw)
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_word_lists_what_a_command_takes_without_doubled_punctuation(
        language: str) -> None:
    """Trial: "… videos_per_week, …. Example:" (a cut list's ellipsis, then the sentence's
    period). A list of more than eight arguments says it is cut in words, in every language."""
    with using(language), pytest.raises(ArgError) as err:
        parse("zzz=12k")
    text = str(err.value)
    assert "/help log" in text and (err.value.usage or "").startswith("/log "), text
    assert not re.search(r"…\s*[.。,、]|[.。]\s*[.。]|,\s*[.。]", text), text


def test_too_long_input_is_refused() -> None:
    with pytest.raises(ArgError, match="too long"):
        parse("followers=1 " * 100)


def test_flags_choices_and_text() -> None:
    specs = (
        ArgSpec("explain", ArgType.FLAG, "Show the formula.", "explain"),
        ArgSpec("category", ArgType.CHOICE, "Topic.", "category:trends",
                choices=("trends", "content")),
        ArgSpec("name", ArgType.TEXT, "A name.", "name=x", positional=True),
    )
    assert parse_args(specs, "explain category:Trends bob") == {
        "explain": True, "category": "trends", "name": "bob"}
    with pytest.raises(ArgError, match="one of trends or content"):
        parse_args(specs, "category=dance")


def test_split_command() -> None:
    assert split_command("/log@CreatorBot followers=12k") == ("log", "followers=12k")
    assert split_command("/STATS") == ("stats", "")
    assert split_command("hello") is None
    # a word no command can be called, after a /: a mistyped command, kept as typed
    assert split_command("//Stats now") == ("/stats", "now")
    assert split_command("/123") == ("123", "")
    assert split_command("/") is None and split_command("/ stats") is None


@pytest.mark.parametrize("mark", ["\u202e", "\u200f", "\u200b", "\ufeff", "\u2066", "\u00ad"])
def test_invisible_characters_are_no_part_of_a_command_line(mark: str) -> None:
    """Trial: ``/log \u202efollowers=12k`` answered "'followers=12k' isn't one" and
    ``/stats\u200b`` "I don't know /stats​": a command line's invisible formatting characters
    (category Cf) are dropped before it is read, in the place every adapter's text passes."""
    assert split_command(f"{mark}/stats{mark}") == ("stats", "")
    assert split_command(f"/log {mark}followers=12k") == ("log", "followers=12k")
    assert split_command(f"/log{mark} followers=12k") == ("log", "followers=12k")
    assert parse(f"{mark}followers={mark}12k views=40{mark}k{mark}")["followers"] == 12_000
    assert parse(f"followers=12k views=40{mark}k")["views"] == 40_000
    assert parse("followers=12\u200dk")["followers"] == 12_000  # a joiner in a number too


def test_visible_keeps_joiners_inside_text() -> None:
    """Free text keeps what it writes: a joiner between two characters (an emoji sequence, a
    Persian word) stays; one at the edge, or beside a space, goes."""
    assert visible("path=👩\u200d💻.csv") == "path=👩\u200d💻.csv"
    assert visible("\u200dniche=می\u200cخواهم\u200d ") == "niche=می\u200cخواهم "
    assert visible("tab\tand\nnewline") == "tab\tand\nnewline"
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    assert visible(f"niche={scotland} travel") == f"niche={scotland} travel"
    assert visible("\U000e0067stats") == "stats"  # a tag with nothing before it is dropped


def test_tokenize_keeps_grouped_numbers_together() -> None:
    assert _split("followers = 12 000 views: 40 000")[0] == ["followers=12000", "views:40000"]


@pytest.mark.parametrize(("raw", "tokens"), [
    ("followers=5.2k, views=42k", ["followers=5.2k", "views=42k"]),
    ("followers=5.2k,views=42k", ["followers=5.2k", "views=42k"]),
    ("followers=5.2k; views=42k;", ["followers=5.2k", "views=42k"]),
    ("followers = 5.2k , views: 42k", ["followers=5.2k", "views:42k"]),
    ("followers 5.2k, views 42k", ["followers", "5.2k", "views", "42k"]),
    ("followers=12,5", ["followers=12,5"]),  # a decimal comma stays (and is asked about)
    ("followers=12,000, views=4k", ["followers=12,000", "views=4k"]),
    ("followers=1,5k;views=4k", ["followers=1,5k", "views=4k"]),
    ("does=brand,affiliate", ["does=brand,affiliate"]),  # a list value
    ('path="a, b.csv" confirm', ['path="a, b.csv"', "confirm"]),  # quoted: kept whole
    ("timezone=<i>&amp;", ["timezone=<i>&amp;"]),  # not a plain word or number: kept whole
    ("followers=12, 000", ["followers=12", "000"]),  # no "12 000" across a separator
])
def test_commas_and_semicolons_between_arguments(raw: str, tokens: list[str]) -> None:
    assert _split(raw)[0] == tokens


ALL_SPECS = [spec for cmd in build_registry() for spec in [cmd]]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(ALL_SPECS), st.text(max_size=120))
def test_any_input_gives_values_or_arg_error(cmd: object, raw: str) -> None:
    from bot.core.registry import CommandSpec

    assert isinstance(cmd, CommandSpec)
    message = "ok"
    try:
        parse_args(cmd.args, raw, command=cmd.name)
    except ArgError as exc:
        message = str(exc)
    assert message


number_like = st.from_regex(
    r"\A(followers|views|likes|completion_rate|avg_video_length|f)?[=: ]?"
    r"[-+~]?[0-9]{0,6}([.,][0-9]{0,4})?(e[0-9]{1,3})?(k|m|b|%|s|min|h)?\Z"
)


@settings(max_examples=400, deadline=None)
@given(st.lists(number_like, max_size=4).map(" ".join))
def test_number_like_input_gives_bounded_values_or_arg_error(raw: str) -> None:
    try:
        values = parse(raw)
    except ArgError as exc:
        values, message = {}, str(exc)
        assert message
    for spec in METRICS:
        if spec.name in values:
            v = values[spec.name]
            assert isinstance(v, float)
            assert spec.minimum is not None and spec.maximum is not None
            assert spec.minimum <= v <= spec.maximum


@pytest.mark.parametrize("raw", ["²", "①", "12²"])
def test_superscripts_are_refused_not_crashing(raw: str) -> None:
    with pytest.raises(ArgError, match="must be a number"):
        parse(f"followers={raw}")


def test_other_scripts_decimal_digits_are_read() -> None:
    assert parse("followers=١٢٠٠٠")["followers"] == 12_000  # Arabic-Indic digits


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_usage_hint_example_is_a_declared_call_that_parses(language: str) -> None:
    """Trial: "/forget blah" answered "Example: /forget confirm cancel" (the first two
    arguments' examples joined), and typing it cancelled. Each command's hint shows one of
    its own declared examples, which parses with its own arguments into a call that asks
    for one thing (never confirm and cancel together)."""
    registry = build_registry()
    with using(language):
        for spec in registry:
            if not spec.args:
                continue
            with pytest.raises(ArgError) as caught:
                parse_args(spec.args, "zzzqqq=1", command=spec.name, examples=spec.examples)
            example = caught.value.usage
            assert example is not None, (language, spec.name)
            assert str(caught.value).endswith((".", "。")), str(caught.value)
            declared = [typed_example(e) for e in spec.examples]
            assert example in declared, (language, spec.name, example)
            split = split_command(example)
            assert split is not None and split[0] == spec.name, example
            values = parse_args(spec.args, split[1], command=spec.name)
            assert not (values.get("confirm") and values.get("cancel")), example
            assert split[1], f"{example}: a hint's example shows an argument"


def test_a_usage_hint_without_examples_shows_one_arguments_example() -> None:
    """With no declared example the hint shows one argument's example, never two joined
    (two flags may contradict each other)."""
    specs = (ArgSpec("confirm", ArgType.FLAG, "Do it.", "confirm"),
             ArgSpec("cancel", ArgType.FLAG, "Don't.", "cancel"))
    with pytest.raises(ArgError) as caught:
        parse_args(specs, "zzzqqq", command="forget")
    assert caught.value.usage == "/forget confirm", caught.value.usage
    with pytest.raises(ArgError) as caught:
        parse_args(specs, "zzzqqq")
    assert caught.value.usage == "confirm", caught.value.usage


@pytest.mark.parametrize(("name", "typed"), [
    ("followers", "-0"), ("followers", "-0.0"), ("completion_rate", "-0"),
    ("completion_rate", "-0%"), ("videos_per_week", "-0"), ("videos_per_week", "-0.0")])
def test_a_typed_minus_zero_is_zero(name: str, typed: str) -> None:
    """"-0" passes a minimum of 0; it is stored and shown as 0 ("Completion rate: -0%" was
    the reply), whatever the kind of number."""
    log = build_registry().get("log")
    assert log is not None
    value = parse_args(log.args, f"{name}={typed}", command="log")[name]
    assert value == 0 and str(value) == "0.0", (name, typed, value)


def test_a_commands_lookup_is_built_once_per_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command's names, aliases, flags and the language's field names are worked out once
    per language (they never change), not per message: the second parse builds nothing."""
    from bot.commands import build_registry
    from bot.core import args as args_module

    spec = build_registry().get("log")
    assert spec is not None
    for language in ("en", "de"):
        with using(language):
            first = parse_args(spec.args, "followers=12k views=40k likes=3k")
            built: list[object] = []
            original = args_module._build_lookup

            def counting(*a: Any, original: Any = original, built: list[object] = built
                         ) -> Any:
                built.append(a)
                return original(*a)

            monkeypatch.setattr(args_module, "_build_lookup", counting)
            assert parse_args(spec.args, "followers=12k views=40k likes=3k") == first
            assert built == []
            monkeypatch.undo()
    with using("de"):  # a phrase of several words is still one name
        assert parse_args(spec.args, "Aufrufe pro Video=3k")["avg_views"] == 3000


def test_a_value_below_the_minimum_is_named_as_typed() -> None:
    """Hostile trial: "/estimate order_value=0.001" answered "must be at least 1 (you typed
    0)": the value was rounded for display. The sentence quotes what was typed."""
    spec = ArgSpec("order_value", ArgType.NUMBER, "Average order value", "40", minimum=1)
    with pytest.raises(ArgError, match=r"you typed 0\.001\)"):
        parse_args([spec], "order_value=0.001", command="estimate")
