"""No translated phrase is glued into another translated sentence (issue 20, native re-trial).

"Likes don't pay directly, but %(engagement)s." filled with "engagement unknown (%(reason)s):
brand range widened", itself filled with "log your 30-day likes to see it", reads as nonsense in
German, Spanish or Portuguese. :class:`bot.i18n.Phrase` marks what ``_()``/``ngettext()``
return, and under the tests (``tests/conftest.py``) filling a message with one raises, in code
and in templates, unless it stands alone there (:func:`bot.i18n.standalone`, a list of items).
"""

from __future__ import annotations

import pytest

from bot import i18n
from bot.adapters.console import ConsoleAdapter
from bot.domain.metrics import EngagementGap
from bot.domain.numbers import items, tidy_spaces
from bot.render.environment import Renderer
from bot.render.formats import Format
from tests.unit.test_i18n_catalogues import TEMPLATES


def test_a_translated_phrase_in_a_placeholder_raises() -> None:
    reason = i18n.gettext("log your 30-day likes to see it")
    assert isinstance(reason, i18n.Phrase)
    with pytest.raises(i18n.GluedPhrase, match="reason"):
        i18n.gettext("engagement unknown (%(reason)s): brand range widened", reason=reason)
    with pytest.raises(i18n.GluedPhrase):
        i18n.ngettext("%(num)s payout, %(why)s", "%(num)s payouts, %(why)s", 2, why=reason)
    # numbers, names, lists of items and a phrase that stands alone (after a label) may fill one
    assert i18n.gettext("assumed: %(what)s", what=i18n.standalone(reason)).endswith("see it")
    assert i18n.gettext("Missing: %(list)s", list=items([reason, reason]))
    assert i18n.gettext("%(n)s views", n=3) == "3 views"


def test_a_template_filling_a_sentence_with_a_phrase_raises() -> None:
    renderer = Renderer(TEMPLATES)
    gettext = renderer._env(Format.PLAIN).globals["_"]
    with pytest.raises(i18n.GluedPhrase):
        gettext("Likes don't pay directly, but %(engagement)s.",
                engagement=i18n.gettext("about typical"))


async def _estimate(console: ConsoleAdapter, log: str) -> str:
    assert (await console.ask(f"/log {log}")).ok
    result = await console.ask("/estimate")
    assert result.ok, result.text
    return result.text


@pytest.mark.parametrize(("log", "sentence"), [
    ("followers=25k views=100k likes=9k",
     "Likes don't pay directly, but they raise your brand prices: your engagement by views is "
     "9%, 2.2× the typical 4.1% for accounts your size (5k–1M)."),
    ("followers=25k views=100k likes=2k",
     "Likes don't pay directly, but they lower your brand prices: your engagement by views is "
     "2%, 0.5× the typical 4.1% for accounts your size (5k–1M)."),
    ("followers=25k views=100k likes=4.2k",
     "Likes don't pay directly, and yours leave your brand prices as they are: your engagement "
     "by views is 4.2%, 1.0× the typical 4.1% for accounts your size (5k–1M)."),
])
async def test_estimate_says_each_known_engagement_case_in_one_sentence(
        console: ConsoleAdapter, log: str, sentence: str) -> None:
    text = await _estimate(console, log)
    assert sentence in text, text
    assert "Typical engagement by views for your size: Rival IQ 2023: 4.14% (5k–1M) and " \
           "Socialinsider 2023: 5.1% (all sizes)." in text


async def test_estimate_says_unknown_engagement_and_why_in_whole_sentences(
        console: ConsoleAdapter) -> None:
    text = await _estimate(console, "followers=25k views=100k")
    assert ("Likes don't pay directly, but they set brand prices: your engagement by views is "
            "unknown, so brand prices assume the typical engagement for accounts your size, in a "
            "wider range. Log your 30-day likes to see your engagement rate.") in text


@pytest.mark.parametrize("language", i18n.LANGUAGES)
async def test_estimate_and_stats_read_whole_in_every_language(
        console: ConsoleAdapter, language: str) -> None:
    """The example of the re-trial, in each language: the sentence about unknown engagement
    and its reason are each one whole translated sentence."""
    assert (await console.ask(f"/settings language={language}")).ok
    text = await _estimate(console, "followers=25k views=100k")
    stats = (await console.ask("/stats")).text
    with i18n.using(language):
        unknown = i18n.gettext("Likes don't pay directly, but they set brand prices: your "
                               "engagement by views is unknown, so brand prices assume the "
                               "typical engagement for accounts your size, in a wider range.")
        reason = EngagementGap.NO_LIKES.sentence
        label = i18n.gettext("Engagement by views: unknown.")
        # two sentences joined as the language joins them (Japanese: no space after 。)
        joined, labelled = tidy_spaces(f"{unknown} {reason}"), tidy_spaces(f"{label} {reason}")
    assert joined in text
    assert labelled in stats


@pytest.mark.parametrize("gap", list(EngagementGap))
@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_reason_is_a_whole_sentence(gap: EngagementGap, language: str) -> None:
    with i18n.using(language):
        sentence = gap.sentence
    assert sentence[:1] == sentence[:1].upper()
    assert sentence.rstrip()[-1] in ".。!"


@pytest.mark.parametrize("language", ["es", "pt_BR", "de", "fr"])
async def test_estimate_route_headings_start_with_a_capital(
        console: ConsoleAdapter, language: str) -> None:
    assert (await console.ask(f"/settings language={language} region=US adult=yes")).ok
    text = await _estimate(console, "followers=25k views=100k likes=4k diamonds=20k")
    with i18n.using(language):
        names = [i18n.translate(n) for n in ("Creator Rewards Program", "Brand partnerships",
                                             "LIVE gifts", "Affiliate (TikTok Shop)",
                                             "Your own products")]
    lines = text.splitlines()
    for name in names:
        heading = next(line for line in lines if line.lower().startswith(name.lower() + " · "))
        assert heading[:1].isupper(), heading
