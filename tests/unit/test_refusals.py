"""Every refusal of a value the creator typed is a sentence in their language, with what they
typed in it kept as typed (bot.domain.refusals)."""

from __future__ import annotations

import pytest

from bot import i18n
from bot.commands import build_registry
from bot.core.registry import ArgSpec
from bot.domain.numbers import kept
from bot.domain.refusals import Refusal

#: A value no argument that normalizes what is typed accepts.
JUNK = "#zz 99"


def _normalized() -> list[ArgSpec]:
    seen: dict[object, ArgSpec] = {}
    for spec in build_registry():
        for arg in spec.args:
            if arg.normalize is not None:
                seen.setdefault(arg.normalize, arg)
    return list(seen.values())


def _refusal(arg: ArgSpec, language: str) -> Refusal:
    assert arg.normalize is not None
    with i18n.using(language), pytest.raises(Refusal) as refused:
        arg.normalize(JUNK)
    return refused.value


def test_the_walk_finds_the_arguments_that_normalize() -> None:
    names = {arg.name for arg in _normalized()}
    assert {"downloaded", "timezone", "month", "key", "by"} <= names, names


@pytest.mark.parametrize("arg", _normalized(), ids=lambda arg: arg.name)
@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE])
def test_an_arguments_refusal_is_in_the_creators_language_and_keeps_what_they_typed(
        arg: ArgSpec, language: str) -> None:
    """Hostile trial: /import's downloaded= refused 'yesterday' in English whatever the
    creator's language ("… is not a date; use YYYY-MM-DD"), a sentence built in Python code
    outside the catalogues."""
    english = _refusal(arg, i18n.SOURCE)
    refused = _refusal(arg, language)
    assert str(refused) != str(english), (language, str(refused))
    if JUNK in str(refused):  # quoted: marked so that no spacing pass changes it
        assert kept(JUNK) in refused.marked, refused.marked


#: How a refusal's sentence may end: a full stop, a question or an exclamation (Japanese
#: full-width too).
SENTENCE_ENDS = (".", "?", "!", "。", "？", "！")


@pytest.mark.parametrize("arg", _normalized(), ids=lambda arg: arg.name)
@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_an_arguments_refusal_ends_as_a_sentence_does(arg: ArgSpec, language: str) -> None:
    """Trial: "/undo confirm key=zz" answered "'zz' is not an /undo key; send /undo to see
    what it would remove", with no full stop, where other refusals end with one (the dates
    of date=, by= and downloaded= too). Every argument's refusal ends as a sentence does, in
    every language (Japanese with 。)."""
    refused = str(_refusal(arg, language))
    assert refused.endswith(SENTENCE_ENDS), (language, refused)
    if language == "ja":
        assert not refused.endswith("."), refused
