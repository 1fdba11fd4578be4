"""A video length as the bot shows it is a video length the creator can type back, through
the console as they would copy it: ``/log avg_video_length=48 Sek.`` (German), ``48秒``
(Japanese, full-width digits too), ``1 min 5 s`` (French), ``3:54.67`` (exact seconds). Each
was refused before: the space split the value and left its unit a stray argument, or the
language's unit word was no duration."""

from __future__ import annotations

import re

import pytest

from bot import i18n
from bot.adapters.console import ConsoleAdapter
from bot.domain.metrics import format_metric, format_typed


@pytest.mark.parametrize("language", i18n.LANGUAGES)
async def test_the_length_stats_shows_is_typed_back(console: ConsoleAdapter,
                                                    language: str) -> None:
    assert (await console.ask(f"/settings language={language}")).ok
    assert (await console.ask("/log avg_video_length=0:50 avg_watch_time=7")).ok
    stats = await console.ask("/stats")
    with i18n.using(language):
        shown, watched = format_metric("avg_video_length", 48), format_metric("avg_watch_time", 9)
        assert format_metric("avg_video_length", 50) in stats.text, stats.text
    again = await console.ask(f"/log avg_video_length={shown} avg_watch_time={watched} 12k")
    assert again.ok, (language, shown, again.text)
    assert shown in again.text and watched in again.text, again.text


@pytest.mark.parametrize(("language", "typed", "seconds"), [
    ("de", "48 Sek.", 48), ("de", "1 Min. 5 Sek.", 65), ("de", "3:54,67", 234.67),
    ("ja", "48秒", 48), ("ja", "４８秒", 48), ("ja", "1分5秒", 65), ("ja", "１分５秒", 65),
    ("fr", "1 min 5 s", 65), ("fr", "48\u202fs", 48), ("es", "48 s", 48), ("pt_BR", "48 s", 48),
    ("en", "48s", 48), ("en", "1m 5s", 65), ("en", "3:54.67", 234.67),
])
async def test_a_duration_in_the_languages_words_is_logged(
        console: ConsoleAdapter, language: str, typed: str, seconds: float) -> None:
    assert (await console.ask(f"/settings language={language}")).ok
    logged = await console.ask(f"/log avg_video_length={typed}")
    assert logged.ok, (typed, logged.text)
    history = await console.ask("/history")
    with i18n.using(language):
        # /history writes it as typed, to the exact seconds (3:54.67, never 3:55)
        exact = format_typed("avg_video_length", seconds)
    assert re.search("=" + re.escape(exact) + r"(?!\d)", history.text), (exact, history.text)


async def test_garbage_after_a_duration_is_one_sentence(console: ConsoleAdapter) -> None:
    assert (await console.ask("/settings language=de")).ok
    refused = await console.ask("/log avg_video_length=48 Sek. Sek.")
    assert not refused.ok and "„Sek.“" in refused.text, refused.text
    too_long = await console.ask("/log avg_video_length=11 Std.")
    assert not too_long.ok and "10:00:00" in too_long.text and "36" not in too_long.text, \
        too_long.text
