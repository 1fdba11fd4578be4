"""What could be read two ways is asked about, never guessed (hostile test): a count that is
not whole after its suffix, a value between two names, an index typed with decimals, a bound
said as it is."""

from __future__ import annotations

import pytest

from bot.commands import build_registry
from bot.core.args import ArgError, parse_args
from bot.core.registry import metric_args
from bot.i18n import using

METRICS = metric_args()


def parse(raw: str, command: str = "log") -> dict[str, object]:
    specs = METRICS if command == "log" else build_registry().get(command).args
    return parse_args(specs, raw, command=command)


def refusal(raw: str, command: str = "log") -> ArgError:
    with pytest.raises(ArgError) as err:
        parse(raw, command)
    return err.value


@pytest.mark.parametrize(("raw", "lower", "upper"), [
    ("followers=1.2345k", "1234", "1235"),  # was 1234, silently (half-even)
    ("followers=1.2355k", "1235", "1236"),
    ("followers=1.0015k", "1001", "1002"),
    ("followers=0.0004k", "0", "1"),  # was 0, with no question
    ("followers=1.2345678M", "1234567", "1234568"),
    ("followers=1234,5", "1234", "1235"),  # the same rule, the same sentence
])
def test_a_count_that_is_not_whole_after_its_suffix_is_asked_about(
        raw: str, lower: str, upper: str) -> None:
    err = refusal(raw)
    assert str(err) == (f"'{raw.split('=')[1]}' for followers: a count has no decimals; "
                        f"write {lower} or {upper}.")
    assert err.suggestions == (lower, upper)


@pytest.mark.parametrize(("raw", "expected"), [
    ("followers=1.2k", 1200), ("followers=1.15k", 1150), ("followers=1.005k", 1005),
    ("followers=2.5M", 2_500_000), ("followers=0.001k", 1), ("followers=-0k", 0),
])
def test_a_count_whole_after_its_suffix_is_read_exactly(raw: str, expected: int) -> None:
    assert parse(raw)["followers"] == expected


def test_japanese_suffix_not_whole_is_asked_about_too() -> None:
    with using("ja"):
        assert parse("followers=1.2345万")["followers"] == 12_345
        assert refusal("followers=1.23456万").suggestions == ("12345", "12346")


@pytest.mark.parametrize(("raw", "expected"), [
    ("40k views 3k likes", {"views": 40_000, "likes": 3_000}),
    ("views 40k likes 3k", {"views": 40_000, "likes": 3_000}),
    ("12k followers, 40k views, 3k likes", {"followers": 12_000, "views": 40_000,
                                            "likes": 3_000}),
    ("12k followers; 40k views; 3k likes", {"followers": 12_000, "views": 40_000,
                                            "likes": 3_000}),
    ("40k views, 12k", {"views": 40_000, "followers": 12_000}),
    ("12k, views 40k", {"followers": 12_000, "views": 40_000}),
    ("12k 40k views", {"followers": 12_000, "views": 40_000}),
    ("views 40k 12k", {"views": 40_000, "followers": 12_000}),
    ("2.7k followers", {"followers": 2_700}),
    ("followers 2300", {"followers": 2_300}),
])
def test_value_and_name_in_either_order_are_read_right(
        raw: str, expected: dict[str, int]) -> None:
    assert parse(raw) == expected


@pytest.mark.parametrize(("raw", "name", "first", "second"), [
    ("40k views 12k", "views", "40k", "12k"),  # was followers 40k, views 12k: swapped
    ("2.7k followers 40000", "followers", "2.7k", "40000"),
    ("40k views 3k likes 500", "views", "40k", "3k"),
])
def test_a_value_between_two_readings_is_asked_about(
        raw: str, name: str, first: str, second: str) -> None:
    err = refusal(raw)
    assert str(err) == (f"In '{raw}', is {name} {first} or {second}? Write {name}={first} "
                        f"or {name}={second}.")


@pytest.mark.parametrize(("raw", "expected"), [
    ("12k avg_watch_time 0:45", {"followers": 12_000, "avg_watch_time": 45}),
    ("0:45 avg_watch_time 12k", {"avg_watch_time": 45, "followers": 12_000}),
    ("40k views 12k avg_watch_time 0:45",
     {"followers": 40_000, "views": 12_000, "avg_watch_time": 45}),
])
def test_a_reading_the_name_cannot_take_is_not_asked_about(
        raw: str, expected: dict[str, int]) -> None:
    """Reviewer: "is avg_watch_time 12k or 0:45?" was asked, though 12k is no watch time:
    a reading whose value its name cannot take is dropped, and the one left is the answer."""
    assert parse(raw) == expected


def test_a_value_between_two_readings_is_asked_about_in_german() -> None:
    with using("de"):
        err = refusal("40k Aufrufe 12k")
    assert "Aufrufe=40k" in str(err) and "Aufrufe=12k" in str(err)


def test_an_index_with_decimals_is_asked_as_a_whole_number_not_thousands() -> None:
    err = refusal("remove=1.5", "payout")
    assert str(err) == "'1.5' for remove: it must be a whole number; write 1 or 2."
    assert "1.5k" not in str(err)
    assert "1.5k" in str(refusal("views=1.5", "payout"))  # a count may be thousands


def test_a_choice_of_one_is_said_naturally() -> None:
    assert str(refusal("brand=3 per=post", "payout")) == (
        "per can only be video (you typed 'post').")


def test_a_month_before_the_first_says_the_bound() -> None:
    assert str(refusal("affiliate=220 month=2015-01", "payout")) == (
        "month must be from 2016-01 to 2100-12 (you typed '2015-01').")
    assert "year and month like" in str(refusal("affiliate=220 month=2015-13", "payout"))


@pytest.mark.parametrize(("raw", "expected"), [
    ("フォロワー＝12000", {"followers": 12_000}),  # was refused: full-width ＝
    ("completion_rate=50％", {"completion_rate": 0.5}),  # was refused: full-width ％
    ("ｆｏｌｌｏｗｅｒｓ＝１２ｋ\u3000ｖｉｅｗｓ：４０ｋ", {"followers": 12_000, "views": 40_000}),
    ("１２ｋ\u3000フォロワー，\u3000４０ｋ\u3000ｖｉｅｗｓ",
     {"followers": 12_000, "views": 40_000}),
    ("フォロワー＝１．２万", {"followers": 12_000}),
])
def test_full_width_forms_read_as_their_ascii(raw: str, expected: dict[str, float]) -> None:
    with using("ja"):
        got = parse(raw)
    assert got == pytest.approx(expected)


def test_free_text_keeps_its_full_width_forms() -> None:
    """A file's name (or a handle, a niche) is the creator's: only the sign between name and
    value is folded, never the text itself."""
    with using("ja"):
        got = parse("path＝ｅｘｐｏｒｔ１.csv", "import")
        assert got["path"] == "ｅｘｐｏｒｔ１.csv"
        assert parse("ｅｘｐｏｒｔ１.csv", "import")["path"] == "ｅｘｐｏｒｔ１.csv"


@pytest.mark.parametrize(("raw", "command", "name", "kept"), [
    ('path="レポート：１１月.csv"', "import", "path", "レポート：１１月.csv"),
    ("path＝レポート：１１月.csv", "import", "path", "レポート：１１月.csv"),
    ("レポート＝１１月.csv", "import", "path", "レポート＝１１月.csv"),
    ("レポート：１１月.csv", "import", "path", "レポート：１１月.csv"),
    ('path="新しい　フォルダ／レポート：１１月.csv"', "import", "path",
     "新しい　フォルダ／レポート：１１月.csv"),
])
def test_full_width_signs_inside_free_text_are_the_creators(
        raw: str, command: str, name: str, kept: str) -> None:
    """Reviewer: the full-width ＝ ： ， ； were folded on the whole line, so a file's name or
    a niche holding one was read as another text ("レポート:１１月.csv", a different file).
    Only the signs that act as syntax (after a name, between two arguments) are folded."""
    with using("ja"):
        assert parse(raw, command)[name] == kept


@pytest.mark.parametrize("raw", ["niche=料理，旅行", "niche＝料理；旅行", 'niche="料理，旅行"'])
def test_a_refused_niche_is_quoted_as_typed(raw: str) -> None:
    """The niche's check sees (and the refusal quotes) the text as typed, not "料理,旅行"."""
    with using("ja"):
        typed = raw.split("=")[-1].split("＝")[-1].strip('"')
        assert f"「{typed}」" in str(refusal(raw, "settings"))


def test_full_width_separators_between_arguments_still_separate() -> None:
    with using("ja"):
        got = parse("niche＝料理，language＝ja", "settings")
        assert (got["niche"], got["language"]) == ("料理", "ja")
        assert parse("フォロワー ＝ 12000；再生数＝40000") == pytest.approx(
            {"followers": 12_000, "views": 40_000})


def test_an_age_below_the_bound_is_not_rounded_up_into_it() -> None:
    """Review: ``age=12.5`` hinted 13, an age the creator is not yet."""
    assert str(refusal("age=12.5", "settings")).startswith("age must be at least 13")


@pytest.mark.parametrize(("raw", "command", "said", "suggested"), [
    ("0.5", "history", "'0.5' for n: it must be a whole number; write 1.", ("1",)),
    ("50.4", "history", "'50.4' for n: it must be a whole number; write 50.", ("50",)),
    ("n=49.5", "history", "'49.5' for n: it must be a whole number; write 49 or 50.",
     ("49", "50")),
    # an age is whole years completed: 17.5 is 17, never 18 (an adult) nor 12.5 13
    ("age=17.5", "settings", "'17.5' for age: it must be a whole number; write 17.", ("17",)),
])
def test_a_whole_number_is_only_offered_within_its_bounds(
        raw: str, command: str, said: str, suggested: tuple[str, ...]) -> None:
    """Hostile trial: ``/history 0.5`` said "write 0 or 1" and ``/history 50.4`` "write 50 or
    51", where n takes 1 to 50: 0 and 51 were then refused. The one place these hints are
    made (args._not_whole) offers only what the argument's bounds take, and each parses."""
    err = refusal(raw, command)
    assert str(err) == said
    assert err.suggestions == suggested
    spec = next(s for s in build_registry().get(command).args  # type: ignore[union-attr]
                if s.name == err.arg)
    for value in suggested:
        assert parse(f"{spec.name}={value}", command)[spec.name] == int(value)
    assert "looks too large" in str(refusal("n=51.5", "history"))  # neither: the bound


@pytest.mark.parametrize(("raw", "command", "said"), [
    ("last", "history", "n needs a whole number from 1 to 50, e.g. n=20."),
    ("n=last", "history",
     "n needs a whole number from 1 to 50, and 'last' isn't one; e.g. n=20."),
    ("n=", "history", "n needs a whole number from 1 to 50, e.g. n=20."),
    ("age twelve", "settings",
     "age needs a whole number from 13 to 120, and 'twelve' isn't one; e.g. age=19."),
])
def test_a_whole_number_without_one_says_its_range(raw: str, command: str,
                                                  said: str) -> None:
    """Hostile trial: ``/history last`` said "n needs a value": a whole-number argument
    given a word, or no number, says the whole numbers it takes."""
    assert str(refusal(raw, command)) == said


@pytest.mark.parametrize(("raw", "command", "said"), [
    ("followers=5B confirm key 8b3de27e", "log",
     "Write key=8b3de27e: the value goes right after the name and an = sign."),
    ("timezone Asia/Kolkata", "settings",
     "Write timezone=Asia/Kolkata: the value goes right after the name and an = sign."),
    ("confirm key 3fa9c2d1", "undo",
     "Write key=3fa9c2d1: the value goes right after the name and an = sign."),
    ("metric followers", "progress",
     "Write metric=followers: the value goes right after the name and an = sign."),
    ("timezone", "settings", "timezone needs a value, e.g. timezone=Europe/Berlin."),
])
def test_a_name_typed_before_its_value_is_asked_as_name_equals_value(
        raw: str, command: str, said: str) -> None:
    """Hostile trial: ``/log followers=5B confirm key 8b3de27e`` said "I don't know what
    'key' means here. Did you mean 'key'?" (so did ``/settings timezone Asia/Kolkata``): a
    word that is itself an argument's name is no typo; the pair to write is said."""
    spec = build_registry().get(command)
    assert spec is not None
    with pytest.raises(ArgError) as refused:
        parse_args(spec.args, raw, command=command)
    err = refused.value
    assert str(err) == said
    assert "Did you mean" not in str(err)
