"""What the bot shows for a duration can be typed back: every video length or watch time a
reply writes (``48s``, ``50 Sek.``, ``48\u202fs``, ``52秒``, ``1:05``, ``3:54.67``), in every
language, as the creator copies it into ``/log``, is the value it showed. The unit words are
Babel's, as the formatter's (:func:`bot.domain.numbers.duration_words`); a unit word after a
space belongs to the duration, never a real next argument."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import i18n
from bot.core.args import ArgError, parse_args
from bot.core.registry import metric_args
from bot.domain import numbers
from bot.domain.fieldnames import field_name
from bot.domain.metrics import format_metric, format_typed

SPECS = metric_args()
FIELD = "avg_video_length"


def log(lang: str, raw: str) -> dict[str, object]:
    with i18n.using(lang):
        return parse_args(SPECS, raw, command="log")


def typed_back(lang: str, shown: str, local_name: bool, after: str) -> dict[str, object]:
    """``shown`` typed after the field's name (English or the language's) and ``after``."""
    with i18n.using(lang):
        name = field_name(FIELD) if local_name else FIELD
    return log(lang, f"{name}={shown}{after}")


#: What may follow the duration on the line: nothing, a bare followers count, another
#: argument, a comma and a count. Each stays its own argument.
AFTER = {"": {}, " 12k": {"followers": 12_000}, " 40": {"followers": 40},
         " views=40k": {"views": 40_000}, ", 12k": {"followers": 12_000}}


@settings(max_examples=400, deadline=None)
@given(lang=st.sampled_from(i18n.LANGUAGES), seconds=st.one_of(
           st.integers(0, 120), st.integers(0, 36_000)),
       local_name=st.booleans(), after=st.sampled_from(sorted(AFTER)))
def test_every_whole_duration_shown_reads_back(lang: str, seconds: int, local_name: bool,
                                               after: str) -> None:
    with i18n.using(lang):
        shown = format_metric(FIELD, float(seconds))
    got = typed_back(lang, shown, local_name, after)
    assert got == {FIELD: seconds, **AFTER[after]}, (lang, shown)


@settings(max_examples=300, deadline=None)
@given(lang=st.sampled_from(i18n.LANGUAGES),
       x=st.floats(0, 36_000, allow_nan=False, allow_infinity=False))
def test_every_rounded_duration_shown_reads_back_to_what_it_shows(lang: str, x: float) -> None:
    """``format_metric`` shows whole seconds: what it shows reads back to the same display."""
    with i18n.using(lang):
        shown = format_metric(FIELD, x)
    got = log(lang, f"{FIELD}={shown}")[FIELD]
    with i18n.using(lang):
        assert format_metric(FIELD, got) == shown, (lang, x, shown, got)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(lang=st.sampled_from(i18n.LANGUAGES),
       hundredths=st.one_of(st.integers(0, 6_000), st.integers(0, 3_600_000)),
       after=st.sampled_from(sorted(AFTER)))
def test_every_exact_duration_shown_reads_back_exactly(lang: str, hundredths: int,
                                                       after: str) -> None:
    """/history, /undo and a preview show a duration as typed (``42,25 Sek.``, ``3:54.67``):
    typed back it is that value, to its last digit."""
    value = float(Decimal(hundredths) / 100)
    with i18n.using(lang):
        shown = format_typed(FIELD, value)
    got = typed_back(lang, shown, False, after)
    assert got == {FIELD: value, **AFTER[after]}, (lang, shown)


@pytest.mark.parametrize(("lang", "typed", "seconds"), [
    ("de", "48 Sek.", 48), ("de", "48Sek.", 48), ("de", "48 Sek", 48), ("de", "42,25 Sek.", 42.25),
    ("de", "1 Min. 5 Sek.", 65), ("de", "1 Std. 2 Min. 5 Sek.", 3725), ("de", "3:54,67", 234.67),
    ("de", "3:54.67", 234.67), ("de", "50 Sekunden", 50), ("de", "48s", 48),
    ("ja", "48秒", 48), ("ja", "４８秒", 48), ("ja", "1分5秒", 65), ("ja", "１分５秒", 65),
    ("ja", "1時間2分", 3720), ("ja", "42.25秒", 42.25), ("ja", "3:54.67", 234.67),
    ("fr", "1 min 5 s", 65), ("fr", "48\u202fs", 48), ("fr", "48 s", 48), ("fr", "48 secondes", 48),
    ("es", "48 s", 48), ("es", "1 min 5 s", 65), ("es", "48 segundos", 48),
    ("pt_BR", "48 s", 48), ("pt_BR", "2 min", 120),
    ("en", "48s", 48), ("en", "1m 5s", 65), ("en", "1m5s", 65), ("en", "48 sec", 48),
    ("en", "3:54.67", 234.67), ("en", "1.1m", 66), ("en", "2 minutes", 120),
])
def test_a_duration_as_the_bot_writes_it(lang: str, typed: str, seconds: float) -> None:
    assert log(lang, f"{FIELD}={typed}") == {FIELD: seconds}


@pytest.mark.parametrize(("lang", "raw", "expected"), [
    ("de", "Videolänge 48 Sek.", {FIELD: 48}),
    ("en", "48 s avg_video_length", {FIELD: 48}),
    ("de", "avg_watch_time=12 Sek. avg_video_length=1 Min.", {"avg_watch_time": 12, FIELD: 60}),
    ("de", "avg_video_length=48 Sek. 12k", {FIELD: 48, "followers": 12_000}),
    ("en", "avg_video_length=1m 5s 12", {FIELD: 65, "followers": 12}),
    ("en", "avg_video_length=48 12", {FIELD: 48, "followers": 12}),  # (never one duration)
])
def test_a_unit_word_joins_the_duration_and_nothing_else(
        lang: str, raw: str, expected: dict[str, float] | None) -> None:
    if expected is None:
        with pytest.raises(ArgError):
            log(lang, raw)
    else:
        assert log(lang, raw) == expected


@pytest.mark.parametrize(("lang", "raw"), [
    ("en", "avg_video_length=soon"), ("ja", "avg_video_length=48秒間"),
    ("de", "avg_video_length=48 Sek. Sek."), ("en", "avg_video_length=1:75"),
    ("de", "avg_video_length=48 Mio."), ("fr", "avg_video_length=48 s et demie"),
])
def test_garbage_is_still_one_clear_sentence(lang: str, raw: str) -> None:
    with i18n.using(lang), pytest.raises(ArgError) as err:
        parse_args(SPECS, raw, command="log")
    message = str(err.value)
    assert "\n" not in message and message.count(". ") + message.count("。") <= 2, message


def test_the_unit_words_are_babels() -> None:
    """One source: the words :func:`~bot.domain.numbers.duration` writes are read."""
    for lang in i18n.LANGUAGES:
        words = dict(numbers.duration_words(lang))
        with i18n.using(lang):
            shown = numbers.duration(48)
        word = "".join(c for c in shown if not c.isdigit() and not c.isspace()).lower()
        assert words[word] == 1, (lang, shown)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_a_durations_bound_is_written_as_a_duration(lang: str) -> None:
    """The most a video length may be was written '36k' (seconds, as a count), which reads
    back as no duration: it is 10:00:00, as the bot writes durations."""
    with i18n.using(lang), pytest.raises(ArgError) as err:
        parse_args(SPECS, f"{FIELD}=40000", command="log")
    assert "10:00:00" in str(err.value) and "36" not in str(err.value), str(err.value)
