"""One word for one thing in each language (trial findings): Japanese says 再生数 for views
and 倍 for a multiple wherever either appears, a tip's fact as much as a catalogue sentence;
German's console greeting tells the creator to type (Tippe), it names no tip (Tipp)."""

from __future__ import annotations

from bot import i18n
from bot.domain.facts import format_fact
from bot.domain.numbers import times
from tests.auxil.catalogues import translated_messages


def test_japanese_says_saiseisuu_for_views() -> None:
    """Trial: /estimate's "→ 視聴回数あと 69,000回" where everything else says 再生数."""
    found = [msgid for msgid, string in translated_messages("ja") if "視聴回数" in string]
    assert not found, found


def test_a_multiple_is_written_once_for_each_language() -> None:
    """Trial: Japanese /tips wrote "1.7×" where /estimate writes "1.7倍": a tip's ratio fact
    (format_fact) is written by numbers.times, as the language writes a multiple."""
    expected = {"en": ("1.7×", "1.26×"), "de": ("1,7×", "1,26×"), "ja": ("1.7倍", "1.26倍")}
    for language, (short, precise) in expected.items():
        with i18n.using(language):
            assert times(1.7) == short
            assert format_fact("er_vs_benchmark", 1.7) == short
            assert format_fact("views_per_follower", 1.26, precise=True) == precise
    with i18n.using("ja"):
        assert format_fact("er_vs_benchmark", 2.0) == "2.0倍"  # the tip's one decimal kept


def test_the_german_console_greeting_says_tippe() -> None:
    with i18n.using("de"):
        line = i18n.gettext("Creator Advisor: type /start to see what I do, or /help for every "
                            "command.")
    assert line.startswith("Creator Advisor: Tippe /start, um"), line
