"""What the bot prints can be typed back (hostile trial): every number a reply shows
(:mod:`bot.domain.numbers`: count, compact, pct, number), in every language, with the spaces,
NBSPs and compact suffixes Babel writes, reads back through ``/log``'s parser to what was shown;
errors name the field being parsed; suggestions mean what was typed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import i18n
from bot.core.args import ArgError, parse_args, parse_number
from bot.core.registry import metric_args
from bot.domain import numbers

SPECS = metric_args()
BY_NAME = {s.name: s for s in SPECS}


def log(lang: str, raw: str) -> dict[str, object]:
    with i18n.using(lang):
        return parse_args(SPECS, raw, command="log")


def refused(lang: str, raw: str) -> ArgError:
    with i18n.using(lang), pytest.raises(ArgError) as err:
        parse_args(SPECS, raw, command="log")
    return err.value


# The trial's examples, each as it was typed.

@pytest.mark.parametrize(("lang", "raw", "field", "value"), [
    ("fr", "Taux de complétion=35 %", "completion_rate", 0.35),
    ("fr", "Taux de complétion=7,5\u202f%", "completion_rate", 0.075),
    ("de", "Abschlussrate=35,5 %", "completion_rate", 0.355),
    ("de", "Abschlussrate=35,5\u00a0%", "completion_rate", 0.355),
    ("en", "completion_rate=35 %", "completion_rate", 0.35),
    ("de", "Follower=1,2 Mio.", "followers", 1_200_000),
    ("de", "Follower=1,2\u00a0Mio.", "followers", 1_200_000),
    ("de", "Follower=3 Tsd.", "followers", 3000),
    ("fr", "abonnés=1,2 M", "followers", 1_200_000),
    ("fr", "abonnés=1,5 k", "followers", 1500),
    ("fr", "abonnés=12,3 k", "followers", 12_300),
    ("fr", "abonnés=12,3\u00a0k", "followers", 12_300),
    ("es", "seguidores=1,2 mil M", "followers", 1_200_000_000),
    ("es", "seguidores=12,3 mil", "followers", 12_300),
    ("pt_BR", "seguidores=1,2 mi", "followers", 1_200_000),
    ("ja", "フォロワー=1.2万", "followers", 12_000),
])
def test_a_value_with_a_space_before_its_suffix_or_percent_is_one_value(
        lang: str, raw: str, field: str, value: float) -> None:
    got = log(lang, raw)
    assert got[field] == pytest.approx(value)


def test_a_value_with_a_space_before_its_suffix_reads_as_a_csv_cell_does() -> None:
    """Chat and import read one way: the CSV cell ``1,2 Mio.`` is the chat's ``1,2 Mio.``."""
    with i18n.using("de"):
        assert parse_number("1,2 Mio.", BY_NAME["followers"]) == 1_200_000
    assert log("de", "Follower=1,2 Mio.")["followers"] == 1_200_000


def test_a_suffix_word_is_not_taken_from_a_longer_word() -> None:
    with i18n.using("es"), pytest.raises(ArgError):
        parse_args(SPECS, "seguidores=12 millones", command="log")


def test_a_stray_percent_never_blames_another_field() -> None:
    err = refused("fr", "vues=3k %")
    assert err.arg != "followers" and not str(err).startswith("Abonnés")
    assert "«\u00a0%\u00a0»" in str(err)


@pytest.mark.parametrize("raw", ["j’aime=3k", "J’aime=3k", "j‘aime=3k"])
def test_a_curly_apostrophe_in_a_field_name_is_an_apostrophe(raw: str) -> None:
    assert log("fr", raw)["likes"] == 3000


def test_a_suggestion_for_a_grouped_number_with_decimals_means_what_was_typed() -> None:
    err = refused("fr", "abonnés=12 300,5")
    assert "12300,5k" not in str(err)
    with i18n.using("fr"):
        read = [parse_number(s, BY_NAME["followers"]) for s in err.suggestions]
    assert read == [12_300, 12_301]


# Every number a reply shows reads back, in its language, to the same display.

def _reads_back(lang: str, field: str, shown: str, show: object) -> None:
    got = log(lang, f"{field}={shown}")[field]
    with i18n.using(lang):
        again = show(got)  # type: ignore[operator]
    assert again == shown, f"{lang}: {field}={shown!r} read as {got!r}, shown as {again!r}"


@settings(max_examples=300, deadline=None)
@given(lang=st.sampled_from(i18n.LANGUAGES),
       n=st.one_of(st.integers(0, 20_000), st.integers(0, 10**12)),
       show=st.sampled_from(["count", "compact", "number"]))
def test_every_count_shown_reads_back(lang: str, n: int, show: str) -> None:
    fmt = getattr(numbers, show)
    with i18n.using(lang):
        shown = fmt(float(n))
    _reads_back(lang, "views", shown, fmt)


@settings(max_examples=200, deadline=None)
@given(lang=st.sampled_from(i18n.LANGUAGES),
       x=st.floats(0, 700, allow_nan=False, allow_infinity=False))
def test_every_quantity_shown_reads_back(lang: str, x: float) -> None:
    with i18n.using(lang):
        shown = numbers.number(x)
    _reads_back(lang, "videos_per_week", shown, numbers.number)


@settings(max_examples=200, deadline=None)
@given(lang=st.sampled_from(i18n.LANGUAGES), x=st.floats(0, 1, allow_nan=False),
       digits=st.sampled_from([0, 1]))
def test_every_percentage_shown_reads_back(lang: str, x: float, digits: int) -> None:
    with i18n.using(lang):
        shown = numbers.pct(x, digits)
    _reads_back(lang, "completion_rate", shown, lambda v: numbers.pct(v, digits))
